use luoshi_domain::{MatterId, MatterState, Role, Source, UnitId, UnitKind, Visibility};

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub email: Option<String>,
    pub password_hash: String,
    pub in_charge_of: Vec<UnitId>,
}

/// Which matters to list. `visibility` always applies: a query never reaches past the caller.
#[derive(Debug, Clone, Default)]
pub struct MatterQuery {
    pub visibility: Visibility,
    pub states: Vec<MatterState>,
    pub source: Option<Source>,
    /// Matters this unit carries, as lead or co-unit.
    pub unit_id: Option<UnitId>,
    /// Words in the title, content or number.
    pub text: Option<String>,
    /// Only matters marked public (公开承诺).
    pub public_only: bool,
    /// Only the sub-matters of this matter.
    pub parent_id: Option<MatterId>,
    /// `(limit, offset)`: one page of the ordered result; `None` for all of it.
    pub page: Option<(usize, usize)>,
}
