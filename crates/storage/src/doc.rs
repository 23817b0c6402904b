//! Records as the database hands them over: a query folds its rows into one JSON document
//! (json_group_array on SQLite, json_agg on PostgreSQL), which costs one round trip however many
//! rows a page holds. These shapes are shared by every backend. Each record is an array of its
//! fields in the order its struct declares them ([`crate::sql::Dialect::record`]);
//! [`field_names`] lets a test hold the SQL to that order.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    Assignment, AssignmentRole, AssignmentState, Cadence, Event, EventId, EventKind, Extension,
    Indicator, IndicatorValue, InstructionKind, Matter, MatterId, MatterNumber, MatterState,
    Milestone, NewEvent, Rating, Source, UnitId, Urgency, UserId,
};
use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use crate::{Result, StoreError};

/// Reads a folded document; `None` (SQL NULL, an empty fold) reads as an empty list.
pub fn read_all<D: DeserializeOwned, T>(json: Option<&str>, f: impl Fn(D) -> T) -> Result<Vec<T>> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let docs: Vec<D> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(docs.into_iter().map(f).collect())
}

/// The fields a struct declares, in order: what serde reads from a record's array.
#[cfg(test)]
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    type Answer<V> = std::result::Result<V, de::value::Error>;
    struct Names(&'static [&'static str]);
    impl<'de> Deserializer<'de> for &mut Names {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Answer<V::Value> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Answer<V::Value> {
            self.0 = fields;
            Err(de::Error::custom("only the names were asked for"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut names = Names(&[]);
    let _ = T::deserialize(&mut names);
    names.0
}

/// SQLite keeps booleans as 0 and 1, PostgreSQL as true and false.
fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}

fn percent<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u8, D::Error> {
    Ok(i64::deserialize(d)?.clamp(0, 100) as u8)
}

#[derive(Deserialize)]
pub struct MatterDoc {
    id: i64,
    org_id: i64,
    year: i32,
    seq: i64,
    title: String,
    content: String,
    source: Source,
    origin: String,
    origin_id: Option<i64>,
    urgency: Urgency,
    lead_unit_id: i64,
    leader_id: Option<i64>,
    deadline: Option<NaiveDate>,
    cadence: Cadence,
    report_rule: Option<luoshi_domain::rounds::ReportRule>,
    milestones: Vec<Milestone>,
    #[serde(default)]
    indicators: Vec<Indicator>,
    tags: Vec<String>,
    #[serde(deserialize_with = "flag")]
    public: bool,
    parent_id: Option<i64>,
    state: MatterState,
    extension: Option<Extension>,
    created_by: i64,
    created_at: DateTime<Utc>,
    assigned_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    assignments: Option<Vec<AssignmentDoc>>,
}

#[derive(Deserialize)]
pub(crate) struct AssignmentDoc {
    position: i64,
    unit_id: i64,
    role: AssignmentRole,
    state: AssignmentState,
    signed_at: Option<DateTime<Utc>>,
    last_feedback_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "percent")]
    percent: u8,
}

impl From<MatterDoc> for Matter {
    fn from(d: MatterDoc) -> Matter {
        let mut folded = d.assignments.unwrap_or_default();
        folded.sort_by_key(|a| a.position);
        let assignments: Vec<Assignment> = folded
            .into_iter()
            .map(|a| Assignment {
                unit_id: UnitId(a.unit_id),
                role: a.role,
                state: a.state,
                signed_at: a.signed_at,
                last_feedback_at: a.last_feedback_at,
                percent: a.percent,
            })
            .collect();
        Matter {
            id: MatterId(d.id),
            org_id: UnitId(d.org_id),
            number: MatterNumber {
                year: d.year,
                seq: d.seq,
            },
            title: d.title,
            content: d.content,
            source: d.source,
            origin: d.origin,
            origin_id: d.origin_id,
            urgency: d.urgency,
            lead_unit_id: UnitId(d.lead_unit_id),
            // A unit taken off the matter (改派) keeps its cancelled assignment as a record; it
            // is no longer one of the units working on it.
            co_unit_ids: assignments
                .iter()
                .filter(|a| {
                    a.role == AssignmentRole::Co
                        && (a.state != AssignmentState::Cancelled
                            || d.state == MatterState::Cancelled)
                })
                .map(|a| a.unit_id)
                .collect(),
            leader_id: d.leader_id.map(UserId),
            deadline: d.deadline,
            cadence: d.cadence,
            report_rule: d.report_rule,
            milestones: d.milestones,
            indicators: d.indicators,
            tags: d.tags,
            public: d.public,
            parent_id: d.parent_id.map(MatterId),
            state: d.state,
            extension: d.extension,
            created_by: UserId(d.created_by),
            created_at: d.created_at,
            assigned_at: d.assigned_at,
            closed_at: d.closed_at,
            version: d.version,
            assignments,
        }
    }
}

#[derive(Deserialize)]
pub struct EventDoc {
    id: i64,
    matter_id: i64,
    kind: EventKind,
    actor_id: i64,
    unit_id: Option<i64>,
    at: DateTime<Utc>,
    comment: String,
    percent: Option<i64>,
    problems: String,
    next_steps: String,
    new_deadline: Option<NaiveDate>,
    instruction: Option<InstructionKind>,
    on_event_id: Option<i64>,
    rating: Option<Rating>,
    #[serde(default)]
    indicator_values: Option<Vec<IndicatorValue>>,
}

impl From<EventDoc> for Event {
    fn from(d: EventDoc) -> Event {
        Event {
            id: EventId(d.id),
            matter_id: MatterId(d.matter_id),
            data: NewEvent {
                kind: d.kind,
                actor_id: UserId(d.actor_id),
                unit_id: d.unit_id.map(UnitId),
                at: d.at,
                comment: d.comment,
                percent: d.percent.map(|p| p.clamp(0, 100) as u8),
                problems: d.problems,
                next_steps: d.next_steps,
                new_deadline: d.new_deadline,
                instruction: d.instruction,
                on_event: d.on_event_id.map(EventId),
                rating: d.rating,
                values: d.indicator_values.unwrap_or_default(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AssignmentDoc, EventDoc, MatterDoc, field_names};
    use crate::sql::Dialect;
    use crate::{events, matters};

    #[test]
    fn each_record_lists_its_fields_in_the_order_its_document_reads_them() {
        let names = |fields: Vec<(&'static str, String)>| -> Vec<&'static str> {
            fields.into_iter().map(|(name, _)| name).collect()
        };
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            assert_eq!(names(matters::record_fields(d)), field_names::<MatterDoc>());
            assert_eq!(names(events::record_fields(d)), field_names::<EventDoc>());
        }
        assert_eq!(
            names(matters::assignment_fields()),
            field_names::<AssignmentDoc>()
        );
    }
}
