use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::ids::{MatterId, UnitId, UserId};
use crate::matter::{AssignmentRole, MatterState, Milestone, Source};
use crate::number::MatterNumber;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn matter(deadline: &str) -> Matter {
    let mut lead = Assignment::new(UnitId(2), AssignmentRole::Lead);
    lead.state = AssignmentState::Signed;
    Matter {
        id: MatterId(1),
        org_id: UnitId(1),
        number: MatterNumber { year: 2026, seq: 1 },
        title: "t".into(),
        content: String::new(),
        source: Source::Decision,
        origin: String::new(),
        urgency: Urgency::Normal,
        lead_unit_id: UnitId(2),
        co_unit_ids: vec![],
        leader_id: None,
        deadline: Some(d(deadline)),
        cadence: Cadence::Once,
        milestones: vec![],
        tags: vec![],
        public: false,
        parent_id: None,
        state: MatterState::Signed,
        extension: None,
        created_by: UserId(1),
        created_at: at("2026-03-02T09:00:00+08:00"),
        assigned_at: Some(at("2026-03-02T09:00:00+08:00")),
        closed_at: None,
        version: 1,
        assignments: vec![lead],
    }
}

fn light_at(now: &str, m: &Matter) -> Light {
    let cal = Calendar::official();
    let rules = LightRules::default();
    LightContext::new(at(now), &cal, &rules).matter(m)
}

#[test]
fn overdue_is_red_near_is_yellow_far_is_green() {
    let now = "2026-06-30T09:00:00+08:00";
    assert_eq!(light_at(now, &matter("2026-06-29")), Light::Red);
    assert_eq!(light_at(now, &matter("2026-06-30")), Light::Yellow);
    assert_eq!(light_at(now, &matter("2026-07-02")), Light::Yellow);
    assert_eq!(light_at(now, &matter("2026-08-28")), Light::Green);
}

#[test]
fn the_national_day_holiday_does_not_count_toward_the_yellow_window() {
    // Nine calendar days, but only 10-08 and 10-09 are worked.
    assert_eq!(
        light_at("2026-09-30T09:00:00+08:00", &matter("2026-10-09")),
        Light::Yellow
    );
    // 10-10 is an adjusted Saturday, so 10-12 is four working days off.
    assert_eq!(
        light_at("2026-09-30T09:00:00+08:00", &matter("2026-10-12")),
        Light::Green
    );
}

#[test]
fn a_draft_shows_its_deadlines_light() {
    let mut m = matter("2026-06-29");
    m.state = MatterState::Draft;
    m.assigned_at = None;
    m.assignments[0].state = AssignmentState::Assigned;
    assert_eq!(light_at("2026-06-30T09:00:00+08:00", &m), Light::Red);
    m.deadline = Some(d("2026-07-02"));
    assert_eq!(light_at("2026-06-30T09:00:00+08:00", &m), Light::Yellow);
    m.deadline = None;
    assert_eq!(light_at("2026-06-30T09:00:00+08:00", &m), Light::Green);
}

#[test]
fn a_matter_waiting_for_review_or_finished_is_green_even_past_its_deadline() {
    let mut m = matter("2026-06-01");
    m.state = MatterState::CompletionRequested;
    m.assignments[0].state = AssignmentState::CompletionRequested;
    assert_eq!(light_at("2026-06-30T09:00:00+08:00", &m), Light::Green);
    m.state = MatterState::Closed;
    assert_eq!(light_at("2026-06-30T09:00:00+08:00", &m), Light::Green);
}

#[test]
fn a_missed_monthly_report_turns_red() {
    let mut m = matter("2026-12-31");
    m.cadence = Cadence::Monthly;
    m.assignments[0].last_feedback_at = Some(at("2026-05-10T10:00:00+08:00"));
    // Next report due 2026-06-10.
    assert_eq!(light_at("2026-06-05T09:00:00+08:00", &m), Light::Yellow);
    assert_eq!(light_at("2026-06-11T09:00:00+08:00", &m), Light::Red);
    assert_eq!(light_at("2026-05-20T09:00:00+08:00", &m), Light::Green);
}

