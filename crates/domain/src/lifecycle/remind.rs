//! 催办: the office presses the units of a matter still being worked on.

use super::{Denied, Step, require};
use crate::event::EventKind;
use crate::matter::Matter;

pub(super) fn remind(m: &Matter, step: &mut Step<'_>, message: &str) -> Result<(), Denied> {
    require(step.actor.manages(m), "只有督查人员可以催办")?;
    step.allowed_in(m.state.is_working(), m.state.label())?;
    step.events
        .push(step.event(EventKind::Reminded, message.trim()));
    Ok(())
}
