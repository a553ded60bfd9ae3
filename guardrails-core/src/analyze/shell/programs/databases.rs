//! `shell/database_client`
//!
//! ## What it catches
//! SQL sent through database clients — `psql -c`, `mysql -e`, `sqlite3 db "…"`, `sqlcmd -Q`,
//! `clickhouse-client -q`, `snowsql -q`, `bq query`, `duckdb -c`, `cockroach sql -e`, and the same
//! clients fed by a here-document or a pipe (`echo "DROP …" | psql`) — goes to the SQL analyzer
//! in the client's dialect. Also `dropdb`, `mysqladmin drop|shutdown`, `bq rm`,
//! `redis-cli FLUSHALL|FLUSHDB|CONFIG SET|SHUTDOWN|DEBUG`, and `mongosh --eval` with
//! `dropDatabase()`, `.drop()`, `deleteMany({})`, `updateMany({}, …)`.
//!
//! ## Why it matters
//! A destructive statement is as destructive typed into a terminal as sent by an application.
//!
//! ## Blocks
//! ```sh
//! psql -h db -c "TRUNCATE loans"
//! echo "DROP DATABASE fleet;" | psql postgres
//! redis-cli -h redis-prod FLUSHDB
//! ```
//!
//! ## Passes
//! ```sh
//! psql -c "SELECT count(*) FROM loans"
//! redis-cli DBSIZE
//! ```
//!
//! ## Known gaps
//! SQL read from a file (`psql -f migration.sql`) is not known to the engine.
//!
//! ## Intents
//! whatever the SQL does; `schema.drop`, `data.bulk_delete`, `data.bulk_update`, `system.disrupt`

use crate::action::Dialect;
use crate::analyze::sql;
use crate::fact::{Facts, Severity, Span, Target};
use crate::intent::Intent;

use super::super::{Flow, Invocation, ShellState};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/database_client",
    intents: &[
        Intent::SchemaDrop,
        Intent::DataBulkDelete,
        Intent::DataBulkUpdate,
        Intent::SystemDisrupt,
        Intent::ExecDynamic,
        Intent::PrivilegeEscalate,
    ],
    triggers: &[
        "pg_restore",
        "mongorestore",
        "prisma",
        "alembic",
        "knex",
        "rails",
        "rake",
        "sequelize",
        "sequelize-cli",
        "flyway",
        "liquibase",
        "psql",
        "mysql",
        "mariadb",
        "sqlite3",
        "sqlcmd",
        "clickhouse-client",
        "clickhouse",
        "snowsql",
        "bq",
        "duckdb",
        "cockroach",
        "dropdb",
        "mysqladmin",
        "pg_dropcluster",
        "redis-cli",
        "mongosh",
        "mongo",
        "pg_dump",
        "pg_dumpall",
        "mysqldump",
        "mongodump",
    ],
};

use crate::analyze::Detector;

