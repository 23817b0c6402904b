//! Turning rows into domain values. A value the schema should never hold is reported as
//! [`StoreError::Corrupt`], never silently replaced.

use luoshi_domain::{Role, Unit, UnitId, UnitKind, User, UserId};
use serde::{Serialize, de::DeserializeOwned};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::{Result, StoreError};

pub const USER_SELECT: &str = "SELECT id, username, display_name, role, unit_id, email, password_hash, in_charge_of FROM users";

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

pub fn from_json<T: DeserializeOwned>(row: &SqliteRow, col: &str) -> Result<T> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

/// Reads a text column holding one of a closed set of names.
pub fn parsed<T>(row: &SqliteRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let text: String = row.try_get(col)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown value {text:?}")))
}

pub fn unit(row: &SqliteRow) -> Result<Unit> {
    Ok(Unit {
        id: UnitId(row.try_get("id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        short_names: from_json(row, "short_names")?,
        kind: parsed(row, "kind", UnitKind::parse)?,
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
    })
}

pub fn user(row: &SqliteRow) -> Result<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parsed(row, "role", Role::parse)?,
        unit_id: UnitId(row.try_get("unit_id")?),
        email: row.try_get("email")?,
        in_charge_of: from_json(row, "in_charge_of")?,
    })
}
