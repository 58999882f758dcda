//! The router: pages, API, assets, health, and the middleware stack.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use ntm_app::App;
use serde::Serialize;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;

use crate::WebConfig;
use crate::error::WebError;
use crate::state::AppState;

/// Content-Security-Policy of every response: nothing from other hosts, no inline
/// script or style, no framing.
pub const CSP: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// The whole application as an axum router.
pub fn router(app: App, cfg: WebConfig) -> Router {
    let state = AppState {
        app,
        cfg: Arc::new(cfg.clone()),
    };
    let (api, mut openapi) = crate::api::router().split_for_parts();
    crate::api::document_common_responses(&mut openapi);
    let openapi = Arc::new(openapi);
    let api = api.merge(crate::api::docs::router(openapi));

    let x_request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
        let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    });

    Router::new()
        .route("/health", get(health))
        .route("/assets/{*path}", get(crate::assets::serve))
        .merge(crate::pages::router(cfg.upload_limit))
        .merge(crate::open311::router())
        .merge(api)
        .merge(crate::api::ogc::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(cfg.body_limit))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(
                    x_request_id.clone(),
                    MakeRequestUuid,
                ))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CSP),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache, private"),
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::middleware::context,
                )),
        )
        .layer(crate::compression::layer())
        .with_state(state)
}

async fn not_found() -> WebError {
    WebError::not_found("no such page")
}

/// Answer of `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    pub version: &'static str,
}

async fn health(State(st): State<AppState>) -> Response {
    let database = crate::api::db_kind(&st.app);
    let ok = ntm_app::health(&st.app).await.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "unavailable" },
        database,
        version: env!("CARGO_PKG_VERSION"),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
