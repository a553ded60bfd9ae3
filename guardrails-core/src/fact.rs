//! Facts: what the analyzers found an action would do, with where they found it.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::intent::Intent;

/// A half-open range of UTF-8 byte offsets into the analysed text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The span as a `Range`.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(s)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let [start, end] = <[usize; 2]>::deserialize(d)?;
        Ok(Span { start, end })
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth recording.
    Low,
    /// Risky; usually reversible.
    Medium,
    /// Destructive or exposing; hard to undo.
    High,
    /// Catastrophic: a database, a schema, a whole data set or the host.
    Critical,
}

/// The object an intent acts on, e.g. the table a `DROP TABLE` drops.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Target {
    /// What kind of object: `database`, `schema`, `table`, `column`, `function`, `role`, `file`, …
    pub kind: &'static str,
    /// Its name as written, unquoted (`billing.invoices`), or empty if unknown.
    pub name: String,
}

/// One thing an action would do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fact {
    /// What it would do.
    pub intent: Intent,
    /// How bad it is.
    pub severity: Severity,
    /// Where in the analysed text.
    pub span: Span,
    /// The detector that found it, e.g. `sql/drop_statement`.
    pub detector: &'static str,
    /// The object acted on, when known.
    pub target: Option<Target>,
    /// One sentence saying what it would do.
    pub message: String,
    /// Where the span points when not into the action's primary text (a JSON field, a header).
    pub location: Option<Box<Location>>,
}

/// A place inside an action other than its primary text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// JSON path of the field, e.g. `$.args.query`, `$.body.token`, `$.headers.Authorization`.
    pub path: String,
    /// What the span covers there, shortened, secrets masked.
    pub evidence: String,
}

impl Fact {
    /// An `unanalyzable` fact from `detector`, saying why.
    pub(crate) fn unanalyzable(span: Span, detector: &'static str, why: String) -> Fact {
        Fact {
            intent: Intent::Unanalyzable,
            severity: Severity::Medium,
            span,
            detector,
            target: None,
            message: why,
            location: None,
        }
    }
}

/// The sink analyzers write facts into.
#[derive(Debug, Default, Clone)]
pub(crate) struct Facts {
    pub(crate) items: Vec<Fact>,
    /// Facts from policy patterns, each with the rule that owns the pattern.
    pub(crate) matched: Vec<(Fact, usize)>,
    /// Hashes of `items`, so that a duplicate is found in constant time.
    seen: std::collections::HashSet<u64, foldhash::fast::RandomState>,
}

impl Facts {
    /// Keeps, of the facts from index `start` on, only those `keep` accepts.
    pub(crate) fn retain_from(&mut self, start: usize, mut keep: impl FnMut(&Fact) -> bool) {
        let mut index = 0;
        self.items.retain(|f| {
            let k = index < start || keep(f);
            index += 1;
            k
        });
        self.seen.clear();
    }

    /// Points the facts found since `first` (and pattern facts since `first_matched`) at the field
    /// `path`, whose text is `text`, unless they already point somewhere.
    pub(crate) fn locate_from(&mut self, first: usize, first_matched: usize, path: &str, text: &str) {
        let facts =
            self.items.iter_mut().skip(first).chain(self.matched.iter_mut().skip(first_matched).map(|m| &mut m.0));
        for fact in facts {
            if fact.location.is_none() {
                fact.location = Some(Box::new(Location { path: path.to_owned(), evidence: evidence(text, fact.span) }));
            }
        }
        self.seen.clear();
    }

    pub(crate) fn push(&mut self, fact: Fact) {
        debug_assert!(
            crate::analyze::registry().filter(|d| d.id == fact.detector).all(|d| d.intents.contains(&fact.intent))
                || fact.intent == Intent::Unanalyzable,
            "{} emitted {}, which its registry entry does not list",
            fact.detector,
            fact.intent
        );
        // Few facts: compare directly. Many (a DROP of thousands of tables): hash, to stay linear.
        if self.items.len() < 16 {
            if !self.items.contains(&fact) {
                self.items.push(fact);
            }
            return;
        }
        use std::hash::{Hash, Hasher};
        let hash = |f: &Fact| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            f.hash(&mut hasher);
            hasher.finish()
        };
        if self.seen.is_empty() {
            self.seen = self.items.iter().map(hash).collect();
        }
        if self.seen.insert(hash(&fact)) {
            self.items.push(fact);
        }
    }
}

/// The text at `span`, shortened, with credentials redacted. Redaction runs before shortening
/// (on a bounded window), so a secret cut by the shortening is still recognised and masked.
pub(crate) fn evidence(text: &str, span: Span) -> String {
    let raw = text.get(span.range()).unwrap_or("");
    let window = prefix(raw, 1024);
    let redacted = crate::redact::redact_evidence(window);
    let mut s = prefix(&redacted, 160).to_owned();
    if s.len() < redacted.len() || window.len() < raw.len() {
        s.push('…');
    }
    s
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
