//! Payloads: what an action sends (request bodies, headers, query strings, tool arguments,
//! message bodies), walked for secrets and personal data the way a receiver would read them.
//! JSON is walked string by string; JSON inside a string is parsed; form-encoded and
//! percent-encoded text is decoded; base64 runs that decode to text are decoded and scanned too
//! (a key pair hidden in `Basic …` or in a base64 blob is still a key pair). Binary base64 (images,
//! documents) decodes to non-text and is left alone.

use std::collections::HashSet;

use base64::Engine as _;
use serde_json::Value;

use super::secrets::{self, Class, Hit, Kind};
use crate::fact::Span;

/// Decoding layers followed inside one string (base64 of a form of JSON, …).
const MAX_DECODE_DEPTH: usize = 3;
/// JSON nesting followed; deeper values are not scanned (and the walk says so).
const MAX_JSON_DEPTH: usize = 64;
/// Shortest base64 run worth decoding: shorter runs are words and ids, not hidden payloads.
const MIN_BASE64_RUN: usize = 20;

/// A secret or piece of personal data found in a payload.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) kind: &'static Kind,
    /// JSON path of the field it is in (`$.body.gh`, `$.headers.Authorization`).
    pub(crate) path: String,
    /// Where in that field's (decoded) text.
    pub(crate) span: Span,
    /// Masked for secrets, shortened for personal data.
    pub(crate) evidence: String,
    /// Found in a header that carries credentials (`Authorization`, `X-Api-Key`, …).
    pub(crate) auth_header: bool,
}

/// Everything found in one payload.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) found: Vec<Found>,
    /// Distinct personal-data values by kind id, for telling one record from bulk.
    distinct: HashSet<(&'static str, String)>,
    /// JSON nested deeper than the walk follows.
    pub(crate) truncated: bool,
    hits: Vec<Hit>,
    /// Bytes of `name=` put before a field's value for scanning, taken off the spans again.
    shift: usize,
}

/// How much personal data a payload carries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PiiTally {
    pub(crate) emails: usize,
    pub(crate) phones: usize,
    /// Card numbers, national ids, bank accounts.
    pub(crate) identifiers: usize,
}

impl PiiTally {
    /// Bulk personal data: many people's contact details, or several sensitive identifiers.
    pub(crate) fn is_bulk(self) -> bool {
        self.emails >= 5 || self.phones >= 5 || self.identifiers >= 2 || self.emails + self.phones >= 8
    }

    pub(crate) fn any(self) -> bool {
        self.emails + self.phones + self.identifiers > 0
    }

    /// "4 card numbers, national ids or bank accounts and 12 email addresses".
    pub(crate) fn describe(self) -> String {
        let mut parts = Vec::new();
        if self.identifiers > 0 {
            parts.push(format!("{} card number(s), national id(s) or bank account(s)", self.identifiers));
        }
        if self.emails > 0 {
            parts.push(format!("{} email address(es)", self.emails));
        }
        if self.phones > 0 {
            parts.push(format!("{} phone number(s)", self.phones));
        }
        parts.join(" and ")
    }
}

impl Scan {
    /// Walks a JSON value found at `path`.
    pub(crate) fn value(&mut self, v: &Value, path: &str) {
        let mut p = path.to_owned();
        self.walk(v, &mut p, 0, 0);
    }

