//! `sql/unbounded_write`
//!
//! ## What it catches
//! `DELETE` and `UPDATE` with no `WHERE`, or with a `WHERE` that is always true: `1=1`, `TRUE`,
//! `'a'='a'`, `x = x`, `… OR 1=1`, `NOT FALSE`, `key IS NOT NULL`, `key > 0`, `c LIKE '%'`,
//! `key IN (SELECT key FROM <same table>)`; also inside data-modifying CTEs and `EXPLAIN ANALYZE`
//! (which runs its statement), `MERGE … ON <always true> WHEN MATCHED THEN DELETE | UPDATE`, and
//! ClickHouse mutations (`ALTER TABLE t DELETE WHERE 1`, `ALTER TABLE t UPDATE x = 0 WHERE 1`).
//!
//! ## Why it matters
//! Every row of the table is deleted or overwritten. A tautology is the classic way to slip a
//! bulk write past a check that only asks "is there a WHERE?".
//!
//! ## Blocks
//! ```sql
//! DELETE FROM enrollments;
//! UPDATE bookings SET status = 'void' WHERE id = 7 OR 1=1;
//! WITH gone AS (DELETE FROM loans RETURNING *) SELECT count(*) FROM gone;
//! ```
//!
//! ## Passes
//! ```sql
//! DELETE FROM holds WHERE id = 5531;
//! UPDATE members SET email = lower(email) WHERE id = 4471 AND 1 = 1;
//! DELETE FROM api_request_log WHERE created_at < now() - interval '14 days';
//! EXPLAIN DELETE FROM t;
//! ```
//!
//! ## Known gaps
//! Conditions that match every row only because of the data (`WHERE amount >= 0`,
//! `created_at > '1900-01-01'`) are not recognised; keys are recognised by name only.
//!
//! ## Intents
//! `data.bulk_delete`, `data.bulk_update`

use sqlparser::ast::{
    visit_expressions, AssignmentTarget, BinaryOperator, Cte, Expr, FromTable, InTarget, Join, JoinConstraint,
    JoinOperator, MergeAction, MergeClauseKind, ObjectName, Query, SetExpr, Statement, TableFactor, TableWithJoins,
    UnaryOperator, UpdateTableFromKind, Value,
};
use sqlparser::parser::Parser;

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::dialect::parser_dialect;
use super::super::lexer::TokenKind;
use super::super::{SqlState, Stmt};
use super::starts_statement;

pub(crate) const DETECTOR: Detector = Detector {
    id: "sql/unbounded_write",
    intents: &[Intent::DataBulkDelete, Intent::DataBulkUpdate],
    triggers: &["delete", "update", "merge"],
};

/// A `LIMIT` this small bounds a write to a handful of rows.
const MAX_BOUNDED_LIMIT: f64 = 1000.0;

/// Most `DELETE`/`UPDATE`s judged in one unparseable statement before it is `unanalyzable`.
const MAX_FALLBACK_WRITES: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Delete,
    Update,
}

impl Write {
    fn intent(self) -> Intent {
        match self {
            Write::Delete => Intent::DataBulkDelete,
            Write::Update => Intent::DataBulkUpdate,
        }
    }
    fn verb(self) -> &'static str {
        match self {
            Write::Delete => "DELETE",
            Write::Update => "UPDATE",
        }
    }
    fn effect(self) -> &'static str {
        match self {
            Write::Delete => "deletes",
            Write::Update => "updates",
        }
    }
}

