//! The dashboard's numbers: matters counted by state, source and light, assignments by unit,
//! the overdue trend and the late work by unit and month — counted from the matters a query
//! asks for, or read from the counts every write keeps per scope.

use chrono::{Datelike, NaiveDate};
use luoshi_domain::{MatterState, UnitId};

use crate::query::{day_and_end, overdue_at, overdue_when, push_filters, states_where};
use crate::sql::{Arg, Db, Dialect, Sql};
use crate::{MatterQuery, Result, ScopeCounts, StoreError, Tally, UnitMonth, args};

/// The tally's two statements: matters by state, source and light; assignments by unit.
pub(crate) fn tally_sql(d: Dialect, q: &MatterQuery) -> (Sql, Sql) {
    let mut matters = Sql::new(d);
    matters.push("SELECT m.state, m.source, m.light, count(*) FROM matters m WHERE true");
    push_filters(&mut matters, q);
    matters.push(" GROUP BY m.state, m.source, m.light");
    let open = states_where(MatterState::is_open);
    let mut units = Sql::new(d);
    units.push(&format!(
        "SELECT a.unit_id,
             count(*) FILTER (WHERE m.state IN {open} AND a.state <> 'closed'),
             count(*) FILTER (WHERE m.state IN {open} AND a.state <> 'closed' AND a.light = 'red'),
             count(*) FILTER (WHERE a.state = 'closed'),
             count(*)
         FROM matters m JOIN assignments a ON a.matter_id = m.id
         WHERE m.state IN {}",
        states_where(MatterState::is_counted)
    ));
    within(&mut units, q);
    push_filters(&mut units, q);
    units.push(" GROUP BY a.unit_id");
    (matters, units)
}

/// Only the assignments of the units the query is within, when it names some.
fn within(sql: &mut Sql, q: &MatterQuery) {
    if !q.within.is_empty() {
        sql.push(" AND ")
            .any("a.unit_id", Arg::ids(q.within.iter().map(|u| u.0)));
    }
}

fn unit_row(r: &crate::sql::Row<'_>) -> Result<[i64; 5]> {
    Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?])
}