    fn walk(&mut self, v: &Value, path: &mut String, depth: usize, decode: usize) {
        if depth > MAX_JSON_DEPTH {
            self.truncated = true;
            return;
        }
        match v {
            Value::String(s) => {
                let p = path.clone();
                self.text_at(s, &p, decode, false);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.walk(item, path, depth + 1, decode);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let len = path.len();
                    push_key(path, k);
                    // A credential-named field holding a string: scan `name=value` so the generic
                    // assignment detector sees the name.
                    match item {
                        Value::String(s) if credential_name(k) => {
                            let p = path.clone();
                            self.shift = k.len() + 1;
                            self.text_at(&format!("{k}={s}"), &p, decode, false);
                            self.shift = 0;
                        }
                        _ => self.walk(item, path, depth + 1, decode),
                    }
                    path.truncate(len);
                }
            }
            // Card numbers and phone numbers also travel as JSON numbers.
            Value::Number(n) => {
                let s = n.to_string();
                if s.len() >= 9 {
                    let p = path.clone();
                    self.text_at(&s, &p, decode, false);
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// Scans a text found at `path`; `auth_header` when it is a credential header's value.
    pub(crate) fn text(&mut self, text: &str, path: &str, auth_header: bool) {
        self.text_at(text, path, 0, auth_header);
    }

    fn text_at(&mut self, text: &str, path: &str, decode: usize, auth_header: bool) {
        self.hits.clear();
        secrets::scan(text, &mut self.hits);
        let hits = std::mem::take(&mut self.hits);
        for hit in &hits {
            self.record(hit, text, path, auth_header);
        }
        self.hits = hits;
        // Decoded layers are texts of their own; only the outermost is shifted.
        self.shift = 0;
        if decode >= MAX_DECODE_DEPTH {
            return;
        }
        let trimmed = text.trim();
        if (trimmed.starts_with('{') || trimmed.starts_with('[')) && trimmed.len() > 2 {
            if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
                let mut p = path.to_owned();
                self.walk(&v, &mut p, 0, decode + 1);
                return;
            }
        }
        if looks_like_form(trimmed) {
            for (k, v) in form_pairs(trimmed) {
                let mut p = path.to_owned();
                push_key(&mut p, &k);
                // `k=v` keeps the name beside the value for the assignment detector.
                let pair = if k.is_empty() { v } else { format!("{k}={v}") };
                if pair != trimmed {
                    self.text_at(&pair, &p, decode + 1, auth_header);
                }
            }
        } else if text.contains('%') {
            let decoded = percent_decode(text, false);
            if decoded != text {
                self.text_at(&decoded, path, decode + 1, auth_header);
            }
        }
        for run in base64_runs(text) {
            if let Some(decoded) = decode_base64_text(run) {
                self.text_at(&decoded, path, decode + 1, auth_header);
            }
        }
    }

    fn record(&mut self, hit: &Hit, text: &str, path: &str, auth_header: bool) {
        let raw = text.get(hit.span.range()).unwrap_or("");
        let evidence = match hit.kind.class {
            Class::Secret => secrets::mask(raw),
            Class::Pii => {
                let normalized: String = raw.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.').collect();
                if !self.distinct.insert((hit.kind.id, normalized.to_ascii_lowercase())) {
                    return;
                }
                mask_pii(raw)
            }
        };
        // One secret decoded along several routes is one finding.
        if self.found.iter().any(|f| f.kind.id == hit.kind.id && f.evidence == evidence && f.path == path) {
            return;
        }
        let span = Span::new(hit.span.start.saturating_sub(self.shift), hit.span.end.saturating_sub(self.shift));
        self.found.push(Found { kind: hit.kind, path: path.to_owned(), span, evidence, auth_header });
    }

    /// The secrets found.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &Found> {
        self.found.iter().filter(|f| f.kind.class == Class::Secret)
    }

    /// How much personal data was found.
    pub(crate) fn pii(&self) -> PiiTally {
        let mut t = PiiTally::default();
        for (kind, _) in &self.distinct {
            match *kind {
                "email" => t.emails += 1,
                "phone" => t.phones += 1,
                _ => t.identifiers += 1,
            }
        }
        t
    }

    /// The first personal-data finding, for pointing at.
    pub(crate) fn first_pii(&self) -> Option<&Found> {
        self.found.iter().find(|f| f.kind.class == Class::Pii)
    }
}

/// Appends `.key` (or `["key"]` when the key is not a plain name) to a JSON path.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str("[\"");
        path.push_str(&key.replace('\\', "\\\\").replace('"', "\\\""));
        path.push_str("\"]");
    }
}

