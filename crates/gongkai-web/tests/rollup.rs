//! The supervisors' roll-up (issue 7 §5) on SQLite and PostgreSQL: reports
//! of agencies not on the platform imported on the page and over the API,
//! listed 「导入」 and summed (or listed but not summed when they have
//! errors), replaced with history, deleted, refused when unreadable or
//! not the importer's; the R6 chain against last year's import; the charts
//! and the XLSX export.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::{ConsoleOperator, Role};
use gongkai_testkit::app::Login;
use gongkai_testkit::{every_backend, TestApp, TestResponse};

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

/// Table 三 figures of a fixture (natural persons only).
#[derive(Clone, Copy)]
struct Figures {
    new: i64,
    carried_in: i64,
    disclosed: i64,
    not_held: i64,
    /// Added to 四、结转下年度 on top of the balance (non-zero breaks R1).
    r1_error: i64,
}

impl Figures {
    fn carried_out(&self) -> i64 {
        self.new + self.carried_in - self.disclosed - self.not_held + self.r1_error
    }
}

/// Table 三 rows (label, figure for natural persons) in the 2021 format.
fn application_rows(f: &Figures) -> Vec<(&'static str, &'static str, i64)> {
    let total = f.disclosed + f.not_held;
    vec![
        ("", "一、本年新收政府信息公开申请数量", f.new),
        ("", "二、上年结转政府信息公开申请数量", f.carried_in),
        ("三、本年度办理结果", "（一）予以公开", f.disclosed),
        (
            "",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            0,
        ),
        ("（三）不予公开", "1.属于国家秘密", 0),
        ("", "2.其他法律行政法规禁止公开", 0),
        ("", "3.危及“三安全一稳定”", 0),
        ("", "4.保护第三方合法权益", 0),
        ("", "5.属于三类内部事务信息", 0),
        ("", "6.属于四类过程性信息", 0),
        ("", "7.属于行政执法案卷", 0),
        ("", "8.属于行政查询事项", 0),
        ("（四）无法提供", "1.本机关不掌握相关政府信息", f.not_held),
        ("", "2.没有现成信息需要另行制作", 0),
        ("", "3.补正后申请内容仍不明确", 0),
        ("（五）不予处理", "1.信访举报投诉类申请", 0),
        ("", "2.重复申请", 0),
        ("", "3.要求提供公开出版物", 0),
        ("", "4.无正当理由大量反复申请", 0),
        ("", "5.要求行政机关确认或重新出具已获取信息", 0),
        (
            "（六）其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            0,
        ),
        (
            "",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            0,
        ),
        ("", "3.其他", 0),
        ("", "（七）总计", total),
        ("", "四、结转下年度继续办理", f.carried_out()),
    ]
}

