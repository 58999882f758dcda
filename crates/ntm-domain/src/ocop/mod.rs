//! OCOP ("mỗi xã một sản phẩm") products: producers, council score sheets and their
//! consolidated result, certificate validity and reminders, which council level evaluates,
//! and the rows of an existing OCOP list being imported. Pure: the rubric
//! (`data/criteria/ocop-2023.yaml`, QĐ 148/QĐ-TTg) is passed in as an [`OcopScheme`].
//!
//! [`OcopScheme`]: crate::criteria::OcopScheme

mod certificate;
mod import;
mod levels;
mod producer;
mod scoring;

#[cfg(test)]
mod tests;

pub use certificate::{Certificate, CertificateStatus, ImportedValidity, Reminder};
pub use import::{ImportParse, ImportRow, ImportRowError, parse_import_csv, parse_import_records};
pub use levels::{EvalLevel, LevelRule, POST_REFORM_SOURCE, REFORM_DATE, evaluating_level};
pub use producer::ProducerKind;
pub use scoring::{Consolidated, ScoreSheet, ScoringError, consolidate};
