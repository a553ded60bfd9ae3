//! Per-program knowledge: what a program does with its arguments. One file per family of
//! programs; each emits facts from one detector id, listed in [`ALL`].

pub(crate) mod credentials;
pub(crate) mod databases;
pub(crate) mod filesystem;
pub(crate) mod git;
pub(crate) mod infrastructure;
pub(crate) mod interpreters;
pub(crate) mod manifest;
pub(crate) mod network;
pub(crate) mod redirections;
pub(crate) mod system;

use crate::analyze::Detector;
use crate::fact::Facts;

use super::parse::Arg;
use super::{Flow, Invocation, ShellState};

/// Every shell detector.
pub(crate) const ALL: &[&Detector] = &[
    &filesystem::DETECTOR,
    &filesystem::DEVICE_DETECTOR,
    &filesystem::PERMISSIONS_DETECTOR,
    &git::DETECTOR,
    &infrastructure::DETECTOR,
    &databases::DETECTOR,
    &network::DETECTOR,
    &network::REMOTE_CODE_DETECTOR,
    &credentials::DETECTOR,
    &system::DETECTOR,
    &system::PRIVILEGE_DETECTOR,
    &system::PERSISTENCE_DETECTOR,
    &interpreters::DETECTOR,
    &DYNAMIC_DETECTOR,
];

/// `shell/dynamic_command`: code whose text is only known at run time.
pub(crate) const DYNAMIC_DETECTOR: Detector = Detector {
    id: "shell/dynamic_command",
    intents: &[crate::intent::Intent::ExecDynamic],
    triggers: &["eval", "source", "sh", "bash", "zsh", "dash", "ksh", "fish", "xargs", "exec", "env", "watch"],
};

/// Dispatches to the program's knowledge; returns what the program prints.
pub(crate) fn check(inv: Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    match name {
        "rm" | "unlink" | "rmdir" | "find" | "mv" | "truncate" => filesystem::check(&inv, name, st, facts),
        "dd" | "mkfs" | "mke2fs" | "mkswap" | "wipefs" | "shred" | "blkdiscard" | "sgdisk" | "sfdisk" | "parted" => {
            filesystem::device(&inv, name, facts);
            Flow::Unknown
        }
        n if n.starts_with("mkfs.") => {
            filesystem::device(&inv, "mkfs", facts);
            Flow::Unknown
        }
        "chmod" | "chown" | "chgrp" | "setfacl" => {
            filesystem::permissions(&inv, name, facts);
            Flow::Unknown
        }
        "install"
            if inv.args.iter().any(|a| {
                a.value == "-m" || a.value.starts_with("--mode") || (a.value.starts_with("-m") && a.value.len() > 2)
            }) =>
        {
            filesystem::permissions(&inv, name, facts);
            credentials::readers(&inv, name, facts)
        }
        "git" => git::check(&inv, st, facts),
        n if n.starts_with("git-") => git::check(&inv, st, facts),
        "kubectl" | "oc" | "helm" | "terraform" | "tofu" | "terragrunt" | "pulumi" | "aws" | "gcloud" | "gsutil"
        | "az" | "docker" | "podman" | "nerdctl" | "docker-compose" | "vagrant" | "virsh" | "gh" | "glab" | "vault"
        | "ansible" | "etcdctl" | "kafka-topics" | "kafka-topics.sh" | "cdk" | "eksctl" | "doctl" | "velero"
        | "heroku" | "fly" | "flyctl" | "vercel" | "netlify" | "hcloud" | "linode-cli" | "scw" | "oci"
        | "openstack" | "nomad" | "ibmcloud" => infrastructure::check(inv, name, st, facts),
        "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlcmd" | "clickhouse-client" | "clickhouse" | "snowsql" | "bq"
        | "duckdb" | "cockroach" | "dropdb" | "mysqladmin" | "pg_dropcluster" | "redis-cli" | "mongosh" | "mongo"
        | "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump" | "pg_restore" | "mongorestore" | "prisma"
        | "alembic" | "knex" | "rails" | "rake" | "sequelize" | "sequelize-cli" | "flyway" | "liquibase" => {
            databases::check(&inv, name, st, facts)
        }
        "rsync" => {
            filesystem::rsync_delete(&inv, st, facts);
            network::check(&inv, name, st, facts)
        }
        "curl" | "wget" | "nc" | "ncat" | "netcat" | "socat" | "telnet" | "scp" | "sftp" | "rclone" | "croc"
        | "wormhole" => network::check(&inv, name, st, facts),
        "pip" | "pip3" | "npm" | "pnpm" | "yarn" | "gem" => {
            network::package_install(&inv, name, st, facts);
            Flow::Unknown
        }
        "echo" | "printf" => {
            let text = print_text(&inv.args, name);
            let escapes = name == "printf"
                || inv.args.iter().skip(1).take_while(|a| a.value.starts_with('-')).any(|a| a.value.contains('e'));
            Flow::Text(if escapes { render_escapes(&text) } else { text })
        }
        "base64" if inv.args.iter().skip(1).any(|a| !a.value.starts_with('-')) => {
            credentials::readers(&inv, name, facts)
        }
        "base64" => decode_base64(&inv),
        // `sed -i` edits a file in place: a write.
        "sed" if inv.args.iter().any(|a| a.value.starts_with("-i")) => system::check(&inv, name, st, facts),
        // Filters whose result on literal text is known: `rev` reverses each line, `tr` maps or
        // deletes characters (`echo 'gol/rav/ fr- mr' | rev | bash`, `tr 'a-z' 'n-za-m'`).
        "rev" if inv.args.len() == 1 => match &inv.stdin {
            Flow::Text(t) => {
                Flow::Text(t.lines().map(|l| l.chars().rev().collect::<String>()).collect::<Vec<_>>().join("\n"))
            }
            other => other.clone(),
        },
        "tr" if matches!(inv.stdin, Flow::Text(_)) => match (&inv.stdin, translate_chars(&inv.values()[1..])) {
            (Flow::Text(t), Some(map)) => Flow::Text(map(t)),
            _ => Flow::Unknown,
        },
        // Filters that transform what flows through: the result is no longer the literal text.
        "tr" | "rev" | "xxd" | "sed" | "awk" | "perl" if matches!(inv.stdin, Flow::Text(_)) && inv.args.len() > 1 => {
            let _ = credentials::readers(&inv, name, facts);
            Flow::Unknown
        }
        "gzip" | "gunzip" | "xz" | "zstd" | "bzip2" | "openssl" | "gpg" | "cat" | "tr" | "rev" | "head" | "tail"
        | "less" | "more" | "bat" | "nl" | "tac" | "strings" | "xxd" | "od" | "hexdump" | "grep" | "egrep"
        | "fgrep" | "rg" | "awk" | "sed" | "cut" | "sort" | "uniq" | "jq" | "yq" | "cp" | "tar" | "zip" | "install" => {
            credentials::readers(&inv, name, facts)
        }
        "security" | "secret-tool" | "pass" | "gopass" | "op" | "bw" | "lpass" => {
            credentials::password_manager(&inv, name, facts)
        }
        "printenv" | "set" | "declare" | "export" | "compgen" | "history" | "local" | "readonly" | "typeset" => {
            // `export X=rm` assigns as `X=rm` does.
            for a in inv.args.iter().skip(1) {
                if let Some((k, v)) = a.value.split_once('=').filter(|(k, _)| !k.is_empty() && !k.starts_with('-')) {
                    st.vars.insert(k.to_owned(), (!a.dynamic).then(|| v.to_owned()));
                }
            }
            credentials::environment(&inv, name, facts)
        }
        _ => system::check(&inv, name, st, facts),
    }
}

