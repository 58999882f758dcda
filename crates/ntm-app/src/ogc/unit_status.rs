//! Collection `unit-status`: a unit's NTM result per criteria set and year, evaluated as the
//! dashboards do but on **verified values only** (`crate::criteria::evaluate_verified`), one
//! feature per (unit record, set, year) with at least one verified value. Drawn on the
//! record's boundary valid on the set's evaluation day of the year (the map copy), else at
//! its parent's or province's label point of that day (`crate::maps::parent_point`), as the
//! status map does: a commune merged in 2025 keeps its earlier record, and that record's
//! earlier boundary, for its earlier years.
//!
//! The feature id is the key `{unit record id}_{set id}_{year}`; pages follow that order.

use std::collections::{BTreeMap, HashMap};

use ntm_domain::criteria::demo::SAMPLE_NOTE;
use ntm_domain::units::Unit;
use ntm_store::{PeriodShape, UnitStatusKey, UnitStatusRow, UnitStatusWindow};
use time::{Date, Month};
use uuid::Uuid;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsParams, PropKind, PropValue};
use super::{Words, p};
use crate::criteria::{VerifiedResult, evaluate_verified};
use crate::maps::{Location, MapClass, parent_point};
use crate::{App, AppError};

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "unit-status",
    title: Words {
        vi: "Kết quả nông thôn mới của đơn vị hành chính",
        en: "New Countryside (NTM) results of administrative units",
    },
    description: Words {
        vi: "Kết quả của mỗi đơn vị theo bộ tiêu chí và năm, chỉ tính trên số liệu đã được xác minh (không dùng bản nháp): trạng thái, số tiêu chí đạt trên tổng số, mức tạm đạt và \"không phát hiện chỉ tiêu chưa đạt\" (chờ xác nhận ngưỡng, không phải đạt). Ranh giới là ranh giới của đơn vị có hiệu lực vào ngày đánh giá của năm (bản đơn giản hóa); đơn vị chưa có ranh giới được đặt tại điểm nhãn của đơn vị cấp trên. Dữ liệu mẫu được đánh dấu.",
        en: "Each unit's result per criteria set and year, on verified values only (never drafts): status, criteria met out of the total, the tentative level and \"no known shortfall\" (thresholds to confirm, never a pass). The geometry is the unit's boundary valid on the year's evaluation day (the simplified map copy); a unit without one is placed at its parent's label point. Sample data is marked.",
    },
    temporal: Words {
        vi: "năm đánh giá, trong thời gian đơn vị (bản ghi) còn hiệu lực: một ngày chọn cấu trúc đơn vị hành chính của ngày đó",
        en: "the year evaluated, within the unit record's validity: a day selects the administrative structure of that day",
    },
    geometry: "Polygon/MultiPolygon/Point",
    properties: &[
        p(
            "unit_code",
            PropKind::String,
            false,
            "Mã đơn vị",
            "Unit code",
        ),
        p(
            "unit_name",
            PropKind::String,
            false,
            "Tên đơn vị",
            "Unit name",
        ),
        p("level", PropKind::String, false, "Cấp", "Level"),
        p(
            "province_code",
            PropKind::String,
            false,
            "Mã tỉnh",
            "Province code",
        ),
        p(
            "parent_code",
            PropKind::String,
            true,
            "Mã đơn vị cấp trên",
            "Parent code",
        ),
        p(
            "set_id",
            PropKind::String,
            false,
            "Mã bộ tiêu chí",
            "Criteria set id",
        ),
        p(
            "set_title",
            PropKind::String,
            true,
            "Bộ tiêu chí",
            "Criteria set",
        ),
        p("year", PropKind::Integer, false, "Năm", "Year"),
        p(
            "evaluated_on",
            PropKind::Date,
            false,
            "Ngày đánh giá",
            "Evaluated on",
        ),
        p(
            "status",
            PropKind::String,
            true,
            "Trạng thái (ngưỡng đã xác nhận)",
            "Status (confirmed thresholds)",
        ),
        p(
            "class",
            PropKind::String,
            false,
            "Phân loại trên bản đồ",
            "Map class",
        ),
        p(
            "tentatively_met",
            PropKind::Boolean,
            true,
            "Tạm đạt",
            "Tentatively met",
        ),
        p(
            "no_known_shortfall",
            PropKind::Boolean,
            true,
            "Không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
            "No known shortfall (thresholds to confirm)",
        ),
        p(
            "criteria_met",
            PropKind::Integer,
            true,
            "Số tiêu chí đạt",
            "Criteria met",
        ),
        p(
            "criteria_met_tentative",
            PropKind::Integer,
            true,
            "Số tiêu chí tạm đạt",
            "Criteria tentatively met",
        ),
        p(
            "criteria_no_known_shortfall",
            PropKind::Integer,
            true,
            "Số tiêu chí không phát hiện chưa đạt",
            "Criteria with no known shortfall",
        ),
        p(
            "criteria_total",
            PropKind::Integer,
            true,
            "Tổng số tiêu chí",
            "Criteria in the set",
        ),
        p(
            "location",
            PropKind::String,
            false,
            "Vị trí (boundary: ranh giới; parent_point: điểm của đơn vị cấp trên; none)",
            "Location (boundary, parent_point or none)",
        ),
        p(
            "location_of",
            PropKind::String,
            true,
            "Mã đơn vị có điểm được dùng",
            "Code of the unit whose point is used",
        ),
        p(
            "boundary_from",
            PropKind::Date,
            true,
            "Ranh giới có hiệu lực từ",
            "Boundary valid from",
        ),
        p(
            "sample",
            PropKind::Boolean,
            false,
            "Dữ liệu mẫu",
            "Sample data",
        ),
    ],
};

