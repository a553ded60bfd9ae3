//! `sql/credential_catalog_read`
//!
//! ## What it catches
//! Reads of the system catalogs that hold password hashes and stored credentials:
//! PostgreSQL `pg_authid`, `pg_shadow`, `pg_user_mapping(s)`; MySQL `mysql.user`; SQL Server
//! `sys.sql_logins`, `sys.syslogins`, `sys.credentials`; Oracle `sys.user$`, `dba_users`.
//!
//! ## Why it matters
//! Password hashes can be cracked or replayed; user mappings hold other servers' passwords.
//!
//! ## Blocks
//! ```sql
//! SELECT rolname, rolpassword FROM pg_authid WHERE rolsuper;
//! SELECT user, authentication_string FROM mysql.user;
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT rolname FROM pg_roles;
//! SELECT id FROM users;
//! SELECT name, create_date FROM sys.sql_logins;
//! ```
//!
//! ## Known gaps
//! None known.
//!
//! ## Intents
//! `credential.read`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

/// Column names that hold credentials in any table (also trigger words of the detector).
macro_rules! secret_columns {
    ($($more:expr),*) => {
        [
            "password",
            "passwd",
            "password_hash",
            "hashed_password",
            "encrypted_password",
            "password_digest",
            "totp_secret",
            "otp_secret",
            "mfa_secret",
            "api_key",
            "api_secret",
            "secret_key",
            "private_key",
            "access_token",
            "refresh_token",
            "client_secret",
            $($more),*
        ]
    };
}

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/credential_catalog_read",
    intents: &[Intent::CredentialRead],
    triggers: &secret_columns!(
        "user$",
        "pg_authid",
        "pg_shadow",
        "pg_user_mapping",
        "pg_user_mappings",
        "user",
        "sql_logins",
        "syslogins",
        "credentials",
        "dba_users"
    ),
};

/// Catalogs known by their own name.
const BARE: &[&str] =
    &["pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings", "sql_logins", "syslogins", "dba_users"];

/// Catalogs only under a schema: (schema, table).
const QUALIFIED: &[(&str, &str)] = &[("mysql", "user"), ("sys", "credentials"), ("sys", "user$")];

/// `SELECT name, create_date FROM sys.sql_logins`: a read whose columns are named and none of them
/// holds a password, a hash, a key or a secret.
fn selects_no_secret_column(stmt: &Stmt<'_>) -> bool {
    if !stmt.is_kw(0, "SELECT") {
        return false;
    }
    let Some(from) = stmt.find_kw(1, "FROM") else { return false };
    let secretive = ["pass", "authentication_string", "hash", "secret", "key", "credential", "token", "umoptions"];
    (1..from).all(|k| {
        let text = stmt.tokens[k].text(stmt.src).to_ascii_lowercase();
        text != "*" && !secretive.iter().any(|s| text.contains(s))
    })
}

/// Column names that hold credentials in any table: password hashes, one-time-password seeds,
/// API keys and tokens.
const SECRET_COLUMNS: &[&str] = &secret_columns!();

/// Finds references to credential catalogs, and reads of credential columns of any table.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    if stmt.is_kw(0, "SELECT") {
        let from = stmt.find_kw(1, "FROM").unwrap_or(stmt.tokens.len());
        if let Some(column) = (1..from)
            .filter_map(|k| stmt.tokens[k].ident(stmt.src))
            .find(|w| SECRET_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(w)))
        {
            let table = stmt.name_at(from + 1).0;
            facts.push(stmt.fact(
                Intent::CredentialRead,
                Severity::High,
                DETECTOR.id,
                Some(Target { kind: "table", name: table.clone() }),
                format!("reads the credential column `{column}` of `{table}`"),
            ));
            return;
        }
    }
    if selects_no_secret_column(stmt) {
        return;
    }
    for (i, t) in stmt.tokens.iter().enumerate() {
        let Some(word) = t.ident(stmt.src) else { continue };
        let bare = BARE.iter().find(|b| b.eq_ignore_ascii_case(word)).map(|b| (*b).to_owned());
        let qualified = QUALIFIED.iter().find(|(schema, table)| {
            table.eq_ignore_ascii_case(word)
                && i >= 2
                && stmt.is_punct(i - 1, ".")
                && stmt.tokens[i - 2].ident(stmt.src).is_some_and(|s| s.eq_ignore_ascii_case(schema))
        });
        let name = match (bare, qualified) {
            (Some(b), _) => b,
            (None, Some((s, t))) => format!("{s}.{t}"),
            _ => continue,
        };
        facts.push(stmt.fact(
            Intent::CredentialRead,
            Severity::High,
            DETECTOR.id,
            Some(Target { kind: "table", name: name.clone() }),
            format!("reads `{name}`, which holds password hashes or stored credentials"),
        ));
    }
}
