//! Disclosure applications over JSON (issue 5 §5): registration, clock
//! events, reads, lists and the table 三 figures of a year.
//!
//! Capabilities: registering and recording events need [`handler_of`]
//! (handlers and approvers of the agency, admins of it or above); reading an
//! application or a list needs [`application_reader_of`] (those, plus
//! supervisors above; never drafters or reviewers, who must not see
//! applicants); the figures need only [`staff_view_of`]. For
//! `/applications/{id}` the agency is the application's own, looked up in
//! the store: a client never names it.

use super::lookup::agency_and_tree;
use super::ApiJson;
use crate::auth::ApiPrincipal;
use crate::dates::{date_text, parse_date};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use gongkai_domain::access::{application_reader_of, handler_of, staff_view_of};
use gongkai_domain::applicant::{ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{
    ApplicationEvent, Channel, ConsultationParty, EventKind, EventKindName, Status,
};
use gongkai_domain::{AgencyHandler, AgencyTree, ApplicationReader, Principal, Role};
use gongkai_store::{
    Agency, Application, ApplicationFilter, ApplicationSummary, NewApplication, NewEvent,
    RecordedEvent,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn invalid(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::bad_request("invalid_input", format!("字段 {field}：{message}"))
}

fn application_not_found() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, "not_found", "申请不存在")
}

// ---- shapes ----

