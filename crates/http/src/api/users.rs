use axum::Json;
use axum::extract::State;
use luoshi_domain::Role;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::UserDto;
use crate::extract::{Caller, Query};
use crate::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Only people with this role, e.g. `leader` to choose a responsible leader.
    role: Option<Role>,
    /// Only people of this unit.
    unit_id: Option<i64>,
}

/// The directory of people: who can be named responsible leader, who is a unit's liaison. A
/// liaison sees the leaders and the people of its own unit and the units under it.
#[utoipa::path(get, path = "/users", params(UsersQuery), responses((status = 200, body = Vec<UserDto>)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<UsersQuery>,
) -> Result<Json<Vec<UserDto>>, ApiError> {
    let users = s.luoshi.directory(&caller).await?;
    Ok(Json(
        users
            .iter()
            .filter(|u| q.role.is_none_or(|r| u.role == r))
            .filter(|u| q.unit_id.is_none_or(|id| u.unit_id.0 == id))
            .map(UserDto::from)
            .collect(),
    ))
}
