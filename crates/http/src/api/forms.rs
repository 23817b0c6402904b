//! A matter's printed forms (CONTRACT.md "The matter's record"): the 督办通知单 and the latest
//! 催办单 as .docx, to whoever may read the matter.

use axum::extract::State;
use luoshi_domain::MatterId;

use crate::extract::{Caller, Path};
use crate::{ApiError, AppState};

/// The 督办通知单 of an assigned matter: its number, title, content, source, urgency, units,
/// responsible leader, deadline, how and by when to sign and report, and whom to call; dated
/// the day it was assigned. `409` for a draft.
#[utoipa::path(get, path = "/matters/{id}/forms/notice.docx",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404), (status = 409)))]
pub async fn notice(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let form = s.luoshi.notice_form(&caller, MatterId(id)).await?;
    super::docx_download(&form.doc, &form.file_name())
}

/// The latest 催办单: the reminders sent at the latest moment any was, to the units of the most
/// severe colour sent then — 蓝色 for the reminder while a light is yellow, 黄色 for one while
/// it is red, 红色 once escalated to the leader. `404` for a matter never reminded.
#[utoipa::path(get, path = "/matters/{id}/forms/reminder.docx",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404)))]
pub async fn reminder(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let form = s.luoshi.reminder_form(&caller, MatterId(id)).await?;
    super::docx_download(&form.doc, &form.file_name())
}
