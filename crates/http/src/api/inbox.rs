//! The caller's inbox and how they want to hear, and for administrators the deliveries that
//! failed: what the inbox and admin pages show.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use luoshi_domain::china_offset;
use luoshi_service::notify::{Addressee, DeliveryState, Prefs};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{self, Caller, Path};
use crate::{ApiError, AppState};

fn local(at: DateTime<chrono::Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&china_offset())
}

#[derive(Serialize, ToSchema)]
pub struct Message {
    id: String,
    matter_id: Option<i64>,
    title: String,
    body: String,
    created_at: DateTime<FixedOffset>,
    /// Addressed to the caller's unit's liaisons rather than to the caller alone.
    to_unit: bool,
    /// A receipt (确认收到) is asked for.
    confirm: bool,
    read_at: Option<DateTime<FixedOffset>>,
    confirmed_at: Option<DateTime<FixedOffset>>,
}

#[derive(Serialize, ToSchema)]
pub struct Inbox {
    items: Vec<Message>,
    unread: usize,
}

/// The caller's messages, newest first, and how many are unread.
#[utoipa::path(get, path = "/inbox", responses((status = 200, body = Inbox)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Inbox>, ApiError> {
    let (items, unread) = s.luoshi.inbox(&caller).await?;
    let items = items
        .into_iter()
        .map(|i| Message {
            id: i.id,
            matter_id: i.matter_id.map(|m| m.0),
            title: i.title,
            body: i.body,
            created_at: local(i.created_at),
            to_unit: matches!(i.to, Addressee::Liaisons(_)),
            confirm: i.confirm,
            read_at: i.read_at.map(local),
            confirmed_at: i.confirmed_at.map(local),
        })
        .collect();
    Ok(Json(Inbox { items, unread }))
}

/// Marks a message read.
#[utoipa::path(post, path = "/inbox/{id}/read", responses((status = 204), (status = 404)))]
pub async fn read(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.luoshi.mark_read(&caller, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirms a message (确认收到): for a unit's message, for the whole unit; its resending stops.
#[utoipa::path(post, path = "/inbox/{id}/confirm", responses((status = 204), (status = 404)))]
pub async fn confirm(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.luoshi.mark_read(&caller, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefsBody {
    /// Messages by e-mail as well as in the inbox.
    email: bool,
    /// One e-mail a day with everything in it, instead of one per message.
    digest: bool,
}

/// How the caller wants to hear.
#[utoipa::path(get, path = "/me/prefs", responses((status = 200, body = PrefsBody)))]
pub async fn prefs(
    State(s): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<PrefsBody>, ApiError> {
    let p = s.luoshi.prefs(&caller).await?;
    Ok(Json(PrefsBody {
        email: p.email,
        digest: p.digest,
    }))
}

/// Changes how the caller wants to hear.
#[utoipa::path(put, path = "/me/prefs", request_body = PrefsBody, responses((status = 200, body = PrefsBody)))]
pub async fn save_prefs(
    State(s): State<AppState>,
    Caller(caller): Caller,
    extract::Json(b): extract::Json<PrefsBody>,
) -> Result<Json<PrefsBody>, ApiError> {
    let prefs = Prefs {
        email: b.email,
        digest: b.digest,
    };
    s.luoshi.save_prefs(&caller, prefs).await?;
    Ok(Json(b))
}

#[derive(Serialize, ToSchema)]
pub struct Delivery {
    id: String,
    /// `email`, `webhook` or `sms`.
    channel: String,
    target: String,
    subject: String,
    created_at: DateTime<FixedOffset>,
    attempts: u32,
    last_error: String,
    /// Retries are over; it will not be sent.
    gave_up: bool,
}

/// Messages that could not be delivered or are still being retried (administrators and
/// supervisors).
#[utoipa::path(get, path = "/deliveries", responses((status = 200, body = Vec<Delivery>), (status = 403)))]
pub async fn deliveries(
    State(s): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let problems = s.luoshi.delivery_problems(&caller).await?;
    Ok(Json(
        problems
            .into_iter()
            .map(|o| Delivery {
                id: o.notice.id,
                channel: o.notice.channel.as_str().to_string(),
                target: o.notice.target,
                subject: o.notice.subject,
                created_at: local(o.notice.created_at),
                attempts: o.attempts,
                last_error: o.last_error,
                gave_up: o.state == DeliveryState::Failed,
            })
            .collect(),
    ))
}

/// Sends a delivery that was given up on once more, now (administrators and supervisors);
/// `404` for one that has not failed for good.
#[utoipa::path(post, path = "/deliveries/{id}/retry", responses((status = 204), (status = 403), (status = 404)))]
pub async fn retry(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.luoshi.retry_delivery(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
