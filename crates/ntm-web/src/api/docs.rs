//! The OpenAPI document (`/api/v1/openapi.json`) and a plain HTML reference page
//! rendered from it (`/api/v1/docs`), with no external script.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::Value;
use utoipa::openapi::OpenApi;

use crate::ctx::Ctx;
use crate::state::AppState;
use crate::view::render;

pub fn router(doc: Arc<OpenApi>) -> Router<AppState> {
    let json = doc.clone();
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(json.as_ref().clone()).into_response() }),
        )
        .route(
            "/api/v1/docs",
            get(move |ctx: Ctx| async move { docs_page(ctx, &doc) }),
        )
}

#[derive(Debug, Clone)]
pub struct ParamView {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct OperationView {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<ParamView>,
    pub body: Option<String>,
    pub responses: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
pub struct DocsPage {
    pub ctx: Ctx,
    pub title: String,
    pub version: String,
    pub description: String,
    pub operations: Vec<OperationView>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn schema_name(v: &Value) -> Option<String> {
    let content = v.get("content")?.as_object()?;
    let (ct, media) = content.iter().next()?;
    let schema = media.get("schema")?;
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
        .unwrap_or_else(|| text(schema, "type"));
    Some(format!("{name} ({ct})"))
}

/// The operations of an OpenAPI document, in path order.
pub fn operations(doc: &OpenApi) -> Vec<OperationView> {
    let v = serde_json::to_value(doc).unwrap_or(Value::Null);
    let mut out = Vec::new();
    let Some(paths) = v.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| ParamView {
                            name: text(p, "name"),
                            location: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| (status.clone(), text(r, "description")))
                        .collect()
                })
                .unwrap_or_default();
            let anchor: String = format!("{method}-{path}")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            out.push(OperationView {
                anchor,
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                params,
                body: op.get("requestBody").and_then(schema_name),
                responses,
            });
        }
    }
    out
}

fn docs_page(ctx: Ctx, doc: &OpenApi) -> Response {
    let page = DocsPage {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone().unwrap_or_default(),
        operations: operations(doc),
        ctx,
    };
    render(&page, axum::http::StatusCode::OK)
}
