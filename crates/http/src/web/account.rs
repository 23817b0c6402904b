//! The signed-in person's own account: their password, the API tokens they made for programs,
//! and signing out on every device.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::TokenScope;
use minijinja::context;
use serde::Deserialize;

use super::PageError;
use super::form::Posted;
use super::login::{SignedOut, signed_out};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub async fn page(State(s): State<AppState>, viewer: Viewer) -> Response {
    show(&s, &viewer, StatusCode::OK, None, None).await
}

/// The one page of a sign-in with a one-time password: choosing one's own.
pub async fn first_password(State(s): State<AppState>, viewer: Viewer) -> Response {
    first_password_page(&s, &viewer, StatusCode::OK, None)
}

fn first_password_page(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let name = viewer.user.display_name.clone();
    render(
        s,
        status,
        "first_password.html",
        context! { csrf => viewer.csrf(), name, error },
    )
}

/// The page, with what just happened: an error, or a token made a moment ago.
async fn show(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
    new_token: Option<String>,
) -> Response {
    let tokens = match s.luoshi.api_tokens(&viewer.user).await {
        Ok(t) => t,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let tokens: Vec<_> = tokens
        .iter()
        .map(|t| {
            context! {
                id => t.id, name => t.name, scope => t.scope.label(),
                created => view::cn_time(t.created_at), expires => view::cn_time(t.expires_at),
                used => t.last_used_at.map(view::cn_time),
            }
        })
        .collect();
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "account.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            tokens, error, new_token,
        },
    )
}

/// The password form: the current one, and the new one twice.
#[derive(Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    current: String,
    new: String,
    confirm: String,
}

pub async fn password(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<NewPassword>,
) -> Response {
    if form.new != form.confirm {
        let why = "两次输入的新密码不一致".to_string();
        return refused(&s, &viewer, StatusCode::UNPROCESSABLE_ENTITY, why).await;
    }
    match s
        .luoshi
        .change_password(&viewer.user, &form.current, &form.new)
        .await
    {
        // Every session ended with the old password, this one too.
        Ok(ended) => signed_out(&s, SignedOut::PasswordChanged, &ended),
        Err(e) => {
            let api = ApiError::from(e);
            refused(&s, &viewer, api.status, api.message).await
        }
    }
}

/// A new password refused, said on the page it was typed on.
async fn refused(s: &AppState, viewer: &Viewer, status: StatusCode, why: String) -> Response {
    if viewer.must_change_password {
        first_password_page(s, viewer, status, Some(why))
    } else {
        show(s, viewer, status, Some(why), None).await
    }
}

/// A token for a program: its name, what it may do, and for how many days.
#[derive(Deserialize)]
pub struct NewToken {
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<NewToken>,
) -> Response {
    let scope = TokenScope::parse(&form.scope).unwrap_or(TokenScope::Read);
    // No number of days: the longest a token may live.
    let days = match form.days.trim() {
        "" => Ok(0),
        days => days.parse::<i64>(),
    };
    let Ok(days) = days else {
        let why = "有效天数应为整数".to_string();
        return show(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(why),
            None,
        )
        .await;
    };
    match s
        .luoshi
        .create_api_token(&viewer.user, &form.name, scope, days)
        .await
    {
        Ok((token, _)) => show(&s, &viewer, StatusCode::OK, None, Some(token)).await,
        Err(e) => {
            let api = ApiError::from(e);
            show(&s, &viewer, api.status, Some(api.message), None).await
        }
    }
}

pub async fn revoke_token(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { viewer, .. }: Posted,
) -> Result<Response, PageError> {
    s.luoshi.revoke_api_token(&viewer.user, id).await?;
    Ok(Redirect::to("/account").into_response())
}
