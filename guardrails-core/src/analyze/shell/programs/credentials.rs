//! `shell/credential_read`
//!
//! ## What it catches
//! Commands that read credential files into their output: private keys (`~/.ssh/id_*`, `*.pem`,
//! `*.key`), cloud and tool credentials (`~/.aws/credentials`, gcloud's
//! `application_default_credentials.json`, `~/.kube/config`, `~/.docker/config.json`,
//! `~/.config/gh/hosts.yml`, `~/.netrc`, `~/.pgpass`, `~/.git-credentials`, …), `.env` files (but
//! not `.env.example`), `/etc/shadow`, mounted secrets (`/run/secrets/*`), Terraform state. Also
//! tracks what readers, archivers and dumps put on a pipe, for the exfiltration checks.
//!
//! ## Why it matters
//! A secret read into an agent's transcript has left the machine.
//!
//! ## Blocks
//! ```sh
//! cat ~/.ssh/id_ecdsa
//! sudo tail -n 5 /etc/shadow
//! ```
//!
//! ## Passes
//! ```sh
//! cat ~/.ssh/config
//! ls ~/.aws
//! cp .env.example .env
//! ```
//!
//! ## Known gaps
//! Files are judged by their names; a secret in an ordinary file is not seen.
//!
//! ## Intents
//! `credential.read`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::{Flow, Invocation};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/credential_read",
    intents: &[Intent::CredentialRead],
    triggers: &[
        "security",
        "secret-tool",
        "pass",
        "gopass",
        "op",
        "bw",
        "lpass",
        "gzip",
        "gunzip",
        "xz",
        "zstd",
        "bzip2",
        "openssl",
        "gpg",
        "tr",
        "rev",
        "install",
        "history",
        "bash_history",
        "cat",
        "less",
        "more",
        "head",
        "tail",
        "bat",
        "nl",
        "tac",
        "strings",
        "xxd",
        "od",
        "hexdump",
        "base64",
        "grep",
        "egrep",
        "fgrep",
        "rg",
        "awk",
        "sed",
        "cut",
        "sort",
        "uniq",
        "jq",
        "yq",
        "cp",
        "tar",
        "zip",
        "printenv",
        "set",
        "declare",
        "export",
        "compgen",
        "ssh",
        "aws",
        "env",
        "shadow",
        "secrets",
        "id_rsa",
        "id_ed25519",
        "id_ecdsa",
    ],
};

