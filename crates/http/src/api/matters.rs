//! Matters: register, list, read, and every lifecycle step.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use luoshi_domain::rounds::ReportRule;
use luoshi_domain::{
    Action, Cadence, Direction, EventId, IndicatorValue, InstructionKind, Light, MatterId,
    MatterState, Milestone, Rating, Source, UnitId, Urgency, UserId,
};
use luoshi_service::ServiceError;
use luoshi_service::indicators::NewIndicator;
use luoshi_service::matters::{ListQuery, NewMatter, Order};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::dto::{IndicatorDto, MatterDto, MatterPage, MatterSummary};
use crate::extract::{Caller, Json, Path, Query};
use crate::{ApiError, AppState};

type MatterResult = Result<axum::Json<MatterDto>, ApiError>;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// A state, or `counted`: every state but draft and cancelled.
    state: Option<String>,
    light: Option<Light>,
    source: Option<Source>,
    /// Matters this unit carries, as lead or co-unit.
    unit_id: Option<i64>,
    /// Words in the title or content, or a whole number such as 督〔2026〕15号.
    q: Option<String>,
    /// Matters with this responsible leader.
    leader_id: Option<i64>,
    /// Deadlines on or after this day.
    due_from: Option<NaiveDate>,
    /// Deadlines on or before this day.
    due_to: Option<NaiveDate>,
    /// Matters that stood open past their deadline at the end of this day.
    overdue_on: Option<NaiveDate>,
    /// `deadline` (soonest first, the default), `-deadline`, `newest` or `number`.
    sort: Option<String>,
    /// Page size, 1 to 500 (default 50).
    limit: Option<usize>,
    offset: Option<usize>,
}

impl ListParams {
    /// The list's filters and page as the service takes them; a sort or state it does not
    /// know is a 400 naming the choices.
    fn query(self) -> Result<ListQuery, ApiError> {
        let order = match self.sort.as_deref() {
            None => Order::default(),
            Some(s) => Order::parse(s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "排序方式“{s}”无效,可选 deadline、-deadline、newest、number"
                ))
            })?,
        };
        let states = match self.state.as_deref() {
            None => Vec::new(),
            Some(s) => MatterState::parse_filter(s).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "状态“{s}”无效,可选 counted 或 draft、assigned、signed、in_progress、completion_requested、closed、cancelled"
                ))
            })?,
        };
        Ok(ListQuery {
            order,
            leader_id: self.leader_id.map(UserId),
            due_from: self.due_from,
            due_to: self.due_to,
            overdue_on: self.overdue_on,
            by_rule: false,
            with_indicators: false,
            states,
            light: self.light,
            source: self.source,
            unit_id: self.unit_id.map(UnitId),
            q: self.q,
            limit: self.limit.unwrap_or(50),
            offset: self.offset.unwrap_or(0),
        })
    }
}

/// The matters the caller may see, soonest deadline first.
#[utoipa::path(get, path = "/matters", params(ListParams), responses((status = 200, body = MatterPage)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(user): Caller,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<MatterPage>, ApiError> {
    let query = p.query()?;
    let page = s.luoshi.list_matters(&user, &query).await?;
    Ok(axum::Json(MatterPage {
        items: page.items.iter().map(MatterSummary::from).collect(),
        total: page.total,
    }))
}

/// The list as the ledger (台账), every match rather than a page, in the import's columns:
/// `.xlsx` laid out to print, or `.csv` that Excel opens as Chinese.
#[utoipa::path(get, path = "/matters.xlsx", params(ListParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn ledger_xlsx(
    State(s): State<AppState>,
    Caller(user): Caller,
    Query(p): Query<ListParams>,
) -> Result<axum::response::Response, ApiError> {
    ledger_file(&s, &user, p, "xlsx").await
}

/// The ledger as CSV (UTF-8 with a byte-order mark); see `GET /matters.xlsx`.
#[utoipa::path(get, path = "/matters.csv", params(ListParams),
    responses((status = 200, content_type = "text/csv")))]
