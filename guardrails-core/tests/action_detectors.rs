//! Runs every action fixture case (`fixtures/actions/<file>.toml`): HTTP requests, agents' tool
//! calls, file operations, and secrets or personal data carried in bodies and arguments. Each
//! case runs twice, with the prefilter's fast path (`evaluate`) and with every analyzer forced
//! (`evaluate_exhaustively`); both runs must produce exactly the case's intents, report the
//! case's JSON path on the first finding when it pins one, and give the same verdict.
//!
//! A fixture file holds `[[case]]` tables:
//!
//! ```toml
//! [[case]]
//! name = "delete_whole_collection"
//! action = { kind = "http", method = "DELETE", url = "https://api.example-corp.com/v1/orders" }
//! intents = ["data.bulk_delete"]                # every intent the analysis must produce; [] must pass
//! path = "$.args.query"                         # optional: the JSON path of the first finding
//! context = { environment = "development" }     # optional; production and an agent when absent
//! ```
//!
//! `action` is the wire format, deserialised straight into [`Action`]. Every case runs under one
//! policy ([`action_guard`]): the catch-all rule of `common` (approval for every intent, so a
//! verdict's findings are exactly the facts the analysis produced) plus an `organization` owning
//! `example-corp.com`, `*.corp.internal` and the GitHub org `example-corp`, so data sent there is
//! internal.
//!
//! No case is excluded. Inputs the engine still gets wrong are not fixtures until it gets them
//! right; they are tracked as issues.

#[expect(dead_code, reason = "only the loader, the catch-all policy and the default context are used here")]
mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use guardrails_core::{Action, Context, Guard, Intent, Verdict};
use serde::Deserialize;

/// Each fixture file and the action kinds its cases may have.
const ACTION_FILES: &[(&str, &[&str])] =
    &[("file", &["file"]), ("http", &["http"]), ("secrets", &["http", "tool_call"]), ("tool_call", &["tool_call"])];

/// The fewest blocking and passing cases a file may have.
const MIN_BLOCKS: usize = 25;
const MIN_PASSES: usize = 10;

/// One action fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    /// The cases, in file order.
    case: Vec<ActionCase>,
}

/// One case of an action fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionCase {
    /// Unique across every action fixture file.
    name: String,
    /// The action, in the wire format.
    action: Action,
    /// The intents the analysis must produce; empty for a case that must pass.
    intents: BTreeSet<Intent>,
    /// The JSON path the first finding must report, when pinned.
    #[serde(default)]
    path: Option<String>,
    /// The context, production and an agent when absent.
    #[serde(default)]
    context: Option<Context>,
}

impl ActionCase {
    fn context(&self) -> Context {
        self.context.clone().unwrap_or_else(common::production_agent)
    }
}

fn load_action_fixtures() -> Vec<common::Fixture<ActionFile>> {
    let fixtures = common::load_fixtures_of::<ActionFile>("actions");
    assert!(!fixtures.is_empty(), "no action fixture files under tests/fixtures/actions");
    fixtures
}

/// The YAML of the action test policy: the catch-all rule plus the organisation.
fn action_policy_yaml() -> String {
    format!(
        "{}organization:\n  domains: [example-corp.com, \"*.corp.internal\"]\n  github_orgs: [example-corp]\n  buckets: [\"example-corp-*\"]\n",
        common::catch_all_yaml(&[])
    )
}

/// The action test policy, compiled.
fn action_guard() -> Guard {
    let yaml = action_policy_yaml();
    Guard::from_yaml(&yaml).unwrap_or_else(|e| panic!("the action test policy compiles: {e}\n{yaml}"))
}

fn intents_of(verdict: &Verdict) -> BTreeSet<Intent> {
    verdict.findings.iter().map(|f| f.intent).collect()
}

fn show(intents: &BTreeSet<Intent>) -> String {
    let ids: Vec<&str> = intents.iter().map(|i| i.as_str()).collect();
    format!("[{}]", ids.join(", "))
}

/// Each finding on a line: intent, severity, path, span, message and evidence.
fn explain(verdict: &Verdict) -> String {
    let lines: Vec<String> = verdict
        .findings
        .iter()
        .map(|f| {
            format!(
                "      {} ({:?}) at {}{}..{}: {} [{}]",
                f.intent,
                f.severity,
                f.path.as_deref().map(|p| format!("{p} ")).unwrap_or_default(),
                f.span.start,
                f.span.end,
                f.message,
                f.evidence
            )
        })
        .collect();
    if lines.is_empty() {
        "      (no findings)".to_owned()
    } else {
        lines.join("\n")
    }
}