#[derive(Deserialize, ToSchema)]
pub struct ApplicantInJson {
    /// `natural_person`, `commercial`, `research`, `public_interest`, `legal_service` or `other_organization`.
    pub kind: String,
    pub name: String,
    /// 居民身份证号 (natural persons).
    pub id_number: Option<String>,
    /// 统一社会信用代码 (organisations).
    pub credit_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewApplicationJson {
    pub applicant: ApplicantInJson,
    /// `in_person`, `signed_mail`, `ordinary_mail`, `online` or `fax`.
    pub channel: String,
    /// Receipt date under 条例 Art. 31 (`YYYY-MM-DD`), not in the future.
    pub received_on: String,
    /// The information sought.
    pub request: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewEventJson {
    /// `correction_requested`, `correction_received`, `correction_expired`,
    /// `consultation_started`, `consultation_ended`, `extension_approved`,
    /// `fee_notice`, `fee_paid`, `fee_expired`, `answered` or `withdrawn`.
    pub kind: String,
    /// `YYYY-MM-DD`, not in the future.
    pub on: String,
    /// Working days of an extension (1–20).
    pub days: Option<u32>,
    /// Who approved an extension (the head of the disclosure office);
    /// defaults to the caller when the caller holds the approver role.
    pub approver: Option<String>,
    /// Consultation party: `third_party` (default) or `co_author`.
    pub party: Option<String>,
    /// Outcome id of an answer (a table 三 row id, e.g. `partly_disclosed`).
    pub outcome: Option<String>,
    /// Reasons, e.g. for anything withheld.
    pub reason: Option<String>,
    /// What the event's letter says (optional; when sent, it must be complete
    /// for the kind: see [`EventDetailsInJson`]).
    pub details: Option<EventDetailsInJson>,
}

/// Details of an event for its letter. Only the fields of the event's kind
/// are allowed; bad or missing ones give `invalid_input` naming `details.<field>`.
#[derive(Deserialize, ToSchema, Default)]
pub struct EventDetailsInJson {
    /// correction_requested (required): everything to correct, one item each.
    pub items: Option<Vec<String>>,
    /// correction_requested: deadline for the correction (`YYYY-MM-DD`, after the notice).
    pub correction_deadline: Option<String>,
    /// consultation_started (required): the third party or co-author agency.
    pub party_name: Option<String>,
    /// consultation_started: its contact.
    pub party_contact: Option<String>,
    /// fee_notice (required): `per_application` (按件) or `per_page` (按量).
    pub fee_method: Option<String>,
    /// fee_notice (required): the applicant's applications this calendar month
    /// (this one included), or the pages; the amount is computed by the fee rules.
    pub fee_quantity: Option<u32>,
    /// answered: the citation; defaults to the outcome's 条例 article.
    pub legal_basis: Option<String>,
    /// answered (disclosed / partly_disclosed): how the information is provided.
    pub delivery_method: Option<String>,
    /// answered: when it is provided (`YYYY-MM-DD`).
    pub delivery_on: Option<String>,
    /// answered: where it is already public.
    pub public_location: Option<String>,
    /// answered `unavailable.not_held`: the competent agency…
    pub competent_agency: Option<String>,
    /// …and its contacts (required with it).
    pub competent_contact: Option<String>,
    /// answered: documents released.
    pub attachments: Option<Vec<String>>,
}

impl EventDetailsInJson {
    fn into_input(self) -> gongkai_domain::details::DetailsInput {
        gongkai_domain::details::DetailsInput {
            items: self.items.unwrap_or_default(),
            correction_deadline: self.correction_deadline,
            party_name: self.party_name,
            party_contact: self.party_contact,
            fee_method: self.fee_method,
            fee_quantity: self.fee_quantity,
            legal_basis: self.legal_basis,
            delivery_method: self.delivery_method,
            delivery_on: self.delivery_on,
            public_location: self.public_location,
            competent_agency: self.competent_agency,
            competent_contact: self.competent_contact,
            attachments: self.attachments.unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TransferJson {
    /// Code of the receiving agency (the competent one).
    pub to: String,
    /// Transfer date (`YYYY-MM-DD`, not in the future): the sender's answer
    /// date and the receiver's receipt date.
    pub on: String,
    /// Why the receiving agency is the competent one (printed in the answer).
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TransferredJson {
    /// Code of the receiving agency.
    pub agency: String,
    /// The receiving agency's new application.
    pub id: i64,
    pub tracking_code: String,
    pub due_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TransferResultJson {
    /// The sending agency's application, answered `unavailable.not_held`.
    pub application: ApplicationJson,
    pub transferred_to: TransferredJson,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicantJson {
    pub kind: String,
    pub name: String,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EventJson {
    pub seq: i64,
    pub on: String,
    pub kind: String,
    /// Chinese label of the kind.
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The event's details as stored (see `EventDetailsInJson`; fee_notice
    /// adds `fee_amount_yuan` and `fee_basis`; transfers add `transferred_to`,
    /// `transfer_tracking_code` or `transferred_from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    /// Who recorded it.
    pub actor: String,
    pub recorded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    pub id: i64,
    pub tracking_code: String,
    /// Code of the agency.
    pub agency: String,
    /// `on_time`, `due_soon`, `overdue`, `awaiting_correction`, `answered_on_time`, `answered_late`, `withdrawn` or `ended`.
    pub status: String,
    pub status_text: String,
    /// Last day to answer; absent while waiting for a correction.
    pub due_on: Option<String>,
    pub received_on: String,
    pub channel: String,
    pub request: String,
    pub applicant: ApplicantJson,
    /// Outcome id once answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// How the due date was reached, one step per line.
    pub explanation: Vec<String>,
    pub warnings: Vec<String>,
    pub events: Vec<EventJson>,
    /// The applicant across the agency's applications: repeats, the monthly
    /// count for 按件计收, excessive (see `identity.rs`).
    pub hints: Vec<super::oversight::HintJson>,
}

#[derive(Serialize, ToSchema)]
pub struct MaskedApplicantJson {
    pub kind: String,
    pub name: String,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummaryJson {
    pub id: i64,
    pub tracking_code: String,
    pub status: String,
    pub due_on: Option<String>,
    pub received_on: String,
    pub channel: String,
    pub request: String,
    /// Masked (`张*`, `3708**********1234`, `138****5678`).
    pub applicant: MaskedApplicantJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn event_json(e: &RecordedEvent) -> EventJson {
    let kind = e.event.kind.kind_name();
    let mut out = EventJson {
        seq: e.seq,
        on: date_text(e.event.on),
        kind: kind.name().to_string(),
        label: kind.label_zh().to_string(),
        channel: None,
        party: None,
        days: None,
        approver: None,
        outcome: e.outcome.map(|o| o.id().to_string()),
        reason: e.reason.clone(),
        details: e
            .details
            .as_ref()
            .and_then(|d| serde_json::to_value(d).ok()),
        actor: e.actor_label.clone(),
        recorded_at: e.created_at.clone(),
    };
    match &e.event.kind {
        EventKind::Received { channel } => out.channel = Some(channel.name().to_string()),
        EventKind::ConsultationStarted { party } | EventKind::ConsultationEnded { party } => {
            out.party = Some(party.name().to_string())
        }
        EventKind::ExtensionApproved {
            working_days,
            approver,
        } => {
            out.days = Some(*working_days);
            out.approver = Some(approver.clone());
        }
        _ => {}
    }
    out
}

fn application_json(a: &Application, agency_code: &str) -> ApplicationJson {
    let (status_text, explanation, warnings) = match &a.clock {
        Some(c) => (
            c.status_text.clone(),
            c.explanation.clone(),
            c.warnings.clone(),
        ),
        None => (a.status.label_zh().to_string(), Vec::new(), Vec::new()),
    };
    ApplicationJson {
        id: a.id,
        tracking_code: a.tracking_code.clone(),
        agency: agency_code.to_string(),
        status: name_of(&a.status),
        status_text,
        due_on: a.due_on.map(date_text),
        received_on: date_text(a.received_on),
        channel: a.channel.name().to_string(),
        request: a.request.clone(),
        applicant: ApplicantJson {
            kind: a.applicant.kind.name().to_string(),
            name: a.applicant.name.clone(),
            id_number: a.applicant.id_number.clone(),
            credit_code: a.applicant.credit_code.clone(),
            phone: a.applicant.phone.clone(),
            email: a.applicant.email.clone(),
            address: a.applicant.address.clone(),
        },
        outcome: a.outcome.map(|o| o.id().to_string()),
        explanation,
        warnings,
        events: a.events.iter().map(event_json).collect(),
        hints: Vec::new(),
    }
}

/// The application's identity hints, as JSON.
async fn hints_of(
    state: &AppState,
    cap: &ApplicationReader,
    id: i64,
) -> Result<Vec<super::oversight::HintJson>, AppError> {
    let hints = state.store().application_hints(cap, id).await?;
    Ok(hints.iter().map(super::oversight::hint_json).collect())
}

fn summary_json(a: &ApplicationSummary) -> ApplicationSummaryJson {
    ApplicationSummaryJson {
        id: a.id,
        tracking_code: a.tracking_code.clone(),
        status: name_of(&a.status),
        due_on: a.due_on.map(date_text),
        received_on: date_text(a.received_on),
        channel: a.channel.name().to_string(),
        request: a.request.clone(),
        applicant: MaskedApplicantJson {
            kind: a.applicant.kind.name().to_string(),
            name: a.applicant.name.clone(),
            id_number: a.applicant.id_number.clone(),
            credit_code: a.applicant.credit_code.clone(),
            phone: a.applicant.phone.clone(),
        },
        outcome: a.outcome.map(|o| o.id().to_string()),
    }
}

// ---- capabilities ----

/// The application's own agency (from the store) and the tree.
async fn agency_of_application(
    state: &AppState,
    id: &str,
) -> Result<(i64, Agency, AgencyTree), AppError> {
    let id: i64 = id.trim().parse().map_err(|_| application_not_found())?;
    let agency_id = state
        .store()
        .application_agency_id(id)
        .await?
        .ok_or_else(application_not_found)?;
    let all = state.store().agencies().await?;
    let agency = all
        .iter()
        .find(|a| a.id == agency_id)
        .cloned()
        .ok_or_else(application_not_found)?;
    Ok((
        id,
        agency,
        AgencyTree::new(all.iter().map(|a| (a.id, a.parent_id))),
    ))
}

/// Staff of the agency who lack the capability are told so (403); anyone
/// else does not learn that the application exists (404).
fn refused(p: &Principal, tree: &AgencyTree, agency: &Agency) -> AppError {
    if staff_view_of(p, tree, agency.id).is_some() {
        AppError::forbidden()
    } else {
        application_not_found()
    }
}

async fn handler_for_application(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(i64, Agency, AgencyHandler), AppError> {
    let (id, agency, tree) = agency_of_application(state, id).await?;
    let cap = handler_of(p, &tree, agency.id).ok_or_else(|| refused(p, &tree, &agency))?;
    Ok((id, agency, cap))
}

async fn reader_for_application(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(i64, Agency, ApplicationReader), AppError> {
    let (id, agency, tree) = agency_of_application(state, id).await?;
    let cap =
        application_reader_of(p, &tree, agency.id).ok_or_else(|| refused(p, &tree, &agency))?;
    Ok((id, agency, cap))
}

// ---- handlers ----

/// Registers an application received on any channel (handlers, approvers and admins of the agency).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications", tag = "applications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码")),
    request_body = NewApplicationJson,
    responses((status = 201, description = "已登记；due_on 为收到申请后第20个工作日", body = ApplicationJson),
              (status = 400, description = "invalid_input（message 指明字段）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_applications_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewApplicationJson>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let (agency, tree) = agency_and_tree(&state, &code).await?;
    let cap = handler_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let kind: ApplicantKind = body
        .applicant
        .kind
        .parse()
        .map_err(|e| invalid("applicant.kind", e))?;
    let channel: Channel = body.channel.parse().map_err(|e| invalid("channel", e))?;
    let received_on = parse_date("received_on", &body.received_on)?;
    let a = body.applicant;
    let new = NewApplication {
        applicant: ApplicantDraft {
            kind: Some(kind),
            name: a.name,
            id_number: a.id_number,
            credit_code: a.credit_code,
            phone: a.phone,
            email: a.email,
            address: a.address,
        },
        channel,
        received_on,
        request: body.request,
    };
    let calendar = state.store().calendar().await?;
    let created = state
        .store()
        .create_application(&cap, &calendar, new)
        .await?;
    let mut out = application_json(&created, &agency.code);
    out.hints = hints_of(&state, &cap.reader(), created.id).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Status as of today (`on_time`, `due_soon`, `overdue`, `awaiting_correction`, `answered_on_time`, `answered_late`, `withdrawn`, `ended`).
    pub status: Option<String>,
    /// Received on or after (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Received on or before (`YYYY-MM-DD`).
    pub to: Option<String>,
}

/// The agency's applications, open ones first by due date; applicants masked.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications", tag = "applications", security(("bearer" = [])),
    params(("agency" = String, Path, description = "机关代码"), ListQuery),
    responses((status = 200, body = Vec<ApplicationSummaryJson>), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agency_applications_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<ApplicationSummaryJson>>, ApiError> {
    let (agency, tree) = agency_and_tree(&state, &code).await?;
    let cap = application_reader_of(&p.0, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let status = match blank(&q.status) {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<Status>(serde_json::Value::String(s.clone())).map_err(|_| {
                invalid("status", format!("“{s}”无效，应为 on_time、due_soon、overdue、awaiting_correction、answered_on_time、answered_late、withdrawn 或 ended"))
            })?,
        ),
    };
    let from = blank(&q.from).map(|s| parse_date("from", &s)).transpose()?;
    let to = blank(&q.to).map(|s| parse_date("to", &s)).transpose()?;
    let calendar = state.store().calendar().await?;
    let list = state
        .store()
        .applications(&cap, &calendar, &ApplicationFilter { status, from, to })
        .await?;
    Ok(Json(list.iter().map(summary_json).collect()))
}

/// One application with its applicant, clock explanation and events.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "申请编号")),
    responses((status = 200, body = ApplicationJson), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn application_get(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let (id, agency, cap) = reader_for_application(&state, &p.0, &id).await?;
    let calendar = state.store().calendar().await?;
    let a = state.store().application(&cap, &calendar, id).await?;
    let mut out = application_json(&a, &agency.code);
    out.hints = hints_of(&state, &cap, id).await?;
    Ok(Json(out))
}

fn event_of(
    p: &Principal,
    agency: &Agency,
    body: &NewEventJson,
) -> Result<ApplicationEvent, AppError> {
    let kind: EventKindName = body.kind.parse().map_err(|e| invalid("kind", e))?;
    let on = parse_date("on", &body.on)?;
    let party = || -> Result<ConsultationParty, AppError> {
        match body
            .party
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(ConsultationParty::ThirdParty),
            Some(s) => s.parse().map_err(|e| invalid("party", e)),
        }
    };
    let kind = match kind {
        EventKindName::Received => {
            return Err(AppError::bad_request(
                "invalid_event",
                "收到申请只在登记申请时记录一次，不能作为后续事件登记",
            ))
        }
        EventKindName::CorrectionRequested => EventKind::CorrectionRequested,
        EventKindName::CorrectionReceived => EventKind::CorrectionReceived,
        EventKindName::CorrectionExpired => EventKind::CorrectionExpired,
        EventKindName::ConsultationStarted => EventKind::ConsultationStarted { party: party()? },
        EventKindName::ConsultationEnded => EventKind::ConsultationEnded { party: party()? },
        EventKindName::ExtensionApproved => {
            let working_days = body
                .days
                .ok_or_else(|| invalid("days", "批准延期须注明延长的工作日数（1至20）"))?;
            let approver = match body.approver.as_deref().map(str::trim) {
                Some(a) if !a.is_empty() => a.to_string(),
                _ if p.has_role_in(agency.id, Role::Approver) => p.display_name.clone(),
                _ => String::new(),
            };
            EventKind::ExtensionApproved {
                working_days,
                approver,
            }
        }
        EventKindName::FeeNotice => EventKind::FeeNotice,
        EventKindName::FeePaid => EventKind::FeePaid,
        EventKindName::FeeExpired => EventKind::FeeExpired,
        EventKindName::Answered => EventKind::Answered,
        EventKindName::Withdrawn => EventKind::Withdrawn,
        EventKindName::Reopened => return Err(AppError::bad_request(
            "invalid_event",
            "纠正后重新办理在登记复议或诉讼案件的“结果纠正”时自动记录，不能作为申请事件直接登记",
        )),
    };
    Ok(ApplicationEvent::new(on, kind))
}

/// Records a clock event (补正, 征求意见, 延期, 收费, 答复 with its outcome, 撤回); answers with the new state.
#[utoipa::path(post, path = "/api/v1/applications/{id}/events", tag = "applications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "申请编号")),
    request_body = NewEventJson,
    responses((status = 200, body = ApplicationJson),
              (status = 400, description = "invalid_input（字段）、invalid_event（顺序或条例不允许）、unknown_outcome", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn application_events_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewEventJson>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let (id, agency, cap) = handler_for_application(&state, &p.0, &id).await?;
    let event = event_of(&p.0, &agency, &body)?;
    let calendar = state.store().calendar().await?;
    let details = body.details.map(EventDetailsInJson::into_input);
    let a = state
        .store()
        .add_application_event_with(
            &cap,
            &calendar,
            id,
            NewEvent {
                event,
                outcome: body.outcome,
                reason: body.reason,
            },
            details.as_ref(),
        )
        .await?;
    let mut out = application_json(&a, &agency.code);
    out.hints = hints_of(&state, &cap.reader(), id).await?;
    Ok(Json(out))
}

/// Transfers the application to the competent agency on the platform: the
/// sender answers `unavailable.not_held` naming it (its clock closes; its
/// report counts （四）1), and the receiver gets a new application received
/// on the transfer date (its own 20 working days; counted in its report).
#[utoipa::path(post, path = "/api/v1/applications/{id}/transfer", tag = "applications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "申请编号")),
    request_body = TransferJson,
    responses((status = 200, body = TransferResultJson),
              (status = 400, description = "invalid_input（字段 to、on）、invalid_event（申请已办结等）", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn application_transfer_post(
    State(state): State<AppState>,
    p: ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferJson>,
) -> Result<Json<TransferResultJson>, ApiError> {
    let (id, agency, cap) = handler_for_application(&state, &p.0, &id).await?;
    let on = parse_date("on", &body.on)?;
    let calendar = state.store().calendar().await?;
    let t = state
        .store()
        .transfer_application(&cap, &calendar, id, &body.to, on, body.reason)
        .await?;
    Ok(Json(TransferResultJson {
        application: application_json(&t.sent, &agency.code),
        transferred_to: TransferredJson {
            agency: t.to_agency_code,
            id: t.received_id,
            tracking_code: t.received_tracking_code,
            due_on: t.received_due_on.map(date_text),
        },
    }))
}
