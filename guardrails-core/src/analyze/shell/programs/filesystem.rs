//! `shell/recursive_delete`, `shell/device_write`, `shell/permission_change`
//!
//! ## What it catches
//! - `rm -r` (every spelling: `-rf`, `-r -f`, `--recursive`), `find … -delete`, `find … -exec rm`,
//!   `mv … /dev/null`, `truncate -s 0` of data files — by what they target: the root, system
//!   directories, the home directory and the user's files are critical; unknown targets (`$DIR`)
//!   and paths outside the project are high; the current directory is medium; project paths
//!   (`./build`, `node_modules`) and `/tmp` pass.
//! - `dd of=/dev/…`, `mkfs*`, `wipefs`, `shred`, `blkdiscard`, partition writers → `fs.device_write`.
//! - `chmod -R 777 /`, `chown -R` on system directories → `fs.permissions`; setuid bits →
//!   `privilege.escalate`.
//!
//! ## Why it matters
//! These are the commands that lose a machine or a person's work in one line.
//!
//! ## Blocks
//! ```sh
//! rm -rf /boot
//! rm -rf "$HOME"/..
//! bash -c 'cd / && rm -rf *'
//! find /var/lib -mindepth 1 -delete
//! dd if=/dev/zero of=/dev/vda
//! ```
//!
//! ## Passes
//! ```sh
//! rm -rf ./build node_modules .next
//! find . -type d -name __pycache__ -exec rm -rf {} +
//! rm -f core.12345
//! ```
//!
//! ## Known gaps
//! The engine never reads the file system: a relative path is judged by its text, not by what it
//! resolves to (symlinks, a working directory set outside the command line).
//!
//! ## Intents
//! `fs.delete_recursive`, `fs.device_write`, `fs.permissions`, `data.overwrite`, `privilege.escalate`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::{Flow, Invocation, ShellState};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/recursive_delete",
    intents: &[Intent::FsDeleteRecursive, Intent::DataOverwrite],
    triggers: &["rm", "unlink", "rmdir", "find", "mv", "truncate", "rsync", "userdel", "deluser"],
};

pub(crate) const DEVICE_DETECTOR: Detector = Detector {
    id: "shell/device_write",
    intents: &[Intent::FsDeviceWrite],
    triggers: &["dd", "mkfs", "mke2fs", "mkswap", "wipefs", "shred", "blkdiscard", "sgdisk", "sfdisk", "parted", "dev"],
};

pub(crate) const PERMISSIONS_DETECTOR: Detector = Detector {
    id: "shell/permission_change",
    intents: &[Intent::FsPermissions, Intent::PrivilegeEscalate],
    triggers: &["chmod", "chown", "chgrp", "setfacl", "install"],
};

/// Top-level directories of the operating system (Linux and macOS).
const SYSTEM_DIRS: &[&str] = &[
    "bin",
    "boot",
    "dev",
    "etc",
    "home",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "opt",
    "proc",
    "root",
    "run",
    "sbin",
    "srv",
    "sys",
    "usr",
    "var",
    "mnt",
    "media",
    "snap",
    "Library",
    "System",
    "Applications",
    "Users",
    "Volumes",
    "private",
    "nix",
];

/// Where services keep their data: deleting anything under one is deleting the service's data,
/// however deep (`/var/lib/postgresql/16/main`).
const DATA_DIRS: &[&str] = &[
    "var/lib/mysql",
    "var/lib/mariadb",
    "var/lib/postgresql",
    "var/lib/pgsql",
    "var/lib/mongodb",
    "var/lib/mongo",
    "var/lib/redis",
    "var/lib/elasticsearch",
    "var/lib/opensearch",
    "var/lib/cassandra",
    "var/lib/clickhouse",
    "var/lib/influxdb",
    "var/lib/rabbitmq",
    "var/lib/kafka",
    "var/lib/zookeeper",
    "var/lib/etcd",
    "var/lib/docker",
    "var/lib/containerd",
    "var/lib/kubelet",
    "var/lib/neo4j",
    "var/lib/couchdb",
    "var/opt/mssql",
];

