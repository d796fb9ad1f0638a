//! Reading and writing the few cookies gongkai uses.

use axum::http::{header, HeaderMap};

pub const SESSION_COOKIE: &str = "gk_session";
/// Double-submit token protecting forms shown before login.
pub const PRE_CSRF_COOKIE: &str = "gk_csrf";

pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set(name: &str, value: &str, secure: bool, max_age_secs: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", secure, Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_among_many() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gk_session=abc; b=2"),
        );
        assert_eq!(get(&h, "gk_session").as_deref(), Some("abc"));
        assert_eq!(get(&h, "zz"), None);
    }
}
