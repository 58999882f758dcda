//! A product's photo and where to buy it (issue 15: "product page with photo … where to
//! buy"): the producer's officers or its own account set them; the photo (JPEG or PNG,
//! sniffed from its content, at most [`MAX_PHOTO_BYTES`]) is stored content-addressed in the
//! file store and shown on the public product page of a rated product.

use ntm_store::OcopProductRecord;
use uuid::Uuid;

use super::require_producer;
use crate::dossiers::{sniff_document, store_file};
use crate::{Actor, App, AppError};

/// The largest photo accepted (a phone photo; the page scales it down).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The longest "where to buy" text.
pub const MAX_WHERE_TO_BUY_CHARS: usize = 500;

/// What the product's details form sends.
#[derive(Debug, Clone, Default)]
pub struct ProductDetails {
    /// Shops, markets, sites or phone numbers; empty clears it.
    pub where_to_buy: String,
    /// A new photo (file name, bytes), or `None` to keep the current one.
    pub photo: Option<(String, Vec<u8>)>,
}

async fn product(app: &App, id: Uuid) -> Result<OcopProductRecord, AppError> {
    app.db
        .ocop_product(id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP product".into()))
}

/// Sets where to buy the product and, when one is sent, its photo; audited.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), product = %id))]
pub async fn update_product_details(
    app: &App,
    actor: &Actor,
    id: Uuid,
    details: ProductDetails,
) -> Result<OcopProductRecord, AppError> {
    let p = product(app, id).await?;
    let producer = app
        .db
        .ocop_producer(p.producer_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))?;
    require_producer(app, actor, &producer).await?;
    let where_to_buy = details.where_to_buy.trim().to_string();
    if where_to_buy.chars().count() > MAX_WHERE_TO_BUY_CHARS {
        return Err(AppError::invalid(
            "where_to_buy",
            format!(
                "Nơi bán tối đa {MAX_WHERE_TO_BUY_CHARS} ký tự — at most {MAX_WHERE_TO_BUY_CHARS} characters"
            ),
        ));
    }
    let photo = match details.photo {
        None => None,
        Some((_, bytes)) if bytes.is_empty() => None,
        Some((_, bytes)) => {
            if bytes.len() > MAX_PHOTO_BYTES {
                return Err(AppError::invalid(
                    "photo",
                    format!(
                        "Ảnh lớn hơn {} MB — the photo is larger than {} MB",
                        MAX_PHOTO_BYTES / 1024 / 1024,
                        MAX_PHOTO_BYTES / 1024 / 1024
                    ),
                ));
            }
            let media_type = match sniff_document(&bytes) {
                Some((t, _)) if t == "image/jpeg" || t == "image/png" => t,
                _ => {
                    return Err(AppError::invalid(
                        "photo",
                        "Ảnh phải là JPEG hoặc PNG (nội dung tệp không phải ảnh) — a JPEG or PNG photo",
                    ));
                }
            };
            use sha2::Digest;
            let sha = hex::encode(sha2::Sha256::digest(&bytes));
            let rel = format!("ocop/photos/{}/{sha}", &sha[..2]);
            let path = app.config.data_dir.join(&rel);
            tokio::task::spawn_blocking(move || store_file(&path, &bytes))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map_err(|e| AppError::Internal(format!("cannot store the photo: {e}")))?;
            Some((rel, media_type.to_string()))
        }
    };
    let audit = actor.audit_entry(
        "ocop.product.details",
        &p.id.to_string(),
        serde_json::json!({
            "producer": producer.id, "unit": producer.unit_code,
            "where_to_buy": where_to_buy,
            "photo": photo.as_ref().map(|(path, t)| serde_json::json!({"path": path, "type": t})),
        }),
    );
    let where_to_buy = (!where_to_buy.is_empty()).then_some(where_to_buy);
    Ok(app
        .db
        .update_ocop_product_details(p.id, where_to_buy, photo, audit)
        .await?)
}

/// The photo of a rated product (public: the catalogue shows rated products only):
/// its media type and bytes. The path comes from the database, never from the request.
#[tracing::instrument(skip_all, fields(product = %id))]
pub async fn product_photo(app: &App, id: Uuid) -> Result<(String, Vec<u8>), AppError> {
    let p = product(app, id).await?;
    let (Some(rel), Some(media_type), Some(_)) = (p.photo_path, p.photo_type, p.stars) else {
        return Err(AppError::NotFound("OCOP product photo".into()));
    };
    let path = std::path::Path::new(&rel);
    let safe = path.starts_with("ocop")
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(AppError::Internal(format!(
            "OCOP product {id} has an unexpected photo path"
        )));
    }
    let bytes = tokio::fs::read(app.config.data_dir.join(path))
        .await
        .map_err(|e| AppError::Internal(format!("cannot read the photo of product {id}: {e}")))?;
    Ok((media_type, bytes))
}
