//! The workbench: what the signed-in person has to do now, by role.

use std::collections::{BTreeMap, HashMap};

use luoshi_domain::{AssignmentState, Cause, Light, MatterId, MatterState, Role, UnitId, User};

use crate::matters::{ListQuery, MatterView};
use crate::{Luoshi, Result};

#[derive(Debug, Clone, Default)]
pub struct Workbench {
    /// Liaison: assigned to my unit and not yet signed for.
    pub to_sign: Vec<MatterView>,
    /// Liaison: completions of my unit's that the supervisor sent back (退回).
    pub returned: Vec<MatterView>,
    /// Why each of `returned` was sent back: the latest return's reason.
    pub return_reasons: HashMap<MatterId, String>,
    /// Liaison: signed or in progress for my unit, soonest deadline first.
    pub to_report: Vec<MatterView>,
    /// Supervisor and leader: open matters showing red (overdue, a report overdue, or far
    /// behind plan).
    pub red: Vec<MatterView>,
    /// Supervisor: completion requests waiting for review.
    pub to_review: Vec<MatterView>,
    /// Supervisor and leader: extension requests waiting for approval.
    pub extensions: Vec<MatterView>,
    /// Supervisor and leader: units that have not answered — not signed in time, a report or a
    /// first reply overdue — with the matters they owe an answer on, most owed first.
    pub silent: Vec<(UnitId, Vec<MatterView>)>,
    /// Supervisor and leader: how each unit stands, worst first. A leader with units in charge
    /// (分管) sees those units, each with everything below it; anyone else every unit that has a
    /// part in an open matter.
    pub standings: Vec<Standing>,
}

/// One unit's open parts, counted by what a leader asks first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub unit: UnitId,
    pub lights: BTreeMap<Light, usize>,
    /// Parts past their deadline.
    pub overdue: usize,
    /// Parts on which the unit owes an answer (not signed in time, a report or a first reply overdue).
    pub silent: usize,
}

impl Standing {
    fn new(unit: UnitId) -> Standing {
        Standing {
            unit,
            lights: BTreeMap::new(),
            overdue: 0,
            silent: 0,
        }
    }

    pub fn count(&self, light: Light) -> usize {
        self.lights.get(&light).copied().unwrap_or(0)
    }

    pub fn open(&self) -> usize {
        self.lights.values().sum()
    }

    /// Red first, then overdue, then no answer, then yellow: the order a leader chases in.
    fn rank(&self) -> std::cmp::Reverse<(usize, usize, usize, usize)> {
        std::cmp::Reverse((
            self.count(Light::Red),
            self.overdue,
            self.silent,
            self.count(Light::Yellow),
        ))
    }
}

/// Not signed in time, a periodic report overdue, or no first reply to a leader's 批示: the
/// unit has gone quiet.
fn silent(cause: &Cause) -> bool {
    matches!(
        cause,
        Cause::NotSigned | Cause::ReportOverdue(_) | Cause::FirstReplyOverdue(_)
    )
}

impl Luoshi {
    pub async fn workbench(&self, user: &User) -> Result<Workbench> {
        // Everything on the workbench is still open; closed and cancelled matters, most of a
        // year's ledger, need not be read.
        let open = ListQuery {
            states: MatterState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_open())
                .collect(),
            ..ListQuery::default()
        };
        let views = self.visible_views(user, &open).await?;
        let returned: HashMap<MatterId, String> = if user.role == Role::Liaison {
            self.store()
                .returned_to(user.unit_id)
                .await?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        let tree = self.tree();
        let mut w = Workbench::default();
        let mut silent_units: BTreeMap<UnitId, Vec<MatterView>> = BTreeMap::new();
        let mut standings: BTreeMap<UnitId, Standing> = user
            .in_charge_of
            .iter()
            .map(|u| (*u, Standing::new(*u)))
            .collect();
        for v in views {
            let m = &v.matter;
            if user.role == Role::Liaison {
                match m.assignment(user.unit_id).map(|a| a.state) {
                    _ if returned.contains_key(&m.id) => {
                        w.return_reasons.insert(m.id, returned[&m.id].clone());
                        w.returned.push(v)
                    }
                    Some(AssignmentState::Assigned) => w.to_sign.push(v),
                    Some(AssignmentState::Signed | AssignmentState::InProgress) => {
                        w.to_report.push(v)
                    }
                    _ => {}
                }
                continue;
            }
            for ((a, light), causes) in m
                .assignments
                .iter()
                .zip(&v.assignment_lights)
                .zip(&v.assignment_causes)
            {
                if causes.iter().any(silent) {
                    silent_units.entry(a.unit_id).or_default().push(v.clone());
                }
                let ranked = if user.in_charge_of.is_empty() {
                    Some(a.unit_id)
                } else {
                    user.in_charge_of
                        .iter()
                        .find(|c| tree.is_within(a.unit_id, **c))
                        .copied()
                };
                if let Some(unit) =
                    ranked.filter(|_| m.state.is_open() && a.state != AssignmentState::Cancelled)
                {
                    let s = standings.entry(unit).or_insert_with(|| Standing::new(unit));
                    *s.lights.entry(*light).or_default() += 1;
                    s.overdue += usize::from(causes.contains(&Cause::Overdue));
                    s.silent += usize::from(causes.iter().any(silent));
                }
            }
            if m.extension.is_some() {
                w.extensions.push(v.clone());
            }
            if m.state == MatterState::CompletionRequested {
                w.to_review.push(v);
            } else if m.state.is_open() && v.light == Light::Red {
                w.red.push(v);
            }
        }
        w.silent = silent_units.into_iter().collect();
        w.silent
            .sort_by_key(|(_, owed)| std::cmp::Reverse(owed.len()));
        w.standings = standings.into_values().collect();
        w.standings.sort_by_key(|s| s.rank());
        Ok(w)
    }
}
