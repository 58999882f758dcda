//! Collection `plan-progress`: the targets of the loaded plans (shipped in `data/plans/` and
//! the deployment's `--plans-dir`), one feature per (plan, target, year, unit): the target,
//! its actual over the units under that unit, met or not, the status of the year — computed
//! on **published data only** (`crate::plans::target_figures`: verified values, the portal's
//! public records; entered plan measures and feedback figures are not published and stay
//! missing). The units are the plan's province, its districts and communes valid on 31
//! December of the year (30 June for a province closed during it), down to the target's
//! finest level. Drawn as `unit-status` draws a unit: its boundary of that day, else its
//! parent's or province's label point.
//!
//! The feature id is the key `{plan}~{target}~{year}~{unit code}`; pages follow that order
//! (plans by id, targets by code, years, units by code), a page starting after the key of
//! the previous page's last feature. The features are not rows: a page reads the units of the
//! plans and years it covers and the figures of its targets, whatever its depth.

use std::collections::{BTreeMap, HashMap};

use ntm_domain::plans::{Plan, Target};
use ntm_domain::units::Unit;
use ntm_store::PeriodShape;
use time::{Date, Month};
use uuid::Uuid;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsParams, ItemsQuery};
use super::{PropKind, PropValue, Words, p};
use crate::maps::{Location, parent_point};
use crate::plans::{PlanSource, PlanUnits, TargetFigures};
use crate::{App, AppError};

