//! `guardrails check`: one action, a readable or JSON verdict, an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use guardrails_core::{Action, Actor, ActorKind, Approval, Context, Decision, Dialect, Verdict};

use crate::exit;

/// Arguments of `guardrails check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQL to check.
    #[arg(long, value_name = "TEXT", conflicts_with = "shell", required_unless_present = "shell")]
    sql: Option<String>,
    /// The shell command line to check.
    #[arg(long, value_name = "COMMAND")]
    shell: Option<String>,
    /// SQL dialect: generic, postgres, mysql, sqlite, mssql, snowflake, bigquery, redshift, …
    #[arg(long, default_value = "generic")]
    dialect: String,
    /// Environment the action would run in, e.g. production.
    #[arg(long = "env", value_name = "ENV")]
    environment: Option<String>,
    /// Kind of actor: human, agent, service, ci.
    #[arg(long, value_name = "KIND")]
    actor: Option<String>,
    /// Actor id, e.g. billing-bot.
    #[arg(long, value_name = "ID")]
    actor_id: Option<String>,
    /// Name of the human who approved the action.
    #[arg(long, value_name = "NAME")]
    approved_by: Option<String>,
    /// Change ticket of the approval.
    #[arg(long, value_name = "TICKET", requires = "approved_by")]
    ticket: Option<String>,
    /// A role of the actor (repeatable).
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// Policy file (YAML, or JSON by extension); default: the built-in recommended policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs the command; returns the exit code.
pub fn run(args: Args) -> u8 {
    match check(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("guardrails: {message}");
            exit::USAGE
        }
    }
}

fn check(args: &Args) -> Result<u8, String> {
    let guard = super::load_guard(args.policy.as_deref())?;
    let dialect: Dialect = args.dialect.parse().map_err(|e| format!("{e}"))?;
    let kind = args
        .actor
        .as_deref()
        .map(|k| serde_json::from_value::<ActorKind>(serde_json::Value::String(k.to_owned())))
        .transpose()
        .map_err(|_| {
            format!("unknown actor kind '{}' (known: human, agent, service, ci)", args.actor.as_deref().unwrap_or(""))
        })?;
    let context = Context {
        environment: args.environment.clone(),
        actor: (kind.is_some() || args.actor_id.is_some()).then(|| Actor { id: args.actor_id.clone(), kind }),
        approval: args.approved_by.clone().map(|by| Approval { by, ticket: args.ticket.clone() }),
        roles: args.roles.clone(),
        ..Context::default()
    };
    let action = match (&args.sql, &args.shell) {
        (Some(sql), _) => Action::sql(dialect, sql.clone()),
        (None, Some(command)) => Action::shell(command.clone()),
        (None, None) => return Err("give --sql or --shell".to_owned()),
    };
    let verdict = guard.evaluate(&action, &context);
    let mut out = std::io::stdout().lock();
    if args.json {
        let line = serde_json::to_string(&verdict).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        write!(out, "{}", render(&verdict, color)).map_err(|e| e.to_string())?;
    }
    Ok(exit::for_decision(verdict.decision))
}

/// The verdict for a person: the decision, the reason, then each finding.
pub fn render(verdict: &Verdict, color: bool) -> String {
    let (label, code) = match verdict.decision {
        Decision::Allow => ("ALLOW", "32"),
        Decision::Deny => ("DENY", "31"),
        Decision::RequireApproval => ("REQUIRE APPROVAL", "33"),
    };
    let paint = |s: &str, c: &str| if color { format!("\x1b[1;{c}m{s}\x1b[0m") } else { s.to_owned() };
    let mut s = format!("{}  {}\n", paint(label, code), verdict.reason);
    for f in &verdict.findings {
        s.push_str(&format!(
            "  - [{}] {} {:?} at {}..{}: {}\n      {}\n",
            f.rule, f.intent, f.severity, f.span.start, f.span.end, f.message, f.evidence
        ));
    }
    s.push_str(&format!("  policy {}\n", verdict.policy));
    s
}
