//! Unwrapping: from what was typed to the program that really runs. Wrappers (`sudo`, `env`,
//! `timeout`, `nohup`, `xargs`, `ssh host cmd`, `docker exec`, `kubectl exec --`, …) are peeled
//! off; shells (`bash -c`, `sh` fed by a pipe or here-document), `eval`, `source <(…)` and
//! interpreter one-liners hand their code back to the analyzer. Each level spends from the depth
//! budget.

use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::parse::Arg;
use super::programs;
use super::{nested, program_name, unanalyzable, Flow, Invocation, ShellState};

/// Runs the command: unwraps it or hands it to the program knowledge. Returns its output.
pub(crate) fn run(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let Some(first) = inv.args.first() else { return Flow::Unknown };
    // `/bin/r? -rf /`, `{rm,-rf,/}`: the shell expands the name; what runs is not this text.
    if first.dynamic || first.glob || first.brace {
        dynamic_name(&inv, st, facts);
        return Flow::Unknown;
    }
    // `./install.sh` after `curl -o install.sh URL`: the program is the download.
    if first.value.contains('/') {
        if let Some(url) = st.download_run(&first.value).map(str::to_owned) {
            remote_code(&inv, &url, facts);
            return Flow::Unknown;
        }
    }
    let name = program_name(&first.value).to_owned();
    // An alias defined earlier on the line runs its value (unless the word was quoted or escaped).
    if let Some(value) = st.aliases.get(&first.value).cloned() {
        let mut line = value;
        for a in &inv.args[1..] {
            line.push(' ');
            line.push_str(&shell_quote(&a.value));
        }
        st.aliases.remove(&first.value);
        return nested(&line, inv.report, st, facts);
    }
    match name.as_str() {
        "sudo" | "doas" | "run0" => sudo(inv, st, facts),
        "env" => env(inv, st, facts),
        "nohup" | "builtin" | "setsid" | "unbuffer" | "caffeinate" | "busybox" | "chronic" | "time" | "pkexec"
        | "firejail" | "torsocks" | "proxychains" | "proxychains4" => skip(inv, 1, &[], st, facts),
        "strace" | "ltrace" => skip(inv, 1, &["-o", "-e", "-p", "-s", "-u", "-E"], st, facts),
        "unshare" | "systemd-run" => {
            skip(inv, 1, &["-p", "--property", "-u", "--unit", "-M", "--machine", "-H", "--host"], st, facts)
        }
        "script" => match inv.args.iter().position(|a| a.value == "-c" || a.value == "--command") {
            Some(p) => {
                let code = inv.args.get(p + 1).map(|a| a.value.clone()).unwrap_or_default();
                shell_code(&inv, &code, st, facts)
            }
            None => Flow::Unknown,
        },
        "at" | "batch" => {
            // at reads the job's commands on standard input.
            let stdin = inv.stdin.clone();
            script_flow(&inv, stdin, st, facts);
            Flow::Unknown
        }
        "exec" => skip(inv, 1, &["-a"], st, facts),
        // Package runners run the package's command: `npx prisma migrate reset`.
        "npx" | "bunx" | "pnpx" => skip(inv, 1, &["-p", "--package", "-c", "--call"], st, facts),
        "command" => {
            if inv.args.get(1).is_some_and(|a| a.value == "-v" || a.value == "-V") {
                return Flow::Unknown;
            }
            skip(inv, 1, &[], st, facts)
        }
        "nice" => skip(inv, 1, &["-n", "--adjustment"], st, facts),
        "ionice" => skip(inv, 1, &["-c", "-n", "--class", "--classdata"], st, facts),
        "stdbuf" => skip(inv, 1, &[], st, facts),
        "timeout" => timeout(inv, st, facts),
        "chroot" | "flock" => {
            // The first operand is a directory or lock file, then the command.
            let rest = operands_from(&inv.args, 1, &[]);
            shifted(inv, rest + 1, st, facts)
        }
        "watch" => {
            let at = operands_from(&inv.args, 1, &["-n", "--interval", "-d", "--differences"]);
            let joined = join(&inv.args[at.min(inv.args.len())..]);
            shell_code(&inv, &joined, st, facts)
        }
        "xargs" => xargs(inv, st, facts),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" | "mksh" | "csh" | "tcsh" => shell(inv, st, facts),
        // PowerShell's script (`-Command`, `-EncodedCommand`, or read from a pipe) is translated.
        "pwsh" | "powershell" => super::powershell::run(&inv, st, facts),
        "eval" => {
            let code = Arg {
                value: join(&inv.args[1..]),
                dynamic: inv.args[1..].iter().any(|a| a.dynamic),
                substs: inv.args[1..].iter().flat_map(|a| a.substs.clone()).collect(),
                ..Arg::default()
            };
            code_arg(&inv, &code, st, facts);
            Flow::Unknown
        }
        "source" | "." => source(&inv, st, facts),
        "ssh" => programs::network::ssh(inv, st, facts),
        "python" | "python2" | "python3" | "perl" | "ruby" | "node" | "nodejs" | "php" | "deno" | "bun" | "lua"
        | "groovy" => {
            programs::interpreters::check(&inv, &name, st, facts);
            Flow::Unknown
        }
        _ => programs::check(inv, &name, st, facts),
    }
}

