//! The NTM status map (`docs/maps.md`): `GET /maps` (the page: a form, the legend and the
//! table, which is the view without JavaScript; the Leaflet map drawn by `assets/maps.js`
//! over it) and `GET /maps/status.geojson` (the same map as GeoJSON, what the script draws).
//! Both call `ntm_app::maps::status_map` with the same parameters.

mod geojson;
mod page;

pub use geojson::{feature_collection, status_geojson};
pub use page::maps_page;

use ntm_app::AppError;
use ntm_app::maps::StatusMapQuery;
use serde::Deserialize;

use crate::error::{ErrorInfo, ErrorKind, WebError};
use crate::request::{parse_date_param, parse_year};

/// `?unit=&set=&year=&date=`, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct MapParams {
    pub unit: Option<String>,
    pub set: Option<String>,
    pub year: Option<String>,
    pub date: Option<String>,
    /// `form` when sent by the page's form.
    pub from: Option<String>,
}

impl MapParams {
    /// The use case's query, or a 400 naming the bad parameter.
    pub(super) fn query(&self, geometry: bool) -> Result<StatusMapQuery, WebError> {
        let year = parse_year(self.year.as_deref())
            .map_err(|e| bad_request("year", e.detail(), "maps-error-year", &e.0))?;
        let date = parse_date_param(self.date.as_deref()).map_err(|_| {
            let typed = self.date.clone().unwrap_or_default();
            bad_request(
                "date",
                format!("\"{typed}\" is not a date; use YYYY-MM-DD"),
                "maps-error-date",
                &typed,
            )
        })?;
        if let Some(d) = date
            && !crate::request::YEARS.contains(&d.year())
        {
            return Err(bad_request(
                "date",
                format!(
                    "{d} is outside the years {}–{}",
                    crate::request::YEARS.start(),
                    crate::request::YEARS.end()
                ),
                "maps-error-date",
                &d.to_string(),
            ));
        }
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(StatusMapQuery {
            unit: text(&self.unit),
            set: text(&self.set),
            year,
            date,
            geometry,
            from_form: self.from.as_deref() == Some("form"),
        })
    }
}

fn bad_request(field: &str, detail: String, key: &'static str, value: &str) -> WebError {
    let mut e = ErrorInfo::new(ErrorKind::BadRequest);
    e.fields = vec![ntm_app::FieldError::new(field, detail.clone())];
    e.detail = Some(detail);
    e.message = Some((key, value.to_string()));
    WebError(e)
}

/// The use case's errors: a bad set, year, date or unit is a 400 naming it.
pub(super) fn map_error(e: AppError, p: &MapParams) -> WebError {
    match e {
        AppError::Validation(fields) => {
            let field = fields.first().map(|f| f.field.clone()).unwrap_or_default();
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            let (key, value) = match field.as_str() {
                "set" => ("maps-error-set", p.set.clone().unwrap_or_default()),
                "unit" => ("maps-error-unit", p.unit.clone().unwrap_or_default()),
                "date" => ("maps-error-unit-date", p.unit.clone().unwrap_or_default()),
                _ => (
                    "maps-error-year",
                    p.year.clone().unwrap_or_else(|| "—".into()),
                ),
            };
            let mut info = ErrorInfo::new(ErrorKind::BadRequest);
            info.detail = Some(detail);
            info.fields = fields;
            info.message = Some((key, value));
            WebError(info)
        }
        AppError::NotFound(_) => WebError::from(e)
            .with_message("error-unit-not-found", p.unit.clone().unwrap_or_default()),
        e => e.into(),
    }
}
