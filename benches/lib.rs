//! Inputs and contexts shared by the benchmarks in this directory.
//!
//! Each benchmark puts the engine next to its baseline in the same criterion group:
//! `evaluate.rs` against a bare `sqlparser` parse, `prefilter.rs` against a naive loop of regexes,
//! `shell.rs` against `shell-words` splitting plus the same kind of regex loop, `policy_scale.rs`
//! against itself as the policy grows. Run them with
//! `cargo bench -p guardrails-benches`; compare branches with `--save-baseline main` and
//! `--baseline main`.

use guardrails_core::{Actor, ActorKind, Context, Decision};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

/// A naive guard's regexes, each compiled once as such a guard would: ASCII, case-insensitive.
pub fn naive_regexes(patterns: &[&str]) -> Vec<Regex> {
    patterns
        .iter()
        .map(|p| {
            Regex::builder()
                .syntax(syntax::Config::new().unicode(false).utf8(false).case_insensitive(true))
                .build(p)
                .unwrap_or_else(|e| panic!("{p}: {e}"))
        })
        .collect()
}

/// The context the benchmarks evaluate in: an agent acting in production, where the recommended
/// policy is strictest and so does the most work.
pub fn agent_in_production() -> Context {
    Context {
        environment: Some("production".to_owned()),
        actor: Some(Actor { id: Some("bench-agent".to_owned()), kind: Some(ActorKind::Agent) }),
        ..Context::default()
    }
}

/// One SQL input of the evaluate benchmark.
#[derive(Debug, Clone, Copy)]
pub struct SqlInput {
    /// The criterion group's name.
    pub name: &'static str,
    /// Postgres SQL.
    pub text: &'static str,
    /// What the recommended policy decides for an agent in production; checked before measuring,
    /// so a benchmark never silently times the wrong path.
    pub expected: Decision,
}

/// A short point lookup, the commonest statement an agent sends.
pub const SHORT_SELECT: &str = "SELECT id, email FROM users WHERE id = 42";

/// A reporting query with four joins, about 450 bytes.
pub const JOIN_SELECT: &str = "SELECT c.id, c.name, c.country, o.id AS order_id, o.created_at, o.total_cents, \
     li.sku, li.quantity, li.unit_price_cents, p.title, p.category, s.carrier, s.tracking_number \
     FROM customers c \
     JOIN orders o ON o.customer_id = c.id \
     JOIN line_items li ON li.order_id = o.id \
     JOIN products p ON p.sku = li.sku \
     LEFT JOIN shipments s ON s.order_id = o.id \
     WHERE c.country = 'DE' AND o.created_at >= '2024-01-01' AND o.status IN ('paid', 'shipped') \
     ORDER BY o.created_at DESC, li.sku LIMIT 100";

/// A 19-statement migration of about 2 KB: additive and destructive DDL, keyed writes, a view.
pub const MIGRATION: &str = "\
CREATE TABLE invoices (id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers (id), amount_cents BIGINT NOT NULL, currency CHAR(3) NOT NULL DEFAULT 'EUR', issued_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE invoice_lines (id BIGSERIAL PRIMARY KEY, invoice_id BIGINT NOT NULL REFERENCES invoices (id), sku TEXT NOT NULL, quantity INT NOT NULL CHECK (quantity > 0), unit_price_cents BIGINT NOT NULL);
CREATE INDEX invoices_customer_idx ON invoices (customer_id);
CREATE INDEX invoices_issued_idx ON invoices (issued_at DESC);
CREATE UNIQUE INDEX invoice_lines_invoice_sku_idx ON invoice_lines (invoice_id, sku);
CREATE INDEX invoice_lines_sku_idx ON invoice_lines (sku);
ALTER TABLE customers ADD COLUMN billing_email TEXT;
ALTER TABLE customers ADD COLUMN vat_number TEXT;
ALTER TABLE orders ADD COLUMN invoice_id BIGINT REFERENCES invoices (id);
ALTER TABLE orders DROP COLUMN legacy_invoice_ref;
ALTER TABLE customers DROP COLUMN fax_number;
UPDATE customers SET billing_email = email WHERE billing_email IS NULL AND email IS NOT NULL;
UPDATE orders SET status = 'invoiced' WHERE status = 'paid' AND created_at < '2024-01-01';
INSERT INTO invoices (customer_id, amount_cents, currency) VALUES (1, 12500, 'EUR'), (2, 9900, 'USD'), (3, 4200, 'GBP');
INSERT INTO invoice_lines (invoice_id, sku, quantity, unit_price_cents) SELECT i.id, li.sku, li.quantity, li.unit_price_cents FROM invoices i JOIN orders o ON o.invoice_id = i.id JOIN line_items li ON li.order_id = o.id;
CREATE VIEW customer_balances AS SELECT c.id, c.name, sum(i.amount_cents) AS billed_cents FROM customers c LEFT JOIN invoices i ON i.customer_id = c.id GROUP BY c.id, c.name;
CREATE VIEW open_invoices AS SELECT i.* FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id);
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';
DROP TABLE IF EXISTS invoice_drafts;
";

