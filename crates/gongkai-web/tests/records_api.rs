//! The records API of the annual report (issue 7 §1) in process, on SQLite
//! and PostgreSQL: Art. 20 statistics, cases, proposals, roster and
//! trainings; the role matrix as on the pages, bad input with the field
//! named and nothing stored, a locked year refused with `409 year_locked`,
//! and a 结果纠正 reopening the linked application.

use axum::http::{Method, StatusCode};
use gongkai_domain::applicant::{id_check_char, ApplicantDraft, ApplicantKind};
use gongkai_domain::clock::{ApplicationEvent, Channel, EventKind};
use gongkai_domain::{ConsoleOperator, Role};
use gongkai_store::{NewApplication, NewEvent};
use gongkai_testkit::{every_backend, TestApp};
use serde_json::{json, Value};
use time::macros::date;

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

async fn call(
    app: &TestApp,
    method: Method,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let res = app.api(method, path, token, body).await;
    let v = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, v)
}

const STATS: &str = "/api/v1/agencies/gulou/records/2025/statistics";

#[tokio::test]
async fn statistics_follow_the_roles_and_the_lock() {
    for app in apps().await {
        let label = app.db.label;
        let drafter = app.token("gulou", Role::Drafter).await;
        let approver = app.token("gulou", Role::Approver).await;
        let sibling = app.token("sibling", Role::Approver).await;
        let supervisor = app.token("district", Role::Supervisor).await;

        let (s, _) = call(&app, Method::GET, None, STATS, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{label}");
        let (s, v) = call(&app, Method::GET, Some(&drafter), STATS, None).await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["entered"], false);
        assert_eq!(v["administrative_fees_wan_yuan"], "0");
        let (s, _) = call(&app, Method::GET, Some(&supervisor), STATS, None).await;
        assert_eq!(s, StatusCode::OK, "{label}: supervisors above read");
        let (s, v) = call(&app, Method::GET, Some(&sibling), STATS, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}: {v}");

        let good = json!({"licensing": 12, "penalty": 2, "enforcement": 1, "administrative_fees_wan_yuan": "3.5"});
        let (s, v) = call(&app, Method::PUT, Some(&drafter), STATS, Some(good.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}: {v}");
        assert_eq!(v["error"]["code"], "forbidden");
        let mut bad = good.clone();
        bad["administrative_fees_wan_yuan"] = json!("-1");
        let (s, v) = call(&app, Method::PUT, Some(&approver), STATS, Some(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert_eq!(v["error"]["code"], "invalid_input");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("administrative_fees_wan_yuan"),
            "{message}"
        );
        let (_, v) = call(&app, Method::GET, Some(&approver), STATS, None).await;
        assert_eq!(v["entered"], false, "{label}: nothing stored");
        let mut negative = good.clone();
        negative["licensing"] = json!(-3);
        let (s, _) = call(&app, Method::PUT, Some(&approver), STATS, Some(negative)).await;
        assert!(s.is_client_error(), "{label}: a negative count is refused");

        let (s, v) = call(
            &app,
            Method::PUT,
            Some(&approver),
            STATS,
            Some(good.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        let (_, v) = call(&app, Method::GET, Some(&drafter), STATS, None).await;
        assert_eq!(v["entered"], true);
        assert_eq!(v["licensing"], 12);
        assert_eq!(v["administrative_fees_wan_yuan"], "3.5");

        // Submitting 2025's report locks the year: 409 year_locked.
        let editor = ConsoleOperator::local().records_editor_of(app.seeded.gulou.id);
        app.store.submit_report(&editor, 2025).await.unwrap();
        let mut changed = good.clone();
        changed["licensing"] = json!(13);
        let (s, v) = call(&app, Method::PUT, Some(&approver), STATS, Some(changed)).await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {v}");
        assert_eq!(v["error"]["code"], "year_locked");
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            "/api/v1/agencies/gulou/trainings",
            Some(json!({"held_on": "2025-05-10", "topic": "条例解读", "attendances": 60})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {v}");
        assert_eq!(v["error"]["code"], "year_locked");
        let (_, v) = call(&app, Method::GET, Some(&drafter), STATS, None).await;
        assert_eq!(v["licensing"], 12, "{label}: unchanged");
        // Other years are open.
        let (s, _) = call(
            &app,
            Method::PUT,
            Some(&approver),
            "/api/v1/agencies/gulou/records/2024/statistics",
            Some(good),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}");
        let (s, v) = call(
            &app,
            Method::GET,
            Some(&approver),
            "/api/v1/agencies/gulou/records/1999/statistics",
            None,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
    }
}

#[tokio::test]
async fn cases_proposals_roster_and_trainings() {
    for app in apps().await {
        let label = app.db.label;
        let drafter = app.token("gulou", Role::Drafter).await;
        let approver = app.token("gulou", Role::Approver).await;
        let cases = "/api/v1/agencies/gulou/cases";

        // An answered application, then a 纠正 case about it: reopened.
        let gulou = app.seeded.gulou.id;
        let handler = ConsoleOperator::local().handler_of(gulou);
        let calendar = app.store.calendar().await.unwrap();
        let first = "11010519491231002";
        let application = app
            .store
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
        app.store
            .add_application_event(
                &handler,
                &calendar,
                application.id,
                NewEvent {
                    event: ApplicationEvent::new(date!(2025 - 03 - 20), EventKind::Answered),
                    outcome: Some("withheld.third_party_rights".into()),
                    reason: None,
                },
            )
            .await
            .unwrap();

        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            cases,
            Some(json!({"kind": "appeal", "filed_on": "2025-04-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("kind"));
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            cases,
            Some(
                json!({"kind": "reconsideration", "filed_on": "2025-04-01", "result": "corrected"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("decided_on"));
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&drafter),
            cases,
            Some(json!({"kind": "reconsideration", "filed_on": "2025-04-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{label}: {v}");
        let (s, pending) = call(
            &app,
            Method::POST,
            Some(&approver),
            cases,
            Some(json!({"kind": "reconsideration", "application": application.tracking_code, "filed_on": "2025-04-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{label}: {pending}");
        assert_eq!(pending["result"], Value::Null);
        let id = pending["id"].as_i64().unwrap();
        let (s, v) = call(
            &app,
            Method::PUT,
            Some(&approver),
            &format!("{cases}/{id}"),
            Some(json!({"result": "corrected", "decided_on": "2025-06-03"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["result"], "corrected");
        assert!(v["reanswer_due_on"].is_string(), "{label}: reopened {v}");
        let (s, v) = call(
            &app,
            Method::PUT,
            Some(&approver),
            &format!("{cases}/{id}"),
            Some(json!({"result": null, "decided_on": null})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {v}");
        assert_eq!(v["error"]["code"], "case_reopened_application");
        let (s, v) = call(
            &app,
            Method::GET,
            Some(&approver),
            &format!("/api/v1/applications/{}", application.id),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        let events = v["events"].as_array().unwrap();
        assert_eq!(events.last().unwrap()["kind"], "reopened", "{v}");
        let (s, list) = call(&app, Method::GET, Some(&drafter), cases, None).await;
        assert_eq!(s, StatusCode::OK, "{label}");
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["application"], application.tracking_code.as_str());

        // Proposals.
        let proposals = "/api/v1/agencies/gulou/records/2025/proposals";
        let (s, v) = call(
            &app,
            Method::PUT,
            Some(&approver),
            proposals,
            Some(json!({"kind": "npc", "received": 3, "handled": 2, "results_published": 3})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("公开办理结果"));
        let (s, v) = call(
            &app,
            Method::PUT,
            Some(&approver),
            proposals,
            Some(json!({"kind": "npc", "received": 3, "handled": 3, "results_published": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        assert_eq!(v[0]["kind_label"], "人大代表建议");
        let (_, v) = call(&app, Method::GET, Some(&drafter), proposals, None).await;
        assert_eq!(v[0]["results_published"], 2);

        // Roster.
        let roster = "/api/v1/agencies/gulou/roster";
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            roster,
            Some(json!({"name": " ", "since_on": "2024-01-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("姓名"));
        let (s, officer) = call(
            &app,
            Method::POST,
            Some(&approver),
            roster,
            Some(json!({"name": "李四", "unit": "党政办", "since_on": "2024-01-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{label}: {officer}");
        let oid = officer["id"].as_i64().unwrap();
        let (s, _) = call(
            &app,
            Method::POST,
            Some(&approver),
            &format!("{roster}/{oid}/left"),
            Some(json!({"left_on": "2023-01-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: before since_on");
        let (s, _) = call(
            &app,
            Method::POST,
            Some(&approver),
            &format!("{roster}/{oid}/left"),
            Some(json!({"left_on": "2025-12-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{label}");
        let (_, v) = call(&app, Method::GET, Some(&drafter), roster, None).await;
        assert_eq!(v[0]["left_on"], "2025-12-01");

        // Trainings.
        let trainings = "/api/v1/agencies/gulou/trainings";
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            trainings,
            Some(json!({"held_on": "2025-13-01", "topic": "条例解读", "attendances": 60})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("held_on"));
        let (s, v) = call(
            &app,
            Method::POST,
            Some(&approver),
            trainings,
            Some(json!({"held_on": "2025-05-10", "topic": "条例解读", "attendances": 60})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{label}: {v}");
        let (_, v) = call(
            &app,
            Method::GET,
            Some(&drafter),
            &format!("{trainings}?year=2025"),
            None,
        )
        .await;
        assert_eq!(v.as_array().unwrap().len(), 1, "{label}");
        let (_, v) = call(
            &app,
            Method::GET,
            Some(&drafter),
            &format!("{trainings}?year=2024"),
            None,
        )
        .await;
        assert_eq!(v.as_array().unwrap().len(), 0, "{label}");
    }
}
