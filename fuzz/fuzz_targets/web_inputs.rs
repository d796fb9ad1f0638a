//! Every handler's input decoding (gongkai-web, in process, no database):
//! the first byte picks one of the urlencoded forms, query strings, JSON
//! bodies or multipart uploads (see `gongkai_web::fuzzing`); the rest is
//! the body. Decoding and the database-free checks must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let _ = gongkai_web::fuzzing::decode(pick, body);
});
