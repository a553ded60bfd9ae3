//! Compiling a policy document: validation with precise errors, then rules indexed by intent and
//! every pattern compiled into the one prefilter.

use sha2::{Digest, Sha256};

use crate::context::ActorKind;
use crate::error::PolicyError;
use crate::fact::Severity;
use crate::glob::Glob;
use crate::intent::Intent;
use crate::limits::Limits;
use crate::prefilter::{Pattern, Prefilter};
use crate::verdict::Decision;

use super::model::{ConditionDoc, DecisionDoc, PolicyDoc, RuleDoc};
use super::RECOMMENDED_YAML;

/// The source format of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Json,
}

/// Object kinds a rule's `objects` may name: the `Target::kind`s the analyzers emit.
pub(crate) const OBJECT_KINDS: &[&str] = &[
    "database",
    "schema",
    "owned_objects",
    "table",
    "temporary_table",
    "view",
    "index",
    "function",
    "procedure",
    "trigger",
    "type",
    "sequence",
    "extension",
    "policy",
    "role",
    "column",
    "constraint",
    "partition",
    "file",
    "location",
    "command",
    "server",
    "stage",
    "stream",
    "warehouse",
    "tablespace",
];

const ACTION_KINDS: &[&str] = &["sql", "shell", "http", "tool_call", "file"];

/// A condition on the context, compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Condition {
    pub(crate) environment: Vec<Glob>,
    pub(crate) actor_kind: Vec<ActorKind>,
    pub(crate) actor_id: Vec<Glob>,
    pub(crate) roles: Vec<Glob>,
    pub(crate) labels: Vec<(String, Vec<Glob>)>,
    pub(crate) approved: Option<bool>,
    pub(crate) action: Vec<String>,
}

/// A rule, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) decision: Decision,
    pub(crate) intents: Vec<Intent>,
    pub(crate) objects: Vec<String>,
    pub(crate) targets: Vec<Glob>,
    /// Tool-name globs; empty for a rule about every action.
    pub(crate) tools: Vec<Glob>,
    pub(crate) min_severity: Option<Severity>,
    /// Severity of the facts this rule's own patterns produce.
    pub(crate) severity: Severity,
    pub(crate) has_patterns: bool,
    pub(crate) when: Condition,
    pub(crate) unless: Option<Condition>,
    pub(crate) exempts: Vec<Glob>,
    pub(crate) message: Option<String>,
}

/// A policy, compiled: what a [`Guard`](crate::Guard) evaluates against.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPolicy {
    pub(crate) name: String,
    pub(crate) digest: String,
    pub(crate) rules: Vec<Rule>,
    /// For each intent (by discriminant), the deny/require_approval rules without patterns that name it.
    pub(crate) by_intent: Vec<Vec<usize>>,
    /// The allow rules (exemptions).
    pub(crate) exemptions: Vec<usize>,
    pub(crate) unanalyzable_default: Option<Decision>,
    pub(crate) prefilter: Prefilter,
    pub(crate) sensitive_tables: Vec<Glob>,
    pub(crate) limits: Limits,
    pub(crate) shell: crate::analyze::shell::ShellPolicy,
    /// The policy's tool mappings, checked before the built-in conventions.
    pub(crate) tools: Vec<crate::analyze::tool::ToolMapping>,
}

/// Branches protected from force pushes when the policy names none.
const DEFAULT_PROTECTED_BRANCHES: &[&str] = &[
    "main",
    "master",
    "trunk",
    "develop",
    "development",
    "production",
    "prod",
    "staging",
    "stable",
    "release",
    "release/*",
    "release-*",
    "hotfix",
];

/// Parses `text` into a document, with the line, column and field of any error.
pub(crate) fn parse(text: &str, format: Format) -> Result<PolicyDoc, PolicyError> {
    match format {
        Format::Yaml => {
            let de = serde_yaml_ng::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let loc = inner.location();
                PolicyError::syntax(
                    clean(&inner.to_string(), &path),
                    loc.as_ref().map(|l| l.line()),
                    loc.as_ref().map(|l| l.column()),
                    field(path),
                )
            })
        }
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                PolicyError::syntax(
                    clean(&inner.to_string(), &path),
                    Some(inner.line()),
                    Some(inner.column()),
                    field(path),
                )
            })
        }
    }
}

