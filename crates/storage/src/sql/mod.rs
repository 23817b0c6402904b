//! SQL written once for both databases. A storage operation is an `async fn` over [`Db`], one
//! connection inside the transaction its [`Access`] asks for; each [`Backend`] drives it its
//! own way:
//!
//! - PostgreSQL awaits it on the runtime, with sqlx.
//! - SQLite runs it on the thread that owns the connection, with rusqlite, where every call
//!   returns at once: the operation never waits, so it is polled once and done ([`now`]),
//!   and a transaction still runs whole, without a hop between its statements.
//!
//! Statements are written in PostgreSQL's form (`$1`, `$2` …), which SQLite reads as numbered
//! parameters (`?1`, `?2` …). What the dialects spell apart lives in [`Dialect`] alone.

mod decode;
mod lite;
mod pg;

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::BoxFuture;

pub use decode::{Col, Json, Row, Stored};
pub use lite::Lite;
pub use pg::Pg;

use crate::Result;

/// Which database a statement goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `column` is one of the values bound at `$n` as an [`Arg::Ids`] or [`Arg::Texts`] list:
    /// one parameter however long the list, so the statement's text (and its cached plan)
    /// stays the same.
    pub fn any(self, column: &str, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("{column} = ANY(${n})"),
            Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
        }
    }

    /// Rows claimed for this transaction alone where other processes claim them too: PostgreSQL
    /// skips what another transaction holds; SQLite's single writer needs nothing.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        }
    }

    /// A record as the JSON array of its fields' values in order, which serde reads into a
    /// struct declaring the same fields in the same order. Positional, because PostgreSQL
    /// escapes and appends every key of an object on every row: a page of 50 matters was built
    /// in half the time as arrays.
    pub fn record(self, fields: &[(&str, String)]) -> String {
        let values: Vec<&str> = fields.iter().map(|(_, value)| value.as_str()).collect();
        let values = values.join(", ");
        match self {
            Dialect::Postgres => format!("json_build_array({values})"),
            Dialect::Sqlite => format!("json_array({values})"),
        }
    }

    /// The JSON array of `value` over a group's rows, as text (NULL for no rows); `order` may
    /// be empty.
    pub fn array(self, value: &str, order: &str) -> String {
        match self {
            Dialect::Postgres => format!("json_agg({value}{order})::text"),
            Dialect::Sqlite => format!("json_group_array({value}{order})"),
        }
    }

    /// A JSON document as text.
    pub fn text(self, document: &str) -> String {
        match self {
            Dialect::Postgres => format!("({document})::text"),
            Dialect::Sqlite => document.to_string(),
        }
    }

    /// A column holding a JSON document, inside a document being built: `jsonb` already on
    /// PostgreSQL, text to read as JSON on SQLite.
    pub fn nested(self, column: &str) -> String {
        match self {
            Dialect::Postgres => column.to_string(),
            Dialect::Sqlite => format!("json({column})"),
        }
    }

    /// Case-insensitive LIKE for ASCII letters: SQLite's LIKE already is, and searches should
    /// not depend on the backend.
    pub fn ilike(self) -> &'static str {
        match self {
            Dialect::Postgres => "ILIKE",
            Dialect::Sqlite => "LIKE",
        }
    }

    /// The larger of two values.
    pub fn greatest(self) -> &'static str {
        match self {
            Dialect::Postgres => "greatest",
            Dialect::Sqlite => "max",
        }
    }

    /// The instant a deadline (a date column) ends: midnight in China, 16:00 UTC of the same
    /// date (China keeps no summer time), comparable with an instant column.
    pub fn deadline_end(self, date: &str) -> String {
        match self {
            Dialect::Postgres => format!("(({date}) + time '16:00') AT TIME ZONE 'UTC'"),
            // Stored instants are UTC text of fixed width, so text order is time order.
            Dialect::Sqlite => format!("({date}) || 'T16:00:00'"),
        }
    }

    /// The first day of a date column's month, as a date.
    pub fn month_of(self, date: &str) -> String {
        match self {
            Dialect::Postgres => format!("date_trunc('month', {date})::date"),
            Dialect::Sqlite => format!("substr({date}, 1, 7) || '-01'"),
        }
    }

    /// The most values one statement may bind: SQLite's limit (PostgreSQL's is higher).
    const MAX_ARGS: usize = 32_766;
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// No value, of the column's type: PostgreSQL types every parameter.
    Null(Kind),
    I64(i64),
    F64(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    /// An instant: `timestamptz` on PostgreSQL, fixed-width RFC 3339 text in UTC on SQLite,
    /// so that text order is time order.
    Time(DateTime<Utc>),
    Date(NaiveDate),
    /// A JSON document: `jsonb` on PostgreSQL, its text on SQLite.
    Json(serde_json::Value),
    /// A list of ids for [`Dialect::any`]: an array on PostgreSQL, JSON text on SQLite.
    Ids(Vec<i64>),
    /// A list of texts for [`Dialect::any`].
    Texts(Vec<String>),
}

