//! The HTTP analyzer: decides a request by where it goes, what it asks the server to do, and what
//! it carries.
//!
//! 1. **Destination** ([`destination`](super::destination)): cloud metadata endpoints in any
//!    spelling are `credential.read`; request catchers, paste sites, tunnels and bare public IPs
//!    are noted as `egress.untrusted_host`.
//! 2. **Meaning** ([`api`]): the method and URL read as the API they belong to — collection and
//!    wildcard deletes, bulk-delete endpoints, Kubernetes, cloud query APIs, code hosts, secret
//!    stores, role assignments, and commands run through `exec` endpoints (analysed as shell).
//! 3. **Payload** ([`payload`](super::payload), [`egress`](super::egress)): query string, headers
//!    and body scanned for secrets and personal data, judged by the destination.

pub(crate) mod api;

use std::borrow::Cow;

use serde_json::Value;
use smallvec::SmallVec;

use crate::fact::{Fact, Facts, Location, Severity, Span, Target};
use crate::intent::Intent;

use super::destination::{classify, host_in, split_authority, without_userinfo, HostClass};
use super::egress::{self, Receiver};
use super::payload::{self, Batch, Key, Scan};
use super::{Analysis, Detector};

pub(crate) const DESTINATION: Detector =
    Detector { id: "http/destination", intents: &[Intent::CredentialRead, Intent::EgressUntrustedHost], triggers: &[] };

pub(crate) const EGRESS: Detector =
    Detector { id: "http/egress", intents: &[Intent::EgressSecret, Intent::EgressPii], triggers: &[] };

pub(crate) const ALL: &[&Detector] = &[&DESTINATION, &EGRESS, &api::DESTRUCTIVE, &api::PRIVILEGE, &api::SECRET_STORE];

/// JSON paths of a request's parts, for findings: `$.url` for an HTTP action, `$.args.url` for
/// a tool call's.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    // Static for an HTTP action on the wire, built for a tool call's arguments.
    pub(crate) url: Cow<'static, str>,
    pub(crate) headers: Cow<'static, str>,
    pub(crate) body: Cow<'static, str>,
    /// Whether the URL is the action's primary text (spans into it need no location).
    pub(crate) url_is_primary: bool,
}

impl Paths {
    /// The paths of an HTTP action on the wire.
    pub(crate) fn wire() -> Paths {
        Paths {
            url: Cow::Borrowed("$.url"),
            headers: Cow::Borrowed("$.headers"),
            body: Cow::Borrowed("$.body"),
            url_is_primary: true,
        }
    }
}

/// A request, borrowed from an HTTP action or a tool call's arguments.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) headers: Vec<(&'a str, &'a str)>,
    pub(crate) body: Option<&'a Value>,
    pub(crate) at: Paths,
}

/// A URL taken apart, with its path and query decoded. Borrows from the URL unless decoding or
/// lowercasing changed a part.
#[derive(Debug)]
pub(crate) struct Url<'a> {
    /// Lowercase, without a trailing dot.
    pub(crate) host: Cow<'a, str>,
    pub(crate) port: Option<u16>,
    /// Decoded path segments, without empty ones.
    pub(crate) segments: SmallVec<[Cow<'a, str>; 6]>,
    /// Decoded query pairs.
    pub(crate) query: Vec<(String, String)>,
}

