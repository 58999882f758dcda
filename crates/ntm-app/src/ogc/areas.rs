//! Collection `raw-material-areas`: every registered area's polygon and public facts (code,
//! crop, commune, sizes, whether it was checked inside the commune, sample flag); not its
//! owners' contacts.

use ntm_store::AreaFeatureRow;
use uuid::Uuid;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsQuery, PropKind, PropValue};
use super::{Words, p};
use crate::{App, AppError};

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "raw-material-areas",
    title: Words {
        vi: "Vùng trồng, vùng nguyên liệu",
        en: "Raw-material and growing areas",
    },
    description: Words {
        vi: "Các vùng trồng đã đăng ký: mã vùng, cây trồng, xã, diện tích khai báo và diện tích tính từ ranh giới, ranh giới vùng (WGS84). Dữ liệu mẫu được đánh dấu.",
        en: "Registered growing areas: area code, crop, commune, declared and computed size, the area's outline (WGS84). Sample data is marked.",
    },
    temporal: Words {
        vi: "ngày đăng ký vùng",
        en: "the day the area was registered",
    },
    geometry: "Polygon",
    properties: &[
        p("code", PropKind::String, false, "Mã vùng", "Area code"),
        p(
            "crop",
            PropKind::String,
            false,
            "Cây trồng, vật nuôi",
            "Crop or species",
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
        p(
            "declared_ha",
            PropKind::Number,
            false,
            "Diện tích khai báo (ha)",
            "Declared size (ha)",
        ),
        p(
            "computed_ha",
            PropKind::Number,
            false,
            "Diện tích tính từ ranh giới (ha)",
            "Size computed from the outline (ha)",
        ),
        p(
            "inside_commune_checked",
            PropKind::Boolean,
            false,
            "Đã kiểm tra nằm trong xã",
            "Checked to lie inside the commune",
        ),
        p(
            "sample",
            PropKind::Boolean,
            false,
            "Dữ liệu mẫu",
            "Sample data",
        ),
        p(
            "registered_on",
            PropKind::Date,
            false,
            "Ngày đăng ký",
            "Registered on",
        ),
        p(
            "updated_on",
            PropKind::Date,
            false,
            "Ngày cập nhật",
            "Updated on",
        ),
    ],
};

fn feature(r: AreaFeatureRow) -> Feature {
    Feature {
        id: r.id.to_string(),
        geometry: Some(Geometry::Stored(r.geojson)),
        properties: vec![
            PropValue::Text(r.code),
            PropValue::Text(r.crop),
            PropValue::Text(r.unit_code),
            PropValue::Text(r.province_code),
            PropValue::Num(r.hectares_x100 as f64 / 100.0),
            PropValue::Num((r.computed_ha * 100.0).round() / 100.0),
            PropValue::Bool(r.boundary_checked),
            PropValue::Bool(r.sample),
            PropValue::Date(r.created_at.date()),
            PropValue::Date(r.updated_at.date()),
        ],
        page: None,
    }
}

pub(super) async fn page(app: &App, q: &ItemsQuery) -> Result<FeaturePage, AppError> {
    let limit = q.limit as usize;
    let mut rows = app.db.area_features(&q.window(limit as u64 + 1)).await?;
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
    Ok(app.db.area_feature(id).await?.map(feature))
}
