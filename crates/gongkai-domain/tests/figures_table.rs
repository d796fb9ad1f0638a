//! Table 三 from records: a hand count, the withdrawn/abandoned rows, the
//! 2019 format, and properties over random event histories.

use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::clock::{ApplicationEvent, Channel, ConsultationParty, EventKind};
use gongkai_domain::figures::{
    format_for_year, problems_of, summarize, summary_place, year_figures, year_figures_from_counts,
    year_place, ApplicationFacts, FiguresProblem, PlaceCounts,
};
use gongkai_domain::outcome::{Outcome, WithholdReason};
use gongkai_report::{check, Format};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

fn received(on: Date) -> ApplicationEvent {
    ApplicationEvent::new(
        on,
        EventKind::Received {
            channel: Channel::Online,
        },
    )
}

fn ev(on: Date, kind: EventKind) -> ApplicationEvent {
    ApplicationEvent::new(on, kind)
}

#[derive(Debug, Clone)]
struct App {
    kind: ApplicantKind,
    events: Vec<ApplicationEvent>,
    outcome: Option<Outcome>,
}

fn facts(apps: &[App]) -> Vec<ApplicationFacts<'_>> {
    apps.iter()
        .map(|a| ApplicationFacts {
            kind: a.kind,
            events: &a.events,
            outcome: a.outcome,
        })
        .collect()
}

fn rule_errors(report: &gongkai_report::AnnualReport) -> Vec<String> {
    check(report, None)
        .into_iter()
        .filter(|f| ["R1", "R2", "R3", "R4", "R5", "MISSING"].contains(&f.rule.as_str()))
        .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
        .collect()
}

