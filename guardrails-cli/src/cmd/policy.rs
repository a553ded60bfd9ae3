//! `guardrails policy`: validate a policy file, or print the built-in one.

use std::path::PathBuf;

use crate::exit;

/// Policy subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Load a policy and report whether it is valid (exit 0) or why not (exit 1).
    Check {
        /// The policy file (YAML, or JSON by extension).
        file: PathBuf,
    },
    /// Print the built-in recommended policy, to read or to start from.
    Show,
}

/// Runs the command; returns the exit code.
pub fn run(command: Command) -> u8 {
    match command {
        Command::Check { file } => match super::load_guard(Some(&file)) {
            Ok(guard) => {
                println!("ok: policy '{}' ({})", guard.name(), guard.digest());
                exit::ALLOW
            }
            Err(message) => {
                eprintln!("guardrails: {message}");
                exit::USAGE
            }
        },
        Command::Show => {
            print!("{}", guardrails_core::RECOMMENDED_YAML);
            exit::ALLOW
        }
    }
}
