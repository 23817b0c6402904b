//! Matters: registration with gap-free numbers, versioned transitions, and lists read as one
//! folded JSON document per statement.

use std::collections::{BTreeMap, HashMap, HashSet};

use luoshi_domain::{
    Assignment, Event, EventId, Matter, MatterId, MatterNumber, NewEvent, Transition, UnitId,
};

use crate::doc::{MatterDoc, read_all};
use crate::notify::Dispatch;
use crate::query::{kept_total, order_by, push_filters};
use crate::sql::{Arg, Db, Dialect, Sql, chunked};
use crate::{MatterQuery, Order, Result, StoreError, args, events, ladder};

/// One matter `m` as a JSON record in the shape of [`MatterDoc`].
pub(crate) fn doc(d: Dialect) -> String {
    d.record(&record_fields(d))
}

/// [`MatterDoc`]'s fields in its order, each with the SQL that reads it.
pub(crate) fn record_fields(d: Dialect) -> Vec<(&'static str, String)> {
    let column = |name: &'static str| (name, format!("m.{name}"));
    let nested = |name: &'static str| (name, d.nested(&format!("m.{name}")));
    let assignment = d.record(&assignment_fields());
    let assignments = match d {
        Dialect::Postgres => format!("json_agg({assignment})"),
        Dialect::Sqlite => format!("json_group_array({assignment})"),
    };
    vec![
        column("id"),
        column("org_id"),
        column("year"),
        column("seq"),
        column("title"),
        column("content"),
        column("source"),
        column("origin"),
        column("origin_id"),
        column("urgency"),
        column("lead_unit_id"),
        column("leader_id"),
        column("deadline"),
        column("cadence"),
        column("report_rule"),
        nested("milestones"),
        nested("indicators"),
        nested("tags"),
        column("public"),
        column("parent_id"),
        column("state"),
        nested("extension"),
        column("created_by"),
        column("created_at"),
        column("assigned_at"),
        column("closed_at"),
        column("version"),
        (
            "assignments",
            format!("(SELECT {assignments} FROM assignments a WHERE a.matter_id = m.id)"),
        ),
    ]
}

/// The fields of an assignment `a`, in the order of its document.
pub(crate) fn assignment_fields() -> Vec<(&'static str, String)> {
    [
        "position",
        "unit_id",
        "role",
        "state",
        "signed_at",
        "last_feedback_at",
        "percent",
    ]
    .into_iter()
    .map(|name| (name, format!("a.{name}")))
    .collect()
}

pub(crate) fn read(folded: Option<&str>) -> Result<Vec<Matter>> {
    read_all(folded, |d: MatterDoc| Matter::from(d))
}

