//! What computed annual reports are assembled from, loaded for one agency
//! (`Store::compute_year_report`) or for every agency at once
//! (`Store::compute_year_reports`, the supervisors' roll-up): the same
//! queries with or without the agency filter, each returning its rows by
//! agency, so the roll-up of 10,000 agencies costs a few queries per year
//! instead of some twenty per agency, and the two paths cannot drift apart.

use std::collections::HashMap;

use gongkai_domain::annual::{
    published_counts, AppealCase, Art20Statistics, NamedCounts, PublishedItem, RegulatoryDocument,
    RegulatoryKind, WanYuan,
};
use gongkai_domain::figures::YearFigures;
use gongkai_domain::publication::{ChannelKind, DocumentType};
use gongkai_domain::AgencyStaffView;
use gongkai_report::{AnnualReport, Narrative};
use sqlx::AssertSqlSafe;
use time::Date;

use crate::applications::{event_row_into, fees_of_history, EventRow, RecordedEvent};
use crate::records::{
    assemble, case_of_row, narrative_facts, narrative_from_json, report_from_json, CaseRow,
    InfoOfficer, ProposalCounts, ProposalKind, ReportInputs, Training, YearReport,
};
use crate::stored::parse_date;
use crate::{on_pool, Result, Store, StoreError};

/// (agency, type, written, published, repealed) of a regulatory document.
type DocumentRow = (i64, String, String, Option<String>, Option<String>);
/// (id, category key, published on) of a public item.
type ItemRow = (i64, Option<String>, Option<Date>);
/// (agency, version, json, sha256, published on, late, actor, published at).
type VersionRow = (i64, i64, String, String, String, i64, String, String);
/// (agency, status, narrative, comments, locked, stale, updated at).
type StateRow = (i64, String, Option<String>, String, i64, i64, String);

/// Rows by agency id.
pub(crate) type ByAgency<T> = HashMap<i64, T>;

/// One agency's part of a loader's answer (empty when it has none).
pub(crate) fn of_agency<T: Default>(mut by_agency: ByAgency<T>, agency_id: i64) -> T {
    by_agency.remove(&agency_id).unwrap_or_default()
}

/// Which agencies a load covers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    Agency(i64),
    /// Every agency (callers keep those their capabilities allow).
    All,
}

impl Scope {
    /// The filter on `column` with the agency as `$1` (for `All`, `$1` is 0
    /// and the filter always holds, so the binds stay the same).
    fn filter(self, column: &str) -> String {
        match self {
            Scope::Agency(_) => format!("{column} = $1"),
            Scope::All => "$1 = 0".to_string(),
        }
    }

    fn bind(self) -> i64 {
        match self {
            Scope::Agency(id) => id,
            Scope::All => 0,
        }
    }
}

fn bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

fn group<T>(rows: impl IntoIterator<Item = (i64, T)>) -> ByAgency<Vec<T>> {
    let mut out: ByAgency<Vec<T>> = HashMap::new();
    for (agency, row) in rows {
        out.entry(agency).or_default().push(row);
    }
    out
}

/// Everything the reports of one year are assembled from.
struct YearInputs {
    figures: ByAgency<YearFigures>,
    documents: ByAgency<Vec<RegulatoryDocument>>,
    statistics: ByAgency<Art20Statistics>,
    cases: ByAgency<Vec<AppealCase>>,
    saved: ByAgency<Narrative>,
    officers: ByAgency<Vec<InfoOfficer>>,
    trainings: ByAgency<Vec<Training>>,
    proposals: ByAgency<Vec<ProposalCounts>>,
    published: ByAgency<(NamedCounts, NamedCounts)>,
    fees: ByAgency<u64>,
    previous: ByAgency<AnnualReport>,
}

