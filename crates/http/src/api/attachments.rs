//! Files on a matter's record (CONTRACT.md "The matter's record"): uploaded by whoever may act
//! on the matter, downloaded by whoever may read it.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use luoshi_domain::attachment::MAX_FILE_BYTES;
use luoshi_domain::{EventId, MatterId};
use luoshi_service::ServiceError;
use luoshi_service::attachments::NewFile;

use super::dto::AttachmentDto;
use crate::extract::{Caller, Path};
use crate::{ApiError, AppState};

/// Puts a file on the matter's record: multipart, the file in field `file` (PDF, OFD, an image,
/// .docx, .xlsx or .zip, told by its bytes; at most 20 MB), with an optional `note` and
/// `on_event_id` (the report or step it is evidence for).
#[utoipa::path(post, path = "/matters/{id}/attachments",
    request_body(content_type = "multipart/form-data", description = "`file`; optional `note`, `on_event_id`"),
    responses((status = 201, body = AttachmentDto), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn upload(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<AttachmentDto>), ApiError> {
    s.luoshi.may_attach(&caller, MatterId(id)).await?;
    let form = form.map_err(|e| ApiError::bad_request(format!("请以 multipart 上传文件:{e}")))?;
    let (fields, file) = crate::web::read_upload(form).await.map_err(|why| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("上传未完成或文件超过 {} MB:{why}", MAX_FILE_BYTES >> 20),
        )
    })?;
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let on_event = match get("on_event_id") {
        "" => None,
        e => Some(
            e.parse()
                .map(EventId)
                .map_err(|_| ServiceError::invalid("on_event_id", "所附的办理步骤编号应为数字"))?,
        ),
    };
    let (name, bytes) = file.unwrap_or_default();
    let file = NewFile {
        file_name: &name,
        bytes: &bytes,
        note: get("note"),
        on_event,
    };
    let attachment = s.luoshi.attach(&caller, MatterId(id), file).await?;
    Ok((StatusCode::CREATED, axum::Json((&attachment).into())))
}

/// A file's bytes, as they were uploaded.
#[utoipa::path(get, path = "/attachments/{id}",
    responses((status = 200, description = "the file's bytes"), (status = 404)))]
pub async fn file(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (attachment, bytes) = s.luoshi.attachment_file(&caller, EventId(id)).await?;
    Ok(super::attachment(
        &attachment.media_type,
        &attachment.file_name,
        bytes,
    ))
}
