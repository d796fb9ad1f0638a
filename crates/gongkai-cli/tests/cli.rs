//! The `gongkai` binary as an operator uses it, on SQLite and PostgreSQL.

mod common;

use common::{run, serve, stderr, stdout};

#[tokio::test]
async fn demo_is_idempotent_and_prints_passwords_once() {
    for (label, db) in common::backends().await {
        db.store.close().await;
        let url = db.database_url.as_deref();
        let first = serve(db.dir.path(), url, &["--demo"]);
        assert!(
            first.banner.contains("gulou-admin"),
            "{label}: {}",
            first.banner
        );
        let pw = common::demo_password(&first.banner, "gulou-admin");
        assert!(pw.len() >= 10);
        assert!(first.banner.contains("/login"));
        drop(first);
        let second = serve(db.dir.path(), url, &["--demo"]);
        assert!(
            second.banner.contains("演示数据已存在"),
            "{label}: {}",
            second.banner
        );
        assert!(
            !second.banner.contains(&pw),
            "passwords are printed only once"
        );
        drop(second);
        let list = run(&["agency", "list"], db.dir.path(), url);
        let text = stdout(&list);
        for code in [
            "shandong",
            "jining",
            "yanzhou",
            "gulou",
            "jiuxianqiao",
            "longqiao",
        ] {
            assert_eq!(
                text.matches(&format!("{code}  ")).count(),
                1,
                "{label}: {code} once in\n{text}"
            );
        }
        assert!(text.contains("鼓楼街道"));
    }
}

#[tokio::test]
async fn audit_verify_names_the_tampered_entry() {
    for (label, db) in common::backends().await {
        let url = db.database_url.clone();
        gongkai_testkit::seed(&db.store).await;
        let ok = run(&["audit", "verify"], db.dir.path(), url.as_deref());
        assert!(ok.status.success(), "{label}: {}", stderr(&ok));
        assert!(stdout(&ok).contains("审计链完整"));

        db.store
            .execute_raw_for_tests(
                "UPDATE audit_log SET summary = '{\"after\":\"tampered\"}' WHERE id = 7",
            )
            .await
            .unwrap();
        let bad = run(&["audit", "verify"], db.dir.path(), url.as_deref());
        assert_eq!(bad.status.code(), Some(1), "{label}");
        assert!(stderr(&bad).contains("#7"), "{label}: {}", stderr(&bad));

        db.store
            .execute_raw_for_tests("DELETE FROM audit_log WHERE id = 7")
            .await
            .unwrap();
        let gone = run(&["audit", "verify"], db.dir.path(), url.as_deref());
        assert_eq!(gone.status.code(), Some(1));
        assert!(stderr(&gone).contains("#7"), "{label}: {}", stderr(&gone));
    }
}

#[tokio::test]
async fn users_agencies_and_tokens_from_the_console() {
    for (label, db) in common::backends().await {
        let url = db.database_url.clone();
        let u = url.as_deref();
        let d = db.dir.path();
        let add = run(
            &[
                "agency",
                "add",
                "--code",
                "root",
                "--name",
                "测试省",
                "--kind",
                "province",
            ],
            d,
            u,
        );
        assert!(add.status.success(), "{label}: {}", stderr(&add));
        let add = run(
            &[
                "agency",
                "add",
                "--code",
                "street",
                "--name",
                "测试街道",
                "--kind",
                "subdistrict",
                "--parent",
                "root",
            ],
            d,
            u,
        );
        assert!(add.status.success(), "{}", stderr(&add));
        let bad = run(
            &[
                "agency",
                "add",
                "--code",
                "street",
                "--name",
                "重复",
                "--kind",
                "subdistrict",
            ],
            d,
            u,
        );
        assert!(!bad.status.success());
        assert!(stderr(&bad).contains("已被使用"), "{}", stderr(&bad));
        let bad_kind = run(
            &[
                "agency", "add", "--code", "x1", "--name", "x", "--kind", "planet",
            ],
            d,
            u,
        );
        assert!(!bad_kind.status.success());

        let tok1 = run(
            &["user", "token", "--agency", "street", "--role", "handler"],
            d,
            u,
        );
        assert!(tok1.status.success(), "{}", stderr(&tok1));
        let t1 = stdout(&tok1).lines().last().unwrap().to_string();
        assert!(t1.starts_with("gk_"));
        let tok2 = run(
            &["user", "token", "--agency", "street", "--role", "handler"],
            d,
            u,
        );
        let t2 = stdout(&tok2).lines().last().unwrap().to_string();
        assert_ne!(t1, t2);
        let p1 = db.store.principal_for_token(&t1).await.unwrap().unwrap();
        let p2 = db.store.principal_for_token(&t2).await.unwrap().unwrap();
        assert_eq!(p1.user_id, p2.user_id, "the same user is reused");
        let missing = run(
            &["user", "token", "--agency", "nowhere", "--role", "handler"],
            d,
            u,
        );
        assert!(!missing.status.success());
        assert!(stderr(&missing).contains("找不到代码为“nowhere”的机关"));

        let add_user = run(
            &[
                "user",
                "add",
                "--agency",
                "street",
                "--role",
                "drafter",
                "--username",
                "wang.wu",
                "--name",
                "王五",
            ],
            d,
            u,
        );
        assert!(add_user.status.success(), "{}", stderr(&add_user));
        let initial = stdout(&add_user)
            .lines()
            .find_map(|l| l.strip_prefix("初始密码："))
            .unwrap()
            .to_string();
        assert!(db
            .store
            .authenticate("wang.wu", &initial)
            .await
            .unwrap()
            .is_some());
        let pw = run(
            &[
                "user",
                "passwd",
                "--username",
                "wang.wu",
                "--password",
                "a-chosen-password",
            ],
            d,
            u,
        );
        assert!(pw.status.success());
        assert!(db
            .store
            .authenticate("wang.wu", "a-chosen-password")
            .await
            .unwrap()
            .is_some());
        let short = run(
            &[
                "user",
                "passwd",
                "--username",
                "wang.wu",
                "--password",
                "short",
            ],
            d,
            u,
        );
        assert!(!short.status.success());
        assert!(stderr(&short).contains("密码至少需要10个字符"));
        let verify = run(&["audit", "verify"], d, u);
        assert!(verify.status.success(), "{label}");
    }
}

