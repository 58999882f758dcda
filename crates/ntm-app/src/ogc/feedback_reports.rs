//! Collection `feedback-reports`: citizens' feedback that an officer accepted (accepted, in
//! progress, resolved), with the public fields only: tracking code, category, status,
//! received and closed days, province and commune codes, the public answer (shortened). Never
//! the report's text, the contact, photos; never a report not yet reviewed, transferred,
//! rejected or merged into another.
//!
//! **Location, coarsened.** A pin is published rounded to 0.01° (about 1.1 km): a citizen's
//! pin is often their home or work place, and a layer of every pin with its category would
//! point at them; a kilometre still shows where problems gather in a commune. A report
//! without a pin sits at its commune's label point on the day received. The tracking page
//! (`/feedback/t/{code}`, with the code only) is linked from each feature.

use std::collections::{BTreeMap, HashMap};

use ntm_domain::feedback::normalize_tracking_code;
use ntm_store::FeedbackFeatureRow;
use time::Date;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsParams, PropKind, PropValue};
use super::{Words, p};
use crate::{App, AppError};

/// Degrees a published pin is rounded to.
pub const PIN_GRID: f64 = 0.01;
/// Characters of the public answer kept.
const ANSWER_CHARS: usize = 280;

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "feedback-reports",
    title: Words {
        vi: "Phản ánh, kiến nghị của người dân",
        en: "Citizens' feedback reports",
    },
    description: Words {
        vi: "Phản ánh đã được cán bộ tiếp nhận (đã tiếp nhận, đang xử lý, đã giải quyết): mã theo dõi, lĩnh vực, trạng thái, ngày nhận, ngày kết thúc, mã xã, tóm tắt câu trả lời công khai. Không có nội dung phản ánh, thông tin liên hệ hay ảnh; không có phản ánh chưa xem xét, bị từ chối hoặc trùng. Vị trí được làm tròn 0,01° (khoảng 1,1 km) để không chỉ ra nhà người gửi; phản ánh không có ghim được đặt tại điểm nhãn của xã.",
        en: "Reports an officer accepted (accepted, in progress, resolved): tracking code, category, status, days received and closed, commune code, the public answer shortened. Never the report's text, contact or photos; never reports not yet reviewed, rejected or merged as duplicates. Pins are rounded to 0.01° (about 1.1 km) so they do not point at the sender's home; a report without a pin sits at its commune's label point.",
    },
    temporal: Words {
        vi: "ngày nhận phản ánh (giờ Việt Nam)",
        en: "the day the report was received (Vietnam time)",
    },
    geometry: "Point",
    properties: &[
        p(
            "tracking_code",
            PropKind::String,
            false,
            "Mã theo dõi",
            "Tracking code",
        ),
        p(
            "category_code",
            PropKind::String,
            false,
            "Mã lĩnh vực",
            "Category code",
        ),
        p("category", PropKind::String, true, "Lĩnh vực", "Category"),
        p("status", PropKind::String, false, "Trạng thái", "Status"),
        p(
            "received_on",
            PropKind::Date,
            false,
            "Ngày nhận",
            "Received on",
        ),
        p(
            "closed_on",
            PropKind::Date,
            true,
            "Ngày kết thúc",
            "Closed on",
        ),
        p(
            "province_code",
            PropKind::String,
            false,
            "Mã tỉnh",
            "Province code",
        ),
        p(
            "commune_code",
            PropKind::String,
            true,
            "Mã xã",
            "Commune code",
        ),
        p(
            "answer",
            PropKind::String,
            true,
            "Trả lời công khai (tóm tắt)",
            "Public answer (shortened)",
        ),
        p(
            "location",
            PropKind::String,
            false,
            "Vị trí (pin_rounded: ghim làm tròn 0,01°; commune_point: điểm của xã; none)",
            "Location (pin_rounded: pin rounded to 0.01°; commune_point; none)",
        ),
    ],
};

pub(super) async fn page(app: &App, params: &ItemsParams) -> Result<FeaturePage, AppError> {
    let (q, after) = params.check_with(normalize_tracking_code)?;
    let limit = q.limit as usize;
    let mut rows = app
        .db
        .feedback_features(&q.window(limit as u64 + 1), after.as_deref())
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|r| r.tracking_code.clone()))
        .flatten();
    let bbox = q.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]);
    Ok(FeaturePage {
        features: features(app, rows, bbox).await?,
        next,
    })
}

pub(super) async fn one(app: &App, feature_id: &str) -> Result<Option<Feature>, AppError> {
    let Some(code) = normalize_tracking_code(feature_id) else {
        return Ok(None);
    };
    let Some(row) = app.db.feedback_feature(&code).await? else {
        return Ok(None);
    };
    Ok(features(app, vec![row], None).await?.pop())
}

fn round(x: f64) -> f64 {
    ((x / PIN_GRID).round() * PIN_GRID * 1e6).round() / 1e6
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(ANSWER_CHARS) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

async fn features(
    app: &App,
    rows: Vec<FeedbackFeatureRow>,
    bbox: Option<[f64; 4]>,
) -> Result<Vec<Feature>, AppError> {
    // Label points of the communes of reports without a pin, on the day each was received.
    let mut wanted: BTreeMap<Date, Vec<String>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.lat.is_none() || r.lon.is_none()) {
        if let Some(c) = &r.location_code {
            wanted.entry(r.received_on).or_default().push(c.clone());
        }
    }
    let mut labels: HashMap<(Date, String), [f64; 2]> = HashMap::new();
    for (d, mut codes) in wanted {
        codes.sort();
        codes.dedup();
        for (c, lon, lat) in app.db.label_points_on(&codes, d).await? {
            let r6 = |x: f64| (x * 1e6).round() / 1e6;
            labels.insert((d, c), [r6(lon), r6(lat)]);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (point, location) = match (r.lon, r.lat) {
            (Some(lon), Some(lat)) => (Some([round(lon), round(lat)]), "pin_rounded"),
            _ => match r
                .location_code
                .as_ref()
                .and_then(|c| labels.get(&(r.received_on, c.clone())))
            {
                Some(p) => (Some(*p), "commune_point"),
                None => (None, "none"),
            },
        };
        if let Some(b) = bbox {
            let inside = point
                .is_some_and(|[x, y]| (b[0]..=b[2]).contains(&x) && (b[1]..=b[3]).contains(&y));
            if !inside {
                continue;
            }
        }
        out.push(Feature {
            id: r.tracking_code.clone(),
            geometry: point.map(Geometry::Point),
            page: Some(format!("/feedback/t/{}", r.tracking_code)),
            properties: vec![
                PropValue::Text(r.tracking_code),
                PropValue::Text(r.category_code),
                r.category_vi.into(),
                PropValue::Text(r.status),
                PropValue::Date(r.received_on),
                r.closed_on.into(),
                PropValue::Text(r.province_code),
                r.location_code.into(),
                r.answer
                    .as_deref()
                    .filter(|a| !a.trim().is_empty())
                    .map(shorten)
                    .into(),
                PropValue::Text(location.to_string()),
            ],
        });
    }
    Ok(out)
}
