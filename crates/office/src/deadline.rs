//! Deadline phrases as offices write them (6月底前, 三季度末, 每月23日前, 持续推进) read into dates and cadences.
//!
//! The phrase is normalised first (full-width characters to ASCII, Chinese numerals that count a
//! year, month, day or quarter to digits) so that one set of scanners serves every way of writing.
//! The scanners then walk the phrase once and keep the latest date it mentions: a phrase such as
//! "3月底前完成方案,年底前全面完成" allows the work until its last date, not its first.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use luoshi_domain::Cadence;

/// What a deadline phrase says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deadline {
    /// The last day the phrase allows, if it names one.
    pub date: Option<NaiveDate>,
    /// The reporting cadence the phrase sets (每月…, 每季度…, 每周…), if any.
    pub cadence: Option<Cadence>,
    /// 持续推进, 长期, 常态化 …: work without an end; a cadence is needed.
    pub ongoing: bool,
}

/// Why a phrase cannot stand as a deadline; the messages are shown to the clerk who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// A month, day or quarter no calendar has, quoted as written so that it can be found.
    #[error("“{0}”不是有效的日期")]
    InvalidDate(String),
    /// A year far from now is a typo (2206年, 1026年), never a real deadline.
    #[error("“{0}”超出了可受理的年份(2000年至2100年)")]
    YearOutOfRange(String),
    /// Nothing in the phrase names a date, a cadence or unending work (尽快, 按要求, 另行通知).
    #[error("无法识别的时限:“{0}”")]
    Unrecognised(String),
}

const YEARS: RangeInclusive<i32> = 2000..=2100;

type Result<T, E = DeadlineError> = std::result::Result<T, E>;

/// Reads `text`, a deadline phrase, given the document's year (for phrases without a year).
///
/// A blank phrase is no deadline rather than an error: task tables leave the column empty often.
pub fn parse(text: &str, year: i32) -> Result<Deadline, DeadlineError> {
    if text.trim().is_empty() {
        return Ok(Deadline::default());
    }
    let mut scan = Scanner {
        c: normalise(text),
        doc_year: year,
        year,
        ..Scanner::default()
    };
    scan.run()?;
    let ongoing = is_ongoing(&scan.c);
    if scan.latest.is_none() && !scan.recurring && !ongoing {
        return Err(DeadlineError::Unrecognised(text.trim().to_string()));
    }
    Ok(Deadline {
        date: scan.latest,
        cadence: scan.cadence,
        ongoing,
    })
}

fn digit(c: char) -> Option<u32> {
    let found = "〇一二三四五六七八九".chars().position(|d| d == c);
    found.map(|d| d as u32).or(match c {
        '零' => Some(0),
        '两' => Some(2),
        _ => None,
    })
}

/// Full-width to ASCII, and Chinese numerals to digits only where they count a year, month, day or
/// quarter: elsewhere they are words (统一, 一年内, 周五) and must stay as written.
fn normalise(text: &str) -> Vec<char> {
    let wide: Vec<char> = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    let mut out = Vec::with_capacity(wide.len());
    let mut i = 0;
    while i < wide.len() {
        let run = wide[i..]
            .iter()
            .take_while(|&&c| c == '十' || digit(c).is_some())
            .count();
        if run == 0 {
            out.push(wide[i]);
            i += 1;
            continue;
        }
        let numeral = &wide[i..i + run];
        let digits = match wide.get(i + run) {
            // Only 二〇二六年 is a year; 一年, 十年 are spans.
            Some('年') if run == 4 && !numeral.contains(&'十') => chinese_number(numeral),
            Some('月' | '日' | '号' | '季') => chinese_number(numeral),
            _ => None,
        };
        match digits {
            Some(d) => out.extend(d.chars()),
            None => out.extend_from_slice(numeral),
        }
        i += run;
    }
    out
}

