//! Where each commune is drawn: its boundary of the day, else a point at its parent's (or its
//! province's) label point.

use std::collections::HashMap;

use ntm_domain::units::{Level, Unit};
use ntm_store::{BoundaryGeometry, UnitShape};
use time::Date;
use uuid::Uuid;

use super::Location;
use crate::{App, AppError};

/// A commune of the map's date and where it goes.
#[derive(Debug, Clone)]
pub(super) struct Placing {
    pub unit_id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub location: Location,
}

impl Placing {
    /// A commune when boundaries are not read.
    pub(super) fn without_geometry(u: Unit) -> Placing {
        Placing {
            unit_id: u.id,
            code: u.code,
            name: u.name,
            parent_code: u.parent_code,
            province_code: u.province_code,
            location: Location::NotRead,
        }
    }
}

/// Where a unit without a boundary of the day goes: the label point of its parent, else of
/// its province (`labels`: label points by code, of that day), else nowhere.
pub(crate) fn parent_point(
    parent_code: Option<&str>,
    province_code: &str,
    labels: &HashMap<String, (f64, f64)>,
) -> Location {
    [parent_code, Some(province_code)]
        .into_iter()
        .flatten()
        .find_map(|c| {
            labels.get(c).map(|&(lon, lat)| Location::ParentPoint {
                of: c.to_string(),
                lon,
                lat,
            })
        })
        .unwrap_or(Location::Unknown)
}

/// Places the communes `shapes` (of one province, or of the country: `province` `None`) on
/// `date`. The label points of districts and provinces are read only when some commune has
/// no boundary that day.
pub(super) async fn place(
    app: &App,
    province: Option<&str>,
    date: Date,
    shapes: Vec<UnitShape>,
) -> Result<Vec<Placing>, AppError> {
    let mut labels: HashMap<String, (f64, f64)> = HashMap::new();
    if shapes.iter().any(|s| s.boundary.is_none()) {
        for level in [Level::District, Level::Province] {
            for s in app
                .db
                .unit_boundaries_on(province, level, date, BoundaryGeometry::Simplified)
                .await?
            {
                if let Some(b) = s.boundary {
                    labels.insert(s.code, (b.label_lon, b.label_lat));
                }
            }
        }
    }
    Ok(shapes
        .into_iter()
        .map(|s| {
            let location = match s.boundary {
                Some(b) => Location::Boundary {
                    geometry: b.geometry.into(),
                    label_lon: b.label_lon,
                    label_lat: b.label_lat,
                    valid_from: b.valid_from,
                    valid_to: b.valid_to,
                    source: b.source,
                    licence: b.licence,
                },
                None => parent_point(s.parent_code.as_deref(), &s.province_code, &labels),
            };
            Placing {
                unit_id: s.unit_id,
                code: s.code,
                name: s.name,
                parent_code: s.parent_code,
                province_code: s.province_code,
                location,
            }
        })
        .collect())
}
