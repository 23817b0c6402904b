//! [`Db`] on a PostgreSQL connection, awaited on the runtime.

use futures_util::TryStreamExt;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, PgConnection, Postgres};

use super::{Arg, Db, Dialect, Kind, Row};
use crate::Result;

/// A PostgreSQL connection (or a transaction on one) as a [`Db`].
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

    async fn rows<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        mut read: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut rows = bound(sql, args).fetch(&mut *self.0);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(read(&Row::Postgres(&row))?);
        }
        Ok(out)
    }

    async fn insert_events(
        &mut self,
        matter: luoshi_domain::MatterId,
        events: &[luoshi_domain::NewEvent],
    ) -> Result<Vec<luoshi_domain::EventId>> {
        crate::postgres::matters::insert_events(self.0, matter, events).await
    }
}
