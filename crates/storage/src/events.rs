//! The timeline: the events that explain every change to a matter, appended and never changed,
//! each linked into the audit chain in the transaction that writes it.

use chrono::{DateTime, Utc};
use luoshi_domain::{Event, EventId, MatterId, NewEvent, Rating};

use crate::doc::{EventDoc, read_all};
use crate::sql::{Arg, Db, Dialect, chunked};
use crate::{Result, StoreError, audit};

/// Appends the events of one or more matters, in order, and links them; their ids.
pub async fn insert(db: &mut impl Db, events: &[(MatterId, &NewEvent)]) -> Result<Vec<EventId>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let rows = events.iter().map(|(m, e)| {
        vec![
            m.0.into(),
            e.kind.as_str().into(),
            e.actor_id.0.into(),
            e.unit_id.map(|u| u.0).into(),
            e.at.into(),
            (&e.comment).into(),
            e.percent.into(),
            (&e.problems).into(),
            (&e.next_steps).into(),
            e.new_deadline.into(),
            e.instruction.map(|k| k.as_str()).into(),
            e.on_event.map(|id| id.0).into(),
            e.rating.map(|r| r.as_str()).into(),
            (!e.values.is_empty())
                .then(|| serde_json::to_string(&e.values).expect("plain data serialises"))
                .into(),
        ]
    });
    let (_, mut ids) = chunked(
        db,
        "INSERT INTO events (matter_id, kind, actor_id, unit_id, at, comment, percent, problems,
             next_steps, new_deadline, instruction, on_event_id, rating, indicator_values) VALUES",
        rows.collect(),
        "RETURNING id",
        |r| r.get::<i64>(0),
    )
    .await?;
    audit::extend(db).await?;
    // Ids are drawn as the rows go in, in order: in id order they are in event order.
    ids.sort_unstable();
    Ok(ids.into_iter().map(EventId).collect())
}

/// The events of one matter.
pub async fn of_matter(
    db: &mut impl Db,
    matter: MatterId,
    events: &[NewEvent],
) -> Result<Vec<EventId>> {
    let all: Vec<_> = events.iter().map(|e| (matter, e)).collect();
    insert(db, &all).await
}

/// One event as a JSON record in the shape of [`EventDoc`].
pub(crate) fn doc(d: Dialect) -> String {
    d.record(&record_fields(d))
}

/// [`EventDoc`]'s fields in its order, each with the SQL that reads it.
pub(crate) fn record_fields(d: Dialect) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = [
        "id",
        "matter_id",
        "kind",
        "actor_id",
        "unit_id",
        "at",
        "comment",
        "percent",
        "problems",
        "next_steps",
        "new_deadline",
        "instruction",
        "on_event_id",
        "rating",
    ]
    .into_iter()
    .map(|name| (name, name.to_string()))
    .collect();
    // Kept as text on both, so the chain hashes what was written; read back as JSON.
    let values = match d {
        Dialect::Postgres => "indicator_values::json",
        Dialect::Sqlite => "json(indicator_values)",
    };
    fields.push(("indicator_values", values.to_string()));
    fields
}

pub(crate) fn read(doc: Option<&str>) -> Result<Vec<Event>> {
    read_all(doc, |d: EventDoc| Event::from(d))
}

/// The timelines of these matters, each in order, from one statement.
pub async fn of_matters(db: &mut impl Db, matters: &[MatterId]) -> Result<Vec<Event>> {
    let d = db.dialect();
    let sql = format!(
        "SELECT {} FROM events WHERE {}",
        d.array(&doc(d), " ORDER BY matter_id, id"),
        d.any("matter_id", 1)
    );
    let folded: Option<String> = db
        .value(&sql, &[Arg::ids(matters.iter().map(|m| m.0))])
        .await?;
    read(folded.as_deref())
}

/// The latest progress report of each of these matters that has one: (matter, text, when).
pub async fn latest_reports(
    db: &mut impl Db,
    matters: &[MatterId],
) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
    let sql = format!(
        "SELECT matter_id, comment, at FROM events WHERE id IN
             (SELECT max(id) FROM events WHERE kind = 'feedback' AND {} GROUP BY matter_id)",
        db.dialect().any("matter_id", 1)
    );
    db.rows(&sql, &[Arg::ids(matters.iter().map(|m| m.0))], |r| {
        Ok((MatterId(r.get(0)?), r.get(1)?, r.get(2)?))
    })
    .await
}

/// The rating of each of these matters whose latest close gave one.
pub async fn close_ratings(
    db: &mut impl Db,
    matters: &[MatterId],
) -> Result<Vec<(MatterId, Rating)>> {
    let sql = format!(
        "SELECT matter_id, rating FROM events WHERE rating IS NOT NULL AND id IN
             (SELECT max(id) FROM events WHERE kind = 'closed' AND {} GROUP BY matter_id)",
        db.dialect().any("matter_id", 1)
    );
    db.rows(&sql, &[Arg::ids(matters.iter().map(|m| m.0))], |r| {
        let rating: String = r.get(1)?;
        let rating = Rating::parse(&rating)
            .ok_or_else(|| StoreError::Corrupt(format!("rating {rating}")))?;
        Ok((MatterId(r.get(0)?), rating))
    })
    .await
}
