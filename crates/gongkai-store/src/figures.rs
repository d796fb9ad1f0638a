//! Table 三 of the annual report from stored per-application summaries.
//!
//! Each application row carries what the figures need of it
//! (`gongkai_domain::figures::FiguresSummary`: receipt date, closing date
//! and outcome, whether the figures meet a problem with it), recomputed from
//! its events and outcome in the same transaction as every change to them.
//! A year's table is then one aggregate query per agency, or one for every
//! agency at once (the roll-up), instead of loading and replaying every
//! history; the domain proves the two give the same table
//! (`aggregated_summaries_give_the_replayed_figures`), and the store tests
//! compare them on both backends.
//!
//! The summary is derived data, not a state change of its own: it is
//! written by the transaction that changes the events (which carries the
//! audit entry), or, for rows from before migration 0011, when the store
//! opens.

use std::collections::HashMap;

use gongkai_domain::applicant::ApplicantKind;
use gongkai_domain::clock::ApplicationEvent;
use gongkai_domain::figures::{
    problems_of, summarize, year_figures_from_counts, ApplicationFacts, FiguresProblem,
    FiguresSummary, PlaceCounts, YearFigures,
};
use gongkai_domain::outcome::Outcome;

use crate::applications::{enum_parse, events_in_tx};
use crate::stored::{corrupt, date_text};
use crate::{on_pool, on_tx, Result, Store, Tx};

/// The summary columns of one application: received, closed, outcome, flagged.
fn columns(s: &FiguresSummary) -> (Option<String>, Option<String>, Option<&'static str>, i64) {
    (
        s.received.map(date_text),
        s.closed.map(|(d, _)| date_text(d)),
        s.closed.map(|(_, o)| o.id()),
        i64::from(s.flagged),
    )
}

