//! Any text as report JSON: from_json must return a report or an error,
//! never panic; a report it accepts must survive check, to_json and layout.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((report, findings)) = gongkai_report::from_json(text) {
        let checked = gongkai_report::check(&report, Some(&report));
        let _ = gongkai_report::to_json(&report, &findings);
        let _ = gongkai_report::to_json(&report, &checked);
        let _ = gongkai_report::layout(&report);
    }
});