impl<'a> Url<'a> {
    pub(crate) fn parse(url: &'a str) -> Url<'a> {
        let (authority, path_query) = split_authority(url);
        // After the userinfo, the last `:` starts the port (`[::1]:8443`; `::` is IPv6, not one).
        let hostport = without_userinfo(authority);
        let port = memchr::memrchr(b':', hostport.as_bytes())
            .filter(|&colon| colon == 0 || hostport.as_bytes().get(colon - 1) != Some(&b':'))
            .and_then(|colon| hostport.get(colon + 1..))
            .and_then(|p| p.trim_end_matches(']').parse().ok());
        let (path, query) = path_and_query(path_query);
        Url {
            host: host_in(authority),
            port,
            segments: segments(path),
            query: if query.is_empty() { Vec::new() } else { payload::form_pairs(query) },
        }
    }

    /// The value of the first query parameter named `name` (ASCII case ignored).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The path and the query of what follows a URL's authority (the fragment dropped).
fn path_and_query(rest: &str) -> (&str, &str) {
    let b = rest.as_bytes();
    let end = memchr::memchr(b'#', b).unwrap_or(b.len());
    match memchr::memchr(b'?', b.get(..end).unwrap_or_default()) {
        Some(q) => (rest.get(..q).unwrap_or(""), rest.get(q + 1..end).unwrap_or("")),
        None => (rest.get(..end).unwrap_or(""), ""),
    }
}

/// The non-empty `/`-separated segments of `path`, percent-decoded. One pass over the bytes:
/// a `split` searcher per segment cost more than the short paths it splits.
fn segments(path: &str) -> SmallVec<[Cow<'_, str>; 6]> {
    let mut out = SmallVec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, b) in path.bytes().chain(std::iter::once(b'/')).enumerate() {
        match b {
            b'/' => {
                if i > start {
                    // `/` is ASCII, so both ends are character boundaries.
                    let segment = path.get(start..i).unwrap_or("");
                    out.push(if escaped {
                        Cow::Owned(payload::percent_decode(segment, false))
                    } else {
                        Cow::Borrowed(segment)
                    });
                }
                (start, escaped) = (i + 1, false);
            }
            b'%' => escaped = true,
            _ => {}
        }
    }
    out
}

/// Headers whose value is a credential for the host it is sent to.
pub(crate) fn is_auth_header(name: &str) -> bool {
    const NAMES: &[&str] =
        &["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey", "x-auth-token"];
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)) || ends_with("-token") || ends_with("-key")
}

/// Whether a URL path is a login or token exchange, whose credentials are for its own host.
pub(crate) fn is_auth_endpoint(url: &Url) -> bool {
    const SEGMENTS: &[&str] = &[
        "token",
        "tokens",
        "oauth",
        "oauth2",
        "login",
        "signin",
        "sign_in",
        "auth",
        "authorize",
        "authenticate",
        "session",
        "sessions",
        "connect",
    ];
    url.segments.iter().any(|s| {
        SEGMENTS.iter().any(|n| s.eq_ignore_ascii_case(n))
            || s.get(..6).is_some_and(|head| head.eq_ignore_ascii_case("token."))
    })
}

/// Analyses `request` into `facts`.
pub(crate) fn analyze(request: &Request<'_>, cx: &Analysis<'_>, facts: &mut Facts) {
    let url = Url::parse(request.url);
    let class = classify(&url.host, request.url, cx.destinations());
    let method = effective_method(request, &url);
    let whole = Span::new(0, request.url.len());
    let url_fact =
        |intent: Intent, severity: Severity, detector: &'static str, target: Option<Target>, message: String| {
            let fact = Fact { intent, severity, span: whole, detector, target, message, location: None };
            if request.at.url_is_primary {
                fact
            } else {
                super::located(fact, &request.at.url, request.url)
            }
        };
    match class {
        HostClass::Metadata if crate::analyze::destination::metadata_reveals_no_secret(request.url) => {}
        HostClass::Metadata => facts.push(url_fact(
            Intent::CredentialRead,
            Severity::High,
            DESTINATION.id,
            Some(Target { kind: "location", name: url.host.to_string() }),
            format!("requests `{}`, a cloud metadata endpoint that hands out the machine's credentials", url.host),
        )),
        HostClass::Untrusted | HostClass::BareIp => facts.push(url_fact(
            Intent::EgressUntrustedHost,
            Severity::Low,
            DESTINATION.id,
            Some(Target { kind: "location", name: url.host.to_string() }),
            format!("talks to {}", class.describe(&url.host)),
        )),
        _ => {}
    }
    let body = body_value(request);
    let body = body.as_deref();
    api::check(
        &method,
        &url,
        request,
        body,
        &cx.shell.protected_branches,
        &mut |intent, severity, detector, target, message| {
            facts.push(url_fact(intent, severity, detector, target, message));
        },
    );
    // Commands carried by `exec` endpoints are analysed as shell, pointing at the URL.
    if let Some(command) = api::exec_command(&url, body) {
        super::code(super::Code::Shell(&command), Some(&request.at.url), cx, facts);
    }
    if let Some(command) = api::script_console(&url, body) {
        super::code(super::Code::Shell(&command), Some(&request.at.body), cx, facts);
    }
    // Writes that hand a control plane a command to run.
    if matches!(method.as_ref(), "POST" | "PUT" | "PATCH") {
        for command in api::body_commands(body) {
            super::code(super::Code::Shell(&command), Some(&request.at.body), cx, facts);
        }
    }

    // The whole URL (credentials in its userinfo, tokens in its path), the query, the headers and
    // the body: one scan.
    // `Authorization: Basic …` carries `user:password` in base64: scanned decoded too.
    let basic: Vec<(&str, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| is_auth_header(name))
        .filter_map(|(name, value)| {
            let encoded = value.trim().strip_prefix("Basic ").or_else(|| value.trim().strip_prefix("basic "))?;
            crate::analyze::shell::programs::decode_b64(encoded.trim()).map(|d| (*name, d))
        })
        .collect();
    let mut batch = Batch::default();
    batch.text(request.url, &request.at.url, Key::None, false);
    for (name, decoded) in &basic {
        batch.text(decoded, &request.at.headers, Key::Field(name), true);
    }
    for (k, v) in &url.query {
        batch.pair(k, v, &request.at.url, Key::Query(k));
    }
    for (name, value) in &request.headers {
        batch.text(value, &request.at.headers, Key::Field(name), is_auth_header(name));
    }
    if let Some(b) = request.body {
        batch.value(b, &request.at.body);
    }
    let mut scan = Scan::default();
    scan.batch(&batch, 0);
    let receiver = Receiver::Host { host: &url.host, class, auth_endpoint: is_auth_endpoint(&url) };
    egress::judge(&scan, receiver, EGRESS.id, facts);
    if scan.truncated {
        facts.push(Fact {
            intent: Intent::Unanalyzable,
            severity: Severity::Medium,
            span: Span::default(),
            detector: "http/unanalyzable",
            target: None,
            message: "the body nests deeper than the engine follows".to_owned(),
            location: Some(Box::new(Location { path: request.at.body.to_string(), evidence: String::new() })),
        });
    }
}

