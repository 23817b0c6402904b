//! The embedded default: one SQLite file in WAL mode.
//!
//! Writes run on one dedicated thread that owns the only writing connection: a transaction is
//! handed over whole, runs without a hop back to the async runtime between its statements, and
//! concurrent writers queue in the process instead of failing with SQLITE_BUSY. Reads run on a
//! small pool of connections in blocking tasks and never wait for the writer (WAL).

mod audit;
pub(crate) mod matters;
mod notify;
mod pool;
pub(crate) mod rows;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::accountability::Accountability;
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{
    DayKind, Event, EventId, Matter, MatterId, NewEvent, Transition, Unit, UnitId, User, UserId,
};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, params};

use self::pool::Workers;
use self::rows::{TOKEN_SELECT, USER_SELECT, to_json, ts};
use crate::accountability;
use crate::bulletin::{self, BulletinRow};
use crate::letter::{self, Letter};
use crate::notify::{Concern, Dispatch, InboxItem, Outgoing, Prefs, Unconfirmed};
use crate::sql::{self, Lite};
use crate::{
    Account, AdminAction, AuditHash, LightStamp, MatterQuery, NewUnit, NewUser, Result,
    ScopeCounts, SignedIn, Store, StoreError, SweepLease, Tally, Token, TokenKind, UnitMerge,
    UnitMonth,
};

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
    INSERT INTO tally_matter_delta
    SELECT org_id, state, source, light, deadline, closed_at, 1, 1 FROM matters;
    INSERT INTO tally_assignment_delta
    SELECT m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light, 1, 1
    FROM assignments a JOIN matters m ON m.id = a.matter_id;
";

/// The schema, one file per step, applied in order and counted in `PRAGMA user_version`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_init.sql"),
    include_str!("../../migrations/sqlite/0002_imports.sql"),
    include_str!("../../migrations/sqlite/0003_notifications.sql"),
    include_str!("../../migrations/sqlite/0004_accountability.sql"),
    include_str!("../../migrations/sqlite/0005_bulletins.sql"),
    include_str!("../../migrations/sqlite/0006_letters.sql"),
    include_str!("../../migrations/sqlite/0007_adjustments.sql"),
    include_str!("../../migrations/sqlite/0008_audit_chain.sql"),
    include_str!("../../migrations/sqlite/0009_login_failures.sql"),
    include_str!("../../migrations/sqlite/0010_token_kinds.sql"),
    include_str!("../../migrations/sqlite/0011_admin_actions.sql"),
    include_str!("../../migrations/sqlite/0012_stored_lights.sql"),
    include_str!("../../migrations/sqlite/0013_scope_tallies.sql"),
    include_str!("../../migrations/sqlite/0014_unit_inbox.sql"),
    include_str!("../../migrations/sqlite/0015_assignment_causes.sql"),
    include_str!("../../migrations/sqlite/0016_office_setup.sql"),
    include_str!("../../migrations/sqlite/0017_primary_liaison.sql"),
];

pub struct SqliteStore {
    /// One thread, the only one that writes.
    writer: Workers,
    readers: Workers,
    /// Sweeps in this process, one at a time. Sweeps from other processes on the same file need
    /// no lease to be correct: the single writer and the outbox's claims keep them apart.
    sweeping: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// Reading threads: enough to keep both cores of a small server busy while one waits on disk.
const READERS: usize = 4;

impl SqliteStore {
    /// Opens the database at `url` (`sqlite://PATH` or `sqlite:PATH`), creating the file and
    /// its directory if needed.
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::Backend(format!("not a SQLite URL: {url}").into()))?;
        SqliteStore::open(PathBuf::from(path)).await
    }

    /// Opens the database file `luoshi.db` in the directory `dir`.
    pub async fn open_dir(dir: &Path) -> Result<SqliteStore> {
        SqliteStore::open(dir.join("luoshi.db")).await
    }

    /// Checks a database file without changing it: its integrity, its schema version (not newer
    /// than this build knows) and how many matters it holds.
    pub fn verify_file(path: &Path) -> Result<(u32, i64)> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| {
                StoreError::Backend(format!("cannot open {}: {e}", path.display()).into())
            })?;
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("{}: {check}", path.display())));
        }
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 || version as usize > MIGRATIONS.len() {
            return Err(StoreError::Corrupt(format!(
                "{} is not a Luoshi database this build can read (schema {version})",
                path.display()
            )));
        }
        let matters: i64 = conn.query_row("SELECT COUNT(*) FROM matters", [], |r| r.get(0))?;
        Ok((version, matters))
    }

    async fn open(path: PathBuf) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Backend(format!("cannot create {}: {e}", dir.display()).into())
            })?;
        }
        // The writer first: it creates the file and turns on WAL before any reader opens it.
        let writer = Workers::start(&path, "writer", 1).await?;
        let readers = Workers::start(&path, "reader", READERS).await?;
        Ok(SqliteStore {
            writer,
            readers,
            sweeping: Default::default(),
        })
    }
}

