//! The keyword pass and the detectors of credentials with a recognisable format.

use std::sync::LazyLock;

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind, Span};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, PatternID};
use smallvec::SmallVec;

use super::generic::{self, GenericState};
use super::{
    at, before, entropy, is_alnum, is_placeholder, is_token, is_word, pii, push, slice, starts_with_at,
    too_few_distinct, ByteClasses, Classes, Hit, ANTHROPIC_API_KEY, ATLASSIAN_TOKEN, AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, AZURE_STORAGE_KEY, DATABRICKS_TOKEN, DIGITALOCEAN_TOKEN, DOPPLER_TOKEN, GITHUB_TOKEN,
    GITLAB_TOKEN, GOOGLE_API_KEY, GOOGLE_OAUTH_CLIENT_SECRET, GOOGLE_REFRESH_TOKEN, GRAFANA_TOKEN, HUGGINGFACE_TOKEN,
    JWT, LINEAR_KEY, NEW_RELIC_KEY, NOTION_TOKEN, NPM_TOKEN, OPENAI_API_KEY, POSTMAN_KEY, PRIVATE_KEY, PYPI_TOKEN,
    SENDGRID_API_KEY, SENTRY_TOKEN, SHOPIFY_TOKEN, SLACK_TOKEN, SLACK_WEBHOOK, SQUARE_TOKEN, STRIPE_SECRET_KEY,
    TWILIO_API_KEY, TWILIO_AUTH_TOKEN, URL_PASSWORD, VAULT_TOKEN,
};

/// Which detector a keyword wakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Det {
    AwsKeyId,
    AwsSecretName,
    PrivateKey,
    Github,
    Gitlab,
    Slack,
    SlackWebhook,
    Stripe,
    GoogleKey,
    GoogleOauth,
    GoogleRefresh,
    SkDash,
    /// A vendor token with a fixed prefix: index into [`VENDORS`].
    Vendor(usize),
    Jwt,
    Url,
    Field,
    Bearer,
    Email,
    Ssn,
}

/// Keywords, matched ASCII case-insensitively anywhere. Each detector re-checks case and
/// boundaries itself: the automaton only says where to look.
const KEYWORDS: &[(&str, Det)] = &[
    ("akia", Det::AwsKeyId),
    ("asia", Det::AwsKeyId),
    ("abia", Det::AwsKeyId),
    ("acca", Det::AwsKeyId),
    ("a3t", Det::AwsKeyId),
    ("aws_secret", Det::AwsSecretName),
    ("secret_access_key", Det::AwsSecretName),
    ("secret-access-key", Det::AwsSecretName),
    ("secretaccesskey", Det::AwsSecretName),
    ("-----begin", Det::PrivateKey),
    ("ghp_", Det::Github),
    ("gho_", Det::Github),
    ("ghu_", Det::Github),
    ("ghs_", Det::Github),
    ("ghr_", Det::Github),
    ("github_pat_", Det::Github),
    ("glpat-", Det::Gitlab),
    ("gldt-", Det::Gitlab),
    ("glptt-", Det::Gitlab),
    ("glrt-", Det::Gitlab),
    ("xox", Det::Slack),
    ("xapp-", Det::Slack),
    ("hooks.slack.com", Det::SlackWebhook),
    ("sk_live_", Det::Stripe),
    ("sk_test_", Det::Stripe),
    ("sk_prod_", Det::Stripe),
    ("rk_live_", Det::Stripe),
    ("rk_test_", Det::Stripe),
    ("rk_prod_", Det::Stripe),
    ("aiza", Det::GoogleKey),
    ("gocspx-", Det::GoogleOauth),
    ("1//0", Det::GoogleRefresh),
    ("sk-", Det::SkDash),
    ("sg.", Det::Vendor(0)),
    ("npm_", Det::Vendor(1)),
    ("pypi-", Det::Vendor(2)),
    ("hf_", Det::Vendor(3)),
    ("dop_v1_", Det::Vendor(4)),
    ("doo_v1_", Det::Vendor(5)),
    ("dor_v1_", Det::Vendor(6)),
    ("shpat_", Det::Vendor(7)),
    ("shpca_", Det::Vendor(8)),
    ("shppa_", Det::Vendor(9)),
    ("shpss_", Det::Vendor(10)),
    ("hvs.", Det::Vendor(11)),
    ("hvb.", Det::Vendor(12)),
    ("dapi", Det::Vendor(13)),
    ("atatt3", Det::Vendor(14)),
    ("accountkey=", Det::Vendor(15)),
    ("pmak-", Det::Vendor(16)),
    ("lin_api_", Det::Vendor(17)),
    ("ntn_", Det::Vendor(18)),
    ("glsa_", Det::Vendor(19)),
    ("dp.pt.", Det::Vendor(20)),
    ("sq0atp-", Det::Vendor(21)),
    ("sq0csp-", Det::Vendor(22)),
    ("nrak-", Det::Vendor(23)),
    ("sntrys_", Det::Vendor(24)),
    // A JWT header is base64url JSON: `{"` → `eyJ`, `{ "` → `eyAi`, `{\n` → `ewo[gij]`.
    ("eyj", Det::Jwt),
    ("eyai", Det::Jwt),
    ("ewog", Det::Jwt),
    ("ewoi", Det::Jwt),
    ("ewoj", Det::Jwt),
    ("://", Det::Url),
    // Credential field names; `pass` also covers password, passwd, passphrase.
    ("pass", Det::Field),
    ("pwd", Det::Field),
    ("secret", Det::Field),
    ("token", Det::Field),
    ("api_key", Det::Field),
    ("api-key", Det::Field),
    ("apikey", Det::Field),
    ("private_key", Det::Field),
    ("private-key", Det::Field),
    ("privatekey", Det::Field),
    ("signing_key", Det::Field),
    ("signingkey", Det::Field),
    ("encryption_key", Det::Field),
    ("encryptionkey", Det::Field),
    ("credential", Det::Field),
    ("bearer", Det::Bearer),
    ("@", Det::Email),
    ("ssn", Det::Ssn),
    ("social security", Det::Ssn),
];

