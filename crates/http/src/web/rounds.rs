//! 报送情况: for the round a day falls in, every matter and unit still missing a report, and
//! one button that reminds them all.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::context;

use super::PageError;
use super::form::{Fields, Posted, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

/// The day asked about, or today; what is wrong with it, in Chinese.
fn day(s: &AppState, f: &Fields) -> Result<NaiveDate, &'static str> {
    match field(f, "on").trim() {
        "" => Ok(s.luoshi.today()),
        on => NaiveDate::parse_from_str(on, "%Y-%m-%d")
            .map_err(|_| "请填写有效的日期,例如 2026-07-24"),
    }
}

pub async fn page(State(s): State<AppState>, viewer: Viewer, Query(f): Query<Fields>) -> Response {
    let (on, error) = match day(&s, &f) {
        Ok(on) => (on, None),
        Err(why) => (s.luoshi.today(), Some(why)),
    };
    let missing = match s.luoshi.missing_reports(&viewer.user, on).await {
        Ok(m) => m,
        Err(e) => return PageError::from(ApiError::from(e)).into_response(),
    };
    let tree = s.luoshi.tree();
    let rows: Vec<_> = missing
        .iter()
        .map(|m| {
            let units: Vec<String> = m.round.missing().map(|u| view::unit_name(&tree, u)).collect();
            context! {
                id => m.view.matter.id.0, number => m.view.number, title => m.view.matter.title,
                rule => m.round.rule.phrase(), round => m.round.label(),
                due => view::page_date(m.round.round.due), overdue => m.round.round.due < s.luoshi.today(),
                units,
            }
        })
        .collect();
    let units: usize = missing.iter().map(|m| m.round.missing().count()).sum();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        &s,
        status,
        "rounds.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree), csrf => viewer.csrf(),
            on => on.to_string(), rows, units, error,
            may_remind => s.luoshi.may(&viewer.user, luoshi_domain::Power::Register),
            notice => field(&f, "reminded").parse::<usize>().ok(),
        },
    )
}

pub async fn remind(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let on = match day(&s, &f) {
        Ok(on) => on,
        Err(why) => return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, why).into_response(),
    };
    match s.luoshi.remind_missing(&viewer.user, on).await {
        Ok(n) => Redirect::to(&format!("/rounds?on={on}&reminded={n}")).into_response(),
        Err(e) => PageError::from(ApiError::from(e)).into_response(),
    }
}
