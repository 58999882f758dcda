//! Collection `ocop-products`: rated OCOP products (a product being prepared stays private),
//! with the public fields of the catalogue, drawn as a point inside the producer's commune
//! when the commune's outline is stored, else without geometry.

use std::collections::HashMap;

use ntm_domain::area::boundary_geometry;
use ntm_domain::ocop::{Certificate, CertificateStatus, ImportedValidity};
use ntm_domain::ogc::representative_point;
use ntm_store::OcopFeatureRow;
use time::Date;
use uuid::Uuid;

use super::{CollectionInfo, Feature, FeaturePage, Geometry, ItemsQuery, PropKind, PropValue};
use super::{Words, p};
use crate::ocop::scheme;
use crate::{App, AppError, today};

pub(super) static INFO: CollectionInfo = CollectionInfo {
    id: "ocop-products",
    title: Words {
        vi: "Sản phẩm OCOP",
        en: "OCOP products",
    },
    description: Words {
        vi: "Sản phẩm OCOP đã được xếp hạng sao: tên, nhóm, số sao, chủ thể, xã, năm, hạn giấy chứng nhận và tình trạng hôm nay. Vị trí là một điểm trong ranh giới xã của chủ thể (không phải địa chỉ cơ sở); không có ranh giới xã thì không có vị trí.",
        en: "Rated OCOP products: name, group, stars, producer, commune, year, certificate end and today's status. The location is a point inside the producer's commune outline (not the premises); none without a stored outline.",
    },
    temporal: Words {
        vi: "ngày cấp giấy chứng nhận hiện hành (hoặc năm, khi danh sách công bố chỉ ghi năm)",
        en: "the current certificate's issue day (or its year, when the published list gives only the year)",
    },
    geometry: "Point",
    properties: &[
        p(
            "name",
            PropKind::String,
            false,
            "Tên sản phẩm",
            "Product name",
        ),
        p("stars", PropKind::Integer, false, "Số sao", "Stars"),
        p(
            "product_group",
            PropKind::Integer,
            true,
            "Nhóm sản phẩm (1–6)",
            "Product group (1–6)",
        ),
        p(
            "group_name",
            PropKind::String,
            true,
            "Tên nhóm",
            "Group name",
        ),
        p("producer", PropKind::String, false, "Chủ thể", "Producer"),
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
            "year",
            PropKind::Integer,
            true,
            "Năm xếp hạng",
            "Year rated",
        ),
        p("issued_on", PropKind::Date, true, "Ngày cấp", "Issued on"),
        p(
            "valid_until",
            PropKind::Date,
            true,
            "Hiệu lực đến",
            "Valid until",
        ),
        p(
            "certificate_status",
            PropKind::String,
            false,
            "Tình trạng giấy chứng nhận hôm nay",
            "Certificate status today",
        ),
        p(
            "imported",
            PropKind::Boolean,
            false,
            "Nhập từ danh sách công bố",
            "Imported from a published list",
        ),
        p("source_url", PropKind::String, true, "Nguồn", "Source"),
        p(
            "sample",
            PropKind::Boolean,
            false,
            "Chủ thể là dữ liệu mẫu",
            "Sample producer",
        ),
    ],
};

fn status(r: &OcopFeatureRow, day: Date) -> CertificateStatus {
    match (r.valid_until, r.imported) {
        (Some(v), _) => Certificate {
            issued: r.issued_on.unwrap_or(Date::MIN),
            valid_until: v,
            superseded_on: r.superseded_on,
        }
        .status_on(day),
        (None, Some(true)) => match r.year {
            Some(y)
                if ImportedValidity::on(y, scheme().certificate_months, day)
                    == ImportedValidity::Unknown =>
            {
                CertificateStatus::Unknown
            }
            _ => CertificateStatus::Expired,
        },
        _ => CertificateStatus::Expired,
    }
}

fn group_name(g: Option<i32>) -> Option<String> {
    let g = g?;
    scheme()
        .product_groups
        .iter()
        .find(|(c, _)| i32::from(*c) == g)
        .map(|(_, n)| n.clone())
}

/// A point for each unit of `rows` with a stored outline: the open record's outline, else
/// the latest one.
async fn points(app: &App, rows: &[OcopFeatureRow]) -> Result<HashMap<String, [f64; 2]>, AppError> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.unit_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let mut best: HashMap<String, ntm_store::BoundaryOutline> = HashMap::new();
    for o in app.db.outlines_of_codes(&codes).await? {
        // Open records first, then the latest start.
        let rank = |b: &ntm_store::BoundaryOutline| (b.valid_to.is_none(), b.valid_from);
        match best.get(&o.unit_code) {
            Some(cur) if rank(cur) >= rank(&o) => {}
            _ => {
                best.insert(o.unit_code.clone(), o);
            }
        }
    }
    let mut out = HashMap::new();
    for o in best.into_values() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&o.geojson) else {
            continue;
        };
        if let Ok((polys, _)) = boundary_geometry(&v)
            && let Some(pt) = representative_point(&polys)
        {
            let round = |x: f64| (x * 1e6).round() / 1e6;
            out.insert(o.unit_code, [round(pt[0]), round(pt[1])]);
        }
    }
    Ok(out)
}

fn feature(r: OcopFeatureRow, point: Option<[f64; 2]>, day: Date) -> Feature {
    let st = status(&r, day);
    Feature {
        id: r.id.to_string(),
        geometry: point.map(Geometry::Point),
        page: Some(format!("/ocop/products/{}", r.id)),
        properties: vec![
            PropValue::Text(r.name),
            r.stars.into(),
            r.product_group.into(),
            group_name(r.product_group).into(),
            PropValue::Text(r.producer_name),
            PropValue::Text(r.unit_code),
            PropValue::Text(r.province_code),
            r.year.into(),
            r.issued_on.into(),
            r.valid_until.into(),
            PropValue::Text(st.as_str().to_string()),
            PropValue::Bool(r.imported == Some(true)),
            r.source_url.into(),
            PropValue::Bool(r.producer_sample),
        ],
    }
}

pub(super) async fn page(app: &App, q: &ItemsQuery) -> Result<FeaturePage, AppError> {
    let limit = q.limit as usize;
    let mut rows = app.db.ocop_features(&q.window(limit as u64 + 1)).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    let pts = points(app, &rows).await?;
    let day = today();
    let features = rows
        .into_iter()
        .filter_map(|r| {
            let pt = pts.get(&r.unit_code).copied();
            // The store kept products whose commune's box meets the bbox; keep those whose
            // point lies in it (so a page may hold fewer than `limit`).
            if let Some(b) = q.bbox {
                let [x, y] = pt?;
                if x < b.min_lon || x > b.max_lon || y < b.min_lat || y > b.max_lat {
                    return None;
                }
            }
            Some(feature(r, pt, day))
        })
        .collect();
    Ok(FeaturePage { features, next })
}

pub(super) async fn one(app: &App, id: Uuid) -> Result<Option<Feature>, AppError> {
    let Some(r) = app.db.ocop_feature(id).await? else {
        return Ok(None);
    };
    let pts = points(app, std::slice::from_ref(&r)).await?;
    let pt = pts.get(&r.unit_code).copied();
    Ok(Some(feature(r, pt, today())))
}
