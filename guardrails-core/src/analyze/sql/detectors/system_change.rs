//! `sql/system_change`
//!
//! ## What it catches
//! Server-wide changes and disruptions: `ALTER SYSTEM`, MySQL `SET GLOBAL`/`SET PERSIST`,
//! `SHUTDOWN`, `KILL`, SQL Server `RECONFIGURE`, `ALTER DATABASE … SET OFFLINE | SINGLE_USER`.
//!
//! ## Why it matters
//! They affect every session and user of the server, not just the caller's.
//!
//! ## Blocks
//! ```sql
//! ALTER SYSTEM SET max_connections = 5;
//! SET GLOBAL general_log = 'ON';
//! ```
//!
//! ## Passes
//! ```sql
//! SET search_path TO app;
//! SET SESSION sql_mode = 'STRICT_ALL_TABLES';
//! ```
//!
//! ## Known gaps
//! None known.
//!
//! ## Intents
//! `system.disrupt`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/system_change",
    intents: &[Intent::SystemDisrupt],
    triggers: &["alter", "global", "persist", "persist_only", "shutdown", "kill", "reconfigure"],
};

/// Finds server-wide changes at the head of the statement.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    let (severity, message) = if stmt.seq(0, &["ALTER", "SYSTEM"]) {
        (Severity::High, "ALTER SYSTEM changes the configuration of the whole server".to_owned())
    } else if stmt.is_kw(0, "SET") && ["GLOBAL", "PERSIST", "PERSIST_ONLY"].iter().any(|k| stmt.is_kw(1, k)) {
        (
            Severity::High,
            format!(
                "SET {} changes a setting for every session of the server",
                stmt.word(1).unwrap_or("GLOBAL").to_ascii_uppercase()
            ),
        )
    } else if stmt.is_kw(0, "SET")
        && stmt.tokens.get(1).is_some_and(|t| t.text(stmt.src).to_ascii_lowercase().starts_with("@@global"))
    {
        (Severity::High, "sets a global server variable".to_owned())
    } else if stmt.is_kw(0, "SHUTDOWN") {
        (Severity::Critical, "SHUTDOWN stops the database server".to_owned())
    } else if stmt.is_kw(0, "KILL") {
        (Severity::Medium, "KILL ends another session or query".to_owned())
    } else if stmt.is_kw(0, "RECONFIGURE") {
        (Severity::High, "RECONFIGURE applies server-wide configuration changes".to_owned())
    } else if stmt.seq(0, &["ALTER", "DATABASE"])
        && ["OFFLINE", "SINGLE_USER", "EMERGENCY"].iter().any(|k| stmt.any_kw(k))
    {
        (Severity::High, "takes the database offline or out of multi-user mode".to_owned())
    } else {
        return;
    };
    facts.push(stmt.fact(
        Intent::SystemDisrupt,
        severity,
        DETECTOR.id,
        Some(Target { kind: "server", name: String::new() }),
        message,
    ));
}
