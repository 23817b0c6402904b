//! The 催办单 and its colour (三色督查): a reminder prints a slip whose colour says how far the
//! reminder ladder had climbed — blue for the reminder while the light is yellow, yellow for a
//! reminder while it is red, red once the leader has been told. Each colour says the slips
//! before it went unanswered.

use chrono::{DateTime, Utc};

use crate::ids::UnitId;
use crate::{Light, ladder};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slip {
    Blue,
    Yellow,
    Red,
}

impl Slip {
    pub fn as_str(self) -> &'static str {
        match self {
            Slip::Blue => "blue",
            Slip::Yellow => "yellow",
            Slip::Red => "red",
        }
    }

    /// 蓝色, 黄色, 红色.
    pub fn label(self) -> &'static str {
        match self {
            Slip::Blue => "蓝色",
            Slip::Yellow => "黄色",
            Slip::Red => "红色",
        }
    }

    /// The light the unit had when a ladder reminder printed this slip.
    fn light(self) -> Light {
        match self {
            Slip::Blue => Light::Yellow,
            Slip::Yellow | Slip::Red => Light::Red,
        }
    }
}

/// How far the ladder climbed for one concern of one unit, as the ladder keeps it: when the
/// yellow reminder went, how many red ones and when the last, and when it escalated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Climb {
    pub unit_id: UnitId,
    /// What the reminders are about ([`ladder::concern`]).
    pub concern: String,
    pub yellow_at: Option<DateTime<Utc>>,
    pub red_count: u32,
    pub last_red_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
}

impl Climb {
    /// The slips this concern's reminders printed that can still be told apart: the yellow
    /// reminder's, and the last red one's (red when escalation had come by then). Earlier red
    /// reminders are kept only as a count, and a later one is what a reader asks for anyway.
    fn slips(&self) -> Vec<(DateTime<Utc>, Slip)> {
        let escalated_by = |at: DateTime<Utc>| self.escalated_at.is_some_and(|e| e <= at);
        let mut slips: Vec<_> = self
            .yellow_at
            .map(|at| (at, Slip::Blue))
            .into_iter()
            .collect();
        if let Some(at) = self.last_red_at {
            let slip = if escalated_by(at) {
                Slip::Red
            } else {
                Slip::Yellow
            };
            slips.push((at, slip));
        }
        // The ladder escalates with a red reminder, so this is only for rows written otherwise.
        if let Some(at) = self
            .escalated_at
            .filter(|e| self.last_red_at.is_none_or(|r| r < *e))
        {
            slips.push((at, Slip::Red));
        }
        slips
    }

    /// The highest rung reached by `at`: what a reminder by hand then printed for the unit.
    /// The ladder never climbs down, so neither does the slip: a unit once escalated gets red.
    fn rung_at(&self, at: DateTime<Utc>) -> Slip {
        let by = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t <= at);
        if by(self.escalated_at) {
            Slip::Red
        } else if by(self.last_red_at) {
            Slip::Yellow
        } else {
            Slip::Blue
        }
    }

    fn reminders(&self) -> u32 {
        u32::from(self.yellow_at.is_some()) + self.red_count
    }
}

/// The latest 催办单 of a matter: the reminders sent at the latest moment any was sent, by the
/// ladder or by hand, of the most severe colour sent then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub at: DateTime<Utc>,
    pub slip: Slip,
    /// A supervisor's reminder by hand is among them.
    pub by_hand: bool,
    /// The units the slip is for, in the order given.
    pub units: Vec<Chased>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chased {
    pub unit_id: UnitId,
    /// What the ladder's reminders were about (已超过完成时限 …); `None` for a unit reminded by
    /// hand before the ladder reached it.
    pub about: Option<String>,
    /// How many reminders the unit has had on the matter, this one included.
    pub times: u32,
}

