//! The audit chain on PostgreSQL: the same links over the same text of the same fields as on
//! SQLite, written in the transaction that writes the events or the admin action.
//!
//! Links must be made in event order by one writer at a time, or two transactions would both
//! chain onto the same previous link. Every transaction that writes events therefore takes the
//! chain's advisory lock before anything else (see `super::write`), which also makes event ids
//! increase in commit order: an id is drawn only while the lock is held.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::chain::{Linked, admin_fields, link};
use crate::sqlite::rows::ts;
use crate::{AdminAction, AuditHash, Result, StoreError};

/// The fields hashed, in order.
const FIELDS: &str = "id, matter_id, kind, actor_id, unit_id, at, comment, percent, problems, \
     next_steps, new_deadline";

/// An event's fields as SQLite stores them as text: a chain copied from one backend to the
/// other verifies on both.
fn fields_of(r: &PgRow) -> Result<Vec<String>> {
    let opt = |v: Option<i64>| v.map_or_else(String::new, |v| v.to_string());
    Ok(vec![
        r.try_get::<i64, _>("id")?.to_string(),
        r.try_get::<i64, _>("matter_id")?.to_string(),
        r.try_get("kind")?,
        r.try_get::<i64, _>("actor_id")?.to_string(),
        opt(r.try_get("unit_id")?),
        ts(r.try_get::<DateTime<Utc>, _>("at")?),
        r.try_get("comment")?,
        opt(r.try_get::<Option<i32>, _>("percent")?.map(i64::from)),
        r.try_get("problems")?,
        r.try_get("next_steps")?,
        r.try_get::<Option<NaiveDate>, _>("new_deadline")?
            .map_or_else(String::new, |d| d.format("%F").to_string()),
    ])
}

async fn last_link(conn: &mut PgConnection) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT seq, hash FROM audit_links ORDER BY seq DESC LIMIT 1")
            .fetch_optional(conn)
            .await?,
    )
}

/// The hash new links use.
async fn chosen(conn: &mut PgConnection) -> Result<String> {
    let set: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'audit_hash'")
            .fetch_optional(conn)
            .await?;
    Ok(set.unwrap_or_else(|| AuditHash::Sm3.as_str().to_string()))
}

