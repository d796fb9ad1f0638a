//! Hostile input at the HTTP layer (issue #8 item 6), on SQLite and
//! PostgreSQL: oversize uploads (publication attachment, statistics import),
//! zip bombs posing as DOCX/XLSX, invalid UTF-8 and GBK, malformed dates,
//! deeply nested HTML, huge forms and JSON bodies, and a slow client sending
//! its headers byte by byte. Each is refused with a 4xx, a stable code and a
//! Chinese message, and nothing is stored: the counted tables and the audit
//! log are unchanged. (The readers' own bounds are tested in
//! gongkai-docs/tests/hostile.rs; the online application's oversize
//! attachment in intake.rs.)

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use gongkai_domain::Role;
use gongkai_testkit::app::Login;
use gongkai_testkit::{every_backend, TestApp, TestResponse};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

const COUNTED: [&str; 6] = [
    "audit_log",
    "publications",
    "publication_attachments",
    "art20_statistics",
    "applications",
    "online_submissions",
];

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for t in COUNTED {
        v.push(app.store.count_rows(t).await.expect("count"));
    }
    v
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A refusal: the status, a stable code in the JSON error, a Chinese message.
fn refused(res: &TestResponse, status: StatusCode, code: &str, label: &str) {
    assert_eq!(res.status, status, "{label}: {}", res.body);
    let v = res.json();
    assert_eq!(v["error"]["code"], code, "{label}: {}", res.body);
    let msg = v["error"]["message"].as_str().unwrap_or_default();
    assert!(is_chinese(msg), "{label}: not Chinese: {msg}");
}

/// A zip whose one entry inflates from about 100 KB to 100 MB.
fn zip_bomb(entry: &str) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut cursor);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file(entry, opts).unwrap();
        let block = vec![b' '; 1024 * 1024];
        for _ in 0..100 {
            zip.write_all(&block).unwrap();
        }
        zip.finish().unwrap();
    }
    cursor.into_inner()
}

async fn upload_statistics(
    app: &TestApp,
    login: &Login,
    name: &str,
    content: &[u8],
) -> TestResponse {
    let boundary = "XgongkaiHostile";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n",
            login.csrf
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri("/admin/agencies/gulou/reports/2025/import")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, &login.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

/// Refused statistics imports show the Chinese reason on the page (4xx).
fn refused_page(res: &TestResponse, needle: &str, label: &str) {
    assert!(
        res.status.is_client_error(),
        "{label}: {} {}",
        res.status,
        res.body
    );
    assert!(
        res.body.contains(needle),
        "{label}: no “{needle}” in {}",
        res.body
    );
}

#[tokio::test]
async fn hostile_statistics_imports_store_nothing() {
    for app in apps().await {
        let label = app.db.label;
        let approver = app.login_as("gulou", Role::Approver).await;
        let before = counts(&app).await;

        // Over 1 MB.
        let mut big = "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n"
            .as_bytes()
            .to_vec();
        while big.len() <= 1024 * 1024 {
            big.extend_from_slice(b"2025,1,1,1,1\n");
        }
        let res = upload_statistics(&app, &approver, "统计.csv", &big).await;
        refused_page(&res, "超过1MB", label);

        // A zip bomb named .xlsx.
        let res = upload_statistics(
            &app,
            &approver,
            "统计.xlsx",
            &zip_bomb("xl/worksheets/sheet1.xml"),
        )
        .await;
        assert!(res.status.is_client_error(), "{label}: {}", res.status);
        assert!(is_chinese(&res.body));

        // Neither UTF-8 nor GBK.
        let res = upload_statistics(
            &app,
            &approver,
            "统计.csv",
            b"\xff\xfe\xfa\x80\x81,\xfe\xff\n\x80\x80\x80",
        )
        .await;
        assert!(res.status.is_client_error(), "{label}: {}", res.status);

        // A malformed year and a malformed count, named by line and column.
        let res = upload_statistics(
            &app,
            &approver,
            "统计.csv",
            "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n２０２５年13月,1,1,1,1\n"
                .as_bytes(),
        )
        .await;
        refused_page(&res, "不是2019年及以后的年份", label);
        let res = upload_statistics(
            &app,
            &approver,
            "统计.csv",
            "年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\n2025,-1,1,1,1\n".as_bytes(),
        )
        .await;
        refused_page(&res, "不是非负整数", label);
        assert_eq!(counts(&app).await, before, "{label}: nothing stored");

        // GBK is a legitimate encoding of a Chinese CSV: accepted.
        let (gbk, _, _) = encoding_rs::GBK
            .encode("年度,行政许可,行政处罚,行政强制,行政事业性收费（万元）\r\n2025,3,2,1,0.5\r\n");
        let res = upload_statistics(&app, &approver, "统计.csv", &gbk).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}: {}", res.body);
        assert_eq!(
            app.store.count_rows("art20_statistics").await.unwrap(),
            before[3] + 1,
            "{label}"
        );
    }
}

