//! Bulk loading for the scale demo (`gongkai demo --scale`): agencies,
//! published items and applications written many rows per statement, one
//! transaction per batch, and one audit entry per batch.
//!
//! Why one audit entry per batch and not one per row: generated data is a
//! single console action (`demo.generate`) whose unit of change is the batch —
//! it commits or fails as a whole. An entry per row would double the rows
//! written and serialise every row on the audit head (each append reads and
//! updates the one head row and hashes the previous entry), which caps writes
//! at a few thousand rows a second; a million items would take longer to
//! audit than to store. The batch entry names the table, the id range and the
//! row count, so the chain still accounts for every row written. Everything
//! else is as for single writes: the input passes the same domain checks
//! (agency drafts, publication drafts, applicants, the application clock),
//! the audit append is the last statement of the transaction, and only the
//! console capability may call these methods (the web layer cannot).
//!
//! Published items are written as published (no review trail, no outbox
//! rows): the generator indexes them for search with a full reindex
//! afterwards ([`Store::public_index_documents_after`]).

use crate::applications::{enum_name, tracking_code, Payload};
use crate::audit::{append, AuditRecord};
use crate::publications::{list_of, list_text, parsed};
use crate::stored::{date_text, opt_date, parse_date, rejected, today};
use crate::{on_pool, on_tx, IndexDocument, Result, Store, StoreError};
use gongkai_calendar::Calendar;
use gongkai_domain::applicant::ApplicantDraft;
use gongkai_domain::catalog::{category_path, Category};
use gongkai_domain::clock::{compute_clock, ApplicationEvent, Channel, ClockSettings, EventKind};
use gongkai_domain::outcome::Outcome;
use gongkai_domain::publication::{
    DocumentType, IndexPattern, PublicationDraft, PublicationStatus, Validity,
};
use gongkai_domain::{AgencyDraft, ConsoleOperator};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use time::Date;

/// Rows per INSERT statement: below SQLite's 32,766 bound parameters and
/// PostgreSQL's 65,535 for the widest table (publications, 26 columns).
const ROWS_PER_STATEMENT: usize = 500;

/// A new agency below `parent_id` (`None`: a root).
#[derive(Debug, Clone)]
pub struct BulkAgency {
    pub parent_id: Option<i64>,
    pub draft: AgencyDraft,
}

/// A published item: its draft (validated like any other) and its 发布日期.
#[derive(Debug, Clone)]
pub struct BulkPublication {
    pub agency_id: i64,
    pub draft: PublicationDraft,
    pub published_on: Date,
}

/// An application with every event after its receipt.
#[derive(Debug, Clone)]
pub struct BulkApplication {
    pub agency_id: i64,
    pub applicant: ApplicantDraft,
    pub channel: Channel,
    pub received_on: Date,
    pub request: String,
    pub events: Vec<BulkEvent>,
}

/// One event after receipt; `outcome` goes with `answered` only.
#[derive(Debug, Clone)]
pub struct BulkEvent {
    pub event: ApplicationEvent,
    pub outcome: Option<Outcome>,
}

/// What one batch wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkWritten {
    pub rows: usize,
    pub first_id: i64,
    pub last_id: i64,
}

fn id_range(ids: &[i64]) -> (i64, i64) {
    (
        ids.iter().copied().min().unwrap_or(0),
        ids.iter().copied().max().unwrap_or(0),
    )
}

fn generate_record<'a>(
    op: &'a ConsoleOperator,
    object_kind: &'static str,
    rows: usize,
    first_id: i64,
    last_id: i64,
    extra: serde_json::Value,
) -> AuditRecord<'a> {
    AuditRecord {
        actor: op.actor(),
        agency_id: None,
        action: "demo.generate",
        object_kind,
        object_id: format!("{first_id}-{last_id}"),
        summary: serde_json::json!({
            "rows": rows, "first_id": first_id, "last_id": last_id, "extra": extra,
        }),
    }
}

