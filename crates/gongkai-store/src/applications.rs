//! Disclosure applications (依申请公开): one row per application with its
//! applicant, and its ordered clock events. The state, due date and
//! explanation are computed from the events and the calendar
//! (`gongkai_domain::clock::compute_clock`); the `status` and `due_on`
//! columns keep the result of the last write for quick lists.
//!
//! Writes demand an [`AgencyHandler`]; reads of applications (which carry the
//! applicant's personal data) an [`ApplicationReader`]; the figures for the
//! annual report, which carry none, an [`AgencyStaffView`]. Every query is
//! filtered by the capability's agency, so another agency's application is
//! simply not found. The public tracking lookup returns no personal data.

use crate::audit::{append, AuditRecord};
use crate::stored::{corrupt, date_text, parse_date, rejected, today};
use crate::{on_pool, on_tx, Result, Store, StoreError, Tx};
use gongkai_calendar::Calendar;
use gongkai_domain::applicant::{
    mask_credit_code, mask_id_number, mask_name, mask_phone, ApplicantDraft, ApplicantKind,
    MaskedApplicant,
};
use gongkai_domain::clock::{
    compute_clock, is_open, ApplicationEvent, Channel, Clock, ClockSettings, EventKind,
    EventKindName, Status,
};
use gongkai_domain::details::{validate_details, DetailsInput, EventDetails};
use gongkai_domain::fees::{collected_in_year, FeeStep};
use gongkai_domain::letters::LetterKind;
use gongkai_domain::outcome::{Outcome, UnavailableReason};
use gongkai_domain::{AgencyHandler, AgencyStaffView, ApplicationReader};
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest request text (characters).
pub const MAX_REQUEST_CHARS: usize = 10_000;
/// Length of a tracking code.
pub const TRACKING_CODE_LEN: usize = 12;
/// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I).
const TRACKING_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");
/// An application as registered (any channel).
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub applicant: ApplicantDraft,
    pub channel: Channel,
    /// The receipt date under 条例 Art. 31 for the channel.
    pub received_on: Date,
    /// The information sought, as the applicant described it.
    pub request: String,
}

/// One event to record; `outcome` (an outcome id, e.g. `partly_disclosed`)
/// goes with `answered` only.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event: ApplicationEvent,
    pub outcome: Option<String>,
    pub reason: Option<String>,
}

/// The applicant as stored (normalised by `ApplicantDraft::validate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredApplicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

impl StoredApplicant {
    /// As staff lists show it (`3708**********1234`, `138****5678`).
    pub fn masked(&self) -> MaskedApplicant {
        MaskedApplicant {
            kind: self.kind,
            name: mask_name(&self.name, self.kind),
            id_number: self.id_number.as_deref().map(mask_id_number),
            credit_code: self.credit_code.as_deref().map(mask_credit_code),
            phone: self.phone.as_deref().map(mask_phone),
        }
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedEvent {
    pub seq: i64,
    #[serde(flatten)]
    pub event: ApplicationEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the event's letter says (absent on older rows and bare API events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<EventDetails>,
    pub actor_label: String,
    pub created_at: String,
}

/// What the payload column holds.
#[derive(Serialize, Deserialize)]
pub(crate) struct Payload {
    pub(crate) event: ApplicationEvent,
    #[serde(default)]
    pub(crate) outcome: Option<Outcome>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) details: Option<EventDetails>,
}

/// One application with its applicant, events and computed clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub id: i64,
    pub agency_id: i64,
    pub tracking_code: String,
    pub applicant: StoredApplicant,
    pub identity_key: Option<String>,
    pub channel: Channel,
    #[serde(with = "iso_date")]
    pub received_on: Date,
    pub request: String,
    pub status: Status,
    #[serde(with = "iso_date::option")]
    pub due_on: Option<Date>,
    pub outcome: Option<Outcome>,
    /// The clock computed today (`None` when the calendar no longer covers the events).
    pub clock: Option<Clock>,
    pub events: Vec<RecordedEvent>,
    pub created_at: String,
    pub updated_at: String,
}

/// A line of a staff list: the applicant masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationSummary {
    pub id: i64,
    pub tracking_code: String,
    pub applicant: MaskedApplicant,
    pub channel: Channel,
    #[serde(with = "iso_date")]
    pub received_on: Date,
    pub request: String,
    pub status: Status,
    #[serde(with = "iso_date::option")]
    pub due_on: Option<Date>,
    pub outcome: Option<Outcome>,
}

/// Which applications a list shows: by status (as computed today) and by receipt date.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<Status>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// What `/track` may show: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackedApplication {
    pub tracking_code: String,
    pub agency_id: i64,
    #[serde(with = "iso_date")]
    pub received_on: Date,
    pub status: Status,
    #[serde(with = "iso_date::option")]
    pub due_on: Option<Date>,
    pub outcome: Option<Outcome>,
    pub events: Vec<TrackedEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackedEvent {
    #[serde(with = "iso_date")]
    pub on: Date,
    pub kind: EventKindName,
    pub label: &'static str,
}

