//! One criteria-set version: the draft editor (metadata, criteria, one indicator per form
//! with its thresholds by region or commune group and the legal basis of each value,
//! publish with confirmation) or, once published, the read-only view. Refusals are shown
//! next to their field with what was typed kept. Work is done by `ntm_app::criteria_sets`.

// One file per part, each with its own imports (a sibling's `pub(super)` items by path),
// and the handlers are re-exported for the route table.
mod criterion;
mod indicator;
mod indicator_form;
mod meta;
mod publish;
mod thresholds;
mod version;

pub use criterion::*;
pub use indicator::*;
pub use indicator_form::*;
pub use meta::*;
pub use publish::*;
use thresholds::*;
pub use version::*;

use uuid::Uuid;

use crate::urls::{Urls, VersionPart};

/// The addresses of a version's page, forms and files (templates never join paths).
pub struct VersionLinks {
    pub version: String,
    pub meta: String,
    pub criteria: String,
    pub remove: String,
    pub indicator: String,
    pub publish: String,
    pub export_yaml: String,
    pub export_xlsx: String,
    pub xlsx_import: String,
}

impl VersionLinks {
    pub fn of(id: Uuid) -> VersionLinks {
        let part = |p| Urls::criteria_version_part(id, p);
        VersionLinks {
            version: Urls::criteria_version(id),
            meta: part(VersionPart::Meta),
            criteria: part(VersionPart::Criteria),
            remove: part(VersionPart::Remove),
            indicator: part(VersionPart::Indicator),
            publish: part(VersionPart::Publish),
            export_yaml: part(VersionPart::ExportYaml),
            export_xlsx: Urls::criteria_version_xlsx(id),
            xlsx_import: part(VersionPart::XlsxImport),
        }
    }
}
