//! Staff pages of proactive disclosure (主动公开): the list by status, the
//! draft form (metadata, body, attachments by multipart upload), the review
//! page (PII findings with their position and a masked preview, masking in
//! place, pass / return / pass with an override reason), approval, withdrawal,
//! repeal, channels, and the publication ledger (发布台账) with its XLSX
//! export. Every action is the same Store method the API calls, with the
//! capability of its step: a drafter has no approver capability to pass.

use super::Nav;
use crate::auth::{Session, StaffSession};
use crate::csrf;
use crate::dates::{date_text, DATE_FORMAT};
use crate::error::{render, AppError, PageError};
use crate::form::ValidForm;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::access::{approver_of, drafter_of, reviewer_of, staff_view_of};
use gongkai_domain::catalog::category_path;
use gongkai_domain::publication::{
    inspect_attachment, lateness_warning, mask_body, ChannelKind, DisclosureAttribute,
    DocumentType, LocatedFinding, PublicationDraft, PublicationStatus, Validity,
};
use gongkai_domain::{
    AgencyStaffView, PublicationApprover, PublicationDrafter, PublicationReviewer,
};
use gongkai_store::{Agency, Publication, PublicationListItem, ReviewDecision, StoreError};
use serde::Deserialize;
use time::Date;

pub fn opt_date_text(d: Option<Date>) -> String {
    d.map(date_text).unwrap_or_default()
}

/// The Chinese label of a form/API field name.
pub fn field_label(name: &str) -> &'static str {
    match name {
        "title" => "标题",
        "body" => "正文",
        "document_type" => "文件类型",
        "category" => "所属栏目",
        "issuer" => "发布机构",
        "co_issuers" => "联合发文单位",
        "document_number" => "文号",
        "written_on" => "成文日期",
        "effective_on" => "实施日期",
        "expires_on" => "废止日期（预定）",
        "validity" => "有效性",
        "topic" => "主题分类",
        "keywords" => "关键词",
        "summary" => "内容概述",
        "attribute" => "公开属性",
        "attribute_reason" => "不主动公开的理由",
        "reason" => "理由",
        "override_reason" => "例外通过的理由",
        "repealed_on" => "废止日期",
        "released_on" => "发布日期",
        "note" => "备注",
        "channel" => "发布渠道",
        "attachments" => "附件",
        "guide" => "政府信息公开指南",
        "system" => "政府信息公开制度",
        _ => "",
    }
}

const FIELDS: [&str; 25] = [
    "title",
    "body",
    "document_type",
    "category",
    "issuer",
    "co_issuers",
    "document_number",
    "written_on",
    "effective_on",
    "expires_on",
    "validity",
    "topic",
    "keywords",
    "summary",
    "attribute",
    "attribute_reason",
    "reason",
    "override_reason",
    "repealed_on",
    "released_on",
    "note",
    "channel",
    "attachments",
    "guide",
    "system",
];

/// Store messages name fields by their machine name (`字段 title：…`);
/// pages name them in Chinese (`【标题】…`).
pub fn humanize(message: &str) -> String {
    let mut out = message.to_string();
    for f in FIELDS {
        out = out.replace(&format!("字段 {f}："), &format!("【{}】", field_label(f)));
    }
    out
}

/// The agency in the URL and what the signed-in person may do there.
pub struct Ctx {
    pub agency: Agency,
    pub view: AgencyStaffView,
    pub drafter: Option<PublicationDrafter>,
    pub reviewer: Option<PublicationReviewer>,
    pub approver: Option<PublicationApprover>,
}

pub async fn ctx(state: &AppState, session: &Session, code: &str) -> Result<Ctx, AppError> {
    let store = state.store();
    let agency = store
        .agency_by_code(code)
        .await?
        .ok_or_else(|| AppError::agency_not_found(code))?;
    let tree = store.agency_tree().await?;
    let p = &session.principal;
    let view = staff_view_of(p, &tree, agency.id).ok_or_else(AppError::forbidden)?;
    Ok(Ctx {
        drafter: drafter_of(p, &tree, agency.id),
        reviewer: reviewer_of(p, &tree, agency.id),
        approver: approver_of(p, &tree, agency.id),
        view,
        agency,
    })
}

fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| AppError::new(StatusCode::NOT_FOUND, "not_found", "公开信息不存在"))
}

