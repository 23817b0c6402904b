//! 交办 and 改派: the office hands a matter to its units, and later hands one unit's part, or a
//! new co-unit's, to another unit.

use super::{Denied, Step, non_empty, require};
use crate::event::EventKind;
use crate::ids::UnitId;
use crate::matter::{Assignment, AssignmentRole, AssignmentState, Matter, MatterState};

pub(super) fn assign(m: &mut Matter, step: &mut Step<'_>) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以交办事项")?;
    step.allowed_in(m.state == MatterState::Draft, m.state.label())?;
    m.state = MatterState::Assigned;
    m.assigned_at = Some(step.now);
    step.events.push(step.event(EventKind::Assigned, ""));
    Ok(())
}

/// `to` takes over `from`'s part (its role, the lead included), or with no `from` joins as a
/// co-unit. The unit taken off keeps its assignment, cancelled, as the record.
pub(super) fn reassign(
    m: &mut Matter,
    step: &mut Step<'_>,
    from: Option<UnitId>,
    to: UnitId,
    reason: &str,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以改派事项")?;
    step.allowed_in(
        matches!(
            m.state,
            MatterState::Assigned | MatterState::Signed | MatterState::InProgress
        ),
        m.state.label(),
    )?;
    let reason = non_empty(reason, "改派理由")?;
    if m.assignment(to).is_some_and(|a| a.state.is_working()) {
        return Err(Denied::Invalid("该单位已在承办本事项".into()));
    }
    let role = match from {
        Some(from) => {
            let old = m
                .assignment_mut(from)
                .filter(|a| a.state.is_working())
                .ok_or_else(|| Denied::Invalid("被改派的单位不在承办本事项".into()))?;
            let role = old.role;
            old.role = AssignmentRole::Co;
            old.state = AssignmentState::Cancelled;
            role
        }
        None => AssignmentRole::Co,
    };
    // A unit taken off before and now given the work again takes up its old record.
    m.assignments.retain(|a| a.unit_id != to);
    m.assignments.push(Assignment::new(to, role));
    if role == AssignmentRole::Lead {
        m.lead_unit_id = to;
    }
    // Signed means every unit signed; the new one has not yet.
    if m.state == MatterState::Signed {
        m.state = MatterState::Assigned;
    }
    m.co_unit_ids = m
        .assignments
        .iter()
        .filter(|a| a.role == AssignmentRole::Co && a.state != AssignmentState::Cancelled)
        .map(|a| a.unit_id)
        .collect();
    step.events
        .push(step.event(EventKind::Reassigned, &reason).by_unit(to));
    Ok(())
}