impl Store {
    async fn year_inputs(&self, scope: Scope, year: i32, depth: ReportDepth) -> Result<YearInputs> {
        if depth == ReportDepth::Tables {
            return Ok(YearInputs {
                figures: self.figures_in(scope, year).await?,
                documents: self.regulatory_documents_in(scope).await?,
                statistics: self.statistics_in(scope, year).await?,
                cases: self.appeal_cases_in(scope).await?,
                saved: HashMap::new(),
                officers: HashMap::new(),
                trainings: HashMap::new(),
                proposals: HashMap::new(),
                published: HashMap::new(),
                fees: HashMap::new(),
                previous: HashMap::new(),
            });
        }
        Ok(YearInputs {
            figures: self.figures_in(scope, year).await?,
            documents: self.regulatory_documents_in(scope).await?,
            statistics: self.statistics_in(scope, year).await?,
            cases: self.appeal_cases_in(scope).await?,
            saved: self.saved_narratives_in(scope, year).await?,
            officers: self.info_officers_in(scope).await?,
            trainings: self.trainings_in(scope, year).await?,
            proposals: self.proposals_in(scope, year).await?,
            published: self.published_counts_in(scope, year).await?,
            fees: self.fees_in(scope, year).await?,
            previous: self.previous_reports_in(scope, year - 1).await?,
        })
    }

    async fn figures_in(&self, scope: Scope, year: i32) -> Result<ByAgency<YearFigures>> {
        Ok(match scope {
            Scope::Agency(id) => HashMap::from([(id, self.year_figures_of(id, year).await?)]),
            Scope::All => self.year_figures_of_all(year).await?,
        })
    }

    /// The report of `year` computed from the agency's records (see
    /// `records::assemble`): table 二 from its regulatory publications and
    /// Art. 20 statistics, table 三 from applications, table 四 from cases;
    /// the staff's narrative when saved, else one drafted from the same
    /// records. Findings from the rules, with last year's published report
    /// (if any) for R6/R7.
    pub async fn compute_year_report(
        &self,
        cap: &AgencyStaffView,
        year: i32,
    ) -> Result<YearReport> {
        crate::records::check_year(year)?;
        let id = cap.agency_id();
        let (_, name) = self.agency_kind_name(id).await?;
        let mut inputs = self
            .year_inputs(Scope::Agency(id), year, ReportDepth::Full)
            .await?;
        assemble_one(&mut inputs, id, &name, year, ReportDepth::Full)
    }

    /// [`Store::compute_year_report`] for each agency of `views` at once
    /// (the roll-up): by agency id.
    pub async fn compute_year_reports(
        &self,
        views: &[AgencyStaffView],
        year: i32,
    ) -> Result<HashMap<i64, YearReport>> {
        self.compute_year_reports_at(views, year, ReportDepth::Full)
            .await
    }

    async fn compute_year_reports_at(
        &self,
        views: &[AgencyStaffView],
        year: i32,
        depth: ReportDepth,
    ) -> Result<HashMap<i64, YearReport>> {
        crate::records::check_year(year)?;
        let names: HashMap<i64, String> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, name FROM agencies").fetch_all(p).await)?
        .into_iter()
        .collect();
        let mut inputs = self.year_inputs(Scope::All, year, depth).await?;
        let mut out = HashMap::with_capacity(views.len());
        for view in views {
            let id = view.agency_id();
            let name = names
                .get(&id)
                .ok_or_else(|| StoreError::not_found("机关"))?;
            out.insert(id, assemble_one(&mut inputs, id, name, year, depth)?);
        }
        Ok(out)
    }

    pub(crate) async fn regulatory_documents_in(
        &self,
        scope: Scope,
    ) -> Result<ByAgency<Vec<RegulatoryDocument>>> {
        let sql = format!(
            "SELECT agency_id, document_type, written_on, published_on, repealed_on FROM publications
             WHERE {} AND status IN ('published', 'repealed') AND published_on IS NOT NULL AND document_type IN ('{}', '{}')",
            scope.filter("agency_id"),
            DocumentType::Rule.name(),
            DocumentType::NormativeDocument.name(),
        );
        let rows: Vec<DocumentRow> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (agency, ty, written, published, repealed) in rows {
            let kind = match DocumentType::parse(&ty) {
                Some(DocumentType::Rule) => RegulatoryKind::Rule,
                Some(DocumentType::NormativeDocument) => RegulatoryKind::NormativeDocument,
                _ => continue,
            };
            out.push((
                agency,
                RegulatoryDocument {
                    kind,
                    written_on: parse_date(&written)?,
                    published_on: published.as_deref().map(parse_date).transpose()?,
                    repealed_on: repealed.as_deref().map(parse_date).transpose()?,
                },
            ));
        }
        Ok(group(out))
    }

