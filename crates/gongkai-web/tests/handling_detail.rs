//! Handling one application (issue 5 §2) on SQLite and PostgreSQL: the
//! detail page and who may see or act on it, event forms with details and
//! their refusals, numbered letters downloaded as DOCX (read back with the
//! project's DOCX reader) and HTML, admin-edited letter templates, and the
//! transfer to another agency with its effect on both agencies' reports.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::applicant::id_check_char;
use gongkai_domain::Role;
use gongkai_testkit::app::Login;
use gongkai_testkit::{every_backend, TestApp};
use serde_json::{json, Value};
use tower::ServiceExt;

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

async fn create(app: &TestApp, token: &str, received_on: &str) -> i64 {
    let body = json!({
        "applicant": {"kind": "natural_person", "name": "张三", "id_number": id_number(),
                      "phone": "13812345678", "address": "测试区鼓楼路2号"},
        "channel": "in_person",
        "received_on": received_on,
        "request": "本街道2024年老旧小区改造资金使用情况"
    });
    let res = app
        .api(
            Method::POST,
            "/api/v1/agencies/gulou/applications",
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.api(Method::GET, path, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

async fn post_event(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/events"),
            Some(token),
            Some(body),
        )
        .await;
    (res.status, res.json())
}

/// Raw bytes of a page (DOCX downloads are not UTF-8).
async fn get_bytes(app: &TestApp, path: &str, login: &Login) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &login.cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, ct, bytes)
}

