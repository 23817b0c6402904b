//! 量化指标: a number a matter is to move (地区生产总值, 固定资产投资, 空气优良天数), from its
//! baseline to its target over a period. Each reported value is read against the straight line
//! between the two (序时进度) on the day it was reported: a value short of that line by more than
//! a share of the whole planned change is a reason for the matter's light.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::china_date;
use crate::light::{Light, LightRules};
use crate::matter::labelled_enum;

labelled_enum!(
    /// Which way the number should go.
    Direction {
        Up = "up", "越高越好";
        Down = "down", "越低越好";
    }
);

/// One reported value of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Actual {
    pub at: DateTime<Utc>,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Numbers the indicator within its matter, from 1; reports name it by this.
    pub id: u32,
    pub name: String,
    /// The unit of measure as written: 亿元, %, 个, 天.
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    /// The trajectory runs from the baseline on `from` to the target on `by`.
    pub from: NaiveDate,
    pub by: NaiveDate,
    /// Every value reported, oldest first.
    #[serde(default)]
    pub actuals: Vec<Actual>,
}

/// An indicator as the office sets it, before it is checked and numbered.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDraft {
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub from: NaiveDate,
    pub by: NaiveDate,
}

/// The largest magnitude a value may have: well past any real figure, and where an f64 still
/// holds every whole number exactly.
const MAX_VALUE: f64 = 1e15;

/// A reported value, refused when it is not a number people write.
pub fn check_value(name: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() && value.abs() < MAX_VALUE {
        Ok(value)
    } else {
        Err(format!("指标“{name}”的数值无效"))
    }
}

/// A figure as people type it (1,234.5, full-width digits, a leading +), or `None` for text
/// that is not one.
pub fn read_figure(text: &str) -> Option<f64> {
    let t: String = text
        .chars()
        .map(crate::notice::half_width)
        .filter(|c| !matches!(c, ',' | ' ' | '，'))
        .collect();
    let t = t.strip_prefix('+').unwrap_or(&t);
    // Rust reads "inf" and "NaN" as numbers; nobody writes them as a figure.
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'e' | b'E'))
    {
        return None;
    }
    check_value("", t.parse().ok()?).ok()
}

impl IndicatorDraft {
    /// The draft as the matter's indicator number `id`, or what is wrong with it, in Chinese.
    pub fn check(self, id: u32) -> Result<Indicator, String> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err("请填写指标名称".into());
        }
        if name.chars().count() > 100 {
            return Err("指标名称不超过100个字".into());
        }
        let unit = self.unit.trim().to_string();
        if unit.chars().count() > 20 {
            return Err("计量单位不超过20个字".into());
        }
        let baseline = check_value(&name, self.baseline).map_err(|_| "基线值无效".to_string())?;
        let target = check_value(&name, self.target).map_err(|_| "目标值无效".to_string())?;
        match self.direction {
            Direction::Up if target < baseline => {
                return Err("指标越高越好时,目标值不应低于基线值".into());
            }
            Direction::Down if target > baseline => {
                return Err("指标越低越好时,目标值不应高于基线值".into());
            }
            _ => {}
        }
        if self.by <= self.from {
            return Err("目标日期应晚于基线日期".into());
        }
        Ok(Indicator {
            id,
            name,
            unit,
            baseline,
            target,
            direction: self.direction,
            from: self.from,
            by: self.by,
            actuals: Vec::new(),
        })
    }
}

/// The latest value read against the trajectory on the day it was reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub day: NaiveDate,
    pub actual: f64,
    pub expected: f64,
    /// How far the value falls short of the trajectory, in the indicator's own unit: 0 when on
    /// it or ahead.
    pub shortfall: f64,
    /// The shortfall as a percent of the whole planned change (baseline to target), rounded;
    /// 255 stands for that much or more.
    pub behind_percent: u8,
}

impl Indicator {
    /// Where the trajectory stands on `day`: the baseline before the period, the target after.
    pub fn expected_on(&self, day: NaiveDate) -> f64 {
        let whole = (self.by - self.from).num_days() as f64;
        let gone = ((day - self.from).num_days() as f64).clamp(0.0, whole);
        self.baseline + (self.target - self.baseline) * gone / whole
    }

    pub fn latest(&self) -> Option<Actual> {
        self.actuals.last().copied()
    }

