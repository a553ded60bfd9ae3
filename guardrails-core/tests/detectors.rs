//! Runs every SQL fixture case (`fixtures/sql/<detector>.toml`) twice: with the prefilter's fast
//! path (`evaluate`) and with every analyzer forced (`evaluate_exhaustively`). Each run must
//! produce exactly the case's intents, and the two runs must give the same verdict.
//!
//! No case is excluded. Inputs the engine still gets wrong are not fixtures until it gets them
//! right; they are tracked as issues.

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{catch_all_guard, context_of, load_fixtures, Case, Fixture};
use guardrails_core::{Action, Guard, Intent, Verdict};

/// Each detector's fixture file and the intents its detector may emit (its docs' `## Intents`).
/// `dynamic_sql` emits whatever the rebuilt SQL does; of its own it adds `exec.dynamic`.
const DETECTORS: &[(&str, &[&str])] = &[
    ("catalog_write", &["schema.drop", "privilege.escalate"]),
    ("code_loading", &["exec.remote_code"]),
    ("credential_catalog_read", &["credential.read"]),
    ("dangerous_function", &["credential.read", "data.export", "exec.remote_code", "system.disrupt"]),
    ("data_export", &["data.export", "exec.remote_code", "credential.read"]),
    ("destructive_alter", &["schema.alter_destructive", "schema.truncate", "schema.drop"]),
    ("drop_statement", &["schema.drop"]),
    ("dynamic_sql", &["exec.dynamic"]),
    ("privilege_change", &["privilege.grant", "privilege.escalate"]),
    ("sensitive_table_access", &["data.sensitive_read"]),
    ("system_change", &["system.disrupt"]),
    ("table_overwrite", &["data.overwrite"]),
    ("truncate_statement", &["schema.truncate"]),
    ("unbounded_write", &["data.bulk_delete", "data.bulk_update"]),
];

/// Every intent some SQL detector can emit.
const SQL_INTENTS: &[&str] = &[
    "schema.drop",
    "schema.truncate",
    "schema.alter_destructive",
    "data.bulk_delete",
    "data.bulk_update",
    "data.overwrite",
    "data.export",
    "data.sensitive_read",
    "privilege.grant",
    "privilege.escalate",
    "credential.read",
    "exec.remote_code",
    "exec.dynamic",
    "system.disrupt",
];

fn intents_of(verdict: &Verdict) -> BTreeSet<Intent> {
    verdict.findings.iter().map(|f| f.intent).collect()
}

fn show(intents: &BTreeSet<Intent>) -> String {
    let ids: Vec<&str> = intents.iter().map(|i| i.as_str()).collect();
    format!("[{}]", ids.join(", "))
}

/// What is wrong with one case, if anything.
fn check_case(guard: &Guard, case: &Case) -> Option<String> {
    let action = Action::sql(case.dialect, case.input.clone());
    let context = context_of(case);
    let fast = guard.evaluate(&action, &context);
    let full = guard.evaluate_exhaustively(&action, &context);
    let mut problems = Vec::new();
    for (path, verdict) in [("evaluate", &fast), ("evaluate_exhaustively", &full)] {
        let got = intents_of(verdict);
        if got != case.intents {
            let messages: Vec<String> =
                verdict.findings.iter().map(|f| format!("{} {:?}: {}", f.intent, f.span, f.message)).collect();
            problems.push(format!(
                "{path}: expected intents {}, got {} {messages:#?}",
                show(&case.intents),
                show(&got)
            ));
        }
        if let Some([start, end]) = case.span {
            match verdict.findings.first() {
                Some(f) if (f.span.start, f.span.end) == (start, end) => {}
                Some(f) => problems.push(format!(
                    "{path}: expected the first finding at [{start}, {end}], got [{}, {}] ({})",
                    f.span.start, f.span.end, f.intent
                )),
                None => problems.push(format!("{path}: expected a finding at [{start}, {end}], got none")),
            }
        }
    }
    if fast != full {
        problems.push(format!(
            "the fast path changed the verdict:\n  evaluate:              {:?} {:?}\n  evaluate_exhaustively: {:?} {:?}",
            fast.decision, fast.findings, full.decision, full.findings
        ));
    }
    (!problems.is_empty()).then(|| problems.join("\n    "))
}

