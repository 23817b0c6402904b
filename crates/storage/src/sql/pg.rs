//! [`Db`] on a PostgreSQL connection, awaited on the runtime.

use futures_util::TryStreamExt;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, PgConnection, Postgres};

use super::{Arg, Db, Dialect, Kind, Row};
use crate::{Result, StoreError};

/// A PostgreSQL connection, inside the transaction its backend began if any, as a [`Db`].
pub struct Pg<'c>(pub &'c mut PgConnection);

fn bound<'q>(sql: &'q str, args: &'q [Arg]) -> Query<'q, Postgres, PgArguments> {
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for arg in args {
        query = match arg {
            Arg::Null(kind) => match kind {
                Kind::I64 => query.bind(None::<i64>),
                Kind::F64 => query.bind(None::<f64>),
                Kind::Bool => query.bind(None::<bool>),
                Kind::Text => query.bind(None::<&str>),
                Kind::Bytes => query.bind(None::<&[u8]>),
                Kind::Time => query.bind(None::<chrono::DateTime<chrono::Utc>>),
                Kind::Date => query.bind(None::<chrono::NaiveDate>),
                Kind::Json => query.bind(None::<sqlx::types::Json<serde_json::Value>>),
            },
            Arg::I64(v) => query.bind(*v),
            Arg::F64(v) => query.bind(*v),
            Arg::Bool(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.as_str()),
            Arg::Bytes(v) => query.bind(v.as_slice()),
            Arg::Time(t) => query.bind(*t),
            Arg::Date(d) => query.bind(*d),
            Arg::Json(v) => query.bind(sqlx::types::Json(v)),
            Arg::Ids(ids) => query.bind(ids.as_slice()),
            Arg::Texts(t) => query.bind(t.as_slice()),
        };
    }
    query
}

impl Db for Pg<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        Ok(bound(sql, args)
            .execute(&mut *self.0)
            .await?
            .rows_affected())
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn each(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut each: impl FnMut(&Row<'_>) -> Result<()> + Send,
    ) -> Result<()> {
        let mut rows = bound(sql, args).fetch(&mut *self.0);
        while let Some(row) = rows.try_next().await? {
            each(&Row::Postgres(&row))?;
        }
        Ok(())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            // Unique and foreign-key violations are the caller's mistake, not the database's,
            // as on SQLite.
            match db.code().as_deref() {
                Some("23505") => return StoreError::Conflict(db.message().to_string()),
                Some("23503") => return StoreError::NotFound(db.message().to_string()),
                _ => {}
            }
        }
        match e {
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::Corrupt(e.to_string())
            }
            sqlx::Error::PoolClosed => StoreError::Closed,
            other => StoreError::Backend(Box::new(other)),
        }
    }
}
