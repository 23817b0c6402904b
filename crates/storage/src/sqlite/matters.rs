//! Matters on SQLite: creation with gap-free numbering, versioned transitions, scoped queries
//! that fold their rows into one JSON document.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use luoshi_domain::{
    Event, EventId, Matter, MatterId, MatterNumber, NewEvent, Transition, UnitId, china_day_end,
};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::rows::{shared, to_json, ts, write_error};
use crate::doc::{EventDoc, MatterDoc, read_all};
use crate::notify::Dispatch;
use crate::{
    LightStamp, MatterQuery, Order, Result, ScopeCounts, StoreError, Tally, UnitMonth, overdue_at,
    overdue_when,
};

pub fn create(conn: &mut Connection, batch: &[(Matter, Vec<NewEvent>)]) -> Result<Vec<Matter>> {
    let tx = conn.transaction()?;
    let created = batch
        .iter()
        .map(|(m, events)| create_in(&tx, m, events))
        .collect::<Result<_>>()?;
    tx.commit()?;
    Ok(created)
}

pub fn import(
    conn: &mut Connection,
    batch: &[(Matter, Vec<NewEvent>, String)],
) -> Result<Vec<Matter>> {
    let tx = conn.transaction()?;
    let mut created = Vec::new();
    for (m, events, key) in batch {
        let seen = tx
            .prepare_cached("SELECT 1 FROM matter_imports WHERE org_id = ? AND key = ?")?
            .exists(params![m.org_id.0, key])?;
        if seen {
            continue;
        }
        let matter = create_in(&tx, m, events)?;
        tx.prepare_cached("INSERT INTO matter_imports (org_id, key, matter_id) VALUES (?, ?, ?)")?
            .execute(params![m.org_id.0, key, matter.id.0])
            .map_err(write_error)?;
        created.push(matter);
    }
    tx.commit()?;
    Ok(created)
}

pub fn latest_reports(
    conn: &Connection,
    ids: &[MatterId],
) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
    let mut out = Vec::new();
    // Chunks keep each statement well under SQLite's limit on bound values.
    for chunk in ids.chunks(500) {
        let mut sql = Sql::default();
        sql.push(
            "SELECT matter_id, comment, at FROM events WHERE id IN \
             (SELECT MAX(id) FROM events WHERE kind = 'feedback' AND matter_id IN ",
        )
        .bind_list(chunk.iter().map(|m| m.0))
        .push(" GROUP BY matter_id)");
        let mut stmt = conn.prepare(&sql.text)?;
        let rows = stmt.query_map(params_from_iter(sql.args.iter()), |r| {
            Ok((
                MatterId(r.get(0)?),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, text, at) = row?;
            let at = DateTime::parse_from_rfc3339(&at)
                .map_err(|_| StoreError::Corrupt(format!("event time {at:?}")))?
                .to_utc();
            out.push((id, text, at));
        }
    }
    Ok(out)
}

pub fn imported(conn: &Connection, org: UnitId, keys: &[String]) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT 1 FROM matter_imports WHERE org_id = ? AND key = ?")?;
    let mut seen = Vec::new();
    for key in keys {
        if stmt.exists(params![org.0, key])? {
            seen.push(key.clone());
        }
    }
    Ok(seen)
}

