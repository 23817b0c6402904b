//! Accountability records and manual adjustments on PostgreSQL.

use luoshi_domain::accountability::{Accountability, AccountabilityState, Measure};
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{EventId, MatterId, NewEvent, UnitId, UserId};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use crate::{Result, StoreError};

fn record(r: &PgRow) -> Result<Accountability> {
    let state: String = r.try_get("state")?;
    let measure: Option<String> = r.try_get("measure")?;
    Ok(Accountability {
        id: r.try_get("id")?,
        org_id: UnitId(r.try_get("org_id")?),
        unit_id: UnitId(r.try_get("unit_id")?),
        person: r.try_get("person")?,
        matter_ids: r.try_get::<Json<Vec<MatterId>>, _>("matter_ids")?.0,
        reason: r.try_get("reason")?,
        measure: measure.as_deref().and_then(Measure::parse),
        state: AccountabilityState::parse(&state).unwrap_or(AccountabilityState::Proposed),
        key: r.try_get::<Option<String>, _>("key")?.unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        decided_by: r.try_get::<Option<i64>, _>("decided_by")?.map(UserId),
        decided_at: r.try_get("decided_at")?,
    })
}

pub async fn list(conn: &mut PgConnection, org: UnitId) -> Result<Vec<Accountability>> {
    let rows = sqlx::query(
        "SELECT id, org_id, unit_id, person, matter_ids, reason, measure, state, key,
             created_at, decided_by, decided_at
         FROM accountability WHERE org_id = $1
         ORDER BY state = 'proposed' DESC, created_at DESC, id DESC LIMIT 1000",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(record).collect()
}

/// Inserts a proposal unless its key was proposed before.
pub async fn propose_in(tx: &mut PgConnection, a: &Accountability) -> Result<()> {
    sqlx::query(
        "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, state, key,
             created_at)
         VALUES ($1, $2, $3, $4, $5, 'proposed', $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(a.org_id.0)
    .bind(a.unit_id.0)
    .bind(&a.person)
    .bind(Json(&a.matter_ids))
    .bind(&a.reason)
    .bind(Some(a.key.as_str()).filter(|k| !k.is_empty()))
    .bind(a.created_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// Writes a decided (or dismissed) record — new when its id is 0 — with the events it puts on
/// its matters' timelines, in the caller's transaction.
pub async fn save(
    tx: &mut PgConnection,
    a: &Accountability,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let id = if a.id == 0 {
        sqlx::query_scalar(
            "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, measure,
                 state, created_at, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(a.org_id.0)
        .bind(a.unit_id.0)
        .bind(&a.person)
        .bind(Json(&a.matter_ids))
        .bind(&a.reason)
        .bind(a.measure.map(|m| m.as_str()))
        .bind(a.state.as_str())
        .bind(a.created_at)
        .bind(a.decided_by.map(|u| u.0))
        .bind(a.decided_at)
        .fetch_one(&mut *tx)
        .await?
    } else {
        let changed = sqlx::query(
            "UPDATE accountability SET reason = $1, measure = $2, state = $3, decided_by = $4,
                 decided_at = $5, person = $6
             WHERE id = $7 AND state = 'proposed'",
        )
        .bind(&a.reason)
        .bind(a.measure.map(|m| m.as_str()))
        .bind(a.state.as_str())
        .bind(a.decided_by.map(|u| u.0))
        .bind(a.decided_at)
        .bind(&a.person)
        .bind(a.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "accountability {} is no longer proposed",
                a.id
            )));
        }
        a.id
    };
    for (matter, event) in events {
        super::matters::insert_events(tx, *matter, std::slice::from_ref(event)).await?;
    }
    Ok(id)
}

/// Writes a manual adjustment with the event it rests on, in the caller's transaction.
pub async fn adjust(
    tx: &mut PgConnection,
    matter: MatterId,
    event: &NewEvent,
    adjustment: &Adjustment,
) -> Result<EventId> {
    let ids = super::matters::insert_events(tx, matter, std::slice::from_ref(event)).await?;
    let id = ids[0];
    sqlx::query(
        "INSERT INTO adjustments (event_id, matter_id, unit_id, points, reason, approver)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(matter.0)
    .bind(adjustment.unit_id.0)
    .bind(adjustment.points)
    .bind(&adjustment.reason)
    .bind(&adjustment.approver)
    .execute(tx)
    .await?;
    Ok(id)
}

/// The adjustments on these matters, matter by matter in the order asked.
pub async fn adjustments(conn: &mut PgConnection, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
    let ids: Vec<i64> = matters.iter().map(|m| m.0).collect();
    let rows: Vec<(i64, i64, i64, f64, String, String)> = sqlx::query_as(
        "SELECT event_id, matter_id, unit_id, points, reason, approver FROM adjustments
         WHERE matter_id = ANY($1) ORDER BY array_position($1, matter_id), event_id",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(e, m, u, points, reason, approver)| Adjustment {
            event_id: EventId(e),
            matter_id: MatterId(m),
            unit_id: UnitId(u),
            points,
            reason,
            approver,
        })
        .collect())
}
