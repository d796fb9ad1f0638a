//! Letters of applications: per-agency templates and settings (edited by
//! the agency's admins), letter numbers (allocated with the event in one
//! transaction: one serial per agency and year, `××公复〔2025〕12号`), and the
//! rendered letter of one event ([`Store::letter_document`]).
//!
//! Generation itself is pure (`gongkai_domain::letters`); this module only
//! gathers the facts and the agency's template. A stored template that no
//! longer renders (it was checked when saved, so this means the context
//! changed) falls back to the compiled-in default, so a letter can always be
//! produced.

use crate::applications::Application;
use crate::audit::{append, AuditRecord};
use crate::stored::rejected;
use crate::{on_pool, on_tx, Result, Store, StoreError, Tx};
use gongkai_calendar::Calendar;
use gongkai_docs::Doc;
use gongkai_domain::clock::{compute_clock, ClockSettings, EventKind};
use gongkai_domain::details::EventDetails;
use gongkai_domain::letters::{
    check_template, date_zh, letter_number, remedy_notice, render_letter, AgencyContext,
    AnswerContext, ApplicantContext, ApplicationContext, ConsultationContext, ContactContext,
    CorrectionContext, ExtensionContext, FeeContext, LetterContext, LetterKind, LetterMeta,
    LetterSettings,
};
use gongkai_domain::{AgencyAdmin, AgencyStaffView, ApplicationReader};
use serde::Serialize;
use time::Date;

/// An agency's own template for one letter kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTemplate {
    pub key: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// The number given to one event's letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterRecord {
    pub application_id: i64,
    pub seq: i64,
    pub template_key: String,
    pub letter_no: String,
    pub year: i64,
    pub serial: i64,
    pub created_at: String,
}

/// One rendered letter.
#[derive(Debug, Clone)]
pub struct LetterDocument {
    pub kind: LetterKind,
    pub letter_no: String,
    pub doc: Doc,
    /// Whether the agency's template failed and the default was used.
    pub used_default: bool,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    abbreviation: String,
    contact_person: String,
    reconsideration_body: String,
    court: String,
}

#[derive(sqlx::FromRow)]
struct LetterRow {
    application_id: i64,
    seq: i64,
    template_key: String,
    letter_no: String,
    year: i64,
    serial: i64,
    created_at: String,
}

fn settings_of(row: Option<SettingsRow>) -> LetterSettings {
    row.map(|r| LetterSettings {
        abbreviation: r.abbreviation,
        contact_person: r.contact_person,
        reconsideration_body: r.reconsideration_body,
        court: r.court,
    })
    .unwrap_or_default()
}

/// Gives the letter of event `seq` its number: the next serial of the agency
/// in the year of `on`. Runs inside the event's transaction.
pub(crate) async fn allocate(
    tx: &mut Tx,
    agency_id: i64,
    application_id: i64,
    seq: i64,
    kind: LetterKind,
    on: Date,
    now: &str,
) -> Result<String> {
    let year = i64::from(on.year());
    let serial: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO letter_serials (agency_id, year, last_serial) VALUES ($1, $2, 1)
         ON CONFLICT (agency_id, year) DO UPDATE SET last_serial = letter_serials.last_serial + 1
         RETURNING last_serial")
        .bind(agency_id).bind(year).fetch_one(c).await)?;
    let settings: Option<SettingsRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT abbreviation, contact_person, reconsideration_body, court FROM letter_settings WHERE agency_id = $1")
        .bind(agency_id).fetch_optional(c).await)?;
    let short_name: String = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT short_name FROM agencies WHERE id = $1").bind(agency_id).fetch_one(c).await)?;
    let settings = settings_of(settings).or_defaults(&short_name);
    let number = letter_number(&settings.abbreviation, kind, on.year(), serial);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO letters (application_id, seq, agency_id, year, serial, template_key, letter_no, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(application_id).bind(seq).bind(agency_id).bind(year).bind(serial)
        .bind(kind.key()).bind(&number).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(number)
}

