//! `gongkai demo --scale province`: a generated province for load tests and
//! benchmarks (issue 8) — an agency tree (province → cities → districts and
//! counties → 街道, 镇 and departments), published items with varied titles
//! and bodies, five years of applications with a realistic mix of outcomes —
//! written through the Store's bulk methods (many rows per statement, one
//! transaction and one audit entry per batch), then indexed for search.
//! Generation runs on a thread of its own and hands batches to the writer,
//! so text is made while the database writes. Reports its speed as it goes.

use crate::demo_scale_text::{mobile, organisation, person, PlaceNames, TextGen, DEPARTMENTS};
use crate::StoreArgs;
use clap::{Args, ValueEnum};
use gongkai_calendar::Calendar;
use gongkai_domain::applicant::{ApplicantDraft, ApplicantKind};
use gongkai_domain::catalog::{default_catalog, ART20_ITEMS};
use gongkai_domain::clock::{ApplicationEvent, Channel, ConsultationParty, EventKind};
use gongkai_domain::outcome::{
    NotProcessedReason, OtherReason, Outcome, UnavailableReason, WithholdReason,
};
use gongkai_domain::publication::{DocumentType, PublicationDraft, Validity};
use gongkai_domain::{AgencyDraft, AgencyKind, ConsoleOperator, OfficeContact};
use gongkai_store::{BulkAgency, BulkApplication, BulkEvent, BulkPublication, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use time::{Date, Duration as Days};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Scale {
    /// A province: 10,000 agencies, 1,000,000 items, 100,000 applications by default.
    Province,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// What to generate.
    #[arg(long, value_enum)]
    scale: Scale,
    /// Number of agencies (the province included).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    agencies: u32,
    /// Number of published items.
    #[arg(long, default_value_t = 1_000_000)]
    publications: u64,
    /// Number of applications (over the last five full years).
    #[arg(long, default_value_t = 100_000)]
    applications: u64,
    /// Rows per transaction.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    batch: u32,
    /// Seed of the generator (the same seed gives the same data).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Skip building the search index.
    #[arg(long)]
    no_index: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// The root's code; a second run is refused while it exists.
pub const ROOT_CODE: &str = "demo-province";

/// One generated agency, as the later phases need it.
#[derive(Clone)]
struct Node {
    id: i64,
    kind: AgencyKind,
    short_name: String,
    /// The area it serves (for text): the district, city or province name.
    place: String,
}

/// A level of the tree being planned: draft and parent index.
struct Planned {
    parent: Option<usize>,
    draft: AgencyDraft,
    place: String,
}

/// Prints progress at most once a second and the phase's total.
struct Progress {
    what: &'static str,
    total: u64,
    done: u64,
    start: Instant,
    last: Instant,
    quiet: bool,
}

impl Progress {
    fn new(what: &'static str, total: u64, quiet: bool) -> Progress {
        let now = Instant::now();
        Progress {
            what,
            total,
            done: 0,
            start: now,
            last: now,
            quiet,
        }
    }

    fn add(&mut self, n: u64) {
        self.done += n;
        if !self.quiet && self.last.elapsed() >= Duration::from_secs(1) {
            self.last = Instant::now();
            println!(
                "  {}：{} / {}（{:.0} 条/秒）",
                self.what,
                self.done,
                self.total,
                self.rate()
            );
        }
    }

    fn rate(&self) -> f64 {
        self.done as f64 / self.start.elapsed().as_secs_f64().max(1e-9)
    }

    fn finish(&self) -> serde_json::Value {
        let secs = self.start.elapsed().as_secs_f64();
        if !self.quiet {
            println!(
                "{}：共 {} 条，用时 {:.1} 秒，{:.0} 条/秒",
                self.what,
                self.done,
                secs,
                self.rate()
            );
        }
        serde_json::json!({ "rows": self.done, "seconds": secs, "rows_per_second": self.rate() })
    }
}

pub async fn run(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let Scale::Province = a.scale;
    let store = a.store.open().await?;
    if store.agency_by_code(ROOT_CODE).await?.is_some() {
        anyhow::bail!(
            "数据中已有生成的演示省份（机构代码 {ROOT_CODE}）；请换一个空的数据目录或数据库后再生成"
        );
    }
    let calendar = store.calendar().await?;
    let op = ConsoleOperator::local();
    let quiet = a.json;
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(a.seed);

    let nodes = agencies(&store, &op, &mut rng, a.agencies, a.batch, quiet).await?;
    let publications = publications(&store, &op, &nodes, &a, quiet).await?;
    let applications = applications(&store, &op, &calendar, &nodes, &a, quiet).await?;
    let index = if a.no_index {
        serde_json::Value::Null
    } else {
        let mut p = Progress::new("搜索索引", a.publications, quiet);
        let (count, generation, _) =
            crate::cmd_search::rebuild_index(&store, &a.store, |n| p.add(n)).await?;
        let mut v = p.finish();
        v["items"] = count.into();
        v["generation"] = generation.into();
        v
    };
    store.close().await;
    let summary = serde_json::json!({
        "root": ROOT_CODE,
        "agencies": nodes.len(),
        "publications": publications,
        "applications": applications,
        "index": index,
        "seconds": started.elapsed().as_secs_f64(),
    });
    if a.json {
        println!("{summary}");
    } else {
        println!(
            "演示省份已生成（机构代码 {ROOT_CODE}），共用时 {:.1} 秒。",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

// ---- agencies ----

/// Plans the tree: one province, then cities, districts and counties, and
/// below each district its departments, 街道 and 镇, until `total`.
fn plan_tree(rng: &mut StdRng, total: u32) -> Vec<Vec<Planned>> {
    let total = total as usize;
    let sqrt = (total as f64).sqrt();
    let cities = ((sqrt / 6.0).round() as usize).clamp(1, 16);
    let per_city = ((sqrt / 10.0).round() as usize).clamp(1, 12);
    let mut names = PlaceNames::new();
    let province = names.next(rng);
    let mut levels: Vec<Vec<Planned>> = vec![vec![Planned {
        parent: None,
        place: format!("{province}省"),
        draft: draft(
            ROOT_CODE.into(),
            AgencyKind::Province,
            format!("{province}省人民政府"),
            format!("{province}省"),
            "DEMO00".into(),
        ),
    }]];
    let mut left = total - 1;
    let mut city_level = Vec::new();
    for c in 0..cities.min(left) {
        let n = names.next(rng);
        city_level.push(Planned {
            parent: Some(0),
            place: format!("{n}市"),
            draft: draft(
                format!("demo-c{:02}", c + 1),
                AgencyKind::City,
                format!("{n}市人民政府"),
                format!("{n}市"),
                format!("DEMO{:02}", c + 1),
            ),
        });
    }
    left -= city_level.len();
    let mut district_level = Vec::new();
    'districts: for d in 0..per_city {
        for (ci, city) in city_level.iter().enumerate() {
            if left == 0 {
                break 'districts;
            }
            let n = names.next(rng);
            let suffix = if d % 3 == 2 { "县" } else { "区" };
            let city_place = city.place.clone();
            district_level.push(Planned {
                parent: Some(ci),
                place: format!("{city_place}{n}{suffix}"),
                draft: draft(
                    format!("demo-c{:02}-d{:02}", ci + 1, d + 1),
                    AgencyKind::District,
                    format!("{city_place}{n}{suffix}人民政府"),
                    format!("{n}{suffix}"),
                    format!("DEMO{:02}{:02}", ci + 1, d + 1),
                ),
            });
            left -= 1;
        }
    }
    levels.push(city_level);
    let mut leaf_level = Vec::new();
    if !district_level.is_empty() {
        let per_district = left.div_ceil(district_level.len());
        'leaves: for (di, district) in district_level.iter().enumerate() {
            let short = district.draft.short_name.clone();
            for i in 0..per_district {
                if left == 0 {
                    break 'leaves;
                }
                let code = format!("{}-{:04}", district.draft.code, i + 1);
                let org = format!("{}{:04}", district.draft.org_code, i + 1);
                let place = &district.place;
                let planned = if i % 3 == 0 && i / 3 < DEPARTMENTS.len() {
                    let dept = DEPARTMENTS[i / 3];
                    Planned {
                        parent: Some(di),
                        place: place.clone(),
                        draft: draft(
                            code,
                            AgencyKind::Department,
                            format!("{place}{dept}"),
                            format!("{short}{dept}"),
                            org,
                        ),
                    }
                } else {
                    let n = names.next(rng);
                    let (kind, full, shortened) = if i % 2 == 0 {
                        (
                            AgencyKind::Town,
                            format!("{place}{n}镇人民政府"),
                            format!("{n}镇"),
                        )
                    } else {
                        (
                            AgencyKind::Subdistrict,
                            format!("{place}{n}街道办事处"),
                            format!("{n}街道"),
                        )
                    };
                    Planned {
                        parent: Some(di),
                        place: format!("{place}{shortened}"),
                        draft: draft(code, kind, full, shortened, org),
                    }
                };
                leaf_level.push(planned);
                left -= 1;
            }
        }
    }
    levels.push(district_level);
    levels.push(leaf_level);
    levels.retain(|l| !l.is_empty());
    levels
}

fn draft(
    code: String,
    kind: AgencyKind,
    name: String,
    short_name: String,
    org_code: String,
) -> AgencyDraft {
    AgencyDraft {
        code,
        kind,
        name,
        short_name,
        org_code,
        office: OfficeContact::default(),
    }
}

async fn agencies(
    store: &Store,
    op: &ConsoleOperator,
    rng: &mut StdRng,
    total: u32,
    batch: u32,
    quiet: bool,
) -> anyhow::Result<Vec<Node>> {
    let levels = plan_tree(rng, total);
    let mut p = Progress::new("机关", u64::from(total), quiet);
    let mut nodes: Vec<Node> = Vec::new();
    let mut parent_ids: Vec<i64> = Vec::new();
    for level in levels {
        let mut ids = Vec::with_capacity(level.len());
        for chunk in level.chunks(batch as usize) {
            let rows = chunk
                .iter()
                .map(|pl| BulkAgency {
                    parent_id: pl.parent.and_then(|i| parent_ids.get(i).copied()),
                    draft: pl.draft.clone(),
                })
                .collect();
            let written = store.bulk_add_agencies(op, rows).await?;
            for (pl, (code, id)) in chunk.iter().zip(&written) {
                anyhow::ensure!(*code == pl.draft.code, "机关编号对应失败：{code}");
                nodes.push(Node {
                    id: *id,
                    kind: pl.draft.kind,
                    short_name: pl.draft.short_name.clone(),
                    place: pl.place.clone(),
                });
                ids.push(*id);
            }
            p.add(chunk.len() as u64);
        }
        parent_ids = ids;
    }
    p.finish();
    Ok(nodes)
}

// ---- shares ----

/// Spreads `total` over the nodes by weight (exact sum, cumulative rounding).
fn shares(nodes: &[Node], total: u64, weight: impl Fn(AgencyKind) -> u64) -> Vec<u64> {
    let sum: u64 = nodes.iter().map(|n| weight(n.kind)).sum::<u64>().max(1);
    let mut out = Vec::with_capacity(nodes.len());
    let mut acc: u128 = 0;
    let mut given: u64 = 0;
    for n in nodes {
        acc += u128::from(weight(n.kind)) * u128::from(total);
        let upto = u64::try_from(acc / u128::from(sum)).unwrap_or(u64::MAX);
        out.push(upto - given);
        given = upto;
    }
    out
}

/// The five full years before this one.
fn years() -> (i32, i32) {
    let this = gongkai_store::now().date().year();
    (this - 5, this - 1)
}

fn random_day(rng: &mut StdRng, first_year: i32, last_year: i32) -> anyhow::Result<Date> {
    let start = Date::from_calendar_date(first_year, time::Month::January, 1)?;
    let end = Date::from_calendar_date(last_year, time::Month::December, 31)?;
    let span = (end - start).whole_days();
    Ok(start + Days::days(rng.gen_range(0..=span)))
}

// ---- publications ----

async fn publications(
    store: &Store,
    op: &ConsoleOperator,
    nodes: &[Node],
    a: &DemoArgs,
    quiet: bool,
) -> anyhow::Result<serde_json::Value> {
    // Higher levels publish more (a province's portal holds far more than a 街道's).
    let counts = shares(nodes, a.publications, |k| match k {
        AgencyKind::Province => 400,
        AgencyKind::City => 80,
        AgencyKind::District => 20,
        AgencyKind::Department => 3,
        AgencyKind::Subdistrict | AgencyKind::Town => 1,
    });
    let categories: Vec<String> = default_catalog()
        .into_iter()
        .filter(|c| c.key.starts_with("art20-"))
        .map(|c| c.key)
        .collect();
    anyhow::ensure!(
        categories.len() == ART20_ITEMS.len(),
        "默认目录缺少第二十条类别"
    );
    let (first_year, last_year) = years();
    let batch = a.batch as usize;
    let seed = a.seed.wrapping_add(1);
    let nodes_for_gen = nodes.to_vec();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<BulkPublication>>(2);
    let generator = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut rng = StdRng::seed_from_u64(seed);
        let text = TextGen::new();
        let today = gongkai_store::now().date();
        let mut rows = Vec::with_capacity(batch);
        for (node, count) in nodes_for_gen.iter().zip(counts) {
            let mut serial_by_year = std::collections::HashMap::<i32, u32>::new();
            for _ in 0..count {
                let written_on = random_day(&mut rng, first_year, last_year)?;
                let published_on = (written_on + Days::days(rng.gen_range(0..=12))).min(today);
                let year = written_on.year();
                let item = text.item(&mut rng, &node.short_name, &node.place, year);
                let document_type = match rng.gen_range(0..100) {
                    0..=1 => DocumentType::Rule,
                    2..=11 => DocumentType::NormativeDocument,
                    _ => DocumentType::Other,
                };
                let serial = serial_by_year.entry(year).or_insert(0);
                *serial += 1;
                let document_number = (document_type != DocumentType::Other
                    || rng.gen_range(0..3) == 0)
                    .then(|| format!("{}发〔{year}〕{}号", node.short_name, serial));
                let validity = if rng.gen_range(0..20) == 0 {
                    Validity::Expired
                } else {
                    Validity::Valid
                };
                let category = categories[rng.gen_range(0..categories.len())].clone();
                rows.push(BulkPublication {
                    agency_id: node.id,
                    published_on,
                    draft: PublicationDraft {
                        title: item.title,
                        body: item.body,
                        document_type: Some(document_type),
                        category: Some(category),
                        issuer: None,
                        document_number,
                        written_on: Some(written_on),
                        validity: Some(validity),
                        topic: Some(item.topic),
                        keywords: item.keywords,
                        ..Default::default()
                    },
                });
                if rows.len() == batch {
                    let full = std::mem::replace(&mut rows, Vec::with_capacity(batch));
                    if tx.blocking_send(full).is_err() {
                        return Ok(());
                    }
                }
            }
        }
        if !rows.is_empty() {
            let _ = tx.blocking_send(rows);
        }
        Ok(())
    });
    let mut p = Progress::new("公开信息", a.publications, quiet);
    while let Some(rows) = rx.recv().await {
        let written = store.bulk_add_publications(op, rows).await?;
        p.add(written.rows as u64);
    }
    generator.await??;
    Ok(p.finish())
}

// ---- applications ----

/// Outcomes with their share in thousandths (roughly as in published annual
/// reports: most disclosed or not held, a tail of every other category).
const OUTCOME_MIX: &[(Outcome, u32)] = &[
    (Outcome::Disclosed, 430),
    (Outcome::PartlyDisclosed, 90),
    (Outcome::Withheld(WithholdReason::StateSecret), 2),
    (Outcome::Withheld(WithholdReason::ForbiddenByLaw), 5),
    (
        Outcome::Withheld(WithholdReason::ThreeSecurityOneStability),
        5,
    ),
    (Outcome::Withheld(WithholdReason::ThirdPartyRights), 15),
    (Outcome::Withheld(WithholdReason::InternalAffairs), 10),
    (Outcome::Withheld(WithholdReason::ProcessInformation), 12),
    (Outcome::Withheld(WithholdReason::EnforcementCaseFile), 5),
    (Outcome::Withheld(WithholdReason::AdministrativeInquiry), 6),
    (Outcome::Unavailable(UnavailableReason::NotHeld), 200),
    (Outcome::Unavailable(UnavailableReason::NeedsCreation), 25),
    (Outcome::NotProcessed(NotProcessedReason::Petition), 40),
    (Outcome::NotProcessed(NotProcessedReason::Repeated), 30),
    (
        Outcome::NotProcessed(NotProcessedReason::PublishedMaterial),
        25,
    ),
    (Outcome::NotProcessed(NotProcessedReason::Excessive), 5),
    (Outcome::NotProcessed(NotProcessedReason::Reconfirmation), 5),
    (Outcome::OtherHandling(OtherReason::Other), 90),
];

fn outcome(rng: &mut StdRng) -> Outcome {
    let total: u32 = OUTCOME_MIX.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (o, w) in OUTCOME_MIX {
        if x < *w {
            return *o;
        }
        x -= w;
    }
    Outcome::Disclosed
}

fn applicant(rng: &mut StdRng, place: &str) -> ApplicantDraft {
    let (kind, name) = match rng.gen_range(0..100) {
        0..=79 => (ApplicantKind::NaturalPerson, person(rng)),
        80..=89 => (ApplicantKind::Commercial, organisation(rng, place, 0)),
        90..=91 => (ApplicantKind::Research, organisation(rng, place, 1)),
        92..=93 => (ApplicantKind::PublicInterest, organisation(rng, place, 2)),
        94..=97 => (ApplicantKind::LegalService, organisation(rng, place, 3)),
        _ => (
            ApplicantKind::OtherOrganization,
            organisation(rng, place, 4),
        ),
    };
    ApplicantDraft {
        kind: Some(kind),
        name,
        phone: Some(mobile(rng)),
        ..Default::default()
    }
}

fn answered(on: Date, o: Outcome) -> BulkEvent {
    BulkEvent {
        event: ApplicationEvent::new(on, EventKind::Answered),
        outcome: Some(o),
    }
}

fn plain(on: Date, kind: EventKind) -> BulkEvent {
    BulkEvent {
        event: ApplicationEvent::new(on, kind),
        outcome: None,
    }
}

/// The events after receipt: mostly answered in time, some after a 补正,
/// an extension or a consultation, a few withdrawn or answered late.
fn events(rng: &mut StdRng, calendar: &Calendar, received: Date) -> anyhow::Result<Vec<BulkEvent>> {
    let wd = |from: Date, n: u32| calendar.add_working_days(from, n);
    let o = outcome(rng);
    Ok(match rng.gen_range(0..100) {
        0..=71 => {
            // In time; a few late (more than 20 working days).
            let n = if rng.gen_range(0..50) == 0 {
                rng.gen_range(21..30)
            } else {
                rng.gen_range(2..=20)
            };
            vec![answered(wd(received, n)?, o)]
        }
        72..=83 => {
            let asked = wd(received, rng.gen_range(1..=5))?;
            let back = asked + Days::days(rng.gen_range(3..=14));
            let o = if rng.gen_range(0..5) == 0 {
                Outcome::Unavailable(UnavailableReason::UnclearAfterCorrection)
            } else {
                o
            };
            vec![
                plain(asked, EventKind::CorrectionRequested),
                plain(back, EventKind::CorrectionReceived),
                answered(wd(back, rng.gen_range(2..=18))?, o),
            ]
        }
        84..=90 => {
            let approved = wd(received, rng.gen_range(15..=19))?;
            vec![
                plain(
                    approved,
                    EventKind::ExtensionApproved {
                        working_days: 20,
                        approver: "政府信息公开工作机构负责人".into(),
                    },
                ),
                answered(wd(received, rng.gen_range(22..=38))?, o),
            ]
        }
        91..=95 => {
            let party = if rng.gen_range(0..3) == 0 {
                ConsultationParty::CoAuthor
            } else {
                ConsultationParty::ThirdParty
            };
            let started = wd(received, rng.gen_range(2..=8))?;
            let ended = wd(started, rng.gen_range(3..=15))?;
            vec![
                plain(started, EventKind::ConsultationStarted { party }),
                plain(ended, EventKind::ConsultationEnded { party }),
                answered(wd(ended, rng.gen_range(1..=6))?, o),
            ]
        }
        _ => vec![plain(
            wd(received, rng.gen_range(1..=10))?,
            EventKind::Withdrawn,
        )],
    })
}

async fn applications(
    store: &Store,
    op: &ConsoleOperator,
    calendar: &Calendar,
    nodes: &[Node],
    a: &DemoArgs,
    quiet: bool,
) -> anyhow::Result<serde_json::Value> {
    let counts = shares(nodes, a.applications, |k| match k {
        AgencyKind::Province => 50,
        AgencyKind::City => 20,
        AgencyKind::District => 10,
        AgencyKind::Department => 3,
        AgencyKind::Subdistrict | AgencyKind::Town => 1,
    });
    let (first_year, last_year) = years();
    let batch = a.batch as usize;
    let seed = a.seed.wrapping_add(2);
    let nodes_for_gen = nodes.to_vec();
    let cal = calendar.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<BulkApplication>>(2);
    let generator = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut rng = StdRng::seed_from_u64(seed);
        let text = TextGen::new();
        let channels = [
            (Channel::Online, 55),
            (Channel::InPerson, 20),
            (Channel::SignedMail, 20),
            (Channel::OrdinaryMail, 3),
            (Channel::Fax, 2),
        ];
        let mut rows = Vec::with_capacity(batch);
        for (node, count) in nodes_for_gen.iter().zip(counts) {
            for _ in 0..count {
                let received_on = random_day(&mut rng, first_year, last_year)?;
                let mut x = rng.gen_range(0..100);
                let mut channel = Channel::Online;
                for (c, w) in channels {
                    if x < w {
                        channel = c;
                        break;
                    }
                    x -= w;
                }
                rows.push(BulkApplication {
                    agency_id: node.id,
                    applicant: applicant(&mut rng, &node.place),
                    channel,
                    received_on,
                    request: text.request(&mut rng, &node.place, received_on.year()),
                    events: events(&mut rng, &cal, received_on)?,
                });
                if rows.len() == batch {
                    let full = std::mem::replace(&mut rows, Vec::with_capacity(batch));
                    if tx.blocking_send(full).is_err() {
                        return Ok(());
                    }
                }
            }
        }
        if !rows.is_empty() {
            let _ = tx.blocking_send(rows);
        }
        Ok(())
    });
    let mut p = Progress::new("依申请公开", a.applications, quiet);
    while let Some(rows) = rx.recv().await {
        let written = store.bulk_add_applications(op, calendar, rows).await?;
        p.add(written.rows as u64);
    }
    generator.await??;
    Ok(p.finish())
}
