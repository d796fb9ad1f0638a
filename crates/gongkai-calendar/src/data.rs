//! Reading year tables from TOML text in the shape of `data/cn-workdays.toml`:
//!
//! ```toml
//! [2027]
//! notice = "国办发明电〔2026〕…号"      # optional
//! covers_from = "2027-01-01"            # optional, defaults to 1 January
//! holidays = ["2027-01-01", …]          # Monday–Friday days off
//! workdays = ["2027-02-06", …]          # Saturdays/Sundays worked (调休)
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use time::{format_description::BorrowedFormatItem, macros::format_description, Date, Weekday};
use toml::Spanned;

use crate::{zh::weekday_zh, CalendarError, YearData};

const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    notice: Option<String>,
    covers_from: Option<Spanned<String>>,
    holidays: Option<Vec<Spanned<String>>>,
    workdays: Option<Vec<Spanned<String>>>,
}

/// 1-based line of a byte offset, for messages a person can act on.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses every year table of `text`. Nothing is returned unless every table is valid,
/// so an import is all-or-nothing.
pub(crate) fn parse_years(text: &str) -> Result<BTreeMap<i32, YearData>, CalendarError> {
    let raw: BTreeMap<String, Spanned<RawYear>> =
        toml::from_str(text).map_err(|error| CalendarError::Syntax {
            line: error.span().map_or(1, |span| line_of(text, span.start)),
            detail: describe_toml_error(error.message()),
        })?;
    if raw.is_empty() {
        return Err(CalendarError::NoYears);
    }
    let mut years = BTreeMap::new();
    for (key, table) in raw {
        let table_line = line_of(text, table.span().start);
        let year = parse_year_key(&key, table_line)?;
        let table = table.into_inner();
        let covers_from = match &table.covers_from {
            None => first_day_of(year)?,
            Some(value) => parse_date_in_year(text, value, year, "covers_from")?.1,
        };
        let holidays = parse_date_list(text, table.holidays, year, "holidays", table_line)?;
        let workdays = parse_date_list(text, table.workdays, year, "workdays", table_line)?;

        for (line, date) in &holidays {
            if is_weekend(*date) {
                return Err(CalendarError::HolidayOnWeekend {
                    line: *line,
                    year,
                    date: *date,
                    weekday: weekday_zh(*date),
                });
            }
        }
        for (line, date) in &workdays {
            if !is_weekend(*date) {
                return Err(CalendarError::WorkdayOnWeekday {
                    line: *line,
                    year,
                    date: *date,
                    weekday: weekday_zh(*date),
                });
            }
        }
        let holidays = unique_dates(holidays, year, "holidays")?;
        let workdays = unique_dates(workdays, year, "workdays")?;
        years.insert(
            year,
            YearData {
                year,
                notice: table.notice.unwrap_or_default(),
                covers_from,
                holidays,
                workdays,
            },
        );
    }
    Ok(years)
}

/// The TOML parser speaks English; staff read Chinese. The usual mistakes are
/// translated, anything else is shown after a Chinese lead so nothing is lost.
fn describe_toml_error(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("未知字段 {field}，可用字段为 notice、covers_from、holidays、workdays");
    }
    if message.contains("invalid type: map, expected a string") {
        return "日期须写成带引号的字符串，例如 \"2027-01-01\"".to_owned();
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!(
            "字段类型不符（{rest}）：notice 为字符串，holidays、workdays 为日期字符串数组"
        );
    }
    format!("TOML 语法错误（{message}）")
}

fn parse_year_key(key: &str, line: usize) -> Result<i32, CalendarError> {
    let invalid = || CalendarError::InvalidYear {
        line,
        key: key.to_owned(),
    };
    if key.len() != 4 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    key.parse::<i32>().map_err(|_| invalid())
}

fn first_day_of(year: i32) -> Result<Date, CalendarError> {
    Date::from_ordinal_date(year, 1).map_err(|_| CalendarError::OutOfRange)
}

fn parse_date_in_year(
    text: &str,
    value: &Spanned<String>,
    year: i32,
    field: &'static str,
) -> Result<(usize, Date), CalendarError> {
    let line = line_of(text, value.span().start);
    let raw = value.get_ref().trim();
    let date = Date::parse(raw, DATE_FORMAT).map_err(|_| CalendarError::InvalidDate {
        line,
        year,
        field,
        value: raw.to_owned(),
    })?;
    if date.year() != year {
        return Err(CalendarError::DateOutsideYear {
            line,
            year,
            field,
            date,
        });
    }
    Ok((line, date))
}

fn parse_date_list(
    text: &str,
    values: Option<Vec<Spanned<String>>>,
    year: i32,
    field: &'static str,
    table_line: usize,
) -> Result<Vec<(usize, Date)>, CalendarError> {
    let values = values.ok_or(CalendarError::MissingField {
        line: table_line,
        year,
        field,
    })?;
    values
        .iter()
        .map(|value| parse_date_in_year(text, value, year, field))
        .collect()
}

fn unique_dates(
    dates: Vec<(usize, Date)>,
    year: i32,
    field: &'static str,
) -> Result<BTreeSet<Date>, CalendarError> {
    let mut set = BTreeSet::new();
    for (line, date) in dates {
        if !set.insert(date) {
            return Err(CalendarError::DuplicateDate {
                line,
                year,
                field,
                date,
            });
        }
    }
    Ok(set)
}

pub(crate) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}
