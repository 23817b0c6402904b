use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::ids::{MatterId, UnitId, UserId};
use crate::matter::{Assignment, AssignmentRole, AssignmentState, Cadence, Source, Urgency};
use crate::number::MatterNumber;
use crate::org::{OrgTree, Unit, UnitKind};
use crate::user::User;

const CITY: UnitId = UnitId(1);
const DUCHA: UnitId = UnitId(2);
const FGW: UnitId = UnitId(3);
const CZJ: UnitId = UnitId(4);
const OTHER: UnitId = UnitId(5);

fn tree() -> OrgTree {
    let u = |id: UnitId, kind, parent: Option<UnitId>| Unit {
        id,
        code: id.to_string(),
        name: id.to_string(),
        short_names: vec![],
        kind,
        parent_id: parent,
    };
    OrgTree::new([
        u(CITY, UnitKind::Government, None),
        u(DUCHA, UnitKind::Other, Some(CITY)),
        u(FGW, UnitKind::Department, Some(CITY)),
        u(CZJ, UnitKind::Department, Some(CITY)),
        u(OTHER, UnitKind::Department, Some(CITY)),
    ])
}

fn user(id: i64, role: Role, unit: UnitId) -> User {
    User {
        id: UserId(id),
        username: format!("u{id}"),
        display_name: String::new(),
        role,
        unit_id: unit,
        email: None,
        in_charge_of: vec![],
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-30T09:00:00+08:00")
        .unwrap()
        .to_utc()
}

fn draft() -> Matter {
    Matter {
        id: MatterId(1),
        org_id: CITY,
        number: MatterNumber { year: 2026, seq: 1 },
        title: "t".into(),
        content: String::new(),
        source: Source::Meeting,
        origin: String::new(),
        origin_id: None,
        urgency: Urgency::Normal,
        lead_unit_id: FGW,
        co_unit_ids: vec![CZJ],
        leader_id: None,
        deadline: Some(NaiveDate::from_ymd_opt(2026, 8, 28).unwrap()),
        cadence: Cadence::Once,
        report_rule: None,
        milestones: vec![],
        indicators: vec![],
        tags: vec![],
        public: false,
        parent_id: None,
        state: MatterState::Draft,
        extension: None,
        created_by: UserId(2),
        created_at: now(),
        assigned_at: None,
        closed_at: None,
        version: 1,
        assignments: vec![
            Assignment::new(FGW, AssignmentRole::Lead),
            Assignment::new(CZJ, AssignmentRole::Co),
        ],
    }
}

struct World {
    tree: OrgTree,
    ducha: User,
    fgw: User,
    czj: User,
    other: User,
    leader: User,
}

fn world() -> World {
    World {
        tree: tree(),
        ducha: user(2, Role::Supervisor, DUCHA),
        fgw: user(3, Role::Liaison, FGW),
        czj: user(4, Role::Liaison, CZJ),
        other: user(5, Role::Liaison, OTHER),
        leader: user(6, Role::Leader, CITY),
    }
}

fn act(w: &World, who: &User, m: &Matter, action: Action) -> Result<Matter, Denied> {
    let actor = Actor {
        user: who,
        tree: &w.tree,
    };
    apply(
        m,
        &actor,
        action,
        now(),
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )
    .map(|t| t.matter)
}

fn feedback(percent: u8) -> Action {
    Action::Feedback {
        text: "进展顺利".into(),
        percent,
        problems: String::new(),
        next_steps: String::new(),
        values: Vec::new(),
    }
}

#[test]
fn the_whole_lifecycle_from_draft_to_closed() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    assert_eq!(m.state, MatterState::Assigned);
    let m = act(&w, &w.fgw, &m, Action::Sign).unwrap();
    assert_eq!(
        m.state,
        MatterState::Assigned,
        "the co-unit has not signed yet"
    );
    let m = act(&w, &w.czj, &m, Action::Sign).unwrap();
    assert_eq!(m.state, MatterState::Signed);
    let m = act(&w, &w.fgw, &m, feedback(60)).unwrap();
    assert_eq!(m.state, MatterState::InProgress);
    let denied = act(
        &w,
        &w.czj,
        &m,
        Action::RequestCompletion {
            summary: "完成".into(),
        },
    )
    .unwrap_err();
    assert_eq!(denied, Denied::Forbidden("只有牵头单位可以申请办结".into()));
    let m = act(
        &w,
        &w.fgw,
        &m,
        Action::RequestCompletion {
            summary: "完成".into(),
        },
    )
    .unwrap();
    assert_eq!(m.state, MatterState::CompletionRequested);
    let m = act(
        &w,
        &w.ducha,
        &m,
        Action::Close {
            comment: "同意办结".into(),
            override_open: false,
            rating: None,
        },
    )
    .unwrap();
    assert_eq!(m.state, MatterState::Closed);
    assert!(
        m.assignments
            .iter()
            .all(|a| a.state == AssignmentState::Closed)
    );
}

