//! Matters on PostgreSQL: creation with gap-free numbering, versioned transitions, scoped queries
//! that fold their rows into one JSON document (`json_agg`), as on SQLite.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use luoshi_domain::{
    Event, EventId, Matter, MatterId, MatterNumber, NewEvent, Transition, UnitId, china_day_end,
};
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use super::rows::{Arg, Sql};
use crate::doc::{EventDoc, MatterDoc, read_all};
use crate::notify::Dispatch;
use crate::{
    LightStamp, MatterQuery, Order, Result, ScopeCounts, StoreError, Tally, UnitMonth, overdue_at,
    overdue_when,
};

/// Creates matters in the caller's transaction, which holds the chain's lock.
pub async fn create(
    tx: &mut PgConnection,
    batch: &[(Matter, Vec<NewEvent>)],
) -> Result<Vec<Matter>> {
    let all: Vec<(&Matter, &[NewEvent])> = batch.iter().map(|(m, e)| (m, e.as_slice())).collect();
    create_all(tx, &all).await
}

/// Creates the rows whose key their org has not imported, in the caller's transaction; a key
/// seen twice in the batch is created once.
pub async fn import(
    tx: &mut PgConnection,
    batch: &[(Matter, Vec<NewEvent>, String)],
) -> Result<Vec<Matter>> {
    let (orgs, keys): (Vec<i64>, Vec<&str>) = batch
        .iter()
        .map(|(m, _, key)| (m.org_id.0, key.as_str()))
        .unzip();
    let seen: Vec<(i64, String)> = sqlx::query_as(
        "SELECT i.org_id, i.key FROM matter_imports i
         JOIN unnest($1::bigint[], $2::text[]) AS k (org_id, key)
             ON i.org_id = k.org_id AND i.key = k.key",
    )
    .bind(&orgs)
    .bind(&keys)
    .fetch_all(&mut *tx)
    .await?;
    let mut taken: std::collections::HashSet<(i64, &str)> =
        seen.iter().map(|(o, k)| (*o, k.as_str())).collect();
    let fresh: Vec<&(Matter, Vec<NewEvent>, String)> = batch
        .iter()
        .filter(|(m, _, key)| taken.insert((m.org_id.0, key.as_str())))
        .collect();
    let all: Vec<(&Matter, &[NewEvent])> =
        fresh.iter().map(|(m, e, _)| (m, e.as_slice())).collect();
    let created = create_all(tx, &all).await?;
    sqlx::query(
        "INSERT INTO matter_imports (org_id, key, matter_id)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])",
    )
    .bind(created.iter().map(|m| m.org_id.0).collect::<Vec<_>>())
    .bind(
        fresh
            .iter()
            .map(|(_, _, key)| key.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.id.0).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    Ok(created)
}

/// Numbers, matters, assignments and events of a whole batch in one statement each, and the
/// events linked into the audit chain once: a province's worth of matters is written in
/// minutes, not hours of round trips.
async fn create_all(
    tx: &mut PgConnection,
    batch: &[(&Matter, &[NewEvent])],
) -> Result<Vec<Matter>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // One counter bump per org and year, by as many as the batch numbers there. The upsert
    // locks the counter row until the transaction ends: another process numbering for the same
    // org and year waits, and a rollback gives the numbers back. Rows are locked in key order,
    // so two processes' batches cannot wait on each other.
    let mut wanted: std::collections::BTreeMap<(i64, i32), i64> = Default::default();
    for (m, _) in batch {
        *wanted.entry((m.org_id.0, m.number.year)).or_default() += 1;
    }
    let mut next = std::collections::HashMap::new();
    for (&(org, year), &n) in &wanted {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO matter_counters (org_id, year, last_seq) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, year) DO UPDATE SET last_seq = matter_counters.last_seq + $3
             RETURNING last_seq",
        )
        .bind(org)
        .bind(year)
        .bind(n)
        .fetch_one(&mut *tx)
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
    let ids: Vec<(i64, i64, i32, i64)> = sqlx::query_as(
        "INSERT INTO matters (org_id, year, seq, title, content, source, origin, urgency,
            lead_unit_id, leader_id, deadline, cadence, milestones, tags, public, parent_id,
            state, extension, created_by, created_at, assigned_at, closed_at, version)
         SELECT org_id, year, seq, title, content, source, origin, urgency, lead_unit_id,
             leader_id, deadline, cadence, milestones::jsonb, tags::jsonb, public, parent_id,
             state, extension::jsonb, created_by, created_at, assigned_at, closed_at, version
         FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::date[], $12::text[],
             $13::text[], $14::text[], $15::bool[], $16::bigint[], $17::text[], $18::text[],
             $19::bigint[], $20::timestamptz[], $21::timestamptz[], $22::timestamptz[],
             $23::bigint[])
             WITH ORDINALITY AS m (org_id, year, seq, title, content, source, origin, urgency,
                 lead_unit_id, leader_id, deadline, cadence, milestones, tags, public,
                 parent_id, state, extension, created_by, created_at, assigned_at, closed_at,
                 version, ord)
         ORDER BY ord
         RETURNING id, org_id, year, seq",
    )
    .bind(created.iter().map(|m| m.org_id.0).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.number.year).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.number.seq).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.title.as_str()).collect::<Vec<_>>())
    .bind(
        created
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        created
            .iter()
            .map(|m| m.source.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        created
            .iter()
            .map(|m| m.origin.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        created
            .iter()
            .map(|m| m.urgency.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.lead_unit_id.0).collect::<Vec<_>>())
    .bind(
        created
            .iter()
            .map(|m| m.leader_id.map(|u| u.0))
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.deadline).collect::<Vec<_>>())
    .bind(
        created
            .iter()
            .map(|m| m.cadence.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        created
            .iter()
            .map(|m| json_text(&m.milestones))
            .collect::<Vec<_>>(),
    )
    .bind(
        created
            .iter()
            .map(|m| json_text(&m.tags))
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.public).collect::<Vec<_>>())
    .bind(
        created
            .iter()
            .map(|m| m.parent_id.map(|p| p.0))
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.state.as_str()).collect::<Vec<_>>())
    .bind(
        created
            .iter()
            .map(|m| m.extension.as_ref().map(json_text))
            .collect::<Vec<_>>(),
    )
    .bind(created.iter().map(|m| m.created_by.0).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.created_at).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.assigned_at).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.closed_at).collect::<Vec<_>>())
    .bind(created.iter().map(|m| m.version).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let ids: std::collections::HashMap<(i64, i32, i64), i64> = ids
        .into_iter()
        .map(|(id, org, year, seq)| ((org, year, seq), id))
        .collect();
    for m in &mut created {
        m.id = MatterId(ids[&(m.org_id.0, m.number.year, m.number.seq)]);
    }
    let parts: Vec<(i64, usize, &luoshi_domain::Assignment)> = created
        .iter()
        .flat_map(|m| {
            m.assignments
                .iter()
                .enumerate()
                .map(|(p, a)| (m.id.0, p, a))
        })
        .collect();
    sqlx::query(
        "INSERT INTO assignments (matter_id, unit_id, position, role, state, signed_at,
             last_feedback_at, percent)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[],
             $6::timestamptz[], $7::timestamptz[], $8::int[])",
    )
    .bind(parts.iter().map(|p| p.0).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.2.unit_id.0).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.1 as i32).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.2.role.as_str()).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.2.state.as_str()).collect::<Vec<_>>())
    .bind(parts.iter().map(|p| p.2.signed_at).collect::<Vec<_>>())
    .bind(
        parts
            .iter()
            .map(|p| p.2.last_feedback_at)
            .collect::<Vec<_>>(),
    )
    .bind(
        parts
            .iter()
            .map(|p| i32::from(p.2.percent))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;
    let events: Vec<(MatterId, &NewEvent)> = created
        .iter()
        .zip(batch)
        .flat_map(|(m, (_, events))| events.iter().map(move |e| (m.id, e)))
        .collect();
    insert_all(tx, &events).await?;
    Ok(created)
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

pub async fn latest_reports(
    conn: &mut PgConnection,
    ids: &[MatterId],
) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
    let ids: Vec<i64> = ids.iter().map(|m| m.0).collect();
    let rows: Vec<(i64, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT matter_id, comment, at FROM events WHERE id IN
             (SELECT max(id) FROM events WHERE kind = 'feedback' AND matter_id = ANY($1)
              GROUP BY matter_id)",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(m, text, at)| (MatterId(m), text, at))
        .collect())
}

