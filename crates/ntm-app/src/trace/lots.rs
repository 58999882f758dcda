//! Lots: a product (GTIN or short code) and a lot number, recorded by a unit; their chain.

use ntm_domain::authz::Permission;
use ntm_domain::trace::chain::{self, Link};
use ntm_domain::trace::hash::{Namespaces, event_hash};
use ntm_domain::trace::{DigitalLink, ProductRef};
use ntm_domain::units::Unit;
use ntm_store::{LotLinkRecord, LotOriginRecord, LotRecord};
use serde_json::Value;
use uuid::Uuid;

use super::unit_for;
use crate::access::require_on_unit;
use crate::authz::Actor;
use crate::{App, AppError, now};

/// A lot and its Digital Link path (`/01/{gtin}/10/{lot}` or `/p/{code}/10/{lot}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotView {
    pub record: LotRecord,
    pub path: String,
}

pub(crate) fn view(record: LotRecord) -> Result<LotView, AppError> {
    let product = ProductRef::parse(&record.product)
        .map_err(|e| AppError::Internal(format!("stored product {}: {e}", record.product)))?;
    let dl = DigitalLink::for_lot("", product, &record.lot)
        .map_err(|e| AppError::Internal(format!("stored lot {}: {e}", record.lot)))?;
    Ok(LotView {
        path: dl.path(),
        record,
    })
}

/// A lot to record, with where it comes from.
#[derive(Debug, Clone, Default)]
pub struct NewLot {
    /// GTIN-8/12/13/14 or a short product code.
    pub product: String,
    pub lot: String,
    /// The OCOP producer record the lot is of (a producer account must name its own).
    pub producer_id: Option<Uuid>,
    /// The producer's OCOP product the lot is a lot of.
    pub product_id: Option<Uuid>,
    /// The raw-material area it was grown in.
    pub area_id: Option<Uuid>,
}

/// Is the actor an officer of the unit for traceability (rather than a producer account
/// recording its own lots)? Officers manage the unit's OCOP records.
pub(crate) async fn officer_on(app: &App, actor: &Actor, unit: &Unit) -> bool {
    matches!(actor, Actor::Cli { .. })
        || require_on_unit(app, actor, Permission::ManageOcop, unit)
            .await
            .is_ok()
}

/// Records a lot for `unit_code`. The product is a GTIN-8/12/13/14 (check digit
/// verified, kept on 14 digits) or a short code (2–32 of A–Z, 0–9, -); the lot number
/// has 1–20 characters of GS1's character set 82. The origin (producer, OCOP product,
/// area) is written with the lot: the producer must be registered in the unit or below
/// it, the product must be the producer's; a producer account (no OCOP management on the
/// unit) must name a producer record it owns; the area must be one the producer owns.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn create_lot(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    input: &NewLot,
) -> Result<LotView, AppError> {
    let unit = unit_for(app, actor, unit_code, Permission::RecordTrace).await?;
    let product = ProductRef::parse(input.product.trim())
        .map_err(|e| AppError::invalid("product", e.to_string()))?;
    let lot = input.lot.trim();
    DigitalLink::for_lot("", product.clone(), lot)
        .map_err(|e| AppError::invalid("lot", e.to_string()))?;
    let officer = officer_on(app, actor, &unit).await;
    let created_at = ntm_store::db_time(now());
    let id = Uuid::now_v7();
    let origin = match input.producer_id {
        Some(pid) => {
            let producer = app.db.ocop_producer(pid).await?.ok_or_else(|| {
                AppError::invalid("producer_id", "không có chủ thể này — no such producer")
            })?;
            crate::ocop::require_producer(app, actor, &producer).await?;
            if !producer.unit_path.starts_with(&unit.path) {
                return Err(AppError::invalid(
                    "producer_id",
                    format!(
                        "chủ thể đăng ký ở đơn vị {}, không thuộc {} — the producer is registered in unit {}, not under {}",
                        producer.unit_code, unit.code, producer.unit_code, unit.code
                    ),
                ));
            }
            if let Some(prod) = input.product_id {
                let p = app.db.ocop_product(prod).await?;
                if p.as_ref().map(|p| p.producer_id) != Some(producer.id) {
                    return Err(AppError::invalid(
                        "product_id",
                        "sản phẩm OCOP này không phải của chủ thể đã chọn — not a product of this producer",
                    ));
                }
            }
            if let Some(area) = input.area_id
                && !app
                    .db
                    .areas_of_producer(producer.id)
                    .await?
                    .iter()
                    .any(|a| a.id == area)
            {
                return Err(AppError::invalid(
                    "area_id",
                    "vùng nguyên liệu này không phải của chủ thể đã chọn — not an area of this producer",
                ));
            }
            Some(LotOriginRecord {
                lot_id: id,
                producer_id: producer.id,
                product_id: input.product_id,
                area_id: input.area_id,
                created_at,
                created_by: actor.audit_name(),
            })
        }
        None if input.product_id.is_some() || input.area_id.is_some() => {
            return Err(AppError::invalid(
                "producer_id",
                "chọn chủ thể sản xuất — choose the producer",
            ));
        }
        None if !officer => {
            return Err(AppError::Forbidden(
                "a producer account records lots of its own products: name its producer".into(),
            ));
        }
        None => None,
    };
    let record = LotRecord {
        id,
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        product: product.as_str().to_owned(),
        lot: lot.to_owned(),
        created_at,
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "trace.lot.create",
        &format!("lot:{}", record.id),
        serde_json::json!({
            "unit": unit.code, "product": record.product, "lot": record.lot,
            "producer": origin.as_ref().map(|o| o.producer_id),
            "ocop_product": origin.as_ref().and_then(|o| o.product_id),
            "area": origin.as_ref().and_then(|o| o.area_id),
        }),
    );
    app.db
        .insert_lot_with_origin(&record, origin.as_ref(), audit)
        .await?;
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
    check_chain(&stored)
}

/// Recomputes each stored event's hash and checks the links.
pub(crate) fn check_chain(stored: &[LotLinkRecord]) -> Result<ChainCheck, AppError> {
    let mut links = Vec::with_capacity(stored.len());
    for s in stored {
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
