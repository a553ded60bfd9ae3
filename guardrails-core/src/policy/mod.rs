//! Policies: the document model ([`model`]), its compilation into rules and automata
//! ([`compile`]), and the matching of facts and context against rules ([`eval`]).

pub(crate) mod compile;
pub(crate) mod eval;
pub(crate) mod model;

/// The built-in recommended policy, as YAML.
pub const RECOMMENDED_YAML: &str = include_str!("recommended.yaml");
