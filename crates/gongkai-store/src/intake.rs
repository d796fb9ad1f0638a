//! Online intake (网上申请): a citizen's submission waits for the office to
//! confirm it (条例 Art. 31: an online application is received on the day
//! both sides confirm). Confirming registers the application with
//! `received_on` = the confirmation date and the same tracking code, and
//! hands the attachments over to it; rejecting records why (不属于本机关、
//! 重复提交、无法联系申请人 …). The tracking lookup finds pending and
//! rejected submissions as well as applications, never with personal data.
//!
//! The public submits without a capability (as [`public_actor`]); listing,
//! confirming and rejecting need an [`AgencyHandler`] and are filtered by its
//! agency. Rate-limit counters live in the database so that every node of a
//! cluster counts the same requests.

use crate::applications::{enum_name, insert_application, tracking_code, ApplicationInsert};
use crate::audit::{append, AuditRecord};
use crate::stored::{corrupt, date_text, rejected, today};
use crate::{on_pool, on_tx, Result, Store, StoreError, TrackedApplication};
use gongkai_calendar::Calendar;
use gongkai_domain::applicant::{
    mask_credit_code, mask_id_number, mask_keep, mask_name, mask_phone, ApplicantKind,
    MaskedApplicant,
};
use gongkai_domain::clock::{compute_clock, ApplicationEvent, Channel, ClockSettings, EventKind};
use gongkai_domain::intake::{
    check_attachments, errors_text, Delivery, IdDocument, InfoForm, SubmissionDraft,
};
use gongkai_domain::{Actor, AgencyHandler, ApplicationReader};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

/// Longest reason for a rejection (characters).
pub const MAX_REJECT_REASON_CHARS: usize = 500;

/// Who acts when the public submits.
pub fn public_actor() -> Actor {
    Actor {
        user_id: None,
        label: "公众（网上申请）".to_string(),
    }
}

/// One file as uploaded.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What the public sends.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub draft: SubmissionDraft,
    pub attachments: Vec<NewAttachment>,
}

/// What the applicant is told after submitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionReceipt {
    pub id: i64,
    pub tracking_code: String,
    pub agency_id: i64,
    pub submitted_at: String,
}

/// pending | confirmed | rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    Pending,
    Confirmed,
    Rejected,
}

impl SubmissionState {
    pub fn name(self) -> &'static str {
        match self {
            SubmissionState::Pending => "pending",
            SubmissionState::Confirmed => "confirmed",
            SubmissionState::Rejected => "rejected",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            SubmissionState::Pending => "等待机关确认",
            SubmissionState::Confirmed => "已确认受理",
            SubmissionState::Rejected => "未予受理",
        }
    }
    fn parse(text: &str) -> Result<SubmissionState> {
        match text {
            "pending" => Ok(SubmissionState::Pending),
            "confirmed" => Ok(SubmissionState::Confirmed),
            "rejected" => Ok(SubmissionState::Rejected),
            other => Err(StoreError::Conflict(format!(
                "数据库中的网上申请状态“{other}”无法读取"
            ))),
        }
    }
}

/// An attachment's description (no bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// An attachment with its bytes, for download by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    pub info: AttachmentInfo,
    pub bytes: Vec<u8>,
}

/// A submission as the office's list shows it: the applicant masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingSubmission {
    pub id: i64,
    pub tracking_code: String,
    pub applicant: MaskedApplicant,
    /// The document type of a natural person (`居民身份证`, `护照`, …).
    pub id_type: Option<IdDocument>,
    pub request: String,
    pub preferred_form: InfoForm,
    pub delivery: Delivery,
    pub submitted_at: String,
    pub attachments: Vec<AttachmentInfo>,
}

/// What `/track` shows: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TrackedSubmission {
    /// Waiting for the office to confirm receipt.
    Pending {
        tracking_code: String,
        agency_id: i64,
        submitted_at: String,
    },
    /// Not accepted, with the office's reason.
    Rejected {
        tracking_code: String,
        agency_id: i64,
        submitted_at: String,
        decided_on: Option<String>,
        reason: String,
    },
    /// Confirmed: the application with its clock.
    Application(TrackedApplication),
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    agency_id: i64,
    tracking_code: String,
    applicant_kind: String,
    applicant_name: String,
    id_doc_type: Option<String>,
    id_doc_number: Option<String>,
    id_number: Option<String>,
    credit_code: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    identity_key: Option<String>,
    request: String,
    preferred_form: String,
    delivery: String,
    submitted_at: String,
    state: String,
    reject_reason: Option<String>,
    decided_on: Option<String>,
}

