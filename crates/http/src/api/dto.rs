//! What the API sends: plain records built from domain values. Times are shown in China's
//! offset (+08:00), dates as ISO `YYYY-MM-DD`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use luoshi_domain::{
    AssignmentRole, AssignmentState, Cadence, Cause, EventKind, InstructionKind, Light, Matter,
    MatterState, OrgTree, ProgressClass, Rating, Role, Source, Unit, UnitKind, Urgency, User,
};
use luoshi_service::attachments::Attachment;
use luoshi_service::indicators::IndicatorStatus;
use luoshi_service::matters::{MatterDetail, MatterView};
use serde::Serialize;
use utoipa::ToSchema;

fn china(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&luoshi_domain::china_offset())
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    id: i64,
    username: String,
    display_name: String,
    role: Role,
    unit_id: i64,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        UserDto {
            id: u.id.0,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            unit_id: u.unit_id.0,
        }
    }
}

/// A person as the directory lists them.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    #[serde(flatten)]
    user: UserDto,
    disabled: bool,
}

impl From<&luoshi_service::office::Account> for PersonDto {
    fn from(a: &luoshi_service::office::Account) -> Self {
        PersonDto {
            user: UserDto::from(&a.user),
            disabled: a.disabled,
        }
    }
}

/// A person's account as those who administer it see it.
#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    #[serde(flatten)]
    user: UserDto,
    disabled: bool,
    email: Option<String>,
    phone: Option<String>,
    /// The units a leader is in charge of (分管).
    in_charge_of: Vec<i64>,
    /// The password is a one-time one, not yet changed.
    must_change_password: bool,
    /// The liaison its unit's office calls first (主联络员).
    primary_liaison: bool,
}