use PropKind::{Boolean as B, Date as D, Integer as I, Number as N, String as S};

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "plan-progress",
    title: Words {
        vi: "Tiến độ thực hiện kế hoạch",
        en: "Progress of the plans",
    },
    description: Words {
        vi: "Mỗi chỉ tiêu của các kế hoạch (văn bản được trích dẫn) theo năm và theo đơn vị: chỉ tiêu, kết quả thực hiện trên các đơn vị trực thuộc, đạt hay chưa, tình trạng của năm. Chỉ tính trên dữ liệu được công bố: chỉ tiêu theo bộ tiêu chí dùng số liệu đã được xác minh (không dùng bản nháp); chỉ tiêu tính từ trang thông tin của xã dùng tin bài đã đăng và buổi phát thanh đã phát. Số liệu kế hoạch do cán bộ nhập (chưa có bước xác minh) và số liệu phản ánh kiến nghị không được công bố: kết quả để trống. Không có số liệu thì kết quả để trống, không phải 0. Dữ liệu mẫu được đánh dấu.",
        en: "Each target of the plans (the documents cited) per year and per unit: the target, the actual over the units under the unit, met or not, the year's status. Published data only: targets on a criteria set read verified values (never drafts); targets computed from the commune portal read published posts and broadcasts held. Plan measures typed by officers (no verification step yet) and feedback figures are not published: the actual is empty. No data gives an empty actual, never 0. Sample data is marked.",
    },
    temporal: Words {
        vi: "năm của số liệu, trong thời gian đơn vị (bản ghi) còn hiệu lực",
        en: "the year of the figures, within the unit record's validity",
    },
    geometry: "Polygon/MultiPolygon/Point",
    properties: &[
        p("plan_id", S, false, "Mã kế hoạch", "Plan id"),
        p("plan_name", S, false, "Tên kế hoạch", "Plan title"),
        p("plan_document", S, false, "Văn bản", "Document"),
        p(
            "plan_document_note",
            S,
            true,
            "Ghi chú về văn bản",
            "Note on the document",
        ),
        p("plan_file", S, false, "Tệp kế hoạch", "Plan file"),
        p(
            "plan_origin",
            S,
            false,
            "Nguồn tệp (shipped: kèm phần mềm; deployment: của đơn vị triển khai)",
            "Origin of the file (shipped with the software, or the deployment's)",
        ),
        p("target_code", S, false, "Mã chỉ tiêu", "Target code"),
        p("target_text", S, false, "Chỉ tiêu", "Target"),
        p(
            "target_cite",
            S,
            true,
            "Mục trong văn bản",
            "Section of the document",
        ),
        p("target_note", S, true, "Ghi chú", "Note"),
        p("metric_kind", S, false, "Loại chỉ số", "Metric kind"),
        p("metric", S, false, "Chỉ số", "Metric"),
        p("levels", S, false, "Cấp tính", "Levels"),
        p("op", S, false, "Phép so sánh", "Comparison"),
        p("target_value", N, false, "Giá trị chỉ tiêu", "Target value"),
        p("percent", B, false, "Là tỷ lệ %", "Is a percentage"),
        p("due", I, false, "Năm phải đạt", "Due year"),
        p("year", I, false, "Năm", "Year"),
        p("as_of", D, false, "Ngày đánh giá", "Judged on"),
        p("unit_code", S, false, "Mã đơn vị", "Unit code"),
        p("unit_name", S, false, "Tên đơn vị", "Unit name"),
        p("unit_level", S, false, "Cấp", "Level"),
        p("province_code", S, false, "Mã tỉnh", "Province code"),
        p("parent_code", S, true, "Mã đơn vị cấp trên", "Parent code"),
        p("actual", N, true, "Kết quả thực hiện", "Actual"),
        p(
            "actual_basis",
            S,
            false,
            "Cơ sở của kết quả (verified_values, public_records, not_published)",
            "Basis of the actual (verified_values, public_records, not_published)",
        ),
        p("units", I, false, "Số đơn vị được tính", "Units counted"),
        p(
            "units_with_data",
            I,
            true,
            "Số đơn vị có số liệu được công bố",
            "Units with published data",
        ),
        p("met", B, true, "Đạt chỉ tiêu", "Target met"),
        p(
            "status",
            S,
            false,
            "Tình trạng (met, on_track, at_risk, off_track, no_data)",
            "Status (met, on_track, at_risk, off_track, no_data)",
        ),
        p(
            "tentative",
            N,
            true,
            "Kết quả tạm tính (ngưỡng chờ xác nhận)",
            "Actual on thresholds to confirm",
        ),
        p(
            "no_known_shortfall",
            N,
            true,
            "Kết quả không phát hiện chỉ tiêu chưa đạt",
            "Actual with no known shortfall",
        ),
        p(
            "location",
            S,
            false,
            "Vị trí (boundary: ranh giới; parent_point: điểm của đơn vị cấp trên; none)",
            "Location (boundary, parent_point or none)",
        ),
        p(
            "location_of",
            S,
            true,
            "Mã đơn vị có điểm được dùng",
            "Code of the unit whose point is used",
        ),
        p(
            "boundary_from",
            D,
            true,
            "Ranh giới có hiệu lực từ",
            "Boundary valid from",
        ),
        p("sample", B, false, "Dữ liệu mẫu", "Sample data"),
    ],
};

/// The key of a feature, in paging order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key {
    plan: String,
    target: String,
    year: i32,
    unit: String,
}

fn key_text(k: &Key) -> String {
    format!("{}~{}~{}~{}", k.plan, k.target, k.year, k.unit)
}

/// Plan ids have no `~`; the unit code and the year are the last two parts; the target's
/// code is what lies between.
fn parse_key(text: &str) -> Option<Key> {
    let (plan, rest) = text.trim().split_once('~')?;
    let (rest, unit) = rest.rsplit_once('~')?;
    let (target, year) = rest.rsplit_once('~')?;
    if plan.is_empty() || target.is_empty() || unit.is_empty() {
        return None;
    }
    Some(Key {
        plan: plan.to_string(),
        target: target.to_string(),
        year: year.parse().ok()?,
        unit: unit.to_string(),
    })
}

/// One feature to build: indices into the page's plan units.
struct Candidate<'p> {
    plan: &'p Plan,
    source: &'p PlanSource,
    target: &'p Target,
    year: i32,
    /// Index into the page's [`PlanUnits`] list, then into its units.
    units: usize,
    unit: usize,
}

