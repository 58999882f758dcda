//! The authorization matrix (issue 14, "What must work" 2): every route the router serves,
//! pages and API, read and write, called as every caller (anonymous; the administrator;
//! each role of `ntm_domain::authz` scoped inside the target unit's tree and scoped to a
//! sibling outside it) on seeded data, checked against the declared table of
//! [`policy::ROWS`].
//!
//! - The routes are read from the router: the paths registered in the crate's source (the
//!   same scan as `api::openapi_document_has_every_api_route`) and the OpenAPI document,
//!   each path's methods from the router's own `405 Allow` answer to `OPTIONS`. A route or
//!   method without a row, or a row without a route, fails the test.
//! - Denied means 401, 403 or a redirect to the login page; allowed means anything else
//!   (a 400/404/409/422 on the deliberately minimal bodies of writes is fine; an allowed
//!   read must not be 404), never a 5xx. A denied write must not move the audit log's head.

mod fixture;
mod policy;

use std::collections::BTreeSet;
use std::time::Instant;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::{App, Db};

use crate::helpers::{PASSWORD, browser, location, login_as, token};
use fixture::{Seed, Who};
use policy::{Allow, Body, NotFound, Row};

/// `(METHOD, pattern)` of every route the router serves.
fn served_routes() -> BTreeSet<(String, String)> {
    let (_, doc) = ntm_web::api::router().split_for_parts();
    let mut out = BTreeSet::new();
    // The JSON API and OGC API – Features (`/ogc`, its own OpenAPI description).
    for doc in [
        serde_json::to_value(&doc).unwrap(),
        serde_json::to_value(ntm_web::api::ogc::openapi()).unwrap(),
    ] {
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The methods the router serves on `pattern`: its `Allow` header when asked with
/// `OPTIONS`, which no route handles (HEAD, implied by GET, left out).
async fn methods_of(server: &TestServer, pattern: &str) -> Vec<String> {
    let concrete: String = pattern
        .split('/')
        .map(|s| if s.starts_with('{') { "x" } else { s })
        .collect::<Vec<_>>()
        .join("/");
    let res = server.method(axum::http::Method::OPTIONS, &concrete).await;
    assert_eq!(
        res.status_code(),
        405,
        "OPTIONS {concrete} ({pattern}) should be refused with the route's methods"
    );
    let allow = res.header("allow").to_str().unwrap().to_string();
    allow
        .split(',')
        .map(|m| m.trim().to_uppercase())
        .filter(|m| !m.is_empty() && m != "HEAD")
        .collect()
}

/// Every route of the router: the API from its OpenAPI document, the rest from the paths in
/// the source with the methods the router answers.
async fn all_routes(server: &TestServer) -> BTreeSet<(String, String)> {
    let mut out = served_routes();
    for (call, path) in crate::api::routes_in_source() {
        // The scan also sees `.route("` inside string literals (urls.rs' own scanner).
        if !path.starts_with('/') {
            continue;
        }
        assert!(
            !call.contains(".nest"),
            "{call}\"{path}\": a nested router; list its routes in the matrix's scan"
        );
        let documented = out.iter().any(|(_, p)| p == &path);
        if documented {
            continue;
        }
        for m in methods_of(server, &path).await {
            out.insert((m, path.clone()));
        }
    }
    out
}

/// A path matches a route pattern segment by segment (`{x}` any segment, `{*x}` the rest).
fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (mut p, mut q) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(_)) if a.starts_with("{*") => return true,
            (Some(a), Some(b)) if a.starts_with('{') && !b.is_empty() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Denied,
    Allowed,
}

/// One caller's client, with the CSRF token of its session.
struct Caller {
    who: Who,
    server: TestServer,
    csrf: String,
}

async fn caller(app: &App, who: Who) -> Caller {
    let server = browser(app);
    if let Some((username, _)) = who.account() {
        let res = login_as(&server, &username, PASSWORD).await;
        assert_eq!(
            res.status_code(),
            303,
            "login of {username}: {}",
            res.text()
        );
    }
    let csrf = token(&server).await;
    Caller { who, server, csrf }
}

async fn call(c: &Caller, row: &Row, seed: &Seed) -> axum_test::TestResponse {
    let path = seed.fill(row.path);
    let method = axum::http::Method::from_bytes(row.method.as_bytes()).unwrap();
    let req = c.server.method(method, &path);
    match row.body {
        Body::None => req.await,
        Body::Form(fields) => {
            let mut form: Vec<(String, String)> = vec![("_csrf".into(), c.csrf.clone())];
            form.extend(fields.iter().map(|(k, v)| (k.to_string(), seed.fill(v))));
            req.form(&form).await
        }
        Body::Multipart(fields, file_field) => {
            let mut form = MultipartForm::new().add_text("_csrf", c.csrf.clone());
            for (k, v) in fields {
                form = form.add_text(*k, seed.fill(v));
            }
            if let Some(name) = file_field {
                form = form.add_part(
                    name,
                    Part::bytes(b"khong phai tep hop le".to_vec()).file_name("tep.xlsx"),
                );
            }
            req.multipart(form).await
        }
        Body::Json(text) => {
            let v: serde_json::Value = serde_json::from_str(&seed.fill(text)).unwrap();
            req.add_header("x-csrf-token", c.csrf.as_str())
                .json(&v)
                .await
        }
        Body::Raw(content_type, text) => {
            req.add_header("x-csrf-token", c.csrf.as_str())
                .content_type(content_type)
                .bytes(seed.fill(text).into_bytes().into())
                .await
        }
    }
}

