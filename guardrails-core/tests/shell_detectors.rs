//! Runs every shell fixture case (`fixtures/shell/<detector>.toml`) twice: with the prefilter's
//! fast path (`evaluate`) and with every analyzer forced (`evaluate_exhaustively`). Each run must
//! produce exactly the case's intents, and the two runs must give the same verdict. Then the
//! limits: depth, size and command count past their budget are `unanalyzable`, never a crash or
//! a silent pass, and hostile input stays cheap.
//!
//! No case is excluded. Inputs the engine still gets wrong are not fixtures until it gets them
//! right; they are tracked as issues.

#[expect(dead_code, reason = "the SQL half of the shared helpers is not used here")]
mod common;
#[expect(dead_code, reason = "some shell helpers serve only the property tests")]
mod shell_common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use guardrails_core::{Action, Decision, Guard, Intent};
use shell_common::{explain, intents_of, load_shell_fixtures, shell_guard, show, ShellCase, SHELL_DETECTORS};

/// What is wrong with one case, if anything.
fn check_case(guard: &Guard, case: &ShellCase) -> Option<String> {
    let action = Action::shell(case.input.clone());
    let context = case.context();
    let fast = guard.evaluate(&action, &context);
    let full = guard.evaluate_exhaustively(&action, &context);
    let mut problems = Vec::new();
    for (path, verdict) in [("evaluate", &fast), ("evaluate_exhaustively", &full)] {
        let got = intents_of(verdict);
        if got != case.intents {
            problems.push(format!(
                "{path}: expected intents {}, got {}\n{}",
                show(&case.intents),
                show(&got),
                explain(verdict)
            ));
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
fn every_shell_fixture_case_produces_its_intents_on_both_paths() {
    let guard = shell_guard();
    let mut failures = Vec::new();
    let mut count = 0;
    for fixture in load_shell_fixtures() {
        for case in &fixture.file.case {
            count += 1;
            if let Some(problem) = check_case(&guard, case) {
                failures.push(format!(
                    "{} :: {}\n    input: {:?}\n    {problem}",
                    fixture.path.display(),
                    case.name,
                    case.input
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} shell cases failed:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(count > 500, "expected the shell fixtures to load, got {count} cases");
}

#[test]
fn every_shell_detector_has_a_fixture_file_and_no_file_is_stray() {
    let files: BTreeSet<String> = load_shell_fixtures().into_iter().map(|f| f.detector).collect();
    let known: BTreeSet<String> = SHELL_DETECTORS.iter().map(|(d, _)| (*d).to_owned()).collect();
    assert_eq!(files, known, "fixture files (left) differ from the shell detectors (right)");
}

#[test]
fn shell_case_names_are_unique_within_a_file_and_inputs_are_not_repeated() {
    let mut everywhere: BTreeMap<&str, String> = BTreeMap::new();
    let fixtures = load_shell_fixtures();
    for fixture in &fixtures {
        let mut names = HashSet::new();
        for case in &fixture.file.case {
            let at = format!("{} :: {}", fixture.path.display(), case.name);
            assert!(!case.name.trim().is_empty(), "{}: a case has no name", fixture.path.display());
            assert!(names.insert(case.name.as_str()), "{at}: the name is used twice in the file");
            if let Some(first) = everywhere.insert(case.input.as_str(), at.clone()) {
                panic!("{at} repeats the input of {first}");
            }
        }
    }
}

/// Every intent a shell detector emits has a case that produces it, and a near-miss that must
/// pass in the file of a detector that emits it.
#[test]
fn every_shell_intent_has_a_block_and_a_pass_case() {
    let intents: BTreeSet<&str> = SHELL_DETECTORS.iter().flat_map(|(_, emits)| emits.iter().copied()).collect();
    let intents: Vec<&str> = intents.into_iter().collect();
    let fixtures = load_shell_fixtures();
    let cases = fixtures.iter().flat_map(|f| f.file.case.iter().map(|c| (f.detector.as_str(), &c.intents)));
    let lacking = common::intents_lacking_cases(&intents, SHELL_DETECTORS, cases);
    assert!(lacking.is_empty(), "intents lacking shell fixture cases:\n{}", lacking.join("\n"));
}

/// Each file has both blocking cases and cases that must pass, the way the detectors' docs pair
/// `## Blocks` with `## Passes`.
#[test]
fn every_shell_fixture_file_has_blocks_and_passes() {
    for fixture in load_shell_fixtures() {
        let blocks = fixture.file.case.iter().filter(|c| !c.intents.is_empty()).count();
        let passes = fixture.file.case.len() - blocks;
        assert!(
            blocks >= 10 && passes >= 5,
            "{}: {blocks} blocking and {passes} passing cases; want at least 10 and 5",
            fixture.path.display()
        );
    }
}

/// The list above is the registry's: every id parses to a registered intent.
#[test]
fn shell_intent_list_names_registered_intents() {
    for (detector, intents) in SHELL_DETECTORS {
        for id in *intents {
            let intent: Intent = id.parse().unwrap_or_else(|_| panic!("{detector}: {id} is not a registered intent"));
            assert!(Intent::ALL.contains(&intent));
        }
    }
}

// ---------------------------------------------------------------- limits and hostile input

/// A command line's intents under the shell test policy, after checking both paths agree.
fn intents(guard: &Guard, command: &str) -> BTreeSet<Intent> {
    let action = Action::shell(command);
    let context = common::production_agent();
    let fast = guard.evaluate(&action, &context);
    let full = guard.evaluate_exhaustively(&action, &context);
    assert_eq!(fast, full, "the fast path changed the verdict of {command:?}");
    intents_of(&full)
}

fn set(ids: &[&str]) -> BTreeSet<Intent> {
    ids.iter().map(|id| id.parse().unwrap_or_else(|_| panic!("{id} is an intent"))).collect()
}

/// `bash -c` nested `levels` deep around `inner`, each level quoting the one inside it.
fn nest_bash(inner: &str, levels: usize) -> String {
    let mut command = inner.to_owned();
    for _ in 0..levels {
        command = format!("bash -c '{}'", command.replace('\'', r"'\''"));
    }
    command
}

#[test]
fn nesting_within_the_depth_budget_is_analysed_and_past_it_is_unanalyzable() {
    let guard = shell_guard();
    let depth = guard.limits().max_depth;
    assert_eq!(intents(&guard, &nest_bash("rm -rf /srv", depth - 1)), set(&["fs.delete_recursive"]));
    let deep = intents(&guard, &nest_bash("rm -rf /srv", depth + 2));
    assert!(deep.contains(&Intent::Unanalyzable), "past the depth limit: {}", show(&deep));
    let benign_but_deep = intents(&guard, &nest_bash("echo hello", depth + 2));
    assert_eq!(benign_but_deep, set(&["unanalyzable"]), "depth is judged before content");
}

/// `echo $(echo $(… $(rm -rf ~) …))`: `levels` substitutions deep, the innermost running `inner`,
/// each outer one printing what the one inside it printed (`$($(x))` would instead run x's
/// output as a command: dynamic code).
fn nest_substitutions(inner: &str, levels: usize) -> String {
    format!("echo {}$({inner}{}", "$(echo ".repeat(levels - 1), ")".repeat(levels))
}

#[test]
fn substitutions_nested_past_the_budget_are_unanalyzable() {
    let guard = shell_guard();
    let depth = guard.limits().max_depth;
    let deep = intents(&guard, &nest_substitutions("rm -rf ~", depth + 2));
    assert!(deep.contains(&Intent::Unanalyzable), "past the depth limit: {}", show(&deep));
    assert_eq!(intents(&guard, &nest_substitutions("rm -rf ~", 3)), set(&["fs.delete_recursive"]));
    assert_eq!(intents(&guard, &nest_substitutions("rm -rf ~", depth - 1)), set(&["fs.delete_recursive"]));
    assert_eq!(intents(&guard, &nest_substitutions("date", depth + 2)), set(&["unanalyzable"]));
}

#[test]
fn a_smaller_depth_limit_from_the_host_is_honoured() {
    let guard = Guard::builder()
        .max_depth(2)
        .build_yaml(&shell_common::shell_policy_yaml())
        .expect("the shell test policy compiles");
    assert_eq!(intents(&guard, &nest_bash("rm -rf /srv", 1)), set(&["fs.delete_recursive"]));
    assert!(intents(&guard, &nest_bash("rm -rf /srv", 4)).contains(&Intent::Unanalyzable));
}

#[test]
fn oversized_command_lines_are_unanalyzable() {
    let guard = Guard::builder()
        .max_input_bytes(4096)
        .build_yaml(&shell_common::shell_policy_yaml())
        .expect("the shell test policy compiles");
    let long = format!("echo '{}' && rm -rf ./build", "x".repeat(5000));
    assert_eq!(intents(&guard, &long), set(&["unanalyzable"]));
    let short = format!("echo '{}' && rm -rf ./build", "x".repeat(100));
    assert_eq!(intents(&guard, &short), set(&[]));
}

#[test]
fn too_many_commands_are_unanalyzable() {
    let guard = Guard::builder()
        .max_statements(50)
        .build_yaml(&shell_common::shell_policy_yaml())
        .expect("the shell test policy compiles");
    let many = vec!["true"; 80].join(" && ");
    assert_eq!(intents(&guard, &many), set(&["unanalyzable"]));
    let few = vec!["true"; 20].join(" && ");
    assert_eq!(intents(&guard, &few), set(&[]));
}

/// Unterminated quotes, substitutions, here-documents and stray operators never panic, and a
/// danger before them is still seen.
#[test]
fn malformed_command_lines_never_panic() {
    let guard = shell_guard();
    let context = common::production_agent();
    for tail in [
        "'",
        "\"",
        "$(",
        "`",
        "${",
        "$'\\x",
        "<(",
        ">(",
        "<<EOF",
        "<<-",
        "<<<",
        "\\",
        "$",
        "|",
        "||",
        "&&",
        ";;",
        "&",
        "(",
        ")",
        "{",
        "}",
        "!",
        "2>&",
        ">",
        "$((",
        "${!",
        "é∑\u{0}",
        "\r\n",
        "#",
        "$'\\u{110000}'",
        "$'\\U0011FFFF'",
    ] {
        for head in ["", "rm -rf /srv; ", "echo "] {
            let command = format!("{head}{tail}");
            let action = Action::shell(command.clone());
            let full = guard.evaluate_exhaustively(&action, &context);
            assert_eq!(guard.evaluate(&action, &context), full, "{command:?}");
            if head.starts_with("rm") {
                assert!(
                    full.findings.iter().any(|f| f.intent == Intent::FsDeleteRecursive),
                    "{command:?} hides the delete before it: {}",
                    explain(&full)
                );
            }
        }
    }
}

/// Large inputs the analyzer must walk once, not once per piece: thousands of commands in a
/// pipeline, words in one command, quotes, substitutions and here-documents. The budget is the
/// default one (1 MiB, 1,000 commands); past it the verdict is `unanalyzable`, which fails closed.
#[test]
fn large_hostile_inputs_complete_and_fail_closed() {
    let guard = Guard::recommended();
    let context = common::production_agent();
    let inputs = [
        "a ".repeat(150_000),
        format!("echo {}", "'x'\"y\"".repeat(40_000)),
        format!("echo {}", "$(true)".repeat(900)),
        "cat <<A\nbody\nA\n".repeat(900),
        format!("{}rm -rf /{}", "(".repeat(50_000), ")".repeat(50_000)),
        format!("{}rm -rf /", "{ ".repeat(50_000)),
        format!("x{}", "$'\\x41'".repeat(50_000)),
        format!("echo {}", "`".repeat(100_001)),
        format!("echo {}", "\\\n".repeat(100_000)),
        "true | ".repeat(999) + "true",
    ];
    for command in &inputs {
        let action = Action::shell(command.clone());
        let verdict = guard.evaluate_exhaustively(&action, &context);
        assert_eq!(guard.evaluate(&action, &context), verdict, "{}…", &command[..40]);
        if command.contains("rm -rf /") {
            assert_eq!(verdict.decision, Decision::Deny, "{}…: {}", &command[..40], explain(&verdict));
        }
    }
}
