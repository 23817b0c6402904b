//! 立项: registering a matter as a draft, and correcting the draft before it is assigned.

use chrono::Datelike;
use luoshi_domain::{
    Assignment, AssignmentRole, Cadence, Event, EventKind, Matter, MatterId, MatterNumber,
    MatterState, NewEvent, Role, UnitId, User,
};

use super::{MatterDetail, MatterView, NewMatter};
use crate::{Luoshi, Result, ServiceError, with_actor};

const TITLE_MAX: usize = 200;
const CONTENT_MAX: usize = 20_000;

impl Luoshi {
    /// Registers a matter as a draft with its number. Supervisors register within their org; a
    /// government's liaison registers sub-matters of work assigned to it, for units below it.
    pub async fn create_matter(&self, user: &User, input: NewMatter) -> Result<MatterView> {
        let matter = self.prepare_matter(user, input).await?;
        let mut created = self.register(user, vec![matter]).await?;
        Ok(created.remove(0))
    }

    /// Writes prepared matters, all in one transaction, each with its "registered" event.
    pub(super) async fn register(
        &self,
        user: &User,
        matters: Vec<Matter>,
    ) -> Result<Vec<MatterView>> {
        let batch: Vec<_> = matters
            .into_iter()
            .map(|m| {
                let event = NewEvent::new(EventKind::Created, user.id, m.created_at, "");
                (m, vec![event])
            })
            .collect();
        let created = self.store.create_matters(&batch).await?;
        for m in &created {
            tracing::debug!(matter = %m.id, number = %m.number, by = %user.username, "matter registered");
        }
        Ok(self.views(created))
    }

    /// Checks a new matter against the caller's rights and the org tree, and builds it.
    pub(crate) async fn prepare_matter(&self, user: &User, mut input: NewMatter) -> Result<Matter> {
        let tree = self.tree();
        let now = self.now();
        // Who may register comes first: a caller without the right learns nothing from
        // validation.
        let org = match user.role {
            Role::Supervisor => tree.org_of(user.unit_id),
            Role::Liaison
                if input.parent_id.is_some()
                    && tree
                        .get(user.unit_id)
                        .is_some_and(|u| u.kind.is_government()) =>
            {
                Some(user.unit_id)
            }
            _ => None,
        }
        .ok_or_else(|| {
            ServiceError::Forbidden(
                "只有督查人员可以立项;乡镇、县区政府可对交办本级的事项分解立项".into(),
            )
        })?;

        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(ServiceError::invalid("title", "请填写事项名称"));
        }
        if title.chars().count() > TITLE_MAX {
            return Err(ServiceError::invalid(
                "title",
                format!("事项名称不能超过{TITLE_MAX}字"),
            ));
        }
        if input.content.chars().count() > CONTENT_MAX {
            return Err(ServiceError::invalid(
                "content",
                format!("事项内容不能超过{CONTENT_MAX}字"),
            ));
        }

        if let Some(parent_id) = input.parent_id {
            let parent = self.visible_matter(user, parent_id).await?;
            let decomposes_own = parent.assignment(user.unit_id).is_some();
            let manages = with_actor(self, user, |a| a.manages(&parent));
            if !(decomposes_own || manages) {
                return Err(ServiceError::Forbidden(
                    "只能分解本单位承办或本级管理的事项".into(),
                ));
            }
            if !parent.state.is_open() && parent.state != MatterState::Draft {
                return Err(ServiceError::Conflict(format!(
                    "上级事项当前状态为“{}”,不能再分解",
                    parent.state.label()
                )));
            }
        }