fn outcome(res: &axum_test::TestResponse) -> Outcome {
    let status = res.status_code().as_u16();
    let to_login = res.status_code().is_redirection() && location(res).starts_with("/login");
    if status == 401 || status == 403 || to_login {
        Outcome::Denied
    } else {
        Outcome::Allowed
    }
}

fn expected(allow: &Allow, who: Who) -> Outcome {
    let yes = match allow {
        Allow::Everyone => true,
        Allow::Users => who != Who::Anonymous,
        Allow::Only(list) => list.contains(&who),
    };
    if yes {
        Outcome::Allowed
    } else {
        Outcome::Denied
    }
}

async fn audit_head(app: &App) -> (i64, String) {
    app.db_for_tests().audit_head().await.unwrap()
}

async fn run_matrix(db: Db) {
    let started = Instant::now();
    let (app, seed) = fixture::seeded(db).await;
    let anon = browser(&app);

    // 1. The table covers the router exactly.
    let routes = all_routes(&anon).await;
    let all = policy::rows();
    let rows: BTreeSet<(String, String)> = all
        .iter()
        .map(|r| (r.method.to_string(), r.pattern.to_string()))
        .collect();
    assert_eq!(rows.len(), all.len(), "two rows for one route and method");
    let missing: Vec<_> = routes.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row in authz_matrix/policy.rs (declare who may call them): \
         {missing:?}\nrows without a route: {stale:?}"
    );
    for r in &all {
        assert!(
            matches(r.pattern, &seed.fill(r.path)),
            "{} {}: the path called, {}, is not that route",
            r.method,
            r.pattern,
            r.path
        );
    }

    // 2. Every row as every caller. Rows that end the caller's session run last.
    let mut callers = Vec::new();
    for who in Who::all() {
        callers.push(caller(&app, who).await);
    }
    let mut order: Vec<&Row> = all.iter().copied().filter(|r| !r.ends_session).collect();
    order.extend(all.iter().copied().filter(|r| r.ends_session));
    let discover = std::env::var("NTM_AUTHZ_DISCOVER").is_ok();
    let mut failures = Vec::new();
    let mut calls = 0;
    for row in order {
        let mut seen = Vec::new();
        // The callers to be refused first, on the data as seeded; then the allowed ones,
        // whose writes may change it.
        let mut turn: Vec<&Caller> = callers.iter().collect();
        turn.sort_by_key(|c| expected(&row.allow, c.who) == Outcome::Allowed);
        for c in turn {
            let unsafe_method = row.method != "GET";
            let before = if unsafe_method {
                Some(audit_head(&app).await)
            } else {
                None
            };
            let res = call(c, row, &seed).await;
            calls += 1;
            let status = res.status_code().as_u16();
            let want = expected(&row.allow, c.who);
            let mut got = outcome(&res);
            if status == 404 {
                match row.not_found {
                    NotFound::Fails => {}
                    NotFound::AfterCheck if want == Outcome::Allowed => {}
                    NotFound::AfterCheck => got = Outcome::Allowed,
                }
            }
            seen.push((c.who, got, status));
            let what = format!("{} {} as {}", row.method, row.path, c.who.label());
            if status >= 500 {
                failures.push(format!("{what}: server error {status}: {}", res.text()));
            } else if got != want {
                failures.push(format!(
                    "{what}: expected {want:?}, got {got:?} ({status} {})",
                    res.maybe_header("location")
                        .map(|l| l.to_str().unwrap_or_default().to_string())
                        .unwrap_or_default()
                ));
            } else if want == Outcome::Allowed
                && row.method == "GET"
                && status == 404
                && row.not_found == NotFound::Fails
            {
                failures.push(format!(
                    "{what}: allowed but 404 (the fixture lacks the record)"
                ));
            }
            if let Some(before) = before
                && got == Outcome::Denied
                && audit_head(&app).await != before
            {
                failures.push(format!("{what}: denied, yet the audit log moved"));
            }
        }
        if discover {
            let allowed: Vec<String> = seen
                .iter()
                .filter(|(_, o, _)| *o == Outcome::Allowed)
                .map(|(w, _, s)| format!("{}={s}", w.label()))
                .collect();
            let denied: Vec<String> = seen
                .iter()
                .filter(|(_, o, _)| *o == Outcome::Denied)
                .map(|(w, _, s)| format!("{}={s}", w.label()))
                .collect();
            eprintln!(
                "{} {}\n   allowed: {}\n   denied: {}",
                row.method,
                row.pattern,
                allowed.join(" "),
                denied.join(" ")
            );
        }
    }
    eprintln!(
        "authorization matrix: {} routes x {} callers = {calls} calls in {:.1} s",
        all.len(),
        callers.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {calls} calls disagree with the policy table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

ntm_testkit::both_backends!(every_route_as_every_role, |db: Db| async move {
    run_matrix(db).await;
});