impl Store {
    /// The agency's letter settings as saved (blank where never set).
    pub async fn letter_settings(&self, view: &AgencyStaffView) -> Result<LetterSettings> {
        let row: Option<SettingsRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT abbreviation, contact_person, reconsideration_body, court FROM letter_settings WHERE agency_id = $1")
            .bind(view.agency_id()).fetch_optional(p).await)?;
        Ok(settings_of(row))
    }

    /// Saves the letter settings (abbreviation of letter numbers, contact
    /// person, reconsideration body and court of the remedy notice).
    pub async fn save_letter_settings(
        &self,
        cap: &AgencyAdmin,
        settings: LetterSettings,
    ) -> Result<LetterSettings> {
        let fields = [
            ("abbreviation", "文号机关代字", &settings.abbreviation, 20),
            ("contact_person", "联系人", &settings.contact_person, 50),
            (
                "reconsideration_body",
                "行政复议机关",
                &settings.reconsideration_body,
                100,
            ),
            ("court", "人民法院", &settings.court, 100),
        ];
        for (field, label, value, max) in fields {
            if value.trim().chars().count() > max {
                return Err(rejected(
                    "invalid_input",
                    format!("字段 {field}：{label}不能超过{max}个字符"),
                ));
            }
            if value.contains(['\n', '\r']) {
                return Err(rejected(
                    "invalid_input",
                    format!("字段 {field}：{label}不能换行"),
                ));
            }
        }
        let s = LetterSettings {
            abbreviation: settings.abbreviation.trim().to_string(),
            contact_person: settings.contact_person.trim().to_string(),
            reconsideration_body: settings.reconsideration_body.trim().to_string(),
            court: settings.court.trim().to_string(),
        };
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO letter_settings (agency_id, abbreviation, contact_person, reconsideration_body, court, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (agency_id) DO UPDATE SET abbreviation = $2, contact_person = $3, reconsideration_body = $4, court = $5, updated_at = $6")
            .bind(cap.agency_id()).bind(&s.abbreviation).bind(&s.contact_person)
            .bind(&s.reconsideration_body).bind(&s.court).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "letters.settings",
                object_kind: "agency",
                object_id: cap.agency_id().to_string(),
                summary: serde_json::to_value(&s).unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// The agency's own templates (kinds without one use the default).
    pub async fn letter_templates(&self, view: &AgencyStaffView) -> Result<Vec<StoredTemplate>> {
        let rows: Vec<(String, String, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT template_key, body, updated_by, updated_at FROM letter_templates WHERE agency_id = $1 ORDER BY template_key")
            .bind(view.agency_id()).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(key, body, updated_by, updated_at)| StoredTemplate {
                key,
                body,
                updated_by,
                updated_at,
            })
            .collect())
    }

    /// Saves the agency's template for `kind` after checking it
    /// (`invalid_template` with the line, in Chinese, when it does not render).
    pub async fn save_letter_template(
        &self,
        cap: &AgencyAdmin,
        kind: LetterKind,
        body: &str,
    ) -> Result<()> {
        let body = body.replace("\r\n", "\n");
        check_template(kind, &body).map_err(|e| {
            rejected(
                "invalid_template",
                format!("字段 body：{}模板有误，未保存。{e}", kind.label()),
            )
        })?;
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO letter_templates (agency_id, template_key, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (agency_id, template_key) DO UPDATE SET body = $3, updated_by = $4, updated_at = $5")
            .bind(cap.agency_id()).bind(kind.key()).bind(&body).bind(&cap.actor().label).bind(&now)
            .execute(c).await.map(|r| r.rows_affected()))?;
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "letters.template.save",
                object_kind: "letter_template",
                object_id: kind.key(),
                summary: serde_json::json!({"key": kind.key(), "chars": body.chars().count()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Drops the agency's template for `kind`: the default applies again.
    pub async fn reset_letter_template(&self, cap: &AgencyAdmin, kind: LetterKind) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM letter_templates WHERE agency_id = $1 AND template_key = $2")
            .bind(cap.agency_id()).bind(kind.key())
            .execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::not_found("自定义模板"));
        }
        append(
            &mut tx,
            AuditRecord {
                actor: cap.actor(),
                agency_id: Some(cap.agency_id()),
                action: "letters.template.reset",
                object_kind: "letter_template",
                object_id: kind.key(),
                summary: serde_json::json!({"key": kind.key()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The numbered letters of one application of the reader's agency.
    pub async fn letters_of(
        &self,
        cap: &ApplicationReader,
        application_id: i64,
    ) -> Result<Vec<LetterRecord>> {
        let rows: Vec<LetterRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT application_id, seq, template_key, letter_no, year, serial, created_at FROM letters
             WHERE application_id = $1 AND agency_id = $2 ORDER BY seq")
            .bind(application_id).bind(cap.agency_id()).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| LetterRecord {
                application_id: r.application_id,
                seq: r.seq,
                template_key: r.template_key,
                letter_no: r.letter_no,
                year: r.year,
                serial: r.serial,
                created_at: r.created_at,
            })
            .collect())
    }

    /// The letter of event `seq` of application `id`, rendered with the
    /// agency's template for its kind (or the default).
    pub async fn letter_document(
        &self,
        cap: &ApplicationReader,
        calendar: &Calendar,
        id: i64,
        seq: i64,
    ) -> Result<LetterDocument> {
        let application = self.application(cap, calendar, id).await?;
        let record = self
            .letters_of(cap, id)
            .await?
            .into_iter()
            .find(|l| l.seq == seq)
            .ok_or_else(|| StoreError::not_found("文书"))?;
        let kind = LetterKind::parse_key(&record.template_key)
            .ok_or_else(|| StoreError::not_found("文书"))?;
        let agency = self
            .agency_by_id(cap.agency_id())
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let settings = self
            .letter_settings(&cap.view())
            .await?
            .or_defaults(&agency.short_name);
        let ctx = letter_context(
            &application,
            &agency,
            &settings,
            calendar,
            seq,
            kind,
            &record,
        );
        let own: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT body FROM letter_templates WHERE agency_id = $1 AND template_key = $2")
            .bind(cap.agency_id()).bind(kind.key()).fetch_optional(p).await)?;
        if let Some(source) = own {
            match render_letter(&source, &ctx) {
                Ok(doc) => {
                    return Ok(LetterDocument {
                        kind,
                        letter_no: record.letter_no,
                        doc,
                        used_default: false,
                    })
                }
                Err(e) => {
                    tracing::warn!(agency = cap.agency_id(), key = %kind.key(), error = %e, "agency letter template failed; using the default");
                }
            }
        }
        let doc = render_letter(&kind.default_template(), &ctx)
            .map_err(|e| StoreError::Conflict(format!("默认文书模板无法生成：{e}")))?;
        Ok(LetterDocument {
            kind,
            letter_no: record.letter_no,
            doc,
            used_default: true,
        })
    }
}

const NOT_RECORDED: &str = "（未登记）";

fn or_missing(v: Option<&str>) -> String {
    v.map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| NOT_RECORDED.to_string())
}

/// The context of one event's letter.
fn letter_context(
    a: &Application,
    agency: &crate::Agency,
    settings: &LetterSettings,
    calendar: &Calendar,
    seq: i64,
    kind: LetterKind,
    record: &LetterRecord,
) -> LetterContext {
    let event = a.events.iter().find(|e| e.seq == seq);
    let details = event.and_then(|e| e.details.clone()).unwrap_or_default();
    let on = event.map(|e| e.event.on).unwrap_or(a.received_on);
    // The due date as it stood right after this event.
    let upto: Vec<_> = a
        .events
        .iter()
        .filter(|e| e.seq <= seq)
        .map(|e| e.event.clone())
        .collect();
    let due_after = compute_clock(&upto, calendar, &ClockSettings::default(), on)
        .ok()
        .and_then(|c| c.due_on);
    let outcome = match kind {
        LetterKind::Answer(o) => Some(o),
        _ => None,
    };
    let reason = event.and_then(|e| e.reason.clone()).unwrap_or_default();
    let mut ctx = LetterContext {
        agency: AgencyContext {
            name: agency.name.clone(),
            short_name: agency.short_name.clone(),
            address: agency.office.address.clone(),
            phone: agency.office.phone.clone(),
            fax: agency.office.fax.clone(),
            email: agency.office.email.clone(),
            hours: agency.office.hours.clone(),
        },
        letter: LetterMeta {
            number: record.letter_no.clone(),
            title: kind.title().to_string(),
            date: date_zh(on),
        },
        contact: ContactContext {
            person: settings.contact_person.clone(),
            phone: or_missing(Some(&agency.office.phone)),
        },
        applicant: ApplicantContext {
            name: a.applicant.name.clone(),
            address: a.applicant.address.clone().unwrap_or_default(),
            kind: a.applicant.kind.label_zh().to_string(),
        },
        application: ApplicationContext {
            tracking_code: a.tracking_code.clone(),
            received_on: date_zh(a.received_on),
            channel: a.channel.label_zh().to_string(),
            receipt: a.channel.receipt_zh().to_string(),
            request: a.request.clone(),
            due_on: due_after.map(date_zh).unwrap_or_default(),
        },
        remedy: remedy_notice(outcome, settings),
        ..LetterContext::default()
    };
    match (kind, event.map(|e| &e.event.kind)) {
        (LetterKind::Correction, _) => {
            ctx.correction = CorrectionContext {
                items: if details.items.is_empty() {
                    vec![NOT_RECORDED.to_string()]
                } else {
                    details.items.clone()
                },
                deadline: details.correction_deadline.map(date_zh).unwrap_or_default(),
            }
        }
        (
            LetterKind::Extension,
            Some(EventKind::ExtensionApproved {
                working_days,
                approver,
            }),
        ) => {
            ctx.extension = ExtensionContext {
                days: *working_days,
                approver: approver.clone(),
                reason: reason.clone(),
            }
        }
        (LetterKind::Consultation, Some(EventKind::ConsultationStarted { party })) => {
            ctx.consultation = ConsultationContext::new(
                *party,
                &or_missing(details.party_name.as_deref()),
                details.party_contact.as_deref().unwrap_or_default(),
            )
        }
        (LetterKind::Fee, _) => ctx.fee = fee_context(&details),
        (LetterKind::Answer(o), _) => {
            ctx.answer = AnswerContext {
                outcome_id: o.id().to_string(),
                outcome: o.summary_zh(),
                legal_basis: details
                    .legal_basis
                    .clone()
                    .or_else(|| o.basis().map(|b| b.text()))
                    .unwrap_or_default(),
                // The template ends the sentence itself: no "。。".
                reasons: reason
                    .trim_end_matches(['。', '.', '；', ';', ' '])
                    .to_string(),
                delivery_method: details.delivery_method.clone().unwrap_or_default(),
                delivery_on: details.delivery_on.map(date_zh).unwrap_or_default(),
                public_location: details.public_location.clone().unwrap_or_default(),
                competent_agency: details.competent_agency.clone().unwrap_or_default(),
                competent_contact: details.competent_contact.clone().unwrap_or_default(),
                attachments: details.attachments.clone(),
                transferred_to: details.transferred_to.clone().unwrap_or_default(),
                transfer_tracking_code: details.transfer_tracking_code.clone().unwrap_or_default(),
            }
        }
        _ => {}
    }
    ctx
}

fn fee_context(d: &EventDetails) -> FeeContext {
    FeeContext {
        method: d
            .fee_method
            .map(|m| m.label_zh().to_string())
            .unwrap_or_else(|| NOT_RECORDED.to_string()),
        quantity: d.fee_quantity.unwrap_or(0),
        amount: d.fee_amount_yuan.unwrap_or(0),
        basis: d.fee_basis.clone(),
        pay_days: gongkai_domain::clock::FEE_PAYMENT_WORKING_DAYS,
    }
}