fn field(path: String) -> Option<String> {
    // serde_path_to_error writes `?` for a position it could not name (truncated input).
    let path = path.trim_end_matches(".?").to_owned();
    (path != "." && path != "?" && !path.is_empty()).then_some(path)
}

/// The message without the location and path the wrapper reports separately
/// (`rules[0]: unknown field …` → `unknown field …`).
fn clean(message: &str, path: &str) -> String {
    let m = message.strip_prefix(&format!("{path}: ")).unwrap_or(message);
    let m = match m.split_once(": ") {
        Some((head, rest))
            if !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)) =>
        {
            rest
        }
        _ => m,
    };
    match m.find(" at line ") {
        Some(i) => m[..i].to_owned(),
        None => m.to_owned(),
    }
}

/// The 1-based line where the `nth` rule with id `id` is declared (`id: x` in YAML, `"id": "x"`
/// in JSON), matching the whole value, not a substring of another id.
fn line_of_rule(text: &str, id: &str, nth: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let t = line.trim_start().trim_start_matches("- ").trim_start_matches('{').trim_start();
            let value = t
                .strip_prefix("id:")
                .or_else(|| t.strip_prefix("\"id\"").map(|r| r.trim_start().trim_start_matches(':')));
            value.is_some_and(|v| {
                let v = v.trim().trim_end_matches(',').trim();
                let v = v.split(" #").next().unwrap_or(v).trim();
                v.trim_matches('"').trim_matches('\'') == id
            })
        })
        .nth(nth)
        .map(|(n, _)| n + 1)
}

