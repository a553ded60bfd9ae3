//! Analysis: one analyzer per action kind, each turning an action into [`Fact`]s.
//! This module dispatches on the action's kind, holds the single detector registry, and runs
//! code found inside other actions (a tool's SQL, a file's shell script) through the analyzer of
//! its own kind, with findings pointing at the JSON path it came from.

pub(crate) mod destination;
pub(crate) mod egress;
pub(crate) mod file;
pub(crate) mod http;
pub(crate) mod payload;
mod scratch;
pub(crate) mod secrets;
pub(crate) mod shell;
pub(crate) mod sql;
pub(crate) mod tool;

use crate::action::{Action, Dialect};
use crate::context::Context;
use crate::fact::{Fact, Facts, Location, Span};
use crate::intent::Intent;
use crate::limits::Limits;
use crate::policy::compile::Rule;
use crate::prefilter::Prefilter;

/// A detector: one kind of danger, in one file.
#[derive(Debug)]
pub(crate) struct Detector {
    /// Stable id, `<kind>/<danger>`, e.g. `sql/unbounded_write`.
    pub(crate) id: &'static str,
    /// The intents it may emit.
    pub(crate) intents: &'static [Intent],
    /// Words (ASCII case-insensitive, whole words) at least one of which appears in every
    /// statement it fires on. The prefilter's automaton is built from them. Analyzers that always
    /// run (HTTP, tool calls, files) have none.
    pub(crate) triggers: &'static [&'static str],
}

/// Every detector of every analyzer.
pub(crate) fn registry() -> impl Iterator<Item = &'static Detector> {
    sql::detectors::ALL
        .iter()
        .chain(shell::programs::ALL.iter())
        .chain(http::ALL.iter())
        .chain(tool::ALL.iter())
        .chain(file::ALL.iter())
        .copied()
}

/// What the analyzers need from the compiled policy and the call.
pub(crate) struct Analysis<'g> {
    pub(crate) limits: &'g Limits,
    pub(crate) sensitive_tables: &'g [crate::glob::Glob],
    pub(crate) shell: &'g shell::ShellPolicy,
    pub(crate) tools: &'g [tool::ToolMapping],
    pub(crate) prefilter: &'g Prefilter,
    pub(crate) rules: &'g [Rule],
    pub(crate) context: &'g Context,
    /// Run every analyzer whatever the prefilter says (the differential tests' slow path).
    pub(crate) force: bool,
}

impl Analysis<'_> {
    pub(crate) fn destinations(&self) -> &destination::Destinations {
        &self.shell.destinations
    }
}

/// How bad deleting the branch `branch` of a shared repository is: high for a protected branch
/// (policy `protected_branches`) or one not named, medium for any other (a feature branch), as
/// `git push --delete` is judged.
pub(crate) fn branch_delete_severity(branch: Option<&str>, protected: &[crate::glob::Glob]) -> crate::fact::Severity {
    match branch {
        Some(b) if !protected.iter().any(|g| g.matches(b)) => crate::fact::Severity::Medium,
        _ => crate::fact::Severity::High,
    }
}

/// Bytes that make a command line need the full shell analysis even without a trigger word:
/// quoting and escapes can spell any word (`r''m`), expansions and operators can run anything.
const SHELL_SPECIAL: &[u8] = b"'\"`$\\|;&<>(){}\n*?[";

/// Analyses `action` into `facts`.
pub(crate) fn analyze(action: &Action, cx: &Analysis<'_>, facts: &mut Facts) {
    match action {
        Action::Sql { dialect, text } => code(Code::Sql(text, *dialect), None, cx, facts),
        Action::Shell { command } => code(Code::Shell(command), None, cx, facts),
        Action::Http { method, url, headers, body } => {
            let request = http::Request {
                method,
                url,
                headers: headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                body: body.as_ref(),
                at: http::Paths::wire(),
            };
            http::analyze(&request, cx, facts);
        }
        Action::ToolCall { tool, args } => tool::analyze(tool, args, cx, facts),
        Action::File { op, path, content, destination, recursive } => {
            let file = file::FileAction {
                op: file::Op::parse(op),
                op_text: op,
                path,
                content: content.as_deref(),
                destination: destination.as_deref(),
                recursive: *recursive,
                at: file::Paths::wire(),
            };
            file::analyze(&file, cx, facts);
        }
    }
}

/// Code carried by an action: SQL for a database, or a command line for a shell.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Code<'a> {
    Sql(&'a str, Dialect),
    Shell(&'a str),
}

impl<'a> Code<'a> {
    fn text(self) -> &'a str {
        match self {
            Code::Sql(t, _) | Code::Shell(t) => t,
        }
    }
}

/// Analyses SQL or a command line. `at` is the JSON path of the field it came from (`$.args.query`),
/// `None` for an action's primary text; facts found in a field point at it.
pub(crate) fn code(code: Code<'_>, at: Option<&str>, cx: &Analysis<'_>, facts: &mut Facts) {
    let text = code.text();
    let (first, first_matched) = (facts.items.len(), facts.matched.len());
    let hits = cx.prefilter.scan(text);
    for (rule, span) in &hits.patterns {
        if let Some(fact) = pattern_fact(cx.rules, *rule, *span, text) {
            facts.matched.push((fact, *rule));
        }
    }
    let oversized = text.len() > cx.limits.max_input_bytes;
    match code {
        Code::Sql(text, dialect) => {
            // psql meta-commands (`\!`, `\copy`) carry no trigger word; oversized text is
            // unanalyzable whatever it says.
            if cx.force || hits.analyzer || hits.sensitive || text.contains('\\') || oversized {
                let dialect = sql::dialect::refine(dialect, cx.context.labels.get("engine").map(String::as_str));
                let mut state = sql::SqlState::new(cx.limits, cx.sensitive_tables);
                sql::analyze(text, dialect, None, &mut state, facts);
            }
        }
        Code::Shell(command) => {
            if cx.force || hits.analyzer || oversized || command.bytes().any(|c| SHELL_SPECIAL.contains(&c)) {
                let mut state = shell::ShellState::new(cx.limits, cx.shell, cx.sensitive_tables);
                shell::analyze(command, None, &mut state, facts);
            }
        }
    }
    if let Some(path) = at {
        facts.locate_from(first, first_matched, path, text);
    }
}

/// The fact a policy pattern's match stands for.
fn pattern_fact(rules: &[Rule], rule: usize, span: Span, text: &str) -> Option<Fact> {
    let r = rules.get(rule)?;
    let intent = *r.intents.first()?;
    let matched = text.get(span.range()).unwrap_or("");
    Some(Fact {
        intent,
        severity: r.severity,
        span,
        detector: "policy/pattern",
        target: None,
        message: format!("matches pattern `{matched}` of rule '{}'", r.id),
        location: None,
    })
}

/// A fact located in the field at `path`, whose text is `text`.
pub(crate) fn located(mut fact: Fact, path: &str, text: &str) -> Fact {
    fact.location =
        Some(Box::new(Location { path: path.to_owned(), evidence: crate::fact::evidence(text, fact.span) }));
    fact
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
            let kind = d.id.split('/').next().unwrap_or("");
            assert!(["sql", "shell", "http", "tool", "file"].contains(&kind), "{}", d.id);
            assert!(!d.intents.is_empty(), "{} emits no intent", d.id);
        }
    }
}
