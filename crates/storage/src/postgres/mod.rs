//! PostgreSQL, for deployments with several app processes on one database.
//!
//! Every method is one transaction, as on SQLite. What SQLite gets from its single writer is
//! made explicit here, because writers in other processes run at the same time:
//!
//! - Matter numbers come from a counter row bumped with an upsert, which locks the row until
//!   the transaction ends: gap-free and unique across processes.
//! - Every transaction that writes events, matters or assignments first takes the writers'
//!   advisory lock (`pg_advisory_xact_lock`, [`Access::Chain`]): the audit chain's links are made one writer at a
//!   time, in event order, and the dashboard's kept counts (updated by triggers) change one
//!   transaction at a time, which no two writers could then deadlock over.
//! - The outbox is claimed with `FOR UPDATE SKIP LOCKED` and a lease, so each message goes to
//!   one sender.
//! - One sweep at a time across processes: [`Store::sweep_lease`] holds
//!   `pg_try_advisory_xact_lock` in a transaction on a connection of its own.
//!
//! Backups are written by `pg_dump` (custom format, one consistent snapshot while the database
//! keeps serving) when it is on the PATH; without it `backup` fails and says to use pg_dump,
//! since a PostgreSQL database is backed up by PostgreSQL's own tools, not copied as a file.

mod scratch;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::sql::{Access, Backend, Op, Pg};
use crate::store::SqlStore;
use crate::{Result, StoreError, SweepLease};

pub use scratch::ScratchDatabase;

/// The schema, one file per step, applied in order and recorded in `schema_migrations`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/postgres/0002_imports.sql"),
    include_str!("../../migrations/postgres/0003_notifications.sql"),
    include_str!("../../migrations/postgres/0004_accountability.sql"),
    include_str!("../../migrations/postgres/0005_bulletins.sql"),
    include_str!("../../migrations/postgres/0006_letters.sql"),
    include_str!("../../migrations/postgres/0007_adjustments.sql"),
    include_str!("../../migrations/postgres/0008_audit_chain.sql"),
    include_str!("../../migrations/postgres/0009_login_failures.sql"),
    include_str!("../../migrations/postgres/0010_token_kinds.sql"),
    include_str!("../../migrations/postgres/0011_admin_actions.sql"),
    include_str!("../../migrations/postgres/0012_stored_lights.sql"),
    include_str!("../../migrations/postgres/0013_scope_tallies.sql"),
    include_str!("../../migrations/postgres/0014_unit_inbox.sql"),
    include_str!("../../migrations/postgres/0015_assignment_causes.sql"),
    include_str!("../../migrations/postgres/0016_office_setup.sql"),
    include_str!("../../migrations/postgres/0017_primary_liaison.sql"),
    include_str!("../../migrations/postgres/0018_scope_orgs.sql"),
    include_str!("../../migrations/postgres/0019_attachments.sql"),
    include_str!("../../migrations/postgres/0020_instructions.sql"),
    include_str!("../../migrations/postgres/0021_report_rules.sql"),
    include_str!("../../migrations/postgres/0022_ladder_by_matter.sql"),
    include_str!("../../migrations/postgres/0023_outbox_sms.sql"),
    include_str!("../../migrations/postgres/0024_close_rating.sql"),
    include_str!("../../migrations/postgres/0025_origins.sql"),
    include_str!("../../migrations/postgres/0026_indicators.sql"),
];

/// Advisory lock keys; advisory locks are per database, so these only meet other Luoshi
/// processes on the same database.
const CHAIN_LOCK: i64 = 0x4c75_6f73_6869_0001;
const SWEEP_LOCK: i64 = 0x4c75_6f73_6869_0002;
const MIGRATE_LOCK: i64 = 0x4c75_6f73_6869_0003;

/// Connections per process: enough for the requests of a busy instance, few enough that
/// several instances stay well inside PostgreSQL's default of 100.
const POOL_SIZE: u32 = 10;

/// The database's connections, and how to open one of its own for the sweep's lock.
pub struct Postgres {
    pool: PgPool,
    options: PgConnectOptions,
    url: String,
}

pub type PostgresStore = SqlStore<Postgres>;

impl SqlStore<Postgres> {
    /// Connects to the database at `url` (`postgres://…` or `postgresql://…`), creating the
    /// database first if the server has none of that name, as SQLite creates its file.
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("not a PostgreSQL URL: {e}").into()))?
            .application_name("luoshi")
            // Timestamps leave the database in UTC whatever the server's zone, as they are kept
            // on SQLite; nothing depends on it, but logs and folded documents read the same.
            // No JIT: Luoshi's statements are short, and a recursive query's row estimate is
            // high enough to set off compiling that costs ~200 ms for work taking 0.1 ms.
            .options([("TimeZone", "UTC"), ("jit", "off")]);
        // One plain connection first: a pool retries a refused connection until its timeout and
        // then reports only that it timed out, where this says why at once.
        match options.connect().await {
            Ok(probe) => {
                let _ = probe.close().await;
            }
            Err(e) if code(&e) == Some("3D000") => create_database(&options).await?,
            Err(e) => {
                return Err(StoreError::Backend(
                    format!(
                        "cannot connect to PostgreSQL at {}:{}: {e}",
                        options.get_host(),
                        options.get_port()
                    )
                    .into(),
                ));
            }
        }
        let pool = pool(&options).await?;
        Ok(SqlStore {
            backend: Postgres {
                pool,
                options,
                url: url.to_string(),
            },
        })
    }
}

