//! Table-driven clock cases across every holiday block of 2019–2026, and
//! property tests of the clock.
//!
//! The expected dates were counted by hand from `data/cn-workdays.toml` (a few
//! counts are written out below) and cross-checked with a separate naive count
//! over the same TOML, written independently of this crate's code.

use gongkai_calendar::{Calendar, CalendarError, BUILTIN_TOML};
use gongkai_domain::clock::{
    compute_clock, ApplicationEvent, Channel, Clock, ClockError, ClockSettings, ConsultationParty,
    EventKind, Status,
};
use proptest::prelude::*;
use time::{macros::date, Date, Duration};

fn day(text: &str) -> Date {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).unwrap()
}

fn received(on: Date) -> ApplicationEvent {
    ApplicationEvent::new(
        on,
        EventKind::Received {
            channel: Channel::InPerson,
        },
    )
}

/// `kind:date[:n]` in the CLI's spelling, for compact tables.
fn event(spec: &str) -> ApplicationEvent {
    let parts: Vec<&str> = spec.split(':').collect();
    let on = day(parts[1]);
    let kind = match parts[0] {
        "correction-requested" => EventKind::CorrectionRequested,
        "correction-received" => EventKind::CorrectionReceived,
        "consultation-started" => EventKind::ConsultationStarted {
            party: ConsultationParty::ThirdParty,
        },
        "consultation-ended" => EventKind::ConsultationEnded {
            party: ConsultationParty::ThirdParty,
        },
        "co-author-started" => EventKind::ConsultationStarted {
            party: ConsultationParty::CoAuthor,
        },
        "co-author-ended" => EventKind::ConsultationEnded {
            party: ConsultationParty::CoAuthor,
        },
        "extension-approved" => EventKind::ExtensionApproved {
            working_days: parts[2].parse().unwrap(),
            approver: "王主任".to_owned(),
        },
        "fee-notice" => EventKind::FeeNotice,
        "fee-paid" => EventKind::FeePaid,
        "answered" => EventKind::Answered,
        other => panic!("unknown kind {other}"),
    };
    ApplicationEvent::new(on, kind)
}

fn clock_on(events: &[ApplicationEvent], today: Date) -> Result<Clock, ClockError> {
    compute_clock(
        events,
        &Calendar::builtin(),
        &ClockSettings::default(),
        today,
    )
}

