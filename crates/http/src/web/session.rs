//! Browser sessions: the sign-in token in an HttpOnly, SameSite cookie, and CSRF tokens derived
//! from a secret the browser holds but a foreign page cannot read.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use luoshi_domain::User;
use sha2::{Digest, Sha256};

use crate::AppState;

pub const SESSION_COOKIE: &str = "luoshi_session";
/// Before sign-in there is no session to bind the login form's CSRF token to, so the login page
/// sets a random value of its own.
pub const PRESESSION_COOKIE: &str = "luoshi_presession";

/// Where someone signed in with a one-time password chooses their own, and all they may do
/// until then: this page, the form it posts to, and signing out.
pub const FIRST_PASSWORD: &str = "/account/first-password";
const FIRST_PASSWORD_ALLOWS: [&str; 3] = [FIRST_PASSWORD, "/account/password", "/logout"];

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site; an empty value clears it.
pub fn set_cookie(name: &str, value: &str) -> HeaderValue {
    let age = if value.is_empty() { "; Max-Age=0" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{age}"
    ))
    .expect("cookie names and hex values are valid header text")
}

pub fn with_cookie(mut response: Response, name: &str, value: &str) -> Response {
    response
        .headers_mut()
        .append(SET_COOKIE, set_cookie(name, value));
    response
}

/// The CSRF token for forms posted by the holder of `secret`.
pub fn csrf_token(secret: &str) -> String {
    Sha256::digest(format!("luoshi-csrf:{secret}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn csrf_matches(secret: &str, given: &str) -> bool {
    let expected = csrf_token(secret);
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The signed-in person behind a page request; without a live session, a redirect to sign in.
pub struct Viewer {
    pub user: User,
    /// The session's secret, from which its CSRF token is derived.
    pub secret: String,
    /// Unread messages in the inbox, for the header.
    pub unread: usize,
    /// Signed in with a one-time password, still to be changed.
    pub must_change_password: bool,
}

impl Viewer {
    pub fn csrf(&self) -> String {
        csrf_token(&self.secret)
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || Redirect::to("/login").into_response();
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        // Tokens made for programs are not browser sessions.
        match state.luoshi.authenticate(&secret).await {
            Ok(access) if access.session => {
                if access.must_change_password && !FIRST_PASSWORD_ALLOWS.contains(&parts.uri.path())
                {
                    return Err(Redirect::to(FIRST_PASSWORD).into_response());
                }
                let user = access.user;
                let unread = state.luoshi.unread(&user).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "the unread count could not be read");
                    0
                });
                Ok(Viewer {
                    user,
                    secret,
                    unread,
                    must_change_password: access.must_change_password,
                })
            }
            _ => Err(with_cookie(to_login(), SESSION_COOKIE, "")),
        }
    }
}