/// Runs a shared operation in one transaction on the writer's connection.
fn in_transaction<T>(
    conn: &mut Connection,
    op: impl AsyncFnOnce(&mut Lite<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction()?;
    let out = sql::now(op(&mut Lite(&tx)))?;
    tx.commit()?;
    Ok(out)
}

/// Settings every connection gets.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // In WAL mode, synchronous=NORMAL keeps every committed transaction when the process dies;
    // only a power cut can cost the last few, which is the trade SQLite documents for WAL.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )?;
    // Pages are read through a memory map of the file rather than a system call and a copy
    // each: a province's dashboard reads hundreds of thousands of rows. The map is address
    // space, not memory; the operating system's page cache is shared by every connection.
    conn.pragma_update(None, "mmap_size", 1i64 << 34)?;
    // Without the query planner stability guarantee SQLite re-prepares a cached statement
    // whenever a parameter it planned around (LIMIT, OFFSET, a LIKE pattern) gets a new value;
    // with it, a cached statement is planned once.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // A step may rebuild a table others refer to, which SQLite allows only with foreign keys
    // off (they cannot be switched inside a transaction); each step is checked before it
    // commits instead.
    conn.pragma_update(None, "foreign_keys", false)?;
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(done.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Corrupt(format!(
                "schema step {} leaves rows of {table} referring to nothing",
                step + 1
            )));
        }
        tx.pragma_update(None, "user_version", (step + 1) as i64)?;
        tx.commit()?;
        tracing::info!(step = step + 1, "database schema migrated");
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    // Events written before the chain existed are linked once, in order.
    let tx = conn.transaction()?;
    audit::extend(&tx)?;
    tx.commit()?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> Result<Vec<usize>> {
        let keys = keys.to_vec();
        self.readers
            .run(move |c| {
                let mut stmt = c.prepare_cached(
                    "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
                )?;
                let mut out = Vec::new();
                for k in &keys {
                    let n: i64 = stmt.query_row(params![k, ts(since)], |r| r.get(0))?;
                    out.push(n as usize);
                }
                Ok(out)
            })
            .await
    }

    async fn record_login(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        failed: bool,
        prune_before: DateTime<Utc>,
    ) -> Result<()> {
        let keys = keys.to_vec();
        self.writer
            .run(move |c| {
                let tx = c.transaction()?;
                tx.execute(
                    "DELETE FROM login_failures WHERE at < ?",
                    [ts(prune_before)],
                )?;
                for k in &keys {
                    if failed {
                        tx.execute(
                            "INSERT INTO login_failures (key, at) VALUES (?, ?)",
                            params![k, ts(at)],
                        )?;
                    } else {
                        tx.execute("DELETE FROM login_failures WHERE key = ?", [k])?;
                    }
                }
                tx.commit()?;
                Ok(())
            })
            .await
    }

    async fn audit_verify(&self) -> Result<std::result::Result<usize, (String, String)>> {
        self.readers.run(audit::verify).await
    }

    async fn record_admin(&self, action: &AdminAction) -> Result<()> {
        let action = action.clone();
        self.writer.run(move |c| audit::record(c, &action)).await
    }

    async fn analyze(&self) -> Result<()> {
        // The planner's own heuristics choose the indexes these queries were written for;
        // statistics could only move it off them.
        Ok(())
    }

    async fn choose_audit_hash(&self, hash: AuditHash) -> Result<()> {
        self.writer.run(move |c| audit::choose(c, hash)).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.readers.run(audit::head).await
    }

    async fn audit_holds(&self, seq: i64, hash: &str) -> Result<bool> {
        let hash = hash.to_string();
        self.readers.run(move |c| audit::holds(c, seq, &hash)).await
    }

    async fn backup(&self, to: &Path) -> Result<()> {
        let to = to.to_string_lossy().into_owned();
        // VACUUM INTO reads one consistent snapshot while writers carry on, and writes a compact
        // copy that needs no WAL beside it.
        self.readers
            .run(move |c| {
                c.execute("VACUUM INTO ?", [to])
                    .map(|_| ())
                    .map_err(|e| StoreError::Backend(format!("backup failed: {e}").into()))
            })
            .await
    }

    async fn migrate(&self) -> Result<()> {
        self.writer.run(migrate).await
    }

    async fn sweep_lease(&self) -> Result<Option<SweepLease>> {
        Ok(self
            .sweeping
            .clone()
            .try_lock_owned()
            .ok()
            .map(SweepLease::new))
    }

    async fn is_empty(&self) -> Result<bool> {
        self.readers
            .run(|c| Ok(c.query_row("SELECT NOT EXISTS (SELECT 1 FROM units)", [], |r| r.get(0))?))
            .await
    }

    async fn has_admin(&self) -> Result<bool> {
        self.readers
            .run(|c| Ok(c.query_row(crate::HAS_ADMIN, [], |r| r.get(0))?))
            .await
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        self.readers
            .run(|c| {
                let mut stmt = c.prepare_cached(
                    "SELECT id, code, name, short_names, kind, parent_id FROM units ORDER BY id",
                )?;
                let rows = stmt.query_map([], rows::unit)?;
                rows.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn retired_units(&self) -> Result<Vec<UnitId>> {
        self.readers
            .run(|c| {
                let mut stmt = c.prepare_cached(crate::RETIRED_UNITS)?;
                let ids = stmt.query_map([], |r| r.get(0).map(UnitId))?;
                ids.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn set_unit_retired(&self, unit: UnitId, at: Option<DateTime<Utc>>) -> Result<()> {
        self.writer
            .run(move |c| {
                c.prepare_cached(&rows::shared(crate::SET_RETIRED))?
                    .execute(params![unit.0, at.map(ts)])?;
                Ok(())
            })
            .await
    }

    async fn rename_unit(&self, unit: UnitId, name: &str, short_names: &[String]) -> Result<()> {
        let (name, short_names) = (name.to_string(), to_json(&short_names));
        self.writer
            .run(move |c| {
                c.prepare_cached(&rows::shared(crate::RENAME_UNIT))?
                    .execute(params![unit.0, name, short_names])?;
                Ok(())
            })
            .await
    }

    async fn move_unit(&self, unit: UnitId, parent: Option<UnitId>) -> Result<()> {
        self.writer
            .run(move |c| {
                let tx = c.transaction()?;
                tx.prepare_cached("UPDATE units SET parent_id = ? WHERE id = ?")?
                    .execute(params![parent.map(|p| p.0), unit.0])?;
                tx.execute_batch(RECOUNT_SCOPES)?;
                tx.commit()?;
                Ok(())
            })
            .await
    }

    async fn merge_units(&self, merge: &UnitMerge) -> Result<Vec<MatterId>> {
        let m = merge.clone();
        self.writer
            .run(move |c| {
                let tx = c.transaction()?;
                let (from, into) = (m.from.0, m.into.0);
                let numbers: bool = tx
                    .prepare_cached(&rows::shared(crate::NUMBERS_MATTERS))?
                    .query_row([from], |r| r.get(0))?;
                if numbers {
                    return Err(StoreError::Conflict(crate::MERGE_OF_ORG.into()));
                }
                let matters: Vec<MatterId> = tx
                    .prepare_cached(&rows::shared(crate::MERGED_MATTERS))?
                    .query_map([from], |r| r.get(0).map(MatterId))?
                    .collect::<rusqlite::Result<_>>()?;
                for sql in crate::MERGE_UNIT {
                    tx.prepare_cached(&rows::shared(sql))?
                        .execute(params![from, into])?;
                }
                let leaders: Vec<(i64, rows::Json<Vec<UnitId>>)> = tx
                    .prepare_cached(crate::IN_CHARGE)?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (id, units) in leaders {
                    if let Some(after) = crate::in_charge_after_merge(&units.0, m.from, m.into) {
                        tx.prepare_cached(&rows::shared(crate::SET_IN_CHARGE))?
                            .execute(params![id, to_json(&after)])?;
                    }
                }
                tx.prepare_cached(&rows::shared(crate::SET_RETIRED))?
                    .execute(params![from, ts(m.event.at)])?;
                tx.prepare_cached("UPDATE units SET short_names = ? WHERE id = ?")?
                    .execute(params![to_json(&m.into_short_names), into])?;
                for matter in &matters {
                    matters::insert_events(&tx, *matter, std::slice::from_ref(&m.event))?;
                }
                tx.execute_batch(RECOUNT_SCOPES)?;
                tx.commit()?;
                Ok(matters)
            })
            .await
    }

    async fn insert_unit(&self, unit: &NewUnit) -> Result<UnitId> {
        let u = unit.clone();
        self.writer
            .run(move |c| {
                let id = c
                    .prepare_cached(
                        "INSERT INTO units (code, name, short_names, kind, parent_id)
                         VALUES (?, ?, ?, ?, ?) RETURNING id",
                    )?
                    .query_row(
                        params![
                            u.code,
                            u.name,
                            to_json(&u.short_names),
                            u.kind.as_str(),
                            u.parent_id.map(|p| p.0)
                        ],
                        |r| r.get(0),
                    )
                    .map_err(rows::write_error)?;
                Ok(UnitId(id))
            })
            .await
    }

    async fn insert_user(&self, user: &NewUser) -> Result<UserId> {
        let u = user.clone();
        self.writer
            .run(move |c| {
                let id = c
                    .prepare_cached(
                        "INSERT INTO users (username, display_name, role, unit_id, email,
                             password_hash, in_charge_of, created_at, phone, must_change_password)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    )?
                    .query_row(
                        params![
                            u.username,
                            u.display_name,
                            u.role.as_str(),
                            u.unit_id.0,
                            u.email,
                            u.password_hash,
                            to_json(&u.in_charge_of),
                            ts(Utc::now()),
                            u.phone,
                            u.must_change_password,
                        ],
                        |r| r.get(0),
                    )
                    .map_err(rows::write_error)?;
                Ok(UserId(id))
            })
            .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.readers
            .run(|c| {
                let mut stmt = c.prepare_cached(&format!("{USER_SELECT} ORDER BY id"))?;
                let rows = stmt.query_map([], rows::user)?;
                rows.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.readers
            .run(move |c| {
                let mut stmt = c.prepare_cached(&format!("{USER_SELECT} WHERE id = ?"))?;
                Ok(stmt.query_row([id.0], rows::user).optional()?)
            })
            .await
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        self.readers
            .run(|c| {
                let mut stmt = c.prepare_cached(&format!("{USER_SELECT} ORDER BY id"))?;
                let rows = stmt.query_map([], rows::account)?;
                rows.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>> {
        self.readers
            .run(move |c| {
                Ok(c.prepare_cached(&format!("{USER_SELECT} WHERE id = ?"))?
                    .query_row([id.0], rows::account)
                    .optional()?)
            })
            .await
    }

    async fn save_account(&self, account: &Account) -> Result<()> {
        let a = account.clone();
        self.writer
            .run(move |c| {
                let tx = c.transaction()?;
                tx.prepare_cached(&rows::shared(crate::SAVE_ACCOUNT))?
                    .execute(params![
                        a.user.id.0,
                        a.user.display_name,
                        a.user.role.as_str(),
                        a.user.unit_id.0,
                        a.user.email,
                        a.phone,
                        to_json(&a.user.in_charge_of),
                        a.disabled,
                        a.primary_liaison,
                    ])
                    .map_err(rows::write_error)?;
                if a.primary_liaison {
                    tx.prepare_cached(&rows::shared(crate::ONE_PRIMARY))?
                        .execute(params![a.user.id.0, a.user.unit_id.0])?;
                }
                tx.commit()?;
                Ok(())
            })
            .await
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(Account, String)>> {
        let username = username.to_string();
        self.readers
            .run(move |c| {
                let mut stmt = c.prepare_cached(&format!(
                    "{USER_SELECT} WHERE username = ? AND NOT disabled"
                ))?;
                let found = stmt
                    .query_row([username], |r| {
                        Ok((rows::account(r)?, r.get("password_hash")?))
                    })
                    .optional()?;
                Ok(found)
            })
            .await
    }

    async fn insert_token(&self, token: &Token) -> Result<i64> {
        let t = token.clone();
        self.writer
            .run(move |c| {
                c.prepare_cached(
                    "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at, kind,
                         name, scope) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )?
                .execute(params![
                    t.hash,
                    t.user_id.0,
                    ts(t.created_at),
                    ts(t.expires_at),
                    t.kind.as_str(),
                    t.name,
                    t.scope.as_str()
                ])
                .map_err(rows::write_error)?;
                Ok(c.last_insert_rowid())
            })
            .await
    }

    async fn delete_tokens_of(&self, user: UserId) -> Result<Vec<String>> {
        self.writer
            .run(move |c| {
                let tx = c.transaction()?;
                let names = tx
                    .prepare_cached(&rows::shared(crate::PROGRAM_TOKEN_NAMES))?
                    .query_map([user.0], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                tx.prepare_cached("DELETE FROM api_tokens WHERE user_id = ?")?
                    .execute([user.0])?;
                tx.commit()?;
                Ok(names)
            })
            .await
    }

    async fn delete_token(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_string();
        self.writer
            .run(move |c| {
                c.prepare_cached("DELETE FROM api_tokens WHERE token_hash = ?")?
                    .execute([token_hash])?;
                Ok(())
            })
            .await
    }

    async fn revoke_token(&self, user: UserId, id: i64) -> Result<bool> {
        self.writer
            .run(move |c| {
                Ok(
                    c.prepare_cached("DELETE FROM api_tokens WHERE id = ? AND user_id = ?")?
                        .execute(params![id, user.0])?
                        == 1,
                )
            })
            .await
    }

    async fn tokens_of(&self, user: UserId, kind: TokenKind) -> Result<Vec<Token>> {
        self.readers
            .run(move |c| {
                let mut stmt = c.prepare_cached(&format!(
                    "{TOKEN_SELECT} WHERE user_id = ? AND kind = ? ORDER BY id DESC"
                ))?;
                let rows = stmt.query_map(params![user.0, kind.as_str()], rows::token)?;
                rows.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn user_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedIn>> {
        let token_hash = token_hash.to_string();
        self.readers
            .run(move |c| {
                let token = c
                    .prepare_cached(&format!(
                        "{TOKEN_SELECT} WHERE token_hash = ? AND expires_at > ?"
                    ))?
                    .query_row(params![token_hash, ts(now)], rows::token)
                    .optional()?;
                let Some(token) = token else { return Ok(None) };
                let account = c
                    .prepare_cached(&format!("{USER_SELECT} WHERE id = ? AND NOT disabled"))?
                    .query_row([token.user_id.0], rows::account)
                    .optional()?;
                Ok(account.map(|a| SignedIn {
                    user: a.user,
                    token,
                    must_change_password: a.must_change_password,
                }))
            })
            .await
    }

    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.writer
            .run(move |c| {
                c.prepare_cached("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")?
                    .execute(params![ts(at), id])?;
                Ok(())
            })
            .await
    }

    async fn set_password(&self, user: UserId, password_hash: &str, one_time: bool) -> Result<()> {
        let hash = password_hash.to_string();
        self.writer
            .run(move |c| {
                c.prepare_cached(&rows::shared(crate::SET_PASSWORD))?
                    .execute(params![user.0, hash, one_time])?;
                Ok(())
            })
            .await
    }

    async fn create_matters(&self, matters: &[(Matter, Vec<NewEvent>)]) -> Result<Vec<Matter>> {
        let batch = matters.to_vec();
        self.writer.run(move |c| matters::create(c, &batch)).await
    }

    async fn import_matters(
        &self,
        batch: &[(Matter, Vec<NewEvent>, String)],
    ) -> Result<Vec<Matter>> {
        let batch = batch.to_vec();
        self.writer.run(move |c| matters::import(c, &batch)).await
    }

    async fn latest_reports(
        &self,
        ids: &[MatterId],
    ) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
        let ids = ids.to_vec();
        self.readers
            .run(move |c| matters::latest_reports(c, &ids))
            .await
    }

    async fn imported(&self, org: UnitId, keys: &[String]) -> Result<Vec<String>> {
        let keys = keys.to_vec();
        self.readers
            .run(move |c| matters::imported(c, org, &keys))
            .await
    }

    async fn save_transition(
        &self,
        before: &Matter,
        transition: &Transition,
        dispatch: &Dispatch,
    ) -> Result<Vec<EventId>> {
        let (before, t, d) = (before.clone(), transition.clone(), dispatch.clone());
        self.writer
            .run(move |c| matters::save_transition(c, &before, &t, &d))
            .await
    }

    async fn calendar_days(&self) -> Result<Vec<(NaiveDate, DayKind, String)>> {
        self.readers.run(notify::calendar_days).await
    }

    async fn save_calendar_days(&self, days: &[(NaiveDate, DayKind, String)]) -> Result<()> {
        let days = days.to_vec();
        self.writer
            .run(move |c| notify::save_calendar_days(c, &days))
            .await
    }

    async fn adjust(
        &self,
        matter: MatterId,
        event: &NewEvent,
        adjustment: &Adjustment,
    ) -> Result<EventId> {
        let (e, a) = (event.clone(), adjustment.clone());
        self.writer
            .run(move |c| {
                in_transaction(c, async |db| {
                    accountability::adjust(db, matter, &e, &a).await
                })
            })
            .await
    }

    async fn adjustments(&self, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
        let ids = matters.to_vec();
        self.readers
            .run(move |c| sql::now(accountability::adjustments(&mut Lite(c), &ids)))
            .await
    }

    async fn save_letter(&self, letter: &Letter, bytes: &[u8]) -> Result<i64> {
        let (l, b) = (letter.clone(), bytes.to_vec());
        self.writer
            .run(move |c| in_transaction(c, async |db| letter::save(db, &l, &b).await))
            .await
    }

    async fn letters(&self, org: UnitId, year: i32) -> Result<Vec<Letter>> {
        self.readers
            .run(move |c| sql::now(letter::list(&mut Lite(c), org, year)))
            .await
    }

    async fn letter_file(&self, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
        self.readers
            .run(move |c| sql::now(letter::file(&mut Lite(c), id)))
            .await
    }

    async fn bulletins(&self, org: UnitId) -> Result<Vec<BulletinRow>> {
        self.readers
            .run(move |c| sql::now(bulletin::list(&mut Lite(c), org)))
            .await
    }

    async fn bulletin(&self, id: i64) -> Result<Option<BulletinRow>> {
        self.readers
            .run(move |c| sql::now(bulletin::one(&mut Lite(c), id)))
            .await
    }

    async fn save_bulletin(
        &self,
        b: &BulletinRow,
        from: Option<&str>,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let (b, from, e) = (b.clone(), from.map(str::to_string), events.to_vec());
        self.writer
            .run(move |c| {
                in_transaction(c, async |db| {
                    bulletin::save(db, &b, from.as_deref(), &e).await
                })
            })
            .await
    }

    async fn accountability(&self, org: UnitId) -> Result<Vec<Accountability>> {
        self.readers
            .run(move |c| sql::now(accountability::list(&mut Lite(c), org)))
            .await
    }

    async fn save_accountability(
        &self,
        record: &Accountability,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let (a, e) = (record.clone(), events.to_vec());
        self.writer
            .run(move |c| in_transaction(c, async |db| accountability::save(db, &a, &e).await))
            .await
    }

    async fn concerns(&self) -> Result<Vec<Concern>> {
        self.readers.run(|c| notify::concerns(c)).await
    }

    async fn dispatch(&self, dispatch: &Dispatch) -> Result<usize> {
        let d = dispatch.clone();
        self.writer.run(move |c| notify::dispatch(c, &d)).await
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>> {
        self.writer
            .run(move |c| notify::claim(c, now, lease_until, limit))
            .await
    }

    async fn outbox_sent(&self, id: &str, at: DateTime<Utc>) -> Result<()> {
        let id = id.to_string();
        self.writer.run(move |c| notify::sent(c, &id, at)).await
    }

    async fn outbox_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let (id, error) = (id.to_string(), error.to_string());
        self.writer
            .run(move |c| notify::failed(c, &id, &error, retry_at))
            .await
    }

    async fn outbox(&self, failed_only: bool) -> Result<Vec<Outgoing>> {
        self.readers
            .run(move |c| notify::outbox(c, failed_only))
            .await
    }

    async fn retry_delivery(&self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        let id = id.to_string();
        self.writer
            .run(move |c| {
                let changed = c
                    .prepare_cached(&rows::shared(crate::RETRY_DELIVERY))?
                    .execute(params![id, ts(at)])?;
                Ok(changed == 1)
            })
            .await
    }

    async fn inbox(&self, user: UserId) -> Result<Vec<InboxItem>> {
        self.readers.run(move |c| notify::inbox(c, user)).await
    }

    async fn unconfirmed(&self, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>> {
        self.readers
            .run(move |c| notify::unconfirmed(c, before))
            .await
    }

    async fn prefs(&self) -> Result<Vec<(UserId, Prefs)>> {
        self.readers.run(notify::prefs).await
    }

    async fn save_prefs(&self, user: UserId, prefs: Prefs) -> Result<()> {
        self.writer
            .run(move |c| notify::save_prefs(c, user, prefs))
            .await
    }

    async fn unread(&self, user: UserId) -> Result<usize> {
        self.readers.run(move |c| notify::unread(c, user)).await
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: &str,
        at: DateTime<Utc>,
        confirm: bool,
    ) -> Result<bool> {
        let id = id.to_string();
        self.writer
            .run(move |c| notify::mark(c, user, &id, at, confirm))
            .await
    }

    async fn matter(&self, id: MatterId) -> Result<Option<Matter>> {
        self.readers.run(move |c| matters::one(c, id)).await
    }

    async fn returned_to(&self, unit: UnitId) -> Result<Vec<(MatterId, String)>> {
        self.readers
            .run(move |c| {
                let mut stmt = c.prepare_cached(&rows::shared(crate::RETURNED_TO))?;
                let found = stmt.query_map([unit.0], |r| Ok((MatterId(r.get(0)?), r.get(1)?)))?;
                found.map(|r| r.map_err(StoreError::from)).collect()
            })
            .await
    }

    async fn matter_with_events(&self, id: MatterId) -> Result<Option<(Matter, Vec<Event>)>> {
        self.readers
            .run(move |c| match matters::one(c, id)? {
                Some(m) => Ok(Some((m, matters::events(c, id)?))),
                None => Ok(None),
            })
            .await
    }

    async fn descendants(&self, roots: &[MatterId]) -> Result<Vec<Matter>> {
        let ids = roots.to_vec();
        self.readers
            .run(move |c| matters::descendants(c, &ids))
            .await
    }

    async fn events_of(&self, matters: &[MatterId]) -> Result<Vec<Event>> {
        let ids = matters.to_vec();
        self.readers.run(move |c| matters::events_of(c, &ids)).await
    }

    async fn matters(&self, query: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
        let q = query.clone();
        self.readers.run(move |c| matters::select(c, &q)).await
    }

    async fn stale_lights(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Option<String>, Vec<Matter>)> {
        self.readers
            .run(move |c| matters::stale_lights(c, now, limit))
            .await
    }

    async fn save_lights(&self, stamps: &[LightStamp]) -> Result<usize> {
        let stamps = stamps.to_vec();
        self.writer
            .run(move |c| matters::save_lights(c, &stamps))
            .await
    }

    async fn reset_lights(&self, basis: &str) -> Result<()> {
        let basis = basis.to_string();
        self.writer
            .run(move |c| matters::reset_lights(c, &basis))
            .await
    }

    async fn tally(&self, query: &MatterQuery) -> Result<Tally> {
        let q = query.clone();
        self.readers.run(move |c| matters::tally(c, &q)).await
    }

    async fn overdue_counts(&self, query: &MatterQuery, days: &[NaiveDate]) -> Result<Vec<usize>> {
        let (q, days) = (query.clone(), days.to_vec());
        self.readers
            .run(move |c| matters::overdue_counts(c, &q, &days))
            .await
    }

    async fn due_by_unit_month(
        &self,
        query: &MatterQuery,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<UnitMonth>> {
        let q = query.clone();
        self.readers
            .run(move |c| matters::due_by_unit_month(c, &q, from, to, today))
            .await
    }

    async fn scope_counts(
        &self,
        scope: UnitId,
        days: &[NaiveDate],
        today: NaiveDate,
        heat_rows: usize,
    ) -> Result<ScopeCounts> {
        let days = days.to_vec();
        self.readers
            .run(move |c| matters::scope_counts(c, scope, &days, today, heat_rows))
            .await
    }
}