/// Why `path` holds secrets, if it does.
pub(crate) fn secret_kind(path: &str) -> Option<&'static str> {
    let p = path.trim_matches(|c| c == '"' || c == '\'');
    // Windows paths (`C:\Users\sam\.aws\credentials`) name the same files.
    let p: std::borrow::Cow<'_, str> = if p.contains('\\') { p.replace('\\', "/").into() } else { p.into() };
    let p = p.as_ref();
    let base = p.rsplit('/').next().unwrap_or(p);
    let lower = p.to_ascii_lowercase();
    let base_lower = base.to_ascii_lowercase();
    if base_lower.ends_with(".pub") {
        return None;
    }
    if lower.trim_end_matches('/').ends_with("/.ssh")
        || lower.trim_end_matches('/') == "~/.ssh"
        || lower.trim_end_matches('/').ends_with("/.aws")
        || lower.trim_end_matches('/') == "~/.aws"
        || lower.trim_end_matches('/') == "~/.gnupg"
        || lower.trim_end_matches('/').ends_with("/.gnupg")
    {
        return Some("a directory of credentials");
    }
    if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"].iter().any(|k| base_lower == *k)
        || (lower.contains(".ssh/") && base_lower.starts_with("id_"))
        || lower.starts_with("/etc/ssh/ssh_host_") && base_lower.ends_with("_key")
    {
        return Some("a private SSH key");
    }
    // Certificates (a CA bundle, a server's chain) are public: `.pem` in a certificate store or
    // named as a certificate is not a key.
    let certificate = base_lower.ends_with(".pem")
        && !base_lower.contains("key")
        && (lower.contains("/certs/")
            || lower.contains("ca-certificates")
            || ["cert.pem", "chain.pem", "fullchain.pem", "ca.pem", "cacert.pem", "bundle.pem"]
                .iter()
                .any(|c| base_lower.ends_with(c))
            || base_lower.ends_with("-ca.pem"));
    if !certificate
        && [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"].iter().any(|e| base_lower.ends_with(e))
    {
        return Some("a private key");
    }
    // Kubeconfigs of a cluster's own components: kubeadm's `admin.conf`, `super-admin.conf`,
    // `kubelet.conf`, `controller-manager.conf`, `scheduler.conf`; k3s and RKE2 write theirs
    // under `/etc/rancher`.
    if (lower.starts_with("/etc/kubernetes/") && base_lower.ends_with(".conf"))
        || (lower.starts_with("/etc/rancher/") && (base_lower.ends_with(".yaml") || base_lower.ends_with(".yml")))
        || (lower.starts_with("/var/lib/kubelet/") && base_lower.contains("kubeconfig"))
    {
        return Some("Kubernetes credentials");
    }
    // Any process's environment (`/proc/self/environ`, `/proc/1/environ`).
    if lower.starts_with("/proc/") && base_lower == "environ" {
        return Some("a process's environment secrets");
    }
    if base_lower == ".env"
        || (base_lower.starts_with(".env.")
            && !["example", "sample", "template", "dist", "defaults", "schema"].iter().any(|s| base_lower.ends_with(s)))
        || base_lower.ends_with(".env") && !base_lower.contains("example")
    {
        return Some("environment secrets");
    }
    let known: &[(&str, &str)] = &[
        (".aws/credentials", "AWS credentials"),
        ("application_default_credentials.json", "Google Cloud credentials"),
        (".config/gcloud/credentials.db", "Google Cloud credentials"),
        (".config/gcloud/access_tokens.db", "Google Cloud tokens"),
        (".config/gcloud/legacy_credentials", "Google Cloud credentials"),
        (".azure/accesstokens.json", "Azure tokens"),
        (".azure/msal_token_cache", "Azure tokens"),
        (".kube/config", "Kubernetes credentials"),
        ("kubeconfig", "Kubernetes credentials"),
        (".docker/config.json", "registry credentials"),
        (".netrc", "login credentials"),
        (".pgpass", "database passwords"),
        (".my.cnf", "database passwords"),
        (".git-credentials", "git credentials"),
        (".config/gh/hosts.yml", "a GitHub token"),
        (".npmrc", "a package registry token"),
        (".pypirc", "a package registry token"),
        (".vault-token", "a Vault token"),
        (".terraform.d/credentials.tfrc.json", "a Terraform Cloud token"),
        (".gnupg/", "private GPG keys"),
        (".bash_history", "shell history with typed secrets"),
        (".zsh_history", "shell history with typed secrets"),
        (".password-store/", "stored passwords"),
        ("/etc/shadow", "password hashes"),
        ("/etc/gshadow", "password hashes"),
        ("/run/secrets/", "a mounted secret"),
        ("/var/run/secrets/", "a mounted secret"),
        ("/proc/self/environ", "environment secrets"),
        ("terraform.tfstate", "Terraform state with secrets"),
        ("credentials.json", "credentials"),
        ("secrets.yml", "secrets"),
        ("secrets.yaml", "secrets"),
        ("secrets.json", "secrets"),
        ("service-account", "a service-account key"),
    ];
    known.iter().find(|(needle, _)| lower.contains(needle)).map(|(_, what)| *what)
}

/// Files whose content is bulk data.
fn is_bulk_data(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".csv", ".tsv", ".sql", ".dump", ".sql.gz", ".bak", ".db", ".sqlite", ".sqlite3", ".parquet", ".xlsx",
        ".jsonl", ".ndjson",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
        || ["/var/lib/mysql", "/var/lib/postgresql", "/var/lib/mongodb", "/exports/", "/backups/", "/dumps/"]
            .iter()
            .any(|d| lower.contains(d))
}

/// What a file puts on a pipe when read.
pub(crate) fn flow_of_file(path: &str) -> Flow {
    if let Some(what) = secret_kind(path) {
        Flow::Secret(format!("{what} (`{path}`)"))
    } else if is_bulk_data(path) {
        Flow::Data(format!("the data file `{path}`"))
    } else {
        Flow::Unknown
    }
}

