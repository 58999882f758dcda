//! `GET /areas/{id}`: one area with its maps, certifications and seasons; the forms that add
//! a certification or a season post here and come back with what was typed when refused.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::areas::{AreaDetail, NewCertification, NewSeason};
use ntm_app::page::Submitted;
use ntm_domain::area::{AreaComparison, CertKind, CertStatus};
use serde::Deserialize;

use super::{computed_text, ha_text, refusal_lines};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::maps::area_maps;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct CertFormData {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SeasonFormData {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub crop: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
}

#[derive(Debug, Deserialize)]
pub struct AreaParams {
    pub flash: Option<String>,
}

pub struct CertRow {
    pub kind: String,
    pub number: String,
    pub issuer: String,
    pub validity: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct SeasonRow {
    pub name: String,
    pub crop: String,
    pub period: String,
    pub current: bool,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "area_page.html")]
pub struct AreaPage {
    pub ctx: Ctx,
    pub code: String,
    pub crop: String,
    pub unit_name: String,
    pub unit_href: String,
    pub list_href: String,
    pub declared: String,
    pub computed: String,
    pub mismatch: Option<String>,
    pub boundary_checked: bool,
    pub boundary_notice: Option<String>,
    pub owners: Vec<String>,
    pub sample: bool,
    pub map_svg: String,
    pub certs: Vec<CertRow>,
    pub seasons: Vec<SeasonRow>,
    pub may_manage: bool,
    pub edit_href: String,
    pub cert_action: String,
    pub season_action: String,
    pub kinds: Vec<KindOption>,
    pub cert_form: CertFormData,
    pub cert_errors: Vec<String>,
    pub season_form: SeasonFormData,
    pub season_errors: Vec<String>,
    pub flash: Option<String>,
}

fn status_text(ctx: &Ctx, s: CertStatus) -> (String, &'static str) {
    match s {
        CertStatus::Valid => (ctx.t("areas-status-valid"), "tag-ok"),
        CertStatus::Expiring { days_left } => (
            ctx.t1("areas-status-expiring", &days_left.to_string()),
            "tag-warn",
        ),
        CertStatus::Expired => (ctx.t("areas-status-expired"), "tag-bad"),
        CertStatus::NotYetValid => (ctx.t("areas-status-not-yet"), "tag-muted"),
    }
}

fn build(ctx: Ctx, d: AreaDetail, flash: Option<String>) -> AreaPage {
    let lang = ctx.lang;
    let title = ctx.t1("areas-map-title", &d.area.code);
    let desc = ctx.t1("areas-map-desc", &d.unit.name);
    let close = ctx.t1("areas-map-close", &d.area.code);
    let map_svg = d
        .shape
        .as_ref()
        .map(|s| {
            area_maps(
                "area-map",
                s,
                d.boundary.as_ref().map(|(_, o)| o),
                &title,
                &desc,
                &close,
            )
        })
        .unwrap_or_default();
    let mismatch = match d.comparison {
        AreaComparison::Differs { ratio } => Some(ctx.t1(
            "areas-mismatch",
            &format!("{}", (ratio * 100.0).round() as i64),
        )),
        AreaComparison::Close => None,
    };
    let certs = d
        .certifications
        .iter()
        .map(|c| {
            let (status, status_class) = status_text(&ctx, c.status);
            let r = &c.certification;
            CertRow {
                kind: match &r.scheme {
                    Some(s) => format!("{} ({s})", ctx.t(&format!("areas-cert-{}", r.kind))),
                    None => ctx.t(&format!("areas-cert-{}", r.kind)),
                },
                number: r.certificate_no.clone(),
                issuer: r.issuer.clone(),
                validity: format!("{} – {}", ctx.date(r.valid_from), ctx.date(r.valid_until)),
                status,
                status_class,
            }
        })
        .collect();
    let seasons = d
        .seasons
        .iter()
        .map(|s| SeasonRow {
            name: s.name.clone(),
            crop: s.crop.clone().unwrap_or_default(),
            period: match s.ends_on {
                Some(e) => format!("{} – {}", ctx.date(s.starts_on), ctx.date(e)),
                None => format!("{} –", ctx.date(s.starts_on)),
            },
            current: s.starts_on <= d.today && s.ends_on.is_none_or(|e| d.today <= e),
        })
        .collect();
    let boundary_notice = d.boundary.as_ref().map(|(b, _)| {
        ctx.t1(
            "areas-boundary-notice",
            &format!("{} — {}", b.source, b.licence),
        )
    });
    AreaPage {
        code: d.area.code.clone(),
        crop: d.area.crop.clone(),
        unit_name: d.unit.name.clone(),
        unit_href: Urls::unit(&d.unit.code),
        list_href: Urls::unit_areas(&d.unit.code),
        declared: ha_text(lang, d.area.hectares_x100),
        computed: computed_text(lang, d.area.computed_ha),
        mismatch,
        boundary_checked: d.area.boundary_checked,
        boundary_notice,
        owners: d.owners.iter().map(|p| p.name.clone()).collect(),
        sample: d.area.sample,
        map_svg,
        certs,
        seasons,
        may_manage: d.may_manage,
        edit_href: Urls::area_edit(d.area.id),
        cert_action: Urls::area_certifications(d.area.id),
        season_action: Urls::area_seasons(d.area.id),
        kinds: Vec::new(),
        cert_form: CertFormData::default(),
        cert_errors: Vec::new(),
        season_form: SeasonFormData::default(),
        season_errors: Vec::new(),
        flash,
        ctx,
    }
}

fn with_kinds(mut p: AreaPage) -> AreaPage {
    let chosen = p.cert_form.kind.clone();
    p.kinds = CertKind::ALL
        .iter()
        .map(|k| KindOption {
            value: k.as_str(),
            label: p.ctx.t(&format!("areas-cert-{}", k.as_str())),
            selected: k.as_str() == chosen,
        })
        .collect();
    p
}

pub async fn area_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AreaParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let d = ntm_app::areas::area_detail(&st.app, &ctx.actor(), id).await?;
    let flash = q
        .flash
        .as_deref()
        .filter(|f| ["registered", "saved", "certification", "season"].contains(f))
        .map(|f| ctx.t(&format!("areas-flash-{f}")));
    Ok(render(&with_kinds(build(ctx, d, flash)), StatusCode::OK))
}

