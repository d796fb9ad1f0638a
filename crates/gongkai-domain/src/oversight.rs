//! Oversight (督办) of an agency's applications (issue 5 §4): the figures of
//! a dashboard and the stalling warnings, as pure functions of the events.
//!
//! **Stalling.** A 补正 notice (`correction_requested`) or an extension
//! (`extension_approved`) issued in the last [`STALLING_WORKING_DAYS`] (3)
//! working days before the deadline in force at that moment — or after it —
//! looks like a way to buy time rather than a decision taken when the need
//! arose. "In the last 3 working days" means the working days from the event
//! day to the due date (`Calendar::working_days_between`, the event day not
//! counted) are fewer than 3: the event falls on the due date or one of the
//! two working days before it. The deadline in force is the clock computed
//! from the events recorded before it, judged on the event's day.
//!
//! **Dashboard.** Open, on time, due soon, overdue and awaiting correction are
//! judged as of `today`; "answered late" and the outcome mix count the
//! applications closed in the chosen year, by the month of closing, with the
//! closing date and outcome of the annual report ([`crate::figures::closing`]),
//! so the mix of a whole year adds up to row （七）总计 of table 三.

use crate::applicant::ApplicantKind;
use crate::clock::{
    compute_clock, ApplicationEvent, ClockSettings, EventKind, EventKindName, Status,
};
use crate::figures::{closing, ApplicationFacts};
use crate::outcome::{NotProcessedReason, OtherReason, Outcome, UnavailableReason, WithholdReason};
use gongkai_calendar::Calendar;
use serde::Serialize;
use time::Date;

/// A 补正 or extension this close to the deadline (working days) is stalling.
pub const STALLING_WORKING_DAYS: i64 = 3;

/// One outcome of each of the six decision categories of table 三, in report order.
const CATEGORY_OUTCOMES: [Outcome; 6] = [
    Outcome::Disclosed,
    Outcome::PartlyDisclosed,
    Outcome::Withheld(WithholdReason::StateSecret),
    Outcome::Unavailable(UnavailableReason::NotHeld),
    Outcome::NotProcessed(NotProcessedReason::Petition),
    Outcome::OtherHandling(OtherReason::Other),
];

/// The six decision categories of table 三 (`予以公开` … `其他处理`), in
/// report order, spelled as the report's labels spell them.
pub fn outcome_categories() -> [&'static str; 6] {
    CATEGORY_OUTCOMES.map(Outcome::category_zh)
}

/// The index of an outcome's category in [`outcome_categories`].
pub fn category_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Disclosed => 0,
        Outcome::PartlyDisclosed => 1,
        Outcome::Withheld(_) => 2,
        Outcome::Unavailable(_) => 3,
        Outcome::NotProcessed(_) => 4,
        Outcome::OtherHandling(_) => 5,
    }
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// One stalling event of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stall {
    /// `correction_requested` or `extension_approved`.
    pub event: EventKindName,
    #[serde(with = "iso_date")]
    pub on: Date,
    /// The deadline in force just before the event.
    #[serde(with = "iso_date")]
    pub due_before: Date,
    /// Working days from the event day to that deadline (negative: after it).
    pub remaining_working_days: i64,
}

impl Stall {
    /// One Chinese sentence, e.g. "2025-03-28 发出补正告知，距答复期限 2025-03-31 仅剩1个工作日".
    pub fn message_zh(&self) -> String {
        let what = match self.event {
            EventKindName::CorrectionRequested => "发出补正告知",
            _ => "批准延期",
        };
        if self.remaining_working_days < 0 {
            format!(
                "{} {what}，已超过当时的答复期限 {}（逾期{}个工作日）",
                self.on, self.due_before, -self.remaining_working_days
            )
        } else if self.remaining_working_days == 0 {
            format!("{} {what}，当天即为答复期限届满日", self.on)
        } else {
            format!(
                "{} {what}，距答复期限 {} 仅剩{}个工作日",
                self.on, self.due_before, self.remaining_working_days
            )
        }
    }
}

/// The stalling events of one application (see the module documentation).
/// Events whose deadline cannot be computed (a calendar gap, a broken prefix)
/// are left out rather than guessed.
pub fn stalls(
    events: &[ApplicationEvent],
    calendar: &Calendar,
    settings: &ClockSettings,
) -> Vec<Stall> {
    let mut out = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let name = event.kind.kind_name();
        if !matches!(
            event.kind,
            EventKind::CorrectionRequested | EventKind::ExtensionApproved { .. }
        ) {
            continue;
        }
        let Ok(before) = compute_clock(&events[..i], calendar, settings, event.on) else {
            continue;
        };
        let Some(due) = before.due_on else { continue };
        let Ok(remaining) = calendar.working_days_between(event.on, due) else {
            continue;
        };
        if remaining < STALLING_WORKING_DAYS {
            out.push(Stall {
                event: name,
                on: event.on,
                due_before: due,
                remaining_working_days: remaining,
            });
        }
    }
    out
}

