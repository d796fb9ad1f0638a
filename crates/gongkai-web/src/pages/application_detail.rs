//! Handling one application: `/admin/applications/{id}`.
//!
//! Readers ([`ApplicationReader`]: handlers, approvers and admins of the
//! agency, supervisors above) see the applicant in full (the only page that
//! shows it unmasked), the request, channel and receipt, status and due
//! date, the clock's explanation, the timeline with each event's letter
//! (DOCX and HTML downloads). Handlers ([`AgencyHandler`]) also get one form
//! per event that the clock accepts next, and the transfer form; supervisors
//! above read only. A refused form comes back with the Chinese error next to
//! it and the input kept.

use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::dates::{date_text, today, DATE_FORMAT};
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_calendar::Calendar;
use gongkai_domain::access::{application_reader_of, handler_of, staff_view_of};
use gongkai_domain::clock::{
    compute_clock, ApplicationEvent, ClockError, ClockSettings, ConsultationParty, EventKind,
    EventKindName, MAX_EXTENSION_WORKING_DAYS,
};
use gongkai_domain::details::{DetailsInput, EventDetails};
use gongkai_domain::letters::LetterKind;
use gongkai_domain::outcome::Outcome;
use gongkai_domain::{AgencyHandler, ApplicationReader, Role};
use gongkai_store::{Agency, Application, LetterRecord, NewEvent, RecordedEvent, StoreError};
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

fn not_found() -> AppError {
    AppError::new(StatusCode::NOT_FOUND, "not_found", "申请不存在")
}

/// One line of the timeline.
pub struct TimelineRow {
    pub seq: i64,
    pub on: String,
    pub label: &'static str,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub facts: Vec<String>,
    pub actor: String,
    pub letter: Option<LetterLink>,
}

pub struct LetterLink {
    pub number: String,
    pub label: String,
}

pub struct OutcomeOption {
    pub value: &'static str,
    pub label: String,
}

pub struct AgencyOption {
    pub code: String,
    pub name: String,
}

/// Everything a form may post; also the input kept when it is refused.
#[derive(Deserialize, Default, Clone)]
pub struct EventForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub approver: String,
    #[serde(default)]
    pub party: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub items: String,
    #[serde(default)]
    pub correction_deadline: String,
    #[serde(default)]
    pub party_name: String,
    #[serde(default)]
    pub party_contact: String,
    #[serde(default)]
    pub fee_method: String,
    #[serde(default)]
    pub fee_quantity: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub delivery_method: String,
    #[serde(default)]
    pub delivery_on: String,
    #[serde(default)]
    pub public_location: String,
    #[serde(default)]
    pub competent_agency: String,
    #[serde(default)]
    pub competent_contact: String,
    #[serde(default)]
    pub attachments: String,
    /// Transfer: the receiving agency's code.
    #[serde(default)]
    pub to: String,
}

#[derive(Template)]
#[template(path = "application_detail.html")]
pub struct DetailPage {
    pub nav: Nav,
    pub agency: Agency,
    pub a: Application,
    pub kind_label: &'static str,
    pub channel_label: &'static str,
    pub receipt: &'static str,
    pub status_label: &'static str,
    pub status_text: String,
    pub due_on: String,
    pub received_on: String,
    pub outcome: Option<String>,
    pub explanation: Vec<String>,
    pub warnings: Vec<String>,
    pub timeline: Vec<TimelineRow>,
    pub can_act: bool,
    /// Event kinds (names) the clock accepts next.
    pub next: Vec<&'static str>,
    pub consultation_open: Vec<(&'static str, &'static str)>,
    pub outcomes: Vec<OutcomeOption>,
    pub agencies: Vec<AgencyOption>,
    pub today: String,
    pub default_approver: String,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
    /// Which form the error belongs to (`answered`, `transfer`, …).
    pub error_form: String,
    pub prefill: EventForm,
    pub csrf_token: String,
    pub max_extension: u32,
}

