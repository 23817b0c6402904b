//! 批示、圈阅、肯定: a leader of the matter writes on it or on one of its reports; the units at
//! work are told, and a source may need the responsible leader's 圈阅 before the matter closes.

use luoshi_domain::{
    Action, Event, EventId, EventKind, InstructionKind, Matter, MatterId, OnReport, User,
};

use super::MatterDetail;
use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// A leader's instruction on the matter, or with `on` on one of its reports.
    pub async fn instruct(
        &self,
        user: &User,
        id: MatterId,
        kind: InstructionKind,
        text: &str,
        on: Option<EventId>,
    ) -> Result<MatterDetail> {
        let on = match on {
            None => None,
            Some(event) => {
                let (_, events) = self.visible_matter_with_events(user, id).await?;
                Some(report(&events, event)?)
            }
        };
        self.act(
            user,
            id,
            Action::Instruct {
                kind,
                text: text.to_string(),
                on,
            },
        )
        .await
    }

    /// Refuses to close a matter whose source the office has set to need the responsible
    /// leader's 圈阅 (`[rules] read_before_close`) until that leader has ticked it since the
    /// lead unit last asked to close it.
    pub(crate) fn require_leader_read(&self, m: &Matter, events: &[Event]) -> Result<()> {
        if !self.rules.read_before_close.contains(&m.source) {
            return Ok(());
        }
        // With no responsible leader named there is nobody whose tick to wait for.
        let Some(leader) = m.leader_id else {
            return Ok(());
        };
        let asked = events
            .iter()
            .rposition(|e| e.data.kind == EventKind::CompletionRequested)
            .unwrap_or(0);
        let read = events[asked..].iter().any(|e| {
            e.data.kind == EventKind::Instruction
                && e.data.actor_id == leader
                && e.data.instruction == Some(InstructionKind::Read)
        });
        if read {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                "leader",
                format!(
                    "{}事项须经责任领导圈阅后方可办结,请提请责任领导圈阅办结报告",
                    m.source.label()
                ),
            ))
        }
    }
}

/// The report an instruction is written on: a progress report or a request to close, of this
/// matter, by a unit.
fn report(events: &[Event], id: EventId) -> Result<OnReport> {
    events
        .iter()
        .find(|e| e.id == id)
        .filter(|e| {
            matches!(
                e.data.kind,
                EventKind::Feedback | EventKind::CompletionRequested
            )
        })
        .and_then(|e| e.data.unit_id.map(|unit| OnReport { event: e.id, unit }))
        .ok_or_else(|| ServiceError::invalid("on_event_id", "该事项没有这条反馈或办结报告"))
}
