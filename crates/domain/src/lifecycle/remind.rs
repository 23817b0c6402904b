//! 催办: the office presses the units of a matter still being worked on, or one of them.

use super::{Denied, Step, require};
use crate::event::EventKind;
use crate::ids::UnitId;
use crate::matter::Matter;

pub(super) fn remind(
    m: &Matter,
    step: &mut Step<'_>,
    message: &str,
    unit: Option<UnitId>,
) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以催办")?;
    step.allowed_in(m.state.is_working(), m.state.label())?;
    let event = step.event(EventKind::Reminded, message.trim());
    step.events.push(match unit {
        None => event,
        Some(unit) => {
            let at_work = m.assignment(unit).is_some_and(|a| a.state.is_working());
            if !at_work {
                return Err(Denied::Invalid("该单位不是本事项正在办理的承办单位".into()));
            }
            event.by_unit(unit)
        }
    });
    Ok(())
}
