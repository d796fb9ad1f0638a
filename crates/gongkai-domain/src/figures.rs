//! Report figures from records: table 三 of the annual report for year Y,
//! computed from an agency's applications (applicant kind, ordered clock
//! events, answered outcome). No figure comes from anything else, so the
//! table's arithmetic holds by construction.
//!
//! # How an application counts in year Y
//! Let *received* be the date of its `received` event and *closed* the date of
//! its first closing event (answered, withdrawn, correction expired, fee
//! expired), if any.
//! - 一、本年新收: received in Y.
//! - 二、上年结转: received before 1 January Y and not closed before 1 January Y
//!   (open on 1 January).
//! - 三、本年度办理结果: closed in Y, in the row of its outcome.
//! - 四、结转下年度继续办理: received by 31 December Y and not closed by then
//!   (open on 31 December).
//!
//! So every application that was open at some point of Y counts exactly once
//! in 三 + 四, and 一 + 二 = 三 + 四 (R1) holds per application and per
//! column; （七）总计 is the sum of the outcome rows (R2) and every row's 总计 is
//! the sum of the six applicant columns (R3).
//!
//! # Which row a closing event counts in
//! - `answered`: the application's outcome (any of the 21 outcome rows; an
//!   agency that records its 告知书 of abandonment as an answer with outcome
//!   `other.correction_overdue` counts there too).
//! - `withdrawn`: （六）3 其他 (`other.other`), as `applications.md` says.
//! - `correction_expired`: （六）1 (`other.correction_overdue`): deemed abandoned (Art. 30).
//! - `fee_expired`: （六）2 (`other.fee_overdue`): deemed abandoned (fee rules).
//!
//! The event decides for the last three; an outcome recorded alongside that
//! disagrees is reported as a [`FiguresProblem`] and ignored. An answer
//! without an outcome counts in `other.other` and is reported too, so that
//! the table still balances. Reports for 2019 and 2020 use the 2019 format,
//! which has one （六） row: the three `other.*` rows are added up into it.
//!
//! Transfers between agencies are not clock events yet. When they are, the
//! sending agency should close the application (suggested: answered with
//! `unavailable.not_held`, the competent agency named, Art. 36(5)) and the
//! receiving agency count a new application received on the day it receives
//! the transfer.

use std::fmt;

use gongkai_report::labels;
use gongkai_report::{AnnualReport, Format};
use serde::Serialize;
use time::{Date, Month};

use crate::applicant::ApplicantKind;
use crate::clock::{ApplicationEvent, EventKind, EventKindName};
use crate::outcome::{OtherReason, Outcome};

/// What figures need of one application.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationFacts<'a> {
    pub kind: ApplicantKind,
    /// Its clock events, in the order recorded.
    pub events: &'a [ApplicationEvent],
    /// The outcome of its answer, if answered.
    pub outcome: Option<Outcome>,
}

/// Something in the records that the figures had to work around. `index` is
/// the application's position in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum FiguresProblem {
    /// No `received` event: the application is not counted at all.
    MissingReceipt { index: usize },
    /// Answered without an outcome: counted in （六）3 其他.
    AnsweredWithoutOutcome { index: usize },
    /// Closed on a date before it was received: treated as closed on the receipt date.
    ClosedBeforeReceipt { index: usize },
    /// Withdrawn or ended, but with a recorded outcome that says otherwise: the event decides.
    OutcomeConflictsWithEvent {
        index: usize,
        outcome: Outcome,
        event: EventKindName,
    },
}

impl fmt::Display for FiguresProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FiguresProblem::MissingReceipt { index } => {
                write!(f, "第{}件申请没有收到申请的记录，未计入统计", index + 1)
            }
            FiguresProblem::AnsweredWithoutOutcome { index } => write!(
                f,
                "第{}件申请已答复但未登记办理结果，计入“其他处理—其他”",
                index + 1
            ),
            FiguresProblem::ClosedBeforeReceipt { index } => write!(
                f,
                "第{}件申请的办结日期早于收到日期，按收到当日办结统计",
                index + 1
            ),
            FiguresProblem::OutcomeConflictsWithEvent {
                index,
                outcome,
                event,
            } => write!(
                f,
                "第{}件申请登记的办理结果“{}”与“{}”事件不符，按事件统计",
                index + 1,
                outcome.summary_zh(),
                event.label_zh()
            ),
        }
    }
}

/// Table 三 of one year: 25 rows in the order of
/// `gongkai_report::labels::APPLICATION_ROWS`, 7 columns each (six applicant
/// kinds and 总计), in the 2021 layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearFigures {
    pub year: i32,
    pub rows: Vec<[i64; 7]>,
    pub problems: Vec<FiguresProblem>,
}

/// Where one application stands in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearPlace {
    pub new: bool,
    pub carried_in: bool,
    /// The outcome row it counts in (三), if closed in the year.
    pub closed_with: Option<Outcome>,
    pub carried_out: bool,
}

