//! Rendering helpers shared by pages, the API documentation page and error responses:
//! templates to responses, unit labels and links. Pages and API depend on this module, never
//! on each other.

pub mod download;
pub mod filters;
pub mod format;
pub mod pdf;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ntm_domain::units::{Level, LineageKind, Unit};
use time::Date;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::urls::Urls;

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
        Some(d) if d != today || !u.is_valid_on(today) => Urls::unit_on(&u.code, d),
        _ => Urls::unit(&u.code),
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
