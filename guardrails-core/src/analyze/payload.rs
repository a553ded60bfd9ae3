//! Payloads: what an action sends (request bodies, headers, query strings, tool arguments,
//! message bodies), walked for secrets and personal data the way a receiver would read them.
//! JSON is walked string by string; JSON inside a string is parsed; form-encoded and
//! percent-encoded text is decoded; base64 runs that decode to text are decoded and scanned too
//! (a key pair hidden in `Basic …` or in a base64 blob is still a key pair). Binary base64 (images,
//! documents) decodes to non-text and is left alone.

use std::collections::HashSet;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::Value;
use smallvec::SmallVec;

use super::scratch;
use super::secrets::{self, long_run_cover, ByteClasses, Class, Hit, Kind, BLOCK};
use crate::fact::Span;

/// Decoding layers followed inside one string (base64 of a form of JSON, …).
const MAX_DECODE_DEPTH: usize = 3;
/// JSON nesting followed; deeper values are not scanned (and the walk says so).
const MAX_JSON_DEPTH: usize = 64;
/// Shortest field name scanned as text of its own.
const MIN_SECRET_KEY: usize = 12;
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

/// The texts and JSON values of one payload (a request's URL, query, headers and body; a
/// message's parts), gathered for one scan: every string goes into one buffer, so a payload of
/// many small strings costs one scan, not one per string. A hit's path is spelled out only when
/// there is a hit.
#[derive(Default)]
pub(crate) struct Batch<'v> {
    buf: String,
    pieces: Vec<Piece>,
    /// JSON values walked, with their paths.
    roots: SmallVec<[(&'v Value, &'v str); 2]>,
    /// Texts added on their own (a URL, its query, headers): their paths and whether they are
    /// credential headers.
    texts: SmallVec<[TextOrigin<'v>; 4]>,
    /// JSON nested deeper than the walk follows.
    truncated: bool,
}

/// One scanned piece: where it sits in the batch buffer, and what it came from.
pub(crate) struct Piece {
    start: usize,
    end: usize,
    /// Bytes of `name=` put before a value for scanning, taken off the spans again.
    shift: usize,
    origin: Origin,
}

impl Piece {
    /// The value as given (without `name=`): what is decoded when it may hide a payload.
    fn value<'b>(&self, buf: &'b str) -> &'b str {
        buf.get(self.start + self.shift..self.end).unwrap_or_default()
    }
}

#[derive(Clone, Copy)]
enum Origin {
    /// `Batch::texts[i]`.
    Text(usize),
    /// A string, number or field name inside JSON root `root`, by address (of the value, or of
    /// the object for a field name).
    Json { root: usize, value: *const () },
}

/// The path of a text added on its own: `path`, then `key` as a field (`$.headers.Authorization`)
/// or a query parameter (`$.url?token`).
struct TextOrigin<'v> {
    path: &'v str,
    key: Key<'v>,
    auth_header: bool,
}

/// What follows a text's base path.
#[derive(Clone, Copy)]
pub(crate) enum Key<'v> {
    None,
    Field(&'v str),
    Query(&'v str),
}

/// Separates pieces in the batch buffer: no detector reads across a line break and a NUL.
const SEPARATOR: &str = "\n\0\n";

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        scratch::give_bytes(scratch::Bytes::Text, std::mem::take(&mut self.buf).into_bytes());
        scratch::give_pieces(std::mem::take(&mut self.pieces));
    }
}

impl<'v> Batch<'v> {
    /// Adds `text`, found at `path` + `key`; `auth_header` when it is a credential header's value.
    pub(crate) fn text(&mut self, text: &'v str, path: &'v str, key: Key<'v>, auth_header: bool) {
        let origin = Origin::Text(self.texts.len());
        self.texts.push(TextOrigin { path, key, auth_header });
        self.push(text, origin);
    }

