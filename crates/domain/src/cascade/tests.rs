use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::calendar::Calendar;
use crate::ids::{UnitId, UserId};
use crate::light::LightRules;
use crate::matter::{AssignmentRole, AssignmentState, Cadence, Source, Urgency};
use crate::number::MatterNumber;

const CITY: UnitId = UnitId(1);
const COUNTY: UnitId = UnitId(10);
const TOWN_A: UnitId = UnitId(11);
const TOWN_B: UnitId = UnitId(12);
const DISTRICT: UnitId = UnitId(20);
const VILLAGE: UnitId = UnitId(111);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// Matter `id` numbered by `org`, led by `lead`, under `parent`, in progress at `percent`.
fn m(id: i64, org: UnitId, lead: UnitId, parent: Option<i64>, percent: u8) -> Matter {
    let mut a = Assignment::new(lead, AssignmentRole::Lead);
    a.state = AssignmentState::InProgress;
    a.percent = percent;
    a.signed_at = Some(at("2026-06-01T09:00:00+08:00"));
    Matter {
        id: MatterId(id),
        org_id: org,
        number: MatterNumber {
            year: 2026,
            seq: id,
        },
        title: format!("m{id}"),
        content: String::new(),
        source: Source::WorkReport,
        origin: String::new(),
        origin_id: None,
        urgency: Urgency::Normal,
        lead_unit_id: lead,
        co_unit_ids: vec![],
        leader_id: None,
        deadline: NaiveDate::from_ymd_opt(2026, 9, 30),
        cadence: Cadence::Once,
        report_rule: None,
        milestones: vec![],
        indicators: vec![],
        tags: vec![],
        public: false,
        parent_id: parent.map(MatterId),
        state: MatterState::InProgress,
        extension: None,
        created_by: UserId(1),
        created_at: at("2026-06-01T09:00:00+08:00"),
        assigned_at: Some(at("2026-06-01T09:00:00+08:00")),
        closed_at: None,
        version: 1,
        assignments: vec![a],
    }
}

fn finished(mut m: Matter, state: MatterState) -> Matter {
    m.state = state;
    let a = if state == MatterState::Closed {
        AssignmentState::Closed
    } else {
        AssignmentState::Cancelled
    };
    for x in &mut m.assignments {
        x.state = a;
    }
    m
}

fn overdue(mut m: Matter) -> Matter {
    m.deadline = NaiveDate::from_ymd_opt(2026, 6, 20);
    m
}

/// City matter 1 led by the county; the county split it for two towns (2, 3); town A split
/// its part again (4). A district matter (5) hangs from 1 as well, split by the city.
fn city() -> (Matter, Vec<Matter>) {
    let root = m(1, CITY, COUNTY, None, 10);
    let below = vec![
        m(2, COUNTY, TOWN_A, Some(1), 10),
        m(3, COUNTY, TOWN_B, Some(1), 80),
        m(4, TOWN_A, VILLAGE, Some(2), 40),
        m(5, CITY, DISTRICT, Some(1), 50),
    ];
    (root, below)
}

#[test]
fn a_leaf_shows_what_its_lead_reported() {
    let root = m(1, CITY, COUNTY, None, 35);
    assert_eq!(Cascade::new(&root, &[]).progress(), 35);
    let closed = finished(m(1, CITY, COUNTY, None, 35), MatterState::Closed);
    assert_eq!(Cascade::new(&closed, &[]).progress(), 100);
}

#[test]
fn progress_is_the_mean_of_the_children_to_any_depth() {
    let (root, below) = city();
    let c = Cascade::new(&root, &below);
    // 2 takes 4's 40 (not its own 10); 1 = mean(2: 40, 3: 80, 5: 50).
    assert_eq!(c.progress_of(&below[0]), 40);
    assert_eq!(c.progress(), 57);
}