pub async fn imported(
    conn: &mut PgConnection,
    org: UnitId,
    keys: &[String],
) -> Result<Vec<String>> {
    let seen: Vec<String> =
        sqlx::query_scalar("SELECT key FROM matter_imports WHERE org_id = $1 AND key = ANY($2)")
            .bind(org.0)
            .bind(keys.to_vec())
            .fetch_all(conn)
            .await?;
    // In the order asked, as SQLite answers.
    Ok(keys.iter().filter(|k| seen.contains(k)).cloned().collect())
}

/// Writes what changed between `before` and the transition, if the stored matter is still at
/// `before`'s version; in the caller's transaction, which holds the chain's lock.
pub async fn save_transition(
    tx: &mut PgConnection,
    before: &Matter,
    t: &Transition,
    dispatch: &Dispatch,
) -> Result<Vec<EventId>> {
    let m = &t.matter;
    let updated = sqlx::query(
        "UPDATE matters SET state = $1, deadline = $2, extension = $3, assigned_at = $4,
             closed_at = $5, version = $6, light_until = 0, title = $9, content = $10,
             source = $11, origin = $12, urgency = $13, lead_unit_id = $14, leader_id = $15,
             cadence = $16, milestones = $17, tags = $18, public = $19
         WHERE id = $7 AND version = $8",
    )
    .bind(m.state.as_str())
    .bind(m.deadline)
    .bind(m.extension.as_ref().map(Json))
    .bind(m.assigned_at)
    .bind(m.closed_at)
    .bind(m.version)
    .bind(m.id.0)
    .bind(before.version)
    .bind(&m.title)
    .bind(&m.content)
    .bind(m.source.as_str())
    .bind(&m.origin)
    .bind(m.urgency.as_str())
    .bind(m.lead_unit_id.0)
    .bind(m.leader_id.map(|u| u.0))
    .bind(m.cadence.as_str())
    .bind(Json(&m.milestones))
    .bind(Json(&m.tags))
    .bind(m.public)
    .execute(&mut *tx)
    .await?
    .rows_affected();
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
            sqlx::query("DELETE FROM assignments WHERE matter_id = $1 AND unit_id = $2")
                .bind(m.id.0)
                .bind(a.unit_id.0)
                .execute(&mut *tx)
                .await?;
        }
    }
    for (position, a) in m.assignments.iter().enumerate() {
        if before.assignments.get(position) == Some(a) {
            continue;
        }
        sqlx::query(crate::UPSERT_ASSIGNMENT)
            .bind(m.id.0)
            .bind(a.unit_id.0)
            .bind(position as i32)
            .bind(a.role.as_str())
            .bind(a.state.as_str())
            .bind(a.signed_at)
            .bind(a.last_feedback_at)
            .bind(i32::from(a.percent))
            .execute(&mut *tx)
            .await?;
    }
    let ids = insert_events(tx, m.id, &t.events).await?;
    super::notify::dispatch_in(tx, dispatch).await?;
    Ok(ids)
}

