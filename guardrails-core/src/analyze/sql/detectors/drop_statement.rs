//! `sql/drop_statement`
//!
//! ## What it catches
//! `DROP` of any object: databases, schemas, tables, views, indexes, functions, roles, …, with
//! `IF EXISTS`, `CASCADE` and several names; PostgreSQL's `DROP OWNED BY` (every object a role
//! owns). Dropping a database or schema, or `DROP OWNED`, is critical; a table or view is high.
//!
//! ## Why it matters
//! A dropped object and its data are gone; only a restore brings them back.
//!
//! ## Blocks
//! ```sql
//! DROP TABLE IF EXISTS members, branches CASCADE;
//! DROP /* housekeeping */ SCHEMA campus CASCADE;
//! CREATE OR REPLACE DATABASE analytics;   -- Snowflake: the old database is dropped
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT 'DROP SCHEMA public CASCADE';
//! SELECT * FROM drop_log;
//! DROP TEMPORARY TABLE tmp_totals;   -- session-local
//! DROP TABLE #staging;               -- SQL Server temporary table
//! ```
//!
//! ## Known gaps
//! None known.
//!
//! ## Intents
//! `schema.drop`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

pub(crate) const DETECTOR: Detector =
    Detector { id: "sql/drop_statement", intents: &[Intent::SchemaDrop], triggers: &["drop", "replace"] };

/// Object kinds, longest keyword sequence first, with the severity of dropping one.
const OBJECTS: &[(&[&str], &str, Severity)] = &[
    (&["MATERIALIZED", "VIEW"], "view", Severity::High),
    (&["FOREIGN", "TABLE"], "table", Severity::High),
    (&["EXTERNAL", "TABLE"], "table", Severity::High),
    (&["DATABASE"], "database", Severity::Critical),
    (&["SCHEMA"], "schema", Severity::Critical),
    (&["OWNED"], "owned_objects", Severity::Critical),
    (&["CATALOG"], "database", Severity::Critical),
    (&["WAREHOUSE"], "warehouse", Severity::High),
    (&["TABLE"], "table", Severity::High),
    (&["VIEW"], "view", Severity::High),
    (&["TABLESPACE"], "tablespace", Severity::High),
    (&["STAGE"], "stage", Severity::High),
    (&["STREAM"], "stream", Severity::Medium),
    (&["SEQUENCE"], "sequence", Severity::Medium),
    (&["INDEX"], "index", Severity::Medium),
    (&["FUNCTION"], "function", Severity::Medium),
    (&["PROCEDURE"], "procedure", Severity::Medium),
    (&["TRIGGER"], "trigger", Severity::Medium),
    (&["TYPE"], "type", Severity::Medium),
    (&["DOMAIN"], "type", Severity::Medium),
    (&["EXTENSION"], "extension", Severity::Medium),
    (&["POLICY"], "policy", Severity::Medium),
    (&["ROLE"], "role", Severity::Medium),
    (&["USER"], "role", Severity::Medium),
    (&["LOGIN"], "role", Severity::Medium),
    (&["GROUP"], "role", Severity::Medium),
    (&["PARTITION"], "partition", Severity::High),
];

/// Finds `DROP <object> …` at the head of the statement.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    // Snowflake: CREATE OR REPLACE DATABASE|SCHEMA drops the old one and everything in it.
    if stmt.seq(0, &["CREATE", "OR", "REPLACE"]) {
        let mut i = 3;
        if stmt.is_kw(i, "TRANSIENT") {
            i += 1;
        }
        let kind = if stmt.is_kw(i, "DATABASE") {
            "database"
        } else if stmt.is_kw(i, "SCHEMA") {
            "schema"
        } else {
            return;
        };
        let name = stmt.name_at(i + 1).0;
        facts.push(stmt.fact(
            Intent::SchemaDrop,
            Severity::Critical,
            DETECTOR.id,
            Some(Target { kind, name: name.clone() }),
            format!("CREATE OR REPLACE {} drops the existing `{name}` and everything in it", kind.to_ascii_uppercase()),
        ));
        return;
    }
    if !stmt.is_kw(0, "DROP") {
        return;
    }
    // A session's temporary tables hold nothing that outlives it.
    if stmt.seq(1, &["TEMPORARY", "TABLE"]) || stmt.seq(1, &["TEMP", "TABLE"]) {
        return;
    }
    let Some((words, kind, severity)) = OBJECTS.iter().find(|(w, ..)| stmt.seq(1, w)) else {
        // `DROP <something we do not know>` still drops something.
        facts.push(stmt.fact(
            Intent::SchemaDrop,
            Severity::Medium,
            DETECTOR.id,
            None,
            format!("`{}` drops an object", short(stmt.text())),
        ));
        return;
    };
    let mut i = 1 + words.len();
    if stmt.seq(i, &["IF", "EXISTS"]) {
        i += 2;
    }
    if stmt.is_kw(i, "CONCURRENTLY") {
        i += 1;
    }
    if *kind == "owned_objects" && stmt.is_kw(i, "BY") {
        i += 1;
    }
    let mut names = Vec::new();
    let mut named = false;
    loop {
        let (name, next) = stmt.name_at(i);
        if name.is_empty() {
            break;
        }
        named = true;
        if !is_temporary(&name) {
            names.push(name);
        }
        i = next;
        if stmt.is_punct(i, ",") {
            i += 1;
        } else {
            break;
        }
    }
    let cascade = stmt.any_kw("CASCADE");
    if names.is_empty() {
        if named {
            return; // only temporary tables
        }
        names.push(String::new());
    }
    // `kind` names are single words except `owned_objects`, which has its own message.
    let effect = match *kind {
        "database" | "schema" => " and everything in it",
        _ if cascade => " and, with CASCADE, every object that depends on it",
        _ => "",
    };
    for name in names {
        let message = match (*kind, name.is_empty()) {
            ("owned_objects", _) => format!("DROP OWNED removes every object owned by `{name}`"),
            (_, true) => format!("drops a {kind}{effect}"),
            (_, false) => format!("drops {kind} `{name}`{effect}"),
        };
        facts.push(stmt.fact(Intent::SchemaDrop, *severity, DETECTOR.id, Some(Target { kind, name }), message));
    }
}

/// A SQL Server temporary table (`#t`, `##t`), private to a session or gone with it.
pub(crate) fn is_temporary(name: &str) -> bool {
    name.starts_with('#')
}

/// The first line of `text`, shortened for a message.
pub(crate) fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut end = line.len().min(60);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    if end < line.len() {
        format!("{}…", &line[..end])
    } else {
        line.to_owned()
    }
}