/// What `tr SET1 SET2` or `tr -d SET` does to a text, for plain sets: characters and ranges
/// (`a-z`), no classes or options besides `-d`. `None` for anything else.
#[expect(clippy::type_complexity, reason = "a closure built from the arguments")]
fn translate_chars(args: &[&str]) -> Option<Box<dyn Fn(&str) -> String>> {
    fn expand(set: &str) -> Option<Vec<char>> {
        if set.contains("[:") || set.contains('\\') {
            return None;
        }
        let chars: Vec<char> = set.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] <= chars[i + 2] {
                out.extend(chars[i]..=chars[i + 2]);
                i += 3;
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        (out.len() <= 4096).then_some(out)
    }
    match args {
        ["-d", set] => {
            let set = expand(set)?;
            Some(Box::new(move |t: &str| t.chars().filter(|c| !set.contains(c)).collect()))
        }
        [from, to] if !from.starts_with('-') => {
            let (from, to) = (expand(from)?, expand(to)?);
            let last = *to.last()?;
            Some(Box::new(move |t: &str| {
                t.chars()
                    .map(|c| from.iter().position(|f| *f == c).map_or(c, |k| to.get(k).copied().unwrap_or(last)))
                    .collect()
            }))
        }
        _ => None,
    }
}

/// `\xHH`, `\NNN` (octal), `\n`, `\t` escapes as `printf` and `echo -e` render them.
fn render_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            Some('x') => {
                chars.next();
                let hex: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_hexdigit)).take(2).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&hex),
                }
            }
            Some(d) if d.is_digit(8) => {
                let oct: String = std::iter::from_fn(|| chars.next_if(|c| c.is_digit(8))).take(4).collect();
                match u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&oct),
                }
            }
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            _ => out.push(c),
        }
    }
    out
}

