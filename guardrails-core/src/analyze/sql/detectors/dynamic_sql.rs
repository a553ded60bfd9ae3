//! `sql/dynamic_sql`
//!
//! ## What it catches
//! SQL built and run at run time, analysed by rebuilding its text from the literals it is made
//! of: `DO $$ … $$` bodies (PL/pgSQL statements and their `EXECUTE`s), `EXECUTE '…'`,
//! `EXECUTE IMMEDIATE`, `EXEC('…')`, `EXEC sp_executesql N'…'`, `PREPARE p FROM @q` with
//! `SET @q := CONCAT(…)`, PostgreSQL `PREPARE p AS …`. `format()`, `CONCAT`, `||`, `+` and
//! `CHAR()` are evaluated; unknown parts (`quote_ident(r.name)`) become a placeholder name.
//! Dynamic SQL whose text cannot be known is reported as `exec.dynamic`.
//!
//! ## Why it matters
//! Wrapping a statement in a string is the easiest way to hide it from a guard that reads only
//! the outer statement.
//!
//! ## Blocks
//! ```sql
//! DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'fares'); END $$;
//! SET @q := CONCAT('DROP ', 'TABLE vehicles'); PREPARE p FROM @q; EXECUTE p;
//! EXECUTE IMMEDIATE 'DROP DATABASE hotel';
//! ```
//!
//! ## Passes
//! ```sql
//! DO $$ BEGIN RAISE NOTICE 'drop table t'; END $$;
//! EXECUTE IMMEDIATE 'SELECT 1';
//! ```
//!
//! ## Known gaps
//! Variables assigned by `SELECT … INTO` inside procedural code are not tracked; their use in an
//! `EXECUTE` is reported as `exec.dynamic`.
//!
//! ## Intents
//! whatever the rebuilt SQL does; `exec.dynamic` when it cannot be rebuilt

use crate::action::Dialect;
use crate::analyze::Detector;
use crate::fact::{Facts, Severity};
use crate::intent::Intent;

use super::super::lexer::{self, Token, TokenKind};
use super::super::{analyze, analyze_statement, dialect::Syntax, unanalyzable, SqlState, Stmt, PLACEHOLDER};

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/dynamic_sql",
    intents: &[Intent::ExecDynamic, Intent::ExecRemoteCode],
    triggers: &[
        "do",
        "execute",
        "exec",
        "prepare",
        "immediate",
        "sp_executesql",
        "sp_msforeachtable",
        "sp_msforeachdb",
    ],
};