/// One case per holiday block: received two days before the block starts, due
/// on the 20th working day after receipt, and the block named in the explanation.
///
/// Counts written out for a few:
/// - 2019-02-02 (Sat, 调休): 02-03 Sun 调休 =1; 02-04..10 off; 02-11..15 =6;
///   02-18..22 =11; 02-25..03-01 =16; 03-04..07 =20.
/// - 2019-04-03: 04-04 =1; 04-05..07 off; 04-08..26 =16; 04-28 Sun 调休 =17;
///   04-29, 30 =19; 05-01..04 off; 05-05 Sun 调休 =20 (a period can end on a 调休 Sunday).
/// - 2023-09-27: 09-28 =1; 09-29..10-06 off; 10-07 Sat, 10-08 Sun 调休 =3;
///   10-09..27 =18; 10-30, 31 =20.
/// - 2024-12-30: 12-31 =1; 01-01 off; 01-02..24 =18; 01-26 Sun 调休 =19; 01-27 =20.
/// - 2026-02-13: 02-14 Sat 调休 =1; 02-15..23 off; 02-24..27 =5; 02-28 Sat 调休 =6;
///   03-02..13 =16; 03-16..19 =20.
const HOLIDAY_BLOCK_CASES: &[(&str, &str, &str)] = &[
    (
        "2018-12-29",
        "2019-01-29",
        "2018年12月30日至2019年1月1日元旦假期不计",
    ),
    ("2019-02-02", "2019-03-07", "2月4日至10日春节假期不计"),
    ("2019-04-03", "2019-05-05", "4月5日至7日清明节假期不计"),
    ("2019-04-29", "2019-05-29", "5月1日至4日劳动节假期不计"),
    ("2019-06-05", "2019-07-04", "6月7日至9日端午节假期不计"),
    ("2019-09-11", "2019-10-15", "9月13日至15日中秋节假期不计"),
    ("2019-09-29", "2019-10-31", "10月1日至7日国庆节假期不计"),
    ("2019-12-30", "2020-02-04", "2020年1月1日元旦假期不计"),
    ("2020-01-22", "2020-02-27", "1月24日至2月2日春节假期不计"),
    ("2020-04-02", "2020-04-30", "4月4日至6日清明节假期不计"),
    ("2020-04-29", "2020-05-29", "5月1日至5日劳动节假期不计"),
    ("2020-06-23", "2020-07-22", "6月25日至27日端午节假期不计"),
    (
        "2020-09-29",
        "2020-11-03",
        "10月1日至8日国庆节、中秋节假期不计",
    ),
    ("2020-12-30", "2021-01-28", "2021年1月1日至3日元旦假期不计"),
    ("2021-02-09", "2021-03-15", "2月11日至17日春节假期不计"),
    ("2021-04-01", "2021-04-29", "4月3日至5日清明节假期不计"),
    ("2021-04-29", "2021-05-31", "5月1日至5日劳动节假期不计"),
    ("2021-06-10", "2021-07-09", "6月12日至14日端午节假期不计"),
    ("2021-09-17", "2021-10-21", "9月19日至21日中秋节假期不计"),
    ("2021-09-29", "2021-11-02", "10月1日至7日国庆节假期不计"),
    ("2021-12-30", "2022-01-28", "2022年1月1日至3日元旦假期不计"),
    ("2022-01-29", "2022-03-03", "1月31日至2月6日春节假期不计"),
    ("2022-04-01", "2022-04-29", "4月3日至5日清明节假期不计"),
    ("2022-04-28", "2022-05-30", "4月30日至5月4日劳动节假期不计"),
    ("2022-06-01", "2022-06-30", "6月3日至5日端午节假期不计"),
    ("2022-09-08", "2022-10-12", "9月10日至12日中秋节假期不计"),
    ("2022-09-29", "2022-11-01", "10月1日至7日国庆节假期不计"),
    (
        "2022-12-29",
        "2023-02-01",
        "2022年12月31日至2023年1月2日元旦假期不计",
    ),
    ("2023-01-19", "2023-02-21", "1月21日至27日春节假期不计"),
    ("2023-04-03", "2023-05-04", "4月5日清明节假期不计"),
    ("2023-04-27", "2023-05-29", "4月29日至5月3日劳动节假期不计"),
    ("2023-06-20", "2023-07-19", "6月22日至24日端午节假期不计"),
    (
        "2023-09-27",
        "2023-10-31",
        "9月29日至10月6日国庆节、中秋节假期不计",
    ),
    (
        "2023-12-28",
        "2024-01-26",
        "2023年12月30日至2024年1月1日元旦假期不计",
    ),
    ("2024-02-08", "2024-03-13", "2月10日至17日春节假期不计"),
    ("2024-04-02", "2024-04-30", "4月4日至6日清明节假期不计"),
    ("2024-04-29", "2024-05-29", "5月1日至5日劳动节假期不计"),
    ("2024-06-06", "2024-07-05", "6月8日至10日端午节假期不计"),
    ("2024-09-13", "2024-10-17", "9月15日至17日中秋节假期不计"),
    ("2024-09-29", "2024-10-31", "10月1日至7日国庆节假期不计"),
    ("2024-12-30", "2025-01-27", "2025年1月1日元旦假期不计"),
    ("2025-01-26", "2025-02-28", "1月28日至2月4日春节假期不计"),
    ("2025-04-02", "2025-04-30", "4月4日至6日清明节假期不计"),
    ("2025-04-29", "2025-05-30", "5月1日至5日劳动节假期不计"),
    ("2025-05-29", "2025-06-27", "5月31日至6月2日端午节假期不计"),
    (
        "2025-09-29",
        "2025-11-03",
        "10月1日至8日国庆节、中秋节假期不计",
    ),
    ("2025-12-30", "2026-01-28", "2026年1月1日至3日元旦假期不计"),
    ("2026-02-13", "2026-03-19", "2月15日至23日春节假期不计"),
    ("2026-04-02", "2026-05-06", "4月4日至6日清明节假期不计"),
    ("2026-04-29", "2026-05-29", "5月1日至5日劳动节假期不计"),
    ("2026-06-17", "2026-07-16", "6月19日至21日端午节假期不计"),
    ("2026-09-23", "2026-10-28", "9月25日至27日中秋节假期不计"),
    ("2026-09-29", "2026-11-02", "10月1日至7日国庆节假期不计"),
];

