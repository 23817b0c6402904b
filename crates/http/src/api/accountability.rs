//! Accountability (问责): the office's records, measures entered by hand, and the ladder's
//! proposals decided or dismissed.

use axum::extract::State;
use axum::http::StatusCode;
use luoshi_domain::accountability::{Accountability, Measure};
use luoshi_domain::{MatterId, UnitId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Json, Path};
use crate::{ApiError, AppState};

fn dto(a: &Accountability) -> serde_json::Value {
    serde_json::json!({
        "id": a.id, "unit_id": a.unit_id.0, "person": a.person,
        "matter_ids": a.matter_ids.iter().map(|m| m.0).collect::<Vec<_>>(),
        "reason": a.reason, "measure": a.measure.map(|m| m.as_str()),
        "state": a.state.as_str(), "created_at": a.created_at, "decided_at": a.decided_at,
    })
}

/// The office's records, proposals first (`state`: proposed, decided or dismissed).
#[utoipa::path(get, path = "/accountability",
    responses((status = 200, description = "`[{id, unit_id, person, matter_ids, reason, measure, state, created_at, decided_at}]`"), (status = 403)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let all = s.luoshi.accountability(&caller).await?;
    Ok(axum::Json(all.iter().map(dto).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecord {
    unit_id: i64,
    /// The person held to account; empty for the unit itself.
    #[serde(default)]
    person: String,
    #[serde(default)]
    matter_ids: Vec<i64>,
    reason: String,
    measure: Measure,
}

/// Records a measure taken (约谈, 通报批评, 诫勉谈话, 责令书面检查, 其他); it is written on the
/// matters' timelines, where assessment reads it.
#[utoipa::path(post, path = "/accountability", request_body = NewRecord,
    responses((status = 201, description = "`{id}`"), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Json(b): Json<NewRecord>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    let matters: Vec<MatterId> = b.matter_ids.into_iter().map(MatterId).collect();
    let id = s
        .luoshi
        .hold_to_account(
            &caller,
            UnitId(b.unit_id),
            &b.person,
            &matters,
            &b.reason,
            b.measure,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "id": id })),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The measure taken; leave it out to dismiss the proposal (不予问责).
    measure: Option<Measure>,
    /// Why; the proposal's own reason stands when empty.
    #[serde(default)]
    reason: String,
}

/// Decides a proposal of the reminder ladder, or dismisses it.
#[utoipa::path(post, path = "/accountability/{id}/decide", request_body = Decision,
    responses((status = 200, description = "`{id}`"), (status = 404), (status = 409)))]
pub async fn decide(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    Json(b): Json<Decision>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let id = s
        .luoshi
        .decide_accountability(&caller, id, b.measure, &b.reason)
        .await?;
    Ok(axum::Json(serde_json::json!({ "id": id })))
}
