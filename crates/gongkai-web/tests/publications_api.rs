//! The publications API (issue 6 §7) in process, on SQLite and PostgreSQL:
//! the review chain with the PII gate, the role matrix, steps out of order,
//! bad input with stable codes and nothing stored.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::pii::expected_id_check;
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
    let first = "37080219900101123";
    format!("{first}{}", expected_id_check(first).unwrap())
}

fn item(title: &str, number: Option<&str>) -> Value {
    json!({
        "title": title,
        "body": "<p>各社区：现将老旧小区改造实施办法印发给你们。</p>",
        "document_type": "normative_document",
        "category": "art20-01",
        "written_on": "2025-06-03",
        "document_number": number,
        "keywords": ["老旧小区", "改造"],
        "summary": "老旧小区改造实施办法"
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .api(
            Method::POST,
            "/api/v1/agencies/gulou/publications",
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

async fn post(
    app: &TestApp,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let res = app.api(Method::POST, path, token, body).await;
    let v = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, v)
}

async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/publications/{id}/attachments?file_name={}",
            urlencode(name)
        ))
        .header(header::HOST, "localhost")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    let res = app.send(req).await;
    (
        res.status,
        serde_json::from_str(&res.body).unwrap_or(Value::Null),
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn review_chain_with_the_pii_gate() {
    for app in apps().await {
        let label = app.db.label;
        let drafter = app.token("gulou", Role::Drafter).await;
        let reviewer = app.token("gulou", Role::Reviewer).await;
        let approver = app.token("gulou", Role::Approver).await;

        let mut body = item("关于印发实施办法的通知", Some("鼓政发〔2025〕3号"));
        body["body"] = json!(format!(
            "<p>联系人张三，电话13812345678，身份证号{}。</p><script>alert('x')</script><p onclick=\"x()\">正文</p>",
            id_number()
        ));
        let created = create(&app, &drafter, body).await;
        assert_eq!(created["status"], "draft", "{label}");
        let id = created["id"].as_i64().unwrap();
        let index = created["index_number"].as_str().unwrap().to_string();
        assert!(index.ends_with("/2025-00001"), "{index}");

        // Script sanitised; staff see the findings masked.
        let got = app
            .api(
                Method::GET,
                &format!("/api/v1/publications/{id}"),
                Some(&reviewer),
                None,
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.body);
        let got = got.json();
        assert_eq!(got["status"], "draft");
        assert_eq!(got["index_number"], index.as_str());
        let html = got["body"].as_str().unwrap();
        assert!(
            !html.contains("script") && !html.contains("onclick"),
            "{html}"
        );
        assert_eq!(got["findings"].as_array().unwrap().len(), 2, "{got}");

        // Out of order: review or approve a draft.
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "{v}"
        );
        let (s, v) = post(
            &app,
            Some(&approver),
            &format!("/api/v1/publications/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "{v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("保密审查"),
            "{v}"
        );

        let (s, v) = post(
            &app,
            Some(&drafter),
            &format!("/api/v1/publications/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("submitted")),
            "{v}"
        );

        // A pass with unresolved findings and no override: 409 listing them.
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["code"], "unresolved_pii");
        let findings = v["error"]["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2, "{v}");
        assert_eq!(findings[0]["kind"], "mobile");
        assert_eq!(findings[0]["preview"], "138****5678");
        assert_eq!(findings[1]["kind"], "id_number");
        assert_eq!(
            findings[1]["preview"],
            "3708**********1234".replace("1234", &id_number()[14..])
        );
        assert!(findings[0]["end"].as_u64().unwrap() > findings[0]["start"].as_u64().unwrap());
        assert!(!v.to_string().contains("13812345678"), "{v}");

        // The reviewer masks in place, then passes.
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/mask"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["remaining"].as_u64()),
            (StatusCode::OK, Some(0)),
            "{v}"
        );
        assert!(v["publication"]["body"]
            .as_str()
            .unwrap()
            .contains("138****5678"));
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("reviewed")),
            "{v}"
        );

        // Only the approver publishes.
        let (s, v) = post(
            &app,
            Some(&drafter),
            &format!("/api/v1/publications/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{v}"
        );
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/approve"),
            Some(json!({})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, v) = post(
            &app,
            Some(&approver),
            &format!("/api/v1/publications/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("published")),
            "{v}"
        );
        assert!(v["published_on"].is_string());
        assert!(
            v["warnings"][0].as_str().unwrap().contains("第二十六条"),
            "{v}"
        );
        let got = app
            .api(
                Method::GET,
                &format!("/api/v1/publications/{id}"),
                Some(&drafter),
                None,
            )
            .await
            .json();
        assert_eq!(got["status"], "published");
        assert_eq!(got["reviews"].as_array().unwrap().len(), 3);
        assert_eq!(app.store.outbox_after(0, 10).await.unwrap().len(), 1);

        // Channels, then repeal: stays public.
        let today = gongkai_store::now().date().to_string();
        let (s, v) = post(
            &app,
            Some(&drafter),
            &format!("/api/v1/publications/{id}/channels"),
            Some(json!({"channel": "wechat", "released_on": today})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["channels"][0]["label"], "政府网站",
            "released on approval"
        );
        assert_eq!(v["channels"][1]["label"], "政务微信公众号");
        let (s, v) = post(
            &app,
            Some(&approver),
            &format!("/api/v1/publications/{id}/repeal"),
            Some(json!({"reason": "已被替代"})),
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str(), v["validity"].as_str()),
            (StatusCode::OK, Some("repealed"), Some("repealed")),
            "{v}"
        );
        assert!(app.store.public_publication(id).await.unwrap().is_some());
        let (s, v) = post(
            &app,
            Some(&approver),
            &format!("/api/v1/publications/{id}/withdraw"),
            Some(json!({"reason": "x"})),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("invalid_transition")),
            "{v}"
        );

        // Override path: an attachment with a phone number, passed with a reason.
        let second = create(&app, &drafter, item("第二条", None)).await;
        let sid = second["id"].as_i64().unwrap();
        let (s, v) = upload(
            &app,
            &drafter,
            sid,
            "名单.txt",
            "李四 13900001111\n".as_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        post(
            &app,
            Some(&drafter),
            &format!("/api/v1/publications/{sid}/submit"),
            None,
        )
        .await;
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{sid}/review"),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["findings"][0]["source"], "attachment");
        assert_eq!(v["error"]["findings"][0]["file_name"], "名单.txt");
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{sid}/review"),
            Some(json!({"decision": "pass", "override_reason": "公示名单经本人同意"})),
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("reviewed")),
            "{v}"
        );
        assert_eq!(v["pii_overrides"][0]["reason"], "公示名单经本人同意");
        let (s, v) = post(
            &app,
            Some(&approver),
            &format!("/api/v1/publications/{sid}/approve"),
            Some(json!({"decision": "return", "reason": "请去掉名单"})),
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("draft")),
            "{v}"
        );
        assert_eq!(v["status_reason"], "请去掉名单");

        // Staff list.
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/publications?status=draft",
                Some(&approver),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.json().as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn role_matrix_and_bad_input() {
    for app in apps().await {
        let drafter = app.token("gulou", Role::Drafter).await;
        let reviewer = app.token("gulou", Role::Reviewer).await;
        let sibling_reviewer = app.token("sibling", Role::Reviewer).await;
        let sibling_drafter = app.token("sibling", Role::Drafter).await;
        let admin = app.token("gulou", Role::Admin).await;
        let handler = app.token("gulou", Role::Handler).await;

        // Anonymous: 401. Wrong roles: 403 in the agency, 404 elsewhere.
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                None,
                Some(item("x", None)),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        for t in [&reviewer, &admin, &handler] {
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/agencies/gulou/publications",
                    Some(t),
                    Some(item("x", None)),
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
        }
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&sibling_drafter),
                Some(item("x", None)),
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
        let created = create(&app, &drafter, item("通知", Some("鼓政发〔2025〕7号"))).await;
        let id = created["id"].as_i64().unwrap();
        let (s, _) = post(
            &app,
            None,
            &format!("/api/v1/publications/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        post(
            &app,
            Some(&drafter),
            &format!("/api/v1/publications/{id}/submit"),
            None,
        )
        .await;
        let (s, v) = post(
            &app,
            Some(&sibling_reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "reviewer of another agency: {v}");
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/publications/{id}"),
                Some(&sibling_reviewer),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/publications/{id}"),
                None,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "maybe"})),
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_input")),
            "{v}"
        );
        let (s, v) = post(
            &app,
            Some(&reviewer),
            &format!("/api/v1/publications/{id}/review"),
            Some(json!({"decision": "return"})),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "return needs a reason: {v}");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("字段 reason"));

        // Bad input: nothing stored.
        let rows = app.store.count_rows("publications").await.unwrap();
        let audit = app.store.count_rows("audit_log").await.unwrap();
        let mut bad = item("日期错误", None);
        bad["written_on"] = json!("2025-13-40");
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&drafter),
                Some(bad),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["error"]["code"], "invalid_input");
        assert!(res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("字段 written_on"));
        let mut bad = item("实施早于成文", None);
        bad["effective_on"] = json!("2025-01-01");
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&drafter),
                Some(bad),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(
            res.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("字段 effective_on"),
            "{}",
            res.body
        );
        let mut bad = item("类型错误", None);
        bad["document_type"] = json!("law");
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&drafter),
                Some(bad),
            )
            .await;
        assert!(
            res.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("字段 document_type"),
            "{}",
            res.body
        );
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&drafter),
                Some(item("重复文号", Some("鼓政发[2025]7号"))),
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        assert_eq!(res.json()["error"]["code"], "duplicate_document_number");
        assert!(res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("文号"));
        assert_eq!(app.store.count_rows("publications").await.unwrap(), rows);
        assert_eq!(app.store.count_rows("audit_log").await.unwrap(), audit);

        // Disguised attachments and a ZIP that is not a DOCX are refused.
        let draft = create(&app, &drafter, item("附件测试", None)).await;
        let did = draft["id"].as_i64().unwrap();
        let (s, v) = upload(
            &app,
            &drafter,
            did,
            "通知.docx",
            b"MZ\x90\x00 this is an executable",
        )
        .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("disguised_attachment")),
            "{v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("伪装"),
            "{v}"
        );
        let (s, v) = upload(
            &app,
            &drafter,
            did,
            "通知.pdf",
            b"<html><body>x</body></html>",
        )
        .await;
        assert_eq!(v["error"]["code"], "disguised_attachment", "{s} {v}");
        let (s, v) = upload(&app, &drafter, did, "run.exe", b"MZ").await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("attachment_type")),
            "{v}"
        );
        let (s, _) = upload(&app, &reviewer, did, "a.txt", b"x").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(
            app.store
                .count_rows("publication_attachments")
                .await
                .unwrap(),
            0
        );
        // A damaged PDF is refused; a scanned one (no text layer) is taken
        // with a note for the reviewer.
        let (s, v) = upload(&app, &drafter, did, "a.pdf", b"%PDF-1.4\n%%EOF").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(v["error"]["code"], "invalid_attachment");
        let scan = gongkai_testkit::pdf::pdf_with_lines(&[]);
        let (s, v) = upload(&app, &drafter, did, "a.pdf", &scan).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["has_text"], false);
        assert!(
            v["text_note"].as_str().unwrap_or("").contains("无文字层"),
            "{v}"
        );
    }
}
