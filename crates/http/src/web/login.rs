//! The login page (登录), signing in from it and signing out.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rand::RngCore;
use serde::Deserialize;

use super::PageError;
use super::form::Posted;
use super::form::{Fields, field};
use super::render;
use super::session::{self, PRESESSION_COOKIE, SESSION_COOKIE, csrf_matches, csrf_token};
use crate::{ApiError, AppState};

pub async fn login_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::cookie(&headers, SESSION_COOKIE)
        && s.luoshi.authenticate(&token).await.is_ok()
    {
        return Redirect::to("/").into_response();
    }
    let first_steps = match s.luoshi.first_steps().await {
        Ok(steps) => steps.map(|s| s.commands()),
        Err(e) => {
            tracing::warn!(error = %e, "whether an administrator exists could not be read");
            None
        }
    };
    let notice = first_steps.map(|commands| {
        context! {
            headline => "尚无系统管理员。请在服务器上运行以下命令创建第一个管理员(与启动服务时使用相同的 --data 参数),初始密码只显示一次,首次登录后须修改:",
            commands,
        }
    });
    login_form(&s, StatusCode::OK, "", None, notice)
}

/// Why someone was signed out everywhere, told on the sign-in page that follows.
pub enum SignedOut {
    PasswordChanged,
    Everywhere,
}

/// The sign-in page after signing out everywhere: the session cookie cleared, and what ended
/// said, the programs' tokens by name.
pub fn signed_out(s: &AppState, why: SignedOut, ended_tokens: &[String]) -> Response {
    let headline = match why {
        SignedOut::PasswordChanged => "密码已修改,所有设备上的登录均已退出,请用新密码重新登录。",
        SignedOut::Everywhere => "已在所有设备上退出。",
    };
    let notice = context! { headline, tokens => ended_tokens.join("、") };
    let page = login_form(s, StatusCode::OK, "", None, Some(notice));
    session::with_cookie(page, SESSION_COOKIE, "")
}

/// The sign-in form with a fresh pre-session secret for its CSRF token.
fn login_form(
    s: &AppState,
    status: StatusCode,
    username: &str,
    error: Option<&str>,
    notice: Option<minijinja::Value>,
) -> Response {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    let nonce: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let csrf = csrf_token(&nonce);
    let page = render(
        s,
        status,
        "login.html",
        context! { csrf, username, error, notice },
    );
    session::with_cookie(page, PRESESSION_COOKIE, &nonce)
}

pub async fn login(
    State(s): State<AppState>,
    crate::extract::ClientAddr(from): crate::extract::ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let nonce = session::cookie(&headers, PRESESSION_COOKIE).unwrap_or_default();
    if nonce.is_empty() || !csrf_matches(&nonce, field(&f, "csrf")) {
        return PageError::stale_form().into_response();
    }
    let username = field(&f, "username").trim();
    if username.is_empty() || field(&f, "password").is_empty() {
        return login_form(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            Some("请填写用户名和密码"),
            None,
        );
    }
    match s.luoshi.login(username, field(&f, "password"), from).await {
        Ok((token, access)) => {
            // A new session at every sign-in: a session id planted before sign-in is worth
            // nothing after it.
            if let Some(old) = session::cookie(&headers, SESSION_COOKIE)
                && let Err(e) = s.luoshi.logout(&old).await
            {
                tracing::warn!(error = %e, "the previous session could not be ended");
            }
            let first = if access.must_change_password {
                session::FIRST_PASSWORD
            } else {
                "/"
            };
            let home =
                session::with_cookie(Redirect::to(first).into_response(), SESSION_COOKIE, &token);
            session::with_cookie(home, PRESESSION_COOKIE, "")
        }
        Err(e) => {
            let api = ApiError::from(e);
            login_form(&s, api.status, username, Some(&api.message), None)
        }
    }
}

/// Signing out: of this browser, or `everywhere`.
#[derive(Deserialize)]
pub struct SignOut {
    #[serde(default)]
    everywhere: Option<String>,
}

pub async fn logout(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<SignOut>,
) -> Result<Response, PageError> {
    let failed = |e| PageError::new(ApiError::from(e).status, "退出失败,请重试");
    if form.everywhere.as_deref() == Some("1") {
        let ended = s
            .luoshi
            .logout_everywhere(&viewer.user)
            .await
            .map_err(failed)?;
        return Ok(signed_out(&s, SignedOut::Everywhere, &ended));
    }
    s.luoshi.logout(&viewer.secret).await.map_err(failed)?;
    Ok(session::with_cookie(
        Redirect::to("/login").into_response(),
        SESSION_COOKIE,
        "",
    ))
}
