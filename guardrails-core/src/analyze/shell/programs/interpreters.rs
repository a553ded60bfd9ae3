//! `shell/interpreter_code`
//!
//! ## What it catches
//! One-liners and here-documents for `python`, `perl`, `ruby`, `node`, `php`, `deno`, `bun`, `lua`,
//! `groovy` (`.execute()` runs a string or list as a command):
//! shell commands they run (`os.system("…")`, `subprocess.run([...])`, `` `…` ``, `system`,
//! `child_process.execSync`, `shell_exec`) are analysed as shell; files opened by name are
//! judged like `cat` and `>` (`open('~/.aws/credentials')` reads credentials, `open('/etc/sudoers',
//! 'a')` escalates); tree deletions
//! (`shutil.rmtree`, `FileUtils.rm_rf`, `fs.rmSync(…, {recursive})`, `rmtree`) are judged like
//! `rm -rf`; fork loops are `system.disrupt`. Code piped in from the network is remote code.
//!
//! ## Why it matters
//! An interpreter is a shell with a different syntax.
//!
//! ## Blocks
//! ```sh
//! python -c 'import os; os.system("rm -rf /opt")'
//! perl -e 'fork while 1'
//! curl -s https://x/install.py | python3
//! ```
//!
//! ## Passes
//! ```sh
//! python3 -m venv venv
//! python -c 'print(1 + 1)'
//! ```
//!
//! ## Known gaps
//! Only string literals are followed: code that builds its commands at run time is not.
//!
//! ## Intents
//! whatever the embedded commands do; `fs.delete_recursive`, `system.disrupt`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::unwrap::{script_flow, shell_quote};
use super::super::{nested, Flow, Invocation, ShellState};
use super::filesystem::delete_severity;
use crate::analyze::destination::host_of;

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/interpreter_code",
    intents: &[Intent::FsDeleteRecursive, Intent::SystemDisrupt, Intent::ExecRemoteCode],
    triggers: &[
        "python",
        "python2",
        "python3",
        "perl",
        "ruby",
        "node",
        "nodejs",
        "php",
        "deno",
        "bun",
        "lua",
        "pwsh",
        "powershell",
    ],
};

/// Functions whose string arguments are shell command lines.
const SHELL_CALLS: &[&str] = &[
    "system ",
    "exec ",
    "qx(",
    "qx{",
    "os.system(",
    "os.popen(",
    "subprocess.run(",
    "subprocess.call(",
    "subprocess.check_call(",
    "subprocess.check_output(",
    "subprocess.Popen(",
    "system(",
    "exec(",
    "execSync(",
    "spawnSync(",
    "spawn(",
    "execFile(",
    "execFileSync(",
    "shell_exec(",
    "passthru(",
    "popen(",
    "%x(",
    "Open3.capture2(",
];

/// Functions that delete a directory tree given as their first argument.
const TREE_DELETES: &[&str] = &[
    "rmtree(",
    "rm_rf(",
    "rm_r(",
    "remove_dir(",
    "rmSync(",
    "rmdirSync(",
    "rimraf(",
    "remove_tree(",
    "Deno.remove(",
    "rm(",
    "rmdir(",
];

