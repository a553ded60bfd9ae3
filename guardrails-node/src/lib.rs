//! The native half of the npm package `access-guardrails`: converts between JavaScript and
//! `guardrails-core`, and nothing else. Every decision is made by `guardrails_core::Guard`.
//!
//! Actions and contexts cross the boundary as JSON text: `JSON.stringify` in V8 plus `serde_json`
//! here is cheaper than walking the JS object property by property through N-API (see
//! `bench/overhead.mjs`), and a string the facade keeps is an immutable snapshot of the action
//! for `verdict.audit()`. Verdicts come back as one string too (see `compact`). The JavaScript
//! facade (`index.js`) builds the public API — `Verdict`, `GuardrailsError`, adapters — on top of
//! this module.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use guardrails_core as gc;
use napi::bindgen_prelude::{AbortSignal, AsyncTask, Either};
use napi::{Env, Error, Result, Status, Task};
use napi_derive::napi;

/// A compiled policy. Immutable: one instance serves every call and every async task.
#[napi]
pub struct Guard {
    inner: gc::Guard,
    /// The last context text `evaluate` parsed, and what it parsed to: hosts pass the same
    /// context call after call, and comparing the text is cheaper than parsing it again.
    last_context: RefCell<Option<(String, gc::Context)>>,
}

impl Guard {
    fn new(inner: gc::Guard) -> Guard {
        Guard { inner, last_context: RefCell::new(None) }
    }
}

/// Why a policy was rejected, with where.
#[napi(object)]
pub struct PolicyFailure {
    /// The whole message, location first (`line 4, rules[0].decision: …`).
    pub message: String,
    /// Why, without the location.
    pub reason: String,
    /// 1-based line of the policy text, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// Path of the offending field, e.g. `rules[3].when.environment`.
    pub field: Option<String>,
    /// Id of the offending rule.
    pub rule: Option<String>,
}

fn failure(err: &gc::PolicyError) -> PolicyFailure {
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    PolicyFailure {
        message: err.to_string(),
        reason: err.reason(),
        line: err.line().map(to_u32),
        column: err.column().map(to_u32),
        field: err.field().map(str::to_owned),
        rule: err.rule().map(str::to_owned),
    }
}

fn invalid(what: &str, err: serde_json::Error) -> Error {
    Error::new(Status::InvalidArg, format!("invalid {what}: {err}"))
}

fn parse_action(action: &str) -> Result<gc::Action> {
    serde_json::from_str(action).map_err(|e| invalid("action", e))
}

fn parse_context(context: Option<&str>) -> Result<gc::Context> {
    match context {
        Some(text) => serde_json::from_str(text).map_err(|e| invalid("context", e)),
        None => Ok(gc::Context::default()),
    }
}

fn parse(action: &str, context: Option<&str>) -> Result<(gc::Action, gc::Context)> {
    Ok((parse_action(action)?, parse_context(context)?))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::new(Status::GenericFailure, e.to_string()))
}

/// The verdict as the facade reads it: a verdict without findings (the common, allowed case) is
/// its decision's initial (`a`, `d`, `r`) followed by the reason; any other is its JSON (which
/// starts with `{`). One string crosses to JavaScript instead of an object, its keys and values
/// (`bench/overhead.mjs` measures the difference).
fn compact(verdict: &gc::Verdict) -> Result<String> {
    if !verdict.findings.is_empty() {
        return to_json(&VerdictJson {
            decision: verdict.decision,
            reason: &verdict.reason,
            findings: &verdict.findings,
        });
    }
    let initial = match verdict.decision {
        gc::Decision::Allow => 'a',
        gc::Decision::Deny => 'd',
        gc::Decision::RequireApproval => 'r',
    };
    let mut out = String::with_capacity(verdict.reason.len() + 1);
    out.push(initial);
    out.push_str(&verdict.reason);
    Ok(out)
}

/// A verdict's JSON without the policy digest, which the facade has.
#[derive(serde::Serialize)]
struct VerdictJson<'a> {
    decision: gc::Decision,
    reason: &'a str,
    findings: &'a [gc::Finding],
}

/// Guards shared with other threads of the process, by policy digest (see `Guard.share`).
static SHARED: LazyLock<Mutex<HashMap<String, gc::Guard>>> = LazyLock::new(Mutex::default);

/// The guard another thread shared under `key` (its policy digest): the same compiled policy,
/// not a copy. `null` when nothing was shared under that key.
#[napi]
pub fn shared_guard(key: String) -> Option<Guard> {
    let shared = SHARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    shared.get(&key).cloned().map(Guard::new)
}

/// Compiles a policy: `format` is `yaml` or `json`. Returns the guard, or why the policy was
/// rejected.
#[napi]
pub fn compile_policy(text: String, format: String) -> Either<Guard, PolicyFailure> {
    let compiled = if format == "json" { gc::Guard::from_json(&text) } else { gc::Guard::from_yaml(&text) };
    match compiled {
        Ok(inner) => Either::A(Guard::new(inner)),
        Err(err) => Either::B(failure(&err)),
    }
}

/// The built-in recommended policy's YAML text.
#[napi]
pub fn recommended_yaml() -> &'static str {
    gc::RECOMMENDED_YAML
}

/// Does nothing: the baseline of the overhead benchmark (one N-API call with the same arguments).
#[napi]
pub fn noop(action: String, context: Option<String>) -> u32 {
    u32::try_from(action.len() + context.map_or(0, |c| c.len())).unwrap_or(u32::MAX)
}

#[napi]
impl Guard {
    /// The built-in recommended policy (compiled once per process).
    #[napi(factory)]
    pub fn recommended() -> Guard {
        Guard::new(gc::Guard::recommended())
    }