/// 二〇二六 → 2026 digit by digit; 十二, 二十, 三十一 → by tens.
fn chinese_number(run: &[char]) -> Option<String> {
    let Some(t) = run.iter().position(|&c| c == '十') else {
        return run
            .iter()
            .map(|&c| digit(c).and_then(|d| char::from_digit(d, 10)))
            .collect();
    };
    let tens = match run[..t] {
        [] => 1,
        [c] => digit(c)?,
        _ => return None,
    };
    let units = match run[t + 1..] {
        [] => 0,
        [c] => digit(c)?,
        _ => return None,
    };
    Some((tens * 10 + units).to_string())
}

/// 持续至6月底 is a span that ends and 延长期限 is an extension; neither is unending work.
fn is_ongoing(c: &[char]) -> bool {
    let s: String = c.iter().collect();
    ["常态化", "久久为功", "动态清零"]
        .iter()
        .any(|w| s.contains(w))
        || s.match_indices("持续")
            .any(|(i, w)| !matches!(s[i + w.len()..].chars().next(), Some('至' | '到')))
        || s.match_indices("长期")
            .any(|(i, w)| !s[i + w.len()..].starts_with('限'))
}

/// 月底 and 下旬 name no number: the last day depends on the month and on leap years.
#[derive(Clone, Copy)]
enum Day {
    Exact(u64),
    Last,
}

/// One left-to-right pass; the state carries what a mention needs from the ones before it.
#[derive(Default)]
struct Scanner {
    c: Vec<char>,
    i: usize,
    doc_year: i32,
    /// The year that months and quarters without one belong to: the document's, until the phrase
    /// writes one.
    year: i32,
    /// A year written alone (2026年) allows its whole year, unless a month or quarter narrows it.
    pending: bool,
    /// Where the last written year stands, so that an error about its month quotes the year too.
    written_year: Option<(usize, usize)>,
    latest: Option<NaiveDate>,
    cadence: Option<Cadence>,
    /// Also set by 每年, which has no cadence of ours: the phrase is understood, not unrecognisable.
    recurring: bool,
    /// In 每年6月底前 the date is a point of the cycle, not a deadline; the clause ends at punctuation.
    in_cycle: bool,
}

impl Scanner {
    fn run(&mut self) -> Result<()> {
        while self.i < self.c.len() {
            let c = self.c[self.i];
            if matches!(c, ',' | ';' | '。' | '、' | '\n' | '!' | '?') {
                self.in_cycle = false;
                self.i += 1;
            } else if c.is_ascii_digit() {
                self.number()?;
            } else if !self.cycle() && !self.year_word()? {
                self.i += 1;
            }
        }
        self.flush()
    }