/// Checks one (possibly nested) parsed statement.
pub(crate) fn check_ast(stmt: &Stmt<'_>, statement: &Statement, ctes: &[Cte], facts: &mut Facts) {
    // MySQL `DELETE … LIMIT n`: at most n rows, however wide the condition.
    let small_limit = |limit: &Option<Expr>| {
        limit.as_ref().and_then(constant).is_some_and(|c| matches!(c, Const::Num(n) if n <= MAX_BOUNDED_LIMIT))
    };
    let (write, table, joined, selection) = match statement {
        Statement::Delete(d) if small_limit(&d.limit) => return,
        Statement::Update(u) if small_limit(&u.limit) => return,
        Statement::Delete(d) => {
            let from = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let table =
                d.tables.first().map(object_name).or_else(|| from.first().map(relation_name)).unwrap_or_default();
            // Only a join with a real condition bounds the rows: `USING other` or a second table in
            // FROM without a WHERE is a cross join, every row of the target.
            let joined = from.iter().flat_map(|t| t.joins.iter()).any(|j| bounds(j, &Scope { table: &table, ctes }));
            (Write::Delete, table, joined, d.selection.as_ref())
        }
        Statement::Update(u) => {
            let table = relation_name(&u.table);
            let joined = u.table.joins.iter().any(|j| bounds(j, &Scope { table: &table, ctes })) || u.from.is_some();
            let set: Vec<String> = u
                .assignments
                .iter()
                .filter_map(|a| match &a.target {
                    AssignmentTarget::ColumnName(n) => n.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone()),
                    AssignmentTarget::Tuple(_) => None,
                })
                .collect();
            if let Some(from) = &u.from {
                let (UpdateTableFromKind::BeforeSet(others) | UpdateTableFromKind::AfterSet(others)) = from;
                if !tied_to_target(&u.table, others, u.selection.as_ref(), &Scope { table: &table, ctes }) {
                    let why = format!(
                        "UPDATE … FROM: no condition ties the rows of `{table}` to the other tables, so every row of `{table}` is updated"
                    );
                    report_update(stmt, table, why, facts);
                    return;
                }
            }
            if let Some(guard) = u.selection.as_ref().filter(|e| !joined && only_skips_done_rows(e, &set)) {
                let why = format!(
                    "the WHERE clause `{guard}` only skips rows the update already changed, so UPDATE rewrites every other row of `{table}`"
                );
                report_update(stmt, table, why, facts);
                return;
            }
            (Write::Update, table, joined, u.selection.as_ref())
        }
        Statement::Merge(m) => {
            // MERGE … ON <always true> WHEN MATCHED THEN DELETE | UPDATE touches every row.
            if truth(&m.on, &Scope { table: "", ctes }) != Truth::True {
                return;
            }
            let table = match &m.table {
                TableFactor::Table { name, .. } => object_name(name),
                other => other.to_string(),
            };
            for clause in &m.clauses {
                let write = match clause.action {
                    MergeAction::Delete { .. } => Write::Delete,
                    MergeAction::Update(_) => Write::Update,
                    _ => continue,
                };
                if clause.clause_kind == MergeClauseKind::Matched && clause.predicate.is_none() {
                    report(stmt, write, table.clone(), Some(m.on.to_string()), facts);
                }
            }
            return;
        }
        _ => return,
    };
    match selection {
        None if !joined => report(stmt, write, table, None, facts),
        Some(expr) if truth(expr, &Scope { table: &table, ctes }) == Truth::True => {
            report(stmt, write, table, Some(expr.to_string()), facts)
        }
        _ => {}
    }
}

