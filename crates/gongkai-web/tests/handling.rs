//! Handling pages (issue 5 §2–4) in process, on SQLite and PostgreSQL: the
//! handler queue (order, due-soon/overdue marks, masking, filters, pages,
//! repeat badges), the staff registration form (rules, errors with input
//! kept and nothing stored, CSRF, flash with hints), identity hints in the
//! API, the oversight dashboard against a hand count, and tenancy.

use axum::http::{Method, StatusCode};
use gongkai_domain::applicant::id_check_char;
use gongkai_domain::Role;
use gongkai_testkit::{every_backend, TestApp};
use serde_json::{json, Value};
use time::{Date, Duration};

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

const MASKED_ID: &str = "1101**********002X";
const REQUEST: &str = "本街道2024年老旧小区改造资金使用情况";

fn today() -> Date {
    gongkai_store::now().date()
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn person(received_on: &str, request: &str) -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "张三", "id_number": id_number(), "phone": "13812345678"},
        "channel": "in_person",
        "received_on": received_on,
        "request": request
    })
}

fn other_person(received_on: &str, request: &str) -> Value {
    json!({
        "applicant": {"kind": "natural_person", "name": "李四", "phone": "13900001111"},
        "channel": "signed_mail",
        "received_on": received_on,
        "request": request
    })
}

