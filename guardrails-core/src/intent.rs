//! The intent registry: the only place an intent id is spelled out.
//!
//! An intent names *what an action would do* (`schema.drop`, `data.bulk_delete`), independent of
//! how it is written. Policies refer to intents, never to the text of an action. Ids are stable:
//! once released an id is never renamed; a retired id stays, marked [`IntentStatus::Deprecated`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Whether an intent id is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntentStatus {
    /// Released; the id will not change.
    Stable,
    /// Emitted, but its exact meaning may still be refined.
    Preview,
    /// No longer emitted; kept so that policies naming it still load.
    Deprecated,
}

macro_rules! intents {
    ($( $(#[$doc:meta])* $variant:ident => $id:literal, $status:ident; )*) => {
        /// What an action would do. See the module docs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Intent {
            $( $(#[$doc])* $variant, )*
        }

        impl Intent {
            /// Every intent, in registry order.
            pub const ALL: &'static [Intent] = &[ $( Intent::$variant, )* ];

            /// The stable dotted id, e.g. `schema.drop`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Intent::$variant => $id, )* }
            }

            /// Whether the id is stable, preview or deprecated.
            pub const fn status(self) -> IntentStatus {
                match self { $( Intent::$variant => IntentStatus::$status, )* }
            }
        }

        impl FromStr for Intent {
            type Err = UnknownIntent;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $id => Ok(Intent::$variant), )*
                    _ => Err(UnknownIntent(s.to_owned())),
                }
            }
        }
    };
}

intents! {
    /// Drops a database, schema, table, view, index, function or other object.
    SchemaDrop => "schema.drop", Stable;
    /// Removes every row of a table at once (`TRUNCATE`).
    SchemaTruncate => "schema.truncate", Stable;
    /// Alters a table in a way that loses data (drop column, drop constraint, drop partition).
    SchemaAlterDestructive => "schema.alter_destructive", Stable;
    /// Deletes rows without a bounding condition (no `WHERE`, or one that is always true).
    DataBulkDelete => "data.bulk_delete", Stable;
    /// Updates rows without a bounding condition.
    DataBulkUpdate => "data.bulk_update", Stable;
    /// Replaces a whole table's contents (`INSERT OVERWRITE`, `CREATE OR REPLACE TABLE`, unbounded `MERGE … DELETE`).
    DataOverwrite => "data.overwrite", Stable;
    /// Moves data out of the database to files, programs, buckets or other hosts.
    DataExport => "data.export", Stable;
    /// Reads data a policy marks as sensitive.
    DataSensitiveRead => "data.sensitive_read", Stable;
    /// Grants privileges or creates logins.
    PrivilegeGrant => "privilege.grant", Stable;
    /// Raises privileges to superuser/owner level, or switches to another role.
    PrivilegeEscalate => "privilege.escalate", Stable;
    /// Reads credentials: password hashes, key files, server files.
    CredentialRead => "credential.read", Stable;
    /// Runs code fetched from elsewhere or an operating-system command from inside a database.
    ExecRemoteCode => "exec.remote_code", Stable;
    /// Runs code built at run time whose content cannot be known before it runs.
    ExecDynamic => "exec.dynamic", Stable;
    /// Deletes a directory tree.
    FsDeleteRecursive => "fs.delete_recursive", Stable;
    /// Writes to a raw device or formats a file system.
    FsDeviceWrite => "fs.device_write", Stable;
    /// Changes ownership or permissions broadly.
    FsPermissions => "fs.permissions", Stable;
    /// Rewrites version-control history others depend on.
    VcsHistoryRewrite => "vcs.history_rewrite", Stable;
    /// Discards uncommitted or unpushed work.
    VcsDiscardChanges => "vcs.discard_changes", Stable;
    /// Destroys infrastructure: clusters, stacks, buckets, instances.
    InfraDestroy => "infra.destroy", Stable;
    /// Disrupts a running system: shutdowns, killed sessions, global configuration changes.
    SystemDisrupt => "system.disrupt", Stable;
    /// Installs something that survives a restart (cron jobs, startup scripts, keys).
    Persistence => "persistence", Stable;
    /// Sends a secret outside the organisation.
    EgressSecret => "egress.secret", Stable;
    /// Sends personal data outside the organisation.
    EgressPii => "egress.pii", Stable;
    /// Uploads a file to an outside host.
    EgressFileUpload => "egress.file_upload", Stable;
    /// Talks to a host the organisation does not trust.
    EgressUntrustedHost => "egress.untrusted_host", Stable;
    /// Calls a tool that a policy rule names (`tools: [github__delete_repository]`).
    ToolCall => "tool.call", Preview;
    /// The engine could not analyse the action (parse failure, limits); the policy decides.
    Unanalyzable => "unanalyzable", Stable;
}

/// The error of parsing an unknown intent id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown intent '{0}'")]
pub struct UnknownIntent(pub(crate) String);

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Intent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Intent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format_args!(
                "unknown intent '{s}' (known: {})",
                Intent::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for intent in Intent::ALL {
            assert!(seen.insert(intent.as_str()), "duplicate id {intent}");
            assert_eq!(intent.as_str().parse::<Intent>(), Ok(*intent));
        }
    }

    #[test]
    fn unknown_id_is_rejected() {
        assert!("schema.dropp".parse::<Intent>().is_err());
    }

    #[test]
    fn readme_lists_every_intent() {
        let readme = include_str!("../../README.md");
        let missing: Vec<_> = Intent::ALL.iter().filter(|i| !readme.contains(&format!("`{}`", i.as_str()))).collect();
        assert!(missing.is_empty(), "README.md's intent list lacks {missing:?}");
    }
}
