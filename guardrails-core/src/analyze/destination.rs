//! Where a request or an upload goes: the organisation's own hosts, internal addresses, cloud
//! metadata endpoints, services built for receiving data from strangers, bare public IPs, or the
//! rest of the internet. Shared by the shell analyzer (`curl`, `scp`, `nc`), the HTTP analyzer
//! and the tool-call analyzer, so one host is judged the same way whichever way it is reached.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

use crate::glob::Glob;

/// What the policy says about destinations (`organization`, `untrusted_hosts`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Destinations {
    /// The organisation's own domains and hosts.
    pub(crate) org_hosts: Vec<Glob>,
    /// Hosts the policy adds to the built-in list of request catchers, paste sites and tunnels.
    pub(crate) untrusted: Vec<Glob>,
    /// The organisation's GitHub organisations (`acme-corp`), lower-cased.
    pub(crate) github_orgs: Vec<String>,
    /// The organisation's buckets (`acme-*`); empty when the policy names none, and then no
    /// bucket is judged outside.
    pub(crate) org_buckets: Vec<Glob>,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostClass {
    /// The organisation's own domains and hosts.
    Organization,
    /// Loopback and private addresses, single-label names.
    Internal,
    /// A cloud instance-metadata endpoint.
    Metadata,
    /// Request catchers, paste and file-drop sites, tunnels.
    Untrusted,
    /// A public IP address with no name.
    BareIp,
    /// Any other public host.
    Unknown,
}

impl HostClass {
    /// Whether data sent there leaves the organisation.
    pub(crate) fn leaves(self) -> bool {
        matches!(self, HostClass::Untrusted | HostClass::BareIp | HostClass::Unknown)
    }

    /// How a message names a host of this class.
    pub(crate) fn describe(self, host: &str) -> String {
        match self {
            HostClass::Untrusted => format!("`{host}`, a request catcher, paste or file-drop service"),
            HostClass::BareIp => format!("the bare IP address `{host}`"),
            HostClass::Metadata => format!("`{host}`, a cloud metadata endpoint"),
            HostClass::Organization | HostClass::Internal => format!("`{host}`, inside the organisation"),
            HostClass::Unknown => format!("`{host}`, outside the organisation"),
        }
    }
}

/// Hosts whose purpose is receiving data from strangers. Policies extend it with `untrusted_hosts`.
pub(crate) const UNTRUSTED_SUFFIXES: &[&str] = &[
    "webhook.site",
    "requestbin.com",
    "requestbin.net",
    "hookb.in",
    "pipedream.net",
    "pipedream.com",
    "beeceptor.com",
    "requestcatcher.com",
    "mockbin.org",
    "postb.in",
    "ptsv2.com",
    "ptsv3.com",
    "ngrok.io",
    "ngrok-free.app",
    "ngrok-free.dev",
    "ngrok.app",
    "ngrok.dev",
    "trycloudflare.com",
    "serveo.net",
    "serveousercontent.com",
    "loca.lt",
    "localtunnel.me",
    "localhost.run",
    "lhr.life",
    "pagekite.me",
    "telebit.cloud",
    "pastebin.com",
    "paste.ee",
    "paste.ubuntu.com",
    "paste.debian.net",
    "paste.rs",
    "pastie.io",
    "rentry.co",
    "controlc.com",
    "hastebin.com",
    "ghostbin.com",
    "dpaste.com",
    "dpaste.org",
    "termbin.com",
    "paste.c-net.org",
    "transfer.sh",
    "file.io",
    "0x0.st",
    "oshi.at",
    "temp.sh",
    "bashupload.com",
    "gofile.io",
    "catbox.moe",
    "litterbox.catbox.moe",
    "anonfiles.com",
    "wetransfer.com",
    "sendspace.com",
    "filebin.net",
    "interact.sh",
    "interactsh.com",
    "oast.fun",
    "oast.live",
    "oast.me",
    "oast.pro",
    "oast.site",
    "oast.online",
    "burpcollaborator.net",
    "oastify.com",
    "canarytokens.com",
    "dnslog.cn",
    "discord.com/api/webhooks",
    "discordapp.com/api/webhooks",
    "api.telegram.org/bot",
    "ix.io",
    "sprunge.us",
];

/// The host part of a URL or `user@host:path`, lower-cased, without port, brackets or trailing dot.
pub(crate) fn host_of(target: &str) -> String {
    host_in(split_authority(target).0).into_owned()
}

