//! The Art. 20 statistics import (CSV in any common Chinese encoding, or
//! XLSX): `file_rows` then `statistics_from_rows` must return statistics or
//! an error, never panic. The first byte picks the uploaded file's name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = match pick % 4 {
        0 => "统计.csv",
        1 => "统计.xlsx",
        2 => "统计.CSV",
        _ => "统计",
    };
    if let Ok(rows) = gongkai_domain::records::file_rows(bytes, name) {
        let _ = gongkai_domain::records::statistics_from_rows(&rows);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = gongkai_domain::records::statistics_from_rows(
            &gongkai_domain::records::csv_rows(text),
        );
    }
});
