//! The survey pages' use cases, one per page or form. The officers' pages name the unit in
//! their address (`/units/{unit}/surveys/{code}`): a campaign of another unit is not found
//! there. Each returns everything its page shows, or the outcome of its form with the page
//! again when refused ([`Submitted`]). The citizens' pages keep the public path's rules:
//! the refusal of an answer or a code comes with the campaign the form is shown for.

use ntm_domain::units::Unit;
use ntm_reports::survey_xlsx::PaperRow;

use super::phones::{self, PhoneCheck, PhoneRow, PhoneStatus};
use super::{
    AnswerInput, Area, CampaignInput, CampaignResults, CampaignView, IssuedToken, NewCampaign,
    PaperCheck, PublicCampaign, Refusal,
};
use crate::authz::Actor;
use crate::page::{Submitted, again};
use crate::{App, AppError};

/// The campaign `code` of unit `unit`, for an officer who manages it (404 when it belongs to
/// another unit).
async fn of_unit(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
) -> Result<CampaignView, AppError> {
    let c = super::get(app, actor, code).await?;
    if c.unit_code != unit {
        return Err(AppError::NotFound(format!("survey {code} of unit {unit}")));
    }
    Ok(c)
}

/// The campaigns page of a unit.
#[derive(Debug, Clone)]
pub struct CampaignsPage {
    pub unit: Unit,
    /// Newest first.
    pub campaigns: Vec<CampaignView>,
}

/// The campaigns page of unit `unit` (a commune or district the actor enters data for).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit))]
pub async fn campaigns_page(
    app: &App,
    actor: &Actor,
    unit: &str,
) -> Result<CampaignsPage, AppError> {
    let u = super::unit_for_campaign(app, actor, unit).await?;
    let campaigns = super::list(app, actor, unit).await?;
    Ok(CampaignsPage { unit: u, campaigns })
}

/// A criteria set a campaign may be for.
#[derive(Debug, Clone)]
pub struct SetTitle {
    pub id: String,
    pub title_vi: String,
    pub title_en: Option<String>,
}

/// The campaign form (create or edit): the unit, the campaign being edited, the sets.
#[derive(Debug, Clone)]
pub struct CampaignFormPage {
    pub unit_code: String,
    pub unit_name: String,
    /// `None`: creating.
    pub campaign: Option<CampaignView>,
    /// Every set of the catalogue, one per id.
    pub sets: Vec<SetTitle>,
}

fn set_titles(app: &App) -> Vec<SetTitle> {
    let mut out: Vec<SetTitle> = Vec::new();
    for s in app.catalog.sets() {
        if !out.iter().any(|o| o.id == s.id) {
            out.push(SetTitle {
                id: s.id.clone(),
                title_vi: s.title_vi.clone(),
                title_en: s.title_en.clone(),
            });
        }
    }
    out
}

/// The form to create a campaign for unit `unit`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit))]
pub async fn new_campaign_page(
    app: &App,
    actor: &Actor,
    unit: &str,
) -> Result<CampaignFormPage, AppError> {
    let u = super::unit_for_campaign(app, actor, unit).await?;
    Ok(CampaignFormPage {
        unit_code: u.code,
        unit_name: u.name,
        campaign: None,
        sets: set_titles(app),
    })
}

/// The form to edit the campaign `code` of unit `unit`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn edit_campaign_page(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
) -> Result<CampaignFormPage, AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    Ok(CampaignFormPage {
        unit_code: c.unit_code.clone(),
        unit_name: c.unit_name.clone(),
        campaign: Some(c),
        sets: set_titles(app),
    })
}

/// Creates a campaign of unit `unit` (the unit checked first); refused, the form again.
/// `None`: the form did not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit))]
pub async fn create_campaign(
    app: &App,
    actor: &Actor,
    unit: &str,
    new: Option<NewCampaign>,
) -> Result<Submitted<CampaignView, CampaignFormPage>, AppError> {
    let page = new_campaign_page(app, actor, unit).await?;
    let Some(mut new) = new else {
        return Ok(Submitted::Again {
            refusal: None,
            page,
        });
    };
    new.unit_code = page.unit_code.clone();
    match super::create(app, actor, new).await {
        Ok(c) => Ok(Submitted::Done(c)),
        Err(e) => Ok(Submitted::Again {
            refusal: Some(e),
            page,
        }),
    }
}

/// Edits the campaign `code` of unit `unit`; refused, the form again. `None`: the form did
/// not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn edit_campaign(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    input: Option<CampaignInput>,
) -> Result<Submitted<CampaignView, CampaignFormPage>, AppError> {
    let page = edit_campaign_page(app, actor, unit, code).await?;
    let Some(input) = input else {
        return Ok(Submitted::Again {
            refusal: None,
            page,
        });
    };
    match super::edit(app, actor, code, input).await {
        Ok(c) => Ok(Submitted::Done(c)),
        Err(e) => Ok(Submitted::Again {
            refusal: Some(e),
            page,
        }),
    }
}