    async fn statistics_in(&self, scope: Scope, year: i32) -> Result<ByAgency<Art20Statistics>> {
        let sql = format!(
            "SELECT agency_id, licensing, penalty, enforcement, fees_yuan FROM art20_statistics WHERE {} AND year = $2",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, i64, i64, i64, i64)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(agency, l, p, e, f)| (agency, statistics_of_row((l, p, e, f))))
            .collect())
    }

    async fn appeal_cases_in(&self, scope: Scope) -> Result<ByAgency<Vec<AppealCase>>> {
        let sql = format!(
            "{} WHERE {} ORDER BY c.filed_on DESC, c.id DESC",
            crate::records::select_case!(),
            scope.filter("c.agency_id")
        );
        let rows: Vec<CaseRow> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let agency = row.9;
            out.push((agency, case_of_row(row)?.1));
        }
        Ok(group(out))
    }

    async fn saved_narratives_in(&self, scope: Scope, year: i32) -> Result<ByAgency<Narrative>> {
        let sql = format!(
            "SELECT agency_id, narrative FROM annual_reports WHERE {} AND year = $2 AND narrative IS NOT NULL",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(agency, text)| Ok((agency, narrative_from_json(&text)?)))
            .collect()
    }

    pub(crate) async fn info_officers_in(
        &self,
        scope: Scope,
    ) -> Result<ByAgency<Vec<InfoOfficer>>> {
        let sql = format!(
            "SELECT agency_id, id, name, unit, since_on, left_on FROM info_officers WHERE {} ORDER BY left_on IS NOT NULL, id",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, i64, String, String, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).fetch_all(p).await)?;
        Ok(group(rows.into_iter().map(
            |(agency, id, name, unit, since_on, left_on)| {
                (
                    agency,
                    InfoOfficer {
                        id,
                        name,
                        unit,
                        since_on,
                        left_on,
                    },
                )
            },
        )))
    }

    async fn trainings_in(&self, scope: Scope, year: i32) -> Result<ByAgency<Vec<Training>>> {
        let (from, to) = bounds(year);
        let sql = format!(
            "SELECT agency_id, id, held_on, topic, attendances FROM trainings WHERE {} AND held_on >= $2 AND held_on <= $3 ORDER BY held_on, id",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, i64, String, String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(&from).bind(&to).fetch_all(p).await)?;
        Ok(group(rows.into_iter().map(
            |(agency, id, held_on, topic, n)| {
                (
                    agency,
                    Training {
                        id,
                        held_on,
                        topic,
                        attendances: u32::try_from(n).unwrap_or(0),
                    },
                )
            },
        )))
    }

    pub(crate) async fn proposals_in(
        &self,
        scope: Scope,
        year: i32,
    ) -> Result<ByAgency<Vec<ProposalCounts>>> {
        let sql = format!(
            "SELECT agency_id, kind, received, handled, results_published FROM npc_proposals WHERE {} AND year = $2 ORDER BY kind DESC",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, String, i64, i64, i64)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(group(rows.into_iter().filter_map(
            |(agency, k, r, h, p)| {
                Some((
                    agency,
                    ProposalCounts {
                        kind: ProposalKind::parse(&k)?,
                        received: u32::try_from(r).ok()?,
                        handled: u32::try_from(h).ok()?,
                        results_published: u32::try_from(p).ok()?,
                    },
                ))
            },
        )))
    }

    /// The narrative's 主动公开 counts of `year` (the rule:
    /// `gongkai_domain::annual::published_counts`). Only items that can
    /// count are read: published in the year, or with a channel record in
    /// it (an item counts on a channel only by a release in the year, or,
    /// without any channel record, on the 政府网站 by its publication date).
    async fn published_counts_in(
        &self,
        scope: Scope,
        year: i32,
    ) -> Result<ByAgency<(NamedCounts, NamedCounts)>> {
        let (first, last) = bounds(year);
        let filter = scope.filter("p.agency_id");
        let items_sql = format!(
            "SELECT p.agency_id, p.id, p.category_key, p.published_on FROM publications p
             WHERE {filter} AND p.status IN ('published', 'repealed')
               AND ((p.published_on >= $2 AND p.published_on <= $3)
                    OR p.id IN (SELECT publication_id FROM publication_channels WHERE released_on >= $2 AND released_on <= $3))
             ORDER BY p.id"
        );
        let items: Vec<(i64, i64, Option<String>, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(items_sql.as_str()))
            .bind(scope.bind()).bind(&first).bind(&last).fetch_all(p).await)?;
        let channels_sql = format!(
            "SELECT c.publication_id, c.channel, c.released_on FROM publication_channels c JOIN publications p ON p.id = c.publication_id
             WHERE {filter} AND p.status IN ('published', 'repealed')"
        );
        let channels: Vec<(i64, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(channels_sql.as_str()))
            .bind(scope.bind()).fetch_all(p).await)?;
        let mut releases: HashMap<i64, Vec<(ChannelKind, Date)>> = HashMap::new();
        for (id, channel, on) in channels {
            if let Some(kind) = ChannelKind::parse(&channel) {
                releases
                    .entry(id)
                    .or_default()
                    .push((kind, parse_date(&on)?));
            }
        }
        let catalogs = self.catalogs_in(scope).await?;
        let default_catalog = crate::publications::catalog_of(Vec::new());
        let mut by_agency: ByAgency<Vec<ItemRow>> = HashMap::new();
        for (agency, id, key, on) in items {
            let on = on.as_deref().map(parse_date).transpose()?;
            by_agency.entry(agency).or_default().push((id, key, on));
        }
        let none: Vec<(ChannelKind, Date)> = Vec::new();
        let mut out = HashMap::with_capacity(by_agency.len());
        for (agency, items) in by_agency {
            let catalog = catalogs.get(&agency).unwrap_or(&default_catalog);
            let name_of = |key: &Option<String>| {
                key.as_deref()
                    .and_then(|k| catalog.iter().find(|c| c.key == k))
                    .map(|c| c.name.as_str())
            };
            let rows: Vec<PublishedItem<'_>> = items
                .iter()
                .map(|(id, key, published_on)| PublishedItem {
                    category: name_of(key),
                    published_on: *published_on,
                    releases: releases.get(id).unwrap_or(&none),
                })
                .collect();
            out.insert(agency, published_counts(&rows, year));
        }
        Ok(out)
    }

    async fn catalogs_in(
        &self,
        scope: Scope,
    ) -> Result<ByAgency<Vec<gongkai_domain::catalog::Category>>> {
        let sql = format!(
            "SELECT agency_id, code, parent_code, name, sort_order FROM catalog_categories WHERE {}",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, String, Option<String>, String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).fetch_all(p).await)?;
        Ok(group(
            rows.into_iter()
                .map(|(a, code, parent, name, order)| (a, (code, parent, name, order))),
        )
        .into_iter()
        .map(|(a, rows)| (a, crate::publications::catalog_of(rows)))
        .collect())
    }

    /// 信息处理费 collected in `year` by agency (fee events only).
    pub(crate) async fn fees_in(&self, scope: Scope, year: i32) -> Result<ByAgency<u64>> {
        let (_, until) = bounds(year);
        let sql = format!(
            "SELECT a.agency_id, e.application_id, e.seq, e.payload, e.actor_label, e.created_at
             FROM application_events e JOIN applications a ON a.id = e.application_id
             WHERE {} AND a.received_on || '' <= $2 AND e.kind IN ('fee_notice', 'fee_paid')",
            // `+` and `|| ''` keep SQLite from driving the join by the agency's
            // applications (all of them) instead of the few fee events
            // (index application_events_kind); the order is restored below.
            scope.filter("+a.agency_id")
        );
        let mut rows: Vec<(i64, i64, i64, String, String, String)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(&until).fetch_all(p).await)?;
        rows.sort_by_key(|r| (r.1, r.2));
        let mut histories: HashMap<i64, (i64, Vec<RecordedEvent>)> = HashMap::new();
        for (agency, application_id, seq, payload, actor_label, created_at) in rows {
            let event = event_row_into(EventRow {
                application_id,
                seq,
                payload,
                actor_label,
                created_at,
            })?;
            histories
                .entry(application_id)
                .or_insert_with(|| (agency, Vec::new()))
                .1
                .push(event);
        }
        let mut out: ByAgency<u64> = HashMap::new();
        for (agency, history) in histories.values() {
            let slot = out.entry(*agency).or_default();
            *slot = slot.saturating_add(fees_of_history(history, year));
        }
        Ok(out)
    }

    /// The newest published version of each agency's report of `year`.
    async fn previous_reports_in(&self, scope: Scope, year: i32) -> Result<ByAgency<AnnualReport>> {
        let sql = format!(
            "SELECT agency_id, report_json FROM annual_report_versions WHERE {} AND year = $2 ORDER BY agency_id, version",
            scope.filter("agency_id")
        );
        let rows: Vec<(i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        let mut latest: HashMap<i64, String> = HashMap::new();
        for (agency, json) in rows {
            latest.insert(agency, json);
        }
        Ok(latest
            .into_iter()
            .filter_map(|(agency, json)| Some((agency, report_from_json(&json)?)))
            .collect())
    }
}

