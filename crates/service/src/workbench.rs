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
    /// Supervisor and leader: open matters showing red.
    pub overdue: Vec<MatterView>,
    /// Supervisor: completion requests waiting for review.
    pub to_review: Vec<MatterView>,
    /// Supervisor and leader: extension requests waiting for approval.
    pub extensions: Vec<MatterView>,
    /// Supervisor: units that have not answered — not signed in time, or a report overdue —
    /// with the matters they owe an answer on.
    pub silent: Vec<(UnitId, Vec<MatterView>)>,
    /// Leader: for each unit in charge (分管), its open matters by light.
    pub in_charge: Vec<(UnitId, BTreeMap<Light, usize>)>,
}

/// Not signed in time, or a periodic report overdue: the unit has gone quiet.
fn silent(cause: &Cause) -> bool {
    matches!(cause, Cause::NotSigned | Cause::ReportOverdue(_))
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
        let mut in_charge: BTreeMap<UnitId, BTreeMap<Light, usize>> = user
            .in_charge_of
            .iter()
            .map(|u| (*u, BTreeMap::new()))
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
                let charged = user
                    .in_charge_of
                    .iter()
                    .find(|c| tree.is_within(a.unit_id, **c));
                if let Some(unit) = charged.filter(|_| m.state.is_open()) {
                    *in_charge
                        .entry(*unit)
                        .or_default()
                        .entry(*light)
                        .or_default() += 1;
                }
            }
            if m.extension.is_some() {
                w.extensions.push(v.clone());
            }
            if m.state == MatterState::CompletionRequested {
                w.to_review.push(v);
            } else if m.state.is_open() && v.light == Light::Red {
                w.overdue.push(v);
            }
        }
        w.silent = silent_units.into_iter().collect();
        w.silent
            .sort_by_key(|(_, owed)| std::cmp::Reverse(owed.len()));
        w.in_charge = in_charge.into_iter().collect();
        Ok(w)
    }
}
