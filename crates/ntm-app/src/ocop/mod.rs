//! OCOP use cases (issue 15, parts 1–2, `docs/ocop.md`): producers and products, the
//! producer's dossier documents, evaluation rounds and council score sheets, decisions,
//! certificate reminders, the import of a published OCOP list, and the public catalogue.
//!
//! Who may do what: officers with `ManageOcop` on the producer's unit (lineage-aware) manage
//! its records, rounds and decisions; `ScoreOcop` officers listed as council members score;
//! a producer account (`ManageOwnOcop`) manages only the records naming it as owner.

mod catalogue;
mod documents;
mod import;
mod photo;
mod producers;
mod rating;
mod reminders;

use std::sync::OnceLock;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{OcopScheme, parse_ocop};

use crate::access::require_on_unit;
use crate::{Actor, App, AppError};

pub use catalogue::{
    CatalogueItem, CataloguePage, CatalogueQuery, PAGE_SIZE, PublicProduct, catalogue,
    public_product,
};
pub use documents::{
    NewDocument, OCOP_DOCUMENT_TYPES, attach_to_round, document_file, upload_document,
};
pub use import::{
    ImportPreview, ImportPreviewRow, import_apply, import_preview, seed_demo_catalogue,
};
pub use ntm_store::{
    OcopDecisionRecord, OcopDocumentRecord, OcopProducerRecord, OcopProductRecord,
};
pub use photo::{MAX_PHOTO_BYTES, ProductDetails, product_photo, update_product_details};
pub use producers::{
    MyProducer, NewProducer, NewProduct, ProductDetail, UnitOcop, add_product, my_producers,
    product_detail, register_producer, unit_overview,
};
pub use rating::{
    DecisionView, RoundView, SheetInput, open_round, record_decision, round_result, submit_sheet,
};
pub use reminders::{scheduler_actor, send_certificate_reminders, spawn_daily_reminders};

const RUBRIC: &str = include_str!("../../../../data/criteria/ocop-2023.yaml");

static SCHEME: OnceLock<OcopScheme> = OnceLock::new();

/// The OCOP rubric shipped with the binary (QĐ 148/QĐ-TTg). Checked by tests, so a failure
/// here is a build defect.
pub fn scheme() -> &'static OcopScheme {
    SCHEME.get_or_init(|| match parse_ocop("ocop-2023.yaml", RUBRIC) {
        Ok(s) => s,
        Err(e) => panic!("the embedded OCOP rubric is invalid: {e:?}"),
    })
}

/// The rubric's product groups `(code, name)`.
pub fn product_groups() -> &'static [(u8, String)] {
    &scheme().product_groups
}

/// May the actor manage this producer's records? Officers with `ManageOcop` on its unit;
/// the owner account with `ManageOwnOcop`.
pub(crate) async fn require_producer(
    app: &App,
    actor: &Actor,
    p: &OcopProducerRecord,
) -> Result<(), AppError> {
    let unit = crate::units::latest_record(app, &p.unit_code).await?;
    let officer = require_on_unit(app, actor, Permission::ManageOcop, &unit).await;
    if officer.is_ok() {
        return officer;
    }
    if let Actor::User { id, .. } = actor
        && p.owner_user_id == Some(*id)
    {
        return require_on_unit(app, actor, Permission::ManageOwnOcop, &unit).await;
    }
    officer
}

/// May the actor see this producer's records (officers who see its unit, its owner)?
pub(crate) async fn require_view_producer(
    app: &App,
    actor: &Actor,
    p: &OcopProducerRecord,
) -> Result<(), AppError> {
    if let Actor::User { id, .. } = actor
        && p.owner_user_id == Some(*id)
    {
        return Ok(());
    }
    let unit = crate::units::latest_record(app, &p.unit_code).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    // A producer account sees the units of its scope, not other producers' dossiers.
    let officer = actor
        .grants()
        .iter()
        .any(|g| g.role.allows(Permission::ManageOcop) || g.role.allows(Permission::ScoreOcop));
    if matches!(actor, Actor::Cli { .. }) || officer {
        Ok(())
    } else {
        Err(AppError::Forbidden("another producer's records".into()))
    }
}

pub(crate) fn opt(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