/// Compiles `text` (and the built-in policy it extends), applying the host's limit overrides.
pub(crate) fn compile(text: &str, format: Format, host_limits: &LimitOverrides) -> Result<CompiledPolicy, PolicyError> {
    let doc = parse(text, format)?;
    if doc.version != 1 {
        return Err(PolicyError::invalid(format!("unsupported version {} (this engine reads version 1)", doc.version))
            .at_field("version")
            .at_line(
                text.lines()
                    .position(|l| l.trim_start().starts_with("version") || l.contains("\"version\""))
                    .map(|n| n + 1),
            ));
    }
    let mut sources: Vec<(&str, PolicyDoc)> = Vec::new();
    let mut hasher = Sha256::new();
    match doc.extends.as_deref() {
        None => {}
        Some("recommended") => {
            let base = parse(RECOMMENDED_YAML, Format::Yaml)
                .map_err(|e| PolicyError::invalid(format!("the built-in recommended policy is broken: {e}")))?;
            hasher.update(RECOMMENDED_YAML.as_bytes());
            sources.push((RECOMMENDED_YAML, base));
        }
        Some(other) => {
            return Err(PolicyError::invalid(format!(
                "unknown policy '{other}' (the built-in policy is 'recommended')"
            ))
            .at_field("extends")
            .at_line(text.lines().position(|l| l.contains("extends")).map(|n| n + 1)))
        }
    }
    hasher.update(text.as_bytes());
    let digest = format!("sha256:{}", hex(&hasher.finalize()));
    let name = doc.name.clone().unwrap_or_else(|| "unnamed".to_owned());
    sources.push((text, doc));

    let mut rules: Vec<Rule> = Vec::new();
    // For each compiled rule: its line and its index in its document, for error messages.
    let mut origins: Vec<(Option<usize>, usize)> = Vec::new();
    let mut patterns: Vec<(usize, Pattern)> = Vec::new();
    let mut unanalyzable_default = None;
    let mut sensitive: Vec<Glob> = Vec::new();
    let mut limits = Limits::default();
    let mut org_hosts: Vec<Glob> = Vec::new();
    let mut untrusted: Vec<Glob> = Vec::new();
    let mut github_orgs: Vec<String> = Vec::new();
    let mut org_buckets: Vec<Glob> = Vec::new();
    let mut tools = Vec::new();
    let mut protected: Option<Vec<Glob>> = None;
    for (src, doc) in &sources {
        if let Some(org) = &doc.organization {
            for d in &org.domains {
                let d = d.trim_start_matches("*.");
                org_hosts.push(Glob::new(d));
                org_hosts.push(Glob::new(&format!("*.{d}")));
            }
            org_hosts.extend(org.hosts.iter().map(|h| Glob::new(h)));
            github_orgs.extend(org.github_orgs.iter().map(|o| o.to_ascii_lowercase()));
            org_buckets.extend(org.buckets.iter().map(|b| Glob::new(b)));
        }
        untrusted.extend(doc.untrusted_hosts.iter().map(|h| Glob::new(h)));
        for (n, m) in doc.tools.iter().enumerate() {
            // The line of the nth `match:` key, which starts each mapping.
            let line = src
                .lines()
                .enumerate()
                .filter(|(_, l)| {
                    let t = l.trim_start().trim_start_matches("- ").trim_start_matches('{').trim_start();
                    t.starts_with("match:") || t.starts_with("\"match\"")
                })
                .nth(n)
                .map(|(i, _)| i + 1);
            tools.push(
                crate::analyze::tool::ToolMapping::compile(m)
                    .map_err(|e| e.at_field(format!("tools[{n}]")).at_line(line))?,
            );
        }
        if let Some(branches) = &doc.protected_branches {
            protected = Some(branches.iter().map(|b| Glob::new(b)).collect());
        }
        if let Some(d) = doc.defaults.unanalyzable {
            unanalyzable_default = Some(decision(d));
        }
        sensitive.extend(doc.sensitive_tables.iter().map(|t| Glob::new(t)));
        if let Some(v) = doc.limits.max_input_bytes {
            limits.max_input_bytes = v;
        }
        if let Some(v) = doc.limits.max_depth {
            limits.max_depth = v;
        }
        if let Some(v) = doc.limits.max_statements {
            limits.max_statements = v;
        }
        for (n, rd) in doc.rules.iter().enumerate() {
            let nth = doc.rules[..n].iter().filter(|r| r.id == rd.id).count();
            let line = line_of_rule(src, &rd.id, nth);
            let at = |e: PolicyError| e.in_rule(&rd.id).at_line(line);
            if let Some(prev) = rules.iter().find(|r| r.id == rd.id) {
                return Err(at(PolicyError::invalid(format!("rule id '{}' is used twice", prev.id))
                    .at_field(format!("rules[{n}].id"))));
            }
            origins.push((line, n));
            let index = rules.len();
            let rule = compile_rule(rd, n).map_err(at)?;
            for (k, p) in rd.patterns.iter().enumerate() {
                let pattern = match (&p.literal, &p.regex) {
                    (Some(l), None) => Pattern::Literal(l.clone()),
                    (None, Some(r)) => Pattern::Regex(r.clone()),
                    _ => {
                        return Err(at(PolicyError::invalid("a pattern has exactly one of `literal` or `regex`")
                            .at_field(format!("rules[{n}].patterns[{k}]"))))
                    }
                };
                patterns.push((index, pattern));
            }
            rules.push(rule);
        }
    }
    if let Some(v) = host_limits.max_input_bytes {
        limits.max_input_bytes = v;
    }
    if let Some(v) = host_limits.max_depth {
        limits.max_depth = v;
    }
    if let Some(v) = host_limits.max_statements {
        limits.max_statements = v;
    }

    // Exemptions must name rules that exist: an exemption that narrows nothing is a typo.
    for (rule, (line, n)) in rules.iter().zip(&origins).filter(|(r, _)| r.decision == Decision::Allow) {
        for g in &rule.exempts {
            if !rules.iter().any(|r| r.decision != Decision::Allow && g.matches(&r.id)) {
                return Err(PolicyError::invalid(format!(
                    "exempts '{}', which names no deny or require_approval rule",
                    g.as_str()
                ))
                .in_rule(&rule.id)
                .at_field(format!("rules[{n}].exempts"))
                .at_line(*line));
            }
        }
    }

    let mut by_intent = vec![Vec::new(); Intent::ALL.len()];
    let mut exemptions = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if r.decision == Decision::Allow {
            exemptions.push(i);
        } else if !r.has_patterns {
            for intent in &r.intents {
                by_intent[*intent as usize].push(i);
            }
        }
    }

    let triggers: Vec<&str> = crate::analyze::registry().flat_map(|d| d.triggers.iter().copied()).collect();
    let sensitive_literals: Vec<&str> = sensitive.iter().map(Glob::literal).collect();
    let prefilter = Prefilter::build(&triggers, &sensitive_literals, &patterns).map_err(|e| {
        let err = PolicyError::invalid(format!("a pattern cannot be compiled: {}", e.message));
        match e.rule.and_then(|r| rules.get(r).zip(origins.get(r))) {
            Some((r, (line, n))) => err.in_rule(&r.id).at_field(format!("rules[{n}].patterns")).at_line(*line),
            None => err,
        }
    })?;

    let shell = crate::analyze::shell::ShellPolicy {
        destinations: crate::analyze::destination::Destinations { org_hosts, untrusted, github_orgs, org_buckets },
        protected_branches: protected
            .unwrap_or_else(|| DEFAULT_PROTECTED_BRANCHES.iter().map(|b| Glob::new(b)).collect()),
    };
    Ok(CompiledPolicy {
        name,
        digest,
        rules,
        by_intent,
        exemptions,
        unanalyzable_default,
        prefilter,
        sensitive_tables: sensitive,
        limits,
        shell,
        tools,
    })
}

