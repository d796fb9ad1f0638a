//! Working-day calendar of mainland China: Monday–Friday, minus the statutory
//! holidays, plus the weekend make-up working days (调休) of the State Council's
//! yearly notices.
//!
//! The notices of 2019–2026 (and the end of 2018) are compiled in from
//! `data/cn-workdays.toml`; further years, or corrections, are loaded at run time
//! from TOML text of the same shape ([`Calendar::with_years_from_toml`]).
//! A computation that touches a date of a year without data fails with
//! [`CalendarError::MissingYear`]: the calendar never guesses from weekends.
//!
//! Counting follows 民法典 Art. 201: a period counted in days starts on the day
//! after its start date, so [`Calendar::add_working_days`]`(start, n)` is the
//! n-th working day after `start`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod data;
mod error;
mod festival;
pub mod zh;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use time::Date;

pub use error::CalendarError;
pub use festival::HolidayBlock;

/// The compiled-in data: State Council notices for 2019–2026 and the last days of 2018.
pub const BUILTIN_TOML: &str = include_str!("../data/cn-workdays.toml");

static BUILTIN: LazyLock<Calendar> = LazyLock::new(|| {
    // The compiled-in text is part of this crate, not input; the test
    // `builtin_data_parses` proves it parses, so failing here is a build defect.
    #[allow(clippy::expect_used)]
    Calendar::from_toml(BUILTIN_TOML).expect("compiled-in calendar data must parse")
});

/// One year's holiday arrangement, as published by the State Council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearData {
    year: i32,
    notice: String,
    covers_from: Date,
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

impl YearData {
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the data was taken from (free text, may be empty).
    pub fn notice(&self) -> &str {
        &self.notice
    }

    /// First date of the year the data is complete for (1 January unless the
    /// table says `covers_from`).
    pub fn covers_from(&self) -> Date {
        self.covers_from
    }

    /// Monday–Friday dates that are days off.
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    /// Saturday/Sunday dates that are working days (调休).
    pub fn workdays(&self) -> impl Iterator<Item = Date> + '_ {
        self.workdays.iter().copied()
    }
}

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// An ordinary Monday–Friday.
    Workday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A Monday–Friday off by a holiday notice.
    Holiday,
    /// A Saturday or Sunday worked by a holiday notice (调休上班).
    MakeUpWorkday,
}

impl DayKind {
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeUpWorkday)
    }
}

/// The working-day calendar: a set of years with their holiday arrangements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearData>,
}

impl Calendar {
    /// A calendar without any year: every computation fails with `MissingYear`.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The compiled-in calendar (2019–2026 and the end of 2018).
    pub fn builtin() -> Self {
        BUILTIN.clone()
    }

    /// A calendar of exactly the years in `text`.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        Ok(Self {
            years: data::parse_years(text)?,
        })
    }

    /// This calendar with the years of `text` added, replacing any year already
    /// present as a whole (a corrected notice replaces the old one).
    pub fn with_years_from_toml(mut self, text: &str) -> Result<Self, CalendarError> {
        self.import_toml(text)?;
        Ok(self)
    }

    /// Adds or replaces the years of `text` in place and returns them. Nothing
    /// changes unless the whole text is valid.
    pub fn import_toml(&mut self, text: &str) -> Result<Vec<i32>, CalendarError> {
        let parsed = data::parse_years(text)?;
        let imported: Vec<i32> = parsed.keys().copied().collect();
        self.years.extend(parsed);
        Ok(imported)
    }

    /// The years with data, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The data of one year, if loaded.
    pub fn year(&self, year: i32) -> Option<&YearData> {
        self.years.get(&year)
    }

    /// Whether `date` can be classified.
    pub fn covers(&self, date: Date) -> bool {
        self.years
            .get(&date.year())
            .is_some_and(|data| date >= data.covers_from)
    }

    /// The kind of `date`, or `MissingYear` when its year has no data.
    pub fn day_kind(&self, date: Date) -> Result<DayKind, CalendarError> {
        let year = self
            .years
            .get(&date.year())
            .filter(|data| date >= data.covers_from)
            .ok_or(CalendarError::MissingYear(date.year()))?;
        Ok(if data::is_weekend(date) {
            if year.workdays.contains(&date) {
                DayKind::MakeUpWorkday
            } else {
                DayKind::Weekend
            }
        } else if year.holidays.contains(&date) {
            DayKind::Holiday
        } else {
            DayKind::Workday
        })
    }

    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date)?.is_working())
    }

    /// The `n`-th working day after `start` (民法典 Art. 201: the start day does not
    /// count). Because only working days are counted, the result is always a
    /// working day, so a period never ends on a rest day. `n == 0` returns `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, CalendarError> {
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(date)
    }

    /// The number of working days `d` with `a < d <= b` (negative, counted the
    /// same way from `b`, when `b < a`). So `working_days_between(a,
    /// add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> Result<i64, CalendarError> {
        if b < a {
            return Ok(-self.working_days_between(b, a)?);
        }
        let mut count = 0;
        let mut date = a;
        while date < b {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The holiday block `date` lies in: the longest run of consecutive rest days
    /// around it that contains at least one notified holiday (so "10月1日至7日"
    /// includes the weekend inside the National Day holiday). `None` for working
    /// days and for ordinary weekends. Days of neighbouring years without data
    /// end the run instead of failing: the block is only used to describe.
    pub fn holiday_block(&self, date: Date) -> Result<Option<HolidayBlock>, CalendarError> {
        if self.is_working_day(date)? {
            return Ok(None);
        }
        let is_rest = |day: Date| matches!(self.day_kind(day), Ok(kind) if !kind.is_working());
        let mut first = date;
        while let Some(previous) = first.previous_day().filter(|&day| is_rest(day)) {
            first = previous;
        }
        let mut last = date;
        while let Some(next) = last.next_day().filter(|&day| is_rest(day)) {
            last = next;
        }
        let mut has_holiday = false;
        let mut day = first;
        loop {
            has_holiday |= self.day_kind(day)? == DayKind::Holiday;
            if day >= last {
                break;
            }
            day = next_day(day)?;
        }
        Ok(has_holiday.then(|| HolidayBlock::new(first, last)))
    }
}

