//! Bulletins as stored: the period, the typical cases chosen, and once published the document.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, NewEvent, UnitId, UserId};
use serde::{Deserialize, Serialize};

use crate::sql::{Arg, Db, Json, Row};
use crate::{Result, StoreError, args};

/// A typical case (典型案例) the supervisor picked, with a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub matter_id: MatterId,
    /// 表扬 when true, 批评 when false.
    pub praise: bool,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinRow {
    pub id: i64,
    pub org_id: UnitId,
    pub period: String,
    pub number: String,
    /// draft, review or published.
    pub state: String,
    pub cases: Vec<Case>,
    /// The document as issued (JSON), once published.
    pub document: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str =
    "id, org_id, period, number, state, cases, document, created_by, created_at, published_at";

fn bulletin(r: &Row<'_>) -> Result<BulletinRow> {
    Ok(BulletinRow {
        id: r.get(0)?,
        org_id: UnitId(r.get(1)?),
        period: r.get(2)?,
        number: r.get(3)?,
        state: r.get(4)?,
        cases: r.get::<Json<_>>(5)?.0,
        document: r.get(6)?,
        created_by: UserId(r.get(7)?),
        created_at: r.get(8)?,
        published_at: r.get(9)?,
    })
}

/// An org's bulletins, the newest first.
pub async fn list(db: &mut impl Db, org: UnitId) -> Result<Vec<BulletinRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM bulletins WHERE org_id = $1 ORDER BY id DESC LIMIT 500");
    db.rows(&sql, args![org.0], bulletin).await
}

pub async fn one(db: &mut impl Db, id: i64) -> Result<Option<BulletinRow>> {
    let sql = format!("SELECT {COLUMNS} FROM bulletins WHERE id = $1");
    db.row(&sql, args![id], bulletin).await
}

/// Writes a bulletin (new when `from` is `None`) if it is still in the state `from`, with the
/// events publishing puts on its cases' timelines, in the caller's transaction.
pub async fn save(
    db: &mut impl Db,
    b: &BulletinRow,
    from: Option<&str>,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let id = match from {
        None => {
            db.value(
                "INSERT INTO bulletins (org_id, period, number, state, cases, document,
                     created_by, created_at, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    b.org_id.0.into(),
                    (&b.period).into(),
                    (&b.number).into(),
                    (&b.state).into(),
                    Arg::json(&b.cases),
                    b.document.as_deref().into(),
                    b.created_by.0.into(),
                    b.created_at.into(),
                    b.published_at.into(),
                ],
            )
            .await?
        }
        Some(state) => {
            let changed = db
                .execute(
                    "UPDATE bulletins SET number = $1, state = $2, cases = $3, document = $4,
                         published_at = $5 WHERE id = $6 AND state = $7",
                    &[
                        (&b.number).into(),
                        (&b.state).into(),
                        Arg::json(&b.cases),
                        b.document.as_deref().into(),
                        b.published_at.into(),
                        b.id.into(),
                        state.into(),
                    ],
                )
                .await?;
            if changed == 0 {
                return Err(StoreError::Conflict(format!("bulletin {} changed", b.id)));
            }
            b.id
        }
    };
    let timeline: Vec<_> = events.iter().map(|(m, e)| (*m, e)).collect();
    crate::events::insert(db, &timeline).await?;
    Ok(id)
}