/// A URL's authority (`user@host:port`) and what follows it (path, query, fragment).
pub(crate) fn split_authority(target: &str) -> (&str, &str) {
    let t = target.trim();
    // The first `://` (found through its `:`, cheaper than a substring search on short texts).
    let scheme_end = memchr::memchr_iter(b':', t.as_bytes()).find(|&i| t.as_bytes().get(i + 1..i + 3) == Some(b"//"));
    let rest = match scheme_end {
        Some(i) => t.get(i + 3..).unwrap_or(""),
        None => t.strip_prefix("//").unwrap_or(t),
    };
    let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\')).unwrap_or(rest.len());
    rest.split_at(end)
}

/// The host of an authority: lowercase, without userinfo, port, brackets or a trailing dot.
pub(crate) fn host_in(authority: &str) -> Cow<'_, str> {
    let authority = without_userinfo(authority);
    let host = if let Some(inner) = authority.strip_prefix('[') {
        inner.split_once(']').map_or(inner, |(h, _)| h)
    } else {
        find_byte(authority, b':').and_then(|i| authority.get(..i)).unwrap_or(authority)
    };
    let host = host.trim_end_matches('.');
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// An authority's `host:port`, after the last `@` (userinfo may hold `@` itself).
pub(crate) fn without_userinfo(authority: &str) -> &str {
    match memchr::memrchr(b'@', authority.as_bytes()) {
        Some(at) => authority.get(at + 1..).unwrap_or(""),
        None => authority,
    }
}

/// The position of the ASCII byte `needle` in `s` (cutting there keeps UTF-8 whole). A byte loop:
/// hosts are short, and `str`'s char searcher costs more to set up than it scans.
pub(crate) fn find_byte(s: &str, needle: u8) -> Option<usize> {
    s.bytes().position(|b| b == needle)
}

/// Whether `host` is `suffix` or a subdomain of it.
pub(crate) fn host_within(host: &str, suffix: &str) -> bool {
    host == suffix || host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'))
}

/// [`UNTRUSTED_SUFFIXES`] split once: whole hosts in a set, looked up by each of the host's
/// dot-suffixes (a few lookups instead of a pass over the list); hosts that are untrusted only
/// under a path (webhooks on a shared host) in a short list.
struct Untrusted {
    hosts: HashSet<&'static str, foldhash::fast::RandomState>,
    with_path: Vec<(&'static str, &'static str)>,
}

static UNTRUSTED: LazyLock<Untrusted> = LazyLock::new(|| {
    let mut untrusted = Untrusted { hosts: HashSet::default(), with_path: Vec::new() };
    for s in UNTRUSTED_SUFFIXES {
        match s.split_once('/') {
            Some((h, _)) => untrusted.with_path.push((h, s)),
            None => {
                untrusted.hosts.insert(s);
            }
        }
    }
    untrusted
});

fn is_untrusted(host: &str, url: &str) -> bool {
    let untrusted = &*UNTRUSTED;
    let mut suffix = host;
    loop {
        if untrusted.hosts.contains(suffix) {
            return true;
        }
        match find_byte(suffix, b'.').and_then(|i| suffix.get(i + 1..)) {
            Some(rest) => suffix = rest,
            None => break,
        }
    }
    untrusted.with_path.iter().any(|(h, prefix)| host_within(host, h) && url.to_ascii_lowercase().contains(prefix))
}

/// The host with each letter that looks like a Latin one (Cyrillic `а`, `е`, `о`, `р`, `с`, Greek
/// `ο`, `α`, …) replaced by it. Hand-written: the full Unicode confusables table is large, and
/// host names are spoofed with a few dozen letters.
fn ascii_skeleton(host: &str) -> String {
    host.chars()
        .map(|c| match c {
            'а' | 'α' | 'ɑ' => 'a',
            'Ь' | 'ƅ' => 'b',
            'с' | 'ϲ' | 'ⅽ' => 'c',
            'ԁ' | 'ⅾ' => 'd',
            'е' | 'ё' | 'ε' | 'ҽ' => 'e',
            'ɡ' => 'g',
            'һ' => 'h',
            'і' | 'ı' | 'ι' | 'ⅰ' | 'ӏ' => 'i',
            'ј' | 'ϳ' => 'j',
            'κ' | 'к' => 'k',
            'ⅼ' | 'ǀ' => 'l',
            'ⅿ' => 'm',
            'ո' | 'п' => 'n',
            'о' | 'ο' | 'օ' | 'σ' => 'o',
            'р' | 'ρ' => 'p',
            'ԛ' => 'q',
            'г' => 'r',
            'ѕ' => 's',
            'т' | 'τ' => 't',
            'υ' | 'ս' => 'u',
            'ν' | 'ѵ' | 'ⅴ' => 'v',
            'ԝ' | 'ѡ' => 'w',
            'х' | 'χ' | 'ⅹ' => 'x',
            'у' | 'γ' => 'y',
            'ᴢ' => 'z',
            '‐' | '‑' | '‒' | '–' | '−' => '-',
            other => other,
        })
        .collect()
}

