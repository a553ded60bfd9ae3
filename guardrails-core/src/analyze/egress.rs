//! Data leaving: the secrets and personal data a payload carries, judged by who receives it.
//!
//! - A secret sent to the organisation's own or internal hosts, or to the service that issued it
//!   (a GitHub token to `api.github.com`, a Twilio key to `api.twilio.com`), is normal use.
//! - A credential in an `Authorization`-style header, or in the body of a login or token request,
//!   authenticates to the host it is sent to: normal use, unless the host is a request catcher,
//!   a paste site or a bare IP.
//! - Any other secret sent outside is `egress.secret`. A secret written into a message (email,
//!   chat, issue) is always a leak: everyone who can read the message can read the secret.
//! - Personal data is judged by volume: one customer's phone number to a vendor is routine; many
//!   people's contact details, or several card numbers or national ids, leaving the organisation
//!   is `egress.pii`. Request catchers and paste sites get none at all.

use crate::fact::{Fact, Facts, Location, Severity, Target};
use crate::intent::Intent;

use super::destination::{host_within, HostClass};
use super::payload::Scan;

/// Who receives a payload.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Receiver<'a> {
    /// An HTTP request to `host`; `auth_endpoint` when the URL is a login or token endpoint.
    Host { host: &'a str, class: HostClass, auth_endpoint: bool },
    /// A message people read; `outside` when a recipient is outside the organisation.
    Message { to: &'a str, outside: bool },
    /// A tool the engine does not know: where its arguments go is unknown.
    Tool { name: &'a str },
}

/// Judges what `scan` found going to `receiver`, as facts of `detector`.
pub(crate) fn judge(scan: &Scan, receiver: Receiver<'_>, detector: &'static str, facts: &mut Facts) {
    let target = match receiver {
        Receiver::Host { host, .. } => host,
        Receiver::Message { to, .. } => to,
        Receiver::Tool { name } => name,
    };
    // Spelled out only for a finding: most payloads carry none.
    let where_ = || match receiver {
        Receiver::Host { host, class, .. } => class.describe(host),
        Receiver::Message { to, outside: true } => format!("a message to `{to}`, outside the organisation"),
        Receiver::Message { to, outside: false } => format!("a message to `{to}`"),
        Receiver::Tool { name } => format!("the tool `{name}`"),
    };
    for found in scan.secrets() {
        let recognised = !found.kind.generic;
        let severity = match receiver {
            Receiver::Host { class: HostClass::Organization | HostClass::Internal | HostClass::Metadata, .. } => None,
            Receiver::Host { host, .. } if found.kind.issuers.iter().any(|i| host_within(host, i)) => None,
            Receiver::Host { class: HostClass::Untrusted | HostClass::BareIp, .. } => Some(Severity::Critical),
            Receiver::Host { auth_endpoint, .. }
                if found.auth_header || (auth_endpoint && (found.kind.generic || found.kind.issuers.is_empty())) =>
            {
                // Authenticating to the host it is sent to; a recognised token that host did not
                // issue is still a leak.
                if found.kind.issuers.is_empty() || found.kind.generic {
                    None
                } else {
                    Some(Severity::Critical)
                }
            }
            Receiver::Host { .. } | Receiver::Message { .. } => {
                Some(if recognised { Severity::Critical } else { Severity::High })
            }
            Receiver::Tool { .. } => Some(if recognised { Severity::High } else { Severity::Low }),
        };
        let Some(severity) = severity else { continue };
        facts.push(Fact {
            intent: Intent::EgressSecret,
            severity,
            span: found.span,
            detector,
            target: Some(Target { kind: "location", name: target.to_owned() }),
            message: format!("sends {} to {}", found.kind.name, where_()),
            location: Some(Box::new(Location { path: found.path.clone(), evidence: found.evidence.clone() })),
        });
    }
    let tally = scan.pii();
    if !tally.any() {
        return;
    }
    let severity = match receiver {
        Receiver::Host { class: HostClass::Organization | HostClass::Internal | HostClass::Metadata, .. } => None,
        Receiver::Host { class: HostClass::Untrusted, .. } if tally.identifiers > 0 || tally.is_bulk() => {
            Some(Severity::Critical)
        }
        Receiver::Host { .. } if tally.is_bulk() => Some(Severity::High),
        Receiver::Message { outside: true, .. } if tally.is_bulk() => Some(Severity::High),
        Receiver::Tool { .. } if tally.is_bulk() => Some(Severity::Low),
        _ => None,
    };
    let (Some(severity), Some(first)) = (severity, scan.first_pii()) else { return };
    facts.push(Fact {
        intent: Intent::EgressPii,
        severity,
        span: first.span,
        detector,
        target: Some(Target { kind: "location", name: target.to_owned() }),
        message: format!("sends personal data ({}) to {}", tally.describe(), where_()),
        location: Some(Box::new(Location { path: first.path.clone(), evidence: first.evidence.clone() })),
    });
}