/// Handles a dynamic-SQL statement, or records a variable assignment. Returns true when the
/// statement was fully handled here.
pub(crate) fn check(stmt: &Stmt<'_>, state: &mut SqlState<'_>, facts: &mut Facts) -> bool {
    let s = stmt;
    // psql's `\gexec` runs every row the query returns as a statement: the statements a
    // `format('DROP TABLE %I', …)` template builds are run, once per row.
    if s.text().contains("\\gexec") {
        let templates: Vec<String> = s
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Str)
            .map(|t| t.string_value(s.src))
            .filter(|v| crate::analyze::tool::conventions::looks_like_sql(v))
            .collect();
        for template in templates.iter().take(8) {
            let text = template.replace("%I", "every_table").replace("%s", "every_table").replace("%L", "'x'");
            run(s, Dyn { text, literal: true, opaque: false }, state, facts);
        }
        if !templates.is_empty() {
            return true;
        }
    }
    // SET @q := expr / SET @q = expr / DECLARE @q type = expr
    if s.is_kw(0, "SET")
        && s.tokens.get(1).is_some_and(|t| t.kind == TokenKind::Variable)
        && !s.tokens[1].text(s.src).starts_with("@@")
    {
        if s.is_punct(2, "=") || s.is_punct(2, ":=") {
            let value = eval(s, 3, s.tokens.len(), state);
            state.vars.insert(var_key(s.tokens[1].text(s.src)), value.known());
        }
        return true;
    }
    if s.is_kw(0, "DECLARE") && s.tokens.get(1).is_some_and(|t| t.kind == TokenKind::Variable) {
        let value = (2..s.tokens.len()).find(|&i| s.is_punct(i, "=")).map(|i| eval(s, i + 1, s.tokens.len(), state));
        state.vars.insert(var_key(s.tokens[1].text(s.src)), value.and_then(|v| v.known()));
        return true;
    }
    if s.is_kw(0, "DO") {
        return do_block(s, state, facts);
    }
    if s.is_kw(0, "PREPARE") {
        let name = s.word(1).map(str::to_ascii_lowercase).unwrap_or_default();
        // PostgreSQL: PREPARE name [(types)] AS statement. MySQL: PREPARE name FROM expr.
        let mut k = 2;
        if s.is_punct(k, "(") {
            k = matching(s, k, s.tokens.len()) + 1;
        }
        if s.is_kw(k, "AS") {
            state.prepared.insert(name, s.src.get(s.tokens[k].span.end..).unwrap_or("").to_owned());
            let inner = Stmt { tokens: &s.tokens[k + 1..], ..*s };
            nested(&inner, state, facts);
            return true;
        }
        if s.is_kw(k, "FROM") {
            let value = eval(s, k + 1, s.tokens.len(), state);
            if let Some(text) = value.known() {
                state.prepared.insert(name, text);
            }
            run(s, value, state, facts);
            return true;
        }
        return false;
    }
    let exec_keyword = s.is_kw(0, "EXEC");
    if !(exec_keyword || s.is_kw(0, "EXECUTE")) || s.is_kw(1, "AS") {
        return false;
    }
    let mut i = 1;
    if s.is_kw(i, "IMMEDIATE") {
        i += 1;
    }
    // EXEC [db.schema.]sp_executesql [@stmt =] N'…'
    if let Some(at) = (i..s.tokens.len().min(i + 6))
        .find(|&k| s.tokens[k].ident(s.src).is_some_and(|w| w.eq_ignore_ascii_case("sp_executesql")))
    {
        let mut at = at + 1;
        if s.tokens.get(at).is_some_and(|t| t.kind == TokenKind::Variable) && s.is_punct(at + 1, "=") {
            at += 2;
        }
        let end = arg_end(s, at);
        let value = eval(s, at, end, state);
        run(s, value, state, facts);
        return true;
    }
    // `EXEC sp_MSforeachtable 'DELETE FROM ?'` (and `sp_MSforeachdb`): the command runs once for
    // every table (database), `?` standing for its name.
    if let Some(at) = (i..s.tokens.len().min(i + 6)).find(|&k| {
        s.tokens[k]
            .ident(s.src)
            .is_some_and(|w| w.eq_ignore_ascii_case("sp_MSforeachtable") || w.eq_ignore_ascii_case("sp_MSforeachdb"))
    }) {
        let mut at = at + 1;
        if s.tokens.get(at).is_some_and(|t| t.kind == TokenKind::Variable) && s.is_punct(at + 1, "=") {
            at += 2;
        }
        let end = arg_end(s, at);
        let mut value = eval(s, at, end, state);
        value.text = value.text.replace('?', "[every_table]");
        run(s, value, state, facts);
        return true;
    }
    // T-SQL runs stored procedures: EXEC proc args; EXEC @name args runs the procedure @name holds.
    let procedures = exec_keyword || s.dialect == Dialect::Mssql;
    let expression_end =
        (i..s.tokens.len()).find(|&k| s.is_kw(k, "USING") || s.is_kw(k, "INTO")).unwrap_or(s.tokens.len());
    match s.tokens.get(i) {
        Some(t) if t.kind == TokenKind::Variable && procedures && !s.is_punct(i + 1, "(") && s.tokens.len() > i + 1 => {
            let name = state.vars.get(&var_key(t.text(s.src))).cloned().flatten();
            match name {
                Some(proc) => {
                    let rest = s.tokens.last().and_then(|l| s.src.get(t.span.end..l.span.end)).unwrap_or("");
                    run(s, Dyn { text: format!("EXEC {proc}{rest}"), literal: true, opaque: false }, state, facts);
                }
                None => facts.push(s.fact(
                    Intent::ExecDynamic,
                    Severity::Medium,
                    DETECTOR.id,
                    None,
                    format!("EXEC runs the procedure named by `{}`, which is not known here", t.text(s.src)),
                )),
            }
            true
        }
        Some(t) if t.kind == TokenKind::Str || t.kind == TokenKind::Variable || t.is_punct(s.src, "(") => {
            let value = eval(s, i, expression_end, state);
            run(s, value, state, facts);
            true
        }
        Some(t) if t.kind == TokenKind::Word && state.prepared.contains_key(&t.text(s.src).to_ascii_lowercase()) => {
            // Already analysed when it was prepared.
            true
        }
        // EXECUTE f(…): any expression, including functions this engine cannot evaluate.
        Some(t) if t.kind == TokenKind::Word && s.is_punct(i + 1, "(") && !procedures => {
            let value = eval(s, i, expression_end, state);
            run(s, value, state, facts);
            true
        }
        // A stored procedure call: the dangerous ones are known by name to other detectors.
        Some(t) if t.kind == TokenKind::Word && procedures => false,
        Some(t) if t.kind == TokenKind::Word => {
            // EXECUTE p of a statement prepared elsewhere, or a PL/pgSQL variable.
            let name = t.text(s.src);
            match state.vars.get(&name.to_ascii_lowercase()).cloned().flatten() {
                Some(text) => run(s, Dyn { text, literal: true, opaque: false }, state, facts),
                None => facts.push(s.fact(
                    Intent::ExecDynamic,
                    Severity::Medium,
                    DETECTOR.id,
                    None,
                    format!("EXECUTE runs `{name}`, whose SQL is not known here"),
                )),
            }
            true
        }
        _ => false,
    }
}