/// Fallback for statements sqlparser rejects: finds `DELETE`/`UPDATE` in statement position and
/// judges the `WHERE` of each by parsing just its expression. Returns whether every one was
/// judged.
pub(crate) fn check_tokens(stmt: &Stmt<'_>, state: &SqlState<'_>, facts: &mut Facts) -> bool {
    let mut judged_all = true;
    let mut heads = 0;
    for i in 0..stmt.tokens.len() {
        let write = if stmt.is_kw(i, "DELETE") {
            Write::Delete
        } else if stmt.is_kw(i, "UPDATE") {
            Write::Update
        } else {
            continue;
        };
        if !starts_statement(stmt, i) {
            continue;
        }
        // Each head scans to the end of its statement: bound the work on hostile input.
        heads += 1;
        if heads > MAX_FALLBACK_WRITES {
            return false;
        }
        // The statement runs to the `)` that closes its CTE, or to the end.
        let mut depth = 0i32;
        let mut end = stmt.tokens.len();
        let mut where_at = None;
        for j in i + 1..stmt.tokens.len() {
            if stmt.is_punct(j, "(") {
                depth += 1;
            } else if stmt.is_punct(j, ")") {
                depth -= 1;
                if depth < 0 {
                    end = j;
                    break;
                }
            } else if depth == 0 && stmt.is_kw(j, "WHERE") && where_at.is_none() {
                where_at = Some(j);
            }
        }
        let table = if super::mutation_at(stmt) == Some(i) {
            stmt.name_at(2).0
        } else {
            let t = if stmt.is_kw(i + 1, "FROM") { i + 2 } else { i + 1 };
            stmt.name_at(t).0
        };
        let Some(w) = where_at else {
            report(stmt, write, table, None, facts);
            continue;
        };
        let clause_end = (w + 1..end)
            .find(|&j| {
                ["RETURNING", "ORDER", "LIMIT", "OUTPUT"].iter().any(|k| stmt.is_kw(j, k))
                    && stmt.tokens[j].kind == TokenKind::Word
            })
            .unwrap_or(end);
        let (Some(first), Some(last)) = (stmt.tokens.get(w + 1), stmt.tokens.get(clause_end.wrapping_sub(1))) else {
            judged_all = false;
            continue;
        };
        if stmt.src.get(first.span.start..last.span.end).is_none() {
            judged_all = false;
            continue;
        }
        let text = super::super::mysql_pipes_as_or(&Stmt { tokens: &stmt.tokens[w + 1..clause_end], ..*stmt });
        if super::super::parseable(stmt.src, &stmt.tokens[w + 1..clause_end]).is_err() {
            judged_all = false;
            continue;
        }
        // The whole clause must be one expression: a partial parse judges only its start.
        let parsed = Parser::new(parser_dialect(stmt.dialect))
            .with_recursion_limit(state.limits.max_depth.saturating_mul(4).max(8))
            .try_with_sql(&text)
            .and_then(|mut p| {
                let expr = p.parse_expr()?;
                match p.peek_token().token {
                    sqlparser::tokenizer::Token::EOF => Ok(expr),
                    other => Err(sqlparser::parser::ParserError::ParserError(format!("unexpected {other}"))),
                }
            });
        match parsed {
            Ok(expr) if truth(&expr, &Scope { table: &table, ctes: &[] }) == Truth::True => {
                report(stmt, write, table, Some(expr.to_string()), facts)
            }
            Ok(expr) if write == Write::Update && only_skips_done_rows(&expr, &assigned_columns(stmt, i, w)) => {
                let why = format!(
                    "the WHERE clause `{expr}` only skips rows the update already changed, so UPDATE rewrites every other row of `{table}`"
                );
                report_update(stmt, table, why, facts)
            }
            Ok(_) => {}
            Err(_) => judged_all = false,
        }
    }
    judged_all
}

/// The columns an `UPDATE` at token `head` sets, before its `WHERE` at `where_at`: each word
/// followed by `=` right after `SET` or a top-level `,`.
fn assigned_columns(stmt: &Stmt<'_>, head: usize, where_at: usize) -> Vec<String> {
    let Some(set_at) = (head..where_at).find(|&j| stmt.is_kw(j, "SET")) else { return Vec::new() };
    let mut depth = 0i32;
    let mut out = Vec::new();
    for j in set_at + 1..where_at {
        if stmt.is_punct(j, "(") {
            depth += 1;
        } else if stmt.is_punct(j, ")") {
            depth -= 1;
        } else if depth == 0 && (j == set_at + 1 || stmt.is_punct(j - 1, ",")) {
            // `SET t.col = …`: the last part of the name.
            let (name, next) = stmt.name_at(j);
            if stmt.is_punct(next, "=") {
                out.push(name.rsplit('.').next().unwrap_or(&name).trim_matches(['"', '`', '[', ']']).to_owned());
            }
        }
    }
    out
}

/// An UPDATE that reaches every row of `table`, for the reason given.
fn report_update(stmt: &Stmt<'_>, table: String, why: String, facts: &mut Facts) {
    facts.push(stmt.fact(
        Intent::DataBulkUpdate,
        Severity::High,
        DETECTOR.id,
        Some(Target { kind: "table", name: table }),
        why,
    ));
}

fn report(stmt: &Stmt<'_>, write: Write, table: String, tautology: Option<String>, facts: &mut Facts) {
    let message = match &tautology {
        None => format!("{} without a WHERE clause {} every row of `{table}`", write.verb(), write.effect()),
        Some(expr) => format!(
            "the WHERE clause `{expr}` is always true, so {} {} every row of `{table}`",
            write.verb(),
            write.effect()
        ),
    };
    facts.push(stmt.fact(
        write.intent(),
        Severity::High,
        DETECTOR.id,
        Some(Target { kind: "table", name: table }),
        message,
    ));
}

