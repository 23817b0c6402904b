//! Lights (预警): green on track, yellow when something falls due within a few working days or the
//! work lags its plan, red when overdue or far behind. Always derived from "now"; what is stored
//! of them is a cache that says until when it holds ([`LightContext::until`]).

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::indicator::worst_behind;
use crate::matter::{
    Assignment, AssignmentRole, AssignmentState, Cadence, Matter, MatterState, Source, Urgency,
};
use crate::rounds::{ReportRule, Round};
use crate::{china_date, matter::labelled_enum};

labelled_enum!(
    Light {
        Green = "green", "绿灯";
        Yellow = "yellow", "黄灯";
        Red = "red", "红灯";
    }
);

labelled_enum!(
    /// How a report compares with the planned progress (计划进度).
    ProgressClass {
        Ahead = "ahead", "超进度";
        OnTrack = "on_track", "达进度";
        Behind = "behind", "欠进度";
        Done = "done", "已完成";
    }
);

/// Why a light is not green.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Overdue,
    DeadlineNear,
    ReportOverdue(NaiveDate),
    ReportDue(NaiveDate),
    NotSigned,
    Behind(u8),
    FarBehind(u8),
    /// A matter from a leader's 批示 has had no first reply from its lead unit, due that day.
    FirstReplyDue(NaiveDate),
    FirstReplyOverdue(NaiveDate),
    /// A quantified indicator's latest value is behind its trajectory (序时进度) by this percent
    /// of the planned change: the lead unit's to answer for.
    IndicatorBehind(u8),
    IndicatorFarBehind(u8),
}

impl Cause {
    pub fn light(self) -> Light {
        match self {
            Cause::Overdue
            | Cause::ReportOverdue(_)
            | Cause::FarBehind(_)
            | Cause::FirstReplyOverdue(_)
            | Cause::IndicatorFarBehind(_) => Light::Red,
            Cause::DeadlineNear
            | Cause::ReportDue(_)
            | Cause::NotSigned
            | Cause::Behind(_)
            | Cause::FirstReplyDue(_)
            | Cause::IndicatorBehind(_) => Light::Yellow,
        }
    }

    /// The light a unit has for this cause, green for none.
    pub fn light_of(cause: Option<Cause>) -> Light {
        cause.map_or(Light::Green, Cause::light)
    }

