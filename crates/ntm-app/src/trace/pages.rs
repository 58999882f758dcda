//! The producer's traceability pages, one call each: the lots (with the form recording
//! one), a lot's page (its history, chain check, the simple event form), and the two
//! forms. An event from the form becomes an EPCIS 2.0 document captured by
//! [`super::capture`], so it is checked, hashed, chained and audited like any other.

use std::collections::BTreeMap;

use ntm_domain::authz::Permission;
use ntm_domain::trace::simple::{self, EventSummary};
use ntm_domain::trace::{DigitalLink, ProductRef};
use ntm_store::LotWithOrigin;
use serde_json::Value;
use uuid::Uuid;

use super::capture::{CaptureResult, capture};
use super::lots::{ChainCheck, LotView, NewLot, check_chain, create_lot, officer_on};
use super::unit_for;
use crate::authz::Actor;
use crate::error::FieldError;
use crate::page::{Submitted, again};
use crate::{App, AppError, now};

/// Lots listed at most on the page.
const LIST_LIMIT: i64 = 200;

/// A producer the actor may record lots for, with its OCOP products.
#[derive(Debug, Clone)]
pub struct ProducerChoice {
    pub id: Uuid,
    pub name: String,
    pub unit_code: String,
    pub products: Vec<(Uuid, String)>,
    /// The producer's raw-material areas: id, code and crop.
    pub areas: Vec<(Uuid, String)>,
}

/// The lots page.
#[derive(Debug, Clone)]
pub struct LotsPage {
    pub lots: Vec<LotWithOrigin>,
    pub producers: Vec<ProducerChoice>,
}

/// The lot form as typed.
#[derive(Debug, Clone, Default)]
pub struct LotForm {
    pub producer_id: String,
    pub product_id: String,
    pub product: String,
    pub lot: String,
    pub area_id: String,
}

/// One event of a lot's history.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub seq: i64,
    pub event_hash: String,
    pub summary: EventSummary,
}

/// A lot's page.
#[derive(Debug, Clone)]
pub struct LotPage {
    pub lot: LotWithOrigin,
    /// `/01/{gtin}/10/{lot}` or `/p/{code}/10/{lot}`.
    pub path: String,
    pub history: Vec<HistoryItem>,
    pub chain: ChainCheck,
}

/// The event form as typed.
#[derive(Debug, Clone, Default)]
pub struct EventForm {
    pub biz_step: String,
    pub disposition: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub quantity: String,
    pub uom: String,
}

fn user_id(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    }
}

/// Grants of the actor's roles that manage OCOP records (officers): their subtrees.
fn officer_paths(actor: &Actor) -> Vec<String> {
    let mut paths: Vec<String> = actor
        .grants()
        .iter()
        .filter(|g| g.role.allows(Permission::ManageOcop) && g.role.allows(Permission::RecordTrace))
        .map(|g| g.scope_path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Does the actor record traceability anywhere (a grant with `RecordTrace`)?
fn require_recorder(actor: &Actor) -> Result<(), AppError> {
    if actor
        .grants()
        .iter()
        .any(|g| g.role.allows(Permission::RecordTrace))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden("traceability records".into()))
    }
}

