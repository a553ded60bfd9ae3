//! `sql/catalog_write`
//!
//! ## What it catches
//! Writes straight into the system catalog: `DELETE`, `UPDATE` or `INSERT` on SQLite's
//! `sqlite_master`/`sqlite_schema`, PostgreSQL's `pg_catalog` tables, `information_schema`, and
//! the account tables (`mysql.user`, `mysql.db`, `pg_authid`); and SQLite's `PRAGMA
//! writable_schema = ON`, which allows such writes.
//!
//! ## Why it matters
//! A row removed from the catalog drops its table (or leaves the database corrupt) with no `DROP`
//! anywhere in the text; a row changed in an account table hands out rights or passwords without
//! a `GRANT`.
//!
//! ## Blocks
//! ```sql
//! PRAGMA writable_schema = ON; DELETE FROM sqlite_master WHERE type = 'table';
//! UPDATE mysql.user SET Super_priv = 'Y' WHERE User = 'app';
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT name FROM sqlite_master WHERE type = 'table';
//! PRAGMA writable_schema = OFF;
//! ```
//!
//! ## Known gaps
//! A catalog table reached through a view or a synonym is not recognised.
//!
//! ## Intents
//! `schema.drop`, `privilege.escalate`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;
use super::starts_statement;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/catalog_write",
    intents: &[Intent::SchemaDrop, Intent::PrivilegeEscalate],
    triggers: &[
        "sqlite_master",
        "sqlite_schema",
        "sqlite_temp_master",
        "writable_schema",
        "pg_catalog",
        "pg_class",
        "pg_attribute",
        "pg_namespace",
        "pg_index",
        "pg_constraint",
        "pg_proc",
        "pg_database",
        "pg_authid",
        "pg_auth_members",
        "information_schema",
        "mysql",
    ],
};

/// What writing a catalog table does: the intent and what the table holds.
fn catalog(table: &str) -> Option<(Intent, &'static str)> {
    let lower = table.to_ascii_lowercase().replace(['"', '`', '[', ']'], "");
    let last = lower.rsplit('.').next().unwrap_or(&lower);
    let schema = lower.rsplit_once('.').map(|(s, _)| s.rsplit('.').next().unwrap_or(s));
    match (schema, last) {
        (
            Some("mysql"),
            "user" | "db" | "global_priv" | "tables_priv" | "columns_priv" | "proxies_priv" | "role_edges",
        ) => Some((Intent::PrivilegeEscalate, "the server's accounts and their rights")),
        (_, "pg_authid" | "pg_auth_members") => Some((Intent::PrivilegeEscalate, "the server's roles and passwords")),
        (_, "sqlite_master" | "sqlite_schema" | "sqlite_temp_master") => {
            Some((Intent::SchemaDrop, "the definition of every table and index"))
        }
        (Some("information_schema"), _) => Some((Intent::SchemaDrop, "the database's schema")),
        (Some("pg_catalog"), _) => Some((Intent::SchemaDrop, "the database's schema")),
        (None, name) if name.starts_with("pg_") && !name.starts_with("pg_stat") => matches!(
            name,
            "pg_class" | "pg_attribute" | "pg_namespace" | "pg_index" | "pg_constraint" | "pg_proc" | "pg_database"
        )
        .then_some((Intent::SchemaDrop, "the database's schema")),
        _ => None,
    }
}

pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    // `PRAGMA writable_schema = ON` (or `= 1`, `= true`, `= RESET`… only OFF/0/false are safe).
    if stmt.is_kw(0, "PRAGMA") {
        let (name, next) = stmt.name_at(1);
        if name.to_ascii_lowercase().ends_with("writable_schema") {
            let value =
                stmt.word(next + 1).or_else(|| stmt.tokens.get(next + 1).map(|t| t.text(stmt.src))).unwrap_or("");
            let value = value.trim_matches(['\'', '"']).to_ascii_lowercase();
            if stmt.is_punct(next, "=") && !matches!(value.as_str(), "off" | "0" | "false" | "no") {
                facts.push(stmt.fact(
                    Intent::SchemaDrop,
                    Severity::High,
                    DETECTOR.id,
                    Some(Target { kind: "database", name: String::new() }),
                    "PRAGMA writable_schema lets statements edit sqlite_master, where a deleted row drops its table"
                        .to_owned(),
                ));
            }
        }
        return;
    }
    for i in 0..stmt.tokens.len() {
        let target_at = if stmt.is_kw(i, "DELETE") {
            if stmt.is_kw(i + 1, "FROM") {
                i + 2
            } else {
                i + 1
            }
        } else if stmt.is_kw(i, "UPDATE") {
            i + 1
        } else if stmt.is_kw(i, "INSERT") || stmt.is_kw(i, "REPLACE") {
            (i + 1..stmt.tokens.len().min(i + 4)).find(|&j| stmt.is_kw(j, "INTO")).map_or(i + 1, |j| j + 1)
        } else {
            continue;
        };
        if !starts_statement(stmt, i) {
            continue;
        }
        let (table, _) = stmt.name_at(target_at);
        let Some((intent, holds)) = catalog(&table) else { continue };
        let verb = stmt.word(i).unwrap_or("").to_ascii_uppercase();
        facts.push(stmt.fact(
            intent,
            Severity::Critical,
            DETECTOR.id,
            Some(Target { kind: "table", name: table.clone() }),
            format!("{verb} writes `{table}` directly, the system catalog of {holds}"),
        ));
    }
}