#[test]
fn hand_count() {
    use ApplicantKind::*;
    let apps = vec![
        // Carried in from 2024, answered in 2025: 二 and 三（一）.
        App {
            kind: NaturalPerson,
            events: vec![
                received(date!(2024 - 12 - 20)),
                ev(date!(2025 - 01 - 10), EventKind::Answered),
            ],
            outcome: Some(Outcome::Disclosed),
        },
        // Closed on 31 December 2024: not carried in.
        App {
            kind: NaturalPerson,
            events: vec![
                received(date!(2024 - 12 - 01)),
                ev(date!(2024 - 12 - 31), EventKind::Answered),
            ],
            outcome: Some(Outcome::Disclosed),
        },
        // New and answered in 2025: 一 and 三（三）4.
        App {
            kind: Commercial,
            events: vec![
                received(date!(2025 - 03 - 03)),
                ev(
                    date!(2025 - 03 - 05),
                    EventKind::ConsultationStarted {
                        party: ConsultationParty::ThirdParty,
                    },
                ),
                ev(
                    date!(2025 - 03 - 20),
                    EventKind::ConsultationEnded {
                        party: ConsultationParty::ThirdParty,
                    },
                ),
                ev(date!(2025 - 03 - 25), EventKind::Answered),
            ],
            outcome: Some(Outcome::Withheld(WithholdReason::ThirdPartyRights)),
        },
        // Withdrawn: （六）3.
        App {
            kind: Research,
            events: vec![
                received(date!(2025 - 04 - 01)),
                ev(date!(2025 - 04 - 02), EventKind::Withdrawn),
            ],
            outcome: None,
        },
        // Correction expired: （六）1.
        App {
            kind: LegalService,
            events: vec![
                received(date!(2025 - 05 - 06)),
                ev(date!(2025 - 05 - 08), EventKind::CorrectionRequested),
                ev(date!(2025 - 06 - 09), EventKind::CorrectionExpired),
            ],
            outcome: None,
        },
        // Fee expired: （六）2.
        App {
            kind: PublicInterest,
            events: vec![
                received(date!(2025 - 07 - 01)),
                ev(date!(2025 - 07 - 10), EventKind::FeeNotice),
                ev(date!(2025 - 08 - 08), EventKind::FeeExpired),
            ],
            outcome: None,
        },
        // New in 2025, open on 31 December: 一 and 四.
        App {
            kind: OtherOrganization,
            events: vec![received(date!(2025 - 12 - 29))],
            outcome: None,
        },
        // Received in 2026: not counted in 2025.
        App {
            kind: NaturalPerson,
            events: vec![received(date!(2026 - 01 - 02))],
            outcome: None,
        },
    ];
    let f = year_figures(facts(&apps), 2025);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.row("new"), Some(&[0, 1, 1, 1, 1, 1, 5]));
    assert_eq!(f.row("carried_in"), Some(&[1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(f.row("disclosed"), Some(&[1, 0, 0, 0, 0, 0, 1]));
    assert_eq!(
        f.row("withheld.third_party_rights"),
        Some(&[0, 1, 0, 0, 0, 0, 1])
    );
    assert_eq!(f.row("other.other"), Some(&[0, 0, 1, 0, 0, 0, 1]));
    assert_eq!(
        f.row("other.correction_overdue"),
        Some(&[0, 0, 0, 0, 1, 0, 1])
    );
    assert_eq!(f.row("other.fee_overdue"), Some(&[0, 0, 0, 1, 0, 0, 1]));
    assert_eq!(f.row("total"), Some(&[1, 1, 1, 1, 1, 0, 5]));
    assert_eq!(f.row("carried_out"), Some(&[0, 0, 0, 0, 0, 1, 1]));
    let report = f.to_report(Some("某机关".into()));
    assert_eq!(report.format, Format::F2021);
    assert_eq!(report.year, Some(2025));
    assert!(
        rule_errors(&report).is_empty(),
        "{:?}",
        rule_errors(&report)
    );

    // 2024: the first two are new; the first is carried out.
    let f = year_figures(facts(&apps), 2024);
    assert_eq!(f.row("new").map(|r| r[6]), Some(2));
    assert_eq!(f.row("disclosed").map(|r| r[6]), Some(1));
    assert_eq!(f.row("carried_out").map(|r| r[6]), Some(1));
    // 2026: the December one is carried in, the January one new; both open.
    let f = year_figures(facts(&apps), 2026);
    assert_eq!(f.row("carried_in").map(|r| r[6]), Some(1));
    assert_eq!(f.row("new").map(|r| r[6]), Some(1));
    assert_eq!(f.row("carried_out").map(|r| r[6]), Some(2));
}

#[test]
fn problems_are_reported_and_the_table_still_balances() {
    let apps = vec![
        App {
            kind: ApplicantKind::NaturalPerson,
            events: vec![ev(date!(2025 - 02 - 03), EventKind::Answered)],
            outcome: Some(Outcome::Disclosed),
        },
        App {
            kind: ApplicantKind::NaturalPerson,
            events: vec![
                received(date!(2025 - 02 - 03)),
                ev(date!(2025 - 02 - 04), EventKind::Answered),
            ],
            outcome: None,
        },
        App {
            kind: ApplicantKind::Commercial,
            events: vec![
                received(date!(2025 - 02 - 03)),
                ev(date!(2025 - 02 - 04), EventKind::Withdrawn),
            ],
            outcome: Some(Outcome::Disclosed),
        },
        App {
            kind: ApplicantKind::Commercial,
            events: vec![
                received(date!(2025 - 02 - 03)),
                ev(date!(2024 - 12 - 04), EventKind::Answered),
            ],
            outcome: Some(Outcome::PartlyDisclosed),
        },
    ];
    let f = year_figures(facts(&apps), 2025);
    assert_eq!(
        f.problems,
        vec![
            FiguresProblem::MissingReceipt { index: 0 },
            FiguresProblem::AnsweredWithoutOutcome { index: 1 },
            FiguresProblem::OutcomeConflictsWithEvent {
                index: 2,
                outcome: Outcome::Disclosed,
                event: gongkai_domain::clock::EventKindName::Withdrawn,
            },
            FiguresProblem::ClosedBeforeReceipt { index: 3 },
        ]
    );
    for p in &f.problems {
        assert!(p.to_string().starts_with('第'), "{p}");
    }
    assert_eq!(f.row("other.other").map(|r| r[6]), Some(2));
    assert_eq!(f.row("partly_disclosed").map(|r| r[6]), Some(1));
    assert!(rule_errors(&f.to_report(None)).is_empty());
}

#[test]
fn the_2019_format_folds_other_rows() {
    assert_eq!(format_for_year(2020), Format::F2019);
    assert_eq!(format_for_year(2021), Format::F2021);
    let apps = vec![
        App {
            kind: ApplicantKind::NaturalPerson,
            events: vec![
                received(date!(2020 - 05 - 06)),
                ev(date!(2020 - 06 - 09), EventKind::CorrectionExpired),
            ],
            outcome: None,
        },
        App {
            kind: ApplicantKind::NaturalPerson,
            events: vec![
                received(date!(2020 - 05 - 06)),
                ev(date!(2020 - 06 - 09), EventKind::Withdrawn),
            ],
            outcome: None,
        },
    ];
    let f = year_figures(facts(&apps), 2020);
    let report = f.to_report(None);
    assert_eq!(report.format, Format::F2019);
    assert_eq!(report.application_row("other.correction_overdue"), None);
    assert_eq!(
        report.application_row("other.other"),
        Some(&[2, 0, 0, 0, 0, 0, 2])
    );
    assert!(
        rule_errors(&report).is_empty(),
        "{:?}",
        rule_errors(&report)
    );
}

// ---- properties ----

fn applicant_kind() -> impl Strategy<Value = ApplicantKind> {
    prop::sample::select(ApplicantKind::ALL.to_vec())
}

fn outcome() -> impl Strategy<Value = Option<Outcome>> {
    prop::option::weighted(0.9, prop::sample::select(Outcome::ALL.to_vec()))
}

fn event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::CorrectionRequested),
        Just(EventKind::CorrectionReceived),
        Just(EventKind::CorrectionExpired),
        Just(EventKind::ConsultationStarted {
            party: ConsultationParty::ThirdParty
        }),
        Just(EventKind::ConsultationEnded {
            party: ConsultationParty::CoAuthor
        }),
        Just(EventKind::ExtensionApproved {
            working_days: 10,
            approver: "王主任".into()
        }),
        Just(EventKind::FeeNotice),
        Just(EventKind::FeePaid),
        Just(EventKind::FeeExpired),
        Just(EventKind::Answered),
        Just(EventKind::Withdrawn),
        Just(EventKind::Received {
            channel: Channel::Fax
        }),
    ]
}

