//! The inbox (消息): notices for the signed-in person, their read receipts, and how they want
//! to be told.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_service::notify::{Addressee, Prefs};
use minijinja::context;

use super::PageError;
use super::form::{Posted, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub async fn inbox(State(s): State<AppState>, viewer: Viewer) -> Response {
    let (items, _) = match s.luoshi.inbox(&viewer.user).await {
        Ok(found) => found,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let items: Vec<_> = items
        .into_iter()
        .map(|i| {
            context! {
                id => i.id, title => i.title, body => i.body,
                at => view::cn_time(i.created_at),
                matter => i.matter_id.map(|m| m.0),
                unread => i.read_at.is_none(),
                to_confirm => i.confirm && i.confirmed_at.is_none(),
                confirmed => i.confirmed_at.map(view::cn_time),
                unit => matches!(i.to, Addressee::Liaisons(_)),
            }
        })
        .collect();
    let prefs = match s.luoshi.prefs(&viewer.user).await {
        Ok(p) => p,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let tree = s.luoshi.tree();
    render(
        &s,
        StatusCode::OK,
        "inbox.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree), csrf => viewer.csrf(), items,
            email => prefs.email, digest => prefs.digest,
            has_email => viewer.user.email.is_some(),
        },
    )
}

/// How the signed-in person wants to hear: by e-mail or not, at once or in a daily digest.
pub async fn prefs(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let prefs = Prefs {
        email: field(&f, "email") == "1",
        digest: field(&f, "digest") == "1",
    };
    match s.luoshi.save_prefs(&viewer.user, prefs).await {
        Ok(()) => Redirect::to("/inbox").into_response(),
        Err(e) => {
            PageError::new(ApiError::from(e).status, "设置未能保存,请稍后重试").into_response()
        }
    }
}

/// Marks a message read, or confirms it (确认收到), and goes back to the inbox.
pub async fn mark(
    State(s): State<AppState>,
    Path((id, verb)): Path<(String, String)>,
    Posted { viewer, .. }: Posted,
) -> Response {
    let confirm = match verb.as_str() {
        "read" => false,
        "confirm" => true,
        _ => return PageError::new(StatusCode::NOT_FOUND, "请求的地址不存在").into_response(),
    };
    match s.luoshi.mark_read(&viewer.user, &id, confirm).await {
        Ok(()) => Redirect::to("/inbox").into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
