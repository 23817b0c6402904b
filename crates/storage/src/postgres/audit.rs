//! The audit chain on PostgreSQL: the same SM3 links over the same text of the same fields as on
//! SQLite, written in the transaction that writes the events.
//!
//! Links must be made in event order by one writer at a time, or two transactions would both
//! chain onto the same previous link. Every transaction that writes events therefore takes the
//! chain's advisory lock before anything else (see `super::write`), which also makes event ids
//! increase in commit order: an id is drawn only while the lock is held.

use chrono::{DateTime, NaiveDate, Utc};
use sm3::{Digest, Sm3};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::Result;
use crate::sqlite::rows::ts;

const ALGO: &str = "sm3";

/// The fields hashed, in order.
const FIELDS: &str = "id, matter_id, kind, actor_id, unit_id, at, comment, percent, problems, \
     next_steps, new_deadline";

fn link(prev: &str, fields: &[String]) -> String {
    let mut h = Sm3::new();
    h.update(prev.as_bytes());
    for f in fields {
        h.update([0x1f]);
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

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
        sqlx::query_as("SELECT event_id, hash FROM audit_chain ORDER BY event_id DESC LIMIT 1")
            .fetch_optional(conn)
            .await?,
    )
}

/// Links the events that have no link yet, in order; called in the transaction that wrote
/// them, holding the chain's lock (and once at start-up for rows written before the chain).
pub async fn extend(conn: &mut PgConnection) -> Result<()> {
    let (last, mut prev) = last_link(&mut *conn).await?.unwrap_or_default();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FIELDS} FROM events WHERE id > $1 ORDER BY id"
    )))
    .bind(last)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let (mut ids, mut hashes) = (Vec::with_capacity(rows.len()), Vec::new());
    for r in &rows {
        let hash = link(&prev, &fields_of(r)?);
        ids.push(r.try_get::<i64, _>("id")?);
        hashes.push(hash.clone());
        prev = hash;
    }
    sqlx::query(
        "INSERT INTO audit_chain (event_id, algo, hash)
         SELECT e, $2, h FROM unnest($1::bigint[], $3::text[]) AS l (e, h)",
    )
    .bind(ids)
    .bind(ALGO)
    .bind(hashes)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows read per statement while verifying: the chain is walked in pages, never held whole.
const PAGE: i64 = 5000;

/// The first event whose link does not hold, if any: a changed row, a removed one, or one
/// without a link. Returns how many links were checked when all hold. Reads one snapshot.
pub async fn verify(conn: &mut PgConnection) -> Result<std::result::Result<usize, (i64, String)>> {
    let orphan: Option<i64> = sqlx::query_scalar(
        "SELECT min(event_id) FROM audit_chain c
         WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = c.event_id)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if let Some(id) = orphan {
        return Ok(Err((id, "the event was removed".into())));
    }
    let (mut prev, mut after, mut checked) = (String::new(), 0_i64, 0_usize);
    loop {
        let rows = sqlx::query(
            "SELECT e.id, e.matter_id, e.kind, e.actor_id, e.unit_id, e.at, e.comment, e.percent,
                 e.problems, e.next_steps, e.new_deadline, c.hash
             FROM events e LEFT JOIN audit_chain c ON c.event_id = e.id
             WHERE e.id > $1 ORDER BY e.id LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Ok(checked));
        }
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let Some(stored) = r.try_get::<Option<String>, _>("hash")? else {
                return Ok(Err((id, "the event has no link in the chain".into())));
            };
            if link(&prev, &fields_of(r)?) != stored {
                return Ok(Err((
                    id,
                    "the event or the link before it was changed".into(),
                )));
            }
            prev = stored;
            after = id;
            checked += 1;
        }
    }
}

/// The last link: written out beside the database so that cutting the tail off shows.
pub async fn head(conn: &mut PgConnection) -> Result<Option<(i64, String)>> {
    last_link(conn).await
}

/// Whether the link recorded earlier as the head is still in the chain.
pub async fn holds(conn: &mut PgConnection, event: i64, hash: &str) -> Result<bool> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_chain WHERE event_id = $1")
            .bind(event)
            .fetch_optional(conn)
            .await?;
    Ok(stored.as_deref() == Some(hash))
}
