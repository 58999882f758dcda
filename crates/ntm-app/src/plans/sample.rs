//! Labelled sample measure values for the demo.

use ntm_domain::units::Level;

use crate::{Actor, App, AppError};

use super::list::dec31;
use super::measures::{MeasureInput, enter_measures};

/// Note carried by every sample value.
pub const SAMPLE_NOTE: &str = "Dữ liệu mẫu (demo) — không phải số liệu chính thức";

pub(super) fn sample_hash(s: &str) -> u64 {
    // FNV-1a: deterministic sample values.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Sample measure values for Trà Vinh (84) in 2023, clearly labelled ([`SAMPLE_NOTE`]), so
/// the plan dashboard of `tra-vinh-2023` shows actuals. Loaded once (a setting remembers it).
/// The smart pilot count is left empty on purpose (the dashboard shows "no data").
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn seed_sample_measures(app: &App, actor: &Actor) -> Result<usize, AppError> {
    const DONE: &str = "demo.sample_plan_measures";
    if app.db.get_setting(DONE).await?.is_some() {
        return Ok(0);
    }
    let year = 2023;
    let Some(prov) = app.db.unit_on("84", dec31(year)).await? else {
        return Ok(0);
    };
    let districts = app
        .db
        .subtree_on(&prov.path, dec31(year), Some(Level::District))
        .await?;
    let communes = app
        .db
        .subtree_on(&prov.path, dec31(year), Some(Level::Commune))
        .await?;
    let mut rows = Vec::new();
    let mut add = |code: &str, measure: &str, value: String| {
        rows.push(MeasureInput {
            unit_code: code.to_string(),
            measure: measure.to_string(),
            year,
            value,
            note: SAMPLE_NOTE.to_string(),
            expected_version: None,
        });
    };
    add(&prov.code, "records_online_pct", "34,5".into());
    add(&prov.code, "officials_trained_pct", "31".into());
    add(&prov.code, "linkage_models_digital_pct", "12,5".into());
    for d in &districts {
        let h = sample_hash(&d.code);
        add(&d.code, "records_online_pct", format!("{}", 18 + h % 17));
        add(
            &d.code,
            "has_linkage_model",
            if h.is_multiple_of(4) { "có" } else { "không" }.into(),
        );
        add(
            &d.code,
            "provides_essential_digital_service",
            if h % 5 == 1 { "có" } else { "không" }.into(),
        );
    }
    for c in &communes {
        let h = sample_hash(&c.code);
        add(&c.code, "records_online_pct", format!("{}", 8 + h % 20));
        add(
            &c.code,
            "provides_essential_digital_service",
            if h.is_multiple_of(7) { "có" } else { "không" }.into(),
        );
    }
    let n = rows.len();
    if n > 0 {
        enter_measures(app, actor, &rows).await?;
    }
    app.db.set_setting_if_absent(DONE, &n.to_string()).await?;
    Ok(n)
}
