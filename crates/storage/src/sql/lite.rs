//! [`Db`] on a SQLite connection: every call runs at once on the thread that owns it.

use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, Value};

use super::{Arg, Db, Dialect, Row};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Result, StoreError};

/// A SQLite connection, inside the transaction its backend began, as a [`Db`]. It holds the
/// connection by `&mut`, which makes it `Send` (a connection may move between threads, not be
/// shared by them) even though it never leaves its thread.
pub struct Lite<'c>(pub &'c mut rusqlite::Connection);

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Owned(match self {
            Arg::Null(_) => Value::Null,
            Arg::I64(v) => Value::Integer(*v),
            Arg::F64(v) => Value::Real(*v),
            Arg::Bool(v) => Value::Integer(i64::from(*v)),
            Arg::Text(v) => Value::Text(v.clone()),
            Arg::Bytes(v) => Value::Blob(v.clone()),
            Arg::Time(t) => Value::Text(ts(*t)),
            Arg::Date(d) => Value::Text(d.to_string()),
            Arg::Json(v) => Value::Text(v.to_string()),
            Arg::Ids(ids) => Value::Text(serde_json::to_string(ids).expect("ids serialise")),
            Arg::Texts(t) => Value::Text(serde_json::to_string(t).expect("texts serialise")),
        }))
    }
}

/// PostgreSQL's `$n` as SQLite's `?n`: the same numbered parameter.
fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Db for Lite<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let changed = stmt
            .execute(rusqlite::params_from_iter(args))
            .map_err(write_error)?;
        Ok(changed as u64)
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql).map_err(write_error)
    }

    async fn each(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut each: impl FnMut(&Row<'_>) -> Result<()> + Send,
    ) -> Result<()> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(args))
            .map_err(write_error)?;
        while let Some(row) = rows.next().map_err(write_error)? {
            each(&Row::Sqlite(row))?;
        }
        Ok(())
    }
}

/// Instants are stored as RFC 3339 in UTC with a fixed width, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt(e.to_string()),
            other => StoreError::Backend(Box::new(other)),
        }
    }
}

/// Unique and foreign-key violations are the caller's mistake, not the database's.
pub fn write_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    if let rusqlite::Error::SqliteFailure(err, ref msg) = e {
        let msg = msg.clone().unwrap_or_default();
        match err.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                return StoreError::Conflict(msg);
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::NotFound(msg),
            _ => {}
        }
    }
    StoreError::from(e)
}
