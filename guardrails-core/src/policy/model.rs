//! The policy document, as written in YAML or JSON (`version: 1`). Field-by-field reference:
//! README.md, "Policy language".

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::context::ActorKind;
use crate::fact::Severity;
use crate::intent::Intent;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyDoc {
    pub(crate) version: u32,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the policy; the engine ignores it")]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) extends: Option<String>,
    #[serde(default)]
    pub(crate) organization: Option<OrganizationDoc>,
    #[serde(default)]
    pub(crate) protected_branches: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) defaults: DefaultsDoc,
    #[serde(default)]
    pub(crate) limits: LimitsDoc,
    #[serde(default)]
    pub(crate) sensitive_tables: Vec<String>,
    /// Hosts added to the built-in list of request catchers, paste sites, tunnels and file drops.
    #[serde(default)]
    pub(crate) untrusted_hosts: Vec<String>,
    /// Which tools carry which actions, beyond the built-in conventions.
    #[serde(default)]
    pub(crate) tools: Vec<ToolMappingDoc>,
    #[serde(default)]
    pub(crate) rules: Vec<RuleDoc>,
}

/// `tools: [{match: "acme_db_*", sql: "$.statement", dialect: postgres}]`: the action a tool carries,
/// each field a JSON path into the call's arguments.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ToolMappingDoc {
    /// Tool-name globs.
    #[serde(rename = "match")]
    pub(crate) matches: OneOrMany,
    #[serde(default)]
    pub(crate) sql: Option<String>,
    #[serde(default)]
    pub(crate) dialect: Option<String>,
    #[serde(default)]
    pub(crate) shell: Option<String>,
    #[serde(default)]
    pub(crate) http: Option<HttpMappingDoc>,
    #[serde(default)]
    pub(crate) file: Option<FileMappingDoc>,
    #[serde(default)]
    pub(crate) message: Option<MessageMappingDoc>,
}

/// One glob or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn items(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpMappingDoc {
    pub(crate) url: String,
    /// A JSON path, or a literal method such as `POST`.
    #[serde(default)]
    pub(crate) method: Option<String>,
    #[serde(default)]
    pub(crate) headers: Option<String>,
    #[serde(default)]
    pub(crate) body: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileMappingDoc {
    /// `read`, `write`, `delete` or `move`, or a JSON path to it.
    pub(crate) op: String,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) content: Option<String>,
    #[serde(default)]
    pub(crate) destination: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageMappingDoc {
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) to: Option<String>,
}

/// The organisation's own domains and hosts, where data may go.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganizationDoc {
    #[serde(default)]
    pub(crate) domains: Vec<String>,
    #[serde(default)]
    pub(crate) hosts: Vec<String>,
    #[serde(default)]
    pub(crate) github_orgs: Vec<String>,
    /// The organisation's object-storage buckets (globs: `acme-*`).
    #[serde(default)]
    pub(crate) buckets: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefaultsDoc {
    /// What an `unanalyzable` fact gets when no rule names it.
    #[serde(default)]
    pub(crate) unanalyzable: Option<DecisionDoc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsDoc {
    pub(crate) max_input_bytes: Option<usize>,
    pub(crate) max_depth: Option<usize>,
    pub(crate) max_statements: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DecisionDoc {
    Allow,
    RequireApproval,
    Deny,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDoc {
    pub(crate) id: String,
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the policy; the engine ignores it")]
    pub(crate) description: Option<String>,
    pub(crate) decision: DecisionDoc,
    #[serde(default)]
    pub(crate) intents: Vec<Intent>,
    #[serde(default)]
    pub(crate) objects: Vec<String>,
    #[serde(default)]
    pub(crate) targets: Vec<String>,
    /// Tool-name globs: the rule applies to calls of these tools only; without `intents` it fires
    /// on every such call.
    #[serde(default)]
    pub(crate) tools: Vec<String>,
    #[serde(default)]
    pub(crate) min_severity: Option<Severity>,
    #[serde(default)]
    pub(crate) severity: Option<Severity>,
    #[serde(default)]
    pub(crate) patterns: Vec<PatternDoc>,
    #[serde(default)]
    pub(crate) when: ConditionDoc,
    #[serde(default)]
    pub(crate) unless: Option<ConditionDoc>,
    #[serde(default)]
    pub(crate) exempts: Vec<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatternDoc {
    #[serde(default)]
    pub(crate) literal: Option<String>,
    #[serde(default)]
    pub(crate) regex: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConditionDoc {
    #[serde(default, deserialize_with = "one_or_more")]
    pub(crate) environment: Vec<String>,
    #[serde(default)]
    pub(crate) actor: ActorConditionDoc,
    #[serde(default, deserialize_with = "one_or_more")]
    pub(crate) roles: Vec<String>,
    #[serde(default)]
    pub(crate) labels: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub(crate) approved: Option<bool>,
    #[serde(default, deserialize_with = "one_or_more")]
    pub(crate) action: Vec<String>,
}

/// A list of strings, or one string on its own: `environment: production` means
/// `environment: [production]`.
fn one_or_more<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(OneOrMany::deserialize(d)?.items().to_vec())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActorConditionDoc {
    #[serde(default)]
    pub(crate) kind: Vec<ActorKind>,
    #[serde(default, deserialize_with = "one_or_more")]
    pub(crate) id: Vec<String>,
}