fn create_in(tx: &Transaction<'_>, m: &Matter, events: &[NewEvent]) -> Result<Matter> {
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO matter_counters (org_id, year, last_seq) VALUES (?, ?, 1)
             ON CONFLICT (org_id, year) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq",
        )?
        .query_row(params![m.org_id.0, m.number.year], |r| r.get(0))
        .map_err(write_error)?;
    let id: i64 = tx
        .prepare_cached(
            "INSERT INTO matters (org_id, year, seq, title, content, source, origin, urgency,
                lead_unit_id, leader_id, deadline, cadence, milestones, tags, public, parent_id,
                state, extension, created_by, created_at, assigned_at, closed_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )?
        .query_row(
            params![
                m.org_id.0,
                m.number.year,
                seq,
                m.title,
                m.content,
                m.source.as_str(),
                m.origin,
                m.urgency.as_str(),
                m.lead_unit_id.0,
                m.leader_id.map(|u| u.0),
                m.deadline,
                m.cadence.as_str(),
                to_json(&m.milestones),
                to_json(&m.tags),
                m.public,
                m.parent_id.map(|p| p.0),
                m.state.as_str(),
                m.extension.as_ref().map(to_json),
                m.created_by.0,
                ts(m.created_at),
                m.assigned_at.map(ts),
                m.closed_at.map(ts),
                m.version,
            ],
            |r| r.get(0),
        )
        .map_err(write_error)?;
    let id = MatterId(id);
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO assignments (matter_id, unit_id, position, role, state, signed_at,
                 last_feedback_at, percent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for (position, a) in m.assignments.iter().enumerate() {
            insert
                .execute(params![
                    id.0,
                    a.unit_id.0,
                    position as i64,
                    a.role.as_str(),
                    a.state.as_str(),
                    a.signed_at.map(ts),
                    a.last_feedback_at.map(ts),
                    a.percent,
                ])
                .map_err(write_error)?;
        }
    }
    insert_events(tx, id, events)?;
    let mut created = m.clone();
    created.id = id;
    created.number = MatterNumber {
        year: m.number.year,
        seq,
    };
    Ok(created)
}

/// Writes what changed between `before` and the transition, if the stored matter is still at
/// `before`'s version.
pub fn save_transition(
    conn: &mut Connection,
    before: &Matter,
    t: &Transition,
    dispatch: &Dispatch,
) -> Result<Vec<EventId>> {
    let m = &t.matter;
    let tx = conn.transaction()?;
    let updated = tx
        .prepare_cached(
            "UPDATE matters SET state = ?, deadline = ?, extension = ?, assigned_at = ?,
                 closed_at = ?, version = ?, light_until = 0, title = ?, content = ?,
                 source = ?, origin = ?, urgency = ?, lead_unit_id = ?, leader_id = ?,
                 cadence = ?, milestones = ?, tags = ?, public = ?
             WHERE id = ? AND version = ?",
        )?
        .execute(params![
            m.state.as_str(),
            m.deadline,
            m.extension.as_ref().map(to_json),
            m.assigned_at.map(ts),
            m.closed_at.map(ts),
            m.version,
            m.title,
            m.content,
            m.source.as_str(),
            m.origin,
            m.urgency.as_str(),
            m.lead_unit_id.0,
            m.leader_id.map(|u| u.0),
            m.cadence.as_str(),
            to_json(&m.milestones),
            to_json(&m.tags),
            m.public,
            m.id.0,
            before.version,
        ])?;
    if updated != 1 {
        return Err(StoreError::Conflict(format!(
            "matter {} changed since it was read",
            m.id
        )));
    }
    {
        // Only a draft loses units (its assignments have no history yet); a unit taken off
        // work in hand keeps its assignment, cancelled.
        let mut remove =
            tx.prepare_cached("DELETE FROM assignments WHERE matter_id = ? AND unit_id = ?")?;
        for a in &before.assignments {
            if m.assignment(a.unit_id).is_none() {
                remove.execute(params![m.id.0, a.unit_id.0])?;
            }
        }
        let mut upsert = tx.prepare_cached(&shared(crate::UPSERT_ASSIGNMENT))?;
        for (position, a) in m.assignments.iter().enumerate() {
            let unmoved = before.assignments.get(position) == Some(a);
            if unmoved {
                continue;
            }
            upsert.execute(params![
                m.id.0,
                a.unit_id.0,
                position as i64,
                a.role.as_str(),
                a.state.as_str(),
                a.signed_at.map(ts),
                a.last_feedback_at.map(ts),
                a.percent,
            ])?;
        }
    }
    let ids = insert_events(&tx, m.id, &t.events)?;
    super::notify::dispatch_in(&tx, dispatch)?;
    tx.commit()?;
    Ok(ids)
}