    /// Adds `name=value` (a query parameter): the assignment detector sees the name, spans and
    /// decoding are the value's.
    pub(crate) fn pair(&mut self, name: &str, value: &'v str, path: &'v str, key: Key<'v>) {
        let origin = Origin::Text(self.texts.len());
        self.texts.push(TextOrigin { path, key, auth_header: false });
        self.push_pair(name, value, origin);
    }

    /// Adds every string of the JSON value `v`, found at `path`.
    pub(crate) fn value(&mut self, v: &'v Value, path: &'v str) {
        let root = self.roots.len();
        self.roots.push((v, path));
        self.gather(v, root, 0);
    }

    #[inline(always)]
    fn push(&mut self, text: &str, origin: Origin) {
        self.push_pair("", text, origin);
    }

    #[inline(always)]
    fn push_pair(&mut self, name: &str, value: &str, origin: Origin) {
        if self.buf.capacity() == 0 {
            self.take_buffers();
        }
        let shift = if name.is_empty() { 0 } else { name.len() + 1 };
        let start = self.buf.len() + SEPARATOR.len();
        // The piece goes in before the copy: held across the copy's call, `origin` was spilled to
        // the stack in halves and read back whole, a stalled store forward on every piece.
        self.pieces.push(Piece { start, end: start + shift + value.len(), shift, origin });
        let buf = &mut self.buf;
        buf.reserve(SEPARATOR.len() + shift + value.len());
        buf.push_str(SEPARATOR);
        if shift > 0 {
            buf.push_str(name);
            buf.push('=');
        }
        buf.push_str(value);
    }

    /// Buffers kept from an earlier batch, with room for a typical request body (so growing
    /// rarely copies).
    #[cold]
    fn take_buffers(&mut self) {
        self.buf = String::from_utf8(scratch::take_bytes(scratch::Bytes::Text, 4096)).unwrap_or_default();
        self.pieces = scratch::take_pieces(256);
    }

    /// Appends every string of `v` (in root `root`) to the buffer.
    fn gather(&mut self, v: &'v Value, root: usize, depth: usize) {
        match v {
            Value::Array(items) => {
                for item in items {
                    self.gather_item(item, None, root, depth + 1);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    // A field name long enough to be a token, a card or an address is scanned
                    // too: a secret can travel as a key. Its path is the object's.
                    if k.len() >= MIN_SECRET_KEY {
                        self.push(k, Origin::Json { root, value: std::ptr::from_ref(v).cast() });
                    }
                    self.gather_item(item, Some(k), root, depth + 1);
                }
            }
            _ => self.gather_item(v, None, root, depth),
        }
    }