/// A matter assigned to 市发改委 whose completion it has asked for.
fn awaiting_review(w: &World) -> Matter {
    let m = act(w, &w.ducha, &draft(), Action::Assign).unwrap();
    let summary = "完成".into();
    act(w, &w.fgw, &m, Action::RequestCompletion { summary }).unwrap()
}

#[test]
fn the_rating_given_at_close_is_kept_on_the_close_event_alone() {
    let w = world();
    let m = awaiting_review(&w);
    let close = Action::Close {
        comment: "同意办结".into(),
        override_open: false,
        rating: Some(Rating::Basically),
    };
    let t = act_below(&w, &w.ducha, &m, close, &OpenBelow::default()).unwrap();
    let ratings: Vec<_> = t.events.iter().map(|e| (e.kind, e.rating)).collect();
    assert_eq!(ratings, vec![(EventKind::Closed, Some(Rating::Basically))]);
}

#[test]
fn a_returned_report_stops_counting_and_the_one_before_it_stands_again() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(&w, &w.czj, &m, feedback(40)).unwrap();
    let earlier = m.assignment(CZJ).unwrap().last_feedback_at;
    let m = act(&w, &w.czj, &m, feedback(70)).unwrap();
    let report = ReturnedReport {
        on: OnReport {
            event: crate::ids::EventId(9),
            unit: CZJ,
        },
        at: now(),
        values: Vec::new(),
        before: None,
    };
    let back = |report: &ReturnedReport, reason: &str| Action::ReturnReport {
        report: report.clone(),
        reason: reason.into(),
    };
    let only_office = act(&w, &w.fgw, &m, back(&report, "数据不实")).unwrap_err();
    assert_eq!(
        only_office,
        Denied::Forbidden("只有督查人员可以退回反馈".into())
    );
    assert!(
        act(&w, &w.ducha, &m, back(&report, " ")).is_err(),
        "a reason is needed"
    );

    // With nothing before it, the unit has reported nothing.
    let none = act(&w, &w.ducha, &m, back(&report, "数据不实")).unwrap();
    let a = none.assignment(CZJ).unwrap();
    assert_eq!((a.last_feedback_at, a.percent), (None, 0));
    // With the 40 % before it, that report stands again; the lead unit is untouched.
    let before = ReturnedReport {
        before: Some((earlier.unwrap(), 40)),
        ..report
    };
    let actor = Actor {
        user: &w.ducha,
        tree: &w.tree,
    };
    let t = apply(
        &m,
        &actor,
        back(&before, "数据不实"),
        now(),
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )
    .unwrap();
    let a = t.matter.assignment(CZJ).unwrap();
    assert_eq!((a.last_feedback_at, a.percent), (earlier, 40));
    assert_eq!(t.matter.assignment(FGW), m.assignment(FGW));
    let e = &t.events[0];
    assert_eq!(
        (e.kind, e.unit_id, e.on_event, e.comment.as_str()),
        (
            EventKind::ReportReturned,
            Some(CZJ),
            Some(crate::ids::EventId(9)),
            "数据不实"
        )
    );
}

