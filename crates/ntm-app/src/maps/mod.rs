//! The NTM status map (issue 16 item 2, `docs/maps.md`): for a scope (a unit, or the whole
//! country for a country-wide account), a commune-level criteria set, a year and a date, every
//! commune of the structure valid on that date with where to draw it and its result.
//!
//! - **Results** are the dashboards' evaluations ([`crate::dashboard`]'s cache over
//!   [`crate::criteria::evaluate`]): the communes valid on the set's evaluation day of the
//!   year. A commune of the map's date that is not the same unit record on that day (another
//!   structure) has no result ("not evaluated that year"), never a neighbour's by code.
//! - **Where**: the boundary period valid on the date (its map copy, simplified at import), or
//!   else a point at the label point of its parent (a district before 1 July 2025), or of its
//!   province, stated as such; or nowhere when neither has a boundary.
//!
//! `status.rs` is the use case, `locate.rs` the placing of units, `layout.rs` the placings kept
//! while the structure is unchanged.

mod layout;
mod locate;
mod status;

use ntm_domain::criteria::Status;
use time::Date;

use crate::criteria::{ChildResult, SetSummary};

pub(crate) use layout::LayoutCache;
pub use layout::{clear_kept, placings_read};
pub(crate) use locate::parent_point;
pub use status::status_map;

/// What the map is asked for; `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct StatusMapQuery {
    /// A unit's code; `None`: the actor's first scope (the whole country for a country-wide
    /// account).
    pub unit: Option<String>,
    pub set: Option<String>,
    pub year: Option<i32>,
    /// The day whose structure is drawn; `None`: the set's evaluation day of the year.
    pub date: Option<Date>,
    /// Read the boundaries (`false`: the table only, e.g. the page without script, or the
    /// benchmark's baseline).
    pub geometry: bool,
    /// Sent by the page's form: a set not in force in the chosen year gives way to the
    /// commune NTM set of that year (as on the dashboards) instead of an error.
    pub from_form: bool,
}

/// The area the map covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapScope {
    Country,
    Unit {
        code: String,
        name: String,
        level: ntm_domain::units::Level,
    },
}

/// A scope the actor may choose (its grants' units, or the country and its provinces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeChoice {
    /// `None`: the whole country.
    pub code: Option<String>,
    pub name: String,
}

/// How a commune is coloured: its set status, with "no known shortfall" (pending
/// confirmation of thresholds, never a pass) apart from the plain statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapClass {
    Met,
    NoKnownShortfall,
    NotMet,
    NeedsVerification,
    Missing,
    /// The set does not apply to the unit (a ward or special zone for the xã sets).
    NotApplicable,
    /// Not a unit record evaluated for that year (another structure).
    NotEvaluated,
}

impl MapClass {
    pub const ALL: [MapClass; 7] = [
        MapClass::Met,
        MapClass::NoKnownShortfall,
        MapClass::NotMet,
        MapClass::NeedsVerification,
        MapClass::Missing,
        MapClass::NotApplicable,
        MapClass::NotEvaluated,
    ];

    /// The class of a unit from its result; `same_record`: the unit is a record the year's
    /// evaluation covered (no result then means the set does not apply to it).
    pub fn of(r: Option<&ChildResult>, same_record: bool) -> MapClass {
        match r {
            None if same_record => MapClass::NotApplicable,
            None => MapClass::NotEvaluated,
            Some(r) if r.status == Status::Met => MapClass::Met,
            Some(r) if r.no_known_shortfall => MapClass::NoKnownShortfall,
            Some(r) => match r.status {
                Status::Met => MapClass::Met,
                Status::NotMet => MapClass::NotMet,
                Status::NeedsVerification => MapClass::NeedsVerification,
                Status::Missing => MapClass::Missing,
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MapClass::Met => "met",
            MapClass::NoKnownShortfall => "no_known_shortfall",
            MapClass::NotMet => "not_met",
            MapClass::NeedsVerification => "needs_verification",
            MapClass::Missing => "missing",
            MapClass::NotApplicable => "not_applicable",
            MapClass::NotEvaluated => "not_evaluated",
        }
    }
}

/// Where a commune is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// Its boundary valid on the date (GeoJSON geometry text, the map copy; shared with the
    /// kept placing, see `layout`).
    Boundary {
        geometry: std::sync::Arc<str>,
        label_lon: f64,
        label_lat: f64,
        valid_from: Date,
        valid_to: Option<Date>,
        source: String,
        licence: String,
    },
    /// No boundary that day: a point at the label point of the unit `of` (its parent, or its
    /// province).
    ParentPoint { of: String, lon: f64, lat: f64 },
    /// Neither it nor its parent nor its province has a boundary that day.
    Unknown,
    /// Boundaries were not asked for.
    NotRead,
}

/// One commune on the map.
#[derive(Debug, Clone)]
pub struct MapUnit {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub location: Location,
    /// Its result for the set and year (`None`: not evaluated, see [`MapClass::NotEvaluated`]).
    pub result: Option<ChildResult>,
    pub class: MapClass,
}

/// Everything the map page and its GeoJSON show.
#[derive(Debug, Clone)]
pub struct StatusMap {
    pub scope: MapScope,
    pub set: SetSummary,
    pub year: i32,
    /// The day whose structure is drawn.
    pub date: Date,
    /// The set's evaluation day of the year (the structure the results are for).
    pub evaluated_on: Date,
    pub criteria_total: usize,
    pub units: Vec<MapUnit>,
    /// Communes per class, in [`MapClass::ALL`] order.
    pub counts: Vec<(MapClass, usize)>,
    /// Scopes the actor may choose.
    pub scopes: Vec<ScopeChoice>,
    /// Years that can be chosen, and the sets of the chosen year.
    pub years: Vec<i32>,
    pub sets: Vec<SetSummary>,
}
