//! Redaction of credentials embedded in action text, for audit records.

use std::sync::LazyLock;

use regex_automata::meta::Regex;
use serde_json::Value;

use crate::action::Action;
use crate::analyze::payload::Scan;
use crate::analyze::secrets;
use regex_automata::util::syntax;

/// Each pattern's capture group 1 is the secret to hide.
const PATTERNS: &[&str] = &[
    // SQL: IDENTIFIED [WITH plugin] BY [PASSWORD] 'x' | "x"
    r"(?i)identified\s+(?:with\s+\S+\s+)?by\s+(?:password\s+)?N?'((?:[^']|'')*)'",
    r#"(?i)identified\s+(?:with\s+\S+\s+)?by\s+(?:password\s+)?"([^"]*)""#,
    // inside a quoted batch: PASSWORD=''x''
    r"(?i)\bpassword\s*=\s*''((?:[^']|'''')+)''",
    // PASSWORD 'x', PASSWORD = 'x', SET PASSWORD FOR u = 'x', PASSWORD E'x'
    r"(?i)\bpassword\s*(?:for\s+\S+\s*)?=?\s*[EN]?'((?:[^']|'')*)'",
    // PASSWORD $$x$$
    r"(?i)\bpassword\s+\$\$(.*?)\$\$",
    // sp_addlogin 'user', 'password'; sp_password 'old', 'new'
    r"(?i)sp_(?:addlogin|password)\s+N?'(?:[^']|'')*'\s*,\s*N?'((?:[^']|'')*)'",
    // key=value in connection strings and command lines
    r"(?i)(?:password|passwd|pwd|secret|token|api_key|apikey)\s*=\s*([^\s'&;,)]+)",
    // URLs with credentials: scheme://user:pass@host
    r"://[^/\s:@]+:([^@\s/]+)@",
];

static REDACTORS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::builder().syntax(syntax::Config::new().unicode(false).utf8(false)).build_many(PATTERNS).ok()
});

/// `action` as an audit record may keep it: every secret the engine recognises masked, in every
/// field, whatever its encoding.
pub(crate) fn redact_action(action: &Action) -> Action {
    match action {
        Action::Sql { dialect, text } => Action::Sql { dialect: *dialect, text: redact_string(text) },
        Action::Shell { command } => Action::Shell { command: redact_string(command) },
        Action::Http { method, url, headers, body } => Action::Http {
            method: method.clone(),
            url: redact_string(url),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    let credential = ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"]
                        .contains(&k.to_ascii_lowercase().as_str());
                    (k.clone(), if credential { "***".to_owned() } else { redact_string(v) })
                })
                .collect(),
            body: body.as_ref().map(redact_value),
        },
        Action::ToolCall { tool, args } => Action::ToolCall { tool: tool.clone(), args: redact_value(args) },
        Action::File { op, path, content, destination, recursive } => Action::File {
            op: op.clone(),
            path: path.clone(),
            content: content.as_deref().map(redact_string),
            destination: destination.clone(),
            recursive: *recursive,
        },
    }
}

/// A JSON value with every string redacted.
fn redact_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(redact_string(s)),
        Value::Array(items) => Value::Array(items.iter().map(redact_value).collect()),
        // Keys too: a secret can travel as a field name.
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (redact_string(k), redact_value(v))).collect()),
        other => other.clone(),
    }
}

/// A string with recognised secrets masked in place; a string that still hides one after that
/// (percent-encoded, in base64) is replaced whole.
fn redact_string(text: &str) -> String {
    let out = redact_evidence(text);
    let mut scan = Scan::default();
    scan.text(&out, "$", false);
    let hidden = scan.secrets().next().map(|f| f.kind.name);
    match hidden {
        Some(name) => format!("[redacted: holds {name}]"),
        None => out,
    }
}

/// `text` with recognised secrets masked and embedded credentials (`IDENTIFIED BY '…'`,
/// `password=…`) replaced by `***`.
pub(crate) fn redact_evidence(text: &str) -> String {
    let mut hits = Vec::new();
    secrets::scan(text, &mut hits);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for hit in hits.iter().filter(|h| h.kind.class == secrets::Class::Secret) {
        if hit.span.start < last {
            continue;
        }
        out.push_str(text.get(last..hit.span.start).unwrap_or_default());
        out.push_str(&secrets::mask(text.get(hit.span.range()).unwrap_or_default()));
        last = hit.span.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    redact_text(&out)
}

/// `text` with every embedded credential replaced by `***`.
pub(crate) fn redact_text(text: &str) -> String {
    let Some(re) = REDACTORS.as_ref() else {
        return "*** (redaction unavailable)".to_owned();
    };
    // Every pattern needs a quote, `=`, `$` or `:` (`IDENTIFIED BY '…'`, `pwd=…`, `$$…$$`,
    // `://u:p@`): text without one holds no credential. Then one DFA scan before any capture.
    if !text.bytes().any(|b| matches!(b, b'\'' | b'"' | b'=' | b'$' | b':')) || !re.is_match(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let Some(secret) = caps.get_group(1) else { continue };
        if secret.start < last || secret.is_empty() {
            continue;
        }
        out.push_str(text.get(last..secret.start).unwrap_or_default());
        out.push_str("***");
        last = secret.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::redact_text;

    #[test]
    fn hides_sql_passwords() {
        assert_eq!(
            redact_text("CREATE USER 'a'@'%' IDENTIFIED BY 'Tmp2024!';"),
            "CREATE USER 'a'@'%' IDENTIFIED BY '***';"
        );
        assert_eq!(redact_text("ALTER ROLE x PASSWORD 'hunter2'"), "ALTER ROLE x PASSWORD '***'");
    }

    #[test]
    fn hides_connection_string_passwords() {
        assert_eq!(
            redact_text("SELECT dblink('host=h user=u password=p dbname=d')"),
            "SELECT dblink('host=h user=u password=*** dbname=d')"
        );
        assert_eq!(redact_text("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
    }

    #[test]
    fn hides_every_spelling() {
        for (text, secret) in [
            ("CREATE USER a IDENTIFIED WITH mysql_native_password BY 'Sup3r'", "Sup3r"),
            ("CREATE USER a IDENTIFIED BY \"Sup3r\"", "Sup3r"),
            ("SET PASSWORD FOR 'root'@'localhost' = 'Sup3r'", "Sup3r"),
            ("ALTER ROLE r PASSWORD E'Sup3r'", "Sup3r"),
            ("ALTER ROLE r PASSWORD $$Sup3r$$", "Sup3r"),
            ("ALTER ROLE r PASSWORD 'it''s Sup3r'", "Sup3r"),
            ("EXEC sp_addlogin 'u', 'Sup3r'", "Sup3r"),
            ("EXEC('CREATE LOGIN u WITH PASSWORD=''Sup3r''')", "Sup3r"),
        ] {
            let out = redact_text(text);
            assert!(!out.contains(secret), "{text} -> {out}");
        }
    }

    #[test]
    fn leaves_plain_text_alone() {
        assert_eq!(redact_text("SELECT 1"), "SELECT 1");
    }
}
