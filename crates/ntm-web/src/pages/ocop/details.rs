//! A product's details: `POST /ocop/manage/{id}/details` (multipart: `where_to_buy`, an
//! optional photo in `file`) sets where to buy it and its photo, back to the product's page;
//! a refusal shows that page again with what was typed and why. `GET
//! /ocop/products/{id}/photo` serves a rated product's photo to anyone.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::ocop::{self, MAX_PHOTO_BYTES, ProductDetails};

use super::manage::{DetailsForm, DocForm, errors_text, manage_view_with};
use crate::ctx::Ctx;
use crate::error::{ErrorKind, WebError};
use crate::request::{parse_id, read_upload};
use crate::state::AppState;
use crate::urls::Urls;

/// `POST /ocop/manage/{id}/details`.
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "product")?;
    // Over the route's limit the body is not read: the page says the photo is too large,
    // as for one over `MAX_PHOTO_BYTES` that fits the limit.
    let form = match read_upload(&mut mp, &["where_to_buy"]).await {
        Ok(f) => Some(f),
        Err(e) if e.kind() == ErrorKind::PayloadTooLarge => None,
        Err(e) => return Err(e),
    };
    let where_to_buy = form
        .as_ref()
        .and_then(|f| f.field("where_to_buy"))
        .unwrap_or_default()
        .to_string();
    let result = match form {
        None => Err(AppError::invalid(
            "photo",
            ctx.t1(
                "ocop-photo-too-big",
                &(MAX_PHOTO_BYTES / 1024 / 1024).to_string(),
            ),
        )),
        Some(f) => {
            let details = ProductDetails {
                where_to_buy: where_to_buy.clone(),
                photo: f.file,
            };
            ocop::update_product_details(&st.app, &ctx.actor(), id, details).await
        }
    };
    match result {
        Ok(p) => Ok(Redirect::to(&Urls::ocop_manage(&p.id.to_string())).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let details = DetailsForm {
                where_to_buy: Some(where_to_buy),
                error: Some(errors_text(&ctx, &e)),
            };
            manage_view_with(
                &st,
                ctx,
                id,
                None,
                DocForm::default(),
                details,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /ocop/products/{id}/photo`: public, like the product's page (rated products only).
pub async fn photo(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| WebError::not_found(format!("no OCOP product {id}")))?;
    let (media_type, bytes) = ocop::product_photo(&st.app, id).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(res)
}
