//! `sql/truncate_statement`
//!
//! ## What it catches
//! `TRUNCATE [TABLE] a, b [CASCADE]`, and SQLite-free dialects' equivalents.
//!
//! ## Why it matters
//! Every row of the table goes at once, without row-level logging or triggers; it cannot be
//! bounded by a condition.
//!
//! ## Blocks
//! ```sql
//! TRUNCATE TABLE donations;
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT * FROM truncation_log;
//! ```
//!
//! ## Known gaps
//! None known.
//!
//! ## Intents
//! `schema.truncate`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

pub(crate) const DETECTOR: Detector =
    Detector { id: "sql/truncate_statement", intents: &[Intent::SchemaTruncate], triggers: &["truncate"] };

/// Finds `TRUNCATE …` at the head of the statement.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    if !stmt.is_kw(0, "TRUNCATE") {
        return;
    }
    let mut i = 1;
    for kw in ["TABLE", "ONLY", "IF", "EXISTS"] {
        if stmt.is_kw(i, kw) {
            i += 1;
        }
    }
    let mut any = false;
    loop {
        let (name, next) = stmt.name_at(i);
        if name.is_empty() {
            break;
        }
        any = true;
        if super::drop_statement::is_temporary(&name) {
            i = next;
            if stmt.is_punct(i, ",") {
                i += 1;
                continue;
            }
            break;
        }
        facts.push(stmt.fact(
            Intent::SchemaTruncate,
            Severity::High,
            DETECTOR.id,
            Some(Target { kind: "table", name: name.clone() }),
            format!("TRUNCATE removes every row of `{name}`"),
        ));
        i = next;
        if stmt.is_punct(i, "*") {
            i += 1;
        }
        if stmt.is_punct(i, ",") {
            i += 1;
        } else {
            break;
        }
    }
    if !any {
        facts.push(stmt.fact(
            Intent::SchemaTruncate,
            Severity::High,
            DETECTOR.id,
            None,
            "TRUNCATE removes every row of a table".to_owned(),
        ));
    }
}
