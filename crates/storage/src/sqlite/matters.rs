//! Matters on SQLite: creation with gap-free numbering, versioned transitions, scoped queries.

use luoshi_domain::{EventId, Matter, MatterId, MatterNumber, NewEvent, Transition};
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};

use super::rows::to_json;
use crate::doc::{MatterDoc, read_all};
use crate::{MatterQuery, Result, StoreError};

pub async fn create(pool: &SqlitePool, m: &Matter, events: &[NewEvent]) -> Result<Matter> {
    let mut tx = pool.begin().await?;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO matter_counters (org_id, year, last_seq) VALUES (?, ?, 1)
         ON CONFLICT (org_id, year) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq",
    )
    .bind(m.org_id.0)
    .bind(m.number.year)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO matters (org_id, year, seq, title, content, source, origin, urgency, lead_unit_id,
            leader_id, deadline, cadence, milestones, tags, public, parent_id, state, extension,
            created_by, created_at, assigned_at, closed_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(m.org_id.0)
    .bind(m.number.year)
    .bind(seq)
    .bind(&m.title)
    .bind(&m.content)
    .bind(m.source.as_str())
    .bind(&m.origin)
    .bind(m.urgency.as_str())
    .bind(m.lead_unit_id.0)
    .bind(m.leader_id.map(|u| u.0))
    .bind(m.deadline)
    .bind(m.cadence.as_str())
    .bind(to_json(&m.milestones))
    .bind(to_json(&m.tags))
    .bind(m.public)
    .bind(m.parent_id.map(|p| p.0))
    .bind(m.state.as_str())
    .bind(m.extension.as_ref().map(to_json))
    .bind(m.created_by.0)
    .bind(m.created_at)
    .bind(m.assigned_at)
    .bind(m.closed_at)
    .bind(m.version)
    .fetch_one(&mut *tx)
    .await
    .map_err(StoreError::from_write)?;
    let id = MatterId(id);
    for (position, a) in m.assignments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assignments (matter_id, unit_id, position, role, state, signed_at, last_feedback_at, percent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.0)
        .bind(a.unit_id.0)
        .bind(position as i64)
        .bind(a.role.as_str())
        .bind(a.state.as_str())
        .bind(a.signed_at)
        .bind(a.last_feedback_at)
        .bind(i64::from(a.percent))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_write)?;
    }
    insert_events(&mut tx, id, events).await?;
    tx.commit().await?;
    let mut created = m.clone();
    created.id = id;
    created.number = MatterNumber {
        year: m.number.year,
        seq,
    };
    Ok(created)
}

