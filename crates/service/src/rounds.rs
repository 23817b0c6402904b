//! Report rounds (报送轮次): under a matter's report rule each period is a round, and each unit
//! at work has reported in it or not. The office sees, for a day, every matter and unit still
//! missing from the round that day falls in, and presses them all at once.

use chrono::NaiveDate;
use luoshi_domain::rounds::{ReportRule, Round};
use luoshi_domain::{
    Action, AssignmentState, Calendar, Event, Matter, MatterId, MatterState, Power, UnitId, User,
    china_date,
};

use crate::matters::{ListQuery, MatterView};
use crate::{Luoshi, Result};

/// One round of one matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub rule: ReportRule,
    pub round: Round,
    /// Each unit at work (or that was, when the round ran), lead first, and whether it reported
    /// in the round.
    pub units: Vec<(UnitId, bool)>,
}

impl RoundView {
    pub fn period(&self) -> String {
        self.round.period.code(self.rule)
    }

    pub fn label(&self) -> String {
        self.round.period.label(self.rule)
    }

    pub fn missing(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.units.iter().filter(|(_, r)| !r).map(|(u, _)| *u)
    }
}

/// A matter with units missing from a round.
#[derive(Debug, Clone)]
pub struct Missing {
    pub view: MatterView,
    pub round: RoundView,
}

/// Whether `unit` reported in `round`: a progress report or a request to close, not sent back,
/// made from the round's start (or its due day, when a holiday moved that before the period) to its end.
fn reported(events: &[Event], unit: UnitId, round: Round) -> bool {
    let from = round.period.first.min(round.due);
    events.iter().any(|e| {
        e.data.unit_id == Some(unit)
            && (from..=round.period.last).contains(&china_date(e.data.at))
            && e.is_standing_report(events)
    })
}

/// The rounds a matter has owed up to `today` (the next one due included), each with who
/// reported in it; none for a matter without a rule or never assigned. A finished matter owes
/// none after the day it finished.
pub fn rounds_of(
    m: &Matter,
    events: &[Event],
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<RoundView> {
    let (Some(rule), Some(assigned)) = (m.report_rule, m.assigned_at) else {
        return Vec::new();
    };
    let until = m.closed_at.map_or(today, |c| china_date(c).min(today));
    let units: Vec<UnitId> = m
        .assignments
        .iter()
        .filter(|a| a.state != AssignmentState::Cancelled)
        .map(|a| a.unit_id)
        .collect();
    rule.rounds(china_date(assigned), until, calendar)
        .into_iter()
        .map(|round| RoundView {
            rule,
            round,
            units: units
                .iter()
                .map(|u| (*u, reported(events, *u, round)))
                .collect(),
        })
        .collect()
}

impl Luoshi {
    /// The rounds of a matter the caller may read.
    pub async fn rounds(&self, user: &User, id: MatterId) -> Result<Vec<RoundView>> {
        let (m, events) = self.visible_matter_with_events(user, id).await?;
        Ok(rounds_of(&m, &events, &self.calendar(), self.today()))
    }

    /// The matters reported by rule that the caller may see, in the states `wanted`, each
    /// with its timeline: read in two statements however many there are.
    async fn by_rule(
        &self,
        user: &User,
        wanted: fn(MatterState) -> bool,
    ) -> Result<Vec<(MatterView, Vec<Event>)>> {
        let query = ListQuery {
            states: MatterState::ALL
                .iter()
                .copied()
                .filter(|s| wanted(*s))
                .collect(),
            by_rule: true,
            ..ListQuery::default()
        };
        let views = self.matching(user, &query).await?;
        let ids: Vec<MatterId> = views.iter().map(|v| v.matter.id).collect();
        let mut events = self.store.events_of(&ids).await?;
        Ok(views
            .into_iter()
            .map(|v| {
                let mine = events
                    .extract_if(.., |e| e.matter_id == v.matter.id)
                    .collect();
                (v, mine)
            })
            .collect())
    }

    /// For the round `on` falls in, every open matter reported by rule that the caller may see,
    /// with the units at work that have not reported in it yet; those whose round was never
    /// theirs (due before the matter was assigned) are left out.
    pub async fn missing_reports(&self, user: &User, on: NaiveDate) -> Result<Vec<Missing>> {
        let calendar = self.calendar();
        let mut missing = Vec::new();
        for (view, mine) in self.by_rule(user, MatterState::is_working).await? {
            let m = &view.matter;
            let (Some(rule), Some(assigned)) = (m.report_rule, m.assigned_at) else {
                continue;
            };
            let round = rule.round_of(on, &calendar);
            if round.due <= china_date(assigned) {
                continue;
            }
            let units: Vec<(UnitId, bool)> = m
                .assignments
                .iter()
                .filter(|a| a.state.is_working())
                .map(|a| (a.unit_id, reported(&mine, a.unit_id, round)))
                .collect();
            let round = RoundView { rule, round, units };
            if round.missing().next().is_some() {
                missing.push(Missing { view, round });
            }
        }
        missing.sort_by_key(|m| (m.round.round.due, m.view.matter.id));
        Ok(missing)
    }

    /// The rounds due from `from` to `to` (and before `as_of`) of the matters reported by rule
    /// that the caller may see, and the units that missed them, each with how many it missed,
    /// most first: (rounds owed by a unit, missed, by unit).
    pub async fn missed_rounds(
        &self,
        user: &User,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<(usize, usize, Vec<(UnitId, usize)>)> {
        let calendar = self.calendar();
        let (mut owed, mut missed) = (0, 0);
        let mut by_unit: Vec<(UnitId, usize)> = Vec::new();
        for (view, mine) in self.by_rule(user, MatterState::is_counted).await? {
            for r in rounds_of(&view.matter, &mine, &calendar, as_of) {
                let due = r.round.due;
                if due < from || due > to || due >= as_of {
                    continue;
                }
                owed += r.units.len();
                for unit in r.missing() {
                    missed += 1;
                    match by_unit.iter_mut().find(|(u, _)| *u == unit) {
                        Some((_, n)) => *n += 1,
                        None => by_unit.push((unit, 1)),
                    }
                }
            }
        }
        by_unit.sort_by_key(|(u, n)| (std::cmp::Reverse(*n), *u));
        Ok((owed, missed, by_unit))
    }

    /// 一键催报: reminds every unit missing from the round `on` falls in, each on its own
    /// matter, saying which round and by when. Returns how many units were reminded.
    pub async fn remind_missing(&self, user: &User, on: NaiveDate) -> Result<usize> {
        self.authorize(user, Power::Register)?;
        let mut reminded = 0;
        let today = self.today();
        for m in self.missing_reports(user, on).await? {
            let (due, round) = (luoshi_office::cn_date(m.round.round.due), m.round.label());
            let message = if m.round.round.due < today {
                format!("{round}进展应于{due}前报送,至今未报,请即报送。")
            } else {
                format!("请于{due}前报送{round}进展情况。")
            };
            for unit in m.round.missing() {
                let action = Action::Remind {
                    message: message.clone(),
                    unit: Some(unit),
                };
                self.act(user, m.view.matter.id, action).await?;
                reminded += 1;
            }
        }
        Ok(reminded)
    }
}