// Patterns run anchored at their keyword; all ASCII, all repetitions bounded.
const RE_AWS_KEY_ID: usize = 0;
const RE_GITHUB: usize = 1;
const RE_GITHUB_PAT: usize = 2;
const RE_GITLAB: usize = 3;
const RE_SLACK: usize = 4;
const RE_SLACK_APP: usize = 5;
const RE_SLACK_WEBHOOK: usize = 6;
const RE_STRIPE: usize = 7;
const RE_GOOGLE_KEY: usize = 8;
const RE_GOOGLE_OAUTH: usize = 9;
const RE_GOOGLE_REFRESH: usize = 10;
const RE_ANTHROPIC: usize = 11;
const RE_SK_DASH: usize = 12;

const PATTERNS: &[&str] = &[
    r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    r"gh[pousr]_[0-9A-Za-z]{36,255}",
    // The fine-grained PAT is 22 + `_` + 59; split so no class repeats 82 times.
    r"github_pat_[0-9A-Za-z]{20,30}_[0-9A-Za-z]{50,70}",
    r"gl(?:pat|dt|ptt|rt)-[0-9A-Za-z_.-]{20,255}",
    r"xox[baprse]-[0-9]{1,13}-[0-9A-Za-z-]{8,250}",
    r"xapp-[0-9]-[0-9A-Za-z]{6,32}-[0-9]{6,32}-[0-9A-Za-z]{20,128}",
    r"hooks\.slack\.com/(?:services|workflows|triggers)/[0-9A-Za-z_/+-]{20,200}",
    r"[rs]k_(?:live|test|prod)_[0-9A-Za-z]{10,247}",
    r"AIza[0-9A-Za-z_-]{35}",
    r"GOCSPX-[0-9A-Za-z_-]{10,64}",
    r"1//0[0-9A-Za-z_-]{20,512}",
    r"sk-ant-(?:api|admin|oat|ort)[0-9]{2}-[0-9A-Za-z_-]{60,250}",
    r"sk-[0-9A-Za-z_-]{20,250}",
];

/// Vendor tokens with a fixed prefix, in keyword order: the pattern (run anchored at the keyword)
/// and the kind. Their patterns follow [`PATTERNS`] in the one multi-pattern regex.
const VENDORS: &[(&str, &super::Kind)] = &[
    (r"SG\.[0-9A-Za-z_-]{20,24}\.[0-9A-Za-z_-]{40,46}", &SENDGRID_API_KEY),
    (r"npm_[0-9A-Za-z]{36}", &NPM_TOKEN),
    (r"pypi-AgE[0-9A-Za-z_-]{50,250}", &PYPI_TOKEN),
    (r"hf_[A-Za-z]{34}", &HUGGINGFACE_TOKEN),
    (r"do[opr]_v1_[0-9a-f]{64}", &DIGITALOCEAN_TOKEN),
    (r"do[opr]_v1_[0-9a-f]{64}", &DIGITALOCEAN_TOKEN),
    (r"do[opr]_v1_[0-9a-f]{64}", &DIGITALOCEAN_TOKEN),
    (r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}", &SHOPIFY_TOKEN),
    (r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}", &SHOPIFY_TOKEN),
    (r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}", &SHOPIFY_TOKEN),
    (r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}", &SHOPIFY_TOKEN),
    (r"hv[sbr]\.[0-9A-Za-z_-]{24,250}", &VAULT_TOKEN),
    (r"hv[sbr]\.[0-9A-Za-z_-]{24,250}", &VAULT_TOKEN),
    (r"dapi[0-9a-f]{32}(?:-[0-9])?", &DATABRICKS_TOKEN),
    (r"ATATT3[0-9A-Za-z_=-]{150,250}", &ATLASSIAN_TOKEN),
    (r"AccountKey=[0-9A-Za-z+/]{86}==", &AZURE_STORAGE_KEY),
    (r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}", &POSTMAN_KEY),
    (r"lin_api_[0-9A-Za-z]{40}", &LINEAR_KEY),
    (r"ntn_[0-9A-Za-z]{40,50}", &NOTION_TOKEN),
    (r"glsa_[0-9A-Za-z]{32}_[0-9a-f]{8}", &GRAFANA_TOKEN),
    (r"dp\.(?:pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,46}", &DOPPLER_TOKEN),
    (r"sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}", &SQUARE_TOKEN),
    (r"sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}", &SQUARE_TOKEN),
    (r"NRAK-[0-9A-Z]{27}", &NEW_RELIC_KEY),
    (r"sntrys_[0-9A-Za-z+/=_]{60,250}", &SENTRY_TOKEN),
];

