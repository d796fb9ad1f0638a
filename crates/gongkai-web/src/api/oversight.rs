//! Handling and oversight over JSON (issue 5 §3–4): the identity hints of an
//! application (part of `GET /api/v1/applications/{id}`) and an agency's
//! dashboard, rolled up over the descendants the caller may read.

use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::pages::dashboard::{load_dashboards, parse_year};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use gongkai_domain::identity::Hint;
use gongkai_domain::oversight::{outcome_categories, Dashboard};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One hint about an application's applicant across applications.
#[derive(Serialize, ToSchema)]
pub struct HintJson {
    /// `repeated` (a similar request of the same applicant within 6 months
    /// before: bigram Jaccard ≥ 0.5), `monthly_count` (the applicant's
    /// applications this calendar month, for 按件计收) or `excessive` (more
    /// than 10 in the month).
    pub kind: String,
    /// The hint in Chinese.
    pub message: String,
    /// Whether lists flag it (`repeated`, `excessive`).
    pub warning: bool,
    /// `repeated`: the earlier application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_received_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity_percent: Option<u8>,
    /// `monthly_count`, `excessive`: the calendar month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// `monthly_count`: this application's place in the month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<u32>,
    /// `monthly_count`, `excessive`: the month's applications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    /// `monthly_count`: 按件计收 rate of this application in yuan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_yuan: Option<u64>,
}

pub fn hint_json(h: &Hint) -> HintJson {
    let mut out = HintJson {
        kind: h.kind_name().to_string(),
        message: h.message_zh(),
        warning: h.is_warning(),
        earlier_id: None,
        earlier_received_on: None,
        similarity_percent: None,
        year: None,
        month: None,
        ordinal: None,
        total: None,
        rate_yuan: None,
    };
    match h {
        Hint::Repeated {
            earlier_id,
            earlier_received_on,
            similarity_percent,
        } => {
            out.earlier_id = Some(*earlier_id);
            out.earlier_received_on = Some(earlier_received_on.to_string());
            out.similarity_percent = Some(*similarity_percent);
        }
        Hint::MonthlyCount {
            year,
            month,
            ordinal,
            total,
            rate_yuan,
        } => {
            out.year = Some(*year);
            out.month = Some(*month);
            out.ordinal = Some(*ordinal);
            out.total = Some(*total);
            out.rate_yuan = Some(*rate_yuan);
        }
        Hint::Excessive { year, month, total } => {
            out.year = Some(*year);
            out.month = Some(*month);
            out.total = Some(*total);
        }
    }
    out
}

#[derive(Serialize, ToSchema)]
pub struct MonthMixJson {
    pub month: u8,
    /// Closings by category, in the order of `categories`.
    pub counts: Vec<u32>,
    pub total: u32,
}

#[derive(Serialize, ToSchema)]
pub struct StallJson {
    pub application_id: i64,
    pub tracking_code: String,
    /// `correction_requested` or `extension_approved`.
    pub event: String,
    pub on: String,
    /// The deadline in force just before the event.
    pub due_before: String,
    /// Working days from the event to that deadline (negative: after it).
    pub remaining_working_days: i64,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardJson {
    /// Open today: on_time + due_soon + overdue + awaiting_correction.
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
    pub by_month: Vec<MonthMixJson>,
    /// 补正 or extensions in the last 3 working days before the deadline (or after it), dated in the year.
    pub stalling: Vec<StallJson>,
}

#[derive(Serialize, ToSchema)]
pub struct AgencyDashboardJson {
    pub agency: String,
    pub name: String,
    pub dashboard: DashboardJson,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardResponseJson {
    pub agency: String,
    pub year: i32,
    /// The decision categories of table 三, the order of every `counts`.
    pub categories: Vec<String>,
    /// The agency and every descendant the caller may read, added up.
    pub total: DashboardJson,
    /// One entry per agency (the agency itself first).
    pub agencies: Vec<AgencyDashboardJson>,
}

pub fn dashboard_json(d: &Dashboard) -> DashboardJson {
    DashboardJson {
        open: d.open,
        on_time: d.on_time,
        due_soon: d.due_soon,
        overdue: d.overdue,
        awaiting_correction: d.awaiting_correction,
        received: d.received,
        closed: d.closed,
        answered_late: d.answered_late,
        by_month: d
            .by_month
            .iter()
            .map(|m| MonthMixJson {
                month: m.month,
                counts: m.counts.to_vec(),
                total: m.total,
            })
            .collect(),
        stalling: d
            .stalling
            .iter()
            .map(|w| StallJson {
                application_id: w.application_id,
                tracking_code: w.tracking_code.clone(),
                event: w.stall.event.name().to_string(),
                on: w.stall.on.to_string(),
                due_before: w.stall.due_before.to_string(),
                remaining_working_days: w.stall.remaining_working_days,
                message: w.message.clone(),
            })
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct DashboardQuery {
    /// The year of the outcome mix, answered-late count and stalling list (default: this year).
    pub year: Option<String>,
}

/// The oversight dashboard of an agency, rolled up over its descendants for
/// supervisors and admins above (handlers, approvers, supervisors, admins; not drafters or reviewers).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/dashboard", tag = "applications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), DashboardQuery),
    responses((status = 200, body = DashboardResponseJson), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_dashboard_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Json<DashboardResponseJson>, ApiError> {
    let year = parse_year(q.year.as_deref())?;
    let loaded = load_dashboards(&state, &p.0, &code, year).await?;
    Ok(Json(DashboardResponseJson {
        agency: loaded.agency.code.clone(),
        year,
        categories: outcome_categories().iter().map(|c| c.to_string()).collect(),
        total: dashboard_json(&loaded.total),
        agencies: loaded
            .rows
            .iter()
            .map(|(a, d)| AgencyDashboardJson {
                agency: a.code.clone(),
                name: a.name.clone(),
                dashboard: dashboard_json(d),
            })
            .collect(),
    }))
}
