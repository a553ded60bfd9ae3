//! The tool-call analyzer: an agent's tool call is judged by the action it carries.
//!
//! 1. **Mapping.** The policy's `tools` mappings, then the built-in [conventions](conventions),
//!    say which action a tool carries: SQL (`run_sql`, `postgres__query`), a command line
//!    (`bash`, `execute_command`, a `kubectl` tool with `argv`), code (`run_python`), an HTTP
//!    request (`http_request`, `fetch`), a file operation (`write_file`, `filesystem__edit_file`) or
//!    a message (`send_email`, `slack__post_message`). The carried action goes to its own
//!    analyzer; findings point at the argument it came from (`$.args.query`).
//! 2. **The name.** Tools named for what they destroy (`gitlab__delete_project`,
//!    `mongodb__update_many` with an empty filter) or the rights they hand out are judged by name
//!    and arguments.
//! 3. **Everything else.** Every string argument is scanned for secrets and personal data, and
//!    arguments that are commands or SQL statements are analysed as such.
//! 4. **Policy rules on tools.** A rule with `tools: [...]` and no intents fires on every call of
//!    a matching tool (intent `tool.call`).

pub(crate) mod conventions;
pub(crate) mod json_path;

use serde_json::Value;

use crate::action::Dialect;
use crate::error::PolicyError;
use crate::fact::{Fact, Facts, Span};
use crate::glob::Glob;
use crate::intent::Intent;
use crate::policy::model::ToolMappingDoc;
use crate::verdict::Decision;

use super::egress::{self, Receiver};
use super::payload::{Batch, Scan};
use super::{Analysis, Code, Detector};

use self::conventions::Carried;
use self::json_path::JsonPath;

pub(crate) const NAMED: Detector = Detector {
    id: "tool/named_action",
    intents: &[
        Intent::InfraDestroy,
        Intent::SchemaDrop,
        Intent::DataBulkDelete,
        Intent::DataBulkUpdate,
        Intent::DataOverwrite,
        Intent::DataExport,
        Intent::SystemDisrupt,
        Intent::ExecRemoteCode,
        Intent::VcsHistoryRewrite,
        Intent::PrivilegeEscalate,
        Intent::CredentialRead,
    ],
    triggers: &[],
};

pub(crate) const EGRESS: Detector =
    Detector { id: "tool/egress", intents: &[Intent::EgressSecret, Intent::EgressPii], triggers: &[] };

pub(crate) const ALL: &[&Detector] = &[&NAMED, &EGRESS];

/// A policy `tools` mapping, compiled.
#[derive(Debug, Clone)]
pub(crate) struct ToolMapping {
    pub(crate) tools: Vec<Glob>,
    pub(crate) carries: Carries,
}

/// What a mapped tool carries, as JSON paths into its arguments.
#[derive(Debug, Clone)]
pub(crate) enum Carries {
    Sql { text: JsonPath, dialect: Dialect },
    Shell { command: JsonPath },
    Http { url: JsonPath, method: Source, headers: Option<JsonPath>, body: Option<JsonPath> },
    File { op: Source, path: JsonPath, content: Option<JsonPath>, destination: Option<JsonPath> },
    Message { body: JsonPath, to: Option<JsonPath> },
}

/// A value given literally in the policy or found at a JSON path.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Literal(String),
    Path(JsonPath),
}

impl Source {
    fn parse(s: &str) -> Result<Source, String> {
        if s.starts_with('$') {
            JsonPath::parse(s).map(Source::Path)
        } else {
            Ok(Source::Literal(s.to_owned()))
        }
    }

    pub(crate) fn resolve<'a>(&'a self, args: &'a Value) -> Option<&'a str> {
        match self {
            Source::Literal(s) => Some(s),
            Source::Path(p) => p.resolve(args).and_then(Value::as_str),
        }
    }
}

