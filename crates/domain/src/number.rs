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

    proptest! {
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
