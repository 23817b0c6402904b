//! The lights stored on matters and assignments, each with the window in which it holds: read
//! by lists and counts at no cost, and worked out again only where a write or the passing of
//! time made them stale.

use chrono::{DateTime, Utc};
use luoshi_domain::Matter;

use crate::query::states_where;
use crate::sql::{Arg, Db, Dialect, chunked};
use crate::{LightStamp, Result, StoreError, args, matters};

/// What the stored lights were last worked out under, and up to `limit` matters whose stored
/// lights do not hold at `now`. Each half reads its own index; a clock set back makes lights
/// worked out "later" stale.
///
/// Nearly every read asks this and finds nothing stale, so the stale matters' ids come first,
/// from a statement that is cheap to plan, and their documents only when there are some.
pub async fn stale(
    db: &mut impl Db,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<(Option<String>, Vec<Matter>)> {
    let d = db.dialect();
    let (basis, ids): (Option<String>, Option<String>) = db
        .row(&stale_sql(d, limit), args![now.timestamp_micros()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .await?
        .unwrap_or_default();
    let ids: Vec<i64> = match ids {
        Some(ids) => serde_json::from_str(&ids).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        None => Vec::new(),
    };
    if ids.is_empty() {
        return Ok((basis, Vec::new()));
    }
    let sql = format!(
        "SELECT {} FROM matters m WHERE {}",
        d.array(&matters::doc(d), ""),
        d.any("m.id", 1)
    );
    let folded: Option<String> = db.value(&sql, &[Arg::ids(ids)]).await?;
    Ok((basis, matters::read(folded.as_deref())?))
}

/// The lights' basis and the ids of up to `limit` matters whose lights do not hold at `$1`,
/// as a JSON array (NULL for none). Written so that PostgreSQL keeps one plan for it: a limit
/// bound as a parameter, or an instant it can see, made every cached plan look dearer than a
/// fresh one, and it was planned anew at each read (0.24 ms, for 0.06 ms of work).
pub(crate) fn stale_sql(d: Dialect, limit: usize) -> String {
    format!(
        "SELECT (SELECT value FROM settings WHERE key = 'lights_basis'),
             (SELECT {} FROM (
                 SELECT id FROM (SELECT id FROM matters WHERE light_until <= (SELECT $1)
                                 ORDER BY light_until LIMIT {limit}) a
                 UNION SELECT id FROM (SELECT id FROM matters WHERE light_at > (SELECT $1)
                                       ORDER BY light_at DESC LIMIT {limit}) b) s)",
        d.array("s.id", "")
    )
}

/// Stores worked-out lights, each only if its matter is still at the stamp's version; how
/// many were stored.
pub async fn save(db: &mut impl Db, stamps: &[LightStamp]) -> Result<usize> {
    let rows = stamps.iter().map(|s| {
        let (at, until) = s.window();
        vec![
            s.matter_id.0.into(),
            s.version.into(),
            s.light.as_str().into(),
            at.into(),
            until.into(),
        ]
    });
    let (_, saved) = chunked(
        db,
        "UPDATE matters SET light = s.column3, light_at = s.column4, light_until = s.column5
         FROM (VALUES",
        rows.collect(),
        ") AS s WHERE matters.id = s.column1 AND matters.version = s.column2
         RETURNING matters.id",
        |r| r.get::<i64>(0),
    )
    .await?;
    let saved: std::collections::HashSet<i64> = saved.into_iter().collect();
    let units = stamps
        .iter()
        .filter(|s| saved.contains(&s.matter_id.0))
        .flat_map(|s| {
            s.unit_rows().map(|(unit, light, concern, cause)| {
                vec![
                    s.matter_id.0.into(),
                    unit.into(),
                    light.into(),
                    concern.into(),
                    cause.into(),
                ]
            })
        });
    chunked(
        db,
        "UPDATE assignments SET light = s.column3, concern = s.column4, cause = s.column5
         FROM (VALUES",
        units.collect(),
        ") AS s WHERE assignments.matter_id = s.column1 AND assignments.unit_id = s.column2
           AND (assignments.light <> s.column3 OR assignments.cause IS DISTINCT FROM s.column5)",
        |_| Ok(()),
    )
    .await?;
    Ok(saved.len())
}

/// Marks the lights of every draft and open matter stale and records the new basis.
pub async fn reset(db: &mut impl Db, basis: &str) -> Result<()> {
    db.execute(
        &format!(
            "UPDATE matters SET light_until = 0 WHERE light_until <> 0 AND state IN {}",
            states_where(|s| s == luoshi_domain::MatterState::Draft || s.is_open())
        ),
        &[],
    )
    .await?;
    db.execute(
        "INSERT INTO settings (key, value) VALUES ('lights_basis', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        args![basis],
    )
    .await?;
    Ok(())
}