/// Longest match of any pattern: bounds each anchored search.
const MAX_MATCH: usize = 600;

struct Engine {
    keywords: AhoCorasick,
    /// SIMD (Teddy) searchers over a lowercased copy of the text for the keywords' prefixes: most
    /// payloads contain none, and then the keyword automaton, which steps byte by byte, never
    /// runs. `None` where the CPU has no packed searcher.
    gate: Option<Gate>,
    regex: Regex,
    /// `://`, looked for only when an `@` makes a URL password possible.
    scheme: memchr::memmem::Finder<'static>,
    /// The keywords but `://`, matched ASCII case-insensitively: whether a short text holds one.
    short_text_gate: AhoCorasick,
    longest_keyword: usize,
}

/// Teddy fingerprints a pattern by its first bytes, at most four. Four-byte prefixes leave far
/// fewer false candidates in ordinary lowercase text than three-byte ones (a third of the
/// instructions over a 4 KB body), so keywords of four bytes or more are searched by their
/// four-byte prefix, the rest (`sk-`, `xox`, …) in a second searcher. (`@` is found with
/// `memchr`; `://` only matters beside an `@`.)
struct Gate {
    long: packed::Searcher,
    short: packed::Searcher,
}

/// Keywords shorter than the gate's prefixes; each is one byte, looked for with `memchr`.
const SHORT_KEYWORDS: &[u8] = b"@";
/// Texts shorter than this are gated by [`Engine::short_text_gate`].
const SHORT_TEXT: usize = super::classes::LOWERCASED_FROM;
const LONG_PREFIX: usize = 4;
const SHORT_PREFIX: usize = 3;
/// A packed searcher takes at most this many patterns (it falls back to Rabin-Karp beyond);
/// four-byte prefixes past it go to the short searcher as three-byte ones.
const TEDDY_MAX_PATTERNS: usize = 64;

static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| {
    let words: Vec<&str> = KEYWORDS.iter().map(|(w, _)| *w).collect();
    let builder = || {
        let mut b = AhoCorasickBuilder::new();
        b.ascii_case_insensitive(true).match_kind(MatchKind::Standard);
        b
    };
    let keywords =
        builder().kind(Some(AhoCorasickKind::DFA)).build(&words).or_else(|_| builder().build(&words)).ok()?;
    let gated: Vec<&str> = KEYWORDS.iter().filter(|(_, d)| *d != Det::Url).map(|(w, _)| *w).collect();
    let short_text_gate = builder().kind(Some(AhoCorasickKind::DFA)).build(&gated).ok()?;
    let patterns: Vec<&str> = PATTERNS.iter().copied().chain(VENDORS.iter().map(|(p, _)| *p)).collect();
    let regex = Regex::builder().syntax(syntax::Config::new().unicode(false).utf8(false)).build_many(&patterns).ok()?;
    Some(Engine {
        keywords,
        gate: gate(),
        regex,
        scheme: memchr::memmem::Finder::new("://"),
        short_text_gate,
        longest_keyword: KEYWORDS.iter().map(|(w, _)| w.len()).max().unwrap_or(0),
    })
});

/// The packed searchers over the keywords' prefixes, or `None` when a keyword is too short for
/// them (and is not in [`SHORT_KEYWORDS`]) or the CPU has no packed searcher.
fn gate() -> Option<Gate> {
    let (mut long, mut short): (Vec<Vec<u8>>, Vec<Vec<u8>>) = (Vec::new(), Vec::new());
    for (w, det) in KEYWORDS {
        // A password in a URL needs an `@` after the `://`, and `@` opens the gate by itself:
        // URLs without one (most links) leave the gate shut.
        if *det == Det::Url {
            continue;
        }
        let w = w.as_bytes();
        if w.len() < SHORT_PREFIX {
            if w.len() == 1 && SHORT_KEYWORDS.contains(&w[0]) {
                continue;
            }
            return None;
        }
        let prefix = |n: usize| w[..n].to_ascii_lowercase();
        if w.len() >= LONG_PREFIX && (long.len() < TEDDY_MAX_PATTERNS || long.contains(&prefix(LONG_PREFIX))) {
            if !long.contains(&prefix(LONG_PREFIX)) {
                long.push(prefix(LONG_PREFIX));
            }
        } else if !short.contains(&prefix(SHORT_PREFIX)) {
            short.push(prefix(SHORT_PREFIX));
        }
    }
    let build = |prefixes: &[Vec<u8>]| {
        packed::Config::new().match_kind(packed::MatchKind::LeftmostFirst).builder().extend(prefixes).build()
    };
    Some(Gate { long: build(&long)?, short: build(&short)? })
}

