use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use luoshi_domain::{UnitId, UnitKind};
use luoshi_service::office::UnitSpec;
use serde::Deserialize;
use utoipa::ToSchema;

use super::dto::UnitDto;
use crate::extract::{self, Caller, Path};
use crate::{ApiError, AppState};

/// The org tree: every unit with its short names, kind and parent.
#[utoipa::path(get, path = "/units", responses((status = 200, body = Vec<UnitDto>)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<UnitDto>>, ApiError> {
    let tree = s.luoshi.tree();
    let mut units: Vec<UnitDto> = tree.units().map(|u| UnitDto::of(u, &tree)).collect();
    units.sort_by_key(|u| u.id);
    Ok(Json(units))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnitBody {
    /// The full name, e.g. 云州市发展和改革委员会.
    name: String,
    /// A short code of letters, digits, - and _, unique in the office.
    code: String,
    /// Told from the name when not given (…人民政府, …镇, …街道办事处, …办公室).
    kind: Option<UnitKind>,
    parent_id: Option<i64>,
    #[serde(default)]
    short_names: Vec<String>,
}

/// Adds a unit (administrators only).
#[utoipa::path(post, path = "/units", request_body = NewUnitBody,
    responses((status = 201, body = UnitDto), (status = 403), (status = 422)))]
pub async fn create(
    State(s): State<AppState>,
    Caller(caller): Caller,
    extract::Json(b): extract::Json<NewUnitBody>,
) -> Result<(StatusCode, axum::Json<UnitDto>), ApiError> {
    let kind = b.kind.unwrap_or_else(|| UnitKind::from_name(&b.name));
    let unit = s
        .luoshi
        .add_unit(
            Some(&caller),
            UnitSpec {
                name: b.name,
                code: b.code,
                kind,
                parent_id: b.parent_id.map(UnitId),
                short_names: b.short_names,
            },
        )
        .await?;
    let tree = s.luoshi.tree();
    Ok((StatusCode::CREATED, axum::Json(UnitDto::of(&unit, &tree))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChange {
    /// A new name; the former one is kept as a short name, so documents written before still
    /// find the unit.
    name: Option<String>,
    /// The short names, replacing those kept.
    short_names: Option<Vec<String>>,
    /// Retire the unit (撤销): its history stays readable, it takes no new work; `false`
    /// brings it back.
    retired: Option<bool>,
    /// Move the unit, with the units below it, under this parent; `null` puts it at the top.
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    parent_id: Option<Option<i64>>,
}

/// A field that was sent, `null` included, as against one left out.
fn given<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The unit that takes over the merged unit's work, people and names.
    into: i64,
}

/// Merges a unit into another in a reorganisation (机构改革; administrators only): its
/// matters, assignments, people, child units and scores follow the survivor, each matter's
/// timeline records the change, the survivor keeps the merged unit's names as short names, and
/// the merged unit is retired. Answers the survivor.
#[utoipa::path(post, path = "/units/{id}/merge", request_body = MergeBody,
    responses((status = 200, body = UnitDto), (status = 403), (status = 404), (status = 422)))]
pub async fn merge(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    extract::Json(b): extract::Json<MergeBody>,
) -> Result<axum::Json<UnitDto>, ApiError> {
    let survivor = s
        .luoshi
        .merge_unit(&caller, UnitId(id), UnitId(b.into))
        .await?;
    let tree = s.luoshi.tree();
    Ok(axum::Json(UnitDto::of(&survivor, &tree)))
}

/// Renames a unit, corrects its short names, moves it or retires it (administrators only).
#[utoipa::path(patch, path = "/units/{id}", request_body = UnitChange,
    responses((status = 200, body = UnitDto), (status = 403), (status = 404), (status = 422)))]
pub async fn update(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<i64>,
    extract::Json(b): extract::Json<UnitChange>,
) -> Result<axum::Json<UnitDto>, ApiError> {
    let id = UnitId(id);
    // Asked first, so that a change of nothing answers a caller who may not change anything
    // as any other change would.
    luoshi_service::office::require_admin(Some(&caller))?;
    if b.name.is_some() || b.short_names.is_some() {
        s.luoshi
            .rename_unit(Some(&caller), id, b.name.as_deref(), b.short_names)
            .await?;
    }
    if let Some(parent) = b.parent_id {
        s.luoshi
            .move_unit(Some(&caller), id, parent.map(UnitId))
            .await?;
    }
    if let Some(retired) = b.retired {
        s.luoshi.retire_unit(Some(&caller), id, retired).await?;
    }
    let tree = s.luoshi.tree();
    let unit = tree.get(id).ok_or_else(|| {
        ApiError::from(luoshi_service::ServiceError::NotFound(format!(
            "单位 {} 不存在",
            id.0
        )))
    })?;
    Ok(axum::Json(UnitDto::of(unit, &tree)))
}