impl ToolMapping {
    /// Compiles one `tools` entry; the error says what is wrong with it.
    pub(crate) fn compile(doc: &ToolMappingDoc) -> Result<ToolMapping, PolicyError> {
        let path =
            |s: &str, field: &str| JsonPath::parse(s).map_err(|e| PolicyError::invalid(format!("`{field}`: {e}")));
        let opt = |s: &Option<String>, field: &str| s.as_deref().map(|s| path(s, field)).transpose();
        let mut carries = Vec::new();
        if let Some(sql) = &doc.sql {
            let dialect = match &doc.dialect {
                Some(d) => d.parse().map_err(|e| PolicyError::invalid(format!("`dialect`: {e}")))?,
                None => Dialect::Generic,
            };
            carries.push(Carries::Sql { text: path(sql, "sql")?, dialect });
        }
        if let Some(shell) = &doc.shell {
            carries.push(Carries::Shell { command: path(shell, "shell")? });
        }
        if let Some(h) = &doc.http {
            carries.push(Carries::Http {
                url: path(&h.url, "http.url")?,
                method: Source::parse(h.method.as_deref().unwrap_or("GET")).map_err(PolicyError::invalid)?,
                headers: opt(&h.headers, "http.headers")?,
                body: opt(&h.body, "http.body")?,
            });
        }
        if let Some(f) = &doc.file {
            carries.push(Carries::File {
                op: Source::parse(&f.op).map_err(PolicyError::invalid)?,
                path: path(&f.path, "file.path")?,
                content: opt(&f.content, "file.content")?,
                destination: opt(&f.destination, "file.destination")?,
            });
        }
        if let Some(m) = &doc.message {
            carries.push(Carries::Message { body: path(&m.body, "message.body")?, to: opt(&m.to, "message.to")? });
        }
        if doc.dialect.is_some() && doc.sql.is_none() {
            return Err(PolicyError::invalid("`dialect` is only for mappings with `sql`"));
        }
        let tools: Vec<Glob> = doc.matches.items().iter().map(|t| Glob::new(t)).collect();
        if tools.is_empty() {
            return Err(PolicyError::invalid("`match` names no tool"));
        }
        match carries.len() {
            1 => Ok(ToolMapping { tools, carries: carries.remove(0) }),
            0 => Err(PolicyError::invalid(
                "a tool mapping names what the tool carries: `sql`, `shell`, `http`, `file` or `message`",
            )),
            _ => Err(PolicyError::invalid(
                "a tool mapping carries exactly one of `sql`, `shell`, `http`, `file` or `message`",
            )),
        }
    }
}

/// Analyses a call of `tool` with `args` into `facts`.
pub(crate) fn analyze(tool: &str, args: &Value, cx: &Analysis<'_>, facts: &mut Facts) {
    named_by_policy(tool, cx, facts);
    let carried = match cx.tools.iter().find(|m| m.tools.iter().any(|g| g.matches(tool))) {
        Some(mapping) => conventions::from_mapping(&mapping.carries, args),
        None => conventions::carried(tool, args, cx.destinations()),
    };
    for c in &carried {
        match c {
            Carried::Sql { text, dialect, path } => super::code(Code::Sql(text, *dialect), Some(path), cx, facts),
            Carried::Shell { command, path } => super::code(Code::Shell(command), Some(path), cx, facts),
            Carried::Http(request) => super::http::analyze(request, cx, facts),
            Carried::File(file) => super::file::analyze(file, cx, facts),
            Carried::Message { to, outside, parts } => {
                let mut batch = Batch::default();
                for (value, path) in parts {
                    batch.value(value, path);
                }
                let mut scan = Scan::default();
                scan.batch(&batch, 0);
                egress::judge(&scan, Receiver::Message { to, outside: *outside }, EGRESS.id, facts);
            }
        }
    }
    conventions::named_action(tool, args, &cx.shell.protected_branches, cx.destinations(), facts);
    if carried.is_empty() {
        unknown_tool(tool, args, cx, facts);
    }
}

/// Argument names under which tools take prose, search terms or instructions for a model
/// (compared without case, `_` or `-`): text there that mentions a command is not one.
const PROSE_ARGUMENTS: &[&str] = &[
    "query",
    "q",
    "prompt",
    "question",
    "search",
    "searchterm",
    "searchterms",
    "term",
    "terms",
    "keyword",
    "keywords",
    "text",
    "message",
    "messages",
    "title",
    "description",
    "body",
    "content",
    "contents",
    "summary",
    "note",
    "notes",
    "comment",
    "comments",
    "subject",
    "caption",
    "topic",
    "instructions",
    "instruction",
    "answer",
    "reason",
    "rationale",
    "explanation",
    "markdown",
    "html",
    "context",
    "excerpt",
];