async fn draft(app: &TestApp, token: &str) -> i64 {
    let res = app
        .api(
            Method::POST,
            "/api/v1/agencies/gulou/publications",
            Some(token),
            Some(json!({
                "title": "关于恶意输入测试的通知",
                "body": "<p>正文</p>",
                "document_type": "other",
                "written_on": "2025-03-03",
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().unwrap()
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    ctype: &str,
    body: Vec<u8>,
) -> TestResponse {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn hostile_api_bodies_store_nothing() {
    for app in apps().await {
        let label = app.db.label;
        let token = app.token("gulou", Role::Drafter).await;
        let handler = app.token("gulou", Role::Handler).await;
        let id = draft(&app, &token).await;
        let before = counts(&app).await;
        let attach = |name: &str| format!("/api/v1/publications/{id}/attachments?file_name={name}");

        // An attachment over the upload limit (20 MB + 1 KB).
        let res = raw(
            &app,
            Method::POST,
            &attach("big.pdf"),
            &token,
            "application/octet-stream",
            vec![b'%'; 21 * 1024 * 1024],
        )
        .await;
        refused(
            &res,
            StatusCode::PAYLOAD_TOO_LARGE,
            "attachment_too_large",
            label,
        );

        // Zip bombs posing as DOCX and XLSX.
        for (name, entry) in [
            ("bomb.docx", "word/document.xml"),
            ("bomb.xlsx", "xl/worksheets/sheet1.xml"),
        ] {
            let res = raw(
                &app,
                Method::POST,
                &attach(name),
                &token,
                "application/octet-stream",
                zip_bomb(entry),
            )
            .await;
            assert!(
                res.status.is_client_error(),
                "{label}: {name}: {}",
                res.body
            );
            let msg = res.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                is_chinese(&msg) && msg.contains(name),
                "{label}: {name}: {msg}"
            );
        }

        // A JSON body over the 2 MB limit.
        let mut huge = br#"{"title":""#.to_vec();
        huge.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
        huge.extend_from_slice(
            br#"","body":"","document_type":"other","written_on":"2025-03-03"}"#,
        );
        let res = raw(
            &app,
            Method::POST,
            "/api/v1/agencies/gulou/publications",
            &token,
            "application/json",
            huge,
        )
        .await;
        refused(&res, StatusCode::PAYLOAD_TOO_LARGE, "too_large", label);

        // Invalid UTF-8 in a JSON body.
        let res = raw(
            &app,
            Method::POST,
            "/api/v1/agencies/gulou/publications",
            &token,
            "application/json",
            b"{\"title\":\"\xff\xfe\",\"body\":\"\",\"document_type\":\"other\",\"written_on\":\"2025-03-03\"}".to_vec(),
        )
        .await;
        refused(&res, StatusCode::BAD_REQUEST, "invalid_json", label);

        // GBK bytes declared as JSON (UTF-8): refused, not stored as mojibake.
        let (gbk, _, _) = encoding_rs::GBK.encode(
            r#"{"title":"关于通知","body":"","document_type":"other","written_on":"2025-03-03"}"#,
        );
        let res = raw(
            &app,
            Method::POST,
            "/api/v1/agencies/gulou/publications",
            &token,
            "application/json",
            gbk.into_owned(),
        )
        .await;
        refused(&res, StatusCode::BAD_REQUEST, "invalid_json", label);

        // Malformed dates, named by field.
        for (field, value) in [
            ("written_on", "2025-02-30"),
            ("written_on", "２０２５-03-03"),
            ("effective_on", "2025-13-01"),
            ("expires_on", "99999-01-01"),
        ] {
            let mut body = json!({
                "title": "关于日期的通知",
                "body": "<p>正文</p>",
                "document_type": "other",
                "written_on": "2025-03-03",
            });
            body[field] = Value::from(value);
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/agencies/gulou/publications",
                    Some(&token),
                    Some(body),
                )
                .await;
            assert_eq!(
                res.status,
                StatusCode::BAD_REQUEST,
                "{label}: {field}={value}: {}",
                res.body
            );
            assert!(is_chinese(&res.body), "{label}: {}", res.body);
        }
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/applications",
                Some(&handler),
                Some(json!({
                    "applicant": {"kind": "natural_person", "name": "张三", "phone": "13812345678"},
                    "channel": "online",
                    "received_on": "2025-02-29",
                    "request": "某文件",
                })),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}: {}", res.body);
        assert!(
            res.body.contains("received_on") || res.body.contains("收到日期"),
            "{}",
            res.body
        );

        assert_eq!(counts(&app).await, before, "{label}: nothing stored");

        // Deeply nested HTML in a body: refused at once, naming the body.
        let depth = 50_000;
        let mut html = "<div>".repeat(depth);
        html.push('深');
        html.push_str(&"</div>".repeat(depth));
        let start = Instant::now();
        let res = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/publications",
                Some(&token),
                Some(json!({
                    "title": "关于嵌套的通知",
                    "body": html,
                    "document_type": "other",
                    "written_on": "2025-03-03",
                })),
            )
            .await;
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{label}: nested HTML took {:?}",
            start.elapsed()
        );
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{label}: {}", res.body);
        assert!(res.body.contains("嵌套过深"), "{label}: {}", res.body);
        assert_eq!(counts(&app).await, before, "{label}");
    }
}

