//! 反馈进展: a unit reports how far its part has come.

use super::sign::signed;
use super::{Denied, Step, non_empty};
use crate::event::EventKind;
use crate::matter::{AssignmentState, Matter, MatterState};

pub(super) fn feedback(
    m: &mut Matter,
    step: &mut Step<'_>,
    text: &str,
    percent: u8,
    problems: &str,
    next_steps: &str,
) -> Result<(), Denied> {
    let my_unit = step.actor.user.unit_id;
    let a = step.own_assignment(m)?;
    step.allowed_in(a.state.is_working(), a.state.label())?;
    let text = non_empty(text, "进展情况")?;
    if percent > 100 {
        return Err(Denied::Invalid("完成进度应在0到100之间".into()));
    }
    if a.state == AssignmentState::Assigned {
        signed(m, step, "随反馈签收");
    }
    let a = m.assignment_mut(my_unit).expect("checked above");
    a.state = AssignmentState::InProgress;
    a.percent = percent;
    a.last_feedback_at = Some(step.now);
    if matches!(m.state, MatterState::Assigned | MatterState::Signed) {
        m.state = MatterState::InProgress;
    }
    let mut e = step.event(EventKind::Feedback, &text).by_unit(my_unit);
    e.percent = Some(percent);
    e.problems = problems.trim().to_string();
    e.next_steps = next_steps.trim().to_string();
    step.events.push(e);
    Ok(())
}
