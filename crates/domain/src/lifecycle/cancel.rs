//! 撤销: the office withdraws a matter that is not finished, with a reason.

use super::{Denied, Step, non_empty, require};
use crate::event::EventKind;
use crate::matter::{AssignmentState, Matter, MatterState};

pub(super) fn cancel(m: &mut Matter, step: &mut Step<'_>, reason: &str) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以撤销事项")?;
    let finished = matches!(m.state, MatterState::Closed | MatterState::Cancelled);
    step.allowed_in(!finished, m.state.label())?;
    let reason = non_empty(reason, "撤销理由")?;
    for a in &mut m.assignments {
        a.state = AssignmentState::Cancelled;
    }
    m.state = MatterState::Cancelled;
    m.extension = None;
    step.events.push(step.event(EventKind::Cancelled, &reason));
    Ok(())
}
