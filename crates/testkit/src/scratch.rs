//! Databases made for one test and thrown away after it: a SQLite file in a temporary
//! directory, or a PostgreSQL database of its own, dropped when the test is done.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use luoshi_storage::Store;
use luoshi_storage::postgres::ScratchDatabase;
use sqlx::{Connection, Row, ValueRef};

use crate::Backend;

/// A fresh database on a backend, and a temporary directory for the test's files. Dropping it
/// removes both.
pub struct Scratch {
    dir: tempfile::TempDir,
    postgres: Option<ScratchDatabase>,
}

impl Scratch {
    /// A fresh database on the backend the running test is on.
    pub async fn new() -> Scratch {
        Scratch::on(&Backend::current()).await
    }

    pub async fn on(backend: &Backend) -> Scratch {
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres(server) => match ScratchDatabase::create(server).await {
                Ok(db) => Some(db),
                Err(e) => panic!("no database could be made on {server}: {e}"),
            },
        };
        Scratch {
            dir: tempfile::tempdir().unwrap(),
            postgres,
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.postgres.is_none()
    }

    /// A directory for the test's own files, outside the data directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The data directory: where `luoshi.toml` goes, and on SQLite `luoshi.db`. Not made yet,
    /// as an office's is not before its first start.
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The database's URL, as `--database-url` and `luoshi_storage::connect` take it.
    pub fn url(&self) -> String {
        match &self.postgres {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", self.data().join("luoshi.db").display()),
        }
    }

    /// The database opened as Luoshi opens it; each call is another connection, as another
    /// process would have.
    pub async fn store(&self) -> Arc<dyn Store> {
        luoshi_storage::connect(&self.url()).await.unwrap()
    }

    /// Runs statements straight on the database, past Luoshi, as someone holding it would.
    pub async fn execute(&self, sql: &str) {
        match &self.postgres {
            None => self.sqlite().execute_batch(sql).unwrap(),
            Some(db) => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
    }

    /// The rows a query answers, each value as text (`None` for NULL), read straight from the
    /// database.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match &self.postgres {
            None => {
                let conn = self.sqlite();
                let mut query = conn.prepare(sql).unwrap();
                let columns = query.column_count();
                query
                    .query_map([], |r| (0..columns).map(|i| r.get(i).map(text)).collect())
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Some(db) => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
                // The simple protocol sends every value as text, whatever its type.
                let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                rows.iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| {
                                let v = r.try_get_raw(i).unwrap();
                                (!v.is_null()).then(|| v.as_str().unwrap().to_string())
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }

    fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data().join("luoshi.db")).unwrap()
    }
}

fn text(v: rusqlite::types::Value) -> Option<String> {
    use rusqlite::types::Value;
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(r.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
    }
}
