//! Responsibility letters and the files they carry, on SQLite.

use luoshi_domain::{MatterId, UnitId, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::{Json, to_json, ts, write_error};
use crate::Result;
use crate::letter::Letter;

const COLUMNS: &str = "id, org_id, unit_id, year, file_name, content_type, sha256, size,
    matter_ids, uploaded_by, uploaded_at";

fn row(r: &Row<'_>) -> rusqlite::Result<Letter> {
    let at: String = r.get(10)?;
    Ok(Letter {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        unit_id: UnitId(r.get(2)?),
        year: r.get(3)?,
        file_name: r.get(4)?,
        content_type: r.get(5)?,
        sha256: r.get(6)?,
        size: r.get::<_, i64>(7)? as usize,
        matter_ids: r.get::<_, Json<Vec<MatterId>>>(8)?.0,
        uploaded_by: UserId(r.get(9)?),
        uploaded_at: chrono::DateTime::parse_from_rfc3339(&at)
            .map(|t| t.to_utc())
            .unwrap_or_default(),
    })
}

/// Keeps the file (once, by its hash) and the letter, in one transaction.
pub fn save(conn: &mut Connection, letter: &Letter, bytes: &[u8]) -> Result<i64> {
    let tx = conn.transaction()?;
    tx.prepare_cached("INSERT INTO blobs (sha256, bytes) VALUES (?, ?) ON CONFLICT DO NOTHING")?
        .execute(params![letter.sha256, bytes])
        .map_err(write_error)?;
    let id = tx
        .prepare_cached(
            "INSERT INTO letters (org_id, unit_id, year, file_name, content_type, sha256, size,
                 matter_ids, uploaded_by, uploaded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(
            params![
                letter.org_id.0,
                letter.unit_id.0,
                letter.year,
                letter.file_name,
                letter.content_type,
                letter.sha256,
                letter.size as i64,
                to_json(&letter.matter_ids),
                letter.uploaded_by.0,
                ts(letter.uploaded_at)
            ],
            |r| r.get(0),
        )
        .map_err(write_error)?;
    tx.commit()?;
    Ok(id)
}

pub fn list(conn: &mut Connection, org: UnitId, year: i32) -> Result<Vec<Letter>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM letters WHERE org_id = ? AND year = ? ORDER BY unit_id, id"
    ))?;
    let rows = stmt
        .query_map(params![org.0, year], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn file(conn: &mut Connection, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
    let letter = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM letters WHERE id = ?"))?
        .query_row([id], row)
        .optional()?;
    let Some(letter) = letter else {
        return Ok(None);
    };
    let bytes: Vec<u8> = conn
        .prepare_cached("SELECT bytes FROM blobs WHERE sha256 = ?")?
        .query_row([&letter.sha256], |r| r.get(0))?;
    Ok(Some((letter, bytes)))
}
