//! Reading a row's columns the same way from either database. A value the schema should never
//! hold is reported as corrupt, never silently replaced.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use sqlx::Row as _;
use sqlx::postgres::PgRow;

use crate::{Result, StoreError};

/// A row of either database, read by column position.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r PgRow),
}

impl Row<'_> {
    pub fn get<T: Col>(&self, i: usize) -> Result<T> {
        match self {
            Row::Sqlite(r) => T::sqlite(r, i),
            Row::Postgres(r) => T::postgres(r, i),
        }
    }

    /// A column holding one of a closed set of names.
    pub fn named<T>(&self, i: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
        let text: String = self.get(i)?;
        parse(&text)
            .ok_or_else(|| StoreError::Corrupt(format!("column {i}: unknown value {text:?}")))
    }
}

/// A value a column can be read as.
pub trait Col: Sized {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self>;
    fn postgres(row: &PgRow, i: usize) -> Result<Self>;
}

/// Types both drivers read natively.
macro_rules! native {
    ($($t:ty),*) => {
        $(impl Col for $t {
            fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
                Ok(row.get(i)?)
            }
            fn postgres(row: &PgRow, i: usize) -> Result<Self> {
                Ok(row.try_get(i)?)
            }
        })*
    };
}

native!(f64, bool, String, Vec<u8>);

impl Col for i64 {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        Ok(row.get(i)?)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        // Counters and ids are bigint; percents, positions and attempts integer.
        match row.try_get::<i64, _>(i) {
            Ok(v) => Ok(v),
            Err(_) => Ok(row.try_get::<i32, _>(i)?.into()),
        }
    }
}

impl Col for i32 {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        Ok(row.get(i)?)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        // Counts and sums come back as bigint; years and small numbers as integer.
        match row.try_get::<i32, _>(i) {
            Ok(v) => Ok(v),
            Err(_) => {
                let wide: i64 = row.try_get(i)?;
                i32::try_from(wide).map_err(|_| StoreError::Corrupt(format!("column {i}: {wide}")))
            }
        }
    }
}

impl Col for DateTime<Utc> {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        let text: String = row.get(i)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.to_utc())
            .map_err(|e| StoreError::Corrupt(format!("column {i}: {text:?}: {e}")))
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        Ok(row.try_get(i)?)
    }
}

impl Col for NaiveDate {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        Ok(row.get(i)?)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        Ok(row.try_get(i)?)
    }
}

impl<T: Col> Col for Option<T> {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        match row.get_ref(i)? {
            rusqlite::types::ValueRef::Null => Ok(None),
            _ => T::sqlite(row, i).map(Some),
        }
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        use sqlx::ValueRef as _;
        if row.try_get_raw(i)?.is_null() {
            Ok(None)
        } else {
            T::postgres(row, i).map(Some)
        }
    }
}

/// A column holding a JSON document: `jsonb` (or JSON text) on PostgreSQL, text on SQLite.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> Col for Json<T> {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        let text: String = row.get(i)?;
        parse(&text, i)
    }
    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        match row.try_get::<sqlx::types::Json<serde_json::Value>, _>(i) {
            Ok(value) => serde_json::from_value(value.0)
                .map(Json)
                .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}"))),
            Err(_) => parse(&row.try_get::<String, _>(i)?, i),
        }
    }
}

fn parse<T: DeserializeOwned>(text: &str, i: usize) -> Result<Json<T>> {
    serde_json::from_str(text)
        .map(Json)
        .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
}

/// A column's value as SQLite keeps it, as text: NULL as nothing, numbers in decimal, instants
/// in fixed-width RFC 3339. The audit chain hashes these texts, so a chain verifies whichever
/// database holds it, and an existing SQLite chain's text is read byte for byte as stored.
pub struct Stored(pub String);

impl Col for Stored {
    fn sqlite(row: &rusqlite::Row<'_>, i: usize) -> Result<Self> {
        use rusqlite::types::Value;
        Ok(Stored(match row.get::<_, Value>(i)? {
            Value::Null => String::new(),
            Value::Integer(v) => v.to_string(),
            Value::Real(v) => v.to_string(),
            Value::Text(t) => t,
            Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
        }))
    }

    fn postgres(row: &PgRow, i: usize) -> Result<Self> {
        use sqlx::{Column, TypeInfo};
        fn text<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
            v.map_or_else(String::new, f)
        }
        let kind = row.columns()[i].type_info().name().to_string();
        Ok(Stored(match kind.as_str() {
            "INT8" => text(row.try_get::<Option<i64>, _>(i)?, |v| v.to_string()),
            "INT4" => text(row.try_get::<Option<i32>, _>(i)?, |v| v.to_string()),
            "INT2" => text(row.try_get::<Option<i16>, _>(i)?, |v| v.to_string()),
            "TIMESTAMPTZ" => text(row.try_get::<Option<DateTime<Utc>>, _>(i)?, super::lite::ts),
            "DATE" => text(row.try_get::<Option<NaiveDate>, _>(i)?, |d| {
                d.format("%F").to_string()
            }),
            _ => text(row.try_get::<Option<String>, _>(i)?, |s| s),
        }))
    }
}
