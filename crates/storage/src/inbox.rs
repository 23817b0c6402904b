//! The inbox: messages in Luoshi itself, for a person or for a unit's liaisons, read and
//! confirmed (签收) by those they are for; and each person's notification preferences.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UnitId, UserId};

use crate::notify::{Addressee, InboxItem, Prefs, Unconfirmed};
use crate::sql::{Db, Row};
use crate::{Result, StoreError, args};

/// Whether message `i` is for reader `$1`: their own, or their unit's when they are its
/// liaison.
const FOR_READER: &str = "(i.user_id = $1 OR i.unit_id =
    (SELECT u.unit_id FROM users u WHERE u.id = $1 AND u.role = 'liaison'))";

/// Messages sent again per sweep: each reaches all its people, however many they are.
const UNCONFIRMED_BATCH: i64 = 1_000;

fn item(r: &Row<'_>) -> Result<InboxItem> {
    let to = match (r.get::<Option<i64>>(1)?, r.get::<Option<i64>>(2)?) {
        (Some(user), _) => Addressee::Person(UserId(user)),
        (None, Some(unit)) => Addressee::Liaisons(UnitId(unit)),
        (None, None) => return Err(StoreError::Corrupt("an inbox message for nobody".into())),
    };
    Ok(InboxItem {
        id: r.get(0)?,
        to,
        matter_id: r.get::<Option<i64>>(3)?.map(MatterId),
        title: r.get(4)?,
        body: r.get(5)?,
        created_at: r.get(6)?,
        confirm: r.get(7)?,
        read_at: r.get(8)?,
        confirmed_at: r.get(9)?,
    })
}

/// The reader's latest messages: their own and, for a liaison, their unit's.
pub async fn latest(db: &mut impl Db, user: UserId) -> Result<Vec<InboxItem>> {
    let sql = format!(
        "SELECT i.id, i.user_id, i.unit_id, i.matter_id, i.title, i.body, i.created_at,
             i.confirm, r.read_at, i.confirmed_at
         FROM inbox i LEFT JOIN inbox_reads r ON r.item_id = i.id AND r.user_id = $1
         WHERE {FOR_READER} ORDER BY i.created_at DESC, i.id LIMIT 200"
    );
    db.rows(&sql, args![user.0], item).await
}

pub async fn unread(db: &mut impl Db, user: UserId) -> Result<usize> {
    let sql = format!(
        "SELECT count(*) FROM inbox i WHERE {FOR_READER}
         AND NOT EXISTS (SELECT 1 FROM inbox_reads r WHERE r.item_id = i.id AND r.user_id = $1)"
    );
    Ok(db.value::<i64>(&sql, args![user.0]).await? as usize)
}

/// Marks a message read (and confirmed, when asked, for everyone it is for); someone else's
/// message is not found.
pub async fn mark(
    db: &mut impl Db,
    user: UserId,
    id: &str,
    at: DateTime<Utc>,
    confirm: bool,
) -> Result<bool> {
    let sql = format!("SELECT count(*) FROM inbox i WHERE i.id = $2 AND {FOR_READER}");
    let theirs: i64 = db.value(&sql, args![user.0, id]).await?;
    if theirs == 0 {
        return Ok(false);
    }
    db.execute(
        "INSERT INTO inbox_reads (item_id, user_id, read_at) VALUES ($2, $1, $3)
         ON CONFLICT (item_id, user_id) DO NOTHING",
        args![user.0, id, at],
    )
    .await?;
    if confirm {
        db.execute(
            "UPDATE inbox SET confirmed_at = $3, confirmed_by = $1
             WHERE id = $2 AND confirmed_at IS NULL",
            args![user.0, id, at],
        )
        .await?;
    }
    Ok(true)
}

/// Up to a batch of messages waiting for a confirmation since before `before`, the longest
/// waiting first, each once for every person it is for.
pub async fn unconfirmed(db: &mut impl Db, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>> {
    db.rows(
        "SELECT i.id, u.id, i.matter_id, i.title, i.body
         FROM (SELECT id, user_id, unit_id, matter_id, title, body,
                   coalesce(resent_at, created_at) AS since
               FROM inbox WHERE confirm AND confirmed_at IS NULL
                   AND coalesce(resent_at, created_at) <= $1
               ORDER BY coalesce(resent_at, created_at) LIMIT $2) i
         JOIN users u ON u.id = i.user_id OR (u.unit_id = i.unit_id AND u.role = 'liaison')
         ORDER BY i.since, i.id, u.id",
        args![before, UNCONFIRMED_BATCH],
        |r| {
            Ok(Unconfirmed {
                id: r.get(0)?,
                user_id: UserId(r.get(1)?),
                matter_id: r.get::<Option<i64>>(2)?.map(MatterId),
                title: r.get(3)?,
                body: r.get(4)?,
            })
        },
    )
    .await
}

/// Everyone's notification preferences that differ from the default.
pub async fn prefs(db: &mut impl Db) -> Result<Vec<(UserId, Prefs)>> {
    db.rows("SELECT user_id, email, digest FROM user_prefs", &[], |r| {
        Ok((
            UserId(r.get(0)?),
            Prefs {
                email: r.get(1)?,
                digest: r.get(2)?,
            },
        ))
    })
    .await
}

pub async fn save_prefs(db: &mut impl Db, user: UserId, p: Prefs) -> Result<()> {
    db.execute(
        "INSERT INTO user_prefs (user_id, email, digest) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, digest = excluded.digest",
        args![user.0, p.email, p.digest],
    )
    .await?;
    Ok(())
}
