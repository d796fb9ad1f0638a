//! `serve --demo`, part two (issue 7 §6): 鼓楼街道's 2021 year as records —
//! 45 items on the 政府网站 (18 文件类, 22 工作动态类, 5 其他类, three
//! categories added to its catalog) and 251 on its 政务微信公众号, entered as
//! publications with their whole review chain by the demo drafter, reviewer
//! and approver (`Store::record_past_publications`, one transaction); one application from a natural person received late in 2021 and still
//! open at year end (answered in January 2022), 35 信息员, two training
//! sessions with 104 attendances, zero Art. 20 statistics, the problems and
//! other matters of the seed's sections 五 and 六 — and its 2021 report
//! submitted, accepted and published from them. Its tables equal the seed's
//! (`corpus/seed-2021-gulou.txt`). Skipped when 2021 is already published.

use gongkai_domain::access::{approver_of, drafter_of, reviewer_of};
use gongkai_domain::annual::Art20Statistics;
use gongkai_domain::applicant::{id_check_char, ApplicantDraft, ApplicantKind};
use gongkai_domain::catalog::{Category, STATUTORY_KEY};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::publication::{
    ChannelKind, DisclosureAttribute, DocumentType, PublicationDraft,
};
use gongkai_domain::{
    AgencyAdmin, ConsoleOperator, PublicationApprover, PublicationDrafter, PublicationReviewer,
};
use gongkai_store::{NewApplication, NewEvent, PastPublication, Store};
use time::macros::date;

const YEAR: i32 = 2021;

const UNITS: [&str; 7] = [
    "党政办公室",
    "经济发展办公室",
    "社会事务办公室",
    "综合执法办公室",
    "便民服务中心",
    "城市社区",
    "农村社区",
];

/// Section 五 as the demo's staff would write it (demo text, not the seed's).
const SECTION_FIVE: &str = "（一）存在的主要问题\n1、部分科室、社区信息员对政务公开工作重视程度不一，业务能力有待提升。\n2、群众对政府信息公开渠道了解不多，依申请公开的宣传引导仍需加强。\n（二）改进情况\n1、定期组织信息员业务培训，围绕《条例》要求讲解发布审核、保密审查等环节。\n2、明确各岗位职责，人员变动及时报备，保证公开工作不断档。（演示数据）";

/// The three 主动公开 classes of the seed's narrative as catalog categories
/// (key, name, portal items in 2021).
const CLASSES: [(&str, &str, usize); 3] = [
    ("wenjian", "文件类", 18),
    ("gongzuo-dongtai", "工作动态类", 22),
    ("qita", "其他类", 5),
];
/// Items released on the 政务微信公众号 in 2021.
const WECHAT_ITEMS: usize = 251;

const FILE_TOPICS: [&str; 9] = [
    "春季森林防火工作",
    "安全生产大排查大整治",
    "城乡环境综合整治",
    "防汛工作",
    "冬季清洁取暖工作",
    "疫情防控常态化工作",
    "老旧小区改造",
    "城乡居民医保征缴",
    "退役军人优抚工作",
];
const FILE_FORMS: [&str; 2] = ["关于做好{}的通知", "关于印发{}实施方案的通知"];
const NEWS_FORMS: [&str; 6] = [
    "鼓楼街道召开{}推进会",
    "鼓楼街道开展{}专项行动",
    "鼓楼街道部署{}",
    "鼓楼街道扎实推进{}",
    "鼓楼街道组织{}业务培训",
    "鼓楼街道{}取得阶段性成效",
];
const NEWS_TOPICS: [&str; 12] = [
    "疫苗接种",
    "文明城市创建",
    "安全生产",
    "垃圾分类",
    "网格化治理",
    "普法宣传",
    "志愿服务",
    "防汛减灾",
    "扫黑除恶常态化",
    "党史学习教育",
    "就业创业服务",
    "敬老助老",
];
const OTHER_TITLES: [&str; 5] = [
    "鼓楼街道办事处机构职能",
    "鼓楼街道便民服务中心办事指南",
    "鼓楼街道2021年度政府信息公开工作要点",
    "鼓楼街道社区居委会联系方式",
    "鼓楼街道基层政务公开事项标准目录",
];