/// The latest round of reminders on a matter, from its ladder's climbs and its reminders by
/// hand, each with its time and the unit it named; `None` when it was never chased. A reminder
/// by hand that named no unit went to every unit at work, `units`, which also gives the order
/// the slip names them in.
pub fn latest(
    climbs: &[Climb],
    by_hand: &[(DateTime<Utc>, Option<UnitId>)],
    units: &[UnitId],
) -> Option<Round> {
    let mut sent: Vec<(DateTime<Utc>, UnitId, Slip, Option<String>)> = Vec::new();
    for c in climbs {
        for (at, slip) in c.slips() {
            sent.push((at, c.unit_id, slip, ladder::about(&c.concern, slip.light())));
        }
    }
    let reached = |named: Option<UnitId>, unit: UnitId| named.is_none_or(|n| n == unit);
    for &(at, named) in by_hand {
        for &unit in units.iter().filter(|&&u| reached(named, u)) {
            let rung = climbs
                .iter()
                .filter(|c| c.unit_id == unit)
                .map(|c| c.rung_at(at))
                .max()
                .unwrap_or(Slip::Blue);
            sent.push((at, unit, rung, None));
        }
    }
    let at = sent.iter().map(|s| s.0).max()?;
    let slip = sent.iter().filter(|s| s.0 == at).map(|s| s.2).max()?;
    let place = |u: UnitId| units.iter().position(|&v| v == u).unwrap_or(usize::MAX);
    let mut chosen: Vec<_> = sent
        .into_iter()
        .filter(|s| s.0 == at && s.2 == slip)
        .collect();
    chosen.sort_by_key(|s| (place(s.1), s.1));
    let mut chased: Vec<Chased> = Vec::new();
    for (_, unit, _, about) in chosen {
        match chased.last_mut() {
            Some(last) if last.unit_id == unit => {
                // Two concerns of one unit in the same round: both are said.
                last.about = match (last.about.take(), about) {
                    (Some(a), Some(b)) if a != b => Some(format!("{a};{b}")),
                    (a, b) => a.or(b),
                };
            }
            _ => chased.push(Chased {
                unit_id: unit,
                about,
                times: 0,
            }),
        }
    }
    let by_hand_units = |u: UnitId| {
        if units.contains(&u) {
            by_hand.iter().filter(|(_, n)| reached(*n, u)).count() as u32
        } else {
            0
        }
    };
    for c in &mut chased {
        let unit = c.unit_id;
        c.times = climbs
            .iter()
            .filter(|cl| cl.unit_id == unit)
            .map(Climb::reminders)
            .sum::<u32>()
            + by_hand_units(unit);
    }
    Some(Round {
        at,
        slip,
        by_hand: by_hand.iter().any(|(t, _)| *t == at),
        units: chased,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    const A: UnitId = UnitId(7);
    const B: UnitId = UnitId(8);

    fn climb(unit: UnitId) -> Climb {
        Climb {
            unit_id: unit,
            concern: "deadline".into(),
            yellow_at: None,
            red_count: 0,
            last_red_at: None,
            escalated_at: None,
        }
    }

    #[test]
    fn a_matter_never_chased_has_no_slip() {
        assert_eq!(latest(&[], &[], &[A, B]), None);
        assert_eq!(
            latest(&[climb(A)], &[], &[A]),
            None,
            "a ladder row at its foot"
        );
    }

    #[test]
    fn the_slip_turns_blue_then_yellow_then_red_as_the_ladder_climbs() {
        let yellow = at("2026-06-24T09:00:00+08:00");
        let red = at("2026-07-01T09:00:00+08:00");
        let escalated = at("2026-07-03T09:00:00+08:00");
        let mut c = Climb {
            yellow_at: Some(yellow),
            ..climb(A)
        };
        let round = latest(std::slice::from_ref(&c), &[], &[A]).unwrap();
        assert_eq!((round.at, round.slip), (yellow, Slip::Blue));
        assert_eq!(round.units[0].about.as_deref(), Some("临近完成时限"));

        c.red_count = 1;
        c.last_red_at = Some(red);
        let round = latest(std::slice::from_ref(&c), &[], &[A]).unwrap();
        assert_eq!((round.at, round.slip), (red, Slip::Yellow));
        assert_eq!(round.units[0].about.as_deref(), Some("已超过完成时限"));
        assert_eq!(round.units[0].times, 2);

        c.red_count = 3;
        c.last_red_at = Some(escalated);
        c.escalated_at = Some(escalated);
        let round = latest(std::slice::from_ref(&c), &[], &[A]).unwrap();
        assert_eq!(
            (round.at, round.slip, round.by_hand),
            (escalated, Slip::Red, false)
        );
        assert_eq!(round.units[0].times, 4);

        // Red reminders after the escalation stay red.
        c.red_count = 4;
        c.last_red_at = Some(at("2026-07-07T09:00:00+08:00"));
        assert_eq!(latest(&[c], &[], &[A]).unwrap().slip, Slip::Red);
    }

    #[test]
    fn a_reminder_by_hand_prints_the_rung_each_unit_has_reached_and_names_the_worst() {
        let red = at("2026-07-01T09:00:00+08:00");
        let by_hand = at("2026-07-02T15:00:00+08:00");
        let a = Climb {
            red_count: 1,
            last_red_at: Some(red),
            ..climb(A)
        };
        let round = latest(std::slice::from_ref(&a), &[(by_hand, None)], &[B, A]).unwrap();
        assert_eq!(
            (round.at, round.slip, round.by_hand),
            (by_hand, Slip::Yellow, true)
        );
        assert_eq!(round.units.len(), 1, "B is on a blue slip of its own");
        assert_eq!(round.units[0].unit_id, A);
        assert_eq!(round.units[0].times, 2);
        assert_eq!(round.units[0].about, None);

        let round = latest(&[], &[(by_hand, None)], &[B, A]).unwrap();
        assert_eq!(round.slip, Slip::Blue);
        let named: Vec<UnitId> = round.units.iter().map(|c| c.unit_id).collect();
        assert_eq!(named, [B, A], "in the matter's order");

        // A reminder that named one unit (a round's 催报) is that unit's alone.
        let round = latest(&[], &[(red, None), (by_hand, Some(B))], &[B, A]).unwrap();
        let named: Vec<(UnitId, u32)> = round.units.iter().map(|c| (c.unit_id, c.times)).collect();
        assert_eq!(named, [(B, 2)]);
    }

    #[test]
    fn two_concerns_of_one_unit_in_one_round_are_both_said() {
        let now = at("2026-07-01T09:00:00+08:00");
        let report = Climb {
            concern: "report:2026-06-29".into(),
            red_count: 1,
            last_red_at: Some(now),
            ..climb(A)
        };
        let deadline = Climb {
            red_count: 1,
            last_red_at: Some(now),
            ..climb(A)
        };
        let round = latest(&[deadline, report], &[], &[A]).unwrap();
        assert_eq!(
            round.units[0].about.as_deref(),
            Some("已超过完成时限;应于6月29日前反馈,尚未反馈")
        );
        assert_eq!(round.units[0].times, 2);
    }
}
