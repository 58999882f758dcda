//! Import of a published OCOP list (CSV or XLSX through the capped spreadsheet reader): a
//! preview with every row's problems, kept as a staged upload, then applied all or nothing.
//! Imported ratings keep their source URL and are marked "imported, not evaluated here".

use ntm_domain::authz::Permission;
use ntm_domain::ocop::{ImportRow, ProducerKind, parse_import_records};
use ntm_domain::units::Unit;
use ntm_store::{ImportItem, OcopDecisionRecord, OcopProducerRecord, OcopProductRecord};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::scheme;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now, spreadsheets, staged_uploads};

#[derive(Debug, Clone, Serialize)]
pub struct ImportPreviewRow {
    pub row: ImportRowView,
    /// Rows listed without a star rank are not imported (the catalogue lists ratings).
    pub skipped: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportRowView {
    pub line: usize,
    pub product: String,
    pub producer: Option<String>,
    pub locality: Option<String>,
    pub stars: Option<u8>,
    pub year: i32,
    pub source_url: String,
}

#[derive(Debug, Clone)]
pub struct ImportPreview {
    pub upload_id: Uuid,
    pub unit: Unit,
    pub file_name: String,
    pub rows: Vec<ImportPreviewRow>,
    pub errors: Vec<FieldError>,
}

#[derive(Serialize, Deserialize)]
struct Kept {
    id: Uuid,
    expires_at: i64,
    unit_code: String,
    file_name: String,
    actor: String,
}

async fn parse(
    bytes: Vec<u8>,
    file_name: String,
) -> Result<(Vec<ImportRow>, Vec<FieldError>), AppError> {
    let table = spreadsheets::read_table(bytes, file_name)
        .await?
        .map_err(|e| AppError::invalid("file", e.to_string()))?;
    let mut it = table.into_iter();
    let header: Vec<String> = it
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let groups: Vec<u8> = scheme().product_groups.iter().map(|g| g.0).collect();
    let p = parse_import_records(&header, it.collect(), &groups);
    let errors = p
        .errors
        .into_iter()
        .map(|e| FieldError::new(format!("line {} ({})", e.line, e.field), e.message))
        .collect();
    Ok((p.rows, errors))
}

/// Reads an uploaded list for a unit (usually the province) and keeps it for `import_apply`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn import_preview(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> Result<ImportPreview, AppError> {
    let unit = crate::units::latest_record(app, unit_code).await?;
    require_on_unit(app, actor, Permission::ManageOcop, &unit).await?;
    let file_name = staged_uploads::base_name(file_name);
    let (rows, errors) = parse(bytes.clone(), file_name.clone()).await?;
    let id = Uuid::now_v7();
    let kept = Kept {
        id,
        expires_at: staged_uploads::unix(now()) + 24 * 3600,
        unit_code: unit.code.clone(),
        file_name: file_name.clone(),
        actor: actor.audit_name(),
    };
    let record = serde_json::to_vec(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
    staged_uploads::keep(app, id, bytes, record, now()).await?;
    Ok(ImportPreview {
        upload_id: id,
        unit,
        file_name,
        rows: rows
            .into_iter()
            .map(|r| ImportPreviewRow {
                skipped: r.stars.is_none(),
                row: ImportRowView {
                    line: r.line,
                    product: r.product,
                    producer: r.producer,
                    locality: r.locality,
                    stars: r.stars,
                    year: r.year,
                    source_url: r.source_url,
                },
            })
            .collect(),
        errors,
    })
}

/// Applies a previewed list: every rated row or none (any problem refuses the whole file).
/// Producers are matched by name within the unit; unnamed producers stay unnamed.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), upload = %upload_id))]
pub async fn import_apply(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: Uuid,
) -> Result<usize, AppError> {
    // The permission on the unit named in the address first: an outsider learns nothing
    // about the upload, not even whether it exists.
    let unit = crate::units::latest_record(app, unit_code).await?;
    require_on_unit(app, actor, Permission::ManageOcop, &unit).await?;
    let missing = || AppError::NotFound("uploaded list (expired? upload it again)".into());
    let kept = staged_uploads::read(app, upload_id).await?;
    let (Some(record), Some(bytes)) = (kept.record, kept.bytes) else {
        return Err(missing());
    };
    let rec: Kept =
        serde_json::from_slice(&record).map_err(|e| AppError::Internal(e.to_string()))?;
    if rec.unit_code != unit.code {
        return Err(missing());
    }
    if kept.applied.is_some() {
        return Err(AppError::Conflict(
            "this list has already been imported".into(),
        ));
    }
    let (rows, errors) = parse(bytes, rec.file_name.clone()).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let existing = app.db.ocop_producers_under(&unit.path).await?;
    let items = build_items(&unit, actor, &rows, &existing);
    let audit = actor.audit_entry(
        "ocop.import",
        &unit.code,
        serde_json::json!({"file": rec.file_name, "rows": items.len()}),
    );
    let n = app.db.import_ocop(&items, audit).await?;
    staged_uploads::mark_applied(app, &upload_id.to_string(), n.to_string().into_bytes()).await?;
    Ok(n)
}

pub(crate) fn build_items(
    unit: &Unit,
    actor: &Actor,
    rows: &[ImportRow],
    existing: &[OcopProducerRecord],
) -> Vec<ImportItem> {
    let at = now();
    let mut producers: Vec<OcopProducerRecord> = existing.to_vec();
    let mut items = Vec::new();
    for r in rows.iter().filter(|r| r.stars.is_some()) {
        let key = r.producer.as_deref().map(ntm_domain::text::search_key);
        let found = key.as_ref().and_then(|k| {
            producers
                .iter()
                .find(|p| ntm_domain::text::search_key(&p.name) == *k)
                .cloned()
        });
        let producer = match found {
            Some(p) => p,
            None => {
                let p = OcopProducerRecord {
                    id: Uuid::now_v7(),
                    unit_code: unit.code.clone(),
                    unit_path: unit.path.clone(),
                    province_code: unit.province_code.clone(),
                    kind: r
                        .producer
                        .as_deref()
                        .and_then(ProducerKind::guess_from_name)
                        .map(|k| k.as_str().to_string()),
                    name: r
                        .producer
                        .clone()
                        .unwrap_or_else(|| "(nguồn không nêu tên chủ thể)".into()),
                    address: r.locality.clone(),
                    legal_id: None,
                    phone: None,
                    email: None,
                    owner_user_id: None,
                    sample: false,
                    created_at: at,
                    created_by: actor.audit_name(),
                };
                if r.producer.is_some() {
                    producers.push(p.clone());
                }
                p
            }
        };
        let product = OcopProductRecord {
            id: Uuid::now_v7(),
            producer_id: producer.id,
            province_code: producer.province_code.clone(),
            unit_path: producer.unit_path.clone(),
            name: r.product.clone(),
            search_key: ntm_domain::text::search_key(&r.product),
            product_group: r.group.map(i32::from),
            product_set: r.product_set.clone(),
            where_to_buy: None,
            photo_path: None,
            photo_type: None,
            stars: None,
            created_at: at,
            created_by: actor.audit_name(),
        };
        let decision = r.stars.map(|s| OcopDecisionRecord {
            id: Uuid::now_v7(),
            product_id: product.id,
            round_id: None,
            stars: i32::from(s),
            average: None,
            year: r.year,
            certificate_no: None,
            issued_on: None,
            valid_until: None,
            imported: true,
            source_url: Some(r.source_url.clone()),
            source_note: r.source_note.clone(),
            status_text: Some(r.status.clone()).filter(|s| !s.is_empty()),
            superseded_on: None,
            superseded_by: None,
            created_at: at,
            created_by: actor.audit_name(),
        });
        items.push(ImportItem {
            producer,
            product,
            decision,
        });
    }
    items
}

const DEMO_LIST: &[u8] = include_bytes!("../../../../data/ocop/ocop-tra-vinh.csv");

/// `ntm demo`: the real Trà Vinh OCOP list (with its sources) as the demo catalogue, once.
pub async fn seed_demo_catalogue(app: &App) -> Result<usize, AppError> {
    let cli = Actor::cli();
    let Some(unit) = app.db.unit_on("84", crate::today()).await?.or(app
        .db
        .unit_versions("84")
        .await?
        .into_iter()
        .last())
    else {
        return Ok(0);
    };
    if !app.db.ocop_producers_under(&unit.path).await?.is_empty() {
        return Ok(0);
    }
    let (rows, errors) = parse(DEMO_LIST.to_vec(), "ocop-tra-vinh.csv".into()).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let items = build_items(&unit, &cli, &rows, &[]);
    let audit = cli.audit_entry(
        "ocop.import",
        &unit.code,
        serde_json::json!({"file": "ocop-tra-vinh.csv", "rows": items.len(), "demo": true}),
    );
    Ok(app.db.import_ocop(&items, audit).await?)
}