fn date(s: &str) -> Option<time::Date> {
    ntm_domain::text::parse_date(s.trim())
}

/// `POST /areas/{id}/certifications`
pub async fn add_certification(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CertFormData>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let input = NewCertification {
        kind: f.kind.clone(),
        scheme: f.scheme.clone(),
        certificate_no: f.certificate_no.clone(),
        issuer: f.issuer.clone(),
        valid_from: date(&f.valid_from),
        valid_until: date(&f.valid_until),
    };
    match ntm_app::areas::certification_on_page(&st.app, &ctx.actor(), id, input).await? {
        Submitted::Done(_) => Ok(Redirect::to(&format!(
            "{}#certifications",
            Urls::area_done(id, "certification")
        ))
        .into_response()),
        Submitted::Again { refusal, page } => {
            let errors = refusal
                .map(|e| refusal_lines(ctx.lang, &e))
                .unwrap_or_default();
            let mut p = build(ctx, page, None);
            p.cert_form = f;
            p.cert_errors = errors;
            Ok(render(&with_kinds(p), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// `POST /areas/{id}/seasons`
pub async fn add_season(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SeasonFormData>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let input = NewSeason {
        name: f.name.clone(),
        crop: f.crop.clone(),
        starts_on: date(&f.starts_on),
        ends_on: date(&f.ends_on),
        ends_on_unreadable: !f.ends_on.trim().is_empty() && date(&f.ends_on).is_none(),
    };
    match ntm_app::areas::season_on_page(&st.app, &ctx.actor(), id, input).await? {
        Submitted::Done(_) => {
            Ok(Redirect::to(&format!("{}#seasons", Urls::area_done(id, "season"))).into_response())
        }
        Submitted::Again { refusal, page } => {
            let errors = refusal
                .map(|e| refusal_lines(ctx.lang, &e))
                .unwrap_or_default();
            let mut p = build(ctx, page, None);
            p.season_form = f;
            p.season_errors = errors;
            Ok(render(&with_kinds(p), StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
