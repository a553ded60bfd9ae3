//! Values of credential-named fields: `password=…`, `"client_secret": "…"`, `--token …`,
//! `<password>…</password>`, `Authorization: Bearer …`, and prose (`db pass for prod is …`).
//!
//! The name carries the evidence, so the value only has to look like a secret: at least 8 bytes,
//! not a stand-in, a reference or a well-known non-secret format, and random enough. Shannon
//! entropy cannot exceed log2(length), so short values are held to `log2(len) - 0.7` bits instead
//! of the full threshold (3.0 bits for values mixing three or more character classes, 3.5
//! otherwise); a value of one class must also be 16 bytes or longer (digits alone never pass).

use super::{
    at, before, contains_ci, entropy, is_placeholder, push, slice, starts_with_at, Classes, Hit, GENERIC_SECRET,
};

/// Longest value considered; longer ones are blobs (images, documents), not passwords.
const MAX_VALUE: usize = 512;
/// Longest field name considered.
const MAX_NAME: usize = 64;

/// Keyword hits overlap (`pass` and `password`, `token` twice in `token_token`): each field name is
/// judged once.
#[derive(Debug, Default)]
pub(super) struct GenericState {
    done_until: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// After `=`, `:`, a flag or a tag: the name says it is a credential.
    Assigned,
    /// `… is <value>` in a sentence: the value must look like a password on its own.
    Prose,
}

/// Name characters: identifiers, dotted paths (`spring.datasource.password`), kebab-case headers.
fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn skip_blanks(b: &[u8], mut k: usize, max: usize) -> usize {
    let from = k;
    while is_blank(at(b, k)) && k - from < max {
        k += 1;
    }
    k
}

/// A keyword of a credential name hit at `[s, e)`.
pub(super) fn field(b: &[u8], s: usize, e: usize, st: &mut GenericState, hits: &mut Vec<Hit>) {
    let mut ns = s;
    while ns > 0 && s - ns <= MAX_NAME && is_name(before(b, ns)) {
        ns -= 1;
    }
    let mut ne = e;
    while is_name(at(b, ne)) && ne - e <= MAX_NAME {
        ne += 1;
    }
    if ns < st.done_until || is_name(before(b, ns)) || is_name(at(b, ne)) {
        return;
    }
    st.done_until = ne;
    let flag = at(b, ns) == b'-';
    while ns < ne && at(b, ns) == b'-' {
        ns += 1;
    }
    while ne > ns && matches!(before(b, ne), b'.' | b'-') {
        ne -= 1;
    }
    if !name_is_credential(slice(b, ns, ne)) {
        return;
    }
    let Some((vs, ve, mode)) = locate_value(b, ns, ne, flag) else { return };
    if value_is_secret(slice(b, vs, ve), mode) {
        push(hits, &GENERIC_SECRET, vs, ve);
    }
}

/// `Bearer <token>` (an `Authorization` header or a curl argument).
pub(super) fn bearer(b: &[u8], s: usize, e: usize, st: &mut GenericState, hits: &mut Vec<Hit>) {
    if s < st.done_until || is_name(before(b, s)) || !is_blank(at(b, e)) {
        return;
    }
    let Some((vs, ve, _)) = read_value(b, skip_blanks(b, e, 4), false) else { return };
    st.done_until = ve;
    if value_is_secret(slice(b, vs, ve), Mode::Assigned) {
        push(hits, &GENERIC_SECRET, vs, ve);
    }
}