/// `UPDATE t SET … FROM others WHERE …`: whether the WHERE, or a join condition among `others`,
/// says anything about the rows of `t` (a column qualified by its name or alias, or an
/// unqualified column, which may be its). Conditions only on the other tables pair every row of
/// `t` with the rows they pick.
fn tied_to_target(
    table: &TableWithJoins,
    others: &[TableWithJoins],
    selection: Option<&Expr>,
    scope: &Scope<'_>,
) -> bool {
    let mut names: Vec<String> = Vec::new();
    if let TableFactor::Table { name, alias, .. } = &table.relation {
        names.extend(name.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone()));
        names.extend(alias.as_ref().map(|a| a.name.value.clone()));
    }
    let mentions = |e: &Expr| {
        let mut found = false;
        let _ = visit_expressions(e, |x| {
            match x {
                Expr::Identifier(_) => found = true,
                Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                    let qualifier = &parts[parts.len() - 2].value;
                    found |= names.iter().any(|n| n.eq_ignore_ascii_case(qualifier));
                }
                _ => {}
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
        found
    };
    let join_ties = others.iter().flat_map(|t| t.joins.iter()).any(|j| match &j.join_operator {
        JoinOperator::Join(JoinConstraint::On(on))
        | JoinOperator::Inner(JoinConstraint::On(on))
        | JoinOperator::Left(JoinConstraint::On(on))
        | JoinOperator::LeftOuter(JoinConstraint::On(on))
        | JoinOperator::Right(JoinConstraint::On(on))
        | JoinOperator::RightOuter(JoinConstraint::On(on)) => truth(on, scope) != Truth::True && mentions(on),
        // `USING (col)`, `NATURAL`: the columns pair the rows.
        _ => bounds(j, scope),
    });
    join_ties || selection.is_some_and(|w| truth(w, scope) != Truth::True && mentions(w))
}

/// Whether a join restricts the rows it pairs: an `ON` that is not always true, or `USING (cols)`.
fn bounds(join: &Join, target: &Scope<'_>) -> bool {
    let constraint = match &join.join_operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::StraightJoin(c) => c,
        _ => return false,
    };
    match constraint {
        JoinConstraint::On(expr) => truth(expr, target) != Truth::True,
        JoinConstraint::Using(_) | JoinConstraint::UsingAlias(..) | JoinConstraint::Natural => true,
        JoinConstraint::None => false,
    }
}

fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|p| p.as_ident().map(|i| i.value.clone()).unwrap_or_else(|| p.to_string()))
        .collect::<Vec<_>>()
        .join(".")
}