// ---- list ----

pub struct StatusTab {
    pub value: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "publications_staff_list.html")]
struct ListPage {
    nav: Nav,
    agency: Agency,
    tabs: Vec<StatusTab>,
    items: Vec<PublicationListItem>,
    can_draft: bool,
    is_reviewer: bool,
    is_approver: bool,
    all_current: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn publications_staff_list_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let c = ctx(&state, &session, &code).await?;
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            PublicationStatus::parse(s)
                .ok_or_else(|| AppError::bad_request("invalid_input", format!("【状态】“{s}”无效")))
        })
        .transpose()?;
    let items = state.store().staff_publications(&c.view, status).await?;
    let tabs = PublicationStatus::ALL
        .iter()
        .map(|s| StatusTab {
            value: s.name(),
            label: s.label_zh(),
            current: Some(*s) == status,
        })
        .collect();
    Ok(render(&ListPage {
        nav: Nav::new(&state, Some(&session)),
        tabs,
        items,
        can_draft: c.drafter.is_some(),
        is_reviewer: c.reviewer.is_some(),
        is_approver: c.approver.is_some(),
        all_current: status.is_none(),
        agency: c.agency,
    })?
    .into_response())
}

// ---- the draft form ----

/// What was typed (kept when the form comes back with errors).
#[derive(Default, Clone)]
pub struct FormValues {
    pub title: String,
    pub body: String,
    pub document_type: String,
    pub category: String,
    pub issuer: String,
    pub co_issuers: String,
    pub document_number: String,
    pub written_on: String,
    pub effective_on: String,
    pub expires_on: String,
    pub validity: String,
    pub topic: String,
    pub keywords: String,
    pub summary: String,
    pub attribute: String,
    pub attribute_reason: String,
}

impl FormValues {
    fn of(p: &Publication) -> FormValues {
        FormValues {
            title: p.title.clone(),
            body: p.body_html.clone(),
            document_type: p.document_type.name().to_string(),
            category: p.category.clone().unwrap_or_default(),
            issuer: p.issuer.clone(),
            co_issuers: p.co_issuers.join("，"),
            document_number: p.document_number.clone().unwrap_or_default(),
            written_on: date_text(p.written_on),
            effective_on: opt_date_text(p.effective_on),
            expires_on: opt_date_text(p.expires_on),
            validity: p.validity.name().to_string(),
            topic: p.topic.clone().unwrap_or_default(),
            keywords: p.keywords.join("，"),
            summary: p.summary.clone().unwrap_or_default(),
            attribute: p.attribute.name().to_string(),
            attribute_reason: p.attribute_reason.clone().unwrap_or_default(),
        }
    }

    fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "title" => &mut self.title,
            "body" => &mut self.body,
            "document_type" => &mut self.document_type,
            "category" => &mut self.category,
            "issuer" => &mut self.issuer,
            "co_issuers" => &mut self.co_issuers,
            "document_number" => &mut self.document_number,
            "written_on" => &mut self.written_on,
            "effective_on" => &mut self.effective_on,
            "expires_on" => &mut self.expires_on,
            "validity" => &mut self.validity,
            "topic" => &mut self.topic,
            "keywords" => &mut self.keywords,
            "summary" => &mut self.summary,
            "attribute" => &mut self.attribute,
            "attribute_reason" => &mut self.attribute_reason,
            _ => return,
        };
        *slot = value;
    }

    /// The draft, or every problem found here (the store checks the rest).
    fn draft(&self) -> Result<PublicationDraft, Vec<String>> {
        let mut errors = Vec::new();
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut date = |field: &'static str, s: &str| -> Option<Date> {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            match Date::parse(t, DATE_FORMAT) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(format!(
                        "【{}】“{t}”不是有效日期，应为“年-月-日”，如 2025-06-03",
                        field_label(field)
                    ));
                    None
                }
            }
        };
        let written_on = date("written_on", &self.written_on);
        let effective_on = date("effective_on", &self.effective_on);
        let expires_on = date("expires_on", &self.expires_on);
        let mut named = |field: &'static str, s: &str, parse: fn(&str) -> Result<(), String>| {
            if !s.trim().is_empty() {
                if let Err(e) = parse(s) {
                    errors.push(format!("【{}】{e}", field_label(field)));
                }
            }
        };
        named("document_type", &self.document_type, |s| {
            s.parse::<DocumentType>().map(|_| ())
        });
        named("validity", &self.validity, |s| {
            s.parse::<Validity>().map(|_| ())
        });
        named("attribute", &self.attribute, |s| {
            s.parse::<DisclosureAttribute>().map(|_| ())
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PublicationDraft {
            title: self.title.clone(),
            body: self.body.clone(),
            document_type: DocumentType::parse(&self.document_type),
            category: opt(&self.category),
            issuer: opt(&self.issuer),
            co_issuers: vec![self.co_issuers.clone()],
            document_number: opt(&self.document_number),
            written_on,
            effective_on,
            expires_on,
            validity: Validity::parse(&self.validity),
            topic: opt(&self.topic),
            keywords: vec![self.keywords.clone()],
            summary: opt(&self.summary),
            attribute: DisclosureAttribute::parse(&self.attribute),
            attribute_reason: opt(&self.attribute_reason),
        })
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
}

