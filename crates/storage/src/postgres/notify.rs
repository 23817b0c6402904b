//! The ladder, the outbox and the inbox on PostgreSQL.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use luoshi_domain::{Cause, DayKind, MatterId, MatterNumber, UnitId, Urgency, UserId};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::inbox_sql;
use crate::notify::{
    Addressee, Channel, Concern, DeliveryState, Dispatch, InboxItem, LadderRow, Notice, Outgoing,
    Prefs, Unconfirmed,
};
use crate::{Result, StoreError};

pub async fn concerns(conn: &mut PgConnection) -> Result<Vec<Concern>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(crate::concerns_sql()))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            let (matter_id, unit_id) = (
                MatterId(r.try_get("matter_id")?),
                UnitId(r.try_get("unit_id")?),
            );
            let mut ladder = LadderRow::new(r.try_get("key")?, matter_id, unit_id);
            if let Some(red_count) = r.try_get::<Option<i32>, _>("red_count")? {
                ladder.red_count = red_count.max(0) as u32;
                ladder.yellow_at = r.try_get("yellow_at")?;
                ladder.last_red_at = r.try_get("last_red_at")?;
                ladder.escalated_at = r.try_get("escalated_at")?;
            }
            let urgency: String = r.try_get("urgency")?;
            let cause: String = r.try_get("cause")?;
            Ok(Concern {
                matter_id,
                number: MatterNumber {
                    year: r.try_get("year")?,
                    seq: r.try_get("seq")?,
                },
                title: r.try_get("title")?,
                org_id: UnitId(r.try_get("org_id")?),
                leader_id: r.try_get::<Option<i64>, _>("leader_id")?.map(UserId),
                urgency: Urgency::parse(&urgency)
                    .ok_or_else(|| StoreError::Corrupt(format!("urgency {urgency:?}")))?,
                unit_id,
                cause: Cause::from_code(&cause)
                    .ok_or_else(|| StoreError::Corrupt(format!("cause {cause:?}")))?,
                ladder,
            })
        })
        .collect()
}

