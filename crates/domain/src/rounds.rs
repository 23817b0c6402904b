//! Report rules as offices write them — 每月25日前, 每季度最后一个月30日前, 每周五, 每半年末 — and
//! the rounds they make: one per period (week, month, quarter, half-year), each due on the
//! rule's day, moved to the working day before when that day is off.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::Calendar;

/// When the units report, period by period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportRule {
    /// 每周五: on that day of each week (Monday to Sunday).
    Weekly(Weekday),
    /// 每月25日前: by that day of each month; 31 (每月底) is the month's last day.
    Monthly(u32),
    /// 每季度最后一个月30日前: by that day of that month (1–3) of each quarter.
    Quarterly { month: u32, day: u32 },
    /// 每半年最后一个月25日前: by that day of that month (1–6) of each half-year.
    HalfYearly { month: u32, day: u32 },
}

/// One period of a rule: `2026-W27`, `2026-07`, `2026-Q3`, `2026-H2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// One round: the period, and the working day reports are due by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub period: Period,
    pub due: NaiveDate,
}

const CN_DIGITS: [(char, u32); 10] = [
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

/// 25, 二十五, 廿五, 三十一, 十: a day or a month number as people write it.
fn number(s: &str) -> Option<u32> {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return s
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .or_else(|| Some(c as u32 - '０' as u32))
                    .unwrap_or(0)
            })
            .try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(d));
    }
    let digit = |c: char| CN_DIGITS.iter().find(|(d, _)| *d == c).map(|(_, v)| *v);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        ['廿', u] => Some(20 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn weekday(c: char) -> Option<Weekday> {
    Some(match c {
        '一' | '1' => Weekday::Mon,
        '二' | '2' => Weekday::Tue,
        '三' | '3' => Weekday::Wed,
        '四' | '4' => Weekday::Thu,
        '五' | '5' => Weekday::Fri,
        '六' | '6' => Weekday::Sat,
        '日' | '天' | '7' => Weekday::Sun,
        _ => return None,
    })
}

/// A day of the month: `25日`, `25号`, `底`/`末` (the last day, written 31).
fn day_of_month(s: &str) -> Option<u32> {
    if matches!(s, "底" | "末" | "月底" | "月末") {
        return Some(31);
    }
    let n = number(s.strip_suffix(['日', '号'])?)?;
    (1..=31).contains(&n).then_some(n)
}

/// Which month of a quarter or a half-year (`months` long): 第二个月, 最后一个月, 首月, 末月.
fn month_of(s: &str, months: u32) -> Option<(u32, &str)> {
    for (prefix, month) in [
        ("最后一个月的", months),
        ("最后一个月", months),
        ("最后1个月", months),
        ("末月", months),
        ("首月", 1),
        ("第一个月", 1),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return Some((month, rest));
        }
    }
    let rest = s.strip_prefix('第')?;
    let (n, rest) = rest.split_once("个月")?;
    let n = number(n)?;
    let rest = rest.strip_prefix('的').unwrap_or(rest);
    (1..=months).contains(&n).then_some((n, rest))
}

