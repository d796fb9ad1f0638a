//! Online intake in process, on SQLite and PostgreSQL: `/apply` with valid
//! and invalid input (nothing stored, input kept), attachments (too big,
//! disguised), `/track` with right and wrong phone digits (throttled), the
//! public API's rate limit, confirmation on the staff page and through the
//! API (due 20 working days after the confirmation date), and tenancy.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::applicant::id_check_char;
use gongkai_domain::Role;
use gongkai_testkit::{every_backend, hidden_value, TestApp, TestResponse};
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

fn bad_id_number() -> String {
    let good = id_number();
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{wrong}", &good[..17])
}

fn fields(id_number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("agency", "gulou".into()),
        ("kind", "natural_person".into()),
        ("name", "张三丰".into()),
        ("id_type", "resident_id".into()),
        ("id_number", id_number.into()),
        ("phone", "13812345678".into()),
        ("email", "zs@example.com".into()),
        ("address", "测试市测试区某路1号 350000".into()),
        ("request", "2024年本街道老旧小区改造资金使用情况".into()),
        ("preferred_form", "electronic".into()),
        ("delivery", "email".into()),
    ]
}

/// The apply form's cookie and token, as a browser gets them.
async fn form_session(app: &TestApp) -> (String, String) {
    let page = app.get("/apply?agency=gulou", None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cookie = page.cookie("gk_csrf").expect("gk_csrf cookie");
    let token = hidden_value(&page.body, "form_token").expect("form_token");
    assert_eq!(cookie, token);
    (format!("gk_csrf={cookie}"), token)
}

async fn post_apply(
    app: &TestApp,
    cookie: &str,
    token: Option<&str>,
    fields: &[(&str, String)],
    files: &[(&str, &[u8])],
) -> TestResponse {
    let boundary = "----gongkaitestboundary7MA4YWxk";
    let mut body: Vec<u8> = Vec::new();
    let mut part = |name: &str, file: Option<&str>, data: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(t) = token {
        part("form_token", None, t.as_bytes());
    }
    for (k, v) in fields {
        part(k, None, v.as_bytes());
    }
    for (name, data) in files {
        part("attachments", Some(name), data);
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri("/apply")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

fn tracking_code_in(html: &str) -> String {
    let start = html
        .find("id=\"tracking-code\">")
        .expect("tracking code shown")
        + 19;
    html[start..start + 12].to_string()
}

async fn rows(app: &TestApp, table: &str) -> i64 {
    app.store.count_rows(table).await.unwrap()
}

fn public_json(phone: &str) -> Value {
    json!({
        "agency": "gulou",
        "applicant": {"kind": "natural_person", "name": "李四", "id_number": id_number(), "phone": phone},
        "request": "某路段改造工程的立项批复",
        "preferred_form": "paper",
        "delivery": "pickup"
    })
}

async fn track(app: &TestApp, code: &str, last4: &str) -> TestResponse {
    app.post_form("/track", None, &[("code", code), ("phone_last4", last4)])
        .await
}

fn today() -> time::Date {
    gongkai_store::now().date()
}

fn date_text(d: time::Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(f).unwrap()
}

#[tokio::test]
async fn apply_form_keeps_input_on_errors_and_stores_a_valid_application() {
    for app in apps().await {
        let (cookie, token) = form_session(&app).await;
        let page = app.get("/apply", None).await;
        for label in [
            "自然人",
            "法人或其他组织（商业企业）",
            "法人或其他组织（其他）",
            "纸质",
            "电子",
            "邮寄",
            "自行领取",
            "居民身份证",
        ] {
            assert!(page.body.contains(label), "missing {label}");
        }
        assert!(page.body.contains("测试区鼓楼街道办事处"));
        assert!(page.body.contains("enctype=\"multipart/form-data\""));

        // Wrong check character: 400, the field named in Chinese, input kept, nothing stored.
        let res = post_apply(&app, &cookie, Some(&token), &fields(&bad_id_number()), &[]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert!(res.body.contains("证件号码"), "{}", res.body);
        assert!(res.body.contains("校验位不正确"), "{}", res.body);
        assert!(res.body.contains("value=\"张三丰\""), "name kept");
        assert!(res.body.contains("value=\"13812345678\""), "phone kept");
        assert!(res.body.contains(&format!("value=\"{}\"", bad_id_number())));
        assert!(res.body.contains("2024年本街道老旧小区改造资金使用情况"));
        assert!(res.body.contains("value=\"electronic\" checked"));
        assert!(res.body.contains("aria-invalid=\"true\""));
        assert_eq!(rows(&app, "online_submissions").await, 0);

        // An organisation with a bad credit code.
        let mut org = fields("");
        org[1].1 = "commercial".into();
        org.push(("credit_code", "91350100M000100001".into()));
        let res = post_apply(&app, &cookie, Some(&token), &org, &[]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("统一社会信用代码"), "{}", res.body);

        // Without the form token: refused, input still kept, nothing stored.
        let res = post_apply(&app, &cookie, None, &fields(&id_number()), &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.contains("页面已过期"));
        assert!(res.body.contains("value=\"张三丰\""));
        assert_eq!(rows(&app, "online_submissions").await, 0);

        // Valid, with a PDF: the confirmation page with the tracking code.
        let res = post_apply(
            &app,
            &cookie,
            Some(&token),
            &fields(&id_number()),
            &[("材料.pdf", b"%PDF-1.4\n%test\n")],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("申请已提交"));
        assert!(res.body.contains("20个工作日"));
        let code = tracking_code_in(&res.body);
        assert_eq!(code.len(), 12);
        assert_eq!(rows(&app, "online_submissions").await, 1);
        assert_eq!(rows(&app, "application_attachments").await, 1);
        assert_eq!(res.cookie("gk_csrf").as_deref(), Some(""), "token used up");

        // The same page submitted again with the used cookie cleared: refused.
        let res = post_apply(&app, "gk_csrf=", Some(&token), &fields(&id_number()), &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(rows(&app, "online_submissions").await, 1);
    }
}

#[tokio::test]
async fn attachments_too_big_or_disguised_are_refused() {
    for app in apps().await {
        let (cookie, token) = form_session(&app).await;
        let big = vec![b'a'; 10 * 1024 * 1024 + 1];
        let res = post_apply(
            &app,
            &cookie,
            Some(&token),
            &fields(&id_number()),
            &[("大文件.txt", &big)],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.status);
        assert!(res.body.contains("大文件.txt"));
        assert!(res.body.contains("10 MB"));
        assert!(res.body.contains("value=\"张三丰\""), "input kept");
        assert!(res.body.contains("附件需要重新选择"));

        let res = post_apply(
            &app,
            &cookie,
            Some(&token),
            &fields(&id_number()),
            &[("申请书.docx", b"plain text pretending to be Word")],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("申请书.docx"), "{}", res.body);
        assert!(res.body.contains("与扩展名不符"), "{}", res.body);

        let res = post_apply(
            &app,
            &cookie,
            Some(&token),
            &fields(&id_number()),
            &[("照片.png", b"%PDF-1.4 not a png")],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("照片.png"));

        let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("a.txt", b"x".as_slice())).collect();
        let res = post_apply(&app, &cookie, Some(&token), &fields(&id_number()), &six).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("最多上传5个附件"));

        assert_eq!(rows(&app, "online_submissions").await, 0);
        assert_eq!(rows(&app, "application_attachments").await, 0);
    }
}

#[tokio::test]
async fn track_right_and_wrong_digits_without_personal_data_and_throttled() {
    for app in apps().await {
        let res = app
            .api(
                Method::POST,
                "/api/v1/public/applications",
                None,
                Some(public_json("13912348765")),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let created = res.json();
        assert_eq!(created["status"], "pending");
        let code = created["tracking_code"].as_str().unwrap().to_string();

        let ok = track(&app, &code.to_lowercase(), "8765").await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert!(ok.body.contains("等待受理机关确认"));
        assert!(ok.body.contains("测试区鼓楼街道办事处"));
        for secret in ["李四", "13912348765", &id_number()] {
            assert!(!ok.body.contains(secret), "{secret} shown on /track");
        }

        let wrong = track(&app, &code, "1111").await;
        let unknown = track(&app, "ABCDEFGHJKLM", "8765").await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let message = "未找到与该查询码和联系电话后四位相符的申请";
        assert!(wrong.body.contains(message) && unknown.body.contains(message));
        assert!(!wrong.body.contains("等待受理机关确认"));

        // Ten failures in a row: even the right combination waits.
        for _ in 0..8 {
            assert_eq!(
                track(&app, &code, "0000").await.status,
                StatusCode::NOT_FOUND
            );
        }
        let throttled = track(&app, &code, "8765").await;
        assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(throttled.body.contains("查询失败次数过多"));
    }
}

#[tokio::test]
async fn public_api_validates_and_is_rate_limited() {
    for app in apps().await {
        let mut bad = public_json("13812345678");
        bad["applicant"]["id_number"] = json!(bad_id_number());
        bad["delivery"] = json!("carrier-pigeon");
        let res = app
            .api(Method::POST, "/api/v1/public/applications", None, Some(bad))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        let e = res.json();
        assert_eq!(e["error"]["code"], "invalid_input");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("字段 id_number") && msg.contains("字段 delivery"),
            "{msg}"
        );
        assert_eq!(rows(&app, "online_submissions").await, 0);

        for _ in 1..20 {
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/public/applications",
                    None,
                    Some(public_json("13812345678")),
                )
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        }
        let res = app
            .api(
                Method::POST,
                "/api/v1/public/applications",
                None,
                Some(public_json("13812345678")),
            )
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        let e = res.json();
        assert_eq!(e["error"]["code"], "rate_limited");
        assert!(e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("提交过于频繁"));
        assert_eq!(rows(&app, "online_submissions").await, 19);

        // The form shares the limit.
        let (cookie, token) = form_session(&app).await;
        let res = post_apply(&app, &cookie, Some(&token), &fields(&id_number()), &[]).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.body.contains("提交过于频繁"));
        assert!(res.body.contains("value=\"张三丰\""));
    }
}

#[tokio::test]
async fn staff_confirm_on_the_page_and_through_the_api_with_tenancy() {
    for app in apps().await {
        let (cookie, token) = form_session(&app).await;
        let res = post_apply(
            &app,
            &cookie,
            Some(&token),
            &fields(&id_number()),
            &[("材料.pdf", b"%PDF-1.4\n%x\n")],
        )
        .await;
        let code = tracking_code_in(&res.body);

        // Tenancy on the page: a handler of the sibling, a drafter of gulou.
        let sibling = app.login_as("sibling", Role::Handler).await;
        let page = app
            .get("/admin/agencies/gulou/applications/pending", Some(&sibling))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(!page.body.contains(&code));
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let page = app
            .get("/admin/agencies/gulou/applications/pending", Some(&drafter))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let anonymous = app
            .get("/admin/agencies/gulou/applications/pending", None)
            .await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);

        // The gulou handler sees it, masked.
        let handler = app.login_as("gulou", Role::Handler).await;
        let page = app
            .get("/admin/agencies/gulou/applications/pending", Some(&handler))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&code));
        assert!(
            page.body.contains("张**") || page.body.contains("张*"),
            "{}",
            page.body
        );
        assert!(page.body.contains("138****5678"));
        assert!(!page.body.contains("13812345678"));
        assert!(!page.body.contains(&id_number()));
        let id = {
            let marker = "/applications/pending/";
            let start = page.body.find(marker).unwrap() + marker.len();
            let end = page.body[start..].find('/').unwrap() + start;
            page.body[start..end].to_string()
        };
        let attachment_path = {
            let marker = "/admin/agencies/gulou/attachments/";
            let start = page.body.find(marker).unwrap();
            let end = page.body[start..].find('"').unwrap() + start;
            page.body[start..end].to_string()
        };
        let file = app.get(&attachment_path, Some(&handler)).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.headers["content-type"], "application/pdf");
        assert!(file.body.starts_with("%PDF"));
        let sibling_file = app
            .get(&attachment_path.replace("gulou", "sibling"), Some(&sibling))
            .await;
        assert_eq!(sibling_file.status, StatusCode::NOT_FOUND);

        // The sibling's handler posting to its own agency with gulou's id: not found.
        let res = app
            .post_csrf(
                &format!("/admin/agencies/sibling/applications/pending/{id}/confirm"),
                &sibling,
                &[("on", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
        // Without the CSRF token: refused.
        let res = app
            .post_form(
                &format!("/admin/agencies/gulou/applications/pending/{id}/confirm"),
                Some(&handler),
                &[("on", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(rows(&app, "applications").await, 0);

        // Confirmed today: due 20 working days later.
        let res = app
            .post_csrf(
                &format!("/admin/agencies/gulou/applications/pending/{id}/confirm"),
                &handler,
                &[("on", &date_text(today()))],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let calendar = app.store.calendar().await.unwrap();
        let due = date_text(calendar.add_working_days(today(), 20).unwrap());
        let back = app.get(res.location().unwrap(), Some(&handler)).await;
        assert!(
            back.body.contains(&format!("已确认受理查询码为 {code}")),
            "{}",
            back.body
        );
        assert!(back.body.contains(&due));
        assert!(back.body.contains("目前没有待确认的网上申请"));
        assert_eq!(rows(&app, "applications").await, 1);

        let handler_token = app.token("gulou", Role::Handler).await;
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/applications",
                Some(&handler_token),
                None,
            )
            .await
            .json();
        assert_eq!(list[0]["tracking_code"], code);
        assert_eq!(list[0]["channel"], "online");
        assert_eq!(list[0]["received_on"], date_text(today()));
        assert_eq!(list[0]["due_on"], due);

        let tracked = track(&app, &code, "5678").await;
        assert_eq!(tracked.status, StatusCode::OK);
        assert!(tracked.body.contains(&due), "{}", tracked.body);
        assert!(tracked.body.contains("收到申请"));
        assert!(tracked.body.contains("未到期"));

        // The API: list, tenancy, confirm, reject.
        let code2 = app
            .api(
                Method::POST,
                "/api/v1/public/applications",
                None,
                Some(public_json("13912348765")),
            )
            .await
            .json()["tracking_code"]
            .as_str()
            .unwrap()
            .to_string();
        let code3 = app
            .api(
                Method::POST,
                "/api/v1/public/applications",
                None,
                Some(public_json("13912348765")),
            )
            .await
            .json()["tracking_code"]
            .as_str()
            .unwrap()
            .to_string();
        let sibling_token = app.token("sibling", Role::Handler).await;
        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/submissions",
                Some(&sibling_token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/submissions",
                None,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/submissions",
                Some(&handler_token),
                None,
            )
            .await
            .json();
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[0]["applicant"]["phone"], "139****8765");
        let id2 = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["tracking_code"] == code2)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let id3 = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["tracking_code"] == code3)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id2}/confirm"),
                Some(&sibling_token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let drafter_token = app.token("gulou", Role::Drafter).await;
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id2}/confirm"),
                Some(&drafter_token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id2}/confirm"),
                Some(&handler_token),
                Some(json!({"on": "2999-01-01"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.json()["error"]["code"], "invalid_input");
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id2}/confirm"),
                Some(&handler_token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let confirmed = res.json();
        assert_eq!(confirmed["tracking_code"], code2);
        assert_eq!(confirmed["due_on"], due);
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id2}/confirm"),
                Some(&handler_token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.json()["error"]["code"], "submission_decided");
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/submissions/{id3}/reject"),
                Some(&handler_token),
                Some(json!({"reason": "不属于本机关"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let tracked = track(&app, &code3, "8765").await;
        assert!(tracked.body.contains("未予受理"));
        assert!(tracked.body.contains("不属于本机关"));
        assert_eq!(rows(&app, "applications").await, 2);
    }
}