fn fixtures() -> Vec<Fixture> {
    let fixtures = load_fixtures();
    assert!(!fixtures.is_empty(), "no fixture files under {}", common::fixture_dir().display());
    fixtures
}

#[test]
fn every_fixture_case_produces_its_intents_on_both_paths() {
    let mut failures = Vec::new();
    let mut count = 0;
    for fixture in fixtures() {
        let guard = catch_all_guard(&fixture.file.sensitive_tables);
        for case in &fixture.file.case {
            count += 1;
            if let Some(problem) = check_case(&guard, case) {
                failures.push(format!(
                    "{} :: {} ({})\n    input: {:?}\n    {problem}",
                    fixture.path.display(),
                    case.name,
                    case.dialect,
                    case.input
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} fixture cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_detector_has_a_fixture_file_and_no_file_is_stray() {
    let files: BTreeSet<String> = fixtures().into_iter().map(|f| f.detector).collect();
    let known: BTreeSet<String> = DETECTORS.iter().map(|(d, _)| (*d).to_owned()).collect();
    assert_eq!(files, known, "fixture files (left) differ from the SQL detectors (right)");
}

#[test]
fn case_names_are_unique_within_a_file_and_inputs_are_not_repeated() {
    for fixture in fixtures() {
        let mut names = HashSet::new();
        let mut inputs = HashSet::new();
        for case in &fixture.file.case {
            assert!(!case.name.trim().is_empty(), "{}: a case has no name", fixture.path.display());
            assert!(
                names.insert(case.name.as_str()),
                "{}: case name '{}' is used twice",
                fixture.path.display(),
                case.name
            );
            assert!(
                inputs.insert((case.dialect, case.input.as_str())),
                "{}: case '{}' repeats the input of an earlier case",
                fixture.path.display(),
                case.name
            );
        }
    }
}

#[test]
fn cases_name_only_intents_sql_can_produce() {
    let allowed: BTreeSet<&str> = SQL_INTENTS.iter().copied().chain(["unanalyzable"]).collect();
    for fixture in fixtures() {
        for case in &fixture.file.case {
            for intent in &case.intents {
                assert!(
                    allowed.contains(intent.as_str()),
                    "{} :: {} expects {intent}, which no SQL detector emits",
                    fixture.path.display(),
                    case.name
                );
            }
        }
    }
}

/// Every intent a SQL detector can emit has a case that produces it, and a near-miss in a file
/// of a detector that emits it, which must produce nothing.
#[test]
fn every_sql_intent_has_a_block_and_a_pass_case() {
    let fixtures = fixtures();
    let cases = fixtures.iter().flat_map(|f| f.file.case.iter().map(|c| (f.detector.as_str(), &c.intents)));
    let lacking = common::intents_lacking_cases(SQL_INTENTS, DETECTORS, cases);
    assert!(lacking.is_empty(), "intents lacking fixture cases:\n{}", lacking.join("\n"));
}

/// The list above is the registry's: every id parses, and none is the engine's own `unanalyzable`.
#[test]
fn sql_intent_list_names_registered_intents() {
    for id in SQL_INTENTS {
        let intent: Intent = id.parse().unwrap_or_else(|_| panic!("{id} is not a registered intent"));
        assert!(Intent::ALL.contains(&intent));
    }
    for (detector, intents) in DETECTORS {
        for id in *intents {
            assert!(SQL_INTENTS.contains(id), "{detector} emits {id}, missing from SQL_INTENTS");
        }
    }
}
