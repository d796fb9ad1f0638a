//! The applications API (issue 5 §5) in process, on SQLite and PostgreSQL:
//! due dates, the 2025 figures against a hand count, tenancy and who may
//! read applicants, bad input with stable codes and nothing stored.

use axum::http::{Method, StatusCode};
use gongkai_domain::applicant::{credit_code_check_char, id_check_char};
use gongkai_domain::Role;
use gongkai_testkit::{every_backend, TestApp};
use serde_json::{json, Value};

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

fn id_number() -> String {
    let first = "11010519491231002";
    format!("{first}{}", id_check_char(first.as_bytes()).unwrap())
}

fn credit_code() -> String {
    let first = "91350100M00010000";
    format!(
        "{first}{}",
        credit_code_check_char(first.as_bytes()).unwrap()
    )
}

fn person(received_on: &str) -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "张三", "id_number": id_number(), "phone": "13812345678"},
        "channel": "in_person",
        "received_on": received_on,
        "request": "本街道2024年老旧小区改造资金使用情况"
    })
}

fn organization(kind: &str, received_on: &str) -> Value {
    json!({
        "applicant": {"kind": kind, "name": "某某有限公司", "credit_code": credit_code(), "email": "office@example.com"},
        "channel": "online",
        "received_on": received_on,
        "request": "某项目环境影响评价批复"
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .api(
            Method::POST,
            "/api/v1/agencies/gulou/applications",
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

async fn event(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/events"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

#[tokio::test]
async fn due_dates_and_the_2025_figures_equal_a_hand_count() {
    for app in apps().await {
        let handler = app.token("gulou", Role::Handler).await;
        let approver = app.token("gulou", Role::Approver).await;

        // A: natural person, answered in full.
        let a = create(&app, &handler, person("2025-03-03")).await;
        assert_eq!(
            a["due_on"], "2025-03-31",
            "20 working days after 2025-03-03"
        );
        assert_eq!(a["tracking_code"].as_str().unwrap().len(), 12);
        assert_eq!(a["status"], "overdue");
        assert_eq!(a["events"][0]["kind"], "received");
        assert!(a["explanation"].as_array().unwrap().len() >= 2, "{a}");
        let id_a = a["id"].as_i64().unwrap();
        let done = event(
            &app,
            &handler,
            id_a,
            json!({"kind": "answered", "on": "2025-03-20", "outcome": "disclosed"}),
        )
        .await;
        assert_eq!(done["status"], "answered_on_time");
        assert_eq!(done["outcome"], "disclosed");

        // B: commercial company, third party consulted, withheld for third-party rights.
        let b = create(&app, &handler, organization("commercial", "2025-04-01")).await;
        assert_eq!(
            b["due_on"], "2025-04-29",
            "清明 2025-04-04 is off; Sunday 2025-04-27 is a make-up working day"
        );
        let id_b = b["id"].as_i64().unwrap();
        event(
            &app,
            &handler,
            id_b,
            json!({"kind": "consultation_started", "on": "2025-04-07", "party": "third_party"}),
        )
        .await;
        let ended = event(
            &app,
            &handler,
            id_b,
            json!({"kind": "consultation_ended", "on": "2025-04-14"}),
        )
        .await;
        assert!(
            ended["due_on"].as_str().unwrap() > "2025-04-29",
            "consultation time is not counted: {ended}"
        );
        event(&app, &handler, id_b, json!({"kind": "answered", "on": "2025-04-25", "outcome": "withheld.third_party_rights", "reason": "涉及商业秘密"})).await;

        // C: natural person, 补正 never done: deemed abandoned.
        let c = create(&app, &handler, person("2025-05-06")).await;
        let id_c = c["id"].as_i64().unwrap();
        let waiting = event(
            &app,
            &handler,
            id_c,
            json!({"kind": "correction_requested", "on": "2025-05-08"}),
        )
        .await;
        assert_eq!(waiting["status"], "awaiting_correction");
        assert!(waiting["due_on"].is_null());
        event(
            &app,
            &handler,
            id_c,
            json!({"kind": "correction_expired", "on": "2025-05-30"}),
        )
        .await;

        // D: natural person, withdrawn.
        let d = create(&app, &handler, person("2025-06-03")).await;
        event(
            &app,
            &handler,
            d["id"].as_i64().unwrap(),
            json!({"kind": "withdrawn", "on": "2025-06-05"}),
        )
        .await;

        // F: natural person, extended by the approver (the approver defaults to the caller), not held.
        let f = create(&app, &handler, person("2025-07-01")).await;
        let id_f = f["id"].as_i64().unwrap();
        let due_before = f["due_on"].as_str().unwrap().to_string();
        let extended = event(
            &app,
            &approver,
            id_f,
            json!({"kind": "extension_approved", "on": "2025-07-25", "days": 10}),
        )
        .await;
        assert!(extended["due_on"].as_str().unwrap() > due_before.as_str());
        assert!(
            !extended["events"][1]["approver"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{extended}"
        );
        event(
            &app,
            &handler,
            id_f,
            json!({"kind": "answered", "on": "2025-08-08", "outcome": "unavailable.not_held"}),
        )
        .await;

        // E: a research institute in late December: carried over.
        create(&app, &handler, organization("research", "2025-12-22")).await;
        // G: 2024, answered in 2024: not in the 2025 table at all.
        let g = create(&app, &handler, person("2024-11-04")).await;
        event(
            &app,
            &handler,
            g["id"].as_i64().unwrap(),
            json!({"kind": "answered", "on": "2024-11-20", "outcome": "disclosed"}),
        )
        .await;

        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/2025",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let report = res.json();
        assert_eq!(report["year"], 2025);
        assert_eq!(report["format"], "2021");
        assert_eq!(report["agency"], "测试区鼓楼街道办事处");
        let rows = &report["applications"]["rows"];
        let row = |id: &str| -> Vec<i64> {
            rows[id]
                .as_array()
                .unwrap_or_else(|| panic!("row {id}: {rows}"))
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect()
        };
        // Hand count. Columns: natural person, commercial, research, public interest, legal service, other, total.
        assert_eq!(row("new"), vec![4, 1, 1, 0, 0, 0, 6]);
        assert_eq!(row("carried_in"), vec![0; 7]);
        assert_eq!(row("disclosed"), vec![1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            row("withheld.third_party_rights"),
            vec![0, 1, 0, 0, 0, 0, 1]
        );
        assert_eq!(row("unavailable.not_held"), vec![1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(row("other.correction_overdue"), vec![1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(row("other.other"), vec![1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(row("partly_disclosed"), vec![0; 7]);
        assert_eq!(row("total"), vec![4, 1, 0, 0, 0, 0, 5]);
        assert_eq!(row("carried_out"), vec![0, 0, 1, 0, 0, 0, 1]);
        // 2024: G is new and answered; nothing carried out.
        let r2024 = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/2024",
                Some(&handler),
                None,
            )
            .await
            .json();
        assert_eq!(r2024["applications"]["rows"]["new"][6], 1);
        assert_eq!(r2024["applications"]["rows"]["carried_out"][6], 0);
        // A drafter may read the figures (no personal data); the sibling may not.
        let drafter = app.token("gulou", Role::Drafter).await;
        assert_eq!(
            app.api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/2025",
                Some(&drafter),
                None
            )
            .await
            .status,
            StatusCode::OK
        );
        let sib = app.token("sibling", Role::Admin).await;
        assert_eq!(
            app.api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/2025",
                Some(&sib),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/2025",
                None,
                None
            )
            .await
            .status,
            StatusCode::UNAUTHORIZED
        );
        let bad_year = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/reports/1999",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(bad_year.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad_year.json()["error"]["code"], "invalid_input");

        // The list: masked applicants, filters.
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/applications?from=2025-01-01&to=2025-12-31",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let list = list.json();
        assert_eq!(list.as_array().unwrap().len(), 6);
        assert!(
            !list.to_string().contains("13812345678") && !list.to_string().contains(&id_number()),
            "{list}"
        );
        assert!(list.to_string().contains("138****5678"));
        let open = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/applications?status=overdue",
                Some(&handler),
                None,
            )
            .await
            .json();
        assert_eq!(
            open.as_array().unwrap().len(),
            1,
            "only E is still open: {open}"
        );
        let bad = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/applications?status=lost",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("status"));
        let bad = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/applications?from=2025-13-01",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(bad.json()["error"]["code"], "invalid_input");
    }
}

#[tokio::test]
async fn tenancy_and_who_reads_applicants() {
    for app in apps().await {
        let handler = app.token("gulou", Role::Handler).await;
        let a = create(&app, &handler, person("2025-03-03")).await;
        let id = a["id"].as_i64().unwrap();
        let path = format!("/api/v1/applications/{id}");
        let events = format!("/api/v1/applications/{id}/events");
        let withdraw = json!({"kind": "withdrawn", "on": "2025-03-05"});

        // Readers: gulou's handler, approver, admin and supervisor; the district's supervisor and admin.
        for (code, role) in [
            ("gulou", Role::Handler),
            ("gulou", Role::Approver),
            ("gulou", Role::Admin),
            ("gulou", Role::Supervisor),
            ("district", Role::Supervisor),
            ("district", Role::Admin),
        ] {
            let t = app.token(code, role).await;
            let res = app.api(Method::GET, &path, Some(&t), None).await;
            assert_eq!(res.status, StatusCode::OK, "{code} {role:?}: {}", res.body);
            assert_eq!(res.json()["applicant"]["id_number"], id_number());
            let list = app
                .api(
                    Method::GET,
                    "/api/v1/agencies/gulou/applications",
                    Some(&t),
                    None,
                )
                .await;
            assert_eq!(list.status, StatusCode::OK, "{code} {role:?}");
        }
        // Drafters and reviewers of gulou are staff but never see applicants.
        for role in [Role::Drafter, Role::Reviewer] {
            let t = app.token("gulou", role).await;
            for p in [path.as_str(), "/api/v1/agencies/gulou/applications"] {
                let res = app.api(Method::GET, p, Some(&t), None).await;
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?} {p}");
                assert!(!res.body.contains("张三"));
            }
            let res = app
                .api(Method::POST, &events, Some(&t), Some(withdraw.clone()))
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/agencies/gulou/applications",
                    Some(&t),
                    Some(person("2025-03-03")),
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{role:?}");
        }
        // Supervisors read but do not handle.
        for (code, role) in [("gulou", Role::Supervisor), ("district", Role::Supervisor)] {
            let t = app.token(code, role).await;
            let res = app
                .api(Method::POST, &events, Some(&t), Some(withdraw.clone()))
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{code} {role:?}");
        }
        // Every role of the sibling agency: the application does not exist for them.
        for role in [
            Role::Admin,
            Role::Drafter,
            Role::Reviewer,
            Role::Approver,
            Role::Handler,
            Role::Supervisor,
        ] {
            let t = app.token("sibling", role).await;
            let res = app.api(Method::GET, &path, Some(&t), None).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "sibling {role:?}");
            assert!(!res.body.contains("张三"));
            let res = app
                .api(Method::POST, &events, Some(&t), Some(withdraw.clone()))
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "sibling {role:?}");
            let res = app
                .api(
                    Method::GET,
                    "/api/v1/agencies/gulou/applications",
                    Some(&t),
                    None,
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "sibling {role:?}");
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/agencies/gulou/applications",
                    Some(&t),
                    Some(person("2025-03-03")),
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "sibling {role:?}");
        }
        // Their own list is empty.
        let sib = app.token("sibling", Role::Handler).await;
        let own = app
            .api(
                Method::GET,
                "/api/v1/agencies/sibling/applications",
                Some(&sib),
                None,
            )
            .await
            .json();
        assert_eq!(own, json!([]));
        // Anonymous: 401 everywhere.
        for (m, p, body) in [
            (Method::GET, path.clone(), None),
            (Method::POST, events.clone(), Some(withdraw.clone())),
            (
                Method::GET,
                "/api/v1/agencies/gulou/applications".to_string(),
                None,
            ),
            (
                Method::POST,
                "/api/v1/agencies/gulou/applications".to_string(),
                Some(person("2025-03-03")),
            ),
            (
                Method::GET,
                "/api/v1/agencies/gulou/reports/2025".to_string(),
                None,
            ),
        ] {
            let res = app.api(m.clone(), &p, None, body).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{m} {p}");
            assert_eq!(res.json()["error"]["code"], "unauthorized");
        }
        // Unknown ids and agencies.
        let res = app
            .api(
                Method::GET,
                "/api/v1/applications/999999",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app
            .api(
                Method::GET,
                "/api/v1/applications/abc",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/nope/applications",
                Some(&handler),
                None,
            )
            .await;
        assert_eq!(res.json()["error"]["code"], "agency_not_found");
        // The admin above handles too.
        let district_admin = app.token("district", Role::Admin).await;
        let res = app
            .api(
                Method::POST,
                &events,
                Some(&district_admin),
                Some(withdraw.clone()),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["status"], "withdrawn");
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_stable_codes_and_nothing_stored() {
    for app in apps().await {
        let handler = app.token("gulou", Role::Handler).await;
        let post = |body: Value| {
            let handler = handler.clone();
            let app = &app;
            async move {
                app.api(
                    Method::POST,
                    "/api/v1/agencies/gulou/applications",
                    Some(&handler),
                    Some(body),
                )
                .await
            }
        };
        let rows = || async { app.store.count_rows("applications").await.unwrap() };
        let audit = || async { app.store.count_rows("audit_log").await.unwrap() };
        let (rows0, audit0) = (rows().await, audit().await);

        let expect = |res: gongkai_testkit::TestResponse, code: &str, needle: &str| {
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
            let j = res.json();
            assert_eq!(j["error"]["code"], code, "{j}");
            let msg = j["error"]["message"].as_str().unwrap().to_string();
            assert!(msg.contains(needle), "{msg} should name {needle}");
        };

        // Invalid ID checksum, invalid credit code checksum.
        let mut b = person("2025-03-03");
        let id = id_number();
        let wrong = if id.ends_with('0') { "1" } else { "0" };
        b["applicant"]["id_number"] = json!(format!("{}{wrong}", &id[..17]));
        expect(post(b).await, "invalid_input", "applicant.id_number");
        let mut b = organization("commercial", "2025-03-03");
        let cc = credit_code();
        let wrong = if cc.ends_with('0') { "1" } else { "0" };
        b["applicant"]["credit_code"] = json!(format!("{}{wrong}", &cc[..17]));
        expect(post(b).await, "invalid_input", "applicant.credit_code");
        // Receipt date in the future, malformed, unknown channel or kind, empty request.
        expect(
            post(person("2999-01-01")).await,
            "invalid_input",
            "received_on",
        );
        expect(
            post(person("2025-02-30")).await,
            "invalid_input",
            "received_on",
        );
        let mut b = person("2025-03-03");
        b["channel"] = json!("pigeon");
        expect(post(b).await, "invalid_input", "channel");
        let mut b = person("2025-03-03");
        b["applicant"]["kind"] = json!("alien");
        expect(post(b).await, "invalid_input", "applicant.kind");
        let mut b = person("2025-03-03");
        b["request"] = json!(" ");
        expect(post(b).await, "invalid_input", "request");
        let res = post(json!({"channel": "online"})).await;
        assert_eq!(res.json()["error"]["code"], "invalid_json");
        assert_eq!(
            (rows().await, audit().await),
            (rows0, audit0),
            "nothing stored"
        );

        // Events.
        let a = create(&app, &handler, person("2025-03-03")).await;
        let id = a["id"].as_i64().unwrap();
        let path = format!("/api/v1/applications/{id}/events");
        let send = |body: Value| {
            let handler = handler.clone();
            let path = path.clone();
            let app = &app;
            async move {
                app.api(Method::POST, &path, Some(&handler), Some(body))
                    .await
            }
        };
        let events0 = app.store.count_rows("application_events").await.unwrap();
        let audit1 = audit().await;
        expect(
            send(json!({"kind": "answered", "on": "2025-02-01", "outcome": "disclosed"})).await,
            "invalid_event",
            "早于",
        );
        expect(
            send(
                json!({"kind": "answered", "on": "2025-03-10", "outcome": "withheld.secret_sauce"}),
            )
            .await,
            "unknown_outcome",
            "outcome",
        );
        expect(
            send(json!({"kind": "answered", "on": "2025-03-10"})).await,
            "invalid_input",
            "outcome",
        );
        expect(
            send(json!({"kind": "withdrawn", "on": "2025-03-10", "outcome": "disclosed"})).await,
            "invalid_input",
            "outcome",
        );
        expect(send(json!({"kind": "extension_approved", "on": "2025-03-10", "days": 25, "approver": "李主任"})).await, "invalid_event", "20");
        expect(
            send(json!({"kind": "extension_approved", "on": "2025-03-10", "days": 10})).await,
            "invalid_event",
            "批准人",
        );
        expect(
            send(json!({"kind": "extension_approved", "on": "2025-03-10", "approver": "李主任"}))
                .await,
            "invalid_input",
            "days",
        );
        expect(
            send(json!({"kind": "teleported", "on": "2025-03-10"})).await,
            "invalid_input",
            "kind",
        );
        expect(
            send(json!({"kind": "received", "on": "2025-03-10"})).await,
            "invalid_event",
            "收到申请",
        );
        expect(
            send(json!({"kind": "fee_paid", "on": "2025-03-10"})).await,
            "invalid_event",
            "收费通知",
        );
        expect(
            send(json!({"kind": "correction_received", "on": "2999-03-10"})).await,
            "invalid_input",
            "on",
        );
        expect(
            send(json!({"kind": "consultation_started", "on": "2025-03-10", "party": "everyone"}))
                .await,
            "invalid_input",
            "party",
        );
        // A second 补正.
        event(
            &app,
            &handler,
            id,
            json!({"kind": "correction_requested", "on": "2025-03-05"}),
        )
        .await;
        let events1 = app.store.count_rows("application_events").await.unwrap();
        assert_eq!(events1, events0 + 1);
        expect(
            send(json!({"kind": "correction_requested", "on": "2025-03-06"})).await,
            "invalid_event",
            "补正",
        );
        assert_eq!(
            app.store.count_rows("application_events").await.unwrap(),
            events1,
            "nothing stored"
        );
        assert_eq!(audit().await, audit1 + 1);
        let got = app
            .api(
                Method::GET,
                &format!("/api/v1/applications/{id}"),
                Some(&handler),
                None,
            )
            .await
            .json();
        assert_eq!(got["events"].as_array().unwrap().len(), 2);
        assert_eq!(got["status"], "awaiting_correction");
    }
}