impl DetailPage {
    /// The kept input of `field` for the form `form`, else `default`.
    pub fn v(&self, form: &str, field: &str, default: &str) -> String {
        if self.error_form != form {
            return default.to_string();
        }
        let p = &self.prefill;
        match field {
            "on" => &p.on,
            "days" => &p.days,
            "approver" => &p.approver,
            "party" => &p.party,
            "outcome" => &p.outcome,
            "reason" => &p.reason,
            "items" => &p.items,
            "correction_deadline" => &p.correction_deadline,
            "party_name" => &p.party_name,
            "party_contact" => &p.party_contact,
            "fee_method" => &p.fee_method,
            "fee_quantity" => &p.fee_quantity,
            "legal_basis" => &p.legal_basis,
            "delivery_method" => &p.delivery_method,
            "delivery_on" => &p.delivery_on,
            "public_location" => &p.public_location,
            "competent_agency" => &p.competent_agency,
            "competent_contact" => &p.competent_contact,
            "attachments" => &p.attachments,
            "to" => &p.to,
            _ => default,
        }
        .to_string()
    }

    pub fn offers(&self, kind: &str) -> bool {
        self.next.contains(&kind)
    }

    pub fn error_for(&self, form: &str) -> Option<&str> {
        (self.error_form == form)
            .then_some(self.error.as_deref())
            .flatten()
    }
}

/// What an event's details say, one fact per line, for the timeline.
fn facts_of(e: &RecordedEvent) -> Vec<String> {
    let mut out = Vec::new();
    match &e.event.kind {
        EventKind::Received { channel } => out.push(format!("渠道：{}", channel.label_zh())),
        EventKind::ExtensionApproved {
            working_days,
            approver,
        } => out.push(format!("延长{working_days}个工作日，批准人：{approver}")),
        EventKind::ConsultationStarted { party } | EventKind::ConsultationEnded { party } => {
            out.push(format!("对象：{}", party.label_zh()))
        }
        _ => {}
    }
    let Some(d) = &e.details else { return out };
    let EventDetails {
        items,
        correction_deadline,
        party_name,
        party_contact,
        fee_method,
        fee_quantity,
        fee_amount_yuan,
        fee_basis: _,
        legal_basis,
        delivery_method,
        delivery_on,
        public_location,
        competent_agency,
        competent_contact,
        attachments,
        transferred_to,
        transfer_tracking_code,
        transferred_from,
    } = d;
    for (i, item) in items.iter().enumerate() {
        out.push(format!("补正事项{}：{item}", i + 1));
    }
    if let Some(d) = correction_deadline {
        out.push(format!("补正期限：{}", date_text(*d)));
    }
    if let Some(n) = party_name {
        out.push(format!(
            "征求意见对象：{n}{}",
            party_contact
                .as_deref()
                .map(|c| format!("（{c}）"))
                .unwrap_or_default()
        ));
    }
    if let (Some(m), Some(q), Some(a)) = (fee_method, fee_quantity, fee_amount_yuan) {
        out.push(format!("{}：{q}，收费{a}元", m.label_zh()));
    }
    if let Some(b) = legal_basis {
        out.push(format!("依据：{b}"));
    }
    if let Some(m) = delivery_method {
        out.push(format!(
            "提供方式：{m}{}",
            delivery_on
                .map(|d| format!("，{}", date_text(d)))
                .unwrap_or_default()
        ));
    }
    if let Some(p) = public_location {
        out.push(format!("已公开途径：{p}"));
    }
    if let Some(c) = competent_agency {
        out.push(format!(
            "负责公开的机关：{c}（{}）",
            competent_contact.as_deref().unwrap_or_default()
        ));
    }
    for a in attachments {
        out.push(format!("提供材料：{a}"));
    }
    if let Some(t) = transferred_to {
        out.push(format!(
            "已转送：{t}，新查询码 {}",
            transfer_tracking_code.as_deref().unwrap_or_default()
        ));
    }
    if let Some(f) = transferred_from {
        out.push(format!("由{f}转送"));
    }
    out
}