#[test]
fn closed_children_count_as_done_and_cancelled_ones_do_not_count() {
    let (root, mut below) = city();
    below[1] = finished(below[1].clone(), MatterState::Closed); // 3: 100
    below[3] = finished(below[3].clone(), MatterState::Cancelled); // 5: left out
    let c = Cascade::new(&root, &below);
    assert_eq!(c.progress(), 70); // mean(40, 100)

    // A closed child counts 100 whatever is still open below it.
    below[0] = finished(below[0].clone(), MatterState::Closed);
    assert_eq!(Cascade::new(&root, &below).progress(), 100);

    // With every child cancelled, the matter shows its lead's own report again.
    let all_cancelled: Vec<Matter> = city()
        .1
        .into_iter()
        .map(|x| {
            if x.parent_id == Some(MatterId(1)) {
                finished(x, MatterState::Cancelled)
            } else {
                x
            }
        })
        .collect();
    assert_eq!(Cascade::new(&root, &all_cancelled).progress(), 10);
}

#[test]
fn an_assignment_is_derived_only_from_the_sub_matters_its_unit_decomposed() {
    let (mut root, below) = city();
    root.assignments
        .push(Assignment::new(DISTRICT, AssignmentRole::Co));
    let c = Cascade::new(&root, &below);
    // The county decomposed into 2 and 3: mean(40, 80).
    assert_eq!(c.assignment_progress(&root.assignments[0]), Some(60));
    // The district decomposed nothing (5 was the city's split): its report stands.
    assert_eq!(c.assignment_progress(&root.assignments[1]), None);
}

#[test]
fn the_light_is_the_worst_anywhere_below_and_names_the_sub_matter() {
    let cal = Calendar::official();
    let rules = LightRules::default();
    let lights = LightContext::new(at(NOW), &cal, &rules);
    let (root, mut below) = city();
    let (light, culprits) = Cascade::new(&root, &below).light(&lights);
    assert_eq!((light, culprits.len()), (Light::Green, 0));

    below[2] = overdue(below[2].clone()); // the village's 4, two levels down
    let c = Cascade::new(&root, &below);
    let (light, culprits) = c.light(&lights);
    assert_eq!(light, Light::Red);
    assert_eq!(culprits.len(), 1);
    assert_eq!(culprits[0].matter.id, MatterId(4));
    assert_eq!(culprits[0].causes, vec![Cause::Overdue]);
    // The parent in between rolls up red as well.
    let middle = Cascade::new(&below[0], &below);
    assert_eq!(middle.light(&lights).0, Light::Red);
    // The root's own light is untouched: it is on time.
    assert_eq!(lights.matter(&root), Light::Green);

    // Once the late one is closed, nothing below is red.
    below[2] = finished(below[2].clone(), MatterState::Closed);
    assert_eq!(Cascade::new(&root, &below).light(&lights).0, Light::Green);
}

#[test]
fn a_red_root_stays_red_and_yellow_below_does_not_name_culprits_for_red() {
    let cal = Calendar::official();
    let rules = LightRules::default();
    let lights = LightContext::new(at(NOW), &cal, &rules);
    let (root, mut below) = city();
    let root = overdue(root);
    below[1].deadline = NaiveDate::from_ymd_opt(2026, 7, 1); // yellow
    let (light, culprits) = Cascade::new(&root, &below).light(&lights);
    assert_eq!(light, Light::Red);
    assert!(culprits.is_empty(), "{culprits:?}");
}

#[test]
fn open_lists_every_unfinished_descendant_drafts_included() {
    let (root, mut below) = city();
    below[1] = finished(below[1].clone(), MatterState::Closed);
    below[3] = finished(below[3].clone(), MatterState::Cancelled);
    below[2].state = MatterState::Draft;
    let open: Vec<i64> = Cascade::new(&root, &below)
        .open()
        .iter()
        .map(|m| m.id.0)
        .collect();
    assert_eq!(open, [2, 4]);
}

#[test]
fn walk_is_depth_first_and_ignores_strays_and_loops() {
    let (root, mut below) = city();
    below.push(m(9, CITY, COUNTY, Some(99), 0)); // hangs from nothing here
    let c = Cascade::new(&root, &below);
    let walked: Vec<(usize, i64)> = c.walk().iter().map(|(d, m)| (*d, m.id.0)).collect();
    assert_eq!(walked, [(1, 2), (2, 4), (1, 3), (1, 5)]);

    // A link that loops back to the root is not followed twice.
    below.push(m(1, CITY, COUNTY, Some(4), 0));
    let c = Cascade::new(&root, &below);
    assert_eq!(c.walk().len(), 4);
    assert!(c.progress() <= 100);
}