/// Whether a field name names a credential: its last word (camelCase, snake_case, kebab-case and
/// dotted names are split) is one. `password_reset`, `token_type`, `password_hash` (a digest, not
/// the password), `next_page_token` and `csrf_token` are not.
fn name_is_credential(name: &[u8]) -> bool {
    // Word bounds; past eight words only the last eight are kept.
    let mut bounds = [(0usize, 0usize); 8];
    let mut n = 0;
    let mut start = 0;
    let mut add = |from: usize, to: usize, n: &mut usize| {
        if from < to {
            if *n == bounds.len() {
                bounds.rotate_left(1);
                *n -= 1;
            }
            if let Some(slot) = bounds.get_mut(*n) {
                *slot = (from, to);
            }
            *n += 1;
        }
    };
    for i in 0..name.len() {
        let (p, c, next) = (before(name, i), at(name, i), at(name, i + 1));
        if matches!(c, b'_' | b'-' | b'.') {
            add(start, i, &mut n);
            start = i + 1;
        } else if c.is_ascii_uppercase()
            && ((p.is_ascii_lowercase() || p.is_ascii_digit()) || (p.is_ascii_uppercase() && next.is_ascii_lowercase()))
        {
            add(start, i, &mut n);
            start = i;
        }
    }
    add(start, name.len(), &mut n);
    let mut words: [&[u8]; 8] = [&[]; 8];
    for (w, &(from, to)) in words.iter_mut().zip(bounds.iter().take(n)) {
        *w = slice(name, from, to);
    }
    let words = words.get(..n).unwrap_or_default();
    let Some((&last, earlier)) = words.split_last() else { return false };
    // `password2`, `token1`: numbered fields.
    let last = trim_digits(last);
    let is = |w: &[u8], set: &[&[u8]]| set.iter().any(|x| w.eq_ignore_ascii_case(x));
    const PASSWORD: &[&[u8]] = &[b"password", b"passwd", b"pwd", b"pass", b"passphrase", b"passcode"];
    const WHOLE: &[&[u8]] = &[
        b"secret",
        b"credential",
        b"credentials",
        b"apikey",
        b"secretkey",
        b"privatekey",
        b"signingkey",
        b"encryptionkey",
        b"accesstoken",
        b"authtoken",
        b"refreshtoken",
        b"apitoken",
        b"clientsecret",
        b"apisecret",
        b"secretaccesskey",
    ];
    const KEY_OF: &[&[u8]] = &[b"api", b"secret", b"private", b"signing", b"encryption", b"master"];
    // Tokens that are not credentials: pagination cursors, form nonces, counters.
    const NOT_TOKEN: &[&[u8]] =
        &[b"page", b"next", b"continuation", b"cursor", b"sync", b"csrf", b"xsrf", b"max", b"verification"];
    const CONFIRM: &[&[u8]] = &[b"confirm", b"confirmation", b"again", b"repeat"];
    let prev = earlier.last().copied().unwrap_or_default();
    if is(last, PASSWORD) || is(last, WHOLE) {
        return true;
    }
    if last.eq_ignore_ascii_case(b"token") {
        return !is(prev, NOT_TOKEN);
    }
    if last.eq_ignore_ascii_case(b"key") {
        return earlier.iter().any(|w| is(w, KEY_OF));
    }
    is(last, CONFIRM) && earlier.iter().any(|w| is(trim_digits(w), PASSWORD))
}

