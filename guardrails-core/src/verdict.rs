//! The answer: [`Verdict`], and the [`AuditRecord`] a host writes for every decision.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::context::Context;
use crate::fact::{Severity, Span};
use crate::intent::Intent;

/// What the guard decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The action may run.
    Allow,
    /// The action may run once a human approves it.
    RequireApproval,
    /// The action must not run.
    Deny,
}

impl Decision {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::RequireApproval => "require_approval",
            Decision::Deny => "deny",
        }
    }
}

/// One rule that fired on one fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// The intent the rule matched.
    pub intent: Intent,
    /// How bad it is.
    pub severity: Severity,
    /// One sentence for a model or a person.
    pub message: String,
    /// UTF-8 byte offsets into the analysed text, `[start, end]`: the action's primary text (SQL,
    /// command line, URL, tool name, file path), or the field `path` names.
    pub span: Span,
    /// The JSON path of the field `span` points into (`$.args.query`, `$.body.token`,
    /// `$.headers.Authorization`); absent for the primary text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The text at `span`, shortened, secrets redacted.
    pub evidence: String,
}

/// The guard's answer for one action in one context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// What was decided.
    pub decision: Decision,
    /// One sentence for a model or a person saying why.
    pub reason: String,
    /// The rules that fired, most severe first.
    pub findings: Vec<Finding>,
    /// The digest of the policy that decided (`sha256:…`).
    pub policy: String,
}

impl Verdict {
    /// The action may run.
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allow
    }

    /// An activity record of this decision about `action` in `context` (the ones it was
    /// evaluated for), ready to serialise. The host writes it; the engine does no I/O. Secrets in
    /// the action are redacted.
    ///
    /// The verdict does not keep a copy of what it judged: copying a large request body on every
    /// evaluation would cost more than judging it. The host still has both.
    pub fn audit(&self, action: &Action, context: &Context) -> AuditRecord {
        let mut rules: Vec<String> = self.findings.iter().map(|f| f.rule.clone()).collect();
        rules.dedup();
        AuditRecord {
            decision: self.decision,
            reason: self.reason.clone(),
            rules,
            intents: {
                let mut v: Vec<Intent> = self.findings.iter().map(|f| f.intent).collect();
                v.sort();
                v.dedup();
                v
            },
            policy: self.policy.clone(),
            approved_by: context.approval.as_ref().map(|a| a.by.clone()),
            action: crate::redact::redact_action(action),
            context: context.clone(),
        }
    }
}

/// An activity record: who asked to do what, where, what was decided and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// What was decided.
    pub decision: Decision,
    /// Why, in one sentence.
    pub reason: String,
    /// The ids of the rules that fired.
    pub rules: Vec<String>,
    /// The intents they matched.
    pub intents: Vec<Intent>,
    /// The digest of the policy that decided.
    pub policy: String,
    /// Who approved, when an approval was part of the context.
    pub approved_by: Option<String>,
    /// The action, with secrets redacted.
    pub action: Action,
    /// The context as given.
    pub context: Context,
}