fn doc_text(doc: &gongkai_docs::Doc) -> String {
    doc.blocks
        .iter()
        .map(|b| match b {
            gongkai_docs::Block::Heading { text, .. } | gongkai_docs::Block::Paragraph(text) => {
                text.clone()
            }
            gongkai_docs::Block::Table(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The letter of event `seq`, downloaded as DOCX and read back.
async fn letter_text(app: &TestApp, login: &Login, id: i64, seq: i64) -> String {
    let (status, ct, bytes) = get_bytes(
        app,
        &format!("/admin/applications/{id}/letters/{seq}.docx"),
        login,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(ct.contains("wordprocessingml"), "{ct}");
    let doc = gongkai_docs::read_docx(&bytes).expect("a DOCX the reader accepts");
    doc_text(&doc)
}

fn event_count(a: &Value) -> usize {
    a["events"].as_array().unwrap().len()
}

#[tokio::test]
async fn detail_page_shows_the_applicant_to_readers_and_forms_only_to_handlers() {
    for app in apps().await {
        let token = app.token("gulou", Role::Handler).await;
        let id = create(&app, &token, "2025-03-03").await;
        let path = format!("/admin/applications/{id}");

        let handler = app.login_as("gulou", Role::Handler).await;
        let page = app.get(&path, Some(&handler)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(
            b.contains(&id_number()),
            "full ID number on the detail page"
        );
        assert!(b.contains("13812345678") && b.contains("测试区鼓楼路2号"));
        assert!(b.contains("本街道2024年老旧小区改造资金使用情况"));
        assert!(b.contains("当面提交") && b.contains("2025-03-03"));
        assert!(b.contains("2025-03-31"), "due date");
        assert!(b.contains("期限如何计算"));
        // Only the events the clock accepts next.
        for kind in [
            "correction_requested",
            "consultation_started",
            "extension_approved",
            "fee_notice",
            "answered",
            "withdrawn",
        ] {
            assert!(
                b.contains(&format!("name=\"kind\" value=\"{kind}\"")),
                "form {kind}"
            );
        }
        for kind in [
            "correction_received",
            "correction_expired",
            "consultation_ended",
            "fee_paid",
            "fee_expired",
        ] {
            assert!(
                !b.contains(&format!("name=\"kind\" value=\"{kind}\"")),
                "no form {kind}"
            );
        }
        assert!(b.contains(&format!("/admin/applications/{id}/transfer")));
        assert!(b.contains("name=\"csrf_token\""));

        // A supervisor above reads, without forms.
        let sup = app.login_as("district", Role::Supervisor).await;
        let page = app.get(&path, Some(&sup)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&id_number()));
        assert!(page.body.contains("只读"));
        assert!(!page
            .body
            .contains(&format!("action=\"/admin/applications/{id}/")));
        let refused = app
            .post_csrf(
                &format!("/admin/applications/{id}/events"),
                &sup,
                &[("kind", "withdrawn"), ("on", "2025-03-05")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // A drafter of the agency may not see applicants; another agency does
        // not learn the application exists.
        let drafter = app.login_as("gulou", Role::Drafter).await;
        assert_eq!(
            app.get(&path, Some(&drafter)).await.status,
            StatusCode::FORBIDDEN
        );
        let sibling = app.login_as("sibling", Role::Handler).await;
        assert_eq!(
            app.get(&path, Some(&sibling)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/admin/applications/999999", Some(&handler))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let a = get_json(&app, &token, &format!("/api/v1/applications/{id}")).await;
        assert_eq!(event_count(&a), 1, "refused form stored nothing");
        // The letters of another agency's application are not served either.
        let (status, _, _) = get_bytes(
            &app,
            &format!("/admin/applications/{id}/letters/1.docx"),
            &sibling,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn correction_form_lists_every_item_in_a_numbered_letter_once() {
    for app in apps().await {
        let token = app.token("gulou", Role::Handler).await;
        let id = create(&app, &token, "2025-03-03").await;
        let path = format!("/admin/applications/{id}");
        let handler = app.login_as("gulou", Role::Handler).await;

        // Refused: no items. The error names the field and the input is kept.
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "correction_requested"),
                    ("on", "2025-03-05"),
                    ("correction_deadline", "2025-03-20"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("details.items"), "{}", res.body);
        assert!(res.body.contains("一次性列明"), "{}", res.body);
        assert!(res.body.contains("value=\"2025-03-20\""), "input kept");

        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "correction_requested"),
                    ("on", "2025-03-05"),
                    (
                        "items",
                        "所需信息的文件名称或文号\r\n\r\n所需信息的时间范围",
                    ),
                    ("correction_deadline", "2025-03-20"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let back = res.location().unwrap().to_string();
        assert_eq!(back, format!("{path}?notice=event_recorded"));
        let page = app.get(&back, Some(&handler)).await;
        assert!(page.body.contains("已登记"));
        assert!(page.body.contains("补正告知书"));
        assert!(
            page.body.contains("测试区鼓楼街道办事处公补〔2025〕1号"),
            "{}",
            page.body
        );
        // After a 补正 only its receipt or expiry (or a withdrawal) can follow.
        assert!(!page
            .body
            .contains("name=\"kind\" value=\"correction_requested\""));
        assert!(page
            .body
            .contains("name=\"kind\" value=\"correction_received\""));

        let text = letter_text(&app, &handler, id, 2).await;
        assert!(text.contains("政府信息公开申请补正告知书"), "{text}");
        assert!(
            text.contains("测试区鼓楼街道办事处公补〔2025〕1号"),
            "{text}"
        );
        assert!(text.contains("张三："), "{text}");
        assert!(text.contains("2025年3月3日收到您通过当面方式"), "{text}");
        assert!(text.contains("1. 所需信息的文件名称或文号"), "{text}");
        assert!(text.contains("2. 所需信息的时间范围"), "{text}");
        assert!(text.contains("请于2025年3月20日前"), "{text}");
        assert!(text.contains("2025年3月5日"), "{text}");

        // The same letter as a printable page.
        let (status, ct, html) = get_bytes(&app, &format!("{path}/letters/2.html"), &handler).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ct.starts_with("text/html"));
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("政府信息公开申请补正告知书"));
        // No letter for the receipt; bad file names are 404.
        for bad in ["1.docx", "2.pdf", "x.docx", "2"] {
            let (status, _, _) = get_bytes(&app, &format!("{path}/letters/{bad}"), &handler).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        }

        // A second 补正 is refused even when posted by hand; nothing stored.
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "correction_requested"),
                    ("on", "2025-03-06"),
                    ("items", "再补一项"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("只能发出一次补正告知"), "{}", res.body);
        let a = get_json(&app, &token, &format!("/api/v1/applications/{id}")).await;
        assert_eq!(event_count(&a), 2);
        assert_eq!(
            a["events"][1]["details"]["items"],
            json!(["所需信息的文件名称或文号", "所需信息的时间范围"])
        );
        // CSRF is checked.
        let res = app
            .post_form(
                &format!("{path}/events"),
                Some(&handler),
                &[("kind", "withdrawn"), ("on", "2025-03-07")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn consultation_extension_fee_and_partial_answer_letters() {
    for app in apps().await {
        let token = app.token("gulou", Role::Handler).await;
        let id = create(&app, &token, "2025-04-01").await;
        let path = format!("/admin/applications/{id}");
        let handler = app.login_as("gulou", Role::Handler).await;

        // Consultation: the party's name is required; the letter goes to the
        // party and does not name the applicant.
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "consultation_started"),
                    ("on", "2025-04-07"),
                    ("party", "third_party"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("details.party_name"), "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "consultation_started"),
                    ("on", "2025-04-07"),
                    ("party", "third_party"),
                    ("party_name", "某某建设有限公司"),
                    ("party_contact", "0537-7654321"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let text = letter_text(&app, &handler, id, 2).await;
        assert!(text.contains("政府信息公开征求意见书"), "{text}");
        assert!(text.contains("某某建设有限公司："), "{text}");
        assert!(
            text.contains("第三十二条") && text.contains("15个工作日"),
            "{text}"
        );
        assert!(
            !text.contains("张三"),
            "the applicant is not named to the third party"
        );
        assert!(text.contains("公征〔2025〕1号"), "{text}");

        let (status, _) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "consultation_ended", "on": "2025-04-14", "party": "third_party"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Extension: approver required on the form; days at most 20.
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "extension_approved"),
                    ("on", "2025-04-15"),
                    ("days", "25"),
                    ("approver", "李主任"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("20"), "{}", res.body);
        assert!(res.body.contains("value=\"李主任\""), "input kept");
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "extension_approved"),
                    ("on", "2025-04-15"),
                    ("days", "10"),
                    ("approver", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("字段 approver"), "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "extension_approved"),
                    ("on", "2025-04-15"),
                    ("days", "10"),
                    ("approver", "李主任"),
                    ("reason", "所需信息涉及多个单位"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let text = letter_text(&app, &handler, id, 4).await;
        assert!(text.contains("延期答复告知书"), "{text}");
        assert!(text.contains("负责人李主任同意"), "{text}");
        assert!(text.contains("延长10个工作日"), "{text}");
        assert!(text.contains("因所需信息涉及多个单位"), "{text}");
        assert!(
            text.contains("公延〔2025〕2号"),
            "serial per agency and year: {text}"
        );

        // Fee notice: the amount comes from the fee rules, never typed in.
        let (status, body) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "fee_notice", "on": "2025-04-16",
                   "details": {"fee_method": "per_page", "fee_quantity": 30}}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "invalid_input");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("details.fee_quantity"));
        let (status, a) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "fee_notice", "on": "2025-04-16",
                   "details": {"fee_method": "per_application", "fee_quantity": 12}}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{a}");
        let fee = &a["events"][4]["details"];
        assert_eq!(fee["fee_amount_yuan"], 100, "{fee}");
        assert_eq!(fee["fee_method"], "per_application");
        let text = letter_text(&app, &handler, id, 5).await;
        assert!(text.contains("信息处理费100元（按件计收）"), "{text}");
        assert!(text.contains("其中本件（第12件）收费100元"), "{text}");
        let (status, _) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "fee_paid", "on": "2025-04-18"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // The answer: partly disclosed needs reasons; then the letter.
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "answered"),
                    ("on", "2025-05-06"),
                    ("outcome", "partly_disclosed"),
                    ("delivery_method", "电子邮件"),
                    ("delivery_on", "2025-05-06"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("字段 details.reason"), "{}", res.body);
        assert!(
            res.body.contains("value=\"partly_disclosed\" selected"),
            "outcome kept"
        );
        let res = app
            .post_csrf(
                &format!("{path}/events"),
                &handler,
                &[
                    ("kind", "answered"),
                    ("on", "2025-05-06"),
                    ("outcome", "partly_disclosed"),
                    ("reason", "部分内容涉及第三方商业秘密"),
                    ("delivery_method", "电子邮件"),
                    ("delivery_on", "2025-05-06"),
                    ("attachments", "资金使用情况表（删除第三方信息）"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let text = letter_text(&app, &handler, id, 7).await;
        assert!(text.contains("政府信息公开申请答复书"), "{text}");
        assert!(text.contains("公复〔2025〕4号"), "{text}");
        assert!(text.contains("区分处理"), "{text}");
        assert!(
            text.contains("《中华人民共和国政府信息公开条例》第三十七条"),
            "{text}"
        );
        assert!(text.contains("理由：部分内容涉及第三方商业秘密"), "{text}");
        assert!(
            text.contains("2025年5月6日通过电子邮件方式向您提供"),
            "{text}"
        );
        assert!(
            text.contains("1. 资金使用情况表（删除第三方信息）"),
            "{text}"
        );
        assert!(text.contains("应当先申请行政复议"), "{text}");
        assert!(
            text.contains("六十日内") && text.contains("十五日内"),
            "{text}"
        );
        let page = app.get(&path, Some(&handler)).await;
        assert!(page.body.contains("没有可登记的后续事件"));
        assert!(page.body.contains("答复书（部分公开）"));
    }
}

#[tokio::test]
async fn api_details_are_checked_and_nothing_is_stored_on_refusal() {
    for app in apps().await {
        let token = app.token("gulou", Role::Handler).await;
        let id = create(&app, &token, "2025-03-03").await;
        let cases = [
            (
                json!({"kind": "correction_requested", "on": "2025-03-05", "details": {}}),
                "details.items",
            ),
            (
                json!({"kind": "withdrawn", "on": "2025-03-05", "details": {"items": ["x"]}}),
                "details.items",
            ),
            (
                json!({"kind": "answered", "on": "2025-03-10", "outcome": "withheld.state_secret", "details": {}}),
                "details.reason",
            ),
            (
                json!({"kind": "answered", "on": "2025-03-10", "outcome": "disclosed", "details": {}}),
                "details.delivery_method",
            ),
            (
                json!({"kind": "answered", "on": "2025-03-10", "outcome": "unavailable.not_held",
                       "details": {"competent_agency": "测试区住建局"}}),
                "details.competent_contact",
            ),
            (
                json!({"kind": "fee_notice", "on": "2025-03-10", "details": {"fee_method": "per_kilo", "fee_quantity": 3}}),
                "details.fee_method",
            ),
            (
                json!({"kind": "correction_requested", "on": "2025-03-05",
                       "details": {"items": ["x"], "correction_deadline": "2025-13-01"}}),
                "details.correction_deadline",
            ),
        ];
        for (body, field) in cases {
            let (status, res) = post_event(&app, &token, id, body.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {res}");
            assert_eq!(res["error"]["code"], "invalid_input", "{res}");
            assert!(
                res["error"]["message"].as_str().unwrap().contains(field),
                "{body} → {res}"
            );
        }
        let a = get_json(&app, &token, &format!("/api/v1/applications/{id}")).await;
        assert_eq!(event_count(&a), 1);
        let letters = app.store.count_rows("letters").await.unwrap();
        assert_eq!(letters, 0, "no letter numbers for refused events");

        // Not-held with the competent agency: printed in the letter.
        let (status, a) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "answered", "on": "2025-03-10", "outcome": "unavailable.not_held",
                   "details": {"competent_agency": "测试区住房和城乡建设局", "competent_contact": "0537-2222222"}}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{a}");
        assert_eq!(
            a["events"][1]["details"]["legal_basis"],
            "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项"
        );
        let handler = app.login_as("gulou", Role::Handler).await;
        let text = letter_text(&app, &handler, id, 2).await;
        assert!(
            text.contains(
                "负责公开该政府信息的行政机关为测试区住房和城乡建设局，联系方式：0537-2222222"
            ),
            "{text}"
        );
        assert!(text.contains("应当先申请行政复议"), "{text}");
    }
}

#[tokio::test]
async fn letter_templates_are_admin_edited_checked_and_used() {
    for app in apps().await {
        let base = "/admin/agencies/gulou/letter-templates";
        let admin = app.login_as("gulou", Role::Admin).await;
        let page = app.get(base, Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("答复书（部分公开）"));
        assert!(page.body.contains("补正告知书"));
        let handler = app.login_as("gulou", Role::Handler).await;
        assert_eq!(
            app.get(base, Some(&handler)).await.status,
            StatusCode::FORBIDDEN
        );
        let sibling_admin = app.login_as("sibling", Role::Admin).await;
        assert_eq!(
            app.get(base, Some(&sibling_admin)).await.status,
            StatusCode::FORBIDDEN
        );

        // The editor opens with the default; preview renders sample data.
        let page = app
            .get(&format!("{base}?key=answered.disclosed"), Some(&admin))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("{{ remedy }}"), "default shown");
        assert!(page.body.contains("预览"));
        assert!(
            page.body.contains("测试区人民政府申请行政复议"),
            "sample preview"
        );

        // A broken template: Chinese error with the line, input kept, nothing saved.
        let broken = "# {{ agency.name }}\n{{ remedy }}\n{% if answer.outcome %}\n未闭合";
        let res = app
            .post_csrf(
                &format!("{base}/answered.disclosed"),
                &admin,
                &[("body", broken), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("模板第"), "{}", res.body);
        assert!(res.body.contains("语法错误"), "{}", res.body);
        assert!(res.body.contains("未闭合"), "input kept");
        let page = app.get(base, Some(&admin)).await;
        assert!(!page.body.contains("本机关模板"), "nothing saved");
        // Without the remedy notice: refused.
        let res = app
            .post_csrf(
                &format!("{base}/answered.disclosed"),
                &admin,
                &[("body", "# 答复\n{{ applicant.name }}"), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("救济途径"), "{}", res.body);

        // A good one: preview, then save; settings change the number.
        let good = "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n{{ applicant.name }}：\n本机关自定义答复：{{ answer.outcome }}。\n{{ remedy }}\n{{ letter.date }}";
        let res = app
            .post_csrf(
                &format!("{base}/answered.disclosed"),
                &admin,
                &[("body", good), ("action", "preview")],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("本机关自定义答复：予以公开。"));
        let res = app
            .post_csrf(
                &format!("{base}/answered.disclosed"),
                &admin,
                &[("body", good), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{base}/settings"),
                &admin,
                &[
                    ("abbreviation", "鼓楼公"),
                    ("contact_person", "王老师"),
                    ("reconsideration_body", "测试区人民政府"),
                    ("court", "测试区人民法院"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{base}/settings"),
                &admin,
                &[("abbreviation", "鼓楼\n公")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("字段 abbreviation"), "{}", res.body);

        let token = app.token("gulou", Role::Handler).await;
        let id = create(&app, &token, "2025-03-03").await;
        let (status, _) = post_event(
            &app,
            &token,
            id,
            json!({"kind": "answered", "on": "2025-03-10", "outcome": "disclosed",
                   "details": {"public_location": "本机关政府信息公开专栏"}}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = letter_text(&app, &handler, id, 2).await;
        assert!(text.contains("本机关自定义答复：予以公开。"), "{text}");
        assert!(text.contains("鼓楼公复〔2025〕1号"), "{text}");
        assert!(text.contains("六个月内向测试区人民法院"), "{text}");

        // Reset: the default applies again to letters rendered from now on.
        let res = app
            .post_csrf(&format!("{base}/answered.disclosed/reset"), &admin, &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let text = letter_text(&app, &handler, id, 2).await;
        assert!(!text.contains("本机关自定义答复"), "{text}");
        assert!(text.contains("本机关政府信息公开专栏"), "{text}");
        assert!(text.contains("联系人：王老师"), "{text}");
        // Unknown kinds are 404.
        let res = app
            .post_csrf(
                &format!("{base}/answered.nonsense"),
                &admin,
                &[("body", good), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn transfer_answers_not_held_here_and_registers_a_new_application_there() {
    for app in apps().await {
        let token = app.token("gulou", Role::Handler).await;
        let sib_token = app.token("sibling", Role::Handler).await;
        let id = create(&app, &token, "2025-04-01").await;
        let transfer = |body: Value, token: String, id: i64| {
            let app = &app;
            async move {
                let res = app
                    .api(
                        Method::POST,
                        &format!("/api/v1/applications/{id}/transfer"),
                        Some(&token),
                        Some(body),
                    )
                    .await;
                (res.status, res.json())
            }
        };
        // Refusals: nothing stored.
        for (body, code, text) in [
            (
                json!({"to": "gulou", "on": "2025-04-03"}),
                "invalid_input",
                "字段 to",
            ),
            (
                json!({"to": "nowhere", "on": "2025-04-03"}),
                "invalid_input",
                "字段 to",
            ),
            (
                json!({"to": "sibling", "on": "2025-03-01"}),
                "invalid_event",
                "早于",
            ),
            (
                json!({"to": "sibling", "on": "2999-01-01"}),
                "invalid_input",
                "字段 on",
            ),
        ] {
            let (status, res) = transfer(body.clone(), token.clone(), id).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {res}");
            assert_eq!(res["error"]["code"], code, "{res}");
            assert!(
                res["error"]["message"].as_str().unwrap().contains(text),
                "{res}"
            );
        }
        let (status, _) = transfer(
            json!({"to": "gulou", "on": "2025-04-03"}),
            sib_token.clone(),
            id,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another agency cannot transfer it"
        );
        assert_eq!(app.store.count_rows("applications").await.unwrap(), 1);

        let (status, res) = transfer(
            json!({"to": "sibling", "on": "2025-04-03", "reason": "该项目由兄弟街道实施"}),
            token.clone(),
            id,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{res}");
        let sent = &res["application"];
        assert_eq!(sent["outcome"], "unavailable.not_held");
        assert_eq!(sent["status"], "answered_on_time");
        let answer = &sent["events"][1];
        assert_eq!(answer["kind"], "answered");
        assert_eq!(
            answer["details"]["competent_agency"],
            "测试区兄弟街道办事处"
        );
        let to = &res["transferred_to"];
        assert_eq!(to["agency"], "sibling");
        assert_eq!(
            to["due_on"], "2025-05-06",
            "20 working days from the transfer date (清明 off, 4-27 worked, 5-1..5-5 off)"
        );
        let new_id = to["id"].as_i64().unwrap();
        let tracking = to["tracking_code"].as_str().unwrap().to_string();
        assert_eq!(
            answer["details"]["transfer_tracking_code"],
            tracking.as_str()
        );

        // The receiver sees the applicant and the transfer; the sender does not
        // see the receiver's application.
        let there = get_json(&app, &sib_token, &format!("/api/v1/applications/{new_id}")).await;
        assert_eq!(there["received_on"], "2025-04-03");
        assert_eq!(there["applicant"]["id_number"], id_number());
        assert_eq!(there["request"], "本街道2024年老旧小区改造资金使用情况");
        assert_eq!(
            there["events"][0]["details"]["transferred_from"],
            "测试区鼓楼街道办事处"
        );
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/applications/{new_id}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);

        // The sender's answer letter names the receiver and the new tracking code.
        let handler = app.login_as("gulou", Role::Handler).await;
        let text = letter_text(&app, &handler, id, 2).await;
        assert!(text.contains("本机关不掌握相关政府信息"), "{text}");
        assert!(text.contains("转送测试区兄弟街道办事处办理"), "{text}");
        assert!(text.contains(&tracking), "{text}");
        assert!(text.contains("该项目由兄弟街道实施"), "{text}");

        // A closed application cannot be transferred again.
        let (status, res) = transfer(
            json!({"to": "sibling", "on": "2025-04-04"}),
            token.clone(),
            id,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(res["error"]["code"], "invalid_event", "{res}");

        // Both reports: counted once each, in its own agency.
        let rows =
            |report: &Value, id: &str| report["applications"]["rows"][id][6].as_i64().unwrap();
        let here = get_json(&app, &token, "/api/v1/agencies/gulou/reports/2025").await;
        assert_eq!(rows(&here, "new"), 1);
        assert_eq!(rows(&here, "unavailable.not_held"), 1);
        let sib = get_json(&app, &sib_token, "/api/v1/agencies/sibling/reports/2025").await;
        assert_eq!(rows(&sib, "new"), 1);
        assert_eq!(rows(&sib, "unavailable.not_held"), 0);

        // Audit in both agencies; the page action does the same.
        let id2 = create(&app, &token, "2025-04-01").await;
        let res = app
            .post_csrf(
                &format!("/admin/applications/{id2}/transfer"),
                &handler,
                &[("to", ""), ("on", "2025-04-03")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("字段 to"), "{}", res.body);
        let res = app
            .post_csrf(
                &format!("/admin/applications/{id2}/transfer"),
                &handler,
                &[("to", "sibling"), ("on", "2025-04-03"), ("reason", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app
            .get(&format!("/admin/applications/{id2}"), Some(&handler))
            .await;
        assert!(page.body.contains("已转送"), "{}", page.body);
        assert!(page.body.contains("测试区兄弟街道办事处"));
        assert_eq!(app.store.count_rows("applications").await.unwrap(), 4);
        let audit = app.store.count_rows("audit_log").await.unwrap();
        assert!(audit > 0);
        assert!(matches!(
            app.store.verify_audit().await.unwrap(),
            gongkai_store::AuditVerdict::Intact { .. }
        ));
    }
}