/// `$X -rf /`, `$(printf rm) -rf /`: a command name computed at run time.
fn dynamic_name(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) {
    let first = &inv.args[0];
    // `$(curl …)` as a command runs what it downloads.
    if let Some(url) = inv.subst_flows.iter().find_map(|(s, f)| match f {
        Flow::Remote(u) if first.substs.contains(s) => Some(u.clone()),
        _ => None,
    }) {
        remote_code(inv, &url, facts);
        return;
    }
    // A substitution whose output is known literal text names the command after all.
    if let [(_, Flow::Text(t))] = inv.subst_flows.as_slice() {
        if first.substs.len() == 1 && first.value == "$(…)" {
            let mut line = t.trim().to_owned();
            for a in &inv.args[1..] {
                line.push(' ');
                line.push_str(&shell_quote(&a.value));
            }
            nested(&line, inv.report, st, facts);
            return;
        }
    }
    facts.push(inv.fact(
        Intent::ExecDynamic,
        Severity::High,
        "shell/dynamic_command",
        Some(Target { kind: "command", name: first.value.clone() }),
        format!("the command name `{}` is computed at run time, so what runs cannot be known", first.value),
    ));
    // `$SUDO rm -rf /`, `$SHELL -c '…'`: the computed name is often a wrapper of what follows.
    if inv.args.len() > 1 {
        let rest: Vec<String> = inv.args[1..].iter().map(|a| shell_quote(&a.value)).collect();
        nested(&rest.join(" "), inv.report, st, facts);
        nested(&format!("sh {}", rest.join(" ")), inv.report, st, facts);
    }
}

/// Re-runs the invocation without its first `n` arguments.
fn shifted(mut inv: Invocation<'_>, n: usize, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    if n >= inv.args.len() {
        return Flow::Unknown;
    }
    if st.depth_left == 0 {
        facts.push(unanalyzable(inv.report, "wrappers are nested deeper than the limit".to_owned()));
        return Flow::Unknown;
    }
    st.depth_left -= 1;
    inv.args.drain(..n);
    let out = run(inv, st, facts);
    st.depth_left += 1;
    out
}

/// The index of the first operand at or after `from`, skipping options; `with_value` lists
/// options that take the next argument.
fn operands_from(args: &[Arg], from: usize, with_value: &[&str]) -> usize {
    let mut i = from;
    while i < args.len() {
        let v = args[i].value.as_str();
        if v == "--" {
            return i + 1;
        }
        if !v.starts_with('-') || v == "-" {
            return i;
        }
        if with_value.contains(&v) {
            i += 1;
        }
        i += 1;
    }
    i
}

/// Skips the wrapper and its options, then runs the rest.
fn skip(inv: Invocation<'_>, from: usize, with_value: &[&str], st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let at = operands_from(&inv.args, from, with_value);
    shifted(inv, at, st, facts)
}

fn timeout(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    // timeout [options] DURATION COMMAND…
    let at = operands_from(&inv.args, 1, &["-s", "--signal", "-k", "--kill-after"]);
    shifted(inv, at + 1, st, facts)
}