pub(crate) fn statistics_of_row((l, p, e, f): (i64, i64, i64, i64)) -> Art20Statistics {
    Art20Statistics {
        licensing: u32::try_from(l).unwrap_or(0),
        penalty: u32::try_from(p).unwrap_or(0),
        enforcement: u32::try_from(e).unwrap_or(0),
        administrative_fees: WanYuan::from_yuan(f),
    }
}

/// How much of a computed report is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDepth {
    /// Tables, narrative (saved or drafted) and findings.
    Full,
    /// The tables only: no narrative, no findings (the roll-up's earlier
    /// years, for the carry-over chain and the chart).
    Tables,
}

/// One agency's report from the loaded inputs (taken out of them).
fn assemble_one(
    inputs: &mut YearInputs,
    id: i64,
    name: &str,
    year: i32,
    depth: ReportDepth,
) -> Result<YearReport> {
    let figures = inputs
        .figures
        .remove(&id)
        .unwrap_or_else(|| gongkai_domain::figures::year_figures_from_counts([], year, Vec::new()));
    let documents = inputs.documents.remove(&id).unwrap_or_default();
    let cases = inputs.cases.remove(&id).unwrap_or_default();
    let statistics = inputs.statistics.remove(&id).unwrap_or_default();
    if depth == ReportDepth::Tables {
        let computed = gongkai_domain::annual::report_from_figures(
            figures, name, &documents, statistics, &cases,
        );
        return Ok(YearReport {
            report: computed.report,
            findings: Vec::new(),
            problems: computed.problems,
            drafted: false,
        });
    }
    let saved = inputs.saved.remove(&id);
    let narrative_facts = match saved {
        Some(_) => None,
        None => Some(narrative_facts(
            year,
            &inputs.officers.remove(&id).unwrap_or_default(),
            inputs.trainings.remove(&id).unwrap_or_default(),
            &inputs.proposals.remove(&id).unwrap_or_default(),
            inputs.published.remove(&id).unwrap_or_default(),
            inputs.fees.remove(&id).unwrap_or(0),
        )?),
    };
    let previous = inputs.previous.remove(&id);
    Ok(assemble(ReportInputs {
        agency_name: name,
        figures,
        documents: &documents,
        statistics,
        cases: &cases,
        saved,
        narrative_facts,
        previous: previous.as_ref(),
    }))
}