#[test]
fn a_returned_matter_goes_back_to_the_lead_unit() {
    let w = world();
    let m = awaiting_review(&w);
    assert!(act(&w, &w.ducha, &m, Action::Return { reason: " ".into() }).is_err());
    let m = act(
        &w,
        &w.ducha,
        &m,
        Action::Return {
            reason: "佐证不足".into(),
        },
    )
    .unwrap();
    assert_eq!(m.state, MatterState::InProgress);
    assert_eq!(
        m.assignment(FGW).unwrap().state,
        AssignmentState::InProgress
    );
}

#[test]
fn liaisons_cannot_close_and_strangers_cannot_touch() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(
        &w,
        &w.fgw,
        &m,
        Action::RequestCompletion {
            summary: "完成".into(),
        },
    )
    .unwrap();
    assert!(matches!(
        act(
            &w,
            &w.fgw,
            &m,
            Action::Close {
                comment: String::new(),
                override_open: false,
                rating: None,
            }
        ),
        Err(Denied::Forbidden(_))
    ));
    assert!(matches!(
        act(&w, &w.other, &m, Action::Sign),
        Err(Denied::Forbidden(_))
    ));
    assert!(
        !Actor {
            user: &w.other,
            tree: &w.tree
        }
        .can_see(&m)
    );
}

#[test]
fn an_action_from_the_wrong_state_names_the_state() {
    let w = world();
    let err = act(
        &w,
        &w.ducha,
        &draft(),
        Action::Close {
            comment: String::new(),
            override_open: false,
            rating: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "当前状态为“立项”,不能办结");
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(&w, &w.fgw, &m, Action::Sign).unwrap();
    let err = act(&w, &w.fgw, &m, Action::Sign).unwrap_err();
    assert_eq!(err.to_string(), "当前状态为“已签收”,不能签收");
}

#[test]
fn reporting_signs_an_unsigned_assignment_on_the_way() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let actor = Actor {
        user: &w.czj,
        tree: &w.tree,
    };
    let t = apply(
        &m,
        &actor,
        feedback(30),
        now(),
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )
    .unwrap();
    let kinds: Vec<_> = t.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![EventKind::Signed, EventKind::Feedback]);
    assert!(matches!(
        act(&w, &w.czj, &m, feedback(101)),
        Err(Denied::Invalid(_))
    ));
}

#[test]
fn an_extension_needs_the_whole_chain_before_the_deadline_moves() {
    let w = world();
    let mut m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    m.leader_id = Some(w.leader.id);
    let new_deadline = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let ask = Action::RequestExtension {
        new_deadline,
        reason: "资金未到位".into(),
    };
    assert!(matches!(
        act(&w, &w.czj, &m, ask.clone()),
        Err(Denied::Forbidden(_))
    ));
    let m = act(&w, &w.fgw, &m, ask.clone()).unwrap();
    assert!(act(&w, &w.fgw, &m, ask).is_err(), "one request at a time");
    let approve = Action::ApproveExtension {
        comment: "同意".into(),
    };
    assert!(
        act(&w, &w.leader, &m, approve.clone()).is_err(),
        "the supervisor approves first"
    );
    let m = act(&w, &w.ducha, &m, approve.clone()).unwrap();
    assert_eq!(
        m.deadline,
        Some(NaiveDate::from_ymd_opt(2026, 8, 28).unwrap())
    );
    let m = act(&w, &w.leader, &m, approve).unwrap();
    assert_eq!(m.deadline, Some(new_deadline));
    assert!(m.extension.is_none());
}

#[test]
fn an_extension_is_asked_before_the_deadline() {
    let w = world();
    let mut m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    m.deadline = NaiveDate::from_ymd_opt(2026, 6, 29);
    let ask = Action::RequestExtension {
        new_deadline: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        reason: "x".into(),
    };
    assert!(matches!(act(&w, &w.fgw, &m, ask), Err(Denied::Invalid(_))));
}