/// Directories under the home directory that only hold caches.
const HOME_CACHES: &[&str] = &[
    ".cache",
    ".npm",
    ".yarn",
    ".pnpm-store",
    ".gradle/caches",
    ".m2/repository",
    ".cargo/registry",
    ".cargo/git",
    "Library/Caches",
    ".local/share/Trash",
    "tmp",
    ".tmp",
    "go/pkg/mod",
    ".rustup/tmp",
    ".bun/install/cache",
];

/// Directory names that hold build output or dependencies, recreated at will.
const DISPOSABLE: &[&str] = &[
    "node_modules",
    "build",
    "dist",
    "target",
    "out",
    ".next",
    ".nuxt",
    "venv",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "coverage",
    ".coverage",
    ".turbo",
    ".parcel-cache",
    ".gradle",
    "tmp",
    ".tmp",
    ".cache",
];

/// How dangerous deleting `path` recursively is, and why; `None` when routine.
pub(crate) fn delete_severity(path: &str, dynamic: bool, cwd: Option<&str>) -> Option<(Severity, String)> {
    let raw = path.trim();
    if dynamic {
        let prefix = raw.split('$').next().unwrap_or("");
        if prefix.is_empty() || prefix == "\"" {
            return Some((Severity::High, format!("`{raw}` is only known at run time")));
        }
        if prefix.starts_with('/') || prefix.starts_with('~') {
            // `/$X`, `~/$X`: judge the known prefix as if everything under it were deleted.
            let parent = prefix.trim_end_matches('/');
            return delete_severity(&format!("{}/*", if parent.is_empty() { "" } else { parent }), false, cwd)
                .map(|(s, _)| (s.max(Severity::High), format!("`{raw}` is only known at run time, under `{prefix}`")));
        }
        return None;
    }
    let absolute = match (raw.starts_with('/') || raw.starts_with('~'), cwd) {
        (true, _) => raw.to_owned(),
        (false, Some(dir)) => format!("{}/{raw}", dir.trim_end_matches('/')),
        (false, None) => raw.to_owned(),
    };
    let norm = normalize(&absolute);
    let parts: Vec<&str> = norm.split('/').filter(|p| !p.is_empty() && *p != "*" && *p != ".").collect();
    let whole = |what: &str| Some((Severity::Critical, what.to_owned()));
    if norm.starts_with('/') {
        let Some(first) = parts.first() else { return whole("deletes the root file system") };
        if parts.contains(&"..") {
            return whole("climbs out of the directory it names");
        }
        if ["tmp", "var/tmp", "dev/shm"].iter().any(|t| norm.starts_with(&format!("/{t}/"))) {
            return None;
        }
        // A home spelled out (`/home/alice/…`, `/Users/sam/…`, `/root/…`) holds what `~/…` does:
        // caches, and build output deep in a project, are recreated at will.
        let home = match parts.as_slice() {
            ["home" | "Users", _user, rest @ ..] => Some(rest),
            ["root", rest @ ..] => Some(rest),
            _ => None,
        };
        if let Some(rest) = home.filter(|rest| !rest.is_empty()) {
            let sub = rest.join("/");
            if HOME_CACHES.iter().any(|c| sub == *c || sub.starts_with(&format!("{c}/"))) {
                return None;
            }
            if rest.len() >= 2 && rest.last().is_some_and(|l| DISPOSABLE.contains(l)) {
                return None;
            }
            // As `~/projects` is: the user's own files.
            if rest.len() == 1 {
                return Some((Severity::Critical, format!("deletes `{norm}`, the user's own files")));
            }
        }
        let rel = parts.join("/");
        if let Some(dir) = DATA_DIRS.iter().find(|d| rel == **d || rel.starts_with(&format!("{d}/"))) {
            return Some((Severity::Critical, format!("deletes `{norm}`, data of the service kept in `/{dir}`")));
        }
        if SYSTEM_DIRS.contains(first) {
            return if parts.len() <= 2 {
                Some((Severity::Critical, format!("deletes the system directory `{norm}`")))
            } else {
                Some((Severity::High, format!("deletes `{norm}` on the host")))
            };
        }
        return if parts.len() <= 1 {
            Some((Severity::High, format!("deletes the top-level directory `{norm}`")))
        } else {
            Some((Severity::Medium, format!("deletes `{norm}`, outside the project")))
        };
    }
    if norm.starts_with('~') {
        let rest: Vec<&str> = parts.iter().skip(1).copied().collect();
        if rest.is_empty() {
            return whole("deletes the home directory");
        }
        if rest.contains(&"..") {
            return whole("deletes above the home directory: every user's home");
        }
        let sub = rest.join("/");
        if HOME_CACHES.iter().any(|c| sub == *c || sub.starts_with(&format!("{c}/"))) {
            return None;
        }
        if rest.len() == 1 {
            return Some((Severity::Critical, format!("deletes `~/{sub}`, the user's own files")));
        }
        if rest.last().is_some_and(|l| DISPOSABLE.contains(l)) {
            return None;
        }
        return Some((Severity::High, format!("deletes `~/{sub}` in the home directory")));
    }
    // Relative to an unknown working directory.
    if parts.first() == Some(&"..") {
        return if parts.len() == 1 || parts.get(1) == Some(&"..") {
            Some((Severity::High, format!("deletes `{raw}`, above the current directory")))
        } else {
            Some((Severity::Medium, format!("deletes `{raw}`, outside the current directory")))
        };
    }
    if parts.is_empty() {
        return Some((Severity::Medium, "deletes everything in the current directory".to_owned()));
    }
    None
}