fn sudo(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let with_value = [
        "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group", "--host", "--prompt",
        "--chdir",
    ];
    let mut shell_flag = false;
    let mut i = 1;
    while i < inv.args.len() {
        let v = inv.args[i].value.as_str();
        if v == "--" {
            i += 1;
            break;
        }
        // `sudo EDITOR=vim visudo`: variables set for the command.
        if v.split_once('=')
            .is_some_and(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            i += 1;
            continue;
        }
        if !v.starts_with('-') {
            break;
        }
        let cluster = !v.starts_with("--") && v.len() > 2;
        if v == "-s"
            || v == "-i"
            || v == "--shell"
            || v == "--login"
            || (cluster && (v.contains('s') || v.contains('i')))
        {
            shell_flag = true;
        }
        // `-u root`, and a cluster ending in a value-taking option: `-iu root`, `-Eu deploy`.
        let takes_value =
            with_value.contains(&v) || (cluster && v.ends_with(['u', 'g', 'h', 'p', 'C', 'D', 'r', 't', 'T', 'U']));
        if takes_value {
            i += 1;
        }
        i += 1;
    }
    let rest: Vec<&str> = inv.args[i.min(inv.args.len())..].iter().map(|a| a.value.as_str()).collect();
    // A shell fed by a pipe or here-document runs that input, not a terminal session.
    let interactive = matches!(inv.stdin, Flow::Terminal);
    let root_shell = interactive
        && match rest.first().map(|p| program_name(p)) {
            None => shell_flag,
            Some("su") => !rest.iter().any(|a| *a == "-c" || *a == "--command"),
            Some("bash" | "sh" | "zsh" | "dash" | "ksh" | "fish") => {
                rest.len() == 1 || rest.iter().skip(1).all(|a| a.starts_with('-') && *a != "-c")
            }
            _ => false,
        };
    if root_shell {
        facts.push(inv.fact(
            Intent::PrivilegeEscalate,
            Severity::High,
            "shell/privilege_escalation",
            Some(Target { kind: "role", name: "root".to_owned() }),
            format!("`{}` opens an interactive root shell", inv.values().join(" ")),
        ));
        return Flow::Unknown;
    }
    shifted(inv, i, st, facts)
}

fn env(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let mut i = 1;
    while i < inv.args.len() {
        let v = inv.args[i].value.clone();
        if v == "-S" || v == "--split-string" {
            // env -S 'rm -rf /' splits its argument into a command line.
            let code = inv.args.get(i + 1).map(|a| a.value.clone()).unwrap_or_default();
            return shell_code(&inv, &code, st, facts);
        }
        if v == "-u" || v == "--unset" || v == "-C" || v == "--chdir" {
            i += 2;
            continue;
        }
        if v == "--" {
            i += 1;
            break;
        }
        if v.starts_with('-') || v.contains('=') {
            if let Some((k, val)) = v.split_once('=').filter(|_| !v.starts_with('-')) {
                st.vars.insert(k.to_owned(), Some(val.to_owned()));
            }
            i += 1;
            continue;
        }
        break;
    }
    if i >= inv.args.len() {
        // `env` alone prints the environment: secrets, to whoever reads the pipe.
        return Flow::Secret("environment variables".to_owned());
    }
    shifted(inv, i, st, facts)
}

/// What `xargs` appends when its input is not known: a variable, so the command stays dynamic.
pub(crate) const XARGS_INPUT: &str = "$XARGS_INPUT";

fn xargs(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let with_value =
        ["-I", "-n", "-P", "-d", "-a", "-E", "-L", "-s", "--max-args", "--max-procs", "--delimiter", "--arg-file"];
    let mut replace: Option<String> = None;
    let mut i = 1;
    while i < inv.args.len() {
        let v = inv.args[i].value.as_str();
        if !v.starts_with('-') {
            break;
        }
        // -I R, -IR, -i[R], --replace[=R]: each input item replaces R.
        if v == "-I" {
            replace = inv.args.get(i + 1).map(|a| a.value.clone());
        } else if let Some(r) = v.strip_prefix("-I").or_else(|| v.strip_prefix("--replace=")) {
            replace = Some(r.to_owned());
        } else if v == "-i" || v == "--replace" {
            replace = Some("{}".to_owned());
        } else if let Some(r) = v.strip_prefix("-i") {
            replace = Some(r.to_owned());
        }
        i += if with_value.contains(&v) { 2 } else { 1 };
    }
    let items: Vec<String> = match &inv.stdin {
        Flow::Text(t) => t.split_whitespace().map(str::to_owned).collect(),
        _ => vec![XARGS_INPUT.to_owned()],
    };
    let dynamic_items = !matches!(inv.stdin, Flow::Text(_));
    let item_bytes: usize = items.iter().map(String::len).sum();
    let rest_bytes: usize = inv.args[i.min(inv.args.len())..].iter().map(|a| a.value.len() + item_bytes).sum();
    if rest_bytes > st.limits.max_input_bytes {
        facts.push(unanalyzable(inv.report, "xargs expands past the size limit".to_owned()));
        return Flow::Unknown;
    }
    let mut line = String::new();
    for a in &inv.args[i.min(inv.args.len())..] {
        if !line.is_empty() {
            line.push(' ');
        }
        match &replace {
            Some(r) if a.value.contains(r.as_str()) => {
                line.push_str(&shell_quote(&a.value.replace(r.as_str(), &items.join(" "))))
            }
            _ => line.push_str(&shell_quote(&a.value)),
        }
    }
    if line.is_empty() {
        line.push_str("echo");
    }
    if replace.is_none() {
        for item in &items {
            line.push(' ');
            if dynamic_items {
                line.push_str(item);
            } else {
                line.push_str(&shell_quote(item));
            }
        }
    }
    nested(&line, inv.report, st, facts);
    Flow::Unknown
}

