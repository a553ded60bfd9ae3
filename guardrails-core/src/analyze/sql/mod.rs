//! The SQL analyzer: turns SQL text into [`Fact`](crate::fact::Fact)s.
//!
//! Flow, per statement of a batch:
//! 1. The [lexer](lexer) splits the batch into statements and hides strings and comments, so that
//!    words are never mistaken for actions (`SELECT 'drop table'`).
//! 2. A statement with no trigger word (a word some detector reacts to) yields nothing.
//! 3. Token detectors classify what a statement's keywords say it does (`DROP SCHEMA`, `GRANT`,
//!    `pg_read_file(…)`), including statements sqlparser cannot parse (`DO`, `ALTER SYSTEM`,
//!    `INTO OUTFILE`). Dynamic SQL (`EXECUTE '…'`, `PREPARE … FROM @q`, `DO $$ … $$`) is rebuilt
//!    from its literals and analysed recursively, within the depth budget.
//! 4. Statements whose danger depends on structure (`DELETE`/`UPDATE` and their `WHERE`, `MERGE`,
//!    `COPY`, data-modifying CTEs, `EXPLAIN ANALYZE`) are parsed by sqlparser in the action's dialect
//!    and checked on the AST.
//! 5. What neither the token detectors nor the parser understand becomes `unanalyzable`.

pub(crate) mod detectors;
pub(crate) mod dialect;
pub(crate) mod lexer;

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlparser::parser::Parser;

use crate::action::Dialect;
use crate::analyze::Detector;
use crate::fact::{Fact, Facts, Severity, Span, Target};
use crate::intent::Intent;
use crate::limits::Limits;

use self::dialect::{parser_dialect, Syntax};
use self::lexer::{Token, TokenKind};

/// Text that dynamic SQL contains where its value is not known (`quote_ident(r.name)`).
pub(crate) const PLACEHOLDER: &str = "guardrails_dynamic";

/// Per-action state: variables and prepared statements seen so far, and the nesting budget.
#[derive(Debug)]
pub(crate) struct SqlState<'l> {
    pub(crate) vars: HashMap<String, Option<String>>,
    pub(crate) prepared: HashMap<String, String>,
    pub(crate) depth_left: usize,
    pub(crate) statements_left: usize,
    pub(crate) limits: &'l Limits,
    /// Policy globs of tables whose reads are sensitive.
    pub(crate) sensitive_tables: &'l [crate::glob::Glob],
}

impl<'l> SqlState<'l> {
    pub(crate) fn new(limits: &'l Limits, sensitive_tables: &'l [crate::glob::Glob]) -> SqlState<'l> {
        SqlState {
            vars: HashMap::new(),
            prepared: HashMap::new(),
            depth_left: limits.max_depth,
            statements_left: limits.max_statements,
            limits,
            sensitive_tables,
        }
    }
}

/// Analyses `text` as SQL of `dialect`. When `report` is given (dynamic SQL rebuilt from an outer
/// statement), every fact points at that outer span instead of into `text`.
pub(crate) fn analyze(text: &str, dialect: Dialect, report: Option<Span>, state: &mut SqlState<'_>, facts: &mut Facts) {
    let whole = report.unwrap_or(Span::new(0, text.len()));
    if text.len() > state.limits.max_input_bytes {
        facts.push(unanalyzable(
            whole,
            format!("the SQL is {} bytes, over the {}-byte limit", text.len(), state.limits.max_input_bytes),
        ));
        return;
    }
    let syntax = Syntax::of(dialect);
    let tokens = lexer::tokenize(text, syntax);
    let first_fact = facts.items.len();
    let mut temporary: Vec<String> = Vec::new();
    for range in lexer::statements(text, &tokens, syntax) {
        let toks = &tokens[range];
        let (Some(first), Some(last)) = (toks.first(), toks.last()) else { continue };
        let span = report.unwrap_or(Span::new(first.span.start, last.span.end));
        let stmt = Stmt { src: text, tokens: toks, report: span, dialect };
        if let Some(name) = created_temporary_table(&stmt) {
            temporary.push(name.to_ascii_lowercase());
        }
        analyze_statement(&stmt, state, facts);
    }
    // A temporary table created in this batch holds nothing that outlives the session.
    if !temporary.is_empty() {
        facts.retain_from(first_fact, |f| {
            !f.target.as_ref().is_some_and(|t| {
                matches!(t.kind, "table" | "partition") && temporary.contains(&t.name.to_ascii_lowercase())
            })
        });
    }
}