/// Whether a request to a cloud metadata endpoint reads only a fact about the machine (its zone,
/// id, type, hostname, addresses), not credentials, tokens, user data or startup scripts.
pub(crate) fn metadata_reveals_no_secret(url: &str) -> bool {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.find('/').map_or("", |at| &path[at..]);
    let path = path.split(['?', '#']).next().unwrap_or(path).trim_end_matches('/').to_ascii_lowercase();
    let Some(leaf) = path.rsplit('/').next() else { return false };
    let secret_parts = [
        "iam",
        "identity",
        "token",
        "credential",
        "user-data",
        "userdata",
        "service-account",
        "attributes",
        "keys",
        "secret",
        "password",
    ];
    if secret_parts.iter().any(|p| path.contains(p)) {
        return false;
    }
    matches!(
        leaf,
        "instance-id"
            | "instance-type"
            | "ami-id"
            | "hostname"
            | "local-hostname"
            | "public-hostname"
            | "local-ipv4"
            | "public-ipv4"
            | "mac"
            | "availability-zone"
            | "availability-zone-id"
            | "region"
            | "zone"
            | "machine-type"
            | "project-id"
            | "numeric-project-id"
            | "location"
            | "vmsize"
            | "instance-life-cycle"
            | "placement-group"
            // ECS task metadata (v3/v4): the task's and container's description and stats.
            | "task"
            | "stats"
            | "taskwithtags"
    )
}

/// Classifies `host` (and, for webhooks on shared hosts, the whole `url`).
pub(crate) fn classify(host: &str, url: &str, policy: &Destinations) -> HostClass {
    if host.is_empty() {
        return HostClass::Unknown;
    }
    if policy.org_hosts.iter().any(|g| g.matches(host)) {
        return HostClass::Organization;
    }
    if policy.untrusted.iter().any(|g| g.matches(host)) {
        return HostClass::Untrusted;
    }
    // `api.acmе-corp.com` with a Cyrillic `е`: a name made to pass for the organisation's.
    if !host.is_ascii() {
        let skeleton = ascii_skeleton(host);
        if skeleton.is_ascii() && policy.org_hosts.iter().any(|g| g.matches(&skeleton)) {
            return HostClass::Untrusted;
        }
    }
    if is_untrusted(host, url) {
        return HostClass::Untrusted;
    }
    if matches!(
        host,
        "metadata.google.internal"
            | "metadata"
            | "metadata.azure.com"
            | "instance-data"
            | "instance-data.ec2.internal"
            | "metadata.tencentyun.com"
            | "metadata.platformequinix.com"
            | "metadata.packet.net"
    ) {
        return HostClass::Metadata;
    }
    if let Some(ip) = parse_ipv4(host).or_else(|| wildcard_dns_ip(host)) {
        return classify_ipv4(ip);
    }
    if find_byte(host, b':').is_some() {
        return match host.split('%').next().unwrap_or(host).parse::<Ipv6Addr>() {
            Ok(ip) => classify_ipv6(ip),
            Err(_) => HostClass::Unknown,
        };
    }
    // Single-label names (`web-1`, `db`) resolve through the local search domain.
    if host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host.ends_with(".internal")
        || host.ends_with(".svc")
        || host.ends_with(".cluster.local")
        || find_byte(host, b'.').is_none()
    {
        return HostClass::Internal;
    }
    HostClass::Unknown
}

/// Wildcard DNS services: a name under them resolves to the address written in it
/// (`169.254.169.254.nip.io`, `app-10-0-0-5.sslip.io`, `a9fea9fe.nip.io`), so the name reaches
/// whatever the address does — the classic way around a block on metadata addresses.
const WILDCARD_DNS: &[&str] = &["nip.io", "sslip.io", "xip.io", "nip.direct", "traefik.me", "backname.io"];
/// Names that always resolve to the loopback address.
const LOOPBACK_DNS: &[&str] = &["localtest.me", "lvh.me", "vcap.me", "lacolhost.com"];

