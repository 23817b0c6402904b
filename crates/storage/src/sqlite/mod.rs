//! The embedded default: one SQLite file in WAL mode.
//!
//! Writes run on one dedicated thread that owns the only writing connection: a transaction is
//! handed over whole, runs without a hop back to the async runtime between its statements, and
//! concurrent writers queue in the process instead of failing with SQLITE_BUSY. Reads run on a
//! small pool of connections on threads of their own and never wait for the writer (WAL).

mod pool;

use std::path::{Path, PathBuf};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension};

use self::pool::Workers;
use crate::sql::{self, Access, Backend, Lite, Op};
use crate::store::SqlStore;
use crate::{Result, StoreError, SweepLease};

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
    include_str!("../../migrations/sqlite/0018_scope_orgs.sql"),
    include_str!("../../migrations/sqlite/0019_attachments.sql"),
    include_str!("../../migrations/sqlite/0020_instructions.sql"),
    include_str!("../../migrations/sqlite/0021_report_rules.sql"),
    include_str!("../../migrations/sqlite/0022_ladder_by_matter.sql"),
    include_str!("../../migrations/sqlite/0023_outbox_sms.sql"),
    include_str!("../../migrations/sqlite/0024_close_rating.sql"),
    include_str!("../../migrations/sqlite/0025_origins.sql"),
    include_str!("../../migrations/sqlite/0026_indicators.sql"),
];

/// The SQLite file and the threads that reach it.
pub struct Sqlite {
    /// One thread, the only one that writes.
    writer: Workers,
    readers: Workers,
    /// Sweeps in this process, one at a time. Sweeps from other processes on the same file need
    /// no lease to be correct: the single writer and the outbox's claims keep them apart.
    sweeping: std::sync::Arc<tokio::sync::Mutex<()>>,
}

pub type SqliteStore = SqlStore<Sqlite>;

/// Reading threads: enough to keep both cores of a small server busy while one waits on disk.
const READERS: usize = 4;

impl SqlStore<Sqlite> {
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
    /// than this build knows), that every kept file (attachments, letters) still hashes to the
    /// SHA-256 it is kept under, and how many matters it holds.
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
        check_blobs(&conn)
            .map_err(|why| StoreError::Corrupt(format!("{}: {why}", path.display())))?;
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
        Ok(SqlStore {
            backend: Sqlite {
                writer,
                readers,
                sweeping: Default::default(),
            },
        })
    }
}

/// The first kept file whose bytes no longer hash to the SHA-256 it is kept under: a page can
/// pass the integrity check and still carry altered bytes. Schemas from before files were kept
/// have none to check.
fn check_blobs(conn: &Connection) -> std::result::Result<(), String> {
    use sha2::{Digest, Sha256};
    let text = |e: rusqlite::Error| e.to_string();
    let has_blobs: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs')",
            [],
            |r| r.get(0),
        )
        .map_err(text)?;
    if !has_blobs {
        return Ok(());
    }
    let mut blobs = conn
        .prepare("SELECT sha256, bytes FROM blobs ORDER BY sha256")
        .map_err(text)?;
    let mut rows = blobs.query([]).map_err(text)?;
    while let Some(row) = rows.next().map_err(text)? {
        let kept: String = row.get(0).map_err(text)?;
        let bytes = row.get_ref(1).map_err(text)?;
        let actual: String = Sha256::digest(bytes.as_blob().map_err(|e| e.to_string())?)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if actual != kept {
            return Err(format!(
                "a kept file (attachment or letter) no longer matches its SHA-256 {kept}"
            ));
        }
    }
    Ok(())
}

/// Runs an operation on a connection in the transaction `access` asks for.
fn transact<T>(conn: &mut Connection, access: Access, op: Op<Sqlite, T>) -> Result<T> {
    // A transaction left open by an operation that panicked is not this one's to finish.
    if !conn.is_autocommit() {
        conn.execute_batch("ROLLBACK")?;
    }
    let begin = match access {
        Access::Read => None,
        // A deferred transaction reads one snapshot of the WAL.
        Access::Snapshot => Some("BEGIN"),
        // The writer's lock from the first statement: another process writing the same file
        // makes this one wait (busy_timeout) instead of failing halfway.
        Access::Write | Access::Chain => Some("BEGIN IMMEDIATE"),
    };
    if let Some(begin) = begin {
        conn.execute_batch(begin)?;
    }
    let out = sql::now(op(&mut Lite(&mut *conn)));
    if begin.is_some() {
        let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
        if let Err(e) = conn.execute_batch(end) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e.into());
        }
    }
    out
}

impl Backend for Sqlite {
    type Db<'d> = Lite<'d>;

