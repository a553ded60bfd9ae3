//! `access_guardrails._native`: the Python binding of `guardrails-core`.
//!
//! It converts Python objects to the core's wire types ([`gc::Action`], [`gc::Context`]) and the
//! [`gc::Verdict`] back, maps errors to the exception classes of `access_guardrails._base`, and
//! releases the GIL while the core evaluates. It holds no analysis logic: every verdict comes from
//! `guardrails_core`, so Python, the CLI and Rust hosts decide alike.
//!
//! Conversion: objects built with `Action.sql(…)` / `Context(…)` hold the core type already, so
//! evaluating them borrows the core value and converts nothing. Plain dicts are walked once into
//! a `serde_json::Value` and deserialized with the core's own serde rules (no JSON text).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Instant;

use guardrails_core as gc;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;

/// The context of an evaluation that names none.
static EMPTY_CONTEXT: LazyLock<gc::Context> = LazyLock::new(gc::Context::default);

/// The pure-Python module that defines `Decision` and the exception classes.
const BASE: &str = "access_guardrails._base";

/// Looks up a name of `access_guardrails._base` once per process.
fn base<'py>(py: Python<'py>, cell: &'static PyOnceLock<Py<PyAny>>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || Ok::<_, PyErr>(py.import(BASE)?.getattr(name)?.unbind()))
        .map(|obj| obj.bind(py).clone())
}

static POLICY_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INVALID_ACTION_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static INVALID_CONTEXT_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GUARDRAIL_DENIED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static APPROVAL_REQUIRED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DECISION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static RESOLVED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static FAILED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
/// `Decision.ALLOW`, `Decision.REQUIRE_APPROVAL`, `Decision.DENY`, in the core's order.
static DECISIONS: PyOnceLock<[Py<PyAny>; 3]> = PyOnceLock::new();

/// Builds an exception of class `cell` (`name` in `_base`) from positional and keyword arguments.
fn exception<'py, A: pyo3::call::PyCallArgs<'py>>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    name: &str,
    args: A,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyErr {
    match base(py, cell, name).and_then(|cls| cls.call(args, kwargs)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => err,
    }
}

fn invalid_action(py: Python<'_>, message: impl std::fmt::Display) -> PyErr {
    exception(py, &INVALID_ACTION_ERROR, "InvalidActionError", (message.to_string(),), None)
}

fn invalid_context(py: Python<'_>, message: impl std::fmt::Display) -> PyErr {
    exception(py, &INVALID_CONTEXT_ERROR, "InvalidContextError", (message.to_string(),), None)
}

/// A policy file that cannot be read: the `OSError` subclass `open()` would raise for the same
/// cause (`FileNotFoundError`, `PermissionError`, …), with `errno`, `strerror` and `filename` set.
fn read_error(path: &std::path::Path, err: &std::io::Error) -> PyErr {
    let text = err.to_string();
    // `io::Error` displays as "<strerror> (os error N)"; `errno` carries the number.
    let strerror = text.rsplit_once(" (os error ").map_or(text.as_str(), |(head, _)| head);
    let strerror = format!("cannot read policy: {strerror}");
    match err.raw_os_error() {
        Some(errno) => PyOSError::new_err((errno, strerror, path.as_os_str().to_os_string())),
        None => PyOSError::new_err(format!("{strerror}: {}", path.display())),
    }
}

fn policy_error(py: Python<'_>, err: &gc::PolicyError) -> PyErr {
    let kwargs = PyDict::new(py);
    let set = || -> PyResult<()> {
        kwargs.set_item("line", err.line())?;
        kwargs.set_item("column", err.column())?;
        kwargs.set_item("field", err.field())?;
        kwargs.set_item("rule", err.rule())?;
        kwargs.set_item("reason", err.reason())
    };
    match set() {
        Ok(()) => exception(py, &POLICY_ERROR, "PolicyError", (err.to_string(),), Some(&kwargs)),
        Err(e) => e,
    }
}

/// Nesting deeper than this is refused (and a dict that contains itself cannot recurse forever).
const MAX_NESTING: usize = 128;

/// Converts a Python value (dict with `str` keys, list, tuple, str, int, float, bool, None) into
/// a serde type, through `serde_json::Value`: measured three times faster than `pythonize`'s
/// direct deserializer on the small, internally tagged wire types.
fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> Result<T, String> {
    serde_json::from_value(to_json(obj, 0)?).map_err(|e| e.to_string())
}

fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    if depth > MAX_NESTING {
        return Err(format!("nested deeper than {MAX_NESTING} levels"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str().map(|s| Value::String(s.to_owned())).map_err(|e| e.to_string());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| format!("dict keys must be str, not {}", type_name(&k)))?;
            map.insert(key.to_str().map_err(|e| e.to_string())?.to_owned(), to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return obj.extract::<u64>().map(Value::from).map_err(|_| "integer out of range".to_owned());
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| "NaN and infinity are not JSON".to_owned());
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| to_json(&v, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| to_json(&v, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
    }
    Err(format!("{} is not JSON-serialisable", type_name(obj)))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// Converts a serde value into Python dicts, lists and scalars, exactly as its JSON would load.
fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    from_json(py, &json)
}

fn from_json<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            PyList::new(py, items.iter().map(|v| from_json(py, v)).collect::<PyResult<Vec<_>>>()?)?.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, from_json(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// An action as a Python caller passes it: an [`Action`] (borrowed, no copy) or a dict in the
/// wire format (converted).
fn action_arg<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Cow<'a, gc::Action>> {
    if let Ok(built) = obj.cast::<Action>() {
        return Ok(Cow::Borrowed(&built.get().inner));
    }
    if !obj.is_instance_of::<PyDict>() {
        return Err(invalid_action(obj.py(), format!("an action is an Action or a dict, not {}", type_name(obj))));
    }
    from_py::<gc::Action>(obj).map(Cow::Owned).map_err(|e| invalid_action(obj.py(), e))
}

/// A context as a Python caller passes it: `None`, a [`Context`] or a dict in the wire format.
fn context_arg<'a>(obj: Option<&'a Bound<'_, PyAny>>) -> PyResult<Cow<'a, gc::Context>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Cow::Borrowed(&EMPTY_CONTEXT));
    };
    if let Ok(built) = obj.cast::<Context>() {
        return Ok(Cow::Borrowed(&built.get().inner));
    }
    if !obj.is_instance_of::<PyDict>() {
        return Err(invalid_context(
            obj.py(),
            format!("invalid context: a context is a Context, a dict or None, not {}", type_name(obj)),
        ));
    }
    from_py::<gc::Context>(obj).map(Cow::Owned).map_err(|e| invalid_context(obj.py(), format!("invalid context: {e}")))
}

/// The action a verdict judged, kept for `audit()` without a copy: the caller's `Action` (frozen,
/// so it cannot change afterwards) or the value converted from a dict.
enum HeldAction {
    Object(Py<Action>),
    Value(gc::Action),
}

impl HeldAction {
    fn new(obj: &Bound<'_, PyAny>) -> PyResult<HeldAction> {
        if let Ok(built) = obj.cast::<Action>() {
            return Ok(HeldAction::Object(built.clone().unbind()));
        }
        Ok(HeldAction::Value(action_arg(obj)?.into_owned()))
    }

    fn get(&self) -> &gc::Action {
        match self {
            HeldAction::Object(built) => &built.get().inner,
            HeldAction::Value(value) => value,
        }
    }
}

/// The context a verdict was decided in, kept the same way.
enum HeldContext {
    Object(Py<Context>),
    Value(Box<gc::Context>),
    Empty,
}

impl HeldContext {
    fn new(obj: Option<&Bound<'_, PyAny>>) -> PyResult<HeldContext> {
        match obj.filter(|o| !o.is_none()) {
            None => Ok(HeldContext::Empty),
            Some(obj) => match obj.cast::<Context>() {
                Ok(built) => Ok(HeldContext::Object(built.clone().unbind())),
                Err(_) => Ok(HeldContext::Value(Box::new(context_arg(Some(obj))?.into_owned()))),
            },
        }
    }

    fn get(&self) -> &gc::Context {
        match self {
            HeldContext::Object(built) => &built.get().inner,
            HeldContext::Value(value) => value,
            HeldContext::Empty => &EMPTY_CONTEXT,
        }
    }
}

/// The text a finding's span points into when it has no `path`.
fn primary_text(action: &gc::Action) -> Option<&str> {
    Some(match action {
        gc::Action::Sql { text, .. } => text,
        gc::Action::Shell { command } => command,
        gc::Action::Http { url, .. } => url,
        gc::Action::ToolCall { tool, .. } => tool,
        gc::Action::File { path, .. } => path,
        _ => return None,
    })
}

/// UTF-8 byte offsets into `text` as Python `str` indices (code points).
fn char_span(text: &str, span: gc::Span) -> Option<(usize, usize)> {
    if text.is_ascii() {
        return (span.end <= text.len()).then_some((span.start, span.end));
    }
    let start = text.get(..span.start)?.chars().count();
    let len = text.get(span.start..span.end)?.chars().count();
    Some((start, start + len))
}