        let in_scope = |unit: UnitId| {
            tree.is_within(unit, org) && (user.role == Role::Supervisor || unit != org)
        };
        let check_unit = |unit: UnitId, field: &'static str| -> Result<()> {
            if tree.get(unit).is_none() {
                return Err(ServiceError::invalid(field, format!("单位 {unit} 不存在")));
            }
            if tree.is_retired(unit) {
                let name = tree.get(unit).map(|u| u.name.as_str()).unwrap_or_default();
                return Err(ServiceError::invalid(
                    field,
                    format!("“{name}”已撤销,不能再交办新的事项"),
                ));
            }
            if !in_scope(unit) {
                return Err(ServiceError::invalid(
                    field,
                    format!(
                        "“{}”不在本级管辖范围内",
                        tree.get(unit).map(|u| u.display_name()).unwrap_or_default()
                    ),
                ));
            }
            Ok(())
        };
        check_unit(input.lead_unit_id, "lead_unit_id")?;
        let mut co = Vec::new();
        for &unit in &input.co_unit_ids {
            check_unit(unit, "co_unit_ids")?;
            if unit == input.lead_unit_id {
                return Err(ServiceError::invalid(
                    "co_unit_ids",
                    "配合单位不能与牵头单位相同",
                ));
            }
            if !co.contains(&unit) {
                co.push(unit);
            }
        }
        if let Some(leader) = input.leader_id {
            match self.store.user(leader).await? {
                Some(u) if u.role == Role::Leader => {}
                Some(_) => return Err(ServiceError::invalid("leader_id", "责任领导须为领导账号")),
                None => {
                    return Err(ServiceError::invalid(
                        "leader_id",
                        format!("用户 {leader} 不存在"),
                    ));
                }
            }
        }
        // Work to be finished by a date, registered without one, is given the office's time
        // limit for its source and urgency (`[rules.time_limits]`), counted in working days.
        let ongoing = input.cadence != Cadence::Once || input.report_rule.is_some();
        if input.deadline.is_none() && !ongoing {
            input.deadline = self
                .rules
                .time_limits
                .days(input.source, input.urgency)
                .map(|days| self.calendar().add_working_days(self.today(), days));
        }
        // A deadline already past is allowed: offices enter their existing ledgers, overdue
        // items included, and those should show red from the first day.
        match input.deadline {
            Some(d) if !(2000..=2100).contains(&d.year()) => {
                return Err(ServiceError::invalid(
                    "deadline",
                    "完成时限的年份应在2000年至2100年之间",
                ));
            }
            None if !ongoing => {
                return Err(ServiceError::invalid(
                    "deadline",
                    "请填写完成时限;持续推进的事项须选择反馈周期",
                ));
            }
            _ => {}
        }
        for m in &input.milestones {
            if m.percent > 100 {
                return Err(ServiceError::invalid(
                    "milestones",
                    "阶段目标的进度应在0到100之间",
                ));
            }
        }

        let mut origin = input.origin.trim().to_string();
        if let Some(id) = input.origin_id {
            let o = self.origin_of_org(org, id).await?;
            if origin.is_empty() {
                origin = crate::origins::origin_text(&o);
            }
        }

        let mut assignments = vec![Assignment::new(input.lead_unit_id, AssignmentRole::Lead)];
        assignments.extend(co.iter().map(|u| Assignment::new(*u, AssignmentRole::Co)));
        let matter = Matter {
            id: MatterId(0),
            org_id: org,
            number: MatterNumber {
                year: self.today().year(),
                seq: 0,
            },
            title,
            content: input.content.trim().to_string(),
            source: input.source,
            origin,
            origin_id: input.origin_id,
            urgency: input.urgency,
            lead_unit_id: input.lead_unit_id,
            co_unit_ids: co,
            leader_id: input.leader_id,
            deadline: input.deadline,
            cadence: input.cadence,
            report_rule: input.report_rule,
            milestones: input.milestones,
            indicators: Vec::new(),
            tags: input
                .tags
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            public: input.public,
            parent_id: input.parent_id,
            state: MatterState::Draft,
            extension: None,
            created_by: user.id,
            created_at: now,
            assigned_at: None,
            closed_at: None,
            version: 1,
            assignments,
        };
        Ok(matter)
    }

    /// Corrects a draft before it is assigned: every field, its units too, checked as on
    /// registration. The timeline records which fields changed.
    pub async fn edit_draft(
        &self,
        user: &User,
        id: MatterId,
        input: NewMatter,
    ) -> Result<MatterDetail> {
        let _turn = self.matter_lock(id).lock().await;
        let (before, mut events) = self.visible_matter_with_events(user, id).await?;
        if !with_actor(self, user, |a| a.manages(&before)) {
            return Err(ServiceError::Forbidden("只有督查人员可以修改事项".into()));
        }
        if before.state != MatterState::Draft {
            return Err(ServiceError::Conflict(format!(
                "事项当前状态为“{}”,只有草稿可以修改;交办后更换承办单位请用改派",
                before.state.label()
            )));
        }
        let input = NewMatter {
            parent_id: before.parent_id,
            ..input
        };
        let prepared = self.prepare_matter(user, input).await?;
        let after = Matter {
            id: before.id,
            org_id: before.org_id,
            number: before.number,
            created_by: before.created_by,
            created_at: before.created_at,
            version: before.version + 1,
            ..prepared
        };
        let changed = changed_fields(&before, &after);
        if changed.is_empty() {
            let descendants = self.store.descendants(id).await?;
            let chain = self.chain(user, &before, descendants).await?;
            return self.detail(before, events, chain).await;
        }
        let event = NewEvent::new(
            EventKind::Edited,
            user.id,
            self.now(),
            format!("修改了{}", changed.join("、")),
        );
        let transition = luoshi_domain::Transition {
            matter: after,
            events: vec![event],
        };
        let ids = self
            .store
            .save_transition(&before, &transition, &Default::default())
            .await?;
        events.extend(
            ids.into_iter()
                .zip(transition.events)
                .map(|(eid, data)| Event {
                    id: eid,
                    matter_id: id,
                    data,
                }),
        );
        let descendants = self.store.descendants(id).await?;
        let chain = self.chain(user, &transition.matter, descendants).await?;
        self.detail(transition.matter, events, chain).await
    }
}

/// The fields a draft's correction changed, as the registration form names them.
fn changed_fields(before: &Matter, after: &Matter) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut note = |differs: bool, field: &'static str| {
        if differs {
            changed.push(field);
        }
    };
    note(before.title != after.title, "事项名称");
    note(before.content != after.content, "事项内容");
    note(before.source != after.source, "来源");
    note(
        before.origin != after.origin || before.origin_id != after.origin_id,
        "出处",
    );
    note(before.urgency != after.urgency, "紧急程度");
    note(before.lead_unit_id != after.lead_unit_id, "牵头单位");
    note(before.co_unit_ids != after.co_unit_ids, "配合单位");
    note(before.leader_id != after.leader_id, "责任领导");
    note(before.deadline != after.deadline, "完成时限");
    note(before.cadence != after.cadence, "反馈周期");
    note(before.milestones != after.milestones, "阶段目标");
    note(before.tags != after.tags, "标签");
    note(before.public != after.public, "是否公开");
    changed
}