/// Field names whose value is a credential by name.
fn credential_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    [
        "password", "passwd", "pwd", "pass", "secret", "client_secret", "api_key", "apikey", "access_token",
        "auth_token", "refresh_token", "token", "private_key", "secret_key", "access_key",
    ]
    .iter()
    .any(|n| k == *n || k.ends_with(&format!("_{n}")))
}

/// `a=1&b=2`: no spaces or line breaks, every `&`-separated part has a `=`.
fn looks_like_form(text: &str) -> bool {
    !text.is_empty()
        && text.contains('=')
        && !text.bytes().any(|b| b.is_ascii_whitespace() || b == b'"' || b == b'{')
        && text.split('&').all(|p| p.contains('=') || p.is_empty())
}

/// The decoded pairs of a form-encoded text.
pub(crate) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Percent-decodes `text` (and `+` as a space in forms); invalid UTF-8 is replaced.
pub(crate) fn percent_decode(text: &str, form: bool) -> String {
    let plus;
    let text = if form && text.contains('+') {
        plus = text.replace('+', " ");
        plus.as_str()
    } else {
        text
    };
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// Runs of base64 characters long enough to hide something, with at least one digit or mix of
/// cases (plain words are not base64).
fn base64_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii() || !is_base64_byte(c as u8)).filter(|run| {
        run.len() >= MIN_BASE64_RUN && {
            let b = run.as_bytes();
            b.iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase)
        }
    })
}

/// The text a base64 run decodes to, if it decodes to mostly printable UTF-8.
fn decode_base64_text(run: &str) -> Option<String> {
    let trimmed = run.trim_end_matches('=');
    let engine = if trimmed.contains(['-', '_']) {
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        &base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let bytes = engine.decode(trimmed).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text.chars().filter(|c| !c.is_control() || c.is_ascii_whitespace()).count();
    (printable * 10 >= text.chars().count() * 9 && text.chars().count() >= 8).then_some(text)
}

/// Personal data shown in evidence: enough to recognise the kind, not the person.
fn mask_pii(raw: &str) -> String {
    let keep = raw.len().min(4);
    let mut end = keep;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}***", &raw[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_fields() {
        let mut p = "$.body".to_owned();
        push_key(&mut p, "gh");
        assert_eq!(p, "$.body.gh");
        push_key(&mut p, "a b");
        assert_eq!(p, "$.body.gh[\"a b\"]");
    }

    #[test]
    fn forms_are_decoded() {
        assert_eq!(form_pairs("a=1&b=x%3Dy+z"), vec![("a".into(), "1".into()), ("b".into(), "x=y z".into())]);
        assert!(looks_like_form("To=%2B15550100&From=x"));
        assert!(!looks_like_form("Why agents never run rm -rf /"));
    }

    #[test]
    fn base64_text_is_decoded_and_binary_is_not() {
        assert_eq!(decode_base64_text("aGVsbG8gd29ybGQgZnJvbSBoZXJl").as_deref(), Some("hello world from here"));
        assert_eq!(decode_base64_text("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="), None);
    }

    #[test]
    fn walks_nested_json_and_names_the_path() {
        let mut scan = Scan::default();
        scan.value(&json!({"a": [{"gh": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}]}), "$.body");
        let paths: Vec<&str> = scan.secrets().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["$.body.a[0].gh"]);
    }

    #[test]
    fn nothing_in_ordinary_json() {
        let mut scan = Scan::default();
        scan.value(
            &json!({"guest_id": 8812, "room": "412", "check_in": "2024-06-01",
                    "event_id": "94680787-9f04-4c13-9add-e16001cc3bba"}),
            "$.body",
        );
        assert!(scan.found.is_empty(), "{:?}", scan.found);
    }
}
