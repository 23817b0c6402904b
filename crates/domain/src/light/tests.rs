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
        origin_id: None,
        urgency: Urgency::Normal,
        lead_unit_id: UnitId(2),
        co_unit_ids: vec![],
        leader_id: None,
        deadline: Some(d(deadline)),
        cadence: Cadence::Once,
        report_rule: None,
        milestones: vec![],
        indicators: vec![],
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

fn every_light(now: DateTime<Utc>, m: &Matter) -> (Light, Vec<Light>) {
    let cal = Calendar::official();
    let rules = LightRules::default();
    let lights = LightContext::new(now, &cal, &rules);
    let units = m
        .assignments
        .iter()
        .map(|a| lights.assignment(m, a))
        .collect();
    (lights.matter(m), units)
}

fn until(now: DateTime<Utc>, m: &Matter) -> Option<DateTime<Utc>> {
    let cal = Calendar::official();
    let rules = LightRules::default();
    LightContext::new(now, &cal, &rules).until(m)
}

#[test]
fn a_green_deadline_holds_until_its_first_yellow_day() {
    // Due Friday 10 July: three working days before it (7, 8, 9 July) it turns yellow, so the
    // light of 1 July holds until midnight of Tuesday 7 July in China.
    let m = matter("2026-07-10");
    let now = at("2026-07-01T09:00:00+08:00");
    assert_eq!(until(now, &m), Some(at("2026-07-07T00:00:00+08:00")));
    assert_eq!(
        every_light(at("2026-07-06T23:59:59+08:00"), &m).0,
        Light::Green
    );
    assert_eq!(
        every_light(at("2026-07-07T00:00:00+08:00"), &m).0,
        Light::Yellow
    );
    // Yellow holds until the day after the deadline, then red holds for good.
    let yellow = at("2026-07-08T09:00:00+08:00");
    assert_eq!(until(yellow, &m), Some(at("2026-07-11T00:00:00+08:00")));
    assert_eq!(until(at("2026-07-11T09:00:00+08:00"), &m), None);
}

#[test]
fn an_unsigned_matter_changes_the_moment_its_signing_window_closes() {
    let mut m = matter("2026-12-31");
    m.urgency = Urgency::Urgent;
    m.assignments[0].state = AssignmentState::Assigned;
    let assigned = at("2026-03-02T09:00:00+08:00");
    let change = until(assigned, &m).expect("the window closes");
    assert_eq!(
        change,
        at("2026-03-02T13:00:00+08:00") + chrono::Duration::microseconds(1)
    );
    assert_eq!(
        every_light(change - chrono::Duration::microseconds(1), &m).0,
        Light::Green
    );
    assert_eq!(every_light(change, &m).0, Light::Yellow);
}

#[test]
fn closed_matters_hold_their_light_until_they_change() {
    let mut m = matter("2026-07-10");
    m.state = MatterState::Closed;
    m.assignments[0].state = AssignmentState::Closed;
    assert_eq!(until(at("2026-07-01T09:00:00+08:00"), &m), None);
}

proptest::proptest! {
    /// Whatever the matter, every light it shows stays the same from now until the moment
    /// `until` names, and at any moment in between.
    #[test]
    fn lights_hold_until_the_moment_until_names(
        start in 0i64..600,
        hour in 0u32..24,
        deadline in proptest::option::of(-20i64..120),
        state in 0usize..4,
        signed in proptest::bool::ANY,
        urgent in proptest::bool::ANY,
        cadence in 0usize..4,
        percent in 0u8..=100,
        stones in proptest::collection::vec((1i64..200, 0u8..=100), 0..3),
        probes in proptest::collection::vec(0.0f64..1.0, 6),
    ) {
        let assigned = d("2025-01-01") + chrono::Duration::days(start);
        let assigned_at = crate::china_instant(assigned, chrono::NaiveTime::from_hms_opt(hour, 17, 3).unwrap());
        let mut m = matter("2026-01-01");
        m.deadline = deadline.map(|n| assigned + chrono::Duration::days(n));
        m.assigned_at = Some(assigned_at);
        m.created_at = assigned_at;
        m.urgency = if urgent { Urgency::Urgent } else { Urgency::Normal };
        m.cadence = [Cadence::Once, Cadence::Weekly, Cadence::Monthly, Cadence::Quarterly][cadence];
        m.milestones = stones
            .iter()
            .map(|(n, p)| Milestone { date: assigned + chrono::Duration::days(*n), percent: *p, title: String::new() })
            .collect();
        m.state = [MatterState::Draft, MatterState::Assigned, MatterState::InProgress, MatterState::Closed][state];
        let mut co = Assignment::new(UnitId(3), AssignmentRole::Co);
        co.percent = percent / 2;
        m.assignments[0].percent = percent;
        m.assignments[0].state = match (m.state, signed) {
            (MatterState::Closed, _) => AssignmentState::Closed,
            (_, true) => AssignmentState::InProgress,
            (_, false) => AssignmentState::Assigned,
        };
        m.assignments[0].signed_at = signed.then_some(assigned_at + chrono::Duration::hours(2));
        m.assignments.push(co);
        for now in [assigned_at, assigned_at + chrono::Duration::days(30), assigned_at + chrono::Duration::days(90)] {
            let seen = every_light(now, &m);
            let horizon = until(now, &m);
            proptest::prop_assert!(horizon.is_none_or(|u| u > now), "{horizon:?} is not after {now}");
            let end = horizon.unwrap_or(now + chrono::Duration::days(400));
            let span = (end - now).num_microseconds().unwrap();
            let mut moments: Vec<DateTime<Utc>> = probes
                .iter()
                .map(|f| now + chrono::Duration::microseconds((span as f64 * f) as i64))
                .collect();
            moments.push(end - chrono::Duration::microseconds(1));
            for t in moments.into_iter().filter(|t| *t >= now) {
                proptest::prop_assert_eq!(&every_light(t, &m), &seen, "at {} (until {:?})", t, horizon);
            }
        }
    }
}