/// `bash -c CODE`, `bash` reading a pipe or here-document, `bash file`.
fn shell(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let mut i = 1;
    while i < inv.args.len() {
        let v = inv.args[i].value.as_str();
        if v == "-c" || (v.starts_with('-') && !v.starts_with("--") && v.contains('c')) {
            let code = inv.args.get(i + 1).cloned().unwrap_or_default();
            // `bash -c 'eval "$0"' 'rm -rf /'`: positional parameters feed the code.
            let mut code = code;
            if code.value.contains("$0") || code.value.contains("$1") || code.value.contains("$@") {
                let params: Vec<String> = inv.args[i + 2..].iter().map(|a| a.value.clone()).collect();
                let expanded =
                    code.value.len() + params.iter().map(String::len).sum::<usize>() * code.value.matches('$').count();
                if expanded > st.limits.max_input_bytes {
                    facts.push(unanalyzable(inv.report, "the command expands past the size limit".to_owned()));
                    return Flow::Unknown;
                }
                for (n, p) in params.iter().enumerate() {
                    code.value = code.value.replace(&format!("${n}"), p);
                }
                code.value = code.value.replace("$@", &params.join(" "));
            }
            code_arg(&inv, &code, st, facts);
            return Flow::Unknown;
        }
        // `-o opt`, and clusters ending in o: `-euo pipefail`.
        if v == "-o" || v == "+o" || (v.starts_with('-') && !v.starts_with("--") && v.ends_with('o')) {
            i += 2;
            continue;
        }
        // `bash -s args`: the script comes from standard input.
        if v == "-s" || (v.starts_with('-') && !v.starts_with("--") && v.contains('s')) || v == "/dev/stdin" || v == "-"
        {
            break;
        }
        if !v.starts_with('-') && !v.starts_with('+') {
            // `wget -O u.sh URL && sh u.sh`: the script is the download.
            if let Some(url) = st.download_run(v).map(str::to_owned) {
                remote_code(&inv, &url, facts);
                return Flow::Unknown;
            }
            // `bash script.sh`: a file the engine cannot read. `bash <(curl …)` is remote code.
            if let [(_, flow)] = inv.subst_flows.as_slice() {
                if !inv.args[i].proc_substs.is_empty() {
                    script_flow(&inv, flow.clone(), st, facts);
                }
            }
            return Flow::Unknown;
        }
        i += 1;
    }
    let stdin = inv.stdin.clone();
    script_flow(&inv, stdin, st, facts);
    Flow::Unknown
}

/// A shell or interpreter runs what `flow` carries.
pub(crate) fn script_flow(inv: &Invocation<'_>, flow: Flow, st: &mut ShellState<'_>, facts: &mut Facts) {
    match flow {
        Flow::Terminal => {}
        Flow::Text(code) => {
            nested(&code, inv.report, st, facts);
        }
        Flow::Remote(url) => remote_code(inv, &url, facts),
        Flow::Unknown | Flow::Secret(_) | Flow::Data(_) => facts.push(inv.fact(
            Intent::ExecDynamic,
            Severity::Medium,
            "shell/dynamic_command",
            None,
            format!("`{}` runs code it reads from a pipe whose content cannot be known", inv.values().join(" ")),
        )),
    }
}

pub(crate) fn remote_code(inv: &Invocation<'_>, url: &str, facts: &mut Facts) {
    facts.push(inv.fact(
        Intent::ExecRemoteCode,
        Severity::Critical,
        "shell/remote_code",
        Some(Target { kind: "location", name: url.to_owned() }),
        format!("runs code downloaded from `{url}` without looking at it"),
    ));
}

