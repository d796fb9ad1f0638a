//! read_pdf_text (the PDF text layer through lopdf) must never panic past
//! its guard, and stays within its bounds on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Prefix the header half the time so the parser proper is reached.
    if data.first().is_some_and(|b| b & 1 == 0) {
        let mut with_header = b"%PDF-1.7\n".to_vec();
        with_header.extend_from_slice(&data[1..]);
        if let Ok(t) = gongkai_docs::read_pdf_text(&with_header) {
            assert!(t.text.chars().count() <= gongkai_docs::limits::MAX_PDF_TEXT_CHARS);
        }
    } else if let Ok(t) = gongkai_docs::read_pdf_text(data) {
        assert!(t.text.chars().count() <= gongkai_docs::limits::MAX_PDF_TEXT_CHARS);
    }
});
