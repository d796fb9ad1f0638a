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