/// What is wrong with one case, if anything.
fn check_case(guard: &Guard, case: &ActionCase) -> Option<String> {
    let context = case.context();
    let fast = guard.evaluate(&case.action, &context);
    let full = guard.evaluate_exhaustively(&case.action, &context);
    let mut problems = Vec::new();
    for (run, verdict) in [("evaluate", &fast), ("evaluate_exhaustively", &full)] {
        let got = intents_of(verdict);
        if got != case.intents {
            problems.push(format!(
                "{run}: expected intents {}, got {}\n{}",
                show(&case.intents),
                show(&got),
                explain(verdict)
            ));
        } else if let Some(want) = &case.path {
            let first = verdict.findings.first().and_then(|f| f.path.as_deref());
            if first != Some(want.as_str()) {
                problems
                    .push(format!("{run}: expected the first finding at {want}, got {first:?}\n{}", explain(verdict)));
            }
        }
    }
    if fast != full {
        problems.push(format!(
            "the fast path changed the verdict:\n  evaluate:              {:?} {}\n  evaluate_exhaustively: {:?} {}",
            fast.decision,
            show(&intents_of(&fast)),
            full.decision,
            show(&intents_of(&full))
        ));
    }
    (!problems.is_empty()).then(|| problems.join("\n    "))
}

#[test]
fn every_action_fixture_case_produces_its_intents_on_both_paths() {
    let guard = action_guard();
    let mut failures = Vec::new();
    let mut count = 0;
    for fixture in load_action_fixtures() {
        for case in &fixture.file.case {
            count += 1;
            if let Some(problem) = check_case(&guard, case) {
                let action = serde_json::to_string(&case.action).unwrap_or_default();
                let shown: String = action.chars().take(300).collect();
                failures.push(format!(
                    "{} :: {}\n    action: {shown}\n    {problem}",
                    fixture.path.display(),
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} action cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(count >= 4 * (MIN_BLOCKS + MIN_PASSES), "expected the action fixtures to load, got {count} cases");
}

#[test]
fn action_fixture_files_are_the_known_ones_and_hold_their_kinds() {
    let fixtures = load_action_fixtures();
    let files: BTreeSet<&str> = fixtures.iter().map(|f| f.detector.as_str()).collect();
    let known: BTreeSet<&str> = ACTION_FILES.iter().map(|(f, _)| *f).collect();
    assert_eq!(files, known, "fixture files (left) differ from the known ones (right)");
    for fixture in &fixtures {
        let kinds = ACTION_FILES.iter().find(|(f, _)| *f == fixture.detector).map(|(_, k)| *k).unwrap_or_default();
        for case in &fixture.file.case {
            assert!(
                kinds.contains(&case.action.kind()),
                "{} :: {}: a {} action does not belong in this file",
                fixture.path.display(),
                case.name,
                case.action.kind()
            );
        }
    }
}

#[test]
fn action_case_names_are_unique_and_actions_are_not_repeated() {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut inputs: BTreeMap<String, String> = BTreeMap::new();
    for fixture in &load_action_fixtures() {
        let mut in_file = HashSet::new();
        for case in &fixture.file.case {
            let at = format!("{} :: {}", fixture.path.display(), case.name);
            assert!(!case.name.trim().is_empty(), "{}: a case has no name", fixture.path.display());
            assert!(in_file.insert(case.name.as_str()), "{at}: the name is used twice in the file");
            if let Some(first) = names.insert(case.name.clone(), at.clone()) {
                panic!("{at}: the name is already used by {first}");
            }
            let input = serde_json::json!({ "action": case.action, "context": case.context });
            if let Some(first) = inputs.insert(input.to_string(), at.clone()) {
                panic!("{at} repeats the action and context of {first}");
            }
        }
    }
}

/// Each file has enough cases that must be held and enough near-misses that must pass.
#[test]
fn every_action_fixture_file_has_blocks_and_passes() {
    for fixture in load_action_fixtures() {
        let blocks = fixture.file.case.iter().filter(|c| !c.intents.is_empty()).count();
        let passes = fixture.file.case.len() - blocks;
        assert!(
            blocks >= MIN_BLOCKS && passes >= MIN_PASSES,
            "{}: {blocks} blocking and {passes} passing cases; want at least {MIN_BLOCKS} and {MIN_PASSES}",
            fixture.path.display()
        );
    }
}

/// A pinned path is a JSON path, and only findings off the primary text have one.
#[test]
fn pinned_paths_are_json_paths() {
    for fixture in load_action_fixtures() {
        for case in &fixture.file.case {
            if let Some(path) = &case.path {
                assert!(
                    path.starts_with("$."),
                    "{} :: {}: {path} is not a JSON path",
                    fixture.path.display(),
                    case.name
                );
                assert!(
                    !case.intents.is_empty(),
                    "{} :: {}: a passing case pins a path",
                    fixture.path.display(),
                    case.name
                );
            }
        }
    }
}
