//! `ntm demo`: the commune boundaries of the demo province (Vĩnh Long, 124 communes of
//! 1 July 2025, `data/boundaries/communes-2025-86-vinh-long.geojson`, 0.2 MB: only this
//! extract is embedded, never the national file) and one labelled sample area owned by the
//! demo producer's sample record.

use super::boundaries::{LoadOptions, load_boundaries};
use super::register::{AreaForm, register};
use crate::{Actor, App, AppError};

const DEMO_BOUNDARIES: &[u8] =
    include_bytes!("../../../../data/boundaries/communes-2025-86-vinh-long.geojson");

/// The notice shown with these outlines (see `data/boundaries/README.md`).
pub const DEMO_SOURCE: &str = "lamngockhuong/vietnam-3d-map (commit dc6095c), ranh giới xã từ 01/07/2025, đơn giản hoá 0,0005°";
pub const DEMO_LICENCE: &str = "Mã nguồn MIT; giấy phép của dữ liệu gốc không được nêu (tài liệu nguồn dẫn gis.vn, sapnhap.bando.com.vn)";

/// The demo producer account and its sample record.
pub const DEMO_PRODUCER_USER: &str = "sx.chauthanh";

/// Loads the demo province's outlines once, and a sample producer and area. Safe to run
/// again.
pub async fn seed_demo(app: &App) -> Result<(), AppError> {
    let cli = Actor::cli();
    if app.db.unit_boundary_count().await? == 0 {
        load_boundaries(
            app,
            &cli,
            std::io::Cursor::new(DEMO_BOUNDARIES),
            LoadOptions {
                code_property: "ma_xa".into(),
                source: DEMO_SOURCE.into(),
                licence: DEMO_LICENCE.into(),
                only_province: None,
            },
        )
        .await?;
    }
    let Some(user) = app.db.user_by_username(DEMO_PRODUCER_USER).await? else {
        return Ok(());
    };
    let owned = app.db.ocop_producers_owned(user.id).await?;
    let producer = match owned.into_iter().next() {
        Some(p) => p,
        None => {
            crate::ocop::register_producer(
                app,
                &cli,
                crate::ocop::NewProducer {
                    unit_code: crate::demo::DEMO_COMMUNE.into(),
                    kind: "cooperative_group".into(),
                    name: "Tổ hợp tác dừa mẫu (dữ liệu mẫu)".into(),
                    owner_username: Some(DEMO_PRODUCER_USER.into()),
                    ..Default::default()
                },
            )
            .await?
        }
    };
    if app.db.areas_of_producer(producer.id).await?.is_empty() {
        let sample = register(
            app,
            &cli,
            AreaForm {
                unit_code: crate::demo::DEMO_COMMUNE.into(),
                code: "MAU-86-0001".into(),
                crop: "Dừa (dữ liệu mẫu)".into(),
                hectares: "2,5".into(),
                geojson: r#"{"type":"Polygon","coordinates":[[[106.3349,9.8400],[106.3365,9.8400],[106.3365,9.8415],[106.3349,9.8415],[106.3349,9.8400]]]}"#.into(),
                owners: vec![producer.id],
            },
            true,
        )
        .await;
        // The demo starts even if the sample polygon were refused (it is checked against
        // the commune's outline like any other).
        match sample {
            Ok(_) => {}
            Err(AppError::Validation(problems)) => {
                tracing::warn!(?problems, "the demo's sample area was refused");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
