//! Origins (出处): the meetings, documents and instructions on record, each with its items as
//! they stand, the late units named by item, and its bulletin as a .docx.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::Power;
use luoshi_service::origins::{NewOrigin, OriginKind};
use minijinja::context;

use super::PageError;
use super::form::{Posted, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

fn kind_label(kind: &str) -> &'static str {
    OriginKind::parse(kind).map_or("文件", OriginKind::label)
}

pub async fn list(State(s): State<AppState>, viewer: Viewer) -> Response {
    show(&s, &viewer, StatusCode::OK, None).await
}

async fn show(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let origins = match s.luoshi.origins(&viewer.user).await {
        Ok(o) => o,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows: Vec<_> = origins
        .iter()
        .map(|o| {
            context! {
                id => o.id, kind => kind_label(&o.kind), title => o.title, number => o.number,
                date => o.date.map(view::page_date),
            }
        })
        .collect();
    let kinds: Vec<_> = OriginKind::ALL
        .iter()
        .map(|k| context! { value => k.as_str(), label => k.label() })
        .collect();
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "origins.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(), rows, kinds, error,
            may_create => s.luoshi.may(&viewer.user, Power::Register),
        },
    )
}

pub async fn create(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let input = NewOrigin {
        kind: field(&f, "kind").to_string(),
        title: field(&f, "title").to_string(),
        number: field(&f, "number").to_string(),
        date: field(&f, "date").to_string(),
    };
    match s.luoshi.create_origin(&viewer.user, input).await {
        Ok(o) => Redirect::to(&format!("/origins/{}", o.id)).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            if api.status == StatusCode::FORBIDDEN {
                return PageError::from(api).into_response();
            }
            show(&s, &viewer, api.status, Some(api.message)).await
        }
    }
}

pub async fn page(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    let r = match s.luoshi.origin_report(&viewer.user, id).await {
        Ok(r) => r,
        Err(e) => return PageError::from(e).into_response(),
    };
    let tree = s.luoshi.tree();
    let items: Vec<_> = r
        .items
        .iter()
        .map(|i| {
            let m = &i.view.matter;
            context! {
                item => i.item, id => m.id.0, number => i.view.number, title => m.title,
                lead => view::unit_name(&tree, m.lead_unit_id),
                deadline => m.deadline.map(view::page_date),
                progress => i.progress, state => m.state.label(), overdue => i.overdue,
                light => i.view.light.as_str(), light_label => i.view.light.label(),
            }
        })
        .collect();
    let late: Vec<_> = r
        .late
        .iter()
        .map(|(u, numbers)| {
            let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
            context! { unit => view::unit_name(&tree, *u), items => numbers.join("、") }
        })
        .collect();
    render(
        &s,
        StatusCode::OK,
        "origin.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree),
            id => r.origin.id, kind => kind_label(&r.origin.kind), title => r.origin.title,
            number => r.origin.number, date => r.origin.date.map(view::page_date),
            total => r.summary.total, closed => r.summary.closed, overdue => r.summary.overdue,
            items, late,
        },
    )
}

pub async fn bulletin(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    match s.luoshi.origin_bulletin(&viewer.user, id).await {
        Ok(doc) => crate::api::docx_download(&doc, "origin-bulletin.docx")
            .unwrap_or_else(|e| PageError::from(e).into_response()),
        Err(e) => PageError::from(e).into_response(),
    }
}
