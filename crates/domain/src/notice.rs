//! Reads the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知)
//! into the days it fixes, so a new year's calendar comes from the notice itself instead of being
//! typed in by hand.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticeDay {
    pub date: NaiveDate,
    pub kind: NoticeKind,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// A day off (放假, 补休).
    Holiday,
    /// A weekend day that is worked (调休上班).
    Workday,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("通知中找不到年份(应有“2026年部分节假日安排”)")]
    NoYear,
    #[error("通知中找不到分项(应有“一、元旦:…”)")]
    NoSections,
    /// `item` reads like 第三项“清明节”.
    #[error("{item}的日期无法识别:“{text}”")]
    Unreadable { item: String, text: String },
    #[error("{date}标注为“{written}”,实际是{actual}")]
    WrongWeekday {
        date: NaiveDate,
        written: String,
        actual: String,
    },
    #[error("{item}写明共{stated}天,列出的日期却有{listed}天")]
    WrongCount {
        item: String,
        stated: i64,
        listed: i64,
    },
    #[error("{date}在通知中出现了不止一次")]
    Repeated { date: NaiveDate },
}

/// Reads a notice; `year` overrides the year found in its title.
///
/// Only the dates written are returned: "与周末连休" adds no weekend days, which rest anyway and
/// which the notice does not name.
pub fn parse_notice(text: &str, year: Option<i32>) -> Result<Vec<NoticeDay>, NoticeError> {
    // Notices mix full-width and ASCII punctuation; folding to ASCII lets one scanner read both.
    let text: String = text.chars().map(half_width).collect();
    let year = year
        .or_else(|| find_year(&text))
        .ok_or(NoticeError::NoYear)?;
    let sections = sections(&text);
    if sections.is_empty() {
        return Err(NoticeError::NoSections);
    }
    let mut days = BTreeMap::new();
    for section in &sections {
        for day in section.days(year)? {
            let date = day.date;
            if days.insert(date, day).is_some() {
                return Err(NoticeError::Repeated { date });
            }
        }
    }
    Ok(days.into_values().collect())
}

pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn find_year(text: &str) -> Option<i32> {
    let four_digits = |s: &str| {
        Some(s)
            .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let in_title = text
        .match_indices("年部分节假日安排")
        .find_map(|(i, _)| four_digits(text.get(i.checked_sub(4)?..i)?));
    in_title.or_else(|| {
        text.match_indices("现将").find_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            four_digits(rest.get(..4)?).filter(|_| rest[4..].starts_with('年'))
        })
    })
}

/// One numbered item, "三、清明节:…", up to the next item.
struct Section {
    /// How errors name the item: 第三项“清明节”.
    item: String,
    name: String,
    body: String,
}

fn sections(text: &str) -> Vec<Section> {
    let chars: Vec<char> = text.chars().collect();
    let heads: Vec<_> = (0..chars.len()).filter_map(|i| head(&chars, i)).collect();
    let ends: Vec<_> = heads
        .iter()
        .skip(1)
        .map(|next| next.0)
        .chain([chars.len()])
        .collect();
    let sections = heads
        .into_iter()
        .zip(ends)
        .map(|((_, body, mut section), end)| {
            section.body = chars[body..end].iter().collect();
            section
        });
    sections.collect()
}

/// The longest item name read: the 2015 notice's 70th-anniversary day has 26 characters.
const MAX_NAME: usize = 40;

/// "八、中秋节、国庆节:" at `i`: where it starts, where its body starts, and the item without its
/// body. It must open a line or sentence, so "…各部门、…" in running text does not start an item.
fn head(chars: &[char], i: usize) -> Option<(usize, usize, Section)> {
    let numerals = chars[i..]
        .iter()
        .take_while(|c| "一二三四五六七八九十".contains(**c));
    let numerals = numerals.count();
    if !(1..=3).contains(&numerals) || chars.get(i + numerals) != Some(&'、') {
        return None;
    }
    let before = chars[..i]
        .iter()
        .rev()
        .find(|c| !matches!(c, ' ' | '\t' | '\r'));
    // Checked before the name is read: a run of "一、一、…" would otherwise read the rest of the
    // text as a name at every numeral, quadratic in its length.
    if !before.is_none_or(|c| matches!(c, '\n' | '。')) {
        return None;
    }
    let from = i + numerals + 1;
    // Not just the seven festivals: 2015 had "八、中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日:".
    let name_chars = chars[from..]
        .iter()
        .take(MAX_NAME + 1)
        .take_while(|c| !":,;()。\n".contains(**c));
    let name: String = name_chars.collect();
    let len = name.chars().count();
    let well_formed = (1..=MAX_NAME).contains(&len)
        && name.split('、').all(|festival| !festival.is_empty())
        && chars.get(from + len) == Some(&':');
    let number: String = chars[i..i + numerals].iter().collect();
    let item = format!("第{number}项“{name}”");
    let section = Section {
        item,
        name,
        body: String::new(),
    };
    well_formed.then_some((i, from + len + 1, section))
}

