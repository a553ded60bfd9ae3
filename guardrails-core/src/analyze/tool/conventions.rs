//! The built-in conventions: which action a tool carries, read from its name and arguments.
//!
//! Names are taken apart the way agent frameworks build them: MCP `server__tool` and
//! `server.tool` (and Claude Code's `mcp__server__tool`), then `snake_case`, `kebab-case` and
//! `camelCase` words. A tool carries SQL when its name says SQL or it is a query tool of a
//! database server; a command line when it is a shell or terminal tool, or named after a program
//! the shell analyzer knows (`kubectl` with `argv`); and so on. Arguments are found under the
//! names tool authors use (`query`/`sql`/`statement`, `command`/`cmd`/`argv`, `url`/`method`/
//! `body`, `path`/`file_path`/`content`, `to`/`channel`/`text`).

use std::borrow::Cow;

use serde_json::Value;

use crate::action::Dialect;
use crate::analyze::destination::{classify, host_of, Destinations};
use crate::analyze::file::{self, FileAction, Op};
use crate::analyze::http::{self, Request};
use crate::analyze::shell::unwrap::shell_quote;
use crate::fact::{Fact, Facts, Severity, Span, Target};
use crate::intent::Intent;

use super::{Carries, NAMED};

/// An action a tool call carries, borrowed from its arguments.
#[derive(Debug)]
pub(crate) enum Carried<'a> {
    Sql {
        text: &'a str,
        dialect: Dialect,
        path: String,
    },
    Shell {
        command: Cow<'a, str>,
        path: String,
    },
    Http(Request<'a>),
    File(FileAction<'a>),
    /// A message people read: its parts (with their paths) and who receives it.
    Message {
        to: String,
        outside: bool,
        parts: Vec<(&'a Value, String)>,
    },
}

/// A tool name taken apart.
#[derive(Debug)]
struct Name {
    server: String,
    leaf: String,
    /// The leaf's words, lower-cased.
    words: Vec<String>,
    /// The server's words, lower-cased.
    server_words: Vec<String>,
}

impl Name {
    fn parse(tool: &str) -> Name {
        let parts: Vec<&str> = if tool.contains("__") {
            tool.split("__").collect()
        } else if tool.contains('.') {
            tool.split('.').collect()
        } else {
            tool.split('/').collect()
        };
        let parts: Vec<&str> =
            parts.into_iter().filter(|p| !p.is_empty() && !matches!(*p, "mcp" | "functions" | "tools")).collect();
        let leaf = parts.last().copied().unwrap_or(tool);
        let server = if parts.len() >= 2 { parts[parts.len() - 2] } else { "" };
        Name {
            server: server.to_ascii_lowercase(),
            leaf: leaf.to_ascii_lowercase(),
            words: words(leaf),
            server_words: words(server),
        }
    }

    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    fn has_any(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.has(w))
    }

    fn server_has_any(&self, list: &[&str]) -> bool {
        list.iter().any(|w| self.server_words.iter().any(|s| s == w) || self.server == *w)
    }
}

/// `executeSQLQuery`, `run-terminal_cmd` → `execute sql query`, `run terminal cmd`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (chars[i - 1].is_ascii_lowercase()
                || (chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(char::is_ascii_lowercase)));
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Servers whose query tools run SQL, and their dialects.
const DB_SERVERS: &[(&str, Dialect)] = &[
    ("postgres", Dialect::Postgres),
    ("postgresql", Dialect::Postgres),
    ("pg", Dialect::Postgres),
    ("supabase", Dialect::Postgres),
    ("neon", Dialect::Postgres),
    ("cockroach", Dialect::Postgres),
    ("cockroachdb", Dialect::Postgres),
    ("timescale", Dialect::Postgres),
    ("mysql", Dialect::Mysql),
    ("mariadb", Dialect::Mysql),
    ("planetscale", Dialect::Mysql),
    ("tidb", Dialect::Mysql),
    ("sqlite", Dialect::Sqlite),
    ("turso", Dialect::Sqlite),
    ("d1", Dialect::Sqlite),
    ("mssql", Dialect::Mssql),
    ("sqlserver", Dialect::Mssql),
    ("azuresql", Dialect::Mssql),
    ("snowflake", Dialect::Snowflake),
    ("bigquery", Dialect::Bigquery),
    ("redshift", Dialect::Redshift),
    ("databricks", Dialect::Hive),
    ("hive", Dialect::Hive),
    ("duckdb", Dialect::Duckdb),
    ("motherduck", Dialect::Duckdb),
    ("clickhouse", Dialect::Clickhouse),
    ("oracle", Dialect::Oracle),
    ("db", Dialect::Generic),
    ("database", Dialect::Generic),
    ("sql", Dialect::Generic),
];

/// Servers that speak the Redis protocol.
const KV_SERVERS: &[&str] = &["redis", "valkey", "keydb", "upstash", "dragonfly"];

/// Words of tools that look things up in documentation or ask for help: their `query` is a
/// question, even on a database server (`supabase__search_docs`).
const LOOKUP_WORDS: &[&str] = &["search", "docs", "doc", "documentation", "help", "ask", "lookup", "explain"];

const SQL_KEYS: &[&str] = &["query", "sql", "statement", "statements", "sql_query", "sqlQuery", "q", "queries"];
const SHELL_KEYS: &[&str] = &[
    "command",
    "cmd",
    "script",
    "command_line",
    "commandLine",
    "commandline",
    "shell_command",
    "input",
    "argv",
    "args",
];
const CODE_KEYS: &[&str] = &["code", "source", "script", "program", "snippet"];
const URL_KEYS: &[&str] = &["url", "uri", "endpoint", "href", "link"];
/// Where an upload goes.
const UPLOAD_URL_KEYS: &[&str] = &["url", "uri", "endpoint", "upload_url", "target_url", "destination", "dest"];
const PATH_KEYS: &[&str] = &[
    "path",
    "file_path",
    "filePath",
    "filepath",
    "filename",
    "file",
    "target_file",
    "target",
    "source",
    "src",
    "from",
    "old_path",
];
const DEST_KEYS: &[&str] = &["destination", "dest", "to", "new_path", "newPath", "target_path"];
const CONTENT_KEYS: &[&str] = &[
    "content",
    "contents",
    "text",
    "file_text",
    "new_text",
    "newText",
    "new_str",
    "new_string",
    "data",
    "body",
    "code",
];
const BODY_KEYS: &[&str] = &[
    "body",
    "text",
    "content",
    "message",
    "html",
    "markdown",
    "description",
    "comment",
    "subject",
    "title",
    "blocks",
    "attachments",
    "note",
    "notes",
    "summary",
    "data",
    "payload",
    "files",
];
const RECIPIENT_KEYS: &[&str] =
    &["to", "cc", "bcc", "recipient", "recipients", "email", "emails", "address", "addresses", "phone", "number"];

/// The first argument among `keys` that holds a string, with its path.
fn string_arg<'a>(args: &'a Value, keys: &[&str]) -> Option<(&'a str, String)> {
    keys.iter().find_map(|k| args.get(*k).and_then(Value::as_str).map(|s| (s, format!("$.args.{k}"))))
}

/// The first argument among `keys` that is present, with its path.
fn any_arg<'a>(args: &'a Value, keys: &[&str]) -> Option<(&'a Value, String)> {
    keys.iter().find_map(|k| args.get(*k).filter(|v| !v.is_null()).map(|v| (v, format!("$.args.{k}"))))
}

/// What a policy mapping says the call carries.
pub(crate) fn from_mapping<'a>(carries: &'a Carries, args: &'a Value) -> Vec<Carried<'a>> {
    let text = |p: &super::JsonPath| p.resolve(args).and_then(Value::as_str);
    let mut out = Vec::new();
    match carries {
        Carries::Sql { text: p, dialect } => {
            if let Some(t) = text(p) {
                out.push(Carried::Sql { text: t, dialect: *dialect, path: p.in_action() });
            }
        }
        Carries::Shell { command } => {
            if let Some(c) = command.resolve(args).and_then(command_text) {
                out.push(Carried::Shell { command: c, path: command.in_action() });
            }
        }
        Carries::Http { url, method, headers, body } => {
            if let Some(u) = text(url) {
                out.push(Carried::Http(Request {
                    method: method.resolve(args).unwrap_or("GET"),
                    url: u,
                    headers: headers.as_ref().and_then(|h| h.resolve(args)).map(header_pairs).unwrap_or_default(),
                    body: body.as_ref().and_then(|b| b.resolve(args)),
                    at: http::Paths {
                        url: url.in_action().into(),
                        headers: headers.as_ref().map_or("$.args.headers".into(), |h| h.in_action().into()),
                        body: body.as_ref().map_or("$.args.body".into(), |b| b.in_action().into()),
                        url_is_primary: false,
                    },
                }));
            }
        }
        Carries::File { op, path, content, destination } => {
            if let Some(p) = text(path) {
                let op_text = op.resolve(args).unwrap_or("");
                out.push(Carried::File(FileAction {
                    op: Op::parse(op_text),
                    op_text,
                    path: p,
                    content: content.as_ref().and_then(text),
                    destination: destination.as_ref().and_then(text),
                    recursive: args.get("recursive").and_then(Value::as_bool).unwrap_or(false),
                    at: file::Paths {
                        path: path.in_action().into(),
                        content: content.as_ref().map_or("$.args.content".into(), |c| c.in_action().into()),
                        destination: destination.as_ref().map_or("$.args.destination".into(), |d| d.in_action().into()),
                        path_is_primary: false,
                    },
                }));
            }
        }
        Carries::Message { body, to } => {
            if let Some(b) = body.resolve(args) {
                let recipient = to.as_ref().and_then(text).unwrap_or("");
                out.push(Carried::Message {
                    to: recipient.to_owned(),
                    outside: true,
                    parts: vec![(b, body.in_action())],
                });
            }
        }
    }
    out
}

/// A command from a string, or from an argv array (shell-quoted).
pub(crate) fn command_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Array(items) => {
            let argv: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            let argv = argv?;
            (!argv.is_empty()).then(|| Cow::Owned(argv.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")))
        }
        _ => None,
    }
}

