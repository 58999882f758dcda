//! Writes made between measured reads ("right after a write"), through the app layer as an
//! officer would make them.

use ntm_app::{Actor, App};
use ntm_domain::observation::ObsSource;

use crate::Res;

/// Writes again the first current value of commune `code` for a set and year (the same
/// text, a new version: a real write with its audit entry and change-feed row). `Ok(false)`:
/// the commune has no value to write again.
pub async fn rewrite_one(app: &App, cli: &Actor, code: &str, set_id: &str, year: i32) -> Res<bool> {
    let cat: &'static ntm_domain::criteria::Catalog = app.catalog;
    let day = ntm_app::criteria::evaluation_date(cat.set_for_year(set_id, year)?, year);
    let unit = app
        .db_for_tests()
        .unit_on(code, day)
        .await?
        .ok_or("no commune")?;
    let current = app
        .db_for_tests()
        .current_values_of_units(&[unit.id], set_id, year)
        .await?;
    let Some(v) = current.first() else {
        return Ok(false);
    };
    let expected = ntm_app::criteria::current_versions(app, cli, code, set_id, year)
        .await?
        .get(&v.indicator_code)
        .copied();
    ntm_app::criteria::put_observations(
        app,
        cli,
        code,
        ntm_app::criteria::ValueBatch {
            set_id: set_id.into(),
            year,
            values: vec![ntm_app::criteria::ValueInput {
                code: v.indicator_code.clone(),
                text: v.value_text.clone(),
                expected_version: expected,
            }],
            note: "đo hiệu năng".into(),
            source: ObsSource::Manual,
        },
    )
    .await?;
    Ok(true)
}
