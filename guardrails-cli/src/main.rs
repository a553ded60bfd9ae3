//! `guardrails`: the command-line front end of Access Guardrails. It reads input, loads policies
//! and prints verdicts; every decision is made by `guardrails-core`.

mod cmd;
mod exit;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Decide whether an action may run, before it runs.
#[derive(Debug, Parser)]
#[command(name = "guardrails", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check one action and print the decision. Exit 0 allow, 2 deny, 3 require approval, 1 error.
    Check(Box<cmd::check::Args>),
    /// Batch mode: one `{"id","action","context"}` JSON line in, one verdict JSON line out.
    Eval(cmd::eval::Args),
    /// Work with policy files.
    #[command(subcommand)]
    Policy(cmd::policy::Command),
}

fn main() -> ExitCode {
    // Exit code 2 means deny here, so usage errors must not use clap's default of 2.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::ALLOW };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => cmd::check::run(*args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Policy(command) => cmd::policy::run(command),
    };
    ExitCode::from(code)
}
