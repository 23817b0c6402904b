//! The official working-day calendar (工作日): weekends rest, statutory holidays rest, and the
//! adjusted working days (调休上班) that fall on a weekend are worked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The State Council's calendar for the years we ship, embedded in the binary.
const OFFICIAL_CSV: &str = include_str!("../data/holidays.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A Monday to Friday with nothing special about it.
    Workday,
    /// A Saturday or Sunday with nothing special about it.
    Weekend,
    /// A statutory holiday or a day off in its bridge (放假调休).
    Holiday,
    /// A weekend day that is worked to make up for a bridge (调休上班).
    AdjustedWorkday,
}

impl DayKind {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

#[derive(Debug, Default)]
pub struct Calendar {
    special: BTreeMap<NaiveDate, (DayKind, String)>,
    years: BTreeSet<i32>,
    /// Years we already warned about, so a year outside the data is logged once, not per date.
    warned: Mutex<BTreeSet<i32>>,
}

impl Clone for Calendar {
    fn clone(&self) -> Self {
        Calendar {
            special: self.special.clone(),
            years: self.years.clone(),
            warned: Mutex::new(BTreeSet::new()),
        }
    }
}

impl Calendar {
    /// The calendar shipped with Luoshi (2025–2026 at the time of writing).
    pub fn official() -> Calendar {
        Calendar::from_csv(OFFICIAL_CSV).expect("the embedded holiday calendar is valid")
    }

