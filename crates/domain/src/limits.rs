//! Time limits (办理时限) an office sets by source and urgency, which fill the deadline of a
//! matter registered without one: a leader's 批示 件 urgent in 3 working days, ordinary in 15;
//! a meeting's decisions in 20; a document's in 30 (`[rules.time_limits]`).

use serde::{Deserialize, Serialize};

use crate::matter::{Source, Urgency};

/// Working days to finish, by urgency; none where the office sets no default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limit {
    pub urgent: Option<i64>,
    pub expedited: Option<i64>,
    pub normal: Option<i64>,
}

impl Limit {
    const fn all(urgent: i64, expedited: i64, normal: i64) -> Limit {
        Limit {
            urgent: Some(urgent),
            expedited: Some(expedited),
            normal: Some(normal),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeLimits {
    pub decision: Limit,
    pub work_report: Limit,
    pub meeting: Limit,
    pub special: Limit,
    pub instruction: Limit,
}

impl Default for TimeLimits {
    /// After offices' published rules: 批示 急件 1–5 days, 非急件 15; 会议纪要 20; 公文 30.
    /// Work-report tasks and special work carry deadlines of their own.
    fn default() -> Self {
        TimeLimits {
            decision: Limit::all(10, 20, 30),
            work_report: Limit::default(),
            meeting: Limit::all(5, 10, 20),
            special: Limit::default(),
            instruction: Limit::all(3, 5, 15),
        }
    }
}

impl TimeLimits {
    /// The working days a matter of this source and urgency has, if the office set them.
    pub fn days(&self, source: Source, urgency: Urgency) -> Option<i64> {
        let limit = match source {
            Source::Decision => self.decision,
            Source::WorkReport => self.work_report,
            Source::Meeting => self.meeting,
            Source::Special => self.special,
            Source::Instruction => self.instruction,
        };
        match urgency {
            Urgency::Urgent => limit.urgent,
            Urgency::Expedited => limit.expedited,
            Urgency::Normal => limit.normal,
        }
        .filter(|d| *d > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaders_instruction_is_due_sooner_the_more_urgent_it_is() {
        let limits = TimeLimits::default();
        assert_eq!(limits.days(Source::Instruction, Urgency::Urgent), Some(3));
        assert_eq!(limits.days(Source::Instruction, Urgency::Normal), Some(15));
        assert_eq!(limits.days(Source::Meeting, Urgency::Normal), Some(20));
        assert_eq!(limits.days(Source::Decision, Urgency::Normal), Some(30));
        assert_eq!(limits.days(Source::WorkReport, Urgency::Urgent), None);
        let set = TimeLimits {
            special: Limit {
                normal: Some(40),
                ..Limit::default()
            },
            meeting: Limit::all(0, 0, 0),
            ..TimeLimits::default()
        };
        assert_eq!(set.days(Source::Special, Urgency::Normal), Some(40));
        assert_eq!(
            set.days(Source::Meeting, Urgency::Normal),
            None,
            "0 sets none"
        );
        assert_eq!(set.days(Source::Instruction, Urgency::Urgent), Some(3));
    }
}
