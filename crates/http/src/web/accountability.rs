//! The accountability page (问责): proposals from the reminder ladder to decide or dismiss, the
//! records so far, and a form to enter one by hand.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::accountability::{AccountabilityState, Measure};
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::form::{Fields, field, matters_named};
use super::register::resolve;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub async fn page(State(s): State<AppState>, viewer: Viewer) -> Response {
    show(&s, &viewer, StatusCode::OK, &Fields::new(), None).await
}

async fn show(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    input: &Fields,
    error: Option<String>,
) -> Response {
    let records = match s.luoshi.accountability(&viewer.user).await {
        Ok(r) => r,
        Err(e) => {
            let api = ApiError::from(e);
            return PageError::from(api).into_response();
        }
    };
    let tree = s.luoshi.tree();
    let records: Vec<_> = records
        .into_iter()
        .map(|a| {
            context! {
                id => a.id, unit => view::unit_name(&tree, a.unit_id), person => a.person,
                reason => a.reason, measure => a.measure.map(|m| m.label()),
                state => a.state.label(), proposed => a.state == AccountabilityState::Proposed,
                matters => a.matter_ids.iter().map(|m| m.0).collect::<Vec<_>>(),
                at => view::cn_time(a.decided_at.unwrap_or(a.created_at)),
            }
        })
        .collect();
    let measures: Vec<_> = Measure::ALL
        .iter()
        .map(|m| context! { value => m.as_str(), label => m.label() })
        .collect();
    render(
        s,
        status,
        "accountability.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            records, measures, error, input,
        },
    )
}

/// A record entered by hand: the unit as people write it, the matters by their numbers.
pub async fn enter(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let tree = s.luoshi.tree();
    let unit = match resolve(&tree, &viewer.user, field(&f, "unit")) {
        Ok(units) if units.len() == 1 => units[0],
        Ok(_) => {
            return show(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &f,
                Some("请填写一个单位".into()),
            )
            .await;
        }
        Err(e) => return show(&s, &viewer, StatusCode::UNPROCESSABLE_ENTITY, &f, Some(e)).await,
    };
    let Some(measure) = Measure::parse(field(&f, "measure")) else {
        return show(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            Some("请选择问责方式".into()),
        )
        .await;
    };
    let matters = match matters_named(&s, &viewer, field(&f, "matters")).await {
        Ok(m) => m,
        Err(why) => {
            return show(&s, &viewer, StatusCode::UNPROCESSABLE_ENTITY, &f, Some(why)).await;
        }
    };
    match s
        .luoshi
        .hold_to_account(
            &viewer.user,
            unit,
            field(&f, "person"),
            &matters,
            field(&f, "reason"),
            measure,
        )
        .await
    {
        Ok(_) => Redirect::to("/accountability").into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show(&s, &viewer, api.status, &f, Some(api.message)).await
        }
    }
}

/// A proposal decided with a measure, or dismissed.
pub async fn decide(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let measure = match field(&f, "measure") {
        "dismiss" => None,
        m => match Measure::parse(m) {
            Some(m) => Some(m),
            None => {
                return show(
                    &s,
                    &viewer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &f,
                    Some("请选择问责方式".into()),
                )
                .await;
            }
        },
    };
    match s
        .luoshi
        .decide_accountability(&viewer.user, id, measure, field(&f, "reason"))
        .await
    {
        Ok(_) => Redirect::to("/accountability").into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show(&s, &viewer, api.status, &f, Some(api.message)).await
        }
    }
}