/// The stretches of `b` the keyword automaton must read: one window from each place a keyword
/// can start (a gate prefix, found overlapping ones too, an `@`, and `://` when there is an `@`)
/// as long as the longest keyword, overlapping windows merged. Every keyword starts with its
/// gate prefix, so the automaton finds in the windows exactly what it finds in the whole text;
/// text without a keyword has no window. The whole text without a gate, or when it is short.
fn keyword_windows(engine: &Engine, b: &[u8], classes: &ByteClasses) -> SmallVec<[(usize, usize); 4]> {
    let mut windows = SmallVec::new();
    let Some(gate) = engine.gate.as_ref() else {
        windows.push((0, b.len()));
        return windows;
    };
    if b.len() < SHORT_TEXT {
        // Below a few vectors the packed searchers fall back to Rabin-Karp; one pass of an
        // automaton that stops at the first keyword (`://` aside, as above; `@` is one) is cheaper.
        if engine.short_text_gate.is_match(b) {
            windows.push((0, b.len()));
        }
        return windows;
    }
    let computed;
    let lower = match classes.lowercase() {
        Some(lower) => lower,
        None => {
            computed = b.to_ascii_lowercase();
            &computed
        }
    };
    let mut starts: SmallVec<[usize; 16]> = SmallVec::new();
    for searcher in [&gate.short, &gate.long] {
        let mut from = 0;
        while let Some(m) = searcher.find_in(lower, Span::from(from..lower.len())) {
            starts.push(m.start());
            from = m.start() + 1;
        }
    }
    let before_at = starts.len();
    starts.extend(memchr::memchr_iter(b'@', b));
    if starts.len() > before_at {
        starts.extend(engine.scheme.find_iter(b));
    }
    starts.sort_unstable();
    for s in starts {
        let end = (s + engine.longest_keyword).min(b.len());
        match windows.last_mut() {
            Some((_, last_end)) if s <= *last_end => *last_end = (*last_end).max(end),
            _ => windows.push((s, end)),
        }
    }
    windows
}

/// Whether the automata built; false only through a bug (checked by a test).
pub(super) fn engine_ok() -> bool {
    ENGINE.is_some()
}

/// Where a detector has already looked, so overlapping keyword hits do not redo (or re-report)
/// the same stretch, and repeated keywords cannot make the scan quadratic.
struct State<'t, 'h> {
    text: &'t str,
    b: &'t [u8],
    hits: &'h mut Vec<Hit>,
    engine: &'static Engine,
    key_until: usize,
    field: GenericState,
}

/// Runs the keyword automaton over `text` and each woken detector at its hit; then the Twilio
/// search for `SK` + hex.
pub(super) fn scan(text: &str, classes: &ByteClasses, hits: &mut Vec<Hit>) {
    let Some(engine) = ENGINE.as_ref() else { return };
    let b = text.as_bytes();
    let mut st = State { text, b, hits, engine, key_until: 0, field: GenericState::default() };
    let windows = keyword_windows(engine, b, classes);
    let keywords = windows.iter().flat_map(|&(start, end)| {
        engine.keywords.find_overlapping_iter(aho_corasick::Input::new(text).range(start..end))
    });
    for m in keywords {
        let Some(&(_, det)) = KEYWORDS.get(m.pattern().as_usize()) else { continue };
        let (s, e) = (m.start(), m.end());
        match det {
            Det::AwsKeyId => aws_key_id(&mut st, s),
            Det::AwsSecretName => aws_secret_window(&mut st, e, e + 100),
            Det::PrivateKey => private_key(&mut st, s),
            Det::Github => github(&mut st, s),
            Det::Gitlab => gitlab(&mut st, s),
            Det::Slack => slack(&mut st, s),
            Det::SlackWebhook => slack_webhook(&mut st, s),
            Det::Stripe => simple(&mut st, s, RE_STRIPE, &STRIPE_SECRET_KEY, is_alnum),
            Det::GoogleKey => simple(&mut st, s, RE_GOOGLE_KEY, &GOOGLE_API_KEY, is_token),
            Det::GoogleOauth => simple(&mut st, s, RE_GOOGLE_OAUTH, &GOOGLE_OAUTH_CLIENT_SECRET, is_token),
            Det::GoogleRefresh => google_refresh(&mut st, s),
            Det::SkDash => sk_dash(&mut st, s),
            Det::Vendor(i) => {
                if let Some((_, kind)) = VENDORS.get(i) {
                    simple(&mut st, s, PATTERNS.len() + i, kind, is_token);
                }
            }
            Det::Jwt => jwt(&mut st, s),
            Det::Url => url_password(&mut st, s),
            Det::Field => generic::field(b, s, e, &mut st.field, st.hits),
            Det::Bearer => generic::bearer(b, s, e, &mut st.field, st.hits),
            Det::Email => pii::email(b, s, st.hits),
            Det::Ssn => pii::ssn_after_keyword(b, s, e, st.hits),
        }
    }
    twilio(text, classes, st.hits);
}