/// Endings of prose argument names (`user_prompt`, `searchQuery`, `issue_description`).
const PROSE_ENDINGS: &[&str] =
    &["query", "prompt", "question", "description", "message", "text", "title", "summary", "comment"];

/// Whether an argument named `key` takes prose rather than code.
fn is_prose_argument(key: &str) -> bool {
    let k = conventions::normal_key(key);
    let code = ["sql", "command", "cmd", "script", "code", "shell", "exec"].iter().any(|c| k.contains(c));
    !code && (PROSE_ARGUMENTS.contains(&k.as_str()) || PROSE_ENDINGS.iter().any(|e| k.ends_with(e)))
}

/// A tool the engine does not know: scan every string argument, and analyse the ones that start
/// like a command line or a SQL statement as such. Prose arguments (a search `query`, a
/// `message`) are left alone, a database tool's excepted: there `query` is SQL.
fn unknown_tool(tool: &str, args: &Value, cx: &Analysis<'_>, facts: &mut Facts) {
    let mut scan = Scan::default();
    scan.value(args, "$.args");
    egress::judge(&scan, Receiver::Tool { name: tool }, EGRESS.id, facts);
    let database = conventions::is_database_tool(tool);
    // A search or grep tool's arguments are what it looks for, never run (`search_code {query:
    // "drop table users"}`, `grep {pattern: "rm -rf /"}`).
    if !database && conventions::only_looks(tool) {
        return;
    }
    let mut strings = Vec::new();
    conventions::strings(args, &mut "$.args".to_owned(), &mut strings, 0);
    for (text, path) in strings {
        // A prose argument (a search `query`) is read as SQL only when all of it parses as SQL:
        // `DROP TABLE invoices` does, `drop table syntax in postgres` does not.
        if !database && is_prose_argument(conventions::last_key(&path)) {
            if conventions::looks_like_sql(text) && super::sql::parses_whole(text, Dialect::Generic, cx.limits) {
                super::code(Code::Sql(text, Dialect::Generic), Some(&path), cx, facts);
            }
            continue;
        }
        let first = facts.items.len();
        if conventions::starts_with_program(text) {
            super::code(Code::Shell(text), Some(&path), cx, facts);
        } else if conventions::looks_like_sql(text) {
            super::code(Code::Sql(text, Dialect::Generic), Some(&path), cx, facts);
        } else {
            continue;
        }
        // Text that only resembles a command is not one: what cannot be analysed here is prose.
        facts.retain_from(first, |f| f.intent != Intent::Unanalyzable);
    } // An argument vector (`{"command": ["rm", "-rf", "/"]}`) is a command line, word by word.
    for key in ["command", "cmd", "argv", "args", "arguments"] {
        let Some(Value::Array(_)) = args.get(key) else { continue };
        let Some(line) = args.get(key).and_then(conventions::command_text) else { continue };
        if conventions::starts_with_program(&line) {
            let path = format!("$.args.{key}");
            let first = facts.items.len();
            super::code(Code::Shell(&line), Some(&path), cx, facts);
            facts.retain_from(first, |f| f.intent != Intent::Unanalyzable);
        }
    }
}

/// Rules with `tools` and no intents fire on every call of a matching tool.
fn named_by_policy(tool: &str, cx: &Analysis<'_>, facts: &mut Facts) {
    for (index, rule) in cx.rules.iter().enumerate() {
        if rule.decision == Decision::Allow || !rule.intents.is_empty() || !rule.tools.iter().any(|g| g.matches(tool)) {
            continue;
        }
        facts.matched.push((
            Fact {
                intent: Intent::ToolCall,
                severity: rule.severity,
                span: Span::new(0, tool.len()),
                detector: "policy/tool",
                target: None,
                message: format!("calls the tool `{tool}`, which rule '{}' names", rule.id),
                location: None,
            },
            index,
        ));
    }
}