/// The address a wildcard-DNS name resolves to.
fn wildcard_dns_ip(host: &str) -> Option<[u8; 4]> {
    if LOOPBACK_DNS.iter().any(|d| host_within(host, d)) {
        return Some([127, 0, 0, 1]);
    }
    let suffix = WILDCARD_DNS.iter().find(|d| host_within(host, d))?;
    let name = host.strip_suffix(suffix)?.strip_suffix('.')?;
    // Dotted, the last four labels; or dashed, in the last label (`app-169-254-169-254`).
    let last_four = |text: &str, sep: char| -> Option<[u8; 4]> {
        let parts: Vec<&str> = text.rsplit(sep).take(4).collect();
        let quad: Vec<u8> = parts.iter().rev().map(|p| p.parse().ok()).collect::<Option<_>>()?;
        <[u8; 4]>::try_from(quad).ok()
    };
    let last = name.rsplit('.').next()?;
    if let Some(ip) = last_four(name, '.').or_else(|| last_four(last, '-')) {
        return Some(ip);
    }
    // Hex, in the last label: `a9fea9fe`.
    let hex = last.rsplit('-').next()?;
    (hex.len() == 8).then(|| u32::from_str_radix(hex, 16).ok().map(u32::to_be_bytes)).flatten()
}

fn classify_ipv4(ip: [u8; 4]) -> HostClass {
    match ip {
        [169, 254, 169, 254] | [169, 254, 170, 2] | [169, 254, 169, 123] | [100, 100, 100, 200] => HostClass::Metadata,
        [127, ..] | [10, ..] | [192, 168, ..] | [0, 0, 0, 0] | [169, 254, ..] => HostClass::Internal,
        [172, b, ..] if (16..=31).contains(&b) => HostClass::Internal,
        // Carrier-grade NAT space, used by overlay networks (Tailscale) for private hosts.
        [100, b, ..] if (64..=127).contains(&b) => HostClass::Internal,
        _ => HostClass::BareIp,
    }
}

fn classify_ipv6(ip: Ipv6Addr) -> HostClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_ipv4(v4.octets());
    }
    let s = ip.segments();
    if s == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return HostClass::Metadata;
    }
    if ip.is_loopback() || ip.is_unspecified() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 {
        return HostClass::Internal;
    }
    HostClass::BareIp
}