#[test]
fn every_holiday_block_of_2019_to_2026() {
    let calendar = Calendar::builtin();
    for &(received_on, due_on, block_line) in HOLIDAY_BLOCK_CASES {
        let received_on = day(received_on);
        for channel in Channel::ALL {
            let events = [ApplicationEvent::new(
                received_on,
                EventKind::Received { channel },
            )];
            let clock = clock_on(&events, received_on).unwrap();
            assert_eq!(clock.due_on, Some(day(due_on)), "received {received_on}");
            assert!(
                clock.explanation.iter().any(|line| line == block_line),
                "received {received_on}: {:#?}",
                clock.explanation
            );
            assert_eq!(
                clock.explanation.last().unwrap(),
                &format!("第20个工作日为{due_on}")
            );
            assert!(calendar.is_working_day(day(due_on)).unwrap());
        }
    }
}

/// Corrections, consultations, fee waiting and extensions across the years.
///
/// Counts written out for a few:
/// - consultation 2025-09-24 → 10-14: left out 09-25, 26, 28 (Sun 调休), 29, 30,
///   10-09, 10, 11 (Sat 调休), 13, 14 = 10; counted 09-23, 24 =2, 10-15..11-07 =20.
/// - fee notice 2022-04-27 → paid 05-06: left out 04-28, 29, 05-05, 06 = 4
///   (04-30..05-04 is the 劳动节 block); counted 04-21, 22, 24 (Sun 调休), 25,
///   26, 27 =6, 05-07 (Sat 调休) =7, 05-09..20 =17, 05-23..25 =20.
/// - extension of 15 from 2024-01-25: 35 working days, with 02-04 and 02-18
///   (Sundays 调休) counted and 02-10..17 off → 2024-03-19.
const EVENT_CASES: &[(&str, &[&str], &str, u32)] = &[
    // (received, events, due, working days left out)
    (
        "2025-09-26",
        &[
            "correction-requested:2025-09-29",
            "correction-received:2025-10-09",
        ],
        "2025-11-05",
        0,
    ),
    (
        "2025-09-22",
        &[
            "consultation-started:2025-09-24",
            "consultation-ended:2025-10-14",
        ],
        "2025-11-07",
        10,
    ),
    (
        "2026-02-02",
        &[
            "consultation-started:2026-02-05",
            "consultation-ended:2026-03-31",
        ],
        "2026-03-27",
        15,
    ),
    (
        "2024-01-25",
        &["extension-approved:2024-02-20:15"],
        "2024-03-19",
        0,
    ),
    (
        "2022-04-20",
        &["fee-notice:2022-04-27", "fee-paid:2022-05-06"],
        "2022-05-25",
        4,
    ),
    (
        "2022-12-20",
        &[
            "correction-requested:2022-12-22",
            "correction-received:2022-12-28",
        ],
        "2023-01-31",
        0,
    ),
    (
        "2021-09-06",
        &[
            "consultation-started:2021-09-08",
            "co-author-started:2021-09-10",
            "consultation-ended:2021-09-24",
            "co-author-ended:2021-09-28",
        ],
        "2021-10-28",
        14,
    ),
    (
        "2019-09-02",
        &[
            "consultation-started:2019-09-10",
            "consultation-ended:2019-09-20",
            "extension-approved:2019-10-08:20",
        ],
        "2019-11-12",
        7,
    ),
    (
        "2020-01-02",
        &[
            "correction-requested:2020-01-06",
            "correction-received:2020-01-10",
            "consultation-started:2020-01-20",
            "consultation-ended:2020-02-07",
            "extension-approved:2020-02-20:10",
        ],
        "2020-03-11",
        8,
    ),
    (
        "2023-06-01",
        &[
            "fee-notice:2023-06-12",
            "fee-paid:2023-06-19",
            "extension-approved:2023-06-28:5",
        ],
        "2023-07-14",
        5,
    ),
    (
        "2025-12-15",
        &[
            "consultation-started:2025-12-22",
            "consultation-ended:2026-01-06",
        ],
        "2026-01-27",
        10,
    ),
];

