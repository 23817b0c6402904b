#![no_main]

use libfuzzer_sys::fuzz_target;
use luoshi_domain::notice::parse_notice;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    // The year is usually taken from the notice's title; an override reaches the scanner with
    // years the title could never hold.
    let year = match selector {
        0..=127 => None,
        128..=227 => Some(1950 + i32::from(selector - 128) * 2),
        228..=241 => Some(i32::MAX - i32::from(selector - 228)),
        242..=255 => Some(i32::MIN + i32::from(selector - 242)),
    };
    let text = String::from_utf8_lossy(text);
    if let Ok(days) = parse_notice(&text, year) {
        assert!(!days.is_empty(), "a notice read without error names days");
        // Returned in date order, each date once.
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
    }
});
