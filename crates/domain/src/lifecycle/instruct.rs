//! 批示、圈阅、肯定: a leader of the matter writes on it, or on one of its reports.

use super::{Denied, Step, non_empty, require};
use crate::event::{EventKind, InstructionKind};
use crate::ids::{EventId, UnitId};
use crate::matter::{Matter, MatterState};

/// The report an instruction is written on, and the unit that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnReport {
    pub event: EventId,
    pub unit: UnitId,
}

pub(super) fn instruct(
    m: &Matter,
    step: &mut Step<'_>,
    kind: InstructionKind,
    text: &str,
    on: Option<OnReport>,
) -> Result<(), Denied> {
    require(
        step.actor.leads(m),
        "只有该事项的责任领导或分管承办单位的领导可以批示",
    )?;
    // A closed matter still takes a leader's praise or tick; a cancelled one is no one's work.
    step.allowed_in(m.state != MatterState::Cancelled, m.state.label())?;
    let text = match kind {
        InstructionKind::Read if text.trim().is_empty() => "已阅".to_string(),
        InstructionKind::Read => text.trim().to_string(),
        InstructionKind::Instruct => non_empty(text, "批示内容")?,
        InstructionKind::Praise => non_empty(text, "肯定意见")?,
    };
    if text.chars().count() > MAX_CHARS {
        return Err(Denied::Invalid(format!(
            "{}内容不能超过{MAX_CHARS}字",
            kind.label()
        )));
    }
    let mut e = step.event(EventKind::Instruction, &text);
    e.instruction = Some(kind);
    if let Some(on) = on {
        e.on_event = Some(on.event);
        e.unit_id = Some(on.unit);
    }
    step.events.push(e);
    Ok(())
}

/// A 批示 is a few lines; a page of text is a document to attach instead.
const MAX_CHARS: usize = 2_000;
