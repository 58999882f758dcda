//! The producer-registration and add-product forms of the unit page and the producer's own
//! page. A refusal shows the page the form came from again, with the message beside the form
//! and everything typed kept (nothing is written).

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::ocop::{self, NewProducer, NewProduct};
use serde::Deserialize;
use uuid::Uuid;

use super::manage::{DocForm, mine_view, shown, unit_view};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;

/// Where a form was posted from: `mine` is the producer's own page, else the unit page.
const BACK_MINE: &str = "mine";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProducerForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub legal_id: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub owner: String,
    /// `mine` when posted from the producer's own page.
    #[serde(default)]
    pub back: String,
    /// The refusal, shown beside the form.
    #[serde(skip)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub product_set: String,
    #[serde(default)]
    pub where_to_buy: String,
    /// `mine` when posted from the producer's own page; else the unit page's code.
    #[serde(default)]
    pub back: String,
    #[serde(skip)]
    pub error: Option<String>,
}

impl ProductForm {
    /// Whether group `code` is the one chosen.
    pub fn has_group(&self, code: &u8) -> bool {
        self.group.trim() == code.to_string()
    }
}

/// What the unit page shows again after a refusal.
#[derive(Debug, Clone, Default)]
pub struct UnitKept {
    pub register: ProducerForm,
    pub product: Option<(Uuid, ProductForm)>,
    /// A refusal not tied to one of the forms (import).
    pub error: Option<String>,
}

impl UnitKept {
    pub fn error(msg: String) -> UnitKept {
        UnitKept {
            error: Some(msg),
            ..Default::default()
        }
    }

    pub fn product_form(&self, id: &Uuid) -> ProductForm {
        kept_product(&self.product, id)
    }
}

/// What the producer's own page shows again after a refusal.
#[derive(Debug, Clone, Default)]
pub struct MineKept {
    pub doc: Option<(Uuid, DocForm)>,
    pub product: Option<(Uuid, ProductForm)>,
    pub register: ProducerForm,
}

impl MineKept {
    pub fn product_form(&self, id: &Uuid) -> ProductForm {
        kept_product(&self.product, id)
    }
}

fn kept_product(kept: &Option<(Uuid, ProductForm)>, id: &Uuid) -> ProductForm {
    kept.as_ref()
        .filter(|(k, _)| k == id)
        .map(|(_, f)| f.clone())
        .unwrap_or_default()
}

/// `POST /units/{code}/ocop/producers`: registers a producer of the unit.
pub async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(mut f): Form<ProducerForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let input = NewProducer {
        unit_code: code.clone(),
        kind: f.kind.clone(),
        name: f.name.clone(),
        address: Some(f.address.clone()),
        legal_id: Some(f.legal_id.clone()),
        phone: Some(f.phone.clone()),
        email: Some(f.email.clone()),
        owner_username: Some(f.owner.clone()),
    };
    match ocop::register_producer(&st.app, &ctx.actor(), input).await {
        Ok(_) if f.back == BACK_MINE => Ok(Redirect::to(&Urls::ocop_mine()).into_response()),
        Ok(_) => Ok(Redirect::to(&Urls::ocop_unit(&code)).into_response()),
        Err(e) => {
            f.error = Some(shown(e, &ctx)?);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            if f.back == BACK_MINE {
                let kept = MineKept {
                    register: f,
                    ..Default::default()
                };
                mine_view(&st, ctx, kept, status).await
            } else {
                let kept = UnitKept {
                    register: f,
                    ..Default::default()
                };
                unit_view(&st, ctx, &code, kept, status).await
            }
        }
    }
}

/// `POST /ocop/producers/{id}/products`: adds a product; on to the product's page.
pub async fn add_product(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(mut f): Form<ProductForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "producer")?;
    let input = NewProduct {
        name: f.name.clone(),
        group: f.group.clone(),
        product_set: Some(f.product_set.clone()),
        where_to_buy: Some(f.where_to_buy.clone()),
    };
    match ocop::add_product(&st.app, &ctx.actor(), id, input).await {
        Ok(p) => Ok(Redirect::to(&Urls::ocop_manage(&p.id.to_string())).into_response()),
        Err(e) => {
            f.error = Some(shown(e, &ctx)?);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let back = f.back.trim().to_string();
            if back.is_empty() || back == BACK_MINE {
                let kept = MineKept {
                    product: Some((id, f)),
                    ..Default::default()
                };
                mine_view(&st, ctx, kept, status).await
            } else {
                let kept = UnitKept {
                    product: Some((id, f)),
                    ..Default::default()
                };
                unit_view(&st, ctx, &back, kept, status).await
            }
        }
    }
}