/// The units of each (plan, year) a page touches, read once.
#[derive(Default)]
struct UnitsCache {
    index: HashMap<(String, i32), Option<usize>>,
    lists: Vec<PlanUnits>,
}

impl UnitsCache {
    async fn get(&mut self, app: &App, plan: &Plan, year: i32) -> Result<Option<usize>, AppError> {
        let k = (plan.id.clone(), year);
        if let Some(i) = self.index.get(&k) {
            return Ok(*i);
        }
        let i = match crate::plans::plan_units(app, plan, year).await? {
            Some(pu) => {
                self.lists.push(pu);
                Some(self.lists.len() - 1)
            }
            None => None,
        };
        self.index.insert(k, i);
        Ok(i)
    }
}

fn jan1(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
}

fn dec31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX)
}

/// The feature's days: its year within the unit record's validity (`None`: they do not meet).
fn days_of(u: &Unit, year: i32) -> Option<(Date, Date)> {
    let from = u.valid_from.map_or(jan1(year), |f| f.max(jan1(year)));
    let to = u
        .valid_to
        .and_then(|t| t.previous_day())
        .map_or(dec31(year), |t| t.min(dec31(year)));
    (from <= to).then_some((from, to))
}

/// The years of a plan that have figures: its years up to this one.
fn years(plan: &Plan, this_year: i32) -> impl Iterator<Item = i32> {
    plan.years().filter(move |y| *y <= this_year)
}

pub(super) async fn page(app: &App, params: &ItemsParams) -> Result<FeaturePage, AppError> {
    let (q, after) = params.check_with(parse_key)?;
    let limit = q.limit as usize;
    let this_year = crate::today().year();
    let shipped = crate::plans::shipped();
    let mut plans: Vec<(&Plan, &PlanSource)> = shipped.plans.iter().zip(&shipped.sources).collect();
    plans.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut cache = UnitsCache::default();
    let mut found: Vec<Candidate> = Vec::new();
    let before = |plan: &str, target: &str, year: Option<i32>| {
        after.as_ref().is_some_and(|a| {
            let head = (plan, target);
            let ah = (a.plan.as_str(), a.target.as_str());
            head < ah || (head == ah && year.is_some_and(|y| y < a.year))
        })
    };
    'plans: for (plan, source) in plans {
        if after
            .as_ref()
            .is_some_and(|a| plan.id.as_str() < a.plan.as_str())
        {
            continue;
        }
        let mut targets: Vec<&Target> = plan.targets.iter().collect();
        targets.sort_by(|a, b| a.code.cmp(&b.code));
        for t in targets {
            if before(&plan.id, &t.code, None) {
                continue;
            }
            for year in years(plan, this_year) {
                if before(&plan.id, &t.code, Some(year))
                    || !q.interval.meets(jan1(year), dec31(year))
                {
                    continue;
                }
                let Some(ui) = cache.get(app, plan, year).await? else {
                    continue;
                };
                let levels = t.metric.levels();
                for (i, u) in cache.lists[ui].units.iter().enumerate() {
                    if ntm_domain::plans::scope_levels(&levels, u.level).is_empty() {
                        continue;
                    }
                    if let Some(a) = &after {
                        let k = Key {
                            plan: plan.id.clone(),
                            target: t.code.clone(),
                            year,
                            unit: u.code.clone(),
                        };
                        if k <= *a {
                            continue;
                        }
                    }
                    if !days_of(u, year).is_some_and(|(f, l)| q.interval.meets(f, l)) {
                        continue;
                    }
                    found.push(Candidate {
                        plan,
                        source,
                        target: t,
                        year,
                        units: ui,
                        unit: i,
                    });
                    if found.len() > limit {
                        break 'plans;
                    }
                }
            }
        }
    }
    let more = found.len() > limit;
    found.truncate(limit);
    let next = more
        .then(|| found.last().map(|c| key_text(&key_of(c, &cache))))
        .flatten();
    let features = features(app, &found, &cache, &q).await?;
    Ok(FeaturePage { features, next })
}

