//! Errors of loading a policy. Evaluation has no error type: whatever cannot be analysed becomes
//! an `unanalyzable` fact and the policy decides.

use std::fmt;

/// A policy that cannot be loaded: where, which field, and why.
///
/// ```
/// let err = guardrails_core::Guard::from_yaml("version: 1\nrules:\n  - id: x\n    decision: blok\n").unwrap_err();
/// assert_eq!(err.line(), Some(4));
/// assert!(err.to_string().starts_with("line 4"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    kind: PolicyErrorKind,
    line: Option<usize>,
    column: Option<usize>,
    field: Option<String>,
    rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum PolicyErrorKind {
    #[error("{0}")]
    Syntax(String),
    #[error("{0}")]
    Invalid(String),
}

impl PolicyError {
    pub(crate) fn syntax(
        message: String,
        line: Option<usize>,
        column: Option<usize>,
        field: Option<String>,
    ) -> PolicyError {
        PolicyError { kind: PolicyErrorKind::Syntax(message), line, column, field, rule: None }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> PolicyError {
        PolicyError {
            kind: PolicyErrorKind::Invalid(message.into()),
            line: None,
            column: None,
            field: None,
            rule: None,
        }
    }

    pub(crate) fn at_field(mut self, field: impl Into<String>) -> PolicyError {
        self.field = Some(field.into());
        self
    }

    pub(crate) fn in_rule(mut self, rule: impl Into<String>) -> PolicyError {
        self.rule = Some(rule.into());
        self
    }

    pub(crate) fn at_line(mut self, line: Option<usize>) -> PolicyError {
        if self.line.is_none() {
            self.line = line;
        }
        self
    }

    /// The 1-based line of the policy text the error is on, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The 1-based column, when known.
    pub fn column(&self) -> Option<usize> {
        self.column
    }

    /// The path of the offending field, e.g. `rules[3].when.environment`.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The id of the offending rule, when the error is inside one.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// Why the policy was rejected, without the location.
    pub fn reason(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            wrote = true;
        }
        if let Some(field) = &self.field {
            write!(f, "{}{field}", if wrote { ", " } else { "" })?;
            wrote = true;
        }
        if let Some(rule) = &self.rule {
            write!(f, "{}rule '{rule}'", if wrote { ", " } else { "" })?;
            wrote = true;
        }
        if wrote {
            f.write_str(": ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for PolicyError {}
