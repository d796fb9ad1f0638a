//! Durability under SIGKILL (issue #8 item 3): the real server is killed
//! while eight clients keep registering applications and recording events
//! and four more take publications through create → submit → confidentiality
//! review → approval (three staff, three tokens); after a restart on the same
//! data every write acknowledged to a client is there, nothing is
//! half-written (an application always has its `received` event, a
//! publication's status always matches its review trail: never `published`
//! without its submit, review and approval rows), and `gongkai audit verify`
//! passes. Runs on SQLite and PostgreSQL.
//!
//! The clients speak plain HTTP/1.1 over `TcpStream` (one request per
//! connection). A write counts as acknowledged only when its complete 2xx
//! response, with a body naming the application, has been read. Connection
//! errors after the kill are expected: those writes were never acknowledged,
//! and they may or may not have been committed — both are fine, as long as
//! each one is committed whole or not at all.

mod common;

use common::{run, serve, stderr, Server};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 8;
const PUBLISHERS: usize = 4;
const KILLS: usize = 2;
const AGENCY: &str = "street";

/// The events each client records, in order, after registering an
/// application (its first event, `received`, is written with it).
fn script() -> [Value; 3] {
    [
        json!({"kind": "consultation_started", "on": "2025-03-05", "party": "third_party"}),
        json!({"kind": "consultation_ended", "on": "2025-03-10", "party": "third_party"}),
        json!({"kind": "answered", "on": "2025-03-20", "outcome": "disclosed"}),
    ]
}

fn script_kinds() -> Vec<&'static str> {
    vec![
        "received",
        "consultation_started",
        "consultation_ended",
        "answered",
    ]
}

