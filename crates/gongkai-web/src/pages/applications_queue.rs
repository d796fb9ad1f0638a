//! The handler queue of an agency's applications and the staff registration
//! form for applications received on paper, in person, by fax or online
//! outside the portal (issue 5 §1–3).
//!
//! - `GET /admin/agencies/{agency}/applications`: open applications by due
//!   date, due-soon and overdue marked in text and colour, applicants masked,
//!   filters by status and receipt date, pages of [`PAGE_SIZE`], and badges
//!   for repeated or excessive applications. Readers
//!   ([`application_reader_of`]: handlers, approvers, admins, supervisors
//!   above) see it; only handlers ([`handler_of`]) get the registration link.
//! - `GET|POST /admin/agencies/{agency}/applications/new`: the registration
//!   form with each channel's receipt-date rule (条例 Art. 31), the API's
//!   validation with Chinese errors per field and the input kept; on success
//!   a flash cookie (`gk_flash=registered.{id}`) and a redirect to
//!   `/admin/applications/{id}`. [`take_registered_flash`] and
//!   [`registered_notice`] let any staff page show that flash with the
//!   application's identity hints.

use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::cookies;
use crate::csrf;
use crate::dates::{date_text, today, DATE_FORMAT};
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::{application_reader_of, handler_of};
use gongkai_domain::applicant::{ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{Channel, Status};
use gongkai_domain::identity::Hint;
use gongkai_domain::pii;
use gongkai_domain::ApplicationReader;
use gongkai_store::{Agency, ApplicationFilter, NewApplication, StoreError, MAX_REQUEST_CHARS};
use serde::Deserialize;
use time::Date;

/// Applications per page of the queue.
pub const PAGE_SIZE: usize = 20;
/// Characters of the request shown in the queue.
const EXCERPT_CHARS: usize = 60;
/// The flash cookie set after a registration.
pub const FLASH_COOKIE: &str = "gk_flash";

// ---- the queue ----

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

pub struct StatusOption {
    pub value: &'static str,
    pub label: &'static str,
}

pub struct Badge {
    pub label: &'static str,
    pub class: &'static str,
}

pub struct QueueRow {
    pub id: i64,
    pub tracking_code: String,
    pub received_on: String,
    pub channel: &'static str,
    pub applicant_kind: &'static str,
    pub applicant_name: String,
    /// Masked ID number or credit code.
    pub applicant_id: Option<String>,
    /// Masked phone.
    pub applicant_phone: Option<String>,
    pub request: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub due_on: String,
    pub remaining: String,
    pub badges: Vec<Badge>,
    pub hints: Vec<String>,
}

#[derive(Template)]
#[template(path = "applications_queue.html")]
struct QueuePage {
    nav: Nav,
    agency: Agency,
    can_handle: bool,
    rows: Vec<QueueRow>,
    statuses: Vec<StatusOption>,
    status: String,
    from: String,
    to: String,
    error: Option<String>,
    notice: Option<RegisteredNotice>,
    total: usize,
    page: usize,
    pages: usize,
    prev_link: Option<String>,
    next_link: Option<String>,
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::OnTime => "on_time",
        Status::DueSoon => "due_soon",
        Status::Overdue => "overdue",
        Status::AwaitingCorrection => "awaiting_correction",
        Status::AnsweredOnTime => "answered_on_time",
        Status::AnsweredLate => "answered_late",
        Status::Withdrawn => "withdrawn",
        Status::Ended => "ended",
    }
}

const ALL_STATUSES: [Status; 8] = [
    Status::OnTime,
    Status::DueSoon,
    Status::Overdue,
    Status::AwaitingCorrection,
    Status::AnsweredOnTime,
    Status::AnsweredLate,
    Status::Withdrawn,
    Status::Ended,
];

/// What the status filter selects.
enum StatusChoice {
    Open,
    All,
    One(Status),
}

fn parse_status(text: &str) -> Result<StatusChoice, String> {
    match text.trim() {
        "" | "open" => Ok(StatusChoice::Open),
        "all" => Ok(StatusChoice::All),
        t => ALL_STATUSES
            .into_iter()
            .find(|s| status_name(*s) == t)
            .map(StatusChoice::One)
            .ok_or_else(|| format!("办理状态：“{t}”无效，请从列表中选择")),
    }
}