fn key_of(c: &Candidate<'_>, cache: &UnitsCache) -> Key {
    Key {
        plan: c.plan.id.clone(),
        target: c.target.code.clone(),
        year: c.year,
        unit: cache.lists[c.units].units[c.unit].code.clone(),
    }
}

pub(super) async fn one(app: &App, feature_id: &str) -> Result<Option<Feature>, AppError> {
    let Some(k) = parse_key(feature_id) else {
        return Ok(None);
    };
    let Some((plan, source)) = crate::plans::plan_with_source(&k.plan) else {
        return Ok(None);
    };
    let Some(target) = plan.target(&k.target) else {
        return Ok(None);
    };
    if !years(plan, crate::today().year()).any(|y| y == k.year) {
        return Ok(None);
    }
    let mut cache = UnitsCache::default();
    let Some(ui) = cache.get(app, plan, k.year).await? else {
        return Ok(None);
    };
    let levels = target.metric.levels();
    let Some(i) = cache.lists[ui].units.iter().position(|u| {
        u.code == k.unit && !ntm_domain::plans::scope_levels(&levels, u.level).is_empty()
    }) else {
        return Ok(None);
    };
    let c = Candidate {
        plan,
        source,
        target,
        year: k.year,
        units: ui,
        unit: i,
    };
    Ok(features(app, &[c], &cache, &ItemsQuery::default())
        .await?
        .pop())
}

/// Where a feature is drawn.
enum Place<'a> {
    Shape(&'a PeriodShape),
    Point(Location),
}

fn on(shape: &PeriodShape, d: Date) -> bool {
    shape.valid_from <= d && shape.valid_to.is_none_or(|t| d < t)
}

