//! The workbench (工作台): what the signed-in person has to do now, and signing many matters at
//! once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use luoshi_domain::{Action, Light, MatterId};
use minijinja::context;

use super::PageError;
use super::form::{Fields, Posted, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub async fn workbench(
    State(s): State<AppState>,
    viewer: Viewer,
    axum::extract::Query(query): axum::extract::Query<Fields>,
) -> Response {
    let notice = super::matter::done_notice(field(&query, "done"));
    let w = match s.luoshi.workbench(&viewer.user).await {
        Ok(w) => w,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "工作台暂时无法显示,请稍后重试")
                .into_response();
        }
    };
    let tree = s.luoshi.tree();
    let today = s.luoshi.today();
    let days = |d: NaiveDate| s.luoshi.calendar().working_days_between(today, d);
    let rows = |v: &[_]| view::rows(v, &tree, days);
    render(
        &s,
        StatusCode::OK,
        "workbench.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree),
            csrf => viewer.csrf(),
            notice,
            to_sign => rows(&w.to_sign),
            returned => rows(&w.returned)
                .into_iter()
                .zip(&w.returned)
                .map(|(row, v)| row.returned_because(w.return_reasons.get(&v.matter.id)))
                .collect::<Vec<_>>(),
            to_report => rows(&w.to_report),
            red => rows(&w.red),
            to_review => rows(&w.to_review),
            extensions => rows(&w.extensions),
            silent => w.silent.iter().map(|(unit, owed)| context! {
                id => unit.0, name => view::unit_name(&tree, *unit), matters => rows(owed),
            }).collect::<Vec<_>>(),
            in_charge => !viewer.user.in_charge_of.is_empty(),
            standings => w.standings.iter().map(|s| context! {
                id => s.unit.0, name => view::unit_name(&tree, s.unit),
                open => s.open(),
                red => s.count(Light::Red),
                yellow => s.count(Light::Yellow),
                overdue => s.overdue,
                silent => s.silent,
            }).collect::<Vec<_>>(),
        },
    )
}

/// The matters waiting to be signed, as the workbench lists them: their ids, comma-separated.
#[derive(serde::Deserialize)]
pub struct SignAll {
    ids: String,
}

/// Signs every matter listed, one step each; those that cannot be signed are named.
pub async fn sign_all(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<SignAll>,
) -> Result<Response, PageError> {
    let mut failed = Vec::new();
    for raw in form.ids.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let outcome = match raw.parse::<i64>() {
            Ok(id) => s
                .luoshi
                .act(&viewer.user, MatterId(id), Action::Sign)
                .await
                .map_err(|e| ApiError::from(e).message),
            Err(_) => Err("编号有误".to_string()),
        };
        if let Err(why) = outcome {
            failed.push(format!("事项 {raw}:{why}"));
        }
    }
    if !failed.is_empty() {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            format!("以下事项未能签收,其余已签收。{}", failed.join(";")),
        ));
    }
    Ok(Redirect::to("/?done=sign").into_response())
}
