//! The org tree: units, their names, retirement, moves and merges (机构改革).

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, Unit, UnitId, UnitKind};

use crate::sql::{Arg, Db, Dialect, Json, Row};
use crate::{NewUnit, Result, StoreError, UnitMerge, args, events};

fn unit(r: &Row<'_>) -> Result<Unit> {
    Ok(Unit {
        id: UnitId(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
        short_names: r.get::<Json<_>>(3)?.0,
        kind: r.named(4, UnitKind::parse)?,
        parent_id: r.get::<Option<i64>>(5)?.map(UnitId),
    })
}

/// True until the first unit is written: a new database.
pub async fn is_empty(db: &mut impl Db) -> Result<bool> {
    db.value("SELECT NOT EXISTS (SELECT 1 FROM units)", &[])
        .await
}

pub async fn units(db: &mut impl Db) -> Result<Vec<Unit>> {
    db.rows(
        "SELECT id, code, name, short_names, kind, parent_id FROM units ORDER BY id",
        &[],
        unit,
    )
    .await
}

pub async fn insert(db: &mut impl Db, u: &NewUnit) -> Result<UnitId> {
    let id = db
        .value(
            "INSERT INTO units (code, name, short_names, kind, parent_id)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                (&u.code).into(),
                (&u.name).into(),
                Arg::json(&u.short_names),
                u.kind.as_str().into(),
                u.parent_id.map(|p| p.0).into(),
            ],
        )
        .await?;
    Ok(UnitId(id))
}

pub async fn retired(db: &mut impl Db) -> Result<Vec<UnitId>> {
    db.rows(
        "SELECT id FROM units WHERE retired_at IS NOT NULL ORDER BY id",
        &[],
        |r| Ok(UnitId(r.get(0)?)),
    )
    .await
}

/// Retires unit `unit` at `at`, or brings it back with `None`.
pub async fn set_retired(db: &mut impl Db, unit: UnitId, at: Option<DateTime<Utc>>) -> Result<()> {
    db.execute(
        "UPDATE units SET retired_at = $2 WHERE id = $1",
        args![unit.0, at],
    )
    .await?;
    Ok(())
}

pub async fn rename(db: &mut impl Db, unit: UnitId, name: &str, short: &[String]) -> Result<()> {
    db.execute(
        "UPDATE units SET name = $2, short_names = $3 WHERE id = $1",
        &[unit.0.into(), name.into(), Arg::json(&short)],
    )
    .await?;
    Ok(())
}

/// Puts a unit, with everything below it, under another parent, and works out again every
/// count kept per scope.
pub async fn move_unit(db: &mut impl Db, unit: UnitId, parent: Option<UnitId>) -> Result<()> {
    db.execute(
        "UPDATE units SET parent_id = $2 WHERE id = $1",
        args![unit.0, parent.map(|p| p.0)],
    )
    .await?;
    recount(db).await
}

/// What a merge of unit `$1` into unit `$2` changes besides the timelines, the retired mark
/// and the survivor's names, in order. Where both units work on one matter, the survivor's
/// assignment stands (taking the lead if the merged unit had it) and the merged unit's is
/// closed as cancelled; every matter touched gets a new version.
const MERGE: &[&str] = &[
    "UPDATE matters SET version = version + 1,
         lead_unit_id = CASE WHEN lead_unit_id = $1 THEN $2 ELSE lead_unit_id END
     WHERE lead_unit_id = $1 OR id IN (SELECT matter_id FROM assignments WHERE unit_id = $1)",
    "UPDATE assignments SET role = 'lead' WHERE unit_id = $2
         AND matter_id IN (SELECT matter_id FROM assignments WHERE unit_id = $1 AND role = 'lead')",
    "UPDATE assignments SET role = 'co',
         state = CASE WHEN state IN ('closed', 'cancelled') THEN state ELSE 'cancelled' END
     WHERE unit_id = $1 AND matter_id IN (SELECT matter_id FROM assignments WHERE unit_id = $2)",
    "UPDATE assignments SET unit_id = $2 WHERE unit_id = $1
         AND matter_id NOT IN (SELECT matter_id FROM assignments WHERE unit_id = $2)",
    "UPDATE users SET unit_id = $2 WHERE unit_id = $1",
    "UPDATE units SET parent_id = $2 WHERE parent_id = $1",
    "UPDATE adjustments SET unit_id = $2 WHERE unit_id = $1",
    "UPDATE accountability SET unit_id = $2 WHERE unit_id = $1",
];