    /// A short code that [`Cause::from_code`] reads back, for keeping a cause with its light.
    pub fn code(self) -> String {
        match self {
            Cause::Overdue => "overdue".into(),
            Cause::DeadlineNear => "deadline_near".into(),
            Cause::ReportOverdue(d) => format!("report_overdue:{d}"),
            Cause::ReportDue(d) => format!("report_due:{d}"),
            Cause::NotSigned => "not_signed".into(),
            Cause::Behind(p) => format!("behind:{p}"),
            Cause::FarBehind(p) => format!("far_behind:{p}"),
            Cause::FirstReplyDue(d) => format!("first_reply_due:{d}"),
            Cause::FirstReplyOverdue(d) => format!("first_reply_overdue:{d}"),
            Cause::IndicatorBehind(p) => format!("indicator_behind:{p}"),
            Cause::IndicatorFarBehind(p) => format!("indicator_far_behind:{p}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Cause> {
        let (kind, arg) = code.split_once(':').unwrap_or((code, ""));
        let day = || arg.parse::<NaiveDate>().ok();
        let points = || arg.parse::<u8>().ok();
        match kind {
            "overdue" if arg.is_empty() => Some(Cause::Overdue),
            "deadline_near" if arg.is_empty() => Some(Cause::DeadlineNear),
            "report_overdue" => day().map(Cause::ReportOverdue),
            "report_due" => day().map(Cause::ReportDue),
            "not_signed" if arg.is_empty() => Some(Cause::NotSigned),
            "behind" => points().map(Cause::Behind),
            "far_behind" => points().map(Cause::FarBehind),
            "first_reply_due" => day().map(Cause::FirstReplyDue),
            "first_reply_overdue" => day().map(Cause::FirstReplyOverdue),
            "indicator_behind" => points().map(Cause::IndicatorBehind),
            "indicator_far_behind" => points().map(Cause::IndicatorFarBehind),
            _ => None,
        }
    }

    /// Said the way a supervision office says it.
    pub fn describe(self) -> String {
        let day = |d: NaiveDate| format!("{}月{}日", d.month(), d.day());
        match self {
            Cause::Overdue => "已超过完成时限".into(),
            Cause::DeadlineNear => "临近完成时限".into(),
            Cause::ReportOverdue(d) => format!("应于{}前反馈,尚未反馈", day(d)),
            Cause::ReportDue(d) => format!("应于{}前反馈", day(d)),
            Cause::NotSigned => "超时未签收".into(),
            Cause::Behind(p) => format!("落后计划进度{p}个百分点"),
            Cause::FarBehind(p) => format!("严重落后计划进度({p}个百分点)"),
            Cause::FirstReplyDue(d) => format!("领导批示件应于{}前首次反馈", day(d)),
            Cause::FirstReplyOverdue(d) => {
                format!("领导批示件应于{}前首次反馈,尚未反馈", day(d))
            }
            Cause::IndicatorBehind(p) => format!("量化指标落后序时进度(落后量占计划增量的{p}%)"),
            Cause::IndicatorFarBehind(p) => {
                format!("量化指标严重落后序时进度(落后量占计划增量的{p}%)")
            }
        }
    }
}

/// The thresholds, all configurable (SPEC §5–§6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LightRules {
    /// Yellow when the deadline or a feedback falls due within this many working days.
    pub yellow_working_days: i64,
    /// Yellow when reported progress lags the plan by this many points or more.
    pub behind_yellow_points: u8,
    /// Red when it lags by this many points or more.
    pub behind_red_points: u8,
    /// A unit signs within this many working days of assignment…
    pub sign_working_days: i64,
    /// …or within this many hours when the matter is 特急, or by the end of the day it was
    /// assigned plus this many working days when it is 加急.
    pub sign_hours_urgent: i64,
    pub sign_working_days_expedited: i64,
    /// A matter from a leader's 批示 has its lead unit's first report within this many working
    /// days of assignment (快接、快办、快反馈).
    pub first_reply_working_days: i64,
    /// A quantified indicator is yellow when its latest value is behind the straight line from
    /// baseline to target by this percent of the planned change or more…
    pub indicator_yellow_percent: u8,
    /// …and red from this percent.
    pub indicator_red_percent: u8,
}

impl Default for LightRules {
    fn default() -> Self {
        LightRules {
            yellow_working_days: 3,
            behind_yellow_points: 10,
            behind_red_points: 30,
            sign_working_days: 1,
            sign_hours_urgent: 4,
            sign_working_days_expedited: 0,
            first_reply_working_days: 5,
            indicator_yellow_percent: 10,
            indicator_red_percent: 30,
        }
    }
}

/// Everything a light needs besides the matter: the moment, the calendar and the thresholds.
/// Built once per request and reused for every matter in it.
pub struct LightContext<'a> {
    pub now: DateTime<Utc>,
    calendar: &'a Calendar,
    rules: &'a LightRules,
    today: NaiveDate,
    /// The first day more than `yellow_working_days` working days away: anything due before it
    /// (and not yet overdue) is yellow.
    green_from: NaiveDate,
}

