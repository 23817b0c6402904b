//! The pure core of Luoshi (落实): what a matter is, who may move it where, how working days are
//! counted and what colour its light shows. Nothing here reads a clock, a file or a database:
//! callers pass "now" and the data in, which keeps every rule testable on its own.

pub mod accountability;
pub mod assess;
pub mod attachment;
pub mod authz;
pub mod calendar;
pub mod cascade;
pub mod event;
pub mod ids;
pub mod indicator;
pub mod ladder;
pub mod lifecycle;
pub mod light;
pub mod limits;
pub mod matter;
pub mod names;
pub mod notice;
pub mod number;
pub mod org;
pub mod password;
pub mod rounds;
pub mod slip;
pub mod user;

pub use authz::Power;
pub use calendar::{Calendar, DayKind};
pub use cascade::{Cascade, Culprit};
pub use event::{Event, EventKind, IndicatorValue, InstructionKind, NewEvent, Rating};
pub use ids::{EventId, MatterId, UnitId, UserId};
pub use indicator::{Direction, Indicator, IndicatorDraft};
pub use lifecycle::{
    Action, Actor, Denied, ExtensionChain, OnReport, OpenBelow, ReturnedReport, Transition,
    Visibility, apply,
};
pub use light::{Cause, Light, LightContext, LightRules, ProgressClass};
pub use matter::{
    Assignment, AssignmentRole, AssignmentState, Cadence, Extension, Matter, MatterState,
    Milestone, Source, Urgency,
};
pub use number::MatterNumber;
pub use org::{OrgTree, Unit, UnitKind};
pub use user::{Role, TokenScope, User};

/// China keeps one time zone; every date a user sees (deadlines, "today", working days) is a date
/// in UTC+8, whatever the server's own zone is.
pub fn china_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The instant it is `time` on `day` in China. UTC+8 has no gaps or repeats, so every local
/// time is exactly one instant.
pub fn china_instant(
    day: chrono::NaiveDate,
    time: chrono::NaiveTime,
) -> chrono::DateTime<chrono::Utc> {
    day.and_time(time)
        .and_local_timezone(china_offset())
        .single()
        .expect("a fixed offset has every local time exactly once")
        .to_utc()
}

/// The instant a day in China ends: midnight before the next one.
pub fn china_day_end(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    china_instant(day.succ_opt().unwrap_or(day), chrono::NaiveTime::MIN)
}

/// The calendar date in China at the instant `at`.
pub fn china_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    at.with_timezone(&china_offset()).date_naive()
}