/// Appends events and their links; the caller's transaction holds the chain's lock.
pub(crate) async fn insert_events(
    tx: &mut PgConnection,
    matter: MatterId,
    events: &[NewEvent],
) -> Result<Vec<EventId>> {
    let all: Vec<(MatterId, &NewEvent)> = events.iter().map(|e| (matter, e)).collect();
    insert_all(tx, &all).await
}

/// Appends the events of one or more matters in one statement, in order, and links them.
pub(super) async fn insert_all(
    tx: &mut PgConnection,
    events: &[(MatterId, &NewEvent)],
) -> Result<Vec<EventId>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO events (matter_id, kind, actor_id, unit_id, at, comment, percent, problems,
             next_steps, new_deadline)
         SELECT matter_id, kind, actor_id, unit_id, at, comment, percent, problems, next_steps,
             new_deadline
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::timestamptz[],
             $6::text[], $7::int[], $8::text[], $9::text[], $10::date[])
             WITH ORDINALITY AS e (matter_id, kind, actor_id, unit_id, at, comment, percent,
                 problems, next_steps, new_deadline, ord)
         ORDER BY ord
         RETURNING id",
    )
    .bind(events.iter().map(|(m, _)| m.0).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|(_, e)| e.kind.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|(_, e)| e.actor_id.0).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|(_, e)| e.unit_id.map(|u| u.0))
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|(_, e)| e.at).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|(_, e)| e.comment.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        events
            .iter()
            .map(|(_, e)| e.percent.map(i32::from))
            .collect::<Vec<_>>(),
    )
    .bind(
        events
            .iter()
            .map(|(_, e)| e.problems.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        events
            .iter()
            .map(|(_, e)| e.next_steps.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        events
            .iter()
            .map(|(_, e)| e.new_deadline)
            .collect::<Vec<_>>(),
    )
    .fetch_all(&mut *tx)
    .await?;
    super::audit::extend(tx).await?;
    // Identities are drawn as the ordered rows go in: in id order they are in event order.
    let mut ids = ids;
    ids.sort_unstable();
    Ok(ids.into_iter().map(EventId).collect())
}

/// One event as a JSON object in the shape of [`EventDoc`].
const EVENT_DOC: &str = "json_build_object(
    'id', id, 'matter_id', matter_id, 'kind', kind, 'actor_id', actor_id,
    'unit_id', unit_id, 'at', at, 'comment', comment, 'percent', percent,
    'problems', problems, 'next_steps', next_steps, 'new_deadline', new_deadline)";