pub struct CategoryOpt {
    pub value: String,
    pub label: String,
    pub depth: usize,
}

#[derive(Template)]
#[template(path = "publication_form.html")]
struct FormPage {
    nav: Nav,
    agency: Agency,
    csrf_token: String,
    action: String,
    editing: Option<Publication>,
    f: FormValues,
    errors: Vec<String>,
    categories: Vec<CategoryOpt>,
    doc_types: Vec<Opt>,
    validities: Vec<Opt>,
    attributes: Vec<Opt>,
}

fn opts<T: Copy>(all: &[T], name: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: name(*v).to_string(),
            label: label(*v).to_string(),
        })
        .collect()
}

async fn form_page(
    state: &AppState,
    session: &Session,
    agency: Agency,
    editing: Option<Publication>,
    f: FormValues,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let catalog = state.store().catalog(agency.id).await?;
    let categories = catalog
        .iter()
        .map(|c| CategoryOpt {
            value: c.key.clone(),
            label: c.name.clone(),
            depth: category_path(&catalog, &c.key).len().saturating_sub(1),
        })
        .collect();
    let action = match &editing {
        Some(p) => format!("/admin/agencies/{}/publications/{}", agency.code, p.id),
        None => format!("/admin/agencies/{}/publications", agency.code),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = render(&FormPage {
        nav: Nav::new(state, Some(session)),
        csrf_token: session.csrf_token.clone(),
        action,
        editing,
        f,
        errors,
        categories,
        doc_types: opts(
            DocumentType::ALL,
            DocumentType::name,
            DocumentType::label_zh,
        ),
        validities: opts(Validity::ALL, Validity::name, Validity::label_zh),
        attributes: opts(
            DisclosureAttribute::ALL,
            DisclosureAttribute::name,
            DisclosureAttribute::label_zh,
        ),
        agency,
    })?;
    Ok((status, page).into_response())
}

pub async fn publication_new_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let c = ctx(&state, &session, &code).await?;
    c.drafter.as_ref().ok_or_else(AppError::forbidden)?;
    let f = FormValues {
        issuer: c.agency.name.clone(),
        validity: Validity::Valid.name().to_string(),
        attribute: DisclosureAttribute::Proactive.name().to_string(),
        written_on: date_text(gongkai_store::now().date()),
        ..FormValues::default()
    };
    form_page(&state, &session, c.agency, None, f, Vec::new()).await
}

/// A multipart form: its text fields and its files.
struct Upload {
    csrf_token: String,
    values: FormValues,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    let bad = |e: String| {
        AppError::bad_request(
            "invalid_form",
            format!("表单内容不完整或格式不正确，请返回检查后重新提交（{e}）"),
        )
    };
    let mut m = multipart.map_err(|e| bad(e.body_text()))?;
    let mut up = Upload {
        csrf_token: String::new(),
        values: FormValues::default(),
        files: Vec::new(),
    };
    while let Some(field) = m.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachment_too_large",
                "【附件】上传内容过大：附件每个不超过 20 MB，一次上传合计不超过 40 MB",
            )
        } else {
            bad(e.body_text())
        }
    })? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
            if !file_name.is_empty() || !bytes.is_empty() {
                up.files.push((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(|e| bad(e.body_text()))?;
            if name == "csrf_token" {
                up.csrf_token = text;
            } else {
                up.values.set(&name, text);
            }
        }
    }
    Ok(up)
}