impl State<'_, '_> {
    /// End of the match of pattern `pid` anchored at `at`, reading at most `MAX_MATCH` bytes.
    fn matches(&self, pid: usize, at: usize) -> Option<usize> {
        let end = at.saturating_add(MAX_MATCH).min(self.b.len());
        if at > end {
            return None;
        }
        let input = Input::new(self.b).range(at..end).anchored(Anchored::Pattern(PatternID::new(pid).ok()?));
        self.engine.regex.find(input).map(|m| m.end())
    }

    fn push(&mut self, kind: &'static super::Kind, start: usize, end: usize) {
        push(self.hits, kind, start, end);
    }
}

/// A token that starts at a keyword: not glued to a word before it, the pattern matches, and
/// nothing of its alphabet follows (`is_part` says what would continue it).
fn simple(st: &mut State<'_, '_>, s: usize, pid: usize, kind: &'static super::Kind, is_part: fn(u8) -> bool) {
    if is_alnum(before(st.b, s)) {
        return;
    }
    let Some(e) = st.matches(pid, s) else { return };
    if is_part(at(st.b, e)) || looks_fake(slice(st.b, s, e)) {
        return;
    }
    st.push(kind, s, e);
}

/// Too few distinct characters for a random token: `ghp_xxxx…`, `sk_live_0000…`.
fn looks_fake(token: &[u8]) -> bool {
    // The prefix adds a few distinct letters; a real body adds many more.
    too_few_distinct(token, 12)
}

fn aws_key_id(st: &mut State<'_, '_>, s: usize) {
    if is_alnum(before(st.b, s)) {
        return;
    }
    let Some(e) = st.matches(RE_AWS_KEY_ID, s) else { return };
    if is_alnum(at(st.b, e)) {
        return;
    }
    // Documented example keys (`…EXAMPLE`) count: they are what a leaking config looks like.
    st.push(&AWS_ACCESS_KEY_ID, s, e);
    aws_secret_window(st, s.saturating_sub(100), e + 100);
}

/// Forty-character base64 runs in `[lo, hi)`: an AWS secret key when next to a key id or a
/// secret-key field name (alone, such a run is any base64 blob).
fn aws_secret_window(st: &mut State<'_, '_>, lo: usize, hi: usize) {
    let b = st.b;
    let hi = hi.min(b.len());
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    // A run that started before the window may still be the key: back up to its start.
    let mut i = lo;
    while i > 0 && lo - i < 41 && is_b64(before(b, i)) {
        i -= 1;
    }
    while i < hi {
        if !is_b64(at(b, i)) {
            i += 1;
            continue;
        }
        let start = i;
        while is_b64(at(b, i)) && i - start <= 40 {
            i += 1;
        }
        if i - start == 40 && !is_b64(before(b, start)) {
            let v = slice(b, start, i);
            if aws_secret_like(v) {
                st.push(&AWS_SECRET_ACCESS_KEY, start, i);
            }
        }
        while i < hi && is_b64(at(b, i)) {
            i += 1;
        }
    }
}

fn aws_secret_like(v: &[u8]) -> bool {
    let c = Classes::of(v);
    let symbols = v.iter().filter(|&&x| x == b'/' || x == b'+').count();
    // Hex digests have no uppercase and at most 4 bits per character; paths have many slashes.
    c.upper
        && c.lower
        && (c.digit || c.symbol)
        && symbols <= 6
        && !v.windows(2).any(|w| w == b"//")
        && entropy(v) >= 4.0
}

fn private_key(st: &mut State<'_, '_>, s: usize) {
    if s < st.key_until {
        return;
    }
    let b = st.b;
    let mut k = s + "-----BEGIN".len();
    if at(b, k) != b' ' {
        return;
    }
    k += 1;
    let label_start = k;
    while k - label_start <= 100
        && !starts_with_at(b, k, b"-----")
        && matches!(at(b, k), b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b' ' | b'_' | b'-')
    {
        k += 1;
    }
    if !starts_with_at(b, k, b"-----") {
        return;
    }
    let label = slice(b, label_start, k).trim_ascii_end();
    let upper_ends = |suffix: &[u8]| {
        label.len() >= suffix.len()
            && label.get(label.len() - suffix.len()..).is_some_and(|t| t.eq_ignore_ascii_case(suffix))
    };
    if !upper_ends(b"PRIVATE KEY") && !upper_ends(b"PRIVATE KEY BLOCK") {
        return;
    }
    let header_end = k + 5;
    if !key_body_follows(b, header_end) {
        return;
    }
    let end = match st.text.get(header_end..).and_then(|rest| rest.find("-----END")) {
        Some(q) => {
            let after = header_end + q + "-----END".len();
            let mut j = after;
            while j - after < 120 && !matches!(at(b, j), 0 | b'\n') && !starts_with_at(b, j, b"-----") {
                j += 1;
            }
            if starts_with_at(b, j, b"-----") {
                j + 5
            } else {
                j
            }
        }
        // Truncated: the rest of the text is the key.
        None => b.len(),
    };
    st.push(&PRIVATE_KEY, s, end);
    st.key_until = end;
}