fn read_one(doc: &str) -> Result<Matter> {
    serde_json::from_str::<MatterDoc>(doc)
        .map(Matter::from)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub async fn one(db: &mut impl Db, id: MatterId) -> Result<Option<Matter>> {
    let d = db.dialect();
    let sql = format!("SELECT {} FROM matters m WHERE m.id = $1", d.text(&doc(d)));
    let found: Option<String> = db.row(&sql, args![id.0], |r| r.get(0)).await?;
    found.as_deref().map(read_one).transpose()
}

/// The matter and its timeline from one statement, so from one snapshot.
pub async fn with_events(db: &mut impl Db, id: MatterId) -> Result<Option<(Matter, Vec<Event>)>> {
    let d = db.dialect();
    let sql = format!(
        "SELECT {}, (SELECT {} FROM events WHERE matter_id = m.id) FROM matters m WHERE m.id = $1",
        d.text(&doc(d)),
        d.array(&events::doc(d), " ORDER BY id"),
    );
    let found: Option<(String, Option<String>)> = db
        .row(&sql, args![id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .await?;
    let Some((matter, timeline)) = found else {
        return Ok(None);
    };
    Ok(Some((
        read_one(&matter)?,
        events::read(timeline.as_deref())?,
    )))
}

/// Every matter below `root`, to any depth, the root excluded. `UNION` (not `UNION ALL`)
/// drops rows already found, so even a parent link that looped back could not make the walk
/// run forever. One root, bound as a scalar: PostgreSQL guesses ten values for an array it has
/// not seen, rates the cached plan dearer than one made for the value, and so planned this
/// statement anew at every matter's page (0.23 ms against 0.10 ms per call).
pub async fn descendants(db: &mut impl Db, root: MatterId) -> Result<Vec<Matter>> {
    let d = db.dialect();
    let sql = format!(
        "WITH RECURSIVE below(id) AS (
             SELECT id FROM matters WHERE parent_id = $1
             UNION
             SELECT m.id FROM matters m JOIN below b ON m.parent_id = b.id)
         SELECT {} FROM matters m
         WHERE m.id IN (SELECT id FROM below) AND m.id <> $1",
        d.array(&doc(d), ""),
    );
    let folded: Option<String> = db.value(&sql, args![root.0]).await?;
    read(folded.as_deref())
}

/// Matters matching `q` with their assignments, and how many match in all: one statement, one
/// row, however long the page. The page is chosen on narrow rows in the list's order first;
/// only its matters are built into documents.
///
/// SQLite keeps no statistics, so it cannot tell a province's scope of 300,000 matters from a
/// township's 300: left alone, it finds both by org and sorts them, which costs a province's
/// first page a second. A scope with many matters is read in the list's order instead, each
/// row checked for its org, until the page is full.
pub async fn select(db: &mut impl Db, q: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
    // Only a page found apart from its count walks the order: a count worked out row by row
    // finds the matching matters once, for the page too (see `select_sql`).
    let counted_apart = kept_total(db.dialect(), q).is_some();
    let in_list_order = match (db.dialect(), q.scope, q.order) {
        (Dialect::Sqlite, Some(scope), Order::Deadline | Order::DeadlineLast) if counted_apart => {
            let whole = MatterQuery {
                scope: Some(scope),
                ..MatterQuery::default()
            };
            let kept = kept_total(Dialect::Sqlite, &whole).expect("a whole scope is kept");
            db.value::<i64>(&kept.text, &kept.args).await? > MANY_MATTERS
        }
        _ => false,
    };
    let sql = select_sql(db.dialect(), q, in_list_order);
    let (total, page): (i64, Option<String>) = db
        .row(&sql.text, &sql.args, |r| Ok((r.get(0)?, r.get(1)?)))
        .await?
        .ok_or_else(|| StoreError::Corrupt("a count without a row".into()))?;
    Ok((read(page.as_deref())?, total as usize))
}

/// A scope with more matters than this is listed in order rather than by org (SQLite): sorting
/// this many rows costs about what walking the order to find a page does.
const MANY_MATTERS: i64 = 5_000;

/// The count and the page. A whole scope's count comes from the counts kept for it: counting
/// a province's 300,000 matters row by row costs more than the page itself. Any other count
/// finds the matching matters once, for the count and the page together: on PostgreSQL that
/// made a unit's red list a quarter cheaper than filtering twice (0.66 ms against 0.50 ms).
pub(crate) fn select_sql(d: Dialect, q: &MatterQuery, in_list_order: bool) -> Sql {
    let mut sql = Sql::new(d);
    let found = match kept_total(d, q) {
        Some(kept) => {
            sql.args = kept.args;
            sql.push("SELECT (").push(&kept.text);
            false
        }
        None => {
            // The columns of every order a list may ask for.
            sql.push(
                "WITH hit AS MATERIALIZED (SELECT m.id, m.deadline, m.created_at, m.org_id,
                     m.year, m.seq FROM matters m WHERE true",
            );
            push_filters(&mut sql, q);
            sql.push(") SELECT (SELECT count(*) FROM hit");
            true
        }
    };
    sql.push(&format!(
        "), (SELECT {} FROM matters m ",
        d.array(&doc(d), &order_by(q.order, "m"))
    ));
    if found {
        sql.push("WHERE m.id IN (SELECT hit.id FROM hit")
            .push(&order_by(q.order, "hit"));
    } else {
        sql.push("WHERE m.id IN (SELECT m.id FROM matters m WHERE true");
        sql.in_list_order = in_list_order;
        push_filters(&mut sql, q);
        sql.push(&order_by(q.order, "m"));
    }
    if let Some((limit, offset)) = q.page {
        sql.push(" LIMIT ")
            .bind(limit as i64)
            .push(" OFFSET ")
            .bind(offset as i64);
    }
    sql.push("))");
    sql
}

/// Matters unit `$1` leads whose completion was returned and not asked for again, with the
/// latest return's reason. A return always follows a completion request, so the newest return
/// being newer than the newest request means nobody has asked again since.
pub async fn returned_to(db: &mut impl Db, unit: UnitId) -> Result<Vec<(MatterId, String)>> {
    db.rows(
        "WITH last AS (
             SELECT m.id,
                 max(CASE WHEN e.kind = 'returned' THEN e.id END) AS returned,
                 coalesce(max(CASE WHEN e.kind = 'completion_requested' THEN e.id END), 0) AS asked
             FROM matters m JOIN events e ON e.matter_id = m.id
             WHERE m.lead_unit_id = $1 AND m.state = 'in_progress'
             GROUP BY m.id)
         SELECT last.id, r.comment FROM last JOIN events r ON r.id = last.returned
         WHERE last.returned > last.asked
         ORDER BY last.id",
        args![unit.0],
        |r| Ok((MatterId(r.get(0)?), r.get(1)?)),
    )
    .await
}

/// What a matter's record holds beyond its number and origin, as a transition may change it.
const FIELDS: &str = "title, content, source, origin, origin_id, urgency, lead_unit_id, leader_id, deadline, \
     cadence, report_rule, milestones, indicators, tags, public, state, extension, assigned_at, closed_at, \
     version";

/// The values of [`FIELDS`], in order.
fn fields(m: &Matter) -> Vec<Arg> {
    vec![
        (&m.title).into(),
        (&m.content).into(),
        m.source.as_str().into(),
        (&m.origin).into(),
        m.origin_id.into(),
        m.urgency.as_str().into(),
        m.lead_unit_id.0.into(),
        m.leader_id.map(|u| u.0).into(),
        m.deadline.into(),
        m.cadence.as_str().into(),
        m.report_rule.map(|r| r.phrase()).into(),
        Arg::json(&m.milestones),
        Arg::json(&m.indicators),
        Arg::json(&m.tags),
        m.public.into(),
        m.state.as_str().into(),
        Arg::json_or_null(m.extension.as_ref()),
        m.assigned_at.into(),
        m.closed_at.into(),
        m.version.into(),
    ]
}

/// Creates matters with their assignments and first events. Numbers, matters, assignments
/// and events of a whole batch go in a few statements each, and the events are linked into the
/// audit chain once: a province's worth of matters is written in minutes, not hours of round
/// trips.
pub async fn create(db: &mut impl Db, batch: &[(&Matter, &[NewEvent])]) -> Result<Vec<Matter>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // One counter bump per org and year, by as many as the batch numbers there. The upsert
    // locks the counter row until the transaction ends: another process numbering for the same
    // org and year waits, and a rollback gives the numbers back. Rows are locked in key order,
    // so two processes' batches cannot wait on each other.
    let mut wanted: BTreeMap<(i64, i32), i64> = BTreeMap::new();
    for (m, _) in batch {
        *wanted.entry((m.org_id.0, m.number.year)).or_default() += 1;
    }
    let mut next = HashMap::new();
    for (&(org, year), &n) in &wanted {
        let last: i64 = db
            .value(
                "INSERT INTO matter_counters (org_id, year, last_seq) VALUES ($1, $2, $3)
                 ON CONFLICT (org_id, year) DO UPDATE SET last_seq = matter_counters.last_seq + $3
                 RETURNING last_seq",
                args![org, year, n],
            )
            .await?;
        next.insert((org, year), last - n + 1);
    }
    let mut created: Vec<Matter> = Vec::with_capacity(batch.len());
    for (m, _) in batch {
        let seq = next
            .get_mut(&(m.org_id.0, m.number.year))
            .expect("every org and year was numbered");
        let mut c = (*m).clone();
        c.number = MatterNumber {
            year: m.number.year,
            seq: *seq,
        };
        *seq += 1;
        created.push(c);
    }
    let rows = created.iter().map(|m| {
        let mut row: Vec<Arg> = vec![
            m.org_id.0.into(),
            m.number.year.into(),
            m.number.seq.into(),
            m.parent_id.map(|p| p.0).into(),
            m.created_by.0.into(),
            m.created_at.into(),
        ];
        row.extend(fields(m));
        row
    });
    let (_, ids) = chunked(
        db,
        &format!(
            "INSERT INTO matters (org_id, year, seq, parent_id, created_by, created_at, {FIELDS})
             VALUES"
        ),
        rows.collect(),
        "RETURNING id, org_id, year, seq",
        |r| {
            Ok((
                (r.get::<i64>(1)?, r.get::<i32>(2)?, r.get::<i64>(3)?),
                r.get::<i64>(0)?,
            ))
        },
    )
    .await?;
    let ids: HashMap<(i64, i32, i64), i64> = ids.into_iter().collect();
    for m in &mut created {
        m.id = MatterId(ids[&(m.org_id.0, m.number.year, m.number.seq)]);
    }
    let parts = created.iter().flat_map(|m| {
        m.assignments
            .iter()
            .enumerate()
            .map(|(p, a)| assignment(m.id, p, a))
    });
    chunked(
        db,
        "INSERT INTO assignments (matter_id, unit_id, position, role, state, signed_at,
             last_feedback_at, percent) VALUES",
        parts.collect(),
        "",
        |_| Ok(()),
    )
    .await?;
    let timeline: Vec<(MatterId, &NewEvent)> = created
        .iter()
        .zip(batch)
        .flat_map(|(m, (_, events))| events.iter().map(move |e| (m.id, e)))
        .collect();
    events::insert(db, &timeline).await?;
    Ok(created)
}

