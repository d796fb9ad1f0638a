//! Store contract for the annual report's records and workflow (issue 7),
//! on SQLite always and on PostgreSQL whenever GONGKAI_TEST_POSTGRES_URL is set.

use gongkai_domain::access::{admin_of, records_editor_of, report_reviewer_of, staff_view_of};
use gongkai_domain::annual::{AppealKind, AppealResult, Art20Statistics, WanYuan};
use gongkai_domain::applicant::{id_check_char, ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::records::{line_diff, ReportStatus};
use gongkai_domain::{ConsoleOperator, Principal, Role};
use gongkai_report::layout::to_text;
use gongkai_store::{
    AuditVerdict, NewAppealCase, NewApplication, NewEvent, ProposalCounts, ProposalKind, Store,
    StoreError,
};
use gongkai_testkit::{every_backend, seed, Seeded};
use time::macros::date;

async fn principal(s: &Store, seeded: &Seeded, code: &str, role: Role) -> Principal {
    s.principal(seeded.user_id(code, role))
        .await
        .unwrap()
        .unwrap()
}

async fn entries(store: &Store) -> i64 {
    match store.verify_audit().await.unwrap() {
        AuditVerdict::Intact { entries } => entries,
        AuditVerdict::Broken { entry_id, reason } => panic!("broken at #{entry_id}: {reason}"),
    }
}

fn code_of(e: &StoreError) -> &'static str {
    match e {
        StoreError::Rejected { code, .. } => code,
        StoreError::Refused { code, .. } => code,
        StoreError::Invalid(_) => "invalid",
        StoreError::NotFound { .. } => "not_found",
        StoreError::Conflict(_) => "conflict",
        _ => "other",
    }
}

fn stats(licensing: u32, fee: &str) -> Art20Statistics {
    Art20Statistics {
        licensing,
        penalty: 2,
        enforcement: 1,
        administrative_fees: WanYuan::parse(fee).unwrap(),
    }
}

#[tokio::test]
async fn import_errors_name_the_line_and_store_nothing() {
    for db in every_backend().await {
        let s = &db.store;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let approver = principal(s, &seeded, "gulou", Role::Approver).await;
        let cap = records_editor_of(&approver, &tree, seeded.gulou.id).unwrap();
        let before = entries(s).await;
        let bad = "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2024,1,2,3,0.5\n2025,4,五,6,1\n";
        let err = s
            .import_statistics(&cap, bad.as_bytes(), "统计.csv")
            .await
            .unwrap_err();
        assert_eq!(code_of(&err), "invalid_import", "{}", db.label);
        assert!(err.to_string().contains("第3行第3列（行政处罚）"), "{err}");
        assert_eq!(entries(s).await, before, "{}: nothing audited", db.label);
        assert_eq!(s.statistics(&cap.view(), 2024).await.unwrap(), None);

        let good = "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2024,1,2,3,0.5\n2025,4,5,6,1.0001\n";
        let years = s
            .import_statistics(&cap, good.as_bytes(), "统计.csv")
            .await
            .unwrap();
        assert_eq!(years, vec![2024, 2025]);
        let got = s.statistics(&cap.view(), 2025).await.unwrap().unwrap();
        assert_eq!(got.penalty, 5);
        assert_eq!(got.administrative_fees.to_string(), "1.0001");
        assert_eq!(entries(s).await, before + 1);

        // A drafter keeps no records; a sibling's approver not ours.
        let drafter = principal(s, &seeded, "gulou", Role::Drafter).await;
        assert!(records_editor_of(&drafter, &tree, seeded.gulou.id).is_none());
        let other = principal(s, &seeded, "sibling", Role::Approver).await;
        assert!(records_editor_of(&other, &tree, seeded.gulou.id).is_none());
    }
}

