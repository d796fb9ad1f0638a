//! The oversight dashboard (督办) of an agency: open, due soon, overdue,
//! answered late, the outcome mix by month of a year (table and inline SVG
//! chart, server-rendered) and the stalling warnings. For supervisors and
//! admins above, the same figures rolled up over every descendant agency the
//! viewer may read, with a table per agency.
//!
//! Who: anyone with an [`ApplicationReader`](gongkai_domain::ApplicationReader)
//! for the agency (handlers, approvers, admins of it or above, supervisors
//! above); drafters and reviewers get 403.

use super::portal::tree_rows;
use super::Nav;
use crate::auth::StaffSession;
use crate::error::{render, AppError, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use gongkai_domain::access::{application_reader_of, handler_of};
use gongkai_domain::oversight::{outcome_categories, Dashboard};
use gongkai_domain::Principal;
use gongkai_store::Agency;
use serde::Deserialize;

/// Years a dashboard may show.
pub const FIRST_YEAR: i32 = 2019;
pub const LAST_YEAR: i32 = 2100;

/// Colours of the six decision categories (each with ≥ 3:1 contrast on white).
const CATEGORY_COLOURS: [&str; 6] = [
    "#1e7b34", "#4d7c0f", "#b3261e", "#8a5a00", "#0b4f9c", "#555d66",
];

/// The `year` parameter: blank means this year.
pub fn parse_year(text: Option<&str>) -> Result<i32, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(gongkai_store::now().year()),
        Some(t) => t
            .parse::<i32>()
            .ok()
            .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
            .ok_or_else(|| {
                AppError::bad_request(
                    "invalid_input",
                    format!(
                        "字段 year（年度）：“{t}”无效，应为{FIRST_YEAR}至{LAST_YEAR}年之间的年份"
                    ),
                )
            }),
    }
}

/// The dashboards of an agency and of its descendants the principal may read.
pub struct Loaded {
    pub agency: Agency,
    /// The agency itself first, then its descendants depth-first, with depth.
    pub rows: Vec<(Agency, Dashboard)>,
    pub depths: Vec<usize>,
    pub total: Dashboard,
}

pub async fn load_dashboards(
    state: &AppState,
    p: &Principal,
    code: &str,
    year: i32,
) -> Result<Loaded, AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    application_reader_of(p, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let below = tree.descendants_of(agency.id);
    let agencies: Vec<Agency> = store
        .agencies()
        .await?
        .into_iter()
        .filter(|a| below.contains(&a.id))
        .collect();
    let calendar = store.calendar().await?;
    let mut rows = Vec::new();
    let mut depths = Vec::new();
    let mut total = Dashboard::empty(year);
    for row in tree_rows(agencies) {
        let Some(cap) = application_reader_of(p, &tree, row.agency.id) else {
            continue;
        };
        let d = store.agency_dashboard(&cap, &calendar, year).await?;
        total.add(&d);
        depths.push(row.depth);
        rows.push((row.agency, d));
    }
    total
        .stalling
        .sort_by_key(|w| (w.stall.on, w.application_id));
    Ok(Loaded {
        agency,
        rows,
        depths,
        total,
    })
}

pub struct Figure {
    pub label: &'static str,
    pub value: u32,
    pub class: &'static str,
}

pub struct MonthRow {
    pub month: u8,
    pub counts: Vec<u32>,
    pub total: u32,
}

pub struct Segment {
    pub y: u32,
    pub height: u32,
    pub colour: &'static str,
}

pub struct Bar {
    pub x: u32,
    pub label_x: u32,
    pub month: u8,
    pub total: u32,
    pub total_y: u32,
    pub segments: Vec<Segment>,
}

pub struct Legend {
    pub label: &'static str,
    pub colour: &'static str,
}

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub open: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub answered_late: u32,
    pub closed: u32,
    pub stalling: usize,
}

pub struct StallRow {
    pub application_id: i64,
    pub tracking_code: String,
    pub agency_name: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    agency: Agency,
    year: i32,
    rolled_up: bool,
    can_handle: bool,
    figures: Vec<Figure>,
    categories: Vec<&'static str>,
    months: Vec<MonthRow>,
    category_totals: Vec<u32>,
    closed: u32,
    bars: Vec<Bar>,
    legend: Vec<Legend>,
    chart_width: u32,
    chart_height: u32,
    chart_base: u32,
    agencies: Vec<AgencyRow>,
    stalls: Vec<StallRow>,
}

