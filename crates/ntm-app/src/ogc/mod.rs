//! The OGC API – Features collections (`docs/open-data.md`): a small registry, one file per
//! collection. Each collection describes itself ([`CollectionInfo`]: titles, the properties
//! with their types, the geometry) and answers a page of features after a key, or one
//! feature. Only public data: rated OCOP products, raw-material areas, verified NTM results,
//! published tourism points, accepted feedback reports, plan progress on published data.
//! The open-data downloads (CSV, XLSX, GeoJSON) read the same pages, so the API and the files
//! agree. A new collection (tourism points, feedback reports): a file here, a variant of
//! [`CollectionId`] and its arms below.

mod areas;
mod feedback_reports;
mod ocop_products;
mod plan_progress;
mod tourism_points;
mod unit_status;

use ntm_domain::area::Bbox;
use ntm_domain::ogc::{Interval, parse_bbox, parse_datetime, parse_limit};
use time::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError};

/// The collections, in the order `/collections` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionId {
    OcopProducts,
    Areas,
    UnitStatus,
    TourismPoints,
    FeedbackReports,
    PlanProgress,
}

impl CollectionId {
    pub const ALL: [CollectionId; 6] = [
        CollectionId::OcopProducts,
        CollectionId::Areas,
        CollectionId::UnitStatus,
        CollectionId::TourismPoints,
        CollectionId::FeedbackReports,
        CollectionId::PlanProgress,
    ];

    pub fn parse(id: &str) -> Option<CollectionId> {
        CollectionId::ALL.into_iter().find(|c| c.info().id == id)
    }

    pub fn info(self) -> &'static CollectionInfo {
        match self {
            CollectionId::OcopProducts => &ocop_products::INFO,
            CollectionId::Areas => &areas::INFO,
            CollectionId::UnitStatus => &unit_status::INFO,
            CollectionId::TourismPoints => &tourism_points::INFO,
            CollectionId::FeedbackReports => &feedback_reports::INFO,
            CollectionId::PlanProgress => &plan_progress::INFO,
        }
    }
}

/// Vietnamese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    pub vi: &'static str,
    pub en: &'static str,
}

/// The type of a property (JSON Schema / Frictionless Table Schema names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropKind {
    String,
    Integer,
    Number,
    Boolean,
    /// A day, `YYYY-MM-DD`.
    Date,
}

impl PropKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PropKind::String => "string",
            PropKind::Integer => "integer",
            PropKind::Number => "number",
            PropKind::Boolean => "boolean",
            PropKind::Date => "date",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyDef {
    pub name: &'static str,
    pub kind: PropKind,
    /// May be empty (null).
    pub nullable: bool,
    pub title: Words,
}

/// What a collection is.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionInfo {
    /// The path segment: `/collections/{id}`.
    pub id: &'static str,
    pub title: Words,
    pub description: Words,
    /// What `datetime` filters on.
    pub temporal: Words,
    /// GeoJSON geometry type of its features (some may have none).
    pub geometry: &'static str,
    /// The properties of every feature, in this order.
    pub properties: &'static [PropertyDef],
}

/// A property's value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Date(Date),
    Null,
}

impl From<Option<String>> for PropValue {
    fn from(v: Option<String>) -> PropValue {
        v.map_or(PropValue::Null, PropValue::Text)
    }
}

impl From<Option<Date>> for PropValue {
    fn from(v: Option<Date>) -> PropValue {
        v.map_or(PropValue::Null, PropValue::Date)
    }
}

impl From<Option<i32>> for PropValue {
    fn from(v: Option<i32>) -> PropValue {
        v.map_or(PropValue::Null, |n| PropValue::Int(n.into()))
    }
}

/// A feature's geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// (longitude, latitude), CRS84.
    Point([f64; 2]),
    /// A stored, checked GeoJSON geometry (text).
    Stored(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub geometry: Option<Geometry>,
    /// In the order of [`CollectionInfo::properties`].
    pub properties: Vec<PropValue>,
    /// The public page of the item, when it has one (a path).
    pub page: Option<String>,
}

/// The query of an items page, as the client sent it (checked here).
#[derive(Debug, Clone, Default)]
pub struct ItemsParams {
    pub bbox: Option<String>,
    pub datetime: Option<String>,
    pub limit: Option<String>,
    /// The key after which the page starts (from the previous page's `next`).
    pub after: Option<String>,
}

/// The checked query.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ItemsQuery {
    pub bbox: Option<Bbox>,
    pub interval: Interval,
    pub limit: u32,
    pub after: Option<Uuid>,
}

impl ItemsQuery {
    pub(crate) fn window(&self, limit: u64) -> ntm_store::FeatureWindow {
        ntm_store::FeatureWindow {
            bbox: self
                .bbox
                .map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]),
            from: self.interval.start,
            to: self.interval.end,
            after: self.after,
            limit,
        }
    }
}

impl ItemsParams {
    /// Checks every parameter; each problem names its parameter (the API answers 400).
    pub fn check(&self) -> Result<ItemsQuery, AppError> {
        let (mut q, after) = self.check_with(|a| Uuid::parse_str(a).ok())?;
        q.after = after;
        Ok(q)
    }

