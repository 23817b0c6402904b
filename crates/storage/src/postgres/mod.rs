//! PostgreSQL, for deployments with several app processes on one database.
//!
//! Every method is one transaction, as on SQLite. What SQLite gets from its single writer is
//! made explicit here, because writers in other processes run at the same time:
//!
//! - Matter numbers come from a counter row bumped with an upsert, which locks the row until
//!   the transaction ends: gap-free and unique across processes.
//! - Every transaction that writes events, matters or assignments first takes the writers'
//!   advisory lock (`pg_advisory_xact_lock`): the audit chain's links are made one writer at a
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

mod audit;
pub(crate) mod matters;
mod notify;
mod rows;
mod scratch;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::accountability::Accountability;
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{
    DayKind, Event, EventId, Matter, MatterId, NewEvent, Transition, Unit, UnitId, User, UserId,
};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{ConnectOptions, Connection, PgConnection, Postgres, Row, Transaction};

use self::rows::{TOKEN_SELECT, USER_SELECT};
use crate::accountability;
use crate::bulletin::{self, BulletinRow};
use crate::letter::{self, Letter};
use crate::notify::{Concern, Dispatch, InboxItem, Outgoing, Prefs, Unconfirmed};
use crate::sql::Pg;
use crate::{
    Account, AdminAction, AuditHash, LightStamp, MatterQuery, NewUnit, NewUser, Result,
    ScopeCounts, SignedIn, Store, StoreError, SweepLease, Tally, Token, TokenKind, UnitMerge,
    UnitMonth,
};

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
];

/// Works out again which units lie under which and every count kept per scope, after the
/// tree has changed shape: what the schema's triggers keep as units are added, made anew.
const RECOUNT_SCOPES: &str = "
    DELETE FROM unit_ancestors;
    DELETE FROM tally_scopes;
    DELETE FROM tally_matters;
    DELETE FROM tally_days;
    DELETE FROM tally_units;
    DELETE FROM tally_months;
    DELETE FROM tally_years;
    DELETE FROM tally_open_days;
    INSERT INTO unit_ancestors (unit_id, ancestor_id)
    WITH RECURSIVE up (unit_id, ancestor_id, next) AS (
        SELECT id, id, parent_id FROM units
        UNION ALL
        SELECT up.unit_id, u.id, u.parent_id FROM up JOIN units u ON u.id = up.next
    )
    SELECT unit_id, ancestor_id FROM up;
    INSERT INTO tally_scopes (org_id, scope_id)
    SELECT a.unit_id, a.ancestor_id FROM unit_ancestors a JOIN units u ON u.id = a.unit_id
    WHERE a.ancestor_id = a.unit_id OR u.kind IN ('government', 'township', 'street');
    SELECT tally_matters_apply(ARRAY(
        SELECT ROW(org_id, state, source, light, deadline, closed_at, 1)::tally_matter
        FROM matters));
    SELECT tally_assignments_apply(ARRAY(
        SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light,
                   1)::tally_assignment
        FROM assignments a JOIN matters m ON m.id = a.matter_id));
";

/// Advisory lock keys; advisory locks are per database, so these only meet other Luoshi
/// processes on the same database.
const CHAIN_LOCK: i64 = 0x4c75_6f73_6869_0001;
const SWEEP_LOCK: i64 = 0x4c75_6f73_6869_0002;
const MIGRATE_LOCK: i64 = 0x4c75_6f73_6869_0003;

/// Connections per process: enough for the requests of a busy instance, few enough that
/// several instances stay well inside PostgreSQL's default of 100.
const POOL_SIZE: u32 = 10;

pub struct PostgresStore {
    pool: PgPool,
    options: PgConnectOptions,
    url: String,
}

impl PostgresStore {
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
        Ok(PostgresStore {
            pool,
            options,
            url: url.to_string(),
        })
    }

    /// A transaction that may write events, matters or assignments: it holds the writers' lock
    /// from its first statement.
    async fn write(&self) -> Result<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// A connection for one statement, which is its own transaction.
    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Postgres>> {
        Ok(self.pool.acquire().await?)
    }
}

async fn pool(options: &PgConnectOptions) -> std::result::Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(POOL_SIZE)
        .acquire_timeout(Duration::from_secs(30))
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

