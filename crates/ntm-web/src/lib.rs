//! The web face of NTM Số: server-rendered pages (askama), a JSON API under `/api/v1`
//! with its OpenAPI document (utoipa), embedded assets, sessions, CSRF and i18n.
//!
//! Only this crate knows HTTP, HTML and JSON shapes. Every handler calls `ntm_app`
//! use cases; nothing here talks to the database directly.
//!
//! Routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /health` | JSON `{status, database, version}`; 503 when the database does not answer |
//! | `GET /assets/{path}` | embedded CSS/icons, `?v=<hash>` URLs, ETag |
//! | `GET /` | intro, unit counts and provinces on `?date=` (default today), search box |
//! | `GET,POST /login`, `POST /logout` | session cookie `ntm_session` |
//! | `GET /units?q=&date=` | search (diacritics optional, or by code) |
//! | `GET /units/{code}?date=` | one unit on a date: breadcrumbs, children, lineage, versions |
//! | `GET /units/{code}/children.xlsx?date=` | the children as XLSX |
//! | `POST /units/{code}/hamlets` | add one hamlet (form) |
//! | `POST /units/{code}/hamlets/import` | add hamlets from CSV/XLSX (multipart) |
//! | `GET /units/{code}/tree?date=` | children as tree nodes (page; fragment with `HX-Request`) |
//! | `GET /units/{code}/scorecard?set=&year=` | commune/hamlet scorecard (dashboard redirect above) |
//! | `GET /units/{code}/scorecard/history?set=&year=&indicator=` | every version of one value |
//! | `POST /units/{code}/scorecard/values` | save one value (inline errors, stale-edit conflict) |
//! | `GET,POST /units/{code}/scorecard/evidence?…` | attach evidence files to a value |
//! | `POST /units/{code}/scorecard/status` | submit, verify, or return with a comment |
//! | `GET /evidence/{id}` | download an evidence file (needs the right to view the unit) |
//! | `GET /units/{code}/dashboard?set=&year=&sort=&dir=` | district/province dashboard |
//! | `GET /units/{code}/dashboard.xlsx?set=&year=&table=` | the dashboard's tables as XLSX |
//! | `GET /units/{code}/workbook?set=&year=` | Excel round trip: downloads and upload form |
//! | `GET /units/{code}/workbook/template.xlsx`, `…/results.xlsx` | template, results |
//! | `POST /units/{code}/workbook/preview` | stage an upload, preview changes and bad cells |
//! | `POST /units/{code}/workbook/apply` | apply a previewed upload (once, versions checked) |
//! | `/units/{code}/dossiers`, `/dossiers/{id}…`, `/notifications`, `/units/{code}/procedure-settings` | recognition dossiers (`pages::dossiers`, `pages::dossier_pdf`) |
//! | `/units/{code}/surveys…`, `/s/{code}` | survey campaigns (`pages::survey`); the public survey page (`pages::survey::public`) |
//! | `/units/{code}/plans`, `/plans/{id}…`, `/units/{code}/reports`, `/reports/{id}…` | plans, targets, periodic reports |
//! | `/account` | the user's own e-mail address |
//! | `/api/v1/…` | REST: every route is in `api::router` with `#[utoipa::path]` and so in the OpenAPI document (`GET /api/v1/openapi.json`, page `GET /api/v1/docs`); a test fails on an `/api` route outside it |
//!
//! Sessions, CSRF, language and error rendering: see [`middleware`].
#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod bearer;
pub mod charts;
pub mod compression;
pub mod ctx;
pub mod error;
pub mod https;
pub mod i18n;
pub mod maps;
pub mod middleware;
mod nul;
pub mod open311;
pub mod pages;
pub mod request;
pub mod router;
pub mod state;
pub mod urls;
pub mod view;

use std::future::Future;
use std::net::SocketAddr;

pub use router::router;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The site is served over HTTPS whatever the request says: cookies `Secure` and
    /// `Strict-Transport-Security` on every response (see [`https`]).
    pub secure_cookies: bool,
    /// The public address of the site (`https://ntm.example.vn`); `https://` makes every
    /// response an HTTPS one (see [`https`]).
    pub base_url: Option<String>,
    /// Plain-HTTP local development only: never `Secure` cookies nor HSTS, even with an
    /// `https://` base URL or a forwarded `https`.
    pub insecure_http: bool,
    /// Largest request body accepted, except file uploads (bytes).
    pub body_limit: usize,
    /// Largest body accepted on file-upload routes (bytes).
    pub upload_limit: usize,
    /// Take the client address from `X-Forwarded-For` (see [`WebConfig::trusted_proxies`]).
    /// Only turn this on behind a reverse proxy that appends to the header; otherwise
    /// clients could forge it.
    pub trust_forwarded_for: bool,
    /// Reverse proxies in front of the server, each appending the address it received the
    /// request from to `X-Forwarded-For` (default 1). The client is the entry this many
    /// places from the right: entries further left were sent by the client and may be
    /// forged. With fewer entries than proxies, the leftmost is taken.
    pub trusted_proxies: usize,
    /// Base layer of the maps: a tile URL template (`https://{s}.tile.example.org/{z}/{x}/{y}.png`)
    /// for online deployments. `None` (the default): no tiles from another host, the maps
    /// draw the boundaries alone.
    pub map_tiles_url: Option<String>,
    /// The attribution the tile provider requires, shown on the map.
    pub map_tiles_attribution: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            base_url: None,
            insecure_http: false,
            body_limit: 2 * 1024 * 1024,
            upload_limit: 20 * 1024 * 1024,
            trust_forwarded_for: false,
            trusted_proxies: 1,
            map_tiles_url: None,
            map_tiles_attribution: None,
        }
    }
}

/// Serves the router on `listener` until `shutdown` completes, then drains open
/// connections (graceful shutdown). Client addresses reach handlers through
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: ntm_app::App,
    cfg: WebConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let maintenance = tokio::spawn(maintenance(app.clone()));
    let router = router(app, cfg);
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    maintenance.abort();
    served
}

/// The server's own upkeep, once an hour from its start: the dashboards' change feed pruned
/// of rows older than a week (`ntm_app::dashboard::prune_feed`).
async fn maintenance(app: ntm_app::App) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match ntm_app::dashboard::prune_feed(&app, &ntm_app::Actor::cli()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "change feed pruned"),
            Err(e) => tracing::warn!("change feed not pruned: {e}"),
        }
    }
}