/// A report as text extracted from a DOCX, in the seed's layout: each table
/// cell a tab-indented line, rows separated by blank lines. Written for
/// these tests (figures chosen here), not copied from any real report.
fn fixture(agency: &str, year: i32, f: &Figures) -> String {
    let mut t = format!(
        "{agency}{year}年政府信息公开工作年度报告\n本报告由{agency}编制。\n一、总体情况\n{year}年度，共收到政府信息公开申请{}件。\n二、主动公开政府信息情况\n",
        f.new
    );
    let block = |t: &mut String, caption: &str, header: &[&str], rows: &[(&str, usize)]| {
        t.push_str(&format!("\t{caption}\n\n"));
        for h in header {
            t.push_str(&format!("\t{h}\n"));
        }
        t.push('\n');
        for (label, cells) in rows {
            t.push_str(&format!("\t{label}\n"));
            for _ in 0..*cells {
                t.push_str("\t0\n");
            }
            t.push('\n');
        }
    };
    block(
        &mut t,
        "第二十条第（一）项",
        &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        &[("规章", 3), ("行政规范性文件", 3)],
    );
    block(
        &mut t,
        "第二十条第（五）项",
        &["信息内容", "本年处理决定数量"],
        &[("行政许可", 1)],
    );
    block(
        &mut t,
        "第二十条第（六）项",
        &["信息内容", "本年处理决定数量"],
        &[("行政处罚", 1), ("行政强制", 1)],
    );
    block(
        &mut t,
        "第二十条第（八）项",
        &["信息内容", "本年收费金额（单位：万元）"],
        &[("行政事业性收费", 1)],
    );
    t.push_str("\n三、收到和处理政府信息公开申请情况\n");
    t.push_str("\t（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n\t申请人情况\n\n\t\n\t自然人\n\t法人或其他组织\n\t总计\n\n\t\n\t\n\t商业企业\n\t科研机构\n\t社会公益组织\n\t法律服务机构\n\t其他\n\t\n\t\n\n");
    for (group, label, n) in application_rows(f) {
        if !group.is_empty() {
            t.push_str(&format!("\t{group}\n"));
        } else if label.starts_with(|c: char| c.is_ascii_digit()) || label.starts_with('（') {
            t.push_str("\t\n");
        }
        t.push_str(&format!("\t{label}\n\t{n}\n"));
        for _ in 0..5 {
            t.push_str("\t0\n");
        }
        t.push_str(&format!("\t{n}\n\t\n\n"));
    }
    t.push_str("\n四、政府信息公开行政复议、行政诉讼情况\n\t行政复议\n\t行政诉讼\n\n");
    for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] {
        t.push_str(&format!("\t{h}\n"));
    }
    t.push_str("\t未经复议直接起诉\n\t复议后起诉\n\n");
    for _ in 0..5 {
        t.push_str("\t\n");
    }
    for _ in 0..2 {
        for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] {
            t.push_str(&format!("\t{h}\n"));
        }
    }
    t.push_str("\t\n\n");
    for _ in 0..15 {
        t.push_str("\t0\n");
    }
    t.push_str(
        "\t\n\n五、存在的主要问题及改进情况\n宣传工作需要加强。\n六、其他需要报告的事项\n无。\n",
    );
    t
}