/// One campaign's page: the campaign, the areas its codes go to, its live results.
#[derive(Debug, Clone)]
pub struct CampaignPage {
    pub campaign: CampaignView,
    pub areas: Vec<Area>,
    pub results: CampaignResults,
}

/// The page of the campaign `code` of unit `unit`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn campaign_detail(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
) -> Result<CampaignPage, AppError> {
    let campaign = of_unit(app, actor, unit, code).await?;
    page_of(app, actor, campaign).await
}

async fn page_of(
    app: &App,
    actor: &Actor,
    campaign: CampaignView,
) -> Result<CampaignPage, AppError> {
    let areas = super::areas(app, &campaign.unit_code).await?;
    let results = super::results(app, actor, &campaign.code).await?;
    Ok(CampaignPage {
        campaign,
        areas,
        results,
    })
}

/// What an officer does from a campaign's page.
#[derive(Debug, Clone)]
pub enum CampaignAction {
    Open,
    Close,
    /// One-time codes per hamlet: `(hamlet code, how many)`.
    IssueTokens(Vec<(String, u32)>),
    /// Households per hamlet and the campaign's total when hamlets are unknown.
    SetHouseholds {
        per_area: Vec<(String, Option<u32>)>,
        total: Option<u32>,
    },
}

/// A campaign action done: the campaign (as before the action) and the codes issued (shown
/// once; empty for the other actions).
#[derive(Debug, Clone)]
pub struct CampaignDone {
    pub campaign: CampaignView,
    pub tokens: Vec<IssuedToken>,
}

/// An action on the campaign `code` of unit `unit` (the campaign checked first); refused,
/// the campaign's page again. `None`: the form did not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn campaign_action(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    action: Option<CampaignAction>,
) -> Result<Submitted<CampaignDone, CampaignPage>, AppError> {
    let campaign = of_unit(app, actor, unit, code).await?;
    let result = match action {
        None => {
            return Ok(Submitted::Again {
                refusal: None,
                page: page_of(app, actor, campaign).await?,
            });
        }
        Some(CampaignAction::Open) => super::open(app, actor, code).await.map(|_| Vec::new()),
        Some(CampaignAction::Close) => super::close(app, actor, code).await.map(|_| Vec::new()),
        Some(CampaignAction::IssueTokens(per_area)) => {
            super::issue_tokens(app, actor, code, &per_area).await
        }
        Some(CampaignAction::SetHouseholds { per_area, total }) => {
            super::set_households(app, actor, code, &per_area, total)
                .await
                .map(|()| Vec::new())
        }
    };
    match result {
        Ok(tokens) => Ok(Submitted::Done(CampaignDone { campaign, tokens })),
        Err(e) => Ok(Submitted::Again {
            refusal: Some(e),
            page: page_of(app, actor, campaign).await?,
        }),
    }
}

/// The results page of the campaign `code` of unit `unit` (the campaign is in the results).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn results_page(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
) -> Result<CampaignResults, AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    super::results(app, actor, &c.code).await
}

/// The paper form of the campaign `code` of unit `unit` as XLSX, with `rows` blank rows.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn paper_template_of(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    rows: usize,
) -> Result<(CampaignView, Vec<u8>), AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    let bytes = super::paper_template(app, actor, &c.code, rows).await?;
    Ok((c, bytes))
}

/// What an uploaded paper file would import.
#[derive(Debug)]
pub struct PaperPreview {
    pub campaign: CampaignView,
    /// The file's name (empty without a file).
    pub file_name: String,
    pub rows: Vec<PaperRow>,
    /// The check of the rows, or why the file was refused (no file, unreadable, closed…).
    pub check: Result<PaperCheck, AppError>,
}

/// Reads and checks an uploaded paper file for the campaign `code` of unit `unit`, without
/// writing.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn paper_preview(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    file: Option<(String, Vec<u8>)>,
) -> Result<PaperPreview, AppError> {
    let campaign = of_unit(app, actor, unit, code).await?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(PaperPreview {
            campaign,
            file_name: String::new(),
            rows: Vec::new(),
            check: Err(AppError::invalid("file", "chưa chọn tệp (no file)")),
        });
    };
    let rows = match super::read_paper(bytes, file_name.clone()).await {
        Ok(r) => r,
        Err(e) => {
            return Ok(PaperPreview {
                campaign,
                file_name,
                rows: Vec::new(),
                check: Err(e),
            });
        }
    };
    let check = super::paper_check(app, actor, &campaign.code, &rows).await;
    Ok(PaperPreview {
        campaign,
        file_name,
        rows,
        check,
    })
}

