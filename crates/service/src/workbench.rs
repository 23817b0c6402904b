//! The workbench: what the signed-in person has to do now, by role.

use luoshi_domain::{AssignmentState, Light, Role, User};

use crate::matters::{ListQuery, MatterView};
use crate::{Luoshi, Result};

#[derive(Debug, Clone, Default)]
pub struct Workbench {
    /// Liaison: assigned to my unit and not yet signed for.
    pub to_sign: Vec<MatterView>,
    /// Liaison: signed or in progress for my unit, soonest deadline first.
    pub to_report: Vec<MatterView>,
    /// Supervisor and leader: open matters showing red.
    pub overdue: Vec<MatterView>,
    /// Supervisor: completion requests waiting for review.
    pub to_review: Vec<MatterView>,
    /// Supervisor and leader: extension requests waiting for approval.
    pub extensions: Vec<MatterView>,
}

impl Luoshi {
    pub async fn workbench(&self, user: &User) -> Result<Workbench> {
        let views = self.visible_views(user, &ListQuery::default()).await?;
        let mut w = Workbench::default();
        for v in views {
            let m = &v.matter;
            if user.role == Role::Liaison {
                match m.assignment(user.unit_id).map(|a| a.state) {
                    Some(AssignmentState::Assigned) => w.to_sign.push(v),
                    Some(AssignmentState::Signed | AssignmentState::InProgress) => {
                        w.to_report.push(v)
                    }
                    _ => {}
                }
                continue;
            }
            if m.extension.is_some() {
                w.extensions.push(v.clone());
            }
            if m.state == luoshi_domain::MatterState::CompletionRequested {
                w.to_review.push(v);
            } else if m.state.is_open() && v.light == Light::Red {
                w.overdue.push(v);
            }
        }
        Ok(w)
    }
}
