//! 申请办结: the lead unit reports the matter done and asks the office to close it.

use super::sign::signed;
use super::{Denied, OpenBelow, Step, non_empty, require};
use crate::event::EventKind;
use crate::matter::{AssignmentRole, AssignmentState, Matter, MatterState};

pub(super) fn request_completion(
    m: &mut Matter,
    step: &mut Step<'_>,
    summary: &str,
    below: &OpenBelow,
) -> Result<(), Denied> {
    let my_unit = step.actor.user.unit_id;
    let a = step.own_assignment(m)?;
    require(a.role == AssignmentRole::Lead, "只有牵头单位可以申请办结")?;
    step.allowed_in(a.state.is_working(), a.state.label())?;
    if !below.is_empty() {
        return Err(Denied::OpenBelow(format!(
            "{},不能申请办结",
            below.describe()
        )));
    }
    let summary = non_empty(summary, "办理情况")?;
    if a.state == AssignmentState::Assigned {
        signed(m, step, "随办结申请签收");
    }
    let a = m.assignment_mut(my_unit).expect("checked above");
    a.state = AssignmentState::CompletionRequested;
    a.percent = 100;
    a.last_feedback_at = Some(step.now);
    m.state = MatterState::CompletionRequested;
    let mut e = step
        .event(EventKind::CompletionRequested, &summary)
        .by_unit(my_unit);
    e.percent = Some(100);
    step.events.push(e);
    Ok(())
}