impl ReportRule {
    /// Reads a rule as offices write it; `None` for anything else. Words around the rule
    /// (报送进展, 之前, 以前) are allowed: `每月25日前报送进展` is `每月25日前`.
    pub fn parse(text: &str) -> Option<ReportRule> {
        let s: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '、' | '。'))
            .collect();
        let s = s.as_str();
        let s = s.strip_prefix("于").unwrap_or(s);
        // The rule itself, up to 前 or the end of its day; what follows says what is reported.
        let cut = |s: &str| -> String {
            let s = s
                .split_once("之前")
                .or_else(|| s.split_once("以前"))
                .or_else(|| s.split_once('前'))
                .map_or(s, |(rule, _)| rule);
            s.to_string()
        };
        if let Some(rest) = s.strip_prefix("每周").or_else(|| s.strip_prefix("每星期")) {
            let rest = cut(rest);
            let mut chars = rest.chars();
            let day = weekday(chars.next()?)?;
            let tail: String = chars.collect();
            return ["", "报送", "报", "反馈"]
                .iter()
                .any(|t| tail.starts_with(t))
                .then_some(ReportRule::Weekly(day));
        }
        if let Some(rest) = s.strip_prefix("每月") {
            return until_day(&cut(rest)).map(ReportRule::Monthly);
        }
        for (words, months) in [
            (&["每季度", "每季", "每个季度"][..], 3),
            (&["每半年", "每半年度"][..], 6),
        ] {
            let Some(rest) = words.iter().find_map(|w| s.strip_prefix(w)) else {
                continue;
            };
            let rest = cut(rest);
            let (month, day) = match rest.as_str() {
                "末" | "底" | "结束" => (months, 31),
                r => match month_of(r, months) {
                    Some((month, day)) => (month, until_day(day)?),
                    // 每季度30日前: by that day of the quarter's last month.
                    None => (months, until_day(r)?),
                },
            };
            return Some(if months == 3 {
                ReportRule::Quarterly { month, day }
            } else {
                ReportRule::HalfYearly { month, day }
            });
        }
        None
    }

    /// How the rule is written, as [`ReportRule::parse`] reads it back.
    pub fn phrase(self) -> String {
        let day = |d: u32| {
            if d >= 31 {
                "底".to_string()
            } else {
                format!("{d}日前")
            }
        };
        let month = |m: u32, months: u32| {
            if m == months {
                "最后一个月".to_string()
            } else {
                format!("第{m}个月")
            }
        };
        match self {
            ReportRule::Weekly(w) => {
                let name =
                    ["一", "二", "三", "四", "五", "六", "日"][w.num_days_from_monday() as usize];
                format!("每周{name}")
            }
            ReportRule::Monthly(d) => format!("每月{}", day(d)),
            ReportRule::Quarterly { month: m, day: d } => {
                format!("每季度{}{}", month(m, 3), day(d))
            }
            ReportRule::HalfYearly { month: m, day: d } => {
                format!("每半年{}{}", month(m, 6), day(d))
            }
        }
    }

    /// The period `day` falls in.
    pub fn period_of(self, day: NaiveDate) -> Period {
        let months = |n: u32| {
            let m0 = (day.month0() / n) * n;
            let first = NaiveDate::from_ymd_opt(day.year(), m0 + 1, 1).expect("a valid month");
            let last = first
                .checked_add_months(Months::new(n))
                .and_then(|d| d.pred_opt())
                .expect("a representable date");
            Period { first, last }
        };
        match self {
            ReportRule::Weekly(_) => {
                let first = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                Period {
                    first,
                    last: first + Days::new(6),
                }
            }
            ReportRule::Monthly(_) => months(1),
            ReportRule::Quarterly { .. } => months(3),
            ReportRule::HalfYearly { .. } => months(6),
        }
    }

    /// The round of the period `day` falls in.
    pub fn round_of(self, day: NaiveDate, calendar: &Calendar) -> Round {
        let period = self.period_of(day);
        let in_month = |month0: u32, d: u32| {
            let first = period.first + Months::new(month0);
            let last = first
                .checked_add_months(Months::new(1))
                .and_then(|f| f.pred_opt())
                .expect("a representable date");
            first.with_day(d).unwrap_or(last).min(last)
        };
        let nominal = match self {
            ReportRule::Weekly(w) => period.first + Days::new(u64::from(w.num_days_from_monday())),
            ReportRule::Monthly(d) => in_month(0, d),
            ReportRule::Quarterly { month, day } | ReportRule::HalfYearly { month, day } => {
                in_month(month - 1, day)
            }
        };
        // On a day off, the working day before — in the period before, for a week whose days
        // up to the rule's are all holidays.
        let due = calendar.add_working_days(nominal + Days::new(1), -1);
        Round { period, due }
    }

    /// The round after `round`.
    pub fn next(self, round: Round, calendar: &Calendar) -> Round {
        self.round_of(round.period.last + Days::new(1), calendar)
    }

    /// The round before `round`.
    pub fn previous(self, round: Round, calendar: &Calendar) -> Round {
        self.round_of(round.period.first - Days::new(1), calendar)
    }

    /// The rounds a matter assigned on `assigned` owes, from the first due after that day to
    /// the first due on or after `today`.
    pub fn rounds(self, assigned: NaiveDate, today: NaiveDate, calendar: &Calendar) -> Vec<Round> {
        let mut round = self.round_of(assigned, calendar);
        if round.due <= assigned {
            round = self.next(round, calendar);
        }
        let mut rounds = vec![round];
        while round.due < today {
            round = self.next(round, calendar);
            rounds.push(round);
        }
        rounds
    }
}

/// The day a rule's phrase names, before 前: `25日`, `底`.
fn until_day(s: &str) -> Option<u32> {
    let s = s.strip_suffix("报送").unwrap_or(s);
    day_of_month(s)
}

impl Period {
    /// How the API names it: 2026-W27, 2026-07, 2026-Q3, 2026-H2.
    pub fn code(self, rule: ReportRule) -> String {
        let (y, m) = (self.first.year(), self.first.month());
        match rule {
            ReportRule::Weekly(_) => {
                let w = self.first.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            ReportRule::Monthly(_) => format!("{y}-{m:02}"),
            ReportRule::Quarterly { .. } => format!("{y}-Q{}", (m - 1) / 3 + 1),
            ReportRule::HalfYearly { .. } => format!("{y}-H{}", (m - 1) / 6 + 1),
        }
    }

    /// How people name it: 2026年第27周, 2026年7月, 2026年第三季度, 2026年下半年.
    pub fn label(self, rule: ReportRule) -> String {
        let (y, m) = (self.first.year(), self.first.month());
        match rule {
            ReportRule::Weekly(_) => {
                let w = self.first.iso_week();
                format!("{}年第{}周", w.year(), w.week())
            }
            ReportRule::Monthly(_) => format!("{y}年{m}月"),
            ReportRule::Quarterly { .. } => {
                format!(
                    "{y}年第{}季度",
                    ["一", "二", "三", "四"][((m - 1) / 3) as usize]
                )
            }
            ReportRule::HalfYearly { .. } => {
                format!("{y}年{}", if m <= 6 { "上半年" } else { "下半年" })
            }
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }
}

impl Serialize for ReportRule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.phrase())
    }
}

impl<'de> Deserialize<'de> for ReportRule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ReportRule, D::Error> {
        let text = String::deserialize(d)?;
        ReportRule::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "报送要求“{text}”无法识别,应写作 每周五、每月25日前、每季度最后一个月30日前 或 每半年末"
            ))
        })
    }
}

#[cfg(test)]
mod tests;