/// Recomputes the stored summary of application `id` from its events and
/// outcome, in the caller's transaction (after any event or outcome change).
pub(crate) async fn refresh_in_tx(tx: &mut Tx, id: i64) -> Result<()> {
    let (kind, outcome): (String, Option<String>) = on_tx!(tx, c => sqlx::query_as(
        "SELECT applicant_kind, outcome FROM applications WHERE id = $1")
        .bind(id).fetch_one(c).await)?;
    let events: Vec<ApplicationEvent> = events_in_tx(tx, id)
        .await?
        .into_iter()
        .map(|e| e.event)
        .collect();
    let summary = summarize(&ApplicationFacts {
        kind: enum_parse("申请人类型", &kind)?,
        events: &events,
        outcome: parse_outcome(outcome.as_deref())?,
    });
    let (received, closed, closed_as, flagged) = columns(&summary);
    on_tx!(tx, c => sqlx::query(
        "UPDATE applications SET figures_received_on = $1, figures_closed_on = $2, figures_outcome = $3, figures_flagged = $4, figures_stale = 0 WHERE id = $5")
        .bind(received).bind(closed).bind(closed_as).bind(flagged).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The summary columns for a bulk insert (events known in memory).
pub(crate) fn bulk_columns(
    kind: ApplicantKind,
    events: &[ApplicationEvent],
    outcome: Option<Outcome>,
) -> (Option<String>, Option<String>, Option<&'static str>, i64) {
    columns(&summarize(&ApplicationFacts {
        kind,
        events,
        outcome,
    }))
}

fn parse_outcome(text: Option<&str>) -> Result<Option<Outcome>> {
    text.map(|o| Outcome::parse(o).map_err(|e| corrupt("办理结果", e)))
        .transpose()
}

type CountRow = (i64, String, Option<String>, i64, i64, i64, i64);

fn place_counts(row: &CountRow) -> Result<PlaceCounts> {
    let (_, kind, outcome, new, carried_in, closed, carried_out) = row;
    Ok(PlaceCounts {
        kind: enum_parse("申请人类型", kind)?,
        outcome: parse_outcome(outcome.as_deref())?,
        new: *new,
        carried_in: *carried_in,
        closed: *closed,
        carried_out: *carried_out,
    })
}

/// The aggregate over summaries: per agency, applicant kind and closing
/// outcome, how many applications are new in the year, carried in, closed
/// in it and carried out (`$1`/`$2`: 1 January and 31 December).
macro_rules! counts_select {
    () => {
        "SELECT agency_id, applicant_kind, figures_outcome,
    SUM(CASE WHEN figures_received_on >= $1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN figures_received_on < $1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN figures_closed_on IS NOT NULL AND figures_closed_on <= $2 THEN 1 ELSE 0 END),
    SUM(CASE WHEN figures_closed_on IS NULL OR figures_closed_on > $2 THEN 1 ELSE 0 END)
  FROM applications
  WHERE figures_received_on IS NOT NULL AND figures_received_on <= $2
    AND (figures_closed_on IS NULL OR figures_closed_on >= $1)"
    };
}

fn bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

impl Store {
    /// Summarises the applications written before the summaries existed
    /// (marked stale by migration 0011), a batch per transaction. Returns
    /// how many were summarised.
    pub(crate) async fn refresh_stale_figures(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            let ids: Vec<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
                "SELECT id FROM applications WHERE figures_stale = 1 ORDER BY id LIMIT 500")
                .fetch_all(p).await)?;
            if ids.is_empty() {
                return Ok(done);
            }
            let mut tx = self.begin().await?;
            for id in &ids {
                refresh_in_tx(&mut tx, *id).await?;
            }
            tx.commit().await?;
            done += ids.len();
        }
    }

    /// Table 三 of `year` for one agency from the stored summaries, with the
    /// problems of its applications received by 31 December (numbered by
    /// their position among those, oldest id first, as `year_figures` does).
    pub(crate) async fn year_figures_of(&self, agency_id: i64, year: i32) -> Result<YearFigures> {
        let (first, last) = bounds(year);
        let sql = concat!(
            counts_select!(),
            " AND agency_id = $3 GROUP BY agency_id, applicant_kind, figures_outcome"
        );
        let rows: Vec<CountRow> = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(&first).bind(&last).bind(agency_id).fetch_all(p).await)?;
        let counts = rows.iter().map(place_counts).collect::<Result<Vec<_>>>()?;
        let problems = self.figures_problems(agency_id, &last).await?;
        Ok(year_figures_from_counts(counts, year, problems))
    }

    /// Table 三 of `year` for every agency that has counted applications
    /// (the roll-up), without problems; an agency missing from the map has
    /// an all-zero table.
    pub(crate) async fn year_figures_of_all(&self, year: i32) -> Result<HashMap<i64, YearFigures>> {
        let (first, last) = bounds(year);
        let sql = concat!(
            counts_select!(),
            " GROUP BY agency_id, applicant_kind, figures_outcome"
        );
        let rows: Vec<CountRow> = on_pool!(&self.pool, p => sqlx::query_as(sql)
            .bind(&first).bind(&last).fetch_all(p).await)?;
        let mut by_agency: HashMap<i64, Vec<PlaceCounts>> = HashMap::new();
        for row in &rows {
            by_agency.entry(row.0).or_default().push(place_counts(row)?);
        }
        Ok(by_agency
            .into_iter()
            .map(|(id, counts)| (id, year_figures_from_counts(counts, year, Vec::new())))
            .collect())
    }

    /// The problems of the agency's flagged applications received by
    /// `until`, each replayed from its history (they are rare).
    async fn figures_problems(&self, agency_id: i64, until: &str) -> Result<Vec<FiguresProblem>> {
        let flagged: Vec<(i64, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
            // `|| ''`: SQLite would otherwise read the agency's applications by
            // receipt date instead of the partial index of flagged ones.
            "SELECT id, applicant_kind, outcome FROM applications WHERE agency_id = $1 AND received_on || '' <= $2 AND figures_flagged = 1 ORDER BY id")
            .bind(agency_id).bind(until).fetch_all(p).await)?;
        let mut problems = Vec::new();
        for (id, kind, outcome) in flagged {
            let before: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(
                "SELECT COUNT(*) FROM applications WHERE agency_id = $1 AND received_on <= $2 AND id < $3")
                .bind(agency_id).bind(until).bind(id).fetch_one(p).await)?;
            let events: Vec<ApplicationEvent> = self
                .events_of(id)
                .await?
                .into_iter()
                .map(|e| e.event)
                .collect();
            problems.extend(problems_of(
                usize::try_from(before).unwrap_or(usize::MAX),
                &ApplicationFacts {
                    kind: enum_parse("申请人类型", &kind)?,
                    events: &events,
                    outcome: parse_outcome(outcome.as_deref())?,
                },
            ));
        }
        Ok(problems)
    }
}