    fn at(&self, i: usize, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, ch)| self.c.get(i + k) == Some(&ch))
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.at(self.i, s);
        if found {
            self.i += s.chars().count();
        }
        found
    }

    /// The value of the digits from `from` (saturating: a long run is simply too large) and where
    /// they end.
    fn digits(&self, from: usize) -> (u64, usize) {
        let mut value = 0u64;
        let mut end = from;
        while let Some(d) = self.c.get(end).and_then(|c| c.to_digit(10)) {
            value = value.saturating_mul(10).saturating_add(u64::from(d));
            end += 1;
        }
        (value, end)
    }

    fn text(&self, from: usize, to: usize) -> String {
        let to = to.min(self.c.len());
        self.c[from.min(to)..to].iter().collect()
    }

    /// Every date goes through here, so none outside [`YEARS`] escapes, whichever year it took.
    fn date(&self, y: i32, m: u64, day: Day, from: usize, to: usize) -> Result<NaiveDate> {
        if !YEARS.contains(&y) {
            return Err(DeadlineError::YearOutOfRange(format!("{y}年")));
        }
        let invalid = || DeadlineError::InvalidDate(self.text(from, to));
        let m = u32::try_from(m)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(invalid)?;
        let date = match day {
            Day::Exact(d) => u32::try_from(d)
                .ok()
                .and_then(|d| NaiveDate::from_ymd_opt(y, m, d)),
            Day::Last => {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
            }
        };
        date.ok_or_else(invalid)
    }

    /// 3月起, 下半年开始: the start of the work, not its end.
    fn starts_here(&self) -> bool {
        ["起", "开始", "以来"].iter().any(|s| self.at(self.i, s))
    }

    fn found(&mut self, date: NaiveDate) -> Result<()> {
        if !self.in_cycle && !self.starts_here() {
            self.latest = self.latest.max(Some(date));
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if std::mem::take(&mut self.pending) {
            let end = self.date(self.year, 12, Day::Last, 0, 0)?;
            self.latest = self.latest.max(Some(end));
        }
        Ok(())
    }

    fn number(&mut self) -> Result<()> {
        let start = self.i;
        let (n, end) = self.digits(start);
        self.i = end;
        match self.c.get(end) {
            Some('年') if end - start >= 4 => {
                self.i += 1;
                let y = i32::try_from(n).ok().filter(|y| YEARS.contains(y));
                let y = y.ok_or_else(|| DeadlineError::YearOutOfRange(self.text(start, self.i)))?;
                self.written_year = Some((start, self.i));
                self.anchor(y, true)
            }
            // 3年内: a span of years, not a date.
            Some('年') => {
                self.i += 1;
                Ok(())
            }
            Some('月') => {
                self.i += 1;
                self.month(start, n)
            }
            Some('季') => {
                self.i += 1;
                self.quarter(start, n)
            }
            Some(&sep @ ('-' | '/' | '.')) if end - start == 4 => self.numeric_date(start, n, sep),
            // 20260930, as spreadsheets export dates; any other eight digits are just a number.
            _ if end - start == 8 => {
                let (y, m, d) = ((n / 10000) as i32, n / 100 % 100, n % 100);
                match self.date(y, m, Day::Exact(d), start, end) {
                    Ok(date) => self.found(date),
                    Err(_) => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// 2026-09-30, 2026.9.30, 2026/9/30, and 2026-09 for the whole month.
    fn numeric_date(&mut self, start: usize, y: u64, sep: char) -> Result<()> {
        let (m, m_end) = self.digits(start + 5);
        if !(1..=2).contains(&(m_end - (start + 5))) {
            return Ok(());
        }
        let (mut day, mut end) = (Day::Last, m_end);
        if self.c.get(m_end) == Some(&sep) {
            let (d, d_end) = self.digits(m_end + 1);
            if (1..=2).contains(&(d_end - (m_end + 1))) {
                (day, end) = (Day::Exact(d), d_end);
            }
        }
        self.flush()?;
        self.year = y as i32;
        self.i = end;
        let date = self.date(self.year, m, day, start, end)?;
        self.found(date)
    }

    /// A year is being written: the one before it, if left alone, meant its whole year.
    fn anchor(&mut self, y: i32, alone_is_year_end: bool) -> Result<()> {
        self.flush()?;
        self.year = y;
        let month = if ["底", "末", "内", "度"].iter().any(|s| self.eat(s)) {
            12
        } else if !self.at(self.i, "中旬") && self.eat("中") {
            6
        } else {
            self.pending = alone_is_year_end && !self.in_cycle && !self.starts_here();
            return Ok(());
        };
        let date = self.date(y, month, Day::Last, 0, 0)?;
        self.found(date)
    }

    /// Quotes an error from the written year when the month follows it directly (2026年13月).
    fn quote_from(&self, start: usize) -> usize {
        match self.written_year {
            Some((s, e)) if e == start => s,
            _ => start,
        }
    }

    fn month(&mut self, start: usize, m: u64) -> Result<()> {
        let (d, d_end) = self.digits(self.i);
        let day = if d_end > self.i && matches!(self.c.get(d_end), Some('日' | '号')) {
            self.i = d_end + 1;
            Day::Exact(d)
        } else {
            const PARTS: [(&str, Day); 10] = [
                ("中下旬", Day::Last),
                ("上中旬", Day::Exact(20)),
                ("上旬", Day::Exact(10)),
                ("中旬", Day::Exact(20)),
                ("下旬", Day::Last),
                ("初", Day::Exact(10)),
                ("中", Day::Exact(15)),
                ("底", Day::Last),
                ("末", Day::Last),
                ("份", Day::Last),
            ];
            PARTS
                .iter()
                .find(|(s, _)| self.eat(s))
                .map_or(Day::Last, |&(_, d)| d)
        };
        let date = self.date(self.year, m, day, self.quote_from(start), self.i)?;
        self.pending = false;
        self.found(date)
    }

    fn quarter(&mut self, start: usize, q: u64) -> Result<()> {
        self.eat("度");
        if !self.eat("末") {
            self.eat("底");
        }
        let from = self.quote_from(start);
        if !(1..=4).contains(&q) {
            return Err(DeadlineError::InvalidDate(self.text(from, self.i)));
        }
        let date = self.date(self.year, q * 3, Day::Last, from, self.i)?;
        self.pending = false;
        self.found(date)
    }

    /// 每月, 按季度, 逐月 …: a cadence. 每半年 and 每年 are recognised but have no cadence of ours.
    fn cycle(&mut self) -> bool {
        let start = self.i;
        if !(self.eat("每") || self.eat("按") || self.eat("逐")) {
            return false;
        }
        for filler in ["个", "一", "1"] {
            self.eat(filler);
        }
        const UNITS: [(&str, Option<Cadence>); 9] = [
            ("周", Some(Cadence::Weekly)),
            ("星期", Some(Cadence::Weekly)),
            ("月", Some(Cadence::Monthly)),
            ("季", Some(Cadence::Quarterly)),
            ("半年", None),
            ("年", None),
            ("旬", None),
            ("日", None),
            ("天", None),
        ];
        let Some((_, cadence)) = UNITS.iter().copied().find(|(u, _)| self.eat(u)) else {
            self.i = start;
            return false;
        };
        self.recurring = true;
        self.in_cycle = true;
        // Two cadences in one phrase: the more frequent one satisfies both.
        self.cadence = self.cadence.into_iter().chain(cadence).min();
        true
    }

    /// 今年, 明年底, 年底, 上半年 …: dates named by words.
    fn year_word(&mut self) -> Result<bool> {
        let next = self.year.saturating_add(1);
        let anchors = [
            ("今年", self.doc_year, true),
            ("本年", self.doc_year, true),
            ("明年", self.doc_year.saturating_add(1), false),
            ("次年", next, false),
        ];
        for (word, y, alone) in anchors {
            if self.eat(word) {
                self.anchor(y, alone)?;
                return Ok(true);
            }
        }
        const WORDS: [(&str, u64); 8] = [
            ("上半年", 6),
            ("下半年", 12),
            ("全年", 12),
            ("年底", 12),
            ("年末", 12),
            ("年内", 12),
            ("年度", 12),
            ("年中", 6),
        ];
        let Some((word, month)) = WORDS.iter().copied().find(|(w, _)| self.at(self.i, w)) else {
            return Ok(false);
        };
        // 一年内, 半年内, 十年内: spans of time, not this year.
        let before = self.i.checked_sub(1).map(|p| self.c[p]);
        if word.starts_with('年')
            && before.is_some_and(|c| digit(c).is_some() || "十半几多数".contains(c))
        {
            return Ok(false);
        }
        self.i += word.chars().count();
        let date = self.date(self.year, month, Day::Last, 0, 0)?;
        self.pending = false;
        self.found(date).map(|()| true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn date_of(text: &str) -> Option<NaiveDate> {
        parse(text, 2026)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .date
    }

    #[test]
    fn dates_written_every_usual_way() {
        let cases = [
            (
                "2026-06-30",
                "2026年6月底前 | 6月底前 | 6月末 | 6月份 | 今年6月底前 | 二〇二六年六月底 | 6月三十日 | \
                 ２０２６年６月底前 | （力争）2026年6月底以前基本完成； | 2026年3月至6月 | 3月起至6月底 | \
                 上半年 | 2026年上半年 | 年中 | 2026年中 | 二季度",
            ),
            (
                "2026-09-30",
                "9月30日前 | 2026年9月30日 | 2026-09-30 | 2026.9.30 | 2026/9/30 | 20260930 | \
                 截至9月30日 | 三季度末 | 第3季度 | 2026年第三季度",
            ),
            (
                "2026-12-31",
                "年底前 | 年内 | 全年 | 本年度 | 2026年度 | 今年 | 下半年 | 四季度 | 三、四季度 | \
                 十二月底 | 3月底前完成方案,年底前全面完成",
            ),
            (
                "2027-12-31",
                "2027年底前 | 明年底 | 明年年底前完成 | 2026年—2027年",
            ),
            ("2027-06-30", "2026年3月—2027年6月"),
            ("2027-03-31", "2026年12月至次年3月"),
            ("2026-03-31", "第一季度末 | 一季度"),
            ("2026-03-20", "三月中旬"),
            ("2026-08-10", "8月上旬"),
            ("2026-08-20", "8月中旬"),
            ("2026-08-31", "8月下旬"),
            ("2026-11-30", "2026年11月底 | 十一月底"),
            ("2025-12-31", "2025年"),
        ];
        for (expected, texts) in cases {
            for text in texts.split(" | ") {
                assert_eq!(date_of(text), expected.parse().ok(), "{text}");
            }
        }
    }

    #[test]
    fn recurring_and_ongoing_phrases() {
        let cases: &[(&str, Option<Cadence>, bool, Option<NaiveDate>)] = &[
            ("每月23日前", Some(Cadence::Monthly), false, None),
            ("按月报送", Some(Cadence::Monthly), false, None),
            (
                "每季度最后一个月的30日前",
                Some(Cadence::Quarterly),
                false,
                None,
            ),
            ("每季末", Some(Cadence::Quarterly), false, None),
            ("按季度", Some(Cadence::Quarterly), false, None),
            ("每周五前", Some(Cadence::Weekly), false, None),
            ("每半年", None, false, None),
            ("每年6月底前", None, false, None),
            ("每月、每周", Some(Cadence::Weekly), false, None),
            ("持续推进", None, true, None),
            ("长期坚持", None, true, None),
            ("常态化", None, true, None),
            ("久久为功", None, true, None),
            ("动态清零", None, true, None),
            ("每月持续推进", Some(Cadence::Monthly), true, None),
            ("年内持续推进", None, true, ymd(2026, 12, 31)),
            (
                "2026年6月底前完成,此后持续推进",
                None,
                true,
                ymd(2026, 6, 30),
            ),
            (
                "每月报送进展，6月底前完成",
                Some(Cadence::Monthly),
                false,
                ymd(2026, 6, 30),
            ),
            ("专项行动持续至6月底", None, false, ymd(2026, 6, 30)),
            ("延长期限至9月底", None, false, ymd(2026, 9, 30)),
            ("   ", None, false, None),
        ];
        for &(text, cadence, ongoing, date) in cases {
            assert_eq!(
                parse(text, 2026),
                Ok(Deadline {
                    date,
                    cadence,
                    ongoing
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn impossible_dates_are_refused_in_plain_chinese() {
        let message = |text: &str| parse(text, 2026).map_err(|e| e.to_string());
        assert_eq!(
            message("2026年13月"),
            Err("“2026年13月”不是有效的日期".into())
        );
        assert_eq!(message("2月30日前"), Err("“2月30日”不是有效的日期".into()));
        assert_eq!(message("6月32日"), Err("“6月32日”不是有效的日期".into()));
        assert_eq!(message("0月"), Err("“0月”不是有效的日期".into()));
        assert_eq!(message("5季度"), Err("“5季度”不是有效的日期".into()));
        assert_eq!(
            message("2026-02-30"),
            Err("“2026-02-30”不是有效的日期".into())
        );
        assert_eq!(
            message("1999年底"),
            Err("“1999年”超出了可受理的年份(2000年至2100年)".into())
        );
        assert!(matches!(
            parse("年底", 1999),
            Err(DeadlineError::YearOutOfRange(_))
        ));
        for text in [
            "尽快",
            "按要求",
            "另行通知",
            "立即",
            "即日起",
            "3年内",
            "一年内",
            "2026年3月起",
        ] {
            assert_eq!(
                message(text),
                Err(format!("无法识别的时限:“{text}”")),
                "{text}"
            );
        }
    }

    fn dates() -> impl Strategy<Value = NaiveDate> {
        (2000i32..=2100, 1u32..=366)
            .prop_filter_map("a day of the year", |(y, o)| NaiveDate::from_yo_opt(y, o))
    }

    /// 6 → 六, 10 → 十, 12 → 十二, 30 → 三十, 31 → 三十一: how months and days are written.
    fn chinese(n: u32) -> String {
        let d = |n: u32| {
            "〇一二三四五六七八九"
                .chars()
                .nth(n as usize % 10)
                .unwrap()
                .to_string()
        };
        let units = if n.is_multiple_of(10) {
            String::new()
        } else {
            d(n)
        };
        match n {
            0..=9 => d(n),
            10..=19 => format!("十{units}"),
            _ => format!("{}十{units}", d(n / 10)),
        }
    }

    proptest! {
        #[test]
        fn a_written_date_reads_as_itself(date in dates()) {
            let (y, m, d) = (date.year(), date.month(), date.day());
            for text in [format!("{y}年{m}月{d}日前"), format!("{y}-{m:02}-{d:02}"), format!("{y}.{m}.{d}")] {
                prop_assert_eq!(parse(&text, 2050).unwrap().date, Some(date), "{}", text);
            }
            prop_assert_eq!(parse(&format!("{m}月{d}日前"), y).unwrap().date, Some(date));
        }

        #[test]
        fn month_end_is_the_last_day_of_that_month(y in 2000i32..=2100, m in 1u32..=12) {
            let date = parse(&format!("{m}月底前"), y).unwrap().date.unwrap();
            prop_assert_eq!((date.year(), date.month()), (y, m));
            prop_assert_eq!(date.succ_opt().unwrap().day(), 1);
        }

        #[test]
        fn full_width_digits_and_chinese_numerals_read_like_ascii(date in dates()) {
            let (y, m, d) = (date.year(), date.month(), date.day());
            let ascii = format!("{y}年{m}月{d}日前");
            let wide: String = ascii
                .chars()
                .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
                .collect();
            let year: String = y.to_string().chars().map(|c| chinese(c.to_digit(10).unwrap())).collect();
            let numerals = format!("{year}年{}月{}日前", chinese(m), chinese(d));
            let expected = parse(&ascii, 2050);
            prop_assert_eq!(parse(&wide, 2050), expected.clone());
            prop_assert_eq!(parse(&numerals, 2050), expected);
        }

        #[test]
        fn several_dates_allow_until_the_latest(all in prop::collection::vec(dates(), 1..6)) {
            let text = all
                .iter()
                .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
                .collect::<Vec<_>>()
                .join("，");
            prop_assert_eq!(parse(&text, 2026).unwrap().date, all.iter().max().copied());
        }

        #[test]
        fn any_text_is_read_without_panic_and_dates_stay_in_range(
            text in prop_oneof![
                any::<String>(),
                "[0-9０-９〇零一二三四五六七八九十两年月日号底末中季度每按前至起今明次全上下旬半持续长期，、.-]{0,24}",
            ],
            year in any::<i32>(),
        ) {
            if let Ok(Deadline { date: Some(date), .. }) = parse(&text, year) {
                prop_assert!(YEARS.contains(&date.year()), "{} → {}", text, date);
            }
        }
    }
}