pub(crate) fn check(inv: &Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let v: Vec<&str> = inv.args.iter().map(|a| a.value.as_str()).collect();
    let fact = |facts: &mut Facts,
                intent: Intent,
                severity: Severity,
                kind: &'static str,
                target: &str,
                message: String| {
        facts.push(inv.fact(intent, severity, DETECTOR.id, Some(Target { kind, name: target.to_owned() }), message));
    };
    match name {
        "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump" => return Flow::Data(format!("a `{name}` database dump")),
        // Restores that first drop what is there: `pg_restore --clean`, `mongorestore --drop`.
        "pg_restore" | "mongorestore"
            if v.iter().any(|a| matches!(*a, "--clean" | "-c" | "--drop"))
                && !v.iter().any(|a| matches!(*a, "--list" | "-l")) =>
        {
            let db = ["-d", "--dbname", "--db", "--nsInclude"]
                .iter()
                .find_map(|f| super::infrastructure::value_of(&v, f))
                .unwrap_or("");
            fact(
                facts,
                Intent::SchemaDrop,
                Severity::High,
                "database",
                db,
                format!(
                    "`{name}` drops the objects of `{db}` before restoring them: what changed since the dump is lost"
                ),
            );
        }
        "prisma" | "alembic" | "knex" | "rails" | "rake" | "sequelize" | "sequelize-cli" | "flyway" | "liquibase" => {
            if let Some((severity, what)) = migration_wipe(name, &v) {
                fact(facts, Intent::SchemaDrop, severity, "database", "", format!("`{}` {what}", v.join(" ")));
            }
        }
        "dropdb" => {
            let db = v.iter().skip(1).rev().find(|a| !a.starts_with('-')).copied().unwrap_or("");
            fact(
                facts,
                Intent::SchemaDrop,
                Severity::Critical,
                "database",
                db,
                format!("dropdb drops the database `{db}`"),
            );
            return Flow::Unknown;
        }
        "pg_dropcluster" => {
            fact(
                facts,
                Intent::SchemaDrop,
                Severity::Critical,
                "database",
                "",
                "pg_dropcluster deletes a whole PostgreSQL cluster".to_owned(),
            );
            return Flow::Unknown;
        }
        "mysqladmin" => {
            if let Some(i) = v.iter().position(|a| *a == "drop") {
                let db = v.get(i + 1).copied().unwrap_or("");
                fact(
                    facts,
                    Intent::SchemaDrop,
                    Severity::Critical,
                    "database",
                    db,
                    format!("mysqladmin drop drops the database `{db}`"),
                );
            } else if v.contains(&"shutdown") {
                fact(
                    facts,
                    Intent::SystemDisrupt,
                    Severity::High,
                    "server",
                    "",
                    "mysqladmin shutdown stops the database server".to_owned(),
                );
            }
            return Flow::Unknown;
        }
        "redis-cli" => {
            redis(inv, &v, facts);
            // `echo FLUSHALL | redis-cli`: each line is a command.
            if let Flow::Text(commands) = &inv.stdin {
                for line in commands.lines() {
                    let mut words: Vec<&str> = vec!["redis-cli"];
                    words.extend(line.split_whitespace());
                    redis(inv, &words, facts);
                }
            }
            return Flow::Unknown;
        }
        "mongosh" | "mongo" => {
            if let Some(code) = option_value(&v, &["--eval"]) {
                mongo(inv, &code, facts);
            }
            if let Flow::Text(code) = &inv.stdin {
                mongo(inv, code, facts);
            }
            return Flow::Unknown;
        }
        "bq" => {
            let ops: Vec<&str> = v.iter().skip(1).filter(|a| !a.starts_with('-')).copied().collect();
            match ops.first().copied() {
                Some("rm") => {
                    let recursive = v.iter().any(|a| *a == "-r" || *a == "--recursive");
                    let target = ops.get(1).copied().unwrap_or("");
                    let (kind, severity) = if recursive || v.contains(&"-d") {
                        ("schema", Severity::Critical)
                    } else {
                        ("table", Severity::High)
                    };
                    fact(facts, Intent::SchemaDrop, severity, kind, target, format!("`bq rm` deletes `{target}`"));
                }
                Some("query") => {
                    if let Some(a) = inv.args.iter().skip(2).rev().find(|a| !a.value.starts_with('-')) {
                        run_sql(inv, &a.value, a.span, Dialect::Bigquery, st, facts);
                    }
                }
                // `bq extract dataset.table gs://bucket/…`: the table written into a bucket.
                Some("extract") => {
                    // The last two operands (flag values such as `CSV` come before them).
                    if let Some([.., table, dest]) = ops.get(1..) {
                        let flow = Flow::Data(format!("the table `{table}`"));
                        super::infrastructure::bucket_upload(inv, dest, "gs://", flow, st, facts);
                    }
                }
                _ => {}
            }
            return Flow::Data("query results".to_owned());
        }
        _ => {}
    }
    let (dialect, flags): (Dialect, &[&str]) = match name {
        "psql" => (Dialect::Postgres, &["-c", "--command"]),
        "mysql" | "mariadb" => (Dialect::Mysql, &["-e", "--execute"]),
        "sqlcmd" => (Dialect::Mssql, &["-Q", "-q", "--query"]),
        "clickhouse-client" | "clickhouse" => (Dialect::Clickhouse, &["-q", "--query", "-n"]),
        "snowsql" => (Dialect::Snowflake, &["-q", "--query"]),
        "duckdb" => (Dialect::Duckdb, &["-c", "-s"]),
        "cockroach" => (Dialect::Postgres, &["-e", "--execute"]),
        "sqlite3" => (Dialect::Sqlite, &[]),
        _ => return Flow::Unknown,
    };
    let mut sent = false;
    let mut i = 1;
    while i < inv.args.len() {
        let a = &inv.args[i];
        let file_flag = matches!(a.value.as_str(), "-f" | "--file" | "-i" | "--init-file" | "-cmd");
        if flags.contains(&a.value.as_str()) || file_flag {
            if let Some(sql_arg) = inv.args.get(i + 1) {
                if a.value == "-cmd" || !file_flag || !sql_arg.proc_substs.is_empty() {
                    sql_value(inv, sql_arg, dialect, st, facts);
                    sent = true;
                }
            }
            i += 2;
            continue;
        }
        if let Some(text) =
            flags.iter().filter(|f| f.starts_with("--")).find_map(|f| a.value.strip_prefix(&format!("{f}=")))
        {
            run_sql(inv, text, a.span, dialect, st, facts);
            sent = true;
        }
        i += 1;
    }
    if name == "sqlite3" {
        // sqlite3 [options] FILE [SQL…]
        let ops: Vec<_> = inv.args.iter().skip(1).filter(|a| !a.value.starts_with('-')).collect();
        for a in ops.iter().skip(1) {
            run_sql(inv, &a.value, a.span, dialect, st, facts);
            sent = true;
        }
    }
    if !sent {
        if let Flow::Text(sql_text) = &inv.stdin {
            run_sql(inv, sql_text, inv.report, dialect, st, facts);
        }
    }
    Flow::Data("query results".to_owned())
}

