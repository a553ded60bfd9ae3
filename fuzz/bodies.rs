//! The bodies of the fuzz targets, shared by `fuzz_targets/*.rs` (cargo-fuzz, nightly) and by
//! `guardrails-core/tests/fuzz_replay.rs` (stable `cargo test`), so that every file in
//! `fuzz/regressions/` replays byte for byte in an ordinary test run.
//!
//! The input is decoded by hand rather than through a derived `arbitrary::Arbitrary`: the replay
//! test is a `guardrails-core` integration test, which has no `arbitrary` dependency, and a
//! minimized crash must mean the same thing to the fuzzer and to the test.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use guardrails_core::{
    Action, Actor, ActorKind, Approval, Context, Decision, Dialect, Guard, Intent, Limits, Verdict, RECOMMENDED_YAML,
};

/// A reported disagreement between the fast path and full analysis that is not fixed yet.
///
/// The fuzz targets tolerate the known gaps, so that fuzzing keeps finding new bugs instead of
/// the same one. `guardrails-core/tests/fuzz_replay.rs` replays each gap's regression strictly and
/// fails once the gap is closed, so that its entry is removed.
#[derive(Debug)]
pub struct KnownGap {
    /// The file in `fuzz/regressions/` that shows it.
    pub regression: &'static str,
    /// What goes wrong.
    pub why: &'static str,
    /// Whether this gap explains the exhaustive verdict on this action under these limits, given
    /// that the fast path allowed it.
    pub explains: fn(&Action, &Limits, &Verdict) -> bool,
}

/// Every known gap. Remove an entry when the engine is fixed; the replay test says when.
pub const KNOWN_GAPS: &[KnownGap] = &[];

/// A regression that exhausts time or memory (a libFuzzer timeout or out-of-memory) and is not
/// fixed yet.
///
/// `cargo test` cannot replay a blow-up: it would hang the test or abort its process. So
/// `guardrails-core/tests/fuzz_replay.rs` skips each listed file and only checks that it exists.
/// Remove the entry with the fix, and the file is replayed like every other regression.
#[derive(Debug)]
pub struct KnownBlowup {
    /// The file in `fuzz/regressions/` that shows it.
    pub regression: &'static str,
    /// What goes wrong.
    pub why: &'static str,
}

/// Every known blow-up. Remove an entry when the engine is fixed.
pub const KNOWN_BLOWUPS: &[KnownBlowup] = &[];

/// Whether a disagreement may be one of the [`KNOWN_GAPS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Any disagreement panics.
    Strict,
    /// A disagreement that a known gap explains passes.
    TolerateKnownGaps,
}

/// Fuzzes the SQL analyzer and proves the prefilter sound: for every input, the fast path and
/// full analysis reach the same decision.
///
/// The whole input, as lossy UTF-8, is evaluated in every dialect with the recommended policy for
/// an agent in production. Then the first [`Setup::LEN`] bytes choose a dialect, a context and
/// small [`Limits`], and the rest is evaluated under them.
pub fn evaluate_sql(data: &[u8]) {
    evaluate_sql_in(data, Mode::TolerateKnownGaps);
}

/// [`evaluate_sql`], tolerating known gaps or not.
pub fn evaluate_sql_in(data: &[u8], mode: Mode) {
    let text = String::from_utf8_lossy(data);
    let guard = Guard::recommended();
    let agent = agent_in_production();
    for &dialect in Dialect::ALL {
        assert_sound(&guard, &Action::sql(dialect, text.as_ref()), &agent, mode);
    }

    let (setup, rest) = Setup::decode(data);
    let guard = setup.guard(Policy::Recommended);
    assert_sound(&guard, &Action::sql(setup.dialect, String::from_utf8_lossy(rest)), &setup.context, mode);
}

/// Fuzzes the shell analyzer and proves the prefilter sound on command lines.
///
/// The whole input, as a lossy UTF-8 command line, is evaluated for an agent in production under
/// the recommended policy and under a catch-all policy (every intent requires approval, with
/// organisation hosts, protected branches and sensitive tables set, so that every program's
/// knowledge counts). Then the first [`Setup::LEN`] bytes choose a context and small [`Limits`]
/// (the dialect byte is unused), and the rest is evaluated under both policies with them. Nothing
/// may panic, and the fast path and full analysis must reach the same decision.
pub fn evaluate_shell(data: &[u8]) {
    evaluate_shell_in(data, Mode::TolerateKnownGaps);
}