/// An assignment's columns, as `assignments` lists them.
fn assignment(matter: MatterId, position: usize, a: &Assignment) -> Vec<Arg> {
    vec![
        matter.0.into(),
        a.unit_id.0.into(),
        (position as i64).into(),
        a.role.as_str().into(),
        a.state.as_str().into(),
        a.signed_at.into(),
        a.last_feedback_at.into(),
        a.percent.into(),
    ]
}

/// Which of these row keys the org has imported before, in the order asked.
pub async fn imported(db: &mut impl Db, org: UnitId, keys: &[String]) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT key FROM matter_imports WHERE org_id = $1 AND {}",
        db.dialect().any("key", 2)
    );
    let seen: HashSet<String> = db
        .rows(&sql, &[org.0.into(), Arg::texts(keys)], |r| r.get(0))
        .await?
        .into_iter()
        .collect();
    Ok(keys.iter().filter(|k| seen.contains(*k)).cloned().collect())
}

/// Creates the rows whose key their org has not imported; a key seen twice in the batch is
/// created once.
pub async fn import(
    db: &mut impl Db,
    batch: &[(Matter, Vec<NewEvent>, String)],
) -> Result<Vec<Matter>> {
    let mut by_org: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (m, _, key) in batch {
        by_org.entry(m.org_id.0).or_default().push(key.clone());
    }
    let mut taken: HashSet<(i64, String)> = HashSet::new();
    for (org, keys) in by_org {
        for key in imported(db, UnitId(org), &keys).await? {
            taken.insert((org, key));
        }
    }
    let fresh: Vec<&(Matter, Vec<NewEvent>, String)> = batch
        .iter()
        .filter(|(m, _, key)| taken.insert((m.org_id.0, key.clone())))
        .collect();
    let all: Vec<(&Matter, &[NewEvent])> =
        fresh.iter().map(|(m, e, _)| (m, e.as_slice())).collect();
    let created = create(db, &all).await?;
    let rows = created
        .iter()
        .zip(&fresh)
        .map(|(m, (_, _, key))| vec![m.org_id.0.into(), key.into(), m.id.0.into()]);
    chunked(
        db,
        "INSERT INTO matter_imports (org_id, key, matter_id) VALUES",
        rows.collect(),
        "",
        |_| Ok(()),
    )
    .await?;
    Ok(created)
}