/// SQL given as an argument: analysed when known, rebuilt from a substitution's literal output,
/// `exec.dynamic` when it comes from elsewhere (`psql -c "$(curl …)"`, `psql -c "$SQL"`).
fn sql_value(
    inv: &Invocation<'_>,
    arg: &super::super::parse::Arg,
    dialect: Dialect,
    st: &mut ShellState<'_>,
    facts: &mut Facts,
) {
    if !arg.dynamic {
        run_sql(inv, &arg.value, arg.span, dialect, st, facts);
        return;
    }
    let flows: Vec<&Flow> = inv
        .subst_flows
        .iter()
        .filter(|(s, _)| arg.substs.contains(s) || arg.proc_substs.contains(s))
        .map(|(_, f)| f)
        .collect();
    if let [Flow::Text(sql)] = flows.as_slice() {
        run_sql(inv, sql, arg.span, dialect, st, facts);
        return;
    }
    facts.push(inv.fact(
        Intent::ExecDynamic,
        Severity::Medium,
        super::DYNAMIC_DETECTOR.id,
        None,
        format!("the SQL `{}` is only known at run time", arg.value),
    ));
}

/// `--flag value` or `--flag=value`.
fn option_value(v: &[&str], flags: &[&str]) -> Option<String> {
    v.iter().enumerate().find_map(|(i, a)| {
        flags.iter().find_map(|f| {
            if a == f {
                v.get(i + 1).map(|s| (*s).to_owned())
            } else {
                a.strip_prefix(&format!("{f}=")).map(str::to_owned)
            }
        })
    })
}

/// Hands SQL to the SQL analyzer; its facts point at the command (or the nested report span).
fn run_sql(inv: &Invocation<'_>, text: &str, _at: Span, dialect: Dialect, st: &mut ShellState<'_>, facts: &mut Facts) {
    let limits = st.limits;
    let mut state = sql::SqlState::new(limits, st.sensitive_tables);
    state.depth_left = st.depth_left;
    sql::analyze(text, dialect, Some(inv.report), &mut state, facts);
}

/// Migration tools taken back to nothing: what they drop, and how gravely.
fn migration_wipe(name: &str, v: &[&str]) -> Option<(Severity, &'static str)> {
    let has = |w: &str| v.contains(&w);
    let any = |ws: &[&str]| v.iter().any(|a| ws.iter().any(|w| a.eq_ignore_ascii_case(w)));
    match name {
        "prisma" if v.windows(2).any(|w| w == ["migrate", "reset"]) || (has("push") && has("--force-reset")) => {
            Some((Severity::Critical, "drops and recreates the whole database"))
        }
        "alembic" if has("downgrade") && has("base") => {
            Some((Severity::High, "runs every down-migration, dropping the tables they made"))
        }
        "knex" if has("--all") && v.iter().any(|a| a.starts_with("migrate:rollback") || *a == "rollback") => {
            Some((Severity::High, "undoes every migration"))
        }
        "rails" | "rake" if any(&["db:drop", "db:reset", "db:schema:load", "db:migrate:reset"]) => {
            Some((Severity::Critical, "drops the database"))
        }
        "sequelize" | "sequelize-cli" if any(&["db:migrate:undo:all", "db:drop"]) => {
            Some((Severity::High, "undoes every migration"))
        }
        "flyway" if has("clean") => Some((Severity::Critical, "drops every object in the configured schemas")),
        "liquibase" if any(&["dropAll", "drop-all"]) => Some((Severity::Critical, "drops every object")),
        _ => None,
    }
}

