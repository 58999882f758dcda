//! Raw-material areas (mã số vùng trồng / vùng nguyên liệu, issue 15 part 3, `docs/areas.md`):
//! the area code, the declared hectares, the polygon read from GeoJSON and checked, its
//! geodesic area, whether it lies inside its commune's boundary, certifications with their
//! validity on a day, and growing seasons. Pure: no IO, no clock.

mod boundary;
mod certification;
mod code;
mod containment;
mod geom;
mod hectares;
mod measure;
mod outline;
mod season;
mod shape;

pub use boundary::{Bbox, BoundaryError, boundary_geometry};
pub use certification::{
    CertKind, CertStatus, Certification, CertificationError, EXPIRING_WITHIN_DAYS, status_on,
};
pub use code::{AreaCode, AreaCodeError, MAX_CODE_LEN};
pub use containment::{Containment, SIMPLIFICATION_TOLERANCE_DEG, check_inside};
pub use geom::{Coord, Polygon, Ring, distance_to, in_polygon};
pub use hectares::{Hectares, HectaresError, MAX_HECTARES_HUNDREDTHS};
pub use measure::{AreaComparison, MISMATCH_RATIO, compare_declared, geodesic_hectares};
pub use outline::{
    DateProblem, MAP_SIMPLIFY_DEG, Outline, OutlineError, Period, PeriodPlan, VIETNAM_EXTENT,
    check_crs, date_problem, label_point, outline_of, plan_period,
};
pub use season::{Season, SeasonError};
pub use shape::{
    AreaShape, MAX_POINTS, MAX_POLYGONS, MAX_TEXT_BYTES, PUBLIC_SIMPLIFY_DEG, ShapeError,
    parse_shape, ring_name_en, ring_name_vi,
};

#[cfg(test)]
mod outline_tests;
#[cfg(test)]
mod tests;
