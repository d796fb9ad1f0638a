//! Any bytes as a text report: decode → Doc → read_report (reading, the
//! run-together splitter and every rule) must never panic, and the text path
//! (decode → read_report_text, no `Doc`) must read exactly the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = gongkai_docs::read_text(data) {
        let out = gongkai_report::read_report(&doc);
        // Layout and text of whatever was read must not panic either.
        let _ = gongkai_report::to_text(&out.report);
        if let Ok(text) = gongkai_docs::decode_text(data) {
            let direct = gongkai_report::read_report_text(&text);
            assert_eq!(format!("{direct:?}"), format!("{out:?}"));
        }
    }
    // The lines reader used for flattened tables, on lossy UTF-8.
    let text = String::from_utf8_lossy(data);
    let _ = gongkai_report::read_report(&gongkai_report::doc_from_text_lines(&text));
});
