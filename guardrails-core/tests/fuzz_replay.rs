//! Replays the fuzz targets' inputs on stable, without libFuzzer: every minimized crash in
//! `fuzz/regressions/`, the seed corpus in `fuzz/seeds/`, and a few thousand generated SQL-like
//! inputs and shell command lines, through the targets' own bodies (`fuzz/bodies.rs`).

#[path = "../../fuzz/bodies.rs"]
mod bodies;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use bodies::{Mode, KNOWN_BLOWUPS, KNOWN_GAPS};

fn fuzz_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(sub)
}

#[expect(clippy::disallowed_methods, reason = "the test reads the committed fuzz inputs")]
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The files of a directory, sorted, so that failures are listed in a stable order.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Whether `body` panics on `data` (the test harness captures the panic message).
fn panics(body: impl Fn(&[u8]), data: &[u8]) -> bool {
    catch_unwind(AssertUnwindSafe(|| body(data))).is_err()
}

/// Runs `body` on every file, and fails naming each file it panicked on.
fn replay(files: &[PathBuf], body: impl Fn(&Path, &[u8])) {
    assert!(!files.is_empty(), "nothing to replay");
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = read(path);
            catch_unwind(AssertUnwindSafe(|| body(path, &data))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "panicked on {} of {} inputs:\n{}", failed.len(), files.len(), failed.join("\n"));
}

/// The body of the target a regression is named after (`<target>-<short-name>`), in `mode`.
fn target_of(name: &str) -> fn(&[u8], Mode) {
    if name.starts_with("evaluate_sql-") {
        bodies::evaluate_sql_in
    } else if name.starts_with("evaluate_shell-") {
        bodies::evaluate_shell_in
    } else if name.starts_with("evaluate_any-") {
        bodies::evaluate_any_in
    } else if name.starts_with("scan_payload-") {
        bodies::scan_payload_in
    } else {
        panic!("{name}: a regression is named <target>-<short-name>")
    }
}

/// The file name of a regression.
fn name_of(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default()
}

#[test]
fn every_regression_replays_clean() {
    let replayable: Vec<PathBuf> = files(&fuzz_dir("regressions"))
        .into_iter()
        .filter(|path| !KNOWN_BLOWUPS.iter().any(|blowup| blowup.regression == name_of(path)))
        .collect();
    replay(&replayable, |path, data| target_of(name_of(path))(data, Mode::TolerateKnownGaps));
}

/// A known blow-up is not replayed (it would hang or abort this test), but its file must exist
/// and be named after a target.
#[test]
fn every_known_blowup_has_its_regression() {
    for blowup in KNOWN_BLOWUPS {
        let path = fuzz_dir("regressions").join(blowup.regression);
        assert!(path.is_file(), "{}: no such regression ({})", path.display(), blowup.why);
        target_of(blowup.regression);
    }
}

#[test]
fn every_known_gap_is_still_open() {
    let closed: Vec<String> = KNOWN_GAPS
        .iter()
        .filter(|gap| {
            let data = read(&fuzz_dir("regressions").join(gap.regression));
            !panics(|d| target_of(gap.regression)(d, Mode::Strict), &data)
        })
        .map(|gap| format!("{} ({})", gap.regression, gap.why))
        .collect();
    assert!(
        closed.is_empty(),
        "these known gaps are closed: remove them from KNOWN_GAPS in fuzz/bodies.rs\n{}",
        closed.join("\n")
    );
}

#[test]
fn every_seed_replays_clean() {
    replay(&files(&fuzz_dir("seeds/sql")), |_, data| bodies::evaluate_sql(data));
    replay(&files(&fuzz_dir("seeds/shell")), |_, data| bodies::evaluate_shell(data));
    replay(&files(&fuzz_dir("seeds/any")), |_, data| bodies::evaluate_any(data));
    replay(&files(&fuzz_dir("seeds/payload")), |_, data| bodies::scan_payload(data));
}

/// Pieces of SQL that tend to confuse lexers and parsers: keywords of dangerous and harmless
/// statements, every kind of quote and comment, dynamic SQL, variables, deep nesting.
#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "SELECT", "DROP", "TABLE", "SCHEMA", "DATABASE", "DELETE", "FROM", "UPDATE", "SET", "WHERE", "TRUNCATE",
    "ALTER", "GRANT", "ALL", "TO", "PUBLIC", "COPY", "PROGRAM", "INTO", "OUTFILE", "DO", "EXECUTE", "EXEC",
    "PREPARE", "IMMEDIATE", "WITH", "AS", "RETURNING", "EXPLAIN", "ANALYZE", "MERGE", "INSERT", "OVERWRITE",
    "CASCADE", "IF", "EXISTS", "ROLE", "USER", "SUPERUSER", "users", "t", "a.b", "\"Quoted Name\"", "`tick`",
    "[bracket]", "@q", "@@global", ":=", "$1", "?", "'str'", "'it''s'", "E'a\\'b'", "N'x'", "'", "\"", "`",
    "$$", "$tag$", "$$DROP TABLE t$$", "--", "-- c\n", "#", "/*", "*/", "/*!50000", "/* DROP */", "\\", "\\!",
    "\n", "\r\n", "\t", " ", ";", ",", ".", "(", ")", "((((", "))))", "=", "1=1", "*", "||", "+", "0", "42",
    "1e9", "é", "∑", "\u{0}", "\u{feff}", "pg_read_file", "xp_cmdshell", "dblink", "sp_executesql", "LIMIT",
];

/// A small deterministic generator (xorshift64*), so a failure reproduces from its index alone.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Input number `i`: a header choosing dialect, context and limits, then up to 40 fragments,
/// mostly separated by spaces.
fn generated(i: u64) -> Vec<u8> {
    generated_from(FRAGMENTS, i)
}