/// `CREATE [GLOBAL|LOCAL] TEMP|TEMPORARY TABLE [IF NOT EXISTS] name`: the name.
fn created_temporary_table(stmt: &Stmt<'_>) -> Option<String> {
    if !stmt.is_kw(0, "CREATE") {
        return None;
    }
    let mut i = 1;
    if stmt.is_kw(i, "GLOBAL") || stmt.is_kw(i, "LOCAL") {
        i += 1;
    }
    if !(stmt.is_kw(i, "TEMP") || stmt.is_kw(i, "TEMPORARY")) || !stmt.is_kw(i + 1, "TABLE") {
        return None;
    }
    i += 2;
    if stmt.seq(i, &["IF", "NOT", "EXISTS"]) {
        i += 3;
    }
    Some(stmt.name_at(i).0).filter(|n| !n.is_empty())
}

/// One statement, as tokens over the analysed text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stmt<'a> {
    pub(crate) src: &'a str,
    pub(crate) tokens: &'a [Token],
    /// Where facts about this statement point.
    pub(crate) report: Span,
    pub(crate) dialect: Dialect,
}

impl<'a> Stmt<'a> {
    pub(crate) fn text(&self) -> &'a str {
        match (self.tokens.first(), self.tokens.last()) {
            (Some(f), Some(l)) => self.src.get(f.span.start..l.span.end).unwrap_or(""),
            _ => "",
        }
    }

    pub(crate) fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.is_word(self.src, kw))
    }

    pub(crate) fn is_punct(&self, i: usize, p: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.is_punct(self.src, p))
    }

    /// Whether the keywords `kws` appear in order starting at token `i`.
    pub(crate) fn seq(&self, i: usize, kws: &[&str]) -> bool {
        kws.iter().enumerate().all(|(k, kw)| self.is_kw(i + k, kw))
    }

    /// The index of the first keyword `kw` at or after `from`.
    pub(crate) fn find_kw(&self, from: usize, kw: &str) -> Option<usize> {
        (from..self.tokens.len()).find(|&i| self.is_kw(i, kw))
    }

    pub(crate) fn any_kw(&self, kw: &str) -> bool {
        self.find_kw(0, kw).is_some()
    }

    /// The word at `i`, if token `i` is a word.
    pub(crate) fn word(&self, i: usize) -> Option<&'a str> {
        self.tokens.get(i).filter(|t| t.kind == TokenKind::Word).map(|t| t.text(self.src))
    }

    /// A possibly qualified object name starting at `i` (`a.b."C"`), unquoted, and the index after it.
    pub(crate) fn name_at(&self, mut i: usize) -> (String, usize) {
        let mut name = String::new();
        loop {
            match self.tokens.get(i) {
                Some(t) if t.kind == TokenKind::Word => name.push_str(t.text(self.src)),
                Some(t) if t.kind == TokenKind::QuotedIdent => {
                    name.push_str(self.src.get(t.inner.range()).unwrap_or(""))
                }
                Some(t) if t.kind == TokenKind::Str => name.push_str(&t.string_value(self.src)),
                _ => break,
            }
            i += 1;
            if self.is_punct(i, ".") {
                name.push('.');
                i += 1;
            } else {
                break;
            }
        }
        (name, i)
    }

    /// A fact about this statement.
    pub(crate) fn fact(
        &self,
        intent: Intent,
        severity: Severity,
        detector: &'static str,
        target: Option<Target>,
        message: String,
    ) -> Fact {
        Fact { intent, severity, span: self.report, detector, target, message, location: None }
    }

    /// Which detectors have a trigger word among the statement's words (outside strings and
    /// comments): bit `k` for `detectors::ALL[k]`. A psql meta-command sets every bit.
    fn trigger_mask(&self) -> u32 {
        let mut mask = 0;
        for t in self.tokens {
            let word = match t.kind {
                TokenKind::Word | TokenKind::QuotedIdent => t.ident(self.src),
                // `@@global.x`, `@@GLOBAL.x`
                TokenKind::Variable => Some(t.text(self.src).trim_start_matches('@')),
                TokenKind::Meta => return u32::MAX,
                _ => None,
            };
            if let Some(w) = word {
                mask |= detectors::trigger_mask(w);
            }
        }
        mask
    }
}

pub(crate) fn unanalyzable(span: Span, why: String) -> Fact {
    Fact::unanalyzable(span, "sql/unanalyzable", format!("the SQL could not be analysed: {why}"))
}

