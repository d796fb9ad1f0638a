//! Catalog (政府信息公开目录) and 索引号 pattern editing (issue 6 §1, §2), on
//! SQLite and PostgreSQL: the JSON API with its role matrix and validation,
//! the admin page (add, rename, move, delete with the reasons it is refused,
//! CSRF), and the pattern page with its preview. Also PDF attachments in the
//! review (issue 6 §4): the text layer's personal data is a finding.

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

fn year() -> i32 {
    gongkai_store::now().date().year()
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let res = app.api(method, path, token, body).await;
    let v = serde_json::from_str(&res.body).unwrap_or(Value::Null);
    (res.status, v)
}

/// The tree as the PUT body wants it, from a GET answer.
fn tree_of(v: &Value) -> Vec<Value> {
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!({
                "key": c["key"], "parent_key": c["parent_key"],
                "name": c["name"], "sort_order": c["sort_order"]
            })
        })
        .collect()
}

fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
}

async fn create_in(app: &TestApp, token: &str, category: &str) -> Value {
    let (s, v) = call(
        app,
        Method::POST,
        "/api/v1/agencies/gulou/publications",
        Some(token),
        Some(json!({
            "title": "部门预算公开",
            "body": "<p>现将本部门预算公开如下。</p>",
            "document_type": "other",
            "category": category,
            "written_on": "2025-06-03"
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

#[tokio::test]
async fn catalog_api_roles_validation_and_used_categories() {
    for app in apps().await {
        let label = app.db.label;
        let admin = app.token("gulou", Role::Admin).await;
        let drafter = app.token("gulou", Role::Drafter).await;
        let district_admin = app.token("district", Role::Admin).await;
        let supervisor = app.token("district", Role::Supervisor).await;
        let sibling_admin = app.token("sibling", Role::Admin).await;
        let path = "/api/v1/agencies/gulou/catalog";

        // Reading: staff of the agency and supervisors/admins above it.
        let (s, v) = call(&app, Method::GET, path, Some(&drafter), None).await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["categories"].as_array().unwrap().len(), 19);
        assert_eq!(v["categories"][0]["key"], "gkzn");
        assert_eq!(v["categories"][0]["fixed"], true);
        assert_eq!(find(&v, "art20-07").unwrap()["depth"], 2);
        let (s, _) = call(&app, Method::GET, path, Some(&supervisor), None).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v2) = call(&app, Method::GET, path, Some(&sibling_admin), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v2}");
        let (s, _) = call(&app, Method::GET, path, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = call(
            &app,
            Method::GET,
            "/api/v1/agencies/nope/catalog",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Writing: admins of the agency or above only.
        let mut tree = tree_of(&v);
        tree.push(json!({"key": "bmys", "parent_key": "art20-07", "name": " 部门预算 "}));
        for (who, token) in [
            ("drafter", &drafter),
            ("supervisor", &supervisor),
            ("sibling admin", &sibling_admin),
        ] {
            let (s, e) = call(
                &app,
                Method::PUT,
                path,
                Some(token),
                Some(json!({ "categories": tree })),
            )
            .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{label}: {who}: {e}");
        }
        let (s, v) = call(
            &app,
            Method::PUT,
            path,
            Some(&admin),
            Some(json!({ "categories": tree })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        let added = find(&v, "bmys").unwrap();
        assert_eq!(added["name"], "部门预算");
        assert_eq!(added["path"][1], "财政预算、决算信息");
        assert_eq!(added["depth"], 3);

        // A district admin (above) may reorder: 年报 first.
        let mut tree = tree_of(&v);
        for c in tree.iter_mut() {
            if c["key"] == "gknb" {
                c["sort_order"] = json!(0);
            }
        }
        let (s, v) = call(
            &app,
            Method::PUT,
            path,
            Some(&district_admin),
            Some(json!({ "categories": tree })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["categories"][0]["key"], "gknb");
        assert_eq!(v["categories"][0]["sort_order"], 1);

        // Bad trees: 400 invalid_input naming the problem, nothing stored.
        let good = tree_of(&v);
        let cases: Vec<(Vec<Value>, &str)> = vec![
            (
                {
                    let mut t = good.clone();
                    t.push(json!({"key": "bmys", "parent_key": "art20-08", "name": "另一个"}));
                    t
                },
                "重复",
            ),
            (
                {
                    let mut t = good.clone();
                    t.push(json!({"key": "x1", "parent_key": "art20-07", "name": "部门预算"}));
                    t
                },
                "已有名为“部门预算”",
            ),
            (
                {
                    let mut t = good.clone();
                    t.push(json!({"key": "a", "parent_key": "b", "name": "甲"}));
                    t.push(json!({"key": "b", "parent_key": "a", "name": "乙"}));
                    t
                },
                "成环",
            ),
            (
                good.iter()
                    .filter(|c| c["key"] != "gkzd")
                    .cloned()
                    .collect(),
                "政府信息公开制度",
            ),
            (
                {
                    let mut t = good.clone();
                    t.push(json!({"key": "BAD KEY", "parent_key": "fdzdgknr", "name": "x"}));
                    t
                },
                "栏目代码",
            ),
            (
                {
                    let mut t = good.clone();
                    t.push(json!({"key": "orphan", "parent_key": "nowhere", "name": "x"}));
                    t
                },
                "上级栏目“nowhere”不存在",
            ),
        ];
        for (t, expect) in cases {
            let (s, e) = call(
                &app,
                Method::PUT,
                path,
                Some(&admin),
                Some(json!({ "categories": t })),
            )
            .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {expect}: {e}");
            assert_eq!(e["error"]["code"], "invalid_input");
            let m = e["error"]["message"].as_str().unwrap();
            assert!(m.contains(expect), "{m}");
            assert!(m.starts_with("字段 categories"), "{m}");
        }
        let (_, now) = call(&app, Method::GET, path, Some(&admin), None).await;
        assert_eq!(tree_of(&now), good, "nothing stored");

        // A category with publications cannot be removed: 409 listing it.
        create_in(&app, &drafter, "bmys").await;
        let (_, now) = call(&app, Method::GET, path, Some(&admin), None).await;
        assert_eq!(find(&now, "bmys").unwrap()["publications"], 1);
        let without: Vec<Value> = good
            .iter()
            .filter(|c| c["key"] != "bmys")
            .cloned()
            .collect();
        let (s, e) = call(
            &app,
            Method::PUT,
            path,
            Some(&admin),
            Some(json!({ "categories": without })),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {e}");
        assert_eq!(e["error"]["code"], "category_in_use");
        assert_eq!(e["error"]["categories"][0]["key"], "bmys");
        assert_eq!(e["error"]["categories"][0]["name"], "部门预算");
        assert_eq!(e["error"]["categories"][0]["publications"], 1);
        assert!(e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("“部门预算”（bmys，1条）"));
        let (_, after) = call(&app, Method::GET, path, Some(&admin), None).await;
        assert!(find(&after, "bmys").is_some(), "nothing stored");
    }
}

#[tokio::test]
async fn index_pattern_api_validates_and_previews() {
    for app in apps().await {
        let label = app.db.label;
        let admin = app.token("gulou", Role::Admin).await;
        let drafter = app.token("gulou", Role::Drafter).await;
        let path = "/api/v1/agencies/gulou/index-pattern";
        let y = year();

        let (s, v) = call(&app, Method::GET, path, Some(&drafter), None).await;
        assert_eq!(s, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["pattern"], "{机构代码}/{YYYY}-{NNNNN}");
        assert_eq!(v["default_pattern"], "{机构代码}/{YYYY}-{NNNNN}");
        assert_eq!(v["preview"], format!("T5/{y}-00001"));
        assert_eq!(v["placeholders"].as_array().unwrap().len(), 4);

        let first = create_in(&app, &drafter, "art20-07").await;
        assert_eq!(first["index_number"], "T5/2025-00001");

        for (pattern, expect) in [
            ("{机构代码}-{YYYY}-{序号}-{NNN}", "未知的占位符 {序号}"),
            ("{机构代码}-{YYYY}", "流水号"),
            ("{NNN}-{NN}", "只包含一个流水号"),
            ("{YYYY-{NNN}", "花括号"),
            ("   ", "不能为空"),
        ] {
            let (s, e) = call(
                &app,
                Method::PUT,
                path,
                Some(&admin),
                Some(json!({ "pattern": pattern })),
            )
            .await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{label}: {pattern}: {e}");
            assert_eq!(e["error"]["code"], "invalid_input");
            let m = e["error"]["message"].as_str().unwrap();
            assert!(m.contains(expect), "{pattern}: {m}");
            assert!(m.starts_with("字段 index_pattern"), "{m}");
        }
        let (s, _) = call(
            &app,
            Method::PUT,
            path,
            Some(&drafter),
            Some(json!({ "pattern": "GL-{YYYY}-{NNN}" })),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, v) = call(&app, Method::GET, path, Some(&admin), None).await;
        assert_eq!(v["pattern"], "{机构代码}/{YYYY}-{NNNNN}", "nothing stored");

        let (s, v) = call(
            &app,
            Method::PUT,
            path,
            Some(&admin),
            Some(json!({ "pattern": "鼓楼-{YYYY}-{NNN}" })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["pattern"], "鼓楼-{YYYY}-{NNN}");
        assert_eq!(v["preview"], format!("鼓楼-{y}-001"));
        // New items follow the new pattern; the old number stays.
        let second = create_in(&app, &drafter, "art20-07").await;
        assert_eq!(second["index_number"], "鼓楼-2025-002");
        let id = first["id"].as_i64().unwrap();
        let (_, old) = call(
            &app,
            Method::GET,
            &format!("/api/v1/publications/{id}"),
            Some(&drafter),
            None,
        )
        .await;
        assert_eq!(old["index_number"], "T5/2025-00001");
    }
}

fn csrf_of(body: &str) -> Option<String> {
    gongkai_testkit::hidden_value(body, "csrf_token")
}

#[tokio::test]
async fn catalog_page_add_rename_move_delete() {
    for app in apps().await {
        let label = app.db.label;
        let admin = app.login_as("gulou", Role::Admin).await;
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let page = "/admin/agencies/gulou/catalog";

        let res = app.get(page, Some(&drafter)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}");
        let res = app.get(page, Some(&admin)).await;
        assert_eq!(res.status, StatusCode::OK, "{label}: {}", res.body);
        assert!(res.body.contains("法定主动公开内容"));
        assert!(res.body.contains("名称固定"));
        assert!(csrf_of(&res.body).is_some());
        let home = app.get("/admin", Some(&admin)).await;
        assert!(home.body.contains("/admin/agencies/gulou/catalog"));

        // Without the CSRF token nothing happens.
        let res = app
            .post_form(
                page,
                Some(&admin),
                &[
                    ("op", "add"),
                    ("parent_key", "art20-07"),
                    ("name", "部门预算"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        let res = app
            .post_csrf(
                page,
                &admin,
                &[
                    ("op", "add"),
                    ("parent_key", "art20-07"),
                    ("name", "部门预算"),
                    ("new_key", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}: {}", res.body);
        let res = app
            .post_csrf(
                page,
                &admin,
                &[
                    ("op", "add"),
                    ("parent_key", "art20-07"),
                    ("name", "部门决算"),
                    ("new_key", "bmjs"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app.get(&format!("{page}?notice=added"), Some(&admin)).await;
        assert!(res.body.contains("已新增栏目"));
        let budget = res.body.find("部门预算").unwrap();
        let accounts = res.body.find("部门决算").unwrap();
        assert!(budget < accounts);

        // Same name twice under one parent: 400, the form keeps the input.
        let res = app
            .post_csrf(
                page,
                &admin,
                &[
                    ("op", "add"),
                    ("parent_key", "art20-07"),
                    ("name", "部门预算"),
                    ("new_key", "again"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(
            res.body.contains("同一上级栏目下已有名为“部门预算”的栏目"),
            "{}",
            res.body
        );
        assert!(res.body.contains("value=\"again\""));

        // Move 部门决算 up, rename it.
        let res = app
            .post_csrf(page, &admin, &[("op", "up"), ("key", "bmjs")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app
            .post_csrf(
                page,
                &admin,
                &[("op", "rename"), ("key", "bmjs"), ("name", "部门决算公开")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app.get(page, Some(&admin)).await;
        let budget = res.body.find("部门预算").unwrap();
        let accounts = res.body.find("部门决算公开").unwrap();
        assert!(accounts < budget, "moved up");
        let res = app
            .post_csrf(page, &admin, &[("op", "up"), ("key", "bmjs")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("无法再移动"));

        // Deleting: refused while it has children or publications.
        let res = app
            .post_csrf(page, &admin, &[("op", "delete"), ("key", "art20-07")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("下级栏目"), "{}", res.body);
        let token = app.token("gulou", Role::Drafter).await;
        create_in(&app, &token, "bmjs").await;
        let res = app.get(page, Some(&admin)).await;
        assert!(res.body.contains("其下有1条公开信息，不能删除"));
        let res = app
            .post_csrf(page, &admin, &[("op", "delete"), ("key", "bmjs")])
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(
            res.body
                .contains("以下栏目下仍有公开信息，不能删除：“部门决算公开”"),
            "{}",
            res.body
        );
        let res = app
            .post_csrf(page, &admin, &[("op", "delete"), ("key", "fdzdgknr")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        let res = app
            .post_csrf(page, &admin, &[("op", "delete"), ("key", "c001")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app.get(page, Some(&admin)).await;
        assert!(!res.body.contains("部门预算"));
        // The 专栏 menu follows.
        let res = app.get("/gulou/xxgk/", None).await;
        assert!(res.body.contains("部门决算公开"), "{label}");
    }
}

#[tokio::test]
async fn index_pattern_page_previews_and_saves() {
    for app in apps().await {
        let admin = app.login_as("gulou", Role::Admin).await;
        let y = year();
        let res = app.get("/admin/agencies/gulou/catalog", Some(&admin)).await;
        assert!(res.body.contains(&format!("T5/{y}-00001")), "{}", res.body);

        let post = "/admin/agencies/gulou/index-pattern";
        let res = app
            .post_csrf(
                post,
                &admin,
                &[("pattern", "{机构代码}-{年份}-{NNN}"), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(
            res.body.contains("【索引号格式】未知的占位符 {年份}"),
            "{}",
            res.body
        );
        assert!(res.body.contains("value=\"{机构代码}-{年份}-{NNN}\""));

        let res = app
            .post_csrf(
                post,
                &admin,
                &[("pattern", "GL{YYYY}{NNNN}"), ("action", "preview")],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains(&format!("GL{y}0001")), "{}", res.body);
        assert!(res.body.contains("尚未保存"));
        let res = app.get("/admin/agencies/gulou/catalog", Some(&admin)).await;
        assert!(res.body.contains("<code>{机构代码}/{YYYY}-{NNNNN}</code>"));

        let res = app
            .post_csrf(
                post,
                &admin,
                &[("pattern", "GL{YYYY}{NNNN}"), ("action", "save")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app
            .get("/admin/agencies/gulou/catalog?notice=pattern", Some(&admin))
            .await;
        assert!(res.body.contains("已保存索引号格式"));
        assert!(res.body.contains(&format!("GL{y}0001")));
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let res = app
            .post_csrf(post, &drafter, &[("pattern", "X{NNN}"), ("action", "save")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}

fn id_number() -> String {
    let first = "37080219900101123";
    format!("{first}{}", expected_id_check(first).unwrap())
}

async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!(
            "/api/v1/publications/{id}/attachments?file_name={name}"
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

#[tokio::test]
async fn a_pdf_attachment_with_an_id_number_is_a_review_finding() {
    for app in apps().await {
        let label = app.db.label;
        let drafter = app.token("gulou", Role::Drafter).await;
        let reviewer = app.token("gulou", Role::Reviewer).await;
        let created = create_in(&app, &drafter, "art20-07").await;
        let id = created["id"].as_i64().unwrap();

        let pdf = gongkai_testkit::pdf::pdf_with_lines(&[
            "Applicants",
            &format!("Zhang San {}", id_number()),
        ]);
        let (s, v) = upload(&app, &drafter, id, "名单.pdf", &pdf).await;
        assert_eq!(s, StatusCode::CREATED, "{label}: {v}");
        assert_eq!(v["has_text"], true);
        assert_eq!(v["text_note"], Value::Null);
        let (s, v) = upload(
            &app,
            &drafter,
            id,
            "扫描件.pdf",
            &gongkai_testkit::pdf::pdf_with_lines(&[]),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["has_text"], false);
        assert!(v["text_note"].as_str().unwrap().contains("无文字层"), "{v}");
        // A broken PDF: a Chinese error, nothing stored.
        let mut broken = pdf.clone();
        broken.truncate(40);
        let (s, v) = upload(&app, &drafter, id, "坏.pdf", &broken).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert_eq!(v["error"]["code"], "invalid_attachment");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("附件“坏.pdf”无法读取：PDF 文件无法解析"),
            "{v}"
        );

        let (s, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/publications/{id}/submit"),
            Some(&drafter),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = call(
            &app,
            Method::POST,
            &format!("/api/v1/publications/{id}/review"),
            Some(&reviewer),
            Some(json!({"decision": "pass"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{label}: {v}");
        assert_eq!(v["error"]["code"], "unresolved_pii");
        let f = &v["error"]["findings"][0];
        assert_eq!(f["file_name"], "名单.pdf", "{v}");
        assert_eq!(
            f["preview"],
            "3708**********1234".replace("1234", &id_number()[14..])
        );

        // The reviewer's page shows the finding and the note on the scan.
        let login = app.login_as("gulou", Role::Reviewer).await;
        let res = app
            .get(
                &format!("/admin/agencies/gulou/publications/{id}"),
                Some(&login),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("附件“名单.pdf”"), "{}", res.body);
        assert!(res.body.contains("3708**********"));
        assert!(res.body.contains("PDF 无文字层（可能是扫描件）"));
    }
}
