//! `file/access`: file operations (`{"kind":"file"}` actions and file tools), judged with the
//! same path knowledge as the shell analyzer's `cat`, `rm` and `>`.
//!
//! ## What it catches
//! - Reads of credential files (`~/.ssh/id_*`, `~/.aws/credentials`, `.env`, kube configs,
//!   `/etc/shadow`) → `credential.read`.
//! - Writes to sudoers and the account databases → `privilege.escalate`; to cron, systemd units,
//!   login scripts and `authorized_keys` → `persistence`; to block devices → `fs.device_write`.
//!   What is written to a file the system runs by itself (login scripts, crontabs, unit
//!   `ExecStart=` lines) is analysed as shell: `curl … | sh` in `~/.profile` is remote code.
//! - Deletes of the root file system, home directories and system directories →
//!   `fs.delete_recursive`, whether or not the tool says `recursive`.
//!
//! ## Passes
//! Reading and writing project files, `.env.example`, deleting build artefacts. Writing a
//! migration file that contains `DROP COLUMN` is not running it.
//!
//! ## Intents
//! `credential.read`, `privilege.escalate`, `persistence`, `fs.device_write`, `fs.delete_recursive`,
//! `system.disrupt`, and whatever the shell analyzer finds in executed content.

use std::borrow::Cow;

use crate::fact::{Fact, Facts, Severity, Span, Target};
use crate::intent::Intent;

use super::shell::programs::{credentials, filesystem, system};
use super::{Analysis, Code, Detector};

pub(crate) const DETECTOR: Detector = Detector {
    id: "file/access",
    intents: &[Intent::CredentialRead, Intent::FsDeleteRecursive, Intent::SystemDisrupt],
    triggers: &[],
};

pub(crate) const ALL: &[&Detector] = &[&DETECTOR];

/// What is done to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Read,
    Write,
    Delete,
    Move,
    /// An operation the engine does not know.
    Other,
}

impl Op {
    /// `read`, `write`/`append`/`create`/`edit`, `delete`/`remove`, `move`/`rename`.
    pub(crate) fn parse(op: &str) -> Op {
        match op.to_ascii_lowercase().as_str() {
            "read" | "view" | "open" | "cat" | "get" | "list" | "stat" => Op::Read,
            "write" | "append" | "create" | "edit" | "update" | "overwrite" | "replace" | "patch" | "insert" => {
                Op::Write
            }
            "delete" | "remove" | "rm" | "unlink" | "rmdir" => Op::Delete,
            "move" | "rename" | "mv" => Op::Move,
            _ => Op::Other,
        }
    }
}

/// JSON paths of a file action's parts, for findings.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    // Static for a file action on the wire, built for a file tool's arguments.
    pub(crate) path: Cow<'static, str>,
    pub(crate) content: Cow<'static, str>,
    pub(crate) destination: Cow<'static, str>,
    /// Whether the path is the action's primary text.
    pub(crate) path_is_primary: bool,
}

impl Paths {
    pub(crate) fn wire() -> Paths {
        Paths {
            path: Cow::Borrowed("$.path"),
            content: Cow::Borrowed("$.content"),
            destination: Cow::Borrowed("$.destination"),
            path_is_primary: true,
        }
    }
}

/// A file operation, from a file action or a file tool's arguments.
#[derive(Debug)]
pub(crate) struct FileAction<'a> {
    pub(crate) op: Op,
    pub(crate) op_text: &'a str,
    pub(crate) path: &'a str,
    pub(crate) content: Option<&'a str>,
    pub(crate) destination: Option<&'a str>,
    pub(crate) recursive: bool,
    pub(crate) at: Paths,
}

