use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn rules_are_read_as_offices_write_them() {
    use ReportRule::*;
    let cases = [
        ("每月25日前", Monthly(25)),
        ("每月25日前报送进展", Monthly(25)),
        ("每月二十五日前", Monthly(25)),
        ("每月25号", Monthly(25)),
        ("每月底前", Monthly(31)),
        ("每月末", Monthly(31)),
        ("每周五", Weekly(Weekday::Fri)),
        ("每周五前报送", Weekly(Weekday::Fri)),
        ("每星期一", Weekly(Weekday::Mon)),
        ("每季度最后一个月30日前", Quarterly { month: 3, day: 30 }),
        ("每季度最后一个月的30日前", Quarterly { month: 3, day: 30 }),
        (
            "每季度第一个月10日前报送上季度进展",
            Quarterly { month: 1, day: 10 },
        ),
        ("每季度第2个月15日前", Quarterly { month: 2, day: 15 }),
        ("每季度30日前", Quarterly { month: 3, day: 30 }),
        ("每季度末", Quarterly { month: 3, day: 31 }),
        ("每半年末", HalfYearly { month: 6, day: 31 }),
        ("每半年最后一个月25日前", HalfYearly { month: 6, day: 25 }),
    ];
    for (text, rule) in cases {
        assert_eq!(ReportRule::parse(text), Some(rule), "{text}");
        assert_eq!(
            ReportRule::parse(&rule.phrase()),
            Some(rule),
            "{}",
            rule.phrase()
        );
    }
    for bad in [
        "",
        "每月",
        "每月32日前",
        "每月0日前",
        "每周八",
        "每季度第四个月10日前",
        "6月底前",
        "持续推进",
        "每年",
    ] {
        assert_eq!(ReportRule::parse(bad), None, "{bad}");
    }
}

#[test]
fn the_july_2026_round_of_the_25th_falls_on_friday_the_24th() {
    let cal = Calendar::official();
    let rule = ReportRule::parse("每月25日前").unwrap();
    let july = rule.round_of(d("2026-07-09"), &cal);
    assert_eq!(july.due, d("2026-07-24"), "25 July 2026 is a Saturday");
    assert_eq!(july.period.code(rule), "2026-07");
    assert_eq!(july.period.label(rule), "2026年7月");
    // 每月底: the month's last day, however long the month — a Saturday worked in lieu of
    // the Spring Festival holiday in February 2026, a Friday in January.
    let end = ReportRule::Monthly(31);
    assert_eq!(end.round_of(d("2026-02-03"), &cal).due, d("2026-02-28"));
    assert_eq!(end.round_of(d("2026-01-03"), &cal).due, d("2026-01-30"));
}

#[test]
fn a_quarters_round_before_national_day_moves_before_the_holiday() {
    let cal = Calendar::official();
    let rule = ReportRule::parse("每季度最后一个月30日前").unwrap();
    let q3 = rule.round_of(d("2026-08-01"), &cal);
    assert_eq!(q3.period.code(rule), "2026-Q3");
    assert_eq!(q3.due, d("2026-09-30"));
    let q4 = rule.next(q3, &cal);
    assert_eq!(
        (q4.period.code(rule), q4.due),
        ("2026-Q4".into(), d("2026-12-30"))
    );
    // A week whose Monday is National Day reports the working day before.
    let monday = ReportRule::Weekly(Weekday::Mon);
    assert_eq!(monday.round_of(d("2026-10-06"), &cal).due, d("2026-09-30"));
}

#[test]
fn a_matter_owes_the_rounds_due_after_it_was_assigned_up_to_the_next_one() {
    let cal = Calendar::official();
    let rule = ReportRule::Monthly(25);
    // Assigned on 30 June: June's round was due before it, so July's is the first.
    let rounds = rule.rounds(d("2026-06-30"), d("2026-06-30"), &cal);
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].due, d("2026-07-24"));
    let rounds = rule.rounds(d("2026-06-30"), d("2026-09-10"), &cal);
    let codes: Vec<String> = rounds.iter().map(|r| r.period.code(rule)).collect();
    assert_eq!(codes, ["2026-07", "2026-08", "2026-09"]);
}

fn rule() -> impl Strategy<Value = ReportRule> {
    prop_oneof![
        (0u8..7).prop_map(|w| ReportRule::Weekly(Weekday::try_from(w).unwrap())),
        (1u32..=31).prop_map(ReportRule::Monthly),
        (1u32..=3, 1u32..=31).prop_map(|(month, day)| ReportRule::Quarterly { month, day }),
        (1u32..=6, 1u32..=31).prop_map(|(month, day)| ReportRule::HalfYearly { month, day }),
    ]
}

/// The day the rule names in the round's period, before any move.
fn nominal(rule: ReportRule, round: Round) -> NaiveDate {
    let p = round.period;
    let in_month = |month0: u32, day: u32| {
        let first = p.first + chrono::Months::new(month0);
        (0..)
            .map(|k| first + Days::new(k))
            .take_while(|x| x.month() == first.month())
            .filter(|x| x.day() <= day)
            .last()
            .unwrap()
    };
    match rule {
        ReportRule::Weekly(w) => p.first + Days::new(u64::from(w.num_days_from_monday())),
        ReportRule::Monthly(day) => in_month(0, day),
        ReportRule::Quarterly { month, day } | ReportRule::HalfYearly { month, day } => {
            in_month(month - 1, day)
        }
    }
}

proptest! {
    #[test]
    fn a_rounds_due_day_is_a_working_day_never_after_the_rules_day(
        rule in rule(),
        offset in 0i64..(3 * 366),
    ) {
        let cal = Calendar::official();
        let day = d("2025-01-01") + Days::new(offset as u64);
        let round = rule.round_of(day, &cal);
        prop_assert!(cal.is_working_day(round.due), "{:?} due {}", rule, round.due);
        let named = nominal(rule, round);
        prop_assert!(round.due <= named, "{:?}: due {} after {}", rule, round.due, named);
        // Only days off lie between the due day and the rule's day.
        let mut between = round.due + Days::new(1);
        while between <= named {
            prop_assert!(!cal.is_working_day(between));
            between = between + Days::new(1);
        }
    }

    #[test]
    fn there_is_exactly_one_round_per_period(rule in rule(), offset in 0i64..(3 * 366)) {
        let cal = Calendar::official();
        let day = d("2025-01-01") + Days::new(offset as u64);
        let round = rule.round_of(day, &cal);
        prop_assert!(round.period.contains(day));
        // Every day of the period has this round and no other…
        for k in 0..=(round.period.last - round.period.first).num_days() {
            let other = rule.round_of(round.period.first + Days::new(k as u64), &cal);
            prop_assert_eq!(other, round);
        }
        // … and the periods follow each other without a gap or an overlap.
        let next = rule.next(round, &cal);
        prop_assert_eq!(next.period.first, round.period.last + Days::new(1));
        prop_assert_eq!(rule.previous(next, &cal), round);
        prop_assert!(next.period.code(rule) != round.period.code(rule));
    }

    #[test]
    fn any_text_is_read_as_a_rule_or_refused_without_panicking(text in "\\PC{0,24}") {
        if let Some(rule) = ReportRule::parse(&text) {
            prop_assert_eq!(ReportRule::parse(&rule.phrase()), Some(rule));
        }
    }
}
