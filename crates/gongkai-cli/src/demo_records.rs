//! `serve --demo`, part two (issue 7 §6): 鼓楼街道's 2021 year as records —
//! one application from a natural person received late in 2021 and still
//! open at year end (answered in January 2022), 35 信息员, two training
//! sessions with 104 attendances, zero Art. 20 statistics, the problems and
//! other matters of the seed's sections 五 and 六 — and its 2021 report
//! submitted, accepted and published from them. Its tables equal the seed's
//! (`corpus/seed-2021-gulou.txt`). Skipped when 2021 is already published.

use gongkai_domain::annual::Art20Statistics;
use gongkai_domain::applicant::{id_check_char, ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::ConsoleOperator;
use gongkai_store::{NewApplication, NewEvent, Store};
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

const SECTION_FIVE: &str = "（一）存在的主要问题\n1、从事政府信息公开工作人员对政府信息公开的意识强弱不一，认识有待进一步提高。\n2、宣传和引导工作需要进一步加强，公众对政府信息公开的知晓率和使用率仍然不高。\n（二）改进情况\n1、进一步加大政务信息公开业务培训力度，针对条例的新变化进行答疑解惑和宣传。\n2、加强公开工作队伍的人员建设，明确信息公开工作负责人员的岗位职责要求，及时报备工作人员变动情况。";

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
