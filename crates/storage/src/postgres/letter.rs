//! Responsibility letters and the files they carry, on PostgreSQL.

use luoshi_domain::{MatterId, UnitId, UserId};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use crate::Result;
use crate::letter::Letter;

const COLUMNS: &str = "id, org_id, unit_id, year, file_name, content_type, sha256, size,
    matter_ids, uploaded_by, uploaded_at";

fn row(r: &PgRow) -> Result<Letter> {
    Ok(Letter {
        id: r.try_get("id")?,
        org_id: UnitId(r.try_get("org_id")?),
        unit_id: UnitId(r.try_get("unit_id")?),
        year: r.try_get("year")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get::<i64, _>("size")?.max(0) as usize,
        matter_ids: r.try_get::<Json<Vec<MatterId>>, _>("matter_ids")?.0,
        uploaded_by: UserId(r.try_get("uploaded_by")?),
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// Keeps the file (once, by its hash) and the letter, in the caller's transaction.
pub async fn save(tx: &mut PgConnection, letter: &Letter, bytes: &[u8]) -> Result<i64> {
    sqlx::query("INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(&letter.sha256)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
    let id = sqlx::query_scalar(
        "INSERT INTO letters (org_id, unit_id, year, file_name, content_type, sha256, size,
             matter_ids, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(letter.org_id.0)
    .bind(letter.unit_id.0)
    .bind(letter.year)
    .bind(&letter.file_name)
    .bind(&letter.content_type)
    .bind(&letter.sha256)
    .bind(letter.size as i64)
    .bind(Json(&letter.matter_ids))
    .bind(letter.uploaded_by.0)
    .bind(letter.uploaded_at)
    .fetch_one(tx)
    .await?;
    Ok(id)
}

pub async fn list(conn: &mut PgConnection, org: UnitId, year: i32) -> Result<Vec<Letter>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM letters WHERE org_id = $1 AND year = $2 ORDER BY unit_id, id"
    )))
    .bind(org.0)
    .bind(year)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

pub async fn file(conn: &mut PgConnection, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
    let found = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, (SELECT bytes FROM blobs b WHERE b.sha256 = l.sha256) AS bytes
         FROM letters l WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = found else {
        return Ok(None);
    };
    Ok(Some((row(&r)?, r.try_get("bytes")?)))
}