/// The file a path reaches, spelled one way: Windows separators as `/`, a `file://` scheme
/// dropped, `//`, `/./` and `a/..` collapsed, and `/proc/self/root` (the process's view of the
/// root) read as `/`. A trailing `/` (a directory) is kept.
pub(crate) fn canonical_path(path: &str) -> Cow<'_, str> {
    let trimmed = path.trim();
    let mut p: Cow<'_, str> = Cow::Borrowed(trimmed);
    if p.contains('\\') {
        p = Cow::Owned(p.replace('\\', "/"));
    }
    if let Some(rest) = p.strip_prefix("file://") {
        p = Cow::Owned(rest.to_owned());
    }
    let untidy = p.contains("//")
        || p.contains("/./")
        || p.contains("/../")
        || p.ends_with("/.")
        || p.ends_with("/..")
        || p.starts_with("./")
        || p.starts_with("/proc/");
    if !untidy {
        return p;
    }
    let directory = p.ends_with('/') && p.len() > 1;
    let mut norm = filesystem::normalize(&p);
    // `/proc/self/root/etc/passwd`, `/proc/1/root/…`: the same file through the process's root.
    while let Some(rest) = norm.strip_prefix("/proc/") {
        let (who, after) = rest.split_once('/').unwrap_or((rest, ""));
        let is_process =
            who == "self" || who == "thread-self" || (!who.is_empty() && who.bytes().all(|b| b.is_ascii_digit()));
        let Some(below) = after.strip_prefix("root").filter(|b| b.is_empty() || b.starts_with('/')) else { break };
        if !is_process {
            break;
        }
        norm = if below.is_empty() { "/".to_owned() } else { below.to_owned() };
    }
    if directory && !norm.ends_with('/') {
        norm.push('/');
    }
    Cow::Owned(norm)
}

impl FileAction<'_> {
    /// A fact about the file at `path` (canonical), pointing at the path's field.
    fn fact(&self, path: &str, intent: Intent, severity: Severity, detector: &'static str, message: String) -> Fact {
        self.at_path(Fact {
            intent,
            severity,
            span: Span::new(0, self.path.len()),
            detector,
            target: Some(Target { kind: "file", name: path.to_owned() }),
            message,
            location: None,
        })
    }

    /// `fact` located at the path's field, unless the path is the action's primary text.
    fn at_path(&self, fact: Fact) -> Fact {
        if self.at.path_is_primary {
            fact
        } else {
            super::located(fact, &self.at.path, self.path)
        }
    }
}

/// Analyses a file operation into `facts`.
pub(crate) fn analyze(file: &FileAction<'_>, cx: &Analysis<'_>, facts: &mut Facts) {
    let canonical = canonical_path(file.path);
    let path = canonical.as_ref();
    match file.op {
        Op::Read => {
            if let Some(what) = credentials::secret_kind(path) {
                let message = format!("reads `{path}`, {what}");
                facts.push(file.fact(path, Intent::CredentialRead, Severity::High, DETECTOR.id, message));
            }
        }
        Op::Write => write(path, file.content, file, cx, facts),
        Op::Delete => delete(path, file.recursive, file, facts),
        Op::Move => {
            // Moving into `/dev/null` deletes, tree and all, as the shell's `mv` does.
            let gone = file.destination.is_some_and(|d| canonical_path(d) == "/dev/null");
            delete(path, file.recursive || gone, file, facts);
            if let Some(dest) = file.destination {
                let to = canonical_path(dest);
                for (intent, severity, detector, message) in system::write_effects(&to) {
                    let fact = Fact {
                        intent,
                        severity,
                        span: Span::new(0, dest.len()),
                        detector,
                        target: Some(Target { kind: "file", name: to.to_string() }),
                        message,
                        location: None,
                    };
                    facts.push(super::located(fact, &file.at.destination, dest));
                }
            }
        }
        Op::Other => facts.push(file.at_path(Fact::unanalyzable(
            Span::new(0, file.path.len()),
            "file/unanalyzable",
            format!("the file operation `{}` is not one the engine knows", file.op_text),
        ))),
    }
}

fn write(path: &str, content: Option<&str>, file: &FileAction<'_>, cx: &Analysis<'_>, facts: &mut Facts) {
    for (intent, severity, detector, message) in system::write_effects(path) {
        facts.push(file.fact(path, intent, severity, detector, message));
    }
    let Some(content) = content else { return };
    if let Some(why) = weakens_login(path, content) {
        facts.push(file.fact(path, Intent::PrivilegeEscalate, Severity::Critical, system::PRIVILEGE_DETECTOR.id, why));
    }
    if let Some(script) = executed_content(path, content) {
        super::code(Code::Shell(&script), Some(&file.at.content), cx, facts);
    }
}