fn header_pairs(v: &Value) -> Vec<(&str, &str)> {
    v.as_object()
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))).collect())
        .unwrap_or_default()
}

/// What the built-in conventions say the call of `tool` carries.
pub(crate) fn carried<'a>(tool: &str, args: &'a Value, dest: &Destinations) -> Vec<Carried<'a>> {
    let name = Name::parse(tool);
    let mut out = Vec::new();
    // A tool named after a program: `kubectl {argv: [...]}`. Shells are shell tools, below: their
    // `command` is a command line, not a script file.
    let shells = ["bash", "sh", "zsh", "dash", "ksh", "fish", "powershell", "pwsh", "cmd", "shell"];
    if is_program(&name.leaf) && !shells.contains(&name.leaf.as_str()) {
        if let Some((v, path)) = any_arg(args, &["argv", "args", "arguments", "command", "cmd"]) {
            if let Some(rest) = command_text(v) {
                let command = if rest.split_whitespace().next().is_some_and(|w| w == name.leaf) {
                    rest
                } else {
                    Cow::Owned(format!("{} {rest}", name.leaf))
                };
                out.push(Carried::Shell { command, path });
                return out;
            }
        }
    }
    // Key-value stores whose tools take the store's own commands: `redis__execute {command:
    // "FLUSHALL"}` runs as `redis-cli FLUSHALL`.
    if (name.server_has_any(KV_SERVERS) || name.has_any(KV_SERVERS)) && !name.has_any(LOOKUP_WORDS) {
        // A Lua script (`EVAL`): each `redis.call('FLUSHDB')` / `redis.pcall(…)` is a command.
        if let Some((script, path)) = string_arg(args, &["script", "lua", "source", "code"]) {
            for at in script
                .match_indices("redis.call(")
                .chain(script.match_indices("redis.pcall("))
                .map(|(at, m)| at + m.len())
            {
                let rest = &script[at..];
                let call = &rest[..rest.find(')').unwrap_or(rest.len())];
                let words: Vec<String> = call
                    .split(',')
                    .map(|w| w.trim().trim_matches(['\'', '"']).to_owned())
                    .filter(|w| !w.is_empty())
                    .collect();
                if !words.is_empty() {
                    let line = words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ");
                    out.push(Carried::Shell { command: Cow::Owned(format!("redis-cli {line}")), path: path.clone() });
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
        // A pipeline or transaction: a list of commands, each a string or an argument list.
        if let Some((Value::Array(list), path)) =
            any_arg(args, &["commands", "cmds", "pipeline", "batch", "transaction"])
        {
            for (i, item) in list.iter().enumerate() {
                if let Some(line) = command_text(item) {
                    out.push(Carried::Shell {
                        command: Cow::Owned(format!("redis-cli {line}")),
                        path: format!("{path}[{i}]"),
                    });
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
        if let Some((v, path)) = any_arg(args, &["command", "cmd", "argv", "args", "query"]) {
            if let Some(rest) = command_text(v) {
                // A command split into its name and its arguments (`{command: "CONFIG", args:
                // ["SET", "dir", "/root/.ssh"]}`) is one command line.
                let tail = ["args", "arguments", "argv", "params"]
                    .iter()
                    .filter(|k| path.rsplit('.').next() != Some(**k))
                    .find_map(|k| args.get(*k).and_then(command_text));
                let line = match tail {
                    Some(tail) => format!("redis-cli {rest} {tail}"),
                    None => format!("redis-cli {rest}"),
                };
                out.push(Carried::Shell { command: Cow::Owned(line), path });
                return out;
            }
        }
    }
    // Service managers: `systemd__manage {unit: "sshd", action: "stop"}` runs as `systemctl stop
    // sshd`.
    if name.server_has_any(&["systemd", "systemctl", "services", "service"]) || name.has_any(&["systemd", "systemctl"])
    {
        let unit = string_arg(args, &["unit", "service", "name", "unit_name", "service_name"]);
        let verb = string_arg(args, &["action", "operation", "command", "verb", "state"]);
        if let (Some((unit, _)), Some((verb, path))) = (unit, verb) {
            let command = format!("systemctl {} {}", shell_quote(&verb.to_ascii_lowercase()), shell_quote(unit));
            out.push(Carried::Shell { command: Cow::Owned(command), path });
            return out;
        }
    }
    // Kubernetes tools that apply a manifest: `k8s.apply {manifest}` runs as `kubectl apply -f -`
    // fed the manifest (an object is written as JSON, which is YAML).
    if (name.server_has_any(&["kubernetes", "k8s", "kubectl", "kube"])
        || name.has_any(&["kubernetes", "k8s", "kubectl"]))
        && name.has_any(&["apply", "create", "deploy", "replace", "manifest"])
    {
        if let Some((v, path)) =
            any_arg(args, &["manifest", "yaml", "manifests", "content", "resource", "spec", "body"])
        {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let command = format!("kubectl apply -f - <<'GUARDRAILS_MANIFEST'\n{text}\nGUARDRAILS_MANIFEST\n");
            out.push(Carried::Shell { command: Cow::Owned(command), path });
            return out;
        }
    }
    let db = DB_SERVERS.iter().find(|(s, _)| name.server == *s || name.server_words.iter().any(|w| w == s));
    let strong_sql =
        name.has("sql") || (db.is_some() && name.has_any(&["query", "execute", "exec", "run", "read", "write"]));
    // Any other tool of a database server (`apply_migration`, `run`) takes SQL under a SQL key
    // when the text reads as SQL.
    let weak_sql = name.leaf == "query"
        || name.leaf.ends_with("_query")
        || name.has_any(&["query", "queries"]) && name.has_any(&["run", "execute", "exec"])
        || (db.is_some() && !name.has_any(LOOKUP_WORDS));
    if strong_sql || weak_sql {
        let dialect = args
            .get("dialect")
            .or_else(|| args.get("engine"))
            .and_then(Value::as_str)
            .and_then(|d| d.parse().ok())
            .or(db.map(|d| d.1))
            .unwrap_or(Dialect::Generic);
        for key in SQL_KEYS {
            let path = format!("$.args.{key}");
            match args.get(*key) {
                Some(Value::String(s)) if strong_sql || looks_like_sql(s) => {
                    out.push(Carried::Sql { text: s, dialect, path })
                }
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(s) = item.as_str().filter(|s| strong_sql || looks_like_sql(s)) {
                            out.push(Carried::Sql { text: s, dialect, path: format!("{path}[{i}]") });
                        }
                    }
                }
                _ => {}
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    // AWS servers' tools are AWS API operations, run as the AWS CLI runs them; an S3 server's
    // are S3 API operations (`s3__copy_object` → `aws s3api copy-object`).
    if name.server_has_any(&["aws", "s3"]) && !name.has_any(LOOKUP_WORDS) {
        if let Some(command) = aws_command(&name, args) {
            out.push(Carried::Shell { command: Cow::Owned(command), path: "$.args".to_owned() });
            return out;
        }
    }
    // An MCP server named after a program: its tools are that program's subcommands, their
    // arguments its operands and options (`git__push {remote, branch, force: true}` runs as
    // `git push origin main --force`).
    // (Servers named after what a program manages, `kubernetes__…`, `github__…`, have tools of
    // their own, judged by name and arguments below.)
    if db.is_none()
        && is_program(&name.server)
        && !shells.contains(&name.server.as_str())
        && !name.has_any(LOOKUP_WORDS)
    {
        if let Some(command) = program_command(&name, args) {
            out.push(Carried::Shell { command: Cow::Owned(command), path: "$.args".to_owned() });
            return out;
        }
    }
    // Browser automation evaluating script in the page: JavaScript, run as `node -e` is.
    if name.server_has_any(&["playwright", "puppeteer", "browser", "selenium", "chrome", "browserbase", "chromium"])
        && name.has_any(&["evaluate", "eval", "execute", "script", "run"])
    {
        if let Some((code, path)) = string_arg(args, &["script", "expression", "function", "code", "js", "source"]) {
            out.push(Carried::Shell { command: Cow::Owned(format!("node -e {}", shell_quote(code))), path });
            return out;
        }
    }
    // Code interpreters: `run_python {code}`, `jupyter__execute_cell {code}` run as `python3 -c code`.
    const INTERPRETERS: &[&str] =
        &["python", "py", "ipython", "jupyter", "notebook", "javascript", "js", "node", "ruby", "interpreter", "code"];
    if (name.has_any(INTERPRETERS) || name.server_has_any(&["python", "ipython", "jupyter", "notebook", "interpreter"]))
        && !name.has_any(&["file", "review", "search"])
    {
        if let Some((code, path)) = string_arg(args, CODE_KEYS) {
            let language = args.get("language").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            let runner = if name.has_any(&["javascript", "js", "node"])
                || matches!(language.as_str(), "javascript" | "js" | "node")
            {
                Some("node -e")
            } else if name.has("ruby") || language == "ruby" {
                Some("ruby -e")
            } else if matches!(language.as_str(), "bash" | "sh" | "shell") {
                None
            } else {
                Some("python3 -c")
            };
            let command = match runner {
                Some(r) => Cow::Owned(format!("{r} {}", shell_quote(code))),
                None => Cow::Borrowed(code),
            };
            out.push(Carried::Shell { command, path });
            return out;
        }
    }
    let shell_words =
        ["bash", "shell", "sh", "zsh", "terminal", "command", "cmd", "exec", "powershell", "pwsh", "console", "cli"];
    if name.has_any(&shell_words)
        || name.server_has_any(&["terminal", "shell", "bash", "desktop_commander", "commander"])
    {
        if let Some((v, path)) = any_arg(args, SHELL_KEYS) {
            if let Some(command) = command_text(v) {
                // A PowerShell tool, or a shell tool told to use PowerShell, runs PowerShell.
                let interpreter = ["shell", "interpreter", "language", "lang", "runtime"]
                    .iter()
                    .find_map(|k| args.get(*k).and_then(Value::as_str))
                    .map(str::to_ascii_lowercase);
                let powershell = name.has_any(&["powershell", "pwsh"])
                    || interpreter.is_some_and(|i| i.contains("powershell") || i.contains("pwsh"));
                let command =
                    if powershell { Cow::Owned(format!("pwsh -Command {}", shell_quote(&command))) } else { command };
                // Text for the command's standard input (`{cmd: "bash", stdin: "rm -rf …"}`) is
                // fed to it as a here-document.
                let command = match string_arg(args, &["stdin", "input_text", "stdin_text"]) {
                    Some((input, _)) => {
                        Cow::Owned(format!("{command} <<'GUARDRAILS_STDIN'\n{input}\nGUARDRAILS_STDIN\n"))
                    }
                    None => command,
                };
                out.push(Carried::Shell { command, path });
                return out;
            }
        }
    }
    // Computer use: typed text lands in whatever has focus, often a terminal.
    if name.leaf == "computer" && args.get("action").and_then(Value::as_str) == Some("type") {
        if let Some((text, path)) = string_arg(args, &["text"]) {
            out.push(Carried::Shell { command: Cow::Borrowed(text), path });
            return out;
        }
    }
    // Export tools: a table or database written to a bucket or URL is a dump sent there, judged
    // as `pg_dump -t table | aws s3 cp - s3://…` (or `curl -T -`) is.
    const EXPORTS: &[&str] =
        &["export", "dump", "backup", "unload", "extract", "replicate", "copy", "sync", "transfer"];
    let exporter = name.has_any(EXPORTS) || name.server_words.iter().any(|w| EXPORTS.iter().any(|e| w.starts_with(e)));
    if exporter {
        // What is exported: a named table, or what the tool is named for (`invoice_exporter`).
        let named = if name.server.is_empty() { name.leaf.as_str() } else { name.server.as_str() };
        let source =
            string_arg(args, &["table", "tables", "table_name", "database", "db", "collection", "dataset", "schema"])
                .map_or(named, |(table, _)| table);
        let target = string_arg(
            args,
            &[
                "destination",
                "destination_uri",
                "destinationUri",
                "dest",
                "to",
                "target",
                "uri",
                "url",
                "location",
                "output",
                "bucket",
            ],
        );
        if let Some((target, path)) = target {
            let upload = if target.starts_with("s3://") {
                Some(format!("aws s3 cp - {}", shell_quote(target)))
            } else if target.starts_with("gs://") {
                Some(format!("gsutil cp - {}", shell_quote(target)))
            } else if target.starts_with("https://") || target.starts_with("http://") {
                Some(format!("curl -T - {}", shell_quote(target)))
            } else {
                None
            };
            if let Some(upload) = upload {
                let command = format!("pg_dump -t {} | {upload}", shell_quote(source));
                out.push(Carried::Shell { command: Cow::Owned(command), path });
                return out;
            }
        }
    }
    // An upload tool given a local file and a host (`ftp__upload {host, local_path}`) sends the
    // file to that host.
    if name.has_any(&["upload", "put", "send", "push"]) && !name.server_has_any(CODE_HOSTS) {
        let local = string_arg(args, &["local_path", "localPath", "local_file", "localFile", "source_path"]);
        let host = string_arg(args, &["host", "hostname", "server"]);
        if let (Some((file, _)), Some((host, path))) = (local, host) {
            let scheme = if name.server_has_any(&["sftp", "scp", "ssh"]) { "sftp" } else { "ftp" };
            let command = format!("curl -T {} {}", shell_quote(file), shell_quote(&format!("{scheme}://{host}/")));
            out.push(Carried::Shell { command: Cow::Owned(command), path });
            return out;
        }
    }
    // An upload tool given a local file and a URL sends the file there: it is judged as
    // `curl -T file url` is (credential files are secrets, dumps are exports, by destination).
    if name.has_any(&["upload", "send", "share", "transfer", "publish"]) {
        if let (Some((file, _)), Some((url, path))) = (string_arg(args, PATH_KEYS), string_arg(args, UPLOAD_URL_KEYS)) {
            if url.starts_with("http://") || url.starts_with("https://") {
                let command = format!("curl -T {} {}", shell_quote(file), shell_quote(url));
                out.push(Carried::Shell { command: Cow::Owned(command), path });
                return out;
            }
        }
    }
    if let Some(request) = http_request(&name, args) {
        out.push(Carried::Http(request));
        return out;
    }
    out.extend(file_actions(&name, args).into_iter().map(Carried::File));
    if !out.is_empty() {
        return out;
    }
    // A CI definition committed through a code host's file tool runs its steps on the next
    // trigger: they are judged as the shell will run them.
    if name.server_has_any(CODE_HOSTS) {
        if let (Some((path, _)), Some((content, content_path))) =
            (string_arg(args, PATH_KEYS), string_arg(args, CONTENT_KEYS))
        {
            if let Some(commands) = file::ci_commands(&path.to_ascii_lowercase(), content) {
                out.push(Carried::Shell { command: Cow::Owned(commands), path: content_path });
            }
        }
    }
    if let Some(message) = message(&name, args, dest) {
        out.push(message);
    }
    out
}

/// Words of a tool name that say "run it", not which subcommand.
const RUN_WORDS: &[&str] = &["run", "exec", "execute", "command", "cmd", "invoke", "call", "tool", "cli"];

/// Argument names whose values are operands, in the order a command line puts them (compared
/// lower-cased, without `_` and `-`: `resource_type`, `resourceType`).
const OPERAND_KEYS: &[&str] = &[
    "resource",
    "resourcetype",
    "kind",
    "type",
    "remote",
    "branch",
    "ref",
    "refspec",
    "name",
    "names",
    "target",
    "source",
    "src",
    "from",
    "path",
    "paths",
    "destination",
    "dest",
    "to",
];

/// Argument names that say where the program runs (compared as [`OPERAND_KEYS`]): not part of
/// its command line (`git__push {repo_path: "."}` pushes from `.`; `.` is no refspec).
const DIRECTORY_KEYS: &[&str] =
    &["cwd", "workdir", "workingdir", "workingdirectory", "repopath", "repositorypath", "repodir", "directory", "dir"];

/// The command line a program server's tool runs: the program, the subcommand from the tool's
/// name (or from a `command`/`argv` argument), operands, then every other argument as an option
/// (see [`push_options`]). `None` when the call names no subcommand.
fn program_command(name: &Name, args: &Value) -> Option<String> {
    let program = name.server.as_str();
    let mut line: Vec<String> = vec![program.to_owned()];
    line.extend(name.words.iter().filter(|w| *w != program && !RUN_WORDS.contains(&w.as_str())).cloned());
    let map = args.as_object();
    let mut used: Vec<&str> = Vec::new();
    if let Some((v, key)) = ["argv", "args", "arguments", "command", "cmd", "subcommand"]
        .iter()
        .find_map(|k| map.and_then(|m| m.get(*k)).map(|v| (v, *k)))
    {
        let text = command_text(v)?;
        let text = text.strip_prefix(program).map_or(&*text, str::trim_start);
        line.push(text.to_owned());
        used.push(key);
    }
    if line.len() == 1 {
        return None;
    }
    if let Some(map) = map {
        used.extend(push_operands(&mut line, map, OPERAND_KEYS));
        push_options(&mut line, map, |k| used.contains(&k) || DIRECTORY_KEYS.contains(&normal_key(k).as_str()));
    }
    Some(line.join(" "))
}

/// An argument name lower-cased without `_` and `-` (`resource_type`, `resourceType` →
/// `resourcetype`).
pub(crate) fn normal_key(key: &str) -> String {
    key.chars().filter(|c| !matches!(c, '_' | '-')).collect::<String>().to_ascii_lowercase()
}

/// Appends, in the order of `keys` (normal names, see [`normal_key`]), the string values (or
/// lists of strings) of the arguments they name as operands; returns the names used.
fn push_operands<'m>(line: &mut Vec<String>, map: &'m serde_json::Map<String, Value>, keys: &[&str]) -> Vec<&'m str> {
    let mut used = Vec::new();
    for operand in keys {
        for (key, value) in map.iter().filter(|(k, _)| normal_key(k) == *operand) {
            match value {
                Value::String(s) => line.push(shell_quote(s)),
                Value::Array(items) => line.extend(items.iter().filter_map(Value::as_str).map(shell_quote)),
                _ => continue,
            }
            used.push(key.as_str());
        }
    }
    used
}

/// Appends every argument of `map` but the `skip`ped ones as an option, spelled as CLIs spell
/// them ([`kebab`]): `true` → `--flag`, `false` → `--no-flag`, strings and numbers as the value,
/// lists and objects as JSON.
fn push_options(line: &mut Vec<String>, map: &serde_json::Map<String, Value>, skip: impl Fn(&str) -> bool) {
    for (key, value) in map.iter().filter(|(k, _)| !skip(k)) {
        let flag = kebab(key);
        match value {
            Value::Bool(true) => line.push(format!("--{flag}")),
            Value::Bool(false) => line.push(format!("--no-{flag}")),
            Value::String(v) => line.extend([format!("--{flag}"), shell_quote(v)]),
            Value::Number(n) => line.extend([format!("--{flag}"), n.to_string()]),
            Value::Null => {}
            other => line.extend([format!("--{flag}"), shell_quote(&other.to_string())]),
        }
    }
}

/// The AWS CLI line of an AWS server's tool: the service and operation from the tool's name
/// (`aws__iam_attach_user_policy` → `aws iam attach-user-policy`) or, for a generic tool, from its
/// arguments (`aws__call_api {service: "rds", operation: "DeleteDBCluster", params}` → `aws rds
/// delete-db-cluster`); parameters become options as the CLI spells them (`PolicyArn` →
/// `--policy-arn`, `SkipFinalSnapshot: true` → `--skip-final-snapshot`).
fn aws_command(name: &Name, args: &Value) -> Option<String> {
    const SERVICE_KEYS: &[&str] = &["service", "service_name", "serviceName"];
    const OPERATION_KEYS: &[&str] = &["operation", "operation_name", "operationName", "action", "api", "method"];
    const PARAM_KEYS: &[&str] = &["params", "parameters", "input", "request", "arguments", "args"];
    let map = args.as_object();
    let named = |keys: &[&str]| keys.iter().find_map(|k| map.and_then(|m| m.get(*k)).and_then(Value::as_str));
    let generic = named(SERVICE_KEYS).zip(named(OPERATION_KEYS));
    let (service, operation, params) = match generic {
        Some((service, operation)) => {
            let params = PARAM_KEYS.iter().find_map(|k| map.and_then(|m| m.get(*k)).and_then(Value::as_object));
            (service.to_ascii_lowercase(), kebab(operation), params.or(map))
        }
        None => {
            let mut words: Vec<&str> =
                name.words.iter().map(String::as_str).filter(|w| !RUN_WORDS.contains(w) && *w != "aws").collect();
            if name.server_has_any(&["s3"]) && words.first() != Some(&"s3") {
                words.insert(0, "s3api");
            }
            let (service, operation) = words.split_first()?;
            if operation.is_empty() {
                return None;
            }
            ((*service).to_owned(), operation.join("-"), map)
        }
    };
    let mut line = vec!["aws".to_owned(), service, operation];
    let Some(params) = params else { return Some(line.join(" ")) };
    // The high-level `aws s3` commands (`cp`, `mv`, `sync`, `rm`) take their paths as operands.
    let operands = if line[1] == "s3" {
        push_operands(
            &mut line,
            params,
            &["source", "src", "from", "path", "paths", "destination", "dest", "to", "target"],
        )
    } else {
        Vec::new()
    };
    // A generic tool's own arguments (service, operation) are not parameters of the operation.
    push_options(&mut line, params, |key| {
        operands.contains(&key)
            || matches!(key, "region" | "profile")
            || (generic.is_some() && [SERVICE_KEYS, OPERATION_KEYS, PARAM_KEYS].iter().any(|l| l.contains(&key)))
    });
    Some(line.join(" "))
}

/// `DeleteDBCluster` → `delete-db-cluster`, `policy_arn` → `policy-arn`: how the AWS CLI spells
/// API operation and parameter names.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == ' ' || c == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            // A word starts at a capital after a lowercase letter or digit (`PolicyArn`), or at
            // the last capital of an acronym followed by lowercase (`DBCluster`).
            if (prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower))
                && !out.ends_with('-')
            {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn http_request<'a>(name: &Name, args: &'a Value) -> Option<Request<'a>> {
    let method_arg = string_arg(args, &["method", "verb", "http_method", "httpMethod"]);
    // `api__call {method, endpoint}`, `rest.invoke {method, path}`: a call of an API.
    let api = name.server_has_any(&["api", "http", "rest", "openapi", "graphql"])
        || name.has_any(&["rest", "openapi", "endpoint"])
        || (name.has_any(&["call", "invoke", "send"]) && method_arg.is_some());
    if !api
        && !name.has_any(&[
            "http", "https", "fetch", "request", "curl", "webfetch", "web", "url", "api", "download", "get", "post",
            "webhook", "navigate", "browse", "browser", "goto", "visit", "scrape", "crawl", "open",
        ])
    {
        return None;
    }
    // A path relative to the API's own base (`/v1/orders`) names the resource all the same.
    let relative = || {
        method_arg.as_ref()?;
        string_arg(args, &["path", "route", "resource", "resource_path"]).filter(|(p, _)| p.starts_with('/'))
    };
    let (url, url_path) = string_arg(args, URL_KEYS).or_else(relative)?;
    let body = any_arg(args, &["body", "data", "json", "payload", "content", "form"]);
    let method = method_arg.map(|(m, _)| m).unwrap_or(if name.has("post") || body.is_some() {
        "POST"
    } else if name.has("delete") {
        "DELETE"
    } else {
        "GET"
    });
    Some(Request {
        method,
        url,
        headers: args.get("headers").map(header_pairs).unwrap_or_default(),
        body: body.as_ref().map(|(b, _)| *b),
        at: http::Paths {
            url: url_path.into(),
            headers: "$.args.headers".into(),
            body: body.map_or("$.args.body".into(), |(_, p)| p.into()),
            url_is_primary: false,
        },
    })
}

fn file_actions<'a>(name: &Name, args: &'a Value) -> Vec<FileAction<'a>> {
    // A code host's file tools (`github__create_or_update_file`, `push_files`) write into a
    // repository on the host: a message to its owner, below, not a local file.
    // So are a chat or mail service's file tools (`slack__upload_file {channels, filename,
    // content}`): the file is posted where people read it.
    if name.server_has_any(CODE_HOSTS) || name.server_has_any(MESSAGING_SERVICES) {
        return Vec::new();
    }
    let editor = matches!(name.leaf.as_str(), "str_replace_editor" | "str_replace_based_edit_tool" | "text_editor");
    let fileish = name.has_any(&["file", "files", "dir", "directory", "folder", "path"])
        || name.server_has_any(&["filesystem", "fs", "files"])
        || editor
        || matches!(name.leaf.as_str(), "read" | "write" | "edit" | "multiedit" | "view" | "create" | "delete" | "rm");
    if !fileish {
        return Vec::new();
    }
    let verb = |list: &[&str]| name.has_any(list);
    let editor_command = args.get("command").and_then(Value::as_str).unwrap_or("");
    let op = if editor {
        match editor_command {
            "view" => Op::Read,
            "create" | "str_replace" | "insert" | "undo_edit" => Op::Write,
            _ => Op::Other,
        }
    } else if verb(&["delete", "remove", "rm", "unlink", "trash", "rmdir", "erase"]) {
        Op::Delete
    } else if verb(&["move", "rename", "mv"]) {
        Op::Move
    } else if verb(&[
        "write",
        "create",
        "save",
        "put",
        "edit",
        "append",
        "replace",
        "insert",
        "patch",
        "update",
        "modify",
        "multiedit",
        "upload",
        "copy",
        "cp",
    ]) {
        Op::Write
    } else if verb(&["read", "view", "cat", "open", "get", "head", "tail", "load", "download", "show"]) {
        Op::Read
    } else {
        return Vec::new();
    };
    let copy = verb(&["copy", "cp"]);
    let Some((path, path_at)) = string_arg(args, PATH_KEYS) else {
        // `read_multiple_files {paths: [...]}`: the same operation on each path.
        return path_list(args)
            .into_iter()
            .map(|(path, at)| FileAction {
                op,
                op_text: op_name(op),
                path,
                content: None,
                destination: None,
                recursive: args.get("recursive").and_then(Value::as_bool).unwrap_or(false),
                at: file::Paths {
                    path: at.into(),
                    content: "$.args.content".into(),
                    destination: "$.args.destination".into(),
                    path_is_primary: false,
                },
            })
            .collect();
    };
    let (content, content_at) = match string_arg(args, CONTENT_KEYS) {
        Some((c, p)) => (Some(c), p),
        None => edits_text(args).map_or((None, "$.args.content".into()), |(c, p)| (Some(c), p)),
    };
    let destination = string_arg(args, DEST_KEYS).filter(|(d, _)| *d != path);
    let recursive = args.get("recursive").and_then(Value::as_bool).unwrap_or(false);
    let dest_at = destination.as_ref().map_or("$.args.destination".into(), |(_, p)| p.clone());
    let at = |path: String| file::Paths {
        path: path.into(),
        content: content_at.clone().into(),
        destination: dest_at.clone().into(),
        path_is_primary: false,
    };
    if copy {
        // A copy reads its source and writes its destination.
        let mut out = vec![FileAction {
            op: Op::Read,
            op_text: "read",
            path,
            content: None,
            destination: None,
            recursive,
            at: at(path_at),
        }];
        if let Some((d, p)) = destination {
            out.push(FileAction {
                op: Op::Write,
                op_text: "write",
                path: d,
                content: None,
                destination: None,
                recursive,
                at: at(p),
            });
        }
        return out;
    }
    vec![FileAction {
        op,
        op_text: if editor { editor_command } else { op_name(op) },
        path,
        content,
        destination: destination.map(|(d, _)| d),
        recursive,
        at: at(path_at),
    }]
}

