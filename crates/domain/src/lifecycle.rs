//! The matter lifecycle as a state machine: which action is allowed from which state, and who may
//! take it. `apply` is the only way a matter changes; it returns the changed matter together with
//! the events that record the change, so the two are always written together.
//!
//! Each step has its file: the office assigns (or reassigns) the units, each unit signs, reports
//! feedback and, as lead, asks for completion; the office reviews — closes or returns — and may
//! remind or cancel; the lead asks for an extension, which the chain approves or rejects.

mod actor;
mod assign;
mod cancel;
mod completion;
mod extension;
mod feedback;
mod indicator;
mod instruct;
mod remind;
mod review;
mod sign;
mod unfinished;

use chrono::{DateTime, NaiveDate, Utc};

pub use self::actor::{Actor, Visibility};
pub use self::extension::ExtensionChain;
pub use self::instruct::OnReport;
pub use self::unfinished::{OpenBelow, describe_co_units};
use crate::event::{EventKind, IndicatorValue, InstructionKind, NewEvent, Rating};
use crate::ids::UnitId;
use crate::indicator::IndicatorDraft;
use crate::matter::{Assignment, Matter, MatterState};
use crate::user::Role;

/// Something a person asks to do to a matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Assign,
    Sign,
    Feedback {
        text: String,
        percent: u8,
        problems: String,
        next_steps: String,
        /// Values for the matter's quantified indicators.
        values: Vec<IndicatorValue>,
    },
    RequestCompletion {
        summary: String,
    },
    Close {
        comment: String,
        /// Close although sub-matters are still open (SPEC §8): a supervisor's decision, for
        /// which `comment` is the reason.
        override_open: bool,
        /// The office's 满意度 with the work, if it gives one.
        rating: Option<Rating>,
    },
    Return {
        reason: String,
    },
    /// 催办, of every unit at work, or of one of them.
    Remind {
        message: String,
        unit: Option<UnitId>,
    },
    RequestExtension {
        new_deadline: NaiveDate,
        reason: String,
    },
    ApproveExtension {
        comment: String,
    },
    RejectExtension {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    /// 改派: `to` takes over `from`'s part (its role, the lead included), or with no `from`
    /// joins as a co-unit. The unit taken off keeps its assignment, cancelled, as the record.
    Reassign {
        from: Option<UnitId>,
        to: UnitId,
        reason: String,
    },
    /// A leader's 批示, 圈阅 or 肯定, on the matter or on one of its reports.
    Instruct {
        kind: InstructionKind,
        text: String,
        on: Option<OnReport>,
    },
    /// The office sets a quantified indicator the matter is to move (量化指标).
    SetIndicator(IndicatorDraft),
    /// 退回反馈: the office sends one unit's latest report back to be made again.
    ReturnReport {
        report: ReturnedReport,
        reason: String,
    },
}

/// A unit's latest report, to be sent back, and what stands in its place once it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnedReport {
    pub on: OnReport,
    /// When it was made and the indicator values it gave, which are taken back with it.
    pub at: DateTime<Utc>,
    pub values: Vec<IndicatorValue>,
    /// The unit's report before it that still stands, if any: when it was made and how far
    /// it said the work had come.
    pub before: Option<(DateTime<Utc>, u8)>,
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Action::Assign => "交办",
            Action::Sign => "签收",
            Action::Feedback { .. } => "反馈进展",
            Action::RequestCompletion { .. } => "申请办结",
            Action::Close { .. } => "办结",
            Action::Return { .. } => "退回",
            Action::Remind { .. } => "催办",
            Action::RequestExtension { .. } => "申请延期",
            Action::ApproveExtension { .. } => "审批延期",
            Action::RejectExtension { .. } => "审批延期",
            Action::Cancel { .. } => "撤销",
            Action::Reassign { .. } => "改派",
            Action::Instruct { kind, .. } => kind.label(),
            Action::SetIndicator(_) => "设定量化指标",
            Action::ReturnReport { .. } => "退回反馈",
        }
    }
}

/// Why an action was refused. Messages are for the person who tried, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor may not do this to this matter at all.
    #[error("{0}")]
    Forbidden(String),
    /// Not allowed from the matter's (or the unit's assignment's) current state.
    #[error("当前状态为“{state}”,不能{action}")]
    WrongState {
        state: &'static str,
        action: &'static str,
    },
    /// The request itself is wrong (an empty reason, a percent over 100 …).
    #[error("{0}")]
    Invalid(String),
    /// Sub-matters are still open, so the matter may not be finished yet.
    #[error("{0}")]
    OpenBelow(String),
}

