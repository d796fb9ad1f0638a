//! read_xlsx must never panic, whatever the bytes; when it succeeds, writing the
//! document as text must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = gongkai_docs::read_xlsx(data) {
        let _ = gongkai_docs::write_text(&doc);
        let _ = gongkai_docs::write_html(&doc);
    }
});