/// Checks the files before anything is stored (so a bad file keeps the input).
fn check_files(files: &[(String, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .filter_map(|(name, bytes)| inspect_attachment(name, bytes).err())
        .map(|e| format!("【附件】{e}"))
        .collect()
}

fn detail_url(code: &str, id: i64, notice: &str) -> String {
    format!("/admin/agencies/{code}/publications/{id}?notice={notice}")
}

pub async fn publication_create_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let up = read_upload(multipart).await?;
    csrf::verify(&session, &up.csrf_token)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.drafter.clone().ok_or_else(AppError::forbidden)?;
    let mut errors = check_files(&up.files);
    let draft = match up.values.draft() {
        Ok(d) => Some(d),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let (Some(draft), true) = (draft, errors.is_empty()) else {
        return form_page(&state, &session, c.agency, None, up.values, errors).await;
    };
    let p = match state.store().create_publication(&cap, draft).await {
        Ok(p) => p,
        Err(e) => {
            let msg = fixable(e)?;
            return form_page(&state, &session, c.agency, None, up.values, vec![msg]).await;
        }
    };
    for (name, bytes) in &up.files {
        if let Err(e) = state.store().add_attachment(&cap, p.id, name, bytes).await {
            let msg = fixable(e)?;
            let p = state.store().publication(&c.view, p.id).await?;
            let f = FormValues::of(&p);
            return form_page(&state, &session, c.agency, Some(p), f, vec![msg]).await;
        }
    }
    Ok(Redirect::to(&detail_url(&code, p.id, "created")).into_response())
}

/// A store error the person can fix, as a message; anything else is an error page.
fn fixable(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m)
        | StoreError::Conflict(m)
        | StoreError::Rejected { message: m, .. }
        | StoreError::Refused { message: m, .. } => Ok(humanize(&m)),
        StoreError::NotFound { .. } => Ok(e.to_string()),
        other => Err(PageError::from(other)),
    }
}

pub async fn publication_edit_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    c.drafter.as_ref().ok_or_else(AppError::forbidden)?;
    let p = state.store().publication(&c.view, id).await?;
    let f = FormValues::of(&p);
    form_page(&state, &session, c.agency, Some(p), f, Vec::new()).await
}

pub async fn publication_update_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let up = read_upload(multipart).await?;
    csrf::verify(&session, &up.csrf_token)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.drafter.clone().ok_or_else(AppError::forbidden)?;
    let current = state.store().publication(&c.view, id).await?;
    let mut errors = check_files(&up.files);
    let draft = match up.values.draft() {
        Ok(d) => Some(d),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let (Some(draft), true) = (draft, errors.is_empty()) else {
        return form_page(&state, &session, c.agency, Some(current), up.values, errors).await;
    };
    if let Err(e) = state.store().update_publication(&cap, id, draft).await {
        let msg = fixable(e)?;
        return form_page(
            &state,
            &session,
            c.agency,
            Some(current),
            up.values,
            vec![msg],
        )
        .await;
    }
    for (name, bytes) in &up.files {
        if let Err(e) = state.store().add_attachment(&cap, id, name, bytes).await {
            let msg = fixable(e)?;
            let p = state.store().publication(&c.view, id).await?;
            let f = FormValues::of(&p);
            return form_page(&state, &session, c.agency, Some(p), f, vec![msg]).await;
        }
    }
    Ok(Redirect::to(&detail_url(&code, id, "updated")).into_response())
}

// ---- the item page (review, approval, later steps) ----

pub struct FindingRow {
    pub source: String,
    pub position: usize,
    pub kind: &'static str,
    pub preview: String,
}

