//! Bulletins on SQLite.

use luoshi_domain::{MatterId, NewEvent, UnitId, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::{Json, to_json, ts, write_error};
use crate::bulletin::{BulletinRow, Case};
use crate::{Result, StoreError};

const COLUMNS: &str =
    "id, org_id, period, number, state, cases, document, created_by, created_at, published_at";

fn row(r: &Row<'_>) -> rusqlite::Result<BulletinRow> {
    let time = |s: Option<String>| {
        s.and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.to_utc())
    };
    Ok(BulletinRow {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        period: r.get(2)?,
        number: r.get(3)?,
        state: r.get(4)?,
        cases: r.get::<_, Json<Vec<Case>>>(5)?.0,
        document: r.get(6)?,
        created_by: UserId(r.get(7)?),
        created_at: time(r.get(8)?).unwrap_or_default(),
        published_at: time(r.get(9)?),
    })
}

pub fn list(conn: &mut Connection, org: UnitId) -> Result<Vec<BulletinRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM bulletins WHERE org_id = ? ORDER BY id DESC LIMIT 500"
    ))?;
    let rows = stmt
        .query_map([org.0], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn one(conn: &mut Connection, id: i64) -> Result<Option<BulletinRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM bulletins WHERE id = ?"))?
        .query_row([id], row)
        .optional()?)
}

/// Writes a bulletin (new when its id is 0) if it is still in the state `from` (`None` for a new
/// one), with the events publishing puts on its cases' timelines, in one transaction.
pub fn save(
    conn: &mut Connection,
    b: &BulletinRow,
    from: Option<&str>,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let tx = conn.transaction()?;
    let id = match from {
        None => tx
            .prepare_cached(
                "INSERT INTO bulletins (org_id, period, number, state, cases, document, created_by,
                     created_at, published_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )?
            .query_row(
                params![
                    b.org_id.0,
                    b.period,
                    b.number,
                    b.state,
                    to_json(&b.cases),
                    b.document,
                    b.created_by.0,
                    ts(b.created_at),
                    b.published_at.map(ts)
                ],
                |r| r.get(0),
            )
            .map_err(write_error)?,
        Some(state) => {
            let changed = tx
                .prepare_cached(
                    "UPDATE bulletins SET number = ?, state = ?, cases = ?, document = ?,
                         published_at = ? WHERE id = ? AND state = ?",
                )?
                .execute(params![
                    b.number,
                    b.state,
                    to_json(&b.cases),
                    b.document,
                    b.published_at.map(ts),
                    b.id,
                    state
                ])
                .map_err(write_error)?;
            if changed == 0 {
                return Err(StoreError::Conflict(format!("bulletin {} changed", b.id)));
            }
            b.id
        }
    };
    for (matter, event) in events {
        super::matters::insert_events(&tx, *matter, std::slice::from_ref(event))?;
    }
    tx.commit()?;
    Ok(id)
}