/// What the report figures need of one application (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRecord {
    pub kind: ApplicantKind,
    pub events: Vec<ApplicationEvent>,
    pub outcome: Option<Outcome>,
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    agency_id: i64,
    tracking_code: String,
    applicant_kind: String,
    applicant_name: String,
    id_number: Option<String>,
    credit_code: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    identity_key: Option<String>,
    channel: String,
    received_on: String,
    request: String,
    status: String,
    due_on: Option<String>,
    outcome: Option<String>,
    created_at: String,
    updated_at: String,
}

macro_rules! select_application {
    () => {
        "SELECT id, agency_id, tracking_code, applicant_kind, applicant_name, id_number, credit_code, phone, email, address, identity_key, channel, received_on, request, status, due_on, outcome, created_at, updated_at FROM applications"
    };
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub(crate) application_id: i64,
    pub(crate) seq: i64,
    pub(crate) payload: String,
    pub(crate) actor_label: String,
    pub(crate) created_at: String,
}

pub(crate) fn enum_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(crate) fn enum_parse<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| corrupt(what, format!("{text}：{e}")))
}

/// A fresh tracking code, e.g. `K7M2QX9ARB4T`.
pub(crate) fn tracking_code() -> String {
    let bytes: [u8; TRACKING_CODE_LEN] = rand::random();
    bytes
        .iter()
        .map(|b| char::from(TRACKING_ALPHABET[usize::from(*b) % TRACKING_ALPHABET.len()]))
        .collect()
}

/// Today in China Standard Time.
pub(crate) fn event_row_into(row: EventRow) -> Result<RecordedEvent> {
    let p: Payload = serde_json::from_str(&row.payload).map_err(|e| corrupt("申请事件", e))?;
    Ok(RecordedEvent {
        seq: row.seq,
        event: p.event,
        outcome: p.outcome,
        reason: p.reason,
        details: p.details,
        actor_label: row.actor_label,
        created_at: row.created_at,
    })
}

fn applicant_of(row: &ApplicationRow) -> Result<StoredApplicant> {
    Ok(StoredApplicant {
        kind: enum_parse("申请人类型", &row.applicant_kind)?,
        name: row.applicant_name.clone(),
        id_number: row.id_number.clone(),
        credit_code: row.credit_code.clone(),
        phone: row.phone.clone(),
        email: row.email.clone(),
        address: row.address.clone(),
    })
}

fn stored_outcome(row: &ApplicationRow) -> Result<Option<Outcome>> {
    row.outcome
        .as_deref()
        .map(|o| Outcome::parse(o).map_err(|e| corrupt("办理结果", e)))
        .transpose()
}

/// Status and due date as of today, or the stored ones when the calendar
/// cannot compute them any more.
fn current_state(
    row: &ApplicationRow,
    events: &[ApplicationEvent],
    calendar: &Calendar,
    today: Date,
) -> Result<(Status, Option<Date>, Option<Clock>)> {
    match compute_clock(events, calendar, &ClockSettings::default(), today) {
        Ok(clock) => Ok((clock.status, clock.due_on, Some(clock))),
        Err(_) => Ok((
            enum_parse("申请状态", &row.status)?,
            row.due_on.as_deref().map(parse_date).transpose()?,
            None,
        )),
    }
}