/// The `n`-th working day of 2021 (Monday–Friday, 1-based, wrapping).
fn day_of_2021(n: usize) -> time::Date {
    let mut d = date!(2021 - 01 - 04);
    let mut left = n % 250;
    while left > 0 {
        d = d.next_day().unwrap_or(d);
        if !matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) {
            left -= 1;
        }
    }
    d
}

fn item(
    title: String,
    category: &str,
    number: Option<String>,
    on: time::Date,
    channel: ChannelKind,
) -> PastPublication {
    let body = format!(
        "<p>{title}。</p><p>鼓楼街道按照区委、区政府部署，认真组织落实相关工作，现将有关情况予以公开。（演示数据）</p>"
    );
    PastPublication {
        draft: PublicationDraft {
            title,
            body,
            document_type: Some(DocumentType::Other),
            category: Some(category.to_string()),
            document_number: number,
            written_on: Some(on),
            attribute: Some(DisclosureAttribute::Proactive),
            ..Default::default()
        },
        published_on: on,
        channels: vec![(channel, on)],
    }
}

/// The demo year's publications: 45 on the 政府网站 by class, 251 on the
/// 政务微信公众号 (工作动态), spread over the working days of 2021.
fn publications_2021() -> Vec<PastPublication> {
    let mut out = Vec::new();
    let mut n = 0usize;
    for (key, _, count) in CLASSES {
        for i in 0..count {
            n += 1;
            let on = day_of_2021(n * 5);
            let (title, number) = match key {
                "wenjian" => {
                    let topic = FILE_TOPICS[i % FILE_TOPICS.len()];
                    let form = FILE_FORMS[(i / FILE_TOPICS.len()) % FILE_FORMS.len()];
                    (
                        format!("鼓楼街道{}", form.replace("{}", topic)),
                        Some(format!("鼓办发〔2021〕{}号", i + 1)),
                    )
                }
                "gongzuo-dongtai" => {
                    let topic = NEWS_TOPICS[i % NEWS_TOPICS.len()];
                    let form = NEWS_FORMS[i % NEWS_FORMS.len()];
                    (form.replace("{}", topic), None)
                }
                _ => (OTHER_TITLES[i % OTHER_TITLES.len()].to_string(), None),
            };
            out.push(item(title, key, number, on, ChannelKind::Portal));
        }
    }
    for i in 0..WECHAT_ITEMS {
        let topic = NEWS_TOPICS[i % NEWS_TOPICS.len()];
        let form = NEWS_FORMS[(i / NEWS_TOPICS.len()) % NEWS_FORMS.len()];
        let on = day_of_2021(i + 1);
        let title = format!(
            "{}（{}月{}日）",
            form.replace("{}", topic),
            u8::from(on.month()),
            on.day()
        );
        out.push(item(
            title,
            "gongzuo-dongtai",
            None,
            on,
            ChannelKind::Wechat,
        ));
    }
    out
}

/// Adds the three classes to 鼓楼街道's catalog under 法定主动公开内容 (kept
/// when already there).
async fn add_classes(store: &Store, admin: &AgencyAdmin, agency_id: i64) -> anyhow::Result<()> {
    let mut catalog = store.catalog(agency_id).await?;
    let mut changed = false;
    for (i, (key, name, _)) in CLASSES.iter().enumerate() {
        if !catalog.iter().any(|c| c.key == *key) {
            catalog.push(Category {
                key: (*key).to_string(),
                parent_key: Some(STATUTORY_KEY.to_string()),
                name: (*name).to_string(),
                sort_order: 10 + i as i64,
            });
            changed = true;
        }
    }
    if changed {
        store.save_catalog(admin, catalog).await?;
    }
    Ok(())
}