#[test]
fn corrections_consultations_fees_and_extensions() {
    for &(received_on, specs, due_on, left_out) in EVENT_CASES {
        let mut events = vec![received(day(received_on))];
        events.extend(specs.iter().map(|spec| event(spec)));
        let clock = clock_on(&events, day(received_on)).unwrap();
        assert_eq!(clock.due_on, Some(day(due_on)), "received {received_on}");
        assert_eq!(
            clock.excluded_working_days, left_out,
            "received {received_on}"
        );
        // Only the consultation that ran past its 15 working days is warned about.
        let expected_warnings = usize::from(left_out == 15);
        assert_eq!(
            clock.warnings.len(),
            expected_warnings,
            "{:?}",
            clock.warnings
        );
        // Answering on the due date is on time (unless an event comes later:
        // nothing may follow an answer).
        if events.iter().all(|event| event.on <= day(due_on)) {
            let mut answered = events.clone();
            answered.push(event(&format!("answered:{due_on}")));
            let status = clock_on(&answered, day(due_on)).unwrap().status;
            assert_eq!(status, Status::AnsweredOnTime);
        }
    }
}

#[test]
fn consultation_line_names_the_days_left_out() {
    let events = [
        received(date!(2025 - 09 - 22)),
        event("consultation-started:2025-09-24"),
        event("consultation-ended:2025-10-14"),
    ];
    let clock = clock_on(&events, date!(2025 - 10 - 20)).unwrap();
    assert_eq!(
        clock.explanation,
        vec![
            "2025-09-22 当面提交，次日起算",
            "2025-09-24 向第三方征求意见，2025-10-14 收到意见：9月25日至10月14日期间10个工作日不计",
            "10月1日至8日国庆节、中秋节假期不计",
            // 9月28日 and 10月11日 are 调休 working days, but inside the
            // consultation: left out, so not listed as counted.
            "20个工作日另加不计的10个工作日，第30个工作日为2025-11-07",
        ]
    );
}

#[test]
fn missing_years_are_named() {
    let events = [received(date!(2026 - 12 - 20))];
    assert_eq!(
        clock_on(&events, date!(2026 - 12 - 21)).unwrap_err(),
        ClockError::Calendar(CalendarError::MissingYear(2027))
    );
    let events = [received(date!(2018 - 06 - 01))];
    assert_eq!(
        clock_on(&events, date!(2018 - 06 - 01))
            .unwrap_err()
            .to_string(),
        "缺少2018年的节假日安排数据，请先导入该年度日历"
    );
}

// ---------------------------------------------------------------------------
// Properties.

fn any_receipt() -> impl Strategy<Value = Date> {
    let first = date!(2019 - 01 - 01);
    let last = date!(2026 - 10 - 31);
    (0..=(last - first).whole_days()).prop_map(move |offset| first + Duration::days(offset))
}

/// A tolling event pair or an extension, at offsets (calendar days) after receipt.
#[derive(Debug, Clone)]
enum Tolling {
    Consultation {
        party: ConsultationParty,
        start: i64,
        length: i64,
    },
    Fee {
        start: i64,
        length: i64,
    },
    Extension {
        at: i64,
        working_days: u32,
    },
}

fn any_tolling() -> impl Strategy<Value = Tolling> {
    prop_oneof![
        (any::<bool>(), 0i64..40, 0i64..40).prop_map(|(co_author, start, length)| {
            Tolling::Consultation {
                party: if co_author {
                    ConsultationParty::CoAuthor
                } else {
                    ConsultationParty::ThirdParty
                },
                start,
                length,
            }
        }),
        (0i64..40, 0i64..40).prop_map(|(start, length)| Tolling::Fee { start, length }),
        (0i64..40, 1u32..=10)
            .prop_map(|(at, working_days)| Tolling::Extension { at, working_days }),
    ]
}

