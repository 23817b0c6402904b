//! The reminder ladder: which units' lights on matters at work are yellow or red, and the
//! steps, messages and proposals a sweep writes for them.

use luoshi_domain::{Cause, MatterId, MatterNumber, MatterState, UnitId, Urgency, UserId};

use crate::notify::{Concern, Dispatch, LadderRow};
use crate::query::states_where;
use crate::sql::{Db, chunked};
use crate::{Result, accountability, args};

/// Yellow and red units with their matters and ladder rows, from the index of lights that are
/// not green: those of the next `$2` matters after matter `$1`, and the last of those matters.
fn concerns_sql() -> String {
    // A unit at work on a matter is in one of the same three states as a matter at work.
    let working = states_where(MatterState::is_working);
    // The ladder's key: the matter, the unit and what the reminders are about.
    let key = "CAST(a.matter_id AS TEXT) || ':' || CAST(a.unit_id AS TEXT) || ':' || a.concern";
    let lit = format!("a.light <> 'green' AND a.cause IS NOT NULL AND a.state IN {working}");
    format!(
        "WITH page AS (SELECT DISTINCT a.matter_id FROM assignments a
                       WHERE {lit} AND a.matter_id > $1 ORDER BY a.matter_id LIMIT $2)
         SELECT a.matter_id, m.year, m.seq, m.title, m.org_id, m.leader_id, m.urgency,
             a.unit_id, {key} AS key, a.cause,
             l.yellow_at, l.red_count, l.last_red_at, l.escalated_at, m.state IN {working},
             m.deadline
         FROM page JOIN assignments a ON a.matter_id = page.matter_id
         JOIN matters m ON m.id = a.matter_id
         LEFT JOIN ladder l ON l.key = {key}
         WHERE {lit}
         ORDER BY a.matter_id, a.position"
    )
}

/// The units whose stored light on a matter at work is yellow or red, by matter: those of the
/// `matters` matters after `after` that have any, and the last matter looked at (`None` when
/// there were none), to go on after. A province has 60,000 of them; a page at a time keeps
/// what a sweep holds bounded, whatever their number.
pub async fn concerns(
    db: &mut impl Db,
    after: MatterId,
    matters: usize,
) -> Result<(Vec<Concern>, Option<MatterId>)> {
    let mut last = None;
    // By position: finding columns by name was a fifth of the sweep's reading.
    let found = db
        .rows(&concerns_sql(), args![after.0, matters as i64], |r| {
            let (matter_id, unit_id) = (MatterId(r.get(0)?), UnitId(r.get(7)?));
            last = Some(matter_id);
            if !r.get::<bool>(14)? {
                return Ok(None);
            }
            let mut ladder = LadderRow::new(r.get(8)?, matter_id, unit_id);
            if let Some(red_count) = r.get::<Option<i64>>(11)? {
                ladder.red_count = red_count.clamp(0, i64::from(u32::MAX)) as u32;
                ladder.yellow_at = r.get(10)?;
                ladder.last_red_at = r.get(12)?;
                ladder.escalated_at = r.get(13)?;
            }
            Ok(Some(Concern {
                matter_id,
                number: MatterNumber {
                    year: r.get(1)?,
                    seq: r.get(2)?,
                },
                title: r.get(3)?,
                org_id: UnitId(r.get(4)?),
                leader_id: r.get::<Option<i64>>(5)?.map(UserId),
                urgency: r.named(6, Urgency::parse)?,
                deadline: r.get(15)?,
                unit_id,
                cause: r.named(9, Cause::from_code)?,
                ladder,
            }))
        })
        .await?;
    Ok((found.into_iter().flatten().collect(), last))
}

/// The ladder's rows of a matter's concerns, by key: how far reminders went for each.
pub async fn of_matter(db: &mut impl Db, matter: MatterId) -> Result<Vec<LadderRow>> {
    db.rows(
        "SELECT key, unit_id, yellow_at, red_count, last_red_at, escalated_at FROM ladder
         WHERE matter_id = $1 ORDER BY key",
        args![matter.0],
        |r| {
            Ok(LadderRow {
                key: r.get(0)?,
                matter_id: matter,
                unit_id: UnitId(r.get(1)?),
                yellow_at: r.get(2)?,
                red_count: r.get::<i64>(3)?.clamp(0, i64::from(u32::MAX)) as u32,
                last_red_at: r.get(4)?,
                escalated_at: r.get(5)?,
            })
        },
    )
    .await
}