fn delete(path: &str, recursive: bool, file: &FileAction<'_>, facts: &mut Facts) {
    let Some((severity, why)) = filesystem::delete_severity(path, false, None) else {
        if system::is_account_file(path) {
            let message = format!("deletes `{path}`, without which no one can log in");
            facts.push(file.fact(path, Intent::SystemDisrupt, Severity::Critical, DETECTOR.id, message));
        }
        return;
    };
    // A delete tool given a whole tree deletes it, whatever its `recursive` flag says.
    if recursive || severity == Severity::Critical {
        facts.push(file.fact(path, Intent::FsDeleteRecursive, severity, DETECTOR.id, why));
    }
}

/// Content that opens the host's logins: PAM's `pam_permit` (any password is accepted), sshd's
/// `PermitRootLogin yes`, `PasswordAuthentication yes`, `PermitEmptyPasswords yes`.
fn weakens_login(path: &str, content: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    if lower.starts_with("/etc/pam.d/")
        && content.lines().any(|l| !l.trim_start().starts_with('#') && l.contains("pam_permit.so"))
    {
        return Some(format!("writes `pam_permit` into `{path}`: any password is accepted"));
    }
    if lower.starts_with("/etc/ssh/sshd_config") {
        let opened = content.lines().map(str::trim).filter(|l| !l.starts_with('#')).find(|l| {
            let mut w = l.split_whitespace();
            let (key, value) =
                (w.next().unwrap_or("").to_ascii_lowercase(), w.next().unwrap_or("").to_ascii_lowercase());
            value == "yes"
                && matches!(key.as_str(), "permitrootlogin" | "passwordauthentication" | "permitemptypasswords")
        });
        if let Some(line) = opened {
            return Some(format!("sets `{line}` in `{path}`, opening logins to the host"));
        }
    }
    None
}

/// The shell commands in content written to a file that the system runs by itself: login
/// scripts and git hooks whole, crontab lines after their schedule, systemd `Exec*=` lines, ssh's
/// `ProxyCommand` and `LocalCommand`.
fn executed_content(path: &str, content: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    if system::is_login_script(&lower) || lower == "/etc/rc.local" || lower.starts_with("/etc/init.d/") {
        return Some(content.to_owned());
    }
    if lower.starts_with("/etc/cron") || lower.starts_with("/var/spool/cron") || lower.ends_with("crontab") {
        let system_table = lower == "/etc/crontab" || lower.starts_with("/etc/cron.d/");
        let commands: Vec<&str> = content
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !is_cron_variable(l))
            .filter_map(|l| cron_command(l, system_table))
            .collect();
        return (!commands.is_empty()).then(|| commands.join("\n"));
    }
    // CI definitions run their steps on the CI runners, with the repository's secrets.
    if let Some(commands) = ci_commands(&lower, content) {
        return Some(commands);
    }
    // Git runs its hooks on commits, checkouts and merges.
    if lower.contains(".git/hooks/") && !lower.ends_with(".sample") {
        return Some(content.to_owned());
    }
    // ssh runs `ProxyCommand` and `LocalCommand` on every connection to a matching host.
    if lower.ends_with(".ssh/config") || lower == "/etc/ssh/ssh_config" || lower.starts_with("/etc/ssh/ssh_config.d/") {
        let commands: Vec<&str> = content
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let (key, value) = l.split_once([' ', '\t', '='])?;
                (key.eq_ignore_ascii_case("ProxyCommand") || key.eq_ignore_ascii_case("LocalCommand"))
                    .then(|| value.trim_start_matches([' ', '\t', '=']))
            })
            .collect();
        return (!commands.is_empty()).then(|| commands.join("\n"));
    }
    if lower.ends_with(".service") || lower.ends_with(".timer") || lower.contains("/systemd/") {
        let commands: Vec<&str> = content
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("Exec")
                    .and_then(|r| r.split_once('='))
                    .map(|(_, c)| c.trim_start_matches(['-', '@', '+', '!']))
            })
            .collect();
        return (!commands.is_empty()).then(|| commands.join("\n"));
    }
    None
}