    /// The latest value against the trajectory, if any value was reported.
    pub fn reading(&self) -> Option<Reading> {
        let latest = self.latest()?;
        let day = china_date(latest.at);
        let expected = self.expected_on(day);
        let short = match self.direction {
            Direction::Up => expected - latest.value,
            Direction::Down => latest.value - expected,
        };
        let shortfall = short.max(0.0);
        // An indicator held level (target = baseline) is measured against the level itself.
        let scale = match (self.target - self.baseline).abs() {
            s if s > 0.0 => s,
            _ => self.target.abs().max(1.0),
        };
        let behind_percent = (shortfall / scale * 100.0).round().min(255.0) as u8;
        Some(Reading {
            day,
            actual: latest.value,
            expected,
            shortfall,
            behind_percent,
        })
    }

    /// Green on track (or nothing reported yet), yellow or red when the latest value is behind
    /// the trajectory by the rules' shares of the planned change.
    pub fn light(&self, rules: &LightRules) -> Light {
        match self.reading() {
            Some(r) if r.behind_percent >= rules.indicator_red_percent => Light::Red,
            Some(r) if r.behind_percent >= rules.indicator_yellow_percent => Light::Yellow,
            _ => Light::Green,
        }
    }

    /// What the indicator's light means, said the way an office says it.
    pub fn describe(&self, rules: &LightRules) -> String {
        let Some(r) = self.reading() else {
            return "尚未报送实际值".into();
        };
        let u = &self.unit;
        let mut s = format!(
            "{}月{}日实际{}{u},按序时进度应达{}{u}",
            r.day.month(),
            r.day.day(),
            figure(r.actual),
            figure(r.expected),
        );
        if self.light(rules) == Light::Green {
            s.push_str(",进度正常");
        } else {
            s.push_str(&format!(
                ",落后{}{u},占计划增量的{}%",
                figure(r.shortfall),
                r.behind_percent
            ));
        }
        s
    }

    /// The baseline, the target and the period, for the record: 基线100亿元,目标108亿元 ….
    pub fn terms(&self) -> String {
        let u = &self.unit;
        let day = |d: NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
        format!(
            "基线{}{u},目标{}{u}({}),{}至{}",
            figure(self.baseline),
            figure(self.target),
            self.direction.label(),
            day(self.from),
            day(self.by),
        )
    }
}

/// A value as people write it: no more than two decimals, none when whole (101, 104.67).
pub fn figure(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    let text = format!("{rounded:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" => "0".into(),
        t => t.to_string(),
    }
}

