//! End to end in real headless Chromium against the real binary started
//! with `serve --demo`: the demo admin logs in, creates a drafter, logs out,
//! and the drafter logs in. Runs on SQLite and on PostgreSQL.

mod common;

use fantoccini::Locator;
use gongkai_testkit::browser::Browser;

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

/// The page's text once it contains `needle` (pages load after a click; a
/// body found during navigation can go stale, so this polls).
async fn wait_for(b: &Browser, needle: &str) -> String {
    let started = std::time::Instant::now();
    let mut last = String::new();
    while started.elapsed() < std::time::Duration::from_secs(15) {
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
}

#[tokio::test]
async fn admin_creates_drafter_who_logs_in() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (label, db) in common::backends().await {
        db.store.close().await;
        let server = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        let base = server.base.clone();
        let admin_pw = common::demo_password(&server.banner, "gulou-admin");

        browser
            .client
            .goto(&format!("{base}/"))
            .await
            .expect("home");
        let home = wait_for(&browser, "鼓楼街道").await;
        assert!(home.contains("酒仙桥街道") && home.contains("龙桥街道"));

        login(&browser, &base, "gulou-admin", &admin_pw).await;
        let text = wait_for(&browser, "机关管理员").await;
        assert!(text.contains("工作台"), "{label}: {text}");

        browser
            .client
            .goto(&format!("{base}/admin/agencies/gulou"))
            .await
            .expect("agency page");
        let username = format!("e2e-drafter-{label}");
        fill(&browser, "#nu-username", &username).await;
        fill(&browser, "#nu-display", "端到端信息员").await;
        fill(&browser, "#nu-password", "e2e-drafter-password").await;
        browser
            .client
            .find(Locator::Css("#nu-role option[value='drafter']"))
            .await
            .expect("drafter option")
            .click()
            .await
            .expect("select drafter");
        click(
            &browser,
            "form[action='/admin/agencies/gulou/users'] button[type=submit]",
        )
        .await;
        let text = wait_for(&browser, "工作人员账号已创建").await;
        assert!(text.contains("端到端信息员"));
        browser
            .screenshot(&format!("e2e-admin-created-drafter-{label}"))
            .await;

        click(&browser, "header form[action='/logout'] button").await;
        wait_for(&browser, "忘记密码请联系本机关管理员").await;

        login(&browser, &base, &username, "e2e-drafter-password").await;
        let text = wait_for(&browser, "端到端信息员").await;
        assert!(text.contains("起草主动公开信息"), "{label}: {text}");
        let shot = browser
            .screenshot(&format!("e2e-drafter-home-{label}"))
            .await;
        assert!(std::fs::metadata(&shot)
            .map(|m| m.len() > 1000)
            .unwrap_or(false));
        // Leave the browser logged out for the next backend.
        click(&browser, "header form[action='/logout'] button").await;
        wait_for(&browser, "忘记密码请联系本机关管理员").await;
        drop(server);
    }
    browser.close().await;
}