/// Merges one unit into another; the matters that followed. [`StoreError::Conflict`] when the
/// merged unit numbers matters of its own (an office with its own supervisors cannot be
/// merged).
pub async fn merge(db: &mut impl Db, m: &UnitMerge) -> Result<Vec<MatterId>> {
    let (from, into) = (m.from.0, m.into.0);
    let numbers: bool = db
        .value(
            "SELECT EXISTS (SELECT 1 FROM matters WHERE org_id = $1)",
            args![from],
        )
        .await?;
    if numbers {
        return Err(StoreError::Conflict(
            "the merged unit numbers matters of its own".into(),
        ));
    }
    let matters = db
        .rows(
            "SELECT id FROM matters WHERE lead_unit_id = $1
             UNION SELECT matter_id FROM assignments WHERE unit_id = $1 ORDER BY 1",
            args![from],
            |r| Ok(MatterId(r.get(0)?)),
        )
        .await?;
    for sql in MERGE {
        db.execute(sql, args![from, into]).await?;
    }
    let leaders: Vec<(i64, Vec<UnitId>)> = db
        .rows(
            "SELECT id, in_charge_of FROM users WHERE in_charge_of <> '[]'",
            &[],
            |r| Ok((r.get(0)?, r.get::<Json<_>>(1)?.0)),
        )
        .await?;
    for (id, units) in leaders {
        if let Some(after) = in_charge_after_merge(&units, m.from, m.into) {
            db.execute(
                "UPDATE users SET in_charge_of = $2 WHERE id = $1",
                &[id.into(), Arg::json(&after)],
            )
            .await?;
        }
    }
    set_retired(db, m.from, Some(m.event.at)).await?;
    db.execute(
        "UPDATE units SET short_names = $2 WHERE id = $1",
        &[into.into(), Arg::json(&m.into_short_names)],
    )
    .await?;
    let moved: Vec<_> = matters.iter().map(|id| (*id, &m.event)).collect();
    events::insert(db, &moved).await?;
    recount(db).await?;
    Ok(matters)
}

/// The survivor of a merge in place of the merged unit in a leader's 分管 units, each once;
/// `None` when the leader had no part in the merged unit.
fn in_charge_after_merge(units: &[UnitId], from: UnitId, into: UnitId) -> Option<Vec<UnitId>> {
    if !units.contains(&from) {
        return None;
    }
    let mut after = Vec::with_capacity(units.len());
    for unit in units {
        let unit = if *unit == from { into } else { *unit };
        if !after.contains(&unit) {
            after.push(unit);
        }
    }
    Some(after)
}

/// Works out again which units lie under which and every count kept per scope, after the
/// tree has changed shape: what the schema's triggers keep as units are added, made anew. The
/// counts are fed through the triggers' own entry points, which the dialects spell apart.
async fn recount(db: &mut impl Db) -> Result<()> {
    let feed = match db.dialect() {
        Dialect::Sqlite => {
            "INSERT INTO tally_matter_delta
             SELECT org_id, state, source, light, deadline, closed_at, 1, 1 FROM matters;
             INSERT INTO tally_assignment_delta
             SELECT m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state, a.light, 1, 1
             FROM assignments a JOIN matters m ON m.id = a.matter_id;"
        }
        Dialect::Postgres => {
            "SELECT tally_matters_apply(ARRAY(
                 SELECT ROW(org_id, state, source, light, deadline, closed_at, 1)::tally_matter
                 FROM matters));
             SELECT tally_assignments_apply(ARRAY(
                 SELECT ROW(m.org_id, m.state, m.deadline, m.closed_at, a.unit_id, a.state,
                            a.light, 1)::tally_assignment
                 FROM assignments a JOIN matters m ON m.id = a.matter_id));"
        }
    };
    db.batch(&format!(
        "DELETE FROM unit_ancestors;
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
         {feed}"
    ))
    .await
}
