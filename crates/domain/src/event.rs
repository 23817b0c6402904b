//! The append-only timeline: every step of a matter is an event with actor, time and comment.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::{EventId, MatterId, UnitId, UserId};
use crate::matter::labelled_enum;
use serde::{Deserialize, Serialize};

labelled_enum!(
    EventKind {
        Created = "created", "立项";
        Assigned = "assigned", "交办";
        Signed = "signed", "签收";
        Feedback = "feedback", "反馈进展";
        CompletionRequested = "completion_requested", "申请办结";
        Returned = "returned", "退回";
        Closed = "closed", "办结";
        Reminded = "reminded", "催办";
        ExtensionRequested = "extension_requested", "申请延期";
        ExtensionApproved = "extension_approved", "同意延期";
        ExtensionRejected = "extension_rejected", "不同意延期";
        Cancelled = "cancelled", "撤销";
        Accountability = "accountability", "问责";
        Praised = "praised", "通报表扬";
        Criticized = "criticized", "通报批评";
        Adjusted = "adjusted", "考核加减分";
        /// Closed by a supervisor's override while sub-matters were open; the comment names
        /// them, and the close that follows gives the reason.
        ForcedClose = "forced_close", "强制办结";
        /// A unit merged into another in a reorganisation; the matter followed the survivor.
        Reorganized = "reorganized", "机构调整";
        /// A unit replaced on, or added to, work in hand (改派); the comment names them and
        /// the reason.
        Reassigned = "reassigned", "改派";
        /// A draft corrected before it was assigned.
        Edited = "edited", "修改";
        /// A file added to the record; the comment is the uploader's note.
        Attached = "attached", "上传附件";
        /// A leader's 批示, 圈阅 or 肯定 on the matter, or on one of its reports.
        Instruction = "instruction", "领导批示";
        /// A quantified indicator set on the matter; the comment states its terms.
        IndicatorSet = "indicator_set", "设定量化指标";
        /// One unit's progress report sent back by the office to be made again; it names the
        /// report and the unit, and the comment gives the reason.
        ReportReturned = "report_returned", "退回反馈";
    }
);

labelled_enum!(
    /// What a leader wrote on a matter (the seed's 快接、快办、快反馈 starts here).
    InstructionKind {
        /// 批示: tells the units what to do; they are asked to confirm they have it.
        Instruct = "instruct", "批示";
        /// 圈阅: read and ticked, often of a completion report before it is closed.
        Read = "read", "圈阅";
        /// 肯定: praise of the work or of one report, which assessment schemes may score.
        Praise = "praise", "肯定";
    }
);

labelled_enum!(
    /// 满意度: the assigning office's judgement of the work, given when it closes the matter.
    Rating {
        Satisfied = "satisfied", "满意";
        Basically = "basically", "基本满意";
        Unsatisfied = "unsatisfied", "不满意";
    }
);

impl Rating {
    /// A rating as a request or a form gives it: blank means none was given.
    pub fn given(text: &str) -> Result<Option<Rating>, String> {
        match text.trim() {
            "" => Ok(None),
            t => Rating::parse(t).map(Some).ok_or_else(|| {
                format!(
                    "满意度“{t}”无效,应为 satisfied(满意)、basically(基本满意)或 unsatisfied(不满意)"
                )
            }),
        }
    }

    /// The rating the latest close on this timeline gave, if it gave one.
    pub fn at_close(events: &[Event]) -> Option<Rating> {
        events
            .iter()
            .rfind(|e| e.data.kind == EventKind::Closed)
            .and_then(|e| e.data.rating)
    }
}

impl Event {
    /// Whether the office sent this report back (退回反馈): it no longer counts as made.
    pub fn was_returned(&self, timeline: &[Event]) -> bool {
        timeline
            .iter()
            .any(|e| e.data.kind == EventKind::ReportReturned && e.data.on_event == Some(self.id))
    }

    /// The unit's latest progress report on this timeline that the office has not sent back.
    pub fn latest_report_of(timeline: &[Event], unit: UnitId) -> Option<&Event> {
        timeline.iter().rev().find(|e| {
            e.data.kind == EventKind::Feedback
                && e.data.unit_id == Some(unit)
                && !e.was_returned(timeline)
        })
    }

    /// Whether this is a unit's progress report or request to close that still counts: one the
    /// office has not sent back.
    pub fn is_standing_report(&self, timeline: &[Event]) -> bool {
        matches!(
            self.data.kind,
            EventKind::Feedback | EventKind::CompletionRequested
        ) && self.data.unit_id.is_some()
            && !self.was_returned(timeline)
    }
}

impl EventKind {
    /// Whether the event's unit is the unit an office's step was about (a return, a measure,
    /// a reassignment…) rather than the unit its actor acted for (a sign, a report…).
    pub fn concerns_a_unit(self) -> bool {
        matches!(
            self,
            EventKind::Returned
                | EventKind::ReportReturned
                | EventKind::Accountability
                | EventKind::Praised
                | EventKind::Criticized
                | EventKind::Adjusted
                | EventKind::Reorganized
                | EventKind::Reassigned
                | EventKind::Instruction
                | EventKind::Reminded
        )
    }
}

/// An event about to be written; the store gives it its id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub actor_id: UserId,
    /// The unit the actor acted for, where that matters (sign, feedback, completion).
    pub unit_id: Option<UnitId>,
    pub at: DateTime<Utc>,
    pub comment: String,
    /// Feedback: the percent reported.
    pub percent: Option<u8>,
    /// Feedback: 存在问题.
    pub problems: String,
    /// Feedback: 下步打算.
    pub next_steps: String,
    /// Extensions: the deadline asked for or granted.
    pub new_deadline: Option<NaiveDate>,
    /// Instructions: what kind the leader wrote.
    pub instruction: Option<InstructionKind>,
    /// The earlier event this one is about: the report a leader's instruction was written on.
    pub on_event: Option<EventId>,
    /// Close: the office's 满意度, when it gave one.
    pub rating: Option<Rating>,
    /// Feedback: the values the report gave the matter's quantified indicators.
    pub values: Vec<IndicatorValue>,
}

/// A value a report gives one of its matter's indicators.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub indicator_id: u32,
    pub value: f64,
}

impl NewEvent {
    pub fn new(
        kind: EventKind,
        actor_id: UserId,
        at: DateTime<Utc>,
        comment: impl Into<String>,
    ) -> NewEvent {
        NewEvent {
            kind,
            actor_id,
            unit_id: None,
            at,
            comment: comment.into(),
            percent: None,
            problems: String::new(),
            next_steps: String::new(),
            new_deadline: None,
            instruction: None,
            on_event: None,
            rating: None,
            values: Vec::new(),
        }
    }

    pub fn by_unit(mut self, unit: UnitId) -> NewEvent {
        self.unit_id = Some(unit);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub matter_id: MatterId,
    pub data: NewEvent,
}
