//! A service that guards the SQL its agents send, and writes an audit line per decision.
//!
//! Run: `cargo run -p guardrails-core --example rust_service`

// The engine never prints; a host does.
#![expect(clippy::disallowed_macros, reason = "an example host prints its decisions")]

use std::io::Write;

use guardrails_core::{Action, Context, Decision, Dialect, Guard};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Load once at start-up; share the guard (it is an Arc inside) with every request handler.
    let policy = include_str!("policies/acme.yaml");
    let guard = Guard::from_yaml(policy)?;

    let context: Context = serde_json::from_str(
        r#"{"environment":"production","actor":{"id":"billing-bot","kind":"agent"},"session_id":"s-1"}"#,
    )?;
    let requests = [
        "SELECT id, total FROM invoices WHERE customer_id = 42",
        "UPDATE invoices SET status = 'void' WHERE id = 7 OR 1=1",
        "DROP TABLE invoices_2019",
        "SELECT 'DROP TABLE invoices' AS reminder",
    ];

    let mut audit = std::io::stdout().lock();
    for sql in requests {
        let action = Action::sql(Dialect::Postgres, sql);
        let verdict = guard.evaluate(&action, &context);
        match verdict.decision {
            Decision::Allow => { /* run the query */ }
            Decision::RequireApproval => { /* park it and ask a human */ }
            Decision::Deny => { /* return verdict.reason to the agent as the tool's result */ }
        }
        eprintln!("{:>16}  {sql}\n{:>16}  {}", verdict.decision.as_str(), "", verdict.reason);
        writeln!(audit, "{}", serde_json::to_string(&verdict.audit(&action, &context))?)?;
    }
    Ok(())
}