/// The timelines of many matters, in one statement.
pub async fn events_of(conn: &mut PgConnection, matters: &[MatterId]) -> Result<Vec<Event>> {
    let ids: Vec<i64> = matters.iter().map(|m| m.0).collect();
    let doc: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT json_agg({EVENT_DOC} ORDER BY matter_id, id)::text
         FROM events WHERE matter_id = ANY($1)"
    )))
    .bind(ids)
    .fetch_one(conn)
    .await?;
    read_all(doc.as_deref(), |d: EventDoc| Event::from(d))
}

/// One matter as a JSON object in the shape of [`MatterDoc`].
const MATTER_DOC: &str = "json_build_object(
    'id', m.id, 'org_id', m.org_id, 'year', m.year, 'seq', m.seq, 'title', m.title,
    'content', m.content, 'source', m.source, 'origin', m.origin, 'urgency', m.urgency,
    'lead_unit_id', m.lead_unit_id, 'leader_id', m.leader_id, 'deadline', m.deadline,
    'cadence', m.cadence, 'milestones', m.milestones, 'tags', m.tags,
    'public', m.public, 'parent_id', m.parent_id, 'state', m.state,
    'extension', m.extension, 'created_by', m.created_by, 'created_at', m.created_at,
    'assigned_at', m.assigned_at, 'closed_at', m.closed_at, 'version', m.version,
    'assignments', (SELECT json_agg(json_build_object(
        'position', a.position, 'unit_id', a.unit_id, 'role', a.role, 'state', a.state,
        'signed_at', a.signed_at, 'last_feedback_at', a.last_feedback_at, 'percent', a.percent))
        FROM assignments a WHERE a.matter_id = m.id))";

