//! 设定量化指标: the office gives a matter a number to move, with its baseline and target.

use super::{Denied, Step, require};
use crate::event::EventKind;
use crate::indicator::IndicatorDraft;
use crate::matter::Matter;

/// How many indicators one matter may carry: a 政府工作报告 task names a handful at most.
const MOST: usize = 20;

pub(super) fn set(
    m: &mut Matter,
    step: &mut Step<'_>,
    draft: IndicatorDraft,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以设定量化指标")?;
    step.allowed_in(
        m.state.is_open() || m.state == crate::matter::MatterState::Draft,
        m.state.label(),
    )?;
    if m.indicators.len() >= MOST {
        return Err(Denied::Invalid(format!("一个事项最多设定{MOST}项量化指标")));
    }
    let id = m.indicators.iter().map(|i| i.id).max().unwrap_or(0) + 1;
    let indicator = draft.check(id).map_err(Denied::Invalid)?;
    if m.indicators.iter().any(|i| i.name == indicator.name) {
        return Err(Denied::Invalid(format!(
            "本事项已有指标“{}”",
            indicator.name
        )));
    }
    let terms = format!("{}:{}", indicator.name, indicator.terms());
    let event = step.event(EventKind::IndicatorSet, &terms);
    step.events.push(event);
    m.indicators.push(indicator);
    Ok(())
}