fn var_key(name: &str) -> String {
    name.trim_start_matches('@').to_ascii_lowercase()
}

/// The end of the first comma-separated argument starting at `from`.
fn arg_end(s: &Stmt<'_>, from: usize) -> usize {
    let mut depth = 0i32;
    for k in from..s.tokens.len() {
        if s.is_punct(k, "(") {
            depth += 1;
        } else if s.is_punct(k, ")") {
            depth -= 1;
        } else if depth == 0 && s.is_punct(k, ",") {
            return k;
        }
    }
    s.tokens.len()
}

/// A literal's value: hexadecimal (`X'44524F50'`, `0x4452…`) and bit (`b'0100…'`) literals are
/// decoded to the text they spell, as MySQL does when they are used as strings.
fn literal_value(t: &Token, src: &str) -> String {
    let text = t.text(src);
    let body = t.string_value(src);
    let decode = |digits: &str, radix: u32, width: usize| -> Option<String> {
        let digits: Vec<char> = digits.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() || !digits.len().is_multiple_of(width) {
            return None;
        }
        let bytes: Option<Vec<u8>> =
            digits.chunks(width).map(|c| u8::from_str_radix(&c.iter().collect::<String>(), radix).ok()).collect();
        bytes.and_then(|b| String::from_utf8(b).ok())
    };
    match text.as_bytes().first() {
        Some(b'x' | b'X') if text.get(1..2) == Some("'") => decode(&body, 16, 2).unwrap_or(body),
        Some(b'b' | b'B') if text.get(1..2) == Some("'") => decode(&body, 2, 8).unwrap_or(body),
        _ => body,
    }
}

/// The rebuilt text of a dynamic-SQL expression.
#[derive(Debug, Default)]
struct Dyn {
    text: String,
    /// Some part of it came from a literal.
    literal: bool,
    /// Some literal was transformed by a function we do not evaluate.
    opaque: bool,
}

impl Dyn {
    fn known(&self) -> Option<String> {
        (self.literal && !self.opaque).then(|| self.text.clone())
    }
}