/// A random history: usually a receipt first, then events on nondecreasing
/// (sometimes decreasing) days, spread over 2022–2027.
fn app() -> impl Strategy<Value = App> {
    (
        applicant_kind(),
        outcome(),
        prop::bool::weighted(0.95),
        0i64..(365 * 5),
        prop::collection::vec((event_kind(), -5i64..200), 0..6),
    )
        .prop_map(|(kind, outcome, has_receipt, start, steps)| {
            let mut on = date!(2022 - 01 - 01) + Duration::days(start);
            let mut events = Vec::new();
            if has_receipt {
                events.push(received(on));
            }
            for (k, gap) in steps {
                on += Duration::days(gap);
                events.push(ev(on, k));
            }
            App {
                kind,
                events,
                outcome,
            }
        })
}

/// Whether the application was open at some point of `year`, computed
/// directly from the events.
fn open_in_year(a: &App, year: i32) -> bool {
    let Some(rec) = a
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Received { .. }))
        .map(|e| e.on)
        .min()
    else {
        return false;
    };
    let close = a
        .events
        .iter()
        .filter(|e| e.kind.is_final())
        .map(|e| e.on)
        .min()
        .map(|c| c.max(rec));
    rec.year() <= year && close.is_none_or(|c| c.year() >= year)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_history_satisfies_r1_to_r3_and_counts_each_application_once(
        apps in prop::collection::vec(app(), 0..40),
    ) {
        for year in 2021..=2028 {
            let f = year_figures(facts(&apps), year);
            let report = f.to_report(None);
            let errors = rule_errors(&report);
            prop_assert!(errors.is_empty(), "{year}: {errors:?}");
            // Each application alone: exactly once in 三+四 when open in the year.
            let mut sum = vec![[0i64; 7]; f.rows.len()];
            for (i, a) in apps.iter().enumerate() {
                let one = year_figures(facts(std::slice::from_ref(a)), year);
                let total = one.row("total").map_or(0, |r| r[6]);
                let out = one.row("carried_out").map_or(0, |r| r[6]);
                let expected = i64::from(open_in_year(a, year));
                prop_assert_eq!(total + out, expected, "application {} in {}", i, year);
                let place = year_place(&facts(std::slice::from_ref(a))[0], year);
                if let Some(p) = place {
                    prop_assert_eq!(
                        i64::from(p.closed_with.is_some()) + i64::from(p.carried_out),
                        expected
                    );
                    prop_assert_eq!(
                        i64::from(p.new) + i64::from(p.carried_in),
                        expected
                    );
                }
                for (s, r) in sum.iter_mut().zip(&one.rows) {
                    for (x, y) in s.iter_mut().zip(r) {
                        *x += y;
                    }
                }
            }
            // Figures add up over applications.
            prop_assert_eq!(&sum, &f.rows);
            // What leaves one year enters the next (R6).
            let next = year_figures(facts(&apps), year + 1);
            prop_assert_eq!(f.row("carried_out"), next.row("carried_in"));
        }
    }
}

/// What the store's aggregate query does over stored summaries: group by
/// applicant kind and closing outcome, count the places of the year.
fn aggregated(apps: &[App], year: i32) -> Vec<PlaceCounts> {
    let mut groups: Vec<PlaceCounts> = Vec::new();
    for f in facts(apps) {
        let summary = summarize(&f);
        let Some(place) = summary_place(&summary, year) else {
            continue;
        };
        let outcome = summary.closed.map(|(_, o)| o);
        let i = match groups
            .iter()
            .position(|g| g.kind == f.kind && g.outcome == outcome)
        {
            Some(i) => i,
            None => {
                groups.push(PlaceCounts {
                    kind: f.kind,
                    outcome,
                    new: 0,
                    carried_in: 0,
                    closed: 0,
                    carried_out: 0,
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.new += i64::from(place.new);
        g.carried_in += i64::from(place.carried_in);
        g.closed += i64::from(place.closed_with.is_some());
        g.carried_out += i64::from(place.carried_out);
    }
    groups
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The stored per-application summaries, aggregated, give the same
    /// table and the same problems as replaying every history.
    #[test]
    fn aggregated_summaries_give_the_replayed_figures(
        apps in prop::collection::vec(app(), 0..40),
    ) {
        for year in 2021..=2028 {
            let replayed = year_figures(facts(&apps), year);
            let problems: Vec<FiguresProblem> = facts(&apps)
                .iter()
                .enumerate()
                .filter(|(_, f)| summarize(f).flagged)
                .flat_map(|(i, f)| problems_of(i, f))
                .collect();
            let from_counts = year_figures_from_counts(aggregated(&apps, year), year, problems);
            prop_assert_eq!(&replayed, &from_counts);
        }
    }
}
