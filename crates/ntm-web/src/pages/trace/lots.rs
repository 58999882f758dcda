//! `GET /trace/lots`: the lots of the producer's records (officers: of their units), and
//! `POST /trace/lots`: record one (producer, optional OCOP product and area, GTIN or code,
//! lot number). Refused, the page again with what was typed and why.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::page::Submitted;
use ntm_app::trace::{LotForm, LotsPage};
use ntm_app::{AppError, FieldError};
use serde::Deserialize;

use super::{field_error, refusal_messages};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct LotRow {
    pub href: String,
    pub lot: String,
    pub product: String,
    pub producer: String,
    pub events: i64,
    pub created: String,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "trace_lots.html")]
pub struct LotsTemplate {
    pub ctx: Ctx,
    pub css: String,
    pub lots: Vec<LotRow>,
    pub producers: Vec<Choice>,
    pub products: Vec<Choice>,
    pub areas: Vec<Choice>,
    pub form: LotFormFields,
    pub saved: bool,
    pub refused: bool,
    pub error: Option<String>,
    pub producer_error: Option<String>,
    pub product_id_error: Option<String>,
    pub product_error: Option<String>,
    pub lot_error: Option<String>,
    pub area_error: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LotFormFields {
    #[serde(default)]
    pub producer_id: String,
    #[serde(default)]
    pub product_id: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub lot: String,
    #[serde(default)]
    pub area_id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Flash {
    #[serde(default)]
    pub flash: Option<String>,
}

fn page(
    ctx: Ctx,
    p: LotsPage,
    form: LotFormFields,
    errors: &[FieldError],
    error: Option<String>,
) -> LotsTemplate {
    let lots = p
        .lots
        .iter()
        .map(|l| LotRow {
            href: Urls::trace_lot(l.id),
            lot: l.lot.clone(),
            product: match &l.product_name {
                Some(n) => format!("{n} ({})", l.product),
                None => l.product.clone(),
            },
            producer: l.producer_name.clone().unwrap_or_default(),
            events: l.events,
            created: date(crate::view::format::vn(l.created_at).date()),
        })
        .collect();
    let single = p.producers.len() == 1;
    let producers = p
        .producers
        .iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: format!("{} ({})", c.name, c.unit_code),
            selected: single || form.producer_id == c.id.to_string(),
        })
        .collect();
    let products = p
        .producers
        .iter()
        .flat_map(|c| {
            c.products.iter().map(|(id, name)| Choice {
                value: id.to_string(),
                label: format!("{name} — {}", c.name),
                selected: form.product_id == id.to_string(),
            })
        })
        .collect();
    let areas = p
        .producers
        .iter()
        .flat_map(|c| {
            c.areas.iter().map(|(id, label)| Choice {
                value: id.to_string(),
                label: format!("{label} — {}", c.name),
                selected: form.area_id == id.to_string(),
            })
        })
        .collect();
    LotsTemplate {
        css: ctx.asset("trace.css"),
        lots,
        producers,
        products,
        areas,
        saved: false,
        refused: error.is_some() || !errors.is_empty(),
        producer_error: field_error(errors, "producer_id"),
        product_id_error: field_error(errors, "product_id"),
        product_error: field_error(errors, "product"),
        lot_error: field_error(errors, "lot"),
        area_error: field_error(errors, "area_id"),
        error,
        form,
        ctx,
    }
}

pub async fn lots_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Flash>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let p = ntm_app::trace::lots_page(&st.app, &ctx.actor()).await?;
    let mut t = page(ctx, p, LotFormFields::default(), &[], None);
    t.saved = q.flash.as_deref() == Some("saved");
    Ok(render(&t, StatusCode::OK))
}

pub async fn record_lot(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LotFormFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let input = LotForm {
        producer_id: f.producer_id.clone(),
        product_id: f.product_id.clone(),
        product: f.product.clone(),
        lot: f.lot.clone(),
        area_id: f.area_id.clone(),
    };
    match ntm_app::trace::record_lot_on_page(&st.app, &ctx.actor(), &input).await? {
        Submitted::Done(lot) => {
            Ok(Redirect::to(&Urls::trace_lot_saved(lot.record.id, "lot")).into_response())
        }
        Submitted::Again { refusal, page: p } => {
            let (errors, error) = refusal.as_ref().map(refusal_messages).unwrap_or_default();
            let status = match refusal {
                Some(AppError::Conflict(_)) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            Ok(render(&page(ctx, p, f, &errors, error), status))
        }
    }
}
