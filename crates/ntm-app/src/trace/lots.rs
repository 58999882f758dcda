//! Lots: a product (GTIN or short code) and a lot number, recorded by a unit; their chain.

use ntm_domain::authz::Permission;
use ntm_domain::trace::chain::{self, Link};
use ntm_domain::trace::hash::{Namespaces, event_hash};
use ntm_domain::trace::{DigitalLink, ProductRef};
use ntm_store::LotRecord;
use serde_json::Value;
use uuid::Uuid;

use super::unit_for;
use crate::authz::Actor;
use crate::{App, AppError, now};

/// A lot and its Digital Link path (`/01/{gtin}/10/{lot}` or `/p/{code}/10/{lot}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotView {
    pub record: LotRecord,
    pub path: String,
}

fn view(record: LotRecord) -> Result<LotView, AppError> {
    let product = ProductRef::parse(&record.product)
        .map_err(|e| AppError::Internal(format!("stored product {}: {e}", record.product)))?;
    let dl = DigitalLink::for_lot("", product, &record.lot)
        .map_err(|e| AppError::Internal(format!("stored lot {}: {e}", record.lot)))?;
    Ok(LotView {
        path: dl.path(),
        record,
    })
}

/// Records a lot for `unit_code`. The product is a GTIN-8/12/13/14 (check digit
/// verified, kept on 14 digits) or a short code (2–32 of A–Z, 0–9, -); the lot number
/// has 1–20 characters of GS1's character set 82.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn create_lot(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    product: &str,
    lot: &str,
) -> Result<LotView, AppError> {
    let unit = unit_for(app, actor, unit_code, Permission::RecordTrace).await?;
    let product = ProductRef::parse(product.trim())
        .map_err(|e| AppError::invalid("product", e.to_string()))?;
    let lot = lot.trim();
    DigitalLink::for_lot("", product.clone(), lot)
        .map_err(|e| AppError::invalid("lot", e.to_string()))?;
    let record = LotRecord {
        id: Uuid::now_v7(),
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        product: product.as_str().to_owned(),
        lot: lot.to_owned(),
        created_at: ntm_store::db_time(now()),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "trace.lot.create",
        &format!("lot:{}", record.id),
        serde_json::json!({"unit": unit.code, "product": record.product, "lot": record.lot}),
    );
    app.db.insert_lot(&record, audit).await?;
    view(record)
}

/// What checking a lot's chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub events: usize,
    /// The first link that does not hold (its position, from 1), if any.
    pub broken_at: Option<i64>,
}

/// Recomputes every event hash of the lot from the stored events and checks the chain.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), lot = %lot_id))]
pub async fn verify_lot(app: &App, actor: &Actor, lot_id: Uuid) -> Result<ChainCheck, AppError> {
    let lot = app
        .db
        .lot(lot_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("lot {lot_id}")))?;
    unit_for(app, actor, &lot.unit_code, Permission::ViewUnits).await?;
    let stored = app.db.lot_chain(lot_id).await?;
    let mut links = Vec::with_capacity(stored.len());
    for s in &stored {
        let event: Value = serde_json::from_str(&s.event_json)
            .map_err(|e| AppError::Internal(format!("stored event {}: {e}", s.event_id)))?;
        let context: Value = serde_json::from_str(&s.context_json).unwrap_or(Value::Null);
        let recomputed = match event.as_object() {
            Some(o) => event_hash(o, &Namespaces::from_context(Some(&context))),
            None => String::new(),
        };
        // A stored event whose content no longer gives its hash breaks the chain there.
        let hash = if recomputed == s.event_hash {
            s.event_hash.clone()
        } else {
            recomputed
        };
        links.push(Link {
            seq: s.seq,
            event_hash: hash,
            prev_hash: s.prev_hash.clone(),
            chain_hash: s.chain_hash.clone(),
        });
    }
    Ok(ChainCheck {
        events: links.len(),
        broken_at: chain::verify(&links),
    })
}

/// The lot of a product and lot number, if recorded (for readers that checked access).
pub(crate) async fn lot_by_key(
    app: &App,
    product: &ProductRef,
    lot: &str,
) -> Result<Option<LotRecord>, AppError> {
    Ok(app.db.lot_by_key(product.as_str(), lot).await?)
}
