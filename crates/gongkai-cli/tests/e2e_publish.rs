//! Issue #6 item 8, end to end in real headless Chromium against the real
//! binary (`serve --demo`), on SQLite and on PostgreSQL: a drafter creates an
//! item whose body holds a valid ID number → the reviewer sees the finding
//! (masked), masks it in place and passes → the approver publishes → the
//! item is on the agency's 专栏 with its metadata, and the number is not,
//! and `/search` finds it by a two-character word of its body.

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

/// The page's text once it contains `needle`.
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
    wait_for(b, "工作台").await;
}

async fn logout(b: &Browser) {
    click(b, "header form[action='/logout'] button").await;
    wait_for(b, "忘记密码请联系本机关管理员").await;
}

/// A valid 18-digit 居民身份证号 (GB 11643 check digit).
fn valid_id() -> String {
    let first = "37088219800101002";
    let check = gongkai_domain::pii::expected_id_check(first).expect("check digit");
    format!("{first}{check}")
}

#[tokio::test]
async fn drafter_reviewer_approver_publish_to_the_column() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let id_number = valid_id();
    let masked_start = &id_number[..4];
    for (label, db) in common::backends().await {
        db.store.close().await;
        let server = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        let base = server.base.clone();
        let pw = |u: &str| common::demo_password(&server.banner, u);
        let title = format!("关于发放高龄津贴的公示（{label}）");

        // The drafter writes the item with an ID number in its body.
        login(&browser, &base, "gulou-drafter", &pw("gulou-drafter")).await;
        browser
            .client
            .goto(&format!("{base}/admin/agencies/gulou/publications/new"))
            .await
            .expect("new form");
        wait_for(&browser, "起草主动公开信息").await;
        fill(&browser, "#title", &title).await;
        click(&browser, "#document_type option[value='other']").await;
        click(&browser, "#category option[value='art20-11']").await;
        fill(&browser, "#summary", "本月高龄津贴发放名单").await;
        fill(
            &browser,
            "#body",
            &format!(
                "<p>本月高龄津贴发放对象：王五，身份证号{id_number}。</p><p>津贴按月发放到户。</p>"
            ),
        )
        .await;
        click(
            &browser,
            "form[enctype='multipart/form-data'] button[type=submit]",
        )
        .await;
        wait_for(&browser, "草稿已保存").await;
        let item_url = browser.client.current_url().await.expect("url").to_string();
        let item_url = item_url.split('?').next().unwrap_or_default().to_string();
        click(&browser, "form[action$='/submit'] button").await;
        wait_for(&browser, "已提交保密审查").await;
        logout(&browser).await;

        // The reviewer sees the finding masked, masks it in place and passes.
        login(&browser, &base, "gulou-reviewer", &pw("gulou-reviewer")).await;
        browser.client.goto(&item_url).await.expect("item");
        let text = wait_for(&browser, "个人信息检查：发现 1 处").await;
        assert!(text.contains("居民身份证号"), "{label}: {text}");
        assert!(
            text.contains(&format!("{masked_start}**********")),
            "{label}: {text}"
        );
        assert!(
            !text.contains(&id_number),
            "{label}: the full number is shown"
        );
        browser
            .screenshot(&format!("e2e-publish-review-{label}"))
            .await;
        click(&browser, "#mask-button").await;
        wait_for(&browser, "正文中的个人信息已遮盖").await;
        click(&browser, "#pass-button").await;
        wait_for(&browser, "已通过保密审查").await;
        logout(&browser).await;

        // The approver publishes.
        login(&browser, &base, "gulou-approver", &pw("gulou-approver")).await;
        browser.client.goto(&item_url).await.expect("item");
        wait_for(&browser, "审批发布").await;
        click(&browser, "#approve-button").await;
        wait_for(&browser, "已审批发布").await;
        logout(&browser).await;

        // The item is on the agency's 专栏, masked, with its metadata.
        browser
            .client
            .goto(&format!("{base}/gulou/xxgk/"))
            .await
            .expect("column");
        wait_for(&browser, &title).await;
        browser
            .client
            .find(Locator::LinkText(&title))
            .await
            .expect("link to the item")
            .click()
            .await
            .expect("open item");
        let text = wait_for(&browser, "津贴按月发放到户").await;
        for s in ["索引号", "发布机构", "成文日期", "发布日期", "有效性"] {
            assert!(text.contains(s), "{label}: {s} missing in {text}");
        }
        assert!(!text.contains(&id_number), "{label}: published unmasked");
        assert!(text.contains(&format!("{masked_start}**********")));
        let meta = browser
            .client
            .find(Locator::Css("meta[name='ArticleTitle']"))
            .await
            .expect("ArticleTitle meta tag");
        assert_eq!(
            meta.attr("content").await.expect("content").as_deref(),
            Some(title.as_str())
        );
        browser
            .screenshot(&format!("e2e-publish-column-{label}"))
            .await;

        // Anyone finds it by a two-character word of its body (到户), typed
        // into the search form; the index follows the outbox, so retry the
        // search until the item shows up.
        let started = std::time::Instant::now();
        let found = loop {
            browser
                .client
                .goto(&format!("{base}/search"))
                .await
                .expect("search page");
            wait_for(&browser, "检索").await;
            fill(&browser, "#q", "到户").await;
            click(&browser, "form[action='/search'] button[type=submit]").await;
            let text = wait_for(&browser, "共找到").await;
            if text.contains(&title) {
                break text;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "{label}: search never found the item: {text}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        assert!(
            !found.contains(&id_number),
            "{label}: search shows the number"
        );
        let marked = browser
            .client
            .find(Locator::Css("mark"))
            .await
            .expect("highlighted word in the snippet");
        assert_eq!(marked.text().await.expect("mark text"), "到户");
        browser
            .screenshot(&format!("e2e-publish-search-{label}"))
            .await;
        drop(server);
    }
    browser.close().await;
}
