//! Server-rendered HTML pages (askama templates under `templates/`). Every page works
//! without JavaScript: plain links, GET forms for searching, POST forms that redirect.

pub mod account;
pub mod auth;
pub mod criteria_editor;
pub mod criteria_set_xlsx;
pub mod criteria_sets;
pub mod dashboard;
pub mod dossier_pdf;
pub mod dossiers;
pub mod groups;
pub mod history;
pub mod home;
pub mod plans;
pub mod reports;
pub mod scorecard;
pub mod survey;
pub mod survey_phones;
pub mod tree;
pub mod units;
pub mod workbook;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ntm_domain::units::{Level, LineageKind, Unit};
use time::Date;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::router::AppState;

/// The largest body of any upload route (the CSRF check buffers multipart forms of
/// signed-in users up to this before the route's own limit applies).
pub fn largest_upload(upload_limit: usize) -> usize {
    upload_limit
        .max(ntm_app::criteria::MAX_EVIDENCE_BYTES + 64 * 1024)
        .max(ntm_app::dossiers::MAX_DOCUMENT_BYTES + 64 * 1024)
}

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/units", get(units::search_page))
        .route("/units/{code}", get(units::unit_page))
        .route("/units/{code}/children.xlsx", get(units::children_xlsx))
        .route("/units/{code}/dashboard", get(dashboard::dashboard_page))
        .route(
            "/units/{code}/dashboard.xlsx",
            get(dashboard::dashboard_xlsx),
        )
        .route("/units/{code}/tree", get(tree::tree))
        .route("/units/{code}/scorecard", get(scorecard::scorecard_page))
        .route(
            "/units/{code}/scorecard/history",
            get(scorecard::history_page),
        )
        .route(
            "/units/{code}/scorecard/values",
            post(scorecard::post_value),
        )
        .route(
            "/units/{code}/scorecard/status",
            post(scorecard::post_review),
        )
        .route(
            "/units/{code}/scorecard/evidence",
            get(scorecard::evidence_page)
                .post(scorecard::post_evidence)
                .layer(DefaultBodyLimit::max(
                    ntm_app::criteria::MAX_EVIDENCE_BYTES + 64 * 1024,
                )),
        )
        .route("/evidence/{id}", get(scorecard::download_evidence))
        .route("/units/{code}/hamlets", post(units::add_hamlet))
        .route(
            "/units/{code}/hamlets/import",
            post(units::import_hamlets).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/workbook", get(workbook::workbook_page))
        .route(
            "/units/{code}/workbook/template.xlsx",
            get(workbook::template_xlsx),
        )
        .route(
            "/units/{code}/workbook/results.xlsx",
            get(workbook::results_xlsx),
        )
        .route(
            "/units/{code}/workbook/preview",
            post(workbook::preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/workbook/apply", post(workbook::apply))
        .route(
            "/units/{code}/groups",
            get(groups::page).post(groups::assign),
        )
        .route("/units/{code}/groups/template.xlsx", get(groups::template))
        .route(
            "/units/{code}/groups/upload",
            post(groups::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/units/{code}/groups/apply", post(groups::apply))
        .route(
            "/criteria-sets/shipped/{id}/{version}/export.xlsx",
            get(criteria_set_xlsx::shipped_xlsx),
        )
        .route(
            "/criteria-versions/{id}/export.xlsx",
            get(criteria_set_xlsx::version_xlsx),
        )
        .route(
            "/criteria-versions/{id}/xlsx-import",
            get(criteria_set_xlsx::import_form)
                .post(criteria_set_xlsx::import_preview)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/criteria-versions/{id}/xlsx-import/apply",
            post(criteria_set_xlsx::import_apply),
        )
        .route("/units/{code}/plans", get(plans::list))
        .route("/plans/{id}", get(plans::page))
        .route("/plans/{id}/plan.xlsx", get(plans::xlsx))
        .route("/plans/{id}/targets/{target}", get(plans::target))
        .route(
            "/plans/{id}/measures",
            get(plans::measures_page).post(plans::measures_post),
        )
        .route("/plans/{id}/tasks/{task}", post(plans::task_post))
        .route(
            "/units/{code}/criteria-sets",
            get(criteria_sets::province_page),
        )
        .route("/criteria-sets/national", get(criteria_sets::national_page))
        .route("/criteria-sets/{scope}/new", post(criteria_sets::create))
        .route(
            "/criteria-sets/{scope}/import",
            post(criteria_sets::import).layer(DefaultBodyLimit::max(
                ntm_app::provincial::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/criteria-sets/shipped/{id}/{version}/export.yaml",
            get(criteria_sets::shipped_yaml),
        )
        .route(
            "/criteria-versions/{id}",
            get(criteria_editor::version_page),
        )
        .route(
            "/criteria-versions/{id}/meta",
            post(criteria_editor::post_meta),
        )
        .route(
            "/criteria-versions/{id}/criteria",
            post(criteria_editor::post_criterion),
        )
        .route(
            "/criteria-versions/{id}/remove",
            post(criteria_editor::post_remove),
        )
        .route(
            "/criteria-versions/{id}/indicator",
            get(criteria_editor::indicator_page)
                .post(criteria_editor::post_indicator)
                .layer(DefaultBodyLimit::max(
                    ntm_app::criteria_sets::edit::MAX_BASIS_FILE_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/criteria-versions/{id}/publish",
            get(criteria_editor::publish_page).post(criteria_editor::post_publish),
        )
        .route(
            "/criteria-versions/{id}/export.yaml",
            get(criteria_editor::export_yaml),
        )
        .route(
            "/criteria-versions/{id}/files/{sha}",
            get(criteria_editor::basis_file),
        )
        .route("/dossiers/{id}/pdf", get(dossier_pdf::dossier_pdf))
        .route("/units/{code}/reports", get(reports::list))
        .route("/units/{code}/reports/open", post(reports::open))
        .route("/units/{code}/reports/close", post(reports::close))
        .route("/reports/{id}", get(reports::page))
        .route("/reports/{id}/narrative", post(reports::save))
        .route("/reports/{id}/submit", post(reports::submit))
        .route("/reports/{id}/accept", post(reports::accept))
        .route("/reports/{id}/return", post(reports::return_report))
        .route("/reports/{id}/report.xlsx", get(reports::xlsx))
        .route("/reports/{id}/report.pdf", get(reports::pdf))
        .route(
            "/units/{code}/dossiers",
            get(dossiers::list_page).post(dossiers::create),
        )
        .route("/dossiers/{id}", get(dossiers::detail_page))
        .route("/dossiers/{id}/act", post(dossiers::act))
        .route(
            "/dossiers/{id}/documents",
            post(dossiers::upload).layer(DefaultBodyLimit::max(
                ntm_app::dossiers::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route("/dossier-documents/{id}", get(dossiers::download))
        .route("/notifications", get(dossiers::notifications_page))
        .route("/account", get(account::account_page))
        .route("/account/email", post(account::set_email))
        .route("/notifications/read", post(dossiers::mark_read))
        .route(
            "/units/{code}/procedure-settings",
            get(dossiers::settings_page).post(dossiers::settings_post),
        )
        .route(
            "/units/{code}/surveys",
            get(survey::list_page).post(survey::create),
        )
        .route("/units/{code}/surveys/new", get(survey::new_page))
        .route("/units/{code}/surveys/{survey}", get(survey::campaign_page))
        .route(
            "/units/{code}/surveys/{survey}/edit",
            get(survey::edit_page).post(survey::edit),
        )
        .route("/units/{code}/surveys/{survey}/open", post(survey::open))
        .route("/units/{code}/surveys/{survey}/close", post(survey::close))
        .route(
            "/units/{code}/surveys/{survey}/tokens",
            post(survey::issue_tokens),
        )
        .route(
            "/units/{code}/surveys/{survey}/households",
            post(survey::set_households),
        )
        .route(
            "/units/{code}/surveys/{survey}/results",
            get(survey::results_page),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/template.xlsx",
            get(survey::paper_template),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/preview",
            post(survey::paper_preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/units/{code}/surveys/{survey}/paper/apply",
            post(survey::paper_apply),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones",
            get(survey_phones::phones_page),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/preview",
            post(survey_phones::phones_preview).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/apply",
            post(survey_phones::phones_apply),
        )
        .route(
            "/units/{code}/surveys/{survey}/phones/enabled",
            post(survey_phones::phones_enabled),
        )
        .route(
            "/s/{code}",
            get(survey::public_form).post(survey::public_submit),
        )
        .route("/s/{code}/cam-on", get(survey::public_thanks))
        .route("/s/{code}/qr.svg", get(survey::qr_svg))
        .route("/s/{code}/qr.png", get(survey::qr_png))
}

/// Renders a template as an HTML response with `status`.
pub fn render<T: Template>(t: &T, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => {
            let mut res = (status, html).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn html<T: Template>(t: &T) -> Result<Response, WebError> {
    Ok(render(t, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: Ctx,
    pub status: u16,
    pub title: String,
    pub message: String,
    pub details: Vec<String>,
}

/// `?date=` of a date the user chose, or nothing for today.
pub fn date_query(date: Option<Date>) -> String {
    match date {
        Some(d) => format!("?date={d}"),
        None => String::new(),
    }
}

/// Parses an optional `date` parameter (`YYYY-MM-DD`, or `dd/mm/yyyy`).
pub fn parse_date_param(s: Option<&str>) -> Result<Option<Date>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match ntm_domain::text::parse_date(s) {
            Some(d) => Ok(Some(d)),
            None => Err(WebError::invalid(
                "date",
                format!("\"{s}\" is not a valid date; use YYYY-MM-DD"),
            )
            .with_message("error-bad-date", s)),
        },
    }
}

pub fn level_label(lang: Lang, level: Level) -> String {
    lang.t(&format!("level-{}", level.as_str()))
}

pub fn lineage_label(lang: Lang, kind: LineageKind) -> String {
    lang.t(&format!("lineage-{}", kind.as_str()))
}

/// "từ 01/07/2025", "đến 01/07/2025", "từ … đến …".
pub fn validity(lang: Lang, u: &Unit) -> String {
    match (u.valid_from, u.valid_to) {
        (None, None) => lang.t("validity-always"),
        (Some(f), None) => lang.t1("validity-from", lang.date(f)),
        (None, Some(t)) => lang.t1("validity-until", lang.date(t)),
        (Some(f), Some(t)) => lang.t_args(
            "validity-range",
            &[("from", lang.date(f).into()), ("to", lang.date(t).into())],
        ),
    }
}

/// A date on which `u` is valid, preferring `prefer` (for links to another version).
pub fn date_inside(u: &Unit, prefer: Date) -> Option<Date> {
    if u.is_valid_on(prefer) {
        return Some(prefer);
    }
    if let Some(f) = u.valid_from {
        return Some(f);
    }
    u.valid_to.and_then(|t| t.previous_day())
}

/// Link to the page of `u` as it was on a date when it is valid.
pub fn unit_href(u: &Unit, prefer: Date, today: Date) -> String {
    match date_inside(u, prefer) {
        Some(d) if d != today || !u.is_valid_on(today) => format!("/units/{}?date={d}", u.code),
        _ => format!("/units/{}", u.code),
    }
}

/// One unit in a table of units.
#[derive(Debug, Clone)]
pub struct UnitRowView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub href: String,
    pub validity: String,
}

impl UnitRowView {
    pub fn new(ctx: &Ctx, u: &Unit, prefer: Date) -> UnitRowView {
        UnitRowView {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            level: level_label(ctx.lang, u.level),
            href: unit_href(u, prefer, ctx.today),
            validity: validity(ctx.lang, u),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn unit(from: Option<Date>, to: Option<Date>) -> Unit {
        Unit {
            id: uuid::Uuid::nil(),
            code: "84".into(),
            name: "Tỉnh Trà Vinh".into(),
            kind: "Tỉnh".into(),
            level: Level::Province,
            parent_code: None,
            path: "/84/".into(),
            province_code: "84".into(),
            region: None,
            valid_from: from,
            valid_to: to,
            search_key: "tinh tra vinh".into(),
        }
    }

    #[test]
    fn validity_texts() {
        let d = date!(2025 - 07 - 01);
        assert_eq!(validity(Lang::Vi, &unit(None, Some(d))), "đến 01/07/2025");
        assert_eq!(validity(Lang::Vi, &unit(Some(d), None)), "từ 01/07/2025");
        assert_eq!(validity(Lang::En, &unit(Some(d), None)), "from 01/07/2025");
    }

    #[test]
    fn links_carry_a_date_inside_the_validity() {
        let today = date!(2026 - 01 - 01);
        let old = unit(None, Some(date!(2025 - 07 - 01)));
        assert_eq!(unit_href(&old, today, today), "/units/84?date=2025-06-30");
        assert_eq!(
            unit_href(&old, date!(2024 - 01 - 01), today),
            "/units/84?date=2024-01-01"
        );
        let new = unit(Some(date!(2025 - 07 - 01)), None);
        assert_eq!(unit_href(&new, today, today), "/units/84");
        assert_eq!(
            unit_href(&new, date!(2020 - 01 - 01), today),
            "/units/84?date=2025-07-01"
        );
    }
}
