//! End to end in real headless Chromium against `serve --demo` (issue 7):
//! 鼓楼街道's approver edits the narrative of last year's report and submits
//! it; 兖州区's supervisor accepts it; the approver publishes it; it appears
//! on the public 专栏 and downloads as DOCX and PDF. SQLite and PostgreSQL.

mod common;

use fantoccini::Locator;
use gongkai_testkit::browser::Browser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn fill(b: &Browser, css: &str, value: &str) {
    let el = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.clear().await.expect("clear");
    el.send_keys(value).await.expect("type");
}

async fn click(b: &Browser, css: &str) {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

async fn wait_for(b: &Browser, needle: &str) -> String {
    let started = std::time::Instant::now();
    let mut last = String::new();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        if let Ok(body) = b.client.find(Locator::Css("body")).await {
            if let Ok(text) = body.text().await {
                if text.contains(needle) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("page never showed {needle:?}; last text:\n{last}");
}

async fn login(b: &Browser, base: &str, username: &str, password: &str) {
    b.client
        .goto(&format!("{base}/login"))
        .await
        .expect("goto login");
    fill(b, "#username", username).await;
    fill(b, "#password", password).await;
    click(b, "form[action='/login'] button[type=submit]").await;
    wait_for(b, "工作台").await;
}

async fn logout(b: &Browser) {
    click(b, "header form[action='/logout'] button").await;
    wait_for(b, "忘记密码请联系本机关管理员").await;
}

/// Status line, headers and body of a plain GET.
async fn http_get(base: &str, path: &str) -> (String, Vec<u8>) {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    (
        String::from_utf8_lossy(&raw[..split]).into_owned(),
        raw[split + 4..].to_vec(),
    )
}

#[tokio::test]
async fn staff_edit_submit_supervisor_accepts_report_is_published() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let year = gongkai_store::now().year() - 1;
    for (label, db) in common::backends().await {
        db.store.close().await;
        let server = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        let base = server.base.clone();
        let approver_pw = common::demo_password(&server.banner, "gulou-approver");
        let supervisor_pw = common::demo_password(&server.banner, "yanzhou-supervisor");
        let page = format!("{base}/admin/agencies/gulou/reports/{year}");

        login(&browser, &base, "gulou-approver", &approver_pw).await;
        browser.client.goto(&page).await.expect("report page");
        wait_for(&browser, "编辑报告正文").await;
        fill(
            &browser,
            "#section4",
            "存在问题：端到端测试发现专栏更新不够及时。改进：每周检查。",
        )
        .await;
        click(&browser, "form[action$='/narrative'] button[type=submit]").await;
        wait_for(&browser, "报告正文已保存").await;
        click(&browser, "form[action$='/submit'] button[type=submit]").await;
        let text = wait_for(&browser, "年报已报送上级机关审核").await;
        assert!(text.contains("已报送上级"), "{label}: {text}");
        logout(&browser).await;

        login(&browser, &base, "yanzhou-supervisor", &supervisor_pw).await;
        browser.client.goto(&page).await.expect("report page");
        wait_for(&browser, "退回修改").await;
        click(&browser, "form[action$='/accept'] button[type=submit]").await;
        wait_for(&browser, "年报已审核通过，可以发布").await;
        logout(&browser).await;

        login(&browser, &base, "gulou-approver", &approver_pw).await;
        browser.client.goto(&page).await.expect("report page");
        click(&browser, "form[action$='/publish'] button[type=submit]").await;
        wait_for(&browser, "年报已发布").await;
        browser
            .screenshot(&format!("e2e-report-published-{label}"))
            .await;
        logout(&browser).await;

        browser
            .client
            .goto(&format!("{base}/gulou/xxgk/reports"))
            .await
            .expect("public list");
        wait_for(&browser, &format!("{year}年政府信息公开工作年度报告")).await;
        click(&browser, &format!("a[href='/gulou/xxgk/reports/{year}']")).await;
        let text = wait_for(&browser, "端到端测试发现专栏更新不够及时").await;
        assert!(
            text.contains("本年制发件数") && text.contains("第1版"),
            "{label}"
        );
        for (ext, kind, magic) in [
            ("docx", "wordprocessingml", &b"PK"[..]),
            ("pdf", "application/pdf", &b"%PDF"[..]),
        ] {
            let (head, body) = http_get(&base, &format!("/gulou/xxgk/reports/{year}.{ext}")).await;
            assert!(
                head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
                "{label} {ext}: {head}"
            );
            assert!(head.contains(kind), "{label} {ext}: {head}");
            assert!(body.starts_with(magic), "{label}: {ext} body");
        }
        drop(server);
    }
    browser.close().await;
}

fn seed_report() -> Option<serde_json::Value> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = ["../../../shared/corpus", "../../../../shared/corpus"]
        .iter()
        .map(|d| here.join(d).join("seed-2021-gulou.txt"))
        .find(|p| p.exists())?;
    let bytes = std::fs::read(path).ok()?;
    let doc = gongkai_docs::read_text(&bytes).ok()?;
    let out = gongkai_report::read_report(&doc);
    Some(gongkai_report::to_json_value(&out.report, &[]))
}

/// Acceptance: with the demo, the 2021 report of 鼓楼街道 is public and its
/// tables equal the seed's (by hand, and against the seed file when present).
#[tokio::test]
async fn demo_publishes_gulou_2021_with_the_seeds_tables() {
    for (label, db) in common::backends().await {
        db.store.close().await;
        let started = std::time::Instant::now();
        let server = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        eprintln!("{label}: demo start took {:?}", started.elapsed());
        assert!(
            server.banner.contains("2021年的记录并发布"),
            "{label}: {}",
            server.banner
        );
        let (head, body) = http_get(&server.base, "/api/v1/agencies/gulou/reports/2021").await;
        assert!(head.contains(" 200 "), "{label}: {head}");
        let got: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(got["year"], 2021);
        let rows = got["applications"]["rows"].as_object().expect("rows");
        for (id, row) in rows {
            let expected = if id == "new" || id == "carried_out" {
                serde_json::json!([1, 0, 0, 0, 0, 0, 1])
            } else {
                serde_json::json!([0, 0, 0, 0, 0, 0, 0])
            };
            assert_eq!(row, &expected, "{label}: row {id}");
        }
        for block in got["appeals"].as_object().expect("appeals").values() {
            assert_eq!(block["total"], 0);
        }
        assert_eq!(got["proactive"]["normative_documents"]["issued"], 0);
        let text = got["narrative"]["sections"][0].as_str().unwrap_or_default();
        assert!(
            text.contains("信息员35名") && text.contains("培训2次，参训104人次"),
            "{text}"
        );
        // 主动公开 as the seed states it: 45 portal items by class with
        // percentages, 251 on the 政务微信公众号.
        for part in [
            "在政府网站主动公开政府信息45条",
            "文件类信息18条，占总数的40%",
            "工作动态类信息22条，占总数的48.9%",
            "其他类信息5条，占总数的11.1%",
            "通过政务微信公众号公开信息251条",
        ] {
            assert!(text.contains(part), "{label}: {part} in {text}");
        }
        assert!(
            got["findings"]
                .as_array()
                .is_none_or(|f| f.iter().all(|x| x["rule"] != "TEXT")),
            "{label}: {}",
            got["findings"]
        );
        if let Some(seed) = seed_report() {
            eprintln!("{label}: comparing with the seed report");
            for key in ["proactive", "applications", "appeals"] {
                assert_eq!(got[key], seed[key], "{label}: table {key} against the seed");
            }
        }
        // A second start keeps the published version.
        drop(server);
        let again = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        assert!(
            !again.banner.contains("2021年的记录并发布"),
            "{label}: idempotent"
        );
        let (_, body2) = http_get(&again.base, "/api/v1/agencies/gulou/reports/2021").await;
        assert_eq!(body2, body, "{label}: same published version");
    }
}
