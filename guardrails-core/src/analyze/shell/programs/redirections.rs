//! Output redirections (`> /dev/sda`, `>> /etc/sudoers`, `>> ~/.bashrc`) are writes like any
//! other: judged by [`system::write_target`](super::system::write_target).

use crate::fact::Facts;

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
    }
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
