//! The prefilter: one Aho-Corasick automaton over every literal that any analyzer or rule needs,
//! and one multi-pattern regex over every custom regex. One pass over a text field says whether
//! any analyzer could fire and which custom patterns matched. Text that hits nothing takes the
//! fast path: no parse at all.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use regex_automata::Input;

use crate::fact::Span;

/// Who needs a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A detector's trigger word; must match as a whole word.
    Analyzer,
    /// A literal of a policy `sensitive_tables` glob.
    SensitiveTable,
    /// A literal pattern of policy rule `rule`.
    Rule(usize),
}

/// A pattern to compile, from the policy.
#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    Literal(String),
    Regex(String),
}

/// The compiled prefilter.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    literals: AhoCorasick,
    owners: Vec<Owner>,
    regex: Option<Regex>,
    regex_owners: Vec<usize>,
    /// A sensitive-table glob with no literal part (`*`) makes every statement relevant.
    sensitive_always: bool,
    /// Only analyzer trigger words are in the automaton: the first whole-word hit settles the scan.
    triggers_only: bool,
}

/// What one scan found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Hits {
    pub(crate) analyzer: bool,
    pub(crate) sensitive: bool,
    /// (rule index, span) of each custom-pattern match.
    pub(crate) patterns: Vec<(usize, Span)>,
}

/// Why the prefilter could not be built; names the offending rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrefilterError {
    pub(crate) rule: Option<usize>,
    pub(crate) message: String,
}

/// The lazy DFA's cache and the NFA may not grow past these; a policy regex that needs more is
/// rejected at load instead of making every evaluation slow.
const NFA_SIZE_LIMIT: usize = 4 << 20;
const DFA_CACHE_CAPACITY: usize = 2 << 20;
const DFA_SIZE_LIMIT: usize = 1 << 20;

impl Prefilter {
    /// Builds the automata from the analyzers' trigger words and the policy's patterns.
    pub(crate) fn build(
        triggers: &[&str],
        sensitive_literals: &[&str],
        rule_patterns: &[(usize, Pattern)],
    ) -> Result<Prefilter, PrefilterError> {
        let mut literals: Vec<String> = Vec::new();
        let mut owners = Vec::new();
        for t in triggers {
            literals.push((*t).to_owned());
            owners.push(Owner::Analyzer);
        }
        let mut sensitive_always = false;
        for s in sensitive_literals {
            if s.is_empty() {
                sensitive_always = true;
            } else {
                literals.push((*s).to_owned());
                owners.push(Owner::SensitiveTable);
            }
        }
        let mut regexes = Vec::new();
        let mut regex_owners = Vec::new();
        for (rule, p) in rule_patterns {
            match p {
                Pattern::Literal(l) if l.is_empty() => {
                    return Err(PrefilterError { rule: Some(*rule), message: "empty literal pattern".to_owned() })
                }
                Pattern::Literal(l) => {
                    literals.push(l.clone());
                    owners.push(Owner::Rule(*rule));
                }
                Pattern::Regex(r) => {
                    // Validate each regex alone first, so the error names its rule.
                    check_dfa_size(r).map_err(|e| PrefilterError { rule: Some(*rule), message: e })?;
                    regexes.push(r.clone());
                    regex_owners.push(*rule);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&literals)
            .or_else(|_| {
                AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(&literals)
            })
            .map_err(|e| PrefilterError { rule: None, message: e.to_string() })?;
        let regex = if regexes.is_empty() {
            None
        } else {
            let refs: Vec<&str> = regexes.iter().map(String::as_str).collect();
            Some(build_regex(&refs).map_err(|message| PrefilterError { rule: None, message })?)
        };
        let triggers_only = owners.iter().all(|o| *o == Owner::Analyzer) && regex.is_none();
        Ok(Prefilter { literals: ac, owners, regex, regex_owners, sensitive_always, triggers_only })
    }

    /// Scans `text` once with each automaton.
    pub(crate) fn scan(&self, text: &str) -> Hits {
        let mut hits = Hits { sensitive: self.sensitive_always, ..Hits::default() };
        let bytes = text.as_bytes();
        for m in self.literals.find_overlapping_iter(text) {
            match self.owners[m.pattern().as_usize()] {
                Owner::Analyzer => {
                    if !hits.analyzer && is_whole_word(bytes, m.start(), m.end()) {
                        hits.analyzer = true;
                        if self.triggers_only {
                            break;
                        }
                    }
                }
                Owner::SensitiveTable => hits.sensitive = true,
                Owner::Rule(rule) => hits.patterns.push((rule, Span::new(m.start(), m.end()))),
            }
        }
        if let Some(re) = &self.regex {
            for m in re.find_iter(Input::new(text)) {
                hits.patterns.push((self.regex_owners[m.pattern().as_usize()], Span::new(m.start(), m.end())));
            }
        }
        hits
    }
}

/// A whole word: not preceded by a letter or `_` (digits may precede, as in MySQL's
/// `/*!50000DROP`), not followed by an identifier character.
fn is_whole_word(b: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).and_then(|i| b.get(i)).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
    let after = b.get(end).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
    !before && !after
}

/// Rejects a regex whose fully determinized automaton would exceed [`DFA_SIZE_LIMIT`]: such a
/// pattern (`(a|b)*a(a|b){20}`) thrashes the lazy DFA's cache on every scan.
fn check_dfa_size(pattern: &str) -> Result<(), String> {
    use regex_automata::dfa::dense;
    // Syntax errors first, reported as such.
    build_regex(&[pattern]).map_err(|e| format!("`{pattern}`: {e}"))?;
    dense::Builder::new()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .thompson(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(NFA_SIZE_LIMIT)))
        .configure(
            dense::Config::new().dfa_size_limit(Some(DFA_SIZE_LIMIT)).determinize_size_limit(Some(DFA_SIZE_LIMIT)),
        )
        .build(pattern)
        .map(|_| ())
        .map_err(|e| {
            format!("`{pattern}`: {e} (patterns must compile to a DFA of at most {} KiB)", DFA_SIZE_LIMIT >> 10)
        })
}

