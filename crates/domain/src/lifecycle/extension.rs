//! 延期: the lead unit asks to move the deadline before it passes; each approver in the chain
//! in turn approves, and the deadline moves with the last, or rejects, which ends the request.

use chrono::NaiveDate;

use super::{Actor, Denied, Step, non_empty, require};
use crate::event::EventKind;
use crate::matter::{AssignmentRole, Extension, Matter};
use crate::user::Role;

/// Who approves an extension, in order (SPEC §4: configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionChain(pub Vec<Role>);

impl Default for ExtensionChain {
    fn default() -> Self {
        ExtensionChain(vec![Role::Supervisor, Role::Leader])
    }
}

pub(super) fn request(
    m: &mut Matter,
    step: &mut Step<'_>,
    new_deadline: NaiveDate,
    reason: &str,
) -> Result<(), Denied> {
    let a = step.own_assignment(m)?;
    require(a.role == AssignmentRole::Lead, "只有牵头单位可以申请延期")?;
    step.allowed_in(m.state.is_working(), m.state.label())?;
    let reason = non_empty(reason, "延期理由")?;
    let Some(deadline) = m.deadline else {
        return Err(Denied::Invalid(
            "该事项为持续推进事项,没有完成时限,无需延期".into(),
        ));
    };
    if crate::china_date(step.now) > deadline {
        return Err(Denied::Invalid(
            "已超过完成时限,延期须在时限届满前申请".into(),
        ));
    }
    if new_deadline <= deadline {
        return Err(Denied::Invalid("申请的新时限应晚于现有完成时限".into()));
    }
    if m.extension.is_some() {
        return Err(Denied::Invalid("已有一项延期申请正在审批".into()));
    }
    m.extension = Some(Extension {
        new_deadline,
        reason: reason.clone(),
        requested_by: step.actor.user.id,
        requested_at: step.now,
        approvals: 0,
    });
    let mut e = step
        .event(EventKind::ExtensionRequested, &reason)
        .by_unit(step.actor.user.unit_id);
    e.new_deadline = Some(new_deadline);
    step.events.push(e);
    Ok(())
}

pub(super) fn approve(
    m: &mut Matter,
    step: &mut Step<'_>,
    chain: &ExtensionChain,
    comment: &str,
) -> Result<(), Denied> {
    let ext = pending_extension(m, step.actor, chain)?;
    let mut e = step.event(EventKind::ExtensionApproved, comment.trim());
    e.new_deadline = Some(ext.new_deadline);
    if ext.approvals + 1 >= chain.0.len() {
        m.deadline = Some(ext.new_deadline);
        m.extension = None;
    } else if let Some(x) = m.extension.as_mut() {
        x.approvals += 1;
    }
    step.events.push(e);
    Ok(())
}

pub(super) fn reject(
    m: &mut Matter,
    step: &mut Step<'_>,
    chain: &ExtensionChain,
    reason: &str,
) -> Result<(), Denied> {
    let ext = pending_extension(m, step.actor, chain)?;
    let reason = non_empty(reason, "不同意的理由")?;
    let mut e = step.event(EventKind::ExtensionRejected, &reason);
    e.new_deadline = Some(ext.new_deadline);
    m.extension = None;
    step.events.push(e);
    Ok(())
}

/// The extension waiting for this actor's approval, if the actor is its next approver.
fn pending_extension(
    m: &Matter,
    actor: &Actor<'_>,
    chain: &ExtensionChain,
) -> Result<Extension, Denied> {
    let may_approve_as = |role: Role| match role {
        Role::Supervisor => actor.manages(m),
        Role::Leader => {
            actor.user.role == Role::Leader
                && (m.leader_id == Some(actor.user.id)
                    || (m.leader_id.is_none() && actor.can_see(m)))
        }
        Role::Admin | Role::Liaison => actor.user.role == role && actor.can_see(m),
    };
    // Someone with no place in the chain is refused before learning whether a request exists.
    require(
        chain.0.iter().any(|r| may_approve_as(*r)),
        "无权审批该事项的延期申请",
    )?;
    let Some(ext) = m.extension.clone() else {
        return Err(Denied::Invalid("该事项没有待审批的延期申请".into()));
    };
    let next = chain
        .0
        .get(ext.approvals)
        .copied()
        .unwrap_or(Role::Supervisor);
    require(
        may_approve_as(next),
        &format!("该延期申请正等待{}审批", next.label()),
    )?;
    Ok(ext)
}
