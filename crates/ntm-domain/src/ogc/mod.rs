//! OGC API – Features query parameters (Part 1 Core): `bbox`, `datetime`, `limit`, read and
//! checked with errors a client can act on; and the representative point of an outline (a
//! product drawn at its commune). Pure: no IO, no clock. `docs/open-data.md`.

mod params;
mod point;

pub use params::{
    DEFAULT_LIMIT, Interval, MAX_LIMIT, ParamError, parse_bbox, parse_datetime, parse_limit,
};
pub use point::representative_point;

#[cfg(test)]
mod tests;
