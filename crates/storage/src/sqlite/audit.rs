//! The audit chain over the timeline: SM3 (GB/T 32905) of the previous link and the event's
//! fields, written with the event in its transaction; checked from the first link to the last.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sm3::{Digest, Sm3};

use crate::{Result, StoreError};

const ALGO: &str = "sm3";

/// The fields of an event as they are hashed, read straight from its row.
const FIELDS: &str = "id, matter_id, kind, actor_id, coalesce(unit_id, ''), at, comment,
    coalesce(percent, ''), problems, next_steps, coalesce(new_deadline, '')";

fn link(prev: &str, fields: &[String]) -> String {
    let mut h = Sm3::new();
    h.update(prev.as_bytes());
    for f in fields {
        h.update([0x1f]);
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn fields_of(conn: &Connection, event: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(&format!("SELECT {FIELDS} FROM events WHERE id = ?"))?
        .query_row([event], |r| {
            (0..11)
                .map(|i| r.get::<_, rusqlite::types::Value>(i).map(text))
                .collect()
        })
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

/// Links the events from `first` on that have no link yet, in order; called in the transaction
/// that wrote them (and once at start-up for rows written before the chain existed).
pub fn extend(tx: &Transaction<'_>) -> Result<()> {
    let mut prev: String = tx
        .query_row(
            "SELECT hash FROM audit_chain ORDER BY event_id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let last: i64 = tx.query_row(
        "SELECT coalesce(max(event_id), 0) FROM audit_chain",
        [],
        |r| r.get(0),
    )?;
    let ids: Vec<i64> = tx
        .prepare_cached("SELECT id FROM events WHERE id > ? ORDER BY id")?
        .query_map([last], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let hash = link(&prev, &fields_of(tx, id)?);
        tx.prepare_cached("INSERT INTO audit_chain (event_id, algo, hash) VALUES (?, ?, ?)")?
            .execute(params![id, ALGO, hash])?;
        prev = hash;
    }
    Ok(())
}

/// The first event whose link does not hold, if any: a changed row, a removed one, or one
/// without a link. Returns how many links were checked when all hold.
pub fn verify(conn: &mut Connection) -> Result<std::result::Result<usize, (i64, String)>> {
    let rows: Vec<(i64, Option<String>)> = conn
        .prepare(
            "SELECT e.id, c.hash FROM events e LEFT JOIN audit_chain c ON c.event_id = e.id
             ORDER BY e.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let orphans: Option<i64> = conn
        .query_row(
            "SELECT min(event_id) FROM audit_chain WHERE event_id NOT IN (SELECT id FROM events)",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    if let Some(id) = orphans {
        return Ok(Err((id, "the event was removed".into())));
    }
    let mut prev = String::new();
    for (id, stored) in &rows {
        let Some(stored) = stored else {
            return Ok(Err((*id, "the event has no link in the chain".into())));
        };
        let expected = link(&prev, &fields_of(conn, *id)?);
        if &expected != stored {
            return Ok(Err((
                *id,
                "the event or the link before it was changed".into(),
            )));
        }
        prev = stored.clone();
    }
    Ok(Ok(rows.len()))
}

/// The last link: written out beside the database so that cutting the tail off shows.
pub fn head(conn: &mut Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT event_id, hash FROM audit_chain ORDER BY event_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Whether the link recorded earlier as the head is still in the chain.
pub fn holds(conn: &mut Connection, event: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit_chain WHERE event_id = ?",
            [event],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored.as_deref() == Some(hash))
}
