//! Turning PostgreSQL rows into domain values, errors into [`StoreError`]s, and SQL built piece
//! by piece into one statement with its arguments.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{Role, Unit, UnitId, UnitKind, User, UserId};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Postgres, Row};

use crate::StoreError;

pub const USER_SELECT: &str = "SELECT id, username, display_name, role, unit_id, email, \
     password_hash, in_charge_of, phone, disabled, must_change_password, primary_liaison FROM users";

pub const TOKEN_SELECT: &str = "SELECT id, token_hash, user_id, kind, name, scope, \
     created_at, expires_at, last_used_at FROM api_tokens";

pub fn token(r: &PgRow) -> Result<crate::Token, StoreError> {
    Ok(crate::Token {
        id: r.try_get("id")?,
        hash: r.try_get("token_hash")?,
        user_id: UserId(r.try_get("user_id")?),
        kind: named(r, "kind", crate::TokenKind::parse)?,
        name: r.try_get("name")?,
        scope: named(r, "scope", luoshi_domain::TokenScope::parse)?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            // Unique and foreign-key violations are the caller's mistake, not the database's,
            // as on SQLite.
            match db.code().as_deref() {
                Some("23505") => return StoreError::Conflict(db.message().to_string()),
                Some("23503") => return StoreError::NotFound(db.message().to_string()),
                _ => {}
            }
        }
        match e {
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                StoreError::Corrupt(e.to_string())
            }
            sqlx::Error::PoolClosed => StoreError::Closed,
            other => StoreError::Backend(Box::new(other)),
        }
    }
}

/// A column holding one of a closed set of names.
pub fn named<T>(row: &PgRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    let text: String = row.try_get(col)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("{col}: unknown value {text:?}")))
}

pub fn unit(row: &PgRow) -> Result<Unit, StoreError> {
    Ok(Unit {
        id: UnitId(row.try_get("id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        short_names: row.try_get::<Json<Vec<String>>, _>("short_names")?.0,
        kind: named(row, "kind", UnitKind::parse)?,
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
    })
}

pub fn user(row: &PgRow) -> Result<User, StoreError> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: named(row, "role", Role::parse)?,
        unit_id: UnitId(row.try_get("unit_id")?),
        email: row.try_get("email")?,
        in_charge_of: row.try_get::<Json<Vec<UnitId>>, _>("in_charge_of")?.0,
    })
}

pub fn account(row: &PgRow) -> Result<crate::Account, StoreError> {
    Ok(crate::Account {
        user: user(row)?,
        phone: row.try_get("phone")?,
        disabled: row.try_get("disabled")?,
        must_change_password: row.try_get("must_change_password")?,
        primary_liaison: row.try_get("primary_liaison")?,
    })
}

/// A value bound to a statement built at run time.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(i64),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    /// A list, compared with `= ANY(…)`: one parameter however long, so the statement's text
    /// (and its cached plan) stays the same.
    I64s(Vec<i64>),
    Texts(Vec<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::I64(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<NaiveDate> for Arg {
    fn from(v: NaiveDate) -> Arg {
        Arg::Date(v)
    }
}

impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Arg {
        Arg::Time(v)
    }
}

/// SQL text and its arguments, built together; each bind writes the next `$n`.
#[derive(Default)]
pub struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        let p = self.placeholder(value);
        self.push(&p)
    }

    /// Adds an argument without writing it: its `$n`, for text written later.
    pub fn placeholder(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// `= ANY($n)` over these ids.
    pub fn any(&mut self, values: impl Iterator<Item = i64>) -> &mut Sql {
        self.push(" = ANY(");
        self.bind(Arg::I64s(values.collect()));
        self.push(")")
    }

    pub fn query(&self) -> Query<'static, Postgres, PgArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Date(v) => q.bind(*v),
                Arg::Time(v) => q.bind(*v),
                Arg::I64s(v) => q.bind(v.clone()),
                Arg::Texts(v) => q.bind(v.clone()),
            };
        }
        q
    }
}
