//! Origins: the meetings, documents and instructions an org's matters are items of.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{Matter, UnitId, UserId};

use crate::sql::{Db, Row};
use crate::{Result, args, matters};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub id: i64,
    pub org_id: UnitId,
    /// meeting, document or instruction.
    pub kind: String,
    pub title: String,
    /// Its 文号, empty when it has none (a meeting often has only its 纪要's).
    pub number: String,
    pub date: Option<NaiveDate>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, org_id, kind, title, number, date, created_by, created_at";

fn origin(r: &Row<'_>) -> Result<Origin> {
    Ok(Origin {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        kind: r.get(2)?,
        title: r.get(3)?,
        number: r.get(4)?,
        date: r.get(5)?,
        created_by: UserId(r.get(6)?),
        created_at: r.get(7)?,
    })
}

/// Writes the origin unless its org already has one of the same kind, title and 文号, and
/// returns the id of the one that stands: a document imported again finds its first origin.
pub async fn save(db: &mut impl Db, o: &Origin) -> Result<i64> {
    db.execute(
        "INSERT INTO origins (org_id, kind, title, number, date, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (org_id, kind, title, number) DO NOTHING",
        &[
            o.org_id.0.into(),
            (&o.kind).into(),
            (&o.title).into(),
            (&o.number).into(),
            o.date.into(),
            o.created_by.0.into(),
            o.created_at.into(),
        ],
    )
    .await?;
    db.value(
        "SELECT id FROM origins WHERE org_id = $1 AND kind = $2 AND title = $3 AND number = $4",
        args![o.org_id.0, &o.kind, &o.title, &o.number],
    )
    .await
}

/// An org's origins, the latest dated first.
pub async fn list(db: &mut impl Db, org: UnitId) -> Result<Vec<Origin>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM origins WHERE org_id = $1 ORDER BY date DESC, id DESC LIMIT 500"
    );
    db.rows(&sql, args![org.0], origin).await
}

pub async fn one(db: &mut impl Db, id: i64) -> Result<Option<Origin>> {
    let sql = format!("SELECT {COLUMNS} FROM origins WHERE id = $1");
    db.row(&sql, args![id], origin).await
}

/// The origin's matters in the order they were linked, which is the order of its items.
pub async fn items(db: &mut impl Db, id: i64) -> Result<Vec<Matter>> {
    let d = db.dialect();
    let sql = format!(
        "SELECT {} FROM matters m WHERE m.origin_id = $1",
        d.array(&matters::doc(d), " ORDER BY m.id"),
    );
    let folded: Option<String> = db.value(&sql, args![id]).await?;
    matters::read(folded.as_deref())
}