fn tolling_events(received_on: Date, tolling: &Tolling) -> Vec<ApplicationEvent> {
    let at = |offset: i64| received_on + Duration::days(offset);
    match *tolling {
        Tolling::Consultation {
            party,
            start,
            length,
        } => vec![
            ApplicationEvent::new(at(start), EventKind::ConsultationStarted { party }),
            ApplicationEvent::new(at(start + length), EventKind::ConsultationEnded { party }),
        ],
        Tolling::Fee { start, length } => vec![
            ApplicationEvent::new(at(start), EventKind::FeeNotice),
            ApplicationEvent::new(at(start + length), EventKind::FeePaid),
        ],
        Tolling::Extension {
            at: offset,
            working_days,
        } => vec![ApplicationEvent::new(
            at(offset),
            EventKind::ExtensionApproved {
                working_days,
                approver: "王主任".to_owned(),
            },
        )],
    }
}

/// Builds a valid event list from tollings; overlapping pairs of one kind, or
/// extensions over 20 days in total, are dropped (they would be refused).
fn events_with(received_on: Date, tollings: &[Tolling]) -> Vec<ApplicationEvent> {
    let mut events = vec![received(received_on)];
    for tolling in tollings {
        let mut candidate = events.clone();
        candidate.extend(tolling_events(received_on, tolling));
        if clock_on(&candidate, received_on).is_ok_or_missing_year() {
            events = candidate;
        }
    }
    events
}

trait OkOrMissingYear {
    fn is_ok_or_missing_year(&self) -> bool;
}

impl OkOrMissingYear for Result<Clock, ClockError> {
    fn is_ok_or_missing_year(&self) -> bool {
        matches!(
            self,
            Ok(_) | Err(ClockError::Calendar(CalendarError::MissingYear(_)))
        )
    }
}

const TODAY: Date = date!(2026 - 12 - 31);

proptest! {
    #[test]
    fn due_date_is_a_working_day(received_on in any_receipt(), tollings in proptest::collection::vec(any_tolling(), 0..4)) {
        let events = events_with(received_on, &tollings);
        if let Ok(clock) = clock_on(&events, TODAY) {
            let due = clock.due_on.unwrap();
            prop_assert!(Calendar::builtin().is_working_day(due).unwrap());
            prop_assert!(due > received_on);
        }
    }

    #[test]
    fn more_tolling_never_makes_a_deadline_earlier(
        received_on in any_receipt(),
        tollings in proptest::collection::vec(any_tolling(), 0..3),
        extra in any_tolling(),
    ) {
        let before = events_with(received_on, &tollings);
        let mut after_tollings = tollings.clone();
        after_tollings.push(extra);
        let after = events_with(received_on, &after_tollings);
        if let (Ok(a), Ok(b)) = (clock_on(&before, TODAY), clock_on(&after, TODAY)) {
            prop_assert!(b.due_on >= a.due_on, "{:?} -> {:?}", a.due_on, b.due_on);
        }
    }

    #[test]
    fn adding_a_year_never_changes_earlier_dates(
        received_on in any_receipt(),
        tollings in proptest::collection::vec(any_tolling(), 0..3),
    ) {
        let events = events_with(received_on, &tollings);
        let settings = ClockSettings::default();
        let without_2026 = Calendar::from_toml(&BUILTIN_TOML[..BUILTIN_TOML.find("[2026]").unwrap()]).unwrap();
        let full = Calendar::builtin();
        let with_2027 = Calendar::builtin()
            .with_years_from_toml("[2027]\nholidays = [\"2027-01-01\"]\nworkdays = []\n")
            .unwrap();
        let today = date!(2025 - 12 - 31);
        if let Ok(smaller) = compute_clock(&events, &without_2026, &settings, today) {
            let larger = compute_clock(&events, &full, &settings, today).unwrap();
            prop_assert_eq!(smaller.due_on, larger.due_on);
            prop_assert_eq!(smaller.explanation, larger.explanation);
        }
        if let Ok(clock) = compute_clock(&events, &full, &settings, TODAY) {
            let extended = compute_clock(&events, &with_2027, &settings, TODAY).unwrap();
            prop_assert_eq!(clock.due_on, extended.due_on);
        }
    }

    #[test]
    fn withdrawal_ends_the_clock(received_on in any_receipt(), offset in 0i64..30) {
        let events = vec![
            received(received_on),
            ApplicationEvent::new(received_on + Duration::days(offset), EventKind::Withdrawn),
        ];
        if let Ok(clock) = clock_on(&events, TODAY) {
            prop_assert_eq!(clock.status, Status::Withdrawn);
        }
    }
}
