//! `ntm boundaries load`: unit outlines from a GeoJSON FeatureCollection, read feature by
//! feature (the file is never held whole; size and feature count are bounded), every problem
//! named by its feature index, every unit required to exist, and all outlines stored in one
//! transaction with one audit entry — or none.

use std::fmt;
use std::io::Read;

use ntm_domain::area::boundary_geometry;
use ntm_domain::authz::Permission;
use ntm_store::UnitBoundaryRecord;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::authz::require;
use crate::{Actor, App, AppError, FieldError, now};

/// Largest file read (bytes): the national commune file is about 12 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most features in one file.
pub const MAX_FEATURES: usize = 20_000;

#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The feature property holding the unit code (`ma_xa` in the 2025 commune file).
    pub code_property: String,
    /// Where the file came from (shown with the map).
    pub source: String,
    /// Its licence notice, as known (shown with the map).
    pub licence: String,
    /// Keep only the features of this province (`ma_tinh`-style property `province_property`).
    pub only_province: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryLoad {
    pub features: usize,
    pub stored: u64,
    pub skipped: usize,
}

/// One feature kept, before its unit is looked up.
struct Parsed {
    index: usize,
    code: String,
    geojson: String,
    bbox: ntm_domain::area::Bbox,
}

fn problem(index: usize, message: String) -> FieldError {
    FieldError::new(format!("feature {index}"), message)
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

struct Features<'a> {
    opts: &'a LoadOptions,
    out: &'a mut Vec<Parsed>,
    errors: &'a mut Vec<FieldError>,
    skipped: &'a mut usize,
    seen: &'a mut usize,
}

impl Features<'_> {
    fn take(&mut self, index: usize, f: Value) {
        let props = f.get("properties");
        if let Some((prop, want)) = &self.opts.only_province
            && text_of(props.and_then(|p| p.get(prop))).as_deref() != Some(want.as_str())
        {
            *self.skipped += 1;
            return;
        }
        let Some(code) = text_of(props.and_then(|p| p.get(&self.opts.code_property))) else {
            self.errors.push(problem(
                index,
                format!("no property “{}” (text or number)", self.opts.code_property),
            ));
            return;
        };
        let Some(geometry) = f.get("geometry").filter(|g| !g.is_null()) else {
            self.errors
                .push(problem(index, format!("{code}: no geometry")));
            return;
        };
        match boundary_geometry(geometry) {
            Ok((_, bbox)) => self.out.push(Parsed {
                index,
                code,
                geojson: geometry.to_string(),
                bbox,
            }),
            Err(e) => self.errors.push(problem(index, format!("{code}: {e}"))),
        }
    }
}

impl<'de> Visitor<'de> for Features<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<Value>()? {
            let index = *self.seen;
            *self.seen += 1;
            if *self.seen > MAX_FEATURES {
                return Err(serde::de::Error::custom(format!(
                    "more than {MAX_FEATURES} features"
                )));
            }
            self.take(index, feature);
            if self.errors.len() >= 50 {
                return Err(serde::de::Error::custom("stopped after 50 problems"));
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Features<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// The top-level object: only `features` is read, feature by feature.
struct Collection<'a>(Features<'a>);

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut features = Some(self.0);
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), features.take()) {
                ("features", Some(f)) => {
                    map.next_value_seed(f)?;
                    found = true;
                }
                (_, f) => {
                    features = f;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Loads outlines (administrators and the command line: `ImportUnits`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn load_boundaries<R: Read + Send + 'static>(
    app: &App,
    actor: &Actor,
    reader: R,
    opts: LoadOptions,
) -> Result<BoundaryLoad, AppError> {
    require(actor, Permission::ImportUnits, "/")?;
    let source = opts.source.trim().to_string();
    let code_property = opts.code_property.clone();
    let licence = opts.licence.trim().to_string();
    let mut errors = Vec::new();
    if source.is_empty() || source.chars().count() > 500 {
        errors.push(FieldError::new(
            "source",
            "give the file's source (at most 500 characters)",
        ));
    }
    if licence.is_empty() || licence.chars().count() > 500 {
        errors.push(FieldError::new(
            "licence",
            "give the licence notice, or say that it is not stated (at most 500 characters)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // Parse on a blocking thread: the file is read as it is parsed.
    let (parsed, mut errors, skipped, features) = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let (mut skipped, mut seen) = (0usize, 0usize);
        let limited = std::io::BufReader::new(reader.take(MAX_FILE_BYTES + 1));
        let count = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let counted = CountingReader {
            inner: limited,
            read: count.clone(),
        };
        let mut de = serde_json::Deserializer::from_reader(counted);
        let features = Features {
            opts: &opts,
            out: &mut out,
            errors: &mut errors,
            skipped: &mut skipped,
            seen: &mut seen,
        };
        let result = de.deserialize_map(Collection(features));
        let too_big = count.get() > MAX_FILE_BYTES;
        match result {
            _ if too_big => errors.push(FieldError::new(
                "file",
                format!("larger than {} MB", MAX_FILE_BYTES / 1024 / 1024),
            )),
            Ok(true) => {}
            Ok(false) => errors.push(FieldError::new("file", "no “features” list")),
            Err(e) if errors.is_empty() || !e.to_string().contains("stopped after") => errors.push(
                FieldError::new(format!("feature {seen}"), format!("not GeoJSON: {e}")),
            ),
            Err(_) => {}
        }
        (out, errors, skipped, seen)
    })
    .await
    .map_err(|e| AppError::Internal(format!("boundary file reader: {e}")))?;
    let at = now();
    let mut rows: Vec<UnitBoundaryRecord> = Vec::with_capacity(parsed.len());
    for p in parsed {
        let unit = match crate::units::latest_record(app, &p.code).await {
            Ok(u) => u,
            Err(AppError::NotFound(_)) => {
                errors.push(problem(
                    p.index,
                    format!("{}: no unit has this code", p.code),
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        if rows.iter().any(|r| r.unit_id == unit.id) {
            errors.push(problem(
                p.index,
                format!("{}: a second outline for this unit", p.code),
            ));
            continue;
        }
        rows.push(UnitBoundaryRecord {
            unit_id: unit.id,
            unit_code: unit.code,
            valid_from: unit.valid_from,
            valid_to: unit.valid_to,
            geojson: p.geojson,
            min_lon: p.bbox.min_lon,
            min_lat: p.bbox.min_lat,
            max_lon: p.bbox.max_lon,
            max_lat: p.bbox.max_lat,
            source: source.clone(),
            licence: licence.clone(),
            loaded_at: at,
            loaded_by: actor.audit_name(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if rows.is_empty() {
        return Err(AppError::invalid("file", "no outline to load"));
    }
    let audit = actor.audit_entry(
        "boundaries.load",
        "unit_boundaries",
        serde_json::json!({
            "outlines": rows.len(), "source": source, "licence": licence,
            "code_property": code_property, "first_units": first_units(&rows),
        }),
    );
    let stored = app.db.upsert_unit_boundaries(&rows, audit).await?;
    Ok(BoundaryLoad {
        features,
        stored,
        skipped,
    })
}

fn first_units(rows: &[UnitBoundaryRecord]) -> Vec<&str> {
    rows.iter().take(5).map(|r| r.unit_code.as_str()).collect()
}

/// Counts the bytes read, to tell "too large" from a parse error at the cut.
struct CountingReader<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}
