//! Redaction of credentials embedded in action text, for audit records.

use std::sync::LazyLock;

use regex_automata::meta::Regex;
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
