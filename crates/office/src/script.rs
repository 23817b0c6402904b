//! Text copied from web pages made comparable with what offices type: traditional characters
//! (繁體) read as simplified, the pinyin some sites print after each character (區(qū)) dropped,
//! and full-width letters, digits and spaces read as their ASCII forms.
//!
//! Titles are converted too, not kept as written: the ledger, its search and the org tree are in
//! simplified characters, and a matter filed from a page in traditional script should read, sort
//! and be found like every other. Punctuation is left as written; the readers compare it through
//! their own full-width folding.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Traditional characters and their simplified forms, in pairs, from OpenCC's TSCharacters
/// (Apache-2.0): its first choice for each character, leaving out characters that are themselves
/// simplified (so 著 in 著名 is not touched).
const T2S: &str = include_str!("t2s.txt");

fn table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let chars: Vec<char> = T2S.chars().filter(|c| *c != '\n').collect();
        chars.chunks_exact(2).map(|p| (p[0], p[1])).collect()
    })
}

/// The text in simplified characters, without pinyin annotations, with ASCII letters and digits.
pub fn normalise(text: &str) -> String {
    let table = table();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        out.push(match c {
            '\u{3000}' => ' ',
            '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            _ => *table.get(&c).unwrap_or(&c),
        });
        if is_han(c) {
            rest = &rest[pinyin_len(rest)..];
        }
    }
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

/// The length of a pinyin annotation such as "(qū)" at the start of `s`, or 0. A syllable is
/// short, lower case and carries a tone mark, so "(试行)", "(a)" and "(GDP)" stay.
fn pinyin_len(s: &str) -> usize {
    let Some(open) = s.chars().next().filter(|c| matches!(c, '(' | '\u{ff08}')) else {
        return 0;
    };
    let inner = &s[open.len_utf8()..];
    let Some((close, paren)) = inner
        .char_indices()
        .find(|(_, c)| matches!(c, ')' | '\u{ff09}'))
    else {
        return 0;
    };
    let syllable = &inner[..close];
    let letters = syllable
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == 'ü' || TONED.contains(c));
    let toned = syllable.chars().any(|c| TONED.contains(c));
    let short = (1..=7).contains(&syllable.chars().count());
    if letters && toned && short {
        open.len_utf8() + close + paren.len_utf8()
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn traditional_script_reads_as_simplified() {
        assert_eq!(
            normalise("會議聽取了區城管執法局的匯報"),
            "会议听取了区城管执法局的汇报"
        );
        assert_eq!(
            normalise("市發展和改革委員會牽頭"),
            "市发展和改革委员会牵头"
        );
    }

    #[test]
    fn simplified_text_and_characters_shared_by_both_scripts_are_left_alone() {
        for text in ["著名的市住建局", "于6月底前完成", "乡村振兴(试行)"] {
            assert_eq!(normalise(text), text);
        }
    }

    #[test]
    fn pinyin_printed_after_characters_is_dropped() {
        assert_eq!(
            normalise("區(qū)委常委、副區(qū)長(zhǎng)主持召開常務(wù)會議"),
            "区委常委、副区长主持召开常务会议"
        );
        assert_eq!(normalise("執（zhí）法"), "执法");
    }

    #[test]
    fn brackets_that_are_not_pinyin_stay() {
        for text in ["附件(a)", "生产总值(GDP)", "办法(试行)", "市委人才办(2023)"] {
            assert_eq!(normalise(text), text);
        }
    }

    #[test]
    fn full_width_letters_digits_and_spaces_become_ascii_but_punctuation_stays() {
        assert_eq!(normalise("１２．ＧＤＰ增长　５％"), "12．GDP增长 5％");
        assert_eq!(normalise("(市发改委牵头)"), "(市发改委牵头)");
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing_more(text in "[區會議a-zāǎ()（）１２Ａ　市局 ]{0,40}|\\PC{0,40}") {
            let once = normalise(&text);
            prop_assert_eq!(normalise(&once), once.clone());
        }
    }
}
