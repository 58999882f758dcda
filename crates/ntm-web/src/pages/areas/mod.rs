//! Raw-material area pages (`docs/areas.md`): a unit's list and its XLSX (`list`), the
//! registration and edit form with a `.geojson` upload or pasted GeoJSON (`form`), an area's
//! page with its server-drawn map, certifications and seasons (`page`), a producer's areas
//! (`mine`). Each handler makes one call into `ntm_app::areas`.

pub mod form;
pub mod list;
pub mod mine;
pub mod page;

use ntm_app::AppError;

use crate::error::field_error_text;
use crate::i18n::Lang;
use crate::view::format::number;

/// The messages of a refusal shown next to a form.
pub(crate) fn refusal_lines(lang: Lang, e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation(fields) => fields.iter().map(|f| field_error_text(lang, f)).collect(),
        AppError::Conflict(m) | AppError::NotFound(m) => vec![m.clone()],
        other => vec![other.to_string()],
    }
}

/// Hundredths of a hectare as "1,25 ha".
pub(crate) fn ha_text(lang: Lang, hundredths: i64) -> String {
    format!("{} ha", number(lang, hundredths as f64 / 100.0, 2))
}

/// Hectares computed from a polygon as "1,22 ha".
pub(crate) fn computed_text(lang: Lang, ha: f64) -> String {
    format!("{} ha", number(lang, ha, 2))
}