/// The lots of the actor's producers (a producer account) and of the units it manages
/// (officers), newest first, and the producers it may record lots for.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn lots_page(app: &App, actor: &Actor) -> Result<LotsPage, AppError> {
    let Some(me) = user_id(actor) else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    require_recorder(actor)?;
    let officer = officer_paths(actor);
    let mut lots: BTreeMap<Uuid, LotWithOrigin> = BTreeMap::new();
    for l in app.db.lots_of_owner(me, LIST_LIMIT).await? {
        lots.insert(l.id, l);
    }
    let mut producers = app.db.ocop_producers_owned(me).await?;
    for path in &officer {
        for l in app.db.lots_under(path, LIST_LIMIT).await? {
            lots.insert(l.id, l);
        }
        producers.extend(app.db.ocop_producers_under(path).await?);
    }
    producers.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    producers.dedup_by_key(|p| p.id);
    let mut choices = Vec::with_capacity(producers.len());
    for p in producers {
        let products = app
            .db
            .ocop_products_of(p.id)
            .await?
            .into_iter()
            .map(|x| (x.id, x.name))
            .collect();
        let areas = app
            .db
            .areas_of_producer(p.id)
            .await?
            .into_iter()
            .map(|a| (a.id, format!("{} · {}", a.code, a.crop)))
            .collect();
        choices.push(ProducerChoice {
            id: p.id,
            name: p.name,
            unit_code: p.unit_code,
            products,
            areas,
        });
    }
    let mut lots: Vec<LotWithOrigin> = lots.into_values().collect();
    lots.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    lots.truncate(LIST_LIMIT as usize);
    Ok(LotsPage {
        lots,
        producers: choices,
    })
}

fn opt_id(field: &str, s: &str) -> Result<Option<Uuid>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(s)
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("“{s}” không phải mã hợp lệ — not an id")))
}

async fn record_lot(app: &App, actor: &Actor, form: &LotForm) -> Result<LotView, AppError> {
    let producer_id = opt_id("producer_id", &form.producer_id)?.ok_or_else(|| {
        AppError::invalid("producer_id", "Chọn chủ thể sản xuất — choose the producer")
    })?;
    let producer = app.db.ocop_producer(producer_id).await?.ok_or_else(|| {
        AppError::invalid("producer_id", "không có chủ thể này — no such producer")
    })?;
    let input = NewLot {
        product: form.product.clone(),
        lot: form.lot.clone(),
        producer_id: Some(producer_id),
        product_id: opt_id("product_id", &form.product_id)?,
        area_id: opt_id("area_id", &form.area_id)?,
    };
    create_lot(app, actor, &producer.unit_code, &input).await
}

/// Records a lot from the page's form; refused, the page again with the refusal.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn record_lot_on_page(
    app: &App,
    actor: &Actor,
    form: &LotForm,
) -> Result<Submitted<LotView, LotsPage>, AppError> {
    require_recorder(actor)?;
    again(record_lot(app, actor, form).await, lots_page(app, actor)).await
}

/// The lot, once the actor may record for it: `RecordTrace` on its unit and, for a
/// producer account, a lot of a producer it owns.
async fn lot_for(app: &App, actor: &Actor, id: Uuid) -> Result<LotWithOrigin, AppError> {
    let lot = app
        .db
        .lot_with_origin(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("lot {id}")))?;
    let unit = unit_for(app, actor, &lot.unit_code, Permission::RecordTrace).await?;
    if !officer_on(app, actor, &unit).await
        && (user_id(actor).is_none() || lot.owner_user_id != user_id(actor))
    {
        return Err(AppError::Forbidden("another producer's lot".into()));
    }
    Ok(lot)
}

/// A lot's history in chain order, with the chain check.
pub(crate) async fn history(
    app: &App,
    lot_id: Uuid,
) -> Result<(Vec<HistoryItem>, ChainCheck), AppError> {
    let stored = app.db.lot_chain(lot_id).await?;
    let chain = check_chain(&stored)?;
    let history = stored
        .iter()
        .map(|s| {
            let v: Value = serde_json::from_str(&s.event_json).unwrap_or(Value::Null);
            HistoryItem {
                seq: s.seq,
                event_hash: s.event_hash.clone(),
                summary: simple::summarize(&v),
            }
        })
        .collect();
    Ok((history, chain))
}

pub(crate) fn lot_path(lot: &LotWithOrigin) -> Result<String, AppError> {
    Ok(super::lots::view(lot.record())?.path)
}

/// A lot's page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), lot = %id))]
pub async fn lot_page(app: &App, actor: &Actor, id: Uuid) -> Result<LotPage, AppError> {
    let lot = lot_for(app, actor, id).await?;
    let (history, chain) = history(app, id).await?;
    Ok(LotPage {
        path: lot_path(&lot)?,
        lot,
        history,
        chain,
    })
}

