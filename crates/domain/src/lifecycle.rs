//! The matter lifecycle as a state machine: which action is allowed from which state, and who may
//! take it. `apply` is the only way a matter changes; it returns the changed matter together with
//! the events that record the change, so the two are always written together.

use chrono::{DateTime, NaiveDate, Utc};

use crate::event::{EventKind, NewEvent};
use crate::ids::{UnitId, UserId};
use crate::matter::{AssignmentRole, AssignmentState, Extension, Matter, MatterState};
use crate::org::OrgTree;
use crate::user::{Role, User};

/// Something a person asks to do to a matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Assign,
    Sign,
    Feedback {
        text: String,
        percent: u8,
        problems: String,
        next_steps: String,
    },
    RequestCompletion {
        summary: String,
    },
    Close {
        comment: String,
        /// Close although sub-matters are still open (SPEC §8): a supervisor's decision, for
        /// which `comment` is the reason.
        override_open: bool,
    },
    Return {
        reason: String,
    },
    Remind {
        message: String,
    },
    RequestExtension {
        new_deadline: NaiveDate,
        reason: String,
    },
    ApproveExtension {
        comment: String,
    },
    RejectExtension {
        reason: String,
    },
    Cancel {
        reason: String,
    },
    /// 改派: `to` takes over `from`'s part (its role, the lead included), or with no `from`
    /// joins as a co-unit. The unit taken off keeps its assignment, cancelled, as the record.
    Reassign {
        from: Option<UnitId>,
        to: UnitId,
        reason: String,
    },
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Action::Assign => "交办",
            Action::Sign => "签收",
            Action::Feedback { .. } => "反馈进展",
            Action::RequestCompletion { .. } => "申请办结",
            Action::Close { .. } => "办结",
            Action::Return { .. } => "退回",
            Action::Remind { .. } => "催办",
            Action::RequestExtension { .. } => "申请延期",
            Action::ApproveExtension { .. } => "审批延期",
            Action::RejectExtension { .. } => "审批延期",
            Action::Cancel { .. } => "撤销",
            Action::Reassign { .. } => "改派",
        }
    }
}

/// Why an action was refused. Messages are for the person who tried, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor may not do this to this matter at all.
    #[error("{0}")]
    Forbidden(String),
    /// Not allowed from the matter's (or the unit's assignment's) current state.
    #[error("当前状态为“{state}”,不能{action}")]
    WrongState {
        state: &'static str,
        action: &'static str,
    },
    /// The request itself is wrong (an empty reason, a percent over 100 …).
    #[error("{0}")]
    Invalid(String),
    /// Sub-matters are still open, so the matter may not be finished yet.
    #[error("{0}")]
    OpenBelow(String),
}

/// What the lifecycle must know about a matter's sub-matters, at every depth: which are still
/// open (neither closed nor cancelled, drafts included). Gathered by the caller, since reading
/// them is I/O.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenBelow {
    /// The numbers of the open ones the actor may see, under their orgs' 字号…
    pub seen: Vec<String>,
    /// …and how many more are open out of the actor's sight, counted but not named so that a
    /// refusal does not reveal what the actor may not read.
    pub unseen: usize,
}

impl OpenBelow {
    /// The open ones among `descendants`, named as far as `actor` may see them.
    pub fn of<'m>(descendants: impl IntoIterator<Item = &'m Matter>, actor: &Actor<'_>) -> Self {
        let mut below = OpenBelow::default();
        for d in descendants {
            if matches!(d.state, MatterState::Closed | MatterState::Cancelled) {
                continue;
            }
            if actor.can_see(d) {
                below.seen.push(actor.tree.number_label(d.org_id, d.number));
            } else {
                below.unseen += 1;
            }
        }
        below
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty() && self.unseen == 0
    }

    pub fn count(&self) -> usize {
        self.seen.len() + self.unseen
    }

    /// "尚有2项下级事项未办结(督〔2026〕16号、督〔2026〕17号)".
    pub fn describe(&self) -> String {
        let mut text = format!("尚有{}项下级事项未办结", self.count());
        if !self.seen.is_empty() {
            text.push_str(&format!("({})", self.seen.join("、")));
        }
        text
    }
}

