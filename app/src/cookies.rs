//! Reading cookies from request headers or `document.cookie`, one parser for both.

/// The cookie that remembers which estate a person works in (staff of several estates).
pub const ESTATE_COOKIE: &str = "propdesk_estate";

/// The value of cookie `name` in a `Cookie:` header value or `document.cookie`.
pub fn find<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The value of cookie `name` in a request's headers.
pub fn from_headers(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| find(v, name))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookies() {
        assert_eq!(
            find("a=1; propdesk_lang=en; b=2", "propdesk_lang"),
            Some("en")
        );
        assert_eq!(find("a=1", "propdesk_lang"), None);
        let mut h = http::HeaderMap::new();
        h.append(http::header::COOKIE, "x=1".parse().unwrap());
        h.append(http::header::COOKIE, "y=2; z=3".parse().unwrap());
        assert_eq!(from_headers(&h, "z").as_deref(), Some("3"));
    }
}
