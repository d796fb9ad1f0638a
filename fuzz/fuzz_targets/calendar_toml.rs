//! The working-day calendar import (`gongkai calendar import`, TOML): any
//! text gives a calendar or an error, never a panic; a calendar it accepts
//! answers working-day questions about its years without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut builtin = gongkai_calendar::Calendar::builtin();
    let _ = builtin.import_toml(text);
    if let Ok(cal) = gongkai_calendar::Calendar::from_toml(text) {
        for year in cal.years() {
            let Ok(start) = time::Date::from_calendar_date(year, time::Month::January, 1) else {
                continue;
            };
            let _ = cal.add_working_days(start, 20);
            let _ = cal.working_days_between(start, start + time::Duration::days(400));
            let _ = cal.holiday_block(start);
        }
    }
});
