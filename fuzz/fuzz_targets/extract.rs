#![no_main]

use libfuzzer_sys::fuzz_target;
use luoshi_office::extract::candidates;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A blank line parts paragraphs, as the reader hands them over; single breaks stay inside a
    // paragraph, which the extractor splits into lines itself.
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    for c in candidates(&paragraphs) {
        assert!(!c.title.is_empty());
        assert!(c.paragraph < paragraphs.len());
    }
});