fn parse_filter_date(label: &str, text: &str) -> Result<Option<Date>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Date::parse(t, DATE_FORMAT)
        .map(Some)
        .map_err(|_| format!("{label}：“{t}”不是有效日期，格式应为 YYYY-MM-DD"))
}

fn query_string(status: &str, from: &str, to: &str, page: usize) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if !status.is_empty() {
        s.append_pair("status", status);
    }
    if !from.is_empty() {
        s.append_pair("from", from);
    }
    if !to.is_empty() {
        s.append_pair("to", to);
    }
    s.append_pair("page", &page.to_string());
    s.finish()
}

/// The request as a list shows it: personal data masked, cut short.
fn excerpt(request: &str, today: Date) -> String {
    let masked = pii::mask_in_place(request, &pii::scan(request, today));
    let mut out: String = masked.chars().take(EXCERPT_CHARS).collect();
    if masked.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn remaining_text(
    calendar: &gongkai_calendar::Calendar,
    status: Status,
    due: Option<Date>,
    today: Date,
) -> String {
    if !status.is_open() {
        return String::new();
    }
    let Some(due) = due else {
        return "期限暂停，等待补正".to_string();
    };
    match calendar.working_days_between(today, due) {
        Ok(0) => "今天到期".to_string(),
        Ok(n) if n > 0 => format!("剩余{n}个工作日"),
        Ok(n) => format!("已逾期{}个工作日", -n),
        Err(_) => String::new(),
    }
}

fn badges(hints: &[Hint]) -> Vec<Badge> {
    let mut out = Vec::new();
    if hints.iter().any(|h| matches!(h, Hint::Repeated { .. })) {
        out.push(Badge {
            label: "疑似重复申请",
            class: "repeat",
        });
    }
    if hints.iter().any(|h| matches!(h, Hint::Excessive { .. })) {
        out.push(Badge {
            label: "申请数量过多",
            class: "excessive",
        });
    }
    out
}

/// The registration just made, for a flash message.
pub struct RegisteredNotice {
    pub id: i64,
    pub tracking_code: String,
    pub due_on: String,
    pub hints: Vec<String>,
}

/// The application id of a registration flash, if the request carries one.
pub fn take_registered_flash(headers: &HeaderMap) -> Option<i64> {
    cookies::get(headers, FLASH_COOKIE)?
        .strip_prefix("registered.")?
        .parse()
        .ok()
}

/// The flash of a registration: the application's code, due date and hints
/// (`None` when the reader may not see it).
pub async fn registered_notice(
    state: &AppState,
    cap: &ApplicationReader,
    id: i64,
) -> Option<RegisteredNotice> {
    let calendar = state.store().calendar().await.ok()?;
    let a = state.store().application(cap, &calendar, id).await.ok()?;
    let hints = state.store().application_hints(cap, id).await.ok()?;
    Some(RegisteredNotice {
        id,
        tracking_code: a.tracking_code,
        due_on: a.due_on.map(date_text).unwrap_or_default(),
        hints: hints.iter().map(Hint::message_zh).collect(),
    })
}

async fn agency_and_reader(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Agency, ApplicationReader, bool), AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    let reader = application_reader_of(&session.principal, &tree, agency.id)
        .ok_or_else(AppError::forbidden)?;
    let can_handle = handler_of(&session.principal, &tree, agency.id).is_some();
    Ok((agency, reader, can_handle))
}