fn relation_name(t: &TableWithJoins) -> String {
    match &t.relation {
        TableFactor::Table { name, .. } => object_name(name),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// Whether `e` holds for every row (as far as the text alone can tell).
fn truth(e: &Expr, target: &Scope<'_>) -> Truth {
    match e {
        Expr::Nested(inner) => truth(inner, target),
        Expr::Value(v) => match &v.value {
            Value::Boolean(b) => bool_truth(*b),
            Value::Number(n, _) => match n.parse::<f64>() {
                Ok(x) => bool_truth(x != 0.0),
                Err(_) => Truth::Unknown,
            },
            _ => Truth::Unknown,
        },
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => truth(expr, target).not(),
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::And => match (truth(left, target), truth(right, target)) {
                (Truth::True, Truth::True) => Truth::True,
                (Truth::False, _) | (_, Truth::False) => Truth::False,
                _ => Truth::Unknown,
            },
            // MySQL reads `||` as OR; a constant concatenation is never a row filter anyway.
            BinaryOperator::Or | BinaryOperator::StringConcat => match (truth(left, target), truth(right, target)) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, Truth::False) => Truth::False,
                _ if *op == BinaryOperator::Or && covers_every_row(e) => Truth::True,
                _ => Truth::Unknown,
            },
            BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
            | BinaryOperator::Spaceship => compare(left, op, right),
            // PostgreSQL `a OPERATOR(pg_catalog.=) b`
            BinaryOperator::PGCustomBinaryOperator(parts) if parts.last().is_some_and(|p| p == "=") => {
                compare(left, &BinaryOperator::Eq, right)
            }
            _ => Truth::Unknown,
        },
        Expr::IsNotNull(inner) => {
            if is_key_column(inner) || constant(inner).is_some() {
                Truth::True
            } else {
                Truth::Unknown
            }
        }
        Expr::IsNull(inner) if constant(inner).is_some() || is_key_column(inner) => Truth::False,
        Expr::Cast { expr, .. } => truth(expr, target),
        // `EXISTS (SELECT 1)` and `EXISTS (SELECT … FROM <the target>)` hold whenever the target has rows.
        Expr::Exists { subquery, negated: false } if selects_whole(subquery, target) || selects_constant(subquery) => {
            Truth::True
        }
        Expr::AnyOp { left, compare_op: BinaryOperator::Eq, right, .. } if is_key_column(left) => {
            match right.as_ref() {
                Expr::Subquery(q) if selects_whole(q, target) => Truth::True,
                _ => Truth::Unknown,
            }
        }
        Expr::Function(_) => match constant(e) {
            Some(c) => constant_truth(&c),
            None => Truth::Unknown,
        },
        Expr::IsTrue(inner) | Expr::IsNotFalse(inner) => truth(inner, target),
        Expr::IsFalse(inner) | Expr::IsNotTrue(inner) => truth(inner, target).not(),
        Expr::Like { negated, pattern, .. } | Expr::ILike { negated, pattern, .. } => match constant(pattern) {
            Some(Const::Str(p)) if !p.is_empty() && p.chars().all(|c| c == '%') => bool_truth(!negated),
            _ => Truth::Unknown,
        },
        Expr::In { expr, target: InTarget::List(list), negated, .. } => match constant(expr) {
            Some(c) if list.iter().any(|x| constant(x).as_ref() == Some(&c)) => bool_truth(!negated),
            _ => Truth::Unknown,
        },
        // `id NOT IN (SELECT … WHERE false)`: nothing to exclude.
        Expr::In { expr, target: InTarget::Subquery(subquery), negated: true, .. }
            if is_key_column(expr) && selects_nothing(subquery, target) =>
        {
            Truth::True
        }
        Expr::Exists { subquery, negated: true } if selects_nothing(subquery, target) => Truth::True,
        // `id IN (SELECT id FROM <the target table>)` with no WHERE in the subquery.
        Expr::In { expr, target: InTarget::Subquery(subquery), negated: false, .. }
            if is_key_column(expr) && selects_whole(subquery, target) =>
        {
            Truth::True
        }
        Expr::Between { expr, negated, low, high } => match (constant(expr), constant(low), constant(high)) {
            (Some(Const::Num(x)), Some(Const::Num(l)), Some(Const::Num(h))) => {
                bool_truth((l <= x && x <= h) != *negated)
            }
            _ => Truth::Unknown,
        },
        _ => Truth::Unknown,
    }
}

/// An `OR` of a condition and its opposite (`x IS NULL OR x IS NOT NULL`, `code = 'X' OR code <>
/// 'X'`, `t < c OR t >= c`): every row (with a value) matches one of them.
fn covers_every_row(e: &Expr) -> bool {
    fn terms<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match e {
            Expr::BinaryOp { left, op: BinaryOperator::Or, right } => {
                terms(left, out);
                terms(right, out);
            }
            Expr::Nested(inner) => terms(inner, out),
            other => out.push(other),
        }
    }
    /// A term as (operand, relation, bound), the relation's opposite having the same operand and
    /// bound: `x IS NULL` ↔ `x IS NOT NULL`, `x = c` ↔ `x <> c`, `x < c` ↔ `x >= c`.
    fn relation(e: &Expr) -> Option<(String, u8, String)> {
        match e {
            Expr::IsNull(x) => Some((x.to_string(), 0, String::new())),
            Expr::IsNotNull(x) => Some((x.to_string(), 1, String::new())),
            Expr::BinaryOp { left, op, right } => {
                let code = match op {
                    BinaryOperator::Eq => 2,
                    BinaryOperator::NotEq => 3,
                    BinaryOperator::Lt => 4,
                    BinaryOperator::GtEq => 5,
                    BinaryOperator::LtEq => 6,
                    BinaryOperator::Gt => 7,
                    _ => return None,
                };
                Some((left.to_string(), code, right.to_string()))
            }
            _ => None,
        }
    }
    let mut list = Vec::new();
    terms(e, &mut list);
    let relations: Vec<(String, u8, String)> = list.iter().filter_map(|t| relation(t)).collect();
    relations.iter().any(|(x, code, c)| {
        // Codes come in pairs: 0/1, 2/3, 4/5, 6/7.
        let opposite = code ^ 1;
        relations.iter().any(|(y, other, d)| *other == opposite && y == x && d == c)
    })
}

