//! Naming holiday blocks ("国庆节", "春节", …) for explanations.
//!
//! The TOML data (the State Council's dates) does not name the festivals, and
//! imported years come in the same shape, so the name is read from where the
//! block falls. The Gregorian windows below hold for every notice since 2008
//! (checked against the `chinese_holiday` crate's festival names for 2019–2026
//! in tests/cross_check.rs). A name only decorates an explanation; counting never
//! depends on it, and a block outside every window is called "节假日".

use time::{Date, Month};

/// A run of consecutive rest days containing at least one notified holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidayBlock {
    first: Date,
    last: Date,
    name: &'static str,
}

impl HolidayBlock {
    pub(crate) fn new(first: Date, last: Date) -> Self {
        Self {
            first,
            last,
            name: festival_name(first, last),
        }
    }

    pub fn first(&self) -> Date {
        self.first
    }

    pub fn last(&self) -> Date {
        self.last
    }

    /// "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
    /// "国庆节、中秋节" (the eight-day blocks that join both), or "节假日".
    pub fn name(&self) -> &'static str {
        self.name
    }
}

fn festival_name(first: Date, last: Date) -> &'static str {
    let days: Vec<(Month, u8)> = {
        let mut days = Vec::new();
        let mut day = first;
        loop {
            days.push((day.month(), day.day()));
            match day.next_day() {
                Some(next) if next <= last => day = next,
                _ => break,
            }
        }
        days
    };
    let any = |test: &dyn Fn(Month, u8) -> bool| days.iter().any(|&(m, d)| test(m, d));

    if any(&|m, d| (m == Month::January && d <= 3) || (m == Month::December && d >= 29)) {
        "元旦"
    } else if any(&|m, d| m == Month::October && d == 1) {
        // 中秋 falling next to 1 October makes the National Day block eight days
        // (2017, 2020, 2023, 2025); a plain National Day block has seven.
        if days.len() >= 8 {
            "国庆节、中秋节"
        } else {
            "国庆节"
        }
    } else if any(&|m, _| m == Month::January || m == Month::February) {
        "春节"
    } else if any(&|m, d| (m == Month::April && d <= 10) || (m == Month::March && d >= 30)) {
        "清明节"
    } else if any(&|m, d| (m == Month::April && d >= 25) || (m == Month::May && d <= 6)) {
        "劳动节"
    } else if any(&|m, d| (m == Month::May && d >= 20) || m == Month::June) {
        "端午节"
    } else if any(&|m, _| m == Month::September || m == Month::October) {
        "中秋节"
    } else {
        "节假日"
    }
}

#[cfg(test)]
mod tests {
    use crate::Calendar;
    use time::macros::date;

    #[test]
    fn every_block_of_2024_is_named() {
        let calendar = Calendar::builtin();
        let expected = [
            (date!(2024 - 01 - 01), "元旦"),
            (date!(2024 - 02 - 12), "春节"),
            (date!(2024 - 04 - 04), "清明节"),
            (date!(2024 - 05 - 01), "劳动节"),
            (date!(2024 - 06 - 10), "端午节"),
            (date!(2024 - 09 - 16), "中秋节"),
            (date!(2024 - 10 - 01), "国庆节"),
            (date!(2025 - 10 - 01), "国庆节、中秋节"),
            (date!(2023 - 09 - 29), "国庆节、中秋节"),
            (date!(2025 - 05 - 31), "端午节"),
        ];
        for (day, name) in expected {
            let block = calendar.holiday_block(day).unwrap().unwrap();
            assert_eq!(block.name(), name, "{day}");
        }
    }
}