fn build_regex(patterns: &[&str]) -> Result<Regex, String> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            Regex::config()
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .hybrid_cache_capacity(DFA_CACHE_CAPACITY)
                .dfa_size_limit(Some(NFA_SIZE_LIMIT))
                .utf8_empty(false),
        )
        .build_many(patterns)
        .map_err(|e| {
            // The syntax error itself is the error's source; say it.
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                message = format!("{message}: {inner}");
                source = inner.source();
            }
            message
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_words_match_whole_words_only() {
        let p = Prefilter::build(&["drop", "delete"], &[], &[]).unwrap();
        assert!(p.scan("DROP TABLE t").analyzer);
        assert!(p.scan("/*!50000DROP TABLE t*/").analyzer);
        assert!(!p.scan("SELECT deleted_by FROM t").analyzer);
        assert!(!p.scan("SELECT * FROM dropbox").analyzer);
    }

    #[test]
    fn rule_patterns_report_their_rule() {
        let p = Prefilter::build(
            &[],
            &[],
            &[(3, Pattern::Literal("pg_sleep".into())), (5, Pattern::Regex(r"waitfor\s+delay".into()))],
        )
        .unwrap();
        let hits = p.scan("SELECT pg_sleep(1); waitfor  delay '0:0:5'");
        assert_eq!(hits.patterns, vec![(3, Span::new(7, 15)), (5, Span::new(20, 34))]);
    }

    #[test]
    fn bad_regex_names_its_rule() {
        let err = Prefilter::build(&[], &[], &[(2, Pattern::Regex("(unclosed".into()))]).unwrap_err();
        assert_eq!(err.rule, Some(2));
    }

    #[test]
    fn huge_regex_is_rejected() {
        let err = Prefilter::build(&[], &[], &[(4, Pattern::Regex(r"(a|b)*a(a|b){24}".into()))]).unwrap_err();
        assert_eq!(err.rule, Some(4));
        assert!(err.message.contains("DFA"), "{}", err.message);
    }
}