/// The paths of a tool that takes several: `paths`, `files`, `file_paths` arrays of strings.
fn path_list(args: &Value) -> Vec<(&str, String)> {
    const LIST_KEYS: &[&str] =
        &["paths", "files", "file_paths", "filePaths", "filepaths", "filenames", "sources", "targets"];
    LIST_KEYS
        .iter()
        .filter_map(|k| args.get(*k).and_then(Value::as_array).map(|items| (k, items)))
        .flat_map(|(k, items)| {
            items.iter().enumerate().filter_map(move |(i, item)| item.as_str().map(|p| (p, format!("$.args.{k}[{i}]"))))
        })
        .take(256)
        .collect()
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Read => "read",
        Op::Write => "write",
        Op::Delete => "delete",
        Op::Move => "move",
        Op::Other => "other",
    }
}

/// The new text of an edit tool's first edit: `edits: [{newText}]`.
fn edits_text(args: &Value) -> Option<(&str, String)> {
    let edits = args.get("edits")?.as_array()?;
    edits.iter().enumerate().find_map(|(i, e)| {
        ["newText", "new_text", "new_string", "replacement"]
            .iter()
            .find_map(|k| e.get(*k).and_then(Value::as_str).map(|s| (s, format!("$.args.edits[{i}].{k}"))))
    })
}

