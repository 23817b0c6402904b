//! Accountability records (问责) and manual score adjustments (人工加减分).

use std::collections::HashMap;

use luoshi_domain::accountability::{Accountability, AccountabilityState, Measure};
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{EventId, MatterId, NewEvent, UnitId, UserId};

use crate::sql::{Arg, Db, Json, Row};
use crate::{Result, StoreError, args};

const COLUMNS: &str = "id, org_id, unit_id, person, matter_ids, reason, measure, state, key,
    created_at, decided_by, decided_at";

fn record(r: &Row<'_>) -> Result<Accountability> {
    let measure: Option<String> = r.get(6)?;
    Ok(Accountability {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        person: r.get(3)?,
        matter_ids: r.get::<Json<_>>(4)?.0,
        reason: r.get(5)?,
        measure: measure.as_deref().and_then(Measure::parse),
        state: r.named(7, AccountabilityState::parse)?,
        key: r.get::<Option<String>>(8)?.unwrap_or_default(),
        created_at: r.get(9)?,
        decided_by: r.get::<Option<i64>>(10)?.map(UserId),
        decided_at: r.get(11)?,
    })
}

/// An org's records, the proposals waiting for a decision first.
pub async fn list(db: &mut impl Db, org: UnitId) -> Result<Vec<Accountability>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM accountability WHERE org_id = $1
         ORDER BY state = 'proposed' DESC, created_at DESC, id DESC LIMIT 1000"
    );
    db.rows(&sql, args![org.0], record).await
}

/// Inserts a proposal unless its key was proposed before, in the caller's transaction.
pub async fn propose(db: &mut impl Db, a: &Accountability) -> Result<()> {
    db.execute(
        "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, state, key,
             created_at)
         VALUES ($1, $2, $3, $4, $5, 'proposed', $6, $7) ON CONFLICT DO NOTHING",
        &[
            a.org_id.0.into(),
            a.unit_id.0.into(),
            (&a.person).into(),
            Arg::json(&a.matter_ids),
            (&a.reason).into(),
            Some(a.key.as_str()).filter(|k| !k.is_empty()).into(),
            a.created_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Writes a decided (or dismissed) record — new when its id is 0 — with the events it puts on
/// its matters' timelines, in the caller's transaction.
pub async fn save(
    db: &mut impl Db,
    a: &Accountability,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let measure = a.measure.map(|m| m.as_str());
    let id = if a.id == 0 {
        db.value(
            "INSERT INTO accountability (org_id, unit_id, person, matter_ids, reason, measure,
                 state, created_at, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                a.org_id.0.into(),
                a.unit_id.0.into(),
                (&a.person).into(),
                Arg::json(&a.matter_ids),
                (&a.reason).into(),
                measure.into(),
                a.state.as_str().into(),
                a.created_at.into(),
                a.decided_by.map(|u| u.0).into(),
                a.decided_at.into(),
            ],
        )
        .await?
    } else {
        let changed = db
            .execute(
                "UPDATE accountability SET reason = $1, measure = $2, state = $3,
                     decided_by = $4, decided_at = $5, person = $6
                 WHERE id = $7 AND state = 'proposed'",
                args![
                    &a.reason,
                    measure,
                    a.state.as_str(),
                    a.decided_by.map(|u| u.0),
                    a.decided_at,
                    &a.person,
                    a.id
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "accountability {} is no longer proposed",
                a.id
            )));
        }
        a.id
    };
    let timeline: Vec<_> = events.iter().map(|(m, e)| (*m, e)).collect();
    crate::events::insert(db, &timeline).await?;
    Ok(id)
}

/// Writes a manual adjustment with the event it rests on, in the caller's transaction.
pub async fn adjust(
    db: &mut impl Db,
    matter: MatterId,
    event: &NewEvent,
    adjustment: &Adjustment,
) -> Result<EventId> {
    let id = crate::events::insert(db, &[(matter, event)]).await?[0];
    db.execute(
        "INSERT INTO adjustments (event_id, matter_id, unit_id, points, reason, approver)
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            id.0,
            matter.0,
            adjustment.unit_id.0,
            adjustment.points,
            &adjustment.reason,
            &adjustment.approver
        ],
    )
    .await?;
    Ok(id)
}

/// The adjustments on these matters, matter by matter in the order asked.
pub async fn adjustments(db: &mut impl Db, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
    let sql = format!(
        "SELECT event_id, matter_id, unit_id, points, reason, approver FROM adjustments
         WHERE {} ORDER BY event_id",
        db.dialect().any("matter_id", 1)
    );
    let ids = Arg::Ids(matters.iter().map(|m| m.0).collect());
    let mut found = db
        .rows(&sql, &[ids], |r| {
            Ok(Adjustment {
                event_id: EventId(r.get(0)?),
                matter_id: MatterId(r.get(1)?),
                unit_id: UnitId(r.get(2)?),
                points: r.get(3)?,
                reason: r.get(4)?,
                approver: r.get(5)?,
            })
        })
        .await?;
    let asked: HashMap<MatterId, usize> =
        matters.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    found.sort_by_key(|a| (asked.get(&a.matter_id).copied(), a.event_id.0));
    Ok(found)
}