/// A key header is followed (after armor headers such as `Proc-Type:` or `Version:`) by a line of
/// base64. A short run counts — a truncated key is still a key — but `-----BEGIN … KEY-----"` in
/// code, or a `YOUR KEY HERE` stand-in, does not.
fn key_body_follows(b: &[u8], mut k: usize) -> bool {
    let mut armor_lines = 0;
    loop {
        loop {
            match at(b, k) {
                b' ' | b'\t' | b'\r' | b'\n' => k += 1,
                // A PEM quoted inside a shell or source string: `…-----\nMIIE…`.
                b'\\' if matches!(at(b, k + 1), b'n' | b'r') => k += 2,
                _ => break,
            }
        }
        let line_start = k;
        let mut j = k;
        while j - line_start < 200 && !matches!(at(b, j), 0 | b'\n') && !(at(b, j) == b'\\' && at(b, j + 1) == b'n') {
            j += 1;
        }
        let line = slice(b, line_start, j);
        if armor_lines < 6 && at(b, line_start).is_ascii_alphabetic() && line.contains(&b':') {
            armor_lines += 1;
            k = j;
            continue;
        }
        break;
    }
    let start = k;
    while k - start < 64 && (at(b, k).is_ascii_alphanumeric() || matches!(at(b, k), b'+' | b'/' | b'=')) {
        k += 1;
    }
    let run = slice(b, start, k);
    let c = Classes::of(run);
    run.len() >= 12 && u32::from(c.lower) + u32::from(c.upper) + u32::from(c.digit) + u32::from(c.symbol) >= 2
}

fn github(st: &mut State<'_, '_>, s: usize) {
    let pid = if starts_with_at(st.b, s, b"github_pat_") { RE_GITHUB_PAT } else { RE_GITHUB };
    simple(st, s, pid, &GITHUB_TOKEN, is_word);
}

fn gitlab(st: &mut State<'_, '_>, s: usize) {
    if is_alnum(before(st.b, s)) {
        return;
    }
    let Some(mut e) = st.matches(RE_GITLAB, s) else { return };
    if is_token(at(st.b, e)) {
        return;
    }
    // Routable tokens contain dots; a sentence's full stop is not part of one.
    while before(st.b, e) == b'.' {
        e -= 1;
    }
    let token = slice(st.b, s, e);
    let prefix = token.iter().position(|&c| c == b'-').map_or(0, |i| i + 1);
    if token.len() < prefix + 20 || looks_fake(token) {
        return;
    }
    st.push(&GITLAB_TOKEN, s, e);
}

fn slack(st: &mut State<'_, '_>, s: usize) {
    let pid = if starts_with_at(st.b, s, b"xapp-") { RE_SLACK_APP } else { RE_SLACK };
    simple(st, s, pid, &SLACK_TOKEN, |c| is_alnum(c) || c == b'-');
}

fn slack_webhook(st: &mut State<'_, '_>, s: usize) {
    let b = st.b;
    let Some(e) = st.matches(RE_SLACK_WEBHOOK, s) else { return };
    if is_token(at(b, e)) || is_alnum(before(b, s)) {
        return;
    }
    let path = slice(b, s, e);
    let last = path.rsplit(|&c| c == b'/').next().unwrap_or_default();
    // `…/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX` is Slack's documentation stand-in.
    if too_few_distinct(last, 6) {
        return;
    }
    let start = [b"https://".as_slice(), b"http://"]
        .iter()
        .find(|p| s >= p.len() && slice(b, s - p.len(), s).eq_ignore_ascii_case(p))
        .map_or(s, |p| s - p.len());
    st.push(&SLACK_WEBHOOK, start, e);
}

fn google_refresh(st: &mut State<'_, '_>, s: usize) {
    let b = st.b;
    if is_alnum(before(b, s)) || matches!(before(b, s), b'/' | b':') {
        return;
    }
    let Some(e) = st.matches(RE_GOOGLE_REFRESH, s) else { return };
    let body = slice(b, s + 4, e);
    if is_token(at(b, e)) || looks_fake(body) || entropy(body) < 3.5 {
        return;
    }
    st.push(&GOOGLE_REFRESH_TOKEN, s, e);
}

