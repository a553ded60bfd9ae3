//! `sql/table_overwrite`
//!
//! ## What it catches
//! Statements that replace a whole table's contents: `INSERT OVERWRITE`, `CREATE OR REPLACE TABLE`
//! (Snowflake, BigQuery, Databricks), and `MERGE … WHEN NOT MATCHED BY SOURCE THEN DELETE`, which
//! deletes every target row missing from the source.
//!
//! ## Why it matters
//! The old contents are gone in one statement; a partial or wrong source wipes the table.
//!
//! ## Blocks
//! ```sql
//! INSERT OVERWRITE INTO core.suppliers SELECT * FROM staging.suppliers_raw;
//! MERGE t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN DELETE;
//! ```
//!
//! ## Passes
//! ```sql
//! MERGE t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.v = s.v;
//! CREATE OR REPLACE VIEW v AS SELECT 1;
//! ```
//!
//! ## Known gaps
//! `REPLACE INTO` (MySQL) rewrites keyed rows only and is not flagged.
//!
//! ## Intents
//! `data.overwrite`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/table_overwrite",
    intents: &[Intent::DataOverwrite],
    triggers: &["overwrite", "replace", "merge", "flashback"],
};

/// Finds whole-table replacements.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    let target = |i: usize| {
        let mut i = i;
        for kw in ["INTO", "TABLE"] {
            if stmt.is_kw(i, kw) {
                i += 1;
            }
        }
        stmt.name_at(i)
    };
    let directory = |i: usize| stmt.is_kw(i + 2, "DIRECTORY") || stmt.seq(i + 2, &["LOCAL", "DIRECTORY"]);
    // `INSERT OVERWRITE TABLE t PARTITION (dt = '2024-06-30')`: one named partition is rebuilt
    // (the idempotent daily load); a partition list with a dynamic column still reaches many.
    let one_partition = |at: usize| {
        stmt.is_kw(at, "PARTITION") && stmt.is_punct(at + 1, "(") && {
            let close = (at + 2..stmt.tokens.len()).find(|&k| stmt.is_punct(k, ")")).unwrap_or(stmt.tokens.len());
            let assigned = (at + 2..close).filter(|&k| stmt.is_punct(k, "=")).count();
            let columns = 1 + (at + 2..close).filter(|&k| stmt.is_punct(k, ",")).count();
            assigned == columns
        }
    };
    let overwrite = (0..stmt.tokens.len()).find(|&i| stmt.seq(i, &["INSERT", "OVERWRITE"]) && !directory(i));
    if let Some((name, _)) = overwrite.map(|i| target(i + 2)).filter(|(_, after)| !one_partition(*after)) {
        facts.push(stmt.fact(
            Intent::DataOverwrite,
            Severity::High,
            DETECTOR.id,
            Some(Target { kind: "table", name: name.clone() }),
            format!("INSERT OVERWRITE replaces every row of `{name}`"),
        ));
    }
    // Oracle `FLASHBACK TABLE t TO TIMESTAMP|SCN …`: every change since then is undone.
    if stmt.seq(0, &["FLASHBACK", "TABLE"]) && stmt.any_kw("TO") && !stmt.any_kw("BEFORE") {
        let name = stmt.name_at(2).0;
        facts.push(stmt.fact(
            Intent::DataOverwrite,
            Severity::High,
            DETECTOR.id,
            Some(Target { kind: "table", name: name.clone() }),
            format!("FLASHBACK TABLE rewinds `{name}`, discarding every change made since"),
        ));
    }
    if stmt.seq(0, &["CREATE", "OR", "REPLACE"]) {
        let mut i = 3;
        // A temporary table lives and dies with the session: replacing one discards nothing kept.
        let mut temporary = false;
        for kw in ["TRANSIENT", "TEMPORARY", "TEMP", "VOLATILE", "EXTERNAL"] {
            if stmt.is_kw(i, kw) {
                temporary |= matches!(kw, "TEMPORARY" | "TEMP" | "VOLATILE");
                i += 1;
            }
        }
        if stmt.is_kw(i, "TABLE") && !temporary {
            let name = stmt.name_at(i + 1).0;
            facts.push(stmt.fact(
                Intent::DataOverwrite,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "table", name: name.clone() }),
                format!("CREATE OR REPLACE TABLE discards the existing `{name}` and its rows"),
            ));
        }
    }
    if stmt.is_kw(0, "MERGE") {
        // Each `WHEN NOT MATCHED BY SOURCE` clause runs to the next `WHEN`; scan each token once.
        let mut deletes = false;
        let mut in_clause = false;
        for i in 0..stmt.tokens.len() {
            if stmt.is_kw(i, "WHEN") {
                in_clause = stmt.seq(i + 1, &["NOT", "MATCHED", "BY", "SOURCE"]);
            } else if in_clause && stmt.is_kw(i, "THEN") && stmt.is_kw(i + 1, "DELETE") {
                deletes = true;
            }
        }
        if deletes {
            let name = target(1).0;
            facts.push(stmt.fact(
                Intent::DataOverwrite,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "table", name: name.clone() }),
                format!(
                    "MERGE … WHEN NOT MATCHED BY SOURCE THEN DELETE deletes every row of `{name}` missing from the source"
                ),
            ));
        }
    }
}