/// The shell steps of a CI definition (`.github/workflows/*.yml` `run:`, `.gitlab-ci.yml`
/// `script:`, `before_script:`, `after_script:`), one per line. `path` is lower-cased.
pub(crate) fn ci_commands(path: &str, content: &str) -> Option<String> {
    let workflow = (path.contains(".github/workflows/") || path.contains(".gitea/workflows/"))
        && (path.ends_with(".yml") || path.ends_with(".yaml"));
    let gitlab = path.ends_with(".gitlab-ci.yml") || path.ends_with(".gitlab-ci.yaml");
    if !(workflow || gitlab) || content.len() > 256 * 1024 {
        return None;
    }
    fn walk(v: &serde_yaml_ng::Value, depth: usize, out: &mut Vec<String>) {
        use serde_yaml_ng::Value as Y;
        match v {
            Y::Mapping(m) if depth < 16 => {
                for (k, v) in m {
                    let key = k.as_str().unwrap_or("");
                    match (key, v) {
                        ("run" | "script" | "before_script" | "after_script", Y::String(s)) => out.push(s.clone()),
                        ("script" | "before_script" | "after_script", Y::Sequence(items)) => {
                            out.extend(items.iter().filter_map(Y::as_str).map(str::to_owned))
                        }
                        _ => walk(v, depth + 1, out),
                    }
                }
            }
            Y::Sequence(items) if depth < 16 => items.iter().for_each(|i| walk(i, depth + 1, out)),
            _ => {}
        }
    }
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(content).ok()?;
    let mut out = Vec::new();
    walk(&value, 0, &mut out);
    (!out.is_empty()).then(|| out.join("\n"))
}

fn is_cron_variable(line: &str) -> bool {
    line.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// The command of a crontab line: after five schedule fields (or an `@reboot`-style word), and
/// after the user in system tables.
fn cron_command(line: &str, system_table: bool) -> Option<&str> {
    let mut rest = line;
    let fields = if line.starts_with('@') { 1 } else { 5 } + usize::from(system_table);
    for _ in 0..fields {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace)?;
        rest = &rest[end..];
    }
    Some(rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_are_read() {
        assert_eq!(Op::parse("READ"), Op::Read);
        assert_eq!(Op::parse("append"), Op::Write);
        assert_eq!(Op::parse("rename"), Op::Move);
        assert_eq!(Op::parse("chmod"), Op::Other);
    }

    #[test]
    fn paths_are_spelled_one_way() {
        assert_eq!(canonical_path("/etc/ssh/../passwd"), "/etc/passwd");
        assert_eq!(canonical_path("/etc//./sudoers"), "/etc/sudoers");
        assert_eq!(canonical_path("/proc/self/root/etc/shadow"), "/etc/shadow");
        assert_eq!(canonical_path("/proc/1/root/proc/self/root/etc/shadow"), "/etc/shadow");
        assert_eq!(canonical_path("/proc/self/environ"), "/proc/self/environ");
        assert_eq!(canonical_path("C:\\Users\\sam\\.aws\\credentials"), "C:/Users/sam/.aws/credentials");
        assert_eq!(canonical_path("file:///etc/passwd"), "/etc/passwd");
        assert_eq!(canonical_path("/home/u/.gnupg//"), "/home/u/.gnupg/");
        assert_eq!(canonical_path("./src/../.env"), ".env");
        assert_eq!(canonical_path("src/main.rs"), "src/main.rs");
    }

    #[test]
    fn cron_lines_lose_their_schedule() {
        assert_eq!(cron_command("* * * * * root /tmp/.x", true), Some("/tmp/.x"));
        assert_eq!(cron_command("*/5 * * * * curl x | sh", false), Some("curl x | sh"));
        assert_eq!(cron_command("@reboot /opt/run.sh", false), Some("/opt/run.sh"));
        assert_eq!(
            executed_content("/etc/crontab", "SHELL=/bin/sh\n* * * * * root /tmp/.x\n").as_deref(),
            Some("/tmp/.x")
        );
        assert_eq!(executed_content("src/routes.py", "import os"), None);
    }
}