/// One HTTP/1.1 exchange. `Err` is a transport failure (refused, reset,
/// truncated); `Ok` is a complete response: status and body.
fn http(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Result<(u16, Vec<u8>), String> {
    let addr = base.trim_start_matches("http://");
    let mut conn = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    conn.set_write_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n"
    );
    if body.is_some() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(&payload);
    conn.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>), String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("truncated headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let rest = &raw[split + 4..];
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    let header = |name: &str| {
        head.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(rest)?
    } else {
        let len: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or("no content-length")?;
        if rest.len() < len {
            return Err("truncated body".into());
        }
        rest[..len].to_vec()
    };
    Ok((status, body))
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk")?;
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// What one client was told: application id → (tracking code, request text,
/// number of events acknowledged including `received`).
#[derive(Default)]
struct Acked {
    apps: BTreeMap<i64, (String, String, usize)>,
    /// Publication id → (title, steps acknowledged: 1 created … 4 approved).
    pubs: BTreeMap<i64, (String, usize)>,
    /// Complete responses that were not 2xx (a bug in the server or the test).
    refused: Vec<String>,
}

fn client(
    base: String,
    token: String,
    round: usize,
    me: usize,
    acked: Arc<Mutex<Acked>>,
    created: Arc<AtomicUsize>,
) {
    let refuse = |what: String| acked.lock().unwrap().refused.push(what);
    for k in 0.. {
        let request = format!("耐久性测试：第{round}轮 客户端{me} 第{k}件");
        let body = json!({
            "applicant": {"kind": "natural_person", "name": "张三", "phone": "13812345678"},
            "channel": "online",
            "received_on": "2025-03-03",
            "request": request,
        });
        let id = match http(
            &base,
            "POST",
            &format!("/api/v1/agencies/{AGENCY}/applications"),
            &token,
            Some(&body),
        ) {
            Err(_) => return,
            Ok((201, b)) => {
                let Ok(v) = serde_json::from_slice::<Value>(&b) else {
                    return refuse(format!("create: unreadable body {b:?}"));
                };
                let (Some(id), Some(code)) = (v["id"].as_i64(), v["tracking_code"].as_str()) else {
                    return refuse(format!("create: {v}"));
                };
                acked
                    .lock()
                    .unwrap()
                    .apps
                    .insert(id, (code.to_string(), request.clone(), 1));
                created.fetch_add(1, Ordering::SeqCst);
                id
            }
            Ok((s, b)) => {
                return refuse(format!("create: {s} {}", String::from_utf8_lossy(&b)));
            }
        };
        for (n, event) in script().iter().enumerate() {
            match http(
                &base,
                "POST",
                &format!("/api/v1/applications/{id}/events"),
                &token,
                Some(event),
            ) {
                Err(_) => return,
                Ok((200, b)) => {
                    let Ok(v) = serde_json::from_slice::<Value>(&b) else {
                        return refuse(format!("event: unreadable body {b:?}"));
                    };
                    if v["id"].as_i64() != Some(id) {
                        return refuse(format!("event: {v}"));
                    }
                    if let Some(a) = acked.lock().unwrap().apps.get_mut(&id) {
                        a.2 = n + 2;
                    }
                }
                Ok((s, b)) => {
                    return refuse(format!("event: {s} {}", String::from_utf8_lossy(&b)));
                }
            }
        }
    }
}

/// The three staff of the publication workflow.
#[derive(Clone)]
struct Tokens {
    handler: String,
    drafter: String,
    reviewer: String,
    approver: String,
}

/// The review trail of a publication at each step of the workflow.
const PUB_STEPS: [(&str, &[&str]); 4] = [
    ("draft", &[]),
    ("submitted", &["submit"]),
    ("reviewed", &["submit", "pass_review"]),
    ("published", &["submit", "pass_review", "approve"]),
];

fn publisher(
    base: String,
    tokens: Tokens,
    round: usize,
    me: usize,
    acked: Arc<Mutex<Acked>>,
    created: Arc<AtomicUsize>,
) {
    let refuse = |what: String| acked.lock().unwrap().refused.push(what);
    for k in 0.. {
        let title = format!("耐久性测试公告：第{round}轮 发布者{me} 第{k}件");
        let body = json!({
            "title": title,
            "body": "<p>耐久性测试的正文，没有个人信息。</p>",
            "document_type": "other",
            "written_on": "2025-03-03",
        });
        let id = match http(
            &base,
            "POST",
            &format!("/api/v1/agencies/{AGENCY}/publications"),
            &tokens.drafter,
            Some(&body),
        ) {
            Err(_) => return,
            Ok((201, b)) => {
                let v: Value = serde_json::from_slice(&b).unwrap_or_default();
                let Some(id) = v["id"].as_i64() else {
                    return refuse(format!("publication create: {v}"));
                };
                acked.lock().unwrap().pubs.insert(id, (title.clone(), 1));
                created.fetch_add(1, Ordering::SeqCst);
                id
            }
            Ok((s, b)) => {
                return refuse(format!(
                    "publication create: {s} {}",
                    String::from_utf8_lossy(&b)
                ));
            }
        };
        let steps = [
            ("submit", &tokens.drafter, json!({})),
            ("review", &tokens.reviewer, json!({"decision": "pass"})),
            ("approve", &tokens.approver, json!({})),
        ];
        for (n, (step, token, body)) in steps.iter().enumerate() {
            match http(
                &base,
                "POST",
                &format!("/api/v1/publications/{id}/{step}"),
                token,
                Some(body),
            ) {
                Err(_) => return,
                Ok((200, b)) => {
                    let v: Value = serde_json::from_slice(&b).unwrap_or_default();
                    let want = PUB_STEPS[n + 1].0;
                    if v["id"].as_i64() != Some(id) || v["status"].as_str() != Some(want) {
                        return refuse(format!("publication {step}: {v}"));
                    }
                    if let Some(a) = acked.lock().unwrap().pubs.get_mut(&id) {
                        a.1 = n + 2;
                    }
                }
                Ok((s, b)) => {
                    return refuse(format!(
                        "publication {step}: {s} {}",
                        String::from_utf8_lossy(&b)
                    ));
                }
            }
        }
    }
}

/// Sustained writes from `CLIENTS` + `PUBLISHERS` threads, then SIGKILL;
/// returns what was acknowledged.
fn write_then_kill(mut server: Server, tokens: &Tokens, round: usize, label: &str) -> Acked {
    let acked = Arc::new(Mutex::new(Acked::default()));
    let created = Arc::new(AtomicUsize::new(0));
    let published = Arc::new(AtomicUsize::new(0));
    let mut threads: Vec<_> = (0..CLIENTS)
        .map(|me| {
            let (base, token) = (server.base.clone(), tokens.handler.clone());
            let (acked, created) = (acked.clone(), created.clone());
            std::thread::spawn(move || client(base, token, round, me, acked, created))
        })
        .collect();
    threads.extend((0..PUBLISHERS).map(|me| {
        let (base, tokens) = (server.base.clone(), tokens.clone());
        let (acked, published) = (acked.clone(), published.clone());
        std::thread::spawn(move || publisher(base, tokens, round, me, acked, published))
    }));
    // At least two seconds of writes and a few dozen acknowledged
    // applications and publications before the kill, however slow the machine.
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let enough = created.load(Ordering::SeqCst) >= 4 * CLIENTS
            && published.load(Ordering::SeqCst) >= 2 * PUBLISHERS;
        let failed = !acked.lock().unwrap().refused.is_empty();
        if (enough && start.elapsed() >= Duration::from_secs(2))
            || failed
            || start.elapsed() >= Duration::from_secs(120)
        {
            break;
        }
    }
    // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
    server.child.kill().expect("SIGKILL the server");
    let status = server.child.wait().expect("reap the server");
    assert!(!status.success(), "{label}: the server was killed");
    for t in threads {
        t.join().expect("client thread");
    }
    drop(server);
    let acked = Arc::try_unwrap(acked)
        .ok()
        .expect("threads joined")
        .into_inner()
        .unwrap();
    assert!(
        acked.refused.is_empty(),
        "{label}: round {round}: the server refused writes before the kill: {:?}",
        acked.refused
    );
    assert!(
        acked.apps.len() >= 4 * CLIENTS,
        "{label}: round {round}: only {} applications acknowledged in two minutes",
        acked.apps.len()
    );
    assert!(
        acked.pubs.len() >= 2 * PUBLISHERS,
        "{label}: round {round}: only {} publications acknowledged in two minutes",
        acked.pubs.len()
    );
    acked
}

