//! `sql/privilege_change`
//!
//! ## What it catches
//! - `privilege.escalate`: `GRANT ALL`, grants `ON *.*`, `WITH GRANT|ADMIN OPTION`, grants to
//!   `PUBLIC`, grants of administrative roles (`db_owner`, `sysadmin`, `rds_superuser`,
//!   `ACCOUNTADMIN`, `pg_execute_server_program`, …) or powers (`SUPER`, `FILE`); roles or users
//!   created or altered with `SUPERUSER`, `BYPASSRLS`, `REPLICATION`; `ALTER [SERVER] ROLE admin ADD
//!   MEMBER`; `sp_addrolemember`/`sp_addsrvrolemember` of an administrative role; `SET ROLE` to an
//!   administrative role, `SET SESSION AUTHORIZATION`, `EXECUTE AS`; row-level security switched
//!   off (`DISABLE` / `NO FORCE ROW LEVEL SECURITY`) or opened to all (`CREATE POLICY … TO PUBLIC
//!   USING (true)`).
//! - `privilege.grant`: any other `GRANT` (also in `ALTER DEFAULT PRIVILEGES`), new logins
//!   (`CREATE USER|ROLE|LOGIN`), `CREATEROLE` / `CREATEDB`, password changes, `SET ROLE` to another
//!   role.
//!
//! ## Why it matters
//! Privileges outlive the session that granted them; an agent that can raise its own rights has
//! no limits left.
//!
//! ## Blocks
//! ```sql
//! ALTER USER library_app WITH SUPERUSER;
//! GRANT ALL ON *.* TO 'fleet_ro'@'%';
//! EXEC sp_addrolemember 'db_owner', 'hotel_app';
//! ```
//!
//! ## Passes
//! ```sql
//! SHOW GRANTS TO ROLE analyst;
//! REVOKE INSERT ON t FROM bob;
//! ALTER ROLE app NOSUPERUSER;
//! ```
//!
//! ## Known gaps
//! Whether a narrow `GRANT SELECT` raises privileges depends on the grantee; it is reported as
//! `privilege.grant` and left to the policy.
//!
//! ## Intents
//! `privilege.grant`, `privilege.escalate`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::lexer::TokenKind;
use super::super::Stmt;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/privilege_change",
    intents: &[Intent::PrivilegeGrant, Intent::PrivilegeEscalate],
    triggers: &[
        "security",
        "policy",
        "roles",
        "password",
        "set_config",
        "grant",
        "user",
        "role",
        "login",
        "authorization",
        "execute",
        "exec",
        "sp_addrolemember",
        "sp_addsrvrolemember",
        "sp_addlogin",
        "sp_grantlogin",
        "sp_adduser",
        "sp_grantdbaccess",
        "sp_password",
    ],
};

/// Roles and privileges that amount to owning the database or its host.
const ADMIN: &[&str] = &[
    "db_owner",
    "db_securityadmin",
    "db_accessadmin",
    "sysadmin",
    "securityadmin",
    "serveradmin",
    "rds_superuser",
    "cloudsqlsuperuser",
    "azure_pg_admin",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_execute_server_program",
    "accountadmin",
    "orgadmin",
    "dba",
    "super",
    "file",
    "superuser",
    "postgres",
    "root",
    "admin",
];

/// Role options that amount to superuser.
const POWERFUL_OPTIONS: &[&str] = &["SUPERUSER", "BYPASSRLS", "REPLICATION"];

/// Role options that hand out administration of other roles or databases, short of superuser: a
/// grant an approval can release.
const ADMINISTRATIVE_OPTIONS: &[&str] = &["CREATEROLE", "CREATEUSER", "CREATEDB"];

fn is_admin(name: &str) -> bool {
    let bare = name.trim_matches(|c| c == '\'' || c == '"' || c == '`' || c == '[' || c == ']');
    ADMIN.iter().any(|a| a.eq_ignore_ascii_case(bare))
}

