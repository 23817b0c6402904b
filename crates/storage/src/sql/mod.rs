//! SQL written once for both databases. A storage operation is an `async fn` over [`Db`], one
//! connection inside the caller's transaction; each backend drives it its own way:
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

use chrono::{DateTime, NaiveDate, Utc};

pub use decode::{Col, Json, Row};
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
    /// `column` is one of the ids bound at `$n` as an [`Arg::Ids`] list.
    pub fn in_ids(self, column: &str, n: usize) -> String {
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
    /// A list of ids for [`Dialect::in_ids`]: an array on PostgreSQL, JSON text on SQLite.
    Ids(Vec<i64>),
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
}

impl Arg {
    /// `value` as a JSON document.
    pub fn json<T: serde::Serialize>(value: &T) -> Arg {
        Arg::Json(serde_json::to_value(value).expect("plain data serialises"))
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

/// One connection, inside a transaction when the operation writes.
#[allow(async_fn_in_trait)]
pub trait Db {
    fn dialect(&self) -> Dialect;

    /// Runs a statement; the number of rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64>;

    /// Runs a query, each row read by `read`.
    async fn rows<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        read: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>>;

    /// The first row of a query, if there is one.
    async fn row<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        read: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.rows(sql, args, read).await?.into_iter().next())
    }

    /// Appends events to a matter's timeline and links them into the audit chain, in this
    /// transaction; their ids.
    async fn insert_events(
        &mut self,
        matter: luoshi_domain::MatterId,
        events: &[luoshi_domain::NewEvent],
    ) -> Result<Vec<luoshi_domain::EventId>>;

    /// The first column of the only row of a query.
    async fn value<T: Col>(&mut self, sql: &str, args: &[Arg]) -> Result<T> {
        self.row(sql, args, |r| r.get(0)).await?.ok_or_else(|| {
            crate::StoreError::Corrupt(format!("no row where one was expected: {sql}"))
        })
    }
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
