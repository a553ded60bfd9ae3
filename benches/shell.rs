//! `Guard::evaluate` on shell command lines against a naive shell guard: split the line into words
//! with `shell-words` (so that quoting does not hide a word), join them, and try 30 regexes one
//! after another until one matches. Splitting alone is measured too, as the floor under any
//! guard that reads the line as the shell would.
//!
//! Target (issue #3): at most 1 µs for the benign 60-byte command.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guardrails_benches::{agent_in_production, naive_regexes, SHELL_INPUTS};
use guardrails_core::{Action, Guard};
use regex_automata::meta::Regex;

/// What a regex-list shell guard typically checks, one pattern per danger.
const NAIVE_PATTERNS: [&str; 30] = [
    r"\brm\s+(-\S+\s+)*-[a-z]*r",
    r"\brm\s+.*--recursive\b",
    r"\bmkfs(\.\w+)?\b",
    r"\bdd\s+.*\bof=/dev/",
    r">\s*/dev/(sd|hd|nvme|xvd)",
    r"\b(shred|wipefs)\b",
    r"\bchmod\s+(-\S+\s+)*[0-7]?777\b",
    r"\bchown\s+(-\S+\s+)*-[a-z]*r",
    r"\bgit\s+push\s+.*(--force\b|\s-f\b|\s\+)",
    r"\bgit\s+reset\s+--hard\b",
    r"\bgit\s+clean\s+-[a-z]*f",
    r"\bgit\s+(branch\s+-d|filter-branch|stash\s+clear)\b",
    r"\bkubectl\s+(delete|drain)\b",
    r"\bterraform\s+(destroy|apply\s+.*-auto-approve)\b",
    r"\b(helm\s+uninstall|pulumi\s+destroy)\b",
    r"\baws\s+s3\s+(rm|rb)\b",
    r"\bdocker\s+(system\s+prune|rm\s+-f)\b",
    r"\b(curl|wget)\b.*\|\s*(sudo\s+)?(ba|z)?sh\b",
    r"\b(curl|wget)\b.*(\s-d\s*@|--data-binary|\s-T\s|--upload-file|\s-F\s|--post-file)",
    r"\b(nc|ncat|socat)\s",
    r"\.ssh/id_|\.aws/credentials|/etc/shadow|\.env\b",
    r"\b(shutdown|reboot|halt|poweroff)\b",
    r"\bkill\s+-9\s+-1\b|\bkillall\b",
    r":\(\)\s*\{.*\};\s*:",
    r"\biptables\s+-f\b|\bufw\s+disable\b",
    r"\bbase64\s+(-d|--decode)\b.*\|\s*(ba)?sh\b",
    r"/etc/sudoers|authorized_keys|\bcrontab\b",
    r"\b(drop|truncate)\s+(table|schema|database)\b",
    r"\bdelete\s+from\b",
    r"\b(flushall|flushdb|dropdatabase)\b",
];

/// The naive guard's verdict: `true` blocks. A line whose quotes do not balance is blocked.
fn naive_blocks(naive: &[Regex], command: &str) -> bool {
    let Ok(words) = shell_words::split(command) else { return true };
    let line = words.join(" ");
    naive.iter().any(|r| r.is_match(&line))
}

fn evaluate_vs_naive(c: &mut Criterion) {
    let guard = Guard::recommended();
    let context = agent_in_production();
    let naive = naive_regexes(&NAIVE_PATTERNS);
    for input in SHELL_INPUTS {
        let action = Action::shell(input.command);
        let verdict = guard.evaluate(&action, &context);
        assert_eq!(verdict.decision, input.expected, "{}: {}", input.name, verdict.reason);
        assert_eq!(
            naive_blocks(&naive, input.command),
            !verdict.allowed(),
            "{}: the naive guard disagrees",
            input.name
        );

        let mut group = c.benchmark_group(input.name);
        group.throughput(Throughput::Bytes(input.command.len() as u64));
        group.bench_function("guardrails_evaluate", |b| {
            b.iter(|| guard.evaluate(black_box(&action), black_box(&context)))
        });
        group.bench_function("naive_split_and_regexes", |b| b.iter(|| naive_blocks(&naive, black_box(input.command))));
        group.bench_function("shell_words_split", |b| b.iter(|| shell_words::split(black_box(input.command))));
        group.finish();
    }
}

criterion_group!(benches, evaluate_vs_naive);
criterion_main!(benches);