#[test]
fn a_cancelled_matter_cannot_be_cancelled_again() {
    let w = world();
    let m = act(
        &w,
        &w.ducha,
        &draft(),
        Action::Cancel {
            reason: "重复立项".into(),
        },
    )
    .unwrap();
    assert_eq!(m.state, MatterState::Cancelled);
    assert!(matches!(
        act(&w, &w.ducha, &m, Action::Cancel { reason: "x".into() }),
        Err(Denied::WrongState { .. })
    ));
}

/// One open sub-matter the actor can see and one they cannot.
#[test]
fn reassigning_the_lead_hands_over_the_role_and_keeps_the_old_record() {
    let w = world();
    let assigned = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let reassign = |from, to, reason: &str| Action::Reassign {
        from,
        to,
        reason: reason.into(),
    };
    assert!(matches!(
        act(
            &w,
            &w.fgw,
            &assigned,
            reassign(Some(FGW), OTHER, "职能调整")
        ),
        Err(Denied::Forbidden(_))
    ));
    assert!(matches!(
        act(&w, &w.ducha, &assigned, reassign(Some(FGW), OTHER, " ")),
        Err(Denied::Invalid(_))
    ));
    assert!(matches!(
        act(
            &w,
            &w.ducha,
            &assigned,
            reassign(Some(FGW), CZJ, "职能调整")
        ),
        Err(Denied::Invalid(_))
    ));
    let m = act(
        &w,
        &w.ducha,
        &assigned,
        reassign(Some(FGW), OTHER, "职能调整"),
    )
    .unwrap();
    assert_eq!(m.lead_unit_id, OTHER);
    assert_eq!(m.lead().unwrap().unit_id, OTHER);
    let old = m.assignment(FGW).unwrap();
    assert_eq!(
        (old.state, old.role),
        (AssignmentState::Cancelled, AssignmentRole::Co)
    );
    assert_eq!(m.co_unit_ids, vec![CZJ]);
    // The unit taken off can no longer report; the new lead can.
    assert!(act(&w, &w.fgw, &m, feedback(10)).is_err());
    let m = act(&w, &w.other, &m, feedback(10)).unwrap();
    // A unit added alongside joins as a co-unit; closing leaves the old record as it was.
    let m = act(&w, &w.ducha, &m, reassign(None, FGW, "需要配合")).unwrap();
    assert_eq!(m.co_unit_ids, vec![CZJ, FGW]);
    assert_eq!(m.assignment(FGW).unwrap().state, AssignmentState::Assigned);
}

fn open_below() -> OpenBelow {
    OpenBelow {
        seen: vec!["督〔2026〕16号".into()],
        unseen: 1,
    }
}

fn act_below(
    w: &World,
    who: &User,
    m: &Matter,
    action: Action,
    below: &OpenBelow,
) -> Result<Transition, Denied> {
    let actor = Actor {
        user: who,
        tree: &w.tree,
    };
    apply(m, &actor, action, now(), &ExtensionChain::default(), below)
}

fn close(comment: &str, override_open: bool) -> Action {
    Action::Close {
        comment: comment.into(),
        override_open,
        rating: None,
    }
}

#[test]
fn the_lead_cannot_ask_to_close_while_a_sub_matter_is_open() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let ask = Action::RequestCompletion {
        summary: "完成".into(),
    };
    let denied = act_below(&w, &w.fgw, &m, ask.clone(), &open_below()).unwrap_err();
    assert_eq!(
        denied,
        Denied::OpenBelow("尚有2项下级事项未办结(督〔2026〕16号),不能申请办结".into())
    );
    // Once everything below is closed or cancelled, it may.
    let t = act_below(&w, &w.fgw, &m, ask, &OpenBelow::default()).unwrap();
    assert_eq!(t.matter.state, MatterState::CompletionRequested);
}

