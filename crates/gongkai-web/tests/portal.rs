//! Proactive disclosure in the browser's shape (in process, both backends):
//! staff pages of the review chain with the PII gate, the public 专栏 with
//! its item pages, meta tags and Atom feeds, the ledger's XLSX, the kiosk.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::pii::expected_id_check;
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

fn valid_id() -> String {
    let first = "11010519491231002";
    format!("{first}{}", expected_id_check(first).unwrap())
}

const BOUNDARY: &str = "----gongkai-test-boundary";

/// Posts a multipart form (text fields and files) as a browser would.
async fn post_multipart(
    app: &TestApp,
    path: &str,
    login: &Login,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> TestResponse {
    let mut body: Vec<u8> = Vec::new();
    let mut all = vec![("csrf_token", login.csrf.as_str())];
    all.extend_from_slice(fields);
    for (k, v) in all {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, &login.cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

fn item_id(res: &TestResponse) -> i64 {
    let loc = res
        .location()
        .unwrap_or_else(|| panic!("no redirect: {} {}", res.status, res.body));
    let rest = loc
        .strip_prefix("/admin/agencies/gulou/publications/")
        .unwrap();
    rest.split('?').next().unwrap().parse().unwrap()
}

/// A drafter's new item with the ID number and a phone number in its body.
async fn draft_with_pii(app: &TestApp, drafter: &Login, title: &str) -> i64 {
    let body = format!(
        "<p>经审核，现将补助名单公示如下。</p><p>联系人张三，身份证号{}，电话13812345678。</p><script>alert(1)</script>",
        valid_id()
    );
    let res = post_multipart(
        app,
        "/admin/agencies/gulou/publications",
        drafter,
        &[
            ("title", title),
            ("document_type", "normative_document"),
            ("category", "art20-11"),
            ("document_number", "鼓政发[2025]3号"),
            ("written_on", &today()),
            ("summary", "老旧小区改造补助名单"),
            ("keywords", "补助，名单"),
            ("validity", "valid"),
            ("attribute", "proactive"),
            ("body", &body),
        ],
        &[("说明.txt", "本次补助共三户。".as_bytes())],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    item_id(&res)
}

fn today() -> String {
    let d = gongkai_store::now().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Drafter → reviewer (mask, pass) → approver: published.
async fn publish(app: &TestApp, id: i64) {
    let drafter = app.login_as("gulou", Role::Drafter).await;
    let reviewer = app.login_as("gulou", Role::Reviewer).await;
    let approver = app.login_as("gulou", Role::Approver).await;
    let base = format!("/admin/agencies/gulou/publications/{id}");
    let res = app
        .post_csrf(&format!("{base}/submit"), &drafter, &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.post_csrf(&format!("{base}/mask"), &reviewer, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_csrf(
            &format!("{base}/review"),
            &reviewer,
            &[("decision", "pass")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_csrf(
            &format!("{base}/approve"),
            &approver,
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn the_review_chain_through_the_staff_pages() {
    for app in apps().await {
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let reviewer = app.login_as("gulou", Role::Reviewer).await;
        let approver = app.login_as("gulou", Role::Approver).await;

        let form = app
            .get("/admin/agencies/gulou/publications/new", Some(&drafter))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("enctype=\"multipart/form-data\""));
        // Reviewers do not draft.
        let res = app
            .get("/admin/agencies/gulou/publications/new", Some(&reviewer))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // Bad input: every problem named in Chinese, the input kept, nothing stored.
        let res = post_multipart(
            &app,
            "/admin/agencies/gulou/publications",
            &drafter,
            &[
                ("title", "保留的标题"),
                ("document_type", "other"),
                ("written_on", "2025-13-40"),
                ("body", "<p>正文保留</p>"),
            ],
            &[("通知.docx", b"this is not a zip")],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("【成文日期】"), "{}", res.body);
        assert!(res.body.contains("【附件】"), "{}", res.body);
        assert!(res.body.contains("value=\"保留的标题\""));
        assert!(
            res.body.contains("&#60;p&#62;正文保留&#60;/p&#62;"),
            "{}",
            res.body
        );
        let res = post_multipart(
            &app,
            "/admin/agencies/gulou/publications",
            &drafter,
            &[("title", " "), ("written_on", "2025-06-03")],
            &[],
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("【标题】"), "{}", res.body);
        assert!(res.body.contains("【文件类型】"), "{}", res.body);
        let list = app
            .get("/admin/agencies/gulou/publications", Some(&drafter))
            .await;
        assert!(
            list.body.contains("没有符合条件的公开信息"),
            "{}",
            list.body
        );

        let id = draft_with_pii(&app, &drafter, "关于老旧小区改造补助名单的公示").await;
        let base = format!("/admin/agencies/gulou/publications/{id}");
        let page = app
            .get(&format!("{base}?notice=created"), Some(&drafter))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("草稿已保存"));
        assert!(
            !page.body.contains("<script>alert"),
            "the body is sanitised"
        );
        assert!(page.body.contains("说明.txt"));
        assert!(page.body.contains("鼓政发〔2025〕3号"));

        // Unpublished: not on the portal.
        let public = format!("/gulou/xxgk/{id}");
        assert_eq!(app.get(&public, None).await.status, StatusCode::NOT_FOUND);

        let res = app
            .post_csrf(&format!("{base}/submit"), &drafter, &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);

        // A drafter cannot reach the approval or the review.
        let res = app
            .post_csrf(
                &format!("{base}/approve"),
                &drafter,
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app
            .post_csrf(&format!("{base}/review"), &drafter, &[("decision", "pass")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Nor can the approver skip the review.
        let res = app
            .post_csrf(
                &format!("{base}/approve"),
                &approver,
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("保密审查"), "{}", res.body);

        // The review page: each finding with its position and masked preview, never the full ID.
        let page = app.get(&base, Some(&reviewer)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("个人信息检查：发现 2 处"),
            "{}",
            page.body
        );
        assert!(page.body.contains("1101**********0"), "{}", page.body);
        assert!(page.body.contains("138****5678"));
        assert!(page.body.contains("第"), "position shown");
        assert!(!page.body.contains(&valid_id()), "full ID shown");
        assert!(!page.body.contains("13812345678"), "full phone shown");
        assert!(page.body.contains("在正文中遮盖个人信息"));

        // Passing with findings needs the override; without it the page says why.
        let res = app
            .post_csrf(
                &format!("{base}/review"),
                &reviewer,
                &[("decision", "pass")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("尚未处理"), "{}", res.body);
        assert!(!res.body.contains(&valid_id()));

        let res = app.post_csrf(&format!("{base}/mask"), &reviewer, &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = app.get(&base, Some(&reviewer)).await;
        assert!(!page.body.contains("个人信息检查：发现"), "{}", page.body);
        let res = app
            .post_csrf(
                &format!("{base}/review"),
                &reviewer,
                &[("decision", "pass")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        let res = app
            .post_csrf(
                &format!("{base}/approve"),
                &approver,
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get(&base, Some(&approver)).await;
        assert!(page.body.contains("已发布"));
        assert!(page.body.contains("撤回或废止"));

        // Channels by the drafter.
        let res = app
            .post_csrf(
                &format!("{base}/channels"),
                &drafter,
                &[("channel", "wechat"), ("released_on", &today())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{base}/channels"),
                &drafter,
                &[("channel", "wechat"), ("released_on", "昨天")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("【发布日期】"));

        // Another agency's staff see nothing of it.
        let other = app.login_as("sibling", Role::Approver).await;
        let res = app
            .get(
                &format!("/admin/agencies/sibling/publications/{id}"),
                Some(&other),
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = app.get(&base, Some(&other)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_published_item_on_the_portal_feed_ledger_and_kiosk() {
    for app in apps().await {
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let approver = app.login_as("gulou", Role::Approver).await;
        let title = "关于印发《鼓楼街道老旧小区改造实施办法》的通知";
        let id = draft_with_pii(&app, &drafter, title).await;
        publish(&app, id).await;

        let page = app.get(&format!("/gulou/xxgk/{id}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let b = &page.body;
        assert!(
            b.contains(&format!("<meta name=\"ArticleTitle\" content=\"{title}\">")),
            "{b}"
        );
        assert!(
            b.contains(&format!("<meta name=\"PubDate\" content=\"{}\">", today())),
            "{b}"
        );
        assert!(
            b.contains("<meta name=\"ContentSource\" content=\"测试区鼓楼街道办事处\">"),
            "{b}"
        );
        for label in [
            "索引号",
            "发布机构",
            "成文日期",
            "发布日期",
            "文号",
            "有效性",
            "T5/",
        ] {
            assert!(b.contains(label), "{label} missing");
        }
        assert!(b.contains("鼓政发〔2025〕3号"));
        assert!(!b.contains("已废止"));
        assert!(b.contains("1101**********"), "masked in the public body");
        assert!(!b.contains(&valid_id()));
        assert!(!b.contains("<script>"));
        assert!(b.contains("说明.txt"));
        // The attachment downloads.
        let href = format!("/gulou/xxgk/{id}/attachments/");
        let start = b.find(&href).unwrap();
        let end = b[start..].find('"').unwrap() + start;
        let dl = app.get(&b[start..end], None).await;
        assert_eq!(dl.status, StatusCode::OK);
        assert!(dl.body.contains("本次补助共三户"));
        assert!(dl.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"));
        // Not under another agency's 专栏.
        assert_eq!(
            app.get(&format!("/sibling/xxgk/{id}"), None).await.status,
            StatusCode::NOT_FOUND
        );

        // The 专栏: home, list by category / year / validity, guide, system.
        let home = app.get("/gulou/xxgk/", None).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains(title));
        for s in [
            "政府信息公开指南",
            "政府信息公开制度",
            "法定主动公开内容",
            "政府信息公开年报",
            "/gulou/xxgk/reports",
        ] {
            assert!(home.body.contains(s), "{s}");
        }
        let list = app
            .get("/gulou/xxgk/fdzdgknr?category=art20-11", None)
            .await;
        assert!(list.body.contains(title));
        let list = app
            .get("/gulou/xxgk/fdzdgknr?category=art20-06", None)
            .await;
        assert!(!list.body.contains(title));
        let list = app.get("/gulou/xxgk/fdzdgknr?year=2009", None).await;
        assert!(!list.body.contains(title));
        let list = app
            .get("/gulou/xxgk/fdzdgknr?validity=valid&page=1", None)
            .await;
        assert!(list.body.contains(title));
        let bad = app.get("/gulou/xxgk/fdzdgknr?year=abc", None).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("【年份】"));
        assert_eq!(
            app.get("/gulou/xxgk/fdzdgknr?category=nope", None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let admin = app.login_as("gulou", Role::Admin).await;
        let res = app
            .post_csrf(
                "/admin/agencies/gulou/xxgk",
                &admin,
                &[
                    ("guide", "本指南依据条例编制。\n第二段。"),
                    ("system", "保密审查制度：先审后发。"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app
            .post_csrf("/admin/agencies/gulou/xxgk", &drafter, &[("guide", "x")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let guide = app.get("/gulou/xxgk/gkzn", None).await;
        assert!(
            guide.body.contains("<p>本指南依据条例编制。</p>"),
            "{}",
            guide.body
        );
        assert!(guide.body.contains("政府信息公开工作机构"));
        assert!(
            guide.body.contains("扶贫、教育、医疗"),
            "the catalog is listed"
        );
        let system = app.get("/gulou/xxgk/gkzd", None).await;
        assert!(system.body.contains("保密审查制度：先审后发。"));

        // The Atom feed, per agency and per category.
        for url in [
            "/gulou/xxgk/feed.xml",
            "/gulou/xxgk/feed.xml?category=art20-11",
        ] {
            let feed = app.get(url, None).await;
            assert_eq!(feed.status, StatusCode::OK);
            assert!(feed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml"));
            let mut reader = quick_xml::Reader::from_str(&feed.body);
            let mut entries = 0;
            let mut titles = Vec::new();
            let mut in_title = false;
            loop {
                match reader.read_event().expect("well-formed XML") {
                    quick_xml::events::Event::Start(e) if e.name().into_inner() == "entry" => {
                        entries += 1
                    }
                    quick_xml::events::Event::Start(e) if e.name().into_inner() == "title" => {
                        in_title = true
                    }
                    quick_xml::events::Event::Text(t) if in_title => {
                        titles.push(t.into_inner().into_owned());
                        in_title = false;
                    }
                    quick_xml::events::Event::Eof => break,
                    _ => {}
                }
            }
            assert_eq!(entries, 1, "{}", feed.body);
            assert!(
                titles.iter().any(|t| t.contains("老旧小区改造实施办法")),
                "{titles:?}"
            );
        }
        let feed = app
            .get("/gulou/xxgk/feed.xml?category=art20-06", None)
            .await;
        assert!(!feed.body.contains("<entry>"));

        // The ledger and its XLSX.
        let ledger = app
            .get("/admin/agencies/gulou/publications/ledger", Some(&drafter))
            .await;
        assert_eq!(ledger.status, StatusCode::OK);
        assert!(ledger.body.contains(title));
        let res = app
            .get(
                "/admin/agencies/gulou/publications/ledger.xlsx",
                Some(&drafter),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let bytes = {
            let req = Request::builder()
                .uri("/admin/agencies/gulou/publications/ledger.xlsx")
                .header(header::HOST, "localhost")
                .header(header::COOKIE, &drafter.cookie)
                .body(Body::empty())
                .unwrap();
            let res = tower::ServiceExt::oneshot(app.router.clone(), req)
                .await
                .unwrap();
            http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes()
        };
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        let cells: Vec<String> = range.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(cells.iter().any(|c| c == "索引号"), "{cells:?}");
        assert!(cells.iter().any(|c| c == title), "{cells:?}");
        assert!(cells.iter().any(|c| c.contains("gulou审核人")), "{cells:?}");
        let res = app
            .get(
                "/admin/agencies/gulou/publications/ledger?year=abc",
                Some(&drafter),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);

        // The kiosk works without login and returns home when idle.
        let kiosk = app.get("/kiosk", None).await;
        assert_eq!(kiosk.status, StatusCode::OK);
        assert!(kiosk.body.contains("测试区鼓楼街道办事处"));
        assert!(kiosk.body.contains("class=\"kiosk\""));
        let list = app.get("/kiosk/gulou", None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(title));
        assert!(list
            .body
            .contains("http-equiv=\"refresh\" content=\"120;url=/kiosk\""));
        let item = app.get(&format!("/kiosk/gulou/{id}"), None).await;
        assert_eq!(item.status, StatusCode::OK);
        assert!(item.body.contains("索引号"));
        assert!(item.body.contains("http-equiv=\"refresh\""));
        let list = app.get("/kiosk/gulou?category=art20-06", None).await;
        assert!(!list.body.contains(title));

        // The portal home links each agency's 专栏.
        let home = app.get("/", None).await;
        assert!(home.body.contains("href=\"/gulou/xxgk/\""));

        // Repeal: still visible, marked 已废止.
        let base = format!("/admin/agencies/gulou/publications/{id}");
        let res = app
            .post_csrf(
                &format!("{base}/repeal"),
                &approver,
                &[("repealed_on", "2099-01-01")],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "a future date is refused"
        );
        assert!(res.body.contains("【废止日期】"), "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{base}/repeal"),
                &approver,
                &[("repealed_on", &today()), ("reason", "已被新办法替代")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get(&format!("/gulou/xxgk/{id}"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("已废止"));
        let list = app
            .get("/gulou/xxgk/fdzdgknr?validity=repealed", None)
            .await;
        assert!(list.body.contains(title));
        let feed = app.get("/gulou/xxgk/feed.xml", None).await;
        assert!(feed.body.contains("（已废止）"));
    }
}

#[tokio::test]
async fn withdrawn_items_leave_the_portal() {
    for app in apps().await {
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let approver = app.login_as("gulou", Role::Approver).await;
        let id = draft_with_pii(&app, &drafter, "撤回测试").await;
        publish(&app, id).await;
        let public = format!("/gulou/xxgk/{id}");
        assert_eq!(app.get(&public, None).await.status, StatusCode::OK);
        let base = format!("/admin/agencies/gulou/publications/{id}");
        let res = app
            .post_csrf(&format!("{base}/withdraw"), &approver, &[("reason", "")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("【理由】"), "{}", res.body);
        let res = app
            .post_csrf(
                &format!("{base}/withdraw"),
                &approver,
                &[("reason", "内容有误")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&public, None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/kiosk/gulou/{id}"), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!app
            .get("/gulou/xxgk/feed.xml", None)
            .await
            .body
            .contains("撤回测试"));
        // Forms need the CSRF token.
        let res = app
            .post_form(
                &format!("{base}/withdraw"),
                Some(&approver),
                &[("csrf_token", "forged"), ("reason", "x")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.get("/nobody/xxgk/", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/gulou/xxgk/abc", None).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

/// The public cache's lifetime in the cache tests.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(3);

async fn app_with_public_cache(db: gongkai_testkit::TestDb) -> TestApp {
    TestApp::with_config(
        db,
        gongkai_web::WebConfig {
            public_cache_ttl: CACHE_TTL,
            ..Default::default()
        },
    )
    .await
}

/// The search page is cached for anonymous readers like the other public
/// pages: the agency filter's names (read from the store) stay as they were
/// within the TTL after another node's change, a signed-in reader sees the
/// change at once, everyone after the TTL; a query with an error is not
/// kept.
#[tokio::test]
async fn search_pages_are_cached_briefly_for_anonymous_readers() {
    for db in every_backend().await {
        let app = app_with_public_cache(db).await;
        app.state
            .enable_search(gongkai_search::SearchIndex::open_in_ram().unwrap())
            .unwrap();
        let label = app.db.label;
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let page = "/search?q=%E9%80%9A%E7%9F%A5";
        let first = app.get(page, None).await;
        assert_eq!(first.status, StatusCode::OK, "{label}");
        let name = app
            .store
            .agency_by_code("gulou")
            .await
            .unwrap()
            .unwrap()
            .name;
        assert!(first.body.contains(&name), "{label}");
        app.db
            .execute_behind_the_store(
                "UPDATE agencies SET name = '改名后的街道' WHERE code = 'gulou'",
            )
            .await;
        let cached = app.get(page, None).await;
        assert!(cached.body.contains(&name), "{label}");
        assert!(!cached.body.contains("改名后的街道"), "{label}");
        assert!(
            app.get(page, Some(&drafter))
                .await
                .body
                .contains("改名后的街道"),
            "{label}"
        );
        tokio::time::sleep(CACHE_TTL + std::time::Duration::from_millis(100)).await;
        assert!(
            app.get(page, None).await.body.contains("改名后的街道"),
            "{label}"
        );
        // A bad date is a 400 with its message, never kept.
        let bad = "/search?q=x&from=2024-13-45";
        assert_eq!(
            app.get(bad, None).await.status,
            StatusCode::BAD_REQUEST,
            "{label}"
        );
        assert_eq!(
            app.get(bad, None).await.status,
            StatusCode::BAD_REQUEST,
            "{label}"
        );
    }
}

/// Anonymous readers get public pages from a short cache (3 s here, 1 s by
/// default): a change
/// this process cannot see (another node's write, made here behind the
/// store's back) shows after the TTL; a write through this process shows at
/// once; a reader with a cookie always gets a fresh page.
#[tokio::test]
async fn public_pages_are_cached_briefly_and_never_stale_after_a_local_write() {
    for db in every_backend().await {
        let app = app_with_public_cache(db).await;
        let label = app.db.label;
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let id = draft_with_pii(&app, &drafter, "缓存测试").await;
        publish(&app, id).await;
        let item = format!("/gulou/xxgk/{id}");
        let list = "/gulou/xxgk/fdzdgknr";
        assert!(
            app.get(&item, None).await.body.contains("缓存测试"),
            "{label}"
        );
        assert!(
            app.get(list, None).await.body.contains("缓存测试"),
            "{label}"
        );

        // Another node renames the item: this node serves its cached pages
        // until the TTL has passed, a signed-in reader sees the change.
        app.db
            .execute_behind_the_store(&format!(
                "UPDATE publications SET title = '缓存已改' WHERE id = {id}"
            ))
            .await;
        assert!(
            app.get(&item, None).await.body.contains("缓存测试"),
            "{label}"
        );
        assert!(
            app.get(list, None).await.body.contains("缓存测试"),
            "{label}"
        );
        assert!(
            app.get(&item, Some(&drafter))
                .await
                .body
                .contains("缓存已改"),
            "{label}"
        );
        tokio::time::sleep(CACHE_TTL + std::time::Duration::from_millis(100)).await;
        assert!(
            app.get(&item, None).await.body.contains("缓存已改"),
            "{label}"
        );
        assert!(
            app.get(list, None).await.body.contains("缓存已改"),
            "{label}"
        );

        // A write through this process (a withdrawal): the next anonymous
        // read, within the TTL of the pages just cached, is fresh.
        let approver = app.login_as("gulou", Role::Approver).await;
        let res = app
            .post_csrf(
                &format!("/admin/agencies/gulou/publications/{id}/withdraw"),
                &approver,
                &[("reason", "内容有误")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(app.get(&item, None).await.status, StatusCode::NOT_FOUND);
        assert!(
            !app.get(list, None).await.body.contains("缓存已改"),
            "{label}"
        );
    }
}