/// Code given as one argument (`bash -c`, `eval`): analysed when known, rebuilt from its
/// substitutions' output when that is known, reported as dynamic otherwise.
fn code_arg(inv: &Invocation<'_>, code: &Arg, st: &mut ShellState<'_>, facts: &mut Facts) {
    if code.dynamic && code.substs.iter().all(|s| is_setup_generator(st, *s)) && !code.substs.is_empty() {
        return;
    }
    if !code.dynamic {
        nested(&code.value, inv.report, st, facts);
        return;
    }
    let flows: Vec<&Flow> = inv
        .subst_flows
        .iter()
        .filter(|(s, _)| code.substs.contains(s) || code.proc_substs.contains(s))
        .map(|(_, f)| f)
        .collect();
    if let Some(url) = flows.iter().find_map(|f| if let Flow::Remote(u) = f { Some(u.clone()) } else { None }) {
        remote_code(inv, &url, facts);
        return;
    }
    if let [Flow::Text(t)] = flows.as_slice() {
        let rebuilt = code.value.replacen("$(…)", t.trim_end(), 1);
        nested(&rebuilt, inv.report, st, facts);
        return;
    }
    // Analyse what is literal around the unknown parts, and report the rest as unknown code.
    nested(&code.value, inv.report, st, facts);
    facts.push(inv.fact(
        Intent::ExecDynamic,
        Severity::Medium,
        "shell/dynamic_command",
        None,
        format!("`{}` runs code built at run time", code.value),
    ));
}

fn shell_code(inv: &Invocation<'_>, code: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    nested(code, inv.report, st, facts);
    Flow::Unknown
}

fn source(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    if let Some(arg) = inv.args.get(1) {
        if arg.proc_substs.iter().all(|s| is_setup_generator(st, *s)) && !arg.proc_substs.is_empty() {
            return Flow::Unknown;
        }
        if !arg.proc_substs.is_empty() {
            let flow = inv.subst_flows.iter().find(|(s, _)| arg.proc_substs.contains(s)).map(|(_, f)| f.clone());
            script_flow(inv, flow.unwrap_or(Flow::Unknown), st, facts);
        } else if arg.value == "/dev/stdin" || arg.value == "-" {
            script_flow(inv, inv.stdin.clone(), st, facts);
        } else if let Some(url) = st.download_run(&arg.value).map(str::to_owned) {
            remote_code(inv, &url, facts);
        }
    }
    Flow::Unknown
}

/// Tools whose whole purpose is printing shell setup to `eval` or `source`:
/// `eval "$(ssh-agent -s)"`, `eval "$(pyenv init -)"`, `source <(kubectl completion bash)`.
fn is_setup_generator(st: &ShellState<'_>, subst: crate::fact::Span) -> bool {
    let Some(src) = st.current_src.as_deref() else { return false };
    let inner = src.get(subst.range()).unwrap_or("").trim();
    let mut words = inner.split_whitespace();
    let program = words.next().map(program_name).unwrap_or("");
    let rest: Vec<&str> = words.collect();
    if inner.contains(['|', ';', '&', '`', '$', '>', '<']) {
        return false;
    }
    match program {
        "ssh-agent" | "gpg-agent" | "dircolors" | "keychain" => true,
        "pyenv" | "rbenv" | "nodenv" | "goenv" | "jenv" | "direnv" | "starship" | "zoxide" | "fnm" | "mise" | "rtx"
        | "brew" | "conda" | "thefuck" | "atuin" => {
            rest.first().is_some_and(|r| ["init", "hook", "shellenv", "activate", "env", "shell-hook"].contains(r))
                || program == "thefuck"
        }
        "kubectl" | "helm" | "gh" | "docker" | "rustup" | "npm" | "pip" | "uv" | "poetry" | "terraform" | "aws" => {
            rest.contains(&"completion") || rest.contains(&"completions")
        }
        _ => false,
    }
}

/// Joins argument values with spaces, as `eval` does.
pub(crate) fn join(args: &[Arg]) -> String {
    args.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(" ")
}

/// Quotes a value so that re-lexing it gives it back as one word.
pub(crate) fn shell_quote(v: &str) -> String {
    if !v.is_empty() && v.bytes().all(|c| c.is_ascii_alphanumeric() || b"-_./~=:@%+,".contains(&c)) {
        v.to_owned()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}