fn into_application(
    row: ApplicationRow,
    events: Vec<RecordedEvent>,
    calendar: &Calendar,
) -> Result<Application> {
    let plain: Vec<ApplicationEvent> = events.iter().map(|e| e.event.clone()).collect();
    let (status, due_on, clock) = current_state(&row, &plain, calendar, today())?;
    Ok(Application {
        applicant: applicant_of(&row)?,
        outcome: stored_outcome(&row)?,
        channel: enum_parse("提交渠道", &row.channel)?,
        received_on: parse_date(&row.received_on)?,
        status,
        due_on,
        clock,
        events,
        id: row.id,
        agency_id: row.agency_id,
        tracking_code: row.tracking_code,
        identity_key: row.identity_key,
        request: row.request,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub(crate) async fn events_in_tx(tx: &mut Tx, application_id: i64) -> Result<Vec<RecordedEvent>> {
    let rows: Vec<EventRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT application_id, seq, payload, actor_label, created_at FROM application_events WHERE application_id = $1 ORDER BY seq")
        .bind(application_id).fetch_all(c).await)?;
    rows.into_iter().map(event_row_into).collect()
}

/// A 结果纠正 on a case about application `application_id` reopens it (in
/// the caller's transaction): a `reopened` event on `decided_on` in its
/// history, its status and new due date (20 working days from the day
/// after the decision, 条例 Art. 33), and an audit entry on the
/// application. `Ok(None)` when the application is still open (its own
/// period still runs: nothing to reopen). Refused when it was withdrawn or
/// the decision predates its end.
pub(crate) async fn reopen_in_tx(
    tx: &mut Tx,
    agency_id: i64,
    application_id: i64,
    decided_on: Date,
    calendar: &Calendar,
    actor: &gongkai_domain::Actor,
    reason: &str,
) -> Result<Option<Date>> {
    let now = crate::now_text();
    let touched = on_tx!(tx, c => sqlx::query(
        "UPDATE applications SET updated_at = $1 WHERE id = $2 AND agency_id = $3")
        .bind(&now).bind(application_id).bind(agency_id).execute(c).await.map(|r| r.rows_affected()))?;
    if touched != 1 {
        return Err(StoreError::not_found("申请"));
    }
    let recorded = events_in_tx(tx, application_id).await?;
    let mut events: Vec<ApplicationEvent> = recorded.iter().map(|e| e.event.clone()).collect();
    if is_open(&events) {
        return Ok(None);
    }
    let event = ApplicationEvent::new(decided_on, EventKind::Reopened);
    events.push(event.clone());
    let clock = compute_clock(&events, calendar, &ClockSettings::default(), today())
        .map_err(|e| rejected("invalid_event", format!("关联申请无法重新办理：{e}")))?;
    let seq = recorded.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
    let payload = serde_json::to_string(&Payload {
        event,
        outcome: None,
        reason: Some(reason.to_string()),
        details: None,
    })
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let on = date_text(decided_on);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO application_events (application_id, seq, kind, on_date, payload, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(application_id).bind(seq).bind(EventKindName::Reopened.name()).bind(&on).bind(&payload)
        .bind(&actor.label).bind(&now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let status = enum_name(&clock.status);
    let due_on = clock.due_on.map(date_text);
    on_tx!(tx, c => sqlx::query(
        "UPDATE applications SET status = $1, due_on = $2 WHERE id = $3")
        .bind(&status).bind(&due_on).bind(application_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::figures::refresh_in_tx(tx, application_id).await?;
    append(
        tx,
        AuditRecord {
            actor,
            agency_id: Some(agency_id),
            action: "application.reopen",
            object_kind: "application",
            object_id: application_id.to_string(),
            summary: serde_json::json!({
                "seq": seq, "on": on, "reason": reason, "status": status, "due_on": due_on,
            }),
        },
    )
    .await?;
    Ok(clock.due_on)
}

impl Store {
    pub(crate) async fn events_of(&self, application_id: i64) -> Result<Vec<RecordedEvent>> {
        let rows: Vec<EventRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT application_id, seq, payload, actor_label, created_at FROM application_events WHERE application_id = $1 ORDER BY seq")
            .bind(application_id).fetch_all(p).await)?;
        rows.into_iter().map(event_row_into).collect()
    }

    /// Every event of the agency's applications received by `until`, by application.
    async fn events_of_agency(
        &self,
        agency_id: i64,
        until: Option<&str>,
    ) -> Result<std::collections::HashMap<i64, Vec<RecordedEvent>>> {
        let until = until.unwrap_or("9999-12-31");
        let rows: Vec<EventRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT e.application_id, e.seq, e.payload, e.actor_label, e.created_at
             FROM application_events e JOIN applications a ON a.id = e.application_id
             WHERE a.agency_id = $1 AND a.received_on <= $2 ORDER BY e.application_id, e.seq")
            .bind(agency_id).bind(until).fetch_all(p).await)?;
        let mut out: std::collections::HashMap<i64, Vec<RecordedEvent>> = Default::default();
        for row in rows {
            let id = row.application_id;
            out.entry(id).or_default().push(event_row_into(row)?);
        }
        Ok(out)
    }

    /// Registers an application received on any channel, with its first
    /// `received` event; the due date is 20 working days after receipt
    /// (条例 Art. 33) on `calendar`. Bad input is refused with a Chinese
    /// message naming the field, and nothing is stored.
    pub async fn create_application(
        &self,
        cap: &AgencyHandler,
        calendar: &Calendar,
        new: NewApplication,
    ) -> Result<Application> {
        let today = today();
        let applicant = new.applicant.validate(today).map_err(|errors| {
            let parts: Vec<String> = errors
                .iter()
                .map(|e| format!("字段 applicant.{}：{e}", e.field()))
                .collect();
            rejected("invalid_input", parts.join("；"))
        })?;
        let request = new.request.trim().to_string();
        if request.is_empty() || request.chars().count() > MAX_REQUEST_CHARS {
            return Err(rejected(
                "invalid_input",
                format!("字段 request：申请公开的政府信息描述不能为空，且不超过{MAX_REQUEST_CHARS}个字符"),
            ));
        }
        if new.received_on > today {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 received_on：收到申请日期 {} 晚于今天（{}）",
                    date_text(new.received_on),
                    date_text(today)
                ),
            ));
        }
        let received = ApplicationEvent::new(
            new.received_on,
            EventKind::Received {
                channel: new.channel,
            },
        );
        let clock = compute_clock(
            std::slice::from_ref(&received),
            calendar,
            &ClockSettings::default(),
            today,
        )
        .map_err(|e| rejected("invalid_input", format!("字段 received_on：{e}")))?;
        let payload = serde_json::to_string(&Payload {
            event: received.clone(),
            outcome: None,
            reason: None,
            details: None,
        })
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let code = tracking_code();
        let now = crate::now_text();
        let identity_key = applicant.identity_key().map(|k| k.as_str().to_string());
        let kind = enum_name(&applicant.kind);
        let channel = enum_name(&new.channel);
        let received_on = date_text(new.received_on);
        let status = enum_name(&clock.status);
        let due_on = clock.due_on.map(date_text);

        let mut tx = self.begin().await?;
        let id = insert_application(
            &mut tx,
            ApplicationInsert {
                agency_id: cap.agency_id(),
                tracking_code: &code,
                applicant_kind: &kind,
                applicant_name: &applicant.name,
                id_number: applicant.id_number.as_ref().map(|v| v.as_str()),
                credit_code: applicant.credit_code.as_ref().map(|v| v.as_str()),
                phone: applicant.phone.as_ref().map(|v| v.as_str()),
                email: applicant.email.as_deref(),
                address: applicant.address.as_deref(),
                identity_key: identity_key.as_deref(),
                channel: &channel,
                received_on: &received_on,
                request: &request,
                status: &status,
                due_on: due_on.as_deref(),
                received_payload: &payload,
                actor_label: &cap.actor().label,
                now: &now,
            },
        )
        .await?;
        // No personal data in the audit log: the applicant is named by kind only.
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "application.create",
                object_kind: "application",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "tracking_code": code, "applicant_kind": kind, "channel": channel,
                    "received_on": received_on, "due_on": due_on,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.application_in(cap.agency_id(), id, calendar).await
    }

    /// Records one clock event. The whole event list must still make sense
    /// (`compute_clock` checks the order: no answer before receipt, one 补正
    /// only, extensions of at most 20 working days with an approver, nothing
    /// after the end); `answered` needs a valid outcome id. Refused events
    /// leave nothing behind.
    pub async fn add_application_event(
        &self,
        cap: &AgencyHandler,
        calendar: &Calendar,
        id: i64,
        new: NewEvent,
    ) -> Result<Application> {
        self.add_application_event_with(cap, calendar, id, new, None)
            .await
    }

    /// [`Store::add_application_event`] with the details its letter needs
    /// (`gongkai_domain::details::validate_details`: checked against the
    /// kind and outcome, the fee computed). An event with a letter
    /// (补正, 延期, 征求意见, 收费, 答复) gets its letter number in the same
    /// transaction.
    pub async fn add_application_event_with(
        &self,
        cap: &AgencyHandler,
        calendar: &Calendar,
        id: i64,
        new: NewEvent,
        details: Option<&DetailsInput>,
    ) -> Result<Application> {
        let today = today();
        let kind_name = new.event.kind.kind_name();
        if new.event.on > today {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 on：{}日期 {} 晚于今天（{}）",
                    kind_name.label_zh(),
                    date_text(new.event.on),
                    date_text(today)
                ),
            ));
        }
        if kind_name == EventKindName::Received {
            return Err(rejected(
                "invalid_event",
                "收到申请只在登记申请时记录一次，不能作为后续事件登记",
            ));
        }
        if kind_name == EventKindName::Reopened {
            return Err(rejected("invalid_event", "纠正后重新办理在登记复议或诉讼案件的“结果纠正”时自动记录，不能作为申请事件直接登记"));
        }
        let outcome = match (&new.event.kind, new.outcome.as_deref().map(str::trim)) {
            (EventKind::Answered, None | Some("")) => {
                return Err(rejected(
                    "invalid_input",
                    "字段 outcome：答复须注明办理结果（如 disclosed、partly_disclosed、withheld.third_party_rights）",
                ))
            }
            (EventKind::Answered, Some(text)) => Some(Outcome::parse(text).map_err(|e| {
                rejected("unknown_outcome", format!("字段 outcome：{e}"))
            })?),
            (_, None | Some("")) => None,
            (_, Some(_)) => {
                return Err(rejected(
                    "invalid_input",
                    format!(
                        "字段 outcome：只有答复（answered）事件登记办理结果，{}不登记",
                        kind_name.label_zh()
                    ),
                ))
            }
        };
        let reason = new
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let details =
            validate_details(kind_name, new.event.on, outcome, reason.as_deref(), details)
                .map_err(|e| rejected("invalid_input", e.to_string()))?;
        let payload = serde_json::to_string(&Payload {
            event: new.event.clone(),
            outcome,
            reason: reason.clone(),
            details,
        })
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let now = crate::now_text();

        let mut tx = self.begin().await?;
        // Touching the row first takes its write lock on both backends, so
        // concurrent events on one application queue up.
        let touched = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE applications SET updated_at = $1 WHERE id = $2 AND agency_id = $3")
            .bind(&now).bind(id).bind(cap.agency_id()).execute(c).await.map(|r| r.rows_affected()))?;
        if touched != 1 {
            return Err(StoreError::not_found("申请"));
        }
        let recorded = events_in_tx(&mut tx, id).await?;
        let mut events: Vec<ApplicationEvent> = recorded.iter().map(|e| e.event.clone()).collect();
        events.push(new.event.clone());
        let clock = compute_clock(&events, calendar, &ClockSettings::default(), today)
            .map_err(|e| rejected("invalid_event", e.to_string()))?;
        let seq = recorded.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
        let on = date_text(new.event.on);
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO application_events (application_id, seq, kind, on_date, payload, actor_label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id).bind(seq).bind(kind_name.name()).bind(&on).bind(&payload)
            .bind(&cap.actor().label).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        let letter_no = match LetterKind::for_event(kind_name, outcome) {
            Some(kind) => Some(
                crate::letters::allocate(
                    &mut tx,
                    cap.agency_id(),
                    id,
                    seq,
                    kind,
                    new.event.on,
                    &now,
                )
                .await?,
            ),
            None => None,
        };
        let status = enum_name(&clock.status);
        let due_on = clock.due_on.map(date_text);
        let outcome_id = outcome.map(|o| o.id().to_string());
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE applications SET status = $1, due_on = $2, outcome = COALESCE($3, outcome) WHERE id = $4")
            .bind(&status).bind(&due_on).bind(&outcome_id).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        crate::figures::refresh_in_tx(&mut tx, id).await?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "application.event",
                object_kind: "application",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "seq": seq, "kind": kind_name.name(), "on": on, "outcome": outcome_id,
                    "status": status, "due_on": due_on, "letter_no": letter_no,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.application_in(cap.agency_id(), id, calendar).await
    }

    async fn application_in(
        &self,
        agency_id: i64,
        id: i64,
        calendar: &Calendar,
    ) -> Result<Application> {
        let row: Option<ApplicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_application!(), " WHERE id = $1 AND agency_id = $2"))
            .bind(id).bind(agency_id).fetch_optional(p).await)?;
        let row = row.ok_or_else(|| StoreError::not_found("申请"))?;
        let events = self.events_of(id).await?;
        into_application(row, events, calendar)
    }

    /// One application of the reader's agency, with its applicant.
    pub async fn application(
        &self,
        cap: &ApplicationReader,
        calendar: &Calendar,
        id: i64,
    ) -> Result<Application> {
        self.application_in(cap.agency_id(), id, calendar).await
    }

    /// The agency an application belongs to, so that a handler can derive a
    /// capability for it (never from the client). Reveals nothing else.
    pub async fn application_agency_id(&self, id: i64) -> Result<Option<i64>> {
        let agency: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT agency_id FROM applications WHERE id = $1").bind(id).fetch_optional(p).await)?;
        Ok(agency)
    }

    /// The agency's applications, applicants masked, by due date (open
    /// first) then receipt; `status` is judged as of today.
    pub async fn applications(
        &self,
        cap: &ApplicationReader,
        calendar: &Calendar,
        filter: &ApplicationFilter,
    ) -> Result<Vec<ApplicationSummary>> {
        let from = filter
            .from
            .map(date_text)
            .unwrap_or_else(|| "0000-01-01".into());
        let to = filter
            .to
            .map(date_text)
            .unwrap_or_else(|| "9999-12-31".into());
        let rows: Vec<ApplicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_application!(), " WHERE agency_id = $1 AND received_on >= $2 AND received_on <= $3 ORDER BY received_on, id"))
            .bind(cap.agency_id()).bind(&from).bind(&to).fetch_all(p).await)?;
        let mut events = self.events_of_agency(cap.agency_id(), Some(&to)).await?;
        let today = today();
        let mut out = Vec::new();
        for row in rows {
            let plain: Vec<ApplicationEvent> = events
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.event)
                .collect();
            let (status, due_on, _) = current_state(&row, &plain, calendar, today)?;
            if filter.status.is_some_and(|s| s != status) {
                continue;
            }
            out.push(ApplicationSummary {
                applicant: applicant_of(&row)?.masked(),
                channel: enum_parse("提交渠道", &row.channel)?,
                received_on: parse_date(&row.received_on)?,
                outcome: stored_outcome(&row)?,
                status,
                due_on,
                id: row.id,
                tracking_code: row.tracking_code,
                request: row.request,
            });
        }
        out.sort_by_key(|a| (!a.status.is_open(), a.due_on.is_none(), a.due_on, a.id));
        Ok(out)
    }

    /// The public `/track` lookup: the tracking code and the last four
    /// digits of the applicant's phone. Status, due date and events only.
    pub async fn application_by_tracking(
        &self,
        calendar: &Calendar,
        tracking_code: &str,
        phone_last4: &str,
    ) -> Result<Option<TrackedApplication>> {
        let code = tracking_code.trim().to_ascii_uppercase();
        let last4 = phone_last4.trim();
        if code.len() != TRACKING_CODE_LEN || last4.chars().count() != 4 {
            return Ok(None);
        }
        let row: Option<ApplicationRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_application!(), " WHERE tracking_code = $1"))
            .bind(&code).fetch_optional(p).await)?;
        let Some(row) = row else { return Ok(None) };
        let matches = row.phone.as_deref().is_some_and(|p| p.ends_with(last4));
        if !matches {
            return Ok(None);
        }
        let events = self.events_of(row.id).await?;
        let plain: Vec<ApplicationEvent> = events.iter().map(|e| e.event.clone()).collect();
        let (status, due_on, _) = current_state(&row, &plain, calendar, today())?;
        Ok(Some(TrackedApplication {
            tracking_code: row.tracking_code.clone(),
            agency_id: row.agency_id,
            received_on: parse_date(&row.received_on)?,
            outcome: stored_outcome(&row)?,
            status,
            due_on,
            events: events
                .iter()
                .map(|e| {
                    let kind = e.event.kind.kind_name();
                    TrackedEvent {
                        on: e.event.on,
                        kind,
                        label: kind.label_zh(),
                    }
                })
                .collect(),
        }))
    }

    /// The records table 三 of `year` is computed from: every application of
    /// the agency received by 31 December of `year` (no personal data).
    pub async fn application_records(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<Vec<YearRecord>> {
        let until = format!("{year:04}-12-31");
        let rows: Vec<(i64, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, applicant_kind, outcome FROM applications WHERE agency_id = $1 AND received_on <= $2 ORDER BY id")
            .bind(cap.agency_id()).bind(&until).fetch_all(p).await)?;
        let mut events = self.events_of_agency(cap.agency_id(), Some(&until)).await?;
        rows.into_iter()
            .map(|(id, kind, outcome)| {
                Ok(YearRecord {
                    kind: enum_parse("申请人类型", &kind)?,
                    outcome: outcome
                        .as_deref()
                        .map(|o| Outcome::parse(o).map_err(|e| corrupt("办理结果", e)))
                        .transpose()?,
                    events: events
                        .remove(&id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| e.event)
                        .collect(),
                })
            })
            .collect()
    }

    /// 信息处理费 collected in `year` (元) over the agency's applications:
    /// each fee notice's computed amount, counted in the year it was paid
    /// (`gongkai_domain::fees::collected_in_year`).
    pub async fn processing_fees_collected(&self, cap: &AgencyStaffView, year: i32) -> Result<u64> {
        let id = cap.agency_id();
        Ok(self
            .fees_in(crate::year_inputs::Scope::Agency(id), year)
            .await?
            .remove(&id)
            .unwrap_or(0))
    }
}

