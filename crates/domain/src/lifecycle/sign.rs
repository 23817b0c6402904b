//! 签收: a unit acknowledges its part. Reporting or asking for completion first signs on the way.

use super::{Denied, Step};
use crate::event::EventKind;
use crate::matter::{AssignmentState, Matter, MatterState};

pub(super) fn sign(m: &mut Matter, step: &mut Step<'_>) -> Result<(), Denied> {
    let a = step.own_assignment(m)?;
    step.allowed_in(a.state == AssignmentState::Assigned, a.state.label())?;
    signed(m, step, "");
    Ok(())
}

/// Records the actor's unit as signed; the matter is signed once every unit is.
pub(super) fn signed(m: &mut Matter, step: &mut Step<'_>, note: &str) {
    let unit = step.actor.user.unit_id;
    if let Some(a) = m.assignment_mut(unit) {
        a.state = AssignmentState::Signed;
        a.signed_at = Some(step.now);
    }
    if m.state == MatterState::Assigned
        && m.assignments
            .iter()
            .all(|a| a.state != AssignmentState::Assigned)
    {
        m.state = MatterState::Signed;
    }
    step.events
        .push(step.event(EventKind::Signed, note).by_unit(unit));
}