/// Collapses `//`, `/./`, trailing `/`, and `a/..`; keeps leading `..` and `~`.
pub(crate) fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match out.last() {
                Some(&p) if p != ".." && p != "~" => {
                    out.pop();
                }
                _ if absolute => {}
                _ => out.push(".."),
            },
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

fn recursive_flag(v: &str) -> bool {
    v == "--recursive" || (v.starts_with('-') && !v.starts_with("--") && (v.contains('r') || v.contains('R')))
}

/// `rm`, `find`, `mv`, `truncate`.
/// `rsync --delete src/ dest/` makes `dest` a copy of `src`, deleting whatever `src` lacks: from
/// an empty directory it empties `dest`. Judged like `rm -rf dest` when `dest` is local and holds
/// a system directory or a service's data, or when the source is an empty directory by name;
/// a deploy into an application directory passes.
pub(crate) fn rsync_delete(inv: &Invocation<'_>, st: &ShellState<'_>, facts: &mut Facts) {
    let deletes = inv.args.iter().skip(1).any(|a| a.value == "--del" || a.value.starts_with("--delete"));
    let operands: Vec<&super::super::Arg> =
        inv.args.iter().skip(1).filter(|a| !a.value.starts_with('-') || a.value == "-").collect();
    let (Some(dest), Some(source)) = (operands.last(), operands.len().checked_sub(2).and_then(|i| operands.get(i)))
    else {
        return;
    };
    // `host:path` and `rsync://` destinations are remote: the network analyzer's.
    let remote = dest.value.contains("::")
        || dest.value.starts_with("rsync://")
        || dest.value.split_once(':').is_some_and(|(h, _)| !h.is_empty() && !h.contains('/'));
    if !deletes || remote {
        return;
    }
    let Some((severity, why)) =
        delete_severity(&format!("{}/*", dest.value.trim_end_matches('/')), dest.dynamic, st.cwd.as_deref())
    else {
        return;
    };
    let empty_source = source.value.to_ascii_lowercase().contains("empty");
    if severity == Severity::Critical || empty_source {
        let why = format!("`rsync --delete` from `{}` {why}", source.value);
        report(inv, &dest.value, severity, why, facts);
    }
}

