//! The chart of a quantified indicator, drawn on the server as SVG: the straight line from its
//! baseline to its target (序时进度) and the values reported, each on its day.

use chrono::{Datelike, NaiveDate};
use luoshi_domain::indicator::figure;
use luoshi_domain::{Indicator, china_date};
use luoshi_service::indicators::IndicatorStatus;
use serde::Serialize;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
/// Room for the value labels on the left and the dates below.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 28.0;

#[derive(Serialize)]
pub struct Tick {
    at: f64,
    text: String,
    /// How the label sits on its place: the period's first day starts there, its last ends
    /// there, so neither runs off the chart.
    anchor: &'static str,
}

#[derive(Serialize)]
pub struct Dot {
    x: f64,
    y: f64,
    title: String,
}

#[derive(Serialize)]
pub struct Chart {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    bottom: f64,
    /// The trajectory, from its start to its end.
    plan: [f64; 4],
    /// The reported values as SVG polyline points, oldest first.
    actual: String,
    dots: Vec<Dot>,
    /// Baseline and target on the value axis.
    values: Vec<Tick>,
    /// The period's first and last days on the time axis.
    days: Vec<Tick>,
    /// Today, when it falls inside the period.
    today: Option<f64>,
    label: String,
}

/// An indicator as its matter's page shows it.
#[derive(Serialize)]
pub struct IndicatorView {
    id: u32,
    name: String,
    unit: String,
    terms: String,
    light: &'static str,
    light_label: &'static str,
    reason: String,
    chart: Chart,
}

impl IndicatorView {
    pub fn of(s: &IndicatorStatus, today: NaiveDate) -> IndicatorView {
        let i = &s.indicator;
        IndicatorView {
            id: i.id,
            name: i.name.clone(),
            unit: i.unit.clone(),
            terms: i.terms(),
            light: s.light.as_str(),
            light_label: s.light.label(),
            reason: s.reason.clone(),
            chart: chart(i, today),
        }
    }
}

fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

fn chart(i: &Indicator, today: NaiveDate) -> Chart {
    let values = i.actuals.iter().map(|a| a.value);
    let low = values
        .clone()
        .chain([i.baseline, i.target])
        .fold(f64::INFINITY, f64::min);
    let high = values
        .chain([i.baseline, i.target])
        .fold(f64::NEG_INFINITY, f64::max);
    // A little room above and below, and some height even for a level held flat.
    let pad = ((high - low) * 0.08).max(high.abs().max(1.0) * 0.01);
    let (low, high) = (low - pad, high + pad);
    let days = (i.by - i.from).num_days().max(1) as f64;
    let x = |d: NaiveDate| {
        let gone = ((d - i.from).num_days() as f64).clamp(0.0, days);
        round(LEFT + (WIDTH - LEFT - RIGHT) * gone / days)
    };
    let y = |v: f64| round(TOP + (HEIGHT - TOP - BOTTOM) * (high - v) / (high - low));
    let u = &i.unit;
    let dots: Vec<Dot> = i
        .actuals
        .iter()
        .map(|a| {
            let day = china_date(a.at);
            Dot {
                x: x(day),
                y: y(a.value),
                title: format!(
                    "{}:{}{u}(序时进度{}{u})",
                    month_day(day),
                    figure(a.value),
                    figure(i.expected_on(day))
                ),
            }
        })
        .collect();
    let actual = dots
        .iter()
        .map(|d| format!("{},{}", d.x, d.y))
        .collect::<Vec<_>>()
        .join(" ");
    Chart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        bottom: HEIGHT - BOTTOM,
        plan: [x(i.from), y(i.baseline), x(i.by), y(i.target)],
        actual,
        dots,
        values: vec![
            Tick {
                at: y(i.baseline),
                text: format!("{}{u}", figure(i.baseline)),
                anchor: "end",
            },
            Tick {
                at: y(i.target),
                text: format!("{}{u}", figure(i.target)),
                anchor: "end",
            },
        ],
        days: vec![
            Tick {
                at: x(i.from),
                text: month_day(i.from),
                anchor: "start",
            },
            Tick {
                at: x(i.by),
                text: month_day(i.by),
                anchor: "end",
            },
        ],
        today: (i.from..=i.by).contains(&today).then(|| x(today)),
        label: format!("{}:实际值与序时进度", i.name),
    }
}

/// SVG coordinates to a tenth of a unit: exact enough to draw, short enough to read.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use luoshi_domain::indicator::Actual;
    use luoshi_domain::{Direction, IndicatorDraft, china_instant};

    #[test]
    fn the_plan_runs_corner_to_corner_and_a_lagging_value_sits_below_it() {
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let mut i = IndicatorDraft {
            name: "地区生产总值".into(),
            unit: "亿元".into(),
            baseline: 100.0,
            target: 108.0,
            direction: Direction::Up,
            from: date(1, 1),
            by: date(12, 31),
        }
        .check(1)
        .unwrap();
        i.actuals.push(Actual {
            at: china_instant(date(7, 15), chrono::NaiveTime::MIN),
            value: 101.0,
        });
        let c = chart(&i, date(8, 1));
        assert_eq!(c.plan[0], LEFT);
        assert_eq!(c.plan[2], WIDTH - RIGHT);
        assert!(
            c.plan[1] > c.plan[3],
            "the target is drawn above the baseline"
        );
        let dot = &c.dots[0];
        // The trajectory's height at the dot's x, between its two ends.
        let t = (dot.x - c.plan[0]) / (c.plan[2] - c.plan[0]);
        let plan_y = c.plan[1] + (c.plan[3] - c.plan[1]) * t;
        assert!(dot.y > plan_y, "101 is drawn below the line it lags");
        assert_eq!(dot.title, "7月15日:101亿元(序时进度104.29亿元)");
        assert!(c.today.is_some_and(|x| x > dot.x));
    }
}