/// [`evaluate_shell`], tolerating known gaps or not.
pub fn evaluate_shell_in(data: &[u8], mode: Mode) {
    let command = Action::shell(String::from_utf8_lossy(data));
    let agent = agent_in_production();
    let defaults = Limits::default();
    for policy in Policy::ALL {
        let guard = guard(policy, (defaults.max_input_bytes, defaults.max_depth, defaults.max_statements));
        assert_sound(&guard, &command, &agent, mode);
    }

    let (setup, rest) = Setup::decode(data);
    let command = Action::shell(String::from_utf8_lossy(rest));
    for policy in Policy::ALL {
        assert_sound(&setup.guard(policy), &command, &setup.context, mode);
    }
}

/// Fuzzes the wire format: `data` as a JSON request `{"action": …, "context": …}`. Whatever
/// parses is evaluated; nothing may panic, and the prefilter must not change the decision.
pub fn evaluate_any(data: &[u8]) {
    evaluate_any_in(data, Mode::TolerateKnownGaps);
}

/// [`evaluate_any`], tolerating known gaps or not.
pub fn evaluate_any_in(data: &[u8], mode: Mode) {
    let Ok(request) = serde_json::from_slice::<Request>(data) else { return };
    let context = request.context.unwrap_or_default();
    let verdict = assert_sound(&Guard::recommended(), &request.action, &context, mode);
    let audit = verdict.audit(&request.action, &context);
    assert_eq!(audit.decision, verdict.decision);
    let json = serde_json::to_string(&verdict).unwrap_or_else(|e| panic!("a verdict always serializes: {e}"));
    assert!(serde_json::from_str::<Verdict>(&json).is_ok(), "a serialized verdict reads back: {json}");
    assert!(serde_json::to_string(&audit).is_ok(), "an audit record always serializes");
}

/// Fuzzes the payload path: the input, as lossy UTF-8, goes through the secret scanner on its own,
/// then as an HTTP body (text and JSON string), a header, a URL query and a tool argument to an
/// outside host. Nothing may panic, and the fast path and full analysis must agree.
pub fn scan_payload(data: &[u8]) {
    scan_payload_in(data, Mode::TolerateKnownGaps);
}

/// [`scan_payload`], tolerating known gaps or not.
pub fn scan_payload_in(data: &[u8], mode: Mode) {
    let text = String::from_utf8_lossy(data);
    let _ = guardrails_core::bench_support::scan_secrets(&text);
    let guard = Guard::recommended();
    let agent = agent_in_production();
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("X-Note".to_owned(), text.to_string());
    let actions = [
        Action::Http {
            method: "POST".to_owned(),
            url: format!("https://collector.example.net/in?q={}", text.replace(['#', ' '], "")),
            headers,
            body: Some(serde_json::Value::String(text.to_string())),
        },
        Action::Http {
            method: "PUT".to_owned(),
            url: "https://webhook.site/x".to_owned(),
            headers: std::collections::BTreeMap::new(),
            body: serde_json::from_str(&text).ok(),
        },
        Action::tool_call("send_email", serde_json::json!({"to": "x@example.com", "body": text})),
        Action::tool_call("unknown_tool", serde_json::json!({"step": text, "nested": [{"token": text}]})),
    ];
    for action in &actions {
        let verdict = assert_sound(&guard, action, &agent, mode);
        let _ = serde_json::to_string(&verdict.audit(action, &agent))
            .unwrap_or_else(|e| panic!("an audit record serializes: {e}"));
    }
}

/// What a host sends: an action and, optionally, its context.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    action: Action,
    #[serde(default)]
    context: Option<Context>,
}

/// Evaluates `action` on the fast path and exhaustively, asserts the decisions agree (unless
/// `mode` tolerates a known gap that explains it), and returns the fast path's verdict.
fn assert_sound(guard: &Guard, action: &Action, context: &Context, mode: Mode) -> Verdict {
    let fast = guard.evaluate(action, context);
    let full = guard.evaluate_exhaustively(action, context);
    if fast.decision == full.decision {
        return fast;
    }
    if let (Mode::TolerateKnownGaps, Decision::Allow) = (mode, fast.decision) {
        if KNOWN_GAPS.iter().any(|gap| (gap.explains)(action, &guard.limits(), &full)) {
            return fast;
        }
    }
    assert_eq!(
        fast.decision,
        full.decision,
        "the prefilter changed the decision\n  action: {action:?}\n  context: {context:?}\n  limits: {:?}\n  fast path: {}\n  exhaustive: {}",
        guard.limits(),
        fast.reason,
        full.reason,
    );
    fast
}

fn agent_in_production() -> Context {
    Context {
        environment: Some("production".to_owned()),
        actor: Some(Actor { id: Some("fuzz-agent".to_owned()), kind: Some(ActorKind::Agent) }),
        ..Context::default()
    }
}