fn order_by(order: Order) -> &'static str {
    match order {
        Order::Deadline => " ORDER BY m.deadline IS NULL, m.deadline, m.id",
        Order::DeadlineLast => " ORDER BY m.deadline IS NULL, m.deadline DESC, m.id DESC",
        Order::Newest => " ORDER BY m.created_at DESC, m.id DESC",
        Order::Number => " ORDER BY m.org_id, m.year, m.seq",
    }
}

fn matter_of(doc: Option<String>) -> Result<Option<Matter>> {
    doc.map(|doc| {
        serde_json::from_str::<MatterDoc>(&doc)
            .map(Matter::from)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    })
    .transpose()
}

pub async fn one(conn: &mut PgConnection, id: MatterId) -> Result<Option<Matter>> {
    let doc: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {MATTER_DOC}::text FROM matters m WHERE m.id = $1"
    )))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    matter_of(doc)
}

/// Every matter below `roots`, to any depth, from one statement. `UNION` (not `UNION ALL`)
/// drops rows already found, so even a parent link that looped back could not make the walk
/// run forever.
pub async fn descendants(conn: &mut PgConnection, roots: &[MatterId]) -> Result<Vec<Matter>> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = roots.iter().map(|m| m.0).collect();
    let doc: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE below(id) AS (
             SELECT id FROM matters WHERE parent_id = ANY($1)
             UNION
             SELECT m.id FROM matters m JOIN below b ON m.parent_id = b.id)
         SELECT json_agg({MATTER_DOC})::text FROM matters m
         WHERE m.id IN (SELECT id FROM below) AND m.id <> ALL($1)"
    )))
    .bind(ids)
    .fetch_one(conn)
    .await?;
    read_all(doc.as_deref(), |d: MatterDoc| Matter::from(d))
}

/// The matter and its timeline from one statement, so from one snapshot.
pub async fn with_events(
    conn: &mut PgConnection,
    id: MatterId,
) -> Result<Option<(Matter, Vec<Event>)>> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {MATTER_DOC}::text,
             (SELECT json_agg({EVENT_DOC} ORDER BY id) FROM events WHERE matter_id = m.id)::text
         FROM matters m WHERE m.id = $1"
    )))
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    let Some((matter, events)) = row else {
        return Ok(None);
    };
    let matter = matter_of(Some(matter))?.expect("a document was read");
    let events = read_all(events.as_deref(), |d: EventDoc| Event::from(d))?;
    Ok(Some((matter, events)))
}

/// Matters matching `q` with their assignments, and how many match in all: one statement, one
/// row, however long the page. The page is chosen on narrow rows in the list's order first;
/// only its matters are built into documents.
pub async fn select(conn: &mut PgConnection, q: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
    let mut sql = Sql::default();
    sql.push("SELECT (SELECT count(*) FROM matters m WHERE true");
    push_filters(&mut sql, q);
    sql.push(&format!(
        "), (SELECT json_agg({MATTER_DOC}{})::text FROM matters m ",
        order_by(q.order)
    ));
    sql.push("WHERE m.id IN (SELECT m.id FROM matters m WHERE true");
    push_filters(&mut sql, q);
    sql.push(order_by(q.order));
    if let Some((limit, offset)) = q.page {
        sql.push(" LIMIT ")
            .bind(limit as i64)
            .push(" OFFSET ")
            .bind(offset as i64);
    }
    sql.push("))");
    let row = sql.query().fetch_one(conn).await?;
    let total: i64 = row.try_get(0)?;
    let page: Option<String> = row.try_get(1)?;
    let matters = read_all(page.as_deref(), |d: MatterDoc| Matter::from(d))?;
    Ok((matters, total as usize))
}