/// The features of `found` (in their order); with a `bbox`, only those whose geometry meets it.
async fn features(
    app: &App,
    found: &[Candidate<'_>],
    cache: &UnitsCache,
    q: &ItemsQuery,
) -> Result<Vec<Feature>, AppError> {
    let unit = |c: &Candidate<'_>| &cache.lists[c.units].units[c.unit];
    let day = |c: &Candidate<'_>| cache.lists[c.units].day;
    // The figures of each (plan, target, year), read once for the province.
    let mut figures: HashMap<(&str, &str, i32), TargetFigures> = HashMap::new();
    for c in found {
        let k = (c.plan.id.as_str(), c.target.code.as_str(), c.year);
        if let std::collections::hash_map::Entry::Vacant(e) = figures.entry(k) {
            let pu = &cache.lists[c.units];
            e.insert(crate::plans::target_figures(app, c.target, c.year, pu).await?);
        }
    }
    // Boundaries of the units; label points of parents where a unit has none that day.
    let mut ids: Vec<Uuid> = found.iter().map(|c| unit(c).id).collect();
    ids.sort();
    ids.dedup();
    let mut shapes: HashMap<Uuid, Vec<PeriodShape>> = HashMap::new();
    for s in app.db.period_shapes_of_units(&ids).await? {
        shapes.entry(s.unit_id).or_default().push(s);
    }
    let mut wanted: BTreeMap<Date, Vec<String>> = BTreeMap::new();
    for c in found {
        let (u, d) = (unit(c), day(c));
        if !shapes
            .get(&u.id)
            .is_some_and(|v| v.iter().any(|s| on(s, d)))
        {
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

    let mut out = Vec::with_capacity(found.len());
    for c in found {
        let (u, d) = (unit(c), day(c));
        let place = match shapes.get(&u.id).and_then(|v| v.iter().find(|s| on(s, d))) {
            Some(s) => Place::Shape(s),
            // A province without a boundary that day has no label point either: `none`.
            None => Place::Point(parent_point(
                u.parent_code.as_deref(),
                &u.province_code,
                labels.get(&d).unwrap_or(&no_labels),
            )),
        };
        if let Some(b) = q.bbox {
            let meets = match &place {
                Place::Shape(s) => {
                    s.max_lon >= b.min_lon
                        && s.min_lon <= b.max_lon
                        && s.max_lat >= b.min_lat
                        && s.min_lat <= b.max_lat
                }
                Place::Point(Location::ParentPoint { lon, lat, .. }) => {
                    (b.min_lon..=b.max_lon).contains(lon) && (b.min_lat..=b.max_lat).contains(lat)
                }
                Place::Point(_) => false,
            };
            if !meets {
                continue;
            }
        }
        let k = (c.plan.id.as_str(), c.target.code.as_str(), c.year);
        let Some(fig) = figures
            .get(&k)
            .and_then(|f| crate::plans::scope_figure(f, c.target, u))
        else {
            continue;
        };
        out.push(feature(c, u, &fig, &place, &key_text(&key_of(c, cache))));
    }
    Ok(out)
}

fn feature(
    c: &Candidate<'_>,
    u: &Unit,
    fig: &crate::plans::ScopeFigure,
    place: &Place<'_>,
    id: &str,
) -> Feature {
    let (plan, t) = (c.plan, c.target);
    let (status, met) = crate::plans::judge(plan, t, c.year, fig.actual);
    let basis = ntm_domain::plans::actual_basis(&t.metric);
    let num = |v: Option<f64>| v.map_or(PropValue::Null, PropValue::Num);
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
    let levels: Vec<&str> = t.metric.levels().iter().map(|l| l.as_str()).collect();
    let text = |s: &str| PropValue::Text(s.to_string());
    Feature {
        id: id.to_string(),
        geometry,
        page: None,
        properties: vec![
            text(&plan.id),
            text(&plan.name),
            PropValue::Text(plan.citation()),
            plan.document_note.clone().into(),
            text(&c.source.file),
            text(if c.source.shipped {
                "shipped"
            } else {
                "deployment"
            }),
            text(&t.code),
            text(&t.text),
            t.cite.clone().into(),
            t.note.clone().into(),
            text(t.metric.kind_str()),
            PropValue::Text(crate::plans::metric_name(&t.metric)),
            PropValue::Text(levels.join(",")),
            text(t.op.as_str()),
            PropValue::Num(t.value),
            PropValue::Bool(t.metric.is_percent()),
            PropValue::Int(t.due.into()),
            PropValue::Int(c.year.into()),
            PropValue::Date(crate::plans::as_of_for(c.year)),
            text(&u.code),
            text(&u.name),
            text(u.level.as_str()),
            text(&u.province_code),
            u.parent_code.clone().into(),
            num(fig.actual),
            text(basis.as_str()),
            PropValue::Int(fig.units.into()),
            fig.with_data
                .map_or(PropValue::Null, |n| PropValue::Int(n.into())),
            met.map_or(PropValue::Null, PropValue::Bool),
            text(status.as_str()),
            num(fig.tentative),
            num(fig.no_known_shortfall),
            text(location),
            location_of.into(),
            boundary_from.into(),
            PropValue::Bool(fig.sample),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_order() {
        let k = Key {
            plan: "tra-vinh-2023".into(),
            target: "a~b.1".into(),
            year: 2023,
            unit: "29374".into(),
        };
        assert_eq!(key_text(&k), "tra-vinh-2023~a~b.1~2023~29374");
        assert_eq!(parse_key(&key_text(&k)), Some(k.clone()));
        for bad in [
            "",
            "x",
            "p~t~2023",
            "p~~2023~1",
            "p~t~year~1",
            "~t~2023~1",
            "p~t~2023~",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
        // Years compare as numbers, units as codes.
        let mut later = k.clone();
        later.year = 2024;
        later.unit = "1".into();
        assert!(k < later);
    }
}
