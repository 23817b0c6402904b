//! Turning rows into domain values, and values into what SQLite stores. A value the schema
//! should never hold is reported as corrupt, never silently replaced.

use chrono::{DateTime, SecondsFormat, Utc};
use luoshi_domain::{Role, Unit, UnitId, UnitKind, User, UserId};
use rusqlite::types::{FromSql, FromSqlError, ValueRef};
use rusqlite::{Row, RowIndex};
use serde::{Serialize, de::DeserializeOwned};

use crate::StoreError;

pub const USER_SELECT: &str = "SELECT id, username, display_name, role, unit_id, email, \
     password_hash, in_charge_of, phone, disabled, must_change_password, primary_liaison FROM users";

pub const TOKEN_SELECT: &str = "SELECT id, token_hash, user_id, kind, name, scope, \
     created_at, expires_at, last_used_at FROM api_tokens";

pub fn token(r: &Row<'_>) -> rusqlite::Result<crate::Token> {
    Ok(crate::Token {
        id: r.get("id")?,
        hash: r.get("token_hash")?,
        user_id: UserId(r.get("user_id")?),
        kind: named(r, "kind", crate::TokenKind::parse)?,
        name: r.get("name")?,
        scope: named(r, "scope", luoshi_domain::TokenScope::parse)?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        last_used_at: r.get("last_used_at")?,
    })
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// Timestamps are stored as RFC 3339 in UTC with a fixed width, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A statement shared with PostgreSQL, whose `$n` SQLite reads as `?n`.
pub fn shared(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A column holding JSON text.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromSql for Json<T> {
    fn column_result(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        serde_json::from_str(value.as_str()?)
            .map(Json)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A column holding one of a closed set of names.
pub fn named<I: RowIndex + Copy, T>(
    row: &Row<'_>,
    col: I,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(col)?;
    parse(&text).ok_or_else(|| {
        let idx = col.idx(row.as_ref()).unwrap_or_default();
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown value {text:?}").into(),
        )
    })
}

pub fn unit(row: &Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: UnitId(row.get("id")?),
        code: row.get("code")?,
        name: row.get("name")?,
        short_names: row.get::<_, Json<_>>("short_names")?.0,
        kind: named(row, "kind", UnitKind::parse)?,
        parent_id: row.get::<_, Option<i64>>("parent_id")?.map(UnitId),
    })
}

pub fn user(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(row.get("id")?),
        username: row.get("username")?,
        display_name: row.get("display_name")?,
        role: named(row, "role", Role::parse)?,
        unit_id: UnitId(row.get("unit_id")?),
        email: row.get("email")?,
        in_charge_of: row.get::<_, Json<_>>("in_charge_of")?.0,
    })
}

pub fn account(row: &Row<'_>) -> rusqlite::Result<crate::Account> {
    Ok(crate::Account {
        user: user(row)?,
        phone: row.get("phone")?,
        disabled: row.get("disabled")?,
        must_change_password: row.get("must_change_password")?,
        primary_liaison: row.get("primary_liaison")?,
    })
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt(e.to_string()),
            other => StoreError::Backend(Box::new(other)),
        }
    }
}

/// Unique and foreign-key violations are the caller's mistake, not the database's.
pub fn write_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi;
    if let rusqlite::Error::SqliteFailure(err, ref msg) = e {
        let msg = msg.clone().unwrap_or_default();
        match err.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                return StoreError::Conflict(msg);
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StoreError::NotFound(msg),
            _ => {}
        }
    }
    StoreError::from(e)
}
