//! `/track`: the public progress lookup by tracking code and the last four
//! digits of the applicant's phone. A wrong combination reads exactly like
//! an unknown code, and failed lookups are throttled per client address.
//! Never shows personal data.

use super::Nav;
use crate::auth::{ClientIp, MaybeSession};
use crate::dates::date_text;
use crate::error::{render, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_store::TrackedSubmission;
use serde::Deserialize;

/// Failed lookups allowed per client address in the window.
pub const TRACK_FAILURES_PER_IP: i64 = 10;
const TRACK_WINDOW_MINUTES: i64 = 15;

pub struct EventLine {
    pub on: String,
    pub label: &'static str,
}

/// What the result shows.
pub struct TrackView {
    pub tracking_code: String,
    pub agency_name: String,
    pub state_label: String,
    pub submitted_at: Option<String>,
    pub received_on: Option<String>,
    pub due_on: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub next_step: String,
    pub events: Vec<EventLine>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    nav: Nav,
    code: String,
    error: Option<String>,
    result: Option<TrackView>,
}

pub async fn track_get(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    Ok(render(&TrackPage {
        nav: Nav::new(&state, session.as_ref()),
        code: String::new(),
        error: None,
        result: None,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone_last4: String,
}

fn shown_time(stored: &str) -> String {
    stored
        .chars()
        .take(16)
        .collect::<String>()
        .replace('T', " ")
}

pub async fn track_post(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    ClientIp(ip): ClientIp,
    ValidForm(form): ValidForm<TrackForm>,
) -> Result<Response, PageError> {
    let store = state.store();
    let code = form.code.trim().to_ascii_uppercase();
    let page = |error: Option<String>, result: Option<TrackView>| TrackPage {
        nav: Nav::new(&state, session.as_ref()),
        code: code.clone(),
        error,
        result,
    };
    let key = format!("track:{ip}");
    let window = time::Duration::minutes(TRACK_WINDOW_MINUTES);
    if store
        .rate_limited(&key, TRACK_FAILURES_PER_IP, window)
        .await?
    {
        let body = render(&page(
            Some("查询失败次数过多，请15分钟后再试".to_string()),
            None,
        ))?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, body).into_response());
    }
    let calendar = store.calendar().await?;
    let found = store.track(&calendar, &code, &form.phone_last4).await?;
    let Some(found) = found else {
        store
            .rate_limit_hit(&key, TRACK_FAILURES_PER_IP, window)
            .await?;
        let body = render(&page(
            Some("未找到与该查询码和联系电话后四位相符的申请，请核对后重试".to_string()),
            None,
        ))?;
        return Ok((StatusCode::NOT_FOUND, body).into_response());
    };
    let agencies = store.agencies().await?;
    let agency_name = |id: i64| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let view = match found {
        TrackedSubmission::Pending {
            tracking_code,
            agency_id,
            submitted_at,
        } => TrackView {
            tracking_code,
            agency_name: agency_name(agency_id),
            state_label: "等待受理机关确认".to_string(),
            submitted_at: Some(shown_time(&submitted_at)),
            received_on: None,
            due_on: None,
            outcome: None,
            reason: None,
            next_step: "受理机关确认收到申请之日为收到申请之日，机关自该日起20个工作日内答复。"
                .to_string(),
            events: Vec::new(),
        },
        TrackedSubmission::Rejected {
            tracking_code,
            agency_id,
            submitted_at,
            decided_on,
            reason,
        } => TrackView {
            tracking_code,
            agency_name: agency_name(agency_id),
            state_label: "未予受理".to_string(),
            submitted_at: Some(shown_time(&submitted_at)),
            received_on: None,
            due_on: None,
            outcome: None,
            reason: Some(reason),
            next_step: format!(
                "受理机关{}未予受理此次网上申请。如有疑问，请联系该机关的政府信息公开工作机构。",
                decided_on.map(|d| format!("于{d}")).unwrap_or_default()
            ),
            events: Vec::new(),
        },
        TrackedSubmission::Application(a) => TrackView {
            agency_name: agency_name(a.agency_id),
            state_label: a.status.label_zh().to_string(),
            submitted_at: None,
            received_on: Some(date_text(a.received_on)),
            due_on: a.due_on.map(date_text),
            outcome: a.outcome.map(|o| o.label().to_string()),
            reason: None,
            next_step: if a.status.is_open() {
                "机关正在办理，将在答复期限内答复；办理中的补正、征求意见、延期等事项见下方记录。"
                    .to_string()
            } else {
                "办理已结束。".to_string()
            },
            events: a
                .events
                .iter()
                .map(|e| EventLine {
                    on: date_text(e.on),
                    label: e.label,
                })
                .collect(),
            tracking_code: a.tracking_code,
        },
    };
    Ok(render(&page(None, Some(view)))?.into_response())
}
