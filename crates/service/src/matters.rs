//! Registering matters and carrying them through their lifecycle.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use luoshi_domain::light::planned_percent;
use luoshi_domain::{
    Action, Actor, Assignment, AssignmentRole, Cadence, Cascade, Cause, Event, EventKind,
    ExtensionChain, Light, LightContext, Matter, MatterId, MatterNumber, MatterState, Milestone,
    NewEvent, OpenBelow, OrgTree, ProgressClass, Role, Source, UnitId, Urgency, User, UserId,
};
use luoshi_storage::{MatterQuery, StoreError};

pub use luoshi_storage::Order;
use serde::Deserialize;

use crate::{Luoshi, Result, ServiceError, with_actor};

/// What a person fills in to register a matter.
#[derive(Debug, Clone, Deserialize)]
pub struct NewMatter {
    pub title: String,
    pub content: String,
    pub source: Source,
    pub urgency: Urgency,
    pub origin: String,
    pub lead_unit_id: UnitId,
    pub co_unit_ids: Vec<UnitId>,
    pub leader_id: Option<UserId>,
    /// `None`: 持续推进, reported by `cadence`.
    pub deadline: Option<NaiveDate>,
    pub cadence: Cadence,
    pub milestones: Vec<Milestone>,
    pub tags: Vec<String>,
    pub public: bool,
    pub parent_id: Option<MatterId>,
}

/// A matter with the lights it shows right now.
#[derive(Debug, Clone)]
pub struct MatterView {
    pub matter: Matter,
    /// Its number under its org's 字号 (青督〔2026〕7号), as every reader is shown it.
    pub number: String,
    pub light: Light,
    /// One light per assignment, in the matter's assignment order.
    pub assignment_lights: Vec<Light>,
    /// Why each assignment's light is not green, in the same order.
    pub assignment_causes: Vec<Vec<Cause>>,
}

#[derive(Debug, Clone)]
pub struct MatterDetail {
    /// The matter with its light rolled up: the worst of its own and every sub-matter's.
    pub view: MatterView,
    /// Where the matter stands in its decomposition, as far as the reader may see it.
    pub chain: Chain,
    pub events: Vec<Event>,
    /// For each event, how a report compared with the plan on its day (超进度, 达进度 …);
    /// `None` for events that are not reports, or reports on matters without a plan.
    pub progress: Vec<Option<ProgressClass>>,
    /// The files on its record, in the order they were added; each rests on one of `events`.
    pub attachments: Vec<crate::attachments::Attachment>,
    pub working_days_left: Option<i64>,
}

/// A matter's place in its decomposition (SPEC §8), filtered by what the reader may see.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The matters it was split from that the reader may see, the topmost first.
    pub ancestors: Vec<Matter>,
    /// The sub-matters the reader may see, at any depth, depth first.
    pub below: Vec<ChainNode>,
    /// The matter's progress, derived from its sub-matters when it has any that count.
    pub progress: u8,
    /// Whether `progress` comes from sub-matters rather than the lead unit's report.
    pub derived: bool,
    /// The matter's own light, before anything below is counted…
    pub own_light: Light,
    /// …and its light rolled up: the worst of its own and every sub-matter's.
    pub light: Light,
    /// The sub-matters whose light the matter's rolled-up light is, with why; `None` for one
    /// the reader may not see, which is counted but not named.
    pub culprits: Vec<(Option<Matter>, Light, Vec<Cause>)>,
    /// For each assignment, in order: the progress derived from the sub-matters its unit
    /// decomposed its part into, or `None` when it decomposed nothing.
    pub assignment_progress: Vec<Option<u8>>,
    /// How many sub-matters, at any depth, are neither closed nor cancelled, seen or not.
    pub open_below: usize,
}

/// One sub-matter in the tree below a matter.
#[derive(Debug, Clone)]
pub struct ChainNode {
    /// 1 for a child, 2 for a grandchild …, counting only the levels the reader may see.
    pub depth: usize,
    /// The sub-matter with its light rolled up from below it.
    pub view: MatterView,
    pub progress: u8,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Any of these states; empty for all.
    pub states: Vec<MatterState>,
    pub light: Option<Light>,
    pub source: Option<Source>,
    pub unit_id: Option<UnitId>,
    pub q: Option<String>,
    /// The responsible leader (责任领导).
    pub leader_id: Option<UserId>,
    /// Deadlines on or after this day.
    pub due_from: Option<NaiveDate>,
    /// Deadlines on or before this day.
    pub due_to: Option<NaiveDate>,
    /// Open past the deadline at the end of this day.
    pub overdue_on: Option<NaiveDate>,
    pub order: Order,
    pub limit: usize,
    pub offset: usize,
}