/// What the dashboard needs of one application (no personal data).
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub id: i64,
    pub tracking_code: &'a str,
    pub events: &'a [ApplicationEvent],
    pub outcome: Option<Outcome>,
}

/// Closings of one month by decision category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthMix {
    pub month: u8,
    /// Counts in the order of [`outcome_categories`].
    pub counts: [u32; 6],
    pub total: u32,
}

/// A stalling warning on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StallWarning {
    pub application_id: i64,
    pub tracking_code: String,
    #[serde(flatten)]
    pub stall: Stall,
    pub message: String,
}

/// The dashboard figures of one agency (or a roll-up of several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub year: i32,
    /// Open today: on time + due soon + overdue + awaiting correction.
    pub open: u32,
    pub on_time: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub awaiting_correction: u32,
    /// Received in the year.
    pub received: u32,
    /// Closed in the year (answered, withdrawn, ended).
    pub closed: u32,
    /// Closed in the year by an answer after the deadline.
    pub answered_late: u32,
    /// Twelve months, January first.
    pub by_month: Vec<MonthMix>,
    /// Stalling events dated in the year.
    pub stalling: Vec<StallWarning>,
    /// Applications whose clock could not be computed (left out of the open counts).
    pub unreadable: u32,
}

impl Dashboard {
    pub fn empty(year: i32) -> Dashboard {
        Dashboard {
            year,
            open: 0,
            on_time: 0,
            due_soon: 0,
            overdue: 0,
            awaiting_correction: 0,
            received: 0,
            closed: 0,
            answered_late: 0,
            by_month: (1..=12)
                .map(|month| MonthMix {
                    month,
                    ..MonthMix::default()
                })
                .collect(),
            stalling: Vec::new(),
            unreadable: 0,
        }
    }

    /// Adds another agency's figures (for a supervisor's roll-up).
    pub fn add(&mut self, other: &Dashboard) {
        self.open += other.open;
        self.on_time += other.on_time;
        self.due_soon += other.due_soon;
        self.overdue += other.overdue;
        self.awaiting_correction += other.awaiting_correction;
        self.received += other.received;
        self.closed += other.closed;
        self.answered_late += other.answered_late;
        self.unreadable += other.unreadable;
        for (mine, theirs) in self.by_month.iter_mut().zip(&other.by_month) {
            for (a, b) in mine.counts.iter_mut().zip(theirs.counts) {
                *a += b;
            }
            mine.total += theirs.total;
        }
        self.stalling.extend(other.stalling.iter().cloned());
    }

    /// The closings of the year by category (the sum of the months).
    pub fn category_totals(&self) -> [u32; 6] {
        let mut out = [0; 6];
        for m in &self.by_month {
            for (o, c) in out.iter_mut().zip(m.counts) {
                *o += c;
            }
        }
        out
    }

    /// The largest monthly total (at least 1, for scaling a chart).
    pub fn max_month_total(&self) -> u32 {
        self.by_month
            .iter()
            .map(|m| m.total)
            .max()
            .unwrap_or(0)
            .max(1)
    }
}

