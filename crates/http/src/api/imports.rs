//! Task tables imported as the import page and `luoshi import` do: a preview that writes
//! nothing, and the import itself, which writes every row or none unless told to leave the
//! rows with problems out.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use luoshi_domain::{Power, Source, User};
use luoshi_service::ServiceError;
use luoshi_service::import::{ImportOptions, ImportPlan};

use crate::extract::Caller;
use crate::{ApiError, AppState};

/// The file and options of an import request: multipart, the table in field `file`, and
/// optional fields `source`, `year`, `assign` (`1`: assign at once) and `partial` (`1`: leave
/// the rows with problems out).
async fn read(
    s: &AppState,
    caller: &User,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(ImportPlan, ImportOptions), ApiError> {
    // Who may import is asked before the upload is read.
    if !s.luoshi.may(caller, Power::Import) {
        return Err(ServiceError::Forbidden(Power::Import.refusal().into()).into());
    }
    let form = form.map_err(|e| ApiError::bad_request(format!("请以 multipart 上传文件:{e}")))?;
    let (fields, file) = crate::web::read_upload(form).await.map_err(|why| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("上传未完成或文件超过 20 MB:{why}"),
        )
    })?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(ServiceError::invalid("file", "请在 file 字段上传要导入的文件").into());
    };
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let source = match get("source") {
        "" => None,
        v => Some(
            Source::parse(v)
                .ok_or_else(|| ServiceError::invalid("source", format!("来源“{v}”无效")))?,
        ),
    };
    let year = match get("year") {
        "" => None,
        v => Some(
            v.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| ServiceError::invalid("year", "年份应为2000至2100之间的数字"))?,
        ),
    };
    let options = ImportOptions {
        source,
        year,
        assign: get("assign") == "1",
        partial: get("partial") == "1",
    };
    let plan = s
        .luoshi
        .plan_import(Some(caller), &name, &bytes, &options)
        .await?;
    Ok((plan, options))
}

/// Reads a table and says, row by row, what it would import and what stands in the way.
/// Nothing is written.
#[utoipa::path(post, path = "/imports/preview",
    request_body(content_type = "multipart/form-data", description = "`file`; optional `source`, `year`"),
    responses((status = 200, description = "`{rows: [{title, lead_units, co_units, deadline, unit_ids, problems, notes, imported_before, …}], file_problems, year, source, origin, cadence}`"), (status = 403), (status = 422)))]
pub async fn preview(
    State(s): State<AppState>,
    Caller(caller): Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<axum::Json<ImportPlan>, ApiError> {
    let (plan, _) = read(&s, &caller, form).await?;
    Ok(axum::Json(plan))
}

/// Imports a table: every row, or with `partial=1` the rows without problems. Rows imported
/// before are skipped, so sending the same file twice adds nothing.
#[utoipa::path(post, path = "/imports",
    request_body(content_type = "multipart/form-data", description = "`file`; optional `source`, `year`, `assign`, `partial`"),
    responses((status = 201, description = "`{created: [matter ids], already, left_out}`"), (status = 403), (status = 422)))]
pub async fn import(
    State(s): State<AppState>,
    Caller(caller): Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    let (plan, options) = read(&s, &caller, form).await?;
    let outcome = s.luoshi.import(&caller, &plan, &options).await?;
    let luoshi = s.luoshi.clone();
    tokio::spawn(async move {
        if let Err(e) = luoshi.refresh_statistics().await {
            tracing::warn!(error = %e, "statistics could not be refreshed after an import");
        }
    });
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({
            "created": outcome.created.iter().map(|m| m.0).collect::<Vec<_>>(),
            "already": outcome.already,
            "left_out": outcome.left_out,
        })),
    ))
}
