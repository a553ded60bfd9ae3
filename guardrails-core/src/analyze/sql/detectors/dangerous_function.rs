//! `sql/dangerous_function`
//!
//! ## What it catches
//! Calls of functions and procedures that reach outside the database or take it over:
//! server file reads (`pg_read_file`, `pg_ls_dir`, `LOAD_FILE`, `lo_import`), file writes
//! (`lo_export`, `UTL_FILE`), network egress (`dblink*`, `UTL_HTTP`, `OPENROWSET`), operating-system
//! commands (`xp_cmdshell`, `sys_exec`, `sp_OACreate`), and session killers (`pg_terminate_backend`;
//! `pg_cancel_backend` of one literal process id is routine and passes).
//! Names match as calls (`f(…)`), package members (`UTL_HTTP.request`) or `EXEC` targets, also when
//! schema-qualified (`master..xp_cmdshell`).
//!
//! ## Why it matters
//! These turn a SQL session into file access, network egress or a shell on the database host.
//!
//! ## Blocks
//! ```sql
//! SELECT pg_read_file('/var/lib/postgresql/16/main/server.key');
//! EXEC xp_cmdshell 'net user admin2 P@ss /add';
//! ```
//!
//! ## Passes
//! ```sql
//! SELECT 'pg_read_file' AS name;
//! SELECT * FROM dblink_audit_log;
//! ```
//!
//! ## Known gaps
//! Functions created by the user that wrap these are opaque.
//!
//! ## Intents
//! `credential.read`, `data.export`, `exec.remote_code`, `system.disrupt`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::Stmt;

/// Name, intent, severity, what it does.
const FUNCTIONS: &[(&str, Intent, Severity, &str)] = &[
    ("pg_read_file", Intent::CredentialRead, Severity::High, "reads a file on the database server"),
    ("pg_read_binary_file", Intent::CredentialRead, Severity::High, "reads a file on the database server"),
    ("pg_ls_dir", Intent::CredentialRead, Severity::Medium, "lists a directory on the database server"),
    ("pg_stat_file", Intent::CredentialRead, Severity::Medium, "inspects a file on the database server"),
    ("lo_import", Intent::CredentialRead, Severity::High, "reads a server file into the database"),
    ("load_file", Intent::CredentialRead, Severity::High, "reads a file on the database server"),
    ("lo_export", Intent::DataExport, Severity::High, "writes database data to a file on the server"),
    ("utl_file", Intent::DataExport, Severity::High, "writes files on the database server"),
    ("dblink", Intent::DataExport, Severity::High, "sends queries and data to another database server"),
    ("dblink_exec", Intent::DataExport, Severity::High, "sends statements and data to another database server"),
    ("dblink_connect", Intent::DataExport, Severity::High, "connects to another database server"),
    ("dblink_connect_u", Intent::DataExport, Severity::High, "connects to another database server"),
    ("dblink_send_query", Intent::DataExport, Severity::High, "sends queries and data to another database server"),
    ("utl_http", Intent::DataExport, Severity::High, "makes HTTP requests from the database server"),
    ("utl_tcp", Intent::DataExport, Severity::High, "opens network connections from the database server"),
    ("utl_smtp", Intent::DataExport, Severity::High, "sends e-mail from the database server"),
    ("openrowset", Intent::DataExport, Severity::High, "reads from or writes to an external data source"),
    ("opendatasource", Intent::DataExport, Severity::High, "connects to an external data source"),
    ("xp_dirtree", Intent::DataExport, Severity::Medium, "touches a network path from the database server"),
    (
        "xp_cmdshell",
        Intent::ExecRemoteCode,
        Severity::Critical,
        "runs an operating-system command on the database server",
    ),
    ("sys_exec", Intent::ExecRemoteCode, Severity::Critical, "runs an operating-system command on the database server"),
    ("sys_eval", Intent::ExecRemoteCode, Severity::Critical, "runs an operating-system command on the database server"),
    (
        "sp_oacreate",
        Intent::ExecRemoteCode,
        Severity::Critical,
        "creates an OLE object able to run commands on the server",
    ),
    (
        "sp_oamethod",
        Intent::ExecRemoteCode,
        Severity::Critical,
        "calls an OLE object able to run commands on the server",
    ),
    ("pg_terminate_backend", Intent::SystemDisrupt, Severity::High, "kills database sessions"),
    ("pg_cancel_backend", Intent::SystemDisrupt, Severity::Medium, "cancels running queries"),
    ("pg_reload_conf", Intent::SystemDisrupt, Severity::Medium, "reloads the server configuration"),
    ("pg_promote", Intent::SystemDisrupt, Severity::High, "promotes a standby to primary"),
    ("sp_configure", Intent::SystemDisrupt, Severity::High, "changes server-wide configuration"),
];

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/dangerous_function",
    intents: &[Intent::CredentialRead, Intent::DataExport, Intent::ExecRemoteCode, Intent::SystemDisrupt],
    triggers: &[
        "pg_read_file",
        "pg_read_binary_file",
        "pg_ls_dir",
        "pg_stat_file",
        "lo_import",
        "load_file",
        "lo_export",
        "utl_file",
        "dblink",
        "dblink_exec",
        "dblink_connect",
        "dblink_connect_u",
        "dblink_send_query",
        "utl_http",
        "utl_tcp",
        "utl_smtp",
        "openrowset",
        "opendatasource",
        "xp_dirtree",
        "xp_cmdshell",
        "sys_exec",
        "sys_eval",
        "sp_oacreate",
        "sp_oamethod",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_promote",
        "sp_configure",
    ],
};

