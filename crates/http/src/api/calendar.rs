//! The working-day calendar: a State Council holiday notice previewed as the days it sets, and
//! saved (administrators and supervisors), as on the admin page.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use luoshi_domain::{Power, notice};
use luoshi_service::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{self, Caller};
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    /// The notice's full text, as published.
    notice: String,
    /// The year, when the notice does not say it.
    year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct Day {
    date: NaiveDate,
    /// `holiday` or `workday` (a 调休 weekend worked).
    kind: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    /// How many days the calendar now holds from the notice.
    saved: usize,
}

/// The days a notice sets, without saving them.
#[utoipa::path(post, path = "/calendar/preview", request_body = NoticeBody,
    responses((status = 200, body = Vec<Day>), (status = 403), (status = 422)))]
pub async fn preview(
    State(s): State<AppState>,
    Caller(caller): Caller,
    extract::Json(b): extract::Json<NoticeBody>,
) -> Result<Json<Vec<Day>>, ApiError> {
    s.luoshi.authorize(&caller, Power::Administer)?;
    let days = notice::parse_notice(&b.notice, b.year)
        .map_err(|e| ApiError::from(ServiceError::invalid("notice", e.to_string())))?;
    Ok(Json(
        days.into_iter()
            .map(|d| Day {
                date: d.date,
                kind: serde_json::to_value(d.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                name: d.name,
            })
            .collect(),
    ))
}

/// Saves a notice's days into the calendar; lights count working days by it at once.
#[utoipa::path(post, path = "/calendar", request_body = NoticeBody,
    responses((status = 200, body = Saved), (status = 403), (status = 422)))]
pub async fn save(
    State(s): State<AppState>,
    Caller(caller): Caller,
    extract::Json(b): extract::Json<NoticeBody>,
) -> Result<Json<Saved>, ApiError> {
    let saved = s.luoshi.import_calendar(&caller, &b.notice, b.year).await?;
    Ok(Json(Saved { saved }))
}
