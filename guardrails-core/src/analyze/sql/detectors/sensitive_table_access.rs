//! `sql/sensitive_table_access`
//!
//! ## What it catches
//! Any statement that names a table matching one of the policy's `sensitive_tables` globs
//! (`billing.*`, `*.card_numbers`). Inactive when the policy lists none.
//!
//! ## Why it matters
//! Some tables are sensitive whatever the statement does with them; teams name them once and
//! decide per environment and actor.
//!
//! ## Blocks
//! With `sensitive_tables: ["billing.*"]`:
//! ```sql
//! SELECT * FROM billing.cards;
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT 'billing.cards';
//! SELECT * FROM public.billing_codes;
//! ```
//!
//! An unqualified name matches a glob whose schema part is `*` (`payment_cards` and
//! `*.payment_cards`): whatever schema it resolves to, the glob covers it.
//!
//! ## Known gaps
//! A `search_path` that resolves `cards` to `billing.cards` is not known to the engine: an
//! unqualified name does not match `billing.*`.
//!
//! ## Intents
//! `data.sensitive_read`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::lexer::TokenKind;
use super::super::{SqlState, Stmt};

pub(crate) const DETECTOR: Detector =
    Detector { id: "sql/sensitive_table_access", intents: &[Intent::DataSensitiveRead], triggers: &[] };

/// Finds names matching the policy's sensitive-table globs.
pub(crate) fn check(stmt: &Stmt<'_>, state: &SqlState<'_>, facts: &mut Facts) {
    if state.sensitive_tables.is_empty() {
        return;
    }
    let mut i = 0;
    while i < stmt.tokens.len() {
        let t = &stmt.tokens[i];
        if !matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent) {
            i += 1;
            continue;
        }
        let (name, next) = stmt.name_at(i);
        let any_schema = (!name.contains('.')).then(|| format!("*.{name}"));
        let matches = |g: &&crate::glob::Glob| g.matches(&name) || any_schema.as_deref().is_some_and(|n| g.matches(n));
        if let Some(glob) = state.sensitive_tables.iter().find(matches) {
            facts.push(stmt.fact(
                Intent::DataSensitiveRead,
                Severity::Medium,
                DETECTOR.id,
                Some(Target { kind: "table", name: name.clone() }),
                format!("touches `{name}`, a sensitive table (`{}`)", glob.as_str()),
            ));
        }
        i = next.max(i + 1);
    }
}