#[test]
fn a_supervisor_closes_past_open_sub_matters_only_by_override_with_a_reason() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(&w, &w.fgw, &m, feedback(90)).unwrap();
    let below = open_below();

    let denied = act_below(&w, &w.ducha, &m, close("同意", false), &below).unwrap_err();
    assert!(
        matches!(&denied, Denied::OpenBelow(msg) if msg.contains("强制办结")),
        "{denied:?}"
    );
    let denied = act_below(&w, &w.ducha, &m, close("  ", true), &below).unwrap_err();
    assert_eq!(denied, Denied::Invalid("请填写强制办结的理由".into()));
    // Nobody but a supervisor overrides, whoever else manages the matter.
    assert!(matches!(
        act_below(&w, &w.fgw, &m, close("理由", true), &below),
        Err(Denied::Forbidden(_))
    ));
    // A rating is of finished work, which an override is not.
    let rated = Action::Close {
        comment: "理由".into(),
        override_open: true,
        rating: Some(Rating::Satisfied),
    };
    assert_eq!(
        act_below(&w, &w.ducha, &m, rated, &below).unwrap_err(),
        Denied::Invalid("强制办结时不评价满意度".into())
    );

    // The lead could not ask, so the override is taken from a working state.
    let t = act_below(
        &w,
        &w.ducha,
        &m,
        close("乡镇任务已并入新项目", true),
        &below,
    )
    .unwrap();
    assert_eq!(t.matter.state, MatterState::Closed);
    assert!(
        t.matter
            .assignments
            .iter()
            .all(|a| a.state == AssignmentState::Closed)
    );
    let said: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.kind, e.comment.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            (
                EventKind::ForcedClose,
                "尚有2项下级事项未办结(督〔2026〕16号)"
            ),
            (
                EventKind::Closed,
                "乡镇任务已并入新项目\n配合单位尚未完成:4 待签收 未反馈"
            ),
        ]
    );
}

#[test]
fn an_override_with_nothing_open_below_is_an_ordinary_close() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    // Without open sub-matters there is nothing to override: the lead must ask first.
    let denied = act(&w, &w.ducha, &m, close("理由", true)).unwrap_err();
    assert!(matches!(denied, Denied::WrongState { .. }), "{denied:?}");
    let m = act(
        &w,
        &w.fgw,
        &m,
        Action::RequestCompletion {
            summary: "完成".into(),
        },
    )
    .unwrap();
    let t = act_below(&w, &w.ducha, &m, close("", true), &OpenBelow::default()).unwrap();
    let kinds: Vec<_> = t.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::Closed]);
}

#[test]
fn a_finished_matter_is_refused_for_its_state_not_its_sub_matters() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(
        &w,
        &w.ducha,
        &m,
        Action::Cancel {
            reason: "情况变化".into(),
        },
    )
    .unwrap();
    let denied = act_below(&w, &w.ducha, &m, close("理由", true), &open_below()).unwrap_err();
    assert!(matches!(denied, Denied::WrongState { .. }), "{denied:?}");
}

#[test]
fn open_below_names_only_what_the_actor_may_see() {
    let w = world();
    let mut mine = draft();
    mine.id = MatterId(2);
    mine.number.seq = 2;
    let mut elsewhere = draft();
    elsewhere.id = MatterId(3);
    elsewhere.number.seq = 3;
    elsewhere.lead_unit_id = OTHER;
    elsewhere.co_unit_ids = vec![];
    elsewhere.assignments = vec![Assignment::new(OTHER, AssignmentRole::Lead)];
    let mut closed = draft();
    closed.state = MatterState::Closed;
    let actor = Actor {
        user: &w.fgw,
        tree: &w.tree,
    };
    let below = OpenBelow::of([&mine, &elsewhere, &closed], &actor);
    assert_eq!(below.seen, vec![mine.number.to_string()]);
    assert_eq!(below.unseen, 1);
    assert_eq!(below.describe(), "尚有2项下级事项未办结(督〔2026〕2号)");
}

mod any_sequence {
    use proptest::prelude::*;

    use super::*;

