//! The SQL detectors, one danger per file, and the registry of their ids, intents and trigger
//! words. A detector may only fire when one of its trigger words appears as a word of the
//! statement; the prefilter relies on that to skip analysis soundly.

pub(crate) mod catalog_write;
pub(crate) mod code_loading;
pub(crate) mod credential_catalog_read;
pub(crate) mod dangerous_function;
pub(crate) mod data_export;
pub(crate) mod destructive_alter;
pub(crate) mod drop_statement;
pub(crate) mod dynamic_sql;
pub(crate) mod privilege_change;
pub(crate) mod sensitive_table_access;
pub(crate) mod system_change;
pub(crate) mod table_overwrite;
pub(crate) mod truncate_statement;
pub(crate) mod unbounded_write;

use std::collections::HashMap;

use crate::analyze::Detector;

use super::lexer::TokenKind;
use super::Stmt;

/// Every SQL detector.
pub(crate) const ALL: &[&Detector] = &[
    &drop_statement::DETECTOR,
    &truncate_statement::DETECTOR,
    &destructive_alter::DETECTOR,
    &unbounded_write::DETECTOR,
    &table_overwrite::DETECTOR,
    &data_export::DETECTOR,
    &dangerous_function::DETECTOR,
    &credential_catalog_read::DETECTOR,
    &privilege_change::DETECTOR,
    &system_change::DETECTOR,
    &dynamic_sql::DETECTOR,
    &sensitive_table_access::DETECTOR,
    &code_loading::DETECTOR,
    &catalog_write::DETECTOR,
];

/// Whether `word` is a trigger word of some detector (ASCII case-insensitive).
pub(crate) fn is_trigger(word: &str) -> bool {
    trigger_mask(word) != 0
}

/// Every trigger word, lower-cased, with the detectors (bit `k` for `ALL[k]`) that react to it.
static TRIGGER_TABLE: std::sync::LazyLock<HashMap<Vec<u8>, u32, foldhash::fast::RandomState>> =
    std::sync::LazyLock::new(|| {
        let mut table: HashMap<Vec<u8>, u32, foldhash::fast::RandomState> = HashMap::default();
        for (k, d) in ALL.iter().enumerate() {
            for t in d.triggers {
                *table.entry(t.to_ascii_lowercase().into_bytes()).or_default() |= 1 << k;
            }
        }
        table
    });

/// The longest trigger word; longer words are never triggers.
const MAX_TRIGGER_LEN: usize = 32;

/// The detectors (bit `k` for `ALL[k]`) that have `word` as a trigger word (ASCII
/// case-insensitive).
pub(crate) fn trigger_mask(word: &str) -> u32 {
    if word.len() > MAX_TRIGGER_LEN {
        return 0;
    }
    let mut buf = [0u8; MAX_TRIGGER_LEN];
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    TRIGGER_TABLE.get(&*lower).copied().unwrap_or(0)
}

/// The bit of `detector` in a trigger mask.
pub(crate) fn bit(detector: &Detector) -> u32 {
    ALL.iter().position(|d| d.id == detector.id).map_or(u32::MAX, |k| 1 << k)
}

/// Words that make a statement do something, used to tell an unparseable statement that does
/// something unknown from one that merely mentions a trigger word in an unusual construct.
const ACTION_WORDS: &[&str] = &[
    "drop",
    "truncate",
    "delete",
    "update",
    "alter",
    "grant",
    "merge",
    "replace",
    "overwrite",
    "copy",
    "unload",
    "export",
    "exec",
    "execute",
    "prepare",
    "do",
    "shutdown",
    "kill",
    "outfile",
    "dumpfile",
    "load",
    "install",
    "bulk",
];

/// Whether token `i` begins a statement: first in the statement, or right after `(` (a
/// data-modifying CTE or subquery) or after `EXPLAIN [ANALYZE] [VERBOSE]`.
pub(crate) fn starts_statement(stmt: &Stmt<'_>, i: usize) -> bool {
    if i == 0 {
        return true;
    }
    if mutation_at(stmt) == Some(i) {
        return true;
    }
    let prev = i - 1;
    stmt.is_punct(prev, "(")
        || stmt.is_kw(prev, "EXPLAIN")
        || stmt.is_kw(prev, "ANALYZE")
        || stmt.is_kw(prev, "VERBOSE")
        || (stmt.is_punct(prev, ")") && stmt.is_kw(0, "EXPLAIN"))
}