/// Evaluates the string expression in tokens `from..to`.
fn eval(s: &Stmt<'_>, from: usize, to: usize, state: &SqlState<'_>) -> Dyn {
    eval_nested(s, from, to, state, 0)
}

/// Nesting of parentheses and calls evaluated in one expression; deeper is opaque.
const MAX_EXPRESSION_DEPTH: usize = 32;

fn eval_nested(s: &Stmt<'_>, from: usize, to: usize, state: &SqlState<'_>, depth: usize) -> Dyn {
    let mut out = Dyn::default();
    if depth > MAX_EXPRESSION_DEPTH {
        out.opaque = true;
        out.text.push_str(PLACEHOLDER);
        return out;
    }
    let mut i = from;
    while i < to {
        let t = &s.tokens[i];
        match t.kind {
            TokenKind::Str => {
                push_capped(&mut out, &literal_value(t, s.src));
                out.literal = true;
            }
            TokenKind::Number => {
                let n = t.text(s.src);
                match n.strip_prefix("0x").or_else(|| n.strip_prefix("0X")) {
                    Some(hex) if hex.len() % 2 == 0 => {
                        let bytes: Option<Vec<u8>> = (0..hex.len())
                            .step_by(2)
                            .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                            .collect();
                        match bytes.and_then(|b| String::from_utf8(b).ok()) {
                            Some(text) => {
                                push_capped(&mut out, &text);
                                out.literal = true;
                            }
                            None => push_capped(&mut out, n),
                        }
                    }
                    _ => push_capped(&mut out, n),
                }
            }
            TokenKind::Variable => push_var(&mut out, state, t.text(s.src)),
            TokenKind::Word if s.is_punct(i + 1, "(") => {
                let close = matching(s, i + 1, to);
                let args = split_args(s, i + 2, close);
                call(&mut out, s, t.text(s.src), &args, state, depth + 1);
                i = close;
            }
            TokenKind::Word | TokenKind::QuotedIdent => {
                let (name, next) = s.name_at(i);
                push_var(&mut out, state, &name);
                i = next;
                continue;
            }
            TokenKind::Punct if t.is_punct(s.src, "(") => {
                let close = matching(s, i, to);
                let inner = eval_nested(s, i + 1, close, state, depth + 1);
                merge(&mut out, inner);
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn push_var(out: &mut Dyn, state: &SqlState<'_>, name: &str) {
    match state.vars.get(&var_key(name)) {
        Some(Some(v)) => {
            push_capped(out, v);
            out.literal = true;
        }
        _ => out.text.push_str(PLACEHOLDER),
    }
}

fn merge(out: &mut Dyn, inner: Dyn) {
    push_capped(out, &inner.text);
    out.literal |= inner.literal;
    out.opaque |= inner.opaque;
}

/// Rebuilt SQL never grows past this: `SET @a = CONCAT(@a, @a, …)` repeated would double it each
/// time. Past it the text is opaque (`exec.dynamic`), never silently shortened.
const MAX_DYNAMIC_BYTES: usize = 64 * 1024;

fn push_capped(out: &mut Dyn, text: &str) {
    if out.text.len() + text.len() > MAX_DYNAMIC_BYTES {
        out.opaque = true;
        return;
    }
    out.text.push_str(text);
}

/// The index of the `)` matching the `(` at `open`, or `to`.
fn matching(s: &Stmt<'_>, open: usize, to: usize) -> usize {
    let mut depth = 0i32;
    for k in open..to {
        if s.is_punct(k, "(") {
            depth += 1;
        } else if s.is_punct(k, ")") {
            depth -= 1;
            if depth == 0 {
                return k;
            }
        }
    }
    to
}

fn split_args(s: &Stmt<'_>, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut start = from;
    for k in from..to {
        if s.is_punct(k, "(") {
            depth += 1;
        } else if s.is_punct(k, ")") {
            depth -= 1;
        } else if depth == 0 && s.is_punct(k, ",") {
            args.push((start, k));
            start = k + 1;
        }
    }
    if start < to {
        args.push((start, to));
    }
    args
}

fn call(out: &mut Dyn, s: &Stmt<'_>, name: &str, args: &[(usize, usize)], state: &SqlState<'_>, depth: usize) {
    let vals: Vec<Dyn> = args.iter().map(|&(a, b)| eval_nested(s, a, b, state, depth)).collect();
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "concat" => vals.into_iter().for_each(|v| merge(out, v)),
        "concat_ws" => {
            let mut it = vals.into_iter();
            let sep = it.next().unwrap_or_default();
            for (n, v) in it.enumerate() {
                if n > 0 {
                    push_capped(out, &sep.text);
                }
                merge(out, v);
            }
        }
        "format" => {
            let mut it = vals.into_iter();
            let fmt = it.next().unwrap_or_default();
            out.literal |= fmt.literal;
            out.opaque |= fmt.opaque;
            let mut chars = fmt.text.chars().peekable();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.text.push(c);
                    continue;
                }
                // %I, %L, %s, %1$s, %%
                let mut spec = String::new();
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n.is_ascii_alphabetic() || n == '%' {
                        spec.push(n);
                        break;
                    }
                }
                if spec == "%" {
                    out.text.push('%');
                } else {
                    match it.next() {
                        Some(v) => merge(out, v),
                        None => out.text.push_str(PLACEHOLDER),
                    }
                }
            }
        }
        "char" | "chr" | "nchar" => {
            for v in vals {
                match v.text.trim().parse::<u32>().ok().and_then(char::from_u32) {
                    Some(c) => {
                        out.text.push(c);
                        out.literal = true;
                    }
                    None => out.opaque = true,
                }
            }
        }
        "lower" | "upper" | "quote_ident" | "quote_literal" | "quote_nullable" | "trim" | "ltrim" | "rtrim" => {
            for v in vals {
                merge(out, v);
            }
        }
        "replace" if vals.len() == 3 && vals.iter().all(|v| v.literal && !v.opaque) && !vals[1].text.is_empty() => {
            let replaced = vals[0].text.replace(&vals[1].text, &vals[2].text);
            push_capped(out, &replaced);
            out.literal = true;
        }
        _ => {
            if vals.iter().any(|v| v.literal) {
                out.opaque = true;
            }
            out.text.push_str(PLACEHOLDER);
        }
    }
}