impl<'a> LightContext<'a> {
    pub fn new(
        now: DateTime<Utc>,
        calendar: &'a Calendar,
        rules: &'a LightRules,
    ) -> LightContext<'a> {
        let today = china_date(now);
        let green_from = calendar.add_working_days(today, rules.yellow_working_days.max(0) + 1);
        LightContext {
            now,
            calendar,
            rules,
            today,
            green_from,
        }
    }

    fn today(&self) -> NaiveDate {
        self.today
    }

    /// The light of a date by which something must be done.
    fn due(&self, due: NaiveDate) -> Light {
        if self.today > due {
            Light::Red
        } else if due < self.green_from {
            Light::Yellow
        } else {
            Light::Green
        }
    }

    /// The light of one unit's assignment: its cause's.
    pub fn assignment(&self, m: &Matter, a: &Assignment) -> Light {
        Cause::light_of(self.cause(m, a))
    }

    /// What a reminder to the unit is about: the cause with the worst light (the last one
    /// found of those as bad), or nothing when the assignment is green.
    pub fn cause(&self, m: &Matter, a: &Assignment) -> Option<Cause> {
        self.why(m, a).into_iter().max_by_key(|c| c.light())
    }

    /// Everything about one unit's assignment that is not green, each with its own light.
    pub fn why(&self, m: &Matter, a: &Assignment) -> Vec<Cause> {
        if !m.state.is_open() || !a.state.is_working() {
            // A draft's units have not been asked yet; closed, cancelled, or done and waiting for
            // review: nothing left for the unit to do.
            return Vec::new();
        }
        let mut causes = Vec::new();
        // First, so that a deadline or a report as bad is what the reminders are about.
        if let Some(due) = self.first_reply_due(m, a) {
            match self.due(due) {
                Light::Red => causes.push(Cause::FirstReplyOverdue(due)),
                Light::Yellow => causes.push(Cause::FirstReplyDue(due)),
                Light::Green => {}
            }
        }
        if let Some(deadline) = m.deadline {
            match self.due(deadline) {
                Light::Red => causes.push(Cause::Overdue),
                Light::Yellow => causes.push(Cause::DeadlineNear),
                Light::Green => {}
            }
        }
        if let Some(rule) = m.report_rule {
            causes.extend(self.round_cause(m, a, rule));
        } else if let Some(due) = next_feedback_due(m, a).filter(|_| a.role == AssignmentRole::Lead)
        {
            // Reports by cadence are the lead unit's: co-units report to it, and it
            // consolidates.
            match self.due(due) {
                Light::Red => causes.push(Cause::ReportOverdue(due)),
                Light::Yellow => causes.push(Cause::ReportDue(due)),
                Light::Green => {}
            }
        }
        if a.state == AssignmentState::Assigned && self.sign_overdue(m) {
            causes.push(Cause::NotSigned);
        }
        if let Some(planned) = planned_percent(m, self.today()) {
            let behind = planned.saturating_sub(a.percent);
            if behind >= self.rules.behind_red_points {
                causes.push(Cause::FarBehind(behind));
            } else if behind >= self.rules.behind_yellow_points {
                causes.push(Cause::Behind(behind));
            }
        }
        if a.role == AssignmentRole::Lead
            && let Some((light, behind)) = worst_behind(&m.indicators, self.rules)
        {
            causes.push(match light {
                Light::Red => Cause::IndicatorFarBehind(behind),
                _ => Cause::IndicatorBehind(behind),
            });
        }
        causes
    }

    /// The matter's light: the worst of its units'. A draft, which nobody carries yet, shows
    /// its deadline's light, so a ledger entered with overdue items shows them red at once;
    /// finished matters are green.
    pub fn matter(&self, m: &Matter) -> Light {
        match m.state {
            MatterState::Draft => m.deadline.map_or(Light::Green, |d| self.due(d)),
            s if s.is_open() => m
                .assignments
                .iter()
                .map(|a| self.assignment(m, a))
                .max()
                .unwrap_or(Light::Green),
            _ => Light::Green,
        }
    }

    /// The first moment after now at which the matter's light, or one of its units' lights or
    /// causes, may no longer be what it is now, while the matter itself stays as it is; `None`
    /// when only a change to the matter can change them (closed and cancelled matters, or
    /// nothing dated). Never later than the real change; at worst a little early, when the
    /// cause of a light is not the one whose window ends.
    pub fn until(&self, m: &Matter) -> Option<DateTime<Utc>> {
        let mut next: Vec<DateTime<Utc>> = Vec::new();
        match m.state {
            MatterState::Draft => next.extend(m.deadline.and_then(|d| self.due_moves(d))),
            s if s.is_open() => {
                for a in m.assignments.iter().filter(|a| a.state.is_working()) {
                    next.extend(m.deadline.and_then(|d| self.due_moves(d)));
                    if let Some(rule) = m.report_rule {
                        next.extend(self.due_moves(self.rounds_around(rule).1.due));
                    } else if a.role == AssignmentRole::Lead {
                        next.extend(next_feedback_due(m, a).and_then(|d| self.due_moves(d)));
                    }
                    next.extend(self.first_reply_due(m, a).and_then(|d| self.due_moves(d)));
                    if a.state == AssignmentState::Assigned
                        && let Some(due) = self.sign_due(m).filter(|due| *due >= self.now)
                    {
                        // Unsigned turns yellow the moment after the window closes.
                        next.push(due + chrono::Duration::microseconds(1));
                    }
                    next.extend(self.plan_moves(m, a));
                }
            }
            _ => {}
        }
        next.into_iter().min()
    }

    /// The first day on which a date's light moves on: the first yellow day, or the day after
    /// the date once it is yellow.
    fn due_moves(&self, due: NaiveDate) -> Option<DateTime<Utc>> {
        let day = match self.due(due) {
            Light::Red => return None,
            Light::Yellow => due.succ_opt()?,
            Light::Green => {
                // Yellow from the first day whose window reaches the date; the window only moves
                // forward as days pass, so the first such day is found by halving.
                let window = self.rules.yellow_working_days.max(0) + 1;
                let yellow = |day: NaiveDate| due < self.calendar.add_working_days(day, window);
                let (mut lo, mut hi) = (self.today, due);
                while (hi - lo).num_days() > 1 {
                    let mid = lo + chrono::Days::new(((hi - lo).num_days() / 2) as u64);
                    if yellow(mid) { hi = mid } else { lo = mid }
                }
                hi
            }
        };
        Some(crate::china_instant(day, chrono::NaiveTime::MIN))
    }

    /// The first day on which the unit's lag behind the plan changes band (none, behind, far
    /// behind), while the plan still rises.
    fn plan_moves(&self, m: &Matter, a: &Assignment) -> Option<DateTime<Utc>> {
        let last = m.milestones.iter().map(|s| s.date).max()?;
        // The band, and while behind, the points behind that the cause states.
        let band = |day: NaiveDate| {
            let behind = planned_percent(m, day).map_or(0, |p| p.saturating_sub(a.percent));
            let band = u8::from(behind >= self.rules.behind_yellow_points)
                + u8::from(behind >= self.rules.behind_red_points);
            (band, if band > 0 { behind } else { 0 })
        };
        let now = band(self.today);
        let first = self.today.succ_opt()?;
        let day = first
            .iter_days()
            .take_while(|d| *d <= last)
            .find(|d| band(*d) != now)?;
        Some(crate::china_instant(day, chrono::NaiveTime::MIN))
    }

    /// The last round due before today and the next one due (today's included).
    fn rounds_around(&self, rule: ReportRule) -> (Round, Round) {
        let current = rule.round_of(self.today, self.calendar);
        if current.due < self.today {
            (current, rule.next(current, self.calendar))
        } else {
            (rule.previous(current, self.calendar), current)
        }
    }

    /// What a unit owes by its matter's report rule (every unit at work reports in each round):
    /// red while the last round due is without a report made since it began, yellow while the
    /// next round's due day is near and nothing is in for it yet.
    fn round_cause(&self, m: &Matter, a: &Assignment, rule: ReportRule) -> Option<Cause> {
        let assigned = china_date(m.assigned_at?);
        let reported_in = |r: Round| {
            a.last_feedback_at
                .is_some_and(|t| china_date(t) >= r.period.first.min(r.due))
        };
        let (past, next) = self.rounds_around(rule);
        // A round due on or before the day of assignment was never the unit's to make.
        if past.due > assigned && !reported_in(past) {
            return Some(Cause::ReportOverdue(past.due));
        }
        (!reported_in(next) && self.due(next.due) == Light::Yellow)
            .then_some(Cause::ReportDue(next.due))
    }

    /// The day by which the lead unit of a matter from a 批示 owes its first report, while it
    /// has made none.
    fn first_reply_due(&self, m: &Matter, a: &Assignment) -> Option<NaiveDate> {
        if m.source != Source::Instruction
            || a.role != AssignmentRole::Lead
            || a.last_feedback_at.is_some()
        {
            return None;
        }
        let assigned = china_date(m.assigned_at?);
        Some(
            self.calendar
                .add_working_days(assigned, self.rules.first_reply_working_days.max(1)),
        )
    }

    fn sign_overdue(&self, m: &Matter) -> bool {
        self.sign_due(m).is_some_and(|due| self.now > due)
    }

    /// When the units of an assigned matter must have signed it by.
    pub fn sign_due(&self, m: &Matter) -> Option<DateTime<Utc>> {
        let assigned = m.assigned_at?;
        let due = if m.urgency == Urgency::Urgent {
            assigned + chrono::Duration::hours(self.rules.sign_hours_urgent)
        } else {
            let days = if m.urgency == Urgency::Expedited {
                self.rules.sign_working_days_expedited
            } else {
                self.rules.sign_working_days
            };
            let day = self.calendar.add_working_days(china_date(assigned), days);
            // The window closes at the end of that working day in China.
            crate::china_instant(
                day,
                chrono::NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"),
            )
        };
        Some(due)
    }
}

