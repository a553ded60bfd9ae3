//! Analysis: one analyzer per action kind, each turning an action into [`Fact`](crate::fact::Fact)s.
//! This module dispatches on the action's kind and holds the single detector registry.

pub(crate) mod shell;
pub(crate) mod sql;

use crate::action::Action;
use crate::context::Context;
use crate::fact::{Fact, Facts, Severity, Span};
use crate::intent::Intent;
use crate::limits::Limits;
use crate::prefilter::Hits;

/// A detector: one kind of danger, in one file.
#[derive(Debug)]
pub(crate) struct Detector {
    /// Stable id, `<kind>/<danger>`, e.g. `sql/unbounded_write`.
    pub(crate) id: &'static str,
    /// The intents it may emit.
    pub(crate) intents: &'static [Intent],
    /// Words (ASCII case-insensitive, whole words) at least one of which appears in every
    /// statement it fires on. The prefilter's automaton is built from them.
    pub(crate) triggers: &'static [&'static str],
}

/// Every detector of every analyzer.
pub(crate) fn registry() -> impl Iterator<Item = &'static Detector> {
    sql::detectors::ALL.iter().chain(shell::programs::ALL.iter()).copied()
}

/// What the analyzers need from the compiled policy.
pub(crate) struct Analysis<'g> {
    pub(crate) limits: &'g Limits,
    pub(crate) sensitive_tables: &'g [crate::glob::Glob],
    pub(crate) shell: &'g shell::ShellPolicy,
}

/// Bytes that make a command line need the full shell analysis even without a trigger word:
/// quoting and escapes can spell any word (`r''m`), expansions and operators can run anything.
const SHELL_SPECIAL: &[u8] = b"'\"`$\\|;&<>(){}\n*?[";

/// Analyses `action` into `facts`. `hits` is the prefilter's verdict on the action's text; with
/// `force` every analyzer runs whatever the prefilter said.
pub(crate) fn analyze(
    action: &Action,
    context: &Context,
    hits: &Hits,
    force: bool,
    cx: &Analysis<'_>,
    facts: &mut Facts,
) {
    match action {
        Action::Sql { dialect, text } => {
            // psql meta-commands (`\!`, `\copy`) carry no trigger word; oversized text is
            // unanalyzable whatever it says.
            if force || hits.analyzer || hits.sensitive || text.contains('\\') || text.len() > cx.limits.max_input_bytes
            {
                let dialect = sql::dialect::refine(*dialect, context.labels.get("engine").map(String::as_str));
                let mut state = sql::SqlState::new(cx.limits, cx.sensitive_tables);
                sql::analyze(text, dialect, None, &mut state, facts);
            }
        }
        Action::Shell { command } => {
            if force
                || hits.analyzer
                || command.len() > cx.limits.max_input_bytes
                || command.bytes().any(|c| SHELL_SPECIAL.contains(&c))
            {
                let mut state = shell::ShellState::new(cx.limits, cx.shell, cx.sensitive_tables);
                shell::analyze(command, None, &mut state, facts);
            }
        }
        other => facts.push(Fact {
            intent: Intent::Unanalyzable,
            severity: Severity::Medium,
            span: Span::new(0, primary_text(other).len()),
            detector: "core/unsupported_kind",
            target: None,
            message: format!("`{}` actions are not analysed by this version of the engine", other.kind()),
        }),
    }
}

/// The text field of an action that spans point into.
pub(crate) fn primary_text(action: &Action) -> &str {
    match action {
        Action::Sql { text, .. } => text,
        Action::Shell { command } => command,
        Action::Http { url, .. } => url,
        Action::ToolCall { tool, .. } => tool,
        Action::File { path, .. } => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn detector_ids_are_unique_and_namespaced() {
        let mut seen = HashSet::new();
        for d in registry() {
            assert!(seen.insert(d.id), "duplicate detector id {}", d.id);
            assert!(d.id.starts_with("sql/") || d.id.starts_with("shell/"), "{}", d.id);
            assert!(!d.intents.is_empty(), "{} emits no intent", d.id);
        }
    }
}