fn bool_truth(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Const {
    Num(f64),
    Str(String),
    Bool(bool),
}

fn constant_truth(c: &Const) -> Truth {
    match c {
        Const::Num(n) => bool_truth(*n != 0.0),
        Const::Bool(b) => bool_truth(*b),
        Const::Str(_) => Truth::Unknown,
    }
}

/// Whether `q` is a `SELECT` of constants with no table (`SELECT 1`).
fn selects_constant(q: &Query) -> bool {
    matches!(q.body.as_ref(), SetExpr::Select(sel) if sel.from.is_empty() && sel.selection.is_none())
}

/// Folds constant expressions: literals, casts, unary minus, arithmetic, `COALESCE` of constants.
fn constant(e: &Expr) -> Option<Const> {
    match e {
        Expr::Nested(inner) => constant(inner),
        Expr::Cast { expr, .. } => constant(expr),
        Expr::BinaryOp { left, op, right } => match (constant(left)?, op, constant(right)?) {
            (Const::Num(a), BinaryOperator::Plus, Const::Num(b)) => Some(Const::Num(a + b)),
            (Const::Num(a), BinaryOperator::Minus, Const::Num(b)) => Some(Const::Num(a - b)),
            (Const::Num(a), BinaryOperator::Multiply, Const::Num(b)) => Some(Const::Num(a * b)),
            (Const::Num(a), BinaryOperator::Divide, Const::Num(b)) if b != 0.0 => Some(Const::Num(a / b)),
            (Const::Str(a), BinaryOperator::StringConcat, Const::Str(b)) => Some(Const::Str(a + &b)),
            _ => None,
        },
        Expr::Function(f)
            if f.name.to_string().eq_ignore_ascii_case("coalesce")
                || f.name.to_string().eq_ignore_ascii_case("ifnull") =>
        {
            let sqlparser::ast::FunctionArguments::List(list) = &f.args else { return None };
            // Only when the first argument is constant: COALESCE(col, 1) depends on the row.
            list.args.first().and_then(|a| match a {
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(x)) => constant(x),
                _ => None,
            })
        }
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok().map(Const::Num),
            Value::Boolean(b) => Some(Const::Bool(*b)),
            other => other.clone().into_string().map(Const::Str),
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match constant(expr) {
            Some(Const::Num(n)) => Some(Const::Num(-n)),
            _ => None,
        },
        _ => None,
    }
}

fn compare(left: &Expr, op: &BinaryOperator, right: &Expr) -> Truth {
    use std::cmp::Ordering;
    let ordering = match (constant(left), constant(right)) {
        (Some(Const::Num(a)), Some(Const::Num(b))) => a.partial_cmp(&b),
        (Some(Const::Str(a)), Some(Const::Str(b))) => Some(a.cmp(&b)),
        (Some(Const::Bool(a)), Some(Const::Bool(b))) => Some(a.cmp(&b)),
        (Some(_), Some(_)) => None,
        // `x = x` compares a column with itself: true for every row that has a value.
        _ if left == right && is_column(left) => Some(Ordering::Equal),
        // `created_at < now() + interval '100 years'`: a bound in the future on when rows were
        // written holds for every row.
        _ if matches!(op, BinaryOperator::Lt | BinaryOperator::LtEq) && written_at(left) && in_future(right) => {
            return Truth::True;
        }
        // `issued_at < '9999-12-31'`, `created > '1900-01-01'`: a date bound no row's date reaches.
        (None, Some(Const::Str(d))) if is_column(left) && date_year(&d).is_some_and(|y| y >= 2100 || y <= 1900) => {
            let year = date_year(&d).unwrap_or(2000);
            return match op {
                BinaryOperator::Lt | BinaryOperator::LtEq if year >= 2100 => Truth::True,
                BinaryOperator::Gt | BinaryOperator::GtEq if year <= 1900 => Truth::True,
                _ => Truth::Unknown,
            };
        }
        // `id > 0`, `id >= 0`: every row of a table with a serial key.
        (None, Some(Const::Num(n))) if is_key_column(left) && n <= 0.0 => {
            return match op {
                BinaryOperator::GtEq | BinaryOperator::Gt => Truth::True,
                _ => Truth::Unknown,
            }
        }
        _ => None,
    };
    let Some(ord) = ordering else { return Truth::Unknown };
    bool_truth(match op {
        BinaryOperator::Eq | BinaryOperator::Spaceship => ord == Ordering::Equal,
        BinaryOperator::NotEq => ord != Ordering::Equal,
        BinaryOperator::Lt => ord == Ordering::Less,
        BinaryOperator::LtEq => ord != Ordering::Greater,
        BinaryOperator::Gt => ord == Ordering::Greater,
        BinaryOperator::GtEq => ord != Ordering::Less,
        _ => return Truth::Unknown,
    })
}

