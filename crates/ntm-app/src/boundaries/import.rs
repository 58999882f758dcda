//! `ntm import boundaries FILE --date`: unit boundaries from a GeoJSON FeatureCollection,
//! read feature by feature (the file is never held whole; size and feature count are
//! bounded). Each feature's code must name a unit valid on the date, its geometry must be
//! valid, in WGS84 longitude/latitude and inside Vietnam; every problem is named by feature
//! index and code. The boundaries start a new validity period of their unit records on the
//! date, all stored in one transaction with one audit entry — or none.

use std::fmt;
use std::io::Read;

use ntm_domain::area::{Outline, Period, check_crs, date_problem, outline_of, plan_period};
use ntm_domain::authz::Permission;
use ntm_store::{BoundaryWrite, UnitBoundaryRecord};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use time::Date;

use crate::authz::require;
use crate::{Actor, App, AppError, FieldError, now};

/// Largest file read (bytes): the national commune file is about 12 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most features in one file.
pub const MAX_FEATURES: usize = 20_000;

/// The properties tried, in order, when no code property is named: the shipped files'
/// (`code` in the 2021 extracts, `ma_xa`, `ma_huyen`, `ma_tinh` in the national files).
pub const CODE_PROPERTIES: [&str; 4] = ["code", "ma_xa", "ma_huyen", "ma_tinh"];

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The first day the boundaries are valid (a new period of each unit record).
    pub date: Date,
    /// The feature property holding the unit code (`ma_xa` in the 2025 commune file); empty:
    /// the first of [`CODE_PROPERTIES`] a feature has.
    pub code_property: String,
    /// Where the file came from (shown with the map).
    pub source: String,
    /// Its licence notice, as known (shown with the map).
    pub licence: String,
    /// Keep only the features of this province (`ma_tinh`-style property `province_property`).
    pub only_province: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryImport {
    pub features: usize,
    pub stored: u64,
    /// Features of other provinces left out (`only_province`).
    pub skipped: usize,
    /// Periods replaced (a boundary of the same record starting the same day).
    pub replaced: usize,
    /// Stored periods cut at the date (a later boundary of the same record).
    pub closed: usize,
}

