//! Who acts, where, and with whose approval: the wire type [`Context`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The circumstances of an action. Every field is optional; a missing environment is treated
/// by the recommended policy as production (fail closed).
///
/// ```
/// use guardrails_core::{ActorKind, Context};
/// let ctx: Context = serde_json::from_str(r#"{"environment":"production",
///   "actor":{"id":"billing-bot","kind":"agent"},
///   "approval":{"by":"alice","ticket":"CHG-12"},"roles":[],"labels":{}}"#).unwrap();
/// assert_eq!(ctx.actor.unwrap().kind, Some(ActorKind::Agent));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The environment the action would run in, e.g. `production`, `staging`, `development`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Who would run the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    /// A human's approval of this action, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// The actor's roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Free-form labels (`team`, `engine`, …) that rules may test.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The host's session id, copied into the audit record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The host's trace id, copied into the audit record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// When the action was requested, supplied by the host (the engine never reads a clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// Who would run an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// A stable identifier, e.g. `billing-bot` or `alice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What kind of actor it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ActorKind>,
}

/// The kind of an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActorKind {
    /// A person at a terminal.
    Human,
    /// An AI agent.
    Agent,
    /// A service or script running unattended.
    Service,
    /// A CI job.
    Ci,
}

impl ActorKind {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActorKind::Human => "human",
            ActorKind::Agent => "agent",
            ActorKind::Service => "service",
            ActorKind::Ci => "ci",
        }
    }
}

/// A human's approval of an action. Satisfies `require_approval`, never `deny`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved.
    pub by: String,
    /// The change ticket, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}
