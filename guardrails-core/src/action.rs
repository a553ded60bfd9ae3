//! What an actor wants to do: the wire type [`Action`], tagged by `kind`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An action to be decided, as it arrives on the wire.
///
/// ```
/// use guardrails_core::{Action, Dialect};
/// let action: Action = serde_json::from_str(
///     r#"{"kind":"sql","dialect":"postgres","text":"DELETE FROM t"}"#).unwrap();
/// assert_eq!(action, Action::sql(Dialect::Postgres, "DELETE FROM t"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// One or more SQL statements, as sent to a database.
    Sql {
        /// The SQL dialect of the database that would run `text`.
        #[serde(default)]
        dialect: Dialect,
        /// The statements, exactly as they would be sent.
        text: String,
    },
    /// A command line, as a shell would receive it.
    Shell {
        /// The command line.
        command: String,
    },
    /// An HTTP request.
    Http {
        /// The request method, e.g. `POST`.
        method: String,
        /// The absolute URL.
        url: String,
        /// Request headers.
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// The body: a string (raw or form-encoded) or a JSON value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<serde_json::Value>,
    },
    /// A call an agent makes to one of its tools.
    ToolCall {
        /// The tool's name, e.g. `run_sql` or `postgres__query`.
        tool: String,
        /// The tool's arguments.
        #[serde(default)]
        args: serde_json::Value,
    },
    /// A file operation.
    File {
        /// What is done to the file: `read`, `write`, `append`, `delete` or `move`.
        op: String,
        /// The file's path.
        path: String,
        /// What is written, for `write` and `append`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        /// Where the file goes, for `move`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
        /// Whether a `delete` removes a directory and everything under it.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        recursive: bool,
    },
}

impl Action {
    /// A SQL action.
    pub fn sql(dialect: Dialect, text: impl Into<String>) -> Action {
        Action::Sql { dialect, text: text.into() }
    }

    /// A shell command-line action.
    pub fn shell(command: impl Into<String>) -> Action {
        Action::Shell { command: command.into() }
    }

    /// An HTTP request without headers or body.
    pub fn http(method: impl Into<String>, url: impl Into<String>) -> Action {
        Action::Http { method: method.into(), url: url.into(), headers: BTreeMap::new(), body: None }
    }

    /// A call of the tool `tool` with JSON arguments `args`.
    pub fn tool_call(tool: impl Into<String>, args: serde_json::Value) -> Action {
        Action::ToolCall { tool: tool.into(), args }
    }

    /// A file operation (`read`, `write`, `append`, `delete`, `move`) on `path`.
    pub fn file(op: impl Into<String>, path: impl Into<String>) -> Action {
        Action::File { op: op.into(), path: path.into(), content: None, destination: None, recursive: false }
    }

    /// The wire name of this action's kind (`sql`, `shell`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Sql { .. } => "sql",
            Action::Shell { .. } => "shell",
            Action::Http { .. } => "http",
            Action::ToolCall { .. } => "tool_call",
            Action::File { .. } => "file",
        }
    }
}

macro_rules! dialects {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
        /// A SQL dialect. Unknown names are rejected with the list of known ones.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Dialect {
            /// Any SQL; the analyzer accepts the union of the common dialects' syntax.
            #[default]
            Generic,
            $( $(#[$doc])* $variant, )*
        }

        impl Dialect {
            /// Every dialect.
            pub const ALL: &'static [Dialect] = &[Dialect::Generic, $( Dialect::$variant, )*];

            /// The wire name, e.g. `postgres`.
            pub const fn as_str(self) -> &'static str {
                match self { Dialect::Generic => "generic", $( Dialect::$variant => $name, )* }
            }
        }

        impl FromStr for Dialect {
            type Err = UnknownDialect;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.to_ascii_lowercase().as_str() {
                    "generic" | "ansi" => Ok(Dialect::Generic),
                    "postgresql" | "pg" => Ok(Dialect::Postgres),
                    "sqlserver" | "tsql" => Ok(Dialect::Mssql),
                    "mariadb" => Ok(Dialect::Mysql),
                    $( $name => Ok(Dialect::$variant), )*
                    _ => Err(UnknownDialect(s.to_owned())),
                }
            }
        }
    };
}

dialects! {
    /// PostgreSQL.
    Postgres => "postgres",
    /// MySQL and MariaDB.
    Mysql => "mysql",
    /// SQLite.
    Sqlite => "sqlite",
    /// Microsoft SQL Server (T-SQL).
    Mssql => "mssql",
    /// Snowflake.
    Snowflake => "snowflake",
    /// Google BigQuery.
    Bigquery => "bigquery",
    /// Amazon Redshift.
    Redshift => "redshift",
    /// Apache Hive / Spark SQL.
    Hive => "hive",
    /// DuckDB.
    Duckdb => "duckdb",
    /// ClickHouse.
    Clickhouse => "clickhouse",
    /// Oracle.
    Oracle => "oracle",
}

/// The error of naming a dialect the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SQL dialect '{0}' (known: generic, postgres, mysql, sqlite, mssql, snowflake, bigquery, redshift, hive, duckdb, clickhouse, oracle)")]
pub struct UnknownDialect(pub(crate) String);

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Dialect {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Dialect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
