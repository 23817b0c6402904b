//! 退回反馈: the office sends one unit's latest progress report back to be made again.

use luoshi_domain::{
    Action, Event, EventId, EventKind, Matter, MatterId, OnReport, ReturnedReport, User,
};

use super::MatterDetail;
use crate::{Luoshi, Result, ServiceError, with_actor};

impl Luoshi {
    /// Refuses, with `message`, a step only the office managing the matter may take, before
    /// its input is read: whoever may not take it learns nothing from how the input is wrong.
    pub fn require_manager(&self, user: &User, m: &Matter, message: &str) -> Result<()> {
        if with_actor(self, user, |a| a.manages(m)) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(message.to_string()))
        }
    }

    /// Sends the report `report` back to its unit with the reason; it must be that unit's
    /// latest report that still stands.
    pub async fn return_report(
        &self,
        user: &User,
        id: MatterId,
        report: EventId,
        reason: &str,
    ) -> Result<MatterDetail> {
        let (m, events) = self.visible_matter_with_events(user, id).await?;
        self.require_manager(user, &m, "只有督查人员可以退回反馈")?;
        let report = returnable(&events, report)?;
        let action = Action::ReturnReport {
            report,
            reason: reason.to_string(),
        };
        self.act(user, id, action).await
    }
}

/// The report as the lifecycle takes it back: the unit's latest standing progress report, with
/// the one before it that stands again.
fn returnable(events: &[Event], id: EventId) -> Result<ReturnedReport> {
    let not_found = || ServiceError::invalid("event_id", "该事项没有这条进展反馈");
    let e = events
        .iter()
        .find(|e| e.id == id && e.data.kind == EventKind::Feedback)
        .ok_or_else(not_found)?;
    let unit = e.data.unit_id.ok_or_else(not_found)?;
    if e.was_returned(events) {
        return Err(ServiceError::invalid("event_id", "这条反馈已被退回"));
    }
    if Event::latest_report_of(events, unit).map(|x| x.id) != Some(id) {
        return Err(ServiceError::invalid(
            "event_id",
            "只能退回该单位最近一次的进展反馈",
        ));
    }
    // The report before it that stands is the latest of the timeline before it: an earlier
    // report can only have been sent back while it was the latest, so before this one came.
    let earlier = &events[..events.iter().position(|x| x.id == id).expect("found above")];
    let before =
        Event::latest_report_of(earlier, unit).map(|x| (x.data.at, x.data.percent.unwrap_or(0)));
    Ok(ReturnedReport {
        on: OnReport { event: id, unit },
        at: e.data.at,
        values: e.data.values.clone(),
        before,
    })
}