    /// [`ItemsParams::check`] for a collection whose key is not a UUID: `key` reads `after`.
    pub(crate) fn check_with<K>(
        &self,
        key: impl Fn(&str) -> Option<K>,
    ) -> Result<(ItemsQuery, Option<K>), AppError> {
        let mut after = None;
        let mut errors = Vec::new();
        let mut q = ItemsQuery {
            limit: ntm_domain::ogc::DEFAULT_LIMIT,
            ..ItemsQuery::default()
        };
        match parse_limit(self.limit.as_deref()) {
            Ok(l) => q.limit = l,
            Err(e) => errors.push(crate::FieldError::new("limit", e.to_string())),
        }
        if let Some(b) = &self.bbox {
            match parse_bbox(b) {
                Ok(b) => q.bbox = Some(b),
                Err(e) => errors.push(crate::FieldError::new("bbox", e.to_string())),
            }
        }
        if let Some(d) = &self.datetime {
            match parse_datetime(d) {
                Ok(i) => q.interval = i,
                Err(e) => errors.push(crate::FieldError::new("datetime", e.to_string())),
            }
        }
        if let Some(a) = self.after.as_deref().map(str::trim) {
            match key(a) {
                Some(k) => after = Some(k),
                None => errors.push(crate::FieldError::new(
                    "after",
                    format!("after {a:?} is not a key this server gave (use the next link)"),
                )),
            }
        }
        if errors.is_empty() {
            Ok((q, after))
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// A page of features.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePage {
    pub features: Vec<Feature>,
    /// The key of the following page; `None` on the last.
    pub next: Option<String>,
}

fn lookup(id: &str) -> Result<CollectionId, AppError> {
    CollectionId::parse(id).ok_or_else(|| {
        let known: Vec<&str> = CollectionId::ALL.iter().map(|c| c.info().id).collect();
        AppError::NotFound(format!(
            "no collection {id:?}; the collections are {}",
            known.join(", ")
        ))
    })
}

/// The collections (public).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub fn collections(actor: &Actor) -> Vec<&'static CollectionInfo> {
    CollectionId::ALL.iter().map(|c| c.info()).collect()
}

/// One collection (public); `NotFound` naming the known ones.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), collection = id))]
pub fn collection(actor: &Actor, id: &str) -> Result<&'static CollectionInfo, AppError> {
    lookup(id).map(CollectionId::info)
}

/// A property of a collection's schema: name, kind, nullable, titles (vi, en); one helper
/// for every collection file.
const fn p(
    name: &'static str,
    kind: PropKind,
    nullable: bool,
    vi: &'static str,
    en: &'static str,
) -> PropertyDef {
    PropertyDef {
        name,
        kind,
        nullable,
        title: Words { vi, en },
    }
}

/// A page of a collection's features (public data, anyone may read it).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), collection = id))]
pub async fn items(
    app: &App,
    actor: &Actor,
    id: &str,
    params: &ItemsParams,
) -> Result<FeaturePage, AppError> {
    let c = lookup(id)?;
    // Collections keyed by something else than a UUID read `after` themselves.
    match c {
        CollectionId::UnitStatus => return unit_status::page(app, params).await,
        CollectionId::FeedbackReports => return feedback_reports::page(app, params).await,
        CollectionId::PlanProgress => return plan_progress::page(app, params).await,
        _ => {}
    }
    let q = params.check()?;
    match c {
        CollectionId::OcopProducts => ocop_products::page(app, &q).await,
        CollectionId::Areas => areas::page(app, &q).await,
        CollectionId::TourismPoints => tourism_points::page(app, &q).await,
        CollectionId::UnitStatus | CollectionId::FeedbackReports | CollectionId::PlanProgress => {
            unreachable!("read above")
        }
    }
}

/// One feature; `NotFound` for an unknown id or one that is not public.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), collection = id))]
pub async fn item(
    app: &App,
    actor: &Actor,
    id: &str,
    feature_id: &str,
) -> Result<Feature, AppError> {
    let c = lookup(id)?;
    let missing = || AppError::NotFound(format!("no feature {feature_id:?} in {id}"));
    match c {
        CollectionId::UnitStatus => {
            return unit_status::one(app, feature_id).await?.ok_or_else(missing);
        }
        CollectionId::FeedbackReports => {
            return feedback_reports::one(app, feature_id)
                .await?
                .ok_or_else(missing);
        }
        CollectionId::PlanProgress => {
            return plan_progress::one(app, feature_id)
                .await?
                .ok_or_else(missing);
        }
        _ => {}
    }
    let fid = Uuid::parse_str(feature_id.trim()).map_err(|_| missing())?;
    let f = match c {
        CollectionId::OcopProducts => ocop_products::one(app, fid).await?,
        CollectionId::Areas => areas::one(app, fid).await?,
        CollectionId::TourismPoints => tourism_points::one(app, fid).await?,
        CollectionId::UnitStatus | CollectionId::FeedbackReports | CollectionId::PlanProgress => {
            None
        }
    };
    f.ok_or_else(missing)
}
