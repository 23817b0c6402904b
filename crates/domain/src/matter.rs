//! A matter (督办事项) and the assignment of it to each unit that carries it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::rounds::ReportRule;

use crate::ids::{MatterId, UnitId, UserId};
use crate::number::MatterNumber;

/// Declares a closed set of values with the snake_case names the API and the database use, and
/// the Chinese label people read.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use labelled_enum;

labelled_enum!(
    /// Where a matter comes from: the five key points of 督查督办.
    Source {
        /// 重大决策部署
        Decision = "decision", "重大决策部署";
        /// 政府工作报告任务 and departments' public commitments
        WorkReport = "work_report", "政府工作报告";
        /// 会议议定事项
        Meeting = "meeting", "会议议定事项";
        /// 专项工作
        Special = "special", "专项工作";
        /// 领导批示交办
        Instruction = "instruction", "领导批示";
    }
);

labelled_enum!(
    Urgency {
        Urgent = "urgent", "特急";
        Expedited = "expedited", "加急";
        Normal = "normal", "一般";
    }
);

labelled_enum!(
    /// How often the units report.
    Cadence {
        Once = "once", "办结时反馈";
        Weekly = "weekly", "每周";
        Monthly = "monthly", "每月";
        Quarterly = "quarterly", "每季度";
    }
);

labelled_enum!(
    MatterState {
        Draft = "draft", "立项";
        Assigned = "assigned", "已交办";
        Signed = "signed", "已签收";
        InProgress = "in_progress", "办理中";
        CompletionRequested = "completion_requested", "申请办结";
        Closed = "closed", "已办结";
        Cancelled = "cancelled", "已撤销";
    }
);

impl MatterState {
    /// Written in a state filter for "assigned at some point and not cancelled": what counts in
    /// completion rates and deadlines kept.
    pub const COUNTED: &'static str = "counted";

    /// A state filter: one state, or [`MatterState::COUNTED`].
    pub fn parse_filter(s: &str) -> Option<Vec<MatterState>> {
        if s == Self::COUNTED {
            return Some(
                Self::ALL
                    .iter()
                    .copied()
                    .filter(|m| m.is_counted())
                    .collect(),
            );
        }
        Self::parse(s).map(|m| vec![m])
    }

    /// Assigned at some point and not cancelled.
    pub fn is_counted(self) -> bool {
        !matches!(self, MatterState::Draft | MatterState::Cancelled)
    }

    /// The units are at work on it: assigned, signed or in progress, but not yet handed in.
    pub fn is_working(self) -> bool {
        matches!(
            self,
            MatterState::Assigned | MatterState::Signed | MatterState::InProgress
        )
    }

    /// Still somebody's work: assigned and not yet closed or cancelled.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            MatterState::Assigned
                | MatterState::Signed
                | MatterState::InProgress
                | MatterState::CompletionRequested
        )
    }
}

labelled_enum!(
    AssignmentRole {
        Lead = "lead", "牵头";
        Co = "co", "配合";
    }
);

labelled_enum!(
    AssignmentState {
        Assigned = "assigned", "待签收";
        Signed = "signed", "已签收";
        InProgress = "in_progress", "办理中";
        CompletionRequested = "completion_requested", "申请办结";
        Closed = "closed", "已办结";
        Cancelled = "cancelled", "已撤销";
    }
);

impl AssignmentState {
    /// The unit still has work to do: it may sign, report or hand in.
    pub fn is_working(self) -> bool {
        matches!(
            self,
            AssignmentState::Assigned | AssignmentState::Signed | AssignmentState::InProgress
        )
    }
}

/// A stage target (阶段目标): by `date`, `percent` of the work should be done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    pub date: NaiveDate,
    pub percent: u8,
    pub title: String,
}

/// A pending request to move the deadline, with how far up its approval chain it has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub new_deadline: NaiveDate,
    pub reason: String,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    /// How many steps of the approval chain have approved so far.
    pub approvals: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Matter {
    pub id: MatterId,
    /// The government whose supervision office owns and numbers the matter.
    pub org_id: UnitId,
    pub number: MatterNumber,
    pub title: String,
    pub content: String,
    pub source: Source,
    /// The document or meeting it came from (title, 文号, date), as written.
    pub origin: String,
    /// The origin record (会议, 文件 or 批示) the matter is an item of, when it was linked to one.
    pub origin_id: Option<i64>,
    pub urgency: Urgency,
    pub lead_unit_id: UnitId,
    pub co_unit_ids: Vec<UnitId>,
    pub leader_id: Option<UserId>,
    /// `None` means 持续推进: no end date, reported by cadence.
    pub deadline: Option<NaiveDate>,
    pub cadence: Cadence,
    /// 每月25日前…: reports due by round, from every unit at work, in place of `cadence`.
    pub report_rule: Option<ReportRule>,
    pub milestones: Vec<Milestone>,
    /// 量化指标: numbers the matter is to move, each with the values reported for it.
    pub indicators: Vec<Indicator>,
    pub tags: Vec<String>,
    pub public: bool,
    pub parent_id: Option<MatterId>,
    pub state: MatterState,
    pub extension: Option<Extension>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Bumped by every change; a write that read an older version is refused, not merged.
    pub version: i64,
    pub assignments: Vec<Assignment>,
}

impl Matter {
    pub fn assignment(&self, unit: UnitId) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.unit_id == unit)
    }

    pub fn assignment_mut(&mut self, unit: UnitId) -> Option<&mut Assignment> {
        self.assignments.iter_mut().find(|a| a.unit_id == unit)
    }

    pub fn lead(&self) -> Option<&Assignment> {
        self.assignments
            .iter()
            .find(|a| a.role == AssignmentRole::Lead)
    }

    /// The co-units whose part is not done: not reported on yet, or reported below 100 %. A
    /// unit taken off the matter (改派) is not among them.
    pub fn unfinished_co_units(&self) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(|a| {
            a.role == AssignmentRole::Co
                && a.state != AssignmentState::Cancelled
                && (a.last_feedback_at.is_none() || a.percent < 100)
        })
    }

    /// Every unit that carries the matter, the lead first.
    pub fn unit_ids(&self) -> impl Iterator<Item = UnitId> + '_ {
        std::iter::once(self.lead_unit_id).chain(self.co_unit_ids.iter().copied())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub unit_id: UnitId,
    pub role: AssignmentRole,
    pub state: AssignmentState,
    pub signed_at: Option<DateTime<Utc>>,
    pub last_feedback_at: Option<DateTime<Utc>>,
    /// The last percent this unit reported.
    pub percent: u8,
}

impl Assignment {
    pub fn new(unit_id: UnitId, role: AssignmentRole) -> Assignment {
        Assignment {
            unit_id,
            role,
            state: AssignmentState::Assigned,
            signed_at: None,
            last_feedback_at: None,
            percent: 0,
        }
    }
}