/// The event kinds the clock would accept today (only those get a form).
fn next_events(a: &Application, calendar: &Calendar) -> Vec<&'static str> {
    let today = today();
    let events: Vec<ApplicationEvent> = a.events.iter().map(|e| e.event.clone()).collect();
    let candidates = [
        EventKind::CorrectionRequested,
        EventKind::CorrectionReceived,
        EventKind::CorrectionExpired,
        EventKind::ConsultationStarted {
            party: ConsultationParty::ThirdParty,
        },
        EventKind::ConsultationStarted {
            party: ConsultationParty::CoAuthor,
        },
        EventKind::ConsultationEnded {
            party: ConsultationParty::ThirdParty,
        },
        EventKind::ConsultationEnded {
            party: ConsultationParty::CoAuthor,
        },
        EventKind::ExtensionApproved {
            working_days: 1,
            approver: "审批人".into(),
        },
        EventKind::FeeNotice,
        EventKind::FeePaid,
        EventKind::FeeExpired,
        EventKind::Answered,
        EventKind::Withdrawn,
    ];
    let mut out: Vec<&'static str> = Vec::new();
    for kind in candidates {
        let name = kind.kind_name().name();
        if out.contains(&name) {
            continue;
        }
        let mut all = events.clone();
        all.push(ApplicationEvent::new(today, kind));
        // A calendar that does not cover the dates yet (a year not imported)
        // says nothing about the order of events: the form is still offered
        // and the store decides.
        match compute_clock(&all, calendar, &ClockSettings::default(), today) {
            Ok(_) | Err(ClockError::Calendar(_)) => out.push(name),
            Err(_) => {}
        }
    }
    out
}

/// Parties with a consultation still open (for the "ended" form).
fn open_consultations(a: &Application) -> Vec<(&'static str, &'static str)> {
    let mut open: HashMap<&'static str, i32> = HashMap::new();
    for e in &a.events {
        match &e.event.kind {
            EventKind::ConsultationStarted { party } => *open.entry(party.name()).or_default() += 1,
            EventKind::ConsultationEnded { party } => *open.entry(party.name()).or_default() -= 1,
            _ => {}
        }
    }
    [ConsultationParty::ThirdParty, ConsultationParty::CoAuthor]
        .into_iter()
        .filter(|p| open.get(p.name()).copied().unwrap_or(0) > 0)
        .map(|p| (p.name(), p.label_zh()))
        .collect()
}

pub(crate) struct Resolved {
    pub id: i64,
    pub agency: Agency,
    pub reader: ApplicationReader,
    pub handler: Option<AgencyHandler>,
}

/// The application's own agency (from the store, never the client) and the
/// session's capabilities there. Staff of the agency without the right get
/// 403; anyone else does not learn that the application exists (404).
pub(crate) async fn resolve(
    state: &AppState,
    session: &Session,
    id: &str,
) -> Result<Resolved, AppError> {
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let agency_id = state
        .store()
        .application_agency_id(id)
        .await?
        .ok_or_else(not_found)?;
    let agency = state
        .store()
        .agency_by_id(agency_id)
        .await?
        .ok_or_else(not_found)?;
    let tree = state.store().agency_tree().await?;
    let p = &session.principal;
    let Some(reader) = application_reader_of(p, &tree, agency_id) else {
        return Err(if staff_view_of(p, &tree, agency_id).is_some() {
            AppError::forbidden()
        } else {
            not_found()
        });
    };
    Ok(Resolved {
        id,
        handler: handler_of(p, &tree, agency_id),
        agency,
        reader,
    })
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "event_recorded" => "已登记。需要告知的事项已生成文书，可在办理记录中下载。",
        "transferred" => "已转送。本机关已答复“本机关不掌握相关政府信息”，接收机关已登记为新申请。",
        _ => return None,
    })
}

