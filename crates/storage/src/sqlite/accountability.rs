//! Accountability records on SQLite.

use luoshi_domain::accountability::{Accountability, AccountabilityState, Measure};
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{MatterId, NewEvent, UnitId, UserId};
use rusqlite::{Connection, Row, Transaction, params};

use super::rows::{Json, to_json, ts, write_error};
use crate::{Result, StoreError};

fn record(r: &Row<'_>) -> rusqlite::Result<Accountability> {
    let state: String = r.get(7)?;
    let measure: Option<String> = r.get(6)?;
    let time = |i: usize| -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(r.get::<_, Option<String>>(i)?
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.to_utc()))
    };
    Ok(Accountability {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        person: r.get(3)?,
        matter_ids: r.get::<_, Json<Vec<MatterId>>>(4)?.0,
        reason: r.get(5)?,
        measure: measure.as_deref().and_then(Measure::parse),
        state: AccountabilityState::parse(&state).unwrap_or(AccountabilityState::Proposed),
        key: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        created_at: time(9)?.unwrap_or_default(),
        decided_by: r.get::<_, Option<i64>>(10)?.map(UserId),
        decided_at: time(11)?,
    })
}

const COLUMNS: &str = "id, org_id, unit_id, person, matter_ids, reason, measure, state, key,
    created_at, decided_by, decided_at";

pub fn list(conn: &mut Connection, org: UnitId) -> Result<Vec<Accountability>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM accountability WHERE org_id = ?
         ORDER BY state = 'proposed' DESC, created_at DESC, id DESC LIMIT 1000"
    ))?;
    let rows = stmt
        .query_map([org.0], record)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Inserts a proposal unless its key was proposed before.
pub fn propose_in(tx: &Transaction<'_>, a: &Accountability) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, state, key,
             created_at)
         VALUES (?, ?, ?, ?, ?, 'proposed', ?, ?) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        a.org_id.0,
        a.unit_id.0,
        a.person,
        to_json(&a.matter_ids),
        a.reason,
        Some(a.key.as_str()).filter(|k| !k.is_empty()),
        ts(a.created_at)
    ])
    .map_err(write_error)?;
    Ok(())
}

/// Writes a decided (or dismissed) record — new when its id is 0 — with the events it puts on
/// its matters' timelines, in one transaction.
pub fn save(
    conn: &mut Connection,
    a: &Accountability,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let tx = conn.transaction()?;
    let id = if a.id == 0 {
        tx.prepare_cached(
            "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, measure,
                 state, created_at, decided_by, decided_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(
            params![
                a.org_id.0,
                a.unit_id.0,
                a.person,
                to_json(&a.matter_ids),
                a.reason,
                a.measure.map(|m| m.as_str()),
                a.state.as_str(),
                ts(a.created_at),
                a.decided_by.map(|u| u.0),
                a.decided_at.map(ts)
            ],
            |r| r.get(0),
        )
        .map_err(write_error)?
    } else {
        let changed = tx
            .prepare_cached(
                "UPDATE accountability SET reason = ?, measure = ?, state = ?, decided_by = ?,
                     decided_at = ?, person = ?
                 WHERE id = ? AND state = 'proposed'",
            )?
            .execute(params![
                a.reason,
                a.measure.map(|m| m.as_str()),
                a.state.as_str(),
                a.decided_by.map(|u| u.0),
                a.decided_at.map(ts),
                a.person,
                a.id
            ])
            .map_err(write_error)?;
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "accountability {} is no longer proposed",
                a.id
            )));
        }
        a.id
    };
    for (matter, event) in events {
        super::matters::insert_events(&tx, *matter, std::slice::from_ref(event))?;
    }
    tx.commit()?;
    Ok(id)
}

/// Writes a manual adjustment with the event it rests on, in one transaction.
pub fn adjust(
    conn: &mut Connection,
    matter: MatterId,
    event: &NewEvent,
    adjustment: &Adjustment,
) -> Result<luoshi_domain::EventId> {
    let tx = conn.transaction()?;
    let ids = super::matters::insert_events(&tx, matter, std::slice::from_ref(event))?;
    let id = ids[0];
    tx.prepare_cached(
        "INSERT INTO adjustments (event_id, matter_id, unit_id, points, reason, approver)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        id.0,
        matter.0,
        adjustment.unit_id.0,
        adjustment.points,
        adjustment.reason,
        adjustment.approver
    ])
    .map_err(write_error)?;
    tx.commit()?;
    Ok(id)
}

/// The adjustments on these matters.
pub fn adjustments(conn: &mut Connection, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, matter_id, unit_id, points, reason, approver FROM adjustments
         WHERE matter_id = ?",
    )?;
    for m in matters {
        let rows = stmt
            .query_map([m.0], |r| {
                Ok(Adjustment {
                    event_id: luoshi_domain::EventId(r.get(0)?),
                    matter_id: MatterId(r.get(1)?),
                    unit_id: UnitId(r.get(2)?),
                    points: r.get(3)?,
                    reason: r.get(4)?,
                    approver: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(rows);
    }
    Ok(out)
}
