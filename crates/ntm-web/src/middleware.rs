//! The request-context middleware: language, session, CSRF, error rendering, cookies.
//!
//! For every request except `/assets/…` and `/health` it
//! 1. picks the language (`?lang=` → `lang` cookie → `Accept-Language` → Vietnamese),
//! 2. resolves the session cookie (`ntm_session`) through `ntm_app::users::session_user`;
//!    an expired session clears the cookie and sends pages to `/login?expired=1`
//!    (API: 401 problem),
//! 3. decides the CSRF token: with a session, the token derived from the session secret
//!    ([`session_csrf`], so a token from another session, even planted in the cookie, is
//!    refused); without one, the double-submit token of the `ntm_csrf` cookie (login page,
//!    public survey), created when missing,
//! 4. rejects unsafe methods (POST, PUT, PATCH, DELETE) that come from another site
//!    (`Sec-Fetch-Site: cross-site`, or an `Origin` that is not this host) or whose token
//!    (form field `_csrf` or header `X-CSRF-Token`) is not that token,
//! 5. renders errors (ours and axum's) as HTML pages or problem+json,
//! 6. sets the cookies it decided on (`Secure` when served over HTTPS, see
//!    [`crate::https`]), and `Strict-Transport-Security` on HTTPS responses.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use ntm_app::AppError;
use rand::RngCore;

use crate::ctx::{Ctx, SessionState, local_path, url_encode};
use crate::error::{ErrorInfo, ErrorKind, WebError, html_response, problem_response};
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ntm_session";
pub const CSRF_COOKIE: &str = "ntm_csrf";
pub const LANG_COOKIE: &str = "lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A fresh random token (256 bits, URL-safe base64).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The CSRF token of a session: SHA-256 of a fixed label and the session's secret token
/// (256 random bits, only its plain SHA-256 is stored). Nobody can compute it without the
/// session cookie, it never equals the stored hash, and it reveals nothing about the
/// session token. Every server derives the same value, so nothing is stored.
pub fn session_csrf(session_token: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"ntm-csrf/1\0");
    h.update(session_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

fn valid_token(t: &str) -> bool {
    (20..=100).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Equal in constant time (for equal lengths).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k == name).then(|| v.to_string())
    })
}

/// How much of a multipart body the CSRF check parses to find the `_csrf` field.
const PROBE_BYTES: usize = 64 * 1024;