/// The type of a value that is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    I64,
    F64,
    Bool,
    Text,
    Bytes,
    Time,
    Date,
    Json,
}

impl Arg {
    /// `value` as a JSON document.
    pub fn json<T: serde::Serialize>(value: &T) -> Arg {
        Arg::Json(serde_json::to_value(value).expect("plain data serialises"))
    }

    /// An optional JSON document.
    pub fn json_or_null<T: serde::Serialize>(value: Option<&T>) -> Arg {
        value.map_or(Arg::Null(Kind::Json), Arg::json)
    }

    pub fn ids(ids: impl IntoIterator<Item = i64>) -> Arg {
        Arg::Ids(ids.into_iter().collect())
    }

    pub fn texts<S: ToString>(texts: impl IntoIterator<Item = S>) -> Arg {
        Arg::Texts(texts.into_iter().map(|s| s.to_string()).collect())
    }
}

macro_rules! arg_from {
    ($($t:ty => $kind:ident |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from($v: $t) -> Arg { $e }
        }
        impl Typed for $t {
            const KIND: Kind = Kind::$kind;
        })*
    };
}

/// A type whose absence is bound as a NULL of its kind.
pub trait Typed {
    const KIND: Kind;
}

arg_from! {
    i64 => I64 |v| Arg::I64(v),
    i32 => I64 |v| Arg::I64(v.into()),
    u32 => I64 |v| Arg::I64(v.into()),
    u8 => I64 |v| Arg::I64(v.into()),
    f64 => F64 |v| Arg::F64(v),
    bool => Bool |v| Arg::Bool(v),
    String => Text |v| Arg::Text(v),
    &str => Text |v| Arg::Text(v.to_string()),
    &String => Text |v| Arg::Text(v.clone()),
    &[u8] => Bytes |v| Arg::Bytes(v.to_vec()),
    DateTime<Utc> => Time |v| Arg::Time(v),
    NaiveDate => Date |v| Arg::Date(v),
}

impl<T: Into<Arg> + Typed> From<Option<T>> for Arg {
    fn from(v: Option<T>) -> Arg {
        v.map_or(Arg::Null(T::KIND), Into::into)
    }
}

/// The arguments of a statement, in order: `args![a, b, c]`.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$($crate::sql::Arg::from($a)),*] as &[$crate::sql::Arg] };
}

/// SQL text and its arguments, built together; each bind writes the next `$n`.
pub struct Sql {
    pub dialect: Dialect,
    pub text: String,
    pub args: Vec<Arg>,
    /// The rows are read in the list's order and each checked for the reader's orgs, rather
    /// than found by org and sorted: see [`crate::matters::select`].
    pub in_list_order: bool,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Sql {
        Sql {
            dialect,
            text: String::new(),
            args: Vec::new(),
            in_list_order: false,
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        let p = self.placeholder(value);
        self.push(&p)
    }

    /// Adds an argument without writing it: its `$n`, for text written later.
    pub fn placeholder(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// `column` is one of `list` (an [`Arg::Ids`] or [`Arg::Texts`]).
    pub fn any(&mut self, column: &str, list: Arg) -> &mut Sql {
        self.args.push(list);
        let clause = self.dialect.any(column, self.args.len());
        self.push(&clause)
    }
}

/// Runs `head` (`INSERT INTO t (a, b) VALUES`, or `UPDATE … FROM (VALUES`) followed by as many
/// `rows` of `$n` as fit in one statement, then `tail` (an `ON CONFLICT`, `RETURNING` or `AS s
/// WHERE …` clause, or nothing), until every row is written: (rows changed, what `read` made of
/// the rows a `RETURNING` tail returns). A sweep's tens of thousands of messages go in as few
/// round trips as the databases allow.
pub async fn chunked<D: Db, T: Send>(
    db: &mut D,
    head: &str,
    rows: Vec<Vec<Arg>>,
    tail: &str,
    read: impl FnMut(&Row<'_>) -> Result<T> + Send + Copy,
) -> Result<(u64, Vec<T>)> {
    let mut rows = rows.into_iter().peekable();
    let width = rows.peek().map_or(1, Vec::len).max(1);
    // Full chunks share one statement text, and so one prepared statement.
    let per = (Dialect::MAX_ARGS / width).clamp(1, 2_000);
    let returning = tail.contains("RETURNING");
    let (mut changed, mut out) = (0, Vec::new());
    while rows.peek().is_some() {
        let mut text = String::with_capacity(head.len() + tail.len() + per * width * 6);
        text.push_str(head);
        let mut args = Vec::with_capacity(per * width);
        for (i, row) in rows.by_ref().take(per).enumerate() {
            text.push_str(if i == 0 { " (" } else { ", (" });
            for (j, arg) in row.into_iter().enumerate() {
                if j > 0 {
                    text.push_str(", ");
                }
                args.push(arg);
                text.push_str(&format!("${}", args.len()));
            }
            text.push(')');
        }
        text.push(' ');
        text.push_str(tail);
        if returning {
            let got = db.rows(&text, &args, read).await?;
            changed += got.len() as u64;
            out.extend(got);
        } else {
            changed += db.execute(&text, &args).await?;
        }
    }
    Ok((changed, out))
}

/// One connection, inside a transaction when the operation writes. Every future is `Send`,
/// so that operations written once over any `Db` can be awaited by the server's handlers.
pub trait Db: Send {
    fn dialect(&self) -> Dialect;

    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Arg]) -> impl Future<Output = Result<u64>> + Send;

    /// Runs several statements of fixed text, with no arguments, one after the other.
    fn batch(&mut self, sql: &str) -> impl Future<Output = Result<()>> + Send;

    /// Runs a query, each row read by `read`.
    fn rows<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut read: impl FnMut(&Row<'_>) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        async move {
            let mut out = Vec::new();
            self.each(sql, args, |r| {
                out.push(read(r)?);
                Ok(())
            })
            .await?;
            Ok(out)
        }
    }

