//! Many rows, one parameter: the statements a push runs per batch rather than per row.
//!
//! # Why one JSON parameter
//! Profiling the sync bench (`perf`, 2026-11-26) showed where a push spent its time, and
//! it was not in SQLite's b-trees (`sqlite3VdbeExec` ~2 %). It was:
//! - `sqlite3_bind_parameter_name` (9 %): sqlx looks up every `$n` by name, a scan of the
//!   statement's parameter list, so a 20-row × 15-column INSERT costs 300 × 300 steps;
//! - thread hand-offs (about 40 % in the kernel's scheduler): every statement is a
//!   round trip between the async task and sqlx's SQLite worker thread.
//!
//! So rows travel as one JSON array of arrays bound to a single parameter, and the
//! database unpacks it (`jsonb_each` on SQLite, `json_array_elements` on PostgreSQL): one
//! bind per thousand rows, the unpacking done in the database's C. Keys for `IN` lookups
//! travel the same way. And the statements of one step of a push go together as a
//! `Script`: on SQLite one multi-statement command, so one hand-off to the worker thread
//! for all of them (sqlx binds `$n` by number across the statements).

use super::StoreError;
use sqlx::{AnyConnection, Row};

/// Rows per statement: bounds the parameter's size (a record's document is a few KB).
const ROWS_PER_STATEMENT: usize = 1_000;

/// The SQL type of a column, for PostgreSQL's casts (SQLite takes JSON's own types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Text,
    Int,
    /// A JSON document stored as text. The row carries it as JSON, not as a string
    /// holding JSON, so it is neither escaped on the way in nor unescaped by the database
    /// (`serde_json`'s escaping was about 5 % of a batched push). A JSON null is stored
    /// as the text `null`, as `Value::to_string` did before.
    Json,
}

/// Which dialect the connection speaks.
fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

/// `SELECT <one value per column> FROM <the rows in $param>`: the row source of a bulk
/// INSERT. `WHERE true` lets SQLite read a following `ON CONFLICT` as an upsert clause.
fn row_source(postgres: bool, cols: &[(&str, Col)], param: &str) -> String {
    let values: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| match (postgres, kind) {
            (false, Col::Json) => format!("r.value -> {i}"),
            (false, _) => format!("r.value ->> {i}"),
            (true, Col::Text) => format!("r.value ->> {i}"),
            (true, Col::Int) => format!("(r.value ->> {i})::bigint"),
            // PostgreSQL's `json` keeps the text it was given, so this is the document
            // exactly as serialised.
            (true, Col::Json) => format!("(r.value -> {i})::text"),
        })
        .collect();
    let from = if postgres {
        format!("json_array_elements({param}::json) AS r(value)")
    } else {
        // `jsonb_each`, not `json_each`: each element comes out as SQLite's binary JSON,
        // which `->>` reads in place. `json_each` renders every row back to text and `->>`
        // parses it again (about 9 % of a batched push in `perf`).
        format!("jsonb_each({param}) AS r")
    };
    format!("SELECT {} FROM {from} WHERE true", values.join(", "))
}

/// A bind value of a `Script`.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Text(String),
    Int(i64),
}

/// Statements run together, in order. In a statement's SQL, `#0`, `#1`, … stand for its
/// own arguments; they are numbered for the whole script on SQLite (one command), and
/// from `$1` per statement on PostgreSQL (whose extended protocol takes one statement at
/// a time). Rows of every statement come back in order; a statement that returns rows
/// should tag them in its first column.
pub(super) struct Script {
    postgres: bool,
    statements: Vec<(String, Vec<Arg>)>,
}

impl Script {
    pub(super) fn new(conn: &AnyConnection) -> Self {
        Script {
            postgres: is_postgres(conn),
            statements: Vec::new(),
        }
    }

    /// The text keys of the JSON array in argument `#slot`, as a subquery.
    pub(super) fn keys(&self, slot: usize) -> String {
        if self.postgres {
            format!("(SELECT json_array_elements_text(#{slot}::json))")
        } else {
            format!("(SELECT value FROM json_each(#{slot}))")
        }
    }

