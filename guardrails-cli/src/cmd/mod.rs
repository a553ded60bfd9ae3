//! The subcommands, and what they share: loading the policy.

pub mod check;
pub mod eval;
pub mod policy;

use std::path::Path;

use guardrails_core::Guard;

/// Loads the policy at `path` (YAML, or JSON by extension), or the recommended one.
pub fn load_guard(path: Option<&Path>) -> Result<Guard, String> {
    let Some(path) = path else { return Ok(Guard::recommended()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read policy {}: {e}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let loaded = if is_json { Guard::from_json(&text) } else { Guard::from_yaml(&text) };
    loaded.map_err(|e| format!("invalid policy {}: {e}", path.display()))
}
