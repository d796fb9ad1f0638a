//! The annual report end to end in process (issue 7), on SQLite and
//! PostgreSQL: records entered on the staff page, submit → return → submit
//! → accept → publish by role, the public API (401 before, the published
//! JSON after, equal to the computed report), the public page and its
//! downloads, the year lock and the audited unlock, version 2 with a diff.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::access::staff_view_of;
use gongkai_domain::Role;
use gongkai_testkit::app::Login;
use gongkai_testkit::{every_backend, TestApp, TestResponse};

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

const PAGE: &str = "/admin/agencies/gulou/reports/2025";

async fn act(app: &TestApp, login: &Login, action: &str, fields: &[(&str, &str)]) -> TestResponse {
    app.post_csrf(&format!("{PAGE}/{action}"), login, fields)
        .await
}

fn ok(res: &TestResponse) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn upload(app: &TestApp, login: &Login, name: &str, content: &[u8]) -> TestResponse {
    let boundary = "XgongkaiBoundary7";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n",
            login.csrf
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{PAGE}/import"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, &login.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

async fn api_report(app: &TestApp, token: Option<&str>) -> TestResponse {
    app.api(
        Method::GET,
        "/api/v1/agencies/gulou/reports/2025",
        token,
        None,
    )
    .await
}

#[tokio::test]
async fn records_to_published_report_and_its_lock() {
    for app in apps().await {
        let label = app.db.label;
        let approver = app.login_as("gulou", Role::Approver).await;
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let supervisor = app.login_as("district", Role::Supervisor).await;
        let admin = app.login_as("gulou", Role::Admin).await;

        // Before publication: anonymous 401, staff see the computed draft.
        let anon = api_report(&app, None).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{label}");
        assert_eq!(anon.json()["error"]["code"], "unauthorized");
        let token = app.token("gulou", Role::Drafter).await;
        let draft = api_report(&app, Some(&token)).await;
        assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
        assert_eq!(draft.json()["appeals"]["reconsideration"]["total"], 0);
        assert!(draft.json()["narrative"]["sections"][0]
            .as_str()
            .unwrap()
            .contains("（一）主动公开"));

        // The staff page shows the official labels; a drafter sees no forms.
        let page = app.get(PAGE, Some(&drafter)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("本年制发件数"));
        assert!(page.body.contains("2026-01-31"));
        assert!(!page.body.contains("报送上级机关审核"));
        let refused = act(&app, &drafter, "statistics", &[("licensing", "5")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{label}");

        let index = app
            .get("/admin/agencies/gulou/reports", Some(&drafter))
            .await;
        assert!(index
            .location()
            .is_some_and(|l| l.starts_with("/admin/agencies/gulou/reports/20")));
        let odd = app
            .get("/admin/agencies/x%0Ay/reports", Some(&drafter))
            .await;
        assert_eq!(odd.status, StatusCode::NOT_FOUND);

        // Records.
        let bad = upload(
            &app,
            &approver,
            "统计.csv",
            "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2025,7,1,0,0.5\n2024,x,0,0,0\n"
                .as_bytes(),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{label}: {}", bad.body);
        assert!(bad.body.contains("第3行第2列（行政许可）"), "{}", bad.body);
        let good = upload(
            &app,
            &approver,
            "统计.csv",
            "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2025,7,1,0,0.5\n".as_bytes(),
        )
        .await;
        ok(&good);
        let bad_fee = act(
            &app,
            &approver,
            "statistics",
            &[("licensing", "8"), ("fees", "1.23456")],
        )
        .await;
        assert_eq!(bad_fee.status, StatusCode::BAD_REQUEST);
        assert!(bad_fee.body.contains("行政事业性收费"), "{}", bad_fee.body);
        ok(&act(
            &app,
            &approver,
            "cases",
            &[
                ("kind", "reconsideration"),
                ("filed_on", "2025-03-01"),
                ("result", "upheld"),
                ("decided_on", "2025-05-01"),
            ],
        )
        .await);
        ok(&act(
            &app,
            &approver,
            "trainings",
            &[
                ("held_on", "2025-04-01"),
                ("topic", "条例培训"),
                ("attendances", "40"),
            ],
        )
        .await);
        ok(&act(
            &app,
            &approver,
            "officers",
            &[("name", "王五"), ("since_on", "2024-06-01")],
        )
        .await);
        ok(&act(
            &app,
            &approver,
            "narrative",
            &[(
                "section4",
                "存在问题：专栏更新不及时。\r\n改进措施：每周检查。",
            )],
        )
        .await);

        // Submit, return with comments, submit again, accept, publish.
        assert_eq!(
            act(&app, &approver, "publish", &[]).await.status,
            StatusCode::BAD_REQUEST
        );
        ok(&act(&app, &approver, "submit", &[]).await);
        let page = app.get(PAGE, Some(&supervisor)).await;
        assert!(
            page.body.contains("审核通过") && page.body.contains("退回修改"),
            "{label}"
        );
        ok(&act(
            &app,
            &supervisor,
            "return",
            &[("comments", "请补充培训情况")],
        )
        .await);
        let page = app.get(PAGE, Some(&approver)).await;
        assert!(page.body.contains("请补充培训情况"));
        ok(&act(&app, &approver, "submit", &[]).await);
        // The agency's own approver cannot accept its own report.
        assert_eq!(
            act(&app, &approver, "accept", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        ok(&act(&app, &supervisor, "accept", &[]).await);
        ok(&act(&app, &approver, "publish", &[]).await);

        // Public: the JSON equals the computed report, without a token.
        let public = api_report(&app, None).await;
        assert_eq!(public.status, StatusCode::OK, "{label}: {}", public.body);
        let tree = app.store.agency_tree().await.unwrap();
        let p = app
            .store
            .principal(app.seeded.user_id("gulou", Role::Approver))
            .await
            .unwrap()
            .unwrap();
        let view = staff_view_of(&p, &tree, app.seeded.gulou.id).unwrap();
        let computed = app.store.compute_year_report(&view, 2025).await.unwrap();
        let expected: serde_json::Value = serde_json::from_str(&computed.to_json()).unwrap();
        assert_eq!(public.json(), expected, "{label}");
        assert_eq!(public.json()["proactive"]["licensing"]["decisions"], 7);
        assert_eq!(
            public.json()["proactive"]["administrative_fees"]["amount_wan_yuan"],
            "0.5"
        );
        assert_eq!(public.json()["appeals"]["reconsideration"]["upheld"], 1);
        assert_eq!(
            public.json()["narrative"]["sections"][4],
            "存在问题：专栏更新不及时。\n改进措施：每周检查。"
        );

        let list = app.get("/gulou/xxgk/reports", None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("/gulou/xxgk/reports/2025"),
            "{}",
            list.body
        );
        assert!(list.body.contains("逾期发布"));
        let page = app.get("/gulou/xxgk/reports/2025", None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for label_text in [
            "测试区鼓楼街道办事处2025年政府信息公开工作年度报告",
            "本年制发件数",
            "行政事业性收费",
            "结果维持",
            "未经复议直接起诉",
            "专栏更新不及时",
            "第1版",
        ] {
            assert!(page.body.contains(label_text), "{label}: {label_text}");
        }
        let docx = app.get("/gulou/xxgk/reports/2025.docx", None).await;
        assert_eq!(docx.status, StatusCode::OK);
        assert!(docx.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("wordprocessingml"));
        let xlsx = app.get("/gulou/xxgk/reports/2025.xlsx", None).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        let pdf = app.get("/gulou/xxgk/reports/2025.pdf", None).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.body.starts_with("%PDF"), "{label}: a PDF");
        assert_eq!(
            app.get("/gulou/xxgk/reports/2024", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/gulou/xxgk/reports/2025.exe", None).await.status,
            StatusCode::NOT_FOUND
        );

        // Locked: changes to 2025's records are refused until an admin unlocks.
        let locked = act(&app, &approver, "statistics", &[("licensing", "9")]).await;
        assert_eq!(locked.status, StatusCode::BAD_REQUEST, "{label}");
        assert!(locked.body.contains("已锁定"), "{}", locked.body);
        assert_eq!(
            act(&app, &approver, "unlock", &[("reason", "x")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "only admins unlock"
        );
        let no_reason = act(&app, &admin, "unlock", &[("reason", " ")]).await;
        assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
        assert!(no_reason.body.contains("解锁理由"));
        ok(&act(&app, &admin, "unlock", &[("reason", "行政许可数量有误")]).await);
        assert!(app
            .get("/gulou/xxgk/reports/2025", None)
            .await
            .body
            .contains("待更新"));
        // The published version still answers while stale.
        assert_eq!(api_report(&app, None).await.json(), expected);
        ok(&act(
            &app,
            &approver,
            "statistics",
            &[("licensing", "9"), ("fees", "0.5")],
        )
        .await);
        ok(&act(&app, &approver, "submit", &[]).await);
        ok(&act(&app, &supervisor, "accept", &[]).await);
        ok(&act(&app, &approver, "publish", &[]).await);
        let v2 = api_report(&app, None).await.json();
        assert_eq!(v2["proactive"]["licensing"]["decisions"], 9, "{label}");
        let page = app.get("/gulou/xxgk/reports/2025", None).await;
        assert!(page.body.contains("第2版"));
        assert!(!page.body.contains("内容待更新"));
        assert!(
            page.body.contains("行变化"),
            "{label}: the diff against version 1"
        );
    }
}

/// Every report action refuses other agencies' staff and the agency's own
/// roles without the capability; an unknown agency is 404.
#[tokio::test]
async fn report_actions_enforce_roles_and_tenancy() {
    for app in apps().await {
        let label = app.db.label;
        let records = [
            "statistics",
            "cases",
            "proposals",
            "officers",
            "trainings",
            "narrative",
            "submit",
            "publish",
            "decide/1",
            "delete-case/1",
            "officer-left/1",
            "delete-training/1",
        ];
        let review = ["return", "accept"];
        for role in Role::ALL {
            let sibling = app.login_as("sibling", role).await;
            for action in records.iter().chain(review.iter()).chain(["unlock"].iter()) {
                let res = act(
                    &app,
                    &sibling,
                    action,
                    &[("comments", "x"), ("reason", "x")],
                )
                .await;
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{label} sibling {role:?} {action}"
                );
            }
            let own = app.login_as("gulou", role).await;
            let editor = matches!(role, Role::Admin | Role::Approver);
            for action in records {
                let res = act(&app, &own, action, &[]).await;
                if editor {
                    assert_ne!(
                        res.status,
                        StatusCode::FORBIDDEN,
                        "{label} gulou {role:?} {action}"
                    );
                } else {
                    assert_eq!(
                        res.status,
                        StatusCode::FORBIDDEN,
                        "{label} gulou {role:?} {action}"
                    );
                }
            }
            // Nobody in gulou reviews gulou's own report.
            for action in review {
                let res = act(&app, &own, action, &[("comments", "x")]).await;
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{label} gulou {role:?} {action}"
                );
            }
            if role != Role::Admin {
                let res = act(&app, &own, "unlock", &[("reason", "x")]).await;
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{label} gulou {role:?} unlock"
                );
            }
        }
        let admin = app.login_as("gulou", Role::Admin).await;
        let res = app
            .post_csrf(
                "/admin/agencies/nowhere/reports/2025/statistics",
                &admin,
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app
            .post_csrf(&format!("{PAGE}/no-such-action"), &admin, &[])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app
            .post_form(
                &format!("{PAGE}/statistics"),
                Some(&admin),
                &[("csrf_token", "wrong")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}: CSRF");
    }
}