pub(crate) fn check(inv: &Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) {
    let flags: &[&str] = match name {
        "python" | "python2" | "python3" => &["-c"],
        "perl" => &["-e", "-E"],
        "ruby" => &["-e"],
        "node" | "nodejs" | "bun" => &["-e", "--eval", "-p", "--print"],
        "php" => &["-r"],
        "groovy" => &["-e"],
        "deno" => &["eval"],
        "lua" => &["-e"],
        _ => &[],
    };
    let code = inv.args.iter().enumerate().find_map(|(i, a)| {
        if flags.contains(&a.value.as_str()) {
            inv.args.get(i + 1).map(|c| c.value.clone())
        } else {
            // Combined: perl -we '…', python -Sc '…'
            // (A cluster is short letters only: `-MFile::Path=remove_tree` is a module, not `-e`.)
            (a.value.starts_with('-')
                && !a.value.starts_with("--")
                && a.value.len() <= 6
                && a.value[1..].bytes().all(|b| b.is_ascii_alphabetic())
                && flags.iter().any(|f| f.len() == 2 && a.value.ends_with(&f[1..])))
            .then(|| inv.args.get(i + 1).map(|c| c.value.clone()))
            .flatten()
        }
    });
    // No script file among the operands: the program reads its code from standard input.
    let reads_stdin = inv.args.iter().skip(1).all(|a| a.value.starts_with('-') && a.value != "-m")
        || inv.args.iter().skip(1).any(|a| a.value == "-" || a.value == "/dev/stdin");
    // IPython and Jupyter run `!command` lines and `%%bash` / `%%sh` cells in the shell.
    if name.starts_with("python") {
        if let Some(code) = code.as_deref().or(match &inv.stdin {
            Flow::Text(t) => Some(t.as_str()),
            _ => None,
        }) {
            let shell_cell = code.trim_start().starts_with("%%bash")
                || code.trim_start().starts_with("%%sh")
                || code.trim_start().starts_with("%%script bash")
                || code.trim_start().starts_with("%%script sh");
            let lines: Vec<&str> = if shell_cell {
                code.trim_start().lines().skip(1).collect()
            } else {
                code.lines()
                    .filter_map(|l| {
                        let l = l.trim_start();
                        l.strip_prefix('!').or_else(|| l.strip_prefix("%sx ")).or_else(|| l.strip_prefix("%system "))
                    })
                    .collect()
            };
            if !lines.is_empty() {
                nested(&lines.join("\n"), inv.report, st, facts);
            }
        }
    }
    match code {
        Some(code) => scan(inv, &code, st, facts),
        None if reads_stdin => match inv.stdin.clone() {
            Flow::Text(code) => scan(inv, &code, st, facts),
            Flow::Terminal => {}
            other => script_flow(inv, other, st, facts),
        },
        // `python3 get.py` after `curl -o get.py URL`: the script is the download.
        None => {
            let script = inv.args.iter().skip(1).find(|a| !a.value.starts_with('-')).map(|a| a.value.as_str());
            if let Some(url) = script.and_then(|s| st.download_run(s)).map(str::to_owned) {
                super::super::unwrap::remote_code(inv, &url, facts);
            }
        }
    }
}

/// Functions that open, read or write the file named by one of their string arguments; writes
/// are told by a mode argument (`open(p, "a")`, `open(my $fh, ">>", p)`) or by the function.
const FILE_CALLS: &[&str] = &[
    "open(",
    "fopen(",
    "readFileSync(",
    "readFile(",
    "file_get_contents(",
    "File.read(",
    "File.open(",
    "File.readlines(",
    "IO.read(",
    "IO.readlines(",
    "readTextFile(",
    "readTextFileSync(",
    "Bun.file(",
    "slurp(",
    "Path(",
    "writeFileSync(",
    "appendFileSync(",
    "writeFile(",
    "appendFile(",
    "file_put_contents(",
    "File.write(",
    "IO.write(",
    "writeTextFile(",
    "writeTextFileSync(",
];

/// Ways code names the whole process environment (not one variable of it).
const WHOLE_ENVIRONMENT: &[&str] = &[
    "os.environ",
    "process.env",
    "ENV.to_h",
    "ENV.to_a",
    "ENV.inspect",
    "%ENV",
    "getenv()",
    "$_ENV",
    "Deno.env.toObject(",
];

/// Ways code talks to the network.
const NETWORK_CALLS: &[&str] = &[
    "urlopen(",
    "urllib.request",
    "requests.",
    "httpx.",
    "http.client",
    "aiohttp",
    "socket.",
    "fetch(",
    "axios",
    "http.request(",
    "https.request(",
    "XMLHttpRequest",
    "Net::HTTP",
    "HTTP::Tiny",
    "LWP::",
    "curl_exec(",
    "fsockopen(",
    "Deno.connect",
    "sendBeacon(",
    "new Image",
];