fn client_addr(req: &Request, cfg: &crate::WebConfig) -> String {
    if cfg.trust_forwarded_for {
        let values: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if let Some(ip) = forwarded_client(&values, cfg.trusted_proxies) {
            return ip.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The client address in `X-Forwarded-For` values (several headers count as one list, in
/// order) behind `proxies` appending proxies: the entry `proxies` places from the right,
/// never one further left (those come from the client). `None` when there is no entry or
/// that entry is not an IP address (the peer address is used then).
pub fn forwarded_client(values: &[&str], proxies: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let at = entries.len().saturating_sub(proxies.max(1));
    let e = entries.get(at)?;
    // "1.2.3.4:5678" and "[::1]:5678" as some proxies write them.
    e.parse::<IpAddr>()
        .ok()
        .or_else(|| e.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// A cookie header value with our defaults (Path=/, SameSite, Secure when configured).
pub fn cookie(
    name: &str,
    value: &str,
    same_site: SameSite,
    http_only: bool,
    max_age: Option<time::Duration>,
    secure: bool,
) -> Option<HeaderValue> {
    let mut c = Cookie::build((name.to_string(), value.to_string()))
        .path("/")
        .same_site(same_site)
        .http_only(http_only)
        .secure(secure);
    if let Some(age) = max_age {
        c = c.max_age(age);
    }
    HeaderValue::from_str(&c.build().to_string()).ok()
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The page to come back to after logging in, for a request that needed a login.
fn next_after_login(ctx: &Ctx, method: &Method, headers: &HeaderMap) -> String {
    if *method == Method::GET {
        return ctx.here();
    }
    // After a form post, go back to the page the form was on (same site only).
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            let host = headers.get(header::HOST)?.to_str().ok()?;
            let rest = r
                .strip_prefix("https://")
                .or_else(|| r.strip_prefix("http://"))?;
            let path = rest.strip_prefix(host)?;
            local_path(path)
        })
        .unwrap_or_else(|| "/".into())
}

fn login_redirect(next: &str, expired: bool) -> Response {
    let mut url = String::from("/login?");
    if expired {
        url.push_str("expired=1&");
    }
    url.push_str("next=");
    url.push_str(&url_encode(next));
    Redirect::to(&url).into_response()
}

fn host_of_origin(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn csrf_error(detail: &str) -> ErrorInfo {
    let mut e = ErrorInfo::new(ErrorKind::Csrf);
    e.detail = Some(detail.to_string());
    e
}

/// Checks an unsafe request; returns it (with its body restored) when it may go on.
async fn check_csrf(
    req: Request,
    expected: Option<&str>,
    limit: usize,
) -> Result<Request, ErrorInfo> {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return Err(csrf_error(
            "cross-site request refused (Sec-Fetch-Site: cross-site)",
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()));
        match (host_of_origin(origin), host) {
            (Some(o), Some(h)) if o.eq_ignore_ascii_case(h) => {}
            _ => {
                return Err(csrf_error(
                    "request from another site refused (Origin does not match Host)",
                ));
            }
        }
    }
    let Some(expected) = expected else {
        return Err(csrf_error(
            "no CSRF cookie: load a page (or GET /api/v1/me) first to receive the ntm_csrf cookie",
        ));
    };
    if let Some(h) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if same(h, expected) {
            Ok(req)
        } else {
            Err(csrf_error(
                "the X-CSRF-Token header is not this session's token (the ntm_csrf cookie)",
            ))
        };
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    if !is_form && !is_multipart {
        return Err(csrf_error("missing X-CSRF-Token header"));
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            let mut e = ErrorInfo::new(ErrorKind::PayloadTooLarge);
            e.detail = Some(format!("the request body is larger than {limit} bytes"));
            return Err(e);
        }
    };
    // Forms put `_csrf` first: a multipart form is probed on its first 64 KB only (a file
    // after it may be large, and the probe has axum's default 2 MiB limit).
    let probe_bytes = if is_multipart {
        bytes.slice(..bytes.len().min(PROBE_BYTES))
    } else {
        bytes.clone()
    };
    let probe = || {
        // A POST: for GET, axum's `Form` would read the query string instead of the body.
        Request::builder()
            .method(Method::POST)
            .header(header::CONTENT_TYPE, content_type.as_str())
            .body(Body::from(probe_bytes.clone()))
            .unwrap_or_default()
    };
    let token = if is_form {
        axum::extract::Form::<Vec<(String, String)>>::from_request(probe(), &())
            .await
            .ok()
            .and_then(|f| {
                f.0.into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            })
    } else {
        let mut found = None;
        if let Ok(mut mp) = Multipart::from_request(probe(), &()).await {
            while let Ok(Some(field)) = mp.next_field().await {
                if field.name() == Some(CSRF_FIELD) {
                    found = field.text().await.ok();
                    break;
                }
            }
        }
        found
    };
    match token {
        Some(t) if same(&t, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Some(_) => Err(csrf_error(
            "the form token is not this session's token (reload the page and try again)",
        )),
        None => Err(csrf_error("the form has no _csrf field")),
    }
}

fn already_rendered(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.starts_with("text/html")
                || ct.starts_with("application/json")
                || ct.starts_with("application/problem+json")
        })
}

/// Renders an error response (from a handler, or a bare one from axum) for the client.
async fn finish_error(
    res: Response,
    ctx: &Ctx,
    is_api: bool,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    if ctx.path.starts_with("/open311/") {
        let info = res.extensions().get::<ErrorInfo>().cloned();
        return crate::open311::finish_error(res, info, &ctx.path, &ctx.request_id).await;
    }
    let status = res.status();
    let info = match res.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => info,
        None if status.as_u16() >= 400 && !already_rendered(&res) => {
            let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            ErrorInfo::from_status(status, &String::from_utf8_lossy(&body))
        }
        None => return res,
    };
    if info.kind == ErrorKind::Internal {
        tracing::error!(request_id = %ctx.request_id, path = %ctx.path, detail = ?info.detail, "internal error");
    }
    if is_api {
        problem_response(&info, &ctx.path, &ctx.request_id)
    } else {
        match info.kind {
            ErrorKind::Unauthorized => {
                login_redirect(&next_after_login(ctx, method, headers), false)
            }
            ErrorKind::SessionExpired => {
                login_redirect(&next_after_login(ctx, method, headers), true)
            }
            _ => html_response(&info, ctx),
        }
    }
}

pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let https = st.cfg.served_over_https(req.headers());
    if path.starts_with("/assets/") || path == "/health" {
        let mut res = next.run(req).await;
        if https {
            res.headers_mut()
                .insert(header::STRICT_TRANSPORT_SECURITY, crate::https::HSTS);
        }
        return res;
    }
    // The JSON API and OGC API – Features answer errors as problem details.
    let is_api = path.starts_with("/api/")
        || path == "/ogc"
        || path.starts_with("/ogc/")
        || path == "/maps/status.geojson";
    let method = req.method().clone();
    let query = req.uri().query().map(str::to_string);
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let jar = CookieJar::from_headers(req.headers());

    let query_lang = query_param(query.as_deref(), "lang").and_then(|l| Lang::parse(&l));
    let lang = query_lang
        .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();

    let cookie_csrf = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| valid_token(v));

    let origin = client_addr(&req, &st.cfg);

    let mut session = SessionState::None;
    let mut user = None;
    let mut session_token = None;
    let mut clear_session = false;
    let session_cookie = jar
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| !t.is_empty());
    // An API token authenticates the API only, and only without a session cookie
    // (`crate::bearer`); a refused token answers 401 (429 after repeated failures).
    let mut api_token = None;
    let mut token_error = None;
    if is_api
        && session_cookie.is_none()
        && let Some(t) = crate::bearer::bearer_token(req.headers())
    {
        match ntm_app::users::tokens::token_user(&st.app, t, &origin).await {
            Ok(tu) => {
                api_token = Some(crate::ctx::ApiToken {
                    scope: tu.scope,
                    token: tu.token_ref(),
                });
                user = Some(tu.user);
            }
            Err(e) => token_error = Some(e),
        }
    }
    if let Some(token) = session_cookie {
        match ntm_app::users::session_user(&st.app, &token).await {
            Ok(Some(u)) => {
                user = Some(u);
                session_token = Some(token);
                session = SessionState::Active;
            }
            Ok(None) => clear_session = true,
            Err(AppError::SessionExpired) => {
                session = SessionState::Expired;
                clear_session = true;
            }
            Err(e) => {
                tracing::error!(request_id = %request_id, error = %e, "cannot resolve the session");
                let mut info = ErrorInfo::new(ErrorKind::Unavailable);
                info.detail = Some("the session store is not answering".into());
                let ctx = Ctx {
                    lang,
                    user: None,
                    session_token: None,
                    session: SessionState::None,
                    api_token: None,
                    csrf: cookie_csrf.clone().unwrap_or_else(random_token),
                    https,
                    request_id: request_id.clone(),
                    origin,
                    path: path.clone(),
                    query,
                    today: ntm_app::today(),
                    scope_units: Vec::new(),
                    notifications_unread: 0,
                };
                return if is_api {
                    problem_response(&info, &path, &request_id)
                } else {
                    html_response(&info, &ctx)
                };
            }
        }
    }

    // With a session the token is the session's own; without, the cookie's (double submit).
    let csrf = match &session_token {
        Some(t) => session_csrf(t),
        None => cookie_csrf.clone().unwrap_or_else(random_token),
    };
    let expected_csrf = match &session_token {
        Some(_) => Some(csrf.clone()),
        None => cookie_csrf.clone(),
    };

    let today = ntm_app::today();
    let mut scope_units = Vec::new();
    let mut notifications_unread = 0;
    if !is_api && let Some(u) = &user {
        match ntm_app::notifications::unread(&st.app, &u.actor(&origin)).await {
            Ok(n) => notifications_unread = n,
            Err(e) => {
                tracing::warn!(request_id = %request_id, error = %e, "cannot count notifications")
            }
        }
        let codes: Vec<String> = u
            .grants
            .iter()
            .filter_map(|g| g.scope_code.clone())
            .collect();
        match ntm_app::units::scope_units(&st.app, &codes, today).await {
            Ok(units) => {
                scope_units = units
                    .iter()
                    .map(|x| crate::ctx::ScopeUnit {
                        code: x.code.clone(),
                        name: x.name.clone(),
                        href: crate::view::unit_href(x, today, today),
                        has_scorecard: x.level >= ntm_domain::units::Level::Commune,
                        is_province: x.level == ntm_domain::units::Level::Province,
                    })
                    .collect();
            }
            Err(e) => {
                tracing::warn!(request_id = %request_id, error = %e, "cannot name the user's units")
            }
        }
    }
    let ctx = Ctx {
        lang,
        user,
        session_token,
        session: session.clone(),
        api_token: api_token.clone(),
        csrf: csrf.clone(),
        https,
        request_id,
        origin,
        path: path.clone(),
        query,
        today,
        scope_units,
        notifications_unread,
    };
    req.extensions_mut().insert(ctx.clone());
    let headers = req.headers().clone();

    // A NUL character anywhere in the URI or a form/JSON body: 400 here, before any handler
    // (PostgreSQL cannot store it; it used to end as a 500).
    let res = match crate::nul::check(req, st.cfg.body_limit).await {
        Err(info) => WebError(info).into_response(),
        Ok(req) => {
            if let Some(e) = token_error {
                WebError::from(e).into_response()
            } else if session == SessionState::Expired && path != "/login" {
                WebError::new(ErrorKind::SessionExpired).into_response()
            } else if let Some(scope) = api_token.as_ref().map(|t| t.scope) {
                // A bearer token without a session cookie: no CSRF token (a browser never
                // sends the header by itself); a read token only reads.
                if is_unsafe(&method) && scope != ntm_app::users::tokens::TokenScope::Write {
                    let mut info = ErrorInfo::new(ErrorKind::Forbidden);
                    info.detail = Some("this API token may only read (scope read)".into());
                    WebError(info).into_response()
                } else {
                    next.run(req).await
                }
            } else if is_unsafe(&method) && path.starts_with("/open311/") {
                // Open311 clients post forms without cookies; the handler always files as an
                // anonymous citizen (never with the session), under the per-address limits.
                next.run(req).await
            } else if is_unsafe(&method) {
                // The CSRF check buffers form bodies to find the `_csrf` field. A signed-in user's
                // multipart form may be a file upload: buffer it up to the largest upload any route
                // accepts (each route's own `DefaultBodyLimit` still applies when the handler reads
                // it). Anonymous clients and plain forms keep the general limit.
                let multipart = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ct| ct.starts_with("multipart/form-data"));
                let limit =
                    if multipart && (ctx.user.is_some() || crate::state::is_feedback_form(&path)) {
                        crate::state::largest_upload(st.cfg.upload_limit).max(st.cfg.body_limit)
                    } else {
                        st.cfg.body_limit
                    };
                match check_csrf(req, expected_csrf.as_deref(), limit).await {
                    Ok(req) => next.run(req).await,
                    Err(info) => WebError(info).into_response(),
                }
            } else {
                next.run(req).await
            }
        }
    };

    let allow = res.headers().get(header::ALLOW).cloned();
    let mut res = if res.status().as_u16() >= 400 || res.extensions().get::<ErrorInfo>().is_some() {
        finish_error(res, &ctx, is_api, &method, &headers).await
    } else {
        res
    };
    if let Some(a) = allow {
        res.headers_mut().entry(header::ALLOW).or_insert(a);
    }

    let secure = https;
    let h = res.headers_mut();
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, crate::https::HSTS);
    }
    let sets_cookie = |h: &HeaderMap, name: &str| {
        h.get_all(header::SET_COOKIE).iter().any(|v| {
            v.as_bytes().starts_with(name.as_bytes()) && v.as_bytes().get(name.len()) == Some(&b'=')
        })
    };
    // The cookie tells pages' scripts and API clients the token; the handler may have set
    // it already (login: the new session's token).
    if cookie_csrf.as_deref() != Some(csrf.as_str())
        && !sets_cookie(h, CSRF_COOKIE)
        && let Some(v) = cookie(CSRF_COOKIE, &csrf, SameSite::Strict, false, None, secure)
    {
        h.append(header::SET_COOKIE, v);
    }
    if let Some(l) = query_lang
        && let Some(v) = cookie(
            LANG_COOKIE,
            l.code(),
            SameSite::Lax,
            false,
            Some(time::Duration::days(365)),
            secure,
        )
    {
        h.append(header::SET_COOKIE, v);
    }
    let session_cookie_set = sets_cookie(h, SESSION_COOKIE);
    if clear_session
        && !session_cookie_set
        && let Some(v) = cookie(
            SESSION_COOKIE,
            "",
            SameSite::Lax,
            true,
            Some(time::Duration::ZERO),
            secure,
        )
    {
        h.append(header::SET_COOKIE, v);
    }
    res
}
