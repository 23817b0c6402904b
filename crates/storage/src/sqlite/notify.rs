//! The ladder, the outbox and the inbox on SQLite.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use luoshi_domain::{Cause, DayKind, MatterId, MatterNumber, UnitId, Urgency, UserId};
use rusqlite::{Connection, Row, Transaction, params};

use super::rows::{named, shared, ts, write_error};
use crate::Result;
use crate::inbox_sql;
use crate::notify::{
    Addressee, Channel, Concern, DeliveryState, Dispatch, InboxItem, LadderRow, Notice, Outgoing,
    Prefs, Unconfirmed,
};

fn time(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
    })
    .transpose()
}

fn required(s: String) -> rusqlite::Result<DateTime<Utc>> {
    time(Some(s)).map(|t| t.expect("a value was given"))
}

pub fn concerns(conn: &Connection) -> Result<Vec<Concern>> {
    let mut stmt = conn.prepare_cached(&crate::concerns_sql())?;
    // By position: a province has 60,000 of these rows, and finding columns by name was a
    // fifth of the sweep's reading.
    let rows = stmt
        .query_map([], |r| {
            let (matter_id, unit_id) = (MatterId(r.get(0)?), UnitId(r.get(7)?));
            let mut ladder = LadderRow::new(r.get(8)?, matter_id, unit_id);
            if let Some(red_count) = r.get(11)? {
                ladder.red_count = red_count;
                ladder.yellow_at = time(r.get(10)?)?;
                ladder.last_red_at = time(r.get(12)?)?;
                ladder.escalated_at = time(r.get(13)?)?;
            }
            Ok(Concern {
                matter_id,
                number: MatterNumber {
                    year: r.get(1)?,
                    seq: r.get(2)?,
                },
                title: r.get(3)?,
                org_id: UnitId(r.get(4)?),
                leader_id: r.get::<_, Option<i64>>(5)?.map(UserId),
                urgency: named(r, 6, Urgency::parse)?,
                unit_id,
                cause: named(r, 9, Cause::from_code)?,
                ladder,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Writes a dispatch in the caller's transaction. Rows already there (the same message from a
/// sweep run twice) are left as they are; returns how many outbox and inbox rows are new.
pub fn dispatch_in(tx: &Transaction<'_>, d: &Dispatch) -> Result<usize> {
    for l in &d.ladder {
        tx.prepare_cached(
            "INSERT INTO ladder (key, matter_id, unit_id, yellow_at, red_count, last_red_at, escalated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET yellow_at = excluded.yellow_at,
                 red_count = max(red_count, excluded.red_count), last_red_at = excluded.last_red_at,
                 escalated_at = excluded.escalated_at",
        )?
        .execute(params![
            l.key,
            l.matter_id.0,
            l.unit_id.0,
            l.yellow_at.map(ts),
            l.red_count,
            l.last_red_at.map(ts),
            l.escalated_at.map(ts)
        ])
        .map_err(write_error)?;
    }
    let mut new = 0;
    for n in &d.outbox {
        new += tx
            .prepare_cached(
                "INSERT INTO outbox (id, channel, target, user_id, matter_id, subject, body,
                     created_at, next_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                n.id,
                n.channel.as_str(),
                n.target,
                n.user_id.map(|u| u.0),
                n.matter_id.map(|m| m.0),
                n.subject,
                n.body,
                ts(n.created_at),
                ts(n.due_at)
            ])
            .map_err(write_error)?;
    }
    for i in &d.inbox {
        new += tx
            .prepare_cached(
                "INSERT INTO inbox (id, user_id, unit_id, matter_id, title, body, created_at,
                     confirm)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )?
            .execute(params![
                i.id,
                i.to.person(),
                i.to.liaisons(),
                i.matter_id.map(|m| m.0),
                i.title,
                i.body,
                ts(i.created_at),
                i.confirm
            ])
            .map_err(write_error)?;
    }
    for a in &d.proposals {
        crate::sql::now(crate::accountability::propose(&mut crate::sql::Lite(tx), a))?;
    }
    for (id, at) in &d.resent {
        tx.prepare_cached("UPDATE inbox SET resent_at = ? WHERE id = ?")?
            .execute(params![ts(*at), id])
            .map_err(write_error)?;
    }
    Ok(new)
}

pub fn dispatch(conn: &mut Connection, d: &Dispatch) -> Result<usize> {
    let tx = conn.transaction()?;
    let new = dispatch_in(&tx, d)?;
    tx.commit()?;
    Ok(new)
}

const OUTBOX_COLUMNS: &str = "id, channel, target, user_id, matter_id, subject, body, created_at,
    state, attempts, last_error, sent_at, next_at";

fn outgoing(r: &Row<'_>) -> rusqlite::Result<Outgoing> {
    let channel: String = r.get(1)?;
    let state: String = r.get(8)?;
    Ok(Outgoing {
        notice: Notice {
            id: r.get(0)?,
            channel: if channel == "email" {
                Channel::Email
            } else {
                Channel::Webhook
            },
            target: r.get(2)?,
            user_id: r.get::<_, Option<i64>>(3)?.map(UserId),
            matter_id: r.get::<_, Option<i64>>(4)?.map(MatterId),
            subject: r.get(5)?,
            body: r.get(6)?,
            created_at: required(r.get(7)?)?,
            due_at: required(r.get(12)?)?,
        },
        state: match state.as_str() {
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        },
        attempts: r.get(9)?,
        last_error: r.get(10)?,
        sent_at: time(r.get(11)?)?,
    })
}

/// Claims due messages until `lease_until`: a claimed row is invisible to other senders until
/// then, so two instances never send the same message at once.
pub fn claim(
    conn: &mut Connection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Outgoing>> {
    let mut stmt = conn.prepare_cached(&format!(
        "UPDATE outbox SET claimed_until = ?1
         WHERE id IN (SELECT id FROM outbox
                      WHERE state = 'pending' AND next_at <= ?2
                        AND (claimed_until IS NULL OR claimed_until <= ?2)
                      ORDER BY next_at LIMIT ?3)
         RETURNING {OUTBOX_COLUMNS}"
    ))?;
    let rows = stmt
        .query_map(params![ts(lease_until), ts(now), limit as i64], outgoing)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn sent(conn: &mut Connection, id: &str, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,
             claimed_until = NULL WHERE id = ?",
    )?
    .execute(params![ts(at), id])
    .map_err(write_error)?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or given up when `None`.
pub fn failed(
    conn: &mut Connection,
    id: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, claimed_until = NULL,
             state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
             next_at = coalesce(?, next_at)
         WHERE id = ?",
    )?
    .execute(params![error, retry_at.map(ts), retry_at.map(ts), id])
    .map_err(write_error)?;
    Ok(())
}

pub fn outbox(conn: &Connection, failed_only: bool) -> Result<Vec<Outgoing>> {
    let sql = format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox {} ORDER BY created_at DESC LIMIT 500",
        if failed_only {
            "WHERE state = 'failed' OR (state = 'pending' AND attempts > 0)"
        } else {
            ""
        }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([], outgoing)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn inbox_item(r: &Row<'_>) -> rusqlite::Result<InboxItem> {
    let to = match (r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?) {
        (Some(user), _) => Addressee::Person(UserId(user)),
        (None, Some(unit)) => Addressee::Liaisons(UnitId(unit)),
        (None, None) => {
            return Err(rusqlite::Error::InvalidColumnType(
                1,
                "user_id".into(),
                rusqlite::types::Type::Null,
            ));
        }
    };
    Ok(InboxItem {
        id: r.get(0)?,
        to,
        matter_id: r.get::<_, Option<i64>>(3)?.map(MatterId),
        title: r.get(4)?,
        body: r.get(5)?,
        created_at: required(r.get(6)?)?,
        confirm: r.get(7)?,
        read_at: time(r.get(8)?)?,
        confirmed_at: time(r.get(9)?)?,
    })
}

pub fn inbox(conn: &Connection, user: UserId) -> Result<Vec<InboxItem>> {
    let mut stmt = conn.prepare_cached(&shared(&inbox_sql::latest()))?;
    let rows = stmt
        .query_map([user.0], inbox_item)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn unread(conn: &Connection, user: UserId) -> Result<usize> {
    let n: i64 = conn
        .prepare_cached(&shared(&inbox_sql::unread()))?
        .query_row([user.0], |r| r.get(0))?;
    Ok(n as usize)
}

/// Marks a message read (and confirmed, when asked); someone else's message is not found.
pub fn mark(
    conn: &mut Connection,
    user: UserId,
    id: &str,
    at: DateTime<Utc>,
    confirm: bool,
) -> Result<bool> {
    let tx = conn.transaction()?;
    let theirs: i64 = tx
        .prepare_cached(&shared(&inbox_sql::theirs()))?
        .query_row(params![user.0, id], |r| r.get(0))?;
    if theirs == 0 {
        return Ok(false);
    }
    let args = params![user.0, id, ts(at)];
    tx.prepare_cached(&shared(inbox_sql::READ))?
        .execute(args)
        .map_err(write_error)?;
    if confirm {
        tx.prepare_cached(&shared(inbox_sql::CONFIRM))?
            .execute(args)
            .map_err(write_error)?;
    }
    tx.commit()?;
    Ok(true)
}

pub fn calendar_days(conn: &mut Connection) -> Result<Vec<(NaiveDate, DayKind, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT date, kind, name FROM calendar_days ORDER BY date")?;
    let rows = stmt
        .query_map([], |r| {
            let kind: String = r.get(1)?;
            Ok((
                r.get::<_, NaiveDate>(0)?,
                if kind == "workday" {
                    DayKind::AdjustedWorkday
                } else {
                    DayKind::Holiday
                },
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn save_calendar_days(
    conn: &mut Connection,
    days: &[(NaiveDate, DayKind, String)],
) -> Result<()> {
    let tx = conn.transaction()?;
    let years: std::collections::BTreeSet<i32> = days.iter().map(|(d, _, _)| d.year()).collect();
    for y in years {
        tx.execute(
            "DELETE FROM calendar_days WHERE date >= ? AND date <= ?",
            params![format!("{y:04}-01-01"), format!("{y:04}-12-31")],
        )?;
    }
    for (date, kind, name) in days {
        let kind = if *kind == DayKind::AdjustedWorkday {
            "workday"
        } else {
            "holiday"
        };
        tx.execute(
            "INSERT INTO calendar_days (date, kind, name) VALUES (?, ?, ?)",
            params![date, kind, name],
        )
        .map_err(write_error)?;
    }
    tx.commit()?;
    Ok(())
}

/// Messages asking for a receipt, still unconfirmed, sent (or last sent again) before `before`.
pub fn unconfirmed(conn: &mut Connection, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>> {
    let mut stmt = conn.prepare_cached(&shared(inbox_sql::UNCONFIRMED))?;
    let rows = stmt
        .query_map(params![ts(before), inbox_sql::UNCONFIRMED_BATCH], |r| {
            Ok(Unconfirmed {
                id: r.get(0)?,
                user_id: UserId(r.get(1)?),
                matter_id: r.get::<_, Option<i64>>(2)?.map(MatterId),
                title: r.get(3)?,
                body: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn prefs(conn: &mut Connection) -> Result<Vec<(UserId, Prefs)>> {
    let mut stmt = conn.prepare_cached("SELECT user_id, email, digest FROM user_prefs")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                UserId(r.get(0)?),
                Prefs {
                    email: r.get(1)?,
                    digest: r.get(2)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn save_prefs(conn: &mut Connection, user: UserId, p: Prefs) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO user_prefs (user_id, email, digest) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, digest = excluded.digest",
    )?
    .execute(params![user.0, p.email, p.digest])
    .map_err(write_error)?;
    Ok(())
}
