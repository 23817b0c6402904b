//! The audit chain over the timeline's events and the administrators' actions: each link is a
//! hash (SM3, GB/T 32905, unless SHA-256 is chosen) of the link before it and of its row's
//! fields, written in the transaction that wrote the row; checked from the first link to the
//! last.

use rusqlite::{Connection, OptionalExtension, params};

use crate::chain::{Linked as Row, link};
use crate::{AdminAction, AuditHash, Result, StoreError};

/// The fields of an event as they are hashed, read straight from its row.
const EVENT_FIELDS: &str = "id, matter_id, kind, actor_id, coalesce(unit_id, ''), at, comment,
    coalesce(percent, ''), problems, next_steps, coalesce(new_deadline, '')";

/// An admin action's fields, as `chain::admin_fields` lays them out.
const ADMIN_FIELDS: &str = "'admin', id, coalesce(actor_id, ''), at, action, detail";

/// The row's fields, or `None` if the row is gone.
fn fields_of(conn: &Connection, row: Row) -> rusqlite::Result<Option<Vec<String>>> {
    let (sql, id, n) = match row {
        Row::Event(id) => (
            format!("SELECT {EVENT_FIELDS} FROM events WHERE id = ?"),
            id,
            11,
        ),
        Row::Admin(id) => (
            format!("SELECT {ADMIN_FIELDS} FROM admin_actions WHERE id = ?"),
            id,
            6,
        ),
    };
    conn.prepare_cached(&sql)?
        .query_row([id], |r| {
            (0..n)
                .map(|i| r.get::<_, rusqlite::types::Value>(i).map(text))
                .collect()
        })
        .optional()
}

fn text(v: rusqlite::types::Value) -> String {
    use rusqlite::types::Value::*;
    match v {
        Null => String::new(),
        Integer(i) => i.to_string(),
        Real(f) => f.to_string(),
        Text(t) => t,
        Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

/// The hash new links use.
fn chosen(conn: &Connection) -> rusqlite::Result<String> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'audit_hash'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| AuditHash::Sm3.as_str().to_string()))
}

pub fn choose(conn: &Connection, hash: AuditHash) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES ('audit_hash', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([hash.as_str()])?;
    Ok(())
}

/// Links the events and admin actions written since the last link, in order; called in the
/// transaction that wrote them (and once at start-up for rows written before the chain
/// existed).
pub fn extend(tx: &Connection) -> Result<()> {
    let algo = chosen(tx)?;
    let (mut seq, mut prev): (i64, String) = tx
        .prepare_cached("SELECT seq, hash FROM audit_links ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_default();
    let unlinked = |sql: &str| -> rusqlite::Result<Vec<i64>> {
        tx.prepare_cached(sql)?
            .query_map([], |r| r.get(0))?
            .collect()
    };
    let events = unlinked(
        "SELECT id FROM events
         WHERE id > (SELECT coalesce(max(event_id), 0) FROM audit_links) ORDER BY id",
    )?;
    let admin = unlinked(
        "SELECT id FROM admin_actions
         WHERE id > (SELECT coalesce(max(admin_id), 0) FROM audit_links) ORDER BY id",
    )?;
    let rows = events
        .into_iter()
        .map(Row::Event)
        .chain(admin.into_iter().map(Row::Admin));
    for row in rows {
        let fields = fields_of(tx, row)?.ok_or_else(|| {
            StoreError::Corrupt(format!("{} vanished while being linked", row.name()))
        })?;
        let hash = link(&algo, &prev, &fields).expect("the chosen hash is a known one");
        seq += 1;
        let (event, admin) = row.columns();
        tx.prepare_cached(
            "INSERT INTO audit_links (seq, event_id, admin_id, algo, hash) VALUES (?, ?, ?, ?, ?)",
        )?
        .execute(params![seq, event, admin, algo, hash])?;
        prev = hash;
    }
    Ok(())
}

/// Writes an admin action and links it, in one transaction.
pub fn record(conn: &mut Connection, action: &AdminAction) -> Result<()> {
    let tx = conn.transaction()?;
    tx.prepare_cached(
        "INSERT INTO admin_actions (actor_id, at, action, detail) VALUES (?, ?, ?, ?)",
    )?
    .execute(params![
        action.actor.map(|a| a.0),
        super::rows::ts(action.at),
        action.action,
        action.detail
    ])?;
    extend(&tx)?;
    tx.commit()?;
    Ok(())
}

/// The first row whose link does not hold, named, and why — a changed row, a removed one, or
/// one without a link; or how many links were checked when all hold.
pub fn verify(conn: &mut Connection) -> Result<std::result::Result<usize, (String, String)>> {
    // Walked as it is read, one link at a time: a province's chain has millions of links.
    let conn: &Connection = conn;
    let mut links =
        conn.prepare("SELECT event_id, admin_id, algo, hash FROM audit_links ORDER BY seq")?;
    let mut links = links.query([])?;
    let (mut prev, mut checked) = (String::new(), 0);
    while let Some(r) = links.next()? {
        let Some(row) = Row::from_columns(r.get(0)?, r.get(1)?) else {
            return Err(StoreError::Corrupt("a link names no row".into()));
        };
        let (algo, stored): (String, String) = (r.get(2)?, r.get(3)?);
        let Some(fields) = fields_of(conn, row)? else {
            return Ok(Err((row.name(), "it was removed".into())));
        };
        let Some(expected) = link(&algo, &prev, &fields) else {
            return Ok(Err((
                row.name(),
                format!("its link uses an unknown hash {algo:?}"),
            )));
        };
        if expected != stored {
            return Ok(Err((
                row.name(),
                "it or the link before it was changed".into(),
            )));
        }
        prev = stored;
        checked += 1;
    }
    let unlinked =
        |sql: &str| -> rusqlite::Result<Option<i64>> { conn.query_row(sql, [], |r| r.get(0)) };
    if let Some(id) = unlinked(
        "SELECT min(id) FROM events WHERE id NOT IN
         (SELECT event_id FROM audit_links WHERE event_id IS NOT NULL)",
    )? {
        return Ok(Err((
            Row::Event(id).name(),
            "it has no link in the chain".into(),
        )));
    }
    if let Some(id) = unlinked(
        "SELECT min(id) FROM admin_actions WHERE id NOT IN
         (SELECT admin_id FROM audit_links WHERE admin_id IS NOT NULL)",
    )? {
        return Ok(Err((
            Row::Admin(id).name(),
            "it has no link in the chain".into(),
        )));
    }
    Ok(Ok(checked))
}

/// The last link, (place, hash): written out beside the database so that cutting the tail
/// off shows.
pub fn head(conn: &mut Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_links ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Whether the link recorded earlier as the head is still in the chain.
pub fn holds(conn: &mut Connection, seq: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> = conn
        .query_row("SELECT hash FROM audit_links WHERE seq = ?", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored.as_deref() == Some(hash))
}
