//! Property tests of working-day arithmetic over the compiled-in years.

use gongkai_calendar::{Calendar, CalendarError};
use proptest::prelude::*;
use time::{macros::date, Date, Duration};

fn any_covered_date() -> impl Strategy<Value = Date> {
    let first = date!(2019 - 01 - 01);
    let last = date!(2026 - 12 - 31);
    (0..=(last - first).whole_days()).prop_map(move |offset| first + Duration::days(offset))
}

/// A made-up 2027 in the data shape (New Year off, one make-up Saturday).
const YEAR_2027: &str = "[2027]\nholidays = [\"2027-01-01\"]\nworkdays = [\"2027-01-09\"]\n";

proptest! {
    #[test]
    fn result_is_a_working_day_or_a_named_missing_year(start in any_covered_date(), n in 1u32..80) {
        let calendar = Calendar::builtin();
        match calendar.add_working_days(start, n) {
            Ok(end) => {
                prop_assert!(calendar.is_working_day(end).unwrap());
                prop_assert!(end > start);
                prop_assert_eq!(calendar.working_days_between(start, end).unwrap(), i64::from(n));
            }
            Err(error) => prop_assert_eq!(error, CalendarError::MissingYear(2027)),
        }
    }

    #[test]
    fn monotonic_in_n(start in any_covered_date(), n in 0u32..60) {
        let calendar = Calendar::builtin();
        if let (Ok(a), Ok(b)) = (calendar.add_working_days(start, n), calendar.add_working_days(start, n + 1)) {
            prop_assert!(a < b);
        }
    }

    #[test]
    fn adding_a_later_year_never_changes_earlier_results(start in any_covered_date(), n in 0u32..60) {
        let before = Calendar::builtin();
        let after = Calendar::builtin().with_years_from_toml(YEAR_2027).unwrap();
        if let Ok(end) = before.add_working_days(start, n) {
            prop_assert_eq!(after.add_working_days(start, n).unwrap(), end);
        }
        // And a calendar that lacks 2026 agrees with the full one wherever it answers.
        let without_2026 = Calendar::from_toml(
            &gongkai_calendar::BUILTIN_TOML[..gongkai_calendar::BUILTIN_TOML.find("[2026]").unwrap()],
        ).unwrap();
        if let Ok(end) = without_2026.add_working_days(start, n) {
            prop_assert_eq!(before.add_working_days(start, n).unwrap(), end);
        }
    }

    #[test]
    fn between_is_antisymmetric(a in any_covered_date(), b in any_covered_date()) {
        let calendar = Calendar::builtin();
        prop_assert_eq!(
            calendar.working_days_between(a, b).unwrap(),
            -calendar.working_days_between(b, a).unwrap()
        );
    }
}