fn finding_rows(findings: &[LocatedFinding]) -> Vec<FindingRow> {
    findings
        .iter()
        .map(|f| FindingRow {
            source: f.source.label_zh(),
            position: f.finding.chars.start + 1,
            kind: f.finding.kind.label_zh(),
            preview: f.finding.preview.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "publication_staff.html")]
struct ItemPage {
    nav: Nav,
    agency: Agency,
    csrf_token: String,
    p: Publication,
    /// The body as shown to staff: personal data masked for display.
    body_preview: String,
    findings: Vec<FindingRow>,
    lateness: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
    can_edit: bool,
    can_submit: bool,
    can_review: bool,
    can_approve: bool,
    can_end: bool,
    can_channel: bool,
    channels: Vec<Opt>,
    today: String,
    public_url: Option<String>,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "created" => "草稿已保存，已生成索引号。",
        "updated" => "草稿已修改。",
        "submitted" => "已提交保密审查。",
        "masked" => "正文中的个人信息已遮盖。",
        "passed" => "已通过保密审查，待负责人审批发布。",
        "returned" => "已退回信息员修改。",
        "approved" => "已审批发布，已在政府信息公开专栏公开。",
        "withdrawn" => "已撤回，不再公开。",
        "repealed" => "已废止，仍公开并标注“已废止”。",
        "channel" => "发布渠道已登记。",
        "detached" => "附件已删除。",
        _ => return None,
    })
}

async fn item_page(
    state: &AppState,
    session: &Session,
    code: &str,
    id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let c = ctx(state, session, code).await?;
    let store = state.store();
    let p = store.publication(&c.view, id).await?;
    let today = gongkai_store::now().date();
    let findings = if matches!(
        p.status,
        PublicationStatus::Draft | PublicationStatus::Submitted | PublicationStatus::Reviewed
    ) {
        store.publication_findings(&c.view, id).await?
    } else {
        Vec::new()
    };
    let calendar = store.calendar().await?;
    let lateness = match p.status {
        PublicationStatus::Withdrawn => None,
        _ => lateness_warning(&calendar, p.written_on, p.published_on.unwrap_or(today)),
    };
    let s = p.status;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = render(&ItemPage {
        nav: Nav::new(state, Some(session)),
        csrf_token: session.csrf_token.clone(),
        body_preview: mask_body(&p.body_html, today).0,
        findings: finding_rows(&findings),
        lateness,
        notice,
        error,
        can_edit: c.drafter.is_some() && s == PublicationStatus::Draft,
        can_submit: c.drafter.is_some() && s == PublicationStatus::Draft,
        can_review: c.reviewer.is_some() && s == PublicationStatus::Submitted,
        can_approve: c.approver.is_some() && s == PublicationStatus::Reviewed,
        can_end: c.approver.is_some() && s == PublicationStatus::Published,
        can_channel: c.drafter.is_some() && s == PublicationStatus::Published,
        channels: opts(ChannelKind::ALL, ChannelKind::name, ChannelKind::label_zh),
        today: date_text(today),
        public_url: s
            .is_public()
            .then(|| format!("/{}/xxgk/{}", c.agency.code, p.id)),
        p,
        agency: c.agency,
    })?;
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn publication_staff_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let notice = q.notice.as_deref().and_then(notice_text);
    item_page(&state, &session, &code, id, notice, None).await
}

/// After an action: back to the item with a notice, or the item with the error.
async fn outcome<T>(
    state: &AppState,
    session: &Session,
    code: &str,
    id: i64,
    result: Result<T, StoreError>,
    notice: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&detail_url(code, id, notice)).into_response()),
        Err(e) => {
            let msg = fixable(e)?;
            item_page(state, session, code, id, None, Some(msg)).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    override_reason: String,
    #[serde(default)]
    repealed_on: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    released_on: String,
    #[serde(default)]
    note: String,
}

fn form_date(field: &'static str, s: &str) -> Result<Date, String> {
    Date::parse(s.trim(), DATE_FORMAT).map_err(|_| {
        format!(
            "【{}】“{}”不是有效日期，应为“年-月-日”，如 2025-06-03",
            field_label(field),
            s.trim()
        )
    })
}

pub async fn publication_submit_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.drafter.ok_or_else(AppError::forbidden)?;
    let r = state.store().submit_publication(&cap, id).await;
    outcome(&state, &session, &code, id, r, "submitted").await
}

pub async fn publication_mask_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.reviewer.ok_or_else(AppError::forbidden)?;
    let r = state.store().mask_publication_pii(&cap, id).await;
    outcome(&state, &session, &code, id, r, "masked").await
}

pub async fn publication_review_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.reviewer.ok_or_else(AppError::forbidden)?;
    let (decision, notice) = match f.decision.as_str() {
        "pass" => (
            ReviewDecision::Pass {
                override_reason: Some(f.override_reason).filter(|r| !r.trim().is_empty()),
            },
            "passed",
        ),
        "return" => (ReviewDecision::Return { reason: f.reason }, "returned"),
        other => {
            return Err(AppError::bad_request(
                "invalid_input",
                format!("【审查结论】“{other}”无效，应为通过或退回"),
            )
            .into())
        }
    };
    let r = state.store().review_publication(&cap, id, decision).await;
    outcome(&state, &session, &code, id, r, notice).await
}