impl From<&luoshi_service::office::Account> for AccountDto {
    fn from(a: &luoshi_service::office::Account) -> Self {
        AccountDto {
            user: UserDto::from(&a.user),
            disabled: a.disabled,
            email: a.user.email.clone(),
            phone: a.phone.clone(),
            in_charge_of: a.user.in_charge_of.iter().map(|u| u.0).collect(),
            must_change_password: a.must_change_password,
            primary_liaison: a.primary_liaison,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    code: String,
    name: String,
    short_names: Vec<String>,
    kind: UnitKind,
    parent_id: Option<i64>,
    /// Retired (撤销): its history stays, it takes no new work.
    retired: bool,
}

impl UnitDto {
    pub fn of(u: &Unit, tree: &luoshi_domain::OrgTree) -> Self {
        UnitDto {
            id: u.id.0,
            code: u.code.clone(),
            name: u.name.clone(),
            short_names: u.short_names.clone(),
            kind: u.kind,
            parent_id: u.parent_id.map(|p| p.0),
            retired: tree.is_retired(u.id),
        }
    }
}

/// A matter as one row of a list.
#[derive(Serialize, ToSchema)]
pub struct MatterSummary {
    id: i64,
    number: String,
    title: String,
    source: Source,
    urgency: Urgency,
    state: MatterState,
    light: Light,
    deadline: Option<NaiveDate>,
    lead_unit_id: i64,
}

impl From<&MatterView> for MatterSummary {
    fn from(v: &MatterView) -> Self {
        let m = &v.matter;
        MatterSummary {
            id: m.id.0,
            number: v.number.clone(),
            title: m.title.clone(),
            source: m.source,
            urgency: m.urgency,
            state: m.state,
            light: v.light,
            deadline: m.deadline,
            lead_unit_id: m.lead_unit_id.0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MatterPage {
    pub items: Vec<MatterSummary>,
    pub total: usize,
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentDto {
    unit_id: i64,
    role: AssignmentRole,
    state: AssignmentState,
    light: Light,
    /// Why the light is not green, in words (已超过完成时限, 应于6月10日前反馈 …).
    reasons: Vec<String>,
    /// The progress shown: derived from the sub-matters this unit decomposed its part into, or
    /// what it reported when it decomposed nothing.
    percent: u8,
    /// The percent this unit last reported itself.
    reported_percent: u8,
    /// Whether `percent` is derived from the unit's sub-matters.
    derived: bool,
    signed_at: Option<DateTime<FixedOffset>>,
    last_feedback_at: Option<DateTime<FixedOffset>>,
}

#[derive(Serialize, ToSchema)]
pub struct EventDto {
    id: i64,
    kind: EventKind,
    actor_id: i64,
    unit_id: Option<i64>,
    at: DateTime<FixedOffset>,
    comment: String,
    percent: Option<u8>,
    /// How a report compared with the plan that day: ahead 超进度, on_track 达进度, behind
    /// 欠进度, done 已完成.
    progress_class: Option<ProgressClass>,
    problems: String,
    next_steps: String,
    new_deadline: Option<NaiveDate>,
    /// An instruction's kind: instruct 批示, read 圈阅, praise 肯定.
    instruction: Option<InstructionKind>,
    /// The earlier event this one is about: the report an instruction was written on.
    on_event_id: Option<i64>,
    /// A close's 满意度: satisfied 满意, basically 基本满意, unsatisfied 不满意.
    rating: Option<Rating>,
    /// A report's values for the matter's indicators.
    values: Vec<ValueDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ValueDto {
    indicator_id: u32,
    value: f64,
}

/// A quantified indicator with the values reported for it and how the latest reads against
/// the straight line from baseline to target (序时进度).
#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    /// Numbers the indicator within its matter; reports name it as `indicator_id`.
    id: u32,
    name: String,
    /// The unit of measure (亿元, %).
    unit: String,
    baseline: f64,
    target: f64,
    direction: luoshi_domain::Direction,
    /// The baseline holds on `from`, the target is due on `by`.
    from: NaiveDate,
    by: NaiveDate,
    actuals: Vec<ActualDto>,
    /// Where the trajectory stands on the latest value's day; `null` before any value.
    expected: Option<f64>,
    /// `green` on track or not yet reported, `yellow` or `red` behind by the configured shares.
    light: Light,
    /// What the light means, in Chinese.
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct ActualDto {
    at: DateTime<FixedOffset>,
    value: f64,
}

impl From<&IndicatorStatus> for IndicatorDto {
    fn from(s: &IndicatorStatus) -> Self {
        let i = &s.indicator;
        IndicatorDto {
            id: i.id,
            name: i.name.clone(),
            unit: i.unit.clone(),
            baseline: i.baseline,
            target: i.target,
            direction: i.direction,
            from: i.from,
            by: i.by,
            actuals: i
                .actuals
                .iter()
                .map(|a| ActualDto {
                    at: china(a.at),
                    value: a.value,
                })
                .collect(),
            expected: i.reading().map(|r| r.expected),
            light: s.light,
            reason: s.reason.clone(),
        }
    }
}

/// A file on a matter's record; its upload is the event with the same id.
#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    id: i64,
    name: String,
    size: usize,
    sha256: String,
    media_type: String,
    /// The report or step it is evidence for; `null` for the matter as a whole.
    on_event_id: Option<i64>,
}

impl From<&Attachment> for AttachmentDto {
    fn from(a: &Attachment) -> Self {
        AttachmentDto {
            id: a.id.0,
            name: a.file_name.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            media_type: a.media_type.clone(),
            on_event_id: a.on_event_id.map(|e| e.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExtensionDto {
    new_deadline: NaiveDate,
    reason: String,
    requested_by: i64,
    requested_at: DateTime<FixedOffset>,
    approvals: usize,
}

/// A matter above or below another in its decomposition.
#[derive(Serialize, ToSchema)]
pub struct ChainLinkDto {
    id: i64,
    number: String,
    title: String,
    state: MatterState,
    parent_id: Option<i64>,
}

/// A sub-matter in the tree below a matter.
#[derive(Serialize, ToSchema)]
pub struct ChainNodeDto {
    id: i64,
    number: String,
    title: String,
    parent_id: Option<i64>,
    /// 1 for a child, 2 for a grandchild …, counting only levels the caller may see.
    depth: usize,
    state: MatterState,
    /// Its own light rolled up with everything below it.
    light: Light,
    /// Its progress, derived from its own sub-matters when it has any.
    progress: u8,
    org_id: i64,
    lead_unit_id: i64,
    deadline: Option<NaiveDate>,
}

/// Why a sub-matter makes the light what it is, in words.
fn culprit_reason(m: Option<&Matter>, light: Light, causes: &[Cause], tree: &OrgTree) -> String {
    match m {
        Some(m) => {
            let why: Vec<String> = causes.iter().map(|c| c.describe()).collect();
            let number = tree.number_label(m.org_id, m.number);
            let mut text = format!("下级事项{number}“{}”为{}", m.title, light.label());
            if !why.is_empty() {
                text.push_str(&format!(":{}", why.join(";")));
            }
            text
        }
        None => format!("有无权查看的下级事项为{}", light.label()),
    }
}

/// A matter in full: its units, lights and timeline.
#[derive(Serialize, ToSchema)]
pub struct MatterDto {
    id: i64,
    number: String,
    title: String,
    content: String,
    source: Source,
    origin: String,
    /// The origin record (`GET /origins/{id}`) it is an item of.
    origin_id: Option<i64>,
    urgency: Urgency,
    state: MatterState,
    /// The worst of the matter's own light and every sub-matter's, at any depth.
    light: Light,
    /// The matter's own light, before its sub-matters are counted.
    own_light: Light,
    /// Which sub-matters, if any, carry the light shown in `light`, and why.
    light_reasons: Vec<String>,
    /// 100 when closed; else the mean of its non-cancelled sub-matters' progress, to any depth;
    /// else its lead unit's report.
    progress: u8,
    /// Whether `progress` comes from sub-matters.
    progress_derived: bool,
    /// Sub-matters at any depth neither closed nor cancelled, including any the caller may not
    /// see: while there are some, it cannot be asked to close, and closes only by override.
    open_below: usize,
    /// The matters it was split from that the caller may see, the topmost first.
    ancestors: Vec<ChainLinkDto>,
    /// The sub-matters the caller may see, at any depth, depth first.
    descendants: Vec<ChainNodeDto>,
    deadline: Option<NaiveDate>,
    /// Working days from today to the deadline (negative when overdue).
    working_days_left: Option<i64>,
    cadence: Cadence,
    /// When reports are due, as offices write it (每月25日前); see `GET /matters/{id}/rounds`.
    report_rule: Option<String>,
    org_id: i64,
    lead_unit_id: i64,
    co_unit_ids: Vec<i64>,
    leader_id: Option<i64>,
    public: bool,
    parent_id: Option<i64>,
    tags: Vec<String>,
    milestones: Vec<luoshi_domain::Milestone>,
    /// 量化指标, each with its values and light.
    indicators: Vec<IndicatorDto>,
    extension: Option<ExtensionDto>,
    /// The 满意度 the latest close gave; `null` while open or when the close gave none.
    rating: Option<Rating>,
    created_at: DateTime<FixedOffset>,
    assignments: Vec<AssignmentDto>,
    events: Vec<EventDto>,
    attachments: Vec<AttachmentDto>,
}

impl MatterDto {
    /// The matter as the API answers it; the tree names its numbers under their orgs' 字号.
    pub fn of(d: MatterDetail, tree: &OrgTree) -> Self {
        let MatterView {
            matter: m,
            number,
            light,
            assignment_lights,
            assignment_causes,
        } = d.view;
        let chain = d.chain;
        let light_reasons = chain
            .culprits
            .iter()
            .map(|(m, light, causes)| culprit_reason(m.as_ref(), *light, causes, tree))
            .collect();
        MatterDto {
            own_light: chain.own_light,
            light_reasons,
            progress: chain.progress,
            progress_derived: chain.derived,
            open_below: chain.open_below,
            ancestors: chain
                .ancestors
                .iter()
                .map(|a| ChainLinkDto {
                    id: a.id.0,
                    number: tree.number_label(a.org_id, a.number),
                    title: a.title.clone(),
                    state: a.state,
                    parent_id: a.parent_id.map(|p| p.0),
                })
                .collect(),
            descendants: chain
                .below
                .iter()
                .map(|n| {
                    let m = &n.view.matter;
                    ChainNodeDto {
                        id: m.id.0,
                        number: n.view.number.clone(),
                        title: m.title.clone(),
                        parent_id: m.parent_id.map(|p| p.0),
                        depth: n.depth,
                        state: m.state,
                        light: n.view.light,
                        progress: n.progress,
                        org_id: m.org_id.0,
                        lead_unit_id: m.lead_unit_id.0,
                        deadline: m.deadline,
                    }
                })
                .collect(),
            id: m.id.0,
            number,
            title: m.title,
            content: m.content,
            source: m.source,
            origin: m.origin,
            origin_id: m.origin_id,
            urgency: m.urgency,
            state: m.state,
            light,
            deadline: m.deadline,
            working_days_left: d.working_days_left,
            cadence: m.cadence,
            report_rule: m.report_rule.map(|r| r.phrase()),
            org_id: m.org_id.0,
            lead_unit_id: m.lead_unit_id.0,
            co_unit_ids: m.co_unit_ids.iter().map(|u| u.0).collect(),
            leader_id: m.leader_id.map(|u| u.0),
            public: m.public,
            parent_id: m.parent_id.map(|p| p.0),
            tags: m.tags,
            milestones: m.milestones,
            indicators: d.indicators.iter().map(IndicatorDto::from).collect(),
            extension: m.extension.map(|e| ExtensionDto {
                new_deadline: e.new_deadline,
                reason: e.reason,
                requested_by: e.requested_by.0,
                requested_at: china(e.requested_at),
                approvals: e.approvals,
            }),
            rating: Rating::at_close(&d.events),
            created_at: china(m.created_at),
            assignments: m
                .assignments
                .iter()
                .zip(assignment_lights)
                .zip(assignment_causes)
                .zip(chain.assignment_progress)
                .map(|(((a, light), causes), derived)| AssignmentDto {
                    reasons: causes.iter().map(|c| c.describe()).collect(),
                    unit_id: a.unit_id.0,
                    role: a.role,
                    state: a.state,
                    light,
                    percent: derived.unwrap_or(a.percent),
                    reported_percent: a.percent,
                    derived: derived.is_some(),
                    signed_at: a.signed_at.map(china),
                    last_feedback_at: a.last_feedback_at.map(china),
                })
                .collect(),
            attachments: d.attachments.iter().map(AttachmentDto::from).collect(),
            events: d
                .events
                .into_iter()
                .zip(d.progress)
                .map(|(e, progress_class)| EventDto {
                    id: e.id.0,
                    kind: e.data.kind,
                    actor_id: e.data.actor_id.0,
                    unit_id: e.data.unit_id.map(|u| u.0),
                    at: china(e.data.at),
                    comment: e.data.comment,
                    percent: e.data.percent,
                    progress_class,
                    problems: e.data.problems,
                    next_steps: e.data.next_steps,
                    new_deadline: e.data.new_deadline,
                    instruction: e.data.instruction,
                    on_event_id: e.data.on_event.map(|id| id.0),
                    rating: e.data.rating,
                    values: e
                        .data
                        .values
                        .iter()
                        .map(|v| ValueDto {
                            indicator_id: v.indicator_id,
                            value: v.value,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
