use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use luoshi_domain::{Role, UnitId, UserId};
use luoshi_service::office::{AccountChange, PersonSpec};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{AccountDto, PersonDto};
use crate::extract::{self, Caller, Path, Query};
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
#[utoipa::path(get, path = "/users", params(UsersQuery), responses((status = 200, body = Vec<PersonDto>)))]
pub async fn list(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<UsersQuery>,
) -> Result<Json<Vec<PersonDto>>, ApiError> {
    let users = s.luoshi.directory(&caller).await?;
    Ok(Json(
        users
            .iter()
            .filter(|a| q.role.is_none_or(|r| a.user.role == r))
            .filter(|a| q.unit_id.is_none_or(|id| a.user.unit_id.0 == id))
            .map(PersonDto::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// The name to sign in with: letters, digits, `.`, `_` and `-`.
    username: String,
    /// The person's name (姓名); the username if empty.
    #[serde(default)]
    display_name: String,
    role: Role,
    unit_id: i64,
    email: Option<String>,
    phone: Option<String>,
    /// Without one, a one-time password is made, returned this once and to be changed at the
    /// first sign-in.
    password: Option<String>,
    /// The units a leader is in charge of (分管).
    #[serde(default)]
    in_charge_of: Vec<i64>,
}

/// A person's account, and the one-time password made for it (shown this once).
#[derive(Serialize, ToSchema)]
pub struct AccountAnswer {
    user: AccountDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_password: Option<String>,
}

/// Adds a person: administrators anyone, supervisors the people of the units under their org.
#[utoipa::path(post, path = "/users", request_body = NewPerson,
    responses((status = 201, body = AccountAnswer), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(caller): Caller,
    extract::Json(b): extract::Json<NewPerson>,
) -> Result<(StatusCode, Json<AccountAnswer>), ApiError> {
    let (account, initial_password) = s
        .luoshi
        .add_person(
            Some(&caller),
            PersonSpec {
                username: b.username,
                display_name: b.display_name,
                role: b.role,
                unit_id: UnitId(b.unit_id),
                email: b.email,
                phone: b.phone,
                password: b.password,
                in_charge_of: b.in_charge_of.into_iter().map(UnitId).collect(),
            },
        )
        .await?;
    let user = AccountDto::from(&account);
    Ok((
        StatusCode::CREATED,
        Json(AccountAnswer {
            user,
            initial_password,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonChange {
    display_name: Option<String>,
    role: Option<Role>,
    unit_id: Option<i64>,
    /// A disabled account's sessions and tokens end at once; it can sign in no more.
    disabled: Option<bool>,
    in_charge_of: Option<Vec<i64>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "present")]
    phone: Option<Option<String>>,
    /// Makes a liaison its unit's 主联络员 (the unit's other liaisons are then not), or not.
    primary_liaison: Option<bool>,
    /// Makes a new one-time password (answered this once) and ends the person's sign-ins.
    #[serde(default)]
    reset_password: bool,
}

/// A field that is in the body, `null` or not: told apart from one left out.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes a person's account; see `POST /users` for who may.
#[utoipa::path(patch, path = "/users/{id}", request_body = PersonChange,
    responses((status = 200, body = AccountAnswer), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    extract::Json(b): extract::Json<PersonChange>,
) -> Result<Json<AccountAnswer>, ApiError> {
    let change = AccountChange {
        display_name: b.display_name,
        role: b.role,
        unit_id: b.unit_id.map(UnitId),
        disabled: b.disabled,
        in_charge_of: b.in_charge_of.map(|u| u.into_iter().map(UnitId).collect()),
        email: b.email,
        phone: b.phone,
        primary_liaison: b.primary_liaison,
        reset_password: b.reset_password,
    };
    let (account, initial_password) = s
        .luoshi
        .change_account(Some(&caller), UserId(id), change)
        .await?;
    Ok(Json(AccountAnswer {
        user: AccountDto::from(&account),
        initial_password,
    }))
}