/// A column that records when its row was written (`created_at`, `inserted_on`, `logged_time`):
/// always in the past.
fn written_at(e: &Expr) -> bool {
    let name = match e {
        Expr::Identifier(i) => i.value.to_ascii_lowercase(),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.to_ascii_lowercase()).unwrap_or_default(),
        _ => return false,
    };
    // Times of events that have happened: every existing row's is in the past. (Deadlines and
    // expiries, `expires_at`, `due_on`, lie ahead and are not among them.)
    [
        "created",
        "inserted",
        "recorded",
        "logged",
        "occurred",
        "received",
        "started",
        "ended",
        "finished",
        "completed",
        "sent",
        "delivered",
        "processed",
        "closed",
        "submitted",
        "placed",
        "updated",
        "modified",
        "timestamp",
        "event_time",
        "ts",
    ]
    .iter()
    .any(|w| name.starts_with(w))
}

/// The year of a date or timestamp literal (`'9999-12-31'`, `'1900-01-01 00:00:00'`).
fn date_year(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    let shaped = b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit);
    shaped.then(|| s[..4].parse().ok()).flatten()
}

/// The current time plus an offset (`now() + interval '100 years'`, `CURRENT_DATE + 30`).
fn in_future(e: &Expr) -> bool {
    let now = |x: &Expr| {
        let text = x.to_string().to_ascii_lowercase();
        ["now()", "current_timestamp", "current_date", "getdate()", "sysdate", "localtimestamp", "sysdatetime()"]
            .iter()
            .any(|n| text.starts_with(n))
    };
    match e {
        Expr::Nested(inner) => in_future(inner),
        Expr::BinaryOp { left, op: BinaryOperator::Plus, right } => {
            (now(left) && !right.to_string().contains('-')) || (now(right) && !left.to_string().contains('-'))
        }
        _ => false,
    }
}

fn is_column(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

/// The table a write targets, and the common table expressions of its statement, which a
/// subquery may name instead of the table (`WITH t AS (SELECT id FROM users) … IN (SELECT id FROM t)`).
struct Scope<'a> {
    table: &'a str,
    ctes: &'a [Cte],
}

impl Scope<'_> {
    /// Whether `relation` is the target table, or a CTE that selects all of it.
    fn is(&self, relation: &str) -> bool {
        relation.eq_ignore_ascii_case(self.table)
            || self.ctes.iter().any(|c| {
                c.alias.name.value.eq_ignore_ascii_case(relation)
                    && selects_whole(&c.query, &Scope { table: self.table, ctes: &[] })
            })
    }
}

/// Whether `q` selects no row: its `WHERE` is always false (`WHERE false`, `WHERE 1 = 0`).
fn selects_nothing(q: &Query, scope: &Scope<'_>) -> bool {
    match q.body.as_ref() {
        SetExpr::Select(sel) => sel.selection.as_ref().is_some_and(|w| truth(w, scope) == Truth::False),
        _ => false,
    }
}

/// Whether `q` is `SELECT … FROM target` with no condition.
fn selects_whole(q: &Query, target: &Scope<'_>) -> bool {
    match q.body.as_ref() {
        SetExpr::Select(sel) => {
            sel.selection.is_none()
                && sel.from.len() == 1
                && sel.from.iter().all(|t| t.joins.is_empty() && target.is(&relation_name(t)))
        }
        _ => false,
    }
}

