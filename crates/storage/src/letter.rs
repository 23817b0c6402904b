//! Responsibility letters (责任书) and the files they carry, kept once by their hash.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UnitId, UserId};

use crate::Result;
use crate::args;
use crate::sql::{Db, Json, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: i64,
    pub org_id: UnitId,
    pub unit_id: UnitId,
    pub year: i32,
    pub file_name: String,
    pub content_type: String,
    /// The SHA-256 of the file, hex: where its bytes are kept.
    pub sha256: String,
    pub size: usize,
    pub matter_ids: Vec<MatterId>,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

const COLUMNS: &str = "l.id, l.org_id, l.unit_id, l.year, l.file_name, l.content_type, l.sha256,
    l.size, l.matter_ids, l.uploaded_by, l.uploaded_at";

fn letter(r: &Row<'_>) -> Result<Letter> {
    Ok(Letter {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        year: r.get(3)?,
        file_name: r.get(4)?,
        content_type: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get::<i64>(7)?.max(0) as usize,
        matter_ids: r.get::<Json<_>>(8)?.0,
        uploaded_by: UserId(r.get(9)?),
        uploaded_at: r.get(10)?,
    })
}

/// Keeps the file (once, by its hash) and the letter, in the caller's transaction.
pub async fn save(db: &mut impl Db, l: &Letter, bytes: &[u8]) -> Result<i64> {
    db.execute(
        "INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        args![&l.sha256, bytes],
    )
    .await?;
    db.value(
        "INSERT INTO letters (org_id, unit_id, year, file_name, content_type, sha256, size,
             matter_ids, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        &[
            l.org_id.0.into(),
            l.unit_id.0.into(),
            l.year.into(),
            (&l.file_name).into(),
            (&l.content_type).into(),
            (&l.sha256).into(),
            (l.size as i64).into(),
            crate::sql::Arg::json(&l.matter_ids),
            l.uploaded_by.0.into(),
            l.uploaded_at.into(),
        ],
    )
    .await
}

/// The letters of an org's units for a year.
pub async fn list(db: &mut impl Db, org: UnitId, year: i32) -> Result<Vec<Letter>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM letters l WHERE l.org_id = $1 AND l.year = $2
         ORDER BY l.unit_id, l.id"
    );
    db.rows(&sql, args![org.0, year], letter).await
}

/// A letter with its file's bytes.
pub async fn file(db: &mut impl Db, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
    let sql = format!(
        "SELECT {COLUMNS}, b.bytes FROM letters l JOIN blobs b ON b.sha256 = l.sha256
         WHERE l.id = $1"
    );
    db.row(&sql, args![id], |r| Ok((letter(r)?, r.get(11)?)))
        .await
}