pub async fn ledger_csv(
    State(s): State<AppState>,
    Caller(user): Caller,
    Query(p): Query<ListParams>,
) -> Result<axum::response::Response, ApiError> {
    ledger_file(&s, &user, p, "csv").await
}

async fn ledger_file(
    s: &AppState,
    user: &luoshi_domain::User,
    p: ListParams,
    format: &str,
) -> Result<axum::response::Response, ApiError> {
    let rows = s.luoshi.ledger(user, &p.query()?).await?;
    ledger_download(&rows, format).map_err(|e| {
        tracing::error!(error = %e, "writing the ledger failed");
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "导出失败,请稍后重试",
        )
    })
}

/// The ledger as a download: `.csv` (`format` "csv") or `.xlsx`, for the API and the list page.
pub(crate) fn ledger_download(
    rows: &[luoshi_office::ledger::LedgerRow],
    format: &str,
) -> Result<axum::response::Response, String> {
    use axum::response::IntoResponse;
    let (bytes, kind) = match format {
        "csv" => (
            luoshi_office::ledger::csv(rows).map_err(|e| e.to_string())?,
            "text/csv; charset=utf-8",
        ),
        _ => (
            luoshi_office::ledger::write("督办事项台账", rows).map_err(|e| e.to_string())?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, kind.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ledger.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatter {
    title: String,
    #[serde(default)]
    content: String,
    source: Source,
    #[serde(default = "normal")]
    urgency: Urgency,
    /// The document or meeting it came from, with its 文号.
    #[serde(default)]
    origin: String,
    /// The origin (`POST /origins`) it is an item of; fills `origin` when that is left empty.
    origin_id: Option<i64>,
    lead_unit_id: i64,
    #[serde(default)]
    co_unit_ids: Vec<i64>,
    /// The responsible leader (责任领导).
    leader_id: Option<i64>,
    /// `null` for 持续推进, which then needs a `cadence`.
    deadline: Option<NaiveDate>,
    #[serde(default = "once")]
    cadence: Cadence,
    /// When reports are due, as offices write it: `每月25日前`, `每季度最后一个月30日前`, `每周五`
    /// (a due day off moves to the working day before). Each period is then a round that every
    /// unit at work reports in.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "每月25日前")]
    report_rule: Option<ReportRule>,
    #[serde(default)]
    milestones: Vec<Milestone>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    public: bool,
    /// The matter this one decomposes.
    parent_id: Option<i64>,
}

fn normal() -> Urgency {
    Urgency::Normal
}

fn once() -> Cadence {
    Cadence::Once
}

impl From<CreateMatter> for NewMatter {
    fn from(b: CreateMatter) -> NewMatter {
        NewMatter {
            title: b.title,
            content: b.content,
            source: b.source,
            urgency: b.urgency,
            origin: b.origin,
            origin_id: b.origin_id,
            lead_unit_id: UnitId(b.lead_unit_id),
            co_unit_ids: b.co_unit_ids.into_iter().map(UnitId).collect(),
            leader_id: b.leader_id.map(UserId),
            deadline: b.deadline,
            cadence: b.cadence,
            report_rule: b.report_rule,
            milestones: b.milestones,
            tags: b.tags,
            public: b.public,
            parent_id: b.parent_id.map(MatterId),
        }
    }
}

/// Registers a matter as a draft, numbered 督〔YYYY〕N号 within the caller's org.
#[utoipa::path(post, path = "/matters", request_body = CreateMatter, responses((status = 201, body = MatterDto)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(user): Caller,
    Json(b): Json<CreateMatter>,
) -> Result<(StatusCode, axum::Json<MatterDto>), ApiError> {
    let created = s.luoshi.create_matter(&user, b.into()).await?;
    let detail = s.luoshi.matter_detail(&user, created.matter.id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(MatterDto::of(detail, &s.luoshi.tree())),
    ))
}

/// Corrects a draft before it is assigned: the whole matter as on registration, its units
/// too (`parent_id` is kept as it was). Supervisors only; `409` once it is assigned, when a
/// unit is changed by `POST /matters/{id}/reassign` instead.
#[utoipa::path(patch, path = "/matters/{id}", request_body = CreateMatter,
    responses((status = 200, body = MatterDto), (status = 403), (status = 409), (status = 422)))]