/// Messaging tools: `send_email`, `post_message`, `create_issue`, `reply`, `send_sms`.
fn message<'a>(name: &Name, args: &'a Value, dest: &Destinations) -> Option<Carried<'a>> {
    let verb = name.has_any(&[
        "send", "post", "reply", "create", "add", "publish", "comment", "share", "forward", "notify", "write",
        "update", "edit", "chat",
    ]);
    let noun = name.has_any(&[
        "email",
        "mail",
        "message",
        "messages",
        "msg",
        "chat",
        "sms",
        "comment",
        "issue",
        "ticket",
        "note",
        "post",
        "tweet",
        "status",
        "reply",
        "thread",
        "page",
        "discussion",
        "pr",
        "pull",
        "review",
        "gist",
        "paste",
        "snippet",
        "doc",
        "document",
        "memo",
        "notification",
        "webhook",
        "text",
    ]);
    // `email.send`, `slack.post`: the server says what is sent.
    let noun = noun || (verb && name.server_has_any(MESSAGING_SERVICES));
    let repository_file = name.server_has_any(CODE_HOSTS) && name.has_any(&["file", "files", "push"]);
    let posted_file = name.server_has_any(MESSAGING_SERVICES)
        && name.has_any(&["file", "files", "upload", "attach", "attachment", "snippet"]);
    // Files put in a personal cloud drive leave the organisation with what they contain.
    let stored_file =
        name.server_has_any(PERSONAL_STORAGE) && name.has_any(&["upload", "put", "write", "create", "save"]);
    if stored_file {
        let parts: Vec<(&Value, String)> =
            CONTENT_KEYS.iter().filter_map(|k| args.get(*k).map(|v| (v, format!("$.args.{k}")))).collect();
        if !parts.is_empty() {
            return Some(Carried::Message { to: name.server.clone(), outside: true, parts });
        }
    }
    if !(repository_file || posted_file || verb && noun) {
        return None;
    }
    let parts: Vec<(&Value, String)> =
        BODY_KEYS.iter().filter_map(|k| args.get(*k).map(|v| (v, format!("$.args.{k}")))).collect();
    if parts.is_empty() {
        return None;
    }
    let (to, outside) = recipients(name, args, dest);
    Some(Carried::Message { to, outside, parts })
}