pub async fn tally(db: &mut impl Db, q: &MatterQuery) -> Result<Tally> {
    let (matters, units) = tally_sql(db.dialect(), q);
    let matters = db
        .rows(&matters.text, &matters.args, |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .await?;
    let units = db.rows(&units.text, &units.args, unit_row).await?;
    Tally::read(matters, units)
}

/// The trend in one pass over the matters that can count on any of the days: due before the
/// last and still open at the end of the first.
pub(crate) fn overdue_sql(d: Dialect, q: &MatterQuery, days: &[NaiveDate]) -> Option<Sql> {
    let (first, last) = (days.iter().min()?, days.iter().max()?);
    let mut sql = Sql::new(d);
    let mut counts = Vec::with_capacity(days.len());
    for day in days {
        let (d, e) = day_and_end(&mut sql, *day);
        counts.push(format!("count(*) FILTER (WHERE {})", overdue_when(&d, &e)));
    }
    sql.push(&format!(
        "SELECT {} FROM matters m WHERE true",
        counts.join(", ")
    ));
    push_filters(&mut sql, q);
    let d = sql.placeholder(*last);
    let e = sql.placeholder(luoshi_domain::china_day_end(*first));
    sql.push(&overdue_at(&d, &e));
    Some(sql)
}

pub async fn overdue_counts(
    db: &mut impl Db,
    q: &MatterQuery,
    days: &[NaiveDate],
) -> Result<Vec<usize>> {
    let Some(sql) = overdue_sql(db.dialect(), q, days) else {
        return Ok(Vec::new());
    };
    let n = days.len();
    db.row(&sql.text, &sql.args, |r| {
        (0..n).map(|i| Ok(r.get::<i64>(i)? as usize)).collect()
    })
    .await?
    .ok_or_else(|| StoreError::Corrupt("a count without a row".into()))
}

/// Assignments of matching matters due from `from` to `to`, per unit and month, with how many
/// were closed late or are open past their deadline on `today`.
pub async fn due_by_unit_month(
    db: &mut impl Db,
    q: &MatterQuery,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<UnitMonth>> {
    let d = db.dialect();
    let mut sql = Sql::new(d);
    let month = d.month_of("m.deadline");
    sql.push(&format!(
        "SELECT a.unit_id, {month}, count(*),
             count(*) FILTER (WHERE CASE WHEN m.closed_at IS NULL THEN m.deadline < "
    ))
    .bind(today)
    .push(&format!(
        " ELSE m.closed_at >= {} END)
         FROM matters m JOIN assignments a ON a.matter_id = m.id
         WHERE m.state NOT IN ('draft', 'cancelled') AND m.deadline >= ",
        d.deadline_end("m.deadline")
    ))
    .bind(from)
    .push(" AND m.deadline <= ")
    .bind(to);
    within(&mut sql, q);
    push_filters(&mut sql, q);
    sql.push(&format!(" GROUP BY a.unit_id, {month}"));
    db.rows(&sql.text, &sql.args, |r| {
        Ok(UnitMonth {
            unit_id: UnitId(r.get(0)?),
            month: r.get(1)?,
            due: r.get::<i64>(2)? as usize,
            late: r.get::<i64>(3)? as usize,
        })
    })
    .await
}

/// The reads of [`scope_counts`], from the counts kept per scope.
pub(crate) mod kept {
    pub const MATTERS: &str =
        "SELECT state, source, light, n FROM tally_matters WHERE scope_id = $1 AND n <> 0";
    pub const UNITS: &str = "SELECT unit_id, open, red, closed, counted FROM tally_units
         WHERE scope_id = $1 AND counted <> 0";
    pub const DAYS: &str = "SELECT day, due, closed_late FROM tally_days
         WHERE scope_id = $1 AND day <= $2";
    /// The year's months of the `$6` units with the most late work (then the most due), late
    /// counting open work once its deadline has passed: all of it in the months before `$5`,
    /// and in month `$5` what was due from `$2` (its first day) to before `$3`.
    pub const HEAT: &str = "WITH past AS MATERIALIZED (
             SELECT unit_id, CAST(SUM(n) AS BIGINT) AS n FROM tally_open_days
             WHERE scope_id = $1 AND day >= $2 AND day < $3
             GROUP BY unit_id),
         top AS (
             SELECT y.unit_id FROM tally_years y LEFT JOIN past p ON p.unit_id = y.unit_id
             WHERE y.scope_id = $1 AND y.year = $4 AND y.due <> 0
             ORDER BY y.late + COALESCE(p.n, 0)
                      + CASE WHEN $5 > 1 THEN y.open_1 ELSE 0 END
                      + CASE WHEN $5 > 2 THEN y.open_2 ELSE 0 END
                      + CASE WHEN $5 > 3 THEN y.open_3 ELSE 0 END
                      + CASE WHEN $5 > 4 THEN y.open_4 ELSE 0 END
                      + CASE WHEN $5 > 5 THEN y.open_5 ELSE 0 END
                      + CASE WHEN $5 > 6 THEN y.open_6 ELSE 0 END
                      + CASE WHEN $5 > 7 THEN y.open_7 ELSE 0 END
                      + CASE WHEN $5 > 8 THEN y.open_8 ELSE 0 END
                      + CASE WHEN $5 > 9 THEN y.open_9 ELSE 0 END
                      + CASE WHEN $5 > 10 THEN y.open_10 ELSE 0 END
                      + CASE WHEN $5 > 11 THEN y.open_11 ELSE 0 END DESC,
                      y.due DESC, y.unit_id
             LIMIT $6)
         SELECT t.unit_id, t.month, t.due,
                t.late + CASE WHEN t.month < $5 THEN t.open ELSE 0 END + COALESCE(p.n, 0)
         FROM top JOIN tally_months t
              ON t.scope_id = $1 AND t.year = $4 AND t.unit_id = top.unit_id
         LEFT JOIN past p ON p.unit_id = t.unit_id AND t.month = $5
         WHERE t.due <> 0";
}

/// What [`tally`], [`overdue_counts`] and [`due_by_unit_month`] answer for the supervisors of
/// `scope`, read from the counts every write keeps: its cost does not grow with the matters.
pub async fn scope_counts(
    db: &mut impl Db,
    scope: UnitId,
    days: &[NaiveDate],
    today: NaiveDate,
    heat_rows: usize,
) -> Result<ScopeCounts> {
    let s = scope.0;
    let matters = db
        .rows(kept::MATTERS, args![s], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .await?;
    let units = db.rows(kept::UNITS, args![s], unit_row).await?;
    // The last day read (today when no day is asked about), and the first of this month.
    let last = days.iter().max().copied().unwrap_or(today);
    let this_month = today.with_day(1).expect("every month has a first");
    let by_day: Vec<(NaiveDate, i64, i64)> = db
        .rows(kept::DAYS, args![s, last], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .await?;
    let months = db
        .rows(
            kept::HEAT,
            args![
                s,
                this_month,
                today,
                i64::from(today.year()),
                i64::from(today.month()),
                heat_rows as i64
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .await?;
    ScopeCounts::read(
        Tally::read(matters, units)?,
        days,
        &by_day,
        months,
        today.year(),
    )
}
