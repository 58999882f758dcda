//! `ntm demo`: one labelled sample area owned by the demo producer's sample record (checked
//! against its commune's boundary when the shipped boundary files were loaded, see
//! `crate::boundaries::seed_reference`).

use super::register::{AreaForm, register};
use crate::{Actor, App, AppError};

/// The demo producer account and its sample record.
pub const DEMO_PRODUCER_USER: &str = "sx.chauthanh";

/// Loads a sample producer and area. Safe to run again.
pub async fn seed_demo(app: &App) -> Result<(), AppError> {
    let cli = Actor::cli();
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
