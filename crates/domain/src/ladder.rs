//! The reminder ladder (催办): what to send about a unit's light, given what was sent before.
//! Remind on yellow, on red, again every few working days while it stays red, and after a
//! number of red reminders escalate to the responsible leader and the supervisors — never at
//! night or on a day off unless the matter is 特急.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::{Calendar, Cause, Light};

/// The ladder's settings (`[rules.ladder]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LadderRules {
    pub remind_on_yellow: bool,
    /// Working days between red reminders …
    pub repeat_working_days: i64,
    /// … and for a 特急 matter.
    pub repeat_working_days_urgent: i64,
    /// Red reminders after which the leader and the supervisors are told.
    pub escalate_after: u32,
    /// No reminders from this hour (China time) …
    pub quiet_from_hour: u32,
    /// … until this hour, nor on days off; 特急 matters excepted.
    pub quiet_until_hour: u32,
}

impl Default for LadderRules {
    fn default() -> Self {
        LadderRules {
            remind_on_yellow: true,
            repeat_working_days: 2,
            repeat_working_days_urgent: 1,
            escalate_after: 2,
            quiet_from_hour: 22,
            quiet_until_hour: 8,
        }
    }
}

/// What has been sent about one concern so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    pub yellow: bool,
    pub red_count: u32,
    pub last_red: Option<NaiveDate>,
    pub escalated: bool,
}

/// The next rung.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 临近提醒: a reminder to the unit while its light is yellow.
    Yellow,
    /// The n-th reminder to the unit while its light is red.
    Red(u32),
    /// The n-th red reminder, and the leader and supervisors told (an accountability candidate).
    Escalate(u32),
}

/// What a concern is about, as a stable key: the same deadline stays the same concern from
/// yellow to red, and a new report period is a new one.
pub fn concern(cause: Cause) -> String {
    match cause {
        Cause::Overdue | Cause::DeadlineNear => "deadline".into(),
        Cause::ReportOverdue(d) | Cause::ReportDue(d) => format!("report:{d}"),
        Cause::NotSigned => "sign".into(),
        Cause::Behind(_) | Cause::FarBehind(_) => "plan".into(),
        Cause::FirstReplyDue(_) | Cause::FirstReplyOverdue(_) => "first_reply".into(),
        Cause::IndicatorBehind(_) | Cause::IndicatorFarBehind(_) => "indicator".into(),
    }
}

/// What the reminders of a concern were about while the unit's light was `light`, as the
/// office says it: [`concern`] read back as far as its key keeps the cause. `None` for a key
/// written by nothing here.
pub fn about(concern: &str, light: Light) -> Option<String> {
    let red = light == Light::Red;
    let cause = match concern.split_once(':') {
        Some(("report", day)) => {
            let day = day.parse().ok()?;
            if red {
                Cause::ReportOverdue(day)
            } else {
                Cause::ReportDue(day)
            }
        }
        Some(_) => return None,
        None => match concern {
            "deadline" if red => Cause::Overdue,
            "deadline" => Cause::DeadlineNear,
            "sign" => Cause::NotSigned,
            // How far behind is not in the key.
            "plan" if red => return Some("严重落后计划进度".into()),
            "plan" => return Some("落后计划进度".into()),
            "first_reply" if red => return Some("领导批示件逾期未首次反馈".into()),
            "first_reply" => return Some("领导批示件临近首次反馈时限".into()),
            "indicator" if red => return Some("量化指标严重落后序时进度".into()),
            "indicator" => return Some("量化指标落后序时进度".into()),
            _ => return None,
        },
    };
    Some(cause.describe())
}

