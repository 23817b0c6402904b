//! Assessment (综合考核): what each unit did in a period, read from the timeline as facts, and a
//! scheme that turns facts into points. Every point is an item naming the event behind it, so a
//! score is always the base plus its items and can be explained line by line.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::light::LightContext;
use crate::{
    AssignmentRole, Cause, Event, EventId, EventKind, InstructionKind, Matter, MatterId, Rating,
    UnitId, UnitKind, china_date,
};

/// A year (`2026`), a quarter (`2026-Q2`) or a month (`2026-06`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl std::str::FromStr for Period {
    type Err = String;

    fn from_str(typed: &str) -> Result<Period, String> {
        let written = as_written(typed);
        let s = written.as_str();
        let bad = || {
            format!(
                "考核期“{typed}”无效,应写作 2026、2026-Q2(2026年第二季度)、2026-06(2026年6月)、2026-W23、2026年上半年 或 2026-06-01..2026-06-15"
            )
        };
        // On demand: any range of days.
        if let Some((from, to)) = s.trim().split_once("..") {
            let day = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad());
            let (from, to) = (day(from)?, day(to)?);
            if from > to
                || !(2000..=2100).contains(&from.year())
                || !(2000..=2100).contains(&to.year())
            {
                return Err(bad());
            }
            return Ok(Period { from, to });
        }
        // A week: ISO week numbers, Monday to Sunday.
        if let Some((year, week)) = s.trim().split_once(['W', 'w']) {
            let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
            let week: u32 = week.parse().map_err(|_| bad())?;
            let from =
                NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).ok_or_else(bad)?;
            if !(2000..=2100).contains(&year) {
                return Err(bad());
            }
            return Ok(Period {
                from,
                to: from + chrono::Days::new(6),
            });
        }
        let (year, rest) = s.trim().split_once('-').unwrap_or((s.trim(), ""));
        let year: i32 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        let (first_month, months) = match rest {
            "" => (1, 12),
            q if q.starts_with(['Q', 'q']) => match q[1..].parse::<u32>() {
                Ok(n @ 1..=4) => (3 * n - 2, 3),
                _ => return Err(bad()),
            },
            m => match m.parse::<u32>() {
                Ok(n @ 1..=12) => (n, 1),
                _ => return Err(bad()),
            },
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(bad)?;
        let to = from
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .ok_or_else(bad)?;
        Ok(Period { from, to })
    }
}

/// A period as offices write it in Chinese — 2026年, 2026年度, 2026年第二季度, 2026年二季度,
/// 2026年6月, 2026年第23周, 2026年上半年/下半年 — in the form [`Period`] reads; anything else as
/// it came.
fn as_written(typed: &str) -> String {
    let s: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let Some((year, rest)) = s.split_once('年') else {
        return s;
    };
    let digit = |c: char| match c {
        '一' | '1' => Some(1),
        '二' | '2' => Some(2),
        '三' | '3' => Some(3),
        '四' | '4' => Some(4),
        _ => None,
    };
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    match rest {
        "" | "度" | "全年" => year.to_string(),
        "上半年" => format!("{year}-01-01..{year}-06-30"),
        "下半年" => format!("{year}-07-01..{year}-12-31"),
        q if q.ends_with("季度") && q.chars().count() == 3 => {
            match q.chars().next().and_then(digit) {
                Some(n) => format!("{year}-Q{n}"),
                None => s,
            }
        }
        m if m.ends_with('月') => format!("{year}-{}", m.trim_end_matches('月')),
        w if w.ends_with('周') => format!("{year}-W{}", w.trim_end_matches('周')),
        _ => s,
    }
}

