//! Chinese wording of dates, shared by every explanation built on the calendar.

use time::{Date, Weekday};

/// "星期一" … "星期日".
pub fn weekday_zh(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "星期一",
        Weekday::Tuesday => "星期二",
        Weekday::Wednesday => "星期三",
        Weekday::Thursday => "星期四",
        Weekday::Friday => "星期五",
        Weekday::Saturday => "星期六",
        Weekday::Sunday => "星期日",
    }
}

/// "10月1日".
pub fn month_day_zh(date: Date) -> String {
    format!("{}月{}日", u8::from(date.month()), date.day())
}

/// "2024年10月1日".
pub fn full_date_zh(date: Date) -> String {
    format!("{}年{}", date.year(), month_day_zh(date))
}

/// A span of days as written in notices: "10月1日至7日", "9月29日至10月6日",
/// "2024年12月30日至2025年1月1日". The year is written only when the span leaves
/// `reference_year` (usually the year the counting started in), so that ordinary
/// explanations stay short but a reader is never left to guess the year.
pub fn date_span_zh(first: Date, last: Date, reference_year: i32) -> String {
    let show_year = first.year() != reference_year || last.year() != first.year();
    let first_text = if show_year {
        full_date_zh(first)
    } else {
        month_day_zh(first)
    };
    if first == last {
        return first_text;
    }
    let last_text = if last.year() != first.year() {
        full_date_zh(last)
    } else if last.month() != first.month() {
        month_day_zh(last)
    } else {
        format!("{}日", last.day())
    };
    format!("{first_text}至{last_text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn spans_are_written_as_in_notices() {
        assert_eq!(
            date_span_zh(date!(2024 - 10 - 01), date!(2024 - 10 - 07), 2024),
            "10月1日至7日"
        );
        assert_eq!(
            date_span_zh(date!(2023 - 09 - 29), date!(2023 - 10 - 06), 2023),
            "9月29日至10月6日"
        );
        assert_eq!(
            date_span_zh(date!(2024 - 12 - 30), date!(2025 - 01 - 01), 2024),
            "2024年12月30日至2025年1月1日"
        );
        assert_eq!(
            date_span_zh(date!(2025 - 01 - 01), date!(2025 - 01 - 01), 2024),
            "2025年1月1日"
        );
        assert_eq!(
            date_span_zh(date!(2024 - 06 - 10), date!(2024 - 06 - 10), 2024),
            "6月10日"
        );
        assert_eq!(weekday_zh(date!(2024 - 09 - 29)), "星期日");
    }
}