#[tokio::test]
async fn publish_locks_the_year_and_republish_makes_a_new_version() {
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let calendar = s.calendar().await.unwrap();
        let gulou = seeded.gulou.id;
        let approver = principal(s, &seeded, "gulou", Role::Approver).await;
        let editor = records_editor_of(&approver, &tree, gulou).unwrap();
        let view = editor.view();
        let supervisor = principal(s, &seeded, "district", Role::Supervisor).await;
        let reviewer = report_reviewer_of(&supervisor, &tree, gulou).unwrap();
        let own_supervisor = principal(s, &seeded, "gulou", Role::Supervisor).await;
        assert!(report_reviewer_of(&own_supervisor, &tree, gulou).is_none());
        let admin = admin_of(
            &principal(s, &seeded, "gulou", Role::Admin).await,
            &tree,
            gulou,
        )
        .unwrap();

        // Records of 2025: statistics, an application answered after a 纠正 case, proposals, training.
        s.set_statistics(&editor, 2025, stats(12, "3.5"))
            .await
            .unwrap();
        let handler = ConsoleOperator::local().handler_of(gulou);
        let first = "11010519491231002";
        let app = s
            .create_application(
                &handler,
                &calendar,
                NewApplication {
                    applicant: ApplicantDraft {
                        kind: Some(ApplicantKind::NaturalPerson),
                        name: "张三".into(),
                        id_number: Some(format!(
                            "{first}{}",
                            id_check_char(first.as_bytes()).unwrap()
                        )),
                        phone: Some("13812345678".into()),
                        ..Default::default()
                    },
                    channel: Channel::InPerson,
                    received_on: date!(2025 - 03 - 03),
                    request: "老旧小区改造资金".into(),
                },
            )
            .await
            .unwrap();
        s.add_application_event(
            &handler,
            &calendar,
            app.id,
            NewEvent {
                event: ApplicationEvent::new(date!(2025 - 03 - 20), EventKind::Answered),
                outcome: Some("withheld.third_party_rights".into()),
                reason: None,
            },
        )
        .await
        .unwrap();
        let case = s
            .add_appeal_case(
                &editor,
                &calendar,
                NewAppealCase {
                    kind: AppealKind::Reconsideration,
                    application: Some(app.tracking_code.to_lowercase()),
                    filed_on: date!(2025 - 04 - 01),
                    decided: Some((AppealResult::Corrected, date!(2025 - 06 - 03))),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(case.application_id, Some(app.id), "{label}");
        assert!(
            case.reanswer_due_on.is_some(),
            "{label}: 纠正 sets a re-answer deadline"
        );
        let bad_case = s
            .add_appeal_case(
                &editor,
                &calendar,
                NewAppealCase {
                    kind: AppealKind::DirectSuit,
                    application: None,
                    filed_on: date!(2025 - 05 - 01),
                    decided: Some((AppealResult::Upheld, date!(2025 - 04 - 01))),
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(bad_case.to_string().contains("审结日期"), "{bad_case}");
        s.add_appeal_case(
            &editor,
            &calendar,
            NewAppealCase {
                kind: AppealKind::DirectSuit,
                application: None,
                filed_on: date!(2025 - 11 - 01),
                decided: None,
                note: "尚在审理".into(),
            },
        )
        .await
        .unwrap();
        s.set_proposals(
            &editor,
            2025,
            ProposalCounts {
                kind: ProposalKind::Npc,
                received: 3,
                handled: 3,
                results_published: 2,
            },
        )
        .await
        .unwrap();
        s.add_training(&editor, date!(2025 - 05 - 10), "条例解读", 60)
            .await
            .unwrap();
        s.add_info_officer(&editor, "李四", "党政办", date!(2024 - 01 - 01))
            .await
            .unwrap();

        gongkai_testkit::assert_batch_agrees(s, std::slice::from_ref(&view), 2024..=2026, label)
            .await;
        let computed = s.compute_year_report(&view, 2025).await.unwrap();
        let r = &computed.report;
        assert_eq!(
            r.proactive_value("licensing", "decisions")
                .map(|v| v.display()),
            Some("12".to_string())
        );
        assert_eq!(
            r.proactive_value("administrative_fees", "amount_wan_yuan")
                .map(|v| v.display()),
            Some("3.5".to_string())
        );
        assert_eq!(r.appeals[0], Some([0, 1, 0, 0, 1]), "{label}");
        assert_eq!(r.appeals[1], Some([0, 0, 0, 1, 1]), "{label}");
        assert_eq!(r.application_row("new").map(|x| x[6]), Some(1));
        assert!(computed.drafted);
        let text = &r.narrative.sections[0];
        assert!(
            text.contains("信息员1名") && text.contains("参训60人次"),
            "{text}"
        );
        assert!(r.narrative.sections[5].contains("公开办理结果2件"));

        // Publishing needs submission and acceptance first.
        let e = s.publish_report(&editor, 2025).await.unwrap_err();
        assert_eq!(code_of(&e), "report_state", "{e}");
        let mut narrative = r.narrative.clone();
        narrative.sections[0] = narrative.sections[0].trim_end().to_string();
        narrative.sections[4] = "存在问题：信息发布不够及时。改进：建立周调度。".into();
        s.save_narrative(&editor, 2025, Some(narrative.clone()))
            .await
            .unwrap();
        s.submit_report(&editor, 2025).await.unwrap();
        let e = s
            .set_statistics(&editor, 2025, stats(12, "3.5"))
            .await
            .unwrap_err();
        assert_eq!(
            code_of(&e),
            "year_locked",
            "{label}: locked from submission"
        );
        let e = s
            .save_narrative(&editor, 2025, Some(narrative.clone()))
            .await
            .unwrap_err();
        assert_eq!(
            code_of(&e),
            "report_state",
            "submitted reports are not edited"
        );
        let e = s.return_report(&reviewer, 2025, "  ").await.unwrap_err();
        assert!(e.to_string().contains("退回意见"), "{e}");
        s.return_report(&reviewer, 2025, "请补充整改情况")
            .await
            .unwrap();
        let state = s.report_state(&view, 2025).await.unwrap().unwrap();
        assert_eq!(state.status, ReportStatus::Returned);
        assert_eq!(state.comments, "请补充整改情况");
        assert!(!state.locked, "{label}: returning unlocks");
        s.set_statistics(&editor, 2025, stats(12, "3.5"))
            .await
            .unwrap();
        s.submit_report(&editor, 2025).await.unwrap();
        s.accept_report(&reviewer, 2025).await.unwrap();
        let v1 = s.publish_report(&editor, 2025).await.unwrap();
        assert_eq!(v1.version, 1);
        assert!(v1.late, "{label}: 2025 published after 31 January 2026");
        let computed = s.compute_year_report(&view, 2025).await.unwrap();
        assert_eq!(v1.report_json, computed.to_json(), "{label}");
        assert_eq!(computed.report.narrative, narrative);
        let deadline = s.report_deadline(gulou, 2025).await.unwrap();
        assert_eq!(deadline.deadline, "2026-01-31");
        assert!(deadline.published_late);

        // The year is locked.
        let before = entries(s).await;
        for e in [
            s.set_statistics(&editor, 2025, stats(13, "3.5"))
                .await
                .unwrap_err(),
            s.add_training(&editor, date!(2025 - 06 - 10), "再培训", 5)
                .await
                .unwrap_err(),
            s.decide_appeal_case(&editor, &calendar, case.id, None)
                .await
                .unwrap_err(),
            s.set_proposals(
                &editor,
                2025,
                ProposalCounts {
                    kind: ProposalKind::Cppcc,
                    received: 1,
                    handled: 1,
                    results_published: 1,
                },
            )
            .await
            .unwrap_err(),
        ] {
            assert_eq!(code_of(&e), "year_locked", "{label}: {e}");
            assert!(e.to_string().contains("2025年度"), "{e}");
        }
        assert_eq!(
            entries(s).await,
            before,
            "{label}: refused changes leave nothing"
        );
        // Other years are not locked.
        s.set_statistics(&editor, 2024, stats(1, "0"))
            .await
            .unwrap();
        assert!(!s.report_is_stale(gulou, 2025).await.unwrap());

        // Unlock with a reason, change, republish: version 2 with a diff; v1 unchanged.
        let e = s.unlock_year(&admin, 2025, "").await.unwrap_err();
        assert!(e.to_string().contains("解锁理由"), "{e}");
        s.unlock_year(&admin, 2025, "行政许可数量统计有误")
            .await
            .unwrap();
        assert!(s.report_is_stale(gulou, 2025).await.unwrap());
        s.set_statistics(&editor, 2025, stats(13, "3.5"))
            .await
            .unwrap();
        s.submit_report(&editor, 2025).await.unwrap();
        s.accept_report(&reviewer, 2025).await.unwrap();
        let v2 = s.publish_report(&editor, 2025).await.unwrap();
        assert_eq!(v2.version, 2);
        assert_ne!(v1.sha256, v2.sha256);
        let versions = s.report_versions(gulou, 2025).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0], v1, "{label}: version 1 is immutable");
        assert!(!s.report_is_stale(gulou, 2025).await.unwrap());
        let r1 = gongkai_store::report_from_json(&v1.report_json).unwrap();
        let r2 = gongkai_store::report_from_json(&v2.report_json).unwrap();
        assert_eq!(
            r1.narrative, narrative,
            "{label}: the version keeps its text"
        );
        let diff = line_diff(&to_text(&r1), &to_text(&r2));
        assert!(diff.iter().any(|l| l.op == '-' && l.text.contains("12")));
        assert!(diff.iter().any(|l| l.op == '+' && l.text.contains("13")));
        assert_eq!(s.published_years(gulou).await.unwrap(), vec![2025]);
        assert_eq!(s.report_unlocks(&view, 2025).await.unwrap().len(), 1);
        // Everything left an intact chain.
        assert!(entries(s).await > before);
        let _ = staff_view_of(&supervisor, &tree, gulou).unwrap();
    }
}

/// Table 二 (一) and the narrative's 主动公开 counts come from publications.
#[tokio::test]
async fn table_two_and_published_counts_come_from_publications() {
    use gongkai_domain::access::{approver_of, drafter_of, reviewer_of};
    use gongkai_domain::publication::{ChannelKind, DocumentType, PublicationDraft};
    use gongkai_store::ReviewDecision;
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let gulou = seeded.gulou.id;
        let drafter = drafter_of(
            &principal(s, &seeded, "gulou", Role::Drafter).await,
            &tree,
            gulou,
        )
        .unwrap();
        let reviewer = reviewer_of(
            &principal(s, &seeded, "gulou", Role::Reviewer).await,
            &tree,
            gulou,
        )
        .unwrap();
        let approver = approver_of(
            &principal(s, &seeded, "gulou", Role::Approver).await,
            &tree,
            gulou,
        )
        .unwrap();
        let calendar = s.calendar().await.unwrap();
        let today = gongkai_store::now().date();
        let year = today.year();
        let jan = time::Date::from_calendar_date(year, time::Month::January, 2).unwrap();
        let mut ids = Vec::new();
        for (i, (ty, written)) in [
            (DocumentType::NormativeDocument, jan),
            (DocumentType::NormativeDocument, date!(2020 - 12 - 01)),
            (DocumentType::Rule, jan),
        ]
        .into_iter()
        .enumerate()
        {
            let p = s
                .create_publication(
                    &drafter,
                    PublicationDraft {
                        title: format!("关于印发第{i}号办法的通知"),
                        body: "<p>各社区：现将有关事项通知如下。</p>".into(),
                        document_type: Some(ty),
                        category: Some("art20-01".into()),
                        document_number: Some(format!("鼓政发〔{}〕{}号", written.year(), i + 1)),
                        written_on: Some(written),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            s.submit_publication(&drafter, p.id).await.unwrap();
            s.review_publication(
                &reviewer,
                p.id,
                ReviewDecision::Pass {
                    override_reason: None,
                },
            )
            .await
            .unwrap();
            s.approve_publication(&approver, &calendar, p.id)
                .await
                .unwrap();
            ids.push(p.id);
        }
        s.record_channel(&drafter, ids[0], ChannelKind::Wechat, today, None)
            .await
            .unwrap();
        s.repeal_publication(&approver, ids[1], today, Some("已被新办法替代"))
            .await
            .unwrap();
        let view = drafter.view();
        gongkai_testkit::assert_batch_agrees(s, std::slice::from_ref(&view), 2024..=2026, label)
            .await;
        let r = s.compute_year_report(&view, year).await.unwrap();
        let v = |row: &str, field: &str| {
            r.report
                .proactive_value(row, field)
                .and_then(|v| v.as_int())
                .unwrap()
        };
        assert_eq!(v("normative_documents", "issued"), 1, "{label}");
        assert_eq!(v("normative_documents", "repealed"), 1, "{label}");
        assert_eq!(v("normative_documents", "in_force"), 1, "{label}");
        assert_eq!(v("rules", "issued"), 1, "{label}");
        assert_eq!(v("rules", "in_force"), 1, "{label}");
        let text = &r.report.narrative.sections[0];
        assert!(
            text.contains("在政府网站主动公开政府信息3条"),
            "{label}: {text}"
        );
        assert!(
            text.contains("通过政务微信公众号公开信息1条"),
            "{label}: {text}"
        );
        // Last year: the 2020 document was in force and nothing was made.
        let last = s.compute_year_report(&view, year - 1).await.unwrap();
        assert_eq!(
            last.report
                .proactive_value("normative_documents", "in_force")
                .and_then(|v| v.as_int()),
            Some(1)
        );
    }
}

async fn answered_application(
    s: &Store,
    handler: &gongkai_domain::AgencyHandler,
    calendar: &gongkai_calendar::Calendar,
    received_on: time::Date,
    answered_on: Option<time::Date>,
) -> gongkai_store::Application {
    let first = "11010519491231002";
    let app = s
        .create_application(
            handler,
            calendar,
            NewApplication {
                applicant: ApplicantDraft {
                    kind: Some(ApplicantKind::NaturalPerson),
                    name: "王五".into(),
                    id_number: Some(format!(
                        "{first}{}",
                        id_check_char(first.as_bytes()).unwrap()
                    )),
                    phone: Some("13812345678".into()),
                    ..Default::default()
                },
                channel: Channel::InPerson,
                received_on,
                request: "某小区改造资金使用情况".into(),
            },
        )
        .await
        .unwrap();
    match answered_on {
        Some(on) => s
            .add_application_event(
                handler,
                calendar,
                app.id,
                NewEvent {
                    event: ApplicationEvent::new(on, EventKind::Answered),
                    outcome: Some("withheld.third_party_rights".into()),
                    reason: None,
                },
            )
            .await
            .unwrap(),
        None => app,
    }
}

/// A 结果纠正 on a linked, answered application reopens it in the same
/// transaction: a `reopened` event, open status, a new 20-working-day
/// deadline from the decision, an audit entry; the handler's queue shows
/// it and the normal answer path closes it again. The case result is then
/// fixed. An open application is not reopened.
#[tokio::test]
async fn a_corrected_case_reopens_the_application() {
    use gongkai_domain::clock::{EventKindName, Status};
    use gongkai_store::ApplicationFilter;
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let tree = s.agency_tree().await.unwrap();
        let calendar = s.calendar().await.unwrap();
        let gulou = seeded.gulou.id;
        let approver = principal(s, &seeded, "gulou", Role::Approver).await;
        let editor = records_editor_of(&approver, &tree, gulou).unwrap();
        let handler = ConsoleOperator::local().handler_of(gulou);
        let app = answered_application(
            s,
            &handler,
            &calendar,
            date!(2025 - 03 - 03),
            Some(date!(2025 - 03 - 20)),
        )
        .await;
        assert_eq!(app.status, Status::AnsweredOnTime, "{label}");
        let before = entries(s).await;
        let case = s
            .add_appeal_case(
                &editor,
                &calendar,
                NewAppealCase {
                    kind: AppealKind::Reconsideration,
                    application: Some(app.tracking_code.clone()),
                    filed_on: date!(2025 - 04 - 01),
                    decided: Some((AppealResult::Corrected, date!(2025 - 06 - 03))),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        let due = calendar
            .add_working_days(date!(2025 - 06 - 03), 20)
            .unwrap();
        assert_eq!(
            case.reanswer_due_on.as_deref(),
            Some(due.to_string().as_str()),
            "{label}"
        );
        assert_eq!(
            entries(s).await,
            before + 2,
            "{label}: case and reopen audited"
        );
        let reopened = s
            .application(&handler.reader(), &calendar, app.id)
            .await
            .unwrap();
        assert!(reopened.status.is_open(), "{label}: {:?}", reopened.status);
        assert_eq!(reopened.due_on, Some(due));
        let last = reopened.events.last().unwrap();
        assert_eq!(last.event.kind.kind_name(), EventKindName::Reopened);
        assert_eq!(last.event.on, date!(2025 - 06 - 03));
        // The reopening is in the stored summary too.
        gongkai_testkit::assert_figures_agree(s, &editor.view(), 2024..=2026, label).await;
        assert!(
            last.reason.as_deref().unwrap_or("").contains("结果纠正"),
            "{:?}",
            last.reason
        );
        let queue = s
            .applications(&handler.reader(), &calendar, &ApplicationFilter::default())
            .await
            .unwrap();
        assert!(
            queue.iter().any(|a| a.id == app.id && a.status.is_open()),
            "{label}: in the handler's queue"
        );
        // The case result is fixed now.
        for e in [
            s.decide_appeal_case(&editor, &calendar, case.id, None)
                .await
                .unwrap_err(),
            s.delete_appeal_case(&editor, case.id).await.unwrap_err(),
        ] {
            assert_eq!(code_of(&e), "case_reopened_application", "{label}: {e}");
        }
        // Handlers cannot reopen by hand.
        let e = s
            .add_application_event(
                &handler,
                &calendar,
                app.id,
                NewEvent {
                    event: ApplicationEvent::new(date!(2025 - 06 - 04), EventKind::Reopened),
                    outcome: None,
                    reason: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code_of(&e), "invalid_event", "{label}");
        // The fresh answer goes through the normal path.
        let answered = s
            .add_application_event(
                &handler,
                &calendar,
                app.id,
                NewEvent {
                    event: ApplicationEvent::new(date!(2025 - 06 - 20), EventKind::Answered),
                    outcome: Some("disclosed".into()),
                    reason: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(answered.status, Status::AnsweredOnTime, "{label}");
        // Table 三 counts the application once, in the year of its first answer.
        let r = s.compute_year_report(&editor.view(), 2025).await.unwrap();
        assert_eq!(r.report.application_row("new").map(|x| x[6]), Some(1));
        assert_eq!(r.report.application_row("total").map(|x| x[6]), Some(1));

        // A 纠正 on a still-open application reopens nothing.
        let open = answered_application(s, &handler, &calendar, date!(2025 - 07 - 01), None).await;
        let case = s
            .add_appeal_case(
                &editor,
                &calendar,
                NewAppealCase {
                    kind: AppealKind::DirectSuit,
                    application: Some(open.tracking_code.clone()),
                    filed_on: date!(2025 - 07 - 10),
                    decided: Some((AppealResult::Corrected, date!(2025 - 07 - 20))),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(case.reanswer_due_on, None, "{label}");
        s.decide_appeal_case(&editor, &calendar, case.id, None)
            .await
            .unwrap();
    }
}

/// Section 六 states the 信息处理费 actually collected in the year: the
/// fee notices' amounts, counted in the year they were paid.
#[tokio::test]
async fn the_narrative_states_the_fees_collected() {
    use gongkai_domain::details::DetailsInput;
    for db in every_backend().await {
        let s = &db.store;
        let label = db.label;
        let seeded = seed(s).await;
        let calendar = s.calendar().await.unwrap();
        let gulou = seeded.gulou.id;
        let handler = ConsoleOperator::local().handler_of(gulou);
        let view = handler.view();
        let app = answered_application(s, &handler, &calendar, date!(2025 - 03 - 03), None).await;
        s.add_application_event_with(
            &handler,
            &calendar,
            app.id,
            NewEvent {
                event: ApplicationEvent::new(date!(2025 - 03 - 10), EventKind::FeeNotice),
                outcome: None,
                reason: None,
            },
            Some(&DetailsInput {
                fee_method: Some("per_page".into()),
                fee_quantity: Some(40),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
        gongkai_testkit::assert_batch_agrees(s, std::slice::from_ref(&view), 2024..=2026, label)
            .await;
        let r = s.compute_year_report(&view, 2025).await.unwrap();
        assert!(
            r.report.narrative.sections[5].contains("未收取信息处理费"),
            "{label}: not paid yet"
        );
        s.add_application_event(
            &handler,
            &calendar,
            app.id,
            NewEvent {
                event: ApplicationEvent::new(date!(2025 - 03 - 14), EventKind::FeePaid),
                outcome: None,
                reason: None,
            },
        )
        .await
        .unwrap();
        assert_eq!(s.processing_fees_collected(&view, 2025).await.unwrap(), 100);
        assert_eq!(s.processing_fees_collected(&view, 2024).await.unwrap(), 0);
        gongkai_testkit::assert_batch_agrees(s, std::slice::from_ref(&view), 2024..=2026, label)
            .await;
        let r = s.compute_year_report(&view, 2025).await.unwrap();
        let six = &r.report.narrative.sections[5];
        assert!(
            six.contains("收取信息处理费100元（0.01万元）"),
            "{label}: {six}"
        );
    }
}