/// An action to decide: SQL, a shell command, an HTTP request, a tool call or a file operation.
#[pyclass(frozen, module = "access_guardrails._native", eq)]
#[derive(PartialEq)]
struct Action {
    inner: gc::Action,
}

#[pymethods]
impl Action {
    #[staticmethod]
    #[pyo3(signature = (text, dialect = "generic"))]
    fn sql(py: Python<'_>, text: String, dialect: &str) -> PyResult<Action> {
        let dialect: gc::Dialect = dialect.parse().map_err(|e| invalid_action(py, e))?;
        Ok(Action { inner: gc::Action::sql(dialect, text) })
    }

    #[staticmethod]
    fn shell(command: String) -> Action {
        Action { inner: gc::Action::shell(command) }
    }

    #[staticmethod]
    #[pyo3(signature = (method, url, headers = None, body = None))]
    fn http(
        py: Python<'_>,
        method: String,
        url: String,
        headers: Option<BTreeMap<String, String>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Action> {
        let body = match body.filter(|b| !b.is_none()) {
            Some(b) => Some(from_py::<serde_json::Value>(b).map_err(|e| invalid_action(py, e))?),
            None => None,
        };
        Ok(Action { inner: gc::Action::Http { method, url, headers: headers.unwrap_or_default(), body } })
    }

    #[staticmethod]
    #[pyo3(signature = (name, args = None))]
    fn tool_call(py: Python<'_>, name: String, args: Option<&Bound<'_, PyAny>>) -> PyResult<Action> {
        let args = match args.filter(|a| !a.is_none()) {
            Some(a) => from_py::<serde_json::Value>(a).map_err(|e| invalid_action(py, e))?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        Ok(Action { inner: gc::Action::tool_call(name, args) })
    }

    #[staticmethod]
    #[pyo3(signature = (op, path, content = None, destination = None, recursive = false))]
    fn file(op: String, path: String, content: Option<String>, destination: Option<String>, recursive: bool) -> Action {
        Action { inner: gc::Action::File { op, path, content, destination, recursive } }
    }

    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Action> {
        Ok(Action { inner: action_arg(data)?.into_owned() })
    }

    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Action({})", serde_json::to_string(&self.inner).unwrap_or_default())
    }
}

/// Who acts, where, and with whose approval. Every field is optional.
#[pyclass(frozen, module = "access_guardrails._native", eq)]
#[derive(PartialEq)]
struct Context {
    inner: gc::Context,
}

#[pymethods]
impl Context {
    #[new]
    #[pyo3(signature = (*, environment = None, actor_id = None, actor_kind = None, approved_by = None,
        ticket = None, roles = None, labels = None, session_id = None, trace_id = None, timestamp = None))]
    #[expect(clippy::too_many_arguments, reason = "mirrors the Python keyword arguments one to one")]
    fn new(
        py: Python<'_>,
        environment: Option<String>,
        actor_id: Option<String>,
        actor_kind: Option<String>,
        approved_by: Option<String>,
        ticket: Option<String>,
        roles: Option<Vec<String>>,
        labels: Option<BTreeMap<String, String>>,
        session_id: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
    ) -> PyResult<Context> {
        let kind = match actor_kind {
            Some(k) => Some(
                serde_json::from_value::<gc::ActorKind>(serde_json::Value::String(k))
                    .map_err(|e| invalid_context(py, format!("invalid actor_kind: {e}")))?,
            ),
            None => None,
        };
        let actor = (actor_id.is_some() || kind.is_some()).then_some(gc::Actor { id: actor_id, kind });
        let inner = gc::Context {
            environment,
            actor,
            approval: approved_by.map(|by| gc::Approval { by, ticket }),
            roles: roles.unwrap_or_default(),
            labels: labels.unwrap_or_default(),
            session_id,
            trace_id,
            timestamp,
        };
        Ok(Context { inner })
    }

    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Context> {
        Ok(Context { inner: context_arg(Some(data))?.into_owned() })
    }

    /// A copy of this context that carries a human's approval.
    #[pyo3(signature = (by, ticket = None))]
    fn with_approval(&self, by: String, ticket: Option<String>) -> Context {
        let mut inner = self.inner.clone();
        inner.approval = Some(gc::Approval { by, ticket });
        Context { inner }
    }

    #[getter]
    fn environment(&self) -> Option<&str> {
        self.inner.environment.as_deref()
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Context({})", serde_json::to_string(&self.inner).unwrap_or_default())
    }
}

