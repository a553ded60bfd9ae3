//! `guardrails eval`: batch mode. One request per JSON line on stdin,
//! `{"id":…,"action":{…},"context":{…}}`; one verdict per line on stdout, carrying the same `id`.
//! A line that cannot be read gets a deny verdict saying why, and the run goes on.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use guardrails_core::{Action, Context, Guard};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::exit;

/// Arguments of `guardrails eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy file (YAML, or JSON by extension); default: the built-in recommended policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Also write each verdict's audit record as a JSON line to this file.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    #[serde(default)]
    id: Value,
    action: Action,
    #[serde(default)]
    context: Context,
}

/// Runs the command; returns the exit code (0 unless the policy or I/O failed).
pub fn run(args: Args) -> u8 {
    let guard = match super::load_guard(args.policy.as_deref()) {
        Ok(g) => g,
        Err(message) => {
            eprintln!("guardrails: {message}");
            return exit::USAGE;
        }
    };
    match eval(&guard, args.audit.as_deref()) {
        Ok(()) => exit::ALLOW,
        Err(e) => {
            eprintln!("guardrails: {e}");
            exit::USAGE
        }
    }
}

fn eval(guard: &Guard, audit: Option<&std::path::Path>) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut audit = match audit {
        Some(p) => Some(BufWriter::new(std::fs::OpenOptions::new().create(true).append(true).open(p)?)),
        None => None,
    };
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(req) => {
                let verdict = guard.evaluate(&req.action, &req.context);
                if let Some(a) = audit.as_mut() {
                    let mut record =
                        serde_json::to_value(verdict.audit(&req.action, &req.context)).unwrap_or(Value::Null);
                    if let Value::Object(map) = &mut record {
                        map.insert("id".to_owned(), req.id.clone());
                    }
                    writeln!(a, "{record}")?;
                }
                let mut v = serde_json::to_value(&verdict).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut v {
                    map.insert("id".to_owned(), req.id);
                }
                v
            }
            Err(e) => error_verdict(guard, &line, &e.to_string()),
        };
        writeln!(out, "{response}")?;
        out.flush()?;
    }
    Ok(())
}

/// A deny verdict for a line that is not a valid request: fail closed, say why.
fn error_verdict(guard: &Guard, line: &str, error: &str) -> Value {
    let id = serde_json::from_str::<Value>(line).ok().and_then(|v| v.get("id").cloned()).unwrap_or(Value::Null);
    json!({
        "id": id,
        "decision": "deny",
        "reason": format!("Denied: the request could not be read ({error})."),
        "findings": [{
            "rule": "cli.invalid_request",
            "intent": "unanalyzable",
            "severity": "high",
            "message": format!("invalid request: {error}"),
            "span": [0, 0],
            "evidence": "",
        }],
        "policy": guard.digest(),
    })
}