/// What a publication batch needs to know of each agency.
struct AgencyFacts {
    name: String,
    code: String,
    org_code: String,
    pattern: IndexPattern,
    categories: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct IndexRow {
    id: i64,
    agency_id: i64,
    agency_code: String,
    agency_name: String,
    category_key: Option<String>,
    title: String,
    body_text: String,
    document_number: Option<String>,
    index_number: String,
    issuer: String,
    document_type: String,
    written_on: String,
    published_on: Option<String>,
    effective_on: Option<String>,
    repealed_on: Option<String>,
    validity: String,
    status: String,
    topic: Option<String>,
    keywords: String,
    summary: Option<String>,
}

impl Store {
    /// Adds agencies in one transaction (parents must exist already, e.g.
    /// from an earlier batch); returns each code with its new id.
    pub async fn bulk_add_agencies(
        &self,
        op: &ConsoleOperator,
        batch: Vec<BulkAgency>,
    ) -> Result<Vec<(String, i64)>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows = Vec::with_capacity(batch.len());
        for a in batch {
            let d = a.draft.validated().map_err(StoreError::invalid)?;
            rows.push((a.parent_id, d));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        let mut out: Vec<(String, i64)> = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let got: Vec<(i64, String)> = on_tx!(&mut tx, c => {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO agencies (code, parent_id, kind, name, short_name, org_code, office_address, office_hours, office_phone, office_fax, office_email, sort_order, created_at) ");
                qb.push_values(chunk, |mut b, (parent, d)| {
                    b.push_bind(d.code.as_str()).push_bind(*parent).push_bind(d.kind.as_str())
                        .push_bind(d.name.as_str()).push_bind(d.short_name.as_str())
                        .push_bind(d.org_code.as_str()).push_bind(d.office.address.as_str())
                        .push_bind(d.office.hours.as_str()).push_bind(d.office.phone.as_str())
                        .push_bind(d.office.fax.as_str()).push_bind(d.office.email.as_str())
                        .push_bind(0_i64).push_bind(now.as_str());
                });
                qb.push(" RETURNING id, code");
                qb.build_query_as::<(i64, String)>().fetch_all(c).await
            })?;
            out.extend(got.into_iter().map(|(id, code)| (code, id)));
        }
        let ids: Vec<i64> = out.iter().map(|(_, id)| *id).collect();
        let (first, last) = id_range(&ids);
        append(
            &mut tx,
            generate_record(op, "agency", out.len(), first, last, serde_json::json!({})),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn agency_facts(&self, agency_id: i64) -> Result<AgencyFacts> {
        let agency = self
            .agency_by_id(agency_id)
            .await?
            .ok_or_else(|| StoreError::not_found("机关"))?;
        let categories = self
            .catalog(agency_id)
            .await?
            .into_iter()
            .map(|c: Category| c.key)
            .collect();
        Ok(AgencyFacts {
            pattern: self.index_pattern(agency_id).await?,
            name: agency.name,
            code: agency.code,
            org_code: agency.org_code,
            categories,
        })
    }

    /// Adds published items in one transaction. Each draft is validated as
    /// by `create_publication` (the body sanitised, the category checked
    /// against the agency's catalog) and gets the agency's next 索引号.
    pub async fn bulk_add_publications(
        &self,
        op: &ConsoleOperator,
        batch: Vec<BulkPublication>,
    ) -> Result<BulkWritten> {
        if batch.is_empty() {
            return Ok(BulkWritten {
                rows: 0,
                first_id: 0,
                last_id: 0,
            });
        }
        let today = today();
        let mut facts: HashMap<i64, AgencyFacts> = HashMap::new();
        let mut checked = Vec::with_capacity(batch.len());
        for (n, p) in batch.into_iter().enumerate() {
            if let Entry::Vacant(e) = facts.entry(p.agency_id) {
                e.insert(self.agency_facts(p.agency_id).await?);
            }
            let agency = &facts[&p.agency_id];
            let meta = p.draft.validate(today, &agency.name).map_err(|errors| {
                let parts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                rejected(
                    "invalid_input",
                    format!("第{}条：{}", n + 1, parts.join("；")),
                )
            })?;
            if let Some(k) = &meta.category {
                if !agency.categories.contains(k) {
                    return Err(rejected(
                        "invalid_input",
                        format!("第{}条：字段 category：目录中没有“{k}”", n + 1),
                    ));
                }
            }
            if p.published_on < meta.written_on || p.published_on > today {
                return Err(rejected(
                    "invalid_input",
                    format!(
                        "第{}条：字段 published_on：发布日期 {} 须不早于成文日期、不晚于今天",
                        n + 1,
                        date_text(p.published_on)
                    ),
                ));
            }
            checked.push((p.agency_id, meta, p.published_on));
        }
        let now = crate::now_text();
        let mut tx = self.begin().await?;
        // 索引号 serials, counted per agency and year of 成文日期 as for single items.
        let mut counters: HashMap<(i64, i32), i64> = HashMap::new();
        let mut numbered = Vec::with_capacity(checked.len());
        for (agency_id, meta, published_on) in checked {
            let year = meta.written_on.year();
            let serial = match counters.entry((agency_id, year)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let last: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
                        "SELECT last_serial FROM index_counters WHERE agency_id = $1 AND year = $2")
                        .bind(agency_id).bind(i64::from(year)).fetch_optional(c).await)?
                    .unwrap_or(0);
                    e.insert(last)
                }
            };
            *serial += 1;
            let serial = *serial;
            let agency = &facts[&agency_id];
            let index_number = agency.pattern.format(
                &agency.org_code,
                &agency.code,
                year,
                u64::try_from(serial).unwrap_or(0),
            );
            numbered.push((agency_id, index_number, meta, date_text(published_on)));
        }
        let mut ids = Vec::with_capacity(numbered.len());
        for chunk in numbered.chunks(ROWS_PER_STATEMENT) {
            let got: Vec<i64> = on_tx!(&mut tx, c => {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO publications (agency_id, index_number, category_key, title, body_html, body_text, document_type, issuer, co_issuers, document_number, written_on, published_on, effective_on, expires_on, repealed_on, validity, topic, keywords, summary, attribute, attribute_reason, status, status_reason, created_by, created_at, updated_at) ");
                qb.push_values(chunk, |mut b, (agency_id, index_number, m, published_on)| {
                    b.push_bind(*agency_id).push_bind(index_number.as_str())
                        .push_bind(m.category.as_deref()).push_bind(m.title.as_str())
                        .push_bind(m.body_html.as_str()).push_bind(m.body_text.as_str())
                        .push_bind(m.document_type.name()).push_bind(m.issuer.as_str())
                        .push_bind(list_text(&m.co_issuers)).push_bind(m.document_number.as_deref())
                        .push_bind(date_text(m.written_on)).push_bind(published_on.as_str())
                        .push_bind(m.effective_on.map(date_text)).push_bind(m.expires_on.map(date_text))
                        .push_bind(None::<String>).push_bind(m.validity.name())
                        .push_bind(m.topic.as_deref()).push_bind(list_text(&m.keywords))
                        .push_bind(m.summary.as_deref()).push_bind(m.attribute.name())
                        .push_bind(m.attribute_reason.as_deref())
                        .push_bind(PublicationStatus::Published.name()).push_bind(None::<String>)
                        .push_bind(op.actor().label.as_str()).push_bind(now.as_str())
                        .push_bind(now.as_str());
                });
                qb.push(" RETURNING id");
                qb.build_query_scalar::<i64>().fetch_all(c).await
            })?;
            ids.extend(got);
        }
        for ((agency_id, year), serial) in &counters {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO index_counters (agency_id, year, last_serial) VALUES ($1, $2, $3)
                 ON CONFLICT (agency_id, year) DO UPDATE SET last_serial = excluded.last_serial")
                .bind(*agency_id).bind(i64::from(*year)).bind(*serial)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
        let (first, last) = id_range(&ids);
        append(
            &mut tx,
            generate_record(
                op,
                "publication",
                ids.len(),
                first,
                last,
                serde_json::json!({ "agencies": facts.len() }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(BulkWritten {
            rows: ids.len(),
            first_id: first,
            last_id: last,
        })
    }

    /// Adds applications with their events in one transaction. Each
    /// applicant is validated as at registration, the events must make sense
    /// to the clock (`compute_clock`: order, 补正 once, extensions), an
    /// answer needs an outcome; the stored status and due date are the
    /// clock's as of today.
    pub async fn bulk_add_applications(
        &self,
        op: &ConsoleOperator,
        calendar: &Calendar,
        batch: Vec<BulkApplication>,
    ) -> Result<BulkWritten> {
        if batch.is_empty() {
            return Ok(BulkWritten {
                rows: 0,
                first_id: 0,
                last_id: 0,
            });
        }
        let today = today();
        let now = crate::now_text();
        let actor_label = op.actor().label.clone();
        struct Row {
            agency_id: i64,
            code: String,
            kind: String,
            name: String,
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
            /// The table 三 summary columns (see `crate::figures`).
            figures: (Option<String>, Option<String>, Option<&'static str>, i64),
            /// (kind name, date, payload) of every event, `received` first.
            events: Vec<(&'static str, String, String)>,
        }
        let mut rows = Vec::with_capacity(batch.len());
        for (n, a) in batch.into_iter().enumerate() {
            let bad = |m: String| rejected("invalid_input", format!("第{}条：{m}", n + 1));
            let applicant = a.applicant.validate(today).map_err(|errors| {
                let parts: Vec<String> = errors
                    .iter()
                    .map(|e| format!("字段 applicant.{}：{e}", e.field()))
                    .collect();
                bad(parts.join("；"))
            })?;
            let request = a.request.trim().to_string();
            if request.is_empty() || request.chars().count() > crate::MAX_REQUEST_CHARS {
                return Err(bad(
                    "字段 request：申请内容不能为空，且不超过规定长度".into()
                ));
            }
            let mut events = vec![ApplicationEvent::new(
                a.received_on,
                EventKind::Received { channel: a.channel },
            )];
            let mut outcome = None;
            let mut stored = Vec::with_capacity(a.events.len() + 1);
            for e in &a.events {
                match (&e.event.kind, e.outcome) {
                    (EventKind::Answered, Some(o)) => outcome = Some(o),
                    (EventKind::Answered, None) => {
                        return Err(bad("字段 outcome：答复须注明办理结果".into()))
                    }
                    (EventKind::Received { .. }, _) => {
                        return Err(bad("字段 events：收到申请只记录一次".into()))
                    }
                    (_, Some(_)) => {
                        return Err(bad("字段 outcome：只有答复事件登记办理结果".into()))
                    }
                    (_, None) => {}
                }
                if e.event.on > today {
                    return Err(bad(format!(
                        "字段 on：事件日期 {} 晚于今天",
                        date_text(e.event.on)
                    )));
                }
                events.push(e.event.clone());
            }
            let clock = compute_clock(&events, calendar, &ClockSettings::default(), today)
                .map_err(|e| bad(format!("字段 events：{e}")))?;
            for (i, ev) in events.iter().enumerate() {
                let outcome = if i == 0 {
                    None
                } else {
                    a.events[i - 1].outcome
                };
                let payload = serde_json::to_string(&Payload {
                    event: ev.clone(),
                    outcome,
                    reason: None,
                    details: None,
                })?;
                stored.push((ev.kind.kind_name().name(), date_text(ev.on), payload));
            }
            rows.push(Row {
                agency_id: a.agency_id,
                code: tracking_code(),
                kind: enum_name(&applicant.kind),
                identity_key: applicant.identity_key().map(|k| k.as_str().to_string()),
                name: applicant.name,
                id_number: applicant.id_number.map(|v| v.as_str().to_string()),
                credit_code: applicant.credit_code.map(|v| v.as_str().to_string()),
                phone: applicant.phone.map(|v| v.as_str().to_string()),
                email: applicant.email,
                address: applicant.address,
                channel: enum_name(&a.channel),
                received_on: date_text(a.received_on),
                request,
                status: enum_name(&clock.status),
                due_on: clock.due_on.map(date_text),
                outcome: outcome.map(|o| o.id().to_string()),
                figures: crate::figures::bulk_columns(applicant.kind, &events, outcome),
                events: stored,
            });
        }
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut event_count = 0usize;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let got: Vec<(i64, String)> = on_tx!(&mut tx, c => {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO applications (agency_id, tracking_code, applicant_kind, applicant_name, id_number, credit_code, phone, email, address, identity_key, channel, received_on, request, status, due_on, outcome, created_at, updated_at, figures_received_on, figures_closed_on, figures_outcome, figures_flagged, figures_stale) ");
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.agency_id).push_bind(r.code.as_str()).push_bind(r.kind.as_str())
                        .push_bind(r.name.as_str()).push_bind(r.id_number.as_deref())
                        .push_bind(r.credit_code.as_deref()).push_bind(r.phone.as_deref())
                        .push_bind(r.email.as_deref()).push_bind(r.address.as_deref())
                        .push_bind(r.identity_key.as_deref()).push_bind(r.channel.as_str())
                        .push_bind(r.received_on.as_str()).push_bind(r.request.as_str())
                        .push_bind(r.status.as_str()).push_bind(r.due_on.as_deref())
                        .push_bind(r.outcome.as_deref()).push_bind(now.as_str())
                        .push_bind(now.as_str()).push_bind(r.figures.0.as_deref())
                        .push_bind(r.figures.1.as_deref()).push_bind(r.figures.2)
                        .push_bind(r.figures.3).push_bind(0i64);
                });
                qb.push(" RETURNING id, tracking_code");
                qb.build_query_as::<(i64, String)>().fetch_all(c).await
            })?;
            let by_code: HashMap<&str, i64> =
                got.iter().map(|(id, code)| (code.as_str(), *id)).collect();
            let mut events: Vec<(i64, i64, &(&'static str, String, String))> = Vec::new();
            for r in chunk {
                let id = *by_code
                    .get(r.code.as_str())
                    .ok_or_else(|| StoreError::Conflict("批量写入申请时编号对应失败".into()))?;
                for (seq, e) in r.events.iter().enumerate() {
                    events.push((id, i64::try_from(seq).unwrap_or(0) + 1, e));
                }
            }
            for part in events.chunks(ROWS_PER_STATEMENT * 2) {
                on_tx!(&mut tx, c => {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO application_events (application_id, seq, kind, on_date, payload, actor_label, created_at) ");
                    qb.push_values(part, |mut b, (id, seq, (kind, on, payload))| {
                        b.push_bind(*id).push_bind(*seq).push_bind(*kind).push_bind(on.as_str())
                            .push_bind(payload.as_str()).push_bind(actor_label.as_str())
                            .push_bind(now.as_str());
                    });
                    qb.build().execute(c).await.map(|r| r.rows_affected())
                })?;
            }
            event_count += events.len();
            ids.extend(got.into_iter().map(|(id, _)| id));
        }
        let (first, last) = id_range(&ids);
        // No personal data in the audit log: counts and ids only.
        append(
            &mut tx,
            generate_record(
                op,
                "application",
                ids.len(),
                first,
                last,
                serde_json::json!({ "events": event_count }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(BulkWritten {
            rows: ids.len(),
            first_id: first,
            last_id: last,
        })
    }

    /// Public items with id above `after_id`, oldest first, at most `limit`
    /// (≤ 5,000) — what the search index needs of each, read in a few queries
    /// per page instead of several per item (a full reindex).
    pub async fn public_index_documents_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<IndexDocument>> {
        let limit = limit.clamp(1, 5_000);
        let rows: Vec<IndexRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT p.id, p.agency_id, a.code AS agency_code, a.name AS agency_name, p.category_key, p.title, p.body_text, p.document_number, p.index_number, p.issuer, p.document_type, p.written_on, p.published_on, p.effective_on, p.repealed_on, p.validity, p.status, p.topic, p.keywords, p.summary
             FROM publications p JOIN agencies a ON a.id = p.agency_id
             WHERE p.id > $1 AND p.status IN ('published', 'repealed') ORDER BY p.id LIMIT $2")
            .bind(after_id).bind(limit).fetch_all(p).await)?;
        let Some(last) = rows.last().map(|r| r.id) else {
            return Ok(Vec::new());
        };
        let texts: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT publication_id, text_content FROM publication_attachments
             WHERE publication_id > $1 AND publication_id <= $2 AND text_content IS NOT NULL ORDER BY publication_id, id")
            .bind(after_id).bind(last).fetch_all(p).await)?;
        let mut attachment_text: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, text) in texts {
            attachment_text.entry(id).or_default().push(text);
        }
        let mut catalogs: HashMap<i64, Vec<Category>> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let path = match &r.category_key {
                Some(k) => {
                    if let Entry::Vacant(e) = catalogs.entry(r.agency_id) {
                        e.insert(self.catalog(r.agency_id).await?);
                    }
                    catalogs
                        .get(&r.agency_id)
                        .map(|c| category_path(c, k))
                        .unwrap_or_default()
                }
                None => Vec::new(),
            };
            out.push(IndexDocument {
                id: r.id,
                agency_id: r.agency_id,
                agency_code: r.agency_code,
                agency_name: r.agency_name,
                category: r.category_key,
                category_path: path,
                title: r.title,
                body_text: r.body_text,
                attachment_text: attachment_text
                    .remove(&r.id)
                    .map(|t| t.join("\n"))
                    .unwrap_or_default(),
                document_number: r.document_number,
                index_number: r.index_number,
                issuer: r.issuer,
                document_type: parsed("文件类型", &r.document_type, DocumentType::parse)?,
                written_on: parse_date(&r.written_on)?,
                published_on: opt_date(&r.published_on)?,
                effective_on: opt_date(&r.effective_on)?,
                repealed_on: opt_date(&r.repealed_on)?,
                validity: parsed("有效性", &r.validity, Validity::parse)?,
                status: parsed("状态", &r.status, PublicationStatus::parse)?,
                topic: r.topic,
                keywords: list_of(&r.keywords),
                summary: r.summary,
            });
        }
        Ok(out)
    }
}
