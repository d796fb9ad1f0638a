//! The web shell in process: portal, login, CSRF, tenancy of every staff
//! page and API route this crate has, on SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use gongkai_domain::Role;
use gongkai_testkit::{every_backend, TestApp, TEST_PASSWORD};
use serde_json::json;

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in every_backend().await {
        v.push(TestApp::new(db).await);
    }
    v
}

#[tokio::test]
async fn portal_lists_agencies_with_security_headers() {
    for app in apps().await {
        let res = app.get("/", None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("测试区鼓楼街道办事处"));
        assert!(res.body.contains("测试区兄弟街道办事处"));
        assert!(res.body.contains("lang=\"zh-CN\""));
        for h in [
            "content-security-policy",
            "x-content-type-options",
            "referrer-policy",
            "x-frame-options",
        ] {
            assert!(res.headers.contains_key(h), "missing {h}");
        }
        let csp = res.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
        let css = app.get("/static/gongkai.css", None).await;
        assert!(css.body.contains("@media print"));
        let metrics = app.get("/metrics", None).await;
        assert_eq!(metrics.status, StatusCode::OK);
        assert!(
            metrics.body.contains("gongkai_http_requests_total"),
            "{}",
            metrics.body
        );
        let wrong_method = app.get("/logout", None).await;
        assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(wrong_method.body.contains("不支持这种请求方式"));
        let missing = app.get("/no/such/page", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("您访问的页面不存在"));
        assert!(missing.headers.contains_key("content-security-policy"));
    }
}

#[tokio::test]
async fn login_logout_and_bad_credentials() {
    for app in apps().await {
        let (res, login) = app.try_login("gulou-admin", "wrong-password").await;
        assert!(login.is_none());
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.body.contains("用户名或密码不正确"));
        assert!(
            res.body.contains("value=\"gulou-admin\""),
            "the username is kept"
        );

        // A login form without its token is refused.
        let res = app
            .post_form(
                "/login",
                None,
                &[("username", "gulou-admin"), ("password", TEST_PASSWORD)],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.contains("页面已过期"));

        let login = app.login("gulou-admin").await;
        let home = app.get("/admin", Some(&login)).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("机关管理员"));
        assert!(home.body.contains("测试区鼓楼街道办事处"));

        // Logout needs the token; then the cookie no longer works.
        let res = app
            .post_form("/logout", Some(&login), &[("csrf_token", "forged")])
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app.post_csrf("/logout", &login, &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let res = app.get("/admin", Some(&login)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().unwrap().starts_with("/login?next="));
    }
}

#[tokio::test]
async fn login_is_throttled_per_user() {
    for app in apps().await {
        for _ in 0..5 {
            let (res, _) = app.try_login("gulou-drafter", "wrong-password").await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        }
        let (res, login) = app.try_login("gulou-drafter", TEST_PASSWORD).await;
        assert!(
            login.is_none(),
            "the right password is refused while throttled"
        );
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.body.contains("登录失败次数过多"));
        // Other accounts are not affected.
        app.login("gulou-handler").await;
    }
}

