//! Dates as pages and the API read and write them (`YYYY-MM-DD`, UTC+8).

use crate::error::AppError;
use time::Date;

pub(crate) const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn date_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_else(|_| d.to_string())
}

/// Today in the platform's time zone.
pub(crate) fn today() -> Date {
    gongkai_store::now().date()
}

/// A date typed into `field`; a Chinese error naming the field otherwise.
pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date, AppError> {
    Date::parse(text.trim(), DATE_FORMAT).map_err(|_| {
        AppError::bad_request(
            "invalid_input",
            format!("字段 {field}：日期“{text}”无效，格式应为 YYYY-MM-DD"),
        )
    })
}
