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