impl Period {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// 2026年, 2026年第二季度, 2026年6月, 2026年第23周, or the range of days.
    pub fn label(&self) -> String {
        let whole_month =
            self.from.day() == 1 && self.to.succ_opt().is_some_and(|next| next.day() == 1);
        if self.from.weekday() == chrono::Weekday::Mon
            && self.to == self.from + chrono::Days::new(6)
        {
            return format!(
                "{}年第{}周",
                self.from.iso_week().year(),
                self.from.iso_week().week()
            );
        }
        if !whole_month {
            return format!(
                "{}年{}月{}日至{}年{}月{}日",
                self.from.year(),
                self.from.month(),
                self.from.day(),
                self.to.year(),
                self.to.month(),
                self.to.day()
            );
        }
        let months = (self.to.year() - self.from.year()) * 12 + self.to.month() as i32
            - self.from.month() as i32
            + 1;
        match months {
            12 => format!("{}年", self.from.year()),
            3 => format!(
                "{}年第{}季度",
                self.from.year(),
                ["一", "二", "三", "四"][(self.from.month0() / 3) as usize]
            ),
            _ => format!("{}年{}月", self.from.year(), self.from.month()),
        }
    }
}

/// What a unit did, or failed to do, that a scheme may score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// Signed after the sign window closed.
    SignedLate,
    /// A progress report that moved nothing (the same percent as the one before).
    ReportEmpty,
    /// A periodic report due and not made by the end of the period.
    ReportMissing,
    /// Closed by the deadline.
    ClosedOnTime,
    /// Closed after the deadline.
    ClosedLate,
    /// Still open past its deadline at the end of the period.
    Overdue,
    /// A completion request sent back by the supervisor.
    Returned,
    /// A progress report sent back by the supervisor (退回反馈) to be made again.
    ReportReturned,
    /// Held to account (问责) over the matter.
    Accountable,
    /// Named as a good example in a published bulletin (通报表扬).
    Praised,
    /// Named as a bad example in a published bulletin (通报批评).
    Criticized,
    /// Praised by a leader in an instruction (领导肯定性批示), on the matter or on its report.
    LeaderPraise,
    /// Rated 满意 by the office when it closed the matter.
    RatedSatisfied,
    /// Rated 基本满意 when closed.
    RatedBasically,
    /// Rated 不满意 when closed.
    RatedUnsatisfied,
}

impl FactKind {
    pub fn describe(self) -> &'static str {
        match self {
            FactKind::SignedLate => "超时签收",
            FactKind::ReportEmpty => "反馈无实质进展",
            FactKind::ReportMissing => "逾期未反馈",
            FactKind::ClosedOnTime => "按期办结",
            FactKind::ClosedLate => "逾期办结",
            FactKind::Overdue => "逾期未办结",
            FactKind::Returned => "办结申请被退回",
            FactKind::ReportReturned => "反馈被退回",
            FactKind::Accountable => "被问责",
            FactKind::Praised => "通报表扬",
            FactKind::Criticized => "通报批评",
            FactKind::LeaderPraise => "获领导肯定性批示",
            FactKind::RatedSatisfied => "办结评价满意",
            FactKind::RatedBasically => "办结评价基本满意",
            FactKind::RatedUnsatisfied => "办结评价不满意",
        }
    }

    /// The fact a close's rating is for every unit on the matter.
    pub fn rated(rating: Rating) -> FactKind {
        match rating {
            Rating::Satisfied => FactKind::RatedSatisfied,
            Rating::Basically => FactKind::RatedBasically,
            Rating::Unsatisfied => FactKind::RatedUnsatisfied,
        }
    }
}

/// One fact about one unit, with the event it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub unit_id: UnitId,
    pub role: AssignmentRole,
    pub kind: FactKind,
    pub matter_id: MatterId,
    pub event_id: EventId,
    /// The matter as people name it: 督〔2026〕5号《…》.
    pub matter: String,
}