/// Analyses rebuilt dynamic SQL, or reports it as `exec.dynamic` when it cannot be rebuilt.
fn run(s: &Stmt<'_>, value: Dyn, state: &mut SqlState<'_>, facts: &mut Facts) {
    if !value.literal || value.opaque {
        facts.push(s.fact(
            Intent::ExecDynamic,
            Severity::Medium,
            DETECTOR.id,
            None,
            format!(
                "`{}` runs SQL built at run time that cannot be known here",
                super::drop_statement::short(s.text())
            ),
        ));
        if !value.literal {
            return;
        }
    }
    if state.depth_left == 0 {
        facts.push(unanalyzable(s.report, "dynamic SQL is nested deeper than the limit".to_owned()));
        return;
    }
    state.depth_left -= 1;
    // Snowflake and Oracle run anonymous blocks: EXECUTE IMMEDIATE $$ BEGIN … END; $$
    let head = value.text.trim_start().get(..7).unwrap_or("").to_ascii_uppercase();
    if head.starts_with("BEGIN") || head.starts_with("DECLARE") {
        procedural_body(&value.text, s, state, facts);
    } else {
        analyze(&value.text, s.dialect, Some(s.report), state, facts);
    }
    state.depth_left += 1;
}

/// Analyses a nested statement (the body of `PREPARE … AS`) within the depth budget.
fn nested(inner: &Stmt<'_>, state: &mut SqlState<'_>, facts: &mut Facts) {
    if inner.tokens.is_empty() {
        return;
    }
    if state.depth_left == 0 {
        facts.push(unanalyzable(inner.report, "SQL is nested deeper than the limit".to_owned()));
        return;
    }
    state.depth_left -= 1;
    analyze_statement(inner, state, facts);
    state.depth_left += 1;
}