/// The dashboard of one agency's applications for `year`, judged on `today`.
pub fn dashboard<'a>(
    cases: impl IntoIterator<Item = CaseFacts<'a>>,
    calendar: &Calendar,
    settings: &ClockSettings,
    today: Date,
    year: i32,
) -> Dashboard {
    let mut d = Dashboard::empty(year);
    for case in cases {
        let received = case
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Received { .. }))
            .map(|e| e.on);
        if received.is_some_and(|r| r.year() == year) {
            d.received += 1;
        }
        let clock = compute_clock(case.events, calendar, settings, today).ok();
        match clock.as_ref().map(|c| c.status) {
            None => d.unreadable += 1,
            Some(Status::OnTime) => d.on_time += 1,
            Some(Status::DueSoon) => d.due_soon += 1,
            Some(Status::Overdue) => d.overdue += 1,
            Some(Status::AwaitingCorrection) => d.awaiting_correction += 1,
            Some(_) => {}
        }
        // The applicant kind does not matter for the closing rule.
        let facts = ApplicationFacts {
            kind: ApplicantKind::NaturalPerson,
            events: case.events,
            outcome: case.outcome,
        };
        if let Some((on, outcome)) = closing(&facts).filter(|(on, _)| on.year() == year) {
            d.closed += 1;
            if clock
                .as_ref()
                .is_some_and(|c| c.status == Status::AnsweredLate)
            {
                d.answered_late += 1;
            }
            if let Some(m) = d.by_month.get_mut(usize::from(u8::from(on.month())) - 1) {
                m.counts[category_index(outcome)] += 1;
                m.total += 1;
            }
        }
        for stall in stalls(case.events, calendar, settings) {
            if stall.on.year() == year {
                d.stalling.push(StallWarning {
                    application_id: case.id,
                    tracking_code: case.tracking_code.to_owned(),
                    message: stall.message_zh(),
                    stall,
                });
            }
        }
    }
    d.open = d.on_time + d.due_soon + d.overdue + d.awaiting_correction;
    d.stalling.sort_by_key(|w| (w.stall.on, w.application_id));
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Channel;
    use crate::outcome::{OtherReason, WithholdReason};
    use proptest::prelude::*;
    use time::macros::date;

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    fn received(on: Date) -> ApplicationEvent {
        ApplicationEvent::new(
            on,
            EventKind::Received {
                channel: Channel::InPerson,
            },
        )
    }

    fn extension(on: Date, days: u32) -> ApplicationEvent {
        ApplicationEvent::new(
            on,
            EventKind::ExtensionApproved {
                working_days: days,
                approver: "王主任".into(),
            },
        )
    }

    #[test]
    fn extension_in_the_last_three_working_days_stalls() {
        let c = cal();
        let r = date!(2025 - 03 - 03);
        let due = c.add_working_days(r, 20).unwrap();
        assert_eq!(due, date!(2025 - 03 - 31));
        for (back, stalling) in [(0, true), (1, true), (2, true), (3, false), (10, false)] {
            // The working day `back` working days before the due date.
            let mut on = due;
            while c.working_days_between(on, due).unwrap() < back {
                on = on.previous_day().unwrap();
            }
            let events = [received(r), extension(on, 10)];
            let found = stalls(&events, &c, &ClockSettings::default());
            assert_eq!(
                !found.is_empty(),
                stalling,
                "{back} working days before: {on}"
            );
            if stalling {
                assert_eq!(found[0].due_before, due);
                assert_eq!(found[0].remaining_working_days, back);
                assert_eq!(found[0].event, EventKindName::ExtensionApproved);
            }
        }
        // After the deadline: stalling too, said so.
        let late = [received(r), extension(date!(2025 - 04 - 02), 5)];
        let found = stalls(&late, &c, &ClockSettings::default());
        assert_eq!(found[0].remaining_working_days, -2);
        assert!(
            found[0].message_zh().contains("已超过"),
            "{}",
            found[0].message_zh()
        );
    }

    #[test]
    fn late_correction_request_stalls_and_early_one_does_not() {
        let c = cal();
        let r = date!(2025 - 03 - 03);
        let early = [
            received(r),
            ApplicationEvent::new(date!(2025 - 03 - 05), EventKind::CorrectionRequested),
        ];
        assert!(stalls(&early, &c, &ClockSettings::default()).is_empty());
        let late = [
            received(r),
            ApplicationEvent::new(date!(2025 - 03 - 28), EventKind::CorrectionRequested),
        ];
        let found = stalls(&late, &c, &ClockSettings::default());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message_zh(),
            "2025-03-28 发出补正告知，距答复期限 2025-03-31 仅剩1个工作日"
        );
    }

    #[test]
    fn dashboard_hand_count() {
        let c = cal();
        let today = date!(2026 - 01 - 15);
        let a = [
            received(date!(2025 - 03 - 03)),
            ApplicationEvent::new(date!(2025 - 03 - 20), EventKind::Answered),
        ];
        let b = [
            received(date!(2025 - 03 - 03)),
            ApplicationEvent::new(date!(2025 - 04 - 10), EventKind::Answered),
        ];
        let w = [
            received(date!(2025 - 05 - 06)),
            ApplicationEvent::new(date!(2025 - 05 - 08), EventKind::Withdrawn),
        ];
        let open_overdue = [received(date!(2025 - 12 - 01))];
        let open_on_time = [received(date!(2026 - 01 - 14))];
        let stalled = [
            received(date!(2025 - 03 - 03)),
            extension(date!(2025 - 03 - 31), 5),
        ];
        let cases = [
            CaseFacts {
                id: 1,
                tracking_code: "A",
                events: &a,
                outcome: Some(Outcome::Disclosed),
            },
            CaseFacts {
                id: 2,
                tracking_code: "B",
                events: &b,
                outcome: Some(Outcome::Withheld(WithholdReason::ThirdPartyRights)),
            },
            CaseFacts {
                id: 3,
                tracking_code: "W",
                events: &w,
                outcome: None,
            },
            CaseFacts {
                id: 4,
                tracking_code: "O",
                events: &open_overdue,
                outcome: None,
            },
            CaseFacts {
                id: 5,
                tracking_code: "N",
                events: &open_on_time,
                outcome: None,
            },
            CaseFacts {
                id: 6,
                tracking_code: "S",
                events: &stalled,
                outcome: None,
            },
        ];
        let d = dashboard(cases, &c, &ClockSettings::default(), today, 2025);
        assert_eq!(d.received, 5);
        assert_eq!((d.open, d.overdue, d.on_time, d.due_soon), (3, 2, 1, 0));
        assert_eq!(d.closed, 3);
        assert_eq!(d.answered_late, 1, "B answered after 2025-03-31");
        assert_eq!(d.by_month[2].counts, [1, 0, 0, 0, 0, 0]);
        assert_eq!(d.by_month[3].counts, [0, 0, 1, 0, 0, 0]);
        assert_eq!(d.by_month[4].counts[5], 1, "withdrawn counts as 其他处理");
        assert_eq!(d.category_totals(), [1, 0, 1, 0, 0, 1]);
        assert_eq!(d.stalling.len(), 1);
        assert_eq!(d.stalling[0].application_id, 6);
        let next = dashboard(cases, &c, &ClockSettings::default(), today, 2026);
        assert_eq!((next.received, next.closed, next.open), (1, 0, 3));
        let _ = OtherReason::Other;
    }

    fn history() -> impl Strategy<Value = (Vec<ApplicationEvent>, Option<Outcome>)> {
        (
            0i64..600,
            0i64..40,
            prop::option::of(1u32..=20),
            0u8..4,
            0i64..60,
        )
            .prop_map(|(start, ext_at, ext_days, end, end_at)| {
                let c = Calendar::builtin();
                let mut r = date!(2024 - 06 - 01) + time::Duration::days(start);
                while !c.is_working_day(r).unwrap() {
                    r = r.next_day().unwrap();
                }
                let mut events = vec![received(r)];
                let mut last = r;
                if let Some(days) = ext_days {
                    let on = r + time::Duration::days(ext_at);
                    events.push(extension(on, days));
                    last = on;
                }
                let on = last + time::Duration::days(end_at);
                let outcome = match end {
                    1 => {
                        events.push(ApplicationEvent::new(on, EventKind::Answered));
                        Some(Outcome::PartlyDisclosed)
                    }
                    2 => {
                        events.push(ApplicationEvent::new(on, EventKind::Withdrawn));
                        None
                    }
                    _ => None,
                };
                (events, outcome)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn an_extension_stalls_exactly_in_the_last_three_working_days((events, _) in history()) {
            let c = cal();
            let found = stalls(&events, &c, &ClockSettings::default());
            let ext = events.iter().find(|e| matches!(e.kind, EventKind::ExtensionApproved { .. }));
            match ext {
                None => prop_assert!(found.is_empty()),
                Some(e) => {
                    let due = c.add_working_days(events[0].on, 20).unwrap();
                    let left = c.working_days_between(e.on, due).unwrap();
                    prop_assert_eq!(found.len(), usize::from(left < 3));
                    if let Some(s) = found.first() {
                        prop_assert_eq!(s.due_before, due);
                        prop_assert_eq!(s.remaining_working_days, left);
                    }
                }
            }
        }

        #[test]
        fn dashboard_parts_add_up(
            cases in proptest::collection::vec(history(), 0..12),
            split in 0usize..12,
            year in 2024i32..=2026,
        ) {
            let c = cal();
            let today = date!(2026 - 06 - 30);
            let facts: Vec<CaseFacts<'_>> = cases
                .iter()
                .enumerate()
                .map(|(i, (events, outcome))| CaseFacts {
                    id: i as i64,
                    tracking_code: "T",
                    events,
                    outcome: *outcome,
                })
                .collect();
            let s = ClockSettings::default();
            let whole = dashboard(facts.iter().copied(), &c, &s, today, year);
            prop_assert_eq!(whole.open, whole.on_time + whole.due_soon + whole.overdue + whole.awaiting_correction);
            prop_assert_eq!(whole.category_totals().iter().sum::<u32>(), whole.closed);
            prop_assert!(whole.answered_late <= whole.closed);
            prop_assert_eq!(whole.open + whole.unreadable + closed_ever(&cases) , cases.len() as u32);
            let cut = split.min(facts.len());
            let mut rolled = dashboard(facts[..cut].iter().copied(), &c, &s, today, year);
            rolled.add(&dashboard(facts[cut..].iter().copied(), &c, &s, today, year));
            rolled.stalling.sort_by_key(|w| (w.stall.on, w.application_id));
            prop_assert_eq!(rolled, whole);
        }
    }

    fn closed_ever(cases: &[(Vec<ApplicationEvent>, Option<Outcome>)]) -> u32 {
        cases
            .iter()
            .filter(|(events, _)| events.iter().any(|e| e.kind.is_final()))
            .count() as u32
    }
}
