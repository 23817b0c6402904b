//! The embedded default: one SQLite file in WAL mode. Writes go through a single connection,
//! so concurrent requests queue in the process instead of failing with SQLITE_BUSY; reads use a
//! pool of their own and never wait for a writer.

mod matters;
mod rows;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use luoshi_domain::{
    Event, EventId, Matter, MatterId, NewEvent, Transition, Unit, UnitId, User, UserId,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::doc::{EventDoc, read_all};
use crate::{MatterQuery, NewUnit, NewUser, Result, Store, StoreError};

pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path` or `sqlite:path`).
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL loses nothing when the process dies; only a power cut can cost
            // the last transactions, which is the trade SQLite documents for WAL.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(false))
            .await?;
        Ok(SqliteStore { read, write })
    }

    /// Opens the database file `luoshi.db` in the directory `dir`.
    pub async fn open_dir(dir: &Path) -> Result<SqliteStore> {
        SqliteStore::connect(&format!("sqlite://{}", dir.join("luoshi.db").display())).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.write)
            .await?;
        Ok(())
    }

    async fn is_empty(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units")
            .fetch_one(&self.read)
            .await?;
        Ok(n == 0)
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query(
            "SELECT id, code, name, short_names, kind, parent_id FROM units ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(rows::unit).collect()
    }

    async fn insert_unit(&self, unit: &NewUnit) -> Result<UnitId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO units (code, name, short_names, kind, parent_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&unit.code)
        .bind(&unit.name)
        .bind(rows::to_json(&unit.short_names))
        .bind(unit.kind.as_str())
        .bind(unit.parent_id.map(|p| p.0))
        .fetch_one(&self.write)
        .await
        .map_err(StoreError::from_write)?;
        Ok(UnitId(id))
    }

    async fn insert_user(&self, user: &NewUser) -> Result<UserId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, unit_id, email, password_hash, in_charge_of, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(user.unit_id.0)
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(rows::to_json(&user.in_charge_of))
        .bind(Utc::now())
        .fetch_one(&self.write)
        .await
        .map_err(StoreError::from_write)?;
        Ok(UserId(id))
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("{} ORDER BY id", rows::USER_SELECT))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(rows::user).collect()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let row = sqlx::query(&format!("{} WHERE id = ?", rows::USER_SELECT))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!("{} WHERE username = ?", rows::USER_SELECT))
            .bind(username)
            .fetch_optional(&self.read)
            .await?;
        match row {
            Some(row) => Ok(Some((rows::user(&row)?, row.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn insert_token(
        &self,
        token_hash: &str,
        user: UserId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(user.0)
            .bind(now)
            .bind(expires_at)
            .execute(&self.write)
            .await
            .map_err(StoreError::from_write)?;
        Ok(())
    }

    async fn user_by_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "{} WHERE id = (SELECT user_id FROM api_tokens WHERE token_hash = ? AND expires_at > ?)",
            rows::USER_SELECT
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn create_matter(&self, matter: &Matter, events: &[NewEvent]) -> Result<Matter> {
        matters::create(&self.write, matter, events).await
    }

    async fn save_transition(
        &self,
        read_version: i64,
        transition: &Transition,
    ) -> Result<Vec<EventId>> {
        matters::save_transition(&self.write, read_version, transition).await
    }

    async fn matter(&self, id: MatterId) -> Result<Option<Matter>> {
        let query = MatterQuery::default();
        Ok(matters::select(&self.read, &query, Some(id)).await?.0.pop())
    }

    async fn events(&self, matter: MatterId) -> Result<Vec<Event>> {
        let timeline: Option<String> = sqlx::query_scalar(
            "SELECT json_group_array(json_object(
                 'id', id, 'matter_id', matter_id, 'kind', kind, 'actor_id', actor_id,
                 'unit_id', unit_id, 'at', at, 'comment', comment, 'percent', percent,
                 'problems', problems, 'next_steps', next_steps, 'new_deadline', new_deadline)
                 ORDER BY id)
             FROM events WHERE matter_id = ?",
        )
        .bind(matter.0)
        .fetch_one(&self.read)
        .await?;
        read_all(timeline.as_deref(), |d: EventDoc| Event::from(d))
    }

    async fn matters(&self, query: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
        matters::select(&self.read, query, None).await
    }
}
