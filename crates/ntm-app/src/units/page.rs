//! The unit pages' use cases: the home page, a unit's page (with what the actor may do
//! there and the predecessors it links to) and its hamlet forms, one call each. Reading
//! administrative units is public; what depends on the actor (work links, hamlet forms,
//! history) is decided here with the actor's grants.

use ntm_domain::authz::{Permission, allows};
use ntm_domain::units::{Level, Unit};
use ntm_reports::ReportError;
use time::Date;

use super::{HamletImportReport, NewHamlet, UnitView};
use crate::authz::Actor;
use crate::history::Predecessor;
use crate::{App, AppError, today};

/// What the home page shows on a date.
#[derive(Debug, Clone)]
pub struct HomePage {
    /// Units per level valid on the date.
    pub counts: Vec<(Level, i64)>,
    pub provinces: Vec<Unit>,
    /// Roots of the unit tree for a logged-in user: the units of their grants, or the
    /// provinces for a country-wide role; empty for visitors.
    pub roots: Vec<Unit>,
}

/// The home page on `date` (public).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), date = %date))]
pub async fn home(app: &App, actor: &Actor, date: Date) -> Result<HomePage, AppError> {
    let counts = super::counts_on(app, Some(date)).await?;
    let provinces = super::provinces(app, Some(date)).await?;
    let roots = match actor {
        Actor::User { grants, .. } => {
            let codes: Vec<String> = grants.iter().filter_map(|g| g.scope_code.clone()).collect();
            if codes.len() < grants.len() {
                provinces.clone()
            } else {
                super::scope_units(app, &codes, date).await?
            }
        }
        _ => Vec::new(),
    };
    Ok(HomePage {
        counts,
        provinces,
        roots,
    })
}

/// What a unit's page shows.
#[derive(Debug, Clone)]
pub struct UnitPage {
    pub view: UnitView,
    /// The actor may see the unit's data (work links).
    pub can_view: bool,
    /// The unit is a commune valid today whose hamlets the actor may change.
    pub can_edit_hamlets: bool,
    pub history: Vec<Predecessor>,
}

/// The page of unit `code` on `date` (today by default). Public; the rest depends on the
/// actor.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn page(
    app: &App,
    actor: &Actor,
    code: &str,
    date: Option<Date>,
) -> Result<UnitPage, AppError> {
    let view = super::get_unit(app, code, date).await?;
    let can_view = match actor {
        Actor::Anonymous { .. } => false,
        _ => crate::history::can_view(app, actor, &view.unit).await?,
    };
    let history = crate::history::on_page(app, actor, code).await?;
    let u = &view.unit;
    let can_edit_hamlets = u.level == Level::Commune
        && u.is_valid_on(today())
        && allows(actor.grants(), Permission::EditHamlets, &u.path);
    Ok(UnitPage {
        view,
        can_view,
        can_edit_hamlets,
        history,
    })
}

/// Why hamlets sent from the unit page were not added.
#[derive(Debug)]
pub enum HamletRefusal {
    /// The use case's refusal (`Validation`, `Conflict`).
    App(AppError),
    /// The import form came without a file.
    NoFile,
    /// The file could not be read as a table.
    Unreadable(ReportError),
    /// Rows of the file name other communes.
    OtherCommunes(Vec<String>),
}

/// The outcome of a hamlet form of the unit page.
#[derive(Debug)]
pub enum HamletsSubmitted {
    Added(HamletImportReport),
    /// The page again (`refusal` `None`: the form was refused before, the page says why).
    Again {
        refusal: Option<HamletRefusal>,
        page: Box<UnitPage>,
    },
    /// The actor may not change this commune's hamlets (its name, for the message).
    NotAllowed {
        unit_name: String,
    },
}

/// Refusals shown on the unit page's hamlet forms.
fn shown(e: &AppError) -> bool {
    matches!(e, AppError::Validation(_) | AppError::Conflict(_))
}

/// The commune's page, when the actor may change its hamlets.
async fn editable(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<Result<UnitPage, String>, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let page = page(app, actor, code, None).await?;
    if !allows(
        actor.grants(),
        Permission::EditHamlets,
        &page.view.unit.path,
    ) {
        return Ok(Err(page.view.unit.name));
    }
    Ok(Ok(page))
}

async fn add(
    app: &App,
    actor: &Actor,
    page: UnitPage,
    rows: Vec<NewHamlet>,
) -> Result<HamletsSubmitted, AppError> {
    match super::add_hamlets(app, actor, rows).await {
        Ok(r) => Ok(HamletsSubmitted::Added(r)),
        Err(e) if shown(&e) => Ok(HamletsSubmitted::Again {
            refusal: Some(HamletRefusal::App(e)),
            page: Box::new(page),
        }),
        Err(e) => Err(e),
    }
}

/// Adds a hamlet from the unit page of the commune `code` (its permission checked first);
/// refused, the page again. `None`: the form was refused before.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn add_hamlet(
    app: &App,
    actor: &Actor,
    code: &str,
    row: Option<NewHamlet>,
) -> Result<HamletsSubmitted, AppError> {
    let page = match editable(app, actor, code).await? {
        Ok(p) => p,
        Err(unit_name) => return Ok(HamletsSubmitted::NotAllowed { unit_name }),
    };
    match row {
        Some(row) => add(app, actor, page, vec![row]).await,
        None => Ok(HamletsSubmitted::Again {
            refusal: None,
            page: Box::new(page),
        }),
    }
}

/// Imports hamlets from a file (CSV or spreadsheet) sent from the unit page of the commune
/// `code` (its permission checked first), all or nothing; refused, the page again.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn import_hamlets(
    app: &App,
    actor: &Actor,
    code: &str,
    file: Option<(String, Vec<u8>)>,
) -> Result<HamletsSubmitted, AppError> {
    let page = match editable(app, actor, code).await? {
        Ok(p) => p,
        Err(unit_name) => return Ok(HamletsSubmitted::NotAllowed { unit_name }),
    };
    let refused = |refusal, page| {
        Ok(HamletsSubmitted::Again {
            refusal: Some(refusal),
            page: Box::new(page),
        })
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refused(HamletRefusal::NoFile, page);
    };
    let table = match crate::spreadsheets::read_table(bytes, name).await? {
        Ok(t) => t,
        Err(e) => return refused(HamletRefusal::Unreadable(e), page),
    };
    let rows = match super::parse_hamlet_rows(table, Some(code)) {
        Ok(r) => r,
        Err(e) if shown(&e) => return refused(HamletRefusal::App(e), page),
        Err(e) => return Err(e),
    };
    let mut others: Vec<String> = rows
        .iter()
        .map(|r| r.commune_code.trim().to_string())
        .filter(|c| *c != code)
        .collect();
    others.dedup();
    if !others.is_empty() {
        return refused(HamletRefusal::OtherCommunes(others), page);
    }
    add(app, actor, page, rows).await
}
