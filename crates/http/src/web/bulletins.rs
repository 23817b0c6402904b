//! The bulletin board (通报): drafts with their typical cases, review, publication, and each
//! bulletin as a page and as an official .docx.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::Power;
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::form::field;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::AppState;

fn state_label(state: &str) -> &'static str {
    match state {
        "draft" => "草稿",
        "review" => "待审核",
        _ => "已发布",
    }
}

pub async fn list(State(s): State<AppState>, viewer: Viewer) -> Response {
    let rows = match s.luoshi.bulletins(&viewer.user).await {
        Ok(r) => r,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows: Vec<_> = rows
        .into_iter()
        .map(|b| context! { id => b.id, period => b.period, number => b.number, state => state_label(&b.state), at => view::cn_time(b.published_at.unwrap_or(b.created_at)) })
        .collect();
    let tree = s.luoshi.tree();
    render(
        &s,
        StatusCode::OK,
        "bulletins.html",
        context! { viewer => ViewerView::of(&viewer, &tree), csrf => viewer.csrf(), rows },
    )
}

pub async fn create(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    match s
        .luoshi
        .draft_bulletin(&viewer.user, field(&f, "period"), field(&f, "number"))
        .await
    {
        Ok(id) => Redirect::to(&format!("/bulletins/{id}")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn page(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    let (b, doc) = match s.luoshi.bulletin_page(&viewer.user, id).await {
        Ok(found) => found,
        Err(e) => return PageError::from(e).into_response(),
    };
    let tree = s.luoshi.tree();
    render(
        &s,
        StatusCode::OK,
        "bulletin.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree), csrf => viewer.csrf(),
            id => b.id, state => b.state, state_label => state_label(&b.state),
            title => doc.title, doc => view::official(&doc),
        },
    )
}

pub async fn docx(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    let (_, doc) = match s.luoshi.bulletin_page(&viewer.user, id).await {
        Ok(found) => found,
        Err(e) => return PageError::from(e).into_response(),
    };
    crate::api::docx_download(&doc, "bulletin.docx")
        .unwrap_or_else(|e| PageError::from(e).into_response())
}

/// A typical case added to a draft, or the bulletin moved on (review, publish).
pub async fn act(
    State(s): State<AppState>,
    Path((id, verb)): Path<(i64, String)>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    if !s.luoshi.may(&viewer.user, Power::EditBulletins) {
        return PageError::new(StatusCode::FORBIDDEN, Power::EditBulletins.refusal())
            .into_response();
    }
    let done = match verb.as_str() {
        "case" => {
            let number = field(&f, "matter").trim();
            let Ok(Some(found)) = s.luoshi.matter_by_number(&viewer.user, number).await else {
                let why = format!("找不到督办事项“{number}”(应写作 督〔2026〕5号)");
                return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
            };
            let praise = field(&f, "kind") != "criticism";
            s.luoshi
                .add_case(&viewer.user, id, found.id, praise, field(&f, "comment"))
                .await
        }
        "advance" => s.luoshi.advance_bulletin(&viewer.user, id).await,
        _ => return PageError::new(StatusCode::NOT_FOUND, "请求的地址不存在").into_response(),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/bulletins/{id}")).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
