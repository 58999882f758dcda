//! Collection `tourism-points`: the published rural tourism points (`docs/tourism.md`) with
//! their public facts — kind, name, commune, address, opening information, the narration in
//! both languages, whether the English narration exists, the sample flag, the day first
//! published — and their position. No contacts, no drafts.

use ntm_store::TourismFeatureRow;
use uuid::Uuid;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsQuery, PropKind, PropValue};
use super::{Words, p};
use crate::{App, AppError};

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "tourism-points",
    title: Words {
        vi: "Điểm du lịch nông thôn",
        en: "Rural tourism points",
    },
    description: Words {
        vi: "Các điểm du lịch nông thôn đã được xã công bố (homestay, làng nghề, di tích, du lịch sinh thái, điểm bán sản phẩm OCOP): tên, loại, xã, địa chỉ, giờ mở cửa, lời thuyết minh tiếng Việt và tiếng Anh, vị trí (WGS84). Dữ liệu mẫu được đánh dấu.",
        en: "Rural tourism points published by their communes (homestays, craft villages, relics, eco-tourism sites, OCOP sales points): name, kind, commune, address, opening hours, narration in Vietnamese and English, position (WGS84). Sample data is marked.",
    },
    temporal: Words {
        vi: "ngày công bố lần đầu",
        en: "the day first published",
    },
    geometry: "Point",
    properties: &[
        p("name", PropKind::String, false, "Tên điểm", "Name"),
        p(
            "kind",
            PropKind::String,
            false,
            "Loại điểm (mã)",
            "Kind (code)",
        ),
        p(
            "kind_vi",
            PropKind::String,
            false,
            "Loại điểm",
            "Kind (Vietnamese)",
        ),
        p(
            "kind_en",
            PropKind::String,
            false,
            "Loại điểm (tiếng Anh)",
            "Kind",
        ),
        p(
            "commune_code",
            PropKind::String,
            false,
            "Mã xã",
            "Commune code",
        ),
        p(
            "province_code",
            PropKind::String,
            false,
            "Mã tỉnh",
            "Province code",
        ),
        p("address", PropKind::String, true, "Địa chỉ", "Address"),
        p(
            "opening",
            PropKind::String,
            true,
            "Giờ mở cửa",
            "Opening hours",
        ),
        p(
            "narration_vi",
            PropKind::String,
            false,
            "Lời thuyết minh (tiếng Việt)",
            "Narration (Vietnamese)",
        ),
        p(
            "narration_en",
            PropKind::String,
            true,
            "Lời thuyết minh (tiếng Anh)",
            "Narration (English)",
        ),
        p(
            "sample",
            PropKind::Boolean,
            false,
            "Dữ liệu mẫu",
            "Sample data",
        ),
        p(
            "published_on",
            PropKind::Date,
            true,
            "Ngày công bố",
            "Published on",
        ),
    ],
};

fn text_or_null(s: String) -> PropValue {
    if s.trim().is_empty() {
        PropValue::Null
    } else {
        PropValue::Text(s)
    }
}

fn feature(r: TourismFeatureRow) -> Feature {
    let kind = ntm_domain::tourism::PointKind::parse(&r.kind);
    Feature {
        id: r.id.to_string(),
        geometry: Some(Geometry::Point([r.lon, r.lat])),
        properties: vec![
            PropValue::Text(r.name),
            PropValue::Text(r.kind.clone()),
            PropValue::Text(kind.map_or(r.kind.clone(), |k| k.name_vi().to_string())),
            PropValue::Text(kind.map_or(r.kind, |k| k.name_en().to_string())),
            PropValue::Text(r.unit_code),
            PropValue::Text(r.province_code),
            text_or_null(r.address),
            text_or_null(r.opening),
            PropValue::Text(r.narration_vi),
            text_or_null(r.narration_en),
            PropValue::Bool(r.sample),
            r.published_at.map(|t| t.date()).into(),
        ],
        page: Some(format!("/tourism/points/{}", r.id)),
    }
}

pub(super) async fn page(app: &App, q: &ItemsQuery) -> Result<FeaturePage, AppError> {
    let limit = q.limit as usize;
    let mut rows = app
        .db
        .tourism_point_features(&q.window(limit as u64 + 1))
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(FeaturePage {
        features: rows.into_iter().map(feature).collect(),
        next,
    })
}

pub(super) async fn one(app: &App, id: Uuid) -> Result<Option<Feature>, AppError> {
    Ok(app.db.tourism_point_feature(id).await?.map(feature))
}