pub(crate) fn insert_events(
    tx: &Connection,
    matter: MatterId,
    events: &[NewEvent],
) -> Result<Vec<EventId>> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO events (matter_id, kind, actor_id, unit_id, at, comment, percent, problems,
             next_steps, new_deadline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )?;
    let ids = events
        .iter()
        .map(|e| {
            let id = insert
                .query_row(
                    params![
                        matter.0,
                        e.kind.as_str(),
                        e.actor_id.0,
                        e.unit_id.map(|u| u.0),
                        ts(e.at),
                        e.comment,
                        e.percent,
                        e.problems,
                        e.next_steps,
                        e.new_deadline,
                    ],
                    |r| r.get(0),
                )
                .map_err(write_error)?;
            Ok(EventId(id))
        })
        .collect::<Result<Vec<_>>>()?;
    super::audit::extend(tx)?;
    Ok(ids)
}

pub fn events(conn: &Connection, matter: MatterId) -> Result<Vec<Event>> {
    let timeline: Option<String> = conn
        .prepare_cached(
            "SELECT json_group_array(json_object(
                 'id', id, 'matter_id', matter_id, 'kind', kind, 'actor_id', actor_id,
                 'unit_id', unit_id, 'at', at, 'comment', comment, 'percent', percent,
                 'problems', problems, 'next_steps', next_steps, 'new_deadline', new_deadline)
                 ORDER BY id)
             FROM events WHERE matter_id = ?",
        )?
        .query_row([matter.0], |r| r.get(0))?;
    read_all(timeline.as_deref(), |d: EventDoc| Event::from(d))
}

/// The timelines of many matters, read in chunks of one statement each.
pub fn events_of(conn: &Connection, matters: &[MatterId]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for chunk in matters.chunks(500) {
        let mut sql = Sql::default();
        sql.push(
            "SELECT json_group_array(json_object(
                 'id', id, 'matter_id', matter_id, 'kind', kind, 'actor_id', actor_id,
                 'unit_id', unit_id, 'at', at, 'comment', comment, 'percent', percent,
                 'problems', problems, 'next_steps', next_steps, 'new_deadline', new_deadline)
                 ORDER BY matter_id, id)
             FROM events WHERE matter_id IN ",
        )
        .bind_list(chunk.iter().map(|m| m.0));
        let doc: Option<String> = conn
            .prepare(&sql.text)?
            .query_row(params_from_iter(sql.args.iter()), |r| r.get(0))?;
        out.extend(read_all(doc.as_deref(), |d: EventDoc| Event::from(d))?);
    }
    Ok(out)
}

/// One matter as a JSON object in the shape of [`MatterDoc`].
const MATTER_DOC: &str = "json_object(
    'id', m.id, 'org_id', m.org_id, 'year', m.year, 'seq', m.seq, 'title', m.title,
    'content', m.content, 'source', m.source, 'origin', m.origin, 'urgency', m.urgency,
    'lead_unit_id', m.lead_unit_id, 'leader_id', m.leader_id, 'deadline', m.deadline,
    'cadence', m.cadence, 'milestones', json(m.milestones), 'tags', json(m.tags),
    'public', m.public, 'parent_id', m.parent_id, 'state', m.state,
    'extension', json(m.extension), 'created_by', m.created_by, 'created_at', m.created_at,
    'assigned_at', m.assigned_at, 'closed_at', m.closed_at, 'version', m.version,
    'assignments', (SELECT json_group_array(json_object(
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

pub fn one(conn: &Connection, id: MatterId) -> Result<Option<Matter>> {
    let doc: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT {MATTER_DOC} FROM matters m WHERE m.id = ?"
        ))?
        .query_row([id.0], |r| r.get(0))
        .optional()?;
    match doc {
        Some(doc) => {
            let d: MatterDoc =
                serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(Some(Matter::from(d)))
        }
        None => Ok(None),
    }
}

/// Every matter below `roots`, to any depth. `UNION` (not `UNION ALL`) drops rows already
/// found, so even a parent link that looped back could not make the walk run forever.
pub fn descendants(conn: &Connection, roots: &[MatterId]) -> Result<Vec<Matter>> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    sql.push("WITH RECURSIVE below(id) AS (SELECT id FROM matters WHERE parent_id IN ")
        .bind_list(roots.iter().map(|m| m.0))
        .push(
            " UNION SELECT m.id FROM matters m JOIN below b ON m.parent_id = b.id) \
             SELECT json_group_array(",
        )
        .push(MATTER_DOC)
        .push(") FROM matters m WHERE m.id IN (SELECT id FROM below) AND m.id NOT IN ")
        .bind_list(roots.iter().map(|m| m.0));
    let doc: Option<String> = conn
        .prepare(&sql.text)?
        .query_row(params_from_iter(sql.args.iter()), |r| r.get(0))?;
    read_all(doc.as_deref(), |d: MatterDoc| Matter::from(d))
}