fn push_filters(sql: &mut Sql, q: &MatterQuery) {
    push_visibility(sql, q);
    if !q.states.is_empty() {
        sql.push(" AND m.state = ANY(")
            .bind(Arg::Texts(
                q.states.iter().map(|s| s.as_str().to_string()).collect(),
            ))
            .push(")");
    }
    if q.public_only {
        sql.push(" AND m.public");
    }
    if let Some(parent) = q.parent_id {
        sql.push(" AND m.parent_id = ").bind(parent.0);
    }
    if let Some(leader) = q.leader_id {
        sql.push(" AND m.leader_id = ").bind(leader.0);
    }
    if let Some(from) = q.due_from {
        sql.push(" AND m.deadline >= ").bind(from);
    }
    if let Some(to) = q.due_to {
        sql.push(" AND m.deadline <= ").bind(to);
    }
    if let Some(source) = q.source {
        sql.push(" AND m.source = ")
            .bind(source.as_str().to_string());
    }
    if !q.within.is_empty() {
        sql.push(" AND m.id IN (SELECT matter_id FROM assignments WHERE unit_id")
            .any(q.within.iter().map(|u| u.0))
            .push(")");
    }
    if let Some(day) = q.overdue_on {
        let (d, e) = (sql.placeholder(day), sql.placeholder(china_day_end(day)));
        sql.push(&overdue_at(&d, &e));
    }
    if !q.lights.is_empty() {
        sql.push(" AND m.light = ANY(")
            .bind(Arg::Texts(
                q.lights.iter().map(|l| l.as_str().to_string()).collect(),
            ))
            .push(")");
    }
    if let Some(unit) = q.unit_id {
        sql.push(" AND m.id IN (SELECT matter_id FROM assignments WHERE unit_id = ")
            .bind(unit.0)
            .push(")");
    }
    // Every word must match: in the title, the content, the number, or a unit's name.
    for word in q.text.iter().flat_map(|t| t.split_whitespace()) {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        // ILIKE: SQLite's LIKE ignores the case of ASCII letters, and searches should not
        // depend on the backend.
        sql.push(" AND (m.title ILIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR m.content ILIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR ('督〔' || m.year || '〕' || m.seq || '号') = ")
            .bind(word.to_string());
        sql.push(
            " OR m.id IN (SELECT a.matter_id FROM assignments a JOIN units u ON u.id = a.unit_id \
             WHERE u.name ILIKE ",
        )
        .bind(pattern.clone())
        .push(" ESCAPE '\\' OR u.short_names::text ILIKE ")
        .bind(pattern)
        .push(" ESCAPE '\\'))");
    }
}

pub async fn stale_lights(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<(Option<String>, Vec<Matter>)> {
    // Each half reads its own index; a clock set back makes lights worked out "later" stale.
    let (basis, doc): (Option<String>, Option<String>) =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT (SELECT value FROM settings WHERE key = 'lights_basis'),
                 (SELECT json_agg({MATTER_DOC})::text FROM matters m WHERE m.id IN (
                     (SELECT id FROM matters WHERE light_until <= $1 LIMIT $2)
                     UNION (SELECT id FROM matters WHERE light_at > $1 LIMIT $2)))"
        )))
        .bind(now.timestamp_micros())
        .bind(limit as i64)
        .fetch_one(conn)
        .await?;
    Ok((
        basis,
        read_all(doc.as_deref(), |d: MatterDoc| Matter::from(d))?,
    ))
}

