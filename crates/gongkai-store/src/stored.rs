//! Conversions between stored text and typed values, and the error
//! constructors every aggregate module uses.

use crate::{Result, StoreError};
use time::Date;

/// Dates are stored as `YYYY-MM-DD` text on both backends.
pub(crate) const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn date_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_else(|_| d.to_string())
}

pub(crate) fn parse_date(text: &str) -> Result<Date> {
    Date::parse(text, DATE_FORMAT).map_err(|e| corrupt("日期", format!("{text}：{e}")))
}

pub(crate) fn opt_date(text: &Option<String>) -> Result<Option<Date>> {
    text.as_deref().map(parse_date).transpose()
}

/// Today in the platform's time zone (UTC+8).
pub(crate) fn today() -> Date {
    crate::now().date()
}

/// A stored value that cannot be read back.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("数据库中的{what}无法读取：{detail}"))
}

/// Bad input with its stable machine code; nothing was stored.
pub(crate) fn rejected(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Rejected {
        code,
        message: message.into(),
    }
}
