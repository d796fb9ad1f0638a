//! `TestApp`: the real router, in process, over a seeded store.

use crate::db::TestDb;
use crate::seed::{seed, Seeded, TEST_PASSWORD};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use gongkai_domain::{ConsoleOperator, Role};
use gongkai_store::Store;
use gongkai_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub store: Store,
    pub seeded: Seeded,
    pub db: TestDb,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
    /// `name=value` of every Set-Cookie with that name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// A logged-in browser: its cookie header and the CSRF token of its session.
#[derive(Clone, Debug)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
}

/// The value of `<input … name="NAME" value="…">` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        TestApp::with_config(db, WebConfig::default()).await
    }

    /// Like [`TestApp::new`], with other web settings.
    pub async fn with_config(db: TestDb, config: WebConfig) -> TestApp {
        let seeded = seed(&db.store).await;
        let state = AppState::new(db.store.clone(), config);
        TestApp {
            router: gongkai_web::router(state.clone()),
            state,
            store: db.store.clone(),
            seeded,
            db,
        }
    }

    /// Like [`TestApp::new`], with full-text search over an index in memory
    /// fed from the store's outbox, as `gongkai serve` runs it.
    pub async fn with_search(db: TestDb) -> TestApp {
        let app = TestApp::new(db).await;
        app.state
            .enable_search(gongkai_search::SearchIndex::open_in_ram().expect("search index in RAM"))
            .expect("search writer");
        app
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible router");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, login: Option<&Login>) -> TestResponse {
        let mut b = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header(header::HOST, "localhost");
        if let Some(l) = login {
            b = b.header(header::COOKIE, &l.cookie);
        }
        self.send(b.body(Body::empty()).expect("request")).await
    }

    /// Posts a form as a browser on this site would (same Origin).
    pub async fn post_form(
        &self,
        path: &str,
        login: Option<&Login>,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter())
            .finish();
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(l) = login {
            b = b.header(header::COOKIE, &l.cookie);
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// A form post carrying the session's CSRF token.
    pub async fn post_csrf(
        &self,
        path: &str,
        login: &Login,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", login.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, Some(login), &all).await
    }

    /// Logs in through the real login form.
    pub async fn try_login(&self, username: &str, password: &str) -> (TestResponse, Option<Login>) {
        let page = self.get("/login", None).await;
        let pre = page.cookie("gk_csrf").expect("login page sets gk_csrf");
        let token = hidden_value(&page.body, "form_token").expect("form_token");
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("username", username),
                ("password", password),
                ("form_token", &token),
                ("next", "/admin"),
            ])
            .finish();
        let req = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("gk_csrf={pre}"))
            .body(Body::from(body))
            .expect("request");
        let res = self.send(req).await;
        let Some(session) = res.cookie("gk_session").filter(|s| !s.is_empty()) else {
            return (res, None);
        };
        let cookie = format!("gk_session={session}");
        let home = self
            .get(
                "/admin",
                Some(&Login {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await;
        let csrf = hidden_value(&home.body, "csrf_token").expect("csrf token on staff home");
        (res, Some(Login { cookie, csrf }))
    }

    pub async fn login(&self, username: &str) -> Login {
        let (res, login) = self.try_login(username, TEST_PASSWORD).await;
        login.unwrap_or_else(|| panic!("login as {username} failed: {} {}", res.status, res.body))
    }

    pub async fn login_as(&self, code: &str, role: Role) -> Login {
        let username = self.seeded.username(code, role).to_string();
        self.login(&username).await
    }

    /// A bearer token for the seeded user of `role` in `code`.
    pub async fn token(&self, code: &str, role: Role) -> String {
        let id = self.seeded.user_id(code, role);
        self.store
            .issue_api_token(&ConsoleOperator::local(), id, "test")
            .await
            .expect("token")
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
    ) -> TestResponse {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).expect("request")).await
    }
}
