//! `shell/vcs_destruction`
//!
//! ## What it catches
//! - `vcs.discard_changes`: `git reset --hard`, `git clean -f[dx]`, `git checkout -- <paths>` /
//!   `git checkout .` / `git restore <paths>`, `git branch -D`, `git stash clear|drop`.
//! - `vcs.history_rewrite`: `git push --force` / `-f` / `+refspec` / `--mirror` / `--delete`,
//!   `git filter-branch`, `git filter-repo`, `git update-ref -d`, `git reflog expire`.
//!   A force push to a protected branch (policy `protected_branches`) or to an unnamed branch is
//!   high; to a feature branch, medium; `--force-with-lease` to a feature branch passes.
//!
//! ## Why it matters
//! Uncommitted work and shared history are not recoverable from anywhere else.
//!
//! ## Blocks
//! ```sh
//! git reset --hard @{upstream}
//! git push origin main --force
//! ```
//!
//! ## Passes
//! ```sh
//! git push --force-with-lease origin fix/flaky-test
//! git branch -d merged-branch
//! git clean -n
//! ```
//!
//! ## Known gaps
//! The current branch is unknown to the engine; a force push without a refspec is judged as if
//! it were protected.
//!
//! ## Intents
//! `vcs.discard_changes`, `vcs.history_rewrite`

use crate::analyze::destination::{host_in, split_authority};
use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::{Flow, Invocation, ShellState};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/vcs_destruction",
    intents: &[Intent::VcsDiscardChanges, Intent::VcsHistoryRewrite],
    triggers: &["git"],
};

/// Global options of `git` that take a value.
const GLOBAL_WITH_VALUE: &[&str] =
    &["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"];

pub(crate) fn check(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let values = inv.values();
    // `git-reset --hard` is `git reset --hard`.
    let (sub, rest): (&str, Vec<&str>) = match values.first().map(|v| super::super::program_name(v)) {
        Some(dashed) if dashed.starts_with("git-") => (&dashed[4..], values[1..].to_vec()),
        _ => {
            let mut i = 1;
            while i < values.len() && values[i].starts_with('-') {
                i += if GLOBAL_WITH_VALUE.contains(&values[i]) { 2 } else { 1 };
            }
            let Some(sub) = values.get(i) else { return Flow::Unknown };
            (*sub, values[i + 1..].to_vec())
        }
    };
    // `git -c alias.x='!cmd' x` runs cmd in a shell.
    for (k, a) in values.iter().enumerate() {
        let config = if *a == "-c" { values.get(k + 1).copied() } else { a.strip_prefix("-c") };
        if let Some((key, value)) = config.and_then(|c| c.split_once('=')) {
            if key.starts_with("alias.") {
                if let Some(command) = value.strip_prefix('!') {
                    super::super::nested(command, inv.report, st, facts);
                }
            }
        }
    }
    let has = |flag: &str| rest.contains(&flag);
    let short = |c: char| rest.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
    let discard = |facts: &mut Facts, severity: Severity, what: String| {
        facts.push(inv.fact(Intent::VcsDiscardChanges, severity, DETECTOR.id, None, what));
    };
    let rewrite = |facts: &mut Facts, severity: Severity, branch: &str, what: String| {
        let target = (!branch.is_empty()).then(|| Target { kind: "branch", name: branch.to_owned() });
        facts.push(inv.fact(Intent::VcsHistoryRewrite, severity, DETECTOR.id, target, what));
    };
    match sub {
        "reset" if has("--hard") || has("--merge") => {
            let to = rest.iter().find(|a| !a.starts_with('-')).copied().unwrap_or("HEAD");
            discard(
                facts,
                Severity::High,
                format!("`git reset --hard {to}` discards uncommitted work and moves the branch"),
            );
        }
        "clean" if (has("--force") || short('f')) && !(has("--dry-run") || short('n')) => {
            let severity = if short('x') || short('d') || has("-X") { Severity::High } else { Severity::Medium };
            discard(facts, severity, "`git clean -f` deletes untracked files for good".to_owned());
        }
        "checkout" | "restore" => {
            let staged_only = sub == "restore" && (has("--staged") || has("-S")) && !(has("--worktree") || has("-W"));
            let dashdash = rest.iter().position(|a| *a == "--");
            let paths: Vec<&str> = match dashdash {
                Some(p) => rest[p + 1..].to_vec(),
                None if sub == "restore" => rest.iter().filter(|a| !a.starts_with('-')).copied().collect(),
                None => rest.iter().filter(|a| **a == "." || **a == "*").copied().collect(),
            };
            let forced = sub == "checkout" && (has("-f") || has("--force"));
            if staged_only || (paths.is_empty() && !forced) {
                return Flow::Unknown;
            }
            let everything = forced || paths.iter().any(|p| *p == "." || *p == "*" || *p == ":/");
            let severity = if everything { Severity::High } else { Severity::Medium };
            discard(
                facts,
                severity,
                format!(
                    "`git {sub}` overwrites uncommitted changes to {}",
                    if everything { "every file".to_owned() } else { paths.join(", ") }
                ),
            );
        }
        "branch" => {
            let force_delete = has("-D") || ((has("-d") || has("--delete")) && (has("-f") || has("--force")));
            if force_delete {
                let branch = rest.iter().rev().find(|a| !a.starts_with('-')).copied().unwrap_or("");
                discard(facts, Severity::High, format!("`git branch -D` deletes `{branch}` even if it is not merged"));
            }
        }
        "stash" => match rest.first().copied() {
            Some("clear") => discard(facts, Severity::High, "`git stash clear` deletes every stash".to_owned()),
            Some("drop") => discard(facts, Severity::Medium, "`git stash drop` deletes a stash".to_owned()),
            _ => {}
        },
        // `git credential fill` prints the stored password or token for the host it is asked about.
        "credential" if rest.first() == Some(&"fill") => {
            facts.push(inv.fact(
                Intent::CredentialRead,
                Severity::High,
                super::credentials::DETECTOR.id,
                Some(Target { kind: "file", name: "git credential helper".to_owned() }),
                "`git credential fill` prints a stored password or token".to_owned(),
            ));
            return Flow::Secret("a stored git credential".to_owned());
        }
        "push" => {
            pushed_outside(inv, st, &rest, facts);
            push(st, &rest, facts, rewrite)
        }
        // `git filter-repo --analyze` only writes a report; `--dry-run` rewrites nothing.
        "filter-repo" if has("--analyze") || has("--dry-run") => {}
        "filter-branch" | "filter-repo" => {
            rewrite(facts, Severity::High, "", format!("`git {sub}` rewrites the repository's history"))
        }
        "update-ref" if has("-d") => rewrite(facts, Severity::High, "", "`git update-ref -d` deletes a ref".to_owned()),
        "reflog" if rest.first() == Some(&"expire") || rest.first() == Some(&"delete") => {
            rewrite(facts, Severity::High, "", "`git reflog expire` drops the safety net of recent history".to_owned())
        }
        _ => {}
    }
    Flow::Unknown
}