/// What `echo` or `printf` prints (printf's format is applied only for `%s`).
fn print_text(args: &[Arg], name: &str) -> String {
    // `printf '%s%s…' a b …` renders the format once per operand: cap the work.
    let work: usize = args.iter().map(|a| a.value.len()).sum::<usize>().saturating_mul(args.len().min(64));
    if work > MAX_RENDERED_BYTES {
        return String::new();
    }
    let mut operands: Vec<&str> = args.iter().skip(1).map(|a| a.value.as_str()).collect();
    while operands
        .first()
        .is_some_and(|o| o.len() > 1 && o.starts_with('-') && o[1..].bytes().all(|c| b"neE".contains(&c)))
    {
        operands.remove(0);
    }
    if name == "printf" && !operands.is_empty() {
        let format = operands.remove(0);
        if format.contains("%s") && !operands.is_empty() {
            let rendered: Vec<String> = operands.iter().map(|o| format.replace("%s", o).replace("\\n", "\n")).collect();
            return rendered.concat();
        }
        return format.replace("\\n", "\n");
    }
    operands.join(" ")
}

/// Text a pipe may carry into a shell before it is judged too large to rebuild.
const MAX_RENDERED_BYTES: usize = 1 << 20;

/// `base64 -d` decodes a literal payload; `base64` encodes (same secrecy as its input).
fn decode_base64(inv: &Invocation<'_>) -> Flow {
    let decode = inv.args.iter().skip(1).any(|a| a.value == "-d" || a.value == "--decode" || a.value == "-D");
    match (&inv.stdin, decode) {
        (Flow::Text(t), true) => match decode_b64(t.trim()) {
            Some(text) => Flow::Text(text),
            None => Flow::Unknown,
        },
        (other, _) => other.clone(),
    }
}

/// Standard or URL-safe base64, padding optional, whitespace ignored. Hand-written: a guard only
/// needs to decode small literal payloads, which does not justify a dependency.
pub(crate) fn decode_b64(s: &str) -> Option<String> {
    String::from_utf8(decode_b64_bytes(s)?).ok()
}

/// The bytes of standard or URL-safe base64 (see [`decode_b64`]).
pub(crate) fn decode_b64_bytes(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Programs that only run another command whose words are in the same text (`nohup rm …`), or
/// whose effect needs an operator (`cd /; …`, `echo … | sh`): they need no trigger word.
#[cfg(test)]
const NO_TRIGGER_NEEDED: &[&str] = &[
    "nohup",
    "npx",
    "bunx",
    "pnpx",
    "builtin",
    "setsid",
    "unbuffer",
    "caffeinate",
    "busybox",
    "chronic",
    "time",
    "exec",
    "command",
    "nice",
    "ionice",
    "stdbuf",
    "timeout",
    "chroot",
    "flock",
    "cd",
    "pushd",
    "echo",
    "printf",
    ".",
    "ash",
    "mksh",
    "csh",
    "tcsh",
    "tee",
    "disable",
    "enable",
    "stop",
    "mask",
    "kill",
    "poweroff",
    "reboot",
    "halt",
    "kexec",
    "rescue",
    "emergency",
    // wrappers of a command whose words are in the same text, or readers of a pipe
    "strace",
    "ltrace",
    "unshare",
    "systemd-run",
    "script",
    "at",
    "batch",
    "pkexec",
    "firejail",
    "torsocks",
    "proxychains",
    "proxychains4",
    // setup generators, judged inside substitutions only
    "ssh-agent",
    "gpg-agent",
    "dircolors",
    "keychain",
    "gh",
    "rustup",
    "uv",
    "poetry",
    "-i",
    // assignments and aliases, which need an operator to matter (`local X=rm; $X …`)
    "alias",
    "local",
    "readonly",
    "typeset",
    // values of inner matches (options, runlevels, verbs), not program names
    "-c",
    "0",
    "1",
    "6",
    "flush",
    "ruleset",
    "reset",
    "-a",
    "--all",
];

#[cfg(test)]
mod tests {
    use super::decode_b64;

    /// The fast path skips commands with no trigger word: every program the dispatch knows must be
    /// a trigger word of some detector, or need none.
    #[test]
    fn every_dispatched_program_is_a_trigger() {
        let triggers: Vec<&str> = super::ALL.iter().flat_map(|d| d.triggers.iter().copied()).collect();
        let sources = [include_str!("mod.rs"), include_str!("../unwrap.rs"), include_str!("system.rs")];
        let mut missing = Vec::new();
        for src in sources {
            for line in src.lines().filter(|l| l.contains("=>") && l.trim_start().starts_with('"')) {
                let arms = line.split("=>").next().unwrap_or("");
                for name in arms.split('"').skip(1).step_by(2) {
                    if !triggers.contains(&name) && !super::NO_TRIGGER_NEEDED.contains(&name) {
                        missing.push(name.to_owned());
                    }
                }
            }
        }
        assert!(missing.is_empty(), "dispatched programs that are no detector's trigger word: {missing:?}");
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(decode_b64("cm0gLXJmIH4=").as_deref(), Some("rm -rf ~"));
        assert_eq!(decode_b64("cm0gLXJmIH4").as_deref(), Some("rm -rf ~"));
        assert_eq!(decode_b64("not base64!"), None);
    }
}
