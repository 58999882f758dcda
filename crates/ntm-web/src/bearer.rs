//! `Authorization: Bearer <token>` for machine clients (issue 14, part 3).
//!
//! A token authenticates `/api/…` requests only, and only when the request carries no
//! session cookie (a browser request is a session request, CSRF included). Such a request
//! needs no CSRF token — a browser never attaches the header by itself — and a `read` token
//! may only use safe methods (403 otherwise). Pages ignore the header. The token's owner,
//! grants and refusal rules are `ntm_app::users::tokens::token_user`.

use axum::http::{HeaderMap, header};

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive), if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bearer_scheme_only() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer ntm_abc".parse().unwrap());
        assert_eq!(bearer_token(&h), Some("ntm_abc"));
        h.insert(header::AUTHORIZATION, "bearer  ntm_abc ".parse().unwrap());
        assert_eq!(bearer_token(&h), Some("ntm_abc"));
        h.insert(header::AUTHORIZATION, "Basic YWxpY2U6eA==".parse().unwrap());
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer_token(&h), None);
    }
}
