//! `sql/code_loading`
//!
//! ## What it catches
//! SQL that installs native or untrusted code into the database server: PostgreSQL
//! `LOAD '/path/lib.so'` and functions in untrusted languages (`plpython3u`, `plperlu`, `pltclu`,
//! `plsh`, `c`), MySQL `CREATE FUNCTION … SONAME` and `INSTALL PLUGIN`, SQL Server
//! `CREATE ASSEMBLY … PERMISSION_SET = UNSAFE | EXTERNAL_ACCESS` and `xp_regwrite`.
//!
//! ## Why it matters
//! Native or untrusted code runs as the database's operating-system user: a shell by another name.
//!
//! ## Blocks
//! ```sql
//! CREATE FUNCTION sys_eval RETURNS STRING SONAME 'lib_mysqludf_sys.so';
//! CREATE FUNCTION f() RETURNS void AS $$ import os; os.system('id') $$ LANGUAGE plpython3u;
//! ```
//!
//! ## Passes
//! ```sql
//! CREATE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b $$ LANGUAGE sql;
//! LOAD DATA LOCAL INFILE 'rows.csv' INTO TABLE t;
//! ```
//!
//! ## Known gaps
//! Extensions (`CREATE EXTENSION`) are trusted by name; an extension that ships native code is not
//! flagged.
//!
//! ## Intents
//! `exec.remote_code`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::lexer::TokenKind;
use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/code_loading",
    intents: &[Intent::ExecRemoteCode],
    triggers: &["load", "soname", "install", "assembly", "xp_regwrite", "language"],
};

/// Procedural languages that are not sandboxed.
const UNTRUSTED_LANGUAGES: &[&str] =
    &["plpythonu", "plpython2u", "plpython3u", "plperlu", "pltclu", "plsh", "c", "plrust_unsafe"];

/// Finds native and untrusted code being installed.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    let push = |facts: &mut Facts, name: String, message: String| {
        facts.push(stmt.fact(
            Intent::ExecRemoteCode,
            Severity::Critical,
            DETECTOR.id,
            Some(Target { kind: "function", name }),
            message,
        ));
    };
    if stmt.is_kw(0, "LOAD") && stmt.tokens.get(1).is_some_and(|t| t.kind == TokenKind::Str) {
        let lib = stmt.tokens[1].string_value(stmt.src);
        push(facts, lib.clone(), format!("LOAD loads the native library `{lib}` into the server"));
        return;
    }
    if stmt.seq(0, &["INSTALL", "PLUGIN"]) || stmt.seq(0, &["INSTALL", "COMPONENT"]) {
        push(facts, stmt.name_at(2).0, "INSTALL PLUGIN loads native code into the server".to_owned());
        return;
    }
    let creates = stmt.is_kw(0, "CREATE") || stmt.seq(0, &["CREATE", "OR", "REPLACE"]);
    if creates {
        if let Some(i) = stmt.find_kw(1, "SONAME") {
            let lib = stmt.tokens.get(i + 1).map(|t| t.string_value(stmt.src)).unwrap_or_default();
            push(facts, lib.clone(), format!("CREATE FUNCTION … SONAME loads the native library `{lib}`"));
            return;
        }
        if stmt.find_kw(1, "ASSEMBLY").is_some() && (stmt.any_kw("UNSAFE") || stmt.any_kw("EXTERNAL_ACCESS")) {
            push(
                facts,
                String::new(),
                "CREATE ASSEMBLY with UNSAFE or EXTERNAL_ACCESS runs unrestricted .NET code".to_owned(),
            );
            return;
        }
        if let Some(lang) =
            stmt.find_kw(1, "LANGUAGE").and_then(|i| stmt.tokens.get(i + 1)).map(|t| t.string_value(stmt.src))
        {
            let lang = lang.to_ascii_lowercase();
            if UNTRUSTED_LANGUAGES.contains(&lang.as_str()) {
                push(
                    facts,
                    lang.clone(),
                    format!("a function in the untrusted language `{lang}` can run any operating-system command"),
                );
            }
        }
        return;
    }
    if (0..stmt.tokens.len()).any(|i| {
        stmt.tokens[i].ident(stmt.src).is_some_and(|w| w.eq_ignore_ascii_case("xp_regwrite"))
            && super::dangerous_function::is_call(stmt, i)
    }) {
        push(facts, "xp_regwrite".to_owned(), "xp_regwrite writes the server's Windows registry".to_owned());
    }
}