    /// Runs a query, handing each row to `each` as it is read: nothing is held but the row,
    /// however many there are.
    fn each(
        &mut self,
        sql: &str,
        args: &[Arg],
        each: impl FnMut(&Row<'_>) -> Result<()> + Send,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The first row of a query, if there is one.
    fn row<T: Send>(
        &mut self,
        sql: &str,
        args: &[Arg],
        read: impl FnMut(&Row<'_>) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Option<T>>> + Send {
        async move { Ok(self.rows(sql, args, read).await?.into_iter().next()) }
    }

    /// The first column of the only row of a query.
    fn value<T: Col + Send>(
        &mut self,
        sql: &str,
        args: &[Arg],
    ) -> impl Future<Output = Result<T>> + Send {
        async move {
            self.row(sql, args, |r| r.get(0)).await?.ok_or_else(|| {
                crate::StoreError::Corrupt(format!("no row where one was expected: {sql}"))
            })
        }
    }
}

/// What an operation does with its connection, which decides the transaction it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads, each statement on its own: a page of a list is one statement.
    Read,
    /// Reads that must agree with each other, from one snapshot.
    Snapshot,
    /// Writes nothing the audit chain or the kept counts follow: sessions, messages,
    /// preferences, the calendar, files.
    Write,
    /// Writes matters, assignments, events or admin actions: one such transaction at a time,
    /// so that the audit chain's links are made in event order and the kept counts change one
    /// transaction at a time.
    Chain,
}

/// An operation on one connection of backend `B`, as the store hands it over.
pub type Op<B, T> =
    Box<dyn for<'c, 'd> FnOnce(&'c mut <B as Backend>::Db<'d>) -> BoxFuture<'c, Result<T>> + Send>;

/// A database and how operations reach it; everything else about storage is written once, in
/// [`crate::store::SqlStore`].
pub trait Backend: Send + Sync + 'static {
    type Db<'d>: Db;

    /// Runs `op` in the transaction `access` asks for: committed when it returns `Ok`, rolled
    /// back when it fails.
    fn run<T: Send + 'static>(
        &self,
        access: Access,
        op: Op<Self, T>,
    ) -> impl Future<Output = Result<T>> + Send;

    /// Brings the schema up to date; the audit chain is extended afterwards by the store.
    fn migrate(&self) -> impl Future<Output = Result<()>> + Send;

    /// Writes a consistent copy of everything to `to` (a file that must not exist yet).
    fn backup(&self, to: &std::path::Path) -> impl Future<Output = Result<()>> + Send;

    /// The right to sweep now, or `None` while another sweep holds it.
    fn sweep_lease(&self) -> impl Future<Output = Result<Option<crate::SweepLease>>> + Send;

    /// Brings the planner's statistics up to date after a bulk load, where it needs them.
    fn analyze(&self) -> impl Future<Output = Result<()>> + Send;
}

/// The result of an operation that never waits: SQLite's, whose calls all return at once.
/// One that did wait would be a bug in the operation, reported rather than hung on.
pub fn now<T>(op: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let mut op = std::pin::pin!(op);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match op.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(done) => done,
        std::task::Poll::Pending => Err(crate::StoreError::Backend(
            "a SQLite operation waited on something it cannot wait for".into(),
        )),
    }
}
