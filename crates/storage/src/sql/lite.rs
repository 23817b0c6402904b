//! [`Db`] on a SQLite connection: every call runs at once on the thread that owns it.

use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, Value};

use super::{Arg, Db, Dialect, Row};
use crate::Result;
use crate::sqlite::rows::{ts, write_error};

/// A SQLite connection (or a transaction on one) as a [`Db`].
pub struct Lite<'c>(pub &'c rusqlite::Connection);

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

    async fn rows<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut read: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(args))
            .map_err(write_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(write_error)? {
            out.push(read(&Row::Sqlite(row))?);
        }
        Ok(out)
    }

    async fn insert_events(
        &mut self,
        matter: luoshi_domain::MatterId,
        events: &[luoshi_domain::NewEvent],
    ) -> Result<Vec<luoshi_domain::EventId>> {
        crate::sqlite::matters::insert_events(self.0, matter, events)
    }
}