/// One feature kept, before its unit is looked up.
struct Parsed {
    index: usize,
    code: String,
    outline: Outline,
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
    opts: &'a ImportOptions,
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
        let code = if self.opts.code_property.is_empty() {
            CODE_PROPERTIES
                .iter()
                .find_map(|k| text_of(props.and_then(|p| p.get(*k))))
        } else {
            text_of(props.and_then(|p| p.get(&self.opts.code_property)))
        };
        let Some(code) = code else {
            let wanted = if self.opts.code_property.is_empty() {
                CODE_PROPERTIES.join("”, “")
            } else {
                self.opts.code_property.clone()
            };
            self.errors.push(problem(
                index,
                format!("no property “{wanted}” (text or number)"),
            ));
            return;
        };
        let Some(geometry) = f.get("geometry").filter(|g| !g.is_null()) else {
            self.errors
                .push(problem(index, format!("{code}: no geometry")));
            return;
        };
        match outline_of(geometry) {
            Ok(outline) => self.out.push(Parsed {
                index,
                code,
                outline,
            }),
            Err(e) => self
                .errors
                .push(problem(index, format!("{code}: {} — {e}", e.vi()))),
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

/// The top-level object: `features` is read feature by feature, `crs` checked.
struct Collection<'a>(Features<'a>);

/// Refuses a `crs` member other than WGS84 longitude/latitude.
fn crs_error<E: serde::de::Error>(crs: &Value) -> Result<(), E> {
    check_crs(crs).map_err(|name| {
        E::custom(format!(
            "{CRS_MARK}the file's coordinate system is {name}; convert it to WGS84 longitude/latitude (EPSG:4326), e.g. ogr2ogr -t_srs EPSG:4326"
        ))
    })
}

const CRS_MARK: &str = "crs: ";

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
                ("crs", f) => {
                    features = f;
                    crs_error(&map.next_value::<Value>()?)?;
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

/// Imports boundaries valid from `opts.date` (administrators and the command line:
/// `ImportUnits`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn import_boundaries<R: Read + Send + 'static>(
    app: &App,
    actor: &Actor,
    reader: R,
    opts: ImportOptions,
) -> Result<BoundaryImport, AppError> {
    require(actor, Permission::ImportUnits, "/")?;
    let source = opts.source.trim().to_string();
    let code_property = opts.code_property.clone();
    let date = opts.date;
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
            Err(e) if e.to_string().starts_with(CRS_MARK) => {
                let m = e.to_string();
                let m = m.strip_prefix(CRS_MARK).unwrap_or(&m);
                let m = m.split(" at line ").next().unwrap_or(m);
                errors.push(FieldError::new("crs", m.to_string()));
            }
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
        let unit = match app.db.unit_on(&p.code, date).await? {
            Some(u) => u,
            None => {
                let versions: Vec<_> = app
                    .db
                    .unit_versions(&p.code)
                    .await?
                    .into_iter()
                    .map(|u| (u.valid_from, u.valid_to))
                    .collect();
                let why = date_problem(&versions, date).map_or_else(
                    || "no unit record valid on the date".to_string(),
                    |d| d.to_string(),
                );
                errors.push(problem(p.index, format!("{}: {why}", p.code)));
                continue;
            }
        };
        if rows.iter().any(|r| r.unit_id == unit.id) {
            errors.push(problem(
                p.index,
                format!("{}: a second boundary for this unit", p.code),
            ));
            continue;
        }
        let o = p.outline;
        rows.push(UnitBoundaryRecord {
            unit_id: unit.id,
            unit_code: unit.code,
            valid_from: date,
            valid_to: None,
            geojson: o.shape.to_geojson(),
            simplified: o.simplified.to_geojson(),
            min_lon: o.bbox.min_lon,
            min_lat: o.bbox.min_lat,
            max_lon: o.bbox.max_lon,
            max_lat: o.bbox.max_lat,
            label_lon: o.label[0],
            label_lat: o.label[1],
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
        return Err(AppError::invalid("file", "no boundary to import"));
    }
    // The periods already stored for these records decide where the new ones end.
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.unit_id).collect();
    let mut periods: std::collections::HashMap<uuid::Uuid, Vec<Period>> =
        std::collections::HashMap::new();
    for (id, from, to) in app.db.unit_boundary_periods(&ids).await? {
        periods.entry(id).or_default().push(Period { from, to });
    }
    let (mut replaced, mut closed) = (0usize, 0usize);
    let writes: Vec<BoundaryWrite> = rows
        .into_iter()
        .map(|mut record| {
            let plan = plan_period(
                periods.get(&record.unit_id).map_or(&[][..], Vec::as_slice),
                date,
            );
            record.valid_to = plan.period.to;
            replaced += usize::from(plan.replaces);
            closed += usize::from(plan.closes.is_some());
            BoundaryWrite {
                record,
                closes: plan.closes,
            }
        })
        .collect();
    let audit = actor.audit_entry(
        "boundaries.import",
        "unit_boundary_periods",
        serde_json::json!({
            "boundaries": writes.len(), "date": date.to_string(), "source": source,
            "licence": licence, "code_property": code_property, "replaced": replaced,
            "closed": closed, "first_units": first_units(&writes),
        }),
    );
    let stored = app.db.store_unit_boundaries(&writes, audit).await?;
    Ok(BoundaryImport {
        features,
        stored,
        skipped,
        replaced,
        closed,
    })
}

fn first_units(rows: &[BoundaryWrite]) -> Vec<&str> {
    rows.iter()
        .take(5)
        .map(|r| r.record.unit_code.as_str())
        .collect()
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
