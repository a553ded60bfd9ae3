//! `Guard::evaluate` on HTTP requests and tool calls against a naive secret scanner: the same
//! kinds of secret and personal-data regexes, each compiled separately, tried one after another
//! over the serialised body — what a gitleaks-style loop does without a keyword prefilter.
//!
//! Target (issue #4): at most 3 µs for the 4 KB JSON body without a secret. Measured on a 2-vCPU
//! AVX-512 VM (2026-12-04, 4,183-byte body): 2.86 µs evaluate (23× the loop), 2.05 µs for the
//! scanner alone; 2.77–2.82 µs in reruns of it alone; see the README.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guardrails_benches::{agent_in_production, naive_regexes, JOIN_SELECT};
use guardrails_core::{Action, Decision, Guard};
use regex_automata::meta::Regex;
use serde_json::{json, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The naive scanner's regexes: one per kind the engine recognises.
const NAIVE_PATTERNS: [&str; 22] = [
    r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
    r"aws_secret_access_key\W{1,4}[A-Za-z0-9/+]{40}",
    r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
    r"\bgh[pousr]_[0-9A-Za-z]{36}\b",
    r"\bgithub_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}\b",
    r"\bglpat-[0-9A-Za-z_-]{20}\b",
    r"\bxox[baprse]-[0-9]{10,13}-[0-9A-Za-z-]{10,}",
    r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{40,60}",
    r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,99}\b",
    r"\bAIza[0-9A-Za-z_-]{35}\b",
    r"\bGOCSPX-[0-9A-Za-z_-]{10,40}",
    r"\bsk-(?:proj-|svcacct-|admin-)?[0-9A-Za-z_-]{40,200}",
    r"\bsk-ant-(?:api|admin)[0-9]{2}-[0-9A-Za-z_-]{80,120}",
    r"\bSK[0-9a-f]{32}\b",
    r"\beyJ[0-9A-Za-z_-]{10,}\.eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}",
    r"[a-z][a-z0-9+.-]{1,20}://[^/\s:@]{1,64}:[^@\s/]{1,128}@",
    r#"(?:password|passwd|secret|api_?key|token)["']?\s*[:=]\s*["']?[^\s"']{8,}"#,
    r"\b(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|3[47][0-9]{13}|6011[0-9]{12})\b",
    r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b",
    r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b",
    r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b",
    r"\+?1?[ -]?\(?[0-9]{3}\)?[ -][0-9]{3}-[0-9]{4}\b",
];

fn naive_scan(naive: &[Regex], text: &str) -> bool {
    naive.iter().any(|r| r.is_match(text))
}

/// About 4 KB (4,183 bytes serialised) of ordinary JSON: ids, timestamps, UUIDs, SHAs, prose,
/// numbers.
fn benign_body() -> Value {
    let items: Vec<Value> = (0..15)
        .map(|i| {
            json!({
                "id": format!("evt_{i:05}"),
                "device_id": format!("dev-{}", 100 + i),
                "event_id": format!("94680787-9f04-4c13-9add-e16001cc{:04x}", i),
                "firmware_sha": "b6589fc6ab0dc82cf12099d1c2d40ab994e8410c",
                "recorded_at": "2024-06-01T12:00:00Z",
                "speed_kmh": 42.5 + f64::from(i),
                "note": "Routine telemetry sample; battery nominal, no faults reported.",
            })
        })
        .collect();
    json!({"batch": "b_20240601", "source": "fleet-gateway", "events": items})
}

/// The same body with three secrets in it: an AWS key pair, a GitHub token and a Slack token.
fn body_with_secrets() -> Value {
    let mut body = benign_body();
    body["debug"] = json!({
        "aws": "AWS_ACCESS_KEY_ID=AKIAOXJVGUXI23G24W4E AWS_SECRET_ACCESS_KEY=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",
        "gh": "ghp_R8fKq2LmN4pX7sT0vW3yZ6bC9dE1gH5jK8mQ",
        "slack": "xoxb-901754164124-570853517593-afc8b2af2c9298089f2cf8d7",
    });
    body
}

fn http(body: Value) -> Action {
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("Content-Type".to_owned(), "application/json".to_owned());
    Action::Http {
        method: "POST".to_owned(),
        url: "https://collector.example.net/v1/ingest".to_owned(),
        headers,
        body: Some(body),
    }
}

fn egress(c: &mut Criterion) {
    let guard = Guard::recommended();
    let context = agent_in_production();
    let naive = naive_regexes(&NAIVE_PATTERNS);
    let cases = [
        ("http_4kb_json_no_secret", http(benign_body()), Decision::Allow),
        ("http_4kb_json_three_secrets", http(body_with_secrets()), Decision::Deny),
    ];
    for (name, action, expected) in &cases {
        let verdict = guard.evaluate(action, &context);
        assert_eq!(verdict.decision, *expected, "{name}: {}", verdict.reason);
        let Action::Http { body: Some(body), .. } = action else { unreachable!() };
        let text = body.to_string();
        assert!((4096..4608).contains(&text.len()), "{name}: the body is {} bytes, not about 4 KB", text.len());
        assert_eq!(naive_scan(&naive, &text), *expected == Decision::Deny, "{name}: the naive scanner disagrees");
        let mut group = c.benchmark_group(*name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("guardrails_evaluate", |b| {
            b.iter(|| guard.evaluate(black_box(action), black_box(&context)))
        });
        group.bench_function("naive_regex_loop", |b| b.iter(|| naive_scan(&naive, black_box(&text))));
        group.bench_function("secret_scanner_alone", |b| {
            b.iter(|| guardrails_core::bench_support::scan_secrets(black_box(&text)))
        });
        group.finish();
    }

    // A tool call carrying SQL: the guard maps it, prefilters the SQL and scans nothing else; the
    // baselines are the regex loop over the arguments and a bare sqlparser parse of the SQL.
    let action = Action::tool_call("postgres__query", json!({"sql": JOIN_SELECT}));
    let verdict = guard.evaluate(&action, &context);
    assert_eq!(verdict.decision, Decision::Allow, "tool call: {}", verdict.reason);
    let Action::ToolCall { args, .. } = &action else { unreachable!() };
    let text = args.to_string();
    let mut group = c.benchmark_group("tool_call_sql_select");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("guardrails_evaluate", |b| b.iter(|| guard.evaluate(black_box(&action), black_box(&context))));
    group.bench_function("naive_regex_loop", |b| b.iter(|| naive_scan(&naive, black_box(&text))));
    group.bench_function("sqlparser_parse", |b| {
        b.iter(|| Parser::parse_sql(&PostgreSqlDialect {}, black_box(JOIN_SELECT)))
    });
    group.finish();
}

criterion_group!(benches, egress);
criterion_main!(benches);
