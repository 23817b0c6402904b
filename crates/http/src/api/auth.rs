use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::UserDto;
use crate::extract::Json;
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    token: String,
    user: UserDto,
    /// Signed in with a one-time password: until it is changed (`POST /me/password`), every
    /// other call answers 403 `password_change_required`.
    must_change_password: bool,
}

/// Signs in with a username and password; the token goes in `Authorization: Bearer …`.
#[utoipa::path(post, path = "/auth/login", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "用户名或密码错误"), (status = 429, description = "登录失败次数过多")))]
pub async fn login(
    State(s): State<AppState>,
    crate::extract::ClientAddr(from): crate::extract::ClientAddr,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let (token, access) = s.luoshi.login(&req.username, &req.password, from).await?;
    Ok(axum::Json(LoginResponse {
        token,
        user: UserDto::from(&access.user),
        must_change_password: access.must_change_password,
    }))
}