/// Finds privilege changes at the head of the statement.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    let fact = |facts: &mut Facts, intent: Intent, severity: Severity, name: String, message: String| {
        facts.push(stmt.fact(intent, severity, DETECTOR.id, Some(Target { kind: "role", name }), message));
    };
    let words = || {
        stmt.tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.kind, TokenKind::Word | TokenKind::Str | TokenKind::QuotedIdent))
    };

    // Row-level security switched off (`ALTER TABLE t DISABLE | NO FORCE ROW LEVEL SECURITY`), or
    // a policy that lets everyone see every row (`CREATE POLICY p ON t … TO PUBLIC USING (true)`;
    // permissive policies are OR-ed, so one such policy opens the table).
    if stmt.seq(0, &["ALTER", "TABLE"]) {
        if let Some(at) = (2..stmt.tokens.len()).find(|&k| stmt.seq(k, &["ROW", "LEVEL", "SECURITY"])) {
            if stmt.is_kw(at - 1, "DISABLE") || (stmt.is_kw(at - 1, "FORCE") && stmt.is_kw(at.wrapping_sub(2), "NO")) {
                let table = stmt.name_at(2).0;
                fact(
                    facts,
                    Intent::PrivilegeEscalate,
                    Severity::High,
                    table.clone(),
                    format!("switches off row-level security on `{table}`: every role that can read it sees every row"),
                );
            }
        }
    }
    if stmt.seq(0, &["CREATE", "POLICY"]) && !stmt.any_kw("RESTRICTIVE") {
        let open = (0..stmt.tokens.len()).any(|k| {
            let paren = if stmt.is_kw(k, "USING") {
                k + 1
            } else if stmt.seq(k, &["WITH", "CHECK"]) {
                k + 2
            } else {
                return false;
            };
            let always =
                stmt.is_kw(paren + 1, "TRUE") || stmt.tokens.get(paren + 1).is_some_and(|t| t.text(stmt.src) == "1");
            stmt.is_punct(paren, "(") && always && stmt.is_punct(paren + 2, ")")
        });
        let to_everyone = stmt.any_kw("PUBLIC") || !stmt.any_kw("TO");
        if open && to_everyone {
            let name = stmt.name_at(2).0;
            fact(
                facts,
                Intent::PrivilegeEscalate,
                Severity::High,
                name.clone(),
                format!("policy `{name}` lets every role see or write every row (`USING (true)`), undoing row-level security"),
            );
        }
    }

    // GRANT …, or ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT … (future objects).
    let grant_at = if stmt.is_kw(0, "GRANT") {
        Some(0)
    } else if stmt.seq(0, &["ALTER", "DEFAULT", "PRIVILEGES"]) {
        stmt.find_kw(3, "GRANT")
    } else {
        None
    };
    if let Some(g) = grant_at {
        let to = stmt.find_kw(g + 1, "TO");
        let grantee = to.map(|i| stmt.name_at(i + 1).0).unwrap_or_default();
        let head_end = to.unwrap_or(stmt.tokens.len());
        let all = stmt.is_kw(g + 1, "ALL");
        let global =
            (g + 1..head_end).any(|i| stmt.is_punct(i, "*") && stmt.is_punct(i + 1, ".") && stmt.is_punct(i + 2, "*"));
        // Privileges and roles are named before ON (object names after ON are not roles).
        let privileges_end = stmt.find_kw(g + 1, "ON").filter(|&o| o < head_end).unwrap_or(head_end);
        let admin_role = words()
            .filter(|(i, _)| *i > g && *i < privileges_end)
            .find(|(_, t)| is_admin(&t.string_value(stmt.src)) || is_admin(t.text(stmt.src)))
            .map(|(_, t)| t.text(stmt.src).to_owned())
            .or_else(|| {
                // SQL Server: GRANT CONTROL SERVER | IMPERSONATE ON LOGIN::sa | ALTER ANY LOGIN
                let server = stmt.seq(g + 1, &["CONTROL", "SERVER"]) || stmt.seq(g + 1, &["CONTROL", "DATABASE"]);
                let impersonate = stmt.is_kw(g + 1, "IMPERSONATE") || stmt.seq(g + 1, &["ALTER", "ANY", "LOGIN"]);
                (server || impersonate).then(|| stmt.text().split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            });
        let with_option = (head_end..stmt.tokens.len())
            .any(|i| stmt.is_kw(i, "WITH") && (stmt.is_kw(i + 1, "GRANT") || stmt.is_kw(i + 1, "ADMIN")));
        let public = (head_end..stmt.tokens.len()).any(|i| stmt.is_kw(i, "PUBLIC"));
        let why = if all {
            Some("GRANT ALL gives every privilege".to_owned())
        } else if global {
            Some("a grant ON *.* covers every database".to_owned())
        } else if let Some(role) = admin_role {
            Some(format!("grants the administrative role or privilege `{role}`"))
        } else if with_option {
            Some("WITH GRANT/ADMIN OPTION lets the grantee grant it on".to_owned())
        } else if public {
            Some("grants to PUBLIC, that is to every role".to_owned())
        } else {
            None
        };
        match why {
            Some(why) => fact(
                facts,
                Intent::PrivilegeEscalate,
                Severity::Critical,
                grantee.clone(),
                format!("{why} to `{grantee}`"),
            ),
            None => fact(
                facts,
                Intent::PrivilegeGrant,
                Severity::Medium,
                grantee.clone(),
                format!("grants privileges to `{grantee}`"),
            ),
        }
        return;
    }

    let creates = stmt.is_kw(0, "CREATE") && ["USER", "ROLE", "LOGIN"].iter().any(|k| stmt.is_kw(1, k));
    let alters = stmt.is_kw(0, "ALTER") && ["USER", "ROLE", "LOGIN"].iter().any(|k| stmt.is_kw(1, k));
    let alters_server_role = stmt.seq(0, &["ALTER", "SERVER", "ROLE"]);
    if creates || alters || alters_server_role {
        let name_at = if alters_server_role { 3 } else { 2 };
        let name = stmt.name_at(name_at).0;
        let powerful = POWERFUL_OPTIONS.iter().find(|o| stmt.any_kw(o));
        if let Some(option) = powerful {
            fact(
                facts,
                Intent::PrivilegeEscalate,
                Severity::Critical,
                name.clone(),
                format!("gives `{name}` the {option} attribute"),
            );
        } else if let Some(option) = ADMINISTRATIVE_OPTIONS.iter().find(|o| stmt.any_kw(o)) {
            fact(
                facts,
                Intent::PrivilegeGrant,
                Severity::High,
                name.clone(),
                format!("gives `{name}` the {option} attribute"),
            );
        } else if (alters || alters_server_role) && stmt.seq(name_at + 1, &["ADD", "MEMBER"]) {
            let member = stmt.name_at(name_at + 3).0;
            let (intent, severity) = if is_admin(&name) {
                (Intent::PrivilegeEscalate, Severity::Critical)
            } else {
                (Intent::PrivilegeGrant, Severity::Medium)
            };
            fact(facts, intent, severity, member.clone(), format!("adds `{member}` to role `{name}`"));
        } else if creates {
            fact(
                facts,
                Intent::PrivilegeGrant,
                Severity::High,
                name.clone(),
                format!("creates the login or role `{name}`"),
            );
        } else if stmt.any_kw("PASSWORD") || stmt.any_kw("IDENTIFIED") {
            fact(
                facts,
                Intent::PrivilegeGrant,
                Severity::Medium,
                name.clone(),
                format!("changes the password of `{name}`"),
            );
        }
        return;
    }

    if stmt.seq(0, &["SET", "ROLE"])
        || stmt.seq(0, &["SET", "SESSION", "ROLE"])
        || stmt.seq(0, &["SET", "LOCAL", "ROLE"])
    {
        let at = stmt.find_kw(0, "ROLE").map_or(2, |i| i + 1);
        let role = stmt.name_at(at).0;
        if is_admin(&role) {
            let message = format!("switches the session to the administrative role `{role}`");
            fact(facts, Intent::PrivilegeEscalate, Severity::High, role.clone(), message);
        } else if !role.eq_ignore_ascii_case("NONE") && !role.eq_ignore_ascii_case("DEFAULT") {
            let message = format!("switches the session to role `{role}`");
            fact(facts, Intent::PrivilegeGrant, Severity::Medium, role.clone(), message);
        }
        return;
    }
    // Snowflake: USE [SECONDARY] ROLE r
    if stmt.seq(0, &["USE", "ROLE"]) || stmt.seq(0, &["USE", "SECONDARY", "ROLES"]) {
        let role = stmt.tokens.last().map(|t| t.string_value(stmt.src)).unwrap_or_default();
        if is_admin(&role) {
            let message = format!("switches the session to the administrative role `{role}`");
            fact(facts, Intent::PrivilegeEscalate, Severity::High, role, message);
        }
        return;
    }
    // MySQL: SET PASSWORD [FOR user] = …
    if stmt.seq(0, &["SET", "PASSWORD"]) {
        let who = if stmt.is_kw(2, "FOR") { stmt.name_at(3).0 } else { "the current user".to_owned() };
        let message = format!("changes the password of `{who}`");
        fact(facts, Intent::PrivilegeGrant, Severity::Medium, who, message);
        return;
    }
    // PostgreSQL: SELECT set_config('role', 'postgres', false) is SET ROLE.
    for (i, t) in stmt.tokens.iter().enumerate() {
        if t.ident(stmt.src).is_some_and(|w| w.eq_ignore_ascii_case("set_config")) && stmt.is_punct(i + 1, "(") {
            let setting =
                stmt.tokens.get(i + 2).map(|a| a.string_value(stmt.src).to_ascii_lowercase()).unwrap_or_default();
            if setting == "role" || setting == "session_authorization" {
                let role = stmt.tokens.get(i + 4).map(|a| a.string_value(stmt.src)).unwrap_or_default();
                let message = format!("set_config('{setting}') switches the session to `{role}`");
                fact(facts, Intent::PrivilegeEscalate, Severity::High, role, message);
            }
        }
    }
    if stmt.seq(0, &["SET", "SESSION", "AUTHORIZATION"]) {
        let who = stmt.name_at(3).0;
        if !who.eq_ignore_ascii_case("DEFAULT") {
            fact(
                facts,
                Intent::PrivilegeEscalate,
                Severity::Medium,
                who.clone(),
                format!("switches the session to user `{who}`"),
            );
        }
        return;
    }
    if (stmt.is_kw(0, "EXECUTE") || stmt.is_kw(0, "EXEC")) && stmt.is_kw(1, "AS") {
        let who = stmt.tokens.last().map(|t| t.string_value(stmt.src)).unwrap_or_default();
        fact(facts, Intent::PrivilegeEscalate, Severity::Medium, who.clone(), format!("impersonates `{who}`"));
        return;
    }

    // SQL Server system procedures, possibly schema-qualified, after EXEC.
    for (i, t) in stmt.tokens.iter().enumerate() {
        if t.kind != TokenKind::Word || !t.text(stmt.src).to_ascii_lowercase().starts_with("sp_") {
            continue;
        }
        if !super::dangerous_function::is_call(stmt, i) {
            continue;
        }
        let proc = t.text(stmt.src).to_ascii_lowercase();
        let first_arg = stmt.tokens.get(i + 1).map(|a| a.string_value(stmt.src)).unwrap_or_default();
        match proc.as_str() {
            "sp_addrolemember" | "sp_addsrvrolemember" => {
                // sp_addrolemember role, member; sp_addsrvrolemember login, role; or named @rolename.
                let args: Vec<String> = stmt.tokens[i + 1..]
                    .iter()
                    .filter(|a| matches!(a.kind, TokenKind::Str | TokenKind::Word | TokenKind::QuotedIdent))
                    .map(|a| a.string_value(stmt.src))
                    .collect();
                let admin = args.iter().find(|a| is_admin(a)).cloned();
                let member = args.iter().find(|a| !is_admin(a)).cloned().unwrap_or_default();
                match admin {
                    Some(role) => fact(
                        facts,
                        Intent::PrivilegeEscalate,
                        Severity::Critical,
                        member.clone(),
                        format!("{proc} makes `{member}` a member of `{role}`"),
                    ),
                    None => fact(
                        facts,
                        Intent::PrivilegeGrant,
                        Severity::Medium,
                        member.clone(),
                        format!("{proc} adds `{member}` to a role"),
                    ),
                }
            }
            "sp_addlogin" | "sp_grantlogin" | "sp_adduser" | "sp_grantdbaccess" | "sp_password" => {
                fact(
                    facts,
                    Intent::PrivilegeGrant,
                    Severity::High,
                    first_arg.clone(),
                    format!("{proc} creates or changes the login `{first_arg}`"),
                );
            }
            _ => {}
        }
    }
}
