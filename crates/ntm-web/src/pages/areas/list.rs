//! `GET /units/{code}/areas` and its XLSX.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{computed_text, ha_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::render;

pub struct AreaListRow {
    pub href: String,
    pub code: String,
    pub crop: String,
    pub commune: String,
    pub declared: String,
    pub computed: String,
    pub owners: String,
    pub certifications: String,
    pub boundary_checked: bool,
    pub sample: bool,
}

#[derive(Template)]
#[template(path = "areas_list.html")]
pub struct AreaListPage {
    pub ctx: Ctx,
    pub code: String,
    pub unit_name: String,
    pub unit_href: String,
    pub new_href: Option<String>,
    pub xlsx_href: String,
    pub rows: Vec<AreaListRow>,
}

pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let view = ntm_app::areas::unit_areas(&st.app, &ctx.actor(), &code).await?;
    let lang = ctx.lang;
    let rows = view
        .areas
        .iter()
        .map(|r| AreaListRow {
            href: Urls::area(r.area.id),
            code: r.area.code.clone(),
            crop: r.area.crop.clone(),
            commune: r.area.unit_code.clone(),
            declared: ha_text(lang, r.area.hectares_x100),
            computed: computed_text(lang, r.area.computed_ha),
            owners: r.owners.join(", "),
            certifications: r
                .valid_certifications
                .iter()
                .map(|k| lang.t(&format!("areas-cert-{k}")))
                .collect::<Vec<_>>()
                .join(", "),
            boundary_checked: r.area.boundary_checked,
            sample: r.area.sample,
        })
        .collect();
    let page = AreaListPage {
        unit_name: view.unit.name.clone(),
        unit_href: Urls::unit(&view.unit.code),
        new_href: view.may_register.then(|| Urls::area_new(&view.unit.code)),
        xlsx_href: Urls::unit_areas_xlsx(&view.unit.code),
        rows,
        code: view.unit.code,
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}

/// `GET /units/{code}/areas.xlsx`: the list as a table (`ntm_app::exports::areas_xlsx`).
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let f = ntm_app::exports::areas_xlsx(&st.app, &ctx.actor(), &code, &ctx.lang).await?;
    Ok(attachment(f.bytes, XLSX, &f.file_name))
}
