//! Shared by the detector and fast-path tests: the fixture tables and the policy they run under.
//!
//! A SQL fixture file (`fixtures/sql/<detector>.toml`) holds `[[case]]` tables:
//!
//! ```toml
//! [[case]]
//! name = "drop_table_in_second_statement"
//! input = "SELECT 1; DROP TABLE ledgers"
//! dialect = "mysql"                 # optional, postgres when absent
//! intents = ["schema.drop"]         # every intent the analysis must produce; [] must pass
//! span = [10, 28]                   # optional: the span of the first finding
//! context = { labels = { engine = "redshift" } }   # optional
//! ```
//!
//! A file may set `sensitive_tables = ["…"]` at the top; its cases run under a policy that lists
//! them. Everything else runs under one catch-all rule that requires approval for every intent, so
//! the findings of a verdict are exactly the facts the analysis produced, each reported once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use guardrails_core::{Context, Dialect, Guard, Intent};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// One fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    /// Globs for the policy's `sensitive_tables`.
    #[serde(default)]
    pub sensitive_tables: Vec<String>,
    /// The cases, in file order.
    pub case: Vec<Case>,
}

/// One case of a fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within its file.
    pub name: String,
    /// The SQL.
    pub input: String,
    /// The dialect, `postgres` when absent.
    #[serde(default = "postgres")]
    pub dialect: Dialect,
    /// The intents the analysis must produce; empty for a case that must pass.
    pub intents: BTreeSet<Intent>,
    /// The span of the first finding, when pinned.
    #[serde(default)]
    pub span: Option<[usize; 2]>,
    /// The context, production and an agent when absent.
    #[serde(default)]
    pub context: Option<Context>,
}

fn postgres() -> Dialect {
    Dialect::Postgres
}

/// A loaded fixture file: its stem (the detector's name), its path and its contents (a SQL
/// [`FixtureFile`] unless another kind's file type is named).
#[derive(Debug)]
pub struct Fixture<F = FixtureFile> {
    /// `drop_statement` for `fixtures/sql/drop_statement.toml`.
    pub detector: String,
    /// For failure messages.
    pub path: PathBuf,
    /// The parsed file.
    pub file: F,
}

/// The directory of the SQL fixtures.
pub fn fixture_dir() -> PathBuf {
    fixture_dir_of("sql")
}

/// The directory of one action kind's fixtures: `tests/fixtures/<kind>`.
pub fn fixture_dir_of(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind)
}

/// Every SQL fixture file, sorted by name. Panics, naming the file, on one that does not parse.
pub fn load_fixtures() -> Vec<Fixture> {
    load_fixtures_of("sql")
}

/// Every fixture file of one action kind, parsed as `F`, sorted by name. Panics, naming the
/// file, on one that does not parse.
#[expect(clippy::disallowed_methods, reason = "tests read their fixture files")]
pub fn load_fixtures_of<F: DeserializeOwned>(kind: &str) -> Vec<Fixture<F>> {
    let dir = fixture_dir_of(kind);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let file: F = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let detector = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            Fixture { detector, path, file }
        })
        .collect()
}

/// What `intents` lack in the fixtures: a case that produces the intent (a block), or a case that
/// must pass in the file of a detector that emits it (a near-miss). `detectors` pairs each
/// fixture file's stem with the intents its detector emits; `cases` gives each case's file stem
/// and expected intents. One line per intent lacking something.
pub fn intents_lacking_cases<'c>(
    intents: &[&str],
    detectors: &[(&str, &[&str])],
    cases: impl IntoIterator<Item = (&'c str, &'c BTreeSet<Intent>)>,
) -> Vec<String> {
    let mut blocks: BTreeMap<&str, usize> = intents.iter().map(|i| (*i, 0)).collect();
    let mut passes = blocks.clone();
    for (detector, expected) in cases {
        for intent in expected {
            if let Some(n) = blocks.get_mut(intent.as_str()) {
                *n += 1;
            }
        }
        if expected.is_empty() {
            let emitted = detectors.iter().filter(|(d, _)| *d == detector).flat_map(|(_, emits)| emits.iter());
            for intent in emitted {
                if let Some(n) = passes.get_mut(intent) {
                    *n += 1;
                }
            }
        }
    }
    intents
        .iter()
        .filter_map(|i| match (blocks[i], passes[i]) {
            (0, 0) => Some(format!("{i}: no block and no pass case")),
            (0, _) => Some(format!("{i}: no block case")),
            (_, 0) => Some(format!("{i}: no pass case")),
            _ => None,
        })
        .collect()
}

/// The YAML of a policy whose one rule requires approval for every intent, with
/// `sensitive_tables` set to `sensitive`.
pub fn catch_all_yaml(sensitive: &[String]) -> String {
    let intents: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
    let tables: Vec<String> = sensitive.iter().map(|t| format!("{t:?}")).collect();
    format!(
        "version: 1\n\
         name: catch-all\n\
         defaults: {{unanalyzable: require_approval}}\n\
         sensitive_tables: [{}]\n\
         rules:\n  \
           - id: everything\n    \
             decision: require_approval\n    \
             intents: [{}]\n",
        tables.join(", "),
        intents.join(", ")
    )
}

/// The catch-all policy, compiled.
pub fn catch_all_guard(sensitive: &[String]) -> Guard {
    let yaml = catch_all_yaml(sensitive);
    Guard::from_yaml(&yaml).unwrap_or_else(|e| panic!("the catch-all policy compiles: {e}\n{yaml}"))
}

/// The context a case runs in: its own, or production with an agent acting.
pub fn context_of(case: &Case) -> Context {
    case.context.clone().unwrap_or_else(production_agent)
}

/// Production, an agent acting, no approval.
pub fn production_agent() -> Context {
    serde_json::from_str(r#"{"environment":"production","actor":{"id":"fixture-bot","kind":"agent"}}"#)
        .expect("a valid context")
}