/// The worst reading among a matter's indicators by the rules: the share behind of the one
/// furthest behind, when any is behind enough to show.
pub fn worst_behind(indicators: &[Indicator], rules: &LightRules) -> Option<(Light, u8)> {
    indicators
        .iter()
        .filter_map(|i| Some((i.light(rules), i.reading()?.behind_percent)))
        .filter(|(light, _)| *light != Light::Green)
        .max_by_key(|(_, behind)| *behind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn gdp() -> Indicator {
        IndicatorDraft {
            name: "地区生产总值".into(),
            unit: "亿元".into(),
            baseline: 100.0,
            target: 108.0,
            direction: Direction::Up,
            from: date(2026, 1, 1),
            by: date(2026, 12, 31),
        }
        .check(1)
        .unwrap()
    }

    fn reported(mut i: Indicator, day: NaiveDate, value: f64) -> Indicator {
        i.actuals.push(Actual {
            at: crate::china_instant(day, NaiveTime::from_hms_opt(10, 0, 0).unwrap()),
            value,
        });
        i
    }

    #[test]
    fn a_july_value_of_101_against_a_year_from_100_to_108_is_off_track_and_says_by_how_much() {
        let rules = LightRules::default();
        let i = reported(gdp(), date(2026, 7, 15), 101.0);
        let r = i.reading().unwrap();
        assert!((r.expected - 104.29).abs() < 0.01, "{}", r.expected);
        assert_eq!(r.behind_percent, 41);
        assert_eq!(i.light(&rules), Light::Red);
        assert_eq!(
            i.describe(&rules),
            "7月15日实际101亿元,按序时进度应达104.29亿元,落后3.29亿元,占计划增量的41%"
        );
    }

    #[test]
    fn a_value_on_or_ahead_of_the_trajectory_is_green_and_nothing_reported_is_no_cause() {
        let rules = LightRules::default();
        assert_eq!(gdp().light(&rules), Light::Green);
        assert_eq!(gdp().describe(&rules), "尚未报送实际值");
        let ahead = reported(gdp(), date(2026, 7, 15), 105.0);
        assert_eq!(ahead.light(&rules), Light::Green);
        assert!(ahead.describe(&rules).ends_with("进度正常"));
        // Slightly behind, within the margin.
        let near = reported(gdp(), date(2026, 7, 15), 104.0);
        assert_eq!(near.light(&rules), Light::Green);
        assert_eq!(worst_behind(&[near, ahead], &rules), None);
    }

    #[test]
    fn a_number_to_bring_down_is_behind_when_it_stays_above_its_line() {
        let rules = LightRules::default();
        let pm25 = IndicatorDraft {
            name: "PM2.5平均浓度".into(),
            unit: "微克/立方米".into(),
            baseline: 40.0,
            target: 30.0,
            direction: Direction::Down,
            from: date(2026, 1, 1),
            by: date(2026, 12, 31),
        }
        .check(2)
        .unwrap();
        let high = reported(pm25.clone(), date(2026, 12, 31), 34.0);
        assert_eq!(high.reading().unwrap().behind_percent, 40);
        assert_eq!(high.light(&rules), Light::Red);
        let low = reported(pm25, date(2026, 12, 31), 29.0);
        assert_eq!(low.light(&rules), Light::Green);
        let worst = worst_behind(
            &[high, low, reported(gdp(), date(2026, 7, 1), 103.0)],
            &rules,
        );
        assert_eq!(worst, Some((Light::Red, 40)));
    }

    #[test]
    fn the_latest_value_is_the_one_read() {
        let rules = LightRules::default();
        let i = reported(gdp(), date(2026, 3, 31), 99.0);
        assert_eq!(i.light(&rules), Light::Red);
        let i = reported(i, date(2026, 6, 30), 104.5);
        assert_eq!(i.light(&rules), Light::Green);
    }

    #[test]
    fn drafts_that_cannot_be_read_are_refused_with_the_reason() {
        let bad = |f: fn(&mut IndicatorDraft)| {
            let mut d = IndicatorDraft {
                name: "固定资产投资".into(),
                unit: "%".into(),
                baseline: 0.0,
                target: 16.0,
                direction: Direction::Up,
                from: date(2026, 1, 1),
                by: date(2026, 12, 31),
            };
            f(&mut d);
            d.check(1).unwrap_err()
        };
        assert_eq!(bad(|d| d.name = "  ".into()), "请填写指标名称");
        assert_eq!(bad(|d| d.target = f64::NAN), "目标值无效");
        assert_eq!(bad(|d| d.baseline = f64::INFINITY), "基线值无效");
        assert_eq!(
            bad(|d| d.target = -1.0),
            "指标越高越好时,目标值不应低于基线值"
        );
        assert_eq!(bad(|d| d.by = d.from), "目标日期应晚于基线日期");
    }

    #[test]
    fn figures_are_written_without_trailing_zeros() {
        assert_eq!(figure(101.0), "101");
        assert_eq!(figure(104.3671), "104.37");
        assert_eq!(figure(0.5), "0.5");
        assert_eq!(figure(-0.001), "0");
    }

    #[test]
    fn figures_are_read_as_people_type_them() {
        assert_eq!(read_figure(" 1,234.5 "), Some(1234.5));
        assert_eq!(read_figure("１０１"), Some(101.0));
        assert_eq!(read_figure("+8"), Some(8.0));
        assert_eq!(read_figure("-2.5"), Some(-2.5));
        for bad in ["", "abc", "inf", "NaN", "1e400", "101亿元", "1.2.3"] {
            assert_eq!(read_figure(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_read_as_a_finite_figure_or_refused(text in "\\PC{0,12}") {
            if let Some(v) = read_figure(&text) {
                prop_assert!(v.is_finite());
            }
        }


        #[test]
        fn the_trajectory_stays_between_baseline_and_target_and_ends_on_them(
            baseline in -1e6f64..1e6, change in 0f64..1e6, days in 1i64..2000, at in -100i64..2100,
        ) {
            let from = date(2026, 1, 1);
            let i = IndicatorDraft {
                name: "指标".into(),
                unit: String::new(),
                baseline,
                target: baseline + change,
                direction: Direction::Up,
                from,
                by: from + chrono::Days::new(days as u64),
            }
            .check(1)
            .unwrap();
            let day = from + chrono::Duration::days(at);
            let e = i.expected_on(day);
            prop_assert!(e >= baseline - 1e-6 && e <= baseline + change + 1e-6);
            prop_assert_eq!(i.expected_on(from), baseline);
            prop_assert!((i.expected_on(i.by) - i.target).abs() < 1e-6);
            // A value on the line is never behind.
            let on = reported(i.clone(), day, e);
            prop_assert_eq!(on.reading().unwrap().behind_percent, 0);
        }
    }
}
