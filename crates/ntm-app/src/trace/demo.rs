//! The demo's sample producer for traceability: an OCOP producer record of the demo
//! commune owned by the demo producer account, with one product, both labelled as sample
//! data. Safe to run again.

use crate::ocop::{NewProducer, NewProduct, add_product, register_producer};
use crate::{Actor, App, AppError};

pub async fn seed(app: &App, username: &str, commune: &str) -> Result<(), AppError> {
    let Some(user) = app.db.user_by_username(username).await? else {
        return Ok(());
    };
    if !app.db.ocop_producers_owned(user.id).await?.is_empty() {
        return Ok(());
    }
    let cli = Actor::cli();
    let p = register_producer(
        app,
        &cli,
        NewProducer {
            unit_code: commune.into(),
            kind: "cooperative".into(),
            name: "HTX mẫu Châu Thành (dữ liệu mẫu)".into(),
            address: Some("Ấp mẫu 1 (dữ liệu mẫu)".into()),
            owner_username: Some(username.into()),
            ..Default::default()
        },
    )
    .await?;
    add_product(
        app,
        &cli,
        p.id,
        NewProduct {
            name: "Gạo thơm mẫu (dữ liệu mẫu)".into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
