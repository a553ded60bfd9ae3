//! Exit codes, one per outcome, so scripts and hooks can branch on them.

use guardrails_core::Decision;

/// The action may run.
pub const ALLOW: u8 = 0;
/// Bad usage, unreadable input or an invalid policy.
pub const USAGE: u8 = 1;
/// The action must not run.
pub const DENY: u8 = 2;
/// The action needs a human's approval.
pub const REQUIRE_APPROVAL: u8 = 3;

/// The exit code for a decision.
pub fn for_decision(d: Decision) -> u8 {
    match d {
        Decision::Allow => ALLOW,
        Decision::Deny => DENY,
        Decision::RequireApproval => REQUIRE_APPROVAL,
    }
}
