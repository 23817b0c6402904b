use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use luoshi_domain::UnitId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::IndicatorDto;
use crate::extract::{Caller, Query};
use crate::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
pub struct DashboardQuery {
    /// A unit whose subtree to count; default: everything the caller may see.
    unit_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardDto {
    total: usize,
    by_state: BTreeMap<&'static str, usize>,
    by_light: BTreeMap<&'static str, usize>,
    by_source: BTreeMap<&'static str, usize>,
    completion_rate: f64,
    units: Vec<UnitStandingDto>,
    /// The last twelve weeks, oldest first.
    overdue_by_week: Vec<WeekOverdueDto>,
    /// This year's deadlines per unit and month (the units with most late work).
    unit_months: Vec<UnitMonthDto>,
    /// Quantified indicators of open matters behind their trajectories, furthest behind first.
    off_track: Vec<OffTrackDto>,
}

#[derive(Serialize, ToSchema)]
pub struct OffTrackDto {
    matter_id: i64,
    number: String,
    title: String,
    lead_unit_id: i64,
    indicator: IndicatorDto,
}

#[derive(Serialize, ToSchema)]
pub struct WeekOverdueDto {
    week_start: NaiveDate,
    /// The day counted at its end: the week's Sunday, or today in the current week.
    day: NaiveDate,
    /// Matters open past their deadline at the end of `day`.
    count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct UnitMonthDto {
    unit_id: i64,
    /// The month's first day.
    month: NaiveDate,
    /// Assignments due in the month.
    due: usize,
    /// Of these, closed after the deadline or open past it.
    late: usize,
}

#[derive(Serialize, ToSchema)]
pub struct UnitStandingDto {
    unit_id: i64,
    open: usize,
    red: usize,
    completion_rate: f64,
}

/// 情况要明: counts by state, light and source, and how each unit stands.
#[utoipa::path(get, path = "/dashboard", params(DashboardQuery), responses((status = 200, body = DashboardDto)))]
pub async fn dashboard(
    State(s): State<AppState>,
    Caller(user): Caller,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<DashboardDto>, ApiError> {
    let d = s.luoshi.dashboard(&user, q.unit_id.map(UnitId)).await?;
    Ok(Json(DashboardDto {
        total: d.total,
        by_state: d.by_state,
        by_light: d.by_light,
        by_source: d.by_source,
        completion_rate: d.completion_rate,
        units: d
            .units
            .into_iter()
            .map(|u| UnitStandingDto {
                unit_id: u.unit_id.0,
                open: u.open,
                red: u.red,
                completion_rate: u.completion_rate,
            })
            .collect(),
        overdue_by_week: d
            .overdue_by_week
            .into_iter()
            .map(|w| WeekOverdueDto {
                week_start: w.week_start,
                day: w.day,
                count: w.count,
            })
            .collect(),
        unit_months: d
            .heat
            .rows
            .iter()
            .flat_map(|r| {
                r.cells
                    .iter()
                    .zip(&d.heat.months)
                    .filter(|(c, _)| c.0 > 0)
                    .map(|(&(due, late), &month)| UnitMonthDto {
                        unit_id: r.unit_id.0,
                        month,
                        due,
                        late,
                    })
            })
            .collect(),
        off_track: d
            .off_track
            .iter()
            .map(|o| OffTrackDto {
                matter_id: o.matter_id.0,
                number: o.number.clone(),
                title: o.title.clone(),
                lead_unit_id: o.lead_unit_id.0,
                indicator: IndicatorDto::from(&o.status),
            })
            .collect(),
    }))
}