/// 信息处理费 of one application's history collected in `year`.
pub(crate) fn fees_of_history(history: &[RecordedEvent], year: i32) -> u64 {
    let steps = history.iter().filter_map(|e| match e.event.kind {
        EventKind::FeeNotice => Some(FeeStep::Notice {
            amount_yuan: e
                .details
                .as_ref()
                .and_then(|d| d.fee_amount_yuan)
                .unwrap_or(0),
        }),
        EventKind::FeePaid => Some(FeeStep::Paid { on: e.event.on }),
        _ => None,
    });
    collected_in_year(steps, year)
}

/// The result of a transfer: the sender's application (answered) and the
/// receiver's new one.
#[derive(Debug, Clone)]
pub struct Transferred {
    pub sent: Application,
    pub received_id: i64,
    pub received_tracking_code: String,
    pub received_due_on: Option<Date>,
    pub to_agency_code: String,
    pub to_agency_name: String,
}

impl Store {
    /// Transfers an application to another agency on the platform (转送).
    ///
    /// How the law is applied (条例 Art. 36(5); spec "Outcomes"): the
    /// receiving agency is the competent one. In one transaction:
    /// - the sending agency answers `unavailable.not_held` (（四）1, 本机关不掌握相关
    ///   政府信息) on `on`, naming the receiving agency and its contacts, with an
    ///   answer letter numbered as usual; its clock closes and its report counts
    ///   the application once, as （四）1 of the year of the answer;
    /// - the receiving agency gets a new application (same applicant and
    ///   request, a new tracking code) received on `on`: its 20 working days
    ///   count from the transfer date, and its report counts it as a new
    ///   application of that year.
    ///
    /// `to_code` names an agency (any agency on the platform may receive; the
    /// sender needs no role there). Both agencies' audit logs get an entry.
    pub async fn transfer_application(
        &self,
        cap: &AgencyHandler,
        calendar: &Calendar,
        id: i64,
        to_code: &str,
        on: Date,
        note: Option<String>,
    ) -> Result<Transferred> {
        let today = today();
        if on > today {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 on：转送日期 {} 晚于今天（{}）",
                    date_text(on),
                    date_text(today)
                ),
            ));
        }
        let to_code = to_code.trim();
        let target = self.agency_by_code(to_code).await?.ok_or_else(|| {
            rejected(
                "invalid_input",
                format!("字段 to：找不到代码为“{to_code}”的机关"),
            )
        })?;
        if target.id == cap.agency_id() {
            return Err(rejected("invalid_input", "字段 to：不能转送给本机关"));
        }
        let sender = self
            .agency_by_id(cap.agency_id())
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 2_000) {
            return Err(rejected(
                "invalid_input",
                "字段 reason：转送说明不能超过2000个字符",
            ));
        }
        let contact: Vec<String> = [
            ("电话", &target.office.phone),
            ("地址", &target.office.address),
            ("电子邮箱", &target.office.email),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}{}", v.trim()))
        .collect();
        let code = tracking_code();
        let outcome = Outcome::Unavailable(UnavailableReason::NotHeld);
        let answered = ApplicationEvent::new(on, EventKind::Answered);
        let now = crate::now_text();

        let mut tx = self.begin().await?;
        let touched = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE applications SET updated_at = $1 WHERE id = $2 AND agency_id = $3")
            .bind(&now).bind(id).bind(cap.agency_id()).execute(c).await.map(|r| r.rows_affected()))?;
        if touched != 1 {
            return Err(StoreError::not_found("申请"));
        }
        let row: ApplicationRow = on_tx!(&mut tx, c => sqlx::query_as(
            concat!(select_application!(), " WHERE id = $1")).bind(id).fetch_one(c).await)?;
        let recorded = events_in_tx(&mut tx, id).await?;
        let mut events: Vec<ApplicationEvent> = recorded.iter().map(|e| e.event.clone()).collect();
        events.push(answered.clone());
        let clock = compute_clock(&events, calendar, &ClockSettings::default(), today)
            .map_err(|e| rejected("invalid_event", e.to_string()))?;
        let received = ApplicationEvent::new(
            on,
            EventKind::Received {
                channel: enum_parse("提交渠道", &row.channel)?,
            },
        );
        let new_clock = compute_clock(
            std::slice::from_ref(&received),
            calendar,
            &ClockSettings::default(),
            today,
        )
        .map_err(|e| rejected("invalid_input", format!("字段 on：{e}")))?;
        let seq = recorded.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
        let on_text = date_text(on);
        let sent_payload =
            serde_json::to_string(&Payload {
                event: answered,
                outcome: Some(outcome),
                reason: Some(note.clone().unwrap_or_else(|| {
                    format!("该信息由{}负责公开，已转送该机关办理", target.name)
                })),
                details: Some(EventDetails {
                    legal_basis: outcome.basis().map(|b| b.text()),
                    competent_agency: Some(target.name.clone()),
                    competent_contact: Some(if contact.is_empty() {
                        "见该机关政府信息公开指南".to_string()
                    } else {
                        contact.join("，")
                    }),
                    transferred_to: Some(target.name.clone()),
                    transfer_tracking_code: Some(code.clone()),
                    ..EventDetails::default()
                }),
            })
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO application_events (application_id, seq, kind, on_date, payload, actor_label, created_at) VALUES ($1, $2, 'answered', $3, $4, $5, $6)")
            .bind(id).bind(seq).bind(&on_text).bind(&sent_payload)
            .bind(&cap.actor().label).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        let letter_no = crate::letters::allocate(
            &mut tx,
            cap.agency_id(),
            id,
            seq,
            LetterKind::Answer(outcome),
            on,
            &now,
        )
        .await?;
        let status = enum_name(&clock.status);
        let due_on = clock.due_on.map(date_text);
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE applications SET status = $1, due_on = $2, outcome = $3 WHERE id = $4")
            .bind(&status).bind(&due_on).bind(outcome.id()).bind(id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        crate::figures::refresh_in_tx(&mut tx, id).await?;

        let new_status = enum_name(&new_clock.status);
        let new_due_on = new_clock.due_on.map(date_text);
        let received_payload = serde_json::to_string(&Payload {
            event: received,
            outcome: None,
            reason: None,
            details: Some(EventDetails {
                transferred_from: Some(sender.name.clone()),
                ..EventDetails::default()
            }),
        })
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let new_id = insert_application(
            &mut tx,
            ApplicationInsert {
                agency_id: target.id,
                tracking_code: &code,
                applicant_kind: &row.applicant_kind,
                applicant_name: &row.applicant_name,
                id_number: row.id_number.as_deref(),
                credit_code: row.credit_code.as_deref(),
                phone: row.phone.as_deref(),
                email: row.email.as_deref(),
                address: row.address.as_deref(),
                identity_key: row.identity_key.as_deref(),
                channel: &row.channel,
                received_on: &on_text,
                request: &row.request,
                status: &new_status,
                due_on: new_due_on.as_deref(),
                received_payload: &received_payload,
                actor_label: &cap.actor().label,
                now: &now,
            },
        )
        .await?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(target.id),
                action: "application.transfer_in",
                object_kind: "application",
                object_id: new_id.to_string(),
                summary: serde_json::json!({
                    "from_agency": sender.code, "from_application": id, "tracking_code": code,
                    "received_on": on_text, "due_on": new_due_on,
                }),
            },
        )
        .await?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "application.transfer",
                object_kind: "application",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "seq": seq, "on": on_text, "outcome": outcome.id(), "letter_no": letter_no,
                    "to_agency": target.code, "to_application": new_id, "status": status,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        let sent = self.application_in(cap.agency_id(), id, calendar).await?;
        Ok(Transferred {
            sent,
            received_id: new_id,
            received_tracking_code: code,
            received_due_on: new_clock.due_on,
            to_agency_code: target.code,
            to_agency_name: target.name,
        })
    }
}