/// The report format used for a year's report (2019 format for 2019 and 2020).
pub fn format_for_year(year: i32) -> Format {
    if year <= 2020 {
        Format::F2019
    } else {
        Format::F2021
    }
}

/// The received date, the closing date and the row of the closing, with the
/// problems met on the way.
struct Life {
    received: Date,
    closed: Option<(Date, Outcome)>,
}

fn life(
    index: usize,
    facts: &ApplicationFacts<'_>,
    problems: &mut Vec<FiguresProblem>,
) -> Option<Life> {
    let Some(received) = facts
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Received { .. }))
        .map(|e| e.on)
        .min()
    else {
        problems.push(FiguresProblem::MissingReceipt { index });
        return None;
    };
    // The earliest closing event (first recorded among equal dates).
    let closing = facts.events.iter().filter(|e| e.kind.is_final()).fold(
        None::<&ApplicationEvent>,
        |best, e| match best {
            Some(b) if b.on <= e.on => Some(b),
            _ => Some(e),
        },
    );
    let closed = closing.map(|event| {
        let by_event = match event.kind {
            EventKind::CorrectionExpired => Some(OtherReason::CorrectionOverdue),
            EventKind::FeeExpired => Some(OtherReason::FeeOverdue),
            EventKind::Withdrawn => Some(OtherReason::Other),
            _ => None,
        };
        let outcome = match (by_event, facts.outcome) {
            (Some(reason), recorded) => {
                let outcome = Outcome::OtherHandling(reason);
                if let Some(recorded) = recorded.filter(|o| *o != outcome) {
                    problems.push(FiguresProblem::OutcomeConflictsWithEvent {
                        index,
                        outcome: recorded,
                        event: event.kind.kind_name(),
                    });
                }
                outcome
            }
            (None, Some(outcome)) => outcome,
            (None, None) => {
                problems.push(FiguresProblem::AnsweredWithoutOutcome { index });
                Outcome::OtherHandling(OtherReason::Other)
            }
        };
        let on = if event.on < received {
            problems.push(FiguresProblem::ClosedBeforeReceipt { index });
            received
        } else {
            event.on
        };
        (on, outcome)
    });
    Some(Life { received, closed })
}

/// 1 January and 31 December of `year` (the statistical period).
pub(crate) fn year_bounds(year: i32) -> Option<(Date, Date)> {
    Some((
        Date::from_calendar_date(year, Month::January, 1).ok()?,
        Date::from_calendar_date(year, Month::December, 31).ok()?,
    ))
}

impl Life {
    fn place(&self, first: Date, last: Date) -> YearPlace {
        let received_by_end = self.received <= last;
        let open_at_end = received_by_end && self.closed.is_none_or(|(c, _)| c > last);
        YearPlace {
            new: self.received >= first && received_by_end,
            carried_in: self.received < first && self.closed.is_none_or(|(c, _)| c >= first),
            closed_with: self
                .closed
                .filter(|(c, _)| *c >= first && *c <= last)
                .map(|(_, o)| o),
            carried_out: open_at_end,
        }
    }
}

/// Where one application counts in `year`; `None` without a receipt (or for a
/// year outside the calendar's range).
pub fn year_place(facts: &ApplicationFacts<'_>, year: i32) -> Option<YearPlace> {
    let (first, last) = year_bounds(year)?;
    let life = life(0, facts, &mut Vec::new())?;
    Some(life.place(first, last))
}

/// The day an application was closed and the outcome it counts under, by
/// the same rule as the figures (`None` while open or without a receipt).
pub fn closing(facts: &ApplicationFacts<'_>) -> Option<(Date, Outcome)> {
    life(0, facts, &mut Vec::new())?.closed
}

/// Table 三 of `year` from an agency's applications.
pub fn year_figures<'a>(
    applications: impl IntoIterator<Item = ApplicationFacts<'a>>,
    year: i32,
) -> YearFigures {
    let mut rows = vec![[0i64; 7]; labels::APPLICATION_ROWS.len()];
    let mut problems = Vec::new();
    let Some((first, last)) = year_bounds(year) else {
        return YearFigures {
            year,
            rows,
            problems,
        };
    };
    for (index, facts) in applications.into_iter().enumerate() {
        let Some(life) = life(index, &facts, &mut problems) else {
            continue;
        };
        let place = life.place(first, last);
        let col = facts.kind.column();
        let mut add = |row: usize| {
            if let Some(r) = rows.get_mut(row) {
                r[col] += 1;
                r[6] += 1;
            }
        };
        if place.new {
            add(labels::ROW_NEW);
        }
        if place.carried_in {
            add(labels::ROW_CARRIED_IN);
        }
        if let Some(outcome) = place.closed_with {
            add(outcome.row_index());
            add(labels::ROW_TOTAL);
        }
        if place.carried_out {
            add(labels::ROW_CARRIED_OUT);
        }
    }
    YearFigures {
        year,
        rows,
        problems,
    }
}