/// SQL text and its arguments, built together.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Value>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.text.push('?');
        self.args.push(value.into());
        self
    }

    fn bind_list(&mut self, values: impl Iterator<Item = i64>) -> &mut Sql {
        self.text.push('(');
        for (i, v) in values.enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }
}

/// Matters matching `q` with their assignments, and how many match in all — one statement,
/// one row, however long the page. The page is chosen on narrow rows in the list's order
/// first; only its matters are built into documents.
pub fn select(conn: &Connection, q: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
    let sql = select_sql(q);
    let (total, page): (i64, Option<String>) = conn
        .prepare_cached(&sql.text)?
        .query_row(params_from_iter(sql.args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let matters = read_all(page.as_deref(), |d: MatterDoc| Matter::from(d))?;
    Ok((matters, total as usize))
}

fn select_sql(q: &MatterQuery) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT (SELECT COUNT(*) FROM matters m WHERE 1=1");
    push_filters(&mut sql, q);
    sql.push(&format!(
        "), (SELECT json_group_array({MATTER_DOC}{}) FROM matters m ",
        order_by(q.order)
    ));
    sql.push("WHERE m.id IN (SELECT m.id FROM matters m WHERE 1=1");
    push_filters(&mut sql, q);
    sql.push(order_by(q.order));
    if let Some((limit, offset)) = q.page {
        sql.push(" LIMIT ")
            .bind(limit as i64)
            .push(" OFFSET ")
            .bind(offset as i64);
    }
    sql.push("))");
    sql
}

fn push_filters(sql: &mut Sql, q: &MatterQuery) {
    push_visibility(sql, q);
    if !q.states.is_empty() {
        sql.push(" AND m.state IN (");
        for (i, s) in q.states.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(s.as_str().to_string());
        }
        sql.push(")");
    }
    if q.public_only {
        sql.push(" AND m.public = 1");
    }
    if let Some(parent) = q.parent_id {
        sql.push(" AND m.parent_id = ").bind(parent.0);
    }
    if let Some(leader) = q.leader_id {
        sql.push(" AND m.leader_id = ").bind(leader.0);
    }
    if let Some(from) = q.due_from {
        sql.push(" AND m.deadline >= ").bind(from.to_string());
    }
    if let Some(to) = q.due_to {
        sql.push(" AND m.deadline <= ").bind(to.to_string());
    }
    if let Some(source) = q.source {
        sql.push(" AND m.source = ")
            .bind(source.as_str().to_string());
    }
    if !q.within.is_empty() {
        sql.push(" AND m.id IN (SELECT matter_id FROM assignments WHERE unit_id IN ")
            .bind_list(q.within.iter().map(|u| u.0))
            .push(")");
    }
    if let Some(day) = q.overdue_on {
        sql.push(&overdue_at("?", "?"));
        sql.args.push(day.to_string().into());
        sql.args.push(ts(china_day_end(day)).into());
    }
    if !q.lights.is_empty() {
        sql.push(" AND m.light IN (");
        for (i, l) in q.lights.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(l.as_str().to_string());
        }
        sql.push(")");
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
        sql.push(" AND (m.title LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR m.content LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR ('督〔' || m.year || '〕' || m.seq || '号') = ")
            .bind(word.to_string());
        sql.push(
            " OR m.id IN (SELECT a.matter_id FROM assignments a JOIN units u ON u.id = a.unit_id \
             WHERE u.name LIKE ",
        )
        .bind(pattern.clone())
        .push(" ESCAPE '\\' OR u.short_names LIKE ")
        .bind(pattern)
        .push(" ESCAPE '\\'))");
    }
}