/// Readers, archivers and filters: report credential reads; pass on what they read.
pub(crate) fn readers(inv: &Invocation<'_>, name: &str, facts: &mut Facts) -> Flow {
    // Options that take a value, so it is not mistaken for a file.
    let with_value: &[&str] = match name {
        "head" | "tail" => &["-n", "-c", "--lines", "--bytes"],
        "grep" | "egrep" | "fgrep" | "rg" => &["-e", "-f", "-m", "-A", "-B", "-C", "--max-count"],
        "awk" => &["-F", "-v", "-f"],
        "sed" => &["-e", "-f"],
        "cut" => &["-d", "-f", "-c", "-b"],
        "sort" => &["-k", "-t", "-o"],
        _ => &[],
    };
    let mut files: Vec<&str> = Vec::new();
    let mut i = 1;
    let pattern_first = matches!(name, "grep" | "egrep" | "fgrep" | "rg" | "awk" | "sed" | "jq" | "yq");
    let mut pattern_seen = !pattern_first;
    let mut pattern = None;
    while i < inv.args.len() {
        let v = inv.args[i].value.as_str();
        if v.starts_with('-') && v.len() > 1 {
            if with_value.contains(&v) {
                i += 1;
            }
        } else if !pattern_seen {
            pattern_seen = true;
            pattern = Some(v);
        } else {
            files.push(v);
        }
        i += 1;
    }
    // `cp SRC… DEST`: the last operand is written, not read.
    if name == "cp" || name == "install" {
        if let Some(dest) = files.pop() {
            super::system::write_target(inv, dest, facts);
        }
    }
    // `env | grep -E '^(NODE_ENV|PORT)='`: only the named, non-secret variables are printed.
    let grep = matches!(name, "grep" | "egrep" | "fgrep" | "rg");
    let inverted = inv.args.iter().skip(1).any(|a| a.value == "-v" || a.value == "--invert-match");
    if grep && !inverted && pattern.is_some_and(selects_plain_variables) {
        return Flow::Unknown;
    }
    let mut out = match &inv.stdin {
        Flow::Terminal => Flow::Unknown,
        other => other.clone(),
    };
    // `cat < ~/.ssh/id_rsa`: the secret arrives on standard input and is printed all the same.
    if let (Flow::Secret(what), true) = (&inv.stdin, files.is_empty()) {
        facts.push(inv.fact(
            Intent::CredentialRead,
            Severity::High,
            DETECTOR.id,
            None,
            format!("`{name}` reads {what}"),
        ));
    }
    for f in &files {
        match flow_of_file(f) {
            Flow::Secret(what) => {
                facts.push(inv.fact(
                    Intent::CredentialRead,
                    Severity::High,
                    DETECTOR.id,
                    Some(Target { kind: "file", name: (*f).to_owned() }),
                    format!("`{name}` reads {what}"),
                ));
                out = Flow::Secret(what);
            }
            Flow::Data(what) if !matches!(out, Flow::Secret(_)) => out = Flow::Data(what),
            _ if matches!(name, "tar" | "zip") && !matches!(out, Flow::Secret(_) | Flow::Data(_)) => {
                out = Flow::Data(format!("an archive of `{f}`"));
            }
            _ => {}
        }
    }
    if name == "cp" || name == "install" {
        return Flow::Unknown;
    }
    // `grep -c/-l/-q` prints counts, names or nothing: no secret leaves the file.
    let quiet =
        matches!(name, "grep" | "egrep" | "fgrep" | "rg")
            && inv.args.iter().skip(1).any(|a| {
                a.value.starts_with('-') && !a.value.starts_with("--") && a.value.contains(['c', 'l', 'L', 'q'])
            });
    if quiet {
        facts
            .items
            .retain(|f| !(f.detector == DETECTOR.id && f.span == inv.report && f.intent == Intent::CredentialRead));
        return Flow::Unknown;
    }
    out
}

/// A grep pattern that selects assignments of named variables only, none of them secret by name:
/// `^PORT=`, `^(NODE_ENV|PORT|LOG_LEVEL)=`, or a bare compound name (`NODE_ENV`, `LOG_LEVEL`: a
/// bare `AWS` or `AWS_` would also print `AWS_SECRET_ACCESS_KEY=…`).
fn selects_plain_variables(pattern: &str) -> bool {
    let compound = pattern.len() >= 5 && pattern.contains('_') && !pattern.starts_with('_') && !pattern.ends_with('_');
    let Some(body) = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('=')).or(compound.then_some(pattern)) else {
        return false;
    };
    let names = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
    names.split('|').all(|n| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            && !secret_variable(n)
    })
}

