//! Deciding: which rules fire on which facts in this context, and what that adds up to.
//! Precedence is deny > require_approval > allow; an approval satisfies require_approval, never
//! deny; an exemption (allow rule) only removes the rules it names, for the facts it covers.

use crate::context::Context;
use crate::fact::Fact;
use crate::intent::Intent;
use crate::verdict::{Decision, Finding};

use super::compile::{CompiledPolicy, Condition, Rule};

/// The rule id reported when `defaults.unanalyzable` decided.
pub(crate) const DEFAULT_UNANALYZABLE_RULE: &str = "defaults.unanalyzable";

/// The outcome before it is dressed as a verdict.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) decision: Decision,
    pub(crate) reason: String,
    pub(crate) findings: Vec<Finding>,
}

/// Decides on the analyzers' `facts` and the policy patterns' `matched` facts (each with the rule
/// that owns the pattern), found in `text`, for an action of kind `kind` in `context`.
pub(crate) fn decide(
    policy: &CompiledPolicy,
    facts: &[Fact],
    matched: &[(Fact, usize)],
    text: &str,
    kind: &str,
    tool: Option<&str>,
    context: &Context,
) -> Outcome {
    let applies = |rule: &Rule| applies(rule, kind, tool, context);
    let facts = facts.iter().map(|f| (f, None)).chain(matched.iter().map(|(f, r)| (f, Some(*r))));
    let mut fired: Vec<(Decision, &str, &Fact, Option<&str>)> = Vec::new();
    let mut exempted: Option<(&str, &Fact)> = None;
    for (fact, origin) in facts {
        let candidates: &[usize] = match &origin {
            Some(r) => std::slice::from_ref(r),
            None => &policy.by_intent[fact.intent as usize],
        };
        let mut matched = false;
        let first = fired.len();
        for &r in candidates {
            let rule = &policy.rules[r];
            if (origin.is_none() && !matches_fact(rule, fact)) || !applies(rule) {
                continue;
            }
            if let Some(ex) = policy
                .exemptions
                .iter()
                .map(|&e| &policy.rules[e])
                .find(|e| e.exempts.iter().any(|g| g.matches(&rule.id)) && matches_fact(e, fact) && applies(e))
            {
                exempted = Some((ex.id.as_str(), fact));
                matched = true;
                continue;
            }
            matched = true;
            fired.push((rule.decision, rule.id.as_str(), fact, rule.message.as_deref()));
        }
        // One fact is reported once, under the strongest rule that fired on it.
        if let Some(top) = fired[first..].iter().map(|f| f.0).max() {
            let mut kept = false;
            let mut k = first;
            while k < fired.len() {
                if fired[k].0 == top && !kept {
                    kept = true;
                    k += 1;
                } else {
                    fired.remove(k);
                }
            }
        }
        if !matched && fact.intent == Intent::Unanalyzable {
            if let Some(d) = policy.unanalyzable_default.filter(|d| *d != Decision::Allow) {
                fired.push((d, DEFAULT_UNANALYZABLE_RULE, fact, None));
            }
        }
    }
    fired.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.severity.cmp(&a.2.severity)));
    let findings: Vec<Finding> = fired
        .iter()
        .map(|(_, rule, fact, _)| Finding {
            rule: (*rule).to_owned(),
            intent: fact.intent,
            severity: fact.severity,
            message: fact.message.clone(),
            span: fact.span,
            path: fact.location.as_ref().map(|l| l.path.clone()),
            evidence: match &fact.location {
                Some(l) => l.evidence.clone(),
                None => crate::fact::evidence(text, fact.span),
            },
        })
        .collect();
    let strongest = fired.first().map_or(Decision::Allow, |f| f.0);
    let (decision, reason) = match fired.first() {
        None => match exempted {
            Some((by, fact)) => (Decision::Allow, format!("Allowed: rule '{by}' exempts this ({}).", fact.message)),
            None => (Decision::Allow, "Allowed: nothing in this action is restricted in this context.".to_owned()),
        },
        Some((_, rule, fact, note)) => {
            let more = match fired.len() {
                1 => String::new(),
                n => format!(" ({} more finding{})", n - 1, if n == 2 { "" } else { "s" }),
            };
            let note = note.map(|n| format!(" {n}")).unwrap_or_default();
            match (strongest, &context.approval) {
                (Decision::Deny, _) => {
                    // Built by hand: this runs on every denial, and `format!` costs more than it says.
                    let mut reason =
                        String::with_capacity(32 + rule.len() + fact.message.len() + more.len() + note.len());
                    for part in ["Denied by rule '", rule, "': ", &fact.message, &more, ".", &note] {
                        reason.push_str(part);
                    }
                    (Decision::Deny, reason)
                }
                (_, Some(approval)) => {
                    let ticket = approval.ticket.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                    (
                        Decision::Allow,
                        format!(
                            "Allowed with the approval of {}{ticket}: {}{more} (rule '{rule}').",
                            approval.by, fact.message
                        ),
                    )
                }
                _ => (
                    Decision::RequireApproval,
                    format!("Needs a human's approval (rule '{rule}'): {}{more}.{note}", fact.message),
                ),
            }
        }
    };
    Outcome { decision, reason, findings }
}

