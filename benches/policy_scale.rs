//! Evaluate cost as a policy grows: `extends: recommended` plus 0, 10, 100 and 1000 generated
//! rules, a mix of intent rules with `when`/`unless` conditions and literal and regex patterns.
//! The 0-rule policy is the baseline each larger one is read against.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use guardrails_benches::{agent_in_production, SHORT_SELECT};
use guardrails_core::{Action, Decision, Dialect, Guard};

const RULE_COUNTS: [usize; 4] = [0, 10, 100, 1000];

/// Intents the generated intent rules name; the SQL analyzer emits all of them.
const INTENTS: [&str; 6] = [
    "schema.drop",
    "schema.truncate",
    "data.bulk_delete",
    "schema.alter_destructive",
    "privilege.grant",
    "data.export",
];

/// A policy of `extends: recommended` plus `n` rules. Rules cycle through four shapes:
/// an intent rule with `when`, an intent rule with `unless`, a literal pattern, a regex pattern.
/// None of the patterns occur in the benchmarked statements, so every rule is checked and none
/// changes the verdict.
fn policy(n: usize) -> String {
    let mut y = String::from("version: 1\nname: scale\nextends: recommended\nrules:\n");
    if n == 0 {
        y = y.replace("rules:\n", "rules: []\n");
    }
    for i in 0..n {
        let intent = INTENTS[i % INTENTS.len()];
        let rule = match i % 4 {
            0 => format!(
                "  - id: team-{i}-agents\n    decision: require_approval\n    intents: [{intent}]\n    \
                 when: {{ actor: {{ kind: [agent] }}, environment: [\"prod-{i}\", \"eu-{i}-*\"] }}\n"
            ),
            1 => format!(
                "  - id: team-{i}-outside-ci\n    decision: require_approval\n    intents: [{intent}]\n    \
                 unless: {{ labels: {{ team: [\"team-{i}\"] }}, roles: [\"dba-{i}\"] }}\n    targets: [\"team{i}.*\"]\n"
            ),
            2 => format!(
                "  - id: forbidden-function-{i}\n    decision: deny\n    intents: [exec.remote_code]\n    \
                 patterns: [{{ literal: \"forbidden_fn_{i}\" }}]\n"
            ),
            _ => format!(
                "  - id: secret-table-{i}\n    decision: deny\n    intents: [credential.read]\n    \
                 patterns: [{{ regex: \"secret_{i}_[0-9]+\\\\b\" }}]\n"
            ),
        };
        y.push_str(&rule);
    }
    y
}

fn policy_scale(c: &mut Criterion) {
    let context = agent_in_production();
    let statements = [
        ("benign", Action::sql(Dialect::Postgres, SHORT_SELECT), Decision::Allow),
        ("dangerous", Action::sql(Dialect::Postgres, "DROP SCHEMA analytics CASCADE"), Decision::Deny),
    ];
    let guards: Vec<(usize, Guard)> = RULE_COUNTS
        .iter()
        .map(|&n| (n, Guard::from_yaml(&policy(n)).unwrap_or_else(|e| panic!("{n} rules: {e}"))))
        .collect();
    for (name, action, expected) in &statements {
        let mut group = c.benchmark_group(format!("policy_scale/{name}"));
        for (n, guard) in &guards {
            assert_eq!(guard.evaluate(action, &context).decision, *expected, "{name} with {n} rules");
            group.bench_with_input(BenchmarkId::new("rules", n), action, |b, action| {
                b.iter(|| guard.evaluate(black_box(action), black_box(&context)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, policy_scale);
criterion_main!(benches);