/// Who reads a message, and whether any of them is outside the organisation.
fn recipients(name: &Name, args: &Value, dest: &Destinations) -> (String, bool) {
    let mut addresses: Vec<&str> = Vec::new();
    for k in RECIPIENT_KEYS {
        match args.get(*k) {
            Some(Value::String(s)) => addresses.extend(s.split([',', ';']).map(str::trim).filter(|s| !s.is_empty())),
            Some(Value::Array(items)) => addresses.extend(items.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    if !addresses.is_empty() {
        let outside = addresses.iter().any(|a| match a.rsplit_once('@') {
            Some((_, domain)) => {
                let domain = domain.trim_end_matches('>').to_ascii_lowercase();
                !dest.org_hosts.iter().any(|g| g.matches(&domain))
            }
            None => true,
        });
        return (addresses.join(", "), outside);
    }
    // Code hosts: an issue in a repository outside the organisation's accounts is public.
    if name.server_has_any(CODE_HOSTS) || name.has("gist") {
        if name.has("gist") {
            return ("a gist".to_owned(), true);
        }
        let owner = args
            .get("owner")
            .or_else(|| args.get("org"))
            .or_else(|| args.get("namespace"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                ["repo", "repository", "project_id", "project"].iter().find_map(|k| {
                    args.get(*k).and_then(Value::as_str).and_then(|r| r.split_once('/')).map(|(o, _)| o.to_owned())
                })
            });
        return match owner {
            Some(o) => {
                let inside = dest.github_orgs.iter().any(|g| g.eq_ignore_ascii_case(&o));
                (o, !inside)
            }
            None => ("a repository".to_owned(), true),
        };
    }
    // Paste sites and public communities publish what they are given.
    if name.server_has_any(PUBLIC_SERVICES) || name.has_any(&["paste", "pastebin", "gist"]) {
        let service = if name.server.is_empty() { name.leaf.clone() } else { name.server.clone() };
        return (service, true);
    }
    if let Some(url) =
        URL_KEYS.iter().chain(&["webhook_url", "webhook"]).find_map(|k| args.get(*k).and_then(Value::as_str))
    {
        let host = host_of(url);
        return (host.clone(), classify(&host, url, dest).leaves());
    }
    // Chat channels live in the organisation's own workspace.
    for k in
        ["channel", "channels", "channel_id", "channel_name", "chat_id", "conversation_id", "room", "space", "team"]
    {
        if let Some(c) = args.get(k).and_then(Value::as_str) {
            return (c.to_owned(), false);
        }
    }
    // Tickets, pages and documents stay in the organisation's own tracker or wiki; mail and text
    // messages with no recipient the engine can read may go anywhere.
    let personal = name.has_any(&["email", "mail", "sms", "text", "tweet", "dm"])
        || name.server_has_any(&["gmail", "twilio", "sendgrid", "mailgun", "twitter", "x"]);
    ("an unknown recipient".to_owned(), personal)
}

/// Databases whose tools create and delete branches of the database.
const BRANCHING_DATABASES: &[&str] = &["neon", "planetscale", "supabase", "xata", "dolt", "turso"];

/// Code hosts: what their tools write lands in a repository of the `owner` argument.
const CODE_HOSTS: &[&str] = &["github", "gitlab", "bitbucket", "gitea", "codeberg"];

/// Chat and mail services: a file given to one of their tools is posted to people, not written
/// to a local disk.
const MESSAGING_SERVICES: &[&str] = &[
    "slack",
    "teams",
    "msteams",
    "discord",
    "telegram",
    "mattermost",
    "zulip",
    "rocketchat",
    "webex",
    "gmail",
    "outlook",
    "email",
    "mail",
    "sendgrid",
    "mailgun",
    "twilio",
    "whatsapp",
    "signal",
];

/// Cloud drives people keep for themselves.
const PERSONAL_STORAGE: &[&str] = &["dropbox", "box", "onedrive", "mega", "pcloud", "wetransfer", "icloud"];

/// Services whose messages and posts leave the organisation: paste sites and public communities
/// (their channels are not the organisation's workspace).
const PUBLIC_SERVICES: &[&str] = &[
    "pastebin", "hastebin", "dpaste", "ghostbin", "paste", "discord", "telegram", "reddit", "twitter", "x", "mastodon",
    "bluesky",
];

/// Whether `tool` only looks for things (search, grep, lookup, docs), running none of its arguments.
pub(crate) fn only_looks(tool: &str) -> bool {
    let name = Name::parse(tool);
    (name.has_any(LOOKUP_WORDS) || name.has_any(&["grep", "ripgrep", "rg", "find", "regex", "match", "semantic"]))
        && !name.has_any(&["delete", "remove", "replace", "exec", "execute", "run", "kill"])
}

/// Whether `tool` belongs to a database: a database server's tool (`supabase__search`), or one
/// named for SQL or a database (`run_sql`, `query_database`).
pub(crate) fn is_database_tool(tool: &str) -> bool {
    let name = Name::parse(tool);
    !name.has_any(LOOKUP_WORDS)
        && DB_SERVERS.iter().any(|(s, _)| name.server == *s || name.server_words.iter().any(|w| w == s) || name.has(s))
        || name.has_any(&["sql", "database", "db", "mongodb", "mongo", "redis", "elasticsearch", "opensearch"])
}

/// Programs the shell analyzer has knowledge of.
pub(crate) fn is_program(word: &str) -> bool {
    static PROGRAMS: std::sync::LazyLock<std::collections::HashSet<&'static str>> = std::sync::LazyLock::new(|| {
        crate::analyze::shell::programs::ALL.iter().flat_map(|d| d.triggers.iter().copied()).collect()
    });
    PROGRAMS.contains(word)
}

/// Whether `text` starts like a command line for a program the shell analyzer knows.
pub(crate) fn starts_with_program(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first = match words.next() {
        Some("sudo") => words.next(),
        other => other,
    };
    first.is_some_and(|w| is_program(crate::analyze::shell::program_name(w)))
        && text.split_whitespace().nth(1).is_some()
}

/// Whether `text` starts with a SQL statement keyword and has more words.
pub(crate) fn looks_like_sql(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with("--") || t.starts_with("/*") {
        return true;
    }
    let first = t.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    const STATEMENTS: &[&str] = &[
        "select", "with", "insert", "update", "delete", "drop", "create", "alter", "truncate", "grant", "revoke",
        "merge", "copy", "exec", "execute", "call", "do", "set", "show", "describe", "explain", "begin", "vacuum",
        "replace", "upsert", "load", "use", "pragma", "declare", "prepare", "unload", "rename", "lock", "optimize",
        "reindex", "comment", "refresh", "attach", "detach", "reset", "values", "table", "undrop",
    ];
    STATEMENTS.iter().any(|s| first.eq_ignore_ascii_case(s)) && t.split_whitespace().nth(1).is_some()
}

/// Every string in `v`, with its path (JSON nesting bounded).
pub(crate) fn strings<'a>(v: &'a Value, path: &mut String, out: &mut Vec<(&'a str, String)>, depth: usize) {
    if depth > 32 {
        return;
    }
    match v {
        Value::String(s) => out.push((s, path.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                strings(item, path, out, depth + 1);
                path.truncate(len);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                let len = path.len();
                crate::analyze::payload::push_key(path, k);
                strings(item, path, out, depth + 1);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The name of what a tool acts on, from its usual argument names.
fn target_of(args: &Value) -> &str {
    [
        "name",
        "id",
        "project_id",
        "projectId",
        "repo",
        "repository",
        "database",
        "db",
        "collection",
        "table",
        "cluster",
        "bucket",
        "namespace",
        "instance",
        "index",
        "branch",
        "key",
    ]
    .iter()
    .find_map(|k| args.get(*k).and_then(Value::as_str))
    .unwrap_or("")
}

/// Tools named for what they destroy or hand out, judged by name and arguments.
pub(crate) fn named_action(
    tool: &str,
    args: &Value,
    protected: &[crate::glob::Glob],
    dest: &Destinations,
    facts: &mut Facts,
) {
    let name = Name::parse(tool);
    let mut push = |intent: Intent, severity: Severity, kind: &'static str, target: &str, message: String| {
        facts.push(Fact {
            intent,
            severity,
            span: Span::new(0, tool.len()),
            detector: NAMED.id,
            target: Some(Target { kind, name: target.to_owned() }),
            message,
            location: None,
        });
    };
    if name.has_any(&["flushall", "flushdb"]) {
        push(
            Intent::DataBulkDelete,
            Severity::Critical,
            "database",
            target_of(args),
            format!("`{tool}` deletes every key"),
        );
        return;
    }
    let destroys = name.has_any(&[
        "delete",
        "remove",
        "drop",
        "destroy",
        "purge",
        "wipe",
        "terminate",
        "truncate",
        "erase",
        "flush",
        "deprovision",
        "teardown",
    ]);
    // `delete_many`, `deleteMany`, and search engines' `delete_by_query`.
    let bulk = name.has_any(&["many", "all", "bulk", "batch"])
        || name.leaf.contains("deletemany")
        || name.leaf.contains("updatemany")
        || (name.has("by") && name.has("query"));
    let target = target_of(args);
    if bulk && name.has_any(&["update", "delete", "remove", "replace"]) {
        // The filter, also inside a request body (`{body: {query: …}}`).
        let filter = ["filter", "query", "where", "selector", "match"]
            .iter()
            .find_map(|k| args.get(*k).or_else(|| args.get("body").and_then(|b| b.get(*k))));
        if selects_everything(filter, 0) {
            let (intent, verb) = if name.has("update") || name.has("replace") {
                (Intent::DataBulkUpdate, "updates")
            } else {
                (Intent::DataBulkDelete, "deletes")
            };
            push(intent, Severity::High, "table", target, format!("`{tool}` with no filter {verb} every record"));
        }
        return;
    }
    // `rename_collection {dropTarget: true}`: the collection renamed over replaces the target.
    if name.has("rename")
        && ["dropTarget", "drop_target", "dropTargetIfExists"]
            .iter()
            .any(|k| args.get(*k).and_then(Value::as_bool) == Some(true))
    {
        let to = ["newName", "new_name", "to", "target"]
            .iter()
            .find_map(|k| args.get(*k).and_then(Value::as_str))
            .unwrap_or("");
        push(
            Intent::DataOverwrite,
            Severity::High,
            "table",
            to,
            format!("`{tool}` with dropTarget replaces the collection `{to}` and its data"),
        );
        return;
    }
    // Scaling a workload to zero replicas stops it.
    if name.has("scale")
        && ["replicas", "replica_count", "count", "desired"]
            .iter()
            .any(|k| args.get(*k).and_then(Value::as_u64) == Some(0))
    {
        push(
            Intent::SystemDisrupt,
            Severity::High,
            "server",
            target_of(args),
            format!("`{tool}` scales `{}` to zero replicas", target_of(args)),
        );
        return;
    }
    // A repository or project made public (`gitlab__update_project {visibility: "public"}`).
    if name.has_any(&["update", "edit", "patch", "set", "change"])
        && (args.get("visibility").and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case("public"))
            || args.get("private").and_then(Value::as_bool) == Some(false))
    {
        push(
            Intent::DataExport,
            Severity::High,
            "repository",
            target_of(args),
            format!("`{tool}` makes `{}` public", target_of(args)),
        );
        return;
    }
    // A file shared with anyone who has the link (`gdrive__share_file {type: "anyone"}`) is
    // published.
    if name.has_any(&["share", "permission", "permissions", "sharing"])
        && ["type", "role", "audience", "scope", "visibility", "access"].iter().any(|k| {
            args.get(*k).and_then(Value::as_str).is_some_and(|v| {
                matches!(
                    v.to_ascii_lowercase().as_str(),
                    "anyone" | "anyonewithlink" | "anyone_with_link" | "public" | "everyone"
                )
            })
        })
    {
        push(
            Intent::DataExport,
            Severity::High,
            "location",
            target_of(args),
            format!("`{tool}` shares `{}` with anyone who has the link", target_of(args)),
        );
        return;
    }
    // Mail forwarding to an address outside the organisation (a filter, a rule, auto-forward).
    if name.has_any(&["filter", "filters", "forwarding", "forward", "rule", "rules", "autoforward"]) {
        let mut forwards = Vec::new();
        let mut path = String::new();
        let mut found = Vec::new();
        strings(args, &mut path, &mut found, 0);
        for (value, at) in found {
            if at.to_ascii_lowercase().contains("forward") && value.contains('@') {
                forwards.push(value);
            }
        }
        let inside = |a: &str| {
            a.rsplit_once('@').is_some_and(|(_, d)| {
                dest.org_hosts.iter().any(|g| g.matches(&d.trim_end_matches('>').to_ascii_lowercase()))
            })
        };
        if let Some(address) = forwards.into_iter().find(|a| !inside(a)) {
            push(
                Intent::DataExport,
                Severity::High,
                "location",
                address,
                format!("`{tool}` forwards mail to `{address}`, outside the organisation"),
            );
        }
        return;
    }
    // A member added to an administrators' group (`add_group_member {group: "gcp-org-admins@…"}`).
    if name.has("add") && name.has_any(&["member", "members", "user", "users"]) {
        let group = ["group", "group_id", "groupKey", "team", "role"]
            .iter()
            .find_map(|k| args.get(*k).and_then(Value::as_str))
            .unwrap_or("");
        let g = group.to_ascii_lowercase();
        if ["admin", "owner", "superuser", "root", "security"].iter().any(|w| g.contains(w)) {
            push(
                Intent::PrivilegeEscalate,
                Severity::High,
                "role",
                group,
                format!("`{tool}` adds a member to the administrators' group `{group}`"),
            );
            return;
        }
    }
    // A package manager tool installing from a bare IP, a catcher or plain HTTP.
    if name.has_any(&["install", "add"])
        && (name.server_has_any(&["package", "packages", "npm", "pip", "pypi", "yarn", "pnpm", "package_manager"])
            || name.has_any(&["package", "packages"]))
    {
        let mut path = String::new();
        let mut found = Vec::new();
        strings(args, &mut path, &mut found, 0);
        for (value, _) in found {
            let url = value.trim_start_matches("git+");
            if url.starts_with("http://") || url.starts_with("https://") {
                let host = host_of(url);
                if crate::analyze::shell::programs::network::code_from_nowhere(url, &host, dest).is_some() {
                    push(
                        Intent::ExecRemoteCode,
                        Severity::High,
                        "location",
                        url,
                        format!("`{tool}` installs a package from `{url}`: its install code runs"),
                    );
                    return;
                }
            }
        }
    }
    // Branch protection removed (`delete_branch_protection`) or loosened to allow force pushes or
    // deletion (`update_branch_protection {allow_force_pushes: true}`).
    if name.has("protection") {
        let loosened =
            ["allow_force_pushes", "allow_deletions", "allowForcePushes", "allowDeletions"].iter().any(|k| {
                args.get(*k).is_some_and(|v| {
                    v.as_bool() == Some(true) || v.get("enabled").and_then(Value::as_bool) == Some(true)
                })
            });
        if destroys || loosened {
            let branch = branch_arg(args).unwrap_or("");
            push(
                Intent::VcsHistoryRewrite,
                Severity::High,
                "location",
                branch,
                format!("`{tool}` lets the branch `{branch}` be force-pushed or deleted"),
            );
        }
        return;
    }
    // MongoDB `$out` replaces the named collection with the pipeline's result: aimed at the
    // collection being read, the pipeline rewrites it (and a filter that matches nothing empties it).
    if name.has("aggregate") {
        let collection =
            ["collection", "coll", "collectionName"].iter().find_map(|k| args.get(*k).and_then(Value::as_str));
        let out =
            args.get("pipeline").and_then(Value::as_array).and_then(|p| p.last()).and_then(|stage| stage.get("$out"));
        let out_name = out.and_then(|o| o.as_str().or_else(|| o.get("coll").and_then(Value::as_str)));
        if let (Some(c), Some(o)) = (collection, out_name) {
            if c == o {
                push(
                    Intent::DataOverwrite,
                    Severity::High,
                    "table",
                    c,
                    format!("`$out` replaces the collection `{c}` it reads with the pipeline's result"),
                );
            }
        }
        return;
    }
    if !destroys {
        secret_read(tool, &name, args, &mut push);
        forced_ref_update(tool, &name, args, protected, &mut push);
        privilege(tool, &name, args, &mut push);
        return;
    }
    // What is destroyed: named by the tool (`delete_namespace`), or by its resource-type argument
    // (`kubectl_delete {resourceType: "namespace"}`).
    let mut nouns = name.words.clone();
    nouns.extend(resource_type(args));
    // Two-word resources: `delete_resource_group` → `resourcegroup`.
    let joined: Vec<String> = nouns.windows(2).map(|w| format!("{}{}", w[0], w[1])).collect();
    nouns.extend(joined);
    let has = |list: &[&str]| nouns.iter().any(|w| list.iter().any(|l| w == l || w.strip_suffix('s') == Some(l)));
    if has(&["repository", "repo", "project"]) {
        push(
            Intent::InfraDestroy,
            Severity::Critical,
            "repository",
            target,
            format!("`{tool}` deletes a repository or project with its history"),
        );
    } else if has(&["database", "db"]) || (nouns.iter().any(|w| w == "sql") && has(&["instance", "cluster", "server"]))
    {
        push(Intent::SchemaDrop, Severity::Critical, "database", target, format!("`{tool}` drops a database"));
    } else if has(&["schema", "keyspace", "dataset"]) {
        push(Intent::SchemaDrop, Severity::Critical, "schema", target, format!("`{tool}` drops a schema"));
    } else if has(&["table", "collection", "index", "view"]) {
        push(Intent::SchemaDrop, Severity::High, "table", target, format!("`{tool}` drops a table or collection"));
    } else if has(&["branch"]) {
        let branch = branch_arg(args);
        if is_database_tool(tool) || name.server_has_any(BRANCHING_DATABASES) {
            // A database branch (Neon, PlanetScale, Supabase): a preview copy, unless it is the
            // database itself.
            if branch.is_none_or(|b| protected.iter().any(|g| g.matches(b))) {
                push(
                    Intent::SchemaDrop,
                    Severity::Critical,
                    "database",
                    target,
                    format!("`{tool}` deletes a main database branch"),
                );
            }
        } else {
            let severity = super::super::branch_delete_severity(branch, protected);
            push(Intent::VcsHistoryRewrite, severity, "location", target, format!("`{tool}` deletes a branch"));
        }
    } else if has(&[
        "cluster",
        "bucket",
        "instance",
        "namespace",
        "environment",
        "deployment",
        "stack",
        "server",
        "service",
        "app",
        "application",
        "volume",
        "vm",
        "workspace",
        "org",
        "organization",
        "account",
        "zone",
        "domain",
        "function",
        "node",
        "droplet",
        "site",
        "tenant",
        "stateful",
        "statefulset",
        "daemonset",
        "secret",
        "key",
        "topic",
        "queue",
        "persistentvolume",
        "persistentvolumeclaim",
        "resourcegroup",
        "subscription",
    ]) {
        push(Intent::InfraDestroy, Severity::High, "location", target, format!("`{tool}` destroys infrastructure"));
    } else if has(&["object", "file", "item", "record", "document", "blob", "entry", "message", "row", "version"])
        && deletes_everything(args)
    {
        push(
            Intent::DataBulkDelete,
            Severity::High,
            "location",
            target,
            format!("`{tool}` with an empty prefix or an all-flag deletes everything in `{target}`"),
        );
    }
}

/// Tools that hand out a secret's value (`kubernetes__get_secret`, `vault__read_secret`,
/// `gcp__access_secret_version`): the value lands in the agent's transcript. Listing secrets
/// (names only) and writing them are not reads.
fn secret_read(
    tool: &str,
    name: &Name,
    args: &Value,
    push: &mut impl FnMut(Intent, Severity, &'static str, &str, String),
) {
    let reads = name.has_any(&["get", "read", "reveal", "show", "access", "fetch", "retrieve", "export", "decrypt"]);
    let secret = name.has_any(&["secret", "secrets", "password", "passwords", "credential", "credentials"]);
    // What is said about secrets is not a secret: `get_password_policy`, `get_secret_metadata`.
    let about = name.has_any(&[
        "list",
        "create",
        "update",
        "put",
        "set",
        "rotate",
        "delete",
        "policy",
        "policies",
        "metadata",
        "names",
        "rotation",
        "requirements",
        "status",
        "expiry",
        "expiration",
        "count",
        "reset",
    ]);
    // Minting a key for a service account or user returns a new long-lived credential
    // (`gcp__iam_create_service_account_key`, `aws__iam_create_access_key`).
    let mints = name.has("create")
        && name.has("key")
        && (name.has_any(&["service", "account", "serviceaccount", "access"]) || name.server_has_any(&["iam"]));
    if mints {
        push(
            Intent::CredentialRead,
            Severity::High,
            "secret",
            tool,
            format!("`{tool}` mints a credential and returns it to the caller"),
        );
        return;
    }
    // Password managers asked for an item's value, browsers for their cookies.
    let vault = name.server_has_any(&[
        "onepassword",
        "1password",
        "bitwarden",
        "lastpass",
        "keeper",
        "dashlane",
        "keychain",
        "passbolt",
    ]);
    let revealed =
        args.get("reveal").and_then(Value::as_bool) == Some(true) || name.has_any(&["reveal", "password", "secret"]);
    if (vault && name.has_any(&["get", "read", "show", "reveal"]) && (revealed || name.has("item")))
        || (name.has("cookies") && name.has_any(&["get", "read", "export", "dump", "list"]))
    {
        push(
            Intent::CredentialRead,
            Severity::High,
            "secret",
            tool,
            format!("`{tool}` returns a stored credential or session to the caller"),
        );
        return;
    }
    if reads && secret && !about {
        push(
            Intent::CredentialRead,
            Severity::High,
            "secret",
            tool,
            format!("`{tool}` returns a secret's value to the caller"),
        );
    }
}

/// A forced update of a branch reference (`github__update_ref {ref: "heads/main", force: true}`)
/// rewrites its history, as `git push --force` does.
fn forced_ref_update(
    tool: &str,
    name: &Name,
    args: &Value,
    protected: &[crate::glob::Glob],
    push: &mut impl FnMut(Intent, Severity, &'static str, &str, String),
) {
    if !(name.has_any(&["ref", "reference", "branch"]) && name.has_any(&["update", "set", "move", "reset"])) {
        return;
    }
    if args.get("force") != Some(&Value::Bool(true)) {
        return;
    }
    let branch = branch_arg(args);
    let severity = super::super::branch_delete_severity(branch, protected);
    let target = branch.unwrap_or("a branch");
    push(
        Intent::VcsHistoryRewrite,
        severity,
        "branch",
        target,
        format!("`{tool}` force-updates `{target}`, rewriting its history"),
    );
}

/// The branch a tool's arguments name (`branch`, `ref`, `name`; `refs/heads/main`, `heads/main` →
/// `main`).
fn branch_arg(args: &Value) -> Option<&str> {
    ["branch", "branch_name", "branchName", "branch_id", "branchId", "ref", "name"]
        .iter()
        .find_map(|k| args.get(*k).and_then(Value::as_str))
        .map(|b| b.trim_start_matches("refs/").trim_start_matches("heads/"))
}

/// Whether a delete tool's arguments select everything: an empty (or `/`) prefix, or an
/// all-flag, with no list of what to delete.
fn deletes_everything(args: &Value) -> bool {
    let Some(map) = args.as_object() else { return false };
    let named =
        ["keys", "ids", "names", "key", "id", "name", "objects", "paths", "path", "files", "items"].iter().any(|k| {
            map.get(*k)
                .is_some_and(|v| !v.is_null() && v.as_str() != Some("") && v.as_array().is_none_or(|a| !a.is_empty()))
        });
    let empty_prefix = ["prefix", "folder", "directory"]
        .iter()
        .any(|k| map.get(*k).and_then(Value::as_str).is_some_and(|p| p.trim_matches('/').is_empty()));
    let all_flag = ["all", "all_versions", "allVersions", "everything", "delete_all", "deleteAll", "recursive"]
        .iter()
        .any(|k| map.get(*k) == Some(&Value::Bool(true)));
    !named && (empty_prefix || all_flag)
}

/// The kind of resource a generic delete tool is given (`resourceType`, `kind`, `type`), as
/// words, with the short names `kubectl` accepts spelled out.
fn resource_type(args: &Value) -> Vec<String> {
    let Some(kind) = ["resourceType", "resource_type", "resourceKind", "resource_kind", "kind", "type", "resource"]
        .iter()
        .find_map(|k| args.get(*k).and_then(Value::as_str))
    else {
        return Vec::new();
    };
    // `deployment.apps`, `deployments/web`: the kind is the first part.
    let kind = kind.split(['.', '/']).next().unwrap_or(kind).to_ascii_lowercase();
    let alias = match kind.as_str() {
        "ns" => "namespace",
        "deploy" => "deployment",
        "sts" => "statefulset",
        "ds" => "daemonset",
        "svc" => "service",
        "pv" => "persistentvolume",
        "pvc" => "persistentvolumeclaim",
        "no" => "node",
        "crd" | "crds" | "customresourcedefinition" | "customresourcedefinitions" => "collection",
        _ => "",
    };
    if alias.is_empty() {
        words(&kind)
    } else {
        vec![alias.to_owned()]
    }
}

/// Whether a filter selects every record: absent, empty, `*`, `1=1`, or made of conditions every
/// document meets (`{_id: {$exists: true}}`, `{_id: {$ne: null}}`, `{$where: "true"}`,
/// `{$expr: true}`, `{$or: [{}, …]}`). Filters written as JSON text are read as JSON.
fn selects_everything(filter: Option<&Value>, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match filter {
        None | Some(Value::Null) | Some(Value::Bool(true)) => true,
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.starts_with('{') {
                if let Ok(v) = serde_json::from_str::<Value>(t) {
                    return selects_everything(Some(&v), depth + 1);
                }
            }
            let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            matches!(compact.as_str(), "" | "{}" | "*" | "all" | "true" | "1" | "1=1" | "'1'='1'" | "0=0")
        }
        Some(Value::Object(m)) => m.iter().all(|(k, v)| always_true(k, v, depth + 1)),
        _ => false,
    }
}

/// Whether one entry of a MongoDB-style filter holds for every document.
fn always_true(key: &str, v: &Value, depth: usize) -> bool {
    let truthy = |v: &Value| match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => {
            let c: String = s.chars().filter(|c| !c.is_whitespace() && *c != ';').collect();
            matches!(c.as_str(), "true" | "1" | "1==1" | "1===1" | "returntrue" | "function(){returntrue}")
        }
        _ => false,
    };
    match key {
        // Search-engine queries: `match_all`, a `bool` with nothing it must match, `exists`.
        "match_all" => v.is_object(),
        "bool" => v.as_object().is_some_and(|b| {
            ["must", "filter", "should"].iter().all(|k| {
                b.get(*k).is_none_or(|c| {
                    c.as_array().is_some_and(Vec::is_empty) || c.as_object().is_some_and(|o| o.is_empty())
                })
            })
        }),
        "exists" => v.get("field").is_some(),
        "query" => selects_everything(Some(v), depth),
        "$and" => v.as_array().is_some_and(|a| a.iter().all(|c| selects_everything(Some(c), depth))),
        "$or" => v.as_array().is_some_and(|a| a.iter().any(|c| selects_everything(Some(c), depth))),
        // `$expr: {$eq: [1, 1]}`: two equal constants.
        "$expr"
            if v.get("$eq")
                .and_then(Value::as_array)
                .is_some_and(|p| p.len() == 2 && p[0] == p[1] && !is_field_path(&p[0])) =>
        {
            true
        }
        "$where" | "$expr" => truthy(v),
        _ => {
            let Some(ops) = v.as_object().filter(|o| !o.is_empty()) else { return false };
            ops.iter().all(|(op, arg)| match op.as_str() {
                // Every document has an `_id`: these hold for all of them (or all but a listed few).
                "$exists" => always_present(key) && truthy(arg),
                "$ne" => always_present(key) && arg.is_null() || key == "_id",
                "$nin" => key == "_id" || arg.as_array().is_some_and(Vec::is_empty),
                _ => false,
            })
        }
    }
}

/// A MongoDB field path (`"$status"`) rather than a constant.
fn is_field_path(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.starts_with('$'))
}

/// Fields every record of a collection has: its id and the write timestamps drivers and ORMs set.
fn always_present(key: &str) -> bool {
    matches!(
        key,
        "_id"
            | "id"
            | "createdAt"
            | "created_at"
            | "updatedAt"
            | "updated_at"
            | "created"
            | "modified"
            | "timestamp"
            | "ts"
    )
}

fn privilege(
    tool: &str,
    name: &Name,
    args: &Value,
    push: &mut impl FnMut(Intent, Severity, &'static str, &str, String),
) {
    if !name.has_any(&["grant", "assign", "add", "set", "update", "invite", "make", "promote"])
        || !name.has_any(&[
            "role",
            "roles",
            "permission",
            "permissions",
            "collaborator",
            "admin",
            "member",
            "iam",
            "policy",
            "access",
            "owner",
            "user",
        ])
    {
        return;
    }
    // The level granted, when an argument names it: `permission: "triage"` hands out triage, not
    // ownership, whatever the tool is called.
    let mut strings_in = Vec::new();
    strings(args, &mut "$.args".to_owned(), &mut strings_in, 0);
    let key_of = |path: &str| last_key(path).to_owned();
    let named_level = strings_in.iter().any(|(_, p)| crate::analyze::http::api::is_role_key(&key_of(p)))
        || args
            .as_object()
            .is_some_and(|m| m.iter().any(|(k, v)| v.is_number() && crate::analyze::http::api::is_role_key(k)));
    let privileged = crate::analyze::http::api::privileged_role(args)
        .or_else(|| {
            strings_in.iter().find_map(|(s, p)| {
                let lower = s.to_ascii_lowercase();
                let key = key_of(p);
                let everything = lower.contains("administratoraccess")
                    || matches!(
                        lower.as_str(),
                        "roles/owner" | "roles/editor" | "roles/iam.securityadmin" | "cluster-admin"
                    )
                    || (lower == "maintainer" && crate::analyze::http::api::is_role_key(&key))
                    || (lower == "*"
                        && matches!(key.to_ascii_lowercase().as_str(), "action" | "actions" | "scope" | "scopes"));
                everything.then(|| (*s).to_owned())
            })
        })
        .or_else(|| (!named_level && name.has_any(&["admin", "owner"])).then(|| "admin".to_owned()));
    if let Some(role) = privileged {
        push(Intent::PrivilegeEscalate, Severity::High, "role", &role, format!("`{tool}` hands out the {role} role"));
    }
}

/// The key a JSON path ends in: `$.args.role` → `role`, `$.args.roles[2]` → `roles`,
/// `$.args["odd key"]` → `odd key`.
pub(crate) fn last_key(path: &str) -> &str {
    let mut p = path;
    while p.ends_with(']') {
        match p.rfind('[') {
            Some(i) if p[i + 1..p.len() - 1].bytes().all(|b| b.is_ascii_digit()) => p = &p[..i],
            _ => break,
        }
    }
    if let Some(inner) = p.strip_suffix("\"]") {
        return inner.rsplit("[\"").next().unwrap_or(inner);
    }
    p.rsplit('.').next().unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aws_names_are_spelled_as_the_cli_spells_them() {
        for (api, cli) in [
            ("DeleteDBCluster", "delete-db-cluster"),
            ("PolicyArn", "policy-arn"),
            ("policy_arn", "policy-arn"),
            ("GetSecretValue", "get-secret-value"),
            ("SSEKMSKeyId", "ssekms-key-id"),
            ("MaxResults", "max-results"),
            ("s3", "s3"),
        ] {
            assert_eq!(kebab(api), cli, "{api}");
        }
        let line = aws_command(
            &Name::parse("aws__call_api"),
            &json!({"service": "RDS", "operation": "DeleteDBCluster", "region": "eu-west-1",
                    "params": {"DBClusterIdentifier": "db1", "SkipFinalSnapshot": true}}),
        );
        assert_eq!(
            line.as_deref(),
            Some("aws rds delete-db-cluster --db-cluster-identifier db1 --skip-final-snapshot")
        );
        let line = aws_command(&Name::parse("aws__iam_list_users"), &json!({"MaxItems": 5}));
        assert_eq!(line.as_deref(), Some("aws iam list-users --max-items 5"));
        let line = aws_command(
            &Name::parse("aws__s3_cp"),
            &json!({"destination": "s3://b/", "source": "./a.csv", "recursive": true}),
        );
        assert_eq!(line.as_deref(), Some("aws s3 cp ./a.csv s3://b/ --recursive"));
        let line =
            aws_command(&Name::parse("s3__copy_object"), &json!({"CopySource": "a/k", "Bucket": "b", "Key": "k"}));
        assert_eq!(line.as_deref(), Some("aws s3api copy-object --copy-source a/k --bucket b --key k"));
    }

    #[test]
    fn names_are_taken_apart() {
        let n = Name::parse("supabase__execute_sql");
        assert_eq!((n.server.as_str(), n.leaf.as_str()), ("supabase", "execute_sql"));
        assert_eq!(n.words, ["execute", "sql"]);
        assert_eq!(Name::parse("mcp__github__delete_repository").server, "github");
        assert_eq!(Name::parse("filesystem.write_file").server, "filesystem");
        assert_eq!(words("executeSQLQuery"), ["execute", "sql", "query"]);
        assert_eq!(words("run-terminal_cmd"), ["run", "terminal", "cmd"]);
    }

    fn kind(tool: &str, args: Value) -> &'static str {
        let d = Destinations::default();
        match carried(tool, &args, &d).first() {
            Some(Carried::Sql { .. }) => "sql",
            Some(Carried::Shell { .. }) => "shell",
            Some(Carried::Http(_)) => "http",
            Some(Carried::File(_)) => "file",
            Some(Carried::Message { .. }) => "message",
            None => "unknown",
        }
    }

    #[test]
    fn conventions_map_tools_to_actions() {
        assert_eq!(kind("run_sql", json!({"query": "SELECT 1"})), "sql");
        assert_eq!(kind("neon__run_sql", json!({"sql": "SELECT 1"})), "sql");
        assert_eq!(kind("postgres__query", json!({"sql": "SELECT 1"})), "sql");
        assert_eq!(kind("query", json!({"q": "SELECT 1"})), "sql");
        assert_eq!(kind("search_docs", json!({"query": "retention policy"})), "unknown");
        assert_eq!(kind("bash", json!({"command": "ls"})), "shell");
        assert_eq!(kind("execute_command", json!({"cmd": "ls"})), "shell");
        assert_eq!(kind("run_terminal_cmd", json!({"command": "ls"})), "shell");
        assert_eq!(kind("terminal__run", json!({"command": "ls"})), "shell");
        assert_eq!(kind("kubectl", json!({"argv": ["get", "pods"]})), "shell");
        assert_eq!(kind("run_python", json!({"code": "print(1)"})), "shell");
        assert_eq!(kind("http_request", json!({"url": "https://x.example"})), "http");
        assert_eq!(kind("fetch", json!({"url": "https://x.example"})), "http");
        assert_eq!(kind("write_file", json!({"path": "a.txt", "content": "x"})), "file");
        assert_eq!(kind("filesystem__edit_file", json!({"path": "a.txt", "edits": []})), "file");
        assert_eq!(kind("str_replace_based_edit_tool", json!({"command": "view", "path": "a"})), "file");
        assert_eq!(kind("send_email", json!({"to": "a@b.example", "body": "hi"})), "message");
        assert_eq!(kind("slack__post_message", json!({"channel_id": "C1", "text": "hi"})), "message");
        assert_eq!(kind("get_weather", json!({"city": "Lisbon"})), "unknown");
    }

    #[test]
    fn match_all_filters() {
        for f in [
            json!({}),
            json!({"_id": {"$exists": true}}),
            json!({"_id": {"$ne": null}}),
            json!({"$where": "return true;"}),
            json!({"$or": [{"a": 1}, {}]}),
            json!("{\"_id\": {\"$exists\": 1}}"),
            json!("1 = 1"),
        ] {
            assert!(selects_everything(Some(&f), 0), "{f}");
        }
        for f in [json!({"status": {"$exists": true}}), json!({"_id": {"$in": ["a"]}}), json!({"$and": [{}, {"a": 1}]})]
        {
            assert!(!selects_everything(Some(&f), 0), "{f}");
        }
    }

    #[test]
    fn json_paths_end_in_keys() {
        assert_eq!(last_key("$.args.role"), "role");
        assert_eq!(last_key("$.args.steps[1].run"), "run");
        assert_eq!(last_key("$.args.roles[2]"), "roles");
        assert_eq!(last_key("$.args[\"odd key\"]"), "odd key");
    }

    #[test]
    fn database_tools_and_lookups() {
        assert!(is_database_tool("supabase__apply_migration") && is_database_tool("run_sql"));
        assert!(!is_database_tool("supabase__search_docs") && !is_database_tool("web_search"));
        assert_eq!(kind("supabase__apply_migration", json!({"query": "DROP TABLE t"})), "sql");
        assert_eq!(kind("supabase__search_docs", json!({"query": "DROP TABLE syntax"})), "unknown");
        assert_eq!(kind("api__call", json!({"method": "DELETE", "path": "/v1/orders"})), "http");
        assert_eq!(kind("filesystem__read_multiple_files", json!({"paths": ["a", "b"]})), "file");
    }

    #[test]
    fn sql_and_programs_are_recognised_in_text() {
        assert!(looks_like_sql("DROP TABLE x") && looks_like_sql("-- c\nSELECT 1"));
        assert!(!looks_like_sql("fleet telemetry retention") && !looks_like_sql("select"));
        assert!(starts_with_program("rm -rf /") && starts_with_program("sudo kubectl delete ns x"));
        assert!(!starts_with_program("Why agents never run rm -rf /"));
    }
}