/// Writes what changed between `before` and the transition, with its dispatch, if the stored
/// matter is still at `before`'s version; otherwise [`StoreError::Conflict`].
pub async fn save_transition(
    db: &mut impl Db,
    before: &Matter,
    t: &Transition,
    dispatch: &Dispatch,
) -> Result<Vec<EventId>> {
    let m = &t.matter;
    let mut args: Vec<Arg> = vec![m.id.0.into(), before.version.into()];
    args.extend(fields(m));
    let placeholders: Vec<String> = (3..args.len() + 1).map(|n| format!("${n}")).collect();
    let updated = db
        .execute(
            &format!(
                "UPDATE matters SET light_until = 0, ({FIELDS}) = ({})
                 WHERE id = $1 AND version = $2",
                placeholders.join(", ")
            ),
            &args,
        )
        .await?;
    if updated != 1 {
        return Err(StoreError::Conflict(format!(
            "matter {} changed since it was read",
            m.id
        )));
    }
    // Only a draft loses units (its assignments have no history yet); a unit taken off work in
    // hand keeps its assignment, cancelled.
    for a in &before.assignments {
        if m.assignment(a.unit_id).is_none() {
            db.execute(
                "DELETE FROM assignments WHERE matter_id = $1 AND unit_id = $2",
                args![m.id.0, a.unit_id.0],
            )
            .await?;
        }
    }
    for (position, a) in m.assignments.iter().enumerate() {
        if before.assignments.get(position) == Some(a) {
            continue;
        }
        db.execute(
            "INSERT INTO assignments (matter_id, unit_id, position, role, state, signed_at,
                 last_feedback_at, percent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (matter_id, unit_id) DO UPDATE SET position = excluded.position,
                 role = excluded.role, state = excluded.state, signed_at = excluded.signed_at,
                 last_feedback_at = excluded.last_feedback_at, percent = excluded.percent",
            &assignment(m.id, position, a),
        )
        .await?;
    }
    let ids = events::of_matter(db, m.id, &t.events).await?;
    ladder::dispatch(db, dispatch).await?;
    Ok(ids)
}