/// Where one agency's report of a year stands, for the roll-up.
#[derive(Debug, Clone)]
pub struct AgencyYear {
    /// Its published versions of the year, oldest first.
    pub versions: Vec<crate::records::PublishedVersion>,
    /// The workflow state (`None`: not started).
    pub state: Option<crate::records::ReportState>,
    /// Last year's newest published report (R6/R7 of a published version;
    /// not read for [`ReportDepth::Tables`]).
    pub previous: Option<AnnualReport>,
    /// The report computed from records, when nothing is published.
    pub computed: Option<YearReport>,
}

impl Store {
    /// The year of each agency of `views` at once (the supervisors' roll-up):
    /// published versions, state, last year's report and, where nothing is
    /// published, the report computed from records. By agency id.
    pub async fn year_overview(
        &self,
        views: &[AgencyStaffView],
        year: i32,
        depth: ReportDepth,
    ) -> Result<HashMap<i64, AgencyYear>> {
        crate::records::check_year(year)?;
        let mut versions = self.versions_in(Scope::All, year).await?;
        let mut states = self.states_in(Scope::All, year).await?;
        let mut previous = match depth {
            ReportDepth::Full => self.previous_reports_in(Scope::All, year - 1).await?,
            ReportDepth::Tables => HashMap::new(),
        };
        let unpublished: Vec<AgencyStaffView> = views
            .iter()
            .filter(|v| !versions.contains_key(&v.agency_id()))
            .cloned()
            .collect();
        let mut computed = if unpublished.is_empty() {
            HashMap::new()
        } else {
            self.compute_year_reports_at(&unpublished, year, depth)
                .await?
        };
        Ok(views
            .iter()
            .map(|v| {
                let id = v.agency_id();
                (
                    id,
                    AgencyYear {
                        versions: versions.remove(&id).unwrap_or_default(),
                        state: states.remove(&id),
                        previous: previous.remove(&id),
                        computed: computed.remove(&id),
                    },
                )
            })
            .collect())
    }