impl Section {
    fn unreadable(&self, text: &str) -> NoticeError {
        let (item, text) = (self.item.clone(), text.trim().to_string());
        NoticeError::Unreadable { item, text }
    }

    fn days(&self, year: i32) -> Result<Vec<NoticeDay>, NoticeError> {
        let mut out = Vec::new();
        for sentence in self.body.split(['。', ';']) {
            self.read_sentence(sentence, year, &mut out)?;
        }
        if out.is_empty() {
            return Err(self.unreadable(&self.body));
        }
        Ok(out)
    }

    /// Dates wait for the next keyword: "…上班" makes them workdays, "…放假" or "…补休" holidays.
    /// A sentence without any keyword (the signature's date, a remark) is not an arrangement.
    fn read_sentence(
        &self,
        sentence: &str,
        year: i32,
        out: &mut Vec<NoticeDay>,
    ) -> Result<(), NoticeError> {
        let chars: Vec<char> = sentence.chars().collect();
        let unreadable = || self.unreadable(sentence);
        let (mut pending, mut holidays, mut stated, mut keyword) = (vec![], vec![], None, false);
        let mut last = None;
        let first = self.name.split('、').next().unwrap_or_default();
        let mut i = 0;
        while i < chars.len() {
            let rest = &chars[i..];
            if rest[0].is_ascii_digit() {
                if let Some((span, used)) = date_span(rest, year, last, &unreadable)? {
                    last = Some(span.1);
                    pending.push(span);
                    i += used;
                    continue;
                }
                let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                if i > 0 && chars[i - 1] == '共' && rest.get(digits) == Some(&'天') {
                    stated = rest[..digits]
                        .iter()
                        .collect::<String>()
                        .parse::<i64>()
                        .ok();
                }
                i += digits;
                continue;
            }
            let (kind, name) = match rest.iter().take(2).collect::<String>().as_str() {
                "上班" => (NoticeKind::Workday, format!("{first}调休上班")),
                "放假" | "补休" => (NoticeKind::Holiday, self.name.clone()),
                _ => {
                    i += 1;
                    continue;
                }
            };
            keyword = true;
            for &(from, to) in &pending {
                let dates = from.iter_days().take_while(|d| *d <= to);
                out.extend(dates.map(|date| NoticeDay {
                    date,
                    kind,
                    name: name.clone(),
                }));
            }
            if kind == NoticeKind::Holiday {
                holidays.append(&mut pending);
            }
            pending.clear();
            i += 2;
        }
        if keyword && !pending.is_empty() {
            return Err(unreadable());
        }
        // "共N天" also counts the weekend joined by 与周末连休 or 补休, so only a lone range is checked.
        if let (Some(stated), [(from, to)]) = (stated, holidays.as_slice()) {
            let listed = (*to - *from).num_days() + 1;
            if from != to && listed != stated {
                let item = self.item.clone();
                return Err(NoticeError::WrongCount {
                    item,
                    stated,
                    listed,
                });
            }
        }
        Ok(())
    }
}

/// First and last day of a written range.
type Span = (NaiveDate, NaiveDate);