/// `sk-`: Anthropic (`sk-ant-api03-…`), OpenAI (`sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, legacy
/// keys with `T3BlbkFJ` inside), or a long random `sk-` key. `sk-learn`, `task-list` and
/// hyphenated words are too short, glued to a word, or not random.
fn sk_dash(st: &mut State<'_, '_>, s: usize) {
    let b = st.b;
    if is_token(before(b, s)) {
        return;
    }
    if starts_with_at(b, s, b"sk-ant-") {
        let Some(e) = st.matches(RE_ANTHROPIC, s) else { return };
        if !is_token(at(b, e)) && e - s >= 80 && !looks_fake(slice(b, s, e)) {
            st.push(&ANTHROPIC_API_KEY, s, e);
        }
        return;
    }
    let Some(e) = st.matches(RE_SK_DASH, s) else { return };
    if is_token(at(b, e)) {
        return;
    }
    let body = slice(b, s + 3, e);
    let c = Classes::of(body);
    let random = c.lower && c.upper && c.digit && entropy(body) >= 3.5;
    let marked = [b"proj-".as_slice(), b"svcacct-", b"admin-"]
        .iter()
        .find(|p| body.starts_with(p))
        .is_some_and(|p| body.len() >= p.len() + 20 && random);
    let legacy = body.windows(8).any(|w| w == b"T3BlbkFJ");
    if marked || legacy || (body.len() >= 32 && random) {
        st.push(&OPENAI_API_KEY, s, e);
    }
}

/// `SK` + 32 lowercase hex is a Twilio API key sid, which with its secret is a credential. `AC` +
/// 32 hex (an account sid) only names an account and is not reported, unless `:` and the 32-hex
/// auth token follow (`AC…:…`, the pair Basic auth carries).
fn twilio(text: &str, classes: &ByteClasses, hits: &mut Vec<Hit>) {
    let b = text.as_bytes();
    // `SK` is two capitals: candidates come from the capital mask, not a pass over the text.
    let pairs = classes.positions(|c, k| {
        let upper = super::classes::pair(c, k, |blk| blk.upper);
        (upper & (upper >> 1)) as u64
    });
    let hex32 = |from: usize| {
        let body = slice(b, from, from + 32);
        body.len() == 32 && body.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) && !too_few_distinct(body, 8)
    };
    for s in pairs {
        if is_alnum(before(b, s)) {
            continue;
        }
        if starts_with_at(b, s, b"AC") {
            if hex32(s + 2) && at(b, s + 34) == b':' && hex32(s + 35) && !is_alnum(at(b, s + 67)) {
                push(hits, &TWILIO_AUTH_TOKEN, s, s + 67);
            }
            continue;
        }
        if !starts_with_at(b, s, b"SK") {
            continue;
        }
        let body = slice(b, s + 2, s + 34);
        if body.len() == 32
            && body.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            && !is_alnum(at(b, s + 34))
            && !too_few_distinct(body, 8)
        {
            push(hits, &TWILIO_API_KEY, s, s + 34);
        }
    }
}

/// `eyJ…` `.` `eyJ…` `.` signature: three base64url parts whose header decodes to JSON with
/// `"alg"`. Public tokens shaped like JWTs (Mapbox `pk.eyJ…`) are preceded by `pk.`/`pk_` and
/// have no `alg`.
fn jwt(st: &mut State<'_, '_>, s: usize) {
    let b = st.b;
    let prev = before(b, s);
    let json_start =
        |k: usize| starts_with_at(b, k, b"eyJ") || starts_with_at(b, k, b"eyAi") || starts_with_at(b, k, b"ewo");
    if !json_start(s) || is_token(prev) || matches!(prev, b'.' | b'/' | b'+') {
        return;
    }
    let run = |from: usize, max: usize| {
        let mut k = from;
        while is_token(at(b, k)) && k - from <= max {
            k += 1;
        }
        k
    };
    let header_end = run(s, 4096);
    if header_end - s < 10 || header_end - s > 4096 || at(b, header_end) != b'.' {
        return;
    }
    let payload = header_end + 1;
    // Payloads can be long; the run is scanned once, as no other hit can start inside it.
    let payload_end = run(payload, usize::MAX);
    if payload_end - payload < 10 || !json_start(payload) || at(b, payload_end) != b'.' {
        return;
    }
    let sig_end = run(payload_end + 1, 4096);
    if sig_end - payload_end - 1 > 4096 || !header_has_alg(slice(b, s, header_end)) {
        return;
    }
    st.push(&JWT, s, sig_end);
}

/// Whether base64url `header` decodes to a JSON object naming `"alg"`. Streams: no allocation.
fn header_has_alg(header: &[u8]) -> bool {
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut window = [0u8; 5];
    let mut opened = false;
    for &c in header {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return false,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = ((acc >> bits) & 0xff) as u8;
            acc &= (1 << bits) - 1;
            if !opened {
                match byte {
                    b'{' => opened = true,
                    b' ' | b'\t' | b'\r' | b'\n' => {}
                    _ => return false,
                }
            }
            window.rotate_left(1);
            window[4] = byte;
            if &window == b"\"alg\"" {
                return true;
            }
        }
    }
    false
}

