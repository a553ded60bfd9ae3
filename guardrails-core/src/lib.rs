//! # Access Guardrails: the engine
//!
//! `guardrails-core` decides, before an action runs, whether it may run. An action is SQL, a
//! shell command, an HTTP request, an agent's tool call or a file operation; its context says
//! who acts, where, and with whose approval. The engine analyses what the action would *do* —
//! its intents, such as `schema.drop` or `data.bulk_delete` — and a policy turns intents and
//! context into a [`Verdict`]: allow, deny, or require a human's approval.
//!
//! ```
//! use guardrails_core::{evaluate, Action, Context, Decision, Dialect};
//! let ctx: Context = serde_json::from_str(
//!     r#"{"environment":"production","actor":{"id":"billing-bot","kind":"agent"}}"#).unwrap();
//! let verdict = evaluate(&Action::sql(Dialect::Postgres, "DELETE FROM invoices WHERE 1=1"), &ctx);
//! assert_eq!(verdict.decision, Decision::Deny);
//! assert_eq!(verdict.findings[0].intent.as_str(), "data.bulk_delete");
//! let verdict = evaluate(&Action::sql(Dialect::Postgres, "DELETE FROM invoices WHERE id = 42"), &ctx);
//! assert_eq!(verdict.decision, Decision::Allow);
//! ```
//!
//! # Overview
//! - [`Guard`] holds a compiled policy: [`Guard::from_yaml`], [`Guard::from_json`],
//!   [`Guard::recommended`]; [`Guard::evaluate`] decides.
//! - [`Action`], [`Context`] and [`Verdict`] are the wire types (serde, JSON).
//! - [`Intent`] is the registry of what actions can do; policies name intents.
//! - [`Verdict::audit`] gives the activity record a host writes.
//!
//! # Analyzers
//! - SQL (`sql` actions): a lexer of our own plus sqlparser, per dialect; every statement of a
//!   batch, dynamic SQL rebuilt from its literals, data-modifying CTEs.
//! - Shell (`shell` actions): a lexer of our own that removes quotes as the shell does; pipes,
//!   substitutions, here-documents; wrappers unwrapped to the program that runs; SQL sent through
//!   database clients goes to the SQL analyzer.
//!
//! Other action kinds are `unanalyzable` in this version.
//!
//! # Guarantees
//! The engine does no I/O: it reads no files, environment or clock, starts no threads, runs
//! nothing. The same input and policy always give the same verdict, and the prefilter's fast path
//! never changes a verdict. Evaluation never panics and its cost is bounded by [`Limits`].

// All APIs need docs.
#![deny(missing_docs)]
// Docs link to what exists.
#![deny(rustdoc::broken_intra_doc_links)]
// Every public type can be printed while debugging.
#![warn(missing_debug_implementations)]
// Memory safety is not up for negotiation in a security boundary.
#![forbid(unsafe_code)]
// Nothing derived from input may panic outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod action;
mod analyze;
mod context;
mod error;
mod fact;
mod glob;
mod guard;
mod intent;
mod limits;
mod policy;
mod prefilter;
mod redact;
mod verdict;

pub use action::{Action, Dialect, UnknownDialect};
pub use context::{Actor, ActorKind, Approval, Context};
pub use error::PolicyError;
pub use fact::{Severity, Span};
pub use guard::{evaluate, Guard, GuardBuilder};
pub use intent::{Intent, IntentStatus, UnknownIntent};
pub use limits::Limits;
pub use policy::RECOMMENDED_YAML;
pub use verdict::{AuditRecord, Decision, Finding, Verdict};

/// Internals exposed for the benchmarks only; not part of the API.
#[doc(hidden)]
pub mod bench_support {
    /// Runs the secret and personal-data scanner over `text`; returns the number of hits.
    pub fn scan_secrets(text: &str) -> usize {
        let mut hits = Vec::new();
        crate::analyze::secrets::scan(text, &mut hits);
        hits.len()
    }
}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_thread_safe<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_thread_safe::<Guard>();
        assert_thread_safe::<Verdict>();
        assert_thread_safe::<Action>();
        assert_thread_safe::<Context>();
        assert_thread_safe::<PolicyError>();
    }

    #[test]
    fn recommended_policy_compiles() {
        let guard = Guard::from_yaml(RECOMMENDED_YAML).unwrap();
        assert_eq!(guard.name(), "recommended");
        assert!(guard.digest().starts_with("sha256:"));
    }
}
