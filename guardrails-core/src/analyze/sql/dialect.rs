//! Per-dialect knowledge, in one place: how each dialect lexes, and which sqlparser dialect
//! parses it. Detectors ask these methods instead of matching on the dialect themselves.

use sqlparser::dialect::{
    BigQueryDialect, ClickHouseDialect, Dialect as ParserDialect, DuckDbDialect, GenericDialect, HiveDialect,
    MsSqlDialect, MySqlDialect, PostgreSqlDialect, RedshiftSqlDialect, SQLiteDialect, SnowflakeDialect,
};

use crate::action::Dialect;

/// Lexical rules of a dialect, used by the lexer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Syntax {
    /// `'a\'b'` is one string (MySQL, BigQuery, Hive).
    pub(crate) backslash_escapes: bool,
    /// `"text"` is a string, not an identifier (MySQL, BigQuery, Hive).
    pub(crate) double_quoted_strings: bool,
    /// `[name]` is an identifier (SQL Server, SQLite).
    pub(crate) bracket_identifiers: bool,
    /// `$$body$$` and `$tag$body$tag$` are strings (PostgreSQL, Redshift, Snowflake, DuckDB).
    pub(crate) dollar_quotes: bool,
    /// `# comment` (MySQL).
    pub(crate) hash_comments: bool,
    /// `/* /* */ */` nests (PostgreSQL).
    pub(crate) nested_comments: bool,
    /// `/*! … */` bodies run as code (MySQL, and generic, which must assume the worst).
    pub(crate) conditional_comments: bool,
    /// `#name` and `##name` are temporary tables (SQL Server).
    pub(crate) hash_temp_tables: bool,
    /// Statements need no `;` between them (T-SQL: `SELECT 1 DROP TABLE t` is two statements).
    pub(crate) optional_semicolons: bool,
    /// `--` starts a comment only when a space follows (MySQL: `SELECT 1--1` is `1 - -1`).
    pub(crate) dash_comment_needs_space: bool,
    /// Triple-quoted strings (BigQuery).
    pub(crate) triple_quotes: bool,
}

impl Syntax {
    /// The lexical rules of `dialect`.
    ///
    /// Generic SQL takes the reading that exposes the most code: no backslash escapes (an escaped
    /// quote ends the string, so what follows is lexed as code), conditional comments as code, no
    /// nested comments or dollar quoting, and `--x` not a comment.
    pub(crate) fn of(dialect: Dialect) -> Syntax {
        let mysqlish = matches!(dialect, Dialect::Mysql);
        let hive_like = matches!(dialect, Dialect::Hive | Dialect::Bigquery);
        Syntax {
            backslash_escapes: mysqlish || hive_like,
            double_quoted_strings: mysqlish || hive_like,
            bracket_identifiers: matches!(dialect, Dialect::Mssql | Dialect::Sqlite),
            dollar_quotes: matches!(
                dialect,
                Dialect::Postgres | Dialect::Redshift | Dialect::Snowflake | Dialect::Duckdb
            ),
            hash_comments: mysqlish || matches!(dialect, Dialect::Bigquery),
            nested_comments: matches!(dialect, Dialect::Postgres | Dialect::Duckdb | Dialect::Mssql),
            conditional_comments: mysqlish || matches!(dialect, Dialect::Generic),
            dash_comment_needs_space: mysqlish || matches!(dialect, Dialect::Generic),
            triple_quotes: matches!(dialect, Dialect::Bigquery),
            hash_temp_tables: matches!(dialect, Dialect::Mssql),
            optional_semicolons: matches!(dialect, Dialect::Mssql),
        }
    }
}

/// The sqlparser dialect that parses `dialect`.
pub(crate) fn parser_dialect(dialect: Dialect) -> &'static dyn ParserDialect {
    match dialect {
        Dialect::Generic | Dialect::Oracle => &GenericDialect {},
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Mysql => &MySqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Mssql => &MsSqlDialect {},
        Dialect::Snowflake => &SnowflakeDialect,
        Dialect::Bigquery => &BigQueryDialect,
        Dialect::Redshift => &RedshiftSqlDialect {},
        Dialect::Hive => &HiveDialect {},
        Dialect::Duckdb => &DuckDbDialect {},
        Dialect::Clickhouse => &ClickHouseDialect {},
    }
}

/// The dialect named by a context's `engine` label, which refines a `generic` action
/// (a Redshift cluster reached through a generic SQL tool).
pub(crate) fn refine(dialect: Dialect, engine_label: Option<&str>) -> Dialect {
    match (dialect, engine_label.and_then(|e| e.parse::<Dialect>().ok())) {
        (Dialect::Generic, Some(engine)) => engine,
        _ => dialect,
    }
}