/// "配合单位尚未完成:市财政局 办理中 40%;市工信局 待签收 未反馈" — what a lead's request to
/// close leaves behind, for the lead before asking and the office before closing; `None` when
/// every co-unit has reported its part done.
pub fn describe_co_units(m: &Matter, tree: &OrgTree) -> Option<String> {
    let parts: Vec<String> = m
        .unfinished_co_units()
        .map(|a| {
            let name = tree.get(a.unit_id).map_or_else(
                || format!("单位{}", a.unit_id),
                |u| u.display_name().to_string(),
            );
            let progress = if a.last_feedback_at.is_none() {
                "未反馈".to_string()
            } else {
                format!("{}%", a.percent)
            };
            format!("{name} {} {progress}", a.state.label())
        })
        .collect();
    (!parts.is_empty()).then(|| format!("配合单位尚未完成:{}", parts.join(";")))
}

/// The matters a person may read: those owned by one of `org_ids`, those whose responsible
/// leader they are, and those carried by one of `assigned_units`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    pub org_ids: Vec<UnitId>,
    pub leader_id: Option<UserId>,
    pub assigned_units: Vec<UnitId>,
}

impl Visibility {
    pub fn admits(&self, m: &Matter) -> bool {
        self.org_ids.contains(&m.org_id)
            || (self.leader_id.is_some() && m.leader_id == self.leader_id)
            || m.assignments
                .iter()
                .any(|a| self.assigned_units.contains(&a.unit_id))
    }
}

/// Who approves an extension, in order (SPEC §4: configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionChain(pub Vec<Role>);

impl Default for ExtensionChain {
    fn default() -> Self {
        ExtensionChain(vec![Role::Supervisor, Role::Leader])
    }
}

/// What applying an action produced: the matter as it now is, and the events that say why.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub matter: Matter,
    pub events: Vec<NewEvent>,
}

/// Who is acting, with what they may see.
pub struct Actor<'a> {
    pub user: &'a User,
    pub tree: &'a OrgTree,
}

impl Actor<'_> {
    /// The government whose subtree this person works in.
    pub fn org(&self) -> Option<UnitId> {
        self.tree.org_of(self.user.unit_id)
    }

    fn in_org(&self, unit: UnitId) -> bool {
        self.org().is_some_and(|org| self.tree.is_within(unit, org))
    }

    /// What this person may read, as one rule that a single matter check and a database query
    /// both follow.
    pub fn visibility(&self) -> Visibility {
        let user = self.user;
        let org_subtree = || {
            self.org()
                .map(|org| self.tree.orgs_within(org))
                .unwrap_or_default()
        };
        match user.role {
            Role::Admin | Role::Supervisor => Visibility {
                org_ids: org_subtree(),
                ..Visibility::default()
            },
            Role::Leader => Visibility {
                org_ids: org_subtree(),
                leader_id: Some(user.id),
                assigned_units: user
                    .in_charge_of
                    .iter()
                    .flat_map(|u| self.tree.subtree(*u))
                    .collect(),
            },
            Role::Liaison => {
                let is_gov = self
                    .tree
                    .get(user.unit_id)
                    .is_some_and(|u| u.kind.is_government());
                Visibility {
                    org_ids: if is_gov { vec![user.unit_id] } else { vec![] },
                    leader_id: None,
                    assigned_units: vec![user.unit_id],
                }
            }
        }
    }

    /// The org whose scope is exactly what this person sees, when it is one: supervisors and
    /// administrators see the matters of the orgs within theirs (as [`OrgTree::orgs_within`]
    /// names them) and no others.
    pub fn scope(&self) -> Option<UnitId> {
        match self.user.role {
            Role::Admin | Role::Supervisor => self.org(),
            Role::Leader | Role::Liaison => None,
        }
    }

    /// May this person read the matter at all?
    pub fn can_see(&self, m: &Matter) -> bool {
        self.visibility().admits(m)
    }

    /// Supervisors manage the matters of their org; a government's liaison manages the
    /// sub-matters its own government decomposed (SPEC §8).
    pub fn manages(&self, m: &Matter) -> bool {
        match self.user.role {
            Role::Supervisor => self.in_org(m.org_id),
            Role::Liaison => {
                m.org_id == self.user.unit_id
                    && self
                        .tree
                        .get(self.user.unit_id)
                        .is_some_and(|u| u.kind.is_government())
            }
            Role::Admin | Role::Leader => false,
        }
    }
}