pub async fn edit(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<CreateMatter>,
) -> MatterResult {
    let detail = s.luoshi.edit_draft(&user, MatterId(id), b.into()).await?;
    Ok(axum::Json(MatterDto::of(detail, &s.luoshi.tree())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignBody {
    /// The unit taken off (its part, the lead included, passes to `to_unit_id`); leave it
    /// out to add `to_unit_id` as a co-unit.
    from_unit_id: Option<i64>,
    to_unit_id: i64,
    reason: String,
}

/// 改派: replaces a unit on work in hand, or adds one. The unit taken off keeps its record,
/// cancelled; the timeline says who and why; the new unit's liaisons are told. Supervisors
/// only.
#[utoipa::path(post, path = "/matters/{id}/reassign", request_body = ReassignBody,
    responses((status = 200, body = MatterDto), (status = 403), (status = 409), (status = 422)))]
pub async fn reassign(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<ReassignBody>,
) -> MatterResult {
    let detail = s
        .luoshi
        .reassign(
            &user,
            MatterId(id),
            b.from_unit_id.map(UnitId),
            UnitId(b.to_unit_id),
            &b.reason,
        )
        .await?;
    Ok(axum::Json(MatterDto::of(detail, &s.luoshi.tree())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecomposeBody {
    /// One sub-matter for each, led by it.
    unit_ids: Vec<i64>,
    /// The sub-matters' title.
    title: String,
    /// Their deadline; the parent's when left out.
    deadline: Option<NaiveDate>,
}

/// Splits a matter into sub-matters (分解), one per unit, each a draft that inherits the
/// parent's source, urgency, cadence and publicity. All are registered, or none.
#[utoipa::path(post, path = "/matters/{id}/decompose", request_body = DecomposeBody,
    responses((status = 201, body = Vec<MatterSummary>), (status = 403), (status = 409), (status = 422)))]
pub async fn decompose(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<DecomposeBody>,
) -> Result<(StatusCode, axum::Json<Vec<MatterSummary>>), ApiError> {
    let units: Vec<UnitId> = b.unit_ids.into_iter().map(UnitId).collect();
    let made = s
        .luoshi
        .decompose(&user, MatterId(id), &units, &b.title, b.deadline)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(made.iter().map(MatterSummary::from).collect()),
    ))
}

