//! The public trace page behind a lot's QR code (no login): the product, its OCOP stars
//! and certificate status (the domain's status on today: an expired certificate is never
//! valid), the producer, the raw-material area, the lot's history and whether its chain
//! verifies. Rate-limited per client address, in memory.

use std::time::Duration;

use ntm_domain::ocop::{CertificateStatus, ProducerKind};
use ntm_domain::trace::ProductRef;
use ntm_store::LotWithOrigin;
use time::Date;
use uuid::Uuid;

use super::lots::ChainCheck;
use super::pages::{HistoryItem, history, lot_path};
use crate::{App, AppError};

/// Requests per client address per minute, or `NTM_TRACE_IP_PER_MINUTE` (a load test from
/// one address needs more).
fn per_minute() -> u32 {
    std::env::var("NTM_TRACE_IP_PER_MINUTE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(120)
}

/// The OCOP rating shown on the page.
#[derive(Debug, Clone)]
pub struct PublicRating {
    pub stars: u8,
    pub status: CertificateStatus,
    pub certificate_no: Option<String>,
    pub valid_until: Option<Date>,
    /// An imported rating (from a published list, year only).
    pub imported: bool,
    pub year: i32,
}

/// What the public page shows of a lot.
#[derive(Debug, Clone)]
pub struct PublicLot {
    pub lot: LotWithOrigin,
    /// `/01/{gtin}/10/{lot}` or `/p/{code}/10/{lot}`.
    pub path: String,
    /// The OCOP product's name, else the GTIN or code.
    pub product_name: String,
    /// The OCOP product's public page, when the lot names one.
    pub ocop_product_id: Option<Uuid>,
    pub rating: Option<PublicRating>,
    pub producer_name: Option<String>,
    pub producer_kind: Option<&'static str>,
    pub producer_address: Option<String>,
    /// Invented details of a sample producer (demo data): the page says so.
    pub producer_sample: bool,
    pub unit_name: String,
    pub area_id: Option<Uuid>,
    /// The raw-material area's public summary, when the lot names one that exists.
    pub area: Option<crate::areas::AreaPublicSummary>,
    pub history: Vec<HistoryItem>,
    pub chain: ChainCheck,
}

/// The public page of a lot (no actor: public data), after the per-address limit.
#[tracing::instrument(skip_all, fields(product = %product, lot = %lot))]
pub async fn public_lot(
    app: &App,
    client: &str,
    product: &ProductRef,
    lot: &str,
) -> Result<PublicLot, AppError> {
    crate::surveys::limits::hit(
        format!("trace-ip:{client}"),
        per_minute(),
        Duration::from_secs(60),
    )
    .map_err(|s| AppError::TooManyRequests {
        retry_after_secs: s,
    })?;
    let lot = app
        .db
        .lot_with_origin_by_key(product.as_str(), lot)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("lot {lot} of {product}")))?;
    let (history, chain) = history(app, lot.id).await?;
    let mut out = PublicLot {
        path: lot_path(&lot)?,
        product_name: lot
            .product_name
            .clone()
            .unwrap_or_else(|| lot.product.clone()),
        ocop_product_id: lot.product_id,
        rating: None,
        producer_name: lot.producer_name.clone(),
        producer_kind: None,
        producer_address: None,
        producer_sample: false,
        unit_name: match crate::units::latest_record(app, &lot.unit_code).await {
            Ok(u) => u.name,
            Err(_) => lot.unit_code.clone(),
        },
        area_id: lot.area_id,
        area: None,
        history,
        chain,
        lot,
    };
    if let Some(area) = out.area_id {
        out.area = match crate::areas::public_summary(app, area).await {
            Ok(a) => Some(a),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
    }
    // The OCOP catalogue answers rated products only: an unrated product's lot shows its
    // producer without a rating.
    let rated = match out.lot.product_id {
        Some(pid) => match crate::ocop::public_product(app, pid).await {
            Ok(p) => Some(p),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    if let Some(p) = rated {
        out.producer_kind = p.producer_kind;
        out.producer_address = p.producer_address;
        out.producer_sample = p.producer_sample;
        out.rating = p.decision.as_ref().map(|d| PublicRating {
            stars: u8::try_from(d.stars).unwrap_or(0),
            status: p.status,
            certificate_no: d.certificate_no.clone(),
            valid_until: d.valid_until,
            imported: d.imported,
            year: d.year,
        });
    } else if let Some(pid) = out.lot.producer_id
        && let Some(p) = app.db.ocop_producer(pid).await?
    {
        out.producer_kind = p
            .kind
            .as_deref()
            .and_then(ProducerKind::parse)
            .map(ProducerKind::name_vi);
        out.producer_address = p.address;
        out.producer_sample = p.sample;
    }
    Ok(out)
}
