//! Report rounds: a matter's rounds with who reported in each, the units missing from the
//! round a day falls in, and one call that reminds them all.

use axum::extract::State;
use chrono::NaiveDate;
use luoshi_domain::MatterId;
use luoshi_service::rounds::RoundView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::MatterSummary;
use crate::extract::{Caller, Json, Path, Query};
use crate::{ApiError, AppState};

#[derive(Serialize, ToSchema)]
pub struct RoundDto {
    /// `2026-07`, `2026-Q3`, `2026-W27`, `2026-H2`.
    period: String,
    /// 2026年7月, as people name it.
    label: String,
    /// The working day reports are due by.
    due: NaiveDate,
    units: Vec<UnitRound>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitRound {
    unit_id: i64,
    reported: bool,
}

impl From<&RoundView> for RoundDto {
    fn from(r: &RoundView) -> RoundDto {
        RoundDto {
            period: r.period(),
            label: r.label(),
            due: r.round.due,
            units: r
                .units
                .iter()
                .map(|(u, reported)| UnitRound {
                    unit_id: u.0,
                    reported: *reported,
                })
                .collect(),
        }
    }
}

/// The rounds a matter with a report rule has owed since it was assigned, the next one due
/// included, each with whether every unit reported in it; `[]` for a matter without a rule.
#[utoipa::path(get, path = "/matters/{id}/rounds", responses((status = 200, body = Vec<RoundDto>), (status = 404)))]
pub async fn of_matter(
    State(s): State<AppState>,
    Caller(user): Caller,
    Path(id): Path<i64>,
) -> Result<axum::Json<Vec<RoundDto>>, ApiError> {
    let rounds = s.luoshi.rounds(&user, MatterId(id)).await?;
    Ok(axum::Json(rounds.iter().map(RoundDto::from).collect()))
}

#[derive(Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnQuery {
    /// A day of the round asked about; today when left out.
    on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct MissingDto {
    matter: MatterSummary,
    #[serde(flatten)]
    round: RoundDto,
    /// The units at work that have not reported in the round.
    missing_unit_ids: Vec<i64>,
}

/// Every open matter the caller sees whose round (the one `on` falls in) still lacks a report
/// from a unit at work, soonest due first.
#[utoipa::path(get, path = "/rounds/missing", params(OnQuery), responses((status = 200, body = Vec<MissingDto>)))]
pub async fn missing(
    State(s): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<OnQuery>,
) -> Result<axum::Json<Vec<MissingDto>>, ApiError> {
    let on = q.on.unwrap_or_else(|| s.luoshi.today());
    let missing = s.luoshi.missing_reports(&user, on).await?;
    Ok(axum::Json(
        missing
            .iter()
            .map(|m| MissingDto {
                matter: MatterSummary::from(&m.view),
                round: RoundDto::from(&m.round),
                missing_unit_ids: m.round.missing().map(|u| u.0).collect(),
            })
            .collect(),
    ))
}

/// Which round to remind: the one this day falls in; today's when left out.
#[derive(Deserialize, ToSchema)]
pub struct RemindBody {
    on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct Reminded {
    /// Units reminded, one reminder each on its matter.
    reminded: usize,
}

/// 一键催报: reminds every unit missing from the round `on` falls in (supervisors).
#[utoipa::path(post, path = "/rounds/remind", request_body = RemindBody, responses((status = 200, body = Reminded), (status = 403)))]
pub async fn remind(
    State(s): State<AppState>,
    Caller(user): Caller,
    Json(b): Json<RemindBody>,
) -> Result<axum::Json<Reminded>, ApiError> {
    let on = b.on.unwrap_or_else(|| s.luoshi.today());
    let reminded = s.luoshi.remind_missing(&user, on).await?;
    Ok(axum::Json(Reminded { reminded }))
}
