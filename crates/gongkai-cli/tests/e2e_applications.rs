//! End to end in real headless Chromium against `serve --demo` (issue 5,
//! item 7): a citizen applies online on `/apply` and gets a tracking code;
//! 鼓楼街道's handler confirms receipt, requests a correction (补正), records
//! the correction, consults a third party, answers 部分公开 and downloads the
//! DOCX answer letter; the citizen sees the result on `/track`, without the
//! applicant's name or ID number. SQLite and PostgreSQL.

mod common;

use fantoccini::Locator;
use gongkai_testkit::browser::Browser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const NAME: &str = "端到端测试申请人";
/// A resident ID number with a correct GB 11643 check digit.
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

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

/// Status line, headers and body of a GET carrying `cookie`.
async fn http_get(base: &str, path: &str, cookie: &str) -> (String, Vec<u8>) {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n").as_bytes(),
    )
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

fn doc_text(doc: &gongkai_docs::Doc) -> String {
    serde_json::to_string(doc).expect("doc as json")
}

/// Submits one event form of the detail page (opened without a notice),
/// waits for the "recorded" notice and checks the page shows `expect`.
async fn submit_event(b: &Browser, kind: &str, expect: &str) -> String {
    click(
        b,
        &format!("form:has(input[name=kind][value={kind}]) button[type=submit]"),
    )
    .await;
    let text = wait_for(b, "已登记。需要告知的事项已生成文书").await;
    assert!(!text.contains("未登记："), "{kind}: {text}");
    assert!(text.contains(expect), "{kind}: no {expect:?} in {text}");
    text
}

