use axum::Json;
use axum::extract::State;

use super::dto::UnitDto;
use crate::extract::Caller;
use crate::{ApiError, AppState};

/// The org tree: every unit with its short names, kind and parent.
#[utoipa::path(get, path = "/units", responses((status = 200, body = Vec<UnitDto>)))]
pub async fn list(
    State(s): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<UnitDto>>, ApiError> {
    let tree = s.luoshi.tree();
    let mut units: Vec<UnitDto> = tree.units().map(UnitDto::from).collect();
    units.sort_by_key(|u| u.id);
    Ok(Json(units))
}