    fn action(kind: u8) -> Action {
        let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
        match kind % 14 {
            0 => Action::Assign,
            1 => Action::Sign,
            2 => feedback(50),
            3 => Action::RequestCompletion {
                summary: "完成".into(),
            },
            4 => Action::Close {
                comment: "同意".into(),
                override_open: pick_override(kind),
                rating: None,
            },
            5 => Action::Return {
                reason: "补充材料".into(),
            },
            6 => Action::Remind {
                message: "请抓紧".into(),
                unit: None,
            },
            7 => Action::RequestExtension {
                new_deadline: day(30),
                reason: "资金未到位".into(),
            },
            8 => Action::ApproveExtension {
                comment: "同意".into(),
            },
            9 => Action::RejectExtension {
                reason: "理由不充分".into(),
            },
            10 => Action::Cancel {
                reason: "情况变化".into(),
            },
            11 => Action::Reassign {
                from: Some(if kind >= 128 { CZJ } else { FGW }),
                to: OTHER,
                reason: "职能调整".into(),
            },
            12 => Action::Reassign {
                from: None,
                to: if kind >= 128 { CZJ } else { OTHER },
                reason: "需要配合".into(),
            },
            _ => feedback(100),
        }
    }

    /// Some closes override open sub-matters, which only matters when there are some.
    fn pick_override(kind: u8) -> bool {
        kind >= 128
    }

    /// What must hold between a matter's state and its units' states, whatever happened.
    fn consistent(m: &Matter) -> Result<(), String> {
        // Units taken off the matter (改派) stay as cancelled records beside the others.
        let on = |a: &&Assignment| {
            a.state != AssignmentState::Cancelled || m.state == MatterState::Cancelled
        };
        let all = |s: AssignmentState| m.assignments.iter().filter(on).all(|a| a.state == s);
        let lead = m.lead().ok_or("no lead")?.state;
        if m.assignment(m.lead_unit_id).map(|a| a.role) != Some(AssignmentRole::Lead) {
            return Err(format!("the lead unit {} does not lead", m.lead_unit_id));
        }
        let co: Vec<UnitId> = m
            .assignments
            .iter()
            .filter(on)
            .filter(|a| a.role == AssignmentRole::Co)
            .map(|a| a.unit_id)
            .collect();
        if co != m.co_unit_ids && m.state != MatterState::Cancelled {
            return Err(format!("co-units {:?} but {:?}", m.co_unit_ids, co));
        }
        let ok = match m.state {
            MatterState::Draft => all(AssignmentState::Assigned),
            MatterState::Closed => all(AssignmentState::Closed),
            MatterState::Cancelled => all(AssignmentState::Cancelled),
            MatterState::CompletionRequested => lead == AssignmentState::CompletionRequested,
            MatterState::Signed => {
                m.assignments
                    .iter()
                    .filter(on)
                    .all(|a| a.state != AssignmentState::Assigned)
                    && lead.is_working()
            }
            MatterState::Assigned | MatterState::InProgress => {
                lead.is_working()
                    && m.assignments
                        .iter()
                        .filter(on)
                        .all(|a| a.state.is_working())
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{:?} with units {:?}", m.state, m.assignments))
        }
    }

    /// Mostly the person who would normally take the step, sometimes anybody: random people
    /// alone would almost never get a matter as far as closing.
    fn who(w: &World, kind: u8, pick: u8) -> &User {
        let people = [&w.ducha, &w.fgw, &w.czj, &w.other, &w.leader];
        if pick.is_multiple_of(5) {
            return people[usize::from(pick / 5) % people.len()];
        }
        match kind % 14 {
            1 | 2 | 13 if pick.is_multiple_of(3) => &w.other,
            1 | 2 | 13 if pick.is_multiple_of(2) => &w.czj,
            1 | 2 | 3 | 7 | 13 => &w.fgw,
            8 | 9 if pick.is_multiple_of(2) => &w.leader,
            _ => &w.ducha,
        }
    }

    proptest! {
        #[test]
        fn no_sequence_of_steps_breaks_the_lifecycle(
            steps in proptest::collection::vec((any::<u8>(), any::<u8>()), 1..40),
            open_below in any::<bool>(),
        ) {
            let below = if open_below {
                OpenBelow { seen: vec![MatterNumber { year: 2026, seq: 9 }.to_string()], unseen: 1 }
            } else {
                OpenBelow::default()
            };
            let w = world();
            let mut m = draft();
            m.leader_id = Some(w.leader.id);
            for (kind, pick) in steps {
                // Cancelling ends the story; let it happen, but rarely.
                let kind = if kind % 14 == 10 && !pick.is_multiple_of(4) { 2 } else { kind };
                let user = who(&w, kind, pick);
                let actor = Actor { user, tree: &w.tree };
                let finished = matches!(m.state, MatterState::Closed | MatterState::Cancelled);
                if let Ok(t) = apply(&m, &actor, action(kind), now(), &ExtensionChain::default(), &below) {
                    prop_assert!(!finished, "{:?} changed a finished matter", action(kind));
                    if open_below {
                        let done = matches!(
                            t.matter.state,
                            MatterState::Closed | MatterState::CompletionRequested
                        );
                        let forced = t.events.iter().any(|e| e.kind == EventKind::ForcedClose);
                        prop_assert!(
                            !done || forced || m.state == MatterState::CompletionRequested,
                            "finished past open sub-matters without an override"
                        );
                        prop_assert!(!forced || user.role == Role::Supervisor);
                    }
                    prop_assert_eq!(t.matter.version, m.version + 1);
                    prop_assert!(!t.events.is_empty());
                    prop_assert!(t.events.iter().all(|e| e.actor_id == user.id && e.at == now()));
                    let other_works = m.assignment(OTHER).is_some_and(|a| a.state.is_working());
                    prop_assert!(user.id != w.other.id || other_works, "a stranger acted");
                    m = t.matter;
                }
                if let Err(why) = consistent(&m) {
                    prop_assert!(false, "{}", why);
                }
            }
        }
    }
}

#[test]
fn closing_keeps_each_unfinished_co_units_state_and_progress_in_the_record() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let m = act(&w, &w.czj, &m, feedback(40)).unwrap();
    assert_eq!(
        describe_co_units(&m, &w.tree).as_deref(),
        Some("配合单位尚未完成:4 办理中 40%")
    );
    let m = act(
        &w,
        &w.fgw,
        &m,
        Action::RequestCompletion {
            summary: "完成".into(),
        },
    )
    .unwrap();
    let actor = Actor {
        user: &w.ducha,
        tree: &w.tree,
    };
    let closed = apply(
        &m,
        &actor,
        close("同意办结", false),
        now(),
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )
    .unwrap();
    let record = &closed.events.last().unwrap().comment;
    assert_eq!(record, "同意办结\n配合单位尚未完成:4 办理中 40%");
}