    pub(super) fn postgres(&self) -> bool {
        self.postgres
    }

    pub(super) fn add(&mut self, sql: impl Into<String>, args: Vec<Arg>) {
        self.statements.push((sql.into(), args));
    }

    /// `<sql_head> IN (<keys>)` as one statement, unless there are no keys.
    pub(super) fn select_in(&mut self, sql_head: &str, keys: &[String]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let sql = format!("{sql_head} IN {}", self.keys(0));
        self.add(sql, vec![Arg::Text(to_json(keys)?)]);
        Ok(())
    }

    /// `INSERT INTO table (cols) <rows> suffix`, a thousand rows per statement. Each row
    /// serialises as a JSON array with one value per column: a string, an integer or
    /// null, or any JSON for a `Col::Json` column. Hot paths pass tuples of references,
    /// which serialise without building a `Value` per row.
    pub(super) fn insert<R: serde::Serialize>(
        &mut self,
        table: &str,
        cols: &[(&str, Col)],
        suffix: &str,
        rows: Vec<R>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) {} {suffix}",
            names.join(", "),
            row_source(self.postgres, cols, "#0")
        );
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            self.add(sql.clone(), vec![Arg::Text(to_json(chunk)?)]);
        }
        Ok(())
    }

    /// Runs the statements; returns the rows they returned, in order.
    pub(super) async fn run(
        self,
        conn: &mut AnyConnection,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        fn numbered(sql: &str, args: usize, first: usize) -> String {
            // Highest first, so that `#1` does not eat the start of `#12`.
            (0..args).rev().fold(sql.to_string(), |s, i| {
                s.replace(&format!("#{i}"), &format!("${}", first + i))
            })
        }
        fn bind_args<'q>(
            mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
            args: Vec<Arg>,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
            for a in args {
                q = match a {
                    Arg::Text(t) => q.bind(t),
                    Arg::Int(i) => q.bind(i),
                };
            }
            q
        }
        if self.statements.is_empty() {
            return Ok(Vec::new());
        }
        if self.postgres {
            let mut rows = Vec::new();
            for (sql, args) in self.statements {
                let sql = numbered(&sql, args.len(), 1);
                let q = bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), args);
                rows.extend(q.fetch_all(&mut *conn).await?);
            }
            return Ok(rows);
        }
        let mut sql = Vec::with_capacity(self.statements.len());
        let mut all = Vec::new();
        for (text, args) in self.statements {
            sql.push(numbered(&text, args.len(), all.len() + 1));
            all.extend(args);
        }
        let sql = sql.join(";\n");
        let q = bind_args(sqlx::query(sqlx::AssertSqlSafe(sql)), all);
        Ok(q.fetch_all(&mut *conn).await?)
    }
}

/// A value as JSON text, for a statement's argument.
pub(super) fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// `IN (…)` over the JSON array of text keys bound as `$param`.
pub(super) fn in_keys(conn: &AnyConnection, param: usize) -> String {
    if is_postgres(conn) {
        format!("IN (SELECT json_array_elements_text(${param}::json))")
    } else {
        format!("IN (SELECT value FROM json_each(${param}))")
    }
}

/// `<sql_head> IN (<keys>)`, a thousand keys per statement; no keys read nothing.
pub(super) async fn select_in(
    conn: &mut AnyConnection,
    sql_head: &str,
    keys: &[String],
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let mut out = Vec::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let sql = format!("{sql_head} {}", in_keys(conn, 1));
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let json = to_json(chunk)?;
        out.extend(
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(json)
                .fetch_all(&mut *conn)
                .await?,
        );
    }
    Ok(out)
}

/// The first column of every row, as text.
pub(super) fn texts(rows: &[sqlx::any::AnyRow]) -> Result<Vec<String>, StoreError> {
    rows.iter()
        .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
        .collect()
}