pub async fn applications_queue_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    headers: HeaderMap,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let (agency, reader, can_handle) = agency_and_reader(&state, &session, &code).await?;
    let today = today();
    let mut errors = Vec::new();
    let choice = parse_status(&q.status).unwrap_or_else(|e| {
        errors.push(e);
        StatusChoice::Open
    });
    let from = parse_filter_date("收到日期（起）", &q.from).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let to = parse_filter_date("收到日期（止）", &q.to).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push("收到日期：起始日期不能晚于截止日期".to_string());
        }
    }
    let calendar = state.store().calendar().await?;
    let filter = ApplicationFilter {
        status: match choice {
            StatusChoice::One(s) => Some(s),
            _ => None,
        },
        from,
        to,
    };
    let mut list = if errors.is_empty() {
        state
            .store()
            .applications(&reader, &calendar, &filter)
            .await?
    } else {
        Vec::new()
    };
    if matches!(choice, StatusChoice::Open) {
        list.retain(|a| a.status.is_open());
    }
    let total = list.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q
        .page
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        .min(pages);
    let shown: Vec<_> = list
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let ids: Vec<i64> = shown.iter().map(|a| a.id).collect();
    let mut hints = state.store().applications_hints(&reader, &ids).await?;
    let rows = shown
        .into_iter()
        .map(|a| {
            let h = hints.remove(&a.id).unwrap_or_default();
            QueueRow {
                id: a.id,
                received_on: date_text(a.received_on),
                channel: a.channel.label_zh(),
                applicant_kind: a.applicant.kind.label_zh(),
                applicant_id: a
                    .applicant
                    .id_number
                    .clone()
                    .or(a.applicant.credit_code.clone()),
                applicant_phone: a.applicant.phone.clone(),
                request: excerpt(&a.request, today),
                status_label: a.status.label_zh(),
                status_class: status_name(a.status),
                due_on: a.due_on.map(date_text).unwrap_or_default(),
                remaining: remaining_text(&calendar, a.status, a.due_on, today),
                badges: badges(&h),
                hints: h
                    .iter()
                    .filter(|h| h.is_warning())
                    .map(Hint::message_zh)
                    .collect(),
                applicant_name: a.applicant.name,
                tracking_code: a.tracking_code,
            }
        })
        .collect();
    let notice = match take_registered_flash(&headers) {
        Some(id) => registered_notice(&state, &reader, id).await,
        None => None,
    };
    let status_value = q.status.trim().to_string();
    let link = |p: usize| {
        format!(
            "/admin/agencies/{}/applications?{}",
            agency.code,
            query_string(&status_value, q.from.trim(), q.to.trim(), p)
        )
    };
    let prev_link = (page > 1).then(|| link(page - 1));
    let next_link = (page < pages).then(|| link(page + 1));
    let mut statuses = vec![
        StatusOption {
            value: "",
            label: "全部未办结",
        },
        StatusOption {
            value: "all",
            label: "全部（含已办结）",
        },
    ];
    statuses.extend(ALL_STATUSES.into_iter().map(|s| StatusOption {
        value: status_name(s),
        label: s.label_zh(),
    }));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page_html = render(&QueuePage {
        nav: Nav::new(&state, Some(&session)),
        can_handle,
        rows,
        statuses,
        status: status_value,
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        error: (!errors.is_empty()).then(|| errors.join("；")),
        notice,
        total,
        page,
        pages,
        prev_link,
        next_link,
        agency,
    })?;
    let mut res = (status, page_html).into_response();
    if take_registered_flash(&headers).is_some() {
        if let Ok(v) = cookies::clear(FLASH_COOKIE, state.config().secure_cookies).parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

// ---- registration ----

#[derive(Deserialize, Default, Clone)]
pub struct RegisterForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub request: String,
}

pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub rule: &'static str,
}

#[derive(Template)]
#[template(path = "application_register.html")]
struct RegisterPage {
    nav: Nav,
    agency: Agency,
    csrf_token: String,
    form: RegisterForm,
    kinds: Vec<Choice>,
    channels: Vec<Choice>,
    errors: Vec<FieldError>,
    today: String,
}

