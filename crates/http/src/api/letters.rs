//! Responsibility letters (责任书): the signed file each unit returns, kept by year.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use luoshi_domain::{MatterId, Power, UnitId};
use luoshi_service::ServiceError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::extract::{Caller, Path, Query};
use crate::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// This year when left out.
    year: Option<i32>,
}

/// The year's letters, and the units of the office that have not returned one.
#[utoipa::path(get, path = "/letters", params(YearQuery),
    responses((status = 200, description = "`{letters: [{id, unit_id, year, file_name, content_type, sha256, size, matter_ids, uploaded_at}], missing_unit_ids}`"), (status = 403)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<YearQuery>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&s.luoshi.today()));
    let (letters, missing) = s.luoshi.letters(&caller, year).await?;
    Ok(axum::Json(serde_json::json!({
        "letters": letters.iter().map(|l| serde_json::json!({
            "id": l.id, "unit_id": l.unit_id.0, "year": l.year, "file_name": l.file_name,
            "content_type": l.content_type, "sha256": l.sha256, "size": l.size,
            "matter_ids": l.matter_ids.iter().map(|m| m.0).collect::<Vec<_>>(),
            "uploaded_at": l.uploaded_at,
        })).collect::<Vec<_>>(),
        "missing_unit_ids": missing.iter().map(|u| u.0).collect::<Vec<_>>(),
    })))
}

/// Keeps a unit's signed letter: multipart, the file (PDF or image) in field `file`, with
/// `unit_id`, optional `year` and `matter_ids` (comma-separated).
#[utoipa::path(post, path = "/letters",
    request_body(content_type = "multipart/form-data", description = "`file`, `unit_id`; optional `year`, `matter_ids`"),
    responses((status = 201, description = "`{id}`"), (status = 403), (status = 413), (status = 422)))]
pub async fn upload(
    State(s): State<AppState>,
    Caller(caller): Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    if !s.luoshi.may(&caller, Power::Letters) {
        return Err(ServiceError::Forbidden(Power::Letters.refusal().into()).into());
    }
    let form = form.map_err(|e| ApiError::bad_request(format!("请以 multipart 上传文件:{e}")))?;
    let (fields, file) = crate::web::read_upload(form).await.map_err(|why| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("上传未完成或文件超过 20 MB:{why}"),
        )
    })?;
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let unit = get("unit_id")
        .parse()
        .map(UnitId)
        .map_err(|_| ServiceError::invalid("unit_id", "请填写单位编号 unit_id"))?;
    let year = match get("year") {
        "" => chrono::Datelike::year(&s.luoshi.today()),
        y => y
            .parse()
            .map_err(|_| ServiceError::invalid("year", "年份应为数字"))?,
    };
    let matters = get("matter_ids")
        .split([',', ','])
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| m.parse().map(MatterId))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ServiceError::invalid("matter_ids", "事项编号应为数字,用逗号分隔"))?;
    let (name, bytes) = file.unwrap_or_default();
    let id = s
        .luoshi
        .upload_letter(&caller, unit, year, &name, &bytes, &matters)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "id": id })),
    ))
}

/// A letter's file, as it was kept.
#[utoipa::path(get, path = "/letters/{id}/file",
    responses((status = 200, description = "the file's bytes"), (status = 404)))]
pub async fn file(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (letter, bytes) = s.luoshi.letter_file(&caller, id).await?;
    Ok(super::attachment(
        &letter.content_type,
        &letter.file_name,
        bytes,
    ))
}
