//! The pages' form posts, one call each: done, or the page's data again with the refusal
//! (the form keeps what was typed: the web layer has it).

use ntm_store::{AreaCertificationRecord, AreaRecord, AreaSeasonRecord};
use uuid::Uuid;

use super::records::{NewCertification, NewSeason, add_certification, add_season};
use super::register::{AreaForm, edit_area, register_area};
use super::views::{AreaDetail, AreaFormChoices, area_detail, area_form_choices};
use crate::page::{Submitted, again};
use crate::{Actor, App, AppError};

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %form.unit_code))]
pub async fn register_on_page(
    app: &App,
    actor: &Actor,
    form: AreaForm,
) -> Result<Submitted<AreaRecord, AreaFormChoices>, AppError> {
    let code = form.unit_code.clone();
    let result = register_area(app, actor, form).await;
    again(result, area_form_choices(app, actor, &code)).await
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %id))]
pub async fn edit_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    form: AreaForm,
) -> Result<Submitted<AreaRecord, AreaDetail>, AppError> {
    let result = edit_area(app, actor, id, form).await;
    again(result, area_detail(app, actor, id)).await
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %id))]
pub async fn certification_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: NewCertification,
) -> Result<Submitted<AreaCertificationRecord, AreaDetail>, AppError> {
    let result = add_certification(app, actor, id, input).await;
    again(result, area_detail(app, actor, id)).await
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %id))]
pub async fn season_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: NewSeason,
) -> Result<Submitted<AreaSeasonRecord, AreaDetail>, AppError> {
    let result = add_season(app, actor, id, input).await;
    again(result, area_detail(app, actor, id)).await
}