impl RegisterPage {
    /// The error of one field, for the message next to it.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
    /// `aria-invalid` and `aria-describedby` for a field in error.
    fn invalid(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

fn blank_to_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The form checked as the API checks a registration; every error names its field.
fn validate(f: &RegisterForm, today: Date) -> Result<NewApplication, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = match f.kind.trim() {
        "" => {
            errors.push(FieldError {
                field: "kind",
                message: "申请人类型：请选择申请人类型".into(),
            });
            None
        }
        t => match t.parse::<ApplicantKind>() {
            Ok(k) => Some(k),
            Err(e) => {
                errors.push(FieldError {
                    field: "kind",
                    message: e.to_string(),
                });
                None
            }
        },
    };
    let channel = match f.channel.trim().parse::<Channel>() {
        Ok(c) => Some(c),
        Err(_) => {
            errors.push(FieldError {
                field: "channel",
                message: "提交渠道：请选择当面、邮寄、平常信函、互联网或传真".into(),
            });
            None
        }
    };
    let received_on = match f.received_on.trim() {
        "" => {
            errors.push(FieldError {
                field: "received_on",
                message: "收到申请日期：请填写收到申请的日期（YYYY-MM-DD）".into(),
            });
            None
        }
        t => match Date::parse(t, DATE_FORMAT) {
            Ok(d) if d > today => {
                errors.push(FieldError {
                    field: "received_on",
                    message: format!(
                        "收到申请日期：{} 晚于今天（{}）",
                        date_text(d),
                        date_text(today)
                    ),
                });
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError {
                    field: "received_on",
                    message: format!("收到申请日期：“{t}”不是有效日期，格式应为 YYYY-MM-DD"),
                });
                None
            }
        },
    };
    let draft = ApplicantDraft {
        kind: kind.or(Some(ApplicantKind::NaturalPerson)),
        name: f.name.clone(),
        id_number: blank_to_none(&f.id_number),
        credit_code: blank_to_none(&f.credit_code),
        phone: blank_to_none(&f.phone),
        email: blank_to_none(&f.email),
        address: blank_to_none(&f.address),
    };
    if let Err(found) = draft.validate(today) {
        for e in found {
            // A missing kind was already reported; its stand-in must not add errors.
            if kind.is_none() && matches!(e.field(), "id_number" | "credit_code") {
                continue;
            }
            errors.push(FieldError {
                field: e.field(),
                message: e.to_string(),
            });
        }
    }
    let request = f.request.trim();
    if request.is_empty() || request.chars().count() > MAX_REQUEST_CHARS {
        errors.push(FieldError {
            field: "request",
            message: format!("申请公开的政府信息描述：不能为空，且不超过{MAX_REQUEST_CHARS}个字符"),
        });
    }
    match (channel, received_on, errors.is_empty()) {
        (Some(channel), Some(received_on), true) => Ok(NewApplication {
            applicant: draft,
            channel,
            received_on,
            request: request.to_string(),
        }),
        _ => Err(errors),
    }
}

async fn handler_agency(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<(Agency, gongkai_domain::AgencyHandler), AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    let cap = handler_of(&session.principal, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok((agency, cap))
}

fn register_page(
    state: &AppState,
    session: &Session,
    agency: Agency,
    form: RegisterForm,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = render(&RegisterPage {
        nav: Nav::new(state, Some(session)),
        agency,
        csrf_token: session.csrf_token.clone(),
        form,
        kinds: ApplicantKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.name(),
                label: k.form_label_zh(),
                rule: "",
            })
            .collect(),
        channels: Channel::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.name(),
                label: c.label_zh().to_string(),
                rule: c.receipt_rule_zh(),
            })
            .collect(),
        errors,
        today: date_text(today()),
    })?;
    Ok((status, page).into_response())
}

pub async fn application_register_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let (agency, _) = handler_agency(&state, &session, &code).await?;
    let form = RegisterForm {
        kind: ApplicantKind::NaturalPerson.name().into(),
        channel: Channel::InPerson.name().into(),
        received_on: date_text(today()),
        ..RegisterForm::default()
    };
    register_page(&state, &session, agency, form, Vec::new())
}

pub async fn application_register_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    ValidForm(f): ValidForm<RegisterForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let (agency, cap) = handler_agency(&state, &session, &code).await?;
    let new = match validate(&f, today()) {
        Ok(new) => new,
        Err(errors) => return register_page(&state, &session, agency, f, errors),
    };
    let calendar = state.store().calendar().await?;
    match state.store().create_application(&cap, &calendar, new).await {
        Ok(app) => {
            let mut res = Redirect::to(&format!("/admin/applications/{}", app.id)).into_response();
            let cookie = cookies::set(
                FLASH_COOKIE,
                &format!("registered.{}", app.id),
                state.config().secure_cookies,
                Some(300),
            );
            if let Ok(v) = cookie.parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(StoreError::Rejected { message, .. }) => {
            let field = if message.contains("received_on") {
                "received_on"
            } else if message.contains("request") {
                "request"
            } else {
                "form"
            };
            let errors = vec![FieldError {
                field,
                message: message.replace("字段 received_on：", "收到申请日期："),
            }];
            register_page(&state, &session, agency, f, errors)
        }
        Err(e) => Err(e.into()),
    }
}
