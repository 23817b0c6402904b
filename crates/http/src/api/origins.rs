//! Origins (出处): the meetings, documents and instructions whose items are matters, with how
//! their items stand and the bulletin on them.

use axum::extract::State;
use axum::http::StatusCode;
use luoshi_service::origins::{NewOrigin, Origin, OriginReport};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Json, Path};
use crate::{ApiError, AppState};

fn dto(o: &Origin) -> serde_json::Value {
    serde_json::json!({
        "id": o.id, "kind": o.kind, "title": o.title, "number": o.number, "date": o.date,
        "created_at": o.created_at,
    })
}

fn report_dto(r: &OriginReport) -> serde_json::Value {
    let mut out = dto(&r.origin);
    out["matters"] = r
        .items
        .iter()
        .map(|i| {
            let m = &i.view.matter;
            serde_json::json!({
                "item": i.item, "id": m.id.0, "number": i.view.number, "title": m.title,
                "state": m.state, "light": i.view.light, "progress": i.progress,
                "lead_unit_id": m.lead_unit_id.0, "deadline": m.deadline, "overdue": i.overdue,
            })
        })
        .collect();
    out["summary"] = serde_json::json!({
        "total": r.summary.total, "closed": r.summary.closed, "overdue": r.summary.overdue,
    });
    out["late"] = r
        .late
        .iter()
        .map(|(u, items)| serde_json::json!({"unit_id": u.0, "items": items}))
        .collect();
    out
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOriginBody {
    /// `meeting` (会议), `document` (文件) or `instruction` (批示).
    kind: String,
    /// 市政府第9次常务会议, 关于印发…的通知.
    title: String,
    /// The 文号, e.g. 云政阅〔2026〕9号; may be left empty.
    #[serde(default)]
    number: String,
    /// `YYYY-MM-DD`; may be left empty.
    #[serde(default)]
    date: String,
}

/// Records an origin of the caller's org; one of the same kind, title and 文号 is the same
/// origin, and its id is given back.
#[utoipa::path(post, path = "/origins", request_body = NewOriginBody,
    responses((status = 201, description = "`{id, kind, title, number, date, created_at}`"), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Json(b): Json<NewOriginBody>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    let input = NewOrigin {
        kind: b.kind,
        title: b.title,
        number: b.number,
        date: b.date,
    };
    let o = s.luoshi.create_origin(&caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(dto(&o))))
}

/// The origins of the caller's org, the latest first.
#[utoipa::path(get, path = "/origins",
    responses((status = 200, description = "`[{id, kind, title, number, date, created_at}]`"), (status = 403)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let all = s.luoshi.origins(&caller).await?;
    Ok(axum::Json(all.iter().map(dto).collect()))
}

/// An origin with its matters in item order, counted: `summary.overdue` are the items open
/// past their deadline, and `late` names their lead units with the item numbers.
#[utoipa::path(get, path = "/origins/{id}",
    responses((status = 200, description = "`{id, kind, title, number, date, matters: [{item, id, number, title, state, light, progress, lead_unit_id, deadline, overdue}], summary: {total, closed, overdue}, late: [{unit_id, items}]}`"), (status = 404)))]
pub async fn get(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let r = s.luoshi.origin_report(&caller, id).await?;
    Ok(axum::Json(report_dto(&r)))
}

/// The bulletin on the origin's items (关于…议定事项落实情况的通报) as a .docx.
#[utoipa::path(get, path = "/origins/{id}/bulletin.docx",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404)))]
pub async fn bulletin(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let doc = s.luoshi.origin_bulletin(&caller, id).await?;
    super::docx_download(&doc, "origin-bulletin.docx")
}
