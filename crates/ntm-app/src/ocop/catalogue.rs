//! The public catalogue (no login): rated products filtered by province, commune, stars and
//! group, keyset-paged; a product's public page. An expired or unknown certificate is never
//! shown as valid.

use ntm_domain::ocop::{Certificate, CertificateStatus, ImportedValidity, ProducerKind};
use ntm_store::{CatalogueFilter, CatalogueRow};
use time::Date;
use uuid::Uuid;

use super::producers::decision_status;
use super::scheme;
use crate::{App, AppError, today};

pub const PAGE_SIZE: u64 = 24;

#[derive(Debug, Clone, Default)]
pub struct CatalogueQuery {
    pub province: Option<String>,
    pub commune: Option<String>,
    pub stars: Option<u8>,
    pub group: Option<u8>,
    /// Cursor of the next page (`search_key` + `~` + id), from the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CatalogueItem {
    pub id: Uuid,
    pub name: String,
    pub producer_name: String,
    pub stars: Option<u8>,
    pub group_name: Option<String>,
    pub status: CertificateStatus,
    pub imported: bool,
    pub year: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct CataloguePage {
    pub items: Vec<CatalogueItem>,
    /// Cursor of the following page, when there is one.
    pub next: Option<String>,
    /// `(code, name)` of the provinces with products (filter choices).
    pub provinces: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct PublicProduct {
    pub product: ntm_store::OcopProductRecord,
    pub producer_name: String,
    pub producer_kind: Option<&'static str>,
    pub producer_address: Option<String>,
    pub producer_phone: Option<String>,
    pub producer_sample: bool,
    pub group_name: Option<String>,
    pub decision: Option<ntm_store::OcopDecisionRecord>,
    pub status: CertificateStatus,
    pub unit_name: String,
}

fn group_name(g: Option<i32>) -> Option<String> {
    let g = g?;
    scheme()
        .product_groups
        .iter()
        .find(|(c, _)| i32::from(*c) == g)
        .map(|(_, n)| n.clone())
}

fn row_status(r: &CatalogueRow, day: Date) -> CertificateStatus {
    match (r.valid_until, r.imported) {
        (Some(v), _) => Certificate {
            issued: Date::MIN,
            valid_until: v,
            superseded_on: None,
        }
        .status_on(day),
        (None, Some(true)) => match r.year {
            Some(y)
                if ImportedValidity::on(y, scheme().certificate_months, day)
                    == ImportedValidity::Unknown =>
            {
                CertificateStatus::Unknown
            }
            _ => CertificateStatus::Expired,
        },
        _ => CertificateStatus::Expired,
    }
}

fn parse_cursor(s: &str) -> Result<(String, Uuid), AppError> {
    let (k, id) = s
        .rsplit_once('~')
        .ok_or_else(|| AppError::invalid("after", "bad page cursor"))?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::invalid("after", "bad page cursor"))?;
    Ok((k.to_string(), id))
}

/// One page of the public catalogue (public data: no actor).
#[tracing::instrument(skip_all)]
pub async fn catalogue(app: &App, q: &CatalogueQuery) -> Result<CataloguePage, AppError> {
    let path_prefix = match q
        .commune
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => Some(crate::units::latest_record(app, c).await?.path),
        None => None,
    };
    let f = CatalogueFilter {
        province_code: q.province.clone().filter(|p| !p.trim().is_empty()),
        path_prefix,
        stars: q.stars.map(i32::from),
        group: q.group.map(i32::from),
        rated_only: true,
    };
    let after = q.after.as_deref().map(parse_cursor).transpose()?;
    let mut rows = app
        .db
        .ocop_catalogue(
            &f,
            after.as_ref().map(|(k, id)| (k.as_str(), *id)),
            PAGE_SIZE + 1,
        )
        .await?;
    let next = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| format!("{}~{}", r.search_key, r.id))
    } else {
        None
    };
    let day = today();
    let items = rows
        .iter()
        .map(|r| CatalogueItem {
            id: r.id,
            name: r.name.clone(),
            producer_name: r.producer_name.clone(),
            stars: r.stars.and_then(|s| u8::try_from(s).ok()),
            group_name: group_name(r.product_group),
            status: row_status(r, day),
            imported: r.imported == Some(true),
            year: r.year,
        })
        .collect();
    let mut provinces = Vec::new();
    for code in app.db.ocop_catalogue_provinces().await? {
        let name = match crate::units::latest_record(app, &code).await {
            Ok(u) => u.name,
            Err(_) => code.clone(),
        };
        provinces.push((code, name));
    }
    Ok(CataloguePage {
        items,
        next,
        provinces,
    })
}

/// A product's public page (public data: no actor). Only a product with a rating (a
/// decision, or an imported published one) is public: a product being prepared, and its
/// producer's contacts, stay with the officers and the producer until it is rated.
#[tracing::instrument(skip_all, fields(product = %id))]
pub async fn public_product(app: &App, id: Uuid) -> Result<PublicProduct, AppError> {
    let product = app
        .db
        .ocop_product(id)
        .await?
        .filter(|p| p.stars.is_some())
        .ok_or_else(|| AppError::NotFound("OCOP product".into()))?;
    let producer = app
        .db
        .ocop_producer(product.producer_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))?;
    let decision = app
        .db
        .ocop_decisions_of(id)
        .await?
        .into_iter()
        .find(|d| d.superseded_by.is_none());
    let status = decision
        .as_ref()
        .map(|d| decision_status(d, today()))
        .unwrap_or(CertificateStatus::Expired);
    let unit_name = match crate::units::latest_record(app, &producer.unit_code).await {
        Ok(u) => u.name,
        Err(_) => producer.unit_code.clone(),
    };
    Ok(PublicProduct {
        group_name: group_name(product.product_group),
        producer_name: producer.name,
        producer_kind: producer
            .kind
            .as_deref()
            .and_then(ProducerKind::parse)
            .map(ProducerKind::name_vi),
        producer_address: producer.address,
        producer_phone: producer.phone,
        producer_sample: producer.sample,
        product,
        decision,
        status,
        unit_name,
    })
}
