//! The outbox: e-mails, webhooks and texts waiting to be sent, claimed by one sender at a time and
//! tried again after a failure.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UserId};

use crate::notify::{Channel, DeliveryState, Notice, Outgoing};
use crate::sql::{Db, Row};
use crate::{Result, args};

const COLUMNS: &str = "id, channel, target, user_id, matter_id, subject, body, created_at, \
     state, attempts, last_error, sent_at, next_at, mentions";

fn outgoing(r: &Row<'_>) -> Result<Outgoing> {
    Ok(Outgoing {
        notice: Notice {
            id: r.get(0)?,
            channel: r.named(1, Channel::parse)?,
            target: r.get(2)?,
            user_id: r.get::<Option<i64>>(3)?.map(UserId),
            matter_id: r.get::<Option<i64>>(4)?.map(MatterId),
            subject: r.get(5)?,
            body: r.get(6)?,
            created_at: r.get(7)?,
            due_at: r.get(12)?,
            mentions: r
                .get::<String>(13)?
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect(),
        },
        state: match r.get::<String>(8)?.as_str() {
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        },
        attempts: r.get::<i64>(9)?.max(0) as u32,
        last_error: r.get(10)?,
        sent_at: r.get(11)?,
    })
}

/// Claims due messages until `lease_until`: a claimed row is invisible to other senders until
/// then, so two instances never send the same message at once. Where other processes claim at
/// the same moment (PostgreSQL), a second sender passes over the rows a first one is claiming
/// instead of waiting for them and then finding them taken.
pub async fn claim(
    db: &mut impl Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "UPDATE outbox SET claimed_until = $1
         WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'pending' AND next_at <= $2
                        AND (claimed_until IS NULL OR claimed_until <= $2)
                      ORDER BY next_at LIMIT $3{})
         RETURNING {COLUMNS}",
        db.dialect().skip_locked()
    );
    let mut claimed = db
        .rows(&sql, args![lease_until, now, limit as i64], outgoing)
        .await?;
    // RETURNING follows no order; senders take the soonest due first.
    claimed.sort_by_key(|a| a.notice.due_at);
    Ok(claimed)
}

pub async fn sent(db: &mut impl Db, id: &str, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1,
             claimed_until = NULL WHERE id = $2",
        args![at, id],
    )
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up when `None`.
pub async fn failed(
    db: &mut impl Db,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_until = NULL,
             state = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END,
             next_at = coalesce($2, next_at)
         WHERE id = $3",
        args![error, retry_at, id],
    )
    .await?;
    Ok(())
}

/// Puts a delivery that failed for good back in the queue, due at `at`.
pub async fn retry(db: &mut impl Db, id: &str, at: DateTime<Utc>) -> Result<bool> {
    let changed = db
        .execute(
            "UPDATE outbox SET state = 'pending', next_at = $2, claimed_until = NULL
             WHERE id = $1 AND state = 'failed'",
            args![id, at],
        )
        .await?;
    Ok(changed == 1)
}

/// The latest messages, or only those that failed at least once.
pub async fn latest(db: &mut impl Db, failed_only: bool) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox {} ORDER BY created_at DESC LIMIT 500",
        if failed_only {
            "WHERE state = 'failed' OR (state = 'pending' AND attempts > 0)"
        } else {
            ""
        }
    );
    db.rows(&sql, &[], outgoing).await
}