    /// Reads `date,kind,name` lines (kind `holiday` or `workday`); `#` comments and a header
    /// line are skipped. Every year that appears is taken as fully described.
    pub fn from_csv(text: &str) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let err = |message: String| CalendarError::Line {
                line: i + 1,
                message,
            };
            let mut parts = line.splitn(3, ',');
            let date = parts.next().unwrap_or_default().trim();
            let kind = parts.next().unwrap_or_default().trim();
            let name = parts.next().unwrap_or_default().trim();
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| err(format!("not a date: {date:?}")))?;
            let kind = match kind {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::AdjustedWorkday,
                other => {
                    return Err(err(format!(
                        "kind must be holiday or workday, not {other:?}"
                    )));
                }
            };
            cal.years.insert(date.year());
            cal.special.insert(date, (kind, name.to_string()));
        }
        Ok(cal)
    }

    /// Every listed day: holidays and adjusted working days, in date order.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, DayKind, &str)> + '_ {
        self.special.iter().map(|(d, (k, n))| (*d, *k, n.as_str()))
    }

    /// This calendar with the years of `days` described by them instead: a notice for a year
    /// replaces whatever was known of that year.
    pub fn with_days(&self, days: &[(NaiveDate, DayKind, String)]) -> Calendar {
        let mut cal = self.clone();
        let years: BTreeSet<i32> = days.iter().map(|(d, _, _)| d.year()).collect();
        cal.special.retain(|d, _| !years.contains(&d.year()));
        for (d, k, n) in days {
            cal.special.insert(*d, (*k, n.clone()));
        }
        cal.years.extend(years);
        cal
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn kind(&self, date: NaiveDate) -> DayKind {
        if let Some((kind, _)) = self.special.get(&date) {
            return *kind;
        }
        self.warn_if_uncovered(date.year());
        if is_weekend(date) {
            DayKind::Weekend
        } else {
            DayKind::Workday
        }
    }

    /// The holiday's or adjusted day's name (春节, 国庆节调休上班 …), if it has one.
    pub fn name(&self, date: NaiveDate) -> Option<&str> {
        self.special.get(&date).map(|(_, name)| name.as_str())
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.kind(date).is_working()
    }

    /// The `n`-th working day after `date` (`n` = 0 gives `date` itself); negative `n` counts back.
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> NaiveDate {
        let step = |d: NaiveDate| {
            if n >= 0 {
                d.checked_add_days(Days::new(1))
            } else {
                d.checked_sub_days(Days::new(1))
            }
        };
        let mut day = date;
        let mut left = n.unsigned_abs();
        while left > 0 {
            match step(day) {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in `(from, to]` — how many working days remain from `from` until `to`
    /// comes to an end. Negative when `to` lies before `from`. Counts Mondays to Fridays by
    /// arithmetic and then corrects for the listed days, so a deadline years away costs no more
    /// than one next week.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        if lo == hi {
            return 0;
        }
        for year in lo.year()..=hi.year() {
            self.warn_if_uncovered(year);
        }
        let weekdays = weekdays_through(hi) - weekdays_through(lo);
        let corrections: i64 = self
            .special
            .range((std::ops::Bound::Excluded(lo), std::ops::Bound::Included(hi)))
            .map(|(day, (kind, _))| match (kind, is_weekend(*day)) {
                (DayKind::Holiday, false) => -1,
                (DayKind::AdjustedWorkday, true) => 1,
                _ => 0,
            })
            .sum();
        sign * (weekdays + corrections)
    }

    fn warn_if_uncovered(&self, year: i32) {
        if self.years.is_empty() || self.years.contains(&year) {
            return;
        }
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.insert(year) {
            tracing::warn!(
                year,
                "no official holiday calendar for this year; counting Monday to Friday as working days"
            );
        }
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Mondays to Fridays from a fixed Monday long ago up to and including `day`.
fn weekdays_through(day: NaiveDate) -> i64 {
    // 0001-01-01 was a Monday in the proleptic Gregorian calendar chrono uses.
    let days = i64::from(day.num_days_from_ce()) - 1;
    let (weeks, rest) = (days.div_euclid(7), days.rem_euclid(7));
    weeks * 5 + (rest + 1).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_national_day_week_is_not_worked_but_its_makeup_saturday_is() {
        let cal = Calendar::official();
        assert_eq!(cal.kind(d("2026-10-01")), DayKind::Holiday);
        assert_eq!(cal.kind(d("2026-10-10")), DayKind::AdjustedWorkday);
        assert_eq!(cal.name(d("2026-10-10")), Some("国庆节调休上班"));
        assert_eq!(
            cal.working_days_between(d("2026-09-30"), d("2026-10-09")),
            2
        );
        assert_eq!(cal.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
    }

    #[test]
    fn counting_back_gives_a_negative_count() {
        let cal = Calendar::official();
        assert_eq!(
            cal.working_days_between(d("2026-07-02"), d("2026-06-30")),
            -2
        );
        assert_eq!(
            cal.working_days_between(d("2026-06-30"), d("2026-06-30")),
            0
        );
    }

    #[test]
    fn a_deadline_decades_away_is_counted_exactly() {
        let cal = Calendar::official();
        // 2027-01-01 to 2099-12-31 lies outside the data: Monday to Friday only.
        let by_hand = d("2026-12-31")
            .iter_days()
            .skip(1)
            .take_while(|x| *x <= d("2099-12-31"))
            .filter(|x| !is_weekend(*x))
            .count() as i64;
        assert_eq!(
            cal.working_days_between(d("2026-12-31"), d("2099-12-31")),
            by_hand
        );
    }

    #[test]
    fn years_outside_the_data_fall_back_to_monday_to_friday() {
        let cal = Calendar::official();
        // 2030-10-01 is a Tuesday: without a notice for 2030 it counts as a working day.
        assert_eq!(cal.kind(d("2030-10-01")), DayKind::Workday);
        assert_eq!(cal.kind(d("2030-10-05")), DayKind::Weekend);
    }

    #[test]
    fn a_malformed_line_is_named() {
        let err = Calendar::from_csv("date,kind,name\n2026-13-01,holiday,x\n").unwrap_err();
        assert_eq!(
            err,
            CalendarError::Line {
                line: 2,
                message: "not a date: \"2026-13-01\"".into()
            }
        );
        assert!(Calendar::from_csv("2026-01-01,rest,x").is_err());
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..900).prop_map(|n| d("2024-11-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn adding_n_working_days_then_counting_back_gives_n(start in any_date(), n in 0i64..200) {
            let cal = Calendar::official();
            let end = cal.add_working_days(start, n);
            prop_assert_eq!(cal.working_days_between(start, end), n);
            prop_assert_eq!(cal.working_days_between(end, start), -n);
            if n > 0 {
                prop_assert!(cal.is_working_day(end));
            }
        }

        #[test]
        fn weekends_and_holidays_never_count_and_adjusted_saturdays_do(start in any_date(), len in 0i64..1000) {
            let cal = Calendar::official();
            let end = start + chrono::Duration::days(len);
            let counted = cal.working_days_between(start, end);
            let by_hand = start.iter_days().skip(1).take_while(|x| *x <= end).filter(|x| {
                match cal.special.get(x) {
                    Some((DayKind::Holiday, _)) => false,
                    Some((DayKind::AdjustedWorkday, _)) => true,
                    _ => !matches!(x.weekday(), Weekday::Sat | Weekday::Sun),
                }
            }).count() as i64;
            prop_assert_eq!(counted, by_hand);
        }

        #[test]
        fn every_listed_adjusted_day_is_a_weekend_and_counts(idx in 0usize..64) {
            let cal = Calendar::official();
            let adjusted: Vec<_> = cal.special.iter().filter(|(_, (k, _))| *k == DayKind::AdjustedWorkday).map(|(d, _)| *d).collect();
            let day = adjusted[idx % adjusted.len()];
            prop_assert!(matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            prop_assert_eq!(cal.working_days_between(day.pred_opt().unwrap(), day), 1);
        }
    }
}
