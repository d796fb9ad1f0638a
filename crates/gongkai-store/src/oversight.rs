//! Reads for handling and oversight (issue 5 §3–4): identity hints of
//! applications (repeats, monthly counts, excessive) and an agency's
//! dashboard. Both are computed by pure functions of `gongkai_domain`
//! (`identity::hints_for`, `oversight::dashboard`) from stored rows; both need
//! an [`ApplicationReader`], as they name individual applications. Hints
//! compare applications of the reader's agency only.

use crate::stored::{corrupt, parse_date};
use crate::{on_pool, Result, Store};
use gongkai_calendar::Calendar;
use gongkai_domain::clock::{ApplicationEvent, ClockSettings};
use gongkai_domain::identity::{hints_for, Filing, Hint};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::oversight::{dashboard, CaseFacts, Dashboard};
use gongkai_domain::ApplicationReader;
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

/// The event inside a stored payload (outcome and reason are not needed here).
#[derive(Deserialize)]
struct PayloadEvent {
    event: ApplicationEvent,
}

impl Store {
    /// The identity hints of one application of the reader's agency: earlier
    /// similar requests of the same applicant within six months, the
    /// applicant's count in the calendar month (with its 按件计收 rate), and
    /// the excessive warning. Empty when the applicant has no identity key
    /// (or the application is not the agency's).
    pub async fn application_hints(&self, cap: &ApplicationReader, id: i64) -> Result<Vec<Hint>> {
        let rows: Vec<(i64, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, received_on, request FROM applications
             WHERE agency_id = $1 AND identity_key IS NOT NULL
               AND identity_key = (SELECT identity_key FROM applications WHERE id = $2 AND agency_id = $1)
             ORDER BY received_on, id")
            .bind(cap.agency_id()).bind(id).fetch_all(p).await)?;
        let dates = rows
            .iter()
            .map(|(_, on, _)| parse_date(on))
            .collect::<Result<Vec<Date>>>()?;
        let filings: Vec<Filing<'_>> = rows
            .iter()
            .zip(dates)
            .map(|((id, _, request), received_on)| Filing {
                id: *id,
                received_on,
                request,
            })
            .collect();
        Ok(filings
            .iter()
            .find(|f| f.id == id)
            .map(|this| hints_for(this, &filings))
            .unwrap_or_default())
    }

    /// [`Store::application_hints`] of several applications (e.g. one page of a list).
    pub async fn applications_hints(
        &self,
        cap: &ApplicationReader,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<Hint>>> {
        let mut out = HashMap::with_capacity(ids.len());
        for &id in ids {
            out.insert(id, self.application_hints(cap, id).await?);
        }
        Ok(out)
    }

    /// The dashboard of the reader's agency for `year`, judged today: open,
    /// due soon, overdue, answered late, the outcome mix by month and the
    /// stalling warnings.
    pub async fn agency_dashboard(
        &self,
        cap: &ApplicationReader,
        calendar: &Calendar,
        year: i32,
    ) -> Result<Dashboard> {
        let apps: Vec<(i64, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, tracking_code, outcome FROM applications WHERE agency_id = $1 ORDER BY id")
            .bind(cap.agency_id()).fetch_all(p).await)?;
        let events: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT e.application_id, e.payload FROM application_events e
             JOIN applications a ON a.id = e.application_id
             WHERE a.agency_id = $1 ORDER BY e.application_id, e.seq")
            .bind(cap.agency_id()).fetch_all(p).await)?;
        let mut by_app: HashMap<i64, Vec<ApplicationEvent>> = HashMap::new();
        for (id, payload) in events {
            let p: PayloadEvent =
                serde_json::from_str(&payload).map_err(|e| corrupt("申请事件", e))?;
            by_app.entry(id).or_default().push(p.event);
        }
        let outcomes = apps
            .iter()
            .map(|(_, _, o)| {
                o.as_deref()
                    .map(|o| Outcome::parse(o).map_err(|e| corrupt("办理结果", e)))
                    .transpose()
            })
            .collect::<Result<Vec<Option<Outcome>>>>()?;
        let empty = Vec::new();
        let cases = apps
            .iter()
            .zip(outcomes)
            .map(|((id, code, _), outcome)| CaseFacts {
                id: *id,
                tracking_code: code,
                events: by_app.get(id).unwrap_or(&empty),
                outcome,
            });
        Ok(dashboard(
            cases,
            calendar,
            &ClockSettings::default(),
            crate::now().date(),
            year,
        ))
    }
}