/// Imports the paper rows posted back from a preview (all or nothing): how many answers,
/// or why not, with the campaign the page shows.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn paper_import(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    file_name: &str,
    rows: &[PaperRow],
) -> Result<(CampaignView, Result<usize, AppError>), AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    let r = super::paper_apply(app, actor, &c.code, file_name, rows).await;
    Ok((c, r))
}

/// The phone list page of a campaign.
#[derive(Debug, Clone)]
pub struct PhonesPage {
    pub campaign: CampaignView,
    pub status: PhoneStatus,
}

/// The phone list page of the campaign `code` of unit `unit`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn phones_page(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
) -> Result<PhonesPage, AppError> {
    let campaign = of_unit(app, actor, unit, code).await?;
    let status = phones::status(app, actor, &campaign.code).await?;
    Ok(PhonesPage { campaign, status })
}

/// An uploaded phone list, read and checked.
#[derive(Debug)]
pub enum PhonesUpload {
    NoFile,
    /// The file could not be read as a list.
    Unreadable(AppError),
    Checked {
        rows: Vec<PhoneRow>,
        check: PhoneCheck,
    },
}

/// Reads and checks an uploaded phone list for the campaign `code` of unit `unit`, without
/// writing; with the page it is shown on and the file's name.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn phones_preview(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    file: Option<(String, Vec<u8>)>,
) -> Result<(PhonesPage, String, PhonesUpload), AppError> {
    let page = phones_page(app, actor, unit, code).await?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok((page, String::new(), PhonesUpload::NoFile));
    };
    let rows = match phones::read_list(bytes, name.clone()).await {
        Ok(r) => r,
        Err(e) => return Ok((page, name, PhonesUpload::Unreadable(e))),
    };
    let check = phones::check(app, actor, &page.campaign.code, &rows).await?;
    Ok((page, name, PhonesUpload::Checked { rows, check }))
}

/// Stores the phone list posted back from a preview; refused, the page again.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn phones_import(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    file_name: &str,
    rows: &[PhoneRow],
) -> Result<Submitted<CampaignView, PhonesPage>, AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    let r = phones::apply(app, actor, &c.code, file_name, rows)
        .await
        .map(|_| c.clone());
    again(r, phones_page(app, actor, unit, code)).await
}

/// Turns phone answers on or off for the campaign `code` of unit `unit`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit, campaign = %code))]
pub async fn phones_switch(
    app: &App,
    actor: &Actor,
    unit: &str,
    code: &str,
    enabled: bool,
) -> Result<CampaignView, AppError> {
    let c = of_unit(app, actor, unit, code).await?;
    phones::set_enabled(app, actor, &c.code, enabled).await?;
    Ok(c)
}

/// The public form after a refused answer or code request: why, and the campaign the form
/// is shown for (`None`: not found; `Err`: the lookup failed). Not looked up for the
/// refusals that have a page of their own (not found, too many requests, internal).
#[derive(Debug)]
pub struct PublicRefusal {
    pub refusal: Refusal,
    pub campaign: Result<Option<PublicCampaign>, AppError>,
}

/// The campaign for the public page: `None` when not found.
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn public_page(app: &App, code: &str) -> Result<Option<PublicCampaign>, AppError> {
    match super::public_campaign(app, code).await {
        Ok(c) => Ok(Some(c)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn refusal_page(app: &App, code: &str, refusal: Refusal) -> PublicRefusal {
    let campaign = match refusal {
        Refusal::NotFound | Refusal::RateLimited { .. } | Refusal::Internal(_) => Ok(None),
        _ => public_page(app, code).await,
    };
    PublicRefusal { refusal, campaign }
}

/// A citizen's answer from the public form ([`super::answer`], no login); refused, with the
/// campaign to show the form again.
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn answer_page(
    app: &App,
    origin: &str,
    code: &str,
    input: AnswerInput,
) -> Result<(), PublicRefusal> {
    match super::answer(app, origin, code, input).await {
        Ok(()) => Ok(()),
        Err(r) => Err(refusal_page(app, code, r).await),
    }
}

/// Sends the one-time code ([`super::send_code`], no login) and returns the campaign to show
/// the form again (`None`: not found); refused, with the campaign too.
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn send_code_page(
    app: &App,
    origin: &str,
    code: &str,
    phone: &str,
) -> Result<Result<Option<PublicCampaign>, AppError>, PublicRefusal> {
    match super::send_code(app, origin, code, phone).await {
        Ok(()) => Ok(public_page(app, code).await),
        Err(r) => Err(refusal_page(app, code, r).await),
    }
}