/// A variable whose name says it holds a secret (`AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`,
/// `GITHUB_TOKEN`, `DATABASE_URL`: URLs carry passwords).
fn secret_variable(name: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "KEY", "SECRET", "TOKEN", "PASS", "PWD", "CRED", "AUTH", "PRIVATE", "CERT", "DSN", "URL", "SESSION", "COOKIE",
    ];
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// Password managers and keychains asked for a secret's value: `security find-generic-password
/// -w`, `secret-tool lookup`, `pass show`, `op read`, `op item get --reveal`, `bw get password`,
/// `lpass show --password`, `gopass show`.
pub(crate) fn password_manager(inv: &Invocation<'_>, name: &str, facts: &mut Facts) -> Flow {
    let v = inv.values();
    let has = |f: &str| v.contains(&f);
    let reveals = match name {
        "security" => {
            v.get(1).is_some_and(|s| s.starts_with("find-") && s.ends_with("-password")) && (has("-w") || has("-g"))
        }
        "secret-tool" => v.get(1) == Some(&"lookup"),
        "pass" | "gopass" => v.get(1).is_some_and(|s| {
            *s == "show"
                || !s.starts_with('-')
                    && !matches!(
                        *s,
                        "ls" | "list"
                            | "find"
                            | "search"
                            | "init"
                            | "git"
                            | "generate"
                            | "insert"
                            | "edit"
                            | "rm"
                            | "mv"
                            | "cp"
                    )
        }),
        "op" => {
            v.get(1) == Some(&"read")
                || (v.get(1) == Some(&"item")
                    && v.get(2) == Some(&"get")
                    && (has("--reveal") || v.iter().any(|a| a.starts_with("--fields"))))
        }
        "bw" => {
            v.get(1) == Some(&"get") && v.get(2).is_some_and(|k| matches!(*k, "password" | "item" | "totp" | "notes"))
        }
        "lpass" => v.get(1) == Some(&"show") && (has("--password") || has("-p")),
        _ => false,
    };
    if !reveals {
        return Flow::Unknown;
    }
    facts.push(inv.fact(
        Intent::CredentialRead,
        Severity::High,
        DETECTOR.id,
        Some(Target { kind: "secret", name: v.last().copied().unwrap_or("").to_owned() }),
        format!("`{}` prints a stored password", v.join(" ")),
    ));
    Flow::Secret("a stored password".to_owned())
}

/// `printenv`, `set`, `export -p`: the environment, with whatever secrets it holds; `history`:
/// the commands typed, secrets on their command lines included (as `~/.bash_history`).
pub(crate) fn environment(inv: &Invocation<'_>, name: &str, facts: &mut Facts) -> Flow {
    if name == "history" {
        return Flow::Secret("the shell history, with any secret typed into it".to_owned());
    }
    // `printenv AWS_SECRET_ACCESS_KEY` prints that secret, as `cat .env` prints the file.
    if let Some(var) =
        (name == "printenv").then(|| inv.args.iter().skip(1).find(|a| secret_variable(&a.value))).flatten()
    {
        facts.push(inv.fact(
            Intent::CredentialRead,
            Severity::High,
            DETECTOR.id,
            Some(Target { kind: "variable", name: var.value.clone() }),
            format!("`printenv` prints the secret variable `{}`", var.value),
        ));
        return Flow::Secret(format!("the secret variable `{}`", var.value));
    }
    let prints = match name {
        // `printenv NAME` prints that one variable, not a secret by its name.
        "printenv" if inv.args.len() > 1 => false,
        "printenv" | "compgen" => true,
        "set" => inv.args.len() == 1,
        "export" | "declare" => inv.args.iter().skip(1).all(|a| a.value.starts_with('-')),
        _ => false,
    };
    if prints {
        Flow::Secret("the environment variables".to_owned())
    } else {
        Flow::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::secret_kind;

    #[test]
    fn credential_files() {
        for p in [
            "~/.ssh/id_ecdsa",
            "~/.aws/credentials",
            ".env",
            ".env.local",
            "/etc/shadow",
            "/run/secrets/db_password",
            "~/.config/gh/hosts.yml",
            "server.key",
            "/etc/kubernetes/admin.conf",
            "/etc/kubernetes/kubelet.conf",
            "/etc/rancher/k3s/k3s.yaml",
            "C:\\Users\\sam\\.aws\\credentials",
            "/home/u/.gnupg/",
        ] {
            assert!(secret_kind(p).is_some(), "{p}");
        }
        for p in [
            "~/.ssh/config",
            "~/.ssh/id_ed25519.pub",
            ".env.example",
            "CHANGELOG.md",
            "~/.aws/config",
            "README.md",
            "/etc/kubernetes/manifests/kube-apiserver.yaml",
            "C:\\Users\\sam\\.aws\\config",
        ] {
            assert!(secret_kind(p).is_none(), "{p}");
        }
    }
}
