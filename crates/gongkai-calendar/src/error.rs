use time::Date;

/// Everything that can go wrong with the calendar. Display texts are shown to
/// staff as they are, so they are in Chinese and name the year, line and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A computation needed a date of a year for which no holiday notice is loaded.
    /// Weekends alone are never used as a guess: the State Council moves working days.
    #[error("缺少{0}年的节假日安排数据，请先导入该年度日历")]
    MissingYear(i32),

    /// A computation ran past the range of dates `time` can represent.
    #[error("日期超出可计算范围")]
    OutOfRange,

    /// The text is not valid TOML, or a field has the wrong type or name.
    #[error("日历数据第{line}行格式错误：{detail}")]
    Syntax { line: usize, detail: String },

    /// A table name is not a four-digit year.
    #[error("日历数据第{line}行：表名“[{key}]”不是有效年份，应为四位数字年份，例如 [2027]")]
    InvalidYear { line: usize, key: String },

    /// A required field is missing from a year table.
    #[error("日历数据第{line}行：[{year}] 缺少字段 {field}")]
    MissingField {
        line: usize,
        year: i32,
        field: &'static str,
    },

    /// A date string is not `YYYY-MM-DD`.
    #[error("日历数据第{line}行：[{year}] 的 {field} 中“{value}”不是有效日期，应写作 YYYY-MM-DD")]
    InvalidDate {
        line: usize,
        year: i32,
        field: &'static str,
        value: String,
    },

    /// A date is listed under a year table it does not belong to.
    #[error("日历数据第{line}行：[{year}] 的 {field} 中的 {date} 不属于{year}年")]
    DateOutsideYear {
        line: usize,
        year: i32,
        field: &'static str,
        date: Date,
    },

    /// `holidays` lists only Monday–Friday days off; a weekend there is a typo.
    #[error("日历数据第{line}行：[{year}] 的 holidays 中的 {date} 是{weekday}，holidays 只应列出放假的星期一至星期五")]
    HolidayOnWeekend {
        line: usize,
        year: i32,
        date: Date,
        weekday: &'static str,
    },

    /// `workdays` lists only Saturdays and Sundays worked (调休); a weekday there is a typo.
    #[error("日历数据第{line}行：[{year}] 的 workdays 中的 {date} 是{weekday}，workdays 只应列出调休上班的星期六、星期日")]
    WorkdayOnWeekday {
        line: usize,
        year: i32,
        date: Date,
        weekday: &'static str,
    },

    /// The same date is listed twice in one list, or in both lists.
    #[error("日历数据第{line}行：[{year}] 中的 {date} 重复出现在 {field} 中")]
    DuplicateDate {
        line: usize,
        year: i32,
        field: &'static str,
        date: Date,
    },

    /// The text parsed but contains no year table.
    #[error("日历数据中没有任何年份，应至少包含一个形如 [2027] 的表")]
    NoYears,
}
