//! Traceability use cases (issue 15, parts 4–5): lots, EPCIS 2.0 capture and query, the
//! per-lot hash chain. Recording needs `RecordTrace` on the unit (officers of the unit's
//! province, district or commune, administrators, and — until producer records exist —
//! producers within their grant); reading needs `ViewUnits` on it.

pub mod capture;
pub mod demo;
pub mod lots;
pub mod pages;
pub mod public;
pub mod query;
pub mod schema;

pub use capture::{CaptureResult, capture};
pub use lots::{ChainCheck, LotView, NewLot, create_lot, verify_lot};
pub use pages::{
    EventForm, HistoryItem, LabelSheet, LotForm, LotPage, LotsPage, ProducerChoice, label_sheet,
    lot_link, lot_page, lots_page, record_event_on_page, record_lot_on_page,
};
pub use public::{PublicLot, PublicRating, public_lot};
pub use query::{EventPage, EventQuery, query_events};

use ntm_domain::authz::Permission;
use ntm_domain::units::Unit;

use crate::authz::Actor;
use crate::{App, AppError, access, units};

/// The unit named by `code` (its current record) once `p` on it is checked.
async fn unit_for(app: &App, actor: &Actor, code: &str, p: Permission) -> Result<Unit, AppError> {
    let unit = units::latest_record(app, code).await?;
    access::require_on_unit(app, actor, p, &unit).await?;
    Ok(unit)
}