async fn create_in(app: &TestApp, code: &str, token: &str, body: Value) -> i64 {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/agencies/{code}/applications"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

async fn event(app: &TestApp, token: &str, id: i64, body: Value) {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/applications/{id}/events"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

/// The latest working day `r` with exactly `n` working days from `r` to today.
async fn received_for_due_in(app: &TestApp, remaining: i64) -> Date {
    let cal = app.store.calendar().await.unwrap();
    let t = today();
    // Due = r + 20 working days; we want working_days_between(t, due) == remaining.
    let mut r = t;
    loop {
        if cal.is_working_day(r).unwrap() {
            let due = cal.add_working_days(r, 20).unwrap();
            if cal.working_days_between(t, due).unwrap() == remaining {
                return r;
            }
        }
        r = r.previous_day().unwrap();
    }
}

fn pos(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in page"))
}

#[tokio::test]
async fn queue_orders_marks_masks_filters_and_flags_repeats() {
    for app in apps().await {
        let label = &app.db.label;
        let handler = app.token("gulou", Role::Handler).await;
        let overdue = create_in(&app, "gulou", &handler, person("2025-03-03", REQUEST)).await;
        let repeat = create_in(
            &app,
            "gulou",
            &handler,
            person("2025-05-06", &format!("申请公开{REQUEST}")),
        )
        .await;
        let soon_r = received_for_due_in(&app, 1).await;
        let soon = create_in(
            &app,
            "gulou",
            &handler,
            other_person(&ymd(soon_r), "某项目环境影响评价批复"),
        )
        .await;
        // Personal data inside the request text is masked in the list too.
        let fresh = create_in(
            &app,
            "gulou",
            &handler,
            other_person(
                &ymd(today()),
                &format!("请提供本人（身份证号{}）的低保审批材料", id_number()),
            ),
        )
        .await;
        let answered = create_in(
            &app,
            "gulou",
            &handler,
            other_person("2025-06-02", "已办结的申请"),
        )
        .await;
        event(
            &app,
            &handler,
            answered,
            json!({"kind": "answered", "on": "2025-06-10", "outcome": "disclosed"}),
        )
        .await;

        let login = app.login_as("gulou", Role::Handler).await;
        let page = app
            .get("/admin/agencies/gulou/applications", Some(&login))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        let b = &page.body;
        // Open ones by deadline; the answered one is not in the default queue.
        let order = [overdue, repeat, soon, fresh].map(|id| pos(b, &format!("第{id}号")));
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{label}: {order:?}");
        assert!(!b.contains(&format!("第{answered}号")), "{label}");
        // Marks in text and colour.
        assert!(b.contains("mark-overdue\">已逾期"), "{label}");
        assert!(b.contains("mark-due_soon\">即将到期"), "{label}");
        assert!(b.contains("剩余1个工作日"), "{label}");
        assert!(b.contains("mark-on_time\">未到期"), "{label}");
        // Masked, never the full ID number or phone.
        assert!(b.contains(MASKED_ID), "{label}");
        assert!(b.contains("138****5678"), "{label}");
        assert!(
            !b.contains(&id_number()),
            "{label}: the full ID number leaked"
        );
        assert!(!b.contains("13812345678"), "{label}: the full phone leaked");
        assert!(b.contains("张*"), "{label}");
        // The repeat is flagged, the first one is not.
        let badge = "badge-repeat";
        assert_eq!(b.matches(badge).count(), 1, "{label}");
        assert!(pos(b, badge) > pos(b, &format!("第{repeat}号")), "{label}");
        assert!(pos(b, badge) < pos(b, &format!("第{soon}号")), "{label}");
        assert!(b.contains(&format!("第{overdue}号申请内容相似")), "{label}");
        // Handlers get the registration link.
        assert!(
            b.contains("/admin/agencies/gulou/applications/new"),
            "{label}"
        );

        // The API shows the same hints.
        let got = app
            .api(
                Method::GET,
                &format!("/api/v1/applications/{repeat}"),
                Some(&handler),
                None,
            )
            .await
            .json();
        assert_eq!(got["hints"][0]["kind"], "repeated", "{label}: {got}");
        assert_eq!(got["hints"][0]["earlier_id"], overdue);
        assert_eq!(got["hints"][1]["kind"], "monthly_count");
        assert_eq!(got["hints"][1]["rate_yuan"], 0);

        // Filters.
        let all = app
            .get(
                "/admin/agencies/gulou/applications?status=all",
                Some(&login),
            )
            .await;
        assert!(all.body.contains(&format!("第{answered}号")), "{label}");
        let only_overdue = app
            .get(
                "/admin/agencies/gulou/applications?status=overdue",
                Some(&login),
            )
            .await;
        assert!(only_overdue.body.contains(&format!("第{overdue}号")));
        assert!(!only_overdue.body.contains(&format!("第{soon}号")));
        let from_today = app
            .get(
                &format!("/admin/agencies/gulou/applications?from={}", ymd(today())),
                Some(&login),
            )
            .await;
        assert!(from_today.body.contains(&format!("第{fresh}号")));
        assert!(!from_today.body.contains(&format!("第{overdue}号")));
        assert!(
            from_today
                .body
                .contains(&format!("value=\"{}\"", ymd(today()))),
            "filter kept"
        );
        let bad = app
            .get(
                "/admin/agencies/gulou/applications?from=2025-13-01&status=open",
                Some(&login),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.body
                .contains("收到日期（起）：“2025-13-01”不是有效日期"),
            "{}",
            bad.body
        );
        let bad_status = app
            .get(
                "/admin/agencies/gulou/applications?status=nonsense",
                Some(&login),
            )
            .await;
        assert_eq!(bad_status.status, StatusCode::BAD_REQUEST);
        assert!(bad_status.body.contains("办理状态"));
    }
}

#[tokio::test]
async fn queue_pages_and_excessive_badge() {
    for app in apps().await {
        let handler = app.token("gulou", Role::Handler).await;
        let mut ids = Vec::new();
        for i in 0..23 {
            ids.push(
                create_in(
                    &app,
                    "gulou",
                    &handler,
                    person(
                        &format!("2025-07-{:02}", i % 28 + 1),
                        &format!("第{i}件完全不同的事项：编号{}", i * 7919),
                    ),
                )
                .await,
            );
        }
        let login = app.login_as("gulou", Role::Approver).await;
        let first = app
            .get("/admin/agencies/gulou/applications", Some(&login))
            .await;
        assert!(first.body.contains("共 23 件"), "{}", first.body);
        assert!(first.body.contains("第1页，共2页"));
        assert!(first.body.contains("rel=\"next\""));
        assert!(!first.body.contains("rel=\"prev\""));
        assert!(first.body.contains(&format!("第{}号", ids[0])));
        assert!(!first.body.contains(&format!("第{}号", ids[22])));
        // More than 10 a month: every one of them is flagged.
        assert!(first.body.contains("badge-excessive"));
        let second = app
            .get("/admin/agencies/gulou/applications?page=2", Some(&login))
            .await;
        assert!(second.body.contains("第2页，共2页"));
        assert!(second.body.contains(&format!("第{}号", ids[22])));
        assert!(second.body.contains("rel=\"prev\""));
        assert_eq!(second.body.matches("class=\"status-").count(), 3);
        // A page past the end shows the last one.
        let past = app
            .get("/admin/agencies/gulou/applications?page=99", Some(&login))
            .await;
        assert!(past.body.contains("第2页，共2页"));
    }
}

#[tokio::test]
async fn registration_form_rules_errors_csrf_and_success() {
    for app in apps().await {
        let label = &app.db.label;
        let login = app.login_as("gulou", Role::Handler).await;
        let form = app
            .get("/admin/agencies/gulou/applications/new", Some(&login))
            .await;
        assert_eq!(form.status, StatusCode::OK, "{label}");
        for rule in [
            "以提交之日为收到申请之日",
            "以本机关签收之日为收到申请之日",
            "应于收到信函当日与申请人确认",
            "通过政府信息公开工作机构的传真提交的，以双方确认之日",
            "本平台在线申请以外",
        ] {
            assert!(form.body.contains(rule), "{label}: {rule}");
        }
        assert!(form.body.contains("aria-describedby=\"rules\""));
        assert!(form.body.contains("name=\"csrf_token\""));

        let rows = || async { app.store.count_rows("applications").await.unwrap() };
        let before = rows().await;
        let tomorrow = ymd(today() + Duration::days(1));
        let bad_id = "110105194912310021";
        let bad = app
            .post_csrf(
                "/admin/agencies/gulou/applications/new",
                &login,
                &[
                    ("channel", "ordinary_mail"),
                    ("received_on", &tomorrow),
                    ("kind", "natural_person"),
                    ("name", "李四"),
                    ("id_number", bad_id),
                    ("phone", "1381234"),
                    ("request", "本街道2025年道路维修合同"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{label}: {}", bad.body);
        let b = &bad.body;
        assert!(b.contains("居民身份证号校验位不正确"), "{label}: {b}");
        assert!(b.contains("收到申请日期："), "{label}");
        assert!(b.contains("晚于今天"), "{label}");
        assert!(b.contains("联系电话"), "{label}");
        assert!(b.contains("href=\"#f-id_number\""), "{label}");
        assert!(b.contains("aria-invalid=\"true\""));
        // Input kept.
        assert!(b.contains("value=\"李四\""), "{label}");
        assert!(b.contains(&format!("value=\"{bad_id}\"")), "{label}");
        assert!(b.contains("本街道2025年道路维修合同</textarea>"), "{label}");
        assert!(
            b.contains("<option value=\"ordinary_mail\" selected>"),
            "{label}"
        );
        assert_eq!(rows().await, before, "{label}: nothing stored");

        // Missing name and request, unknown channel.
        let empty = app
            .post_csrf(
                "/admin/agencies/gulou/applications/new",
                &login,
                &[
                    ("channel", "pigeon"),
                    ("received_on", "2025-02-30"),
                    ("kind", "natural_person"),
                ],
            )
            .await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        for text in [
            "提交渠道：",
            "“2025-02-30”不是有效日期",
            "申请人姓名或名称不能为空",
            "申请公开的政府信息描述：不能为空",
            "请至少填写一种联系方式",
        ] {
            assert!(empty.body.contains(text), "{label}: {text}");
        }
        assert_eq!(rows().await, before);

        // Without the CSRF token: refused, nothing stored.
        let forged = app
            .post_form(
                "/admin/agencies/gulou/applications/new",
                Some(&login),
                &[
                    ("channel", "in_person"),
                    ("received_on", "2025-03-03"),
                    ("kind", "natural_person"),
                    ("name", "李四"),
                    ("phone", "13900001111"),
                    ("request", "某事项"),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(rows().await, before);

        // Success: stored with the channel and date, redirect to the application, flash with hints.
        let idn = id_number();
        let fields = [
            ("channel", "ordinary_mail"),
            ("received_on", "2025-03-03"),
            ("kind", "natural_person"),
            ("name", "王五"),
            ("id_number", idn.as_str()),
            ("phone", "13812345678"),
            ("request", REQUEST),
        ];
        let ok = app
            .post_csrf("/admin/agencies/gulou/applications/new", &login, &fields)
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{label}: {}", ok.body);
        let location = ok.location().unwrap().to_string();
        let id: i64 = location
            .strip_prefix("/admin/applications/")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(rows().await, before + 1);
        let flash = ok.cookie("gk_flash").unwrap();
        assert_eq!(flash, format!("registered.{id}"));
        let token = app.token("gulou", Role::Handler).await;
        let stored = app
            .api(
                Method::GET,
                &format!("/api/v1/applications/{id}"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(stored["channel"], "ordinary_mail");
        assert_eq!(stored["received_on"], "2025-03-03");
        assert_eq!(stored["due_on"], "2025-03-31");

        // A second, similar one: the flash names the repeat.
        let mut fields2 = vec![("channel", "fax"), ("received_on", "2025-04-01")];
        fields2.extend_from_slice(&fields[2..]);
        let ok2 = app
            .post_csrf("/admin/agencies/gulou/applications/new", &login, &fields2)
            .await;
        assert_eq!(ok2.status, StatusCode::SEE_OTHER, "{label}: {}", ok2.body);
        let flash2 = ok2.cookie("gk_flash").unwrap();
        let id2 = flash2.strip_prefix("registered.").unwrap().to_string();
        let with_flash = gongkai_testkit::app::Login {
            cookie: format!("{}; gk_flash={flash2}", login.cookie),
            csrf: login.csrf.clone(),
        };
        let queue = app
            .get("/admin/agencies/gulou/applications", Some(&with_flash))
            .await;
        assert!(
            queue.body.contains(&format!("申请已登记：第{id2}号")),
            "{label}: {}",
            queue.body
        );
        assert!(queue.body.contains("疑似重复申请"), "{label}");
        assert!(
            queue.body.contains(&format!("第{id}号申请内容相似")),
            "{label}"
        );
        assert!(queue
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("gk_flash=;")));
    }
}

#[tokio::test]
async fn tenancy_of_queue_form_and_dashboard() {
    for app in apps().await {
        let label = &app.db.label;
        let handler = app.token("gulou", Role::Handler).await;
        let id = create_in(&app, "gulou", &handler, person("2025-03-03", REQUEST)).await;

        let sibling = app.login_as("sibling", Role::Handler).await;
        for path in [
            "/admin/agencies/gulou/applications",
            "/admin/agencies/gulou/applications/new",
            "/admin/agencies/gulou/dashboard",
        ] {
            let res = app.get(path, Some(&sibling)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}: {path}");
            assert!(!res.body.contains(MASKED_ID));
        }
        let before = app.store.count_rows("applications").await.unwrap();
        let post = app
            .post_csrf(
                "/admin/agencies/gulou/applications/new",
                &sibling,
                &[
                    ("channel", "in_person"),
                    ("received_on", "2025-03-03"),
                    ("kind", "natural_person"),
                    ("name", "李四"),
                    ("phone", "13900001111"),
                    ("request", "某事项"),
                ],
            )
            .await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(app.store.count_rows("applications").await.unwrap(), before);

        // Drafters never see applicants.
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let res = app
            .get("/admin/agencies/gulou/applications", Some(&drafter))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let home = app.get("/admin", Some(&drafter)).await;
        assert!(
            !home.body.contains("/admin/agencies/gulou/applications"),
            "{label}"
        );

        // The supervisor above reads, without the registration link.
        let sup = app.login_as("district", Role::Supervisor).await;
        let res = app
            .get("/admin/agencies/gulou/applications", Some(&sup))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{label}");
        assert!(res.body.contains(&format!("第{id}号")));
        assert!(res.body.contains("只读"));
        assert!(!res.body.contains("/applications/new"), "{label}");
        assert!(!res.body.contains(&id_number()));
        let form = app
            .get("/admin/agencies/gulou/applications/new", Some(&sup))
            .await;
        assert_eq!(form.status, StatusCode::FORBIDDEN);
        let home = app.get("/admin", Some(&sup)).await;
        assert!(
            home.body.contains("/admin/agencies/district/dashboard"),
            "{label}"
        );
        assert!(!home
            .body
            .contains("/admin/agencies/district/applications/new"));
        let home = app
            .get("/admin", Some(&app.login_as("gulou", Role::Handler).await))
            .await;
        assert!(
            home.body.contains("/admin/agencies/gulou/applications/new"),
            "{label}"
        );

        // Anonymous: login first; unknown agency: 404.
        let anon = app.get("/admin/agencies/gulou/applications", None).await;
        assert_eq!(anon.status, StatusCode::SEE_OTHER);
        let nowhere = app
            .get("/admin/agencies/nowhere/applications", Some(&sup))
            .await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

        // The dashboard API: 401 without a token, 403 for the sibling.
        let res = app
            .api(Method::GET, "/api/v1/agencies/gulou/dashboard", None, None)
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        let sib = app.token("sibling", Role::Handler).await;
        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/dashboard",
                Some(&sib),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(res.json()["error"]["code"], "forbidden");
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/applications/{id}"),
                Some(&sib),
                None,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::NOT_FOUND,
            "no hints for other agencies"
        );
    }
}

#[tokio::test]
async fn dashboard_numbers_equal_a_hand_count() {
    for app in apps().await {
        let label = &app.db.label;
        let gulou = app.token("gulou", Role::Handler).await;
        let approver = app.token("gulou", Role::Approver).await;
        let sibling = app.token("sibling", Role::Handler).await;
        // gulou, 2025: A answered on time (disclosed, March); B answered late
        // (partly, April); C extended one working day before its deadline
        // (stalling), still open; D withdrawn in May; E received 2025-12-01, open.
        let a = create_in(&app, "gulou", &gulou, other_person("2025-03-03", "甲")).await;
        event(
            &app,
            &gulou,
            a,
            json!({"kind": "answered", "on": "2025-03-20", "outcome": "disclosed"}),
        )
        .await;
        let b = create_in(&app, "gulou", &gulou, other_person("2025-03-03", "乙")).await;
        event(
            &app,
            &gulou,
            b,
            json!({"kind": "answered", "on": "2025-04-10", "outcome": "partly_disclosed"}),
        )
        .await;
        let c = create_in(&app, "gulou", &gulou, other_person("2025-03-03", "丙")).await;
        event(
            &app,
            &approver,
            c,
            json!({"kind": "extension_approved", "on": "2025-03-28", "days": 10}),
        )
        .await;
        let d = create_in(&app, "gulou", &gulou, other_person("2025-05-06", "丁")).await;
        event(
            &app,
            &gulou,
            d,
            json!({"kind": "withdrawn", "on": "2025-05-08"}),
        )
        .await;
        create_in(&app, "gulou", &gulou, other_person("2025-12-01", "戊")).await;
        // sibling, 2025: one answered withheld in June (on time), one open.
        let s1 = create_in(&app, "sibling", &sibling, other_person("2025-06-02", "己")).await;
        event(&app, &sibling, s1, json!({"kind": "answered", "on": "2025-06-05", "outcome": "withheld.third_party_rights"})).await;
        create_in(&app, "sibling", &sibling, other_person("2025-06-03", "庚")).await;

        let res = app
            .api(
                Method::GET,
                "/api/v1/agencies/gulou/dashboard?year=2025",
                Some(&gulou),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{label}: {}", res.body);
        let j = res.json();
        let t = &j["total"];
        assert_eq!(
            j["agencies"].as_array().unwrap().len(),
            1,
            "a handler sees its agency only"
        );
        assert_eq!(t["received"], 5, "{label}: {t}");
        assert_eq!(t["open"], 2);
        assert_eq!(t["overdue"], 2);
        assert_eq!(t["due_soon"], 0);
        assert_eq!(t["closed"], 3);
        assert_eq!(t["answered_late"], 1);
        assert_eq!(j["categories"][0], "予以公开");
        assert_eq!(t["by_month"][2]["counts"], json!([1, 0, 0, 0, 0, 0]));
        assert_eq!(t["by_month"][3]["counts"], json!([0, 1, 0, 0, 0, 0]));
        assert_eq!(t["by_month"][4]["counts"], json!([0, 0, 0, 0, 0, 1]));
        assert_eq!(t["stalling"].as_array().unwrap().len(), 1);
        assert_eq!(t["stalling"][0]["application_id"], c);
        assert_eq!(t["stalling"][0]["event"], "extension_approved");
        assert_eq!(t["stalling"][0]["remaining_working_days"], 1);
        assert_eq!(t["stalling"][0]["due_before"], "2025-03-31");

        // The supervisor above: district + gulou + sibling, added up.
        let sup = app.token("district", Role::Supervisor).await;
        let j = app
            .api(
                Method::GET,
                "/api/v1/agencies/district/dashboard?year=2025",
                Some(&sup),
                None,
            )
            .await
            .json();
        let codes: Vec<&str> = j["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["agency"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["district", "gulou", "sibling"], "{label}");
        let t = &j["total"];
        assert_eq!(
            (
                t["received"].as_i64(),
                t["open"].as_i64(),
                t["closed"].as_i64()
            ),
            (Some(7), Some(3), Some(4)),
            "{label}: {t}"
        );
        assert_eq!(t["by_month"][5]["counts"], json!([0, 0, 1, 0, 0, 0]));
        let bad = app
            .api(
                Method::GET,
                "/api/v1/agencies/district/dashboard?year=1900",
                Some(&sup),
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["code"], "invalid_input");
        assert!(bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("year"));

        // The page: same numbers, chart, per-agency table, stalling link.
        let login = app.login_as("district", Role::Supervisor).await;
        let page = app
            .get("/admin/agencies/district/dashboard?year=2025", Some(&login))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        let body = &page.body;
        assert!(body.contains("（含下级机关）"));
        assert!(
            body.contains("<th scope=\"row\">本年度收到</th><td class=\"num\">7</td>"),
            "{label}: {body}"
        );
        assert!(body.contains("<th scope=\"row\">本年度逾期答复</th><td class=\"num\">1</td>"));
        assert!(body.contains("<svg class=\"chart\" role=\"img\""));
        assert!(body.contains("全年共办结 4 件"));
        assert!(body.contains(&format!("/admin/applications/{c}")));
        assert!(body.contains("测试区兄弟街道办事处"));
        assert!(body.contains("/admin/agencies/gulou/dashboard?year=2025"));
        let handler_page = app
            .get(
                "/admin/agencies/gulou/dashboard?year=2025",
                Some(&app.login_as("gulou", Role::Handler).await),
            )
            .await;
        assert!(!handler_page.body.contains("各机关情况"));
        assert!(
            handler_page
                .body
                .contains("批准延期，距答复期限 2025-03-31 仅剩1个工作日"),
            "{label}"
        );
    }
}