/// `{unit record id}_{set id}_{year}`.
pub(super) fn key_text(k: &UnitStatusKey) -> String {
    format!("{}_{}_{}", k.unit_id, k.set_id, k.year)
}

pub(super) fn parse_key(text: &str) -> Option<UnitStatusKey> {
    let t = text.trim();
    let unit_id = Uuid::parse_str(t.get(..36)?).ok()?;
    let (set_id, year) = t.get(36..)?.strip_prefix('_')?.rsplit_once('_')?;
    if set_id.is_empty() {
        return None;
    }
    Some(UnitStatusKey {
        unit_id,
        set_id: set_id.to_string(),
        year: year.parse().ok()?,
    })
}

pub(super) async fn page(app: &App, params: &ItemsParams) -> Result<FeaturePage, AppError> {
    let (q, after) = params.check_with(parse_key)?;
    let limit = q.limit as usize;
    let w = UnitStatusWindow {
        bbox: q.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]),
        from: q.interval.start,
        to: q.interval.end,
        after,
        limit: limit as u64 + 1,
    };
    let mut rows = app.db.unit_status_features(&w, SAMPLE_NOTE).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|r| key_text(&r.key)))
        .flatten();
    let features = features(app, rows, w.bbox).await?;
    Ok(FeaturePage { features, next })
}

pub(super) async fn one(app: &App, feature_id: &str) -> Result<Option<Feature>, AppError> {
    let Some(key) = parse_key(feature_id) else {
        return Ok(None);
    };
    let Some(row) = app.db.unit_status_feature(&key, SAMPLE_NOTE).await? else {
        return Ok(None);
    };
    Ok(features(app, vec![row], None).await?.pop())
}

/// Where a feature is drawn.
enum Place<'a> {
    Shape(&'a PeriodShape),
    Point(Location),
}

fn on(shape: &PeriodShape, d: Date) -> bool {
    shape.valid_from <= d && shape.valid_to.is_none_or(|t| d < t)
}

fn dec31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX)
}

