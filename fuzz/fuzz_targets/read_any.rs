//! read_any (kind sniffing + every reader) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gongkai_docs::read_any(data, None);
});