fn require(cond: bool, message: &str) -> Result<(), Denied> {
    if cond {
        Ok(())
    } else {
        Err(Denied::Forbidden(message.to_string()))
    }
}

fn non_empty(text: &str, what: &str) -> Result<String, Denied> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Denied::Invalid(format!("请填写{what}")));
    }
    Ok(t.to_string())
}

/// Refuses `action` unless `ok`, naming the state it was tried in.
fn allowed_in(ok: bool, state: &'static str, action: &Action) -> Result<(), Denied> {
    if ok {
        Ok(())
    } else {
        Err(Denied::WrongState {
            state,
            action: action.label(),
        })
    }
}

/// Applies `action` by `actor` to `matter` at `now`. `below` says which of the matter's
/// sub-matters are still open: a matter is not finished while they are, unless a supervisor
/// overrides with a reason.
pub fn apply(
    matter: &Matter,
    actor: &Actor<'_>,
    action: Action,
    now: DateTime<Utc>,
    chain: &ExtensionChain,
    below: &OpenBelow,
) -> Result<Transition, Denied> {
    require(actor.can_see(matter), "无权查看或办理该事项")?;
    let mut m = matter.clone();
    let me = actor.user.id;
    let my_unit = actor.user.unit_id;
    let event = |kind: EventKind, comment: &str| NewEvent::new(kind, me, now, comment);
    let mut events = Vec::new();

    match &action {
        Action::Assign => {
            require(actor.manages(matter), "只有督查人员可以交办事项")?;
            allowed_in(m.state == MatterState::Draft, m.state.label(), &action)?;
            m.state = MatterState::Assigned;
            m.assigned_at = Some(now);
            events.push(event(EventKind::Assigned, ""));
        }
        Action::Sign => {
            let a = own_assignment(&m, actor, &action)?;
            allowed_in(
                a.state == AssignmentState::Assigned,
                a.state.label(),
                &action,
            )?;
            sign(&mut m, my_unit, now, me, &mut events, "");
        }
        Action::Feedback {
            text,
            percent,
            problems,
            next_steps,
        } => {
            let a = own_assignment(&m, actor, &action)?;
            allowed_in(a.state.is_working(), a.state.label(), &action)?;
            let text = non_empty(text, "进展情况")?;
            if *percent > 100 {
                return Err(Denied::Invalid("完成进度应在0到100之间".into()));
            }
            if a.state == AssignmentState::Assigned {
                sign(&mut m, my_unit, now, me, &mut events, "随反馈签收");
            }
            let a = m.assignment_mut(my_unit).expect("checked above");
            a.state = AssignmentState::InProgress;
            a.percent = *percent;
            a.last_feedback_at = Some(now);
            if matches!(m.state, MatterState::Assigned | MatterState::Signed) {
                m.state = MatterState::InProgress;
            }
            let mut e = event(EventKind::Feedback, &text).by_unit(my_unit);
            e.percent = Some(*percent);
            e.problems = problems.trim().to_string();
            e.next_steps = next_steps.trim().to_string();
            events.push(e);
        }
        Action::RequestCompletion { summary } => {
            let a = own_assignment(&m, actor, &action)?;
            require(a.role == AssignmentRole::Lead, "只有牵头单位可以申请办结")?;
            allowed_in(a.state.is_working(), a.state.label(), &action)?;
            if !below.is_empty() {
                return Err(Denied::OpenBelow(format!(
                    "{},不能申请办结",
                    below.describe()
                )));
            }
            let summary = non_empty(summary, "办理情况")?;
            if a.state == AssignmentState::Assigned {
                sign(&mut m, my_unit, now, me, &mut events, "随办结申请签收");
            }
            let a = m.assignment_mut(my_unit).expect("checked above");
            a.state = AssignmentState::CompletionRequested;
            a.percent = 100;
            a.last_feedback_at = Some(now);
            m.state = MatterState::CompletionRequested;
            let mut e = event(EventKind::CompletionRequested, &summary).by_unit(my_unit);
            e.percent = Some(100);
            events.push(e);
        }
        Action::Close {
            comment,
            override_open,
        } => {
            require(actor.manages(matter), "只有督查人员可以办结事项")?;
            allowed_in(m.state.is_open(), m.state.label(), &action)?;
            if below.is_empty() {
                allowed_in(
                    m.state == MatterState::CompletionRequested,
                    m.state.label(),
                    &action,
                )?;
            } else {
                if !override_open {
                    return Err(Denied::OpenBelow(format!(
                        "{},不能办结;督查人员可填写理由后强制办结",
                        below.describe()
                    )));
                }
                require(
                    actor.user.role == Role::Supervisor,
                    "只有督查人员可以在下级事项未办结时强制办结",
                )?;
                non_empty(comment, "强制办结的理由")?;
                // The lead cannot ask to close while sub-matters are open, so an override stands
                // in for that request: it is taken from any open state.
                events.push(event(EventKind::ForcedClose, &below.describe()));
            }
            // Each co-unit's part as it stood is kept with the close, since the matter's
            // close ends it whatever it was.
            let behind = describe_co_units(&m, actor.tree);
            // A unit taken off the matter (改派) keeps its record as it was.
            for a in &mut m.assignments {
                if a.state != AssignmentState::Cancelled {
                    a.state = AssignmentState::Closed;
                }
            }
            m.state = MatterState::Closed;
            m.closed_at = Some(now);
            m.extension = None;
            let record = match (comment.trim(), behind) {
                (comment, None) => comment.to_string(),
                ("", Some(behind)) => behind,
                (comment, Some(behind)) => format!("{comment}\n{behind}"),
            };
            events.push(event(EventKind::Closed, &record));
        }
        Action::Return { reason } => {
            require(actor.manages(matter), "只有督查人员可以退回事项")?;
            allowed_in(
                m.state == MatterState::CompletionRequested,
                m.state.label(),
                &action,
            )?;
            let reason = non_empty(reason, "退回理由")?;
            let lead = m.lead_unit_id;
            if let Some(a) = m.assignment_mut(lead) {
                a.state = AssignmentState::InProgress;
            }
            m.state = MatterState::InProgress;
            events.push(event(EventKind::Returned, &reason).by_unit(lead));
        }
        Action::Remind { message } => {
            require(actor.manages(matter), "只有督查人员可以催办")?;
            allowed_in(m.state.is_working(), m.state.label(), &action)?;
            events.push(event(EventKind::Reminded, message.trim()));
        }
        Action::RequestExtension {
            new_deadline,
            reason,
        } => {
            let a = own_assignment(&m, actor, &action)?;
            require(a.role == AssignmentRole::Lead, "只有牵头单位可以申请延期")?;
            allowed_in(m.state.is_working(), m.state.label(), &action)?;
            let reason = non_empty(reason, "延期理由")?;
            let Some(deadline) = m.deadline else {
                return Err(Denied::Invalid(
                    "该事项为持续推进事项,没有完成时限,无需延期".into(),
                ));
            };
            if crate::china_date(now) > deadline {
                return Err(Denied::Invalid(
                    "已超过完成时限,延期须在时限届满前申请".into(),
                ));
            }
            if *new_deadline <= deadline {
                return Err(Denied::Invalid("申请的新时限应晚于现有完成时限".into()));
            }
            if m.extension.is_some() {
                return Err(Denied::Invalid("已有一项延期申请正在审批".into()));
            }
            m.extension = Some(Extension {
                new_deadline: *new_deadline,
                reason: reason.clone(),
                requested_by: me,
                requested_at: now,
                approvals: 0,
            });
            let mut e = event(EventKind::ExtensionRequested, &reason).by_unit(my_unit);
            e.new_deadline = Some(*new_deadline);
            events.push(e);
        }
        Action::ApproveExtension { comment } => {
            let ext = pending_extension(&m, actor, chain)?;
            let mut e = event(EventKind::ExtensionApproved, comment.trim());
            e.new_deadline = Some(ext.new_deadline);
            if ext.approvals + 1 >= chain.0.len() {
                m.deadline = Some(ext.new_deadline);
                m.extension = None;
            } else if let Some(x) = m.extension.as_mut() {
                x.approvals += 1;
            }
            events.push(e);
        }
        Action::RejectExtension { reason } => {
            let ext = pending_extension(&m, actor, chain)?;
            let reason = non_empty(reason, "不同意的理由")?;
            let mut e = event(EventKind::ExtensionRejected, &reason);
            e.new_deadline = Some(ext.new_deadline);
            m.extension = None;
            events.push(e);
        }
        Action::Cancel { reason } => {
            require(actor.manages(matter), "只有督查人员可以撤销事项")?;
            let finished = matches!(m.state, MatterState::Closed | MatterState::Cancelled);
            allowed_in(!finished, m.state.label(), &action)?;
            let reason = non_empty(reason, "撤销理由")?;
            for a in &mut m.assignments {
                a.state = AssignmentState::Cancelled;
            }
            m.state = MatterState::Cancelled;
            m.extension = None;
            events.push(event(EventKind::Cancelled, &reason));
        }
        Action::Reassign { from, to, reason } => {
            require(actor.manages(matter), "只有督查人员可以改派事项")?;
            allowed_in(
                matches!(
                    m.state,
                    MatterState::Assigned | MatterState::Signed | MatterState::InProgress
                ),
                m.state.label(),
                &action,
            )?;
            let reason = non_empty(reason, "改派理由")?;
            if m.assignment(*to).is_some_and(|a| a.state.is_working()) {
                return Err(Denied::Invalid("该单位已在承办本事项".into()));
            }
            let role = match from {
                Some(from) => {
                    let old = m
                        .assignment_mut(*from)
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
            m.assignments.retain(|a| a.unit_id != *to);
            m.assignments.push(crate::Assignment::new(*to, role));
            if role == AssignmentRole::Lead {
                m.lead_unit_id = *to;
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
            events.push(event(EventKind::Reassigned, &reason).by_unit(*to));
        }
    }
    m.version += 1;
    Ok(Transition { matter: m, events })
}

/// The actor's own unit's assignment: liaisons act only for their own unit.
fn own_assignment<'m>(
    m: &'m Matter,
    actor: &Actor<'_>,
    action: &Action,
) -> Result<&'m crate::Assignment, Denied> {
    require(
        actor.user.role == Role::Liaison,
        "只有承办单位的联络员可以办理",
    )?;
    allowed_in(m.state != MatterState::Draft, m.state.label(), action)?;
    m.assignment(actor.user.unit_id)
        .ok_or_else(|| Denied::Forbidden("本单位不是该事项的承办单位".into()))
}

fn sign(
    m: &mut Matter,
    unit: UnitId,
    now: DateTime<Utc>,
    me: UserId,
    events: &mut Vec<crate::NewEvent>,
    note: &str,
) {
    if let Some(a) = m.assignment_mut(unit) {
        a.state = AssignmentState::Signed;
        a.signed_at = Some(now);
    }
    if m.state == MatterState::Assigned
        && m.assignments
            .iter()
            .all(|a| a.state != AssignmentState::Assigned)
    {
        m.state = MatterState::Signed;
    }
    events.push(NewEvent::new(EventKind::Signed, me, now, note).by_unit(unit));
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

#[cfg(test)]
mod tests;