pub async fn publication_approve_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.approver.ok_or_else(AppError::forbidden)?;
    if f.decision == "return" {
        let r = state.store().return_publication(&cap, id, &f.reason).await;
        return outcome(&state, &session, &code, id, r, "returned").await;
    }
    let calendar = state.store().calendar().await?;
    let r = state.store().approve_publication(&cap, &calendar, id).await;
    outcome(&state, &session, &code, id, r, "approved").await
}

pub async fn publication_withdraw_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.approver.ok_or_else(AppError::forbidden)?;
    let r = state
        .store()
        .withdraw_publication(&cap, id, &f.reason)
        .await;
    outcome(&state, &session, &code, id, r, "withdrawn").await
}

pub async fn publication_repeal_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.approver.ok_or_else(AppError::forbidden)?;
    let on = match form_date("repealed_on", &f.repealed_on) {
        Ok(d) => d,
        Err(m) => return item_page(&state, &session, &code, id, None, Some(m)).await,
    };
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    let r = state.store().repeal_publication(&cap, id, on, reason).await;
    outcome(&state, &session, &code, id, r, "repealed").await
}

pub async fn publication_channel_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id)): Path<(String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.drafter.ok_or_else(AppError::forbidden)?;
    let channel = match f.channel.parse::<ChannelKind>() {
        Ok(ch) => ch,
        Err(m) => {
            let m = format!("【{}】{m}", field_label("channel"));
            return item_page(&state, &session, &code, id, None, Some(m)).await;
        }
    };
    let on = match form_date("released_on", &f.released_on) {
        Ok(d) => d,
        Err(m) => return item_page(&state, &session, &code, id, None, Some(m)).await,
    };
    let note = Some(f.note.as_str()).filter(|r| !r.trim().is_empty());
    let r = state
        .store()
        .record_channel(&cap, id, channel, on, note)
        .await;
    outcome(&state, &session, &code, id, r, "channel").await
}

pub async fn publication_detach_post(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id, attachment)): Path<(String, String, String)>,
    ValidForm(f): ValidForm<ActionForm>,
) -> Result<Response, PageError> {
    csrf::verify(&session, &f.csrf_token)?;
    let id = parse_id(&id)?;
    let attachment = parse_id(&attachment)?;
    let c = ctx(&state, &session, &code).await?;
    let cap = c.drafter.ok_or_else(AppError::forbidden)?;
    let r = state.store().remove_attachment(&cap, id, attachment).await;
    outcome(&state, &session, &code, id, r, "detached").await
}

/// `Content-Disposition` for a download with a Chinese file name (RFC 5987).
pub fn attachment_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub fn download(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                attachment_disposition(file_name),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn publication_attachment_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path((code, id, attachment)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let attachment = parse_id(&attachment)?;
    let c = ctx(&state, &session, &code).await?;
    let (info, bytes) = state
        .store()
        .publication_attachment(&c.view, id, attachment)
        .await?;
    Ok(download(&info.media_type, &info.file_name, bytes))
}

// ---- the ledger (发布台账) ----

pub struct LedgerLine {
    pub index_number: String,
    pub title: String,
    pub document_number: String,
    pub document_type: &'static str,
    pub written_on: String,
    pub published_on: String,
    pub status: &'static str,
    pub validity: &'static str,
    pub channels: String,
    pub drafted_by: String,
    pub reviewed_by: String,
    pub approved_by: String,
    pub late: String,
    pub id: i64,
}

const LEDGER_HEADERS: [&str; 13] = [
    "索引号",
    "标题",
    "文号",
    "文件类型",
    "成文日期",
    "发布日期",
    "状态",
    "有效性",
    "发布渠道",
    "起草人",
    "审核人",
    "审批人",
    "超期提示",
];

impl LedgerLine {
    fn cells(&self) -> [String; 13] {
        [
            self.index_number.clone(),
            self.title.clone(),
            self.document_number.clone(),
            self.document_type.to_string(),
            self.written_on.clone(),
            self.published_on.clone(),
            self.status.to_string(),
            self.validity.to_string(),
            self.channels.clone(),
            self.drafted_by.clone(),
            self.reviewed_by.clone(),
            self.approved_by.clone(),
            self.late.clone(),
        ]
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

fn parse_year(q: &YearQuery) -> Result<Option<i32>, AppError> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2200).contains(y))
            .map(Some)
            .ok_or_else(|| {
                AppError::bad_request("invalid_input", format!("【年份】“{y}”无效，应为四位年份"))
            }),
    }
}