#[async_trait]
impl Store for PostgresStore {
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
        // Events written before the chain existed are linked once, in order.
        let mut tx = self.write().await?;
        audit::extend(&mut tx).await?;
        tx.commit().await?;
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

    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> Result<Vec<usize>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT key, count(*) FROM login_failures WHERE key = ANY($1) AND at >= $2
             GROUP BY key",
        )
        .bind(keys.to_vec())
        .bind(since)
        .fetch_all(&mut *self.conn().await?)
        .await?;
        Ok(keys
            .iter()
            .map(|k| {
                rows.iter()
                    .find(|(key, _)| key == k)
                    .map_or(0, |(_, n)| *n as usize)
            })
            .collect())
    }

    async fn record_login(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        failed: bool,
        prune_before: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(prune_before)
            .execute(&mut *tx)
            .await?;
        if failed {
            sqlx::query(
                "INSERT INTO login_failures (key, at) SELECT k, $2 FROM unnest($1::text[]) k",
            )
            .bind(keys.to_vec())
            .bind(at)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM login_failures WHERE key = ANY($1)")
                .bind(keys.to_vec())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_admin(&self, action: &AdminAction) -> Result<()> {
        let mut tx = self.write().await?;
        audit::record(&mut tx, action).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn analyze(&self) -> Result<()> {
        // Until autovacuum gets round to it, a freshly filled table has no statistics and the
        // planner guesses (a unit's red list took 1.8 s instead of 7 ms), and no page is marked
        // all-visible, so covering indexes still read the table (the dashboard's count by
        // state, source and light: 809 ms instead of 75 ms).
        sqlx::raw_sql("VACUUM ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn choose_audit_hash(&self, hash: AuditHash) -> Result<()> {
        audit::choose(&mut *self.conn().await?, hash).await
    }

    async fn audit_verify(&self) -> Result<std::result::Result<usize, (String, String)>> {
        let mut tx = self.pool.begin().await?;
        sqlx::raw_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let verdict = audit::verify(&mut tx).await?;
        tx.commit().await?;
        Ok(verdict)
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        audit::head(&mut *self.conn().await?).await
    }

    async fn audit_holds(&self, seq: i64, hash: &str) -> Result<bool> {
        audit::holds(&mut *self.conn().await?, seq, hash).await
    }

    async fn is_empty(&self) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM units)")
                .fetch_one(&mut *self.conn().await?)
                .await?,
        )
    }

    async fn has_admin(&self) -> Result<bool> {
        Ok(sqlx::query_scalar(crate::HAS_ADMIN)
            .fetch_one(&mut *self.conn().await?)
            .await?)
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query(
            "SELECT id, code, name, short_names, kind, parent_id FROM units ORDER BY id",
        )
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter().map(rows::unit).collect()
    }

    async fn retired_units(&self) -> Result<Vec<UnitId>> {
        let ids: Vec<i64> = sqlx::query_scalar(crate::RETIRED_UNITS)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        Ok(ids.into_iter().map(UnitId).collect())
    }

    async fn set_unit_retired(&self, unit: UnitId, at: Option<DateTime<Utc>>) -> Result<()> {
        sqlx::query(crate::SET_RETIRED)
            .bind(unit.0)
            .bind(at)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    async fn rename_unit(&self, unit: UnitId, name: &str, short_names: &[String]) -> Result<()> {
        sqlx::query(crate::RENAME_UNIT)
            .bind(unit.0)
            .bind(name)
            .bind(Json(short_names))
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    async fn move_unit(&self, unit: UnitId, parent: Option<UnitId>) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE units SET parent_id = $2 WHERE id = $1")
            .bind(unit.0)
            .bind(parent.map(|p| p.0))
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(RECOUNT_SCOPES).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn merge_units(&self, m: &UnitMerge) -> Result<Vec<MatterId>> {
        let mut tx = self.write().await?;
        let (from, into) = (m.from.0, m.into.0);
        let numbers: bool = sqlx::query_scalar(crate::NUMBERS_MATTERS)
            .bind(from)
            .fetch_one(&mut *tx)
            .await?;
        if numbers {
            return Err(StoreError::Conflict(crate::MERGE_OF_ORG.into()));
        }
        let matters: Vec<MatterId> = sqlx::query_scalar(crate::MERGED_MATTERS)
            .bind(from)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(MatterId)
            .collect();
        for sql in crate::MERGE_UNIT {
            sqlx::query(*sql)
                .bind(from)
                .bind(into)
                .execute(&mut *tx)
                .await?;
        }
        let leaders: Vec<(i64, Json<Vec<UnitId>>)> =
            sqlx::query_as(crate::IN_CHARGE).fetch_all(&mut *tx).await?;
        for (id, units) in leaders {
            if let Some(after) = crate::in_charge_after_merge(&units.0, m.from, m.into) {
                sqlx::query(crate::SET_IN_CHARGE)
                    .bind(id)
                    .bind(Json(after))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(crate::SET_RETIRED)
            .bind(from)
            .bind(m.event.at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE units SET short_names = $2 WHERE id = $1")
            .bind(into)
            .bind(Json(&m.into_short_names))
            .execute(&mut *tx)
            .await?;
        let events: Vec<(MatterId, &NewEvent)> = matters.iter().map(|id| (*id, &m.event)).collect();
        matters::insert_all(&mut tx, &events).await?;
        sqlx::raw_sql(RECOUNT_SCOPES).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(matters)
    }

    async fn insert_unit(&self, u: &NewUnit) -> Result<UnitId> {
        let id = sqlx::query_scalar(
            "INSERT INTO units (code, name, short_names, kind, parent_id)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&u.code)
        .bind(&u.name)
        .bind(Json(&u.short_names))
        .bind(u.kind.as_str())
        .bind(u.parent_id.map(|p| p.0))
        .fetch_one(&mut *self.conn().await?)
        .await?;
        Ok(UnitId(id))
    }

    async fn insert_user(&self, u: &NewUser) -> Result<UserId> {
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, unit_id, email, password_hash,
                 in_charge_of, created_at, phone, must_change_password)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(u.unit_id.0)
        .bind(&u.email)
        .bind(&u.password_hash)
        .bind(Json(&u.in_charge_of))
        .bind(Utc::now())
        .bind(&u.phone)
        .bind(u.must_change_password)
        .fetch_one(&mut *self.conn().await?)
        .await?;
        Ok(UserId(id))
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_SELECT} ORDER BY id")))
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter().map(rows::user).collect()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_SELECT} WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_SELECT} ORDER BY id")))
            .fetch_all(&mut *self.conn().await?)
            .await?;
        rows.iter().map(rows::account).collect()
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_SELECT} WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(&mut *self.conn().await?)
            .await?;
        row.as_ref().map(rows::account).transpose()
    }

    async fn save_account(&self, a: &Account) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(crate::SAVE_ACCOUNT)
            .bind(a.user.id.0)
            .bind(&a.user.display_name)
            .bind(a.user.role.as_str())
            .bind(a.user.unit_id.0)
            .bind(&a.user.email)
            .bind(&a.phone)
            .bind(Json(&a.user.in_charge_of))
            .bind(a.disabled)
            .bind(a.primary_liaison)
            .execute(&mut *tx)
            .await?;
        if a.primary_liaison {
            sqlx::query(crate::ONE_PRIMARY)
                .bind(a.user.id.0)
                .bind(a.user.unit_id.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(Account, String)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{USER_SELECT} WHERE username = $1 AND NOT disabled"
        )))
        .bind(username)
        .fetch_optional(&mut *self.conn().await?)
        .await?;
        row.map(|r| Ok((rows::account(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    async fn insert_token(&self, t: &Token) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at, kind, name,
                 scope)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&t.hash)
        .bind(t.user_id.0)
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(t.kind.as_str())
        .bind(&t.name)
        .bind(t.scope.as_str())
        .fetch_one(&mut *self.conn().await?)
        .await?)
    }

    async fn delete_token(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    async fn delete_tokens_of(&self, user: UserId) -> Result<Vec<String>> {
        let mut tx = self.pool.begin().await?;
        let names = sqlx::query_scalar(crate::PROGRAM_TOKEN_NAMES)
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(names)
    }

    async fn revoke_token(&self, user: UserId, id: i64) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.0)
            .execute(&mut *self.conn().await?)
            .await?
            .rows_affected();
        Ok(deleted == 1)
    }

    async fn tokens_of(&self, user: UserId, kind: TokenKind) -> Result<Vec<Token>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{TOKEN_SELECT} WHERE user_id = $1 AND kind = $2 ORDER BY id DESC"
        )))
        .bind(user.0)
        .bind(kind.as_str())
        .fetch_all(&mut *self.conn().await?)
        .await?;
        rows.iter().map(rows::token).collect()
    }

    async fn user_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedIn>> {
        let mut c = self.conn().await?;
        let token = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{TOKEN_SELECT} WHERE token_hash = $1 AND expires_at > $2"
        )))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *c)
        .await?;
        let Some(token) = token.as_ref().map(rows::token).transpose()? else {
            return Ok(None);
        };
        let account = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{USER_SELECT} WHERE id = $1 AND NOT disabled"
        )))
        .bind(token.user_id.0)
        .fetch_optional(&mut *c)
        .await?;
        Ok(account
            .as_ref()
            .map(rows::account)
            .transpose()?
            .map(|a| SignedIn {
                user: a.user,
                token,
                must_change_password: a.must_change_password,
            }))
    }

    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    async fn set_password(&self, user: UserId, password_hash: &str, one_time: bool) -> Result<()> {
        sqlx::query(crate::SET_PASSWORD)
            .bind(user.0)
            .bind(password_hash)
            .bind(one_time)
            .execute(&mut *self.conn().await?)
            .await?;
        Ok(())
    }

    async fn create_matters(&self, batch: &[(Matter, Vec<NewEvent>)]) -> Result<Vec<Matter>> {
        let mut tx = self.write().await?;
        let created = matters::create(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn import_matters(
        &self,
        batch: &[(Matter, Vec<NewEvent>, String)],
    ) -> Result<Vec<Matter>> {
        let mut tx = self.write().await?;
        let created = matters::import(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn latest_reports(
        &self,
        ids: &[MatterId],
    ) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
        matters::latest_reports(&mut *self.conn().await?, ids).await
    }

    async fn calendar_days(&self) -> Result<Vec<(NaiveDate, DayKind, String)>> {
        notify::calendar_days(&mut *self.conn().await?).await
    }

    async fn save_calendar_days(&self, days: &[(NaiveDate, DayKind, String)]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        notify::save_calendar_days(&mut tx, days).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn adjust(
        &self,
        matter: MatterId,
        event: &NewEvent,
        adjustment: &Adjustment,
    ) -> Result<EventId> {
        let mut tx = self.write().await?;
        let id = accountability::adjust(&mut Pg(&mut tx), matter, event, adjustment).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn adjustments(&self, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
        accountability::adjustments(&mut Pg(&mut *self.conn().await?), matters).await
    }

    async fn save_letter(&self, letter: &Letter, bytes: &[u8]) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id = letter::save(&mut Pg(&mut tx), letter, bytes).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn letters(&self, org: UnitId, year: i32) -> Result<Vec<Letter>> {
        letter::list(&mut Pg(&mut *self.conn().await?), org, year).await
    }

    async fn letter_file(&self, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
        letter::file(&mut Pg(&mut *self.conn().await?), id).await
    }

    async fn bulletins(&self, org: UnitId) -> Result<Vec<BulletinRow>> {
        bulletin::list(&mut Pg(&mut *self.conn().await?), org).await
    }

    async fn bulletin(&self, id: i64) -> Result<Option<BulletinRow>> {
        bulletin::one(&mut Pg(&mut *self.conn().await?), id).await
    }

    async fn save_bulletin(
        &self,
        b: &BulletinRow,
        from: Option<&str>,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = bulletin::save(&mut Pg(&mut tx), b, from, events).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn accountability(&self, org: UnitId) -> Result<Vec<Accountability>> {
        accountability::list(&mut Pg(&mut *self.conn().await?), org).await
    }

    async fn save_accountability(
        &self,
        record: &Accountability,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = accountability::save(&mut Pg(&mut tx), record, events).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn concerns(&self) -> Result<Vec<Concern>> {
        notify::concerns(&mut *self.conn().await?).await
    }

    async fn dispatch(&self, dispatch: &Dispatch) -> Result<usize> {
        let mut tx = self.pool.begin().await?;
        let new = notify::dispatch_in(&mut tx, dispatch).await?;
        tx.commit().await?;
        Ok(new)
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>> {
        notify::claim(&mut *self.conn().await?, now, lease_until, limit).await
    }

    async fn outbox_sent(&self, id: &str, at: DateTime<Utc>) -> Result<()> {
        notify::sent(&mut *self.conn().await?, id, at).await
    }

    async fn retry_delivery(&self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        let changed = sqlx::query(crate::RETRY_DELIVERY)
            .bind(id)
            .bind(at)
            .execute(&mut *self.conn().await?)
            .await?
            .rows_affected();
        Ok(changed == 1)
    }

    async fn outbox_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        notify::failed(&mut *self.conn().await?, id, error, retry_at).await
    }

    async fn outbox(&self, failed_only: bool) -> Result<Vec<Outgoing>> {
        notify::outbox(&mut *self.conn().await?, failed_only).await
    }

    async fn inbox(&self, user: UserId) -> Result<Vec<InboxItem>> {
        notify::inbox(&mut *self.conn().await?, user).await
    }

    async fn unconfirmed(&self, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>> {
        notify::unconfirmed(&mut *self.conn().await?, before).await
    }

    async fn prefs(&self) -> Result<Vec<(UserId, Prefs)>> {
        notify::prefs(&mut *self.conn().await?).await
    }

    async fn save_prefs(&self, user: UserId, prefs: Prefs) -> Result<()> {
        notify::save_prefs(&mut *self.conn().await?, user, prefs).await
    }

    async fn unread(&self, user: UserId) -> Result<usize> {
        notify::unread(&mut *self.conn().await?, user).await
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: &str,
        at: DateTime<Utc>,
        confirm: bool,
    ) -> Result<bool> {
        notify::mark(&mut *self.conn().await?, user, id, at, confirm).await
    }

    async fn imported(&self, org: UnitId, keys: &[String]) -> Result<Vec<String>> {
        matters::imported(&mut *self.conn().await?, org, keys).await
    }

    async fn save_transition(
        &self,
        before: &Matter,
        transition: &Transition,
        dispatch: &Dispatch,
    ) -> Result<Vec<EventId>> {
        let mut tx = self.write().await?;
        let ids = matters::save_transition(&mut tx, before, transition, dispatch).await?;
        tx.commit().await?;
        Ok(ids)
    }

    async fn matter(&self, id: MatterId) -> Result<Option<Matter>> {
        matters::one(&mut *self.conn().await?, id).await
    }

    async fn returned_to(&self, unit: UnitId) -> Result<Vec<(MatterId, String)>> {
        let found: Vec<(i64, String)> = sqlx::query_as(crate::RETURNED_TO)
            .bind(unit.0)
            .fetch_all(&mut *self.conn().await?)
            .await?;
        Ok(found
            .into_iter()
            .map(|(id, why)| (MatterId(id), why))
            .collect())
    }

    async fn matter_with_events(&self, id: MatterId) -> Result<Option<(Matter, Vec<Event>)>> {
        matters::with_events(&mut *self.conn().await?, id).await
    }

    async fn events_of(&self, matters: &[MatterId]) -> Result<Vec<Event>> {
        matters::events_of(&mut *self.conn().await?, matters).await
    }

    async fn descendants(&self, roots: &[MatterId]) -> Result<Vec<Matter>> {
        matters::descendants(&mut *self.conn().await?, roots).await
    }

    async fn matters(&self, query: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
        matters::select(&mut *self.conn().await?, query).await
    }

    async fn stale_lights(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Option<String>, Vec<Matter>)> {
        matters::stale_lights(&mut *self.conn().await?, now, limit).await
    }

    async fn save_lights(&self, stamps: &[LightStamp]) -> Result<usize> {
        let mut tx = self.write().await?;
        let saved = matters::save_lights(&mut tx, stamps).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn reset_lights(&self, basis: &str) -> Result<()> {
        let mut tx = self.write().await?;
        matters::reset_lights(&mut tx, basis).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn tally(&self, query: &MatterQuery) -> Result<Tally> {
        matters::tally(&mut *self.conn().await?, query).await
    }

    async fn overdue_counts(&self, query: &MatterQuery, days: &[NaiveDate]) -> Result<Vec<usize>> {
        matters::overdue_counts(&mut *self.conn().await?, query, days).await
    }

    async fn due_by_unit_month(
        &self,
        query: &MatterQuery,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<UnitMonth>> {
        matters::due_by_unit_month(&mut *self.conn().await?, query, from, to, today).await
    }

    async fn scope_counts(
        &self,
        scope: UnitId,
        days: &[NaiveDate],
        today: NaiveDate,
        heat_rows: usize,
    ) -> Result<ScopeCounts> {
        matters::scope_counts(&mut *self.conn().await?, scope, days, today, heat_rows).await
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