    /// The policy's name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The policy's digest, `sha256:…`.
    #[napi(getter)]
    pub fn digest(&self) -> String {
        self.inner.digest().to_owned()
    }

    /// Makes this guard's compiled policy available to every thread of the process (worker
    /// threads each load the addon and cannot receive the object itself); returns the key,
    /// the policy digest, for `sharedGuard`. The policy stays loaded until the process exits.
    #[napi]
    pub fn share(&self) -> String {
        let key = self.inner.digest().to_owned();
        let mut shared = SHARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.entry(key.clone()).or_insert_with(|| self.inner.clone());
        key
    }

    /// Decides whether the action (wire-format JSON) may run in the context (JSON, or none);
    /// returns the verdict (see `compact`). Throws `InvalidArg` for an action or context the
    /// wire format rejects.
    #[napi]
    pub fn evaluate(&self, action: String, context: Option<String>) -> Result<String> {
        let action = parse_action(&action)?;
        self.with_context(context, |context| compact(&self.inner.evaluate(&action, context)))?
    }

    /// `evaluate` that also returns the decision's audit record, from the same evaluation:
    /// `[verdict, audit record JSON]`. For a guard with an audit sink.
    #[napi]
    pub fn evaluate_audited(&self, action: String, context: Option<String>) -> Result<Vec<String>> {
        let action = parse_action(&action)?;
        self.with_context(context, |context| audited(&self.inner, &action, context))?
    }

    /// Like `evaluate`, but takes and returns JS values converted by serde through N-API. Kept for
    /// the overhead benchmark, which shows why `evaluate` takes JSON text.
    #[napi(ts_return_type = "object")]
    pub fn evaluate_value(
        &self,
        env: Env,
        action: serde_json::Value,
        context: Option<serde_json::Value>,
    ) -> Result<napi::bindgen_prelude::Unknown<'_>> {
        let action: gc::Action = serde_json::from_value(action).map_err(|e| invalid("action", e))?;
        let context: gc::Context = match context {
            Some(c) => serde_json::from_value(c).map_err(|e| invalid("context", e))?,
            None => gc::Context::default(),
        };
        env.to_js_value(&self.inner.evaluate(&action, &context))
    }

    /// `evaluate` on the libuv thread pool; the promise resolves to the verdict (see `compact`),
    /// or with `audit` to `[verdict, audit record JSON]` like `evaluateAudited`. An aborted
    /// `signal` rejects it with an `AbortError` when the task has not started.
    #[napi(ts_return_type = "Promise<string | string[]>")]
    pub fn evaluate_async(
        &self,
        action: String,
        context: Option<String>,
        signal: Option<AbortSignal>,
        audit: Option<bool>,
    ) -> AsyncTask<EvaluateTask> {
        let audit = audit.unwrap_or(false);
        AsyncTask::with_optional_signal(EvaluateTask { guard: self.inner.clone(), action, context, audit }, signal)
    }

    /// Runs the core's `evaluate` on this action and context `iterations` times and returns the
    /// best mean of five rounds, in nanoseconds: the baseline of the overhead benchmark.
    #[napi]
    pub fn time_core_ns(&self, action: String, context: Option<String>, iterations: u32) -> Result<f64> {
        let (action, context) = parse(&action, context.as_deref())?;
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = std::time::Instant::now();
            for _ in 0..iterations {
                std::hint::black_box(self.inner.evaluate(std::hint::black_box(&action), &context));
            }
            best = best.min(start.elapsed().as_nanos() as f64 / f64::from(iterations.max(1)));
        }
        Ok(best)
    }

    /// The audit record (JSON) of the verdict for this action and context: the action with
    /// secrets redacted, the context, the decision, rules, intents and policy digest. Evaluates
    /// again: `Verdict.audit()` of a guard without a sink calls it on demand.
    #[napi]
    pub fn audit(&self, action: String, context: Option<String>) -> Result<String> {
        let (action, context) = parse(&action, context.as_deref())?;
        to_json(&self.inner.evaluate(&action, &context).audit(&action, &context))
    }
}

impl Guard {
    /// Runs `f` on the parsed context: the cached one when `text` is the text `evaluate` parsed
    /// last, else a fresh parse (which then becomes the cached one). No text: the default context.
    fn with_context<R>(&self, text: Option<String>, f: impl FnOnce(&gc::Context) -> R) -> Result<R> {
        let Some(text) = text else {
            return Ok(f(&gc::Context::default()));
        };
        let mut last = self.last_context.borrow_mut();
        let context = match last.take() {
            Some((previous, parsed)) if previous == text => (previous, parsed),
            _ => {
                let parsed = parse_context(Some(&text))?;
                (text, parsed)
            }
        };
        let out = f(&context.1);
        *last = Some(context);
        Ok(out)
    }
}

/// The verdict (see `compact`) and the audit record JSON of one evaluation.
fn audited(guard: &gc::Guard, action: &gc::Action, context: &gc::Context) -> Result<Vec<String>> {
    let verdict = guard.evaluate(action, context);
    Ok(vec![compact(&verdict)?, to_json(&verdict.audit(action, context))?])
}

/// One evaluation on the libuv thread pool; with `audit`, its audit record too.
pub struct EvaluateTask {
    guard: gc::Guard,
    action: String,
    context: Option<String>,
    audit: bool,
}

impl Task for EvaluateTask {
    type Output = Either<String, Vec<String>>;
    type JsValue = Either<String, Vec<String>>;

    fn compute(&mut self) -> Result<Self::Output> {
        let (action, context) = parse(&self.action, self.context.as_deref())?;
        if self.audit {
            return Ok(Either::B(audited(&self.guard, &action, &context)?));
        }
        Ok(Either::A(compact(&self.guard.evaluate(&action, &context))?))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}
