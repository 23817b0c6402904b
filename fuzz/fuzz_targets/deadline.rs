#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    // Mostly the years documents are written in, sometimes any year at all, so that the range
    // check on years is reached from both sides.
    let year = match selector {
        0..=199 => 1950 + i32::from(selector),
        200..=227 => i32::MAX - i32::from(selector - 200),
        228..=255 => i32::MIN + i32::from(selector - 228),
    };
    let text = String::from_utf8_lossy(text);
    if let Ok(deadline) = luoshi_office::deadline::parse(&text, year)
        && let Some(date) = deadline.date
    {
        // The parser promises that no date outside the years it accepts gets through.
        assert!((2000..=2100).contains(&date.year()), "{text:?} -> {date}");
    }
});