#[tokio::test]
async fn huge_and_broken_forms_are_refused() {
    for app in apps().await {
        let label = app.db.label;
        let admin = app.login_as("gulou", Role::Admin).await;
        let before = counts(&app).await;

        // A form over the 2 MB body limit.
        let mut body = format!("csrf_token={}&name=", admin.csrf).into_bytes();
        body.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
        let req = Request::builder()
            .method(Method::POST)
            .uri("/admin/agencies/gulou")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(
            res.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{label}: {}",
            res.body
        );
        assert!(res.body.contains("提交的内容过大"), "{label}: {}", res.body);

        // Invalid UTF-8 in a form (percent-encoded and raw).
        for body in [
            format!("csrf_token={}&name=%FF%FE%80", admin.csrf).into_bytes(),
            [
                format!("csrf_token={}&name=", admin.csrf).into_bytes(),
                vec![0xff, 0xfe, 0x80],
            ]
            .concat(),
        ] {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/admin/agencies/gulou")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, "http://localhost")
                .header(header::COOKIE, &admin.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            let res = app.send(req).await;
            assert!(
                res.status.is_client_error(),
                "{label}: {} {}",
                res.status,
                res.body
            );
            assert!(is_chinese(&res.body), "{label}: {}", res.body);
        }
        assert_eq!(counts(&app).await, before, "{label}: nothing stored");
    }
}

/// A slowloris client (headers one byte at a time, never finishing) is
/// disconnected by the server after the header read timeout, while a normal
/// client is served meanwhile.
#[tokio::test]
async fn slow_clients_are_timed_out() {
    let Some(db) = every_backend().await.into_iter().next() else {
        return;
    };
    let app = TestApp::new(db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gongkai_web::serve_with(
        listener,
        app.state.clone(),
        async move {
            let _ = stopped.await;
        },
        Duration::from_secs(1),
        Duration::from_secs(1),
    ));
    let slow = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let start = Instant::now();
        let head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        let mut sent = 0usize;
        loop {
            // One more byte every 100 ms, forever (an endless header).
            let byte = head.get(sent).copied().unwrap_or(b'a');
            if conn.write_all(&[byte]).is_err() {
                return (start.elapsed(), String::new());
            }
            sent += 1;
            let mut buf = [0u8; 512];
            match conn.read(&mut buf) {
                Ok(0) => return (start.elapsed(), String::new()),
                Ok(n) => {
                    return (
                        start.elapsed(),
                        String::from_utf8_lossy(&buf[..n]).into_owned(),
                    )
                }
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return (start.elapsed(), String::new()),
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("the slow client was never disconnected");
            }
        }
    });
    // Meanwhile a normal client is served.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let normal = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        conn.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");
    let (took, answer) = slow.await.unwrap();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "the slow client was cut after {took:?}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "unexpected answer to the slow client: {answer}"
    );

    // A body that stops arriving half way is cut after the idle timeout,
    // with a 4xx when the server still gets to answer; nothing is stored.
    let before = counts(&app).await;
    let stalled = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let start = Instant::now();
        conn.write_all(
            b"POST /api/v1/public/applications HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"agency\": \"gulou\"",
        )
        .unwrap();
        let mut out = String::new();
        let _ = conn.read_to_string(&mut out);
        (start.elapsed(), out)
    });
    let (took, answer) = stalled.await.unwrap();
    assert!(
        took < Duration::from_secs(10),
        "a stalled body held the connection {took:?}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "unexpected answer to a stalled body: {answer}"
    );
    assert_eq!(counts(&app).await, before, "nothing stored");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