macro_rules! select_submission {
    () => {
        "SELECT id, agency_id, tracking_code, applicant_kind, applicant_name, id_doc_type, id_doc_number, id_number, credit_code, phone, email, address, identity_key, request, preferred_form, delivery, submitted_at, state, reject_reason, decided_on FROM online_submissions"
    };
}

fn submission_not_found() -> StoreError {
    StoreError::not_found("网上申请")
}

fn masked_of(row: &SubmissionRow, kind: ApplicantKind) -> MaskedApplicant {
    MaskedApplicant {
        kind,
        name: mask_name(&row.applicant_name, kind),
        id_number: row
            .id_number
            .as_deref()
            .map(mask_id_number)
            .or_else(|| row.id_doc_number.as_deref().map(|n| mask_keep(n, 1, 3))),
        credit_code: row.credit_code.as_deref().map(mask_credit_code),
        phone: row.phone.as_deref().map(mask_phone),
    }
}

fn kind_of(row: &SubmissionRow) -> Result<ApplicantKind> {
    row.applicant_kind
        .parse()
        .map_err(|e| corrupt("申请人类型", e))
}

impl Store {
    /// Records an online submission from the public. Everything is checked
    /// first (applicant with checksums, request, form and delivery, each
    /// attachment by its bytes); bad input is refused with `invalid_input`
    /// and a Chinese message naming every field, and nothing is stored.
    pub async fn submit_online_application(
        &self,
        agency_code: &str,
        new: NewSubmission,
    ) -> Result<SubmissionReceipt> {
        let today = today();
        let agency = self
            .agency_by_code(agency_code.trim())
            .await?
            .ok_or_else(|| {
                rejected(
                    "invalid_input",
                    format!(
                        "字段 agency（受理机关）：找不到代码为“{}”的机关",
                        agency_code.trim()
                    ),
                )
            })?;
        let mut errors = match new.draft.validate(today) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        };
        let files: Vec<(&str, &[u8])> = new
            .attachments
            .iter()
            .map(|a| (a.file_name.as_str(), a.bytes.as_slice()))
            .collect();
        let checked = match check_attachments(&files) {
            Ok(c) => c,
            Err(e) => {
                errors.extend(e);
                Vec::new()
            }
        };
        let valid = match new.draft.validate(today) {
            Ok(v) if errors.is_empty() => v,
            _ => return Err(rejected("invalid_input", errors_text(&errors))),
        };
        let a = &valid.applicant;
        let kind = a.kind.name();
        let identity_key = a.identity_key().map(|k| k.as_str().to_string());
        let now = crate::now_text();
        let actor = public_actor();