#[tokio::test]
async fn citizen_applies_staff_handles_citizen_tracks() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    for (label, db) in common::backends().await {
        db.store.close().await;
        let server = common::serve(db.dir.path(), db.database_url.as_deref(), &["--demo"]);
        let base = server.base.clone();
        let handler_pw = common::demo_password(&server.banner, "gulou-handler");

        // 1. The citizen applies online.
        browser
            .client
            .goto(&format!("{base}/apply"))
            .await
            .expect("apply page");
        wait_for(&browser, "网上申请政府信息公开").await;
        click(&browser, "#agency option[value='gulou']").await;
        click(&browser, "input[name=kind][value=natural_person]").await;
        fill(&browser, "#name", NAME).await;
        click(&browser, "#id_type option[value='resident_id']").await;
        fill(&browser, "#id_number", ID_NUMBER).await;
        fill(&browser, "#phone", PHONE).await;
        fill(&browser, "#email", "e2e@example.org").await;
        fill(
            &browser,
            "#request",
            "鼓楼街道2025年老旧小区改造项目的招标文件和中标结果。",
        )
        .await;
        click(&browser, "input[name=preferred_form][value=electronic]").await;
        click(&browser, "input[name=delivery][value=email]").await;
        click(&browser, "form[action='/apply'] button[type=submit]").await;
        wait_for(&browser, "申请已提交").await;
        let code = browser
            .client
            .find(Locator::Css("#tracking-code"))
            .await
            .expect("tracking code")
            .text()
            .await
            .expect("code text")
            .trim()
            .to_string();
        assert!(!code.is_empty(), "{label}: tracking code");
        browser
            .screenshot(&format!("e2e-application-submitted-{label}"))
            .await;

        // 2. The handler confirms receipt on the pending page.
        login(&browser, &base, "gulou-handler", &handler_pw).await;
        browser
            .client
            .goto(&format!("{base}/admin/agencies/gulou/applications/pending"))
            .await
            .expect("pending page");
        let text = wait_for(&browser, &format!("查询码 {code}")).await;
        assert!(
            !text.contains(ID_NUMBER) && !text.contains(PHONE),
            "{label}: the pending list masks personal data"
        );
        // The card of our submission: the one whose heading carries the code.
        let cards = browser
            .client
            .find_all(Locator::Css("section.card"))
            .await
            .expect("cards");
        let mut confirmed = false;
        for card in cards {
            let heading = card
                .find(Locator::Css("h2"))
                .await
                .expect("heading")
                .text()
                .await
                .expect("heading text");
            if heading.contains(&code) {
                card.find(Locator::Css("form[action$='/confirm'] button[type=submit]"))
                    .await
                    .expect("confirm button")
                    .click()
                    .await
                    .expect("confirm");
                confirmed = true;
                break;
            }
        }
        assert!(confirmed, "{label}: no card for {code}");
        wait_for(&browser, &format!("已确认受理查询码为 {code} 的申请")).await;

        // 3. Find it in the handler queue and open its detail page.
        browser
            .client
            .goto(&format!("{base}/admin/agencies/gulou/applications"))
            .await
            .expect("queue");
        wait_for(&browser, &code).await;
        let link = browser
            .client
            .find(Locator::XPath(&format!(
                "//a[starts-with(@href, '/admin/applications/') and contains(., '{code}')]"
            )))
            .await
            .expect("queue link");
        let href = link.attr("href").await.expect("href").expect("has href");
        let detail = format!("{base}{href}");
        browser.client.goto(&detail).await.expect("detail");
        let text = wait_for(&browser, "补正告知").await;
        assert!(
            text.contains(ID_NUMBER),
            "{label}: detail shows the ID number"
        );

        // 4. 补正, listing the items.
        fill(
            &browser,
            "#cr-items",
            "请明确所需招标文件的项目名称\n请补充身份证件复印件",
        )
        .await;
        let text = submit_event(&browser, "correction_requested", "补正告知书").await;
        assert!(text.contains("请明确所需招标文件的项目名称"), "{label}");
        browser.client.goto(&detail).await.expect("detail");
        wait_for(&browser, "收到补正").await;
        submit_event(&browser, "correction_received", "收到补正").await;

        // 5. Consultation with a third party, then its end.
        browser.client.goto(&detail).await.expect("detail");
        wait_for(&browser, "征求意见（条例").await;
        fill(&browser, "#cs-name", "鼓楼建设工程有限公司").await;
        fill(&browser, "#cs-contact", "0537-1234567").await;
        submit_event(&browser, "consultation_started", "征求意见书").await;
        browser.client.goto(&detail).await.expect("detail");
        wait_for(&browser, "征求意见结束").await;
        submit_event(&browser, "consultation_ended", "征求意见结束").await;

        // 6. The answer: 部分公开, with reason and delivery.
        browser.client.goto(&detail).await.expect("detail");
        wait_for(&browser, "登记答复并生成答复书").await;
        click(&browser, "#an-outcome option[value='partly_disclosed']").await;
        fill(
            &browser,
            "#an-reason",
            "中标单位的报价明细涉及商业秘密，第三方不同意公开。",
        )
        .await;
        fill(&browser, "#an-dm", "电子邮件").await;
        browser
            .client
            .execute(
                "document.getElementById('an-don').value = document.getElementById('an-on').value;",
                vec![],
            )
            .await
            .expect("delivery date");
        let text = submit_event(&browser, "answered", "答复书").await;
        assert!(text.contains("部分公开"), "{label}: {text}");
        browser
            .screenshot(&format!("e2e-application-answered-{label}"))
            .await;

        // 7. Download the answer letter (the last letter) with the session cookie.
        browser.client.goto(&detail).await.expect("detail");
        wait_for(&browser, "本申请已办结").await;
        let links = browser
            .client
            .find_all(Locator::Css("a[href$='.docx']"))
            .await
            .expect("letter links");
        assert!(
            links.len() >= 3,
            "{label}: 补正, 征求意见 and answer letters"
        );
        let letter = links
            .last()
            .expect("answer letter")
            .attr("href")
            .await
            .expect("href")
            .expect("has href");
        let session = browser
            .client
            .get_named_cookie("gk_session")
            .await
            .expect("session cookie");
        let cookie = format!("gk_session={}", session.value());
        let (head, body) = http_get(&base, &letter, &cookie).await;
        assert!(head.contains(" 200 "), "{label}: {head}");
        assert!(head.contains("wordprocessingml"), "{label}: {head}");
        let doc = gongkai_docs::read_docx(&body).expect("a real DOCX");
        let text = doc_text(&doc);
        assert!(text.contains("答复书"), "{label}: {text}");
        // 部分公开: the letter states the separation (条例第三十七条), the reason
        // (one full stop) and the delivery.
        assert!(
            text.contains("作区分处理") && text.contains("第三十七条"),
            "{label}: {text}"
        );
        assert!(
            text.contains("理由：中标单位的报价明细涉及商业秘密，第三方不同意公开。")
                && !text.contains("。。"),
            "{label}: reason: {text}"
        );
        assert!(text.contains("通过电子邮件方式向您提供"), "{label}: {text}");
        assert!(
            text.contains("行政复议") && text.contains("行政诉讼"),
            "{label}: remedy notice: {text}"
        );
        // Without the session the letter is not served.
        let (head, _) = http_get(&base, &letter, "").await;
        assert!(!head.contains(" 200 "), "{label}: anonymous letter: {head}");
        logout(&browser).await;

        // 8. The citizen tracks the result.
        browser
            .client
            .goto(&format!("{base}/track"))
            .await
            .expect("track page");
        wait_for(&browser, "办理进度查询").await;
        fill(&browser, "#code", &code).await;
        fill(&browser, "#phone_last4", &PHONE[PHONE.len() - 4..]).await;
        click(&browser, "form[action='/track'] button[type=submit]").await;
        let text = wait_for(&browser, "部分公开").await;
        let status = browser
            .client
            .find(Locator::Css("#track-status"))
            .await
            .expect("status")
            .text()
            .await
            .expect("status text");
        assert!(status.contains("答复"), "{label}: status {status}");
        assert!(
            text.contains("补正告知") && text.contains("征求意见"),
            "{label}: {text}"
        );
        for secret in [NAME, ID_NUMBER, PHONE, "e2e@example.org"] {
            assert!(!text.contains(secret), "{label}: /track shows {secret}");
        }
        let html = browser.client.source().await.expect("source");
        for secret in [NAME, ID_NUMBER, PHONE] {
            assert!(!html.contains(secret), "{label}: /track HTML has {secret}");
        }
        browser
            .screenshot(&format!("e2e-application-tracked-{label}"))
            .await;

        drop(server);
    }
    browser.close().await;
}