async fn page(
    state: &AppState,
    session: &Session,
    r: Resolved,
    notice: Option<&'static str>,
    error: Option<(String, String)>,
    prefill: EventForm,
) -> Result<Response, PageError> {
    let store = state.store();
    let calendar = store.calendar().await?;
    let a = store.application(&r.reader, &calendar, r.id).await?;
    let letters: HashMap<i64, LetterRecord> = store
        .letters_of(&r.reader, r.id)
        .await?
        .into_iter()
        .map(|l| (l.seq, l))
        .collect();
    let timeline = a
        .events
        .iter()
        .map(|e| TimelineRow {
            seq: e.seq,
            on: date_text(e.event.on),
            label: e.event.kind.kind_name().label_zh(),
            outcome: e.outcome.map(|o| o.summary_zh()),
            reason: e.reason.clone(),
            facts: facts_of(e),
            actor: e.actor_label.clone(),
            letter: letters.get(&e.seq).map(|l| LetterLink {
                number: l.letter_no.clone(),
                label: LetterKind::parse_key(&l.template_key)
                    .map(|k| k.label())
                    .unwrap_or_else(|| "文书".into()),
            }),
        })
        .collect();
    let can_act = r.handler.is_some();
    let next = if can_act {
        next_events(&a, &calendar)
    } else {
        Vec::new()
    };
    let agencies = if can_act && a.status.is_open() {
        store
            .agencies()
            .await?
            .into_iter()
            .filter(|x| x.id != r.agency.id)
            .map(|x| AgencyOption {
                code: x.code,
                name: x.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let (status_text, explanation, warnings) = match &a.clock {
        Some(c) => (
            c.status_text.clone(),
            c.explanation.clone(),
            c.warnings.clone(),
        ),
        None => (a.status.label_zh().to_string(), Vec::new(), Vec::new()),
    };
    let p = &session.principal;
    let default_approver = if p.has_role_in(r.agency.id, Role::Approver) {
        p.display_name.clone()
    } else {
        String::new()
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (error_form, error) = match error {
        Some((form, message)) => (form, Some(message)),
        None => (String::new(), None),
    };
    let html = render(&DetailPage {
        nav: Nav::new(state, Some(session)),
        kind_label: a.applicant.kind.label_zh(),
        channel_label: a.channel.label_zh(),
        receipt: a.channel.receipt_zh(),
        status_label: a.status.label_zh(),
        status_text,
        due_on: a.due_on.map(date_text).unwrap_or_default(),
        received_on: date_text(a.received_on),
        outcome: a.outcome.map(|o| o.summary_zh()),
        explanation,
        warnings,
        timeline,
        can_act,
        consultation_open: open_consultations(&a),
        next,
        outcomes: Outcome::ALL
            .into_iter()
            .map(|o| OutcomeOption {
                value: o.id(),
                label: format!("{} {}", o.location(), o.summary_zh()),
            })
            .collect(),
        agencies,
        today: date_text(today()),
        default_approver,
        notice,
        error,
        error_form,
        prefill,
        csrf_token: session.csrf_token.clone(),
        max_extension: MAX_EXTENSION_WORKING_DAYS,
        agency: r.agency,
        a,
    })?;
    Ok((status, html).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn application_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let r = resolve(&state, &session, &id).await?;
    let notice = q.notice.as_deref().and_then(notice_text);
    page(&state, &session, r, notice, None, EventForm::default()).await
}

fn blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn form_error(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::bad_request("invalid_input", format!("字段 {field}：{message}"))
}

/// The event and details a form describes (the same checks as the API).
fn event_of_form(f: &EventForm) -> Result<(ApplicationEvent, DetailsInput), AppError> {
    let kind: EventKindName = f.kind.parse().map_err(|e| form_error("kind", e))?;
    let on = Date::parse(f.on.trim(), DATE_FORMAT).map_err(|_| {
        form_error(
            "on",
            format!("日期“{}”无效，格式应为 YYYY-MM-DD", f.on.trim()),
        )
    })?;
    let party = || -> Result<ConsultationParty, AppError> {
        match blank(&f.party) {
            None => Ok(ConsultationParty::ThirdParty),
            Some(s) => s.parse().map_err(|e| form_error("party", e)),
        }
    };
    let event = match kind {
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
            let working_days: u32 = f.days.trim().parse().map_err(|_| {
                form_error(
                    "days",
                    format!("延长的工作日数须为1至{MAX_EXTENSION_WORKING_DAYS}的整数"),
                )
            })?;
            let approver = blank(&f.approver).ok_or_else(|| {
                form_error(
                    "approver",
                    "延期须经政府信息公开工作机构负责人同意（条例第三十三条），请填写批准人",
                )
            })?;
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
    let fee_quantity = match blank(&f.fee_quantity) {
        None => None,
        Some(q) => Some(q.parse::<u32>().map_err(|_| {
            form_error("details.fee_quantity", format!("“{q}”不是有效的件数或页数"))
        })?),
    };
    let details = DetailsInput {
        items: DetailsInput::lines(&f.items),
        correction_deadline: blank(&f.correction_deadline),
        party_name: blank(&f.party_name),
        party_contact: blank(&f.party_contact),
        fee_method: blank(&f.fee_method),
        fee_quantity,
        legal_basis: blank(&f.legal_basis),
        delivery_method: blank(&f.delivery_method),
        delivery_on: blank(&f.delivery_on),
        public_location: blank(&f.public_location),
        competent_agency: blank(&f.competent_agency),
        competent_contact: blank(&f.competent_contact),
        attachments: DetailsInput::lines(&f.attachments),
    };
    Ok((ApplicationEvent::new(on, event), details))
}

/// Errors the person can fix come back on the page; others are error pages.
fn fixable(e: AppError) -> Result<String, PageError> {
    if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT {
        Ok(e.message)
    } else {
        Err(PageError(e))
    }
}

pub async fn application_events_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(id): Path<String>,
    ValidForm(f): ValidForm<EventForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let r = resolve(&state, &session, &id).await?;
    let Some(cap) = r.handler.clone() else {
        return Err(PageError(AppError::forbidden()));
    };
    let form_name = f.kind.trim().replace('-', "_");
    let result: Result<(), AppError> = async {
        let (event, details) = event_of_form(&f)?;
        let calendar = state.store().calendar().await?;
        state
            .store()
            .add_application_event_with(
                &cap,
                &calendar,
                r.id,
                NewEvent {
                    event,
                    outcome: blank(&f.outcome),
                    reason: blank(&f.reason),
                },
                Some(&details),
            )
            .await
            .map_err(AppError::from)?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/applications/{}?notice=event_recorded",
            r.id
        ))
        .into_response()),
        Err(e) => {
            let message = fixable(e)?;
            page(&state, &session, r, None, Some((form_name, message)), f).await
        }
    }
}

pub async fn application_transfer_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(id): Path<String>,
    ValidForm(f): ValidForm<EventForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let r = resolve(&state, &session, &id).await?;
    let Some(cap) = r.handler.clone() else {
        return Err(PageError(AppError::forbidden()));
    };
    let result: Result<(), AppError> = async {
        let on = Date::parse(f.on.trim(), DATE_FORMAT).map_err(|_| {
            form_error(
                "on",
                format!("日期“{}”无效，格式应为 YYYY-MM-DD", f.on.trim()),
            )
        })?;
        if f.to.trim().is_empty() {
            return Err(form_error("to", "请选择接收转送的机关"));
        }
        let calendar = state.store().calendar().await?;
        state
            .store()
            .transfer_application(&cap, &calendar, r.id, &f.to, on, blank(&f.reason))
            .await
            .map_err(AppError::from)?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/applications/{}?notice=transferred", r.id))
                .into_response(),
        ),
        Err(e) => {
            let message = fixable(e)?;
            page(
                &state,
                &session,
                r,
                None,
                Some(("transfer".into(), message)),
                f,
            )
            .await
        }
    }
}