/// Environments a context may name: production-like, development-like, a glob's match, unknown.
const ENVIRONMENTS: [Option<&str>; 6] =
    [None, Some("production"), Some("development"), Some("review-42"), Some("staging"), Some("")];
const ACTOR_KINDS: [Option<ActorKind>; 5] =
    [None, Some(ActorKind::Human), Some(ActorKind::Agent), Some(ActorKind::Service), Some(ActorKind::Ci)];
/// Small limits, so that the fuzzer reaches every "over the limit" path with short inputs.
const MAX_INPUT_BYTES: [usize; 6] = [0, 1, 16, 100, 1_000, 1 << 20];
const MAX_DEPTH: [usize; 4] = [0, 1, 2, 8];
const MAX_STATEMENTS: [usize; 4] = [0, 1, 3, 1_000];

/// The policies an input is evaluated under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// `Guard::recommended()`'s policy: rules that differ by context, severity and object.
    Recommended,
    /// One rule requiring approval for every intent, so that any fact changes the decision; with
    /// organisation domains, protected branches and sensitive tables set.
    CatchAll,
}

impl Policy {
    /// Both policies.
    pub const ALL: [Policy; 2] = [Policy::Recommended, Policy::CatchAll];

    /// The policy's YAML.
    pub fn yaml(self) -> String {
        match self {
            Policy::Recommended => RECOMMENDED_YAML.to_owned(),
            Policy::CatchAll => {
                let intents: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
                format!(
                    "version: 1\n\
                     name: fuzz-catch-all\n\
                     organization: {{domains: [example.com, \"*.corp.example\"], hosts: [git.internal]}}\n\
                     protected_branches: [main, \"release/*\"]\n\
                     sensitive_tables: [users, \"billing.*\"]\n\
                     defaults: {{unanalyzable: require_approval}}\n\
                     rules:\n  \
                       - id: everything\n    \
                         decision: require_approval\n    \
                         intents: [{}]\n",
                    intents.join(", ")
                )
            }
        }
    }
}

/// The dialect, context and limits an input's header picks.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// The dialect of the SQL.
    pub dialect: Dialect,
    /// The context it is evaluated in.
    pub context: Context,
    /// `(max_input_bytes, max_depth, max_statements)`.
    pub limits: (usize, usize, usize),
}

impl Setup {
    /// Header bytes: dialect (SQL only), environment (high bit: approved), actor kind, and one byte
    /// per limit.
    pub const LEN: usize = 6;

    /// Splits `data` into the setup its header picks and the text after it. Missing header bytes
    /// read as zero, so every input decodes.
    pub fn decode(data: &[u8]) -> (Setup, &[u8]) {
        let (head, rest) = data.split_at(data.len().min(Setup::LEN));
        let byte = |i: usize| head.get(i).copied().unwrap_or(0);
        let pick = |i: usize, n: usize| usize::from(byte(i)) % n;
        let context = Context {
            environment: ENVIRONMENTS[pick(1, ENVIRONMENTS.len())].map(str::to_owned),
            actor: ACTOR_KINDS[pick(2, ACTOR_KINDS.len())].map(|kind| Actor { id: None, kind: Some(kind) }),
            approval: (byte(1) & 0x80 != 0)
                .then(|| Approval { by: "fuzz-reviewer".to_owned(), ticket: Some("CHG-1".to_owned()) }),
            ..Context::default()
        };
        let setup = Setup {
            dialect: Dialect::ALL[pick(0, Dialect::ALL.len())],
            context,
            limits: (
                MAX_INPUT_BYTES[pick(3, MAX_INPUT_BYTES.len())],
                MAX_DEPTH[pick(4, MAX_DEPTH.len())],
                MAX_STATEMENTS[pick(5, MAX_STATEMENTS.len())],
            ),
        };
        (setup, rest)
    }

    /// `policy` under this setup's limits.
    pub fn guard(&self, policy: Policy) -> Guard {
        guard(policy, self.limits)
    }
}

/// `policy` under `(max_input_bytes, max_depth, max_statements)`, compiled once per distinct pair.
pub fn guard(policy: Policy, limits: (usize, usize, usize)) -> Guard {
    type Compiled = HashMap<(Policy, (usize, usize, usize)), Guard>;
    static GUARDS: LazyLock<Mutex<Compiled>> = LazyLock::new(Default::default);
    let mut guards = GUARDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (bytes, depth, statements) = limits;
    guards
        .entry((policy, limits))
        .or_insert_with(|| {
            Guard::builder()
                .max_input_bytes(bytes)
                .max_depth(depth)
                .max_statements(statements)
                .build_yaml(&policy.yaml())
                .unwrap_or_else(|e| panic!("the {policy:?} policy compiles under any limits: {e}"))
        })
        .clone()
}