#[test]
fn a_cause_reads_back_from_its_code_and_nothing_else_does() {
    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    for cause in [
        Cause::Overdue,
        Cause::DeadlineNear,
        Cause::ReportOverdue(day),
        Cause::ReportDue(day),
        Cause::NotSigned,
        Cause::Behind(12),
        Cause::FarBehind(45),
        Cause::FirstReplyDue(day),
        Cause::FirstReplyOverdue(day),
    ] {
        assert_eq!(Cause::from_code(&cause.code()), Some(cause));
    }
    for bad in [
        "",
        "overdue:1",
        "report_due",
        "report_due:2026-13-01",
        "behind:300",
        "late",
    ] {
        assert_eq!(Cause::from_code(bad), None, "{bad}");
    }
}

#[test]
fn a_matter_from_an_instruction_owes_a_first_reply_within_five_working_days() {
    // Assigned on Monday 2 March: the first reply is due on Monday 9 March.
    let mut m = matter("2026-08-28");
    m.source = Source::Instruction;
    let mut co = Assignment::new(UnitId(3), AssignmentRole::Co);
    co.state = AssignmentState::Signed;
    m.assignments.push(co);
    let cal = Calendar::official();
    let rules = LightRules::default();
    let why = |now: &str, m: &Matter| {
        let lights = LightContext::new(at(now), &cal, &rules);
        (
            lights.why(m, &m.assignments[0]),
            lights.why(m, &m.assignments[1]),
        )
    };
    assert_eq!(why("2026-03-03T09:00:00+08:00", &m), (vec![], vec![]));
    assert_eq!(
        why("2026-03-04T09:00:00+08:00", &m).0,
        vec![Cause::FirstReplyDue(d("2026-03-09"))]
    );
    let (lead, co) = why("2026-03-10T09:00:00+08:00", &m);
    assert_eq!(lead, vec![Cause::FirstReplyOverdue(d("2026-03-09"))]);
    assert!(co.is_empty(), "the first reply is the lead unit's to make");
    assert_eq!(
        until(at("2026-03-02T09:00:00+08:00"), &m),
        Some(at("2026-03-04T00:00:00+08:00")),
        "the stored light holds until the first yellow day"
    );

    m.assignments[0].last_feedback_at = Some(at("2026-03-10T10:00:00+08:00"));
    assert!(why("2026-03-10T11:00:00+08:00", &m).0.is_empty());

    m.assignments[0].last_feedback_at = None;
    m.source = Source::Decision;
    assert!(why("2026-03-10T09:00:00+08:00", &m).0.is_empty());
}

#[test]
fn under_a_report_rule_every_unit_owes_each_round_by_its_due_day() {
    // 每月25日前, assigned on 30 June 2026: June's round was due before it; July's falls on
    // Friday the 24th, the 25th being a Saturday.
    let mut m = matter("2026-12-31");
    m.report_rule = crate::rounds::ReportRule::parse("每月25日前");
    m.assigned_at = Some(at("2026-06-30T09:00:00+08:00"));
    let mut co = Assignment::new(UnitId(3), AssignmentRole::Co);
    co.state = AssignmentState::Signed;
    m.assignments.push(co);
    let cal = Calendar::official();
    let rules = LightRules::default();
    let why = |now: &str, m: &Matter| {
        let lights = LightContext::new(at(now), &cal, &rules);
        (
            lights.why(m, &m.assignments[0]),
            lights.why(m, &m.assignments[1]),
        )
    };
    assert_eq!(why("2026-07-01T09:00:00+08:00", &m), (vec![], vec![]));
    let due = d("2026-07-24");
    assert_eq!(
        why("2026-07-21T09:00:00+08:00", &m),
        (vec![Cause::ReportDue(due)], vec![Cause::ReportDue(due)]),
        "co-units owe their round too"
    );
    assert_eq!(
        why("2026-07-27T09:00:00+08:00", &m).0,
        vec![Cause::ReportOverdue(due)]
    );
    // A report in the round clears it; one from the month before does not.
    m.assignments[0].last_feedback_at = Some(at("2026-06-30T15:00:00+08:00"));
    assert_eq!(
        why("2026-07-27T09:00:00+08:00", &m).0,
        vec![Cause::ReportOverdue(due)]
    );
    m.assignments[0].last_feedback_at = Some(at("2026-07-27T10:00:00+08:00"));
    let (lead, co) = why("2026-07-27T11:00:00+08:00", &m);
    assert!(lead.is_empty());
    assert_eq!(co, vec![Cause::ReportOverdue(due)]);
    // The stored light holds until the next round's window opens.
    let held = until(at("2026-07-27T11:00:00+08:00"), &m).unwrap();
    assert!(held > at("2026-07-27T11:00:00+08:00") && held <= at("2026-08-21T00:00:00+08:00"));
}