        let mut tx = self.begin().await?;
        // A code unused by applications and submissions alike.
        let mut code = tracking_code();
        for _ in 0..8 {
            let taken: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM applications WHERE tracking_code = $1) + (SELECT COUNT(*) FROM online_submissions WHERE tracking_code = $1)")
                .bind(&code).fetch_one(c).await)?;
            if taken == 0 {
                break;
            }
            code = tracking_code();
        }
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO online_submissions (agency_id, tracking_code, applicant_kind, applicant_name, id_doc_type, id_doc_number, id_number, credit_code, phone, email, address, identity_key, request, preferred_form, delivery, submitted_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'pending') RETURNING id")
            .bind(agency.id).bind(&code).bind(kind).bind(&a.name)
            .bind(valid.id_type.map(|t| t.name()))
            .bind(&valid.id_doc_number)
            .bind(a.id_number.as_ref().map(|v| v.as_str().to_string()))
            .bind(a.credit_code.as_ref().map(|v| v.as_str().to_string()))
            .bind(a.phone.as_ref().map(|v| v.as_str().to_string()))
            .bind(&a.email).bind(&a.address).bind(&identity_key)
            .bind(&valid.request).bind(valid.preferred_form.name()).bind(valid.delivery.name())
            .bind(&now).fetch_one(c).await)?;
        for (file, meta) in new.attachments.iter().zip(&checked) {
            let sha = hex::encode(Sha256::digest(&file.bytes));
            let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO application_attachments (submission_id, application_id, file_name, content_type, size_bytes, sha256, content, created_at)
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(&meta.file_name).bind(meta.content_type).bind(size)
                .bind(&sha).bind(&file.bytes).bind(&now)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        // No personal data in the audit log.
        append(
            &mut tx,
            AuditRecord {
                actor: &actor,
                agency_id: Some(agency.id),
                action: "intake.submit",
                object_kind: "submission",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "tracking_code": code, "applicant_kind": kind,
                    "preferred_form": valid.preferred_form.name(), "delivery": valid.delivery.name(),
                    "attachments": checked.len(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SubmissionReceipt {
            id,
            tracking_code: code,
            agency_id: agency.id,
            submitted_at: now,
        })
    }

    /// The agency's submissions awaiting confirmation, oldest first, the
    /// applicant masked.
    pub async fn pending_submissions(&self, cap: &AgencyHandler) -> Result<Vec<PendingSubmission>> {
        let rows: Vec<SubmissionRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_submission!(), " WHERE agency_id = $1 AND state = 'pending' ORDER BY submitted_at, id"))
            .bind(cap.agency_id()).fetch_all(p).await)?;
        let files: Vec<(i64, i64, String, String, i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT f.submission_id, f.id, f.file_name, f.content_type, f.size_bytes, f.sha256
             FROM application_attachments f JOIN online_submissions s ON s.id = f.submission_id
             WHERE s.agency_id = $1 AND s.state = 'pending' ORDER BY f.id")
            .bind(cap.agency_id()).fetch_all(p).await)?;
        let mut out = Vec::new();
        for row in rows {
            let kind = kind_of(&row)?;
            out.push(PendingSubmission {
                applicant: masked_of(&row, kind),
                id_type: row.id_doc_type.as_deref().and_then(IdDocument::parse),
                preferred_form: InfoForm::parse(&row.preferred_form)
                    .ok_or_else(|| corrupt("获取信息的形式", &row.preferred_form))?,
                delivery: Delivery::parse(&row.delivery)
                    .ok_or_else(|| corrupt("获取信息的方式", &row.delivery))?,
                attachments: files
                    .iter()
                    .filter(|f| f.0 == row.id)
                    .map(|f| AttachmentInfo {
                        id: f.1,
                        file_name: f.2.clone(),
                        content_type: f.3.clone(),
                        size_bytes: f.4,
                        sha256: f.5.clone(),
                    })
                    .collect(),
                id: row.id,
                tracking_code: row.tracking_code,
                request: row.request,
                submitted_at: row.submitted_at,
            });
        }
        Ok(out)
    }

    /// The agency a submission was sent to, so that a handler can derive a
    /// capability for it (never from the client). Reveals nothing else.
    pub async fn submission_agency_id(&self, id: i64) -> Result<Option<i64>> {
        let agency: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT agency_id FROM online_submissions WHERE id = $1").bind(id).fetch_optional(p).await)?;
        Ok(agency)
    }

    /// Confirms a pending submission on `on` (today or earlier, not before
    /// it was submitted): registers the application as received online on
    /// that date, due 20 working days later, with the submission's tracking
    /// code, and moves the attachments to it.
    pub async fn confirm_submission(
        &self,
        cap: &AgencyHandler,
        calendar: &Calendar,
        id: i64,
        on: Date,
    ) -> Result<crate::Application> {
        let today = today();
        if on > today {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 on（确认日期）：确认日期 {} 晚于今天（{}）",
                    date_text(on),
                    date_text(today)
                ),
            ));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        // Claiming the row first takes its write lock: a second confirmation
        // (or a rejection) finds it no longer pending.
        let claimed = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE online_submissions SET state = 'confirmed', decided_on = $1, decided_at = $2, decided_by = $3
             WHERE id = $4 AND agency_id = $5 AND state = 'pending'")
            .bind(date_text(on)).bind(&now).bind(&cap.actor().label).bind(id).bind(cap.agency_id())
            .execute(c).await.map(|r| r.rows_affected()))?;
        let row: Option<SubmissionRow> = on_tx!(&mut tx, c => sqlx::query_as(
            concat!(select_submission!(), " WHERE id = $1 AND agency_id = $2"))
            .bind(id).bind(cap.agency_id()).fetch_optional(c).await)?;
        let Some(row) = row else {
            return Err(submission_not_found());
        };
        if claimed != 1 {
            let state = SubmissionState::parse(&row.state)?;
            return Err(rejected(
                "submission_decided",
                format!("该网上申请已处理（{}），不能再次确认", state.label_zh()),
            ));
        }
        let submitted_on = crate::parse_timestamp(&row.submitted_at)
            .map(|t| t.date())
            .ok_or_else(|| corrupt("提交时间", &row.submitted_at))?;
        if on < submitted_on {
            return Err(rejected(
                "invalid_input",
                format!(
                    "字段 on（确认日期）：确认日期 {} 早于申请提交日期 {}",
                    date_text(on),
                    date_text(submitted_on)
                ),
            ));
        }
        let received = ApplicationEvent::new(
            on,
            EventKind::Received {
                channel: Channel::Online,
            },
        );
        let clock = compute_clock(
            std::slice::from_ref(&received),
            calendar,
            &ClockSettings::default(),
            today,
        )
        .map_err(|e| rejected("invalid_input", format!("字段 on（确认日期）：{e}")))?;
        let payload = serde_json::to_string(&serde_json::json!({ "event": received }))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let received_on = date_text(on);
        let status = enum_name(&clock.status);
        let due_on = clock.due_on.map(date_text);
        let application_id = insert_application(
            &mut tx,
            ApplicationInsert {
                agency_id: cap.agency_id(),
                tracking_code: &row.tracking_code,
                applicant_kind: &row.applicant_kind,
                applicant_name: &row.applicant_name,
                id_number: row.id_number.as_deref(),
                credit_code: row.credit_code.as_deref(),
                phone: row.phone.as_deref(),
                email: row.email.as_deref(),
                address: row.address.as_deref(),
                identity_key: row.identity_key.as_deref(),
                channel: Channel::Online.name(),
                received_on: &received_on,
                request: &row.request,
                status: &status,
                due_on: due_on.as_deref(),
                received_payload: &payload,
                actor_label: &cap.actor().label,
                now: &now,
            },
        )
        .await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE online_submissions SET application_id = $1 WHERE id = $2")
            .bind(application_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        let moved = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE application_attachments SET application_id = $1 WHERE submission_id = $2")
            .bind(application_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "intake.confirm",
                object_kind: "submission",
                object_id: id.to_string(),
                summary: serde_json::json!({
                    "tracking_code": row.tracking_code, "application_id": application_id,
                    "received_on": received_on, "due_on": due_on, "attachments": moved,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.application(&cap.reader(), calendar, application_id)
            .await
    }

    /// Rejects a pending submission with the office's reason (shown to the
    /// applicant on `/track`).
    pub async fn reject_submission(
        &self,
        cap: &AgencyHandler,
        id: i64,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REJECT_REASON_CHARS {
            return Err(rejected(
                "invalid_input",
                format!("字段 reason（不予受理的理由）：理由不能为空，且不超过{MAX_REJECT_REASON_CHARS}个字符"),
            ));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let claimed = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE online_submissions SET state = 'rejected', reject_reason = $1, decided_on = $2, decided_at = $3, decided_by = $4
             WHERE id = $5 AND agency_id = $6 AND state = 'pending'")
            .bind(reason).bind(date_text(today())).bind(&now).bind(&cap.actor().label)
            .bind(id).bind(cap.agency_id())
            .execute(c).await.map(|r| r.rows_affected()))?;
        let row: Option<(String, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT tracking_code, state FROM online_submissions WHERE id = $1 AND agency_id = $2")
            .bind(id).bind(cap.agency_id()).fetch_optional(c).await)?;
        let Some((code, state)) = row else {
            return Err(submission_not_found());
        };
        if claimed != 1 {
            let state = SubmissionState::parse(&state)?;
            return Err(rejected(
                "submission_decided",
                format!("该网上申请已处理（{}），不能再作不予受理", state.label_zh()),
            ));
        }
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "intake.reject",
                object_kind: "submission",
                object_id: id.to_string(),
                summary: serde_json::json!({ "tracking_code": code, "reason": reason }),
            },
        )
        .await?;
        tx.commit().await
    }

    /// The public `/track` lookup over applications and submissions: the
    /// tracking code and the last four digits of the applicant's phone. A
    /// wrong combination and an unknown code both give `None`.
    pub async fn track(
        &self,
        calendar: &Calendar,
        tracking_code: &str,
        phone_last4: &str,
    ) -> Result<Option<TrackedSubmission>> {
        if let Some(a) = self
            .application_by_tracking(calendar, tracking_code, phone_last4)
            .await?
        {
            return Ok(Some(TrackedSubmission::Application(a)));
        }
        let code = tracking_code.trim().to_ascii_uppercase();
        let last4 = phone_last4.trim();
        if code.len() != crate::applications::TRACKING_CODE_LEN
            || last4.len() != 4
            || !last4.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(None);
        }
        let row: Option<SubmissionRow> = on_pool!(&self.pool, p => sqlx::query_as(
            concat!(select_submission!(), " WHERE tracking_code = $1"))
            .bind(&code).fetch_optional(p).await)?;
        let Some(row) = row else { return Ok(None) };
        if !row.phone.as_deref().is_some_and(|p| p.ends_with(last4)) {
            return Ok(None);
        }
        Ok(match SubmissionState::parse(&row.state)? {
            SubmissionState::Pending => Some(TrackedSubmission::Pending {
                tracking_code: row.tracking_code,
                agency_id: row.agency_id,
                submitted_at: row.submitted_at,
            }),
            SubmissionState::Rejected => Some(TrackedSubmission::Rejected {
                tracking_code: row.tracking_code,
                agency_id: row.agency_id,
                submitted_at: row.submitted_at,
                decided_on: row.decided_on,
                reason: row.reject_reason.unwrap_or_default(),
            }),
            // Confirmed submissions are found as applications above; one
            // whose application is gone is not shown.
            SubmissionState::Confirmed => None,
        })
    }

    /// One attachment of the reader's agency (of a submission or an application).
    pub async fn attachment(&self, cap: &ApplicationReader, id: i64) -> Result<AttachmentFile> {
        let row: Option<(i64, String, String, i64, String, Vec<u8>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT f.id, f.file_name, f.content_type, f.size_bytes, f.sha256, f.content
             FROM application_attachments f
             LEFT JOIN online_submissions s ON s.id = f.submission_id
             LEFT JOIN applications a ON a.id = f.application_id
             WHERE f.id = $1 AND (s.agency_id = $2 OR a.agency_id = $2)")
            .bind(id).bind(cap.agency_id()).fetch_optional(p).await)?;
        let (id, file_name, content_type, size_bytes, sha256, bytes) =
            row.ok_or_else(|| StoreError::not_found("附件"))?;
        Ok(AttachmentFile {
            info: AttachmentInfo {
                id,
                file_name,
                content_type,
                size_bytes,
                sha256,
            },
            bytes,
        })
    }

    /// The attachments of one application of the reader's agency.
    pub async fn application_attachments(
        &self,
        cap: &ApplicationReader,
        application_id: i64,
    ) -> Result<Vec<AttachmentInfo>> {
        let rows: Vec<AttachmentInfo> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT f.id, f.file_name, f.content_type, f.size_bytes, f.sha256
             FROM application_attachments f JOIN applications a ON a.id = f.application_id
             WHERE f.application_id = $1 AND a.agency_id = $2 ORDER BY f.id")
            .bind(application_id).bind(cap.agency_id()).fetch_all(p).await)?;
        Ok(rows)
    }

    /// Counts one request for `key` and tells whether it is within `limit`
    /// requests in the last `window` (this one included). Old counts of the
    /// key are pruned on the way. Counters are not audited state.
    pub async fn rate_limit_hit(
        &self,
        key: &str,
        limit: i64,
        window: time::Duration,
    ) -> Result<bool> {
        let since = crate::clock::to_text(crate::now() - window);
        on_pool!(&self.pool, p => sqlx::query("DELETE FROM rate_limit_hits WHERE throttle_key = $1 AND hit_at <= $2")
            .bind(key).bind(&since).execute(p).await.map(|r| r.rows_affected()))?;
        let n: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM rate_limit_hits WHERE throttle_key = $1 AND hit_at > $2")
            .bind(key).bind(&since).fetch_one(p).await)?;
        if n >= limit {
            return Ok(false);
        }
        on_pool!(&self.pool, p => sqlx::query("INSERT INTO rate_limit_hits (throttle_key, hit_at) VALUES ($1, $2)")
            .bind(key).bind(crate::now_text()).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(true)
    }

    /// Whether `key` has reached `limit` counted requests within `window`
    /// (without counting this one).
    pub async fn rate_limited(
        &self,
        key: &str,
        limit: i64,
        window: time::Duration,
    ) -> Result<bool> {
        let since = crate::clock::to_text(crate::now() - window);
        let n: i64 = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM rate_limit_hits WHERE throttle_key = $1 AND hit_at > $2")
            .bind(key).bind(&since).fetch_one(p).await)?;
        Ok(n >= limit)
    }
}
