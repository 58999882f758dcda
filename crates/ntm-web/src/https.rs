//! Whether a request reached the public site over HTTPS, which decides `Secure` cookies and
//! the `Strict-Transport-Security` header.
//!
//! NTM Số does not terminate TLS itself: it is HTTPS when the configured public address
//! (`--base-url`, `NTM_BASE_URL`) starts with `https://`, when `--secure-cookies` says so,
//! or, with `--trust-forwarded-for`, when the outermost trusted proxy wrote `https` in
//! `X-Forwarded-Proto` (the same rightmost-untrusted-hop rule as `X-Forwarded-For`: the
//! entry `--trusted-proxies` places from the right; entries further left come from the
//! client). `--insecure-http` turns all of it off, for plain-HTTP local development only.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::WebConfig;

/// `Strict-Transport-Security` sent on HTTPS responses: one year, this host only (a
/// province's other services on sibling sub-domains are not committed to HTTPS by us).
pub const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000");

/// The scheme the outermost trusted proxy received the request with, from
/// `X-Forwarded-Proto` values (several headers count as one list, in order): the entry
/// `proxies` places from the right, or the leftmost when there are fewer.
pub fn forwarded_proto(values: &[&str], proxies: usize) -> Option<String> {
    let entries: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let at = entries.len().saturating_sub(proxies.max(1));
    entries.get(at).map(|e| e.to_ascii_lowercase())
}

impl WebConfig {
    /// True when the public address is `https://…`.
    pub fn base_url_is_https(&self) -> bool {
        self.base_url.as_deref().is_some_and(|u| {
            u.trim()
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        })
    }

    /// The site's address for absolute links (`https://ntm.example.vn`, no trailing slash):
    /// the configured base URL, else the request's `Host` (plain characters only) with the
    /// scheme [`WebConfig::served_over_https`] decides, so a forged header changes no scheme.
    pub fn site_url(&self, headers: &HeaderMap) -> String {
        if let Some(base) = self
            .base_url
            .as_deref()
            .map(|b| b.trim().trim_end_matches('/'))
            .filter(|b| !b.is_empty())
        {
            return base.to_owned();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            })
            .unwrap_or("localhost");
        let scheme = if self.served_over_https(headers) {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }

    /// Whether the request with these headers was served to the client over HTTPS.
    pub fn served_over_https(&self, headers: &HeaderMap) -> bool {
        if self.insecure_http {
            return false;
        }
        if self.secure_cookies || self.base_url_is_https() {
            return true;
        }
        if !self.trust_forwarded_for {
            return false;
        }
        let values: Vec<&str> = headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        forwarded_proto(&values, self.trusted_proxies).as_deref() == Some("https")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(base: Option<&str>, trust: bool, proxies: usize) -> WebConfig {
        WebConfig {
            base_url: base.map(str::to_string),
            trust_forwarded_for: trust,
            trusted_proxies: proxies,
            ..WebConfig::default()
        }
    }

    fn headers(protos: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for p in protos {
            h.append("x-forwarded-proto", HeaderValue::from_str(p).unwrap());
        }
        h
    }

    #[test]
    fn https_is_decided_by_the_base_url_or_the_trusted_proxy() {
        let none = HeaderMap::new();
        assert!(!cfg(None, false, 1).served_over_https(&none));
        assert!(cfg(Some("https://ntm.travinh.gov.vn"), false, 1).served_over_https(&none));
        assert!(cfg(Some("HTTPS://x.vn/"), false, 1).served_over_https(&none));
        assert!(!cfg(Some("http://localhost:8080"), false, 1).served_over_https(&none));
        // The header counts only behind a trusted proxy…
        assert!(!cfg(None, false, 1).served_over_https(&headers(&["https"])));
        assert!(cfg(None, true, 1).served_over_https(&headers(&["https"])));
        // …and only the entry the outermost trusted proxy wrote: a client's forged "https"
        // before the proxy's "http" does not count.
        assert!(!cfg(None, true, 1).served_over_https(&headers(&["https, http"])));
        assert!(!cfg(None, true, 1).served_over_https(&headers(&["https", "http"])));
        assert!(cfg(None, true, 2).served_over_https(&headers(&["https, http"])));
        assert!(cfg(None, true, 1).served_over_https(&headers(&["http, HTTPS"])));
        // The explicit opt-out for plain-HTTP development wins.
        let mut dev = cfg(Some("https://ntm.travinh.gov.vn"), true, 1);
        dev.insecure_http = true;
        assert!(!dev.served_over_https(&headers(&["https"])));
    }
}