/// `DO [LANGUAGE l] 'body' [LANGUAGE l]`.
fn do_block(s: &Stmt<'_>, state: &mut SqlState<'_>, facts: &mut Facts) -> bool {
    let Some(body) = s.tokens.iter().find(|t| t.kind == TokenKind::Str) else {
        return false;
    };
    let language =
        (0..s.tokens.len()).find(|&i| s.is_kw(i, "LANGUAGE")).and_then(|i| s.word(i + 1)).unwrap_or("plpgsql");
    if !language.eq_ignore_ascii_case("plpgsql") && !language.eq_ignore_ascii_case("sql") {
        // Untrusted languages (plpython3u, plperlu, pltclu, plsh) reach the operating system.
        let untrusted = language.to_ascii_lowercase().ends_with('u') || language.eq_ignore_ascii_case("plsh");
        let (intent, severity) = if untrusted {
            (Intent::ExecRemoteCode, Severity::Critical)
        } else {
            (Intent::ExecDynamic, Severity::High)
        };
        facts.push(s.fact(
            intent,
            severity,
            DETECTOR.id,
            None,
            format!("DO runs a {language} program inside the database server"),
        ));
        return true;
    }
    let text = body.string_value(s.src);
    if state.depth_left == 0 {
        facts.push(unanalyzable(s.report, "the DO block is nested deeper than the limit".to_owned()));
        return true;
    }
    state.depth_left -= 1;
    procedural_body(&text, s, state, facts);
    state.depth_left += 1;
    true
}

/// Words that end one procedural statement and may start the next.
const BLOCK_WORDS: &[&str] = &["BEGIN", "LOOP", "THEN", "ELSE", "ELSIF", "DECLARE", "EXCEPTION", "END"];

/// Words that start a SQL statement inside procedural code.
pub(crate) const STATEMENT_WORDS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "TRUNCATE", "ALTER", "CREATE", "GRANT", "REVOKE", "COPY",
    "EXECUTE", "EXEC", "PERFORM", "MERGE", "WITH", "CALL", "SET", "PREPARE", "SHUTDOWN", "KILL", "DO",
];

/// Analyses a PL/pgSQL body: each statement between `;` and block keywords, with `v := expr`
/// assignments recorded for later `EXECUTE v`.
fn procedural_body(body: &str, outer: &Stmt<'_>, state: &mut SqlState<'_>, facts: &mut Facts) {
    let tokens: Vec<Token> = lexer::tokenize(body, Syntax::of(outer.dialect));
    let mut start = 0;
    for k in 0..=tokens.len() {
        let boundary = k == tokens.len()
            || tokens[k].is_punct(body, ";")
            || (tokens[k].kind == TokenKind::Word && BLOCK_WORDS.iter().any(|w| tokens[k].is_word(body, w)));
        if !boundary {
            continue;
        }
        let segment = &tokens[start..k];
        start = k + 1;
        if segment.is_empty() {
            continue;
        }
        let seg = Stmt { src: body, tokens: segment, report: outer.report, dialect: outer.dialect };
        if segment.len() >= 2 && segment[0].kind == TokenKind::Word && (seg.is_punct(1, ":=") || seg.is_punct(1, "=")) {
            let value = eval(&seg, 2, segment.len(), state);
            state.vars.insert(var_key(segment[0].text(body)), value.known());
            continue;
        }
        match (0..segment.len()).find(|&i| STATEMENT_WORDS.iter().any(|w| seg.is_kw(i, w))) {
            Some(i) => analyze_statement(&Stmt { tokens: &segment[i..], ..seg }, state, facts),
            None => {
                if segment.iter().any(|t| t.kind == TokenKind::Word && super::is_trigger(t.text(body))) {
                    facts.push(unanalyzable(
                        outer.report,
                        format!(
                            "the procedural statement `{}` was not understood",
                            super::drop_statement::short(seg.text())
                        ),
                    ));
                }
            }
        }
    }
}