/// One rule that fired on one thing the action would do.
#[pyclass(frozen, module = "access_guardrails._native")]
struct Finding {
    inner: gc::Finding,
    text_span: Option<(usize, usize)>,
}

#[pymethods]
impl Finding {
    #[getter]
    fn rule(&self) -> &str {
        &self.inner.rule
    }
    #[getter]
    fn intent(&self) -> &'static str {
        self.inner.intent.as_str()
    }
    #[getter]
    fn severity(&self) -> &'static str {
        match self.inner.severity {
            gc::Severity::Low => "low",
            gc::Severity::Medium => "medium",
            gc::Severity::High => "high",
            gc::Severity::Critical => "critical",
        }
    }
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }
    #[getter]
    fn span(&self) -> (usize, usize) {
        (self.inner.span.start, self.inner.span.end)
    }
    #[getter]
    fn text_span(&self) -> Option<(usize, usize)> {
        self.text_span
    }
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }
    #[getter]
    fn evidence(&self) -> &str {
        &self.inner.evidence
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding(rule={:?}, intent={:?}, severity={:?}, message={:?})",
            self.inner.rule,
            self.inner.intent.as_str(),
            self.severity(),
            self.inner.message
        )
    }
}

/// The guard's answer for one action in one context.
#[pyclass(frozen, module = "access_guardrails._native")]
struct Verdict {
    inner: gc::Verdict,
    /// Per finding, its span in `str` indices when it points into the action's primary text.
    text_spans: Vec<Option<(usize, usize)>>,
    /// What was judged, for `audit()`.
    action: HeldAction,
    context: HeldContext,
}

/// Per finding, its span in `str` indices when it points into the action's primary text.
fn text_spans(inner: &gc::Verdict, action: &gc::Action) -> Vec<Option<(usize, usize)>> {
    match primary_text(action) {
        Some(text) if !inner.findings.is_empty() => {
            inner.findings.iter().map(|f| if f.path.is_none() { char_span(text, f.span) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

#[pymethods]
impl Verdict {
    #[getter]
    fn decision<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let members = DECISIONS.get_or_try_init(py, || -> PyResult<[Py<PyAny>; 3]> {
            let cls = base(py, &DECISION, "Decision")?;
            Ok([
                cls.getattr("ALLOW")?.unbind(),
                cls.getattr("REQUIRE_APPROVAL")?.unbind(),
                cls.getattr("DENY")?.unbind(),
            ])
        })?;
        let i = match self.inner.decision {
            gc::Decision::Allow => 0,
            gc::Decision::RequireApproval => 1,
            gc::Decision::Deny => 2,
        };
        Ok(members[i].bind(py).clone())
    }
    #[getter]
    fn reason(&self) -> &str {
        &self.inner.reason
    }
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        self.inner
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| Finding { inner: f.clone(), text_span: self.text_spans.get(i).copied().flatten() })
            .collect()
    }
    #[getter]
    fn policy(&self) -> &str {
        &self.inner.policy
    }
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.decision == gc::Decision::Allow
    }
    #[getter]
    fn denied(&self) -> bool {
        self.inner.decision == gc::Decision::Deny
    }
    #[getter]
    fn needs_approval(&self) -> bool {
        self.inner.decision == gc::Decision::RequireApproval
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))
    }
    fn audit<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.audit(self.action.get(), self.context.get()))
    }
    fn audit_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.audit(self.action.get(), self.context.get()))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// Raises `GuardrailDenied` or `ApprovalRequired` unless the action is allowed.
    fn raise_for_decision(slf: &Bound<'_, Self>) -> PyResult<()> {
        let py = slf.py();
        match slf.get().inner.decision {
            gc::Decision::Allow => Ok(()),
            gc::Decision::Deny => Err(exception(py, &GUARDRAIL_DENIED, "GuardrailDenied", (slf,), None)),
            gc::Decision::RequireApproval => Err(exception(py, &APPROVAL_REQUIRED, "ApprovalRequired", (slf,), None)),
        }
    }
    fn __repr__(&self) -> String {
        format!("Verdict(decision={:?}, reason={:?})", self.inner.decision.as_str(), self.inner.reason)
    }
}

/// A compiled policy. Immutable and thread-safe: build one and share it.
#[pyclass(frozen, module = "access_guardrails._native")]
struct Guard {
    inner: gc::Guard,
}