const ROLLUP: &str = "/admin/agencies/district/reports/2025/rollup";

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "XgongkaiRollup5";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn page_import(
    app: &TestApp,
    login: &Login,
    path: &str,
    name: &str,
    file: (&str, &[u8]),
) -> TestResponse {
    let (ct, body) = multipart(
        &[("csrf_token", &login.csrf), ("agency_name", name)],
        Some(file),
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{path}/imports"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, &login.cookie)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

async fn api_import(
    app: &TestApp,
    token: Option<&str>,
    agency: &str,
    year: i32,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> TestResponse {
    let (ct, body) = multipart(fields, Some(file));
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/agencies/{agency}/reports/{year}/imports"))
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, ct);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    app.send(b.body(Body::from(body)).unwrap()).await
}

/// Audit entries of imports and deletions in district; every stored
/// version of district's imports of 2025 must have one.
async fn imports_count(app: &TestApp) -> usize {
    let view = ConsoleOperator::local()
        .admin_of(app.seeded.district.id)
        .view();
    let audited = app
        .store
        .audit_entries(&view, 500)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action.starts_with("report_import."))
        .count();
    let stored = app.store.report_import_history(&view, 2025).await.unwrap();
    assert!(stored.len() <= audited);
    audited
}

fn good(new: i64) -> Figures {
    Figures {
        new,
        carried_in: 0,
        disclosed: new - 1,
        not_held: 0,
        r1_error: 0,
    }
}

#[tokio::test]
async fn imported_reports_join_the_rollup() {
    for app in apps().await {
        let label = app.db.label;
        let supervisor = app.login_as("district", Role::Supervisor).await;
        let text = fixture("测试区外站街道办事处", 2025, &good(7));

        // Imported on the page: listed 「导入」, summed with its findings.
        let res = page_import(
            &app,
            &supervisor,
            ROLLUP,
            "测试区外站街道办事处",
            ("外站街道2025年报.txt", text.as_bytes()),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}: {}", res.body);
        let page = app.get(ROLLUP, Some(&supervisor)).await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        assert!(page.body.contains("年报已导入") || page.body.contains("测试区外站街道办事处"));
        assert!(page.body.contains("测试区外站街道办事处"), "{label}");
        assert!(
            page.body.contains("<span class=\"tag\">导入</span>"),
            "{label}"
        );
        assert!(page.body.contains("外站街道2025年报.txt"));
        assert!(page.body.contains(">导入的年报<"), "{label}: summed");
        // The sum: 7 new applications, all from the import (gulou and sibling have none).
        let api = app.token("district", Role::Supervisor).await;
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/district/reports/2025/imports",
                Some(&api),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let first = &list.json()[0];
        assert_eq!(first["agency_name"], "测试区外站街道办事处");
        assert_eq!(first["summed"], true, "{}", list.body);
        assert_eq!(first["errors"], 0, "{}", list.body);
        assert_eq!(first["version"], 1);
        assert_eq!(
            first["report"]["applications"]["rows"]["new"][6], 7,
            "{}",
            list.body
        );
        // Charts: the outcome and agency charts are drawn, with titles.
        assert!(page.body.contains("role=\"img\""), "{label}");
        assert!(
            page.body
                .contains("<title>测试区外站街道办事处：7件</title>"),
            "{label}"
        );
        assert!(
            page.body.contains("<title>予以公开：6件</title>"),
            "{label}"
        );
        assert!(page.body.contains("汇总表通过勾稽关系检查"), "{label}");

        // The XLSX export lists the import, marked, and sums it.
        let xlsx = app.get(&format!("{ROLLUP}.xlsx"), Some(&supervisor)).await;
        assert_eq!(xlsx.status, StatusCode::OK, "{label}");

        // Re-import the same name: replaced, version 2, history kept.
        let res = api_import(
            &app,
            Some(&api),
            "district",
            2025,
            &[("agency_name", "测试区外站街道办事处")],
            (
                "外站2.txt",
                fixture("测试区外站街道办事处", 2025, &good(9)).as_bytes(),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{label}: {}", res.body);
        assert_eq!(res.json()["version"], 2);
        let list = app
            .api(
                Method::GET,
                "/api/v1/agencies/district/reports/2025/imports",
                Some(&api),
                None,
            )
            .await;
        assert_eq!(list.json().as_array().unwrap().len(), 1, "{label}");
        assert_eq!(
            list.json()[0]["report"]["applications"]["rows"]["new"][6],
            9
        );

        // An import with an R1 error: stored and listed with its errors, not summed.
        let bad = Figures {
            r1_error: 2,
            ..good(5)
        };
        let res = api_import(
            &app,
            Some(&api),
            "district",
            2025,
            &[
                ("agency_name", "测试区错账街道办事处"),
                ("agency_code", "cuozhang-01"),
            ],
            (
                "错账.txt",
                fixture("测试区错账街道办事处", 2025, &bad).as_bytes(),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{label}: {}", res.body);
        assert_eq!(res.json()["summed"], false, "{}", res.body);
        assert!(res.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "R1"));
        let page = app.get(ROLLUP, Some(&supervisor)).await;
        assert!(page.body.contains("测试区错账街道办事处"));
        assert!(page.body.contains("有错误，未计入汇总"), "{label}");
        assert!(page.body.contains("有1份导入的年报因检查有错误"), "{label}");
        assert!(page
            .body
            .contains("<title>测试区外站街道办事处：9件</title>"));
        assert!(
            !page.body.contains("<title>测试区错账街道办事处"),
            "not in the agency chart"
        );
        assert!(
            page.body.contains("汇总表通过勾稽关系检查"),
            "{label}: the sum stays clean"
        );

        // R6 chain: last year's import of the same name carried 3 over; this year says 0.
        let last = Figures {
            new: 4,
            carried_in: 0,
            disclosed: 1,
            not_held: 0,
            r1_error: 0,
        };
        let res = api_import(
            &app,
            Some(&api),
            "district",
            2024,
            &[("agency_name", "测试区外站街道办事处")],
            (
                "外站2024.txt",
                fixture("测试区外站街道办事处", 2024, &last).as_bytes(),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::CREATED, "{label}: {}", res.body);
        let page = app.get(ROLLUP, Some(&supervisor)).await;
        assert!(page.body.contains("不一致（R6）"), "{label}");
        assert!(
            page.body.contains("R6 "),
            "{label}: the import's findings carry R6"
        );
        assert!(
            page.body.contains("<title>2024年 本年新收：4件</title>"),
            "{label}: years chart"
        );

        // Delete: gone from the list and the sum, audited.
        let id = list.json()[0]["id"].as_i64().unwrap();
        let res = app
            .post_csrf(&format!("{ROLLUP}/imports/{id}/delete"), &supervisor, &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}: {}", res.body);
        let page = app.get(ROLLUP, Some(&supervisor)).await;
        assert!(!page.body.contains("外站2.txt"), "{label}");
        let again = app
            .api(
                Method::DELETE,
                &format!("/api/v1/agencies/district/reports/2025/imports/{id}"),
                Some(&api),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(again.json()["error"]["code"], "import_not_found");
        assert_eq!(
            imports_count(&app).await,
            5,
            "{label}: 4 imports + 1 delete audited"
        );
    }
}

#[tokio::test]
async fn imports_are_refused_when_unreadable_or_not_theirs() {
    for app in apps().await {
        let label = app.db.label;
        let text = fixture("测试区外站街道办事处", 2025, &good(3));
        let file = ("外站.txt", text.as_bytes());
        let fields = [("agency_name", "测试区外站街道办事处")];

        // Anonymous: 401.
        let res = api_import(&app, None, "district", 2025, &fields, file).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{label}");

        // gulou's supervisor-less staff: a member of gulou may not import into gulou…
        let gulou_admin = app.token("gulou", Role::Approver).await;
        let res = api_import(&app, Some(&gulou_admin), "gulou", 2025, &fields, file).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}: {}", res.body);
        // …nor into district, which is above it (no staff view at all).
        let gulou_super = app.token("gulou", Role::Supervisor).await;
        let res = api_import(&app, Some(&gulou_super), "district", 2025, &fields, file).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}: {}", res.body);
        // gulou's supervisor may not import into its sibling either.
        let res = api_import(&app, Some(&gulou_super), "sibling", 2025, &fields, file).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}: {}", res.body);
        // An unknown agency: 404.
        let district = app.token("district", Role::Supervisor).await;
        let res = api_import(&app, Some(&district), "nowhere", 2025, &fields, file).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{label}");

        // Unreadable files: clear Chinese errors naming the field, nothing stored.
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &fields,
            ("年报.docx", b"not a zip at all"),
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], "unreadable_report");
        assert!(res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("字段 年报文件"));
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &fields,
            ("随笔.txt", "今天天气很好，没有表格。".as_bytes()),
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}");
        assert!(res.body.contains("没有找到年度报告的表格"), "{}", res.body);
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &fields,
            ("年报.pdf", b"%PDF-1.4 ..."),
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}");
        assert!(res.body.contains("PDF"), "{}", res.body);
        // Another year in the file.
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &fields,
            (
                "外站.txt",
                fixture("测试区外站街道办事处", 2023, &good(3)).as_bytes(),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}: {}", res.body);
        assert!(res.body.contains("2023"), "{}", res.body);
        // An agency that is on the platform.
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &[("agency_name", "测试区鼓楼街道办事处")],
            file,
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(res.json()["error"]["code"], "agency_on_platform");
        // A bad code.
        let res = api_import(
            &app,
            Some(&district),
            "district",
            2025,
            &[
                ("agency_name", "测试区外站街道办事处"),
                ("agency_code", "a b"),
            ],
            file,
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}");
        assert!(res.body.contains("字段 机关代码"), "{}", res.body);
        assert_eq!(imports_count(&app).await, 0, "{label}: nothing stored");

        // On the page: the error is shown with the form, nothing stored; a
        // missing CSRF token is refused.
        let supervisor = app.login_as("district", Role::Supervisor).await;
        let res = page_import(&app, &supervisor, ROLLUP, "某机关", ("年报.docx", b"xx")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}");
        assert!(res.body.contains("role=\"alert\""), "{}", res.body);
        assert!(res.body.contains("value=\"某机关\""));
        let mut no_csrf = supervisor.clone();
        no_csrf.csrf = "wrong".into();
        let res = page_import(&app, &no_csrf, ROLLUP, "某机关", file).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{label}");
        // A drafter of gulou sees gulou's roll-up but no import form.
        let drafter = app.login_as("gulou", Role::Drafter).await;
        let page = app
            .get("/admin/agencies/gulou/reports/2025/rollup", Some(&drafter))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("rollup/imports\""));
        assert_eq!(imports_count(&app).await, 0, "{label}: nothing stored");
    }
}