/// `[YYYY年]M月D日(…)[至[[YYYY年]M月]D日(…)]` at the start of `chars`, and the chars it used.
/// A bare "6日" takes its month from `last`, the date written before it ("4月5日、6日").
fn date_span(
    chars: &[char],
    year: i32,
    last: Option<NaiveDate>,
    unreadable: &dyn Fn() -> NoticeError,
) -> Result<Option<(Span, usize)>, NoticeError> {
    let Some(([y, m, Some(d)], mut used)) = date_parts(chars) else {
        return Ok(None);
    };
    let year_of = |y: Option<u32>, default: i32| y.map_or(default, |y| y as i32);
    let (year, m) = match (m, last) {
        (Some(m), _) => (year_of(y, year), m),
        (None, Some(last)) if y.is_none() => (last.year(), last.month()),
        _ => return Ok(None),
    };
    let from = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(unreadable)?;
    used += check_weekday(from, &chars[used..])?;
    let to_start = used + spaces(&chars[used..]);
    if chars.get(to_start) != Some(&'至') {
        return Ok(Some(((from, from), used)));
    }
    used = to_start + 1 + spaces(&chars[to_start + 1..]);
    let ([y, m, Some(d)], n) = date_parts(&chars[used..]).ok_or_else(unreadable)? else {
        return Err(unreadable());
    };
    let to = NaiveDate::from_ymd_opt(year_of(y, from.year()), m.unwrap_or(from.month()), d);
    let to = to.ok_or_else(unreadable)?;
    // A backwards or month-long "holiday" is a typo, not a break to fill day by day.
    if !(0..31).contains(&(to - from).num_days()) {
        return Err(unreadable());
    }
    used += n;
    used += check_weekday(to, &chars[used..])?;
    Ok(Some(((from, to), used)))
}

fn spaces(chars: &[char]) -> usize {
    chars.iter().take_while(|c| c.is_whitespace()).count()
}

/// `[YYYY年][M月]D日`: the numbers found for 年, 月 and 日, and the chars used.
fn date_parts(chars: &[char]) -> Option<([Option<u32>; 3], usize)> {
    let (mut parts, mut i, mut next_unit) = ([None; 3], 0, 0);
    loop {
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=4).contains(&digits) {
            return None;
        }
        let unit = ['年', '月', '日']
            .iter()
            .position(|u| chars.get(i + digits) == Some(u));
        let unit = unit.filter(|u| *u >= next_unit)?;
        parts[unit] = chars[i..i + digits].iter().collect::<String>().parse().ok();
        (i, next_unit) = (i + digits + 1, unit + 1);
        if unit == 2 {
            return Some((parts, i));
        }
    }
}

/// Checks the "(周二)" or "(农历除夕、星期二)" after a date against the calendar, so a typo in the
/// notice cannot silently move a holiday; returns the chars the bracket used.
fn check_weekday(date: NaiveDate, chars: &[char]) -> Result<usize, NoticeError> {
    let open = spaces(chars);
    let close = chars.iter().position(|c| *c == ')');
    let (Some(&'('), Some(close)) = (chars.get(open), close) else {
        return Ok(0);
    };
    let inside: String = chars[open + 1..close].iter().collect();
    for part in inside.split(['、', ',', ' ']) {
        let day = part
            .strip_prefix("星期")
            .or_else(|| part.strip_prefix("周"));
        // 天 sits after 日 so that both name Sunday (index 6).
        let Some(written) =
            day.and_then(|d| "一二三四五六日天".chars().position(|c| c.to_string() == d))
        else {
            continue;
        };
        if written.min(6) != date.weekday().num_days_from_monday() as usize {
            let (written, actual) = (part.to_string(), weekday_name(date.weekday()));
            return Err(NoticeError::WrongWeekday {
                date,
                written,
                actual,
            });
        }
    }
    Ok(close + 1)
}

