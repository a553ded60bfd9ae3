//! Shared by the shell tests: the fixture tables (`fixtures/shell/<detector>.toml`), the policy
//! they run under, and how two verdicts are compared.
//!
//! A shell fixture file holds `[[case]]` tables:
//!
//! ```toml
//! [[case]]
//! name = "quoted_program_name"
//! input = "r''m -rf /srv"                      # the command line
//! intents = ["fs.delete_recursive"]            # every intent the analysis must produce; [] must pass
//! context = { environment = "development" }    # optional; production and an agent when absent
//! ```
//!
//! Every case runs under one policy ([`shell_guard`]): the catch-all rule of `common` (approval
//! for every intent, so a verdict's findings are exactly the facts the analysis produced) plus an
//! `organization` whose domain is `example-corp.com`, so uploads to it are internal.

use std::collections::BTreeSet;

use guardrails_core::{Action, Context, Guard, Intent, Verdict};
use serde::Deserialize;

use crate::common::{catch_all_yaml, load_fixtures_of, production_agent, Fixture};

/// The organisation's own domain in every shell test.
pub const ORG_DOMAIN: &str = "example-corp.com";

/// Each shell detector's fixture file and the intents its detector may emit (`ALL` in
/// `analyze/shell/programs/mod.rs`, the docs' `## Intents`). A case may also produce what the
/// commands it wraps produce (`ssh host 'psql -c …'`), so these lists only say which detector
/// each intent's near-misses belong to.
pub const SHELL_DETECTORS: &[(&str, &[&str])] = &[
    ("credential_read", &["credential.read"]),
    ("database_client", &["schema.drop", "schema.truncate", "data.bulk_delete", "data.bulk_update", "system.disrupt"]),
    ("device_write", &["fs.device_write"]),
    ("dynamic_command", &["exec.dynamic"]),
    ("exfiltration", &["egress.secret", "egress.pii", "egress.file_upload", "data.export", "credential.read"]),
    ("infrastructure", &["infra.destroy", "system.disrupt", "credential.read", "privilege.escalate"]),
    ("interpreter_code", &["fs.delete_recursive", "system.disrupt", "exec.remote_code"]),
    ("permission_change", &["fs.permissions", "privilege.escalate"]),
    ("persistence", &["persistence"]),
    ("privilege_escalation", &["privilege.escalate"]),
    ("recursive_delete", &["fs.delete_recursive", "data.overwrite"]),
    ("remote_code", &["exec.remote_code"]),
    ("system_disruption", &["system.disrupt"]),
    ("vcs_destruction", &["vcs.discard_changes", "vcs.history_rewrite"]),
];

/// One shell fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShellFile {
    /// The cases, in file order.
    pub case: Vec<ShellCase>,
}

/// One case of a shell fixture file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShellCase {
    /// Unique within its file.
    pub name: String,
    /// The command line.
    pub input: String,
    /// The intents the analysis must produce; empty for a case that must pass.
    pub intents: BTreeSet<Intent>,
    /// The context, production and an agent when absent.
    #[serde(default)]
    pub context: Option<Context>,
}

impl ShellCase {
    /// The case's own context, or production with an agent acting.
    pub fn context(&self) -> Context {
        self.context.clone().unwrap_or_else(production_agent)
    }
}

/// Every shell fixture file, sorted by name.
pub fn load_shell_fixtures() -> Vec<Fixture<ShellFile>> {
    let fixtures = load_fixtures_of::<ShellFile>("shell");
    assert!(!fixtures.is_empty(), "no shell fixture files under tests/fixtures/shell");
    fixtures
}

/// The YAML of the shell test policy: the catch-all rule plus the organisation's domain.
pub fn shell_policy_yaml() -> String {
    format!(
        "{}organization:\n  domains: [{ORG_DOMAIN}]\n  hosts: []\n  github_orgs: [example-corp]\n  buckets: [\"example-corp-*\"]\n",
        catch_all_yaml(&[])
    )
}

/// The shell test policy, compiled.
pub fn shell_guard() -> Guard {
    let yaml = shell_policy_yaml();
    Guard::from_yaml(&yaml).unwrap_or_else(|e| panic!("the shell test policy compiles: {e}\n{yaml}"))
}

/// The intents of a verdict's findings.
pub fn intents_of(verdict: &Verdict) -> BTreeSet<Intent> {
    verdict.findings.iter().map(|f| f.intent).collect()
}

/// `[a, b]`, for failure messages.
pub fn show(intents: &BTreeSet<Intent>) -> String {
    let ids: Vec<&str> = intents.iter().map(|i| i.as_str()).collect();
    format!("[{}]", ids.join(", "))
}

/// Each finding on a line: intent, severity, span and message, for failure messages.
pub fn explain(verdict: &Verdict) -> String {
    let lines: Vec<String> = verdict
        .findings
        .iter()
        .map(|f| format!("      {} ({:?}) at {}..{}: {}", f.intent, f.severity, f.span.start, f.span.end, f.message))
        .collect();
    if lines.is_empty() {
        "      (no findings)".to_owned()
    } else {
        lines.join("\n")
    }
}

/// How the fast path (`evaluate`) and full analysis (`evaluate_exhaustively`) differ on
/// `command`, if they do.
pub fn fast_path_difference(guard: &Guard, command: &str, context: &Context) -> Option<String> {
    let action = Action::shell(command);
    let fast = guard.evaluate(&action, context);
    let full = guard.evaluate_exhaustively(&action, context);
    (fast.decision != full.decision || fast.findings != full.findings || fast.reason != full.reason).then(|| {
        format!(
            "evaluate: {:?} {}\n{}\n    evaluate_exhaustively: {:?} {}\n{}",
            fast.decision,
            show(&intents_of(&fast)),
            explain(&fast),
            full.decision,
            show(&intents_of(&full)),
            explain(&full)
        )
    })
}