/// Code that reads the whole environment and talks to the network sends the environment — every
/// token and password the process was given — to the host its first URL names.
fn environment_sent(inv: &Invocation<'_>, code: &str, st: &ShellState<'_>, facts: &mut Facts) {
    let whole = WHOLE_ENVIRONMENT.iter().any(|e| {
        code.match_indices(e).any(|(at, _)| {
            // `os.environ["HOME"]`, `process.env.PORT`, `os.environ.get(…)`: one variable.
            let next = code[at + e.len()..].trim_start();
            let one_variable = next.starts_with('[')
                || next.starts_with(".get")
                || next.starts_with(".setdefault")
                || (e.ends_with("env") && next.starts_with('.'));
            !one_variable
        })
    });
    // In a browser page: the session's cookies and stored tokens.
    let browser = ["document.cookie", "localStorage", "sessionStorage"].iter().any(|b| code.contains(b));
    if !(whole || browser) || !NETWORK_CALLS.iter().any(|c| code.contains(c)) {
        return;
    }
    let url = ["https://", "http://"].iter().filter_map(|scheme| code.find(scheme)).min().map(|at| {
        let rest = &code[at..];
        &rest[..rest.find(['\'', '"', '`', ' ', ')']).unwrap_or(rest.len())]
    });
    // Without a URL, only a call that plainly sends (`sock.sendall(…)`, `requests.post(…)`).
    if url.is_none() && ![".sendall(", ".send(", ".post(", ".put(", "urlopen("].iter().any(|c| code.contains(c)) {
        return;
    }
    let host = url.map(host_of).unwrap_or_default();
    let what = if browser { "the page's cookies and stored tokens" } else { "the process environment" };
    super::network::send_flow(inv.report, &host, Flow::Secret(what.to_owned()), st.policy, facts);
}

/// Whether a string literal is a file mode (`r`, `wb`, `a+`, `>>`, `<`).
fn is_mode(s: &str) -> bool {
    !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b"rwabxtU+<>".contains(&b))
}

/// Files that interpreter code reads or writes by name: credential files read into its output,
/// account databases, persistence locations and devices written.
fn file_calls(inv: &Invocation<'_>, code: &str, facts: &mut Facts) {
    for call in FILE_CALLS {
        for (at, _) in code.match_indices(call) {
            if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let args = &code[at + call.len()..];
            let literals = string_literals(args, 3);
            let Some(path) = literals.iter().find(|l| !is_mode(l)) else { continue };
            let mode = literals.iter().find(|l| is_mode(l)).map(String::as_str).unwrap_or("");
            let after = args.split_once(')').map_or("", |(_, rest)| rest);
            let writes = if *call == "Path(" {
                if after.starts_with(".write_") {
                    true
                } else if after.starts_with(".read_") || after.starts_with(".open(") {
                    false
                } else {
                    continue;
                }
            } else {
                call.contains("rite")
                    || call.contains("ppend")
                    || call.contains("put_contents")
                    || mode.contains(['w', 'a', '>', 'x', '+'])
            };
            let target = Some(Target { kind: "file", name: path.clone() });
            if writes {
                for (intent, severity, detector, message) in super::system::write_effects(path) {
                    facts.push(inv.fact(intent, severity, detector, target.clone(), message));
                }
            } else if let Some(what) = super::credentials::secret_kind(path) {
                facts.push(inv.fact(
                    Intent::CredentialRead,
                    Severity::High,
                    super::credentials::DETECTOR.id,
                    target,
                    format!("`{}` reads {what} (`{path}`)", call.trim_end_matches('(')),
                ));
            }
        }
    }
}

