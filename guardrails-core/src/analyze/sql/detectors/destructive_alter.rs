//! `sql/destructive_alter`
//!
//! ## What it catches
//! `ALTER TABLE … DROP COLUMN | CONSTRAINT | PRIMARY KEY | FOREIGN KEY | PARTITION | INDEX`, and
//! MySQL's bare `ALTER TABLE t DROP c`.
//!
//! ## Why it matters
//! A dropped column takes its data with it; a dropped constraint lets bad data in.
//!
//! ## Blocks
//! ```sql
//! ALTER TABLE drivers DROP COLUMN license_number;
//! ```
//!
//! ## Passes
//! ```sql
//! ALTER TABLE drivers ADD COLUMN rating numeric(3,2);
//! ALTER TABLE t ALTER COLUMN c DROP DEFAULT;
//! ```
//!
//! A type change `USING` a constant (`ALTER COLUMN total TYPE bigint USING 0`) overwrites every
//! value; `TRUNCATE PARTITION` empties a partition; BigQuery's `SET OPTIONS (expiration_timestamp
//! = …)` deletes the table when that time passes (at once when it already has).
//!
//! ## Known gaps
//! Type changes that truncate data (`ALTER COLUMN c TYPE varchar(2)`) are not flagged.
//!
//! ## Intents
//! `schema.alter_destructive`, `schema.truncate`, `schema.drop`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/destructive_alter",
    intents: &[Intent::SchemaAlterDestructive, Intent::SchemaTruncate, Intent::SchemaDrop],
    triggers: &["alter"],
};

/// Finds `DROP` clauses of `ALTER TABLE`.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    if !stmt.is_kw(0, "ALTER") || !stmt.is_kw(1, "TABLE") {
        return;
    }
    let mut i = 2;
    for kw in ["IF", "EXISTS", "ONLY"] {
        if stmt.is_kw(i, kw) {
            i += 1;
        }
    }
    let (table, mut i) = stmt.name_at(i);
    let mut depth = 0usize;
    while i < stmt.tokens.len() {
        if stmt.is_punct(i, "(") {
            depth += 1;
        } else if stmt.is_punct(i, ")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && stmt.is_kw(i, "TRUNCATE") && stmt.is_kw(i + 1, "PARTITION") {
            let (name, _) = stmt.name_at(i + 2);
            facts.push(stmt.fact(
                Intent::SchemaTruncate,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "partition", name: format!("{table}.{name}") }),
                format!("TRUNCATE PARTITION empties partition `{name}` of table `{table}`"),
            ));
        } else if stmt.is_kw(i, "expiration_timestamp") && stmt.is_punct(i + 1, "=") && !stmt.is_kw(i + 2, "NULL") {
            // BigQuery `SET OPTIONS (expiration_timestamp = …)`: the table is deleted when that
            // time comes — at once, when it has passed.
            facts.push(stmt.fact(
                Intent::SchemaDrop,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "table", name: table.clone() }),
                format!("sets an expiration time on table `{table}`: BigQuery deletes the table when it passes"),
            ));
        } else if depth == 0 && stmt.is_kw(i, "USING") && rewrites_to_constant(stmt, i) {
            // `ALTER COLUMN c TYPE t USING 0`: every row's value becomes the constant.
            let column = (2..i).rev().find(|&k| stmt.is_kw(k - 1, "COLUMN") || stmt.is_kw(k - 1, "ALTER"));
            let name = column.map(|k| stmt.name_at(k).0).unwrap_or_default();
            facts.push(stmt.fact(
                Intent::SchemaAlterDestructive,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "column", name: format!("{table}.{name}") }),
                format!("changes the type of `{name}` of table `{table}` USING a constant: every value is overwritten"),
            ));
        } else if depth == 0 && stmt.is_kw(i, "DROP") && !stmt.is_kw(i.wrapping_sub(1), "COLUMN") {
            // `ALTER COLUMN c DROP DEFAULT | NOT NULL | EXPRESSION | IDENTITY` keeps the data.
            // `ALTER [COLUMN] c DROP …`: the ALTER that names a column, not the statement's head.
            let prev_alter_column = (i >= 3 && stmt.is_kw(i - 3, "ALTER") && stmt.is_kw(i - 2, "COLUMN"))
                || (i >= 3 && stmt.is_kw(i - 2, "ALTER"));
            let (kind, skip) = if stmt.is_kw(i + 1, "COLUMN") {
                ("column", 2)
            } else if stmt.is_kw(i + 1, "CONSTRAINT") {
                ("constraint", 2)
            } else if stmt.seq(i + 1, &["PRIMARY", "KEY"]) || stmt.seq(i + 1, &["FOREIGN", "KEY"]) {
                ("constraint", 3)
            } else if stmt.is_kw(i + 1, "PARTITION") {
                ("partition", 2)
            } else if stmt.is_kw(i + 1, "INDEX") || stmt.is_kw(i + 1, "KEY") {
                ("index", 2)
            } else if ["DEFAULT", "NOT", "EXPRESSION", "IDENTITY", "NULL"].iter().any(|k| stmt.is_kw(i + 1, k))
                || prev_alter_column
            {
                i += 1;
                continue;
            } else {
                ("column", 1)
            };
            let mut j = i + skip;
            if stmt.seq(j, &["IF", "EXISTS"]) {
                j += 2;
            }
            let (name, _) = stmt.name_at(j);
            let severity = if kind == "column" || kind == "partition" { Severity::High } else { Severity::Medium };
            let full = if table.is_empty() { name.clone() } else { format!("{table}.{name}") };
            facts.push(stmt.fact(
                Intent::SchemaAlterDestructive,
                severity,
                DETECTOR.id,
                Some(Target { kind, name: full }),
                format!("drops {kind} `{name}` of table `{table}`"),
            ));
        }
        i += 1;
    }
}

/// `… TYPE t USING <literal>` (a number, a string or NULL and nothing more): the type change
/// writes that constant into every row.
fn rewrites_to_constant(stmt: &Stmt<'_>, using: usize) -> bool {
    use super::super::lexer::TokenKind;
    let typed = (using.saturating_sub(6)..using).any(|k| stmt.is_kw(k, "TYPE"));
    let constant = stmt.tokens.get(using + 1).is_some_and(|t| matches!(t.kind, TokenKind::Number | TokenKind::Str))
        || stmt.is_kw(using + 1, "NULL");
    let ends = using + 2 >= stmt.tokens.len() || stmt.is_punct(using + 2, ",") || stmt.is_punct(using + 2, ";");
    typed && constant && ends
}