pub(crate) fn check(inv: &Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let cwd = st.cwd.clone();
    match name {
        "rm" => {
            let mut recursive = false;
            let mut no_preserve = false;
            let mut operands = Vec::new();
            let mut options_done = false;
            for a in inv.args.iter().skip(1) {
                let v = a.value.as_str();
                if !options_done && v == "--" {
                    options_done = true;
                } else if !options_done && v.starts_with('-') && v.len() > 1 {
                    recursive |= recursive_flag(v);
                    no_preserve |= v == "--no-preserve-root";
                } else {
                    operands.push(a);
                }
            }
            for a in operands {
                // Without -r only files go; a glob at the root or in a system directory still wipes it.
                if !(recursive || (a.glob && a.value.starts_with('/'))) {
                    continue;
                }
                if let Some((severity, why)) = delete_severity(&a.value, a.dynamic, cwd.as_deref()) {
                    let severity = if no_preserve { Severity::Critical } else { severity };
                    report(inv, &a.value, severity, why, facts);
                }
            }
        }
        "find" => find(inv, st, facts),
        "mv" => {
            let ops: Vec<_> = inv.args.iter().skip(1).filter(|a| !a.value.starts_with('-')).collect();
            if let Some((dest, sources)) = ops.split_last() {
                super::system::write_target(inv, &dest.value, facts);
                for s in sources {
                    let gone = dest.value == "/dev/null";
                    if let Some((severity, why)) = delete_severity(&s.value, s.dynamic, cwd.as_deref()) {
                        if gone || severity == Severity::Critical {
                            report(inv, &s.value, severity, format!("moves away: {why}"), facts);
                        }
                    }
                }
            }
        }
        "truncate" => {
            let zero = inv
                .args
                .iter()
                .zip(inv.args.iter().skip(1))
                .any(|(a, b)| (a.value == "-s" || a.value == "--size") && b.value == "0")
                || inv.args.iter().any(|a| a.value == "-s0" || a.value == "--size=0");
            if zero {
                for a in inv.args.iter().skip(1).filter(|a| !a.value.starts_with('-') && a.value != "0") {
                    if is_data_file(&a.value) {
                        facts.push(inv.fact(
                            Intent::DataOverwrite,
                            Severity::High,
                            DETECTOR.id,
                            Some(Target { kind: "file", name: a.value.clone() }),
                            format!("`truncate -s 0` empties the data file `{}`", a.value),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    Flow::Unknown
}

fn report(inv: &Invocation<'_>, path: &str, severity: Severity, why: String, facts: &mut Facts) {
    facts.push(inv.fact(
        Intent::FsDeleteRecursive,
        severity,
        DETECTOR.id,
        Some(Target { kind: "file", name: path.to_owned() }),
        format!("recursive delete: {why}"),
    ));
}

/// Files that hold data rather than logs or build output.
pub(crate) fn is_data_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".db", ".sqlite", ".sqlite3", ".mdb", ".ibd", ".frm", ".parquet", ".csv", ".dump", ".bak", ".mdf", ".ldf"]
        .iter()
        .any(|e| lower.ends_with(e))
        || lower.starts_with("/var/lib/")
}

/// `find ROOT… [tests] (-delete | -exec CMD {} ;)`.
fn find(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) {
    let args = &inv.args;
    let mut i = 1;
    let mut roots = Vec::new();
    while i < args.len() {
        let v = args[i].value.as_str();
        if v.starts_with('-') || v == "!" || v == "(" {
            break;
        }
        roots.push(&args[i]);
        i += 1;
    }
    if roots.is_empty() {
        return;
    }
    let filters = [
        "-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-type", "-mtime", "-mmin", "-atime", "-newer",
        "-size", "-user", "-group", "-perm", "-empty", "-links",
    ];
    let scoped = args[i..].iter().any(|a| filters.contains(&a.value.as_str()));
    // A name filter and an age bound make a retention purge (`-name '*.gz' -mtime +14`).
    let purge = scoped
        && args[i..].iter().any(|a| ["-mtime", "-mmin", "-atime", "-newer", "-ctime"].contains(&a.value.as_str()))
        && args[i..].iter().any(|a| ["-name", "-iname", "-path", "-regex"].contains(&a.value.as_str()));
    let cwd = st.cwd.clone();
    let judge = |facts: &mut Facts, how: &str| {
        for r in &roots {
            let target = format!("{}/*", r.value.trim_end_matches('/'));
            if let Some((severity, why)) = delete_severity(&target, r.dynamic, cwd.as_deref()) {
                if purge && !r.value.trim_end_matches('/').is_empty() {
                    continue;
                }
                let Some(severity) = scope(severity, scoped) else { continue };
                report(inv, &r.value, severity, format!("{how} under `{}`: {why}", r.value), facts);
            }
        }
    };
    while i < args.len() {
        match args[i].value.as_str() {
            "-delete" => judge(facts, "find -delete deletes"),
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let end =
                    (i + 1..args.len()).find(|&k| args[k].value == ";" || args[k].value == "+").unwrap_or(args.len());
                let root = roots.first().map(|r| r.value.trim_end_matches('/').to_owned()).unwrap_or_default();
                let expanded: usize = args[i + 1..end]
                    .iter()
                    .map(|a| if a.value == "{}" { root.len() + 2 } else { a.value.len() + 3 })
                    .sum();
                if expanded > st.limits.max_input_bytes {
                    facts.push(super::super::unanalyzable(
                        inv.report,
                        "find -exec expands past the size limit".to_owned(),
                    ));
                    i = end + 1;
                    continue;
                }
                let line: Vec<String> = args[i + 1..end]
                    .iter()
                    .map(|a| {
                        let v = if a.value == "{}" { format!("{root}/*") } else { a.value.clone() };
                        if a.value == "{}" {
                            v
                        } else {
                            super::super::unwrap::shell_quote(&v)
                        }
                    })
                    .collect();
                let mut inner = Facts::default();
                super::super::nested(&line.join(" "), inv.report, st, &mut inner);
                for mut f in inner.items {
                    // A filter (-name, -mtime, …) scopes what the command gets.
                    if f.intent == Intent::FsDeleteRecursive {
                        let Some(severity) = scope(f.severity, scoped) else { continue };
                        f.severity = severity;
                    }
                    facts.push(f);
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
}

/// A `find` filter (`-name`, `-mtime`, …) selects some entries, not the whole tree: one level less
/// severe, and nothing below high (log retention under `/var/log/app` is routine).
fn scope(severity: Severity, scoped: bool) -> Option<Severity> {
    match (scoped, severity) {
        (false, s) => Some(s),
        (true, Severity::Critical) => Some(Severity::High),
        (true, _) => None,
    }
}

/// `dd of=/dev/…`, `mkfs`, `wipefs`, `shred`, …
pub(crate) fn device(inv: &Invocation<'_>, name: &str, facts: &mut Facts) {
    let values: Vec<&str> = inv.args.iter().skip(1).map(|a| a.value.as_str()).collect();
    let target = match name {
        "dd" => values.iter().find_map(|v| v.strip_prefix("of=")).map(str::to_owned),
        "parted" => {
            let writes = values.iter().any(|v| ["mklabel", "mkpart", "rm", "resizepart"].contains(v));
            if !writes {
                return;
            }
            values.iter().find(|v| v.starts_with("/dev/")).map(|v| (*v).to_owned())
        }
        "sfdisk" | "sgdisk" => {
            if values.iter().any(|v| ["-l", "--list", "-d", "--dump", "-p", "--print"].contains(v)) {
                return;
            }
            values.iter().find(|v| v.starts_with("/dev/")).map(|v| (*v).to_owned())
        }
        _ => values.iter().rev().find(|v| !v.starts_with('-')).map(|v| (*v).to_owned()),
    };
    let Some(target) = target else { return };
    let on_device = is_block_device(&target);
    // Formatting an image file or a swap file, or wipefs listing signatures, destroys nothing.
    let lists_only = name == "wipefs"
        && !values.iter().any(|v| v.starts_with("-a") || *v == "--all" || v.starts_with("-o") || *v == "--offset");
    if (name != "shred" && !on_device) || lists_only {
        return;
    }
    let (severity, what) = match name {
        "shred" if !on_device => (Severity::High, format!("shred destroys the contents of `{target}` beyond recovery")),
        "dd" => (Severity::Critical, format!("dd overwrites the device `{target}`")),
        _ => (Severity::Critical, format!("`{name}` destroys the file system or partition table on `{target}`")),
    };
    facts.push(inv.fact(
        Intent::FsDeviceWrite,
        severity,
        DEVICE_DETECTOR.id,
        Some(Target { kind: "file", name: target }),
        what,
    ));
}

/// Block devices: disks, partitions, device-mapper volumes.
pub(crate) fn is_block_device(path: &str) -> bool {
    let Some(dev) = path.strip_prefix("/dev/") else { return false };
    ["sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "md", "mapper/", "dm-", "loop", "rdisk"]
        .iter()
        .any(|p| dev.starts_with(p))
}

/// `chmod`, `chown`, `chgrp`.
pub(crate) fn permissions(inv: &Invocation<'_>, name: &str, facts: &mut Facts) {
    // `setfacl -m u:svc:rw /etc/shadow`: an ACL entry opens an account file as chmod would;
    // `install -m 4755 /bin/bash /tmp/.sh`: a setuid copy.
    if name == "setfacl" {
        let grants = inv.args.iter().any(|a| {
            matches!(a.value.as_str(), "-m" | "-M" | "--modify" | "--set")
                || a.value.starts_with("--modify=")
                || a.value.starts_with("--set=")
        });
        let writes =
            inv.args.iter().any(|a| a.value.contains(":rw") || a.value.contains(":w") || a.value.ends_with("rwx"));
        for t in
            inv.args.iter().skip(1).filter(|t| t.value.starts_with('/') && super::system::is_account_file(&t.value))
        {
            if grants {
                facts.push(inv.fact(
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    PERMISSIONS_DETECTOR.id,
                    Some(Target { kind: "file", name: t.value.clone() }),
                    format!(
                        "`setfacl` gives another account {} `{}`",
                        if writes { "write access to" } else { "access to" },
                        t.value
                    ),
                ));
            }
        }
        return;
    }
    if name == "install" {
        let mode = inv
            .args
            .windows(2)
            .find(|w| w[0].value == "-m" || w[0].value == "--mode")
            .map(|w| w[1].value.as_str())
            .or_else(|| {
                inv.args.iter().find_map(|a| {
                    a.value.strip_prefix("--mode=").or_else(|| a.value.strip_prefix("-m").filter(|m| !m.is_empty()))
                })
            });
        if let Some(mode) = mode.filter(|m| is_setuid(m)) {
            let target = inv.args.last().map(|a| a.value.clone()).unwrap_or_default();
            facts.push(inv.fact(
                Intent::PrivilegeEscalate,
                Severity::High,
                PERMISSIONS_DETECTOR.id,
                Some(Target { kind: "file", name: target.clone() }),
                format!("`install -m {mode}` creates `{target}` running with its owner's privileges (setuid/setgid)"),
            ));
        }
        return;
    }
    let recursive = inv.args.iter().skip(1).any(|a| {
        a.value == "-R"
            || a.value == "--recursive"
            || (a.value.starts_with('-') && !a.value.starts_with("--") && a.value.contains('R'))
    });
    let operands: Vec<_> = inv.args.iter().skip(1).filter(|a| !a.value.starts_with('-') || is_mode(&a.value)).collect();
    let Some((mode, targets)) = operands.split_first() else { return };
    // World-writable account and sudo files hand out root, recursive or not.
    if name == "chmod" && is_world_writable(&mode.value) {
        for t in targets.iter().filter(|t| super::system::is_account_file(&t.value)) {
            facts.push(inv.fact(
                Intent::FsPermissions,
                Severity::Critical,
                PERMISSIONS_DETECTOR.id,
                Some(Target { kind: "file", name: t.value.clone() }),
                format!("`chmod {}` makes `{}` writable by everyone", mode.value, t.value),
            ));
        }
    }
    if name == "chmod" && is_setuid(&mode.value) {
        for t in targets {
            facts.push(inv.fact(
                Intent::PrivilegeEscalate,
                Severity::High,
                PERMISSIONS_DETECTOR.id,
                Some(Target { kind: "file", name: t.value.clone() }),
                format!("`chmod {}` makes `{}` run with its owner's privileges (setuid/setgid)", mode.value, t.value),
            ));
        }
        return;
    }
    let broad = name != "chmod" || is_world_writable(&mode.value);
    if !broad {
        return;
    }
    for t in targets {
        // Ownership of the user's own files, or of an application's directory (`/srv/app`), is
        // routine; only the root and the system directories themselves matter.
        if name != "chmod" && !owns_the_system(&t.value) {
            continue;
        }
        let Some((severity, _)) = delete_severity(&t.value, t.dynamic, None) else { continue };
        if severity < Severity::High || !(recursive || t.value == "/" || t.glob) {
            continue;
        }
        let what = if name == "chmod" {
            format!("makes `{}` writable by everyone", t.value)
        } else {
            format!("changes the owner of `{}`", t.value)
        };
        facts.push(inv.fact(
            Intent::FsPermissions,
            severity,
            PERMISSIONS_DETECTOR.id,
            Some(Target { kind: "file", name: t.value.clone() }),
            format!("`{name}{}` {what}", if recursive { " -R" } else { "" }),
        ));
    }
}

/// Whether changing the owner of `path` changes the operating system's own files: the root, an
/// OS directory or its children (`/usr/lib`), or an application area itself (`/srv`, not
/// `/srv/app`).
fn owns_the_system(path: &str) -> bool {
    let norm = normalize(path);
    let parts: Vec<&str> = norm.split('/').filter(|p| !p.is_empty() && *p != "*").collect();
    if !norm.starts_with('/') {
        return false;
    }
    match parts.as_slice() {
        [] => true,
        [first, ..] if ["srv", "opt", "home", "mnt", "media", "Users", "Volumes"].contains(first) => parts.len() == 1,
        [first, ..] => SYSTEM_DIRS.contains(first) && parts.len() <= 2,
    }
}

fn is_mode(v: &str) -> bool {
    v.starts_with('-') && v.len() > 1 && v[1..].bytes().all(|c| b"rwxXst".contains(&c))
}

/// Setuid (not setgid, which shared directories use routinely).
fn is_setuid(mode: &str) -> bool {
    let octal = mode.len() == 4
        && mode.bytes().all(|c| c.is_ascii_digit())
        && matches!(mode.as_bytes()[0], b'4' | b'5' | b'6' | b'7');
    let symbolic = mode
        .split_once('+')
        .is_some_and(|(who, what)| what.contains('s') && (who.is_empty() || who.contains('u') || who.contains('a')));
    octal || symbolic
}

fn is_world_writable(mode: &str) -> bool {
    let octal = mode.bytes().all(|c| c.is_ascii_digit())
        && mode.len() >= 3
        && matches!(mode.as_bytes()[mode.len() - 1], b'2' | b'3' | b'6' | b'7');
    let symbolic =
        (mode.starts_with("a+") || mode.starts_with("o+") || mode.starts_with("+") || mode.starts_with("ugo+"))
            && mode.contains('w');
    octal || symbolic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sev(p: &str) -> Option<Severity> {
        delete_severity(p, p.contains('$'), None).map(|(s, _)| s)
    }

    #[test]
    fn targets_are_classified() {
        for (path, expected) in [
            ("/", Some(Severity::Critical)),
            ("/*", Some(Severity::Critical)),
            ("/boot", Some(Severity::Critical)),
            ("/var/lib", Some(Severity::Critical)),
            ("/var/lib/app/cache/x", Some(Severity::High)),
            ("/var/lib/postgresql/16/main", Some(Severity::Critical)),
            ("/home/dev/projects", Some(Severity::Critical)),
            ("/home/dev/projects/app/src", Some(Severity::High)),
            ("/var/lib/docker/volumes/pg", Some(Severity::Critical)),
            ("/var/lib/mysql-restore-check/x", Some(Severity::High)),
            ("~", Some(Severity::Critical)),
            ("~/", Some(Severity::Critical)),
            ("~/..", Some(Severity::Critical)),
            ("~/Documents", Some(Severity::Critical)),
            ("~/.cache/pip", None),
            ("~/code/app/node_modules", None),
            ("$DIR", Some(Severity::High)),
            ("/$DIR", Some(Severity::Critical)),
            ("./build", None),
            ("node_modules", None),
            (".next", None),
            ("/tmp/x", None),
            (".", Some(Severity::Medium)),
            ("*", Some(Severity::Medium)),
            ("../..", Some(Severity::High)),
            ("/data", Some(Severity::High)),
            ("/etc/../", Some(Severity::Critical)),
        ] {
            assert_eq!(sev(path), expected, "{path}");
        }
    }

    #[test]
    fn cwd_resolves_relative_targets() {
        assert_eq!(delete_severity("*", false, Some("/")).map(|(s, _)| s), Some(Severity::Critical));
    }

    #[test]
    fn modes() {
        assert!(is_setuid("u+s") && is_setuid("4755") && !is_setuid("755") && !is_setuid("2775") && !is_setuid("g+s"));
        assert!(
            is_world_writable("777")
                && is_world_writable("a+rwx")
                && !is_world_writable("755")
                && !is_world_writable("u+x")
        );
    }
}