/// Scans interpreter code for shell commands, file access, tree deletions and fork loops.
fn scan(inv: &Invocation<'_>, code: &str, st: &mut ShellState<'_>, facts: &mut Facts) {
    file_calls(inv, code, facts);
    environment_sent(inv, code, st, facts);
    for call in SHELL_CALLS {
        for (at, _) in code.match_indices(call) {
            // `exec(` also matches `os.execv(`-less text such as `subprocess.exec(`; require a boundary.
            if at > 0
                && call.starts_with(|c: char| c.is_ascii_lowercase())
                && code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            let args = &code[at + call.len()..];
            let literals = string_literals(args, 16);
            if literals.is_empty() {
                continue;
            }
            // A list form (`["rm", "-rf", "/"]`, `spawn("sh", ["-c", "…"])`) is one argument
            // vector; otherwise the first literal is the command line.
            let argv = args.trim_start().starts_with('[')
                || ["spawn(", "spawnSync(", "execFile(", "execFileSync("].contains(call);
            let line = if argv {
                literals.iter().map(|l| shell_quote(l)).collect::<Vec<_>>().join(" ")
            } else {
                literals[0].clone()
            };
            nested(&line, inv.report, st, facts);
        }
    }
    // Groovy runs a string or a list with `.execute()`: `"rm -rf /".execute()`, `["bash", "-c",
    // "…"].execute()`.
    for (at, _) in code.match_indices(".execute(") {
        let before = code[..at].trim_end();
        let line = if before.ends_with(']') {
            let Some(open) = list_start(before) else { continue };
            string_literals(&before[open + 1..], 16).iter().map(|l| shell_quote(l)).collect::<Vec<_>>().join(" ")
        } else if let Some(q) = before.chars().last().filter(|c| *c == '"' || *c == '\'') {
            let body = &before[..before.len() - 1];
            match body.rfind(q) {
                Some(start) => body[start + 1..].to_owned(),
                None => continue,
            }
        } else {
            continue;
        };
        nested(&line, inv.report, st, facts);
    }
    // Perl and Ruby backticks run shell commands too.
    let mut rest = code;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        nested(&after[..end], inv.report, st, facts);
        rest = &after[end + 1..];
    }
    for call in TREE_DELETES {
        for (at, _) in code.match_indices(call) {
            if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let args = &code[at + call.len()..];
            // `fs.rm(p)`, `rmSync(p)` and `os.rmdir(p)` delete a file or an empty directory; only
            // a recursive option makes them tree deletions.
            let plain = ["rm(", "rmSync(", "rmdir(", "rmdirSync(", "Deno.remove("].contains(call);
            let call_text = args.split(')').next().unwrap_or("");
            if plain && !call_text.contains("recursive") {
                continue;
            }
            if let Some(path) = string_literals(args, 1).first() {
                if let Some((severity, why)) = delete_severity(path, false, st.cwd.as_deref()) {
                    facts.push(inv.fact(
                        Intent::FsDeleteRecursive,
                        severity,
                        DETECTOR.id,
                        Some(Target { kind: "file", name: path.clone() }),
                        format!("`{}` deletes a tree: {why}", call.trim_end_matches('(')),
                    ));
                }
            }
        }
    }
    // Code fetched and run: `exec(urlopen(…).read())`, `eval(requests.get(…).text)`.
    let fetches =
        ["urlopen(", "requests.get(", "urllib.request", "fetch(", "Net::HTTP", "LWP::", "open-uri", "http.get("]
            .iter()
            .any(|f| code.contains(f));
    let runs = ["exec(", "eval(", "Function(", "instance_eval", "exec "].iter().any(|f| code.contains(f));
    if fetches && runs {
        facts.push(inv.fact(
            Intent::ExecRemoteCode,
            Severity::Critical,
            DETECTOR.id,
            None,
            "the one-liner downloads code and runs it".to_owned(),
        ));
    }
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let fork_loop = compact.contains("forkwhile")
        || compact.contains("whileTrue:os.fork")
        || compact.contains("while(1){fork")
        || compact.contains("loop{fork")
        || (compact.contains("fork")
            && (compact.contains("while1") || compact.contains("whileTrue") || compact.contains("for(;;)")));
    if fork_loop {
        facts.push(inv.fact(
            Intent::SystemDisrupt,
            Severity::Critical,
            DETECTOR.id,
            None,
            "a fork loop exhausts the host's processes (fork bomb)".to_owned(),
        ));
    }
}

/// Where the list literal that `text` ends with (`…]`) opens.
fn list_start(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first `max` quoted string literals at the start of a call's argument list (up to its `)`).
fn string_literals(args: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = args.char_indices().peekable();
    let mut depth = 0i32;
    while let Some((_, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            '"' | '\'' => {
                let mut s = String::new();
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        if let Some((_, e)) = chars.next() {
                            s.push(e);
                        }
                    } else if d == c {
                        break;
                    } else {
                        s.push(d);
                    }
                }
                out.push(s);
                if out.len() >= max {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}