/// Writes a dispatch in the caller's transaction. Rows already there (the same message from a
/// sweep run twice) are left as they are; returns how many outbox and inbox rows are new.
///
/// Rows are written in key order: two processes writing overlapping dispatches then take their
/// row locks in the same order and one waits for the other instead of deadlocking.
pub async fn dispatch_in(tx: &mut PgConnection, d: &Dispatch) -> Result<usize> {
    // One statement per table, rows in key order so that two writers lock them in the same
    // order; a sweep queues tens of thousands of messages at once.
    let mut ladder: Vec<_> = d.ladder.to_vec();
    ladder.sort_by(|a, b| a.key.cmp(&b.key));
    // A key written twice keeps its last step and its highest count, as when the rows were
    // written one by one.
    ladder.dedup_by(|later, earlier| {
        let same = later.key == earlier.key;
        if same {
            later.red_count = later.red_count.max(earlier.red_count);
            std::mem::swap(later, earlier);
        }
        same
    });
    sqlx::query(
        "INSERT INTO ladder (key, matter_id, unit_id, yellow_at, red_count, last_red_at,
             escalated_at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[],
             $5::int[], $6::timestamptz[], $7::timestamptz[])
         ON CONFLICT (key) DO UPDATE SET yellow_at = excluded.yellow_at,
             red_count = greatest(ladder.red_count, excluded.red_count),
             last_red_at = excluded.last_red_at, escalated_at = excluded.escalated_at",
    )
    .bind(ladder.iter().map(|l| l.key.as_str()).collect::<Vec<_>>())
    .bind(ladder.iter().map(|l| l.matter_id.0).collect::<Vec<_>>())
    .bind(ladder.iter().map(|l| l.unit_id.0).collect::<Vec<_>>())
    .bind(ladder.iter().map(|l| l.yellow_at).collect::<Vec<_>>())
    .bind(
        ladder
            .iter()
            .map(|l| l.red_count as i32)
            .collect::<Vec<_>>(),
    )
    .bind(ladder.iter().map(|l| l.last_red_at).collect::<Vec<_>>())
    .bind(ladder.iter().map(|l| l.escalated_at).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    let mut outbox: Vec<_> = d.outbox.iter().collect();
    outbox.sort_by(|a, b| a.id.cmp(&b.id));
    let mut new = sqlx::query(
        "INSERT INTO outbox (id, channel, target, user_id, matter_id, subject, body, created_at,
             next_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],
             $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(outbox.iter().map(|n| n.id.as_str()).collect::<Vec<_>>())
    .bind(
        outbox
            .iter()
            .map(|n| n.channel.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(outbox.iter().map(|n| n.target.as_str()).collect::<Vec<_>>())
    .bind(
        outbox
            .iter()
            .map(|n| n.user_id.map(|u| u.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        outbox
            .iter()
            .map(|n| n.matter_id.map(|m| m.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        outbox
            .iter()
            .map(|n| n.subject.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(outbox.iter().map(|n| n.body.as_str()).collect::<Vec<_>>())
    .bind(outbox.iter().map(|n| n.created_at).collect::<Vec<_>>())
    .bind(outbox.iter().map(|n| n.due_at).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?
    .rows_affected() as usize;
    let mut inbox: Vec<_> = d.inbox.iter().collect();
    inbox.sort_by(|a, b| a.id.cmp(&b.id));
    new += sqlx::query(
        "INSERT INTO inbox (id, user_id, unit_id, matter_id, title, body, created_at, confirm)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
             $6::text[], $7::timestamptz[], $8::bool[])
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(inbox.iter().map(|i| i.id.as_str()).collect::<Vec<_>>())
    .bind(inbox.iter().map(|i| i.to.person()).collect::<Vec<_>>())
    .bind(inbox.iter().map(|i| i.to.liaisons()).collect::<Vec<_>>())
    .bind(
        inbox
            .iter()
            .map(|i| i.matter_id.map(|m| m.0))
            .collect::<Vec<_>>(),
    )
    .bind(inbox.iter().map(|i| i.title.as_str()).collect::<Vec<_>>())
    .bind(inbox.iter().map(|i| i.body.as_str()).collect::<Vec<_>>())
    .bind(inbox.iter().map(|i| i.created_at).collect::<Vec<_>>())
    .bind(inbox.iter().map(|i| i.confirm).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?
    .rows_affected() as usize;
    for a in &d.proposals {
        crate::accountability::propose(&mut crate::sql::Pg(tx), a).await?;
    }
    let mut resent: Vec<_> = d.resent.iter().collect();
    resent.sort();
    sqlx::query(
        "UPDATE inbox SET resent_at = r.at
         FROM unnest($1::text[], $2::timestamptz[]) AS r (id, at) WHERE inbox.id = r.id",
    )
    .bind(resent.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>())
    .bind(resent.iter().map(|(_, at)| *at).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    Ok(new)
}

const OUTBOX_COLUMNS: &str = "id, channel, target, user_id, matter_id, subject, body, created_at,
    state, attempts, last_error, sent_at, next_at";

fn outgoing(r: &PgRow) -> Result<Outgoing> {
    let channel: String = r.try_get("channel")?;
    let state: String = r.try_get("state")?;
    Ok(Outgoing {
        notice: Notice {
            id: r.try_get("id")?,
            channel: if channel == "email" {
                Channel::Email
            } else {
                Channel::Webhook
            },
            target: r.try_get("target")?,
            user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
            matter_id: r.try_get::<Option<i64>, _>("matter_id")?.map(MatterId),
            subject: r.try_get("subject")?,
            body: r.try_get("body")?,
            created_at: r.try_get("created_at")?,
            due_at: r.try_get("next_at")?,
        },
        state: match state.as_str() {
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        },
        attempts: r.try_get::<i32, _>("attempts")?.max(0) as u32,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get("sent_at")?,
    })
}

/// Claims due messages until `lease_until`: a claimed row is invisible to other senders until
/// then, so two instances never send the same message at once. SKIP LOCKED lets a second
/// sender pass over the rows a first one is claiming instead of waiting for them and then
/// finding them taken.
pub async fn claim(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Outgoing>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET claimed_until = $1
         WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'pending' AND next_at <= $2
                        AND (claimed_until IS NULL OR claimed_until <= $2)
                      ORDER BY next_at LIMIT $3
                      FOR UPDATE SKIP LOCKED)
         RETURNING {OUTBOX_COLUMNS}"
    )))
    .bind(lease_until)
    .bind(now)
    .bind(limit as i64)
    .fetch_all(conn)
    .await?;
    let mut claimed = rows.iter().map(outgoing).collect::<Result<Vec<_>>>()?;
    // RETURNING follows no order; senders expect the soonest due first, as SQLite hands them.
    claimed.sort_by_key(|a| a.notice.due_at);
    Ok(claimed)
}

pub async fn sent(conn: &mut PgConnection, id: &str, at: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1,
             claimed_until = NULL WHERE id = $2",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up when `None`.
pub async fn failed(
    conn: &mut PgConnection,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_until = NULL,
             state = CASE WHEN $2::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
             next_at = coalesce($2, next_at)
         WHERE id = $3",
    )
    .bind(error)
    .bind(retry_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn outbox(conn: &mut PgConnection, failed_only: bool) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox {} ORDER BY created_at DESC LIMIT 500",
        if failed_only {
            "WHERE state = 'failed' OR (state = 'pending' AND attempts > 0)"
        } else {
            ""
        }
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rows.iter().map(outgoing).collect()
}

fn inbox_item(r: &PgRow) -> Result<InboxItem> {
    let to = match (
        r.try_get::<Option<i64>, _>("user_id")?,
        r.try_get::<Option<i64>, _>("unit_id")?,
    ) {
        (Some(user), _) => Addressee::Person(UserId(user)),
        (None, Some(unit)) => Addressee::Liaisons(UnitId(unit)),
        (None, None) => return Err(StoreError::Corrupt("an inbox message for nobody".into())),
    };
    Ok(InboxItem {
        id: r.try_get("id")?,
        to,
        matter_id: r.try_get::<Option<i64>, _>("matter_id")?.map(MatterId),
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        confirm: r.try_get("confirm")?,
        read_at: r.try_get("read_at")?,
        confirmed_at: r.try_get("confirmed_at")?,
    })
}

pub async fn inbox(conn: &mut PgConnection, user: UserId) -> Result<Vec<InboxItem>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(inbox_sql::latest()))
        .bind(user.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(inbox_item).collect()
}

pub async fn unread(conn: &mut PgConnection, user: UserId) -> Result<usize> {
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(inbox_sql::unread()))
        .bind(user.0)
        .fetch_one(conn)
        .await?;
    Ok(n as usize)
}

/// Marks a message read (and confirmed, when asked); someone else's message is not found.
pub async fn mark(
    conn: &mut PgConnection,
    user: UserId,
    id: &str,
    at: DateTime<Utc>,
    confirm: bool,
) -> Result<bool> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    let theirs: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(inbox_sql::theirs()))
        .bind(user.0)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if theirs == 0 {
        return Ok(false);
    }
    let mut statements = vec![inbox_sql::READ];
    if confirm {
        statements.push(inbox_sql::CONFIRM);
    }
    for sql in statements {
        sqlx::query(sql)
            .bind(user.0)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn calendar_days(conn: &mut PgConnection) -> Result<Vec<(NaiveDate, DayKind, String)>> {
    let rows: Vec<(NaiveDate, String, String)> =
        sqlx::query_as("SELECT date, kind, name FROM calendar_days ORDER BY date")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(date, kind, name)| {
            let kind = if kind == "workday" {
                DayKind::AdjustedWorkday
            } else {
                DayKind::Holiday
            };
            (date, kind, name)
        })
        .collect())
}

pub async fn save_calendar_days(
    tx: &mut PgConnection,
    days: &[(NaiveDate, DayKind, String)],
) -> Result<()> {
    let years: std::collections::BTreeSet<i32> = days.iter().map(|(d, _, _)| d.year()).collect();
    for y in years {
        let (first, last) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        );
        sqlx::query("DELETE FROM calendar_days WHERE date >= $1 AND date <= $2")
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
    }
    for (date, kind, name) in days {
        let kind = if *kind == DayKind::AdjustedWorkday {
            "workday"
        } else {
            "holiday"
        };
        sqlx::query("INSERT INTO calendar_days (date, kind, name) VALUES ($1, $2, $3)")
            .bind(date)
            .bind(kind)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

pub async fn unconfirmed(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<Vec<Unconfirmed>> {
    let rows: Vec<(String, i64, Option<i64>, String, String)> =
        sqlx::query_as(inbox_sql::UNCONFIRMED)
            .bind(before)
            .bind(inbox_sql::UNCONFIRMED_BATCH)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, user, matter, title, body)| Unconfirmed {
            id,
            user_id: UserId(user),
            matter_id: matter.map(MatterId),
            title,
            body,
        })
        .collect())
}

pub async fn prefs(conn: &mut PgConnection) -> Result<Vec<(UserId, Prefs)>> {
    let rows: Vec<(i64, bool, bool)> =
        sqlx::query_as("SELECT user_id, email, digest FROM user_prefs")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(u, email, digest)| (UserId(u), Prefs { email, digest }))
        .collect())
}

pub async fn save_prefs(conn: &mut PgConnection, user: UserId, p: Prefs) -> Result<()> {
    sqlx::query(
        "INSERT INTO user_prefs (user_id, email, digest) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, digest = excluded.digest",
    )
    .bind(user.0)
    .bind(p.email)
    .bind(p.digest)
    .execute(conn)
    .await?;
    Ok(())
}
