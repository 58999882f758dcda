//! `/api/v1/provinces/{code}/criteria-sets`: a province's own criteria sets (stricter
//! thresholds extending a national set), listed and uploaded as YAML files.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Json;
use ntm_app::provincial::{ProvincialThreshold, ProvincialUse, StoredSet};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::api::created;
use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

/// A threshold a provincial file sets.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvincialThresholdDto {
    #[schema(example = "3.1")]
    pub code: String,
    /// `provenance: sourced` with a citation; otherwise outcomes on it need verification.
    pub confirmed: bool,
}

impl From<&ProvincialThreshold> for ProvincialThresholdDto {
    fn from(t: &ProvincialThreshold) -> Self {
        ProvincialThresholdDto {
            code: t.code.clone(),
            confirmed: t.confirmed,
        }
    }
}

/// One uploaded provincial set file.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredSetDto {
    pub id: String,
    #[schema(example = "86")]
    pub province_code: String,
    #[schema(example = "xa-ntm-vinh-long-2021-2025")]
    pub set_id: String,
    pub version: String,
    /// The national set it extends.
    #[schema(example = "xa-ntm-2021-2025")]
    pub extends: String,
    pub file_name: String,
    pub sha256: String,
    pub uploaded_by: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
    /// The latest upload of this set id (the one evaluations use).
    pub active: bool,
    pub title_vi: String,
    pub thresholds: Vec<ProvincialThresholdDto>,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

impl From<&StoredSet> for StoredSetDto {
    fn from(s: &StoredSet) -> Self {
        StoredSetDto {
            id: s.id.to_string(),
            province_code: s.province_code.clone(),
            set_id: s.set_id.clone(),
            version: s.version.clone(),
            extends: s.extends.clone(),
            file_name: s.file_name.clone(),
            sha256: s.sha256.clone(),
            uploaded_by: s.uploaded_by.clone(),
            uploaded_at: rfc3339(s.uploaded_at),
            active: s.active,
            title_vi: s.title_vi.clone(),
            thresholds: s
                .thresholds
                .iter()
                .map(ProvincialThresholdDto::from)
                .collect(),
        }
    }
}

/// Where an evaluation's thresholds came from when a provincial set was used.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvincialUseDto {
    pub province_code: String,
    /// The national set requested.
    pub extends: String,
    /// Id and version of the provincial set used.
    pub set_id: String,
    pub set_version: String,
    pub file_name: String,
    pub sha256: String,
    pub uploaded_by: String,
    #[schema(format = DateTime)]
    pub uploaded_at: String,
    pub thresholds: Vec<ProvincialThresholdDto>,
    /// "configured by province 86 (file, uploader, date)".
    pub note: String,
}

impl From<&ProvincialUse> for ProvincialUseDto {
    fn from(p: &ProvincialUse) -> Self {
        ProvincialUseDto {
            province_code: p.province_code.clone(),
            extends: p.extends.clone(),
            set_id: p.set.id.clone(),
            set_version: p.set.version.clone(),
            file_name: p.file_name.clone(),
            sha256: p.sha256.clone(),
            uploaded_by: p.uploaded_by.clone(),
            uploaded_at: rfc3339(p.uploaded_at),
            thresholds: p
                .thresholds
                .iter()
                .map(ProvincialThresholdDto::from)
                .collect(),
            note: p.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredSetListDto {
    pub sets: Vec<StoredSetDto>,
}

/// JSON form of an upload.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UploadSetDto {
    #[schema(example = "xa-ntm-vinh-long-2021-2025.yaml")]
    pub file_name: String,
    /// The set file (`format: ntm-criteria/1`, with `extends:` a national set).
    pub yaml: String,
}

/// Every criteria-set file uploaded for a province, newest first (the active one of each
/// set id and the earlier ones).
#[utoipa::path(
    get,
    path = "/api/v1/provinces/{code}/criteria-sets",
    tag = "criteria",
    summary = "List a province's criteria sets",
    params(("code" = String, Path, description = "Province code, e.g. 86")),
    responses(
        (status = 200, description = "The files, newest first", body = StoredSetListDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The province is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No province with this code today", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code is not a province's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_province_sets(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<StoredSetListDto>, WebError> {
    ctx.require_user()?;
    let sets = ntm_app::provincial::list_sets(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(StoredSetListDto {
        sets: sets.iter().map(StoredSetDto::from).collect(),
    }))
}

/// Uploads a provincial criteria set (needs the manage-criteria permission on the province:
/// admins, and province officers in their province). The body is the YAML file
/// (`text/yaml` or `application/yaml`, file name in the `X-File-Name` header) or JSON
/// `{file_name, yaml}`. The file must extend a national set and may only make thresholds
/// stricter; every problem is listed as `file:line: field`. The new file becomes the active
/// one for its set id; evaluations of the province's units use it.
#[utoipa::path(
    put,
    path = "/api/v1/provinces/{code}/criteria-sets",
    tag = "criteria",
    summary = "Upload a provincial criteria set",
    params(
        ("code" = String, Path, description = "Province code, e.g. 86"),
        ("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie"),
        ("X-File-Name" = Option<String>, Header, description = "File name, for a YAML body"),
    ),
    request_body(content(
        (UploadSetDto = "application/json"),
        (String = "text/yaml"),
        (String = "application/yaml"),
    )),
    responses(
        (status = 201, description = "The stored set", body = StoredSetDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed for this province, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No province with this code today", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body is neither YAML nor JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file has problems (every one listed as file:line: field)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_province_set(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<StoredSetDto>), WebError> {
    ctx.require_user()?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (file_name, yaml) = match content_type.as_str() {
        "text/yaml" | "application/yaml" | "application/x-yaml" | "text/x-yaml" => {
            let name = headers
                .get("x-file-name")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("upload.yaml")
                .to_string();
            let text = String::from_utf8(body.to_vec())
                .map_err(|_| WebError::invalid("yaml", "the file is not UTF-8 text"))?;
            (name, text)
        }
        "application/json" => {
            let dto: UploadSetDto = serde_json::from_slice(&body)
                .map_err(|e| WebError::invalid("body", format!("not an upload object: {e}")))?;
            (dto.file_name, dto.yaml)
        }
        _ => {
            let mut e = WebError::new(crate::error::ErrorKind::UnsupportedMediaType);
            e.0.detail = Some(
                "send the set file as text/yaml (or application/yaml), or JSON {file_name, yaml}"
                    .into(),
            );
            return Err(e);
        }
    };
    let stored =
        ntm_app::provincial::upload_set(&st.app, &ctx.actor(), &code, &file_name, &yaml).await?;
    Ok(created(StoredSetDto::from(&stored)))
}