#[test]
fn a_co_unit_that_reported_its_part_done_is_not_behind() {
    let w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    assert_eq!(
        describe_co_units(&m, &w.tree).as_deref(),
        Some("配合单位尚未完成:4 待签收 未反馈")
    );
    let m = act(&w, &w.czj, &m, feedback(100)).unwrap();
    assert_eq!(describe_co_units(&m, &w.tree), None);
}

#[test]
fn files_are_added_by_the_office_the_units_at_work_and_their_leader_until_the_matter_ends() {
    let w = world();
    let attach = |who: &User, m: &Matter| {
        Actor {
            user: who,
            tree: &w.tree,
        }
        .may_attach(m)
    };
    let mut m = draft();
    m.leader_id = Some(w.leader.id);
    assert_eq!(
        attach(&w.ducha, &m),
        Ok(None),
        "the office files the 批示件 on a draft"
    );
    assert!(attach(&w.fgw, &m).is_err(), "a draft is the office's alone");

    let m = act(&w, &w.ducha, &m, Action::Assign).unwrap();
    assert_eq!(attach(&w.fgw, &m), Ok(Some(FGW)), "evidence is the unit's");
    assert_eq!(attach(&w.czj, &m), Ok(Some(CZJ)));
    assert_eq!(attach(&w.leader, &m), Ok(None));
    assert!(matches!(attach(&w.other, &m), Err(Denied::Forbidden(_))));

    let mut closed = m.clone();
    closed.state = MatterState::Closed;
    assert!(matches!(
        attach(&w.ducha, &closed),
        Err(Denied::WrongState { .. })
    ));
}

