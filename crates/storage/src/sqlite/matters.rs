//! Matters on SQLite: creation with gap-free numbering, versioned transitions, scoped queries.

use chrono::{DateTime, Utc};
use luoshi_domain::{
    Assignment, AssignmentRole, AssignmentState, Cadence, EventId, Matter, MatterId, MatterNumber,
    MatterState, NewEvent, Source, Transition, UnitId, Urgency, UserId,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool, Transaction};

use super::rows::{from_json, parsed, to_json};
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

const MATTER_COLUMNS: &str = "m.id, m.org_id, m.year, m.seq, m.title, m.content, m.source, m.origin, m.urgency,
    m.lead_unit_id, m.leader_id, m.deadline, m.cadence, m.milestones, m.tags, m.public, m.parent_id,
    m.state, m.extension, m.created_by, m.created_at, m.assigned_at, m.closed_at, m.version,
    (SELECT json_group_array(json_array(a.position, a.unit_id, a.role, a.state, a.signed_at, a.last_feedback_at, a.percent))
     FROM assignments a WHERE a.matter_id = m.id) AS assignments";

/// Matters matching `q` (or the one with `id`) with their assignments, and how many match in
/// all: one query, the assignments folded into each row as JSON and the total counted by a window.
pub async fn select(
    pool: &SqlitePool,
    q: &MatterQuery,
    id: Option<MatterId>,
) -> Result<(Vec<Matter>, usize)> {
    let mut sql = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {MATTER_COLUMNS}, COUNT(*) OVER () AS total FROM matters m WHERE 1=1"
    ));
    match id {
        Some(id) => {
            sql.push(" AND m.id = ").push_bind(id.0);
        }
        None => push_filters(&mut sql, q),
    }
    sql.push(" ORDER BY m.deadline IS NULL, m.deadline, m.id");
    if let Some((limit, offset)) = q.page {
        sql.push(" LIMIT ")
            .push_bind(limit as i64)
            .push(" OFFSET ")
            .push_bind(offset as i64);
    }
    let rows = sql.build().fetch_all(pool).await?;
    let total = match rows.first() {
        Some(row) => row.try_get::<i64, _>("total")? as usize,
        // A page past the end has no row to carry the total.
        None if q.page.is_some_and(|(_, offset)| offset > 0) => count(pool, q).await?,
        None => 0,
    };
    let matters = rows.iter().map(matter).collect::<Result<Vec<_>>>()?;
    Ok((matters, total))
}

async fn count(pool: &SqlitePool, q: &MatterQuery) -> Result<usize> {
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM matters m WHERE 1=1");
    push_filters(&mut sql, q);
    let n: i64 = sql.build_query_scalar().fetch_one(pool).await?;
    Ok(n as usize)
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
    sql.push(" AND (0");
    if !v.org_ids.is_empty() {
        sql.push(" OR m.org_id IN (");
        let mut list = sql.separated(", ");
        for id in &v.org_ids {
            list.push_bind(id.0);
        }
        sql.push(")");
    }
    if let Some(leader) = v.leader_id {
        sql.push(" OR m.leader_id = ").push_bind(leader.0);
    }
    if !v.assigned_units.is_empty() {
        sql.push(" OR EXISTS (SELECT 1 FROM assignments va WHERE va.matter_id = m.id AND va.unit_id IN (");
        let mut list = sql.separated(", ");
        for id in &v.assigned_units {
            list.push_bind(id.0);
        }
        sql.push("))");
    }
    sql.push(")");
}

fn matter(row: &SqliteRow) -> Result<Matter> {
    let assignments = assignments(row)?;
    let co_unit_ids = assignments
        .iter()
        .filter(|a| a.role == AssignmentRole::Co)
        .map(|a| a.unit_id)
        .collect();
    let extension: Option<String> = row.try_get("extension")?;
    Ok(Matter {
        id: MatterId(row.try_get("id")?),
        org_id: UnitId(row.try_get("org_id")?),
        number: MatterNumber {
            year: row.try_get("year")?,
            seq: row.try_get("seq")?,
        },
        title: row.try_get("title")?,
        content: row.try_get("content")?,
        source: parsed(row, "source", Source::parse)?,
        origin: row.try_get("origin")?,
        urgency: parsed(row, "urgency", Urgency::parse)?,
        lead_unit_id: UnitId(row.try_get("lead_unit_id")?),
        co_unit_ids,
        leader_id: row.try_get::<Option<i64>, _>("leader_id")?.map(UserId),
        deadline: row.try_get("deadline")?,
        cadence: parsed(row, "cadence", Cadence::parse)?,
        milestones: from_json(row, "milestones")?,
        tags: from_json(row, "tags")?,
        public: row.try_get("public")?,
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(MatterId),
        state: parsed(row, "state", MatterState::parse)?,
        extension: extension
            .map(|e| {
                serde_json::from_str(&e).map_err(|e| StoreError::Corrupt(format!("extension: {e}")))
            })
            .transpose()?,
        created_by: UserId(row.try_get("created_by")?),
        created_at: row.try_get("created_at")?,
        assigned_at: row.try_get("assigned_at")?,
        closed_at: row.try_get("closed_at")?,
        version: row.try_get("version")?,
        assignments,
    })
}

/// The assignments folded into a matter row, in their order (lead first).
fn assignments(row: &SqliteRow) -> Result<Vec<Assignment>> {
    type Folded = (
        i64,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    );
    let mut folded: Vec<Folded> = from_json(row, "assignments")?;
    folded.sort_by_key(|a| a.0);
    let corrupt = |what: &str| StoreError::Corrupt(format!("assignments: {what}"));
    let time = |t: Option<String>| -> Result<Option<DateTime<Utc>>> {
        t.map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|t| t.to_utc())
                .map_err(|_| corrupt(&t))
        })
        .transpose()
    };
    folded
        .into_iter()
        .map(
            |(_, unit, role, state, signed_at, last_feedback_at, percent)| {
                Ok(Assignment {
                    unit_id: UnitId(unit),
                    role: AssignmentRole::parse(&role).ok_or_else(|| corrupt(&role))?,
                    state: AssignmentState::parse(&state).ok_or_else(|| corrupt(&state))?,
                    signed_at: time(signed_at)?,
                    last_feedback_at: time(last_feedback_at)?,
                    percent: percent.clamp(0, 100) as u8,
                })
            },
        )
        .collect()
}
