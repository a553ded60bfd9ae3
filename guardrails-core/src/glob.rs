//! Glob patterns for names: `*` matches any run of characters, `?` one character; ASCII case is
//! ignored. Used for environments, actor ids, roles, tables and rule ids in policies.

/// A compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    pattern: String,
    lower: Vec<u8>,
}

impl Glob {
    pub(crate) fn new(pattern: &str) -> Glob {
        Glob { pattern: pattern.to_owned(), lower: pattern.to_ascii_lowercase().into_bytes() }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The longest run of identifier characters, for the prefilter (may be empty). Dots and
    /// other punctuation are left out: `"billing"."invoices"` must still hit `billing.*`.
    pub(crate) fn literal(&self) -> &str {
        self.pattern.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).max_by_key(|s| s.len()).unwrap_or("")
    }

    /// Whether `text` matches, ignoring ASCII case. Linear time: classic two-pointer matching with
    /// backtracking to the last `*` only.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let p = &self.lower;
        let t = text.as_bytes();
        let (mut pi, mut ti) = (0usize, 0usize);
        let (mut star, mut mark) = (None::<usize>, 0usize);
        while ti < t.len() {
            if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti].to_ascii_lowercase()) {
                pi += 1;
                ti += 1;
            } else if pi < p.len() && p[pi] == b'*' {
                star = Some(pi);
                mark = ti;
                pi += 1;
            } else if let Some(s) = star {
                pi = s + 1;
                mark += 1;
                ti = mark;
            } else {
                return false;
            }
        }
        while pi < p.len() && p[pi] == b'*' {
            pi += 1;
        }
        pi == p.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn matches_like_a_shell_glob() {
        let cases = [
            ("scratch.*", "scratch.t1", true),
            ("scratch.*", "SCRATCH.T1", true),
            ("scratch.*", "public.scratch", false),
            ("tmp_*", "tmp_route_matrix", true),
            ("*", "", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*.cards", "billing.cards", true),
            ("prod*", "production", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(Glob::new(pattern).matches(text), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn literal_is_the_longest_fixed_run() {
        assert_eq!(Glob::new("*.card_numbers").literal(), "card_numbers");
        assert_eq!(Glob::new("billing.*").literal(), "billing");
    }
}