/// The features of `rows` (in their order); with `bbox`, only those whose geometry meets it.
async fn features(
    app: &App,
    rows: Vec<UnitStatusRow>,
    bbox: Option<[f64; 4]>,
) -> Result<Vec<Feature>, AppError> {
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.key.unit_id).collect();
    ids.sort();
    ids.dedup();
    let units: HashMap<Uuid, Unit> = app
        .db
        .units_by_ids(&ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    // Results, one evaluation per (set, year) of the page.
    let mut groups: BTreeMap<(&str, i32), Vec<Unit>> = BTreeMap::new();
    for r in &rows {
        if let Some(u) = units.get(&r.key.unit_id) {
            groups
                .entry((r.key.set_id.as_str(), r.key.year))
                .or_default()
                .push(u.clone());
        }
    }
    let mut results: HashMap<(Uuid, &str, i32), VerifiedResult> = HashMap::new();
    for ((set, year), us) in groups {
        for (id, v) in evaluate_verified(app, set, year, &us).await? {
            results.insert((id, set, year), v);
        }
    }
    // Boundaries of the records; label points of parents where a record has none that day.
    let mut shapes: HashMap<Uuid, Vec<PeriodShape>> = HashMap::new();
    for s in app.db.period_shapes_of_units(&ids).await? {
        shapes.entry(s.unit_id).or_default().push(s);
    }
    let date_of = |r: &UnitStatusRow| {
        results
            .get(&(r.key.unit_id, r.key.set_id.as_str(), r.key.year))
            .map_or(dec31(r.key.year), |v| v.evaluated_on)
    };
    let mut wanted: BTreeMap<Date, Vec<String>> = BTreeMap::new();
    for r in &rows {
        let d = date_of(r);
        let has = shapes
            .get(&r.key.unit_id)
            .is_some_and(|v| v.iter().any(|s| on(s, d)));
        if let (false, Some(u)) = (has, units.get(&r.key.unit_id)) {
            let codes = wanted.entry(d).or_default();
            codes.extend(u.parent_code.iter().cloned());
            codes.push(u.province_code.clone());
        }
    }
    let mut labels: HashMap<Date, HashMap<String, (f64, f64)>> = HashMap::new();
    for (d, mut codes) in wanted {
        codes.sort();
        codes.dedup();
        let found = app.db.label_points_on(&codes, d).await?;
        labels.insert(
            d,
            found
                .into_iter()
                .map(|(c, lon, lat)| (c, (lon, lat)))
                .collect(),
        );
    }
    let no_labels = HashMap::new();

    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(u) = units.get(&r.key.unit_id) else {
            continue;
        };
        let d = date_of(r);
        let res = results.get(&(r.key.unit_id, r.key.set_id.as_str(), r.key.year));
        let place = match shapes.get(&u.id).and_then(|v| v.iter().find(|s| on(s, d))) {
            Some(s) => Place::Shape(s),
            None => Place::Point(parent_point(
                u.parent_code.as_deref(),
                &u.province_code,
                labels.get(&d).unwrap_or(&no_labels),
            )),
        };
        if let Some(b) = bbox {
            let meets = match &place {
                Place::Shape(s) => {
                    s.max_lon >= b[0] && s.min_lon <= b[2] && s.max_lat >= b[1] && s.min_lat <= b[3]
                }
                Place::Point(Location::ParentPoint { lon, lat, .. }) => {
                    (b[0]..=b[2]).contains(lon) && (b[1]..=b[3]).contains(lat)
                }
                Place::Point(_) => false,
            };
            if !meets {
                continue;
            }
        }
        out.push(feature(r, u, res, d, &place));
    }
    Ok(out)
}

fn feature(
    r: &UnitStatusRow,
    u: &Unit,
    res: Option<&VerifiedResult>,
    date: Date,
    place: &Place<'_>,
) -> Feature {
    let result = res.and_then(|v| v.result.as_ref());
    // Evaluated (a known set): no result means the set does not apply to the unit.
    let class = MapClass::of(result, res.is_some());
    let int = |n: Option<u16>| n.map_or(PropValue::Null, |n| PropValue::Int(n.into()));
    let (geometry, location, location_of, boundary_from) = match place {
        Place::Shape(s) => (
            Some(Geometry::Stored(s.geometry.clone())),
            "boundary",
            None,
            Some(s.valid_from),
        ),
        Place::Point(Location::ParentPoint { of, lon, lat }) => (
            Some(Geometry::Point([*lon, *lat])),
            "parent_point",
            Some(of.clone()),
            None,
        ),
        Place::Point(_) => (None, "none", None, None),
    };
    Feature {
        id: key_text(&r.key),
        geometry,
        page: None,
        properties: vec![
            PropValue::Text(u.code.clone()),
            PropValue::Text(u.name.clone()),
            PropValue::Text(u.level.as_str().to_string()),
            PropValue::Text(u.province_code.clone()),
            u.parent_code.clone().into(),
            PropValue::Text(r.key.set_id.clone()),
            res.map(|v| v.set_title_vi.clone()).into(),
            PropValue::Int(r.key.year.into()),
            PropValue::Date(date),
            result.map(|x| x.status.as_str().to_string()).into(),
            PropValue::Text(class.as_str().to_string()),
            res.filter(|_| result.is_some())
                .map_or(PropValue::Null, |v| PropValue::Bool(v.tentatively_met)),
            result.map_or(PropValue::Null, |x| PropValue::Bool(x.no_known_shortfall)),
            int(result.map(|x| x.criteria_met)),
            int(result.map(|x| x.criteria_met_tentative)),
            int(result.map(|x| x.criteria_no_known_shortfall)),
            res.map_or(PropValue::Null, |v| PropValue::Int(v.criteria_total as i64)),
            PropValue::Text(location.to_string()),
            location_of.into(),
            boundary_from.into(),
            PropValue::Bool(r.sample),
        ],
    }
}