pub(crate) fn analyze_statement(stmt: &Stmt<'_>, state: &mut SqlState<'_>, facts: &mut Facts) {
    // Snowflake and MariaDB blocks: `BEGIN [NOT ATOMIC] DROP DATABASE x; END;` runs the statement.
    if stmt.is_kw(0, "BEGIN") {
        let skip = if stmt.seq(1, &["NOT", "ATOMIC"]) { 3 } else { 1 };
        let next = stmt.word(skip).unwrap_or("");
        if detectors::dynamic_sql::STATEMENT_WORDS.iter().any(|w| w.eq_ignore_ascii_case(next)) {
            return analyze_statement(&Stmt { tokens: &stmt.tokens[skip..], ..*stmt }, state, facts);
        }
    }
    // Variables are recorded even when the statement itself is harmless: a later
    // `PREPARE p FROM @q` runs what `SET @q := …` built.
    let dynamic = detectors::dynamic_sql::check(stmt, state, facts);
    detectors::sensitive_table_access::check(stmt, state, facts);
    let mask = stmt.trigger_mask();
    if dynamic || mask == 0 {
        return;
    }
    // Only statements that need analysis spend from the budget, so the fast path (which skips
    // text without trigger words) and full analysis always agree.
    if state.statements_left == 0 {
        facts.push(unanalyzable(stmt.report, "the batch has more statements to analyse than the limit".to_owned()));
        return;
    }
    state.statements_left -= 1;
    let before = facts.items.len();
    // Only the detectors whose trigger words the statement contains can fire.
    for (detector, check) in TOKEN_DETECTORS {
        if mask & detectors::bit(detector) != 0 {
            check(stmt, facts);
        }
    }

    let structural = detectors::needs_parse(stmt);
    if !structural && facts.items.len() > before {
        return;
    }
    if !structural && !detectors::has_unexplained_action(stmt) {
        return;
    }
    // A plain DELETE/UPDATE is judged from its tokens and its WHERE expression alone, without
    // parsing the whole statement; joins, LIMIT, MERGE and EXPLAIN need the AST.
    // (`UPDATE … FROM other`: whether the WHERE ties the target's rows to the others.)
    let needs_ast = ["MERGE", "LIMIT", "USING", "JOIN", "EXPLAIN", "TOP"].iter().any(|k| stmt.any_kw(k))
        || (stmt.any_kw("UPDATE") && stmt.any_kw("FROM"));
    if structural && !needs_ast && detectors::unbounded_write::check_tokens(stmt, state, facts) {
        return;
    }
    match parse(stmt, state) {
        Ok(statements) => {
            for s in &statements {
                check_ast(stmt, s, facts);
            }
        }
        Err(why) => {
            let judged = structural && detectors::unbounded_write::check_tokens(stmt, state, facts);
            if !judged && facts.items.len() == before && detectors::has_unexplained_action(stmt) {
                facts.push(unanalyzable(stmt.report, why));
            }
        }
    }
}