/// Every IPv4 spelling `inet_aton` accepts, which is what resolvers and HTTP clients hand to the
/// network: dotted (`169.254.169.254`), decimal (`2852039166`), hex (`0xa9fea9fe`), octal parts
/// (`0251.0376.0251.0376`), and the short forms whose last part fills the remaining bytes
/// (`169.254.43518` is `a.b.c` with a 16-bit `c`; `169.16689662` is `a.b` with a 24-bit `b`).
pub(crate) fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let num = |s: &str| -> Option<u64> {
        if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            u64::from_str_radix(h, 16).ok()
        } else if s.len() > 1 && s.starts_with('0') {
            u64::from_str_radix(s, 8).ok()
        } else {
            s.parse().ok()
        }
    };
    // Every spelling (decimal, octal, `0x` hex) is hex digits, `x` and dots: names are out at once.
    if !host.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b'x' | b'X')) {
        return None;
    }
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let values: Vec<u64> = parts.iter().map(|p| num(p)).collect::<Option<_>>()?;
    // Every part but the last is one byte; the last fills the bytes that are left.
    let (leading, last) = values.split_at(values.len() - 1);
    if leading.iter().any(|&b| b > 255) {
        return None;
    }
    let last_bits = 8 * (5 - values.len() as u32);
    if last[0] >= 1u64 << last_bits {
        return None;
    }
    let value = leading.iter().enumerate().fold(last[0], |acc, (i, &b)| acc | (b << (24 - 8 * i as u32)));
    let v = u32::try_from(value).ok()?;
    Some(v.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_hosts_match_whole_labels_and_paths() {
        assert!(is_untrusted("webhook.site", "https://webhook.site/x"));
        assert!(is_untrusted("abc.ngrok.app", "https://abc.ngrok.app/"));
        assert!(!is_untrusted("notwebhook.site", "https://notwebhook.site/x"));
        assert!(!is_untrusted("webhook.site.example.com", "https://webhook.site.example.com/"));
        assert!(is_untrusted("discord.com", "https://Discord.com/api/webhooks/1/a"));
        assert!(!is_untrusted("discord.com", "https://discord.com/channels/1"));
    }

    fn acme() -> Destinations {
        Destinations {
            org_hosts: vec![Glob::new("acme-corp.com"), Glob::new("*.acme-corp.com"), Glob::new("*.acme.internal")],
            untrusted: vec![Glob::new("*.evil-drop.example")],
            github_orgs: vec!["acme-corp".to_owned()],
            org_buckets: vec![Glob::new("acme-*")],
        }
    }

    #[test]
    fn hosts_are_classified() {
        let policy = acme();
        let c = |u: &str| classify(&host_of(u), u, &policy);
        assert_eq!(c("https://api.acme-corp.com/v1"), HostClass::Organization);
        assert_eq!(c("db-main.acme.internal:/x"), HostClass::Organization);
        assert_eq!(c("https://webhook.site/abc"), HostClass::Untrusted);
        assert_eq!(c("https://5f3a-198-51-100-7.ngrok.app/hook"), HostClass::Untrusted);
        assert_eq!(c("https://x.evil-drop.example/u"), HostClass::Untrusted);
        // Discord is a shared host: only its webhook path is a drop box.
        assert_eq!(c("https://discord.com/api/webhooks/1/abc"), HostClass::Untrusted);
        assert_eq!(c("https://discord.com/channels/1"), HostClass::Unknown);
        assert_eq!(c("https://notwebhook.site/x"), HostClass::Unknown);
        assert_eq!(c("http://guest@198.51.100.177"), HostClass::BareIp);
        assert_eq!(c("http://10.0.0.5:8080/"), HostClass::Internal);
        assert_eq!(c("http://100.101.102.103/"), HostClass::Internal);
        assert_eq!(c("https://go.dev/dl/x"), HostClass::Unknown);
        assert_eq!(c("http://consul:8500/v1/kv"), HostClass::Internal);
    }

    #[test]
    fn every_spelling_of_the_metadata_address_is_metadata() {
        let policy = Destinations::default();
        for url in [
            "http://169.254.169.254/latest",
            "http://2852039166/latest",
            "http://0xa9fea9fe/",
            "http://0251.0376.0251.0376/",
            "http://0xA9.0xFE.0xA9.0xFE/",
            "http://169.254.43518/latest",
            "http://169.16689662/latest",
            "http://0xa9.0xfe.0xa9fe/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
            "http://[fd00:ec2::254]/latest",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://169.254.170.2/v2/credentials",
            "http://100.100.100.200/latest/meta-data",
            "http://169.254.169.254.nip.io/latest/meta-data/iam/security-credentials/",
            "http://169-254-169-254.sslip.io/latest",
            "http://creds.169-254-169-254.sslip.io/latest",
            "http://a9fea9fe.nip.io/latest",
        ] {
            assert_eq!(classify(&host_of(url), url, &policy), HostClass::Metadata, "{url}");
        }
    }

    #[test]
    fn wildcard_dns_names_are_their_address() {
        let policy = Destinations::default();
        let c = |u: &str| classify(&host_of(u), u, &policy);
        assert_eq!(c("http://10.0.0.5.nip.io:8080/admin"), HostClass::Internal);
        assert_eq!(c("http://api.localtest.me/"), HostClass::Internal);
        assert_eq!(c("http://8.8.8.8.nip.io/"), c("http://8.8.8.8/"));
        assert_eq!(c("https://docs.nip.io/"), HostClass::Unknown);
        assert_eq!(c("https://blog.sslip.io/post"), HostClass::Unknown);
    }

    #[test]
    fn short_ipv4_forms_fill_the_last_part() {
        assert_eq!(parse_ipv4("127.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_ipv4("10.1.258"), Some([10, 1, 1, 2]));
        assert_eq!(parse_ipv4("10.1.65536"), None);
        assert_eq!(parse_ipv4("256.1"), None);
        assert_eq!(parse_ipv4("1.2.3.4.5"), None);
        assert_eq!(parse_ipv4("api.example"), None);
    }

    #[test]
    fn ipv6_ranges() {
        let policy = Destinations::default();
        let c = |u: &str| classify(&host_of(u), u, &policy);
        assert_eq!(c("http://[::1]:8080/"), HostClass::Internal);
        assert_eq!(c("http://[fe80::1%25eth0]/"), HostClass::Internal);
        assert_eq!(c("http://[fd12:3456::1]/"), HostClass::Internal);
        assert_eq!(c("http://[::ffff:10.1.2.3]/"), HostClass::Internal);
        assert_eq!(c("http://[2001:db8::1]/"), HostClass::BareIp);
    }

    #[test]
    fn within_is_a_label_boundary() {
        assert!(host_within("api.github.com", "github.com"));
        assert!(host_within("github.com", "github.com"));
        assert!(!host_within("evilgithub.com", "github.com"));
    }
}