pub const MAX_PAGE: usize = 500;

/// How often a step is retried when the matter changed under it.
const MAX_RETRIES: usize = 8;

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<MatterView>,
    pub total: usize,
}

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
    async fn register(&self, user: &User, matters: Vec<Matter>) -> Result<Vec<MatterView>> {
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
    pub(crate) async fn prepare_matter(&self, user: &User, input: NewMatter) -> Result<Matter> {
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
        // A deadline already past is allowed: offices enter their existing ledgers, overdue
        // items included, and those should show red from the first day.
        match input.deadline {
            Some(d) if !(2000..=2100).contains(&d.year()) => {
                return Err(ServiceError::invalid(
                    "deadline",
                    "完成时限的年份应在2000年至2100年之间",
                ));
            }
            None if input.cadence == Cadence::Once => {
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
            origin: input.origin.trim().to_string(),
            urgency: input.urgency,
            lead_unit_id: input.lead_unit_id,
            co_unit_ids: co,
            leader_id: input.leader_id,
            deadline: input.deadline,
            cadence: input.cadence,
            milestones: input.milestones,
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

    /// Takes one lifecycle step on a matter for `user`.
    ///
    /// When someone else changed the matter between our read and our write, the step is taken
    /// again on the fresh matter: the lifecycle re-checks it there, so two units reporting at
    /// once both land, while a second "close" is refused by the state it finds.
    pub async fn act(&self, user: &User, id: MatterId, action: Action) -> Result<MatterDetail> {
        let chain = ExtensionChain(self.rules.extension_chain.clone());
        // Steps on one matter queue here instead of racing to the database; the version check
        // below still guards against other processes.
        let _turn = self.matter_lock(id).lock().await;
        let mut attempts = 0;
        loop {
            let (matter, mut events) = self.visible_matter_with_events(user, id).await?;
            if matches!(action, Action::RequestCompletion { .. }) {
                self.require_evidence(&matter, &events).await?;
            }
            let descendants = self.store.descendants(&[matter.id]).await?;
            let now = self.now();
            let transition = with_actor(self, user, |actor| {
                let below = OpenBelow::of(&descendants, actor);
                luoshi_domain::apply(&matter, actor, action.clone(), now, &chain, &below)
            })?;
            let dispatch = self.dispatch_for(&transition, now).await?;
            match self
                .store
                .save_transition(&matter, &transition, &dispatch)
                .await
            {
                Ok(ids) => {
                    // The version check proved nothing was written in between, so the timeline
                    // read before plus the events just written is the whole timeline.
                    let written = ids
                        .into_iter()
                        .zip(transition.events)
                        .map(|(id, data)| Event {
                            id,
                            matter_id: matter.id,
                            data,
                        });
                    events.extend(written);
                    let chain = self.chain(user, &transition.matter, descendants).await?;
                    return self.detail(transition.matter, events, chain).await;
                }
                Err(StoreError::Conflict(_)) if attempts < MAX_RETRIES => attempts += 1,
                Err(e) => return Err(e.into()),
            }
        }
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
            let descendants = self.store.descendants(&[id]).await?;
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
        let descendants = self.store.descendants(&[id]).await?;
        let chain = self.chain(user, &transition.matter, descendants).await?;
        self.detail(transition.matter, events, chain).await
    }

    /// 改派: `to` takes over `from`'s part on work in hand, or with no `from` joins it as a
    /// co-unit; the unit taken off keeps its record, the timeline says who and why, and the
    /// new unit's liaisons are told.
    pub async fn reassign(
        &self,
        user: &User,
        id: MatterId,
        from: Option<UnitId>,
        to: UnitId,
        reason: &str,
    ) -> Result<MatterDetail> {
        let matter = self.visible_matter(user, id).await?;
        let tree = self.tree();
        let name = |unit: UnitId| tree.get(unit).map(|u| u.display_name().to_string());
        let Some(to_name) = name(to) else {
            return Err(ServiceError::invalid("to", format!("单位 {to} 不存在")));
        };
        if tree.is_retired(to) {
            return Err(ServiceError::invalid(
                "to",
                format!("“{to_name}”已撤销,不能再交办新的事项"),
            ));
        }
        if !tree.is_within(to, matter.org_id) {
            return Err(ServiceError::invalid(
                "to",
                format!("“{to_name}”不在本级管辖范围内"),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", "请填写改派理由"));
        }
        let comment = match from.map(|f| (f, name(f))) {
            Some((_, Some(from_name))) => format!("由{from_name}改派{to_name}承办。理由:{reason}"),
            Some((f, None)) => {
                return Err(ServiceError::invalid("from", format!("单位 {f} 不存在")));
            }
            None => format!("增加{to_name}为配合单位。理由:{reason}"),
        };
        self.act(
            user,
            id,
            Action::Reassign {
                from,
                to,
                reason: comment,
            },
        )
        .await
    }

    /// Whether `user` may take this step on the matter as it stands, without taking it: the
    /// same refusal `act` would give, or none. Asked before a step that cannot be undone is
    /// confirmed.
    pub async fn may_act(&self, user: &User, id: MatterId, action: Action) -> Result<()> {
        let chain = ExtensionChain(self.rules.extension_chain.clone());
        let matter = self.visible_matter(user, id).await?;
        let descendants = self.store.descendants(&[matter.id]).await?;
        let now = self.now();
        with_actor(self, user, |actor| {
            let below = OpenBelow::of(&descendants, actor);
            luoshi_domain::apply(&matter, actor, action, now, &chain, &below)
        })?;
        Ok(())
    }

    pub async fn matter_detail(&self, user: &User, id: MatterId) -> Result<MatterDetail> {
        let (matter, events) = self.visible_matter_with_events(user, id).await?;
        let descendants = self.store.descendants(&[matter.id]).await?;
        let chain = self.chain(user, &matter, descendants).await?;
        self.detail(matter, events, chain).await
    }

    /// The matter's ancestors and descendants as the reader may see them, and what rolls up
    /// from below. Progress and light count every sub-matter, seen or not, so everyone reads
    /// the same figures; only names are kept from those who may not see them.
    async fn chain(&self, user: &User, matter: &Matter, descendants: Vec<Matter>) -> Result<Chain> {
        let mut ancestors = Vec::new();
        let mut next = matter.parent_id;
        // Parent links only point at older matters, so this ends; the bound guards bad data.
        while let Some(id) = next.filter(|_| ancestors.len() < 64) {
            let Some(parent) = self.store.matter(id).await? else {
                break;
            };
            next = parent.parent_id;
            ancestors.push(parent);
        }
        let tree = self.tree();
        let actor = Actor { user, tree: &tree };
        ancestors.retain(|m| actor.can_see(m));
        ancestors.reverse();

        let calendar = self.calendar();
        let lights = self.lights(&calendar);
        let cascade = Cascade::new(matter, &descendants);
        let (_, culprits) = cascade.light(&lights);
        let culprits = culprits
            .into_iter()
            .map(|c| {
                if actor.can_see(c.matter) {
                    (Some(c.matter.clone()), c.light, c.causes)
                } else {
                    (None, c.light, Vec::new())
                }
            })
            .collect();
        // Depth counts only the levels the reader sees: a visible matter under a hidden one
        // hangs from the nearest visible ancestor.
        let mut shown_depth: HashMap<MatterId, usize> = HashMap::from([(matter.id, 0)]);
        let mut below = Vec::new();
        for (_, m) in cascade.walk() {
            let above = m
                .parent_id
                .and_then(|p| shown_depth.get(&p).copied())
                .unwrap_or(0);
            if actor.can_see(m) {
                shown_depth.insert(m.id, above + 1);
                let mut view = view_with(&lights, &tree, m.clone());
                view.light = Cascade::new(m, &descendants).light(&lights).0;
                below.push(ChainNode {
                    depth: above + 1,
                    progress: cascade.progress_of(m),
                    view,
                });
            } else {
                shown_depth.insert(m.id, above);
            }
        }
        let counted = cascade
            .walk()
            .iter()
            .any(|(d, m)| *d == 1 && m.state != MatterState::Cancelled);
        let (light, _) = cascade.light(&lights);
        Ok(Chain {
            ancestors,
            below,
            progress: cascade.progress(),
            derived: counted && matter.state != MatterState::Closed,
            own_light: lights.matter(matter),
            light,
            culprits,
            assignment_progress: matter
                .assignments
                .iter()
                .map(|a| cascade.assignment_progress(a))
                .collect(),
            open_below: cascade.open().len(),
        })
    }

    async fn detail(
        &self,
        matter: Matter,
        events: Vec<Event>,
        chain: Chain,
    ) -> Result<MatterDetail> {
        let attachments = self.store.attachments(&[matter.id]).await?;
        let working_days_left = matter
            .deadline
            .map(|d| self.calendar().working_days_between(self.today(), d));
        let progress = events
            .iter()
            .map(|e| {
                let planned = planned_percent(&matter, luoshi_domain::china_date(e.data.at));
                e.data.percent.and_then(|p| ProgressClass::of(p, planned))
            })
            .collect();
        let mut view = self.view(matter);
        view.light = chain.light;
        Ok(MatterDetail {
            view,
            chain,
            events,
            progress,
            attachments,
            working_days_left,
        })
    }

    /// The matters the caller may see that match the query, one page of them.
    pub async fn list_matters(&self, user: &User, query: &ListQuery) -> Result<Page> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        if query.light.is_some() {
            self.refresh_lights().await?;
        }
        let mut store_query = self.store_query(user, query);
        store_query.page = Some((limit, query.offset));
        let (matters, total) = self.store.matters(&store_query).await?;
        let items = self.views(matters);
        Ok(Page { items, total })
    }

    /// The matter a number names, typed any way people type it (71号, 71, 督[2026]71号,
    /// 青督〔2026〕7号; a number without its year is of this year), if the caller may see it.
    /// Orgs number apart, so the 字号 typed picks the org; without one, the caller's own org's
    /// matter comes before one of an org below it.
    pub async fn matter_by_number(&self, user: &User, number: &str) -> Result<Option<Matter>> {
        let Some((prefix, number)) = MatterNumber::read_prefixed(number, self.today().year())
        else {
            return Ok(None);
        };
        let query = ListQuery {
            q: Some(number.to_string()),
            limit: MAX_PAGE,
            ..ListQuery::default()
        };
        let tree = self.tree();
        let own = tree.org_of(user.unit_id);
        let mut found: Vec<Matter> = self
            .list_matters(user, &query)
            .await?
            .items
            .into_iter()
            .map(|v| v.matter)
            .filter(|m| m.number == number)
            .filter(|m| prefix.is_empty() || tree.number_prefix(m.org_id) == prefix)
            .collect();
        found.sort_by_key(|m| (Some(m.org_id) != own, m.org_id));
        Ok(found.into_iter().next())
    }

    /// Splits a matter into one sub-matter per unit, each led by that unit and inheriting the
    /// parent's source, urgency, cadence and public flag. All are registered, or none.
    pub async fn decompose(
        &self,
        user: &User,
        parent_id: MatterId,
        units: &[UnitId],
        title: &str,
        deadline: Option<NaiveDate>,
    ) -> Result<Vec<MatterView>> {
        let parent = self.visible_matter(user, parent_id).await?;
        if units.is_empty() {
            return Err(ServiceError::invalid("units", "请填写要分解到的单位"));
        }
        let mut prepared = Vec::with_capacity(units.len());
        for &unit in units {
            let input = NewMatter {
                title: title.to_string(),
                content: parent.content.clone(),
                source: parent.source,
                urgency: parent.urgency,
                origin: parent.origin.clone(),
                lead_unit_id: unit,
                co_unit_ids: Vec::new(),
                leader_id: parent.leader_id,
                deadline: deadline.or(parent.deadline),
                cadence: parent.cadence,
                milestones: Vec::new(),
                tags: parent.tags.clone(),
                public: parent.public,
                parent_id: Some(parent_id),
            };
            prepared.push(self.prepare_matter(user, input).await?);
        }
        self.register(user, prepared).await
    }

    /// The public commitments, for anyone: assigned and not cancelled, whatever the org.
    pub async fn public_matters(&self) -> Result<Vec<MatterView>> {
        let tree = self.tree();
        let query = MatterQuery {
            visibility: luoshi_domain::Visibility {
                org_ids: tree.orgs(),
                ..Default::default()
            },
            states: MatterState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_counted())
                .collect(),
            public_only: true,
            ..MatterQuery::default()
        };
        let (matters, _) = self.store.matters(&query).await?;
        Ok(self.views(matters))
    }

    /// Every visible matter matching the query, with lights, the light filter applied: the
    /// whole list, for exports.
    pub async fn matching(&self, user: &User, query: &ListQuery) -> Result<Vec<MatterView>> {
        self.visible_views(user, query).await
    }

    /// Every visible matter matching the query, with lights, the light filter applied.
    pub(crate) async fn visible_views(
        &self,
        user: &User,
        query: &ListQuery,
    ) -> Result<Vec<MatterView>> {
        if query.light.is_some() {
            self.refresh_lights().await?;
        }
        let (matters, _) = self.store.matters(&self.store_query(user, query)).await?;
        Ok(self.views(matters))
    }

    /// The words of a search, a matter number typed any way (71号, 督[2026]71号) written the
    /// official way, so that it finds the matter.
    fn search_words(&self, q: &str) -> String {
        let year = self.today().year();
        q.split_whitespace()
            .map(|word| {
                let numbered = word.contains(['号', '〔', '[', '(', '（', '［', '【']);
                match MatterNumber::read(word, year) {
                    Some(n) if numbered => n.to_string(),
                    _ => word.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn store_query(&self, user: &User, query: &ListQuery) -> MatterQuery {
        MatterQuery {
            visibility: with_actor(self, user, |a| a.visibility()),
            scope: with_actor(self, user, |a| a.scope()),
            states: query.states.clone(),
            source: query.source,
            unit_id: query.unit_id,
            text: query.q.as_deref().map(|q| self.search_words(q)),
            public_only: false,
            parent_id: None,
            leader_id: query.leader_id,
            due_from: query.due_from,
            due_to: query.due_to,
            within: Vec::new(),
            overdue_on: query.overdue_on,
            lights: query.light.into_iter().collect(),
            order: query.order,
            page: None,
        }
    }

    /// The matter, if it exists and the caller may see it. Both cases answer "not found", so
    /// nobody learns which ids exist outside their scope.
    pub(crate) async fn visible_matter(&self, user: &User, id: MatterId) -> Result<Matter> {
        let matter = self.store.matter(id).await?;
        self.admit(user, id, matter)
    }

    pub(crate) async fn visible_matter_with_events(
        &self,
        user: &User,
        id: MatterId,
    ) -> Result<(Matter, Vec<Event>)> {
        let found = self.store.matter_with_events(id).await?;
        let (matter, events) = found.unzip();
        Ok((self.admit(user, id, matter)?, events.unwrap_or_default()))
    }

    fn admit(&self, user: &User, id: MatterId, matter: Option<Matter>) -> Result<Matter> {
        match matter {
            Some(m) if with_actor(self, user, |a| a.can_see(&m)) => Ok(m),
            _ => Err(ServiceError::NotFound(format!(
                "事项 {id} 不存在或无权查看"
            ))),
        }
    }

    pub fn view(&self, matter: Matter) -> MatterView {
        let calendar = self.calendar();
        view_with(&self.lights(&calendar), &self.tree(), matter)
    }

    /// Matters with their lights, all judged against the same moment.
    pub fn views(&self, matters: Vec<Matter>) -> Vec<MatterView> {
        let calendar = self.calendar();
        let lights = self.lights(&calendar);
        let tree = self.tree();
        matters
            .into_iter()
            .map(|m| view_with(&lights, &tree, m))
            .collect()
    }
}

fn view_with(lights: &LightContext<'_>, tree: &OrgTree, matter: Matter) -> MatterView {
    let assignment_causes: Vec<Vec<Cause>> = matter
        .assignments
        .iter()
        .map(|a| lights.why(&matter, a))
        .collect();
    let assignment_lights = assignment_causes
        .iter()
        .map(|causes| {
            causes
                .iter()
                .map(|c| c.light())
                .max()
                .unwrap_or(Light::Green)
        })
        .collect();
    let light = lights.matter(&matter);
    MatterView {
        number: tree.number_label(matter.org_id, matter.number),
        matter,
        light,
        assignment_lights,
        assignment_causes,
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
    note(before.origin != after.origin, "出处");
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
