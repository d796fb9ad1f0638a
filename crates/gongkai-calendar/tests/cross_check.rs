//! Cross-check of the compiled-in data against the `chinese_holiday` crate, an
//! independent transcription of the same State Council notices.
//!
//! `chinese_holiday` 2026.0.1 covers 2004-01-01 to 2026-12-25 only (it asserts on
//! later dates), so 2026-12-26..31 cannot be checked here; those days hold no
//! holiday or make-up day in the 2026 notice. Our data starts at 2018-12-29 (the
//! 2019 New Year block), so the check runs from there.

use chinese_holiday::{chinese_holiday, DayKind as TheirKind, Ymd};
use gongkai_calendar::{Calendar, DayKind};
use time::{macros::date, Date};

const LAST_DAY_THEY_COVER: Date = date!(2026 - 12 - 25);

fn theirs(day: Date) -> TheirKind {
    let month: u8 = day.month().into();
    chinese_holiday(Ymd::new(day.year() as u16, month, day.day()))
}

#[test]
fn every_day_agrees_with_chinese_holiday() {
    let calendar = Calendar::builtin();
    let mut day = date!(2018 - 12 - 29);
    let mut checked = 0;
    let mut disagreements = Vec::new();
    while day <= LAST_DAY_THEY_COVER {
        let ours = calendar.is_working_day(day).unwrap();
        if ours != theirs(day).is_workday() {
            disagreements.push(format!("{day}: ours {ours}, theirs {:?}", theirs(day)));
        }
        checked += 1;
        day = day.next_day().unwrap();
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(checked > 2900);
}

/// The festival names our explanations use agree with the festivals the other
/// crate records for every holiday day of 2019–2026.
#[test]
fn festival_names_agree_with_chinese_holiday() {
    let calendar = Calendar::builtin();
    let mut day = date!(2019 - 01 - 01);
    while day <= LAST_DAY_THEY_COVER {
        if calendar.day_kind(day).unwrap() == DayKind::Holiday {
            let block = calendar.holiday_block(day).unwrap().unwrap();
            let expected = match theirs(day) {
                TheirKind::NewYearsDayHoliday => "元旦",
                TheirKind::SpringFestivalHoliday => "春节",
                TheirKind::ChingMingFestivalHoliday => "清明节",
                TheirKind::InternationalWorkersDayHoliday => "劳动节",
                TheirKind::DragonBoatFestivalHoliday => "端午节",
                TheirKind::MidAutumnFestivalHoliday => "中秋节",
                TheirKind::NationalDayHoliday => "国庆节",
                other => panic!("{day}: unexpected {other:?}"),
            };
            assert!(
                block.name().contains(expected),
                "{day}: block {} named {}, theirs {expected}",
                block.first(),
                block.name()
            );
        }
        day = day.next_day().unwrap();
    }
}