#[test]
fn each_cause_of_a_light_is_named() {
    let cal = Calendar::official();
    let rules = LightRules::default();
    let mut m = matter("2026-06-29");
    m.cadence = Cadence::Monthly;
    m.assignments[0].last_feedback_at = Some(at("2026-05-10T10:00:00+08:00"));
    let ctx = LightContext::new(at("2026-06-30T09:00:00+08:00"), &cal, &rules);
    let causes = ctx.why(&m, &m.assignments[0]);
    assert_eq!(
        causes,
        vec![Cause::Overdue, Cause::ReportOverdue(d("2026-06-10"))]
    );
    assert_eq!(causes[1].describe(), "应于6月10日前反馈,尚未反馈");
    assert_eq!(ctx.assignment(&m, &m.assignments[0]), Light::Red);
}

#[test]
fn periodic_reports_are_owed_by_the_lead_unit_only() {
    let mut m = matter("2026-12-31");
    m.cadence = Cadence::Monthly;
    m.assignments[0].last_feedback_at = Some(at("2026-06-20T10:00:00+08:00"));
    let mut co = Assignment::new(UnitId(3), AssignmentRole::Co);
    co.state = AssignmentState::Signed;
    co.signed_at = Some(at("2026-03-02T10:00:00+08:00"));
    m.assignments.push(co);
    let cal = Calendar::official();
    let rules = LightRules::default();
    let ctx = LightContext::new(at("2026-06-30T09:00:00+08:00"), &cal, &rules);
    assert_eq!(
        ctx.assignment(&m, &m.assignments[1]),
        Light::Green,
        "the co-unit reports to the lead"
    );
    assert_eq!(ctx.matter(&m), Light::Green);
}

#[test]
fn an_unsigned_assignment_turns_yellow_after_its_sign_window() {
    let mut m = matter("2026-12-31");
    m.state = MatterState::Assigned;
    m.assignments[0].state = AssignmentState::Assigned;
    // Assigned Monday 2026-03-02: signing is due by the end of Tuesday.
    assert_eq!(light_at("2026-03-03T17:00:00+08:00", &m), Light::Green);
    assert_eq!(light_at("2026-03-04T09:00:00+08:00", &m), Light::Yellow);
    m.urgency = Urgency::Urgent;
    assert_eq!(light_at("2026-03-02T14:00:00+08:00", &m), Light::Yellow);
}

#[test]
fn lagging_the_plan_turns_yellow_then_red() {
    let mut m = matter("2026-12-31");
    m.assigned_at = Some(at("2026-01-01T09:00:00+08:00"));
    m.milestones = vec![
        Milestone {
            date: d("2026-07-01"),
            percent: 50,
            title: "上半年".into(),
        },
        Milestone {
            date: d("2026-12-31"),
            percent: 100,
            title: "全年".into(),
        },
    ];
    assert_eq!(planned_percent(&m, d("2026-07-01")), Some(50));
    assert_eq!(planned_percent(&m, d("2027-01-05")), Some(100));
    m.assignments[0].percent = 45;
    assert_eq!(light_at("2026-07-01T09:00:00+08:00", &m), Light::Green);
    m.assignments[0].percent = 40;
    assert_eq!(light_at("2026-07-01T09:00:00+08:00", &m), Light::Yellow);
    m.assignments[0].percent = 20;
    assert_eq!(light_at("2026-07-01T09:00:00+08:00", &m), Light::Red);
}

proptest::proptest! {
    /// The precomputed yellow window says the same as counting working days one by one.
    #[test]
    fn the_yellow_window_agrees_with_counting_working_days(start in 0i64..700, ahead in -5i64..60, n in 0i64..6) {
        let cal = Calendar::official();
        let rules = LightRules { yellow_working_days: n, ..LightRules::default() };
        let today = d("2025-01-01") + chrono::Duration::days(start);
        let now = today.and_hms_opt(1, 0, 0).unwrap().and_utc();
        let due = today + chrono::Duration::days(ahead);
        let expected = if today > due {
            Light::Red
        } else if cal.working_days_between(today, due) <= n {
            Light::Yellow
        } else {
            Light::Green
        };
        proptest::prop_assert_eq!(LightContext::new(now, &cal, &rules).due(due), expected);
    }
}

#[test]
fn reports_are_classed_against_the_plan() {
    assert_eq!(ProgressClass::of(100, None), Some(ProgressClass::Done));
    assert_eq!(ProgressClass::of(60, Some(50)), Some(ProgressClass::Ahead));
    assert_eq!(
        ProgressClass::of(50, Some(50)),
        Some(ProgressClass::OnTrack)
    );
    assert_eq!(ProgressClass::of(40, Some(50)), Some(ProgressClass::Behind));
    assert_eq!(ProgressClass::of(40, None), None);
}