fn redis(inv: &Invocation<'_>, v: &[&str], facts: &mut Facts) {
    let with_value =
        ["-h", "-p", "-a", "-n", "-u", "--user", "--pass", "-s", "--tls-cert", "--cacert", "-r", "-i", "--sni"];
    let mut i = 1;
    while i < v.len() && v[i].starts_with('-') {
        i += if with_value.contains(&v[i]) { 2 } else { 1 };
    }
    let Some(cmd) = v.get(i).map(|c| c.to_ascii_uppercase()) else { return };
    let sub = v.get(i + 1).map(|c| c.to_ascii_uppercase()).unwrap_or_default();
    let (intent, severity, message) = match (cmd.as_str(), sub.as_str()) {
        ("FLUSHALL", _) => {
            (Intent::DataBulkDelete, Severity::Critical, "FLUSHALL deletes every key of every Redis database")
        }
        ("FLUSHDB", _) => {
            (Intent::DataBulkDelete, Severity::Critical, "FLUSHDB deletes every key of the Redis database")
        }
        // The known takeover: point the dump file at SSH keys, a crontab or a system directory,
        // then `SAVE` writes attacker-controlled bytes there.
        ("CONFIG", "SET") if redis_writes_system_file(v.get(i + 2..).unwrap_or_default()) => (
            Intent::PrivilegeEscalate,
            Severity::Critical,
            "CONFIG SET points Redis's dump file at SSH keys, a crontab or a system directory",
        ),
        ("CONFIG", "SET" | "REWRITE" | "RESETSTAT") => {
            (Intent::SystemDisrupt, Severity::High, "CONFIG SET changes the Redis server's configuration")
        }
        // `redis-cli --scan | xargs redis-cli DEL`: every key another command lists, one by one.
        ("DEL" | "UNLINK", _) if v.contains(&super::super::unwrap::XARGS_INPUT) => (
            Intent::DataBulkDelete,
            Severity::High,
            "DEL deletes every key piped in from another command (a scan of the keyspace)",
        ),
        ("SWAPDB", _) => (
            Intent::DataBulkDelete,
            Severity::High,
            "SWAPDB swaps the live database for another: every key the application reads is replaced",
        ),
        ("SHUTDOWN", _) => (Intent::SystemDisrupt, Severity::High, "SHUTDOWN stops the Redis server"),
        ("DEBUG", _) => (Intent::SystemDisrupt, Severity::High, "DEBUG can crash or stall the Redis server"),
        ("SLAVEOF" | "REPLICAOF", _) => {
            (Intent::SystemDisrupt, Severity::High, "REPLICAOF turns the server into a replica, discarding its data")
        }
        ("CLIENT", "KILL") => (Intent::SystemDisrupt, Severity::Medium, "CLIENT KILL disconnects clients"),
        _ => return,
    };
    let kind = if intent == Intent::DataBulkDelete { "database" } else { "server" };
    facts.push(inv.fact(intent, severity, DETECTOR.id, Some(Target { kind, name: String::new() }), message.to_owned()));
}

/// `CONFIG SET dir|dbfilename <value>` aimed at a place whose files the system trusts.
fn redis_writes_system_file(args: &[&str]) -> bool {
    let [param, value, ..] = args else { return false };
    let value = value.trim_matches(['"', '\'']).to_ascii_lowercase();
    match param.to_ascii_lowercase().as_str() {
        "dir" => {
            value.contains(".ssh")
                || value.contains("cron")
                || value.starts_with("/etc")
                || value.starts_with("/root")
                || value.contains("systemd")
        }
        "dbfilename" => {
            value.contains("authorized_keys")
                || value.contains("crontab")
                || value.ends_with(".so")
                || value.starts_with('.')
        }
        _ => false,
    }
}

fn mongo(inv: &Invocation<'_>, code: &str, facts: &mut Facts) {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let push = |facts: &mut Facts, intent: Intent, severity: Severity, kind: &'static str, message: &str| {
        facts.push(inv.fact(
            intent,
            severity,
            DETECTOR.id,
            Some(Target { kind, name: String::new() }),
            message.to_owned(),
        ));
    };
    if compact.contains(".dropDatabase(") {
        push(
            facts,
            Intent::SchemaDrop,
            Severity::Critical,
            "database",
            "dropDatabase() drops the whole MongoDB database",
        );
    }
    if compact.contains(".drop(") {
        push(facts, Intent::SchemaDrop, Severity::High, "table", ".drop() drops a MongoDB collection");
    }
    for (call, intent, what) in [
        (".deleteMany({})", Intent::DataBulkDelete, "deleteMany({}) deletes every document"),
        (".deleteMany()", Intent::DataBulkDelete, "deleteMany() deletes every document"),
        (".remove({})", Intent::DataBulkDelete, "remove({}) deletes every document"),
        (".updateMany({},", Intent::DataBulkUpdate, "updateMany({}, …) updates every document"),
    ] {
        if compact.contains(call) {
            push(facts, intent, Severity::High, "table", what);
        }
    }
    if compact.contains(".dropUser(") || compact.contains(".dropAllUsers(") {
        push(facts, Intent::SchemaDrop, Severity::Medium, "role", "drops MongoDB users");
    }
}
