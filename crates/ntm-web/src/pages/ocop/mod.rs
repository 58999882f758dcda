//! OCOP pages (`docs/ocop.md`): the public catalogue and product page (no login), and in
//! `manage.rs` the officers' and producers' pages (unit list, import, product with rounds,
//! council scoring, decision).

pub mod details;
pub mod documents;
pub mod forms;
pub mod manage;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::ocop::{self, CataloguePage, CatalogueQuery, PublicProduct};
use ntm_domain::ocop::CertificateStatus;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::view::render;

/// The locale key of a certificate status (never "valid" for an expired or unknown one).
pub fn status_key(s: CertificateStatus) -> &'static str {
    match s {
        CertificateStatus::Valid => "ocop-status-valid",
        CertificateStatus::ExpiringWithin90 => "ocop-status-expiring-90",
        CertificateStatus::ExpiringWithin30 => "ocop-status-expiring-30",
        CertificateStatus::Expired => "ocop-status-expired",
        CertificateStatus::Superseded => "ocop-status-superseded",
        CertificateStatus::NotYetValid => "ocop-status-not-yet",
        CertificateStatus::Unknown => "ocop-status-unknown",
    }
}

pub fn stars_text(n: u8) -> String {
    "★".repeat(n as usize)
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueParams {
    pub province: Option<String>,
    pub commune: Option<String>,
    pub stars: Option<String>,
    pub group: Option<String>,
    pub after: Option<String>,
}

/// A catalogue entry with its texts ready for the template.
pub struct CatRow {
    pub id: String,
    pub name: String,
    pub producer: String,
    pub group: Option<String>,
    pub stars: Option<String>,
    pub stars_label: String,
    pub status: String,
    pub valid: bool,
    pub imported: Option<String>,
}

#[derive(Template)]
#[template(path = "ocop_catalogue.html")]
pub struct CatalogueView {
    pub ctx: Ctx,
    pub page: CataloguePage,
    pub rows: Vec<CatRow>,
    pub province: String,
    pub commune: String,
    pub stars: String,
    pub group: String,
    pub groups: Vec<(u8, String)>,
    pub next_url: Option<String>,
}

fn small(s: &Option<String>, max: u8) -> Option<u8> {
    s.as_deref()
        .and_then(|v| v.trim().parse::<u8>().ok())
        .filter(|v| (1..=max).contains(v))
}

/// `GET /ocop`: the public catalogue.
pub async fn catalogue(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<CatalogueParams>,
) -> Result<Response, WebError> {
    let q = CatalogueQuery {
        province: p.province.clone().filter(|s| !s.is_empty()),
        commune: p.commune.clone().filter(|s| !s.trim().is_empty()),
        stars: small(&p.stars, 5),
        group: small(&p.group, 6),
        after: p.after.clone().filter(|s| !s.is_empty()),
    };
    let page = ocop::catalogue(&st.app, &q).await?;
    let next_url = page.next.as_ref().map(|n| {
        crate::urls::Urls::ocop_catalogue(
            q.province.as_deref(),
            q.commune.as_deref(),
            q.stars,
            q.group,
            Some(n.as_str()),
        )
    });
    let rows = page
        .items
        .iter()
        .map(|i| CatRow {
            id: i.id.to_string(),
            name: i.name.clone(),
            producer: i.producer_name.clone(),
            group: i.group_name.clone(),
            stars: i.stars.map(stars_text),
            stars_label: i
                .stars
                .map(|s| ctx.t1("ocop-stars-n", &s.to_string()))
                .unwrap_or_default(),
            status: ctx.t(status_key(i.status)),
            valid: i.status.is_valid(),
            imported: i.imported.then(|| match i.year {
                Some(y) => format!("{} ({y})", ctx.t("ocop-imported")),
                None => ctx.t("ocop-imported"),
            }),
        })
        .collect();
    let v = CatalogueView {
        rows,
        province: q.province.unwrap_or_default(),
        commune: q.commune.unwrap_or_default(),
        stars: q.stars.map(|s| s.to_string()).unwrap_or_default(),
        group: q.group.map(|s| s.to_string()).unwrap_or_default(),
        groups: ocop::product_groups().to_vec(),
        page,
        next_url,
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "ocop_product.html")]
pub struct ProductView {
    pub ctx: Ctx,
    pub p: PublicProduct,
    pub status_text: String,
    pub valid: bool,
    pub stars: Option<(String, String)>,
    pub issued: Option<String>,
    pub valid_until: Option<String>,
}

/// `GET /ocop/products/{id}`: a product's public page.
pub async fn product(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "product")?;
    let p = ocop::public_product(&st.app, id).await?;
    let v = ProductView {
        issued: p
            .decision
            .as_ref()
            .and_then(|d| d.issued_on)
            .map(|d| ctx.date(d)),
        valid_until: p
            .decision
            .as_ref()
            .and_then(|d| d.valid_until)
            .map(|d| ctx.date(d)),
        status_text: ctx.t(status_key(p.status)),
        valid: p.status.is_valid(),
        stars: p
            .product
            .stars
            .and_then(|s| u8::try_from(s).ok())
            .map(|s| (stars_text(s), ctx.t1("ocop-stars-n", &s.to_string()))),
        p,
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}
