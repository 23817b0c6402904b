//! API tokens for a person's own programs, and changing one's password. Both need a sign-in
//! with a password: a token cannot make more tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use luoshi_domain::{TokenScope, china_offset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{self, Path, Session};
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. 统计报表程序.
    name: String,
    /// `read` (lists and details only) or `write`.
    scope: TokenScope,
    /// How many days it lasts, 1 to 365; 90 unless given.
    #[serde(default = "ninety")]
    days: i64,
}

fn ninety() -> i64 {
    90
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    id: i64,
    name: String,
    scope: TokenScope,
    created_at: DateTime<FixedOffset>,
    expires_at: DateTime<FixedOffset>,
    last_used_at: Option<DateTime<FixedOffset>>,
}

impl From<&luoshi_service::auth::Token> for TokenDto {
    fn from(t: &luoshi_service::auth::Token) -> Self {
        let local = |at: DateTime<chrono::Utc>| at.with_timezone(&china_offset());
        TokenDto {
            id: t.id,
            name: t.name.clone(),
            scope: t.scope,
            created_at: local(t.created_at),
            expires_at: local(t.expires_at),
            last_used_at: t.last_used_at.map(local),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The secret, shown this once: only its digest is kept.
    token: String,
    #[serde(flatten)]
    about: TokenDto,
}

/// Makes an API token; the answer holds its secret, which is never shown again.
#[utoipa::path(post, path = "/tokens", request_body = NewToken, responses((status = 201, body = CreatedToken), (status = 403)))]
pub async fn create(
    State(s): State<AppState>,
    Session(access): Session,
    extract::Json(b): extract::Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (token, made) = s
        .luoshi
        .create_api_token(&access.user, &b.name, b.scope, b.days)
        .await?;
    let about = TokenDto::from(&made);
    Ok((StatusCode::CREATED, Json(CreatedToken { token, about })))
}

/// The caller's API tokens, newest first, with when each was last used.
#[utoipa::path(get, path = "/tokens", responses((status = 200, body = Vec<TokenDto>)))]
pub async fn list(
    State(s): State<AppState>,
    Session(access): Session,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    let tokens = s.luoshi.api_tokens(&access.user).await?;
    Ok(Json(tokens.iter().map(TokenDto::from).collect()))
}

/// Revokes one of the caller's API tokens; it stops working at once.
#[utoipa::path(delete, path = "/tokens/{id}", responses((status = 204), (status = 404)))]
pub async fn revoke(
    State(s): State<AppState>,
    Session(access): Session,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.luoshi.revoke_api_token(&access.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// What ended with the sessions: the programs' tokens, by name.
#[derive(Serialize, ToSchema)]
pub struct Ended {
    ended_tokens: Vec<String>,
}

/// Changes the caller's password (at least 8 characters of three kinds, not the username);
/// every session of theirs ends, this one included, and every token made for a program.
#[utoipa::path(post, path = "/me/password", request_body = PasswordChange, responses((status = 200, body = Ended), (status = 422)))]
pub async fn change_password(
    State(s): State<AppState>,
    Session(access): Session,
    extract::Json(b): extract::Json<PasswordChange>,
) -> Result<Json<Ended>, ApiError> {
    let ended_tokens = s
        .luoshi
        .change_password(&access.user, &b.current, &b.new)
        .await?;
    Ok(Json(Ended { ended_tokens }))
}

/// Ends everything a person is signed in with: their sessions on every device and the tokens
/// they made for programs (administrators only).
#[utoipa::path(delete, path = "/users/{id}/sessions", responses((status = 200, body = Ended), (status = 403), (status = 404)))]
pub async fn end_sessions_of(
    State(s): State<AppState>,
    Session(access): Session,
    Path(id): Path<i64>,
) -> Result<Json<Ended>, ApiError> {
    let (_, ended_tokens) = s
        .luoshi
        .end_sessions_of(&access.user, luoshi_domain::UserId(id))
        .await?;
    Ok(Json(Ended { ended_tokens }))
}