/// ClickHouse mutations, `ALTER TABLE t [ON CLUSTER c] DELETE WHERE …` and `… UPDATE x = … WHERE
/// …`: the index of the `DELETE`/`UPDATE`, which acts like the head of a statement on table `t`.
pub(crate) fn mutation_at(stmt: &Stmt<'_>) -> Option<usize> {
    if !(stmt.is_kw(0, "ALTER") && stmt.is_kw(1, "TABLE")) {
        return None;
    }
    let (_, mut i) = stmt.name_at(2);
    if stmt.is_kw(i, "ON") && stmt.is_kw(i + 1, "CLUSTER") {
        i = stmt.name_at(i + 2).1;
    }
    (stmt.is_kw(i, "DELETE") || stmt.is_kw(i, "UPDATE")).then_some(i)
}

/// Whether the statement contains a `DELETE`, `UPDATE` or `MERGE` in statement position, whose
/// danger depends on its `WHERE` or `ON` and so on the AST.
pub(crate) fn needs_parse(stmt: &Stmt<'_>) -> bool {
    (0..stmt.tokens.len()).any(|i| {
        (stmt.is_kw(i, "DELETE") || stmt.is_kw(i, "UPDATE") || stmt.is_kw(i, "MERGE")) && starts_statement(stmt, i)
    })
}

/// Whether the statement has an action word that no construct explains: not `ON DELETE`,
/// `FOR UPDATE`, `KEY UPDATE`, `ON UPDATE`, and not the head of routine maintenance (`VACUUM`).
pub(crate) fn has_unexplained_action(stmt: &Stmt<'_>) -> bool {
    if [
        "VACUUM",
        "ANALYZE",
        "REINDEX",
        "CLUSTER",
        "CHECKPOINT",
        "LISTEN",
        "NOTIFY",
        "UNLISTEN",
        "DISCARD",
        "RESET",
        "SHOW",
        "DESCRIBE",
        "DESC",
    ]
    .iter()
    .any(|kw| stmt.is_kw(0, kw))
    {
        return false;
    }
    // ALTER statements are fully classified by the token detectors (destructive clauses, roles,
    // system settings); a stored-procedure call's danger is known by its name.
    if stmt.is_kw(0, "ALTER") {
        return false;
    }
    // MySQL `LOAD DATA [LOCAL] INFILE … INTO TABLE t` is an import, fully judged by the export
    // detector (which reports the server-side file read).
    if stmt.seq(0, &["LOAD", "DATA"]) {
        return false;
    }
    // Oracle `FLASHBACK TABLE t TO …` is judged by the overwrite detector; `TO BEFORE DROP`
    // brings a dropped table back.
    if stmt.is_kw(0, "FLASHBACK") {
        return false;
    }
    stmt.tokens.iter().enumerate().any(|(i, t)| {
        let word = t.text(stmt.src);
        if i == 0 && (word.eq_ignore_ascii_case("EXEC") || word.eq_ignore_ascii_case("EXECUTE")) {
            return false;
        }
        t.kind == TokenKind::Word
            && ACTION_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
            // `ON DELETE CASCADE`, `FOR UPDATE`, `ON DUPLICATE KEY UPDATE`, `ON CONFLICT DO UPDATE`
            && !(i > 0 && ["ON", "FOR", "KEY", "IGNORE", "OR", "CASCADE", "DO"].iter().any(|p| stmt.is_kw(i - 1, p)))
            && !(word.eq_ignore_ascii_case("DO") && (stmt.is_kw(i + 1, "UPDATE") || stmt.is_kw(i + 1, "NOTHING")))
    }) || stmt.tokens.iter().any(|t| t.kind == TokenKind::Meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_lookup_matches_the_detectors() {
        for (k, d) in ALL.iter().enumerate() {
            for t in d.triggers {
                assert!(t.len() <= MAX_TRIGGER_LEN, "{t} is longer than MAX_TRIGGER_LEN");
                assert_ne!(trigger_mask(t) & (1 << k), 0, "{t} of {}", d.id);
                assert_ne!(trigger_mask(&t.to_ascii_uppercase()) & (1 << k), 0, "{t} upper-case");
            }
        }
        assert_eq!(trigger_mask("users"), 0);
        assert_eq!(trigger_mask(&"x".repeat(100)), 0);
    }
}