/// Limits the host sets; they beat the policy's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LimitOverrides {
    pub(crate) max_input_bytes: Option<usize>,
    pub(crate) max_depth: Option<usize>,
    pub(crate) max_statements: Option<usize>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decision(d: DecisionDoc) -> Decision {
    match d {
        DecisionDoc::Allow => Decision::Allow,
        DecisionDoc::RequireApproval => Decision::RequireApproval,
        DecisionDoc::Deny => Decision::Deny,
    }
}

fn compile_rule(rd: &RuleDoc, n: usize) -> Result<Rule, PolicyError> {
    let f = |name: &str| format!("rules[{n}].{name}");
    if rd.id.trim().is_empty() || rd.id.chars().any(char::is_whitespace) {
        return Err(PolicyError::invalid("a rule id is a non-empty word without spaces").at_field(f("id")));
    }
    let decision = decision(rd.decision);
    let has_patterns = !rd.patterns.is_empty();
    match decision {
        Decision::Allow => {
            if rd.exempts.is_empty() {
                return Err(PolicyError::invalid(
                    "an allow rule is an exemption: it must name the rules it narrows in `exempts`",
                )
                .at_field(f("exempts")));
            }
            if has_patterns {
                return Err(PolicyError::invalid("an allow rule cannot have patterns").at_field(f("patterns")));
            }
        }
        _ => {
            if !rd.exempts.is_empty() {
                return Err(PolicyError::invalid("only allow rules exempt other rules").at_field(f("exempts")));
            }
            if rd.intents.is_empty() && !has_patterns && rd.tools.is_empty() {
                return Err(
                    PolicyError::invalid("a rule needs `intents`, `patterns` or `tools`").at_field(f("intents"))
                );
            }
        }
    }
    if has_patterns && rd.intents.len() != 1 {
        return Err(PolicyError::invalid(
            "a rule with patterns names exactly one intent, the one its matches stand for",
        )
        .at_field(f("intents")));
    }
    for o in &rd.objects {
        if !OBJECT_KINDS.contains(&o.as_str()) {
            return Err(PolicyError::invalid(format!(
                "unknown object kind '{o}' (known: {})",
                OBJECT_KINDS.join(", ")
            ))
            .at_field(f("objects")));
        }
    }
    Ok(Rule {
        id: rd.id.clone(),
        decision,
        intents: rd.intents.clone(),
        objects: rd.objects.clone(),
        targets: rd.targets.iter().map(|t| Glob::new(t)).collect(),
        tools: rd.tools.iter().map(|t| Glob::new(t)).collect(),
        min_severity: rd.min_severity,
        severity: rd.severity.unwrap_or(Severity::High),
        has_patterns,
        when: condition(&rd.when, &f("when"))?,
        unless: rd.unless.as_ref().map(|u| condition(u, &f("unless"))).transpose()?,
        exempts: rd.exempts.iter().map(|e| Glob::new(e)).collect(),
        message: rd.message.clone(),
    })
}

fn condition(c: &ConditionDoc, field: &str) -> Result<Condition, PolicyError> {
    for a in &c.action {
        if !ACTION_KINDS.contains(&a.as_str()) {
            return Err(PolicyError::invalid(format!(
                "unknown action kind '{a}' (known: {})",
                ACTION_KINDS.join(", ")
            ))
            .at_field(format!("{field}.action")));
        }
    }
    let globs = |v: &[String]| v.iter().map(|s| Glob::new(s)).collect::<Vec<_>>();
    Ok(Condition {
        environment: globs(&c.environment),
        actor_kind: c.actor.kind.clone(),
        actor_id: globs(&c.actor.id),
        roles: globs(&c.roles),
        labels: c.labels.iter().map(|(k, v)| (k.clone(), globs(v))).collect(),
        approved: c.approved,
        action: c.action.clone(),
    })
}