/// What applying an action produced: the matter as it now is, and the events that say why.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub matter: Matter,
    pub events: Vec<NewEvent>,
}

/// Applies `action` by `actor` to `matter` at `now`. `below` says which of the matter's
/// sub-matters are still open: a matter is not finished while they are, unless a supervisor
/// overrides with a reason.
pub fn apply(
    matter: &Matter,
    actor: &Actor<'_>,
    action: Action,
    now: DateTime<Utc>,
    chain: &ExtensionChain,
    below: &OpenBelow,
) -> Result<Transition, Denied> {
    require(actor.can_see(matter), "无权查看或办理该事项")?;
    let mut m = matter.clone();
    let mut step = Step {
        actor,
        action: &action,
        now,
        events: Vec::new(),
    };
    let s = &mut step;
    match &action {
        Action::Assign => assign::assign(&mut m, s)?,
        Action::Sign => sign::sign(&mut m, s)?,
        Action::Feedback {
            text,
            percent,
            problems,
            next_steps,
            values,
        } => feedback::feedback(&mut m, s, text, *percent, [problems, next_steps], values)?,
        Action::RequestCompletion { summary } => {
            completion::request_completion(&mut m, s, summary, below)?
        }
        Action::Close {
            comment,
            override_open,
            rating,
        } => review::close(&mut m, s, comment, *override_open, *rating, below)?,
        Action::Return { reason } => review::return_to_lead(&mut m, s, reason)?,
        Action::Remind { message, unit } => remind::remind(&m, s, message, *unit)?,
        Action::RequestExtension {
            new_deadline,
            reason,
        } => extension::request(&mut m, s, *new_deadline, reason)?,
        Action::ApproveExtension { comment } => extension::approve(&mut m, s, chain, comment)?,
        Action::RejectExtension { reason } => extension::reject(&mut m, s, chain, reason)?,
        Action::Cancel { reason } => cancel::cancel(&mut m, s, reason)?,
        Action::Reassign { from, to, reason } => assign::reassign(&mut m, s, *from, *to, reason)?,
        Action::Instruct { kind, text, on } => instruct::instruct(&m, s, *kind, text, *on)?,
        Action::SetIndicator(draft) => indicator::set(&mut m, s, draft.clone())?,
        Action::ReturnReport { report, reason } => {
            review::return_report(&mut m, s, report, reason)?
        }
    }
    m.version += 1;
    Ok(Transition {
        matter: m,
        events: step.events,
    })
}

/// One action being applied: who takes it, when, and the events it records.
struct Step<'a> {
    actor: &'a Actor<'a>,
    action: &'a Action,
    now: DateTime<Utc>,
    events: Vec<NewEvent>,
}

impl Step<'_> {
    fn event(&self, kind: EventKind, comment: &str) -> NewEvent {
        NewEvent::new(kind, self.actor.user.id, self.now, comment)
    }

    /// Refuses the action unless `ok`, naming the state it was tried in.
    fn allowed_in(&self, ok: bool, state: &'static str) -> Result<(), Denied> {
        if ok {
            Ok(())
        } else {
            Err(Denied::WrongState {
                state,
                action: self.action.label(),
            })
        }
    }

    /// The actor's own unit's assignment: liaisons act only for their own unit.
    fn own_assignment<'m>(&self, m: &'m Matter) -> Result<&'m Assignment, Denied> {
        require(
            self.actor.user.role == Role::Liaison,
            "只有承办单位的联络员可以办理",
        )?;
        self.allowed_in(m.state != MatterState::Draft, m.state.label())?;
        m.assignment(self.actor.user.unit_id)
            .ok_or_else(|| Denied::Forbidden("本单位不是该事项的承办单位".into()))
    }
}

fn require(cond: bool, message: &str) -> Result<(), Denied> {
    if cond {
        Ok(())
    } else {
        Err(Denied::Forbidden(message.to_string()))
    }
}

fn non_empty(text: &str, what: &str) -> Result<String, Denied> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Denied::Invalid(format!("请填写{what}")));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests;
