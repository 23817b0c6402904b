//! Matter numbers: 督〔2026〕15号, sequential per org per year.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatterNumber {
    pub year: i32,
    pub seq: i64,
}

impl fmt::Display for MatterNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "督〔{}〕{}号", self.year, self.seq)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a matter number (督〔YYYY〕N号): {0:?}")]
pub struct BadNumber(String);

impl FromStr for MatterNumber {
    type Err = BadNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadNumber(s.to_string());
        let rest = s.strip_prefix("督〔").ok_or_else(bad)?;
        let (year, rest) = rest.split_once('〕').ok_or_else(bad)?;
        let seq = rest.strip_suffix('号').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        if !(1000..=9999).contains(&year) || seq < 1 {
            return Err(bad());
        }
        Ok(MatterNumber { year, seq })
    }
}

impl MatterNumber {
    /// The number under an org's 字号: 青督〔2026〕7号.
    pub fn with_prefix(self, prefix: &str) -> String {
        format!("{prefix}〔{}〕{}号", self.year, self.seq)
    }

    /// A number as people type it, with the 字号 typed before it (青督, or "" when none was).
    pub fn read_prefixed(text: &str, this_year: i32) -> Option<(String, MatterNumber)> {
        let number = MatterNumber::read(text, this_year)?;
        let plain: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let prefix: String = plain
            .chars()
            .take_while(|c| {
                !c.is_ascii_digit() && !"〔[［(（【<《０１２３４５６７８９".contains(*c)
            })
            .collect();
        let prefix = prefix.strip_prefix('第').unwrap_or(&prefix).to_string();
        Some((prefix, number))
    }

    /// A number as people type it: 督〔2026〕71号, 督[2026]71号, 〔2026〕71号, (2026)71号,
    /// 2026年71号, 第71号, 71号 or 71 — brackets of any width, digits full-width or not, spaces
    /// anywhere. A number without its year is of `this_year`. `None` for anything else.
    pub fn read(text: &str, this_year: i32) -> Option<MatterNumber> {
        let plain: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '〔' | '[' | '［' | '(' | '（' | '【' | '<' | '《' => '[',
                '〕' | ']' | '］' | ')' | '）' | '】' | '>' | '》' => ']',
                other => other,
            })
            .collect();
        let rest = plain.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '[');
        // What stood before the year or the number is a 字号 (督, 青督…) or 第, no more.
        let prefix = &plain[..plain.len() - rest.len()];
        if prefix.chars().count() > 4 || prefix.chars().any(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let rest = rest.strip_suffix('号').unwrap_or(rest);
        let (year, seq) = if let Some(bracketed) = rest.strip_prefix('[') {
            let (year, seq) = bracketed.split_once(']')?;
            (year.parse().ok()?, seq)
        } else if let Some((year, seq)) = rest.split_once('年') {
            (year.parse().ok()?, seq)
        } else {
            (this_year, rest)
        };
        let seq: i64 = seq.strip_prefix('第').unwrap_or(seq).parse().ok()?;
        ((1000..=9999).contains(&year) && seq >= 1).then_some(MatterNumber { year, seq })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_official_form() {
        let n: MatterNumber = "督〔2026〕15号".parse().unwrap();
        assert_eq!(
            n,
            MatterNumber {
                year: 2026,
                seq: 15
            }
        );
        assert!("督[2026]15号".parse::<MatterNumber>().is_err());
        assert!("督〔2026〕0号".parse::<MatterNumber>().is_err());
    }

    #[test]
    fn a_number_is_read_however_people_type_it() {
        let n = |year, seq| Some(MatterNumber { year, seq });
        for typed in [
            "督〔2026〕71号",
            "督[2026]71号",
            "督［2026］71号",
            "督(2026)71号",
            "〔2026〕71号",
            "[2026]71",
            "2026年71号",
            "2026年第71号",
            " 督 〔２０２６〕７１ 号 ",
        ] {
            assert_eq!(MatterNumber::read(typed, 2025), n(2026, 71), "{typed}");
        }
        for typed in ["71号", "71", "第71号", "７１号"] {
            assert_eq!(MatterNumber::read(typed, 2026), n(2026, 71), "{typed}");
        }
        assert_eq!(MatterNumber::read("青督〔2026〕7号", 2026), n(2026, 7));
        let prefixed = |typed| MatterNumber::read_prefixed(typed, 2026).map(|(p, _)| p);
        assert_eq!(prefixed("青督〔2026〕7号").as_deref(), Some("青督"));
        assert_eq!(prefixed("青督[2026]7号").as_deref(), Some("青督"));
        assert_eq!(prefixed("督〔2026〕7号").as_deref(), Some("督"));
        assert_eq!(prefixed("7号").as_deref(), Some(""));
        assert_eq!(prefixed("第7号").as_deref(), Some(""));
        for not in [
            "",
            "号",
            "推进71个项目",
            "督〔2026〕",
            "督〔26〕7号",
            "0号",
            "abc71号",
            "71-2",
        ] {
            assert_eq!(MatterNumber::read(not, 2026), None, "{not}");
        }
    }

    proptest! {
        #[test]
        fn any_number_printed_is_read_back_and_reading_anything_never_panics(
            year in 1000i32..=9999, seq in 1i64..1_000_000, s in "\\PC*",
        ) {
            let n = MatterNumber { year, seq };
            prop_assert_eq!(MatterNumber::read(&n.to_string(), 2026), Some(n));
            let _ = MatterNumber::read(&s, 2026);
        }

        #[test]
        fn printing_then_reading_gives_the_same_number(year in 1000i32..=9999, seq in 1i64..1_000_000) {
            let n = MatterNumber { year, seq };
            prop_assert_eq!(n.to_string().parse::<MatterNumber>(), Ok(n));
        }

        #[test]
        fn reading_never_panics(s in "\\PC*") {
            let _ = s.parse::<MatterNumber>();
        }
    }
}