/// A pooled connection idle for longer than this is pinged before it is handed out, since the
/// server or the network may have closed it meanwhile; one returned moments ago is not. Pinging
/// every time cost a round trip before each of a request's statements.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

async fn pool(options: &PgConnectOptions) -> std::result::Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(POOL_SIZE)
        .acquire_timeout(Duration::from_secs(30))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > CHECK_IDLE_AFTER {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options.clone())
        .await
}

fn code(e: &sqlx::Error) -> Option<&str> {
    e.as_database_error().and_then(|d| match d.code()? {
        std::borrow::Cow::Borrowed(c) => Some(c),
        std::borrow::Cow::Owned(_) => None,
    })
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn create_database(options: &PgConnectOptions) -> Result<()> {
    let name = options.get_database().unwrap_or_default().to_string();
    let mut admin = options.clone().database("postgres").connect().await?;
    let created = sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {}",
        quoted(&name)
    )))
    .execute(&mut admin)
    .await;
    let _ = admin.close().await;
    match created {
        Ok(_) => {
            tracing::info!(database = %name, "database created");
            Ok(())
        }
        // Another process created it first.
        Err(e) if code(&e) == Some("42P04") => Ok(()),
        Err(e) => Err(StoreError::Backend(
            format!("the database {name:?} does not exist and could not be created: {e}").into(),
        )),
    }
}

/// The URL without its password, and the password, so that pg_dump's command line (which any
/// local user can list) carries no secret.
fn without_password(url: &str) -> (String, Option<String>) {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    let authority = &url[start..end];
    let Some(at) = authority.rfind('@') else {
        return (url.to_string(), None);
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return (url.to_string(), None);
    };
    let password = percent_decode(&userinfo[colon + 1..]);
    let stripped = format!(
        "{}{}{}",
        &url[..start + colon],
        &authority[at..],
        &url[end..]
    );
    (stripped, Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Backend for Postgres {
    type Db<'d> = Pg<'d>;

    async fn run<T: Send + 'static>(&self, access: Access, op: Op<Self, T>) -> Result<T> {
        if access == Access::Read {
            let mut conn = self.pool.acquire().await?;
            return op(&mut Pg(&mut conn)).await;
        }
        let mut tx = self.pool.begin().await?;
        match access {
            Access::Snapshot => {
                sqlx::raw_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
            }
            Access::Chain => {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CHAIN_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            Access::Read | Access::Write => {}
        }
        let out = op(&mut Pg(&mut tx)).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn migrate(&self) -> Result<()> {
        for (step, sql) in MIGRATIONS.iter().enumerate() {
            let version = step as i32 + 1;
            // Each step in its own transaction, under a lock, so that app processes starting
            // together apply it once between them.
            let mut tx = self.pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(MIGRATE_LOCK)
                .execute(&mut *tx)
                .await?;
            sqlx::raw_sql(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    integer PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 )",
            )
            .execute(&mut *tx)
            .await?;
            let done: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
            )
            .bind(version)
            .fetch_one(&mut *tx)
            .await?;
            if done {
                continue;
            }
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)")
                .bind(version)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(step = version, "database schema migrated");
        }
        Ok(())
    }

    async fn backup(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::Backend(
                format!("{} already exists", to.display()).into(),
            ));
        }
        let (url, password) = without_password(&self.url);
        let mut cmd = tokio::process::Command::new("pg_dump");
        cmd.arg("--format=custom")
            .arg("--no-owner")
            .arg("--file")
            .arg(to)
            .arg("--dbname")
            .arg(&url)
            .stdin(std::process::Stdio::null());
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        let out = match cmd.output().await {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Backend(
                    "pg_dump was not found on the PATH: back up a PostgreSQL database with \
                     PostgreSQL's pg_dump (pg_dump --format=custom --file OUT URL) and restore \
                     it with pg_restore"
                        .into(),
                ));
            }
            Err(e) => return Err(StoreError::Backend(Box::new(e))),
        };
        if !out.status.success() {
            let _ = std::fs::remove_file(to);
            return Err(StoreError::Backend(
                format!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )
                .into(),
            ));
        }
        Ok(())
    }

    async fn sweep_lease(&self) -> Result<Option<SweepLease>> {
        // A connection of its own, outside the pool: the lock lives as long as its transaction,
        // and the transaction as long as the connection, which ends with the process if the
        // process dies mid-sweep.
        let mut conn: PgConnection = self.options.connect().await?;
        sqlx::raw_sql("BEGIN").execute(&mut conn).await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(SWEEP_LOCK)
            .fetch_one(&mut conn)
            .await?;
        if !got {
            let _ = conn.close().await;
            return Ok(None);
        }
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            // Resolves when the lease is dropped.
            let _ = released.await;
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
            let _ = conn.close().await;
        });
        Ok(Some(SweepLease::new(release)))
    }

    async fn analyze(&self) -> Result<()> {
        // Until autovacuum gets round to it, a freshly filled table has no statistics and the
        // planner guesses (a unit's red list took 1.8 s instead of 7 ms), and no page is marked
        // all-visible, so covering indexes still read the table (the dashboard's count by
        // state, source and light: 809 ms instead of 75 ms).
        sqlx::raw_sql("VACUUM ANALYZE").execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            without_password("postgres://luoshi:s%40cret@db:5432/luoshi?sslmode=disable"),
            (
                "postgres://luoshi@db:5432/luoshi?sslmode=disable".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".to_string(), None)
        );
    }
}