/// `/admin/applications/{id}/letters/{seq}.docx` or `.html`.
pub async fn letter_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let r = resolve(&state, &session, &id).await?;
    let (seq, ext) = file
        .rsplit_once('.')
        .and_then(|(seq, ext)| Some((seq.parse::<i64>().ok()?, ext)))
        .filter(|(_, ext)| matches!(*ext, "docx" | "html"))
        .ok_or_else(|| {
            AppError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "文书地址无效，应为 …/letters/{序号}.docx 或 .html",
            )
        })?;
    let calendar = state.store().calendar().await?;
    let letter = state
        .store()
        .letter_document(&r.reader, &calendar, r.id, seq)
        .await
        .map_err(|e| match e {
            StoreError::NotFound { .. } => {
                AppError::new(StatusCode::NOT_FOUND, "not_found", "该事件没有文书")
            }
            other => other.into(),
        })?;
    let base = format!("{}-{}", letter.letter_no, letter.kind.label());
    let ascii = format!("letter-{}-{seq}.{ext}", r.id);
    // The Word file is downloaded; the printable page opens in the browser.
    let how = if ext == "docx" {
        "attachment"
    } else {
        "inline"
    };
    let disposition = format!(
        "{how}; filename=\"{ascii}\"; filename*=UTF-8''{}.{ext}",
        crate::auth::url_encode(&base).replace('+', "%20")
    );
    let (content_type, bytes) = if ext == "docx" {
        let bytes = gongkai_docs::write_docx(&letter.doc).map_err(|e| {
            tracing::error!(error = %e, "letter docx");
            AppError::internal()
        })?;
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            bytes,
        )
    } else {
        (
            "text/html; charset=utf-8",
            gongkai_docs::write_html(&letter.doc),
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
