//! Output redirections (`> /dev/sda`, `>> /etc/sudoers`, `>> ~/.bashrc`) are writes like any
//! other: judged by [`system::write_target`](super::system::write_target). A redirection of
//! nothing into a data file (`: > app.sqlite3`) empties it, as `truncate -s 0` does.

use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::lexer::RedirKind;
use super::super::{Invocation, ShellState};

pub(crate) fn check(inv: &Invocation<'_>, st: &ShellState<'_>, facts: &mut Facts) {
    for r in inv.redirs {
        if !matches!(r.kind, RedirKind::Out | RedirKind::Append) {
            continue;
        }
        let Some(target) = &r.target else { continue };
        let arg = super::super::parse::resolve(target, &st.vars);
        super::system::write_target(inv, &arg.value, facts);
        if r.kind == RedirKind::Out && writes_nothing(inv) && super::filesystem::is_data_file(&arg.value) {
            facts.push(inv.fact(
                Intent::DataOverwrite,
                Severity::High,
                super::filesystem::DETECTOR.id,
                Some(Target { kind: "file", name: arg.value.clone() }),
                format!("`>` empties the data file `{}`, as `truncate -s 0` does", arg.value),
            ));
        }
    }
}

/// A command whose output is nothing, so `> file` only empties the file: `: > f`, `> f`,
/// `true > f`, `cat /dev/null > f`, `echo -n > f`.
fn writes_nothing(inv: &Invocation<'_>) -> bool {
    let v: Vec<&str> = inv.args.iter().map(|a| a.value.as_str()).collect();
    matches!(
        v.as_slice(),
        [] | [":"] | ["true"] | ["cat", "/dev/null"] | ["echo", "-n"] | ["printf", ""] | ["cp", "/dev/null"]
    )
}

/// Hosts of `/dev/tcp/HOST/PORT` and `/dev/udp/…` redirections (bash opens a socket for them).
pub(crate) fn sockets(inv: &Invocation<'_>, st: &ShellState<'_>) -> Vec<String> {
    inv.redirs
        .iter()
        .filter(|r| matches!(r.kind, RedirKind::Out | RedirKind::Append | RedirKind::Dup))
        .filter_map(|r| r.target.as_ref())
        .map(|t| super::super::parse::resolve(t, &st.vars).value)
        .filter_map(|v| {
            v.strip_prefix("/dev/tcp/")
                .or_else(|| v.strip_prefix("/dev/udp/"))
                .map(|h| h.split('/').next().unwrap_or("").to_owned())
        })
        .collect()
}
