//! 情况要明: counts by state, light and source, completion rates, and how each unit stands.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use luoshi_domain::{Light, MatterState, UnitId, User};
use luoshi_storage::UnitMonth;

use crate::matters::ListQuery;
use crate::{Luoshi, Result, ServiceError, with_actor};

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub total: usize,
    pub by_state: BTreeMap<&'static str, usize>,
    pub by_light: BTreeMap<&'static str, usize>,
    pub by_source: BTreeMap<&'static str, usize>,
    /// Closed matters among those assigned and not cancelled.
    pub completion_rate: f64,
    pub units: Vec<UnitStanding>,
    /// The last weeks, oldest first: how many matters stood open past their deadline.
    pub overdue_by_week: Vec<WeekOverdue>,
    /// This year's deadlines per unit and month, the units with most late work first.
    pub heat: Heat,
    /// Quantified indicators behind their trajectories, furthest behind first.
    pub off_track: Vec<crate::indicators::OffTrack>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeekOverdue {
    pub week_start: NaiveDate,
    /// The day counted at its end: the week's Sunday, or today in the current week.
    pub day: NaiveDate,
    pub count: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heat {
    /// The first day of each month of the year, January first.
    pub months: Vec<NaiveDate>,
    pub rows: Vec<HeatRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub unit_id: UnitId,
    /// One per month: (due, late).
    pub cells: Vec<(usize, usize)>,
}

/// How many weeks the overdue trend looks back, this one included.
pub const TREND_WEEKS: usize = 12;
/// How many units the heat map shows; the rest are in the unit table and the list.
pub const HEAT_ROWS: usize = 15;

#[derive(Debug, Clone, PartialEq)]
pub struct UnitStanding {
    pub unit_id: UnitId,
    pub open: usize,
    pub red: usize,
    pub completion_rate: f64,
}

fn rate(done: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (done as f64 / of as f64 * 1000.0).round() / 1000.0
    }
}

impl Luoshi {
    /// The dashboard of what the caller may see, narrowed to the subtree of `unit` if given.
    pub async fn dashboard(&self, user: &User, unit: Option<UnitId>) -> Result<Dashboard> {
        let tree = self.tree();
        if let Some(u) = unit
            && tree.get(u).is_none()
        {
            return Err(ServiceError::invalid("unit_id", format!("单位 {u} 不存在")));
        }
        self.refresh_lights().await?;
        let today = self.today();
        let weeks = trend_weeks(today);
        let days: Vec<NaiveDate> = weeks.iter().map(|w| w.1).collect();
        // An office's whole scope has its counts kept as matters are written; anything
        // narrower or mixed (a subtree, a leader's own matters) is counted from the matters.
        let scope = match unit {
            None => with_actor(self, user, |a| a.scope()),
            Some(_) => None,
        };
        let (tally, counts, months) = match scope {
            Some(scope) => {
                let c = self
                    .store
                    .scope_counts(scope, &days, today, HEAT_ROWS)
                    .await?;
                (c.tally, c.overdue, c.months)
            }
            None => {
                let mut query = self.store_query(user, &ListQuery::default());
                if let Some(root) = unit {
                    query.within = tree.subtree(root);
                }
                let year = |m, d| NaiveDate::from_ymd_opt(today.year(), m, d).expect("a date");
                // Three reads that need nothing of each other, each on a connection of its own.
                tokio::try_join!(
                    async { Ok::<_, ServiceError>(self.store.tally(&query).await?) },
                    async { Ok(self.store.overdue_counts(&query, &days).await?) },
                    async {
                        let (from, to) = (year(1, 1), year(12, 31));
                        Ok(self
                            .store
                            .due_by_unit_month(&query, from, to, today)
                            .await?)
                    },
                )?
            }
        };
        let mut d = Dashboard::default();
        for s in MatterState::ALL {
            d.by_state.insert(s.as_str(), 0);
        }
        for l in Light::ALL {
            d.by_light.insert(l.as_str(), 0);
        }
        for s in luoshi_domain::Source::ALL {
            d.by_source.insert(s.as_str(), 0);
        }
        let (mut closed, mut countable) = (0, 0);
        for &(state, source, light, n) in &tally.matters {
            d.total += n;
            *d.by_state.entry(state.as_str()).or_default() += n;
            *d.by_light.entry(light.as_str()).or_default() += n;
            *d.by_source.entry(source.as_str()).or_default() += n;
            if state.is_counted() {
                countable += n;
                if state == MatterState::Closed {
                    closed += n;
                }
            }
        }
        d.completion_rate = rate(closed, countable);
        d.units = tally
            .units
            .into_iter()
            .map(|u| UnitStanding {
                unit_id: u.unit_id,
                open: u.open,
                red: u.red,
                completion_rate: rate(u.closed, u.counted),
            })
            .collect();
        d.units.sort_by(|a, b| {
            b.red
                .cmp(&a.red)
                .then(b.open.cmp(&a.open))
                .then(a.unit_id.cmp(&b.unit_id))
        });
        d.overdue_by_week = weeks
            .into_iter()
            .zip(counts)
            .map(|((week_start, day), count)| WeekOverdue {
                week_start,
                day,
                count,
            })
            .collect();
        d.heat = heat(months, today.year());
        d.off_track = self.off_track(user).await?;
        if let Some(root) = unit {
            let below = tree.subtree(root);
            d.off_track.retain(|o| below.contains(&o.lead_unit_id));
        }
        Ok(d)
    }
}

/// The heat map of a year from its assignments counted per unit and month.
fn heat(counted: Vec<UnitMonth>, year: i32) -> Heat {
    let month = |m| NaiveDate::from_ymd_opt(year, m, 1).expect("every month has a first");
    let months: Vec<NaiveDate> = (1..=12).map(month).collect();
    let mut rows: BTreeMap<UnitId, Vec<(usize, usize)>> = BTreeMap::new();
    for c in counted {
        let cells = rows.entry(c.unit_id).or_insert_with(|| vec![(0, 0); 12]);
        cells[c.month.month0() as usize] = (c.due, c.late);
    }
    let mut rows: Vec<HeatRow> = rows
        .into_iter()
        .map(|(unit_id, cells)| HeatRow { unit_id, cells })
        .collect();
    rows.sort_by_cached_key(|r| {
        let (due, late) = r.cells.iter().fold((0, 0), |(d, l), c| (d + c.0, l + c.1));
        (std::cmp::Reverse(late), std::cmp::Reverse(due), r.unit_id)
    });
    rows.truncate(HEAT_ROWS);
    Heat { months, rows }
}

/// The weeks of the trend, oldest first, as (Monday, the day counted): Sundays, and today for
/// the week under way.
fn trend_weeks(today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    (0..TREND_WEEKS as u64)
        .rev()
        .map(|back| {
            let start = monday - Days::new(7 * back);
            let end = if back == 0 {
                today
            } else {
                start + Days::new(6)
            };
            (start, end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_ends_today_and_steps_back_by_whole_weeks() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let weeks = trend_weeks(d("2026-07-01"));
        assert_eq!(weeks.len(), TREND_WEEKS);
        assert_eq!(weeks[TREND_WEEKS - 1], (d("2026-06-29"), d("2026-07-01")));
        assert_eq!(weeks[TREND_WEEKS - 2], (d("2026-06-22"), d("2026-06-28")));
        assert_eq!(weeks[0].0, d("2026-04-13"));
    }
}
