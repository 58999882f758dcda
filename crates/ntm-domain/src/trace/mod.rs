//! Traceability on GS1 standards (issue 15, parts 4–5): GTIN check digits, GS1 Digital
//! Link URIs of lots, EPCIS 2.0 events read from JSON-LD documents, the CBV 2.0 event
//! hash, and the per-lot hash chain. Pure: no IO, no clock.

pub mod chain;
pub mod digital_link;
pub mod epc;
pub mod event;
pub mod gtin;
pub mod hash;
pub mod order;
pub mod simple;

#[cfg(test)]
mod tests;

pub use digital_link::{DigitalLink, DlError, ProductRef};
pub use event::{DocumentError, EpcisDocument, EpcisEvent, EventType, LotKey, read_document};
pub use gtin::{Gtin, GtinError};