fn get_json(base: &str, path: &str, token: &str, label: &str) -> Value {
    let (status, body) =
        http(base, "GET", path, token, None).unwrap_or_else(|e| panic!("{label}: GET {path}: {e}"));
    assert_eq!(
        status,
        200,
        "{label}: GET {path}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{label}: GET {path}: {e}"))
}

/// Checks one stored application is whole: it starts with `received`, its
/// events are numbered 1, 2, 3… without gaps and follow the client's script.
/// Returns (tracking code, request, number of events).
fn whole(app: &Value, label: &str) -> (String, String, usize) {
    let events = app["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{label}: no events in {app}"));
    assert!(
        !events.is_empty(),
        "{label}: half-written (no events): {app}"
    );
    let kinds = script_kinds();
    assert!(events.len() <= kinds.len(), "{label}: extra events: {app}");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e["seq"].as_i64(),
            Some(i as i64 + 1),
            "{label}: event numbers not contiguous from 1: {app}"
        );
        assert_eq!(
            e["kind"].as_str(),
            Some(kinds[i]),
            "{label}: events out of order: {app}"
        );
    }
    let answered = events.len() == kinds.len();
    assert_eq!(
        app["outcome"].as_str() == Some("disclosed"),
        answered,
        "{label}: outcome and events disagree: {app}"
    );
    (
        app["tracking_code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        app["request"].as_str().unwrap_or_default().to_string(),
        events.len(),
    )
}

/// After a restart: every acknowledged write is there, every stored
/// application is whole, and the audit chain verifies.
fn check(
    server: &Server,
    tokens: &Tokens,
    acked: &BTreeMap<i64, (String, String, usize)>,
    pubs: &BTreeMap<i64, (String, usize)>,
    db: &gongkai_testkit::TestDb,
    label: &str,
) {
    let token = &tokens.handler;
    let list = get_json(
        &server.base,
        &format!("/api/v1/agencies/{AGENCY}/applications"),
        token,
        label,
    );
    let listed: BTreeSet<i64> = list
        .as_array()
        .unwrap_or_else(|| panic!("{label}: list {list}"))
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    let mut requests = BTreeSet::new();
    for id in &listed {
        let app = get_json(
            &server.base,
            &format!("/api/v1/applications/{id}"),
            token,
            label,
        );
        let (code, request, events) = whole(&app, &format!("{label}: application {id}"));
        assert!(
            request.starts_with("耐久性测试："),
            "{label}: unexpected request {request}"
        );
        assert!(
            requests.insert(request.clone()),
            "{label}: {request} stored twice"
        );
        if let Some((acked_code, acked_request, acked_events)) = acked.get(id) {
            assert_eq!(&code, acked_code, "{label}: application {id}");
            assert_eq!(&request, acked_request, "{label}: application {id}");
            assert!(
                events >= *acked_events,
                "{label}: application {id} lost acknowledged events: {events} < {acked_events}"
            );
        }
    }
    let unacknowledged = listed.iter().filter(|id| !acked.contains_key(id)).count();
    eprintln!(
        "{label}: after restart {} applications stored, {unacknowledged} of them committed without an acknowledgement",
        listed.len()
    );
    let lost: Vec<_> = acked.keys().filter(|id| !listed.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{label}: acknowledged applications lost: {lost:?}"
    );
    check_publications(server, tokens, pubs, label);
    let url = db.database_url.as_deref();
    let verify = run(&["audit", "verify"], db.dir.path(), url);
    assert!(
        verify.status.success(),
        "{label}: audit verify after SIGKILL: {}",
        stderr(&verify)
    );
}