/// `UPDATE users SET deleted_at = now() WHERE deleted_at IS NULL`: a WHERE made only of null and
/// true/false checks of the columns the update sets selects every row it has not yet changed —
/// the whole table, the first time it runs. (A check for a particular value, `status =
/// 'running'`, does select some rows.)
fn only_skips_done_rows(e: &Expr, assigned: &[String]) -> bool {
    let set = |c: &Expr| {
        let name = match c {
            Expr::Identifier(i) => &i.value,
            Expr::CompoundIdentifier(parts) => match parts.last() {
                Some(i) => &i.value,
                None => return false,
            },
            _ => return false,
        };
        assigned.iter().any(|a| a.eq_ignore_ascii_case(name))
    };
    let boolean = |v: &Expr| matches!(v, Expr::Value(x) if matches!(x.value, Value::Boolean(_)));
    match e {
        Expr::Nested(inner) => only_skips_done_rows(inner, assigned),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            only_skips_done_rows(left, assigned) && only_skips_done_rows(right, assigned)
        }
        Expr::IsNull(c)
        | Expr::IsNotNull(c)
        | Expr::IsTrue(c)
        | Expr::IsFalse(c)
        | Expr::IsNotTrue(c)
        | Expr::IsNotFalse(c) => set(c),
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => set(expr),
        Expr::BinaryOp { left, op: BinaryOperator::Eq | BinaryOperator::NotEq, right } => {
            (set(left) && boolean(right)) || (set(right) && boolean(left))
        }
        _ => false,
    }
}

/// A column that is a key by name (`id`, `guest_id`, `GuestId`, `uuid`): never NULL in practice.
fn is_key_column(e: &Expr) -> bool {
    let name = match e {
        Expr::Identifier(i) => &i.value,
        Expr::CompoundIdentifier(parts) => match parts.last() {
            Some(i) => &i.value,
            None => return false,
        },
        Expr::Nested(inner) => return is_key_column(inner),
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower == "id" || lower == "uuid" || lower.ends_with("_id") || name.ends_with("Id") || name.ends_with("ID")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(sql: &str) -> Truth {
        let expr =
            Parser::new(&sqlparser::dialect::GenericDialect {}).try_with_sql(sql).and_then(|mut p| p.parse_expr());
        truth(&expr.expect("test expression parses"), &Scope { table: "t", ctes: &[] })
    }

    #[test]
    fn tautologies_are_true() {
        for sql in [
            "1=1",
            "TRUE",
            "'a'='a'",
            "x = x",
            "id = 7 OR 1=1",
            "NOT FALSE",
            "GuestId IS NOT NULL",
            "1",
            "2 > 1",
            "name LIKE '%'",
            "(1=1) AND (2=2)",
            "1 IN (1, 2)",
            "NOT (1 = 0)",
            "id > 0",
            "user_id >= 0",
            "id IN (SELECT id FROM t)",
            "1 = 1::int",
            "2 + 2 = 4",
            "COALESCE(1, 0) = 1",
            "EXISTS (SELECT 1 FROM t)",
            "EXISTS (SELECT 1)",
            "id = ANY (SELECT id FROM t)",
            "NOT (id IS NULL)",
        ] {
            assert_eq!(t(sql), Truth::True, "{sql}");
        }
        for sql in ["COALESCE(amount, 1) = 1", "EXISTS (SELECT 1 FROM other)"] {
            assert_ne!(t(sql), Truth::True, "{sql}");
        }
    }

    #[test]
    fn bounded_conditions_are_not_true() {
        for sql in [
            "id = 7",
            "id = 7 AND 1 = 1",
            "TRUE AND fleet_id = 3",
            "deleted_by IS NOT NULL",
            "created_at < now()",
            "paid IS NOT NULL",
            "x = y",
            "1=0",
            "name LIKE 'a%'",
            "id > 100",
            "amount > 0",
            "id IN (SELECT id FROM other)",
            "id IN (SELECT id FROM t WHERE x = 1)",
        ] {
            assert_ne!(t(sql), Truth::True, "{sql}");
        }
    }
}
