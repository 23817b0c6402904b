//! Bulletins on PostgreSQL.

use luoshi_domain::{MatterId, NewEvent, UnitId, UserId};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{PgConnection, Row};

use crate::bulletin::{BulletinRow, Case};
use crate::{Result, StoreError};

const COLUMNS: &str =
    "id, org_id, period, number, state, cases, document, created_by, created_at, published_at";

fn row(r: &PgRow) -> Result<BulletinRow> {
    Ok(BulletinRow {
        id: r.try_get("id")?,
        org_id: UnitId(r.try_get("org_id")?),
        period: r.try_get("period")?,
        number: r.try_get("number")?,
        state: r.try_get("state")?,
        cases: r.try_get::<Json<Vec<Case>>, _>("cases")?.0,
        document: r.try_get("document")?,
        created_by: UserId(r.try_get("created_by")?),
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
    })
}

pub async fn list(conn: &mut PgConnection, org: UnitId) -> Result<Vec<BulletinRow>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM bulletins WHERE org_id = $1 ORDER BY id DESC LIMIT 500"
    )))
    .bind(org.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(row).collect()
}

pub async fn one(conn: &mut PgConnection, id: i64) -> Result<Option<BulletinRow>> {
    let found = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM bulletins WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    found.as_ref().map(row).transpose()
}

/// Writes a bulletin (new when `from` is `None`) if it is still in the state `from`, with the
/// events publishing puts on its cases' timelines, in the caller's transaction.
pub async fn save(
    tx: &mut PgConnection,
    b: &BulletinRow,
    from: Option<&str>,
    events: &[(MatterId, NewEvent)],
) -> Result<i64> {
    let id = match from {
        None => {
            sqlx::query_scalar(
                "INSERT INTO bulletins (org_id, period, number, state, cases, document,
                     created_by, created_at, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(b.org_id.0)
            .bind(&b.period)
            .bind(&b.number)
            .bind(&b.state)
            .bind(Json(&b.cases))
            .bind(&b.document)
            .bind(b.created_by.0)
            .bind(b.created_at)
            .bind(b.published_at)
            .fetch_one(&mut *tx)
            .await?
        }
        Some(state) => {
            let changed = sqlx::query(
                "UPDATE bulletins SET number = $1, state = $2, cases = $3, document = $4,
                     published_at = $5 WHERE id = $6 AND state = $7",
            )
            .bind(&b.number)
            .bind(&b.state)
            .bind(Json(&b.cases))
            .bind(&b.document)
            .bind(b.published_at)
            .bind(b.id)
            .bind(state)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict(format!("bulletin {} changed", b.id)));
            }
            b.id
        }
    };
    for (matter, event) in events {
        super::matters::insert_events(tx, *matter, std::slice::from_ref(event)).await?;
    }
    Ok(id)
}