/// Reads the facts of a period from matters and their timelines. `at_end` is the light context
/// at the end of the period (or now, if the period is still running).
pub fn facts(
    matters: &[(Matter, Vec<Event>)],
    period: Period,
    at_end: &LightContext<'_>,
    tree: &crate::OrgTree,
) -> Vec<Fact> {
    let mut out = Vec::new();
    for (m, events) in matters {
        if !m.state.is_counted() {
            continue;
        }
        let name = format!("{}《{}》", tree.number_label(m.org_id, m.number), m.title);
        let role_of = |unit: UnitId| m.assignment(unit).map(|a| a.role);
        let mut fact = |unit: UnitId, kind: FactKind, event: EventId| {
            if let Some(role) = role_of(unit) {
                out.push(Fact {
                    unit_id: unit,
                    role,
                    kind,
                    matter_id: m.id,
                    event_id: event,
                    matter: name.clone(),
                });
            }
        };
        let in_period = |e: &Event| period.contains(china_date(e.data.at));
        let sign_due = at_end.sign_due(m);
        let mut last_percent: HashMap<UnitId, u8> = HashMap::new();
        for e in events {
            let unit = e.data.unit_id;
            match e.data.kind {
                EventKind::Signed if in_period(e) => {
                    if let (Some(u), Some(due)) = (unit, sign_due)
                        && e.data.at > due
                    {
                        fact(u, FactKind::SignedLate, e.id);
                    }
                }
                EventKind::Feedback => {
                    if let (Some(u), Some(p)) = (unit, e.data.percent) {
                        let before = last_percent.insert(u, p);
                        if in_period(e) && before == Some(p) && p < 100 {
                            fact(u, FactKind::ReportEmpty, e.id);
                        }
                    }
                }
                EventKind::Praised if in_period(e) => fact(m.lead_unit_id, FactKind::Praised, e.id),
                EventKind::Criticized if in_period(e) => {
                    fact(m.lead_unit_id, FactKind::Criticized, e.id)
                }
                // Praise of a report is the reporting unit's; of the matter, its lead unit's.
                EventKind::Instruction
                    if in_period(e) && e.data.instruction == Some(InstructionKind::Praise) =>
                {
                    fact(unit.unwrap_or(m.lead_unit_id), FactKind::LeaderPraise, e.id)
                }
                EventKind::Accountability if in_period(e) => {
                    if let Some(u) = unit {
                        fact(u, FactKind::Accountable, e.id);
                    }
                }
                EventKind::Returned if in_period(e) => {
                    fact(m.lead_unit_id, FactKind::Returned, e.id)
                }
                EventKind::ReportReturned if in_period(e) => {
                    if let Some(u) = unit {
                        fact(u, FactKind::ReportReturned, e.id);
                    }
                }
                EventKind::Closed if in_period(e) => {
                    let late = m.deadline.is_some_and(|d| china_date(e.data.at) > d);
                    let kind = if late {
                        FactKind::ClosedLate
                    } else {
                        FactKind::ClosedOnTime
                    };
                    // The office rates the work on the matter, so each unit, lead or co,
                    // carries it and a scheme tells them apart by role.
                    let rated = e.data.rating.map(FactKind::rated);
                    for a in &m.assignments {
                        fact(a.unit_id, kind, e.id);
                        if let Some(rated) = rated {
                            fact(a.unit_id, rated, e.id);
                        }
                    }
                }
                _ => {}
            }
        }
        // What stood open at the end of the period rests on the event that assigned it.
        let Some(assigned) = events.iter().find(|e| e.data.kind == EventKind::Assigned) else {
            continue;
        };
        if !m.state.is_open() {
            continue;
        }
        for a in &m.assignments {
            for cause in at_end.why(m, a) {
                match cause {
                    Cause::Overdue if m.deadline.is_some_and(|d| d < period.to) => {
                        fact(a.unit_id, FactKind::Overdue, assigned.id)
                    }
                    Cause::ReportOverdue(d) if period.contains(d) => {
                        fact(a.unit_id, FactKind::ReportMissing, assigned.id)
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// A scoring scheme (`[assessment]` in luoshi.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub name: String,
    /// What people call it (县区综合考核办法); the name stands in when there is none.
    #[serde(default)]
    pub label: Option<String>,
    pub base: f64,
    pub rules: Vec<ScoreRule>,
}

/// Points for each fact of a kind, for lead units, co-units or both; `cap` bounds what one rule
/// can add or take from one unit in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRule {
    pub when: FactKind,
    #[serde(default)]
    pub role: Option<AssignmentRole>,
    pub points: f64,
    #[serde(default)]
    pub cap: Option<f64>,
}

impl Scheme {
    /// The presets' names, the default first.
    pub const PRESETS: [&'static str; 3] = ["lead_co", "items", "reports"];

    /// The scheme as people call it.
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The presets, after schemes offices publish: `reports` (base 100, −10 per missing report,
    /// −5 per empty one), `items` (+1 per item on time, −1 per late one, −2 per one returned) and
    /// `lead_co` (+2 lead / +1 co when done on time, −5 / −2.5 when missed, +1 for a leader's
    /// praise).
    pub fn preset(name: &str) -> Option<Scheme> {
        let rule = |when, role, points| ScoreRule {
            when,
            role,
            points,
            cap: None,
        };
        use AssignmentRole::{Co, Lead};
        use FactKind::*;
        let (label, base, rules) = match name {
            "reports" => (
                "报送扣分制(基础分100,缺报−10,空报−5)",
                100.0,
                vec![
                    rule(ReportMissing, None, -10.0),
                    rule(ReportEmpty, None, -5.0),
                    rule(SignedLate, None, -2.0),
                    rule(Accountable, None, -10.0),
                ],
            ),
            "items" => (
                "逐项计分制(按期+1,逾期−1,退回−2)",
                0.0,
                vec![
                    rule(ClosedOnTime, Some(Lead), 1.0),
                    rule(ClosedLate, Some(Lead), -1.0),
                    rule(Overdue, Some(Lead), -1.0),
                    rule(Returned, Some(Lead), -2.0),
                    rule(Accountable, None, -2.0),
                ],
            ),
            "lead_co" => (
                "牵头配合计分制(牵头+2、配合+1,未完成−5、−2.5)",
                100.0,
                vec![
                    rule(ClosedOnTime, Some(Lead), 2.0),
                    rule(ClosedOnTime, Some(Co), 1.0),
                    rule(ClosedLate, Some(Lead), -5.0),
                    rule(ClosedLate, Some(Co), -2.5),
                    rule(Overdue, Some(Lead), -5.0),
                    rule(Overdue, Some(Co), -2.5),
                    rule(Accountable, None, -5.0),
                    rule(Praised, Some(Lead), 1.0),
                    rule(Criticized, Some(Lead), -1.0),
                    rule(LeaderPraise, None, 1.0),
                ],
            ),
            _ => return None,
        };
        Some(Scheme {
            name: name.to_string(),
            label: Some(label.to_string()),
            base,
            rules,
        })
    }
}

/// A manual adjustment (人工加减分) of a unit's score, approved by someone and resting on an
/// event on its matter's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub event_id: EventId,
    pub matter_id: MatterId,
    pub unit_id: UnitId,
    pub points: f64,
    pub reason: String,
    pub approver: String,
}

/// A point in a score and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub points: f64,
    pub reason: String,
    pub event_id: EventId,
    pub matter_id: MatterId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScore {
    pub unit_id: UnitId,
    pub kind: UnitKind,
    pub score: f64,
    /// Among units of the same kind; equal scores share a rank.
    pub rank: usize,
    pub items: Vec<Item>,
}

/// Scores every unit given (those without facts keep the base) and ranks them within their kind.
pub fn assess(
    scheme: &Scheme,
    units: &[(UnitId, UnitKind)],
    facts: &[Fact],
    adjustments: &[Adjustment],
) -> Vec<UnitScore> {
    let mut scores: Vec<UnitScore> = units
        .iter()
        .map(|&(unit_id, kind)| {
            let mut used: HashMap<usize, f64> = HashMap::new();
            let mut items = Vec::new();
            for f in facts.iter().filter(|f| f.unit_id == unit_id) {
                for (i, rule) in scheme.rules.iter().enumerate() {
                    if rule.when != f.kind || rule.role.is_some_and(|r| r != f.role) {
                        continue;
                    }
                    let so_far = used.entry(i).or_default();
                    let points = match rule.cap {
                        Some(cap) => {
                            let room = (cap.abs() - so_far.abs()).max(0.0);
                            rule.points.signum() * rule.points.abs().min(room)
                        }
                        None => rule.points,
                    };
                    if points == 0.0 {
                        continue;
                    }
                    *so_far += points;
                    let role = match f.role {
                        AssignmentRole::Lead => "牵头",
                        AssignmentRole::Co => "配合",
                    };
                    items.push(Item {
                        points,
                        reason: format!("{}({role}){}", f.kind.describe(), f.matter),
                        event_id: f.event_id,
                        matter_id: f.matter_id,
                    });
                }
            }
            for adj in adjustments.iter().filter(|a| a.unit_id == unit_id) {
                items.push(Item {
                    points: adj.points,
                    reason: format!("人工调整:{}(批准人:{})", adj.reason, adj.approver),
                    event_id: adj.event_id,
                    matter_id: adj.matter_id,
                });
            }
            let score = round(scheme.base + items.iter().map(|i| i.points).sum::<f64>());
            UnitScore {
                unit_id,
                kind,
                score,
                rank: 0,
                items,
            }
        })
        .collect();
    scores.sort_by(|a, b| {
        a.kind
            .as_str()
            .cmp(b.kind.as_str())
            .then(b.score.total_cmp(&a.score))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    for i in 0..scores.len() {
        scores[i].rank = match i.checked_sub(1).map(|p| &scores[p]) {
            Some(prev) if prev.kind == scores[i].kind && prev.score == scores[i].score => prev.rank,
            Some(prev) if prev.kind == scores[i].kind => i + 1 - first_of_kind(&scores, i),
            _ => 1,
        };
    }
    scores
}

fn first_of_kind(scores: &[UnitScore], i: usize) -> usize {
    let kind = scores[i].kind;
    scores[..i]
        .iter()
        .rposition(|s| s.kind != kind)
        .map_or(0, |p| p + 1)
}

/// Scores are kept to two decimals so that sums of halves read as they should.
fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(unit: i64, role: AssignmentRole, kind: FactKind, event: i64) -> Fact {
        Fact {
            unit_id: UnitId(unit),
            role,
            kind,
            matter_id: MatterId(event),
            event_id: EventId(event),
            matter: format!("事项{event}"),
        }
    }

    #[test]
    fn a_period_is_read_as_offices_write_it_in_chinese() {
        let same = |chinese: &str, written: &str| {
            assert_eq!(
                chinese.parse::<Period>(),
                written.parse::<Period>(),
                "{chinese}"
            );
        };
        same("2026年第二季度", "2026-Q2");
        same("2026年二季度", "2026-Q2");
        same("2026年第2季度", "2026-Q2");
        same("2026年6月", "2026-06");
        same("2026 年 06 月", "2026-06");
        same("2026年", "2026");
        same("2026年度", "2026");
        same("2026年第23周", "2026-W23");
        same("2026年上半年", "2026-01-01..2026-06-30");
        same("2026年下半年", "2026-07-01..2026-12-31");
        // Every form a period is shown in reads back as the same period.
        for p in ["2026", "2026-Q3", "2026-11", "2026-W05"] {
            let period: Period = p.parse().unwrap();
            assert_eq!(period.label().parse::<Period>(), Ok(period), "{p}");
        }
        for bad in ["2026年13月", "2026年第五季度", "2026年春", "年"] {
            let why = bad.parse::<Period>().unwrap_err();
            assert!(why.contains(bad), "{why}");
        }
    }

    #[test]
    fn periods_are_years_quarters_and_months() {
        let p: Period = "2026-Q2".parse().unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2026-04-01".into(), "2026-06-30".into())
        );
        assert_eq!(p.label(), "2026年第二季度");
        let p: Period = "2026".parse().unwrap();
        assert_eq!(p.to.to_string(), "2026-12-31");
        assert_eq!(
            "2026-02".parse::<Period>().unwrap().to.to_string(),
            "2026-02-28"
        );
        let week: Period = "2026-W23".parse().unwrap();
        assert_eq!(
            (week.from.to_string(), week.to.to_string()),
            ("2026-06-01".into(), "2026-06-07".into())
        );
        assert_eq!(week.label(), "2026年第23周");
        let range: Period = "2026-06-01..2026-06-15".parse().unwrap();
        assert_eq!(range.label(), "2026年6月1日至2026年6月15日");
        for bad in [
            "2026-13",
            "2026-Q5",
            "26",
            "二〇二六",
            "",
            "2026-W60",
            "2026-06-15..2026-06-01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_score_is_the_base_plus_its_items_and_ranks_count_within_a_kind() {
        use AssignmentRole::{Co, Lead};
        let scheme = Scheme::preset("lead_co").unwrap();
        let units = [
            (UnitId(1), UnitKind::Department),
            (UnitId(2), UnitKind::Department),
            (UnitId(3), UnitKind::Department),
            (UnitId(4), UnitKind::Government),
        ];
        let facts = [
            fact(1, Lead, FactKind::ClosedOnTime, 10),
            fact(2, Co, FactKind::ClosedOnTime, 10),
            fact(2, Co, FactKind::Overdue, 11),
            fact(3, Lead, FactKind::ClosedOnTime, 12),
            fact(4, Lead, FactKind::ClosedLate, 13),
        ];
        let adjusted = [Adjustment {
            event_id: EventId(99),
            matter_id: MatterId(9),
            unit_id: UnitId(4),
            points: -0.5,
            reason: "材料报送不规范".into(),
            approver: "王局长".into(),
        }];
        let scores = assess(&scheme, &units, &facts, &adjusted);
        for s in &scores {
            let sum: f64 = s.items.iter().map(|i| i.points).sum();
            assert_eq!(s.score, round(scheme.base + sum));
        }
        let by = |u: i64| scores.iter().find(|s| s.unit_id == UnitId(u)).unwrap();
        assert_eq!((by(1).score, by(1).rank), (102.0, 1));
        assert_eq!(
            (by(3).score, by(3).rank),
            (102.0, 1),
            "a tie shares the rank"
        );
        assert_eq!((by(2).score, by(2).rank), (98.5, 3));
        assert_eq!(
            (by(4).score, by(4).rank),
            (94.5, 1),
            "counties rank among counties, adjustments count"
        );
        assert_eq!(by(4).items[1].event_id, EventId(99));
        assert_eq!(by(2).items[1].event_id, EventId(11));
    }

    #[test]
    fn a_cap_bounds_what_one_rule_can_take() {
        let scheme = Scheme {
            name: "t".into(),
            label: None,
            base: 100.0,
            rules: vec![ScoreRule {
                when: FactKind::ReportMissing,
                role: None,
                points: -10.0,
                cap: Some(25.0),
            }],
        };
        let facts: Vec<Fact> = (0..5)
            .map(|i| fact(1, AssignmentRole::Lead, FactKind::ReportMissing, i))
            .collect();
        let s = &assess(&scheme, &[(UnitId(1), UnitKind::Department)], &facts, &[])[0];
        assert_eq!(s.score, 75.0);
        assert_eq!(
            s.items.iter().map(|i| i.points).collect::<Vec<_>>(),
            [-10.0, -10.0, -5.0]
        );
    }
}
