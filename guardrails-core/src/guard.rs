//! [`Guard`]: a compiled policy, ready to evaluate actions.

use std::sync::{Arc, LazyLock};

use crate::action::Action;
use crate::analyze::{self, Analysis};
use crate::context::Context;
use crate::error::PolicyError;
use crate::fact::Facts;
use crate::limits::Limits;
use crate::policy::compile::{self, CompiledPolicy, Format, LimitOverrides};
use crate::policy::eval;
use crate::policy::RECOMMENDED_YAML;
use crate::verdict::Verdict;

/// A compiled policy that decides whether actions may run.
///
/// ```
/// use guardrails_core::{Action, Context, Decision, Dialect, Guard};
/// let guard = Guard::recommended();
/// let ctx: Context = serde_json::from_str(r#"{"environment":"production","actor":{"kind":"agent"}}"#).unwrap();
/// let verdict = guard.evaluate(&Action::sql(Dialect::Postgres, "DROP SCHEMA billing CASCADE"), &ctx);
/// assert_eq!(verdict.decision, Decision::Deny);
/// let verdict = guard.evaluate(&Action::sql(Dialect::Postgres, "SELECT 'drop schema billing'"), &ctx);
/// assert_eq!(verdict.decision, Decision::Allow);
/// ```
///
/// # Cost
/// Loading compiles every rule, pattern and analyzer trigger into one Aho-Corasick automaton and
/// one multi-pattern regex: milliseconds, once. Evaluating scans each text field once; only text
/// that hits a trigger is lexed and, where structure matters, parsed.
///
/// # Sharing
/// `Guard` is immutable, `Send + Sync`, and `Clone` is an `Arc` clone. Swap policies at run time
/// by swapping the `Guard` (e.g. with `ArcSwap`).
///
/// # Failure
/// Loading a policy can fail, with a [`PolicyError`] naming the line, field and rule. Evaluating
/// never fails: input that cannot be analysed becomes an `unanalyzable` finding and the policy
/// decides.
#[derive(Debug, Clone)]
pub struct Guard {
    policy: Arc<CompiledPolicy>,
}

/// Builds a [`Guard`] with host-set limits, which beat the policy's.
#[derive(Debug, Clone, Default)]
pub struct GuardBuilder {
    limits: LimitOverrides,
}

impl GuardBuilder {
    /// A builder with no overrides.
    pub fn new() -> GuardBuilder {
        GuardBuilder::default()
    }

    /// Largest text field analysed, in bytes; larger input is `unanalyzable`.
    pub fn max_input_bytes(&mut self, n: usize) -> &mut GuardBuilder {
        self.limits.max_input_bytes = Some(n);
        self
    }

    /// Deepest nesting of dynamic SQL and wrapped commands.
    pub fn max_depth(&mut self, n: usize) -> &mut GuardBuilder {
        self.limits.max_depth = Some(n);
        self
    }

    /// Most statements analysed per action.
    pub fn max_statements(&mut self, n: usize) -> &mut GuardBuilder {
        self.limits.max_statements = Some(n);
        self
    }

    /// Compiles a YAML policy.
    pub fn build_yaml(&self, text: &str) -> Result<Guard, PolicyError> {
        Ok(Guard { policy: Arc::new(compile::compile(text, Format::Yaml, &self.limits)?) })
    }

    /// Compiles a JSON policy.
    pub fn build_json(&self, text: &str) -> Result<Guard, PolicyError> {
        Ok(Guard { policy: Arc::new(compile::compile(text, Format::Json, &self.limits)?) })
    }
}

#[expect(clippy::expect_used, reason = "the built-in policy is a constant; a test proves it compiles")]
static RECOMMENDED: LazyLock<Guard> =
    LazyLock::new(|| Guard::from_yaml(RECOMMENDED_YAML).expect("the built-in recommended policy compiles"));

impl Guard {
    /// Compiles a YAML policy.
    pub fn from_yaml(text: &str) -> Result<Guard, PolicyError> {
        GuardBuilder::new().build_yaml(text)
    }

    /// Compiles a JSON policy.
    pub fn from_json(text: &str) -> Result<Guard, PolicyError> {
        GuardBuilder::new().build_json(text)
    }

    /// The built-in recommended policy (compiled once per process).
    pub fn recommended() -> Guard {
        RECOMMENDED.clone()
    }

    /// A builder, to set limits.
    pub fn builder() -> GuardBuilder {
        GuardBuilder::new()
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.policy.name
    }

    /// The policy's digest, `sha256:…`, recorded in every verdict.
    pub fn digest(&self) -> &str {
        &self.policy.digest
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.policy.limits
    }

    /// Decides whether `action` may run in `context`.
    pub fn evaluate(&self, action: &Action, context: &Context) -> Verdict {
        self.evaluate_inner(action, context, false)
    }

    /// Like [`evaluate`](Guard::evaluate), but runs every analyzer whatever the prefilter says.
    /// Exists to prove the prefilter sound: the two must always agree.
    #[doc(hidden)]
    pub fn evaluate_exhaustively(&self, action: &Action, context: &Context) -> Verdict {
        self.evaluate_inner(action, context, true)
    }

    fn evaluate_inner(&self, action: &Action, context: &Context, force: bool) -> Verdict {
        let policy = &*self.policy;
        let mut facts = Facts::default();
        let cx = Analysis {
            limits: &policy.limits,
            sensitive_tables: &policy.sensitive_tables,
            shell: &policy.shell,
            tools: &policy.tools,
            prefilter: &policy.prefilter,
            rules: &policy.rules,
            context,
            force,
        };
        analyze::analyze(action, &cx, &mut facts);
        let tool = match action {
            Action::ToolCall { tool, .. } => Some(tool.as_str()),
            _ => None,
        };
        let text = analyze::primary_text(action);
        let outcome = eval::decide(policy, &facts.items, &facts.matched, text, action.kind(), tool, context);
        Verdict {
            decision: outcome.decision,
            reason: outcome.reason,
            findings: outcome.findings,
            policy: policy.digest.clone(),
        }
    }
}

/// Evaluates `action` in `context` with the built-in recommended policy.
pub fn evaluate(action: &Action, context: &Context) -> Verdict {
    RECOMMENDED.evaluate(action, context)
}
