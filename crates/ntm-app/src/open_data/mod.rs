//! The open-data catalogue (DCAT-AP, `docs/open-data.md`): the published datasets, each an
//! OGC API – Features collection of [`crate::ogc`] offered whole as CSV (UTF-8, with a
//! Frictionless Table Schema), XLSX and GeoJSON, with the day it last changed. Only public
//! data: rated OCOP products (published decisions), registered raw-material areas, verified
//! NTM results, published tourism points, accepted feedback reports, plan progress on
//! published data.

use ntm_reports::table_xlsx::{TableCell, write_table};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::ogc::{CollectionId, CollectionInfo, Feature, Geometry, ItemsParams, PropValue};
use crate::{Actor, App, AppError};

/// The licence of the published data. **Not confirmed by a publishing authority**: it is
/// the software's default (pages and the catalogue say so) until a province sets its own.
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";
pub const LICENCE_NAME: &str = "CC BY 4.0";

/// Most features one download holds (the whole collection is read page after page).
pub const MAX_DOWNLOAD_FEATURES: usize = 200_000;

/// A dataset of the catalogue.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub info: &'static CollectionInfo,
    /// When its data last changed; `None` while it is empty.
    pub modified: Option<OffsetDateTime>,
}

/// The file formats of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    GeoJson,
    /// The Frictionless Table Schema of the CSV.
    TableSchema,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Csv,
        Format::Xlsx,
        Format::GeoJson,
        Format::TableSchema,
    ];

    /// The file name's ending.
    pub fn suffix(self) -> &'static str {
        match self {
            Format::Csv => ".csv",
            Format::Xlsx => ".xlsx",
            Format::GeoJson => ".geojson",
            Format::TableSchema => ".schema.json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::GeoJson => "application/geo+json",
            Format::TableSchema => "application/json",
        }
    }

    /// `ocop-products.csv` → (collection, format).
    pub fn split(file: &str) -> Option<(&str, Format)> {
        Format::ALL
            .into_iter()
            .filter_map(|f| file.strip_suffix(f.suffix()).map(|id| (id, f)))
            .max_by_key(|(_, f)| f.suffix().len())
    }
}