/// Stores the stamps whose matter is still at their version, in one statement per table.
pub async fn save_lights(tx: &mut PgConnection, stamps: &[LightStamp]) -> Result<usize> {
    let mut ids = Vec::with_capacity(stamps.len());
    let (mut versions, mut lights, mut ats, mut untils) = (vec![], vec![], vec![], vec![]);
    for stamp in stamps {
        let (at, until) = stamp.window();
        ids.push(stamp.matter_id.0);
        versions.push(stamp.version);
        lights.push(stamp.light.as_str());
        ats.push(at);
        untils.push(until);
    }
    let saved: Vec<i64> = sqlx::query_scalar(
        "UPDATE matters m SET light = s.light, light_at = s.at, light_until = s.until
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[])
             AS s (id, version, light, at, until)
         WHERE m.id = s.id AND m.version = s.version
         RETURNING m.id",
    )
    .bind(&ids)
    .bind(&versions)
    .bind(&lights)
    .bind(&ats)
    .bind(&untils)
    .fetch_all(&mut *tx)
    .await?;
    let saved_ids: std::collections::HashSet<i64> = saved.iter().copied().collect();
    let (mut matters, mut units, mut unit_lights) = (vec![], vec![], vec![]);
    let (mut concerns, mut causes) = (vec![], vec![]);
    for stamp in stamps.iter().filter(|s| saved_ids.contains(&s.matter_id.0)) {
        for (unit, light, concern, cause) in stamp.unit_rows() {
            matters.push(stamp.matter_id.0);
            units.push(unit);
            unit_lights.push(light);
            concerns.push(concern);
            causes.push(cause);
        }
    }
    sqlx::query(
        "UPDATE assignments a SET light = s.light, concern = s.concern, cause = s.cause
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])
             AS s (matter_id, unit_id, light, concern, cause)
         WHERE a.matter_id = s.matter_id AND a.unit_id = s.unit_id
           AND (a.light <> s.light OR a.cause IS DISTINCT FROM s.cause)",
    )
    .bind(&matters)
    .bind(&units)
    .bind(&unit_lights)
    .bind(&concerns)
    .bind(&causes)
    .execute(&mut *tx)
    .await?;
    Ok(saved.len())
}

pub async fn reset_lights(tx: &mut PgConnection, basis: &str) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE matters SET light_until = 0 WHERE light_until <> 0 AND state IN {}",
        crate::lit_states()
    )))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('lights_basis', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(basis)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn tally(conn: &mut PgConnection, q: &MatterQuery) -> Result<Tally> {
    let mut sql = Sql::default();
    sql.push("SELECT m.state, m.source, m.light, count(*) FROM matters m WHERE true");
    push_filters(&mut sql, q);
    sql.push(" GROUP BY m.state, m.source, m.light");
    let matters = sql
        .query()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect::<Result<Vec<(String, String, String, i64)>>>()?;
    let mut sql = Sql::default();
    sql.push(&crate::unit_tally_sql());
    if !q.within.is_empty() {
        sql.push(" AND a.unit_id").any(q.within.iter().map(|u| u.0));
    }
    push_filters(&mut sql, q);
    sql.push(" GROUP BY a.unit_id");
    let units = sql
        .query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok([
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
            ])
        })
        .collect::<Result<Vec<[i64; 5]>>>()?;
    Tally::read(matters, units)
}

/// The trend in one pass over the matters that can count on any of the days: due before the
/// last and still open at the end of the first.
pub async fn overdue_counts(
    conn: &mut PgConnection,
    q: &MatterQuery,
    days: &[NaiveDate],
) -> Result<Vec<usize>> {
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::default();
    sql.push("SELECT ");
    for (i, day) in days.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let (d, e) = (sql.placeholder(*day), sql.placeholder(china_day_end(*day)));
        sql.push(&format!("count(*) FILTER (WHERE {})", overdue_when(&d, &e)));
    }
    sql.push(" FROM matters m WHERE true");
    push_filters(&mut sql, q);
    let (d, e) = (
        sql.placeholder(*last),
        sql.placeholder(china_day_end(*first)),
    );
    sql.push(&overdue_at(&d, &e));
    let row = sql.query().fetch_one(conn).await?;
    (0..days.len())
        .map(|i| Ok(row.try_get::<i64, _>(i)? as usize))
        .collect()
}

