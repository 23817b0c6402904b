//! Throwaway databases on a PostgreSQL server, for tests and trial runs: each gets a fresh
//! database of its own, dropped again when the value is dropped.

use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::quoted;
use crate::{Result, StoreError};

pub struct ScratchDatabase {
    /// The new database's URL.
    pub url: String,
    name: String,
    server: String,
}

impl ScratchDatabase {
    /// Creates `luoshi_t_<random>` on the server that `server_url` names (any database there
    /// the user may connect to).
    pub async fn create(server_url: &str) -> Result<ScratchDatabase> {
        let name = format!("luoshi_t_{:016x}", random());
        let mut admin = options(server_url)?.connect().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {}",
            quoted(&name)
        )))
        .execute(&mut admin)
        .await?;
        // A throwaway database need not wait for the disk at each commit; a crash loses only
        // what the test would have thrown away.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {} SET synchronous_commit = off",
            quoted(&name)
        )))
        .execute(&mut admin)
        .await?;
        let _ = admin.close().await;
        Ok(ScratchDatabase {
            url: with_database(server_url, &name),
            name,
            server: server_url.to_string(),
        })
    }
}

impl ScratchDatabase {
    /// The variable naming the server that tests run their PostgreSQL variants on.
    pub const ENV: &'static str = "LUOSHI_TEST_POSTGRES";
}

fn options(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Backend(format!("not a PostgreSQL URL: {e}").into()))
}

fn random() -> u64 {
    // RandomState is seeded randomly per process and differs per instance.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// `url` with its database replaced by `name`, its other parts kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let host_from = base.find("://").map_or(0, |i| i + 3);
    let base = match base[host_from..].find('/') {
        Some(slash) => &base[..host_from + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop cannot wait on the caller's runtime (it may be the one running this drop), so
        // the database is dropped from a thread with a runtime of its own. FORCE ends the
        // connections a test's server still holds.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let mut admin = options(&server)
                    .map_err(|e| e.to_string())?
                    .connect()
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quoted(&name)
                )))
                .execute(&mut admin)
                .await
                .map_err(|e| e.to_string())?;
                let _ = admin.close().await;
                Ok::<(), String>(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database {}: {e}", self.name),
            Err(_) => eprintln!("could not drop the test database {}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn a_scratch_url_keeps_everything_but_the_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/test?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