/// The inputs of `evaluate.rs`: two benign reads, then statements the policy stops.
pub const EVALUATE_INPUTS: &[SqlInput] = &[
    SqlInput { name: "select_short", text: SHORT_SELECT, expected: Decision::Allow },
    SqlInput { name: "select_4_joins", text: JOIN_SELECT, expected: Decision::Allow },
    SqlInput { name: "delete_unbounded", text: "DELETE FROM orders", expected: Decision::Deny },
    SqlInput { name: "drop_schema", text: "DROP SCHEMA analytics CASCADE", expected: Decision::Deny },
    SqlInput { name: "migration_19_statements", text: MIGRATION, expected: Decision::RequireApproval },
];

/// One command line of the shell benchmark.
#[derive(Debug, Clone, Copy)]
pub struct ShellInput {
    /// The criterion group's name.
    pub name: &'static str,
    /// The command line, as an agent would send it.
    pub command: &'static str,
    /// What the recommended policy decides for an agent in production; checked before measuring.
    pub expected: Decision,
}

/// A benign command of about 60 bytes, the commonest kind an agent runs.
pub const SHELL_BENIGN: &str = "git log --oneline -20 -- src/analyze/shell/programs/mod.rs";

/// A benign pipeline of about 300 bytes: quotes, globs, `xargs` running a command fed from the
/// pipe, a `tee`, twelve stages.
pub const SHELL_PIPELINE: &str = "find . -name '*.rs' -not -path './target/*' -print0 \
     | xargs -0 grep -n 'unwrap()' | cut -d: -f1 | sort | uniq -c | sort -k1,1 -rn | head -n 25 \
     | awk '{printf \"%5d %s\\n\", $1, $2}' | tee build/unwrap-report.txt \
     | grep -v '^ *1 ' | sed -e 's|^\\./||' -e 's|\\.rs$||' | column -t > build/unwrap-summary.txt";

/// SQL inside `psql -c` inside `bash -c`: two levels of unwrapping before the SQL analyzer.
pub const SHELL_NESTED: &str = "bash -c \"psql -c 'DELETE FROM t WHERE 1=1'\"";

/// The inputs of `shell.rs`: two benign command lines, then a nested one the policy stops.
pub const SHELL_INPUTS: &[ShellInput] = &[
    ShellInput { name: "shell/benign_60b", command: SHELL_BENIGN, expected: Decision::Allow },
    ShellInput { name: "shell/pipeline_300b", command: SHELL_PIPELINE, expected: Decision::Allow },
    ShellInput { name: "shell/nested_bash_psql", command: SHELL_NESTED, expected: Decision::Deny },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_have_the_advertised_sizes() {
        assert!((35..=45).contains(&SHORT_SELECT.len()), "{}", SHORT_SELECT.len());
        assert!((400..=500).contains(&JOIN_SELECT.len()), "{}", JOIN_SELECT.len());
        assert!((1_800..=2_400).contains(&MIGRATION.len()), "{}", MIGRATION.len());
        assert_eq!(MIGRATION.matches(";\n").count(), 19);
        assert!((55..=65).contains(&SHELL_BENIGN.len()), "{}", SHELL_BENIGN.len());
        assert!((280..=320).contains(&SHELL_PIPELINE.len()), "{}", SHELL_PIPELINE.len());
        assert_eq!(SHELL_PIPELINE.matches(" | ").count(), 11);
    }
}
