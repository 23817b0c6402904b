//! 反馈进展: a unit reports how far its part has come.

use super::sign::signed;
use super::{Denied, Step, non_empty};
use crate::event::{EventKind, IndicatorValue};
use crate::indicator::{Actual, check_value};
use crate::matter::{AssignmentState, Matter, MatterState};

pub(super) fn feedback(
    m: &mut Matter,
    step: &mut Step<'_>,
    text: &str,
    percent: u8,
    [problems, next_steps]: [&str; 2],
    values: &[IndicatorValue],
) -> Result<(), Denied> {
    let my_unit = step.actor.user.unit_id;
    let a = step.own_assignment(m)?;
    step.allowed_in(a.state.is_working(), a.state.label())?;
    let text = non_empty(text, "进展情况")?;
    if percent > 100 {
        return Err(Denied::Invalid("完成进度应在0到100之间".into()));
    }
    let unsigned = a.state == AssignmentState::Assigned;
    record_values(m, values, step.now)?;
    if unsigned {
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
    e.values = values.to_vec();
    step.events.push(e);
    Ok(())
}

/// Adds each value to its indicator, once checked that every one names an indicator of the
/// matter, once, with a number people write.
fn record_values(
    m: &mut Matter,
    values: &[IndicatorValue],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), Denied> {
    for (i, v) in values.iter().enumerate() {
        let Some(indicator) = m.indicators.iter().find(|x| x.id == v.indicator_id) else {
            return Err(Denied::Invalid(format!(
                "本事项没有编号为{}的量化指标",
                v.indicator_id
            )));
        };
        check_value(&indicator.name, v.value).map_err(Denied::Invalid)?;
        if values[..i].iter().any(|w| w.indicator_id == v.indicator_id) {
            return Err(Denied::Invalid(format!(
                "指标“{}”填报了多个数值",
                indicator.name
            )));
        }
    }
    for v in values {
        let indicator = m
            .indicators
            .iter_mut()
            .find(|x| x.id == v.indicator_id)
            .expect("checked above");
        indicator.actuals.push(Actual { at, value: v.value });
    }
    Ok(())
}