fn trim_digits(w: &[u8]) -> &[u8] {
    let end = w.iter().rposition(|c| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    slice(w, 0, end)
}

/// Where the value of the field named `[ns, ne)` is, and how sure the name makes us.
fn locate_value(b: &[u8], ns: usize, ne: usize, flag: bool) -> Option<(usize, usize, Mode)> {
    let mut j = ne;
    // `"password": …` — the name was quoted.
    let q = before(b, ns);
    if matches!(q, b'"' | b'\'') && at(b, j) == q {
        j += 1;
    }
    let after_name = j;
    j = skip_blanks(b, j, 8);
    let sep = match (at(b, j), at(b, j + 1)) {
        (b'=', b'>') | (b':', b'=') => Some(2),
        // `==` compares, `::` is a path, `://` a URL.
        (b'=', n) if n != b'=' => Some(1),
        (b':', n) if n != b':' && n != b'/' => Some(1),
        _ => None,
    };
    if let Some(len) = sep {
        let (vs, ve, _) = read_value(b, skip_blanks(b, j + len, 8), true)?;
        return Some((vs, ve, Mode::Assigned));
    }
    // `<password>…</password>`
    if before(b, ns) == b'<' && at(b, after_name) == b'>' {
        let vs = after_name + 1;
        let mut k = vs;
        while !matches!(at(b, k), 0 | b'<' | b'\n') && k - vs <= MAX_VALUE {
            k += 1;
        }
        return (at(b, k) == b'<').then_some((vs, k, Mode::Assigned));
    }
    // `--password hunter2…`
    if flag && is_blank(at(b, after_name)) {
        let vs = skip_blanks(b, after_name, 4);
        if at(b, vs) == b'-' {
            return None;
        }
        let (vs, ve, _) = read_value(b, vs, true)?;
        return Some((vs, ve, Mode::Assigned));
    }
    prose_value(b, after_name)
}

/// `<name> [up to five words] is|was|: <value>` within one line.
fn prose_value(b: &[u8], from: usize) -> Option<(usize, usize, Mode)> {
    let mut k = from;
    for _ in 0..7 {
        if at(b, k) == b':' && is_blank(at(b, k + 1)) {
            return prose_token(b, k + 1);
        }
        if !is_blank(at(b, k)) {
            return None;
        }
        k = skip_blanks(b, k, 3);
        let ws = k;
        while (at(b, k).is_ascii_alphanumeric() || matches!(at(b, k), b'_' | b'-' | b'\'')) && k - ws <= 24 {
            k += 1;
        }
        let word = slice(b, ws, k);
        if word.is_empty() || k - ws > 24 {
            return None;
        }
        if (word.eq_ignore_ascii_case(b"is") || word.eq_ignore_ascii_case(b"was")) && is_blank(at(b, k)) {
            return prose_token(b, k);
        }
    }
    None
}

fn prose_token(b: &[u8], k: usize) -> Option<(usize, usize, Mode)> {
    let mut k = skip_blanks(b, k, 3);
    if matches!(at(b, k), b'`' | b'"' | b'\'') {
        k += 1;
    }
    let (vs, mut ve, _) = read_value(b, k, false)?;
    while matches!(before(b, ve), b'.' | b',' | b';' | b':' | b'`' | b'"' | b'\'' | b')') && ve > vs {
        ve -= 1;
    }
    Some((vs, ve, Mode::Prose))
}

/// The value starting at `k`: quoted (to the closing quote, on one line) or bare (to a blank or a
/// delimiter). `(start, end, quoted)`; `None` when unterminated or longer than `MAX_VALUE`.
fn read_value(b: &[u8], k: usize, allow_quotes: bool) -> Option<(usize, usize, bool)> {
    let q = at(b, k);
    if allow_quotes && matches!(q, b'"' | b'\'' | b'`') {
        let vs = k + 1;
        let mut e = vs;
        while !matches!(at(b, e), 0 | b'\n') && at(b, e) != q && e - vs <= MAX_VALUE {
            e += 1;
        }
        return (at(b, e) == q).then_some((vs, e, true));
    }
    let mut e = k;
    while e - k <= MAX_VALUE
        && !matches!(
            at(b, e),
            0 | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'`'
                | b','
                | b';'
                | b'&'
                | b'<'
                | b'>'
                | b')'
                | b']'
                | b'}'
                | b'|'
        )
    {
        e += 1;
    }
    if e - k > MAX_VALUE {
        return None;
    }
    // A full stop ending the sentence is not part of the value.
    while e > k && matches!(before(b, e), b'.' | b',') {
        e -= 1;
    }
    Some((k, e, false))
}

/// Whether a credential field's value is plausibly the secret itself.
fn value_is_secret(v: &[u8], mode: Mode) -> bool {
    if v.len() < 8 || v.len() > MAX_VALUE || is_placeholder(v) || is_reference(v) || is_known_non_secret(v) {
        return false;
    }
    let c = Classes::of(v);
    if mode == Mode::Prose {
        // Sentences say `the token is expired`, `the secret is Kubernetes-managed`: demand a
        // digit, a letter, and an uppercase letter or a symbol beyond word punctuation.
        let special = v.iter().any(|&x| !x.is_ascii_alphanumeric() && !matches!(x, b'-' | b'_' | b'.'));
        if !(c.digit && (c.lower || c.upper) && (c.upper || special) && c.count() >= 3) {
            return false;
        }
    }
    let classes = c.count();
    if classes == 1 && v.len() < 16 {
        return false;
    }
    let full: f64 = if classes >= 3 { 3.0 } else { 3.5 };
    let reachable = (v.len() as f64).log2() - 0.7;
    entropy(v) >= full.min(reachable)
}

/// References to where a secret lives, or code computing it: paths, URLs, `os.environ[…]`,
/// `config.db.password`.
fn is_reference(v: &[u8]) -> bool {
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"../") || v.starts_with(b"~/") {
        return true;
    }
    if contains_ci(v, b"://") || v.starts_with(b"file:") {
        return true;
    }
    if v.iter().any(|c| matches!(c, b'(' | b'[')) {
        return true;
    }
    // A dotted identifier without digits is a code path (`settings.SECRET_KEY`), not a secret.
    v.contains(&b'.') && v.iter().all(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'.')
}

/// Values with a known, non-secret shape: public keys (`pk.`/`pk_`), UUIDs, git commit ids,
/// content digests.
fn is_known_non_secret(v: &[u8]) -> bool {
    if v.starts_with(b"pk.") || v.starts_with(b"pk_") {
        return true;
    }
    if v.len() == 40 && v.iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    if is_uuid(v) {
        return true;
    }
    const DIGESTS: &[&[u8]] = &[b"sha256:", b"sha1:", b"sha384:", b"sha512:", b"md5:", b"sha-256:"];
    DIGESTS.iter().any(|d| v.len() > d.len() && slice(v, 0, d.len()).eq_ignore_ascii_case(d))
        || starts_with_at(v, 0, b"sha256-")
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter()
            .enumerate()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() })
}
