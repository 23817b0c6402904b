//! Extractors whose failures speak the API's error format, and the signed-in caller.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::Method;
use axum::http::request::Parts;
use luoshi_domain::{TokenScope, User};
use luoshi_service::ServiceError;
use luoshi_service::auth::Access;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

/// Declares a wrapper around an axum extractor that turns its rejection into an [`ApiError`].
macro_rules! api_extractor {
    ($name:ident, $inner:ident, $trait:ident, $method:ident, $input:ty) => {
        pub struct $name<T>(pub T);

        impl<T: DeserializeOwned + Send> $trait<AppState> for $name<T> {
            type Rejection = ApiError;

            async fn $method(input: $input, state: &AppState) -> Result<Self, ApiError> {
                axum::extract::$inner::<T>::$method(input, state)
                    .await
                    .map(|v| $name(v.0))
                    .map_err(ApiError::from)
            }
        }
    };
}

api_extractor!(Json, Json, FromRequest, from_request, Request);
api_extractor!(
    Query,
    Query,
    FromRequestParts,
    from_request_parts,
    &mut Parts
);
api_extractor!(Path, Path, FromRequestParts, from_request_parts, &mut Parts);

/// The person behind the request's bearer token. A read-only token reaches only reads.
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let access = bearer(parts, state).await?;
        if access.must_change_password {
            return Err(password_change_required());
        }
        let reads = matches!(parts.method, Method::GET | Method::HEAD);
        if access.scope == TokenScope::Read && !reads {
            return Err(ApiError::from(ServiceError::Forbidden(
                "该令牌为只读令牌,不能办理事项".into(),
            )));
        }
        Ok(Caller(access.user))
    }
}

/// A caller signed in with a password, not with a token made for a program: what manages
/// tokens and passwords.
pub struct Session(pub Access);

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let access = bearer(parts, state).await?;
        if !access.session {
            return Err(ApiError::from(ServiceError::Forbidden(
                "请用账号密码登录后管理令牌和密码".into(),
            )));
        }
        if access.must_change_password && !parts.uri.path().ends_with("/me/password") {
            return Err(password_change_required());
        }
        Ok(Session(access))
    }
}

/// A sign-in with a one-time password may do one thing: choose the person's own password.
fn password_change_required() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "password_change_required",
        "请先修改初始密码(POST /api/v1/me/password)",
    )
}

/// The live sign-in or token behind the request's `Authorization: Bearer …` header.
async fn bearer(parts: &Parts, state: &AppState) -> Result<Access, ApiError> {
    let token = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::from(ServiceError::Unauthenticated))?;
    Ok(state.luoshi.authenticate(token).await?)
}

/// The address the request came from, when the server knows it.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