/// A detector that judges a statement from its tokens.
type TokenCheck = fn(&Stmt<'_>, &mut Facts);

/// The token detectors, in the order they run.
const TOKEN_DETECTORS: &[(&Detector, TokenCheck)] = &[
    (&detectors::drop_statement::DETECTOR, detectors::drop_statement::check),
    (&detectors::truncate_statement::DETECTOR, detectors::truncate_statement::check),
    (&detectors::destructive_alter::DETECTOR, detectors::destructive_alter::check),
    (&detectors::privilege_change::DETECTOR, detectors::privilege_change::check),
    (&detectors::system_change::DETECTOR, detectors::system_change::check),
    (&detectors::data_export::DETECTOR, detectors::data_export::check_tokens),
    (&detectors::table_overwrite::DETECTOR, detectors::table_overwrite::check),
    (&detectors::dangerous_function::DETECTOR, detectors::dangerous_function::check),
    (&detectors::credential_catalog_read::DETECTOR, detectors::credential_catalog_read::check),
    (&detectors::code_loading::DETECTOR, detectors::code_loading::check),
    (&detectors::catalog_write::DETECTOR, detectors::catalog_write::check),
];

/// Statements longer than this, or with more boolean and comparison operators, are not handed to
/// sqlparser: it builds operator chains (`a OR b OR …`) as trees as deep as they are long, which
/// are walked and dropped recursively and would overflow the stack.
const MAX_PARSE_TOKENS: usize = 5_000;
const MAX_PARSE_OPERATORS: usize = 256;

/// Whether `tokens` are small enough to parse safely.
pub(crate) fn parseable(src: &str, tokens: &[Token]) -> Result<(), String> {
    if tokens.len() > MAX_PARSE_TOKENS {
        return Err(format!(
            "the statement has {} tokens, over the {MAX_PARSE_TOKENS} the parser is given",
            tokens.len()
        ));
    }
    let operators = tokens
        .iter()
        .filter(|t| match t.kind {
            TokenKind::Word => ["AND", "OR", "NOT", "XOR"].iter().any(|k| t.is_word(src, k)),
            TokenKind::Punct => {
                ["=", "<>", "!=", "<", ">", "<=", ">=", "||", "+", "-", "*", "/", "%", "&&"].contains(&t.text(src))
            }
            _ => false,
        })
        .count();
    if operators > MAX_PARSE_OPERATORS {
        return Err(format!(
            "the statement chains {operators} operators, over the {MAX_PARSE_OPERATORS} the parser is given"
        ));
    }
    Ok(())
}

/// Whether all of `text` parses as SQL statements in `dialect`, within the same size bounds as
/// any statement the analyzer parses. For telling a statement from prose that starts like one
/// (`drop table syntax in postgres`).
pub(crate) fn parses_whole(text: &str, dialect: Dialect, limits: &Limits) -> bool {
    let tokens = lexer::tokenize(text, Syntax::of(dialect));
    parseable(text, &tokens).is_ok()
        && Parser::new(parser_dialect(dialect))
            .with_recursion_limit(limits.max_depth.saturating_mul(4).max(8))
            .try_with_sql(text)
            .and_then(|mut p| p.parse_statements())
            .is_ok_and(|statements| !statements.is_empty())
}

fn parse(stmt: &Stmt<'_>, state: &SqlState<'_>) -> Result<Vec<Statement>, String> {
    parseable(stmt.src, stmt.tokens)?;
    let dialect = parser_dialect(stmt.dialect);
    let text = mysql_pipes_as_or(stmt);
    Parser::new(dialect)
        .with_recursion_limit(state.limits.max_depth.saturating_mul(4).max(8))
        .try_with_sql(&text)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| format!("{} could not parse it ({e})", stmt.dialect))
}

/// MySQL reads `||` as OR (unless PIPES_AS_CONCAT is set), with OR's precedence; sqlparser reads
/// it as concatenation. The statement's text with each `||` spelled `OR`.
pub(crate) fn mysql_pipes_as_or(stmt: &Stmt<'_>) -> String {
    let text = stmt.text();
    let pipes: Vec<&Token> = stmt.tokens.iter().filter(|t| t.is_punct(stmt.src, "||")).collect();
    if stmt.dialect != Dialect::Mysql || pipes.is_empty() {
        return text.to_owned();
    }
    let base = stmt.tokens.first().map_or(0, |t| t.span.start);
    let mut out = String::with_capacity(text.len() + pipes.len() * 2);
    let mut last = 0;
    for p in pipes {
        out.push_str(text.get(last..p.span.start - base).unwrap_or(""));
        out.push_str(" OR ");
        last = p.span.end - base;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}

/// Runs the AST detectors on `statement` and every statement nested in it, except inside a plain
/// `EXPLAIN`, which only plans.
fn check_ast(stmt: &Stmt<'_>, statement: &Statement, facts: &mut Facts) {
    if let Statement::Explain { analyze: false, options, .. } = statement {
        // `EXPLAIN (ANALYZE [true|on|1]) …` runs the statement too.
        let runs = options.iter().flatten().any(|o| {
            o.name.value.eq_ignore_ascii_case("ANALYZE")
                && o.arg
                    .as_ref()
                    .is_none_or(|a| !["false", "off", "0"].iter().any(|f| a.to_string().eq_ignore_ascii_case(f)))
        });
        if !runs {
            return;
        }
    }
    // Common table expressions stand for the tables they select from.
    let ctes: &[sqlparser::ast::Cte] = match statement {
        Statement::Query(q) => q.with.as_ref().map_or(&[], |w| w.cte_tables.as_slice()),
        _ => &[],
    };
    let _ = sqlparser::ast::visit_statements(statement, |s| {
        detectors::unbounded_write::check_ast(stmt, s, ctes, facts);
        std::ops::ControlFlow::<()>::Continue(())
    });
}