/// The method the server will act on: `X-HTTP-Method-Override` and `?_method=` beat the verb.
fn effective_method<'a>(request: &Request<'a>, url: &'a Url<'_>) -> Cow<'a, str> {
    let overridden = request
        .headers
        .iter()
        .find(|(k, _)| {
            k.eq_ignore_ascii_case("x-http-method-override")
                || k.eq_ignore_ascii_case("x-http-method")
                || k.eq_ignore_ascii_case("x-method-override")
        })
        .map(|(_, v)| *v)
        .or_else(|| url.param("_method"));
    let method = overridden.unwrap_or(request.method).trim();
    // Copied only when it has letters to raise (`post`); `POST` is borrowed.
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(method.to_ascii_uppercase())
    } else {
        Cow::Borrowed(method)
    }
}

/// The body as JSON: JSON bodies as they are, JSON and form text parsed.
fn body_value<'a>(request: &Request<'a>) -> Option<Cow<'a, Value>> {
    match request.body? {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(v) = serde_json::from_str(t) {
                    return Some(Cow::Owned(v));
                }
            }
            if t.contains('=') && !t.contains(char::is_whitespace) {
                let map = payload::form_pairs(t).into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                return Some(Cow::Owned(Value::Object(map)));
            }
            request.body.map(Cow::Borrowed)
        }
        other => Some(Cow::Borrowed(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_taken_apart() {
        let u = Url::parse("https://user:pw@Api.Example.com:8443/v1/a%20b/c?x=1&y=a%2Fb#frag");
        assert_eq!(u.host, "api.example.com");
        assert_eq!(u.port, Some(8443));
        assert_eq!(u.segments.as_slice(), ["v1", "a b", "c"]);
        assert_eq!(u.param("Y"), Some("a/b"));
        let bare = Url::parse("https://h//x%2Fy//z?#q?");
        assert_eq!(bare.segments.as_slice(), ["x/y", "z"]);
        assert!(bare.query.is_empty());
        assert_eq!(Url::parse("https://h/a#b/c").segments.as_slice(), ["a"]);
        assert_eq!(Url::parse("https://h").segments.len(), 0);
        let v6 = Url::parse("http://[::ffff:a9fe:a9fe]/latest");
        assert_eq!(v6.host, "::ffff:a9fe:a9fe");
        assert_eq!(v6.port, None);
        assert_eq!(Url::parse("http://[::1]:8443/x").port, Some(8443));
        assert_eq!(Url::parse("http://a@b@host:81").port, Some(81));
        assert_eq!(Url::parse("http://user:pw@host/x").port, None);
    }
}