fn weekday_name(day: Weekday) -> String {
    let n = day.num_days_from_monday() as usize;
    format!("周{}", "一二三四五六日".chars().nth(n).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    const N2025: &str = include_str!("../data/notice-2025.txt");
    const N2026: &str = include_str!("../data/notice-2026.txt");

    fn csv_days(year: i32) -> Vec<NoticeDay> {
        let rows = include_str!("../data/holidays.csv").lines();
        let rows = rows.filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("date,"));
        let days = rows.map(|line| {
            let row: Vec<_> = line.splitn(3, ',').collect();
            let date = NaiveDate::parse_from_str(row[0], "%Y-%m-%d").expect("a csv date");
            let kind = if row[1] == "holiday" {
                NoticeKind::Holiday
            } else {
                NoticeKind::Workday
            };
            NoticeDay {
                date,
                kind,
                name: row[2].to_string(),
            }
        });
        days.filter(|d| d.date.year() == year).collect()
    }

    fn full_width(text: &str) -> String {
        let wide = |c: char| char::from_u32(c as u32 + 0xfee0).unwrap();
        text.chars()
            .map(|c| if "(),:;".contains(c) { wide(c) } else { c })
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn real_notices_reproduce_the_official_csv() {
        assert_eq!(parse_notice(N2025, None).unwrap(), csv_days(2025));
        assert_eq!(parse_notice(N2026, None).unwrap(), csv_days(2026));
    }

    #[test]
    fn full_width_and_ascii_punctuation_read_the_same() {
        for notice in [N2025, N2026] {
            let wide = full_width(notice);
            assert!(wide.contains("\u{ff08}周") && wide.contains("元旦\u{ff1a}"));
            assert_eq!(parse_notice(&wide, None), parse_notice(notice, None));
        }
    }

    #[test]
    fn xingqi_and_zhou_weekday_forms_read_the_same() {
        let xingqi = N2026.replace("(周", "(星期").replace("、周", "、星期");
        assert!(xingqi.contains("2月14日(星期六)、2月28日(星期六)上班"));
        assert_eq!(parse_notice(&xingqi, None).unwrap(), csv_days(2026));
    }

    #[test]
    fn a_weekday_that_does_not_match_its_date_is_an_error_naming_the_date() {
        let typo = N2025.replace("1月26日(周日)", "1月26日(周一)");
        let err = parse_notice(&typo, None).unwrap_err();
        let (written, actual) = ("周一".to_string(), "周日".to_string());
        assert_eq!(
            err,
            NoticeError::WrongWeekday {
                date: date(2025, 1, 26),
                written,
                actual
            }
        );
        assert_eq!(err.to_string(), "2025-01-26标注为“周一”,实际是周日");
        let typo = N2026.replace("23日(农历正月初七、周一)", "23日(农历正月初七、星期二)");
        let err = parse_notice(&typo, None);
        assert!(
            matches!(err, Err(NoticeError::WrongWeekday { date: d, .. }) if d == date(2026, 2, 23))
        );
    }

    #[test]
    fn a_stated_day_count_that_does_not_match_the_range_is_an_error() {
        let typo = parse_notice(&N2026.replace("共9天", "共8天"), None);
        assert!(matches!(
            typo,
            Err(NoticeError::WrongCount {
                stated: 8,
                listed: 9,
                ..
            })
        ));
    }

    #[test]
    fn a_notice_without_a_year_is_an_error_unless_one_is_given() {
        let body = "一、元旦:1月1日(周四)放假1天,不调休。";
        let err = parse_notice(body, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "通知中找不到年份(应有“2026年部分节假日安排”)"
        );
        assert_eq!(
            parse_notice(body, Some(2026)).unwrap()[0].date,
            date(2026, 1, 1)
        );
        let by_intro = format!("经国务院批准,现将2026年元旦放假安排通知如下。\n{body}");
        assert_eq!(
            parse_notice(&by_intro, None).unwrap()[0].date,
            date(2026, 1, 1)
        );
        // The argument wins over the title, and the weekdays then give the mismatch away.
        let err = parse_notice(N2025, Some(2026));
        assert!(matches!(err, Err(NoticeError::WrongWeekday { .. })));
    }

    #[test]
    fn unreadable_dates_name_the_item() {
        let err = parse_notice("2025年部分节假日安排\n三、清明节:4月31日放假。", None);
        let err = err.unwrap_err().to_string();
        assert_eq!(err, "第三项“清明节”的日期无法识别:“4月31日放假”");
        let no_dates = parse_notice("2025年部分节假日安排\n一、元旦:放假一天。", None);
        assert!(matches!(no_dates, Err(NoticeError::Unreadable { .. })));
        let no_items = parse_notice("2025年部分节假日安排", None);
        assert_eq!(no_items, Err(NoticeError::NoSections));
    }

    fn dates(notice: &str) -> Vec<NaiveDate> {
        parse_notice(notice, None)
            .unwrap()
            .into_iter()
            .map(|d| d.date)
            .collect()
    }

    #[test]
    fn older_wordings_bu_xiu_lian_xiu_and_explicit_years_are_read() {
        let old = "关于2014年部分节假日安排的通知\n三、清明节:4月5日放假,4月7日(星期一)补休。\n\
                   五、端午节:6月2日放假,与周末连休。";
        assert_eq!(
            dates(old),
            [date(2014, 4, 5), date(2014, 4, 7), date(2014, 6, 2)]
        );
        let listed = "2025年部分节假日安排\n三、清明节:4月4日(周五)、5日(周六)放假。";
        assert_eq!(dates(listed), [date(2025, 4, 4), date(2025, 4, 5)]);
        let new_year = "2019年部分节假日安排\n一、元旦:2018年12月30日至2019年1月1日放假调休,\
                        共3天。2018年12月29日(星期六)上班。";
        let want = [(2018, 12, 29), (2018, 12, 30), (2018, 12, 31), (2019, 1, 1)];
        assert_eq!(dates(new_year), want.map(|(y, m, d)| date(y, m, d)));
        assert_eq!(
            parse_notice(new_year, None).unwrap()[0].name,
            "元旦调休上班"
        );
    }

    #[test]
    fn an_item_may_name_any_occasion() {
        let occasion = "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日";
        let notice = format!(
            "关于2015年部分节假日安排的通知\n七、国庆节:10月1日至7日放假调休,共7天。\n\
             八、{occasion}:9月3日至5日调休放假,共3天。9月6日(星期日)上班。"
        );
        let got = parse_notice(&notice, None).unwrap();
        assert_eq!(
            (got[0].date, got[0].name.as_str()),
            (date(2015, 9, 3), occasion)
        );
        assert_eq!(got[3].name, format!("{occasion}调休上班"));
        assert_eq!(got[4].name, "国庆节");
    }

    #[test]
    fn a_notice_of_nothing_but_item_numbers_is_read_in_one_pass() {
        // Each "一、" once read the whole rest of the text as its item's name.
        let text = format!("2026年部分节假日安排\n{}", "一、".repeat(100_000));
        assert_eq!(parse_notice(&text, None), Err(NoticeError::NoSections));
        let text = format!("2026年部分节假日安排\n一、{}", "元".repeat(100_000));
        assert_eq!(parse_notice(&text, None), Err(NoticeError::NoSections));
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}", year: Option<i32>) {
            let _ = parse_notice(&text, year);
        }

        #[test]
        fn notice_like_text_never_panics(
            text in "[一二三、:\u{ff1a}()\u{ff08}\u{ff09}0-9月日年至周星期放假上班补休共天。 \n]{0,200}",
        ) {
            let _ = parse_notice(&text, Some(2025));
        }

        #[test]
        fn a_synthesised_notice_round_trips(
            (year, start, len) in (2000i32..=2100, 7u32..=350, 1u64..=9),
            (gap, after, xingqi, wide) in (1u64..=6, any::<bool>(), any::<bool>(), any::<bool>()),
        ) {
            let from = NaiveDate::from_yo_opt(year, start).unwrap();
            let to = from + Days::new(len - 1);
            let work = if after { to + Days::new(gap) } else { from - Days::new(gap) };
            let wd = |d: NaiveDate| {
                let name = weekday_name(d.weekday());
                if xingqi { name.replace('周', "星期") } else { name }
            };
            let day = |d: NaiveDate| format!("{}月{}日({})", d.month(), d.day(), wd(d));
            let end = if to.month() == from.month() {
                format!("{}日({})", to.day(), wd(to))
            } else {
                day(to)
            };
            let text = format!(
                "国务院办公厅关于{year}年部分节假日安排的通知\n\
                 一、元旦:{}至{end}放假调休,共{len}天。{}上班。\n",
                day(from),
                day(work)
            );
            let text = if wide { full_width(&text) } else { text };
            let holiday = |date| NoticeDay { date, kind: NoticeKind::Holiday, name: "元旦".into() };
            let mut want: Vec<_> = from.iter_days().take(len as usize).map(holiday).collect();
            let name = "元旦调休上班".into();
            want.push(NoticeDay { date: work, kind: NoticeKind::Workday, name });
            want.sort_by_key(|d| d.date);
            prop_assert_eq!(parse_notice(&text, None).unwrap(), want);
        }
    }
}
