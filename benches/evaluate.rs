//! `Guard::evaluate` against its baseline, a bare `sqlparser` parse of the same text.
//!
//! Benign statements should take the prefilter's fast path and cost a small fraction of a parse
//! (target: at least 20× faster); dangerous ones are parsed or token-matched and should cost at
//! most about one parse (target: within 1.3×).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guardrails_benches::{agent_in_production, EVALUATE_INPUTS};
use guardrails_core::{Action, Dialect, Guard};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

fn evaluate_vs_parse(c: &mut Criterion) {
    let guard = Guard::recommended();
    let context = agent_in_production();
    for input in EVALUATE_INPUTS {
        let action = Action::sql(Dialect::Postgres, input.text);
        let verdict = guard.evaluate(&action, &context);
        assert_eq!(verdict.decision, input.expected, "{}: {}", input.name, verdict.reason);
        assert!(Parser::parse_sql(&PostgreSqlDialect {}, input.text).is_ok(), "{} must parse", input.name);

        let mut group = c.benchmark_group(input.name);
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_function("guardrails_evaluate", |b| {
            b.iter(|| guard.evaluate(black_box(&action), black_box(&context)))
        });
        group.bench_function("sqlparser_parse", |b| {
            b.iter(|| Parser::parse_sql(&PostgreSqlDialect {}, black_box(input.text)))
        });
        group.finish();
    }
}

criterion_group!(benches, evaluate_vs_parse);
criterion_main!(benches);
