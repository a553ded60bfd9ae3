//! `guardrails check`: one action, a readable or JSON verdict, an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use guardrails_core::{Action, Actor, ActorKind, Approval, Context, Decision, Dialect, Verdict};

use crate::exit;

/// Arguments of `guardrails check`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("kind").required(true).args(["sql", "shell", "http", "tool", "file", "action"])))]
pub struct Args {
    /// The SQL to check.
    #[arg(long, value_name = "TEXT")]
    sql: Option<String>,
    /// The shell command line to check.
    #[arg(long, value_name = "COMMAND")]
    shell: Option<String>,
    /// The URL of an HTTP request to check (with --method, --header, --body).
    #[arg(long, value_name = "URL")]
    http: Option<String>,
    /// The name of a tool call to check (with --args).
    #[arg(long, value_name = "NAME")]
    tool: Option<String>,
    /// The path of a file operation to check (with --op, --content, --destination, --recursive).
    #[arg(long, value_name = "PATH")]
    file: Option<String>,
    /// Any action in the wire format, e.g. '{"kind":"http","method":"GET","url":"…"}'.
    #[arg(long, value_name = "JSON")]
    action: Option<String>,
    /// SQL dialect: generic, postgres, mysql, sqlite, mssql, snowflake, bigquery, redshift, …
    #[arg(long, default_value = "generic")]
    dialect: String,
    /// HTTP method [default: GET].
    #[arg(long)]
    method: Option<String>,
    /// HTTP header `Name: value` (repeatable).
    #[arg(long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// HTTP body: JSON when it parses as JSON, else text.
    #[arg(long, value_name = "BODY")]
    body: Option<String>,
    /// The tool's arguments, a JSON object [default: {}].
    #[arg(long, value_name = "JSON")]
    args: Option<String>,
    /// File operation: read, write, append, delete, move [default: read].
    #[arg(long)]
    op: Option<String>,
    /// What a write puts in the file.
    #[arg(long, value_name = "TEXT")]
    content: Option<String>,
    /// Where a move puts the file.
    #[arg(long, value_name = "PATH")]
    destination: Option<String>,
    /// A delete removes a whole directory tree.
    #[arg(long)]
    recursive: bool,
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
    let action = action(args, dialect)?;
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

/// The action the arguments describe.
fn action(args: &Args, dialect: Dialect) -> Result<Action, String> {
    // Checked here rather than with clap's `requires`, which does not hold across the `kind` group.
    let stray = [
        (
            args.http.is_none() && (args.method.is_some() || !args.headers.is_empty() || args.body.is_some()),
            "--method, --header and --body go with --http",
        ),
        (args.tool.is_none() && args.args.is_some(), "--args goes with --tool"),
        (
            args.file.is_none()
                && (args.op.is_some() || args.content.is_some() || args.destination.is_some() || args.recursive),
            "--op, --content, --destination and --recursive go with --file",
        ),
    ];
    if let Some((_, why)) = stray.iter().find(|(bad, _)| *bad) {
        return Err((*why).to_owned());
    }
    if let Some(sql) = &args.sql {
        return Ok(Action::sql(dialect, sql.clone()));
    }
    if let Some(command) = &args.shell {
        return Ok(Action::shell(command.clone()));
    }
    if let Some(url) = &args.http {
        let mut headers = std::collections::BTreeMap::new();
        for h in &args.headers {
            let (name, value) = h.split_once(':').ok_or_else(|| format!("--header '{h}' is not `Name: value`"))?;
            headers.insert(name.trim().to_owned(), value.trim().to_owned());
        }
        let body = args.body.as_ref().map(|b| {
            serde_json::from_str::<serde_json::Value>(b).unwrap_or_else(|_| serde_json::Value::String(b.clone()))
        });
        let method = args.method.clone().unwrap_or_else(|| "GET".to_owned());
        return Ok(Action::Http { method, url: url.clone(), headers, body });
    }
    if let Some(tool) = &args.tool {
        let parsed: serde_json::Value = serde_json::from_str(args.args.as_deref().unwrap_or("{}"))
            .map_err(|e| format!("--args is not JSON: {e}"))?;
        return Ok(Action::tool_call(tool.clone(), parsed));
    }
    if let Some(path) = &args.file {
        return Ok(Action::File {
            op: args.op.clone().unwrap_or_else(|| "read".to_owned()),
            path: path.clone(),
            content: args.content.clone(),
            destination: args.destination.clone(),
            recursive: args.recursive,
        });
    }
    if let Some(json) = &args.action {
        return serde_json::from_str(json).map_err(|e| format!("--action is not an action: {e}"));
    }
    Err("give --sql, --shell, --http, --tool, --file or --action".to_owned())
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
        let at = match &f.path {
            Some(path) => format!("{path} {}..{}", f.span.start, f.span.end),
            None => format!("{}..{}", f.span.start, f.span.end),
        };
        s.push_str(&format!(
            "  - [{}] {} {:?} at {at}: {}\n      {}\n",
            f.rule, f.intent, f.severity, f.message, f.evidence
        ));
    }
    s.push_str(&format!("  policy {}\n", verdict.policy));
    s
}