/// The lot's Digital Link URI on `base` (this site's address). A GTIN's lot is also
/// written on this site: our resolver answers it.
pub fn lot_uri(base: &str, lot: &LotWithOrigin) -> Result<String, AppError> {
    let product = ProductRef::parse(&lot.product)
        .map_err(|e| AppError::Internal(format!("stored product {}: {e}", lot.product)))?;
    Ok(DigitalLink::for_lot(base, product, &lot.lot)
        .map_err(|e| AppError::Internal(format!("stored lot {}: {e}", lot.lot)))?
        .to_uri())
}

async fn record_event(
    app: &App,
    actor: &Actor,
    lot: &LotWithOrigin,
    base: &str,
    form: &EventForm,
) -> Result<CaptureResult, AppError> {
    let event = simple::read_form(
        &form.biz_step,
        &form.disposition,
        &form.date,
        &form.time,
        &form.place,
        &form.quantity,
        &form.uom,
    )
    .map_err(|errs| {
        AppError::Validation(
            errs.into_iter()
                .map(|e| FieldError::new(e.field, e.message))
                .collect(),
        )
    })?;
    let t = now();
    if event.instant() > t + time::Duration::minutes(5) {
        return Err(AppError::invalid(
            "time",
            "Thời điểm ở tương lai — the time is in the future",
        ));
    }
    let product = ProductRef::parse(&lot.product)
        .map_err(|e| AppError::Internal(format!("stored product {}: {e}", lot.product)))?;
    // A GTIN's lot is named on GS1's canonical domain; a short code only exists here.
    let stem = match product {
        ProductRef::Gtin(_) => "https://id.gs1.org",
        ProductRef::Code(_) => base,
    };
    let dl = DigitalLink::for_lot(stem, product, &lot.lot)
        .map_err(|e| AppError::Internal(format!("stored lot {}: {e}", lot.lot)))?;
    let doc = event.document(&dl, t);
    let bytes = serde_json::to_vec(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    capture(app, actor, &lot.unit_code, bytes).await
}

/// Records an event of the lot from the simple form (`base`: this site's address, for
/// lots of a short product code); refused, the lot's page again with the refusal.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), lot = %id))]
pub async fn record_event_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    base: &str,
    form: &EventForm,
) -> Result<Submitted<CaptureResult, LotPage>, AppError> {
    let lot = lot_for(app, actor, id).await?;
    again(
        record_event(app, actor, &lot, base, form).await,
        lot_page(app, actor, id),
    )
    .await
}

/// What a sheet of labels prints: the product's name, the lot and its URI (QR code).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LabelSheet {
    pub product_name: String,
    pub lot: String,
    pub uri: String,
    pub producer_name: String,
    /// Labels on the sheet.
    pub count: usize,
}

/// Labels per A4 sheet (3 columns × 8 rows).
pub const LABELS_PER_SHEET: usize = 24;

/// The data of the lot's label sheet (`base`: this site's address).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), lot = %id))]
pub async fn label_sheet(
    app: &App,
    actor: &Actor,
    id: Uuid,
    base: &str,
) -> Result<LabelSheet, AppError> {
    let lot = lot_for(app, actor, id).await?;
    Ok(LabelSheet {
        uri: lot_uri(base, &lot)?,
        product_name: lot
            .product_name
            .clone()
            .unwrap_or_else(|| lot.product.clone()),
        producer_name: lot.producer_name.clone().unwrap_or_default(),
        lot: lot.lot.clone(),
        count: LABELS_PER_SHEET,
    })
}

/// The lot's Digital Link URI for its QR code (same access as its page).
pub async fn lot_link(app: &App, actor: &Actor, id: Uuid, base: &str) -> Result<String, AppError> {
    let lot = lot_for(app, actor, id).await?;
    lot_uri(base, &lot)
}