async fn ledger_lines(
    state: &AppState,
    view: &AgencyStaffView,
    year: Option<i32>,
) -> Result<Vec<LedgerLine>, AppError> {
    let calendar = state.store().calendar().await?;
    let rows = state
        .store()
        .publication_ledger(view, &calendar, year)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerLine {
            id: r.item.id,
            index_number: r.item.index_number.clone(),
            title: r.item.title.clone(),
            document_number: r.item.document_number.clone().unwrap_or_default(),
            document_type: r.item.document_type.label_zh(),
            written_on: date_text(r.item.written_on),
            published_on: opt_date_text(r.item.published_on),
            status: r.item.status.label_zh(),
            validity: r.item.validity.label_zh(),
            channels: r
                .channels
                .iter()
                .map(|c| format!("{} {}", c.channel.label_zh(), date_text(c.released_on)))
                .collect::<Vec<_>>()
                .join("；"),
            drafted_by: r.drafted_by,
            reviewed_by: r.reviewed_by.unwrap_or_default(),
            approved_by: r.approved_by.unwrap_or_default(),
            late: r.late.unwrap_or_default(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "publication_ledger.html")]
struct LedgerPage {
    nav: Nav,
    agency: Agency,
    year: String,
    headers: [&'static str; 13],
    lines: Vec<LedgerLine>,
}

pub async fn publication_ledger_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let c = ctx(&state, &session, &code).await?;
    let year = parse_year(&q)?;
    let lines = ledger_lines(&state, &c.view, year).await?;
    Ok(render(&LedgerPage {
        nav: Nav::new(&state, Some(&session)),
        agency: c.agency,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        headers: LEDGER_HEADERS,
        lines,
    })?
    .into_response())
}

pub async fn publication_ledger_xlsx_get(
    State(state): State<AppState>,
    StaffSession(session): StaffSession,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    use gongkai_docs::{Block, Cell, Doc, Table};
    let c = ctx(&state, &session, &code).await?;
    let year = parse_year(&q)?;
    let lines = ledger_lines(&state, &c.view, year).await?;
    let mut rows = vec![LEDGER_HEADERS.iter().map(|h| Cell::new(*h)).collect()];
    rows.extend(
        lines
            .iter()
            .map(|l| l.cells().into_iter().map(Cell::new).collect()),
    );
    let title = match year {
        Some(y) => format!("{}{y}年政府信息主动公开发布台账", c.agency.name),
        None => format!("{}政府信息主动公开发布台账", c.agency.name),
    };
    let doc = Doc {
        blocks: vec![
            Block::Heading {
                level: 1,
                text: title,
            },
            Block::Table(Table { rows }),
        ],
    };
    let bytes = gongkai_docs::write_xlsx(&doc).map_err(|e| {
        tracing::error!(error = %e, "ledger xlsx");
        AppError::internal()
    })?;
    let name = match year {
        Some(y) => format!("发布台账-{}-{y}.xlsx", c.agency.code),
        None => format!("发布台账-{}.xlsx", c.agency.code),
    };
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
        bytes,
    ))
}

/// The fuzz target's path through this module's inputs: the multipart
/// upload with the draft and attachment checks (`selector` 0), or a year
/// query (1).
#[doc(hidden)]
pub(super) async fn fuzz_input(selector: u8, body: &[u8]) -> bool {
    if selector == 1 {
        return crate::fuzzing::query::<YearQuery>(body)
            .map(|q| parse_year(&q).is_ok())
            .unwrap_or(false);
    }
    let Some(mp) = crate::fuzzing::multipart(body).await else {
        return false;
    };
    let Ok(up) = read_upload(Ok(mp)).await else {
        return false;
    };
    let problems = check_files(&up.files);
    up.values.draft().is_ok() && problems.is_empty()
}