/// Finds calls of the functions above.
pub(crate) fn check(stmt: &Stmt<'_>, facts: &mut Facts) {
    for (i, t) in stmt.tokens.iter().enumerate() {
        let Some(word) = t.ident(stmt.src) else { continue };
        let Some((name, intent, severity, effect)) = FUNCTIONS.iter().find(|f| f.0.eq_ignore_ascii_case(word)) else {
            continue;
        };
        if !is_call(stmt, i) {
            continue;
        }
        // Cancelling one query by its process id (`pg_cancel_backend(48121)`) is routine; the
        // connection survives.
        let one_literal_pid = stmt.is_punct(i + 1, "(")
            && stmt.tokens.get(i + 2).is_some_and(|t| t.text(stmt.src).bytes().all(|b| b.is_ascii_digit()))
            && stmt.is_punct(i + 3, ")");
        if *name == "pg_cancel_backend" && one_literal_pid {
            continue;
        }
        facts.push(stmt.fact(
            *intent,
            *severity,
            DETECTOR.id,
            Some(Target { kind: "function", name: (*name).to_owned() }),
            format!("`{name}` {effect}"),
        ));
    }
}

/// Whether the word at `i` is called: `f(`, `pkg.member`, `EXEC f`, `CALL f`, `EXEC db..f`.
pub(crate) fn is_call(stmt: &Stmt<'_>, i: usize) -> bool {
    if stmt.is_punct(i + 1, "(") || stmt.is_punct(i + 1, ".") {
        return true;
    }
    // Walk back over a qualifier (`master..xp_cmdshell`, `dbo.f`) to the verb.
    let mut j = i;
    while j >= 1 && stmt.is_punct(j - 1, ".") {
        j -= 1;
        while j >= 1 && stmt.is_punct(j - 1, ".") {
            j -= 1;
        }
        if j >= 1 && stmt.tokens[j - 1].ident(stmt.src).is_some() {
            j -= 1;
        }
    }
    j == 0 || (j >= 1 && ["EXEC", "EXECUTE", "CALL", "PERFORM"].iter().any(|v| stmt.is_kw(j - 1, v)))
}