pub async fn choose(conn: &mut PgConnection, hash: AuditHash) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('audit_hash', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(hash.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

fn admin_row_fields(r: &PgRow) -> Result<Vec<String>> {
    Ok(admin_fields(
        r.try_get("id")?,
        r.try_get("actor_id")?,
        &ts(r.try_get::<DateTime<Utc>, _>("at")?),
        r.try_get("action")?,
        r.try_get("detail")?,
    ))
}

/// Links the events and admin actions written since the last link, in order; called in the
/// transaction that wrote them, holding the chain's lock (and once at start-up for rows
/// written before the chain).
pub async fn extend(conn: &mut PgConnection) -> Result<()> {
    let algo = chosen(&mut *conn).await?;
    let (mut seq, mut prev) = last_link(&mut *conn).await?.unwrap_or_default();
    let events = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FIELDS} FROM events
         WHERE id > (SELECT coalesce(max(event_id), 0) FROM audit_links) ORDER BY id"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let admin = sqlx::query(
        "SELECT id, actor_id, at, action, detail FROM admin_actions
         WHERE id > (SELECT coalesce(max(admin_id), 0) FROM audit_links) ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if events.is_empty() && admin.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(events.len() + admin.len());
    for r in &events {
        rows.push((Linked::Event(r.try_get("id")?), fields_of(r)?));
    }
    for r in &admin {
        rows.push((Linked::Admin(r.try_get("id")?), admin_row_fields(r)?));
    }
    let (mut seqs, mut event_ids, mut admin_ids, mut hashes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (row, fields) in rows {
        let hash = link(&algo, &prev, &fields).expect("the chosen hash is a known one");
        seq += 1;
        let (event, admin) = row.columns();
        seqs.push(seq);
        event_ids.push(event);
        admin_ids.push(admin);
        hashes.push(hash.clone());
        prev = hash;
    }
    sqlx::query(
        "INSERT INTO audit_links (seq, event_id, admin_id, algo, hash)
         SELECT s, e, a, $4, h
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $5::text[]) AS l (s, e, a, h)",
    )
    .bind(seqs)
    .bind(event_ids)
    .bind(admin_ids)
    .bind(algo)
    .bind(hashes)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes an admin action and links it, in the caller's transaction (holding the chain lock).
pub async fn record(conn: &mut PgConnection, action: &AdminAction) -> Result<()> {
    sqlx::query("INSERT INTO admin_actions (actor_id, at, action, detail) VALUES ($1, $2, $3, $4)")
        .bind(action.actor.map(|a| a.0))
        .bind(action.at)
        .bind(&action.action)
        .bind(&action.detail)
        .execute(&mut *conn)
        .await?;
    extend(conn).await
}

/// Rows read per statement while verifying: the chain is walked in pages, never held whole.
const PAGE: i64 = 5000;

/// The first row whose link does not hold, named, and why — a changed row, a removed one, or
/// one without a link; or how many links were checked when all hold. Reads one snapshot.
pub async fn verify(
    conn: &mut PgConnection,
) -> Result<std::result::Result<usize, (String, String)>> {
    let (mut prev, mut after, mut checked) = (String::new(), 0_i64, 0_usize);
    loop {
        let rows = sqlx::query(
            "SELECT l.seq, l.event_id, l.admin_id, l.algo, l.hash,
                 e.id, e.matter_id, e.kind, e.actor_id, e.unit_id, e.at, e.comment, e.percent,
                 e.problems, e.next_steps, e.new_deadline,
                 a.id AS a_id, a.actor_id AS a_actor, a.at AS a_at, a.action, a.detail
             FROM audit_links l
             LEFT JOIN events e ON e.id = l.event_id
             LEFT JOIN admin_actions a ON a.id = l.admin_id
             WHERE l.seq > $1 ORDER BY l.seq LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let Some(row) = Linked::from_columns(r.try_get("event_id")?, r.try_get("admin_id")?)
            else {
                return Err(StoreError::Corrupt("a link names no row".into()));
            };
            let fields = match row {
                Linked::Event(_) if r.try_get::<Option<i64>, _>("id")?.is_some() => fields_of(r)?,
                Linked::Admin(_) if r.try_get::<Option<i64>, _>("a_id")?.is_some() => admin_fields(
                    r.try_get("a_id")?,
                    r.try_get("a_actor")?,
                    &ts(r.try_get::<DateTime<Utc>, _>("a_at")?),
                    r.try_get("action")?,
                    r.try_get("detail")?,
                ),
                _ => return Ok(Err((row.name(), "it was removed".into()))),
            };
            let algo: String = r.try_get("algo")?;
            let stored: String = r.try_get("hash")?;
            let Some(expected) = link(&algo, &prev, &fields) else {
                return Ok(Err((
                    row.name(),
                    format!("its link uses an unknown hash {algo:?}"),
                )));
            };
            if expected != stored {
                return Ok(Err((
                    row.name(),
                    "it or the link before it was changed".into(),
                )));
            }
            prev = stored;
            after = r.try_get("seq")?;
            checked += 1;
        }
    }
    let unlinked_event: Option<i64> = sqlx::query_scalar(
        "SELECT min(id) FROM events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_links l WHERE l.event_id = e.id)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if let Some(id) = unlinked_event {
        return Ok(Err((
            Linked::Event(id).name(),
            "it has no link in the chain".into(),
        )));
    }
    let unlinked_admin: Option<i64> = sqlx::query_scalar(
        "SELECT min(id) FROM admin_actions a
         WHERE NOT EXISTS (SELECT 1 FROM audit_links l WHERE l.admin_id = a.id)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if let Some(id) = unlinked_admin {
        return Ok(Err((
            Linked::Admin(id).name(),
            "it has no link in the chain".into(),
        )));
    }
    Ok(Ok(checked))
}

/// The last link, (place, hash): written out beside the database so that cutting the tail
/// off shows.
pub async fn head(conn: &mut PgConnection) -> Result<Option<(i64, String)>> {
    last_link(conn).await
}

/// Whether the link recorded earlier as the head is still in the chain.
pub async fn holds(conn: &mut PgConnection, seq: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_links WHERE seq = $1")
        .bind(seq)
        .fetch_optional(conn)
        .await?;
    Ok(stored.as_deref() == Some(hash))
}
