//! Bulletins (通报) as the office issues them: begun as a draft, typical cases added, sent for
//! review, published, and downloaded as the .docx that is printed.

use axum::extract::State;
use axum::http::StatusCode;
use luoshi_domain::{MatterId, Power};
use luoshi_service::ServiceError;
use luoshi_service::bulletin::BulletinRow;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Json, Path};
use crate::{ApiError, AppState};

fn dto(b: &BulletinRow) -> serde_json::Value {
    serde_json::json!({
        "id": b.id, "period": b.period, "number": b.number, "state": b.state,
        "cases": b.cases.iter().map(|c| serde_json::json!({
            "matter_id": c.matter_id.0, "praise": c.praise, "comment": c.comment,
        })).collect::<Vec<_>>(),
        "created_at": b.created_at, "published_at": b.published_at,
    })
}

type One = Result<axum::Json<serde_json::Value>, ApiError>;

/// The office's bulletins, newest first (`state`: draft, review or published); leaders see
/// the published ones.
#[utoipa::path(get, path = "/bulletins",
    responses((status = 200, description = "`[{id, period, number, state, cases: [{matter_id, praise, comment}], created_at, published_at}]`"), (status = 403)))]
pub async fn list(State(s): State<AppState>, Caller(caller): Caller) -> One {
    let all = s.luoshi.bulletins(&caller).await?;
    Ok(axum::Json(all.iter().map(dto).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBulletin {
    /// `2026`, `2026-Q2` or `2026-06`.
    period: String,
    /// The 文号, e.g. 云政督通〔2026〕3号; may be left empty.
    #[serde(default)]
    number: String,
}

/// Begins a bulletin for a period, as a draft.
#[utoipa::path(post, path = "/bulletins", request_body = NewBulletin,
    responses((status = 201, description = "the bulletin"), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Json(b): Json<NewBulletin>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    let id = s
        .luoshi
        .draft_bulletin(&caller, &b.period, &b.number)
        .await?;
    let (row, _) = s.luoshi.bulletin_page(&caller, id).await?;
    Ok((StatusCode::CREATED, axum::Json(dto(&row))))
}

/// One bulletin, with its document as it reads now (as issued, once published).
#[utoipa::path(get, path = "/bulletins/{id}",
    responses((status = 200, description = "the bulletin and `document`: {issuer, number, title, recipients, body, signature, date}"), (status = 404)))]
pub async fn get(State(s): State<AppState>, Caller(caller): Caller, Path(id): Path<i64>) -> One {
    let (row, doc) = s.luoshi.bulletin_page(&caller, id).await?;
    let mut out = dto(&row);
    out["document"] = serde_json::to_value(&doc).unwrap_or_default();
    Ok(axum::Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseBody {
    matter_id: i64,
    /// 表扬 when true, 批评 when false.
    praise: bool,
    /// The office's comment on the case.
    comment: String,
}

/// Adds a typical case (典型案例) to a draft.
#[utoipa::path(post, path = "/bulletins/{id}/cases", request_body = CaseBody,
    responses((status = 200, description = "the bulletin"), (status = 409), (status = 422)))]
pub async fn add_case(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    Json(b): Json<CaseBody>,
) -> One {
    s.luoshi
        .add_case(&caller, id, MatterId(b.matter_id), b.praise, &b.comment)
        .await?;
    let (row, _) = s.luoshi.bulletin_page(&caller, id).await?;
    Ok(axum::Json(dto(&row)))
}

/// Moves a bulletin on when it stands at `from`; `409` when it stands elsewhere.
async fn advance(s: &AppState, caller: &luoshi_domain::User, id: i64, from: &str) -> One {
    if !s.luoshi.may(caller, Power::EditBulletins) {
        return Err(ServiceError::Forbidden(Power::EditBulletins.refusal().into()).into());
    }
    let (row, _) = s.luoshi.bulletin_page(caller, id).await?;
    if row.state != from {
        let message = match from {
            "draft" => "只有草稿可以送审",
            _ => "只有送审中的通报可以发布",
        };
        return Err(ServiceError::Conflict(message.into()).into());
    }
    s.luoshi.advance_bulletin(caller, id).await?;
    let (row, _) = s.luoshi.bulletin_page(caller, id).await?;
    Ok(axum::Json(dto(&row)))
}

/// Sends a draft for review (送审).
#[utoipa::path(post, path = "/bulletins/{id}/review",
    responses((status = 200, description = "the bulletin, state `review`"), (status = 409)))]
pub async fn review(State(s): State<AppState>, Caller(caller): Caller, Path(id): Path<i64>) -> One {
    advance(&s, &caller, id, "draft").await
}

/// Publishes a reviewed bulletin: its document is kept as issued, and its typical cases are
/// written on their matters' timelines, where assessment reads them.
#[utoipa::path(post, path = "/bulletins/{id}/publish",
    responses((status = 200, description = "the bulletin, state `published`"), (status = 409)))]
pub async fn publish(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> One {
    advance(&s, &caller, id, "review").await
}

/// The bulletin as a .docx in the official layout.
#[utoipa::path(get, path = "/bulletins/{id}/docx",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404)))]
pub async fn docx(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (_, doc) = s.luoshi.bulletin_page(&caller, id).await?;
    super::docx_download(&doc, "bulletin.docx")
}
