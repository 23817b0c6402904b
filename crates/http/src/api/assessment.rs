//! Assessment scores for a period, as the assessment page and `luoshi assess --json` give them.

use axum::Json;
use axum::extract::State;
use luoshi_service::ServiceError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::extract::{Caller, Query};
use crate::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    /// `2026`, `2026-Q2` or `2026-06`; this year when left out.
    period: Option<String>,
    /// A preset (`lead_co`, `items`, `reports`) or a custom scheme's name; the configured one
    /// when left out.
    scheme: Option<String>,
}

/// Scores for a period: the units the caller oversees, ranked within each kind of unit, every
/// point explained (supervisors and leaders).
#[utoipa::path(get, path = "/assessment", params(AssessmentQuery),
    responses((status = 200, description = "`{period, scheme, scheme_label, base, scores: [{unit_id, unit, kind, score, rank, items: [{points, reason, event_id, matter_id}]}]}`"), (status = 403), (status = 422)))]
pub async fn assessment(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<AssessmentQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let result = assess(&s, &caller, q).await?;
    let tree = s.luoshi.tree();
    Ok(Json(serde_json::json!({
        "period": result.period, "scheme": result.scheme, "scheme_label": result.scheme_label, "base": result.base,
        "scores": result.rows(&tree),
    })))
}

async fn assess(
    s: &AppState,
    caller: &luoshi_domain::User,
    q: AssessmentQuery,
) -> Result<luoshi_service::assess::Assessment, ApiError> {
    let period: luoshi_domain::assess::Period = q
        .period
        .unwrap_or_else(|| chrono::Datelike::year(&s.luoshi.today()).to_string())
        .parse()
        .map_err(|e: String| ApiError::from(ServiceError::invalid("period", e)))?;
    Ok(s.luoshi.assess(caller, period, q.scheme.as_deref()).await?)
}

/// The same scores as an .xlsx laid out to print, every point explained.
#[utoipa::path(get, path = "/assessment.xlsx", params(AssessmentQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403), (status = 422)))]
pub async fn workbook(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<AssessmentQuery>,
) -> Result<axum::response::Response, ApiError> {
    let result = assess(&s, &caller, q).await?;
    let bytes = result.workbook(&s.luoshi.tree())?;
    Ok(super::attachment(super::XLSX, "assessment.xlsx", bytes))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    matter_id: i64,
    /// One of the matter's units.
    unit_id: i64,
    /// Points added, or taken away when negative: -100 to 100, not 0.
    points: f64,
    reason: String,
    /// Who approved it (批准人).
    approver: String,
}

/// A manual adjustment of a unit's score on a matter (人工加减分), with its reason and
/// approver; it is written on the matter's timeline and counts from then on.
#[utoipa::path(post, path = "/assessment/adjustments", request_body = AdjustmentBody,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn adjust(
    State(s): State<AppState>,
    Caller(caller): Caller,
    crate::extract::Json(b): crate::extract::Json<AdjustmentBody>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.luoshi
        .adjust_score(
            &caller,
            luoshi_domain::MatterId(b.matter_id),
            luoshi_domain::UnitId(b.unit_id),
            b.points,
            &b.reason,
            &b.approver,
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