/// `git push https://github.com/someone/dump.git --all`: the repository's history sent to a
/// remote given by URL outside the organisation (a code-host account not in the policy's
/// `github_orgs`, or a host that is not the organisation's). Named remotes (`origin`) are
/// configured, not seen, and left alone.
fn pushed_outside(inv: &Invocation<'_>, st: &ShellState<'_>, rest: &[&str], facts: &mut Facts) {
    let Some(remote) = rest.iter().find(|a| !a.starts_with('-')) else { return };
    // `https://host/owner/repo.git`, `ssh://git@host/owner/repo`, or scp-like `git@host:owner/repo.git`.
    let (authority, path) = if remote.contains("://") {
        split_authority(remote)
    } else if let Some(parts) = remote.split_once(':').filter(|(h, _)| h.contains('@')) {
        parts
    } else {
        return;
    };
    let host = host_in(authority);
    let owner = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let code_host = ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"].contains(&host.as_ref());
    let orgs = &st.policy.destinations.github_orgs;
    // Without the organisation's accounts in the policy, no account on a code host is known to
    // be outside.
    if code_host && (orgs.is_empty() || orgs.iter().any(|o| o.eq_ignore_ascii_case(owner))) {
        return;
    }
    let flow = Flow::Data("the repository's history".to_owned());
    if code_host {
        // A public code host is a host like any other; its account decides, not its name.
        super::network::send_flow(inv.report, &format!("{owner}.{host}"), flow, st.policy, facts);
    } else {
        super::network::send_flow(inv.report, &host, flow, st.policy, facts);
    }
}

fn push(st: &ShellState<'_>, rest: &[&str], facts: &mut Facts, rewrite: impl Fn(&mut Facts, Severity, &str, String)) {
    let has = |flag: &str| rest.contains(&flag);
    // `--dry-run` / `-n` reports what would be pushed and changes no remote ref.
    if has("--dry-run") || has("-n") {
        return;
    }
    let lease = rest.iter().any(|a| a.starts_with("--force-with-lease"));
    let force = has("--force")
        || has("-f")
        || rest.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('f'));
    let operands: Vec<&str> = rest.iter().filter(|a| !a.starts_with('-')).copied().collect();
    let refspecs = operands.get(1..).unwrap_or(&[]);
    let plus: Vec<&str> = refspecs.iter().filter(|r| r.starts_with('+')).copied().collect();
    // `--prune` deletes every remote branch the refspecs cover that has no local counterpart.
    let deletes = has("--delete") || has("-d") || has("--prune") || refspecs.iter().any(|r| r.starts_with(':'));
    let mirror = has("--mirror");
    if !(force || lease || !plus.is_empty() || deletes || mirror) {
        return;
    }
    let dest = |r: &str| -> String {
        let r = r.trim_start_matches('+');
        r.rsplit(':').next().unwrap_or(r).trim_start_matches("refs/heads/").to_owned()
    };
    let branches: Vec<String> = refspecs.iter().map(|r| dest(r)).filter(|b| !b.is_empty()).collect();
    // `+refs/heads/*:refs/heads/*` reaches every branch, the protected ones among them.
    let protected = |b: &str| b.contains('*') || st.policy.protected_branches.iter().any(|g| g.matches(b));
    let any_protected = branches.is_empty() || branches.iter().any(|b| protected(b));
    let named = if branches.is_empty() { "the current branch".to_owned() } else { branches.join(", ") };
    let first = branches.first().map(String::as_str).unwrap_or("");
    if mirror {
        rewrite(
            facts,
            Severity::High,
            first,
            "`git push --mirror` overwrites and deletes remote refs to match the local ones".to_owned(),
        );
    } else if deletes {
        let severity = if any_protected { Severity::High } else { Severity::Medium };
        rewrite(facts, severity, first, format!("deletes the remote branch {named}"));
    } else if force || !plus.is_empty() {
        let severity = if any_protected { Severity::High } else { Severity::Medium };
        rewrite(
            facts,
            severity,
            first,
            format!(
                "force push rewrites the history of {named}{}",
                if any_protected { ", a shared branch" } else { "" }
            ),
        );
    } else if lease && any_protected {
        // The lease only refuses to overwrite commits this clone has not seen; what it pushes
        // still replaces the shared branch's history.
        rewrite(
            facts,
            Severity::High,
            first,
            format!("`--force-with-lease` still rewrites the history of the shared branch {named}"),
        );
    }
}
