//! The calendar days added from the State Council's notices: holidays and adjusted workdays.

use chrono::{Datelike, NaiveDate};
use luoshi_domain::DayKind;

use crate::sql::{Db, chunked};
use crate::{Result, args};

fn kind_name(kind: DayKind) -> &'static str {
    if kind == DayKind::AdjustedWorkday {
        "workday"
    } else {
        "holiday"
    }
}

pub async fn days(db: &mut impl Db) -> Result<Vec<(NaiveDate, DayKind, String)>> {
    db.rows(
        "SELECT date, kind, name FROM calendar_days ORDER BY date",
        &[],
        |r| {
            let kind = if r.get::<String>(1)? == "workday" {
                DayKind::AdjustedWorkday
            } else {
                DayKind::Holiday
            };
            Ok((r.get(0)?, kind, r.get(2)?))
        },
    )
    .await
}

/// Saves the days of one or more years, replacing what was saved for those years.
pub async fn save(db: &mut impl Db, days: &[(NaiveDate, DayKind, String)]) -> Result<()> {
    let years: std::collections::BTreeSet<i32> = days.iter().map(|(d, _, _)| d.year()).collect();
    for y in years {
        db.execute(
            "DELETE FROM calendar_days WHERE date >= $1 AND date <= $2",
            args![
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31)
            ],
        )
        .await?;
    }
    let rows = days
        .iter()
        .map(|(date, kind, name)| vec![(*date).into(), kind_name(*kind).into(), name.into()]);
    chunked(
        db,
        "INSERT INTO calendar_days (date, kind, name) VALUES",
        rows.collect(),
        "",
        |_| Ok(()),
    )
    .await?;
    Ok(())
}