/// The stored columns of a new application and its first (`received`)
/// event, shared by every way an application comes to exist: registration,
/// confirmation of an online submission, transfer in.
pub(crate) struct ApplicationInsert<'a> {
    pub agency_id: i64,
    pub tracking_code: &'a str,
    pub applicant_kind: &'a str,
    pub applicant_name: &'a str,
    pub id_number: Option<&'a str>,
    pub credit_code: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub address: Option<&'a str>,
    pub identity_key: Option<&'a str>,
    pub channel: &'a str,
    pub received_on: &'a str,
    pub request: &'a str,
    pub status: &'a str,
    pub due_on: Option<&'a str>,
    /// The payload of the `received` event.
    pub received_payload: &'a str,
    pub actor_label: &'a str,
    pub now: &'a str,
}

/// Inserts the application row and its `received` event in `tx`; returns the id.
pub(crate) async fn insert_application(tx: &mut Tx, a: ApplicationInsert<'_>) -> Result<i64> {
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO applications (agency_id, tracking_code, applicant_kind, applicant_name, id_number, credit_code, phone, email, address, identity_key, channel, received_on, request, status, due_on, outcome, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL, $16, $16) RETURNING id")
        .bind(a.agency_id).bind(a.tracking_code).bind(a.applicant_kind).bind(a.applicant_name)
        .bind(a.id_number).bind(a.credit_code).bind(a.phone).bind(a.email).bind(a.address)
        .bind(a.identity_key).bind(a.channel).bind(a.received_on).bind(a.request)
        .bind(a.status).bind(a.due_on).bind(a.now).fetch_one(c).await)?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO application_events (application_id, seq, kind, on_date, payload, actor_label, created_at) VALUES ($1, 1, 'received', $2, $3, $4, $5)")
        .bind(id).bind(a.received_on).bind(a.received_payload).bind(a.actor_label).bind(a.now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::figures::refresh_in_tx(tx, id).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_unambiguous() {
        for _ in 0..200 {
            let c = tracking_code();
            assert_eq!(c.len(), TRACKING_CODE_LEN);
            assert!(c.bytes().all(|b| TRACKING_ALPHABET.contains(&b)), "{c}");
            assert!(!c.contains(['0', 'O', '1', 'I']));
        }
    }

    #[test]
    fn masked_phone_keeps_last_four() {
        let a = StoredApplicant {
            kind: ApplicantKind::NaturalPerson,
            name: "张三".into(),
            id_number: Some("11010519491231002X".into()),
            credit_code: None,
            phone: Some("13812345678".into()),
            email: None,
            address: None,
        };
        let m = a.masked();
        assert_eq!(m.phone.as_deref(), Some("138****5678"));
        assert_eq!(m.name, "张*");
        assert_eq!(m.id_number.as_deref(), Some("1101**********002X"));
    }
}