/// The demo's drafter, reviewer and approver of 鼓楼街道 (made by `demo::seed`).
async fn review_chain(
    store: &Store,
    agency_id: i64,
) -> anyhow::Result<(PublicationDrafter, PublicationReviewer, PublicationApprover)> {
    let tree = store.agency_tree().await?;
    let principal = |username: &'static str| async move {
        let id = store
            .user_id_by_username(username)
            .await?
            .ok_or_else(|| anyhow::anyhow!("演示账号 {username} 不存在"))?;
        store
            .principal(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("演示账号 {username} 不可用"))
    };
    let missing = |username: &str| anyhow::anyhow!("演示账号 {username} 没有所需角色");
    let drafter = drafter_of(&principal("gulou-drafter").await?, &tree, agency_id)
        .ok_or_else(|| missing("gulou-drafter"))?;
    let reviewer = reviewer_of(&principal("gulou-reviewer").await?, &tree, agency_id)
        .ok_or_else(|| missing("gulou-reviewer"))?;
    let approver = approver_of(&principal("gulou-approver").await?, &tree, agency_id)
        .ok_or_else(|| missing("gulou-approver"))?;
    Ok((drafter, reviewer, approver))
}

pub async fn seed(store: &Store) -> anyhow::Result<()> {
    let Some(gulou) = store.agency_by_code("gulou").await? else {
        return Ok(());
    };
    if store.latest_version(gulou.id, YEAR).await?.is_some() {
        return Ok(());
    }
    let op = ConsoleOperator::local();
    let editor = op.records_editor_of(gulou.id);
    let view = editor.view();
    let calendar = store.calendar().await?;

    if store.report_state(&view, YEAR).await?.is_none() {
        add_classes(store, &op.admin_of(gulou.id), gulou.id).await?;
        let (drafter, reviewer, approver) = review_chain(store, gulou.id).await?;
        store
            .record_past_publications(
                (&drafter, &reviewer, &approver),
                &calendar,
                publications_2021(),
            )
            .await?;
        let first = "37088219800101001";
        let check = id_check_char(first.as_bytes())
            .ok_or_else(|| anyhow::anyhow!("演示身份证号无法生成"))?;
        let handler = op.handler_of(gulou.id);
        let app = store
            .create_application(
                &handler,
                &calendar,
                NewApplication {
                    applicant: ApplicantDraft {
                        kind: Some(ApplicantKind::NaturalPerson),
                        name: "演示申请人".into(),
                        id_number: Some(format!("{first}{check}")),
                        phone: Some("13800000000".into()),
                        ..Default::default()
                    },
                    channel: Channel::InPerson,
                    received_on: date!(2021 - 12 - 27),
                    request: "鼓楼街道2021年老旧小区改造项目清单（演示数据）".into(),
                },
            )
            .await?;
        store
            .add_application_event(
                &handler,
                &calendar,
                app.id,
                NewEvent {
                    event: ApplicationEvent::new(date!(2022 - 01 - 14), EventKind::Answered),
                    outcome: Some("disclosed".into()),
                    reason: None,
                },
            )
            .await?;
        for i in 1..=35 {
            store
                .add_info_officer(
                    &editor,
                    &format!("信息员{i:02}（演示）"),
                    UNITS[i % UNITS.len()],
                    date!(2020 - 03 - 01),
                )
                .await?;
        }
        store
            .add_training(
                &editor,
                date!(2021 - 04 - 15),
                "《政府信息公开条例》解读",
                56,
            )
            .await?;
        store
            .add_training(
                &editor,
                date!(2021 - 09 - 22),
                "基层政务公开标准化规范化",
                48,
            )
            .await?;
        store
            .set_statistics(&editor, YEAR, Art20Statistics::default())
            .await?;
        let mut narrative = store
            .compute_year_report(&view, YEAR)
            .await?
            .report
            .narrative;
        narrative.sections[4] = SECTION_FIVE.to_string();
        store.save_narrative(&editor, YEAR, Some(narrative)).await?;
        store.submit_report(&editor, YEAR).await?;
    }
    let reviewer = op.report_reviewer_of(gulou.id);
    if store
        .report_state(&view, YEAR)
        .await?
        .is_some_and(|s| s.status == gongkai_domain::records::ReportStatus::Submitted)
    {
        store.accept_report(&reviewer, YEAR).await?;
    }
    let v = store.publish_report(&editor, YEAR).await?;
    println!(
        "已载入鼓楼街道{YEAR}年的记录并发布其年度报告（第{}版，SHA-256 {}）。",
        v.version,
        &v.sha256[..12]
    );
    Ok(())
}