impl Guard {
    fn decide(
        &self,
        py: Python<'_>,
        action: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verdict> {
        let held_action = HeldAction::new(action)?;
        let held_context = HeldContext::new(context)?;
        let (action, context, guard) = (held_action.get(), held_context.get(), &self.inner);
        let (inner, text_spans) = py.detach(|| {
            let inner = guard.evaluate(action, context);
            let spans = text_spans(&inner, action);
            (inner, spans)
        });
        Ok(Verdict { inner, text_spans, action: held_action, context: held_context })
    }
}

#[pymethods]
impl Guard {
    #[staticmethod]
    fn recommended() -> Guard {
        Guard { inner: gc::Guard::recommended() }
    }

    #[staticmethod]
    #[pyo3(signature = (text, format = "yaml"))]
    fn from_str(py: Python<'_>, text: &str, format: &str) -> PyResult<Guard> {
        let built = match format {
            "yaml" | "yml" => gc::Guard::from_yaml(text),
            "json" => gc::Guard::from_json(text),
            other => {
                let message = format!("unknown policy format '{other}': use 'yaml' or 'json'");
                let kwargs = PyDict::new(py);
                kwargs.set_item("field", "format")?;
                return Err(exception(py, &POLICY_ERROR, "PolicyError", (message,), Some(&kwargs)));
            }
        };
        built.map(|inner| Guard { inner }).map_err(|e| policy_error(py, &e))
    }

    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Guard> {
        let text = std::fs::read_to_string(&path).map_err(|e| read_error(&path, &e))?;
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => "json",
            _ => "yaml",
        };
        Guard::from_str(py, &text, format)
    }

    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    #[getter]
    fn policy(&self) -> &str {
        self.inner.digest()
    }

    #[pyo3(signature = (action, context = None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        action: &Bound<'_, PyAny>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verdict> {
        self.decide(py, action, context)
    }

    /// A coroutine: evaluation takes microseconds, so it runs inline, before the coroutine is
    /// even awaited; the coroutine (from `_base`) returns the verdict or raises the error.
    #[pyo3(signature = (action, context = None))]
    fn aevaluate<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        context: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.decide(py, action, context) {
            Ok(verdict) => base(py, &RESOLVED, "_resolved")?.call1((Bound::new(py, verdict)?,)),
            Err(err) => base(py, &FAILED, "_failed")?.call1((err.into_value(py),)),
        }
    }

    #[pyo3(signature = (name, args = None, context = None))]
    fn evaluate_tool_call(
        &self,
        py: Python<'_>,
        name: String,
        args: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verdict> {
        let action = Bound::new(py, Action::tool_call(py, name, args)?)?;
        self.decide(py, action.as_any(), context)
    }

    /// Evaluates, then raises `GuardrailDenied` or `ApprovalRequired` unless allowed.
    #[pyo3(signature = (action, context = None))]
    fn enforce<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        context: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Verdict>> {
        let verdict = Bound::new(py, self.decide(py, action, context)?)?;
        Verdict::raise_for_decision(&verdict)?;
        Ok(verdict)
    }

    fn __repr__(&self) -> String {
        format!("Guard(name={:?}, policy={:?})", self.inner.name(), self.inner.digest())
    }
}

/// Nanoseconds per `Guard::evaluate` of `action` in Rust, averaged over `iterations`. Exists only
/// to measure the binding's overhead in the same run (as oxc's `parseWithoutReturn` does).
#[pyfunction]
#[pyo3(signature = (guard, action, context = None, iterations = 100_000))]
fn _bench_core(
    py: Python<'_>,
    guard: &Guard,
    action: &Bound<'_, PyAny>,
    context: Option<&Bound<'_, PyAny>>,
    iterations: u32,
) -> PyResult<f64> {
    let action = action_arg(action)?;
    let context = context_arg(context)?;
    let (action, context, guard) = (&*action, &*context, &guard.inner);
    Ok(py.detach(|| {
        let start = Instant::now();
        for _ in 0..iterations {
            std::hint::black_box(guard.evaluate(std::hint::black_box(action), context));
        }
        start.elapsed().as_nanos() as f64 / f64::from(iterations.max(1))
    }))
}

#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{_bench_core, Action, Context, Finding, Guard, Verdict};

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("build_profile", if cfg!(debug_assertions) { "debug" } else { "release" })?;
        m.add(
            "build_info",
            format!(
                "access-guardrails {} ({}, pyo3 0.30, abi3-py310)",
                env!("CARGO_PKG_VERSION"),
                if cfg!(debug_assertions) { "debug" } else { "release" },
            ),
        )?;
        let intents: Vec<&'static str> = gc::Intent::ALL.iter().map(|i| i.as_str()).collect();
        m.add("INTENTS", PyTuple::new(m.py(), intents)?)?;
        Ok(())
    }
}