    /// One value of an array or object (the field name `key`), leaves handled here so the walk
    /// recurses only into containers.
    #[inline(always)]
    fn gather_item(&mut self, item: &'v Value, key: Option<&str>, root: usize, depth: usize) {
        if depth > MAX_JSON_DEPTH {
            self.truncated = true;
            return;
        }
        let origin = Origin::Json { root, value: std::ptr::from_ref(item).cast() };
        match item {
            Value::String(s) => match key.filter(|k| credential_name(k)) {
                // A credential-named field: scan `name=value` so the assignment detector sees
                // the name.
                Some(k) => self.push_pair(k, s, origin),
                None => self.push(s, origin),
            },
            // Card and phone numbers also travel as JSON numbers.
            Value::Number(n) => {
                if n.as_u64().is_some_and(|x| x >= 100_000_000) {
                    self.push(&n.to_string(), origin);
                }
            }
            Value::Array(_) | Value::Object(_) => self.gather(item, root, depth),
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// The paths of the pieces `wanted` (indices into `pieces`), in that order, and whether each
    /// is a credential header. One walk of each JSON root finds all of them.
    fn paths(&self, wanted: &[usize]) -> Vec<(String, bool)> {
        let mut out = vec![(String::new(), false); wanted.len()];
        let mut json: Vec<(usize, *const (), usize)> = Vec::new();
        for (slot, &index) in wanted.iter().enumerate() {
            match self.pieces.get(index).map(|p| p.origin) {
                Some(Origin::Text(i)) => {
                    let Some(t) = self.texts.get(i) else { continue };
                    let mut path = t.path.to_owned();
                    match t.key {
                        Key::None => {}
                        Key::Field(k) => push_key(&mut path, k),
                        Key::Query(k) => {
                            path.push('?');
                            path.push_str(k);
                        }
                    }
                    out[slot] = (path, t.auth_header);
                }
                Some(Origin::Json { root, value }) => {
                    // Named by its root's path until the walk finds it (it may nest deeper than
                    // the walk follows).
                    if let Some(&(_, base)) = self.roots.get(root) {
                        out[slot].0 = base.to_owned();
                    }
                    json.push((root, value, slot));
                }
                None => {}
            }
        }
        for (root, &(v, base)) in self.roots.iter().enumerate() {
            let mut targets: Vec<(*const (), usize)> =
                json.iter().filter(|(r, _, _)| *r == root).map(|&(_, value, slot)| (value, slot)).collect();
            if targets.is_empty() {
                continue;
            }
            targets.sort_unstable_by_key(|(t, _)| t.addr());
            for (slot, path) in paths_of(v, base, &targets) {
                if let Some(o) = out.get_mut(slot) {
                    o.0 = path;
                }
            }
        }
        out
    }
}

impl Scan {
    /// Walks a JSON value found at `path` (see [`Batch`]).
    pub(crate) fn value(&mut self, v: &Value, path: &str) {
        self.value_at(v, path, 0);
    }

    fn value_at(&mut self, v: &Value, path: &str, decode: usize) {
        let mut batch = Batch::default();
        batch.value(v, path);
        self.batch(&batch, decode);
    }

    /// Scans a text found at `path`; `auth_header` when it is a credential header's value.
    pub(crate) fn text(&mut self, text: &str, path: &str, auth_header: bool) {
        self.text_at(text, path, 0, auth_header);
    }

    fn text_at(&mut self, text: &str, path: &str, decode: usize, auth_header: bool) {
        let mut batch = Batch::default();
        batch.text(text, path, Key::None, auth_header);
        self.batch(&batch, decode);
    }

    /// Scans everything gathered in `batch`. Pieces that may hide an encoded payload are decoded
    /// and scanned on their own.
    pub(crate) fn batch(&mut self, batch: &Batch<'_>, decode: usize) {
        self.truncated |= batch.truncated;
        let buf = batch.buf.as_str();
        if buf.is_empty() {
            return;
        }
        self.hits.clear();
        let classes = ByteClasses::of(buf.as_bytes());
        secrets::scan_classified(buf, &classes, &mut self.hits);
        let hits = std::mem::take(&mut self.hits);
        // Hits inside one piece, with the piece they are in.
        let placed: Vec<(&Hit, usize)> = hits
            .iter()
            .filter_map(|hit| {
                let index = batch.pieces.partition_point(|p| p.start <= hit.span.start).checked_sub(1)?;
                (hit.span.end <= batch.pieces.get(index)?.end).then_some((hit, index))
            })
            .collect();
        // One vectorised look at the whole buffer rules out the JSON, form and percent layers of
        // every piece at once; then only long pieces are checked for base64.
        let mut encoded: Vec<usize> = Vec::new();
        if decode < MAX_DECODE_DEPTH && may_hide_payload_in_batch(buf, &classes) {
            for (index, piece) in batch.pieces.iter().enumerate() {
                // A piece's base64 runs are measured on the batch's classes: no run crosses the
                // separators. A `name=value` piece's value is measured alone.
                let value = piece.value(buf);
                let base64_run = || match piece.shift {
                    0 => has_base64_run(buf.as_bytes(), &classes, piece.start..piece.end),
                    _ => {
                        let b = value.as_bytes();
                        has_base64_run(b, &ByteClasses::of(b), 0..b.len())
                    }
                };
                if may_hide_payload(value, base64_run) {
                    encoded.push(index);
                }
            }
        }
        if placed.is_empty() && encoded.is_empty() {
            self.hits = hits;
            return;
        }
        let wanted: Vec<usize> = placed.iter().map(|&(_, index)| index).chain(encoded.iter().copied()).collect();
        let paths = batch.paths(&wanted);
        for (&(hit, index), (at, auth_header)) in placed.iter().zip(&paths) {
            let Some(piece) = batch.pieces.get(index) else { continue };
            let local =
                Hit { kind: hit.kind, span: Span::new(hit.span.start - piece.start, hit.span.end - piece.start) };
            let text = buf.get(piece.start..piece.end).unwrap_or("");
            self.record(&local, text, at, *auth_header, piece.shift);
        }
        for (&index, (at, auth_header)) in encoded.iter().zip(paths.iter().skip(placed.len())) {
            let Some(piece) = batch.pieces.get(index) else { continue };
            self.decode_layers(piece.value(buf), at, decode, *auth_header);
        }
        self.hits = hits;
    }

    /// Scans what `text` decodes to: JSON inside it, form fields, percent-encoding, base64.
    fn decode_layers(&mut self, text: &str, path: &str, decode: usize, auth_header: bool) {
        let trimmed = text.trim();
        if (trimmed.starts_with('{') || trimmed.starts_with('[')) && trimmed.len() > 2 {
            if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
                self.value_at(&v, path, decode + 1);
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

    /// Records `hit` in `text` (a piece holding `name=value` when `shift` is the length of `name=`).
    fn record(&mut self, hit: &Hit, text: &str, path: &str, auth_header: bool, shift: usize) {
        let raw = text.get(hit.span.range()).unwrap_or("");
        let evidence = match hit.kind.class {
            Class::Secret => secrets::mask(raw),
            Class::Pii => {
                let normalized: String =
                    raw.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.').collect();
                if !self.distinct.insert((hit.kind.id, normalized.to_ascii_lowercase())) {
                    return;
                }
                mask_pii(raw)
            }
        };
        let span = Span::new(hit.span.start.saturating_sub(shift), hit.span.end.saturating_sub(shift));
        // One secret decoded along several routes is one finding, at its most precise path.
        if let Some(f) = self.found.iter_mut().find(|f| f.kind.id == hit.kind.id && f.evidence == evidence) {
            if path.len() > f.path.len() && path.starts_with(f.path.as_str()) {
                f.path = path.to_owned();
                f.span = span;
            }
            return;
        }
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

/// Field names whose value is a credential by name: the last `_`/`-` word is one (`password`,
/// `db_pass`, `client_secret`, `x-auth-token`, `apikey`), or is `key` after `api`, `private`,
/// `secret` or `access` (`api_key`, `AWS_SECRET_ACCESS_KEY`).
fn credential_name(key: &str) -> bool {
    const LAST_TWO: [[u8; 2]; 6] = [*b"rd", *b"wd", *b"ss", *b"et", *b"en", *b"ey"];
    let b = key.as_bytes();
    let [.., x, y] = b else { return false };
    // Every name ends in one of these letter pairs; most field names are out here, before any
    // word is compared (this runs for every string of a body). One branch, nearly always
    // taken, rather than a jump on the name's bytes: the CPU goes on without waiting for them.
    // (`| 0x20` lowercases letters and turns no other byte into one.)
    let last_two = [x | 0x20, y | 0x20];
    if !LAST_TWO.contains(&last_two) {
        return false;
    }
    match (last_two[0], last_two[1]) {
        (b'r', b'd') => ends_with_word(b, b"password"),
        (b'w', b'd') => ends_with_word(b, b"passwd") || ends_with_word(b, b"pwd"),
        (b's', b's') => ends_with_word(b, b"pass"),
        (b'e', b't') => ends_with_word(b, b"secret"),
        (b'e', b'n') => ends_with_word(b, b"token"),
        (b'e', b'y') => ends_with_word(b, b"apikey") || owned_key(b),
        _ => false,
    }
}

/// `…_key` after `api`, `private`, `secret` or `access` (`api_key`, `AWS_SECRET_ACCESS_KEY`).
fn owned_key(b: &[u8]) -> bool {
    const OWNERS: [&[u8]; 4] = [b"api", b"private", b"secret", b"access"];
    // The word before `_key`/`-key`, if the name is `<something><separator>key`.
    let before = match b.len().checked_sub(4).and_then(|cut| b.get(..cut)) {
        Some(before) if !before.is_empty() && ends_with_word(b, b"key") => before,
        _ => return false,
    };
    OWNERS.iter().any(|w| ends_with_word(before, w))
}

/// Whether the last `_`/`-` word of `b` is `word` (ASCII case-insensitively).
fn ends_with_word(b: &[u8], word: &[u8]) -> bool {
    let Some(start) = b.len().checked_sub(word.len()) else { return false };
    b.get(start..).is_some_and(|end| end.eq_ignore_ascii_case(word))
        && (start == 0 || matches!(b.get(start - 1), Some(b'_' | b'-')))
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

/// Whether any piece of a batch buffer may hold an encoded payload (see [`may_hide_payload`]).
fn may_hide_payload_in_batch(buf: &str, classes: &ByteClasses) -> bool {
    let b = buf.as_bytes();
    // The separators between pieces are not base64, so no run found in the buffer spans two
    // pieces; a credential field's piece adds `name=`, which the `=` test already covers.
    memchr::memchr3(b'{', b'[', b'%', b).is_some()
        || memchr::memchr(b'=', b).is_some()
        || has_base64_run(b, classes, 0..b.len())
}

/// Whether `text` may hold an encoded payload: JSON, a form, percent-encoding or a base64 run
/// (`base64_run` says, asked only when the cheap tests say nothing).
fn may_hide_payload(text: &str, base64_run: impl FnOnce() -> bool) -> bool {
    let b = text.as_bytes();
    if b.len() < 3 {
        return false;
    }
    let first = b.iter().find(|c| !c.is_ascii_whitespace()).copied().unwrap_or(b' ');
    if first == b'{' || first == b'[' || memchr::memchr2(b'%', b'=', b).is_some() {
        return true;
    }
    b.len() >= MIN_BASE64_RUN && base64_run()
}

/// A run of base64 bytes in `range` of `b`, long enough and mixing cases, as [`base64_runs`]
/// takes them. Such a run holds a capital letter, so only the runs around capitals are measured
/// (on the class masks).
fn has_base64_run(b: &[u8], classes: &ByteClasses, range: std::ops::Range<usize>) -> bool {
    if range.len() < MIN_BASE64_RUN {
        return false;
    }
    // Only capitals inside a long enough base64 run: the masks rule out the others at once,
    // block by block.
    let mut from = range.start;
    for k in range.start / BLOCK..range.end.div_ceil(BLOCK).min(classes.len()) {
        let upper = classes.block(k).upper;
        if upper == 0 {
            continue;
        }
        let mut capitals = upper & long_run_cover(classes, k, MIN_BASE64_RUN as u32, |b| b.base64);
        while capitals != 0 {
            let i = k * BLOCK + capitals.trailing_zeros() as usize;
            capitals &= capitals - 1;
            if i < from {
                continue;
            }
            if i >= range.end {
                return false;
            }
            let (start, end) = classes.run_around(i, |k| classes.block(k).base64);
            if end - start >= MIN_BASE64_RUN
                && b.get(start..end).is_some_and(|run| run.iter().any(u8::is_ascii_lowercase))
            {
                return true;
            }
            // The run's other capitals are judged with it.
            from = end.max(i + 1);
        }
    }
    false
}

/// The JSON paths of the values at the addresses `targets` (each with its slot, sorted by
/// address) inside `root` (found at `base`), as `(slot, path)`; values nested deeper than the
/// walk follows are left out. One walk compares addresses only; a path is spelled out from the
/// walk's stack when its value is reached.
fn paths_of(root: &Value, base: &str, targets: &[(*const (), usize)]) -> Vec<(usize, String)> {
    enum Step<'v> {
        Index(usize),
        Key(&'v str),
    }
    struct Walk<'v, 't> {
        base: &'v str,
        targets: &'t [(*const (), usize)],
        steps: Vec<Step<'v>>,
        found: Vec<(usize, String)>,
    }
    impl<'v> Walk<'v, '_> {
        fn visit(&mut self, v: &'v Value, depth: usize) {
            // Targets are sorted by address: the ones at `v` are a range.
            let address = std::ptr::from_ref(v).cast::<()>().addr();
            let from = self.targets.partition_point(|(t, _)| t.addr() < address);
            let here = self.targets.get(from..).unwrap_or_default().iter().take_while(|(t, _)| t.addr() == address);
            for &(_, slot) in here {
                let mut path = self.base.to_owned();
                for step in &self.steps {
                    match step {
                        Step::Index(i) => {
                            let _ = write!(path, "[{i}]");
                        }
                        Step::Key(k) => push_key(&mut path, k),
                    }
                }
                self.found.push((slot, path));
            }
            if depth > MAX_JSON_DEPTH || self.found.len() == self.targets.len() {
                return;
            }
            match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.steps.push(Step::Index(i));
                        self.visit(item, depth + 1);
                        self.steps.pop();
                    }
                }
                Value::Object(m) => {
                    for (k, item) in m {
                        self.steps.push(Step::Key(k));
                        self.visit(item, depth + 1);
                        self.steps.pop();
                    }
                }
                _ => {}
            }
        }
    }
    let mut walk = Walk { base, targets, steps: Vec::new(), found: Vec::new() };
    walk.visit(root, 0);
    walk.found
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
    fn credential_field_names() {
        for k in ["password", "DB_PASS", "client_secret", "x-auth-token", "apikey", "api_key", "AWS_SECRET_ACCESS_KEY"]
        {
            assert!(credential_name(k), "{k}");
        }
        for k in ["passport", "token_type", "keyboard", "monkey", "myapi_key", "primary_key", "id", "", "_", "secrets"]
        {
            assert!(!credential_name(k), "{k}");
        }
    }

    /// The definition `credential_name` implements: its last `_`/`-` word is a credential word,
    /// or `key` after one of `api`, `private`, `secret`, `access`.
    fn credential_name_by_words(key: &str) -> bool {
        let words: Vec<String> = key.split(['_', '-']).map(str::to_ascii_lowercase).collect();
        match words.as_slice() {
            [.., before, last] if last == "key" => ["api", "private", "secret", "access"].contains(&before.as_str()),
            [.., last] => ["password", "passwd", "pwd", "pass", "secret", "token", "apikey"].contains(&last.as_str()),
            [] => false,
        }
    }

    proptest::proptest! {
        /// The mask-gated test agrees with the splitter the decoder uses, over any range.
        #[test]
        fn base64_run_test_agrees_with_the_decoder_splitter(
            text in proptest::collection::vec(proptest::sample::select(&b"aaAA00+=/_- \n:"[..]), 0..300),
            cut in 0usize..300,
        ) {
            let text = String::from_utf8(text).unwrap_or_default();
            let classes = ByteClasses::of(text.as_bytes());
            let start = cut.min(text.len());
            // A range starting inside a run measures it from the range's start.
            let expected = base64_runs(&text[start..]).next().is_some();
            let whole = has_base64_run(text.as_bytes(), &classes, 0..text.len());
            proptest::prop_assert_eq!(whole, base64_runs(&text).next().is_some());
            if !text.as_bytes().get(start.wrapping_sub(1)).is_some_and(|&c| is_base64_byte(c)) {
                proptest::prop_assert_eq!(has_base64_run(text.as_bytes(), &classes, start..text.len()), expected);
            }
        }

        #[test]
        fn credential_names_follow_the_word_definition(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "PASS", "password", "passwd", "pwd", "Secret", "token", "apikey", "api", "key", "KEY", "private",
                "access", "x", "id", "pass_", "_", "-", "word", "ss", "d",
            ][..]), 0..5),
        ) {
            let key = parts.concat();
            proptest::prop_assert_eq!(credential_name(&key), credential_name_by_words(&key), "{}", key);
        }
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