#[tokio::test]
async fn expired_or_forged_session_goes_to_login() {
    for app in apps().await {
        let fake = gongkai_testkit::app::Login {
            cookie: "gk_session=forged".into(),
            csrf: String::new(),
        };
        let res = app.get("/admin/agencies/gulou", Some(&fake)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(
            res.location(),
            Some("/login?next=%2Fadmin%2Fagencies%2Fgulou")
        );
    }
}

#[tokio::test]
async fn admin_creates_a_drafter_who_can_log_in() {
    for app in apps().await {
        let admin = app.login("gulou-admin").await;
        let page = app.get("/admin/agencies/gulou", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("新建工作人员账号"));
        let res = app
            .post_csrf(
                "/admin/agencies/gulou/users",
                &admin,
                &[
                    ("username", "zhang.san"),
                    ("display_name", "张三"),
                    ("password", "zhangsan-pass-1"),
                    ("role", "drafter"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get(res.location().unwrap(), Some(&admin)).await;
        assert!(page.body.contains("工作人员账号已创建"));
        assert!(page.body.contains("张三"));
        let (_, drafter) = app.try_login("zhang.san", "zhangsan-pass-1").await;
        let drafter = drafter.expect("new drafter logs in");
        let home = app.get("/admin", Some(&drafter)).await;
        assert!(home.body.contains("信息员"));

        // Bad input: a clear message, the typed values kept, nothing created.
        let res = app
            .post_csrf(
                "/admin/agencies/gulou/users",
                &admin,
                &[
                    ("username", "zhang.san"),
                    ("display_name", "另一个张三"),
                    ("password", "zhangsan-pass-1"),
                    ("role", "drafter"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("用户名“zhang.san”已被使用"));
        assert!(res.body.contains("value=\"另一个张三\""));
        let res = app
            .post_csrf("/admin/agencies/gulou/users", &admin, &[("username", "x")])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("角色“”无效") || res.body.contains("无效"));
        // Malformed path parameter.
        let res = app
            .post_csrf(
                "/admin/agencies/gulou/users/abc/status",
                &admin,
                &[("disabled", "1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains("用户编号“abc”无效"));
    }
}

#[tokio::test]
async fn state_changing_forms_need_the_csrf_token_and_same_origin() {
    for app in apps().await {
        let admin = app.login("gulou-admin").await;
        let fields = [
            ("username", "li.si"),
            ("display_name", "李四"),
            ("password", "lisi-password-1"),
            ("role", "drafter"),
        ];
        let res = app
            .post_form("/admin/agencies/gulou/users", Some(&admin), &fields)
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.contains("csrf_failed"));
        // Right token, foreign Origin.
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [("csrf_token", admin.csrf.as_str())]
                    .iter()
                    .chain(fields.iter()),
            )
            .finish();
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/admin/agencies/gulou/users")
            .header("host", "localhost")
            .header("origin", "https://evil.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &admin.cookie)
            .body(axum::body::Body::from(body))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let view = app.seeded.gulou.clone();
        let users = app
            .store
            .users_of_agency(
                &gongkai_domain::ConsoleOperator::local()
                    .admin_of(view.id)
                    .view(),
            )
            .await
            .unwrap();
        assert!(
            !users.iter().any(|u| u.username == "li.si"),
            "nothing was created"
        );
    }
}

/// Every staff page route with a request that would succeed for gulou's admin.
type RouteCase = (Method, String, Vec<(&'static str, String)>);

fn staff_routes(user_id: i64) -> Vec<RouteCase> {
    vec![
        (Method::GET, "/admin/agencies/{a}".into(), vec![]),
        (
            Method::GET,
            "/admin/agencies/{a}/applications".into(),
            vec![],
        ),
        (
            Method::GET,
            "/admin/agencies/{a}/applications/new".into(),
            vec![],
        ),
        (Method::GET, "/admin/agencies/{a}/dashboard".into(), vec![]),
        (Method::GET, "/admin/agencies/{a}/reports".into(), vec![]),
        (
            Method::GET,
            "/admin/agencies/{a}/reports/2025".into(),
            vec![],
        ),
        (
            Method::GET,
            "/admin/agencies/{a}/reports/2025/rollup".into(),
            vec![],
        ),
        (
            Method::GET,
            "/admin/agencies/{a}/reports/2025/rollup.xlsx".into(),
            vec![],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}".into(),
            vec![
                ("kind", "subdistrict".into()),
                ("name", "改名后的机关".into()),
            ],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/children".into(),
            vec![
                ("code", "kid-x".into()),
                ("kind", "department".into()),
                ("name", "下级".into()),
            ],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/users".into(),
            vec![
                ("username", "u.matrix".into()),
                ("display_name", "矩阵".into()),
                ("password", "matrix-password".into()),
                ("role", "handler".into()),
            ],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/roles".into(),
            vec![
                ("username", "gulou-drafter".into()),
                ("role", "handler".into()),
            ],
        ),
        (
            Method::POST,
            format!("/admin/agencies/{{a}}/users/{user_id}/status"),
            vec![("disabled", "1".into())],
        ),
        (
            Method::POST,
            format!("/admin/agencies/{{a}}/users/{user_id}/password"),
            vec![("password", "reset-password-1".into())],
        ),
        (
            Method::POST,
            format!("/admin/agencies/{{a}}/users/{user_id}/roles/drafter/revoke"),
            vec![],
        ),
        (
            Method::GET,
            "/admin/agencies/{a}/letter-templates".into(),
            vec![],
        ),
        (
            Method::GET,
            "/admin/agencies/{a}/letter-templates?key=answered.disclosed".into(),
            vec![],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/letter-templates/settings".into(),
            vec![("abbreviation", "鼓楼公".into())],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/letter-templates/answered.disclosed".into(),
            vec![
                ("body", "# 答复\n{{ remedy }}".into()),
                ("action", "save".into()),
            ],
        ),
        (
            Method::POST,
            "/admin/agencies/{a}/letter-templates/answered.disclosed/reset".into(),
            vec![],
        ),
    ]
}

#[tokio::test]
async fn every_staff_route_refuses_other_agencies() {
    for app in apps().await {
        let victim = app.seeded.user_id("gulou", Role::Drafter);
        // Each sibling role, and each non-admin gulou role for writes.
        for role in Role::ALL {
            let sibling = app.login_as("sibling", role).await;
            for (method, path, fields) in staff_routes(victim) {
                let path = path.replace("{a}", "gulou");
                let res = if method == Method::GET {
                    app.get(&path, Some(&sibling)).await
                } else {
                    let f: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    app.post_csrf(&path, &sibling, &f).await
                };
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{} sibling {role:?} {method} {path}",
                    app.db.label
                );
            }
            if role != Role::Admin {
                let own = app.login_as("gulou", role).await;
                for (_, path, fields) in staff_routes(victim)
                    .into_iter()
                    .filter(|r| r.0 == Method::POST)
                {
                    let path = path.replace("{a}", "gulou");
                    let f: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let res = app.post_csrf(&path, &own, &f).await;
                    assert_eq!(res.status, StatusCode::FORBIDDEN, "gulou {role:?} {path}");
                }
                let res = app.get("/admin/agencies/gulou", Some(&own)).await;
                assert_eq!(
                    res.status,
                    StatusCode::OK,
                    "members may view their agency ({role:?})"
                );
                assert!(!res.body.contains("新建工作人员账号"));
            }
        }
        // Unknown agency: 404; anonymous: to the login page.
        let admin = app.login("gulou-admin").await;
        for (method, path, fields) in staff_routes(victim) {
            let path = path.replace("{a}", "no-such-agency");
            let res = if method == Method::GET {
                app.get(&path, Some(&admin)).await
            } else {
                let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_csrf(&path, &admin, &f).await
            };
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
            let anon = app.get(&path, None).await;
            if method == Method::GET {
                assert_eq!(anon.status, StatusCode::SEE_OTHER);
            }
        }
        // The district's supervisor reads gulou but changes nothing there.
        let sup = app.login_as("district", Role::Supervisor).await;
        assert_eq!(
            app.get("/admin/agencies/gulou", Some(&sup)).await.status,
            StatusCode::OK
        );
        for (method, path, fields) in staff_routes(victim)
            .into_iter()
            .filter(|r| r.0 == Method::POST)
        {
            let path = path.replace("{a}", "gulou");
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(
                app.post_csrf(&path, &sup, &f).await.status,
                StatusCode::FORBIDDEN,
                "{method} {path}"
            );
        }
        // gulou's admin can do all of it (the matrix is not vacuous) …
        for (method, path, fields) in staff_routes(victim) {
            let path = path.replace("{a}", "gulou");
            let res = if method == Method::GET {
                app.get(&path, Some(&admin)).await
            } else {
                let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_csrf(&path, &admin, &f).await
            };
            assert!(
                res.status == StatusCode::OK || res.status == StatusCode::SEE_OTHER,
                "admin {path}: {} {}",
                res.status,
                res.body
            );
        }
        // … and the district admin administers the agencies below it.
        let district_admin = app.login_as("district", Role::Admin).await;
        assert!(app
            .get("/admin/agencies/sibling", Some(&district_admin))
            .await
            .body
            .contains("新建工作人员账号"));
    }
}

#[tokio::test]
async fn api_routes_enforce_tokens_and_tenancy() {
    for app in apps().await {
        let admin = app.token("gulou", Role::Admin).await;
        let sibling_admin = app.token("sibling", Role::Admin).await;
        let drafter = app.token("gulou", Role::Drafter).await;
        let supervisor = app.token("district", Role::Supervisor).await;

        // Public reads.
        let list = app.api(Method::GET, "/api/v1/agencies", None, None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json().as_array().unwrap().len(), 5);
        let one = app
            .api(Method::GET, "/api/v1/agencies/gulou", None, None)
            .await
            .json();
        assert_eq!(one["parent"], "district");
        let missing = app
            .api(Method::GET, "/api/v1/agencies/nope", None, None)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["error"]["code"], "agency_not_found");

        let new_user = json!({"username": "api.user", "display_name": "接口用户", "password": "api-password-1", "role": "handler"});
        let update = json!({"kind": "subdistrict", "name": "测试区鼓楼街道办事处", "office": {"phone": "0537-1111111"}});
        let child = json!({"code": "api-child", "kind": "department", "name": "接口下级"});
        type Case = (Method, &'static str, Option<serde_json::Value>);
        let protected: Vec<Case> = vec![
            (Method::GET, "/api/v1/agencies/gulou/users", None),
            (
                Method::POST,
                "/api/v1/agencies/gulou/users",
                Some(new_user.clone()),
            ),
            (Method::PUT, "/api/v1/agencies/gulou", Some(update.clone())),
            (
                Method::POST,
                "/api/v1/agencies/gulou/children",
                Some(child.clone()),
            ),
        ];
        for (m, path, body) in &protected {
            let anon = app.api(m.clone(), path, None, body.clone()).await;
            assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{m} {path}");
            assert_eq!(anon.json()["error"]["code"], "unauthorized");
            let bad = app
                .api(m.clone(), path, Some("gk_not-a-token"), body.clone())
                .await;
            assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
            let other = app
                .api(m.clone(), path, Some(&sibling_admin), body.clone())
                .await;
            assert_eq!(other.status, StatusCode::FORBIDDEN, "{m} {path}");
            assert_eq!(other.json()["error"]["code"], "forbidden");
            let unknown = app
                .api(
                    m.clone(),
                    &path.replace("gulou", "nope"),
                    Some(&admin),
                    body.clone(),
                )
                .await;
            assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{m} {path}");
        }
        // Writes need admin; reads are for members and supervisors above.
        for (m, path, body) in protected.iter().filter(|c| c.0 != Method::GET) {
            assert_eq!(
                app.api(m.clone(), path, Some(&drafter), body.clone())
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(
                app.api(m.clone(), path, Some(&supervisor), body.clone())
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
        }
        assert_eq!(
            app.api(
                Method::GET,
                "/api/v1/agencies/gulou/users",
                Some(&drafter),
                None
            )
            .await
            .status,
            StatusCode::OK
        );
        assert_eq!(
            app.api(
                Method::GET,
                "/api/v1/agencies/gulou/users",
                Some(&supervisor),
                None
            )
            .await
            .status,
            StatusCode::OK
        );

        let created = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/users",
                Some(&admin),
                Some(new_user),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        assert_eq!(created.json()["roles"], json!(["handler"]));
        let dup = app.api(Method::POST, "/api/v1/agencies/gulou/users", Some(&admin), Some(json!({"username": "api.user", "display_name": "x", "password": "api-password-1", "role": "handler"}))).await;
        assert_eq!(dup.status, StatusCode::CONFLICT);
        let bad_role = app.api(Method::POST, "/api/v1/agencies/gulou/users", Some(&admin), Some(json!({"username": "z.user", "display_name": "x", "password": "api-password-1", "role": "root"}))).await;
        assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);
        assert!(bad_role.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("role"));
        let not_json = app
            .send(
                axum::http::Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/agencies/gulou/users")
                    .header("authorization", format!("Bearer {admin}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{not json"))
                    .unwrap(),
            )
            .await;
        assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
        assert_eq!(not_json.json()["error"]["code"], "invalid_json");

        let updated = app
            .api(
                Method::PUT,
                "/api/v1/agencies/gulou",
                Some(&admin),
                Some(update),
            )
            .await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
        assert_eq!(updated.json()["office"]["phone"], "0537-1111111");
        let kid = app
            .api(
                Method::POST,
                "/api/v1/agencies/gulou/children",
                Some(&admin),
                Some(child),
            )
            .await;
        assert_eq!(kid.status, StatusCode::CREATED);
        assert_eq!(kid.json()["parent"], "gulou");

        let me = app
            .api(Method::GET, "/api/v1/me", Some(&admin), None)
            .await
            .json();
        assert_eq!(me["grants"], json!([{"agency": "gulou", "role": "admin"}]));
        assert_eq!(
            app.api(Method::GET, "/api/v1/me", None, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let gone = app.api(Method::GET, "/api/v1/nothing", None, None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        assert_eq!(gone.json()["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn openapi_document_is_openapi_3_and_lists_every_route() {
    let app = TestApp::new(gongkai_testkit::sqlite().await).await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/agencies",
        "/api/v1/agencies/{agency}",
        "/api/v1/agencies/{agency}/children",
        "/api/v1/agencies/{agency}/users",
        "/api/v1/me",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    insta::assert_json_snapshot!("openapi", doc);
}