/// A matter in full, with its timeline.
#[utoipa::path(get, path = "/matters/{id}", responses((status = 200, body = MatterDto), (status = 404)))]
pub async fn get(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> MatterResult {
    let detail = s.luoshi.matter_detail(&user, MatterId(id)).await?;
    Ok(axum::Json(MatterDto::of(detail, &s.luoshi.tree())))
}

async fn act(s: &AppState, user: &luoshi_domain::User, id: i64, action: Action) -> MatterResult {
    let detail = s.luoshi.act(user, MatterId(id), action).await?;
    Ok(axum::Json(MatterDto::of(detail, &s.luoshi.tree())))
}

/// Sends a draft to its units (交办).
#[utoipa::path(post, path = "/matters/{id}/assign", responses((status = 200, body = MatterDto), (status = 409)))]
pub async fn assign(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> MatterResult {
    act(&s, &user, id, Action::Assign).await
}

/// Signs for receipt (签收) on behalf of the caller's unit.
#[utoipa::path(post, path = "/matters/{id}/sign", responses((status = 200, body = MatterDto), (status = 409)))]
pub async fn sign(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> MatterResult {
    act(&s, &user, id, Action::Sign).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    progress_text: String,
    percent: u8,
    /// 存在问题
    #[serde(default)]
    problems: String,
    /// 下步打算
    #[serde(default)]
    next_steps: String,
    /// Values for the matter's quantified indicators.
    #[serde(default)]
    values: Vec<ValueBody>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueBody {
    indicator_id: u32,
    value: f64,
}

/// Reports progress (反馈) for the caller's unit.
#[utoipa::path(post, path = "/matters/{id}/feedback", request_body = FeedbackBody, responses((status = 200, body = MatterDto)))]
pub async fn feedback(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<FeedbackBody>,
) -> MatterResult {
    let action = Action::Feedback {
        text: b.progress_text,
        percent: b.percent,
        problems: b.problems,
        next_steps: b.next_steps,
        values: b
            .values
            .into_iter()
            .map(|v| IndicatorValue {
                indicator_id: v.indicator_id,
                value: v.value,
            })
            .collect(),
    };
    act(&s, &user, id, action).await
}

#[derive(Deserialize, ToSchema)]
pub struct SummaryBody {
    summary: String,
}

/// The lead unit asks to close the matter (申请办结).
#[utoipa::path(post, path = "/matters/{id}/request-completion", request_body = SummaryBody, responses((status = 200, body = MatterDto), (status = 403)))]
pub async fn request_completion(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<SummaryBody>,
) -> MatterResult {
    act(
        &s,
        &user,
        id,
        Action::RequestCompletion { summary: b.summary },
    )
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct CommentBody {
    #[serde(default)]
    comment: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    #[serde(default)]
    comment: String,
    /// Close although sub-matters are still open (强制办结): supervisors only, and `comment`
    /// must then give the reason. Without it, a matter with open sub-matters is refused (409).
    #[serde(default)]
    override_open: bool,
    /// 满意度: `satisfied`, `basically` or `unsatisfied`; absent, the matter is not rated.
    #[serde(default)]
    rating: Option<String>,
}

/// The supervisor accepts the completion (办结), or closes over open sub-matters by override.
#[utoipa::path(post, path = "/matters/{id}/close", request_body = CloseBody, responses((status = 200, body = MatterDto), (status = 403), (status = 409), (status = 422)))]
pub async fn close(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<CloseBody>,
) -> MatterResult {
    let rating = Rating::given(b.rating.as_deref().unwrap_or_default())
        .map_err(|why| ServiceError::invalid("rating", why))?;
    let action = Action::Close {
        comment: b.comment,
        override_open: b.override_open,
        rating,
    };
    act(&s, &user, id, action).await
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    reason: String,
}

/// The supervisor sends one unit's latest progress report back (退回反馈), with a reason: it
/// no longer counts, and the unit is asked to report again.
#[utoipa::path(post, path = "/matters/{id}/reports/{event_id}/return", request_body = ReasonBody, responses((status = 200, body = MatterDto), (status = 403), (status = 422)))]
pub async fn return_report(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path((id, event_id)): Path<(i64, i64)>,
    Json(b): Json<ReasonBody>,
) -> MatterResult {
    let detail = s
        .luoshi
        .return_report(&user, MatterId(id), EventId(event_id), &b.reason)
        .await?;
    Ok(axum::Json(MatterDto::of(detail, &s.luoshi.tree())))
}

/// The supervisor sends the completion back (退回), with a reason.
#[utoipa::path(post, path = "/matters/{id}/return", request_body = ReasonBody, responses((status = 200, body = MatterDto)))]
pub async fn return_(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<ReasonBody>,
) -> MatterResult {
    act(&s, &user, id, Action::Return { reason: b.reason }).await
}

#[derive(Deserialize, ToSchema)]
pub struct MessageBody {
    #[serde(default)]
    message: String,
}

/// The supervisor chases the units (催办), with a message.
#[utoipa::path(post, path = "/matters/{id}/remind", request_body = MessageBody, responses((status = 200, body = MatterDto)))]
pub async fn remind(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<MessageBody>,
) -> MatterResult {
    let action = Action::Remind {
        message: b.message,
        unit: None,
    };
    act(&s, &user, id, action).await
}

#[derive(Deserialize, ToSchema)]
pub struct InstructionBody {
    /// `instruct` (批示), `read` (圈阅) or `praise` (肯定).
    kind: InstructionKind,
    #[serde(default)]
    text: String,
    /// The report (a progress report or a request to close) the instruction is written on.
    #[serde(default)]
    on_event_id: Option<i64>,
}

/// A leader's 批示, 圈阅 or 肯定 on the matter, or on one of its reports; the responsible
/// leader's, or that of a leader in charge of a unit on it.
#[utoipa::path(post, path = "/matters/{id}/instructions", request_body = InstructionBody, responses((status = 201, body = MatterDto), (status = 403), (status = 422)))]
pub async fn instruct(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<InstructionBody>,
) -> Result<(StatusCode, axum::Json<MatterDto>), ApiError> {
    let on = b.on_event_id.map(EventId);
    let detail = s
        .luoshi
        .instruct(&user, MatterId(id), b.kind, &b.text, on)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(MatterDto::of(detail, &s.luoshi.tree())),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorBody {
    name: String,
    /// The unit of measure (亿元, %).
    #[serde(default)]
    unit: String,
    baseline: f64,
    target: f64,
    /// `up` (越高越好, the default) or `down` (越低越好).
    #[serde(default = "up")]
    direction: Direction,
    /// The day the baseline holds; January 1st of this year when left out.
    #[serde(default)]
    from: Option<NaiveDate>,
    /// The day the target is due; the matter's deadline, or the year's end, when left out.
    #[serde(default)]
    by: Option<NaiveDate>,
}

fn up() -> Direction {
    Direction::Up
}

/// Sets a quantified indicator (量化指标) on the matter: a supervisor of its office's.
#[utoipa::path(post, path = "/matters/{id}/indicators", request_body = IndicatorBody, responses((status = 201, body = IndicatorDto), (status = 403), (status = 422)))]
pub async fn set_indicator(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<IndicatorBody>,
) -> Result<(StatusCode, axum::Json<IndicatorDto>), ApiError> {
    let new = NewIndicator {
        name: b.name,
        unit: b.unit,
        baseline: b.baseline,
        target: b.target,
        direction: b.direction,
        from: b.from,
        by: b.by,
    };
    let (_, status) = s.luoshi.set_indicator(&user, MatterId(id), new).await?;
    Ok((StatusCode::CREATED, axum::Json(IndicatorDto::from(&status))))
}

#[derive(Deserialize, ToSchema)]
pub struct ExtensionBody {
    new_deadline: NaiveDate,
    reason: String,
}

/// The lead unit asks to move the deadline (申请延期), before it passes.
#[utoipa::path(post, path = "/matters/{id}/extension", request_body = ExtensionBody, responses((status = 200, body = MatterDto)))]
pub async fn request_extension(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<ExtensionBody>,
) -> MatterResult {
    act(
        &s,
        &user,
        id,
        Action::RequestExtension {
            new_deadline: b.new_deadline,
            reason: b.reason,
        },
    )
    .await
}

/// The next approver in the chain agrees; the last approval moves the deadline.
#[utoipa::path(post, path = "/matters/{id}/extension/approve", request_body = CommentBody, responses((status = 200, body = MatterDto)))]
pub async fn approve_extension(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<CommentBody>,
) -> MatterResult {
    act(
        &s,
        &user,
        id,
        Action::ApproveExtension { comment: b.comment },
    )
    .await
}

/// An approver refuses the extension, with a reason.
#[utoipa::path(post, path = "/matters/{id}/extension/reject", request_body = ReasonBody, responses((status = 200, body = MatterDto)))]
pub async fn reject_extension(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<ReasonBody>,
) -> MatterResult {
    act(&s, &user, id, Action::RejectExtension { reason: b.reason }).await
}

/// The supervisor cancels the matter (撤销), with a reason.
#[utoipa::path(post, path = "/matters/{id}/cancel", request_body = ReasonBody, responses((status = 200, body = MatterDto)))]
pub async fn cancel(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
    Json(b): Json<ReasonBody>,
) -> MatterResult {
    act(&s, &user, id, Action::Cancel { reason: b.reason }).await
}