/// What table 三 keeps of one application, derived from its events and
/// outcome whenever they change and stored beside it, so that a year's table
/// is an aggregate over stored summaries instead of a replay of every
/// history (see [`year_figures_from_counts`]; the two agree by test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiguresSummary {
    /// The receipt date; `None` without a receipt (never counted).
    pub received: Option<Date>,
    /// The closing date (not before the receipt) and the row it counts in.
    pub closed: Option<(Date, Outcome)>,
    /// The figures meet a [`FiguresProblem`] with this application.
    pub flagged: bool,
}

/// The summary of one application (the same rule as [`year_figures`]).
pub fn summarize(facts: &ApplicationFacts<'_>) -> FiguresSummary {
    let mut problems = Vec::new();
    let life = life(0, facts, &mut problems);
    FiguresSummary {
        received: life.as_ref().map(|l| l.received),
        closed: life.and_then(|l| l.closed),
        flagged: !problems.is_empty(),
    }
}

/// The problems [`year_figures`] reports for one application at position
/// `index` of its input.
pub fn problems_of(index: usize, facts: &ApplicationFacts<'_>) -> Vec<FiguresProblem> {
    let mut problems = Vec::new();
    life(index, facts, &mut problems);
    problems
}

/// Where an application with `summary` counts in `year` (`None`: without a
/// receipt, or outside the calendar's range).
pub fn summary_place(summary: &FiguresSummary, year: i32) -> Option<YearPlace> {
    let (first, last) = year_bounds(year)?;
    let life = Life {
        received: summary.received?,
        closed: summary.closed,
    };
    Some(life.place(first, last))
}

/// The applications of one applicant kind and closing outcome counted by
/// their place in a year: one row of an aggregate over summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceCounts {
    pub kind: ApplicantKind,
    /// The closing outcome (`None`: still open).
    pub outcome: Option<Outcome>,
    pub new: i64,
    pub carried_in: i64,
    /// Closed in the year (counted in the row of `outcome`).
    pub closed: i64,
    pub carried_out: i64,
}

/// Table 三 of `year` from aggregated place counts, with the problems found
/// on the way (the same figures as [`year_figures`] over the applications
/// the counts summarise).
pub fn year_figures_from_counts(
    counts: impl IntoIterator<Item = PlaceCounts>,
    year: i32,
    problems: Vec<FiguresProblem>,
) -> YearFigures {
    let mut rows = vec![[0i64; 7]; labels::APPLICATION_ROWS.len()];
    for c in counts {
        let col = c.kind.column();
        let mut add = |row: usize, n: i64| {
            if let Some(r) = rows.get_mut(row) {
                r[col] = r[col].saturating_add(n);
                r[6] = r[6].saturating_add(n);
            }
        };
        add(labels::ROW_NEW, c.new);
        add(labels::ROW_CARRIED_IN, c.carried_in);
        if let Some(outcome) = c.outcome {
            add(outcome.row_index(), c.closed);
            add(labels::ROW_TOTAL, c.closed);
        }
        add(labels::ROW_CARRIED_OUT, c.carried_out);
    }
    YearFigures {
        year,
        rows,
        problems,
    }
}

impl YearFigures {
    /// One row by its report id (`new`, `withheld.state_secret`, …).
    pub fn row(&self, id: &str) -> Option<&[i64; 7]> {
        let idx = labels::APPLICATION_ROWS.iter().position(|r| r.id == id)?;
        self.rows.get(idx)
    }

    /// Table 三 as the report model holds it for `format`: rows the format
    /// lacks are `None`; in the 2019 format （六） is one row holding all
    /// three `other.*` rows.
    pub fn applications_for(&self, format: Format) -> Vec<Option<[i64; 7]>> {
        let mut out: Vec<Option<[i64; 7]>> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| labels::row_in_format(format, i).then_some(*r))
            .collect();
        if format == Format::F2019 {
            let mut other = [0i64; 7];
            for reason in OtherReason::ALL {
                if let Some(r) = self.rows.get(Outcome::OtherHandling(reason).row_index()) {
                    for (o, v) in other.iter_mut().zip(r) {
                        *o += v;
                    }
                }
            }
            if let Some(slot) = out.get_mut(labels::ROW_OTHER_OTHER) {
                *slot = Some(other);
            }
        }
        out
    }

    /// A report of the year's format with table 三 filled in from the
    /// records and every other table zero (other issues fill them).
    pub fn to_report(&self, agency: Option<String>) -> AnnualReport {
        let format = format_for_year(self.year);
        let mut report = AnnualReport::zeroed(format);
        report.year = Some(self.year);
        report.agency = agency;
        report.applications = self.applications_for(format);
        report
    }
}