pub async fn save_transition(
    pool: &SqlitePool,
    read_version: i64,
    t: &Transition,
) -> Result<Vec<EventId>> {
    let m = &t.matter;
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE matters SET state = ?, deadline = ?, extension = ?, assigned_at = ?, closed_at = ?, version = ?
         WHERE id = ? AND version = ?",
    )
    .bind(m.state.as_str())
    .bind(m.deadline)
    .bind(m.extension.as_ref().map(to_json))
    .bind(m.assigned_at)
    .bind(m.closed_at)
    .bind(m.version)
    .bind(m.id.0)
    .bind(read_version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "matter {} changed since it was read",
            m.id
        )));
    }
    for a in &m.assignments {
        sqlx::query(
            "UPDATE assignments SET state = ?, signed_at = ?, last_feedback_at = ?, percent = ?
             WHERE matter_id = ? AND unit_id = ?",
        )
        .bind(a.state.as_str())
        .bind(a.signed_at)
        .bind(a.last_feedback_at)
        .bind(i64::from(a.percent))
        .bind(m.id.0)
        .bind(a.unit_id.0)
        .execute(&mut *tx)
        .await?;
    }
    let ids = insert_events(&mut tx, m.id, &t.events).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn insert_events(
    tx: &mut Transaction<'_, Sqlite>,
    matter: MatterId,
    events: &[NewEvent],
) -> Result<Vec<EventId>> {
    let mut ids = Vec::with_capacity(events.len());
    for e in events {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (matter_id, kind, actor_id, unit_id, at, comment, percent, problems, next_steps, new_deadline)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(matter.0)
        .bind(e.kind.as_str())
        .bind(e.actor_id.0)
        .bind(e.unit_id.map(|u| u.0))
        .bind(e.at)
        .bind(&e.comment)
        .bind(e.percent.map(i64::from))
        .bind(&e.problems)
        .bind(&e.next_steps)
        .bind(e.new_deadline)
        .fetch_one(&mut **tx)
        .await
        .map_err(StoreError::from_write)?;
        ids.push(EventId(id));
    }
    Ok(ids)
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

/// Matters matching `q` (or the one with `id`) with their assignments, and how many match in
/// all — in one round trip that returns one row, however long the page.
pub async fn select(
    pool: &SqlitePool,
    q: &MatterQuery,
    id: Option<MatterId>,
) -> Result<(Vec<Matter>, usize)> {
    let filter = |sql: &mut QueryBuilder<'_, Sqlite>| match id {
        Some(id) => {
            sql.push(" AND m.id = ").push_bind(id.0);
        }
        None => push_filters(sql, q),
    };
    // The page is chosen on the narrow (deadline, id) rows first; only its matters are then
    // built into documents.
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT (SELECT COUNT(*) FROM matters m WHERE 1=1");
    filter(&mut sql);
    sql.push(format!(
        "), (SELECT json_group_array({MATTER_DOC} ORDER BY m.deadline IS NULL, m.deadline, m.id) \
         FROM matters m WHERE m.id IN (SELECT m.id FROM matters m WHERE 1=1"
    ));
    filter(&mut sql);
    sql.push(" ORDER BY m.deadline IS NULL, m.deadline, m.id");
    if let Some((limit, offset)) = q.page {
        sql.push(" LIMIT ")
            .push_bind(limit as i64)
            .push(" OFFSET ")
            .push_bind(offset as i64);
    }
    sql.push("))");
    let (total, page): (i64, Option<String>) = sql.build_query_as().fetch_one(pool).await?;
    let matters = read_all(page.as_deref(), |d: MatterDoc| Matter::from(d))?;
    Ok((matters, total as usize))
}

fn push_filters(sql: &mut QueryBuilder<'_, Sqlite>, q: &MatterQuery) {
    push_visibility(sql, q);
    if !q.states.is_empty() {
        sql.push(" AND m.state IN (");
        let mut list = sql.separated(", ");
        for s in &q.states {
            list.push_bind(s.as_str());
        }
        sql.push(")");
    }
    if let Some(source) = q.source {
        sql.push(" AND m.source = ").push_bind(source.as_str());
    }
    if let Some(unit) = q.unit_id {
        sql.push(
            " AND EXISTS (SELECT 1 FROM assignments a WHERE a.matter_id = m.id AND a.unit_id = ",
        )
        .push_bind(unit.0)
        .push(")");
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        sql.push(" AND (m.title LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR m.content LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
        sql.push(" OR ('督〔' || m.year || '〕' || m.seq || '号') = ")
            .push_bind(text.to_string())
            .push(")");
    }
}

fn push_visibility(sql: &mut QueryBuilder<'_, Sqlite>, q: &MatterQuery) {
    let v = &q.visibility;
    let mut clauses = 0;
    let mut or = |sql: &mut QueryBuilder<'_, Sqlite>, clause: &str| {
        sql.push(if clauses == 0 { " AND (" } else { " OR " }).push(clause);
        clauses += 1;
    };
    if !v.org_ids.is_empty() {
        or(sql, "m.org_id IN ");
        push_ids(sql, v.org_ids.iter().map(|u| u.0));
    }
    if let Some(leader) = v.leader_id {
        or(sql, "m.leader_id = ");
        sql.push_bind(leader.0);
    }
    if !v.assigned_units.is_empty() {
        or(sql, "m.id IN (SELECT matter_id FROM assignments WHERE unit_id IN ");
        push_ids(sql, v.assigned_units.iter().map(|u| u.0));
        sql.push(")");
    }
    // Nobody is visible to a caller with no scope at all.
    sql.push(if clauses == 0 { " AND 0" } else { ")" });
}

fn push_ids(sql: &mut QueryBuilder<'_, Sqlite>, ids: impl Iterator<Item = i64>) {
    sql.push("(");
    let mut list = sql.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    sql.push(")");
}