/// When the unit's next periodic report is due, for matters reported by cadence.
pub fn next_feedback_due(m: &Matter, a: &Assignment) -> Option<NaiveDate> {
    let since = china_date(a.last_feedback_at.or(a.signed_at).or(m.assigned_at)?);
    match m.cadence {
        Cadence::Once => None,
        Cadence::Weekly => since.checked_add_days(chrono::Days::new(7)),
        Cadence::Monthly => since.checked_add_months(Months::new(1)),
        Cadence::Quarterly => since.checked_add_months(Months::new(3)),
    }
}

/// The progress the plan calls for on `day`, from the milestones: linear between them, starting
/// at 0 on the day the matter was assigned. `None` when the matter has no milestones.
pub fn planned_percent(m: &Matter, day: NaiveDate) -> Option<u8> {
    if m.milestones.is_empty() {
        return None;
    }
    let mut points: Vec<(NaiveDate, f64)> = Vec::with_capacity(m.milestones.len() + 1);
    points.push((china_date(m.assigned_at.unwrap_or(m.created_at)), 0.0));
    let mut stones = m.milestones.clone();
    stones.sort_by_key(|s| s.date);
    points.extend(
        stones
            .iter()
            .map(|s| (s.date, f64::from(s.percent.min(100)))),
    );
    let mut planned = 0.0;
    for pair in points.windows(2) {
        let ((d0, p0), (d1, p1)) = (pair[0], pair[1]);
        if day >= d1 {
            planned = p1;
        } else if day > d0 {
            let span = (d1 - d0).num_days() as f64;
            planned = p0 + (p1 - p0) * ((day - d0).num_days() as f64) / span;
            break;
        } else {
            break;
        }
    }
    Some(planned.round().clamp(0.0, 100.0) as u8)
}

impl ProgressClass {
    /// Classes a report of `reported` percent against the plan's `planned` percent.
    pub fn of(reported: u8, planned: Option<u8>) -> Option<ProgressClass> {
        if reported >= 100 {
            return Some(ProgressClass::Done);
        }
        let planned = planned?;
        Some(match reported.cmp(&planned) {
            std::cmp::Ordering::Greater => ProgressClass::Ahead,
            std::cmp::Ordering::Equal => ProgressClass::OnTrack,
            std::cmp::Ordering::Less => ProgressClass::Behind,
        })
    }
}

#[cfg(test)]
mod tests;