const BAR_WIDTH: u32 = 28;
const BAR_GAP: u32 = 16;
const PLOT_HEIGHT: u32 = 160;
const TOP_MARGIN: u32 = 20;

fn bars(d: &Dashboard) -> Vec<Bar> {
    let max = d.max_month_total();
    d.by_month
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = BAR_GAP + u32::try_from(i).unwrap_or(0) * (BAR_WIDTH + BAR_GAP);
            let mut top = TOP_MARGIN + PLOT_HEIGHT;
            let mut segments = Vec::new();
            for (count, colour) in m.counts.iter().zip(CATEGORY_COLOURS) {
                if *count == 0 {
                    continue;
                }
                let height = (count * PLOT_HEIGHT / max).max(1);
                top = top.saturating_sub(height);
                segments.push(Segment {
                    y: top,
                    height,
                    colour,
                });
            }
            Bar {
                x,
                label_x: x + BAR_WIDTH / 2,
                month: m.month,
                total: m.total,
                total_y: top.saturating_sub(4),
                segments,
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    year: Option<String>,
}

pub async fn agency_dashboard_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let year = parse_year(q.year.as_deref())?;
    let p = &session.principal;
    let loaded = load_dashboards(&state, p, &code, year).await?;
    let tree = state.store().agency_tree().await?;
    let can_handle = handler_of(p, &tree, loaded.agency.id).is_some();
    let d = &loaded.total;
    let figures = vec![
        Figure {
            label: "未办结",
            value: d.open,
            class: "",
        },
        Figure {
            label: "未到期",
            value: d.on_time,
            class: "",
        },
        Figure {
            label: "即将到期（3个工作日内）",
            value: d.due_soon,
            class: "due-soon",
        },
        Figure {
            label: "已逾期",
            value: d.overdue,
            class: "overdue",
        },
        Figure {
            label: "等待补正",
            value: d.awaiting_correction,
            class: "",
        },
        Figure {
            label: "本年度收到",
            value: d.received,
            class: "",
        },
        Figure {
            label: "本年度办结",
            value: d.closed,
            class: "",
        },
        Figure {
            label: "本年度逾期答复",
            value: d.answered_late,
            class: if d.answered_late > 0 { "overdue" } else { "" },
        },
    ];
    let mut figures = figures;
    if d.unreadable > 0 {
        figures.push(Figure {
            label: "期限无法计算（工作日历未覆盖，请导入该年度日历）",
            value: d.unreadable,
            class: "overdue",
        });
    }
    let names: std::collections::HashMap<i64, String> = loaded
        .rows
        .iter()
        .flat_map(|(a, d)| {
            d.stalling
                .iter()
                .map(move |w| (w.application_id, a.name.clone()))
        })
        .collect();
    let page = DashboardPage {
        nav: Nav::new(&state, Some(&session)),
        year,
        rolled_up: loaded.rows.len() > 1,
        can_handle,
        figures,
        categories: outcome_categories().to_vec(),
        months: d
            .by_month
            .iter()
            .map(|m| MonthRow {
                month: m.month,
                counts: m.counts.to_vec(),
                total: m.total,
            })
            .collect(),
        category_totals: d.category_totals().to_vec(),
        closed: d.closed,
        bars: bars(d),
        legend: outcome_categories()
            .into_iter()
            .zip(CATEGORY_COLOURS)
            .map(|(label, colour)| Legend { label, colour })
            .collect(),
        chart_width: BAR_GAP + 12 * (BAR_WIDTH + BAR_GAP),
        chart_height: TOP_MARGIN + PLOT_HEIGHT + 24,
        chart_base: TOP_MARGIN + PLOT_HEIGHT,
        agencies: loaded
            .rows
            .iter()
            .zip(&loaded.depths)
            .map(|((a, d), depth)| AgencyRow {
                code: a.code.clone(),
                name: a.name.clone(),
                depth: *depth,
                open: d.open,
                due_soon: d.due_soon,
                overdue: d.overdue,
                answered_late: d.answered_late,
                closed: d.closed,
                stalling: d.stalling.len(),
            })
            .collect(),
        stalls: d
            .stalling
            .iter()
            .map(|w| StallRow {
                application_id: w.application_id,
                tracking_code: w.tracking_code.clone(),
                agency_name: names.get(&w.application_id).cloned().unwrap_or_default(),
                message: w.message.clone(),
            })
            .collect(),
        agency: loaded.agency,
    };
    Ok(render(&page)?.into_response())
}