/// A file to send.
#[derive(Debug, Clone)]
pub struct Download {
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The datasets with their change dates (public).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn catalog(app: &App, actor: &Actor) -> Result<Vec<Dataset>, AppError> {
    let mut out = Vec::new();
    for c in CollectionId::ALL {
        let modified = match c {
            CollectionId::OcopProducts => app.db.ocop_features_modified().await?,
            CollectionId::Areas => app.db.area_features_modified().await?,
            // The last value verified (results are evaluated on verified values only).
            CollectionId::UnitStatus => app.db.verified_values_modified().await?,
            CollectionId::TourismPoints => app.db.tourism_features_modified().await?,
            CollectionId::FeedbackReports => app.db.feedback_features_modified().await?,
            // The plans' loading, the last value verified, today for figures that move.
            CollectionId::PlanProgress => crate::plans::published_modified(app).await?,
        };
        out.push(Dataset {
            info: c.info(),
            modified,
        });
    }
    Ok(out)
}

/// Every feature of a collection, page after page (at most [`MAX_DOWNLOAD_FEATURES`]).
async fn all_features(app: &App, actor: &Actor, id: &str) -> Result<Vec<Feature>, AppError> {
    let mut out = Vec::new();
    let mut params = ItemsParams {
        limit: Some(ntm_domain::ogc::MAX_LIMIT.to_string()),
        ..ItemsParams::default()
    };
    loop {
        let page = crate::ogc::items(app, actor, id, &params).await?;
        out.extend(page.features);
        if out.len() > MAX_DOWNLOAD_FEATURES {
            return Err(AppError::Internal(format!(
                "{id} has more than {MAX_DOWNLOAD_FEATURES} features: use the OGC API"
            )));
        }
        match page.next {
            Some(n) => params.after = Some(n),
            None => return Ok(out),
        }
    }
}

fn cell_text(v: &PropValue) -> String {
    match v {
        PropValue::Text(s) => s.clone(),
        PropValue::Int(n) => n.to_string(),
        PropValue::Num(x) => x.to_string(),
        PropValue::Bool(b) => b.to_string(),
        PropValue::Date(d) => d.to_string(),
        PropValue::Null => String::new(),
    }
}

fn prop_json(v: &PropValue) -> Value {
    match v {
        PropValue::Text(s) => Value::String(s.clone()),
        PropValue::Int(n) => json!(n),
        PropValue::Num(x) => json!(x),
        PropValue::Bool(b) => Value::Bool(*b),
        PropValue::Date(d) => Value::String(d.to_string()),
        PropValue::Null => Value::Null,
    }
}

/// A feature's properties as a JSON object (the OGC API and the GeoJSON file).
pub fn properties_json(c: &CollectionInfo, f: &Feature) -> Map<String, Value> {
    c.properties
        .iter()
        .zip(&f.properties)
        .map(|(p, v)| (p.name.to_string(), prop_json(v)))
        .collect()
}

/// A feature's geometry as GeoJSON (`null` when it has none).
pub fn geometry_json(g: &Option<Geometry>) -> Value {
    match g {
        None => Value::Null,
        Some(Geometry::Point([x, y])) => json!({"type": "Point", "coordinates": [x, y]}),
        // Stored geometries were checked when written; one that no longer parses is shown as
        // none rather than failing the whole file.
        Some(Geometry::Stored(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
    }
}

/// The Frictionless Table Schema of a dataset's CSV: the id, the properties, and the
/// geometry as GeoJSON text.
pub fn table_schema(c: &CollectionInfo) -> Value {
    let mut fields = vec![
        json!({"name": "id", "type": "string", "title": "Mã định danh / Identifier",
        "constraints": {"required": true, "unique": true}}),
    ];
    for p in c.properties {
        let mut f = json!({
            "name": p.name,
            "type": p.kind.as_str(),
            "title": format!("{} / {}", p.title.vi, p.title.en),
        });
        if !p.nullable {
            f["constraints"] = json!({"required": true});
        }
        fields.push(f);
    }
    fields.push(
        json!({"name": "geometry", "type": "geojson", "format": "default",
        "title": "Hình học (GeoJSON, WGS84) / Geometry (GeoJSON, WGS84)"}),
    );
    json!({
        "fields": fields,
        "primaryKey": ["id"],
        "missingValues": [""],
    })
}

fn csv_bytes(c: &CollectionInfo, features: &[Feature]) -> Result<Vec<u8>, AppError> {
    let werr = |e: csv::Error| AppError::Internal(format!("CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id"];
    header.extend(c.properties.iter().map(|p| p.name));
    header.push("geometry");
    w.write_record(&header).map_err(werr)?;
    for f in features {
        let mut row = vec![f.id.clone()];
        row.extend(f.properties.iter().map(cell_text));
        let g = geometry_json(&f.geometry);
        row.push(if g.is_null() {
            String::new()
        } else {
            g.to_string()
        });
        w.write_record(&row).map_err(werr)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("CSV: {e}")))
}

fn xlsx_bytes(c: &CollectionInfo, features: &[Feature]) -> Result<Vec<u8>, AppError> {
    let mut header = vec!["id".to_string()];
    header.extend(c.properties.iter().map(|p| p.name.to_string()));
    let rows: Vec<Vec<TableCell>> = features
        .iter()
        .map(|f| {
            let mut row = vec![TableCell::Text(f.id.clone())];
            row.extend(f.properties.iter().map(|v| match v {
                PropValue::Text(s) => TableCell::Text(s.clone()),
                PropValue::Int(n) => TableCell::Number(*n as f64),
                PropValue::Num(x) => TableCell::Number(*x),
                PropValue::Bool(b) => TableCell::Bool(*b),
                PropValue::Date(d) => TableCell::Text(d.to_string()),
                PropValue::Null => TableCell::Empty,
            }));
            row
        })
        .collect();
    write_table(c.id, &header, &rows).map_err(|e| AppError::Internal(e.to_string()))
}

fn geojson_bytes(c: &CollectionInfo, features: &[Feature]) -> Vec<u8> {
    let features: Vec<Value> = features
        .iter()
        .map(|f| {
            json!({
                "type": "Feature",
                "id": f.id,
                "geometry": geometry_json(&f.geometry),
                "properties": properties_json(c, f),
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "name": c.id, "features": features})
        .to_string()
        .into_bytes()
}

/// A dataset's file, by its name (`ocop-products.csv`, `….xlsx`, `….geojson`,
/// `….schema.json`); `NotFound` for any other name.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), file = file))]
pub async fn download(app: &App, actor: &Actor, file: &str) -> Result<Download, AppError> {
    let missing = || AppError::NotFound(format!("no open-data file {file:?}"));
    let (id, format) = Format::split(file).ok_or_else(missing)?;
    let c = CollectionId::parse(id).ok_or_else(missing)?.info();
    let bytes = match format {
        Format::TableSchema => table_schema(c).to_string().into_bytes(),
        f => {
            let features = all_features(app, actor, c.id).await?;
            match f {
                Format::Csv => csv_bytes(c, &features)?,
                Format::Xlsx => xlsx_bytes(c, &features)?,
                _ => geojson_bytes(c, &features),
            }
        }
    };
    Ok(Download {
        file_name: file.to_string(),
        media_type: format.media_type(),
        bytes,
    })
}
