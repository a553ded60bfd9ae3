//! Resource limits for analysis. Past any of them the action is `unanalyzable` (fail closed).

/// Limits on what one evaluation may cost. The host's value beats the policy's, which beats the
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest text field analysed, in bytes.
    pub max_input_bytes: usize,
    /// Deepest nesting of dynamic SQL, `DO` bodies and wrapped commands.
    pub max_depth: usize,
    /// Most statements analysed in one action, nested ones included.
    pub max_statements: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_input_bytes: 1 << 20, max_depth: 8, max_statements: 1_000 }
    }
}