fn instruct(kind: InstructionKind, text: &str) -> Action {
    Action::Instruct {
        kind,
        text: text.into(),
        on: None,
    }
}

fn instructed(w: &World, who: &User, m: &Matter, action: Action) -> Result<NewEvent, Denied> {
    let actor = Actor {
        user: who,
        tree: &w.tree,
    };
    let t = apply(
        m,
        &actor,
        action,
        now(),
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )?;
    assert_eq!(t.matter.state, m.state, "an instruction moves no state");
    Ok(t.events.into_iter().next().expect("one event"))
}

#[test]
fn the_responsible_leader_and_a_leader_in_charge_of_a_unit_may_instruct_and_no_one_else() {
    let mut w = world();
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let refused = |w: &World, who: &User| {
        instructed(w, who, &m, instruct(InstructionKind::Instruct, "抓紧落实"))
            .expect_err("not this person's to instruct")
    };
    // A leader of the same government who neither leads the matter nor oversees its units.
    assert!(matches!(refused(&w, &w.leader), Denied::Forbidden(_)));
    assert!(matches!(refused(&w, &w.ducha), Denied::Forbidden(_)));
    assert!(matches!(refused(&w, &w.fgw), Denied::Forbidden(_)));

    let mut led = m.clone();
    led.leader_id = Some(w.leader.id);
    let e = instructed(
        &w,
        &w.leader,
        &led,
        instruct(InstructionKind::Instruct, " 请抓紧落实 "),
    )
    .unwrap();
    assert_eq!(
        (e.kind, e.instruction, e.comment.as_str()),
        (
            EventKind::Instruction,
            Some(InstructionKind::Instruct),
            "请抓紧落实"
        )
    );

    // 分管领导 of the co-unit.
    w.leader.in_charge_of = vec![CZJ];
    let e = instructed(&w, &w.leader, &m, instruct(InstructionKind::Read, "")).unwrap();
    assert_eq!(e.comment, "已阅", "a tick without words reads as 已阅");
}

#[test]
fn an_instruction_needs_words_except_a_tick_and_a_cancelled_matter_takes_none() {
    let mut w = world();
    w.leader.in_charge_of = vec![FGW];
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    for kind in [InstructionKind::Instruct, InstructionKind::Praise] {
        assert!(matches!(
            instructed(&w, &w.leader, &m, instruct(kind, "  ")),
            Err(Denied::Invalid(_))
        ));
    }
    let long = "很".repeat(2_001);
    assert!(matches!(
        instructed(
            &w,
            &w.leader,
            &m,
            instruct(InstructionKind::Instruct, &long)
        ),
        Err(Denied::Invalid(_))
    ));
    let cancelled = act(
        &w,
        &w.ducha,
        &m,
        Action::Cancel {
            reason: "重复交办".into(),
        },
    )
    .unwrap();
    assert!(matches!(
        instructed(
            &w,
            &w.leader,
            &cancelled,
            instruct(InstructionKind::Praise, "好")
        ),
        Err(Denied::WrongState { .. })
    ));
}

#[test]
fn praise_of_a_report_names_the_report_and_the_unit_that_made_it() {
    let mut w = world();
    w.leader.in_charge_of = vec![CITY];
    let m = act(&w, &w.ducha, &draft(), Action::Assign).unwrap();
    let on = OnReport {
        event: crate::EventId(41),
        unit: CZJ,
    };
    let e = instructed(
        &w,
        &w.leader,
        &m,
        Action::Instruct {
            kind: InstructionKind::Praise,
            text: "配合有力".into(),
            on: Some(on),
        },
    )
    .unwrap();
    assert_eq!(
        (e.on_event, e.unit_id),
        (Some(crate::EventId(41)), Some(CZJ))
    );
}