pub async fn due_by_unit_month(
    conn: &mut PgConnection,
    q: &MatterQuery,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<UnitMonth>> {
    let mut sql = Sql::default();
    // A deadline ends at midnight in China, 16:00 UTC of the same date (China keeps no summer
    // time).
    sql.push(
        "SELECT a.unit_id, date_trunc('month', m.deadline)::date AS month, count(*), \
         count(*) FILTER (WHERE CASE WHEN m.closed_at IS NULL THEN m.deadline < ",
    )
    .bind(today)
    .push(
        " ELSE m.closed_at >= (m.deadline + time '16:00') AT TIME ZONE 'UTC' END) \
         FROM matters m JOIN assignments a ON a.matter_id = m.id \
         WHERE m.state NOT IN ('draft', 'cancelled') AND m.deadline >= ",
    )
    .bind(from)
    .push(" AND m.deadline <= ")
    .bind(to);
    if !q.within.is_empty() {
        sql.push(" AND a.unit_id").any(q.within.iter().map(|u| u.0));
    }
    push_filters(&mut sql, q);
    sql.push(" GROUP BY a.unit_id, month");
    let rows = sql.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(UnitMonth {
                unit_id: UnitId(r.try_get(0)?),
                month: r.try_get(1)?,
                due: r.try_get::<i64, _>(2)? as usize,
                late: r.try_get::<i64, _>(3)? as usize,
            })
        })
        .collect()
}

pub async fn scope_counts(
    conn: &mut PgConnection,
    scope: UnitId,
    days: &[NaiveDate],
    today: NaiveDate,
    heat_rows: usize,
) -> Result<ScopeCounts> {
    use crate::scope_sql::*;
    let s = scope.0;
    let matters = sqlx::query_as(MATTERS)
        .bind(s)
        .fetch_all(&mut *conn)
        .await?;
    let units: Vec<(i64, i64, i64, i64, i64)> =
        sqlx::query_as(UNITS).bind(s).fetch_all(&mut *conn).await?;
    let [last, this_month] = bounds(days, today);
    let by_day: Vec<(NaiveDate, i64, i64)> = sqlx::query_as(DAYS)
        .bind(s)
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
    let months: Vec<(i64, i64, i64, i64)> = sqlx::query_as(HEAT)
        .bind(s)
        .bind(this_month)
        .bind(today)
        .bind(i64::from(today.year()))
        .bind(i64::from(today.month()))
        .bind(heat_rows as i64)
        .fetch_all(&mut *conn)
        .await?;
    let units = units
        .into_iter()
        .map(|(u, open, red, closed, counted)| [u, open, red, closed, counted])
        .collect();
    ScopeCounts::read(
        Tally::read(matters, units)?,
        days,
        &by_day,
        months,
        today.year(),
    )
}

fn push_visibility(sql: &mut Sql, q: &MatterQuery) {
    let v = &q.visibility;
    let mut clauses = 0;
    let mut or = |sql: &mut Sql, clause: &str| {
        sql.push(if clauses == 0 { " AND (" } else { " OR " })
            .push(clause);
        clauses += 1;
    };
    if !v.org_ids.is_empty() {
        or(sql, "m.org_id");
        sql.any(v.org_ids.iter().map(|u| u.0));
    }
    if let Some(leader) = v.leader_id {
        or(sql, "m.leader_id = ");
        sql.bind(leader.0);
    }
    if !v.assigned_units.is_empty() {
        or(
            sql,
            "m.id IN (SELECT matter_id FROM assignments WHERE unit_id",
        );
        sql.any(v.assigned_units.iter().map(|u| u.0));
        sql.push(")");
    }
    // A caller with no scope at all sees nothing.
    sql.push(if clauses == 0 { " AND false" } else { ")" });
}
