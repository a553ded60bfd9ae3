//! The JSON paths of policy tool mappings: `$.statement`, `$.request.body`, `$.argv[0]`,
//! `$["odd key"]`. A small subset of JSONPath — no wildcards or filters — because a mapping names
//! one argument.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A compiled path into a tool's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPath {
    steps: Vec<Step>,
    text: String,
}

impl JsonPath {
    /// Parses `$`, `.key`, `["key"]`, `['key']` and `[n]` steps.
    pub(crate) fn parse(text: &str) -> Result<JsonPath, String> {
        let err = |why: &str| Err(format!("`{text}` is not a JSON path: {why} (write e.g. `$.statement`)"));
        let Some(mut rest) = text.trim().strip_prefix('$') else { return err("it must start with `$`") };
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return err("an empty key");
                }
                steps.push(Step::Key(r[..end].to_owned()));
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let Some(end) = r.find(']') else { return err("an unclosed `[`") };
                let inner = r[..end].trim();
                let quoted = inner
                    .strip_prefix('"')
                    .and_then(|i| i.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')));
                match (quoted, inner.parse::<usize>()) {
                    (Some(key), _) => steps.push(Step::Key(key.to_owned())),
                    (None, Ok(n)) => steps.push(Step::Index(n)),
                    (None, Err(_)) => return err("`[…]` holds a quoted key or an index"),
                }
                rest = &r[end + 1..];
            } else {
                return err("steps are `.key` or `[…]`");
            }
        }
        Ok(JsonPath { steps, text: text.trim().to_owned() })
    }

    /// The value at this path in `args`.
    pub(crate) fn resolve<'a>(&self, args: &'a Value) -> Option<&'a Value> {
        self.steps.iter().try_fold(args, |v, step| match step {
            Step::Key(k) => v.get(k),
            Step::Index(i) => v.get(i),
        })
    }

    /// The path of the value in the whole action: `$.statement` → `$.args.statement`.
    pub(crate) fn in_action(&self) -> String {
        format!("$.args{}", &self.text[1..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_resolves() {
        let args = json!({"req": {"body": "x"}, "argv": ["a", "b"], "odd key": 1});
        assert_eq!(JsonPath::parse("$.req.body").unwrap().resolve(&args), Some(&json!("x")));
        assert_eq!(JsonPath::parse("$.argv[1]").unwrap().resolve(&args), Some(&json!("b")));
        assert_eq!(JsonPath::parse("$[\"odd key\"]").unwrap().resolve(&args), Some(&json!(1)));
        assert_eq!(JsonPath::parse("$").unwrap().resolve(&args), Some(&args));
        assert_eq!(JsonPath::parse("$.missing").unwrap().resolve(&args), None);
        assert_eq!(JsonPath::parse("$.req.body").unwrap().in_action(), "$.args.req.body");
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        for bad in ["statement", "$.", "$[", "$[*]", "$..x", "$x"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }
}