/// `scheme://user:password@host`: reports the password, whatever the scheme (databases, queues,
/// mail, FTP, HTTP basic auth). Empty passwords and stand-ins (`${DB_PASSWORD}`, `<password>`,
/// `***`, `password`, `xxx`, `changeme`) are not reported; short real passwords are.
fn url_password(st: &mut State<'_, '_>, p: usize) {
    let b = st.b;
    let mut ss = p;
    while ss > 0 && p - ss < 32 && matches!(before(b, ss), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'+' | b'.' | b'-')
    {
        ss -= 1;
    }
    if ss == p || !at(b, ss).is_ascii_alphabetic() {
        return;
    }
    // The authority runs to the path. `?` and `#` end it too, except inside a password written
    // unencoded (`u:pa#ss@host`), which the last `@` reveals.
    let auth = p + 3;
    let mut k = auth;
    let mut at_sign = None;
    while k - auth < 256 {
        match at(b, k) {
            0 | b'/' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' => break,
            b'@' => at_sign = Some(k),
            _ => {}
        }
        k += 1;
    }
    let Some(at_sign) = at_sign else { return };
    let host = slice(b, at_sign + 1, k);
    if host.is_empty() || host.iter().any(|&c| matches!(c, b'?' | b'#')) {
        return;
    }
    let userinfo = slice(b, auth, at_sign);
    let Some(colon) = userinfo.iter().position(|&c| c == b':') else { return };
    if userinfo.iter().take(colon).any(|&c| matches!(c, b'?' | b'#' | b'@')) {
        return;
    }
    let (ps, pe) = (auth + colon + 1, at_sign);
    let password = slice(b, ps, pe);
    if password.is_empty() || is_placeholder(password) {
        return;
    }
    st.push(&URL_PASSWORD, ps, pe);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> &'static Engine {
        ENGINE.as_ref().expect("the automata build")
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_gate_builds_on_x86_64() {
        assert!(engine().gate.is_some(), "without the gate every payload steps through the keyword automaton");
    }

    /// Matches that can wake a detector: all but `://` in a text without an `@` (a URL password
    /// needs one), as (keyword, start, end).
    fn waking(text: &str, matches: impl Iterator<Item = aho_corasick::Match>) -> Vec<(usize, usize, usize)> {
        matches
            .filter(|m| text.contains('@') || KEYWORDS.get(m.pattern().as_usize()).is_some_and(|(_, d)| *d != Det::Url))
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    /// Keyword matches found by reading only the windows, in order.
    fn windowed(text: &str) -> Vec<(usize, usize, usize)> {
        let windows = keyword_windows(engine(), text.as_bytes(), &ByteClasses::of(text.as_bytes()));
        let matches = windows
            .iter()
            .flat_map(|&(a, z)| engine().keywords.find_overlapping_iter(aho_corasick::Input::new(text).range(a..z)));
        waking(text, matches)
    }

    fn everywhere(text: &str) -> Vec<(usize, usize, usize)> {
        waking(text, engine().keywords.find_overlapping_iter(text))
    }

    /// The windows are only sound if every keyword, in any case and anywhere, falls in one (`://`
    /// with the `@` a URL password needs).
    #[test]
    fn every_keyword_falls_in_a_window_in_any_case() {
        for (word, det) in KEYWORDS {
            let word = if *det == Det::Url { format!("{word}u:p@h") } else { (*word).to_owned() };
            let mixed: String =
                word.chars().enumerate().map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c }).collect();
            for form in [word.to_string(), word.to_ascii_uppercase(), mixed] {
                for text in [form.clone(), format!("{}{form}", "x".repeat(600)), format!("ordinary text, then {form}.")]
                {
                    assert!(!windowed(&text).is_empty(), "{text:?}");
                    assert_eq!(windowed(&text), everywhere(&text), "{text:?}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Reading the windows finds exactly the matches a pass over the whole text finds, in the
        /// same order, with keywords overlapping, adjacent, repeated and far apart.
        #[test]
        fn windows_lose_no_keyword_match(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(KEYWORDS.iter().map(|(w, _)| (*w).to_owned()).collect::<Vec<_>>()),
                    "[a-zA-Z0-9 _.:/@-]{0,90}",
                    proptest::prelude::Just("passpassword_token".to_owned()),
                ],
                0..20,
            ),
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(windowed(&text), everywhere(&text));
        }
    }

    #[test]
    fn links_without_credentials_have_no_window() {
        let text = "See https://docs.example.com/guides/setup and http://status.example.org/ for the details.";
        assert!(
            engine().gate.is_none()
                || keyword_windows(engine(), text.as_bytes(), &ByteClasses::of(text.as_bytes())).is_empty()
        );
        let mut hits = Vec::new();
        super::super::scan("postgres://billing:Vv9kq2Lr7x@db.internal:5432/billing and more text after it", &mut hits);
        assert_eq!(hits.iter().map(|h| h.kind.id).collect::<Vec<_>>(), ["url_password"]);
    }

    #[test]
    fn ordinary_text_has_no_window() {
        let text = r#"{"id":"evt_00017","event_id":"94680787-9f04-4c13-9add-e16001cc0011","note":"Routine telemetry sample; battery nominal."}"#;
        assert!(
            engine().gate.is_none()
                || keyword_windows(engine(), text.as_bytes(), &ByteClasses::of(text.as_bytes())).is_empty()
        );
    }
}