/// The next rung for a unit whose light is `light`, or nothing to send now.
pub fn next(
    light: Light,
    urgent: bool,
    sent: Sent,
    now: DateTime<Utc>,
    calendar: &Calendar,
    rules: &LadderRules,
) -> Option<Step> {
    let local = now.with_timezone(&crate::china_offset());
    let today = local.date_naive();
    let quiet = local.hour() >= rules.quiet_from_hour
        || local.hour() < rules.quiet_until_hour
        || !calendar.is_working_day(today);
    if quiet && !urgent {
        return None;
    }
    match light {
        Light::Green => None,
        Light::Yellow => {
            (rules.remind_on_yellow && !sent.yellow && sent.red_count == 0).then_some(Step::Yellow)
        }
        Light::Red => {
            let due = match sent.last_red {
                None => true,
                Some(last) => {
                    let every = if urgent {
                        rules.repeat_working_days_urgent
                    } else {
                        rules.repeat_working_days
                    };
                    calendar.working_days_between(last, today) >= every
                }
            };
            if !due {
                return None;
            }
            let n = sent.red_count + 1;
            Some(
                if sent.red_count >= rules.escalate_after && !sent.escalated {
                    Step::Escalate(n)
                } else {
                    Step::Red(n)
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// The steps a red light takes at each of these moments of June 2026 (China time).
    fn climb(urgent: bool, times: &[&str]) -> Vec<Option<Step>> {
        let cal = Calendar::official();
        let rules = LadderRules::default();
        let mut sent = Sent::default();
        let mut log = Vec::new();
        for t in times {
            let t = at(&format!("2026-06-{t}:00+08:00"));
            let step = next(Light::Red, urgent, sent, t, &cal, &rules);
            if let Some(s) = step {
                let n = match s {
                    Step::Red(n) | Step::Escalate(n) => n,
                    Step::Yellow => 0,
                };
                sent.red_count = n;
                sent.last_red = Some(t.with_timezone(&crate::china_offset()).date_naive());
                sent.escalated |= matches!(s, Step::Escalate(_));
            }
            log.push(step);
        }
        log
    }

    #[test]
    fn a_red_light_is_reminded_then_repeated_every_two_working_days_then_escalated() {
        // From Monday 1 June, 10:00.
        let log = climb(
            false,
            &[
                "01T10:00", "01T10:00", "01T12:00", "02T10:00", "03T10:00", "04T10:00", "05T10:00",
            ],
        );
        assert_eq!(
            log,
            [
                Some(Step::Red(1)),
                None,
                None,
                None,
                Some(Step::Red(2)),
                None,
                Some(Step::Escalate(3)),
            ]
        );
    }

    #[test]
    fn an_urgent_matter_is_pressed_every_working_day() {
        let log = climb(true, &["01T10:00", "01T15:00", "02T10:00", "03T10:00"]);
        assert_eq!(
            log,
            [
                Some(Step::Red(1)),
                None,
                Some(Step::Red(2)),
                Some(Step::Escalate(3)),
            ]
        );
    }

    #[test]
    fn nights_and_days_off_are_quiet_unless_the_matter_is_urgent() {
        let cal = Calendar::official();
        let rules = LadderRules::default();
        let night = at("2026-06-01T23:00:00+08:00");
        let sunday = at("2026-06-07T10:00:00+08:00");
        let holiday = at("2026-10-02T10:00:00+08:00");
        for t in [night, sunday, holiday] {
            assert_eq!(
                next(Light::Red, false, Sent::default(), t, &cal, &rules),
                None
            );
            assert_eq!(
                next(Light::Red, true, Sent::default(), t, &cal, &rules),
                Some(Step::Red(1))
            );
        }
    }

    #[test]
    fn every_concern_reads_back_as_what_its_reminders_said() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 29).unwrap();
        for cause in [
            Cause::Overdue,
            Cause::DeadlineNear,
            Cause::ReportOverdue(day),
            Cause::ReportDue(day),
            Cause::NotSigned,
        ] {
            assert_eq!(
                about(&concern(cause), cause.light()),
                Some(cause.describe())
            );
        }
        assert_eq!(
            about(&concern(Cause::FarBehind(35)), Light::Red).as_deref(),
            Some("严重落后计划进度")
        );
        assert_eq!(
            about(&concern(Cause::FirstReplyOverdue(day)), Light::Red).as_deref(),
            Some("领导批示件逾期未首次反馈")
        );
        assert_eq!(about("report:soon", Light::Red), None);
        assert_eq!(about("elsewhere", Light::Red), None);
    }

    #[test]
    fn yellow_is_said_once_and_not_after_red() {
        let cal = Calendar::official();
        let rules = LadderRules::default();
        let t = at("2026-06-01T10:00:00+08:00");
        assert_eq!(
            next(Light::Yellow, false, Sent::default(), t, &cal, &rules),
            Some(Step::Yellow)
        );
        let told = Sent {
            yellow: true,
            ..Sent::default()
        };
        assert_eq!(next(Light::Yellow, false, told, t, &cal, &rules), None);
        assert_eq!(
            next(Light::Green, false, Sent::default(), t, &cal, &rules),
            None
        );
    }
}