    async fn run<T: Send + 'static>(&self, access: Access, op: Op<Self, T>) -> Result<T> {
        let workers = match access {
            Access::Read | Access::Snapshot => &self.readers,
            Access::Write | Access::Chain => &self.writer,
        };
        workers.run(move |conn| transact(conn, access, op)).await
    }

    async fn migrate(&self) -> Result<()> {
        self.writer.run(migrate).await
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

    async fn sweep_lease(&self) -> Result<Option<SweepLease>> {
        Ok(self
            .sweeping
            .clone()
            .try_lock_owned()
            .ok()
            .map(SweepLease::new))
    }

    async fn analyze(&self) -> Result<()> {
        // The planner's own heuristics choose the indexes these queries were written for;
        // statistics could only move it off them.
        Ok(())
    }
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

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod plans {
    use chrono::NaiveDate;
    use luoshi_domain::{Light, UnitId, Visibility};
    use rusqlite::Connection;

    use crate::MatterQuery;
    use crate::sql::{Arg, Dialect, Sql};

    /// The steps of the plan SQLite chooses for `sql`, one per line.
    fn plan(conn: &Connection, sql: &Sql) -> String {
        let mut stmt = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                sql.text.replace('$', "?")
            ))
            .unwrap();
        stmt.query_map(rusqlite::params_from_iter(sql.args.iter()), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect::<Vec<_>>()
        .join("\n")
    }

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::migrate(&mut conn).unwrap();
        conn
    }

    /// What a province's requests and sweeps run most, against the schema as migrated: each
    /// finds its rows through an index, and none reads the whole of `matters`.
    #[test]
    fn hot_queries_search_indexes_and_never_read_every_matter() {
        let conn = migrated();
        let d = Dialect::Sqlite;
        let province = MatterQuery {
            visibility: Visibility {
                org_ids: (1..=958).map(UnitId).collect(),
                ..Visibility::default()
            },
            ..MatterQuery::default()
        };
        let red_of_unit = MatterQuery {
            lights: vec![Light::Red],
            unit_id: Some(UnitId(5)),
            page: Some((50, 0)),
            ..province.clone()
        };
        let with_indicators = MatterQuery {
            scope: Some(UnitId(1)),
            states: vec![luoshi_domain::MatterState::InProgress],
            with_indicators: true,
            order: crate::Order::Number,
            ..province.clone()
        };
        let (tally, by_unit) = crate::tally::tally_sql(d, &province);
        let mut stale = Sql::new(d);
        stale.push(&crate::lights::stale_sql(d, 10));
        stale.args = vec![Arg::I64(0)];
        let days: Vec<NaiveDate> = (0..12)
            .map(|w| NaiveDate::from_ymd_opt(2026, 4, 12).unwrap() + chrono::Days::new(7 * w))
            .collect();
        for (name, sql) in [
            (
                "a unit's red list",
                crate::matters::select_sql(d, &red_of_unit, false),
            ),
            (
                "the matters with indicators",
                crate::matters::select_sql(d, &with_indicators, false),
            ),
            ("the tally by state, source and light", tally),
            ("the tally by unit", by_unit),
            (
                "the overdue trend",
                crate::tally::overdue_sql(d, &province, &days).unwrap(),
            ),
            ("stale lights", stale),
        ] {
            let plan = plan(&conn, &sql);
            // A partial index holds only the matters it is for: walking it is no full read.
            let reads_all = plan.lines().any(|l| {
                let step = l.trim_start_matches(['|', '-', '`', ' ']);
                step.starts_with("SCAN m") && !step.ends_with("USING INDEX matters_with_indicators")
            });
            assert!(!reads_all, "{name} reads every matter:\n{plan}");
        }
    }

    /// A province's whole scope is paged in the list's order, never sorted whole, and its
    /// count comes from the kept counts: no matter is read beyond the page.
    #[test]
    fn a_whole_scope_is_paged_in_order_without_sorting_or_counting_matters() {
        let conn = migrated();
        let scope = MatterQuery {
            scope: Some(UnitId(1)),
            page: Some((50, 0)),
            ..MatterQuery::default()
        };
        let plan = plan(
            &conn,
            &crate::matters::select_sql(Dialect::Sqlite, &scope, true),
        );
        assert!(
            plan.contains("USING INDEX matters_list_order")
                && !plan.contains("TEMP B-TREE FOR ORDER BY"),
            "the page is sorted, not read in order:\n{plan}"
        );
        assert!(
            !plan.contains("SCAN tally_scopes"),
            "the scope's orgs are not found by the scope:\n{plan}"
        );
    }

    /// An office's dashboard finds its kept counts by its scope's key: it reads no table from
    /// end to end, however many matters and scopes there are.
    #[test]
    fn kept_counts_are_read_by_scope_and_never_whole() {
        use crate::tally::kept::{DAYS, HEAT, MATTERS, UNITS};
        let conn = migrated();
        for (name, text) in [
            ("matters", MATTERS),
            ("units", UNITS),
            ("days", DAYS),
            ("heat", HEAT),
        ] {
            let params = (1..=9).filter(|i| text.contains(&format!("${i}"))).count();
            let mut sql = Sql::new(Dialect::Sqlite);
            sql.push(text);
            sql.args = vec![Arg::Null(crate::sql::Kind::I64); params];
            let plan = plan(&conn, &sql);
            let scans_a_table = plan.lines().any(|l| {
                let step = l.trim_start_matches(['|', '-', '`', ' ']);
                ["matters", "assignments", "tally_"]
                    .iter()
                    .any(|t| step.starts_with(&format!("SCAN {t}")))
            });
            assert!(!scans_a_table, "{name} reads a whole table:\n{plan}");
        }
    }
}