/// Every acknowledged publication step is there, and every stored
/// publication's status matches its review trail exactly.
fn check_publications(
    server: &Server,
    tokens: &Tokens,
    acked: &BTreeMap<i64, (String, usize)>,
    label: &str,
) {
    let token = &tokens.approver;
    let list = get_json(
        &server.base,
        &format!("/api/v1/agencies/{AGENCY}/publications"),
        token,
        label,
    );
    let listed: BTreeSet<i64> = list
        .as_array()
        .unwrap_or_else(|| panic!("{label}: publication list {list}"))
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect();
    let mut titles = BTreeSet::new();
    let mut by_step = [0usize; 4];
    for id in &listed {
        let p = get_json(
            &server.base,
            &format!("/api/v1/publications/{id}"),
            token,
            label,
        );
        let title = p["title"].as_str().unwrap_or_default().to_string();
        assert!(
            title.starts_with("耐久性测试公告："),
            "{label}: unexpected publication {p}"
        );
        assert!(
            titles.insert(title.clone()),
            "{label}: {title} stored twice"
        );
        let status = p["status"].as_str().unwrap_or_default();
        let step = PUB_STEPS
            .iter()
            .position(|(s, _)| *s == status)
            .unwrap_or_else(|| panic!("{label}: publication {id} in status {status}: {p}"));
        by_step[step] += 1;
        let trail: Vec<&str> = p["reviews"]
            .as_array()
            .unwrap_or_else(|| panic!("{label}: no review trail: {p}"))
            .iter()
            .map(|r| r["action"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            trail, PUB_STEPS[step].1,
            "{label}: publication {id} half-written: status {status} with review trail {trail:?}"
        );
        assert_eq!(
            p["published_on"].is_string(),
            status == "published",
            "{label}: publication {id}: status and publication date disagree: {p}"
        );
        if let Some((acked_title, acked_steps)) = acked.get(id) {
            assert_eq!(&title, acked_title, "{label}: publication {id}");
            assert!(
                step + 1 >= *acked_steps,
                "{label}: publication {id} lost acknowledged steps: status {status}, {acked_steps} steps acknowledged"
            );
        }
    }
    let lost: Vec<_> = acked.keys().filter(|id| !listed.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{label}: acknowledged publications lost: {lost:?}"
    );
    eprintln!(
        "{label}: after restart {} publications stored (draft/submitted/reviewed/published: {by_step:?})",
        listed.len()
    );
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    for (label, db) in common::backends().await {
        db.store.close().await;
        let url = db.database_url.clone();
        let (d, u) = (db.dir.path(), url.as_deref());
        let add = run(
            &[
                "agency",
                "add",
                "--code",
                AGENCY,
                "--name",
                "耐久性街道",
                "--kind",
                "subdistrict",
            ],
            d,
            u,
        );
        assert!(add.status.success(), "{label}: {}", stderr(&add));
        let token = |role: &str| {
            let tok = run(&["user", "token", "--agency", AGENCY, "--role", role], d, u);
            assert!(tok.status.success(), "{label}: {}", stderr(&tok));
            common::stdout(&tok)
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let tokens = Tokens {
            handler: token("handler"),
            drafter: token("drafter"),
            reviewer: token("reviewer"),
            approver: token("approver"),
        };

        let mut acked = BTreeMap::new();
        let mut pubs = BTreeMap::new();
        for round in 1..=KILLS {
            let server = serve(d, u, &[]);
            let got = write_then_kill(server, &tokens, round, label);
            let events: usize = got.apps.values().map(|a| a.2).sum();
            let steps: usize = got.pubs.values().map(|p| p.1).sum();
            eprintln!(
                "{label}: round {round}: {} applications and {events} events, {} publications and {steps} workflow steps acknowledged before SIGKILL",
                got.apps.len(),
                got.pubs.len()
            );
            acked.extend(got.apps);
            pubs.extend(got.pubs);
            let server = serve(d, u, &[]);
            check(
                &server,
                &tokens,
                &acked,
                &pubs,
                &db,
                &format!("{label} round {round}"),
            );
        }
    }
}