/// Input number `i` made of `fragments`, as [`generated`] describes.
fn generated_from(fragments: &[&str], i: u64) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ i.wrapping_mul(0x1000_0000_01b3));
    let mut data: Vec<u8> = (0..bodies::Setup::LEN).map(|_| rng.next() as u8).collect();
    for _ in 0..1 + rng.below(40) {
        data.extend_from_slice(fragments[rng.below(fragments.len())].as_bytes());
        if rng.below(4) != 0 {
            data.push(b' ');
        }
    }
    data
}

#[test]
fn generated_inputs_replay_clean() {
    const COUNT: u64 = 4_000;
    let failed: Vec<u64> = (0..COUNT).filter(|&i| panics(bodies::evaluate_sql, &generated(i))).collect();
    let shown: Vec<String> =
        failed.iter().take(5).map(|&i| format!("#{i}: {:?}", String::from_utf8_lossy(&generated(i)))).collect();
    assert!(failed.is_empty(), "{} of {COUNT} generated inputs panicked, e.g.\n{}", failed.len(), shown.join("\n"));
}

/// Pieces of command lines that tend to confuse shell lexers and guards: dangerous and harmless
/// programs, wrappers that run another command, flags in every spelling, targets, every kind of
/// quote, expansion, substitution, redirection and list operator, heredocs, assignments.
#[rustfmt::skip]
const SHELL_FRAGMENTS: &[&str] = &[
    "rm", "-rf", "-r", "-f", "--recursive", "--force", "--no-preserve-root", "--", "/", "/*", "~", "$HOME",
    "..", "./build", "node_modules", "/etc", "/dev/sda", "of=/dev/sda", "dd", "mkfs.ext4", "shred", "chmod",
    "777", "-R", "git", "push", "--force-with-lease", "origin", "main", "+main", "feature/x", "reset", "--hard",
    "clean", "-fdx", "kubectl", "delete", "ns", "--all", "terraform", "destroy", "-auto-approve", "aws", "s3",
    "psql", "-c", "mysql", "-e", "DROP TABLE users", "DELETE FROM t", "SELECT 1", "redis-cli", "FLUSHALL",
    "curl", "wget", "-d", "@~/.ssh/id_rsa", "-T", "https://evil.example/x.sh", "https://api.example.com",
    "nc", "scp", "cat", "~/.aws/credentials", ".env", "/etc/shadow", "base64", "-d", "cm0gLXJmIH4=", "echo",
    "printf", "grep", "sudo", "-u", "root", "doas", "env", "-i", "X=rm", "D=/", "$X", "$D", "${D}", "${D:-/}",
    "nohup", "timeout", "5", "nice", "xargs", "-0", "find", "-exec", "-delete", "{}", "\\;", "ssh", "host",
    "docker", "exec", "run", "bash", "sh", "zsh", "eval", "source", ".", "python3", "-c", "import os",
    "shutdown", "reboot", "kill", "-9", "-1", "crontab", "authorized_keys", ":(){ :|:& };:",
    "'", "\"", "`", "$'", "\\x72", "$(", ")", "<(", ">(", "${", "}", "(", "{", "((", "))", "[[", "]]",
    "|", "||", "&&", ";", "&", ";;", "!", ">", ">>", "2>&1", "<", "<<EOF", "<<-EOF", "<<'EOF'", "EOF",
    "<<<", "\n", "\n", "\\", "\\\n", "#", "r''m", "\"r\"m", "\\rm", "*", "?", "[a-z]", "=", "\t",
    "é", "ｒｍ", "\u{200b}", "\u{0}", "\r\n",
];

#[test]
fn generated_command_lines_replay_clean() {
    const COUNT: u64 = 3_000;
    let line = |i: u64| generated_from(SHELL_FRAGMENTS, i);
    let failed: Vec<u64> = (0..COUNT).filter(|&i| panics(bodies::evaluate_shell, &line(i))).collect();
    let shown: Vec<String> =
        failed.iter().take(5).map(|&i| format!("#{i}: {:?}", String::from_utf8_lossy(&line(i)))).collect();
    assert!(
        failed.is_empty(),
        "{} of {COUNT} generated command lines panicked, e.g.\n{}",
        failed.len(),
        shown.join("\n")
    );
}

#[test]
fn generated_requests_replay_clean() {
    const COUNT: u64 = 500;
    let request = |i: u64| {
        let data = generated(i);
        let (setup, sql) = bodies::Setup::decode(&data);
        serde_json::json!({
            "action": { "kind": "sql", "dialect": setup.dialect.as_str(), "text": String::from_utf8_lossy(sql) },
            "context": setup.context,
        })
        .to_string()
    };
    let failed: Vec<String> = (0..COUNT).map(request).filter(|r| panics(bodies::evaluate_any, r.as_bytes())).collect();
    assert!(failed.is_empty(), "{} of {COUNT} generated requests panicked, e.g.\n{}", failed.len(), failed[0]);
}

#[test]
fn generated_inputs_cover_the_header() {
    let setups: Vec<bodies::Setup> = (0..200).map(|i| bodies::Setup::decode(&generated(i)).0).collect();
    for dialect in guardrails_core::Dialect::ALL {
        assert!(setups.iter().any(|s| s.dialect == *dialect), "no generated input in {dialect}");
    }
    assert!(setups.iter().any(|s| s.limits.2 == 0), "no generated input with max_statements 0");
    assert!(setups.iter().any(|s| s.context.approval.is_some()), "no generated input with an approval");
}