#[tokio::test]
async fn sqlite_backup_restore_round_trip() {
    let db = gongkai_testkit::sqlite().await;
    gongkai_testkit::seed(&db.store).await;
    let backup = db.dir.path().join("b.sqlite3");
    let out = run(
        &["backup", "--out", backup.to_str().unwrap()],
        db.dir.path(),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let target = tempfile::tempdir().unwrap();
    let out = run(
        &["restore", "--from", backup.to_str().unwrap()],
        target.path(),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("审计链完整"));
    let list = stdout(&run(&["agency", "list"], target.path(), None));
    assert!(list.contains("gulou"));
    let again = run(
        &["restore", "--from", backup.to_str().unwrap()],
        target.path(),
        None,
    );
    assert!(!again.status.success());
    assert!(stderr(&again).contains("--force"));
}

#[tokio::test]
async fn db_copy_moves_sqlite_to_postgres() {
    let Some(pg) = gongkai_testkit::postgres().await else {
        return;
    };
    let src = gongkai_testkit::sqlite().await;
    gongkai_testkit::seed(&src.store).await;
    src.store.close().await;
    let url = pg.database_url.clone().unwrap();
    let out = run(&["db", "copy", "--to", &url], src.dir.path(), None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("审计链完整"));
    let verify = run(&["audit", "verify"], src.dir.path(), Some(&url));
    assert!(verify.status.success());
    let list = stdout(&run(&["agency", "list"], src.dir.path(), Some(&url)));
    assert!(list.contains("sibling"));
}

#[test]
fn unreachable_database_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["agency", "list"],
        dir.path(),
        Some("postgres://nobody:secret@127.0.0.1:9/none"),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("无法连接"), "{err}");
    assert!(!err.contains("secret"), "the password is not printed");
    let out = run(&["agency", "list"], dir.path(), Some("mysql://x"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("不支持的数据库地址"));
}

#[test]
fn deadline_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["deadline", "--received", "2024-09-26", "--json"],
        dir.path(),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["due_on"], "2024-10-29");
    let out = run(&["deadline", "--received", "2026-12-20"], dir.path(), None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("2027"));
    assert!(
        !dir.path().join("gongkai.sqlite3").exists(),
        "computing creates no database"
    );
}

#[tokio::test]
async fn imported_calendar_year_is_used() {
    let db = gongkai_testkit::sqlite().await;
    db.store.close().await;
    let file = db.dir.path().join("2027.toml");
    // A 2027 with only New Year's Day off (test data, not the State Council's).
    std::fs::write(
        &file,
        "[2027]\nnotice = \"测试数据\"\nholidays = [\"2027-01-01\"]\nworkdays = []\n",
    )
    .unwrap();
    let out = run(
        &["calendar", "import", file.to_str().unwrap()],
        db.dir.path(),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &["deadline", "--received", "2026-12-20", "--json"],
        db.dir.path(),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bad = db.dir.path().join("bad.toml");
    std::fs::write(&bad, "[2027\n").unwrap();
    let out = run(
        &["calendar", "import", bad.to_str().unwrap()],
        db.dir.path(),
        None,
    );
    assert!(!out.status.success());
}

/// `gongkai user token` works while the server runs on the same data, and
/// the token is accepted by that server at once.
#[tokio::test]
async fn token_issued_while_serving_is_accepted() {
    use std::io::{Read, Write};
    for (label, db) in common::backends().await {
        db.store.close().await;
        let url = db.database_url.clone();
        let server = serve(db.dir.path(), url.as_deref(), &["--demo"]);
        let out = run(
            &["user", "token", "--agency", "gulou", "--role", "handler"],
            db.dir.path(),
            url.as_deref(),
        );
        assert!(out.status.success(), "{label}: {}", stderr(&out));
        let token = stdout(&out).lines().last().unwrap().trim().to_string();
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut conn = std::net::TcpStream::connect(&addr).unwrap();
        write!(conn, "GET /api/v1/me HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        conn.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{label}: {response}");
        assert!(
            response.contains("\"role\":\"handler\""),
            "{label}: {response}"
        );
    }
}