    async fn versions_in(
        &self,
        scope: Scope,
        year: i32,
    ) -> Result<ByAgency<Vec<crate::records::PublishedVersion>>> {
        let sql = format!(
            "SELECT agency_id, version, report_json, sha256, published_on, late, actor_label, published_at FROM annual_report_versions WHERE {} AND year = $2 ORDER BY agency_id, version",
            scope.filter("agency_id")
        );
        let rows: Vec<VersionRow> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        Ok(group(rows.into_iter().map(
            |(
                agency,
                version,
                report_json,
                sha256,
                published_on,
                late,
                actor_label,
                published_at,
            )| {
                (
                    agency,
                    crate::records::PublishedVersion {
                        version,
                        report_json,
                        sha256,
                        published_on,
                        late: late != 0,
                        actor_label,
                        published_at,
                    },
                )
            },
        )))
    }

    async fn states_in(
        &self,
        scope: Scope,
        year: i32,
    ) -> Result<ByAgency<crate::records::ReportState>> {
        let sql = format!(
            "SELECT agency_id, status, narrative, comments, locked, stale, updated_at FROM annual_reports WHERE {} AND year = $2",
            scope.filter("agency_id")
        );
        let rows: Vec<StateRow> = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(scope.bind()).bind(i64::from(year)).fetch_all(p).await)?;
        rows.into_iter()
            .map(
                |(agency, status, narrative, comments, locked, stale, updated_at)| {
                    Ok((
                        agency,
                        crate::records::state_of_row((
                            status, narrative, comments, locked, stale, updated_at,
                        ))?,
                    ))
                },
            )
            .collect()
    }
}