/// Writes a dispatch. Rows already there (the same message from a sweep run twice) are left
/// as they are; returns how many outbox and inbox rows are new.
///
/// Rows go in key order: two processes writing overlapping dispatches then take their row
/// locks in the same order, and one waits for the other instead of deadlocking.
pub async fn dispatch(db: &mut impl Db, d: &Dispatch) -> Result<usize> {
    let mut ladder: Vec<_> = d.ladder.to_vec();
    ladder.sort_by(|a, b| a.key.cmp(&b.key));
    // A key written twice keeps its last step and its highest count, as when the rows were
    // written one by one; one statement may not write a row twice.
    ladder.dedup_by(|later, earlier| {
        let same = later.key == earlier.key;
        if same {
            later.red_count = later.red_count.max(earlier.red_count);
            std::mem::swap(later, earlier);
        }
        same
    });
    let rows = ladder.iter().map(|l| {
        vec![
            (&l.key).into(),
            l.matter_id.0.into(),
            l.unit_id.0.into(),
            l.yellow_at.into(),
            l.red_count.into(),
            l.last_red_at.into(),
            l.escalated_at.into(),
        ]
    });
    let upsert = format!(
        "ON CONFLICT (key) DO UPDATE SET yellow_at = excluded.yellow_at,
             red_count = {}(ladder.red_count, excluded.red_count),
             last_red_at = excluded.last_red_at, escalated_at = excluded.escalated_at",
        db.dialect().greatest()
    );
    chunked(
        db,
        "INSERT INTO ladder (key, matter_id, unit_id, yellow_at, red_count, last_red_at,
             escalated_at) VALUES",
        rows.collect(),
        &upsert,
        |_| Ok(()),
    )
    .await?;
    let mut outbox: Vec<_> = d.outbox.iter().collect();
    outbox.sort_by(|a, b| a.id.cmp(&b.id));
    let rows = outbox.iter().map(|n| {
        vec![
            (&n.id).into(),
            n.channel.as_str().into(),
            (&n.target).into(),
            n.user_id.map(|u| u.0).into(),
            n.matter_id.map(|m| m.0).into(),
            (&n.subject).into(),
            (&n.body).into(),
            n.created_at.into(),
            n.due_at.into(),
            n.mentions.join(",").into(),
        ]
    });
    let (mut new, _) = chunked(
        db,
        "INSERT INTO outbox (id, channel, target, user_id, matter_id, subject, body, created_at,
             next_at, mentions) VALUES",
        rows.collect(),
        "ON CONFLICT (id) DO NOTHING",
        |_| Ok(()),
    )
    .await?;
    let mut inbox: Vec<_> = d.inbox.iter().collect();
    inbox.sort_by(|a, b| a.id.cmp(&b.id));
    let rows = inbox.iter().map(|i| {
        vec![
            (&i.id).into(),
            i.to.person().into(),
            i.to.liaisons().into(),
            i.matter_id.map(|m| m.0).into(),
            (&i.title).into(),
            (&i.body).into(),
            i.created_at.into(),
            i.confirm.into(),
        ]
    });
    new += chunked(
        db,
        "INSERT INTO inbox (id, user_id, unit_id, matter_id, title, body, created_at, confirm)
         VALUES",
        rows.collect(),
        "ON CONFLICT (id) DO NOTHING",
        |_| Ok(()),
    )
    .await?
    .0;
    for a in &d.proposals {
        accountability::propose(db, a).await?;
    }
    let mut resent: Vec<_> = d.resent.iter().collect();
    resent.sort();
    for (id, at) in resent {
        db.execute(
            "UPDATE inbox SET resent_at = $2 WHERE id = $1",
            args![id, *at],
        )
        .await?;
    }
    Ok(new as usize)
}