fn matches_fact(rule: &Rule, fact: &Fact) -> bool {
    if !rule.intents.is_empty() && !rule.intents.contains(&fact.intent) {
        return false;
    }
    if rule.min_severity.is_some_and(|s| fact.severity < s) {
        return false;
    }
    if !rule.objects.is_empty() && !fact.target.as_ref().is_some_and(|t| rule.objects.iter().any(|o| o == t.kind)) {
        return false;
    }
    if !rule.targets.is_empty()
        && !fact.target.as_ref().is_some_and(|t| rule.targets.iter().any(|g| g.matches(&t.name)))
    {
        return false;
    }
    true
}

fn applies(rule: &Rule, kind: &str, tool: Option<&str>, context: &Context) -> bool {
    (rule.tools.is_empty() || tool.is_some_and(|t| rule.tools.iter().any(|g| g.matches(t))))
        && holds(&rule.when, kind, context)
        && !rule.unless.as_ref().is_some_and(|u| holds(u, kind, context) && !is_empty(u))
}

fn is_empty(c: &Condition) -> bool {
    c.environment.is_empty()
        && c.actor_kind.is_empty()
        && c.actor_id.is_empty()
        && c.roles.is_empty()
        && c.labels.is_empty()
        && c.approved.is_none()
        && c.action.is_empty()
}

/// Whether every part of `c` holds; an empty part holds. A part that tests a missing context
/// field does not hold, so `unless: {environment: [development]}` still applies when the
/// environment is unknown (fail closed).
fn holds(c: &Condition, kind: &str, context: &Context) -> bool {
    let env_ok = c.environment.is_empty()
        || context.environment.as_deref().is_some_and(|e| c.environment.iter().any(|g| g.matches(e)));
    let actor = context.actor.as_ref();
    let kind_ok = c.actor_kind.is_empty() || actor.and_then(|a| a.kind).is_some_and(|k| c.actor_kind.contains(&k));
    let id_ok = c.actor_id.is_empty()
        || actor.and_then(|a| a.id.as_deref()).is_some_and(|id| c.actor_id.iter().any(|g| g.matches(id)));
    let roles_ok = c.roles.is_empty() || context.roles.iter().any(|r| c.roles.iter().any(|g| g.matches(r)));
    let labels_ok =
        c.labels.iter().all(|(k, globs)| context.labels.get(k).is_some_and(|v| globs.iter().any(|g| g.matches(v))));
    let approved_ok = c.approved.is_none_or(|a| a == context.approval.is_some());
    let action_ok = c.action.is_empty() || c.action.iter().any(|a| a == kind);
    env_ok && kind_ok && id_ok && roles_ok && labels_ok && approved_ok && action_ok
}