fn next_day(date: Date) -> Result<Date, CalendarError> {
    date.next_day().ok_or(CalendarError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn builtin_data_parses() {
        let calendar = Calendar::from_toml(BUILTIN_TOML).unwrap();
        assert_eq!(
            calendar.years(),
            vec![2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]
        );
        assert_eq!(
            calendar.year(2018).unwrap().covers_from(),
            date!(2018 - 12 - 29)
        );
        assert_eq!(
            calendar.year(2024).unwrap().notice(),
            "国办发明电〔2023〕7号"
        );
    }

    #[test]
    fn day_kinds_of_national_day_2024() {
        let calendar = Calendar::builtin();
        assert_eq!(
            calendar.day_kind(date!(2024 - 09 - 29)),
            Ok(DayKind::MakeUpWorkday)
        );
        assert_eq!(
            calendar.day_kind(date!(2024 - 09 - 30)),
            Ok(DayKind::Workday)
        );
        assert_eq!(
            calendar.day_kind(date!(2024 - 10 - 01)),
            Ok(DayKind::Holiday)
        );
        assert_eq!(
            calendar.day_kind(date!(2024 - 10 - 05)),
            Ok(DayKind::Weekend)
        );
        assert_eq!(
            calendar.day_kind(date!(2024 - 10 - 12)),
            Ok(DayKind::MakeUpWorkday)
        );
    }

    #[test]
    fn acceptance_2024_09_26_plus_20() {
        let calendar = Calendar::builtin();
        assert_eq!(
            calendar.add_working_days(date!(2024 - 09 - 26), 20),
            Ok(date!(2024 - 10 - 29))
        );
        assert_eq!(
            calendar.working_days_between(date!(2024 - 09 - 26), date!(2024 - 10 - 29)),
            Ok(20)
        );
        assert_eq!(
            calendar.working_days_between(date!(2024 - 10 - 29), date!(2024 - 09 - 26)),
            Ok(-20)
        );
    }

    #[test]
    fn missing_year_is_named_never_guessed() {
        let calendar = Calendar::builtin();
        let error = calendar
            .add_working_days(date!(2026 - 12 - 20), 20)
            .unwrap_err();
        assert_eq!(error, CalendarError::MissingYear(2027));
        assert_eq!(
            error.to_string(),
            "缺少2027年的节假日安排数据，请先导入该年度日历"
        );
        // Most of 2018 is not covered: only the 2019 New Year block's days are.
        assert_eq!(
            calendar.is_working_day(date!(2018 - 06 - 01)),
            Err(CalendarError::MissingYear(2018))
        );
        assert_eq!(calendar.is_working_day(date!(2018 - 12 - 29)), Ok(true));
        assert_eq!(
            calendar.add_working_days(date!(2018 - 12 - 28), 1),
            Ok(date!(2018 - 12 - 29))
        );
        assert!(Calendar::empty()
            .is_working_day(date!(2024 - 01 - 02))
            .is_err());
    }

    #[test]
    fn zero_days_is_the_start_and_start_day_never_counts() {
        let calendar = Calendar::builtin();
        let friday = date!(2024 - 06 - 07);
        assert_eq!(calendar.add_working_days(friday, 0), Ok(friday));
        // 端午: 6月8日至10日 off; the first working day after Friday is Tuesday.
        assert_eq!(
            calendar.add_working_days(friday, 1),
            Ok(date!(2024 - 06 - 11))
        );
        assert_eq!(calendar.working_days_between(friday, friday), Ok(0));
    }

    #[test]
    fn importing_a_year_extends_and_replaces() {
        let text = r#"
[2027]
notice = "测试用"
holidays = ["2027-01-01"]
workdays = []
"#;
        let calendar = Calendar::builtin().with_years_from_toml(text).unwrap();
        assert!(calendar.years().contains(&2027));
        assert_eq!(
            calendar.add_working_days(date!(2026 - 12 - 31), 1),
            Ok(date!(2027 - 01 - 04))
        );
        // Replacing 2024 by a year without holidays changes 2024 only.
        let plain_2024 = "[2024]\nholidays = []\nworkdays = []\n";
        let replaced = Calendar::builtin()
            .with_years_from_toml(plain_2024)
            .unwrap();
        assert_eq!(replaced.is_working_day(date!(2024 - 10 - 01)), Ok(true));
        assert_eq!(replaced.is_working_day(date!(2025 - 10 - 01)), Ok(false));
    }

    #[test]
    fn import_is_all_or_nothing() {
        let mut calendar = Calendar::builtin();
        let text = "[2027]\nholidays = []\nworkdays = []\n[2028]\nholidays = [\"2028-13-01\"]\nworkdays = []\n";
        assert!(calendar.import_toml(text).is_err());
        assert!(!calendar.years().contains(&2027));
    }

    #[test]
    fn parse_errors_name_line_and_field() {
        let cases: &[(&str, &str)] = &[
            (
                "[2027]\nholidays = [\"2027-02-30\"]\nworkdays = []\n",
                "日历数据第2行：[2027] 的 holidays 中“2027-02-30”不是有效日期，应写作 YYYY-MM-DD",
            ),
            (
                "[2027]\nholidays = [\"2028-01-03\"]\nworkdays = []\n",
                "日历数据第2行：[2027] 的 holidays 中的 2028-01-03 不属于2027年",
            ),
            (
                "[2027]\nholidays = [\"2027-01-02\"]\nworkdays = []\n",
                "日历数据第2行：[2027] 的 holidays 中的 2027-01-02 是星期六，holidays 只应列出放假的星期一至星期五",
            ),
            (
                "[2027]\nholidays = []\nworkdays = [\"2027-01-04\"]\n",
                "日历数据第3行：[2027] 的 workdays 中的 2027-01-04 是星期一，workdays 只应列出调休上班的星期六、星期日",
            ),
            (
                "[2027]\nholidays = []\n",
                "日历数据第1行：[2027] 缺少字段 workdays",
            ),
            (
                "[27]\nholidays = []\nworkdays = []\n",
                "日历数据第1行：表名“[27]”不是有效年份，应为四位数字年份，例如 [2027]",
            ),
            (
                "[2027]\nholidays = [\"2027-01-01\",\n  \"2027-01-01\"]\nworkdays = []\n",
                "日历数据第3行：[2027] 中的 2027-01-01 重复出现在 holidays 中",
            ),
            ("", "日历数据中没有任何年份，应至少包含一个形如 [2027] 的表"),
        ];
        for (text, expected) in cases {
            let error = Calendar::from_toml(text).unwrap_err();
            assert_eq!(error.to_string(), *expected, "for {text:?}");
        }
        let syntax = Calendar::from_toml("[2027]\nholidays = [\n").unwrap_err();
        assert!(
            matches!(syntax, CalendarError::Syntax { line: 2 | 3, .. }),
            "{syntax:?}"
        );
        let unknown = Calendar::from_toml("[2027]\nholidays = []\nworkdays = []\nholiday = []\n")
            .unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "日历数据第4行格式错误：未知字段 holiday，可用字段为 notice、covers_from、holidays、workdays"
        );
        let bare_date =
            Calendar::from_toml("[2027]\nholidays = [2027-01-01]\nworkdays = []\n").unwrap_err();
        assert_eq!(
            bare_date.to_string(),
            "日历数据第2行格式错误：日期须写成带引号的字符串，例如 \"2027-01-01\""
        );
    }

    #[test]
    fn holiday_blocks_include_weekends_inside() {
        let calendar = Calendar::builtin();
        let block = calendar
            .holiday_block(date!(2024 - 10 - 05))
            .unwrap()
            .unwrap();
        assert_eq!(
            (block.first(), block.last(), block.name()),
            (date!(2024 - 10 - 01), date!(2024 - 10 - 07), "国庆节")
        );
        assert_eq!(calendar.holiday_block(date!(2024 - 10 - 19)), Ok(None));
        assert_eq!(calendar.holiday_block(date!(2024 - 10 - 08)), Ok(None));
        // The 2019 New Year block starts in 2018.
        let new_year = calendar
            .holiday_block(date!(2019 - 01 - 01))
            .unwrap()
            .unwrap();
        assert_eq!(
            (new_year.first(), new_year.last(), new_year.name()),
            (date!(2018 - 12 - 30), date!(2019 - 01 - 01), "元旦")
        );
        // The end of 2026 is next to a year without data: the block stops there.
        let calendar_2026 = calendar
            .holiday_block(date!(2026 - 10 - 01))
            .unwrap()
            .unwrap();
        assert_eq!(calendar_2026.last(), date!(2026 - 10 - 07));
    }
}
