//! The office's review of a matter: 办结 closes it, 退回 sends a request to close back to the
//! lead unit, 退回反馈 sends one unit's report back.

use super::{Denied, OpenBelow, ReturnedReport, Step, describe_co_units, non_empty, require};
use crate::event::{EventKind, Rating};
use crate::matter::{AssignmentState, Matter, MatterState};
use crate::user::Role;

pub(super) fn close(
    m: &mut Matter,
    step: &mut Step<'_>,
    comment: &str,
    override_open: bool,
    rating: Option<Rating>,
    below: &OpenBelow,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以办结事项")?;
    step.allowed_in(m.state.is_open(), m.state.label())?;
    if below.is_empty() {
        step.allowed_in(m.state == MatterState::CompletionRequested, m.state.label())?;
    } else {
        if !override_open {
            return Err(Denied::OpenBelow(format!(
                "{},不能办结;督查人员可填写理由后强制办结",
                below.describe()
            )));
        }
        require(
            step.actor.user.role == Role::Supervisor,
            "只有督查人员可以在下级事项未办结时强制办结",
        )?;
        non_empty(comment, "强制办结的理由")?;
        // The rating is of finished work, and an override closes over work left unfinished.
        if rating.is_some() {
            return Err(Denied::Invalid("强制办结时不评价满意度".into()));
        }
        // The lead cannot ask to close while sub-matters are open, so an override stands
        // in for that request: it is taken from any open state.
        step.events
            .push(step.event(EventKind::ForcedClose, &below.describe()));
    }
    // Each co-unit's part as it stood is kept with the close, since the matter's
    // close ends it whatever it was.
    let behind = describe_co_units(m, step.actor.tree);
    // A unit taken off the matter (改派) keeps its record as it was.
    for a in &mut m.assignments {
        if a.state != AssignmentState::Cancelled {
            a.state = AssignmentState::Closed;
        }
    }
    m.state = MatterState::Closed;
    m.closed_at = Some(step.now);
    m.extension = None;
    let record = match (comment.trim(), behind) {
        (comment, None) => comment.to_string(),
        ("", Some(behind)) => behind,
        (comment, Some(behind)) => format!("{comment}\n{behind}"),
    };
    let mut closed = step.event(EventKind::Closed, &record);
    closed.rating = rating;
    step.events.push(closed);
    Ok(())
}

pub(super) fn return_to_lead(
    m: &mut Matter,
    step: &mut Step<'_>,
    reason: &str,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以退回事项")?;
    step.allowed_in(m.state == MatterState::CompletionRequested, m.state.label())?;
    let reason = non_empty(reason, "退回理由")?;
    let lead = m.lead_unit_id;
    if let Some(a) = m.assignment_mut(lead) {
        a.state = AssignmentState::InProgress;
    }
    m.state = MatterState::InProgress;
    step.events
        .push(step.event(EventKind::Returned, &reason).by_unit(lead));
    Ok(())
}

/// 退回反馈: the office sends one unit's latest report back. It stops counting: the unit's
/// progress and last report are what they were before it, so the unit owes the report again
/// (a round, a cadence), and is told why.
pub(super) fn return_report(
    m: &mut Matter,
    step: &mut Step<'_>,
    report: &ReturnedReport,
    reason: &str,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以退回反馈")?;
    step.allowed_in(m.state.is_working(), m.state.label())?;
    let reason = non_empty(reason, "退回理由")?;
    let unit = report.on.unit;
    let a = m
        .assignment_mut(unit)
        .ok_or_else(|| Denied::Invalid("该单位不是本事项的承办单位".into()))?;
    if !a.state.is_working() {
        return Err(Denied::WrongState {
            state: a.state.label(),
            action: step.action.label(),
        });
    }
    a.last_feedback_at = report.before.map(|(at, _)| at);
    a.percent = report.before.map_or(0, |(_, percent)| percent);
    for v in &report.values {
        if let Some(i) = m.indicators.iter_mut().find(|i| i.id == v.indicator_id)
            && let Some(at) = i
                .actuals
                .iter()
                .rposition(|x| x.at == report.at && x.value == v.value)
        {
            i.actuals.remove(at);
        }
    }
    let mut e = step.event(EventKind::ReportReturned, &reason).by_unit(unit);
    e.on_event = Some(report.on.event);
    step.events.push(e);
    Ok(())
}