/// Each half reads its own index; a clock set back makes lights worked out "later" stale.
const STALE: &str = "SELECT id FROM (SELECT id FROM matters WHERE light_until <= ?1 LIMIT ?2)
    UNION SELECT id FROM (SELECT id FROM matters WHERE light_at > ?1 LIMIT ?2)";

pub fn stale_lights(
    conn: &Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<(Option<String>, Vec<Matter>)> {
    let (basis, doc): (Option<String>, Option<String>) = conn
        .prepare_cached(&format!(
            "SELECT (SELECT value FROM settings WHERE key = 'lights_basis'),
                 (SELECT json_group_array({MATTER_DOC}) FROM matters m WHERE m.id IN ({STALE}))"
        ))?
        .query_row(params![now.timestamp_micros(), limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((
        basis,
        read_all(doc.as_deref(), |d: MatterDoc| Matter::from(d))?,
    ))
}

pub fn save_lights(conn: &mut Connection, stamps: &[LightStamp]) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut saved = 0;
    {
        let mut matter = tx.prepare_cached(
            "UPDATE matters SET light = ?, light_at = ?, light_until = ? WHERE id = ? AND version = ?",
        )?;
        let mut unit = tx.prepare_cached(
            "UPDATE assignments SET light = ?1, concern = ?4, cause = ?5
             WHERE matter_id = ?2 AND unit_id = ?3 AND (light <> ?1 OR cause IS NOT ?5)",
        )?;
        for stamp in stamps {
            let (at, until) = stamp.window();
            let id = stamp.matter_id.0;
            if matter.execute(params![stamp.light.as_str(), at, until, id, stamp.version])? == 1 {
                saved += 1;
                for (u, light, concern, cause) in stamp.unit_rows() {
                    unit.execute(params![light, id, u, concern, cause])?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(saved)
}

pub fn reset_lights(conn: &mut Connection, basis: &str) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        &format!(
            "UPDATE matters SET light_until = 0 WHERE light_until <> 0 AND state IN {}",
            crate::lit_states()
        ),
        [],
    )?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ('lights_basis', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [basis],
    )?;
    tx.commit()?;
    Ok(())
}

pub fn tally(conn: &Connection, q: &MatterQuery) -> Result<Tally> {
    let (sql, by_unit) = tally_sql(q);
    let mut stmt = conn.prepare(&sql.text)?;
    let matters = stmt
        .query_map(params_from_iter(sql.args.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(&by_unit.text)?;
    let units = stmt
        .query_map(params_from_iter(by_unit.args.iter()), |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })?
        .collect::<rusqlite::Result<Vec<[i64; 5]>>>()?;
    crate::Tally::read(matters, units)
}

/// The tally's two statements: matters by state, source and light; assignments by unit.
fn tally_sql(q: &MatterQuery) -> (Sql, Sql) {
    let mut matters = Sql::default();
    matters.push("SELECT m.state, m.source, m.light, COUNT(*) FROM matters m WHERE 1=1");
    push_filters(&mut matters, q);
    matters.push(" GROUP BY m.state, m.source, m.light");
    let mut units = Sql::default();
    units.push(&crate::unit_tally_sql());
    if !q.within.is_empty() {
        units
            .push(" AND a.unit_id IN ")
            .bind_list(q.within.iter().map(|u| u.0));
    }
    push_filters(&mut units, q);
    units.push(" GROUP BY a.unit_id");
    (matters, units)
}

/// The trend in one pass over the matters that can count on any of the days: due before the
/// last and still open at the end of the first.
pub fn overdue_counts(
    conn: &Connection,
    q: &MatterQuery,
    days: &[NaiveDate],
) -> Result<Vec<usize>> {
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let sql = overdue_sql(q, days);
    let counts = conn
        .prepare(&sql.text)?
        .query_row(params_from_iter(sql.args.iter()), |r| {
            (0..days.len())
                .map(|i| r.get::<_, i64>(i).map(|c| c as usize))
                .collect::<rusqlite::Result<Vec<usize>>>()
        })?;
    Ok(counts)
}

fn overdue_sql(q: &MatterQuery, days: &[NaiveDate]) -> Sql {
    let first = days.iter().min().expect("some days");
    let last = days.iter().max().expect("some days");
    let mut sql = Sql::default();
    sql.push("SELECT ");
    for (i, day) in days.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&format!(
            "COUNT(*) FILTER (WHERE {})",
            overdue_when("?", "?")
        ));
        sql.args.push(day.to_string().into());
        sql.args.push(ts(china_day_end(*day)).into());
    }
    sql.push(" FROM matters m WHERE 1=1");
    push_filters(&mut sql, q);
    sql.push(&overdue_at("?", "?"));
    sql.args.push(last.to_string().into());
    sql.args.push(ts(china_day_end(*first)).into());
    sql
}

pub fn due_by_unit_month(
    conn: &Connection,
    q: &MatterQuery,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<UnitMonth>> {
    let mut sql = Sql::default();
    // A deadline ends at midnight in China, 16:00 UTC of the same date (China keeps no summer
    // time); stored timestamps are UTC text of fixed width, so text order is time order.
    sql.push(
        "SELECT a.unit_id, substr(m.deadline, 1, 7) || '-01', COUNT(*), \
         SUM(CASE WHEN m.closed_at IS NULL THEN m.deadline < ",
    )
    .bind(today.to_string())
    .push(
        " ELSE m.closed_at >= m.deadline || 'T16:00:00' END) \
         FROM matters m JOIN assignments a ON a.matter_id = m.id \
         WHERE m.state NOT IN ('draft', 'cancelled') AND m.deadline >= ",
    )
    .bind(from.to_string())
    .push(" AND m.deadline <= ")
    .bind(to.to_string());
    if !q.within.is_empty() {
        sql.push(" AND a.unit_id IN ")
            .bind_list(q.within.iter().map(|u| u.0));
    }
    push_filters(&mut sql, q);
    sql.push(" GROUP BY a.unit_id, substr(m.deadline, 1, 7)");
    let mut stmt = conn.prepare(&sql.text)?;
    let rows = stmt
        .query_map(params_from_iter(sql.args.iter()), |r| {
            let month: String = r.get(1)?;
            Ok((
                r.get::<_, i64>(0)?,
                month,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(unit, month, due, late)| {
            let month = month
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("deadline month {month:?}")))?;
            Ok(UnitMonth {
                unit_id: UnitId(unit),
                month,
                due: due as usize,
                late: late as usize,
            })
        })
        .collect()
}

pub fn scope_counts(
    conn: &Connection,
    scope: UnitId,
    days: &[NaiveDate],
    today: NaiveDate,
    heat_rows: usize,
) -> Result<ScopeCounts> {
    use crate::scope_sql::*;
    let stmt = |sql: &str| conn.prepare_cached(&shared(sql));
    let s = scope.0;
    let matters = stmt(MATTERS)?
        .query_map([s], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let units = stmt(UNITS)?
        .query_map([s], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
        })?
        .collect::<rusqlite::Result<Vec<[i64; 5]>>>()?;
    let [last, this_month] = bounds(days, today);
    let by_day = stmt(DAYS)?
        .query_map(params![s, last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let months = stmt(HEAT)?
        .query_map(
            params![
                s,
                this_month,
                today,
                today.year(),
                today.month(),
                heat_rows as i64
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
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
        or(sql, "m.org_id IN ");
        sql.bind_list(v.org_ids.iter().map(|u| u.0));
    }
    if let Some(leader) = v.leader_id {
        or(sql, "m.leader_id = ");
        sql.bind(leader.0);
    }
    if !v.assigned_units.is_empty() {
        or(
            sql,
            "m.id IN (SELECT matter_id FROM assignments WHERE unit_id IN ",
        );
        sql.bind_list(v.assigned_units.iter().map(|u| u.0));
        sql.push(")");
    }
    // A caller with no scope at all sees nothing.
    sql.push(if clauses == 0 { " AND 0" } else { ")" });
}

#[cfg(test)]
mod plans {
    use luoshi_domain::{Light, Visibility};

    use super::*;

    /// The steps of the plan SQLite chooses for `sql`, one per line.
    fn plan(conn: &Connection, sql: &Sql) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", sql.text))
            .unwrap();
        stmt.query_map(params_from_iter(sql.args.iter()), |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// What a province's requests and sweeps run most, against the schema as migrated: each
    /// finds its rows through an index, and none reads the whole of `matters`.
    #[test]
    fn hot_queries_search_indexes_and_never_read_every_matter() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut conn).unwrap();
        let province = MatterQuery {
            visibility: Visibility {
                org_ids: (1..=958).map(UnitId).collect(),
                ..Visibility::default()
            },
            ..MatterQuery::default()
        };
        let red_of_unit = MatterQuery {
            lights: vec![Light::Red],
            unit_id: Some(UnitId(5)),
            page: Some((50, 0)),
            ..province.clone()
        };
        let (tally, by_unit) = tally_sql(&province);
        let days: Vec<NaiveDate> = (0..12)
            .map(|w| NaiveDate::from_ymd_opt(2026, 4, 12).unwrap() + chrono::Days::new(7 * w))
            .collect();
        let mut stale = Sql::default();
        stale.push(STALE);
        stale.args.extend([Value::from(0i64), Value::from(10i64)]);
        for (name, sql) in [
            ("a unit's red list", select_sql(&red_of_unit)),
            ("the tally by state, source and light", tally),
            ("the tally by unit", by_unit),
            ("the overdue trend", overdue_sql(&province, &days)),
            ("stale lights", stale),
        ] {
            let plan = plan(&conn, &sql);
            let reads_all = plan.lines().any(|l| {
                l.trim_start_matches(['|', '-', '`', ' '])
                    .starts_with("SCAN m")
            });
            assert!(!reads_all, "{name} reads every matter:\n{plan}");
        }
    }

    /// An office's dashboard finds its kept counts by its scope's key: it reads no table from
    /// end to end, however many matters and scopes there are.
    #[test]
    fn kept_counts_are_read_by_scope_and_never_whole() {
        use crate::scope_sql::{DAYS, HEAT, MATTERS, UNITS};
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut conn).unwrap();
        for (name, text) in [
            ("matters", MATTERS),
            ("units", UNITS),
            ("days", DAYS),
            ("heat", HEAT),
        ] {
            let params = (1..=9).filter(|i| text.contains(&format!("${i}"))).count();
            let sql = Sql {
                text: shared(text),
                args: vec![Value::Null; params],
            };
            let plan = plan(&conn, &sql);
            let scans_a_table = plan.lines().any(|l| {
                let step = l.trim_start_matches(['|', '-', '`', ' ']);
                ["matters", "assignments", "tally_"]
                    .iter()
                    .any(|t| step.starts_with(&format!("SCAN {t}")))
            });
            assert!(!scans_a_table, "{name} reads a whole table:\n{plan}");
        }
    }
}
