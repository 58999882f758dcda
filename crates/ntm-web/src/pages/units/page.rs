//! One unit on a date: its ancestors, children, lineage and versions, the links to its
//! work pages, its hamlet forms; the children as XLSX. Filled from `ntm_app::units::page`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ntm_app::AppError;
use ntm_domain::units::Level;
use serde::Deserialize;
use time::Date;

use super::Crumb;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::parse_date_param;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{UnitRowView, html, level_label, lineage_label, unit_href, validity};

/// Kinds of hamlet offered in the form: (stored value, catalog key).
pub(super) const HAMLET_KINDS: [(&str, &str); 7] = [
    ("Ấp", "hamlet-kind-ap"),
    ("Thôn", "hamlet-kind-thon"),
    ("Xóm", "hamlet-kind-xom"),
    ("Bản", "hamlet-kind-ban"),
    ("Buôn", "hamlet-kind-buon"),
    ("Khóm", "hamlet-kind-khom"),
    ("Tổ dân phố", "hamlet-kind-to-dan-pho"),
];

/// A lineage link: another unit and how it relates to this one.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub href: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub date: String,
}

#[derive(Debug, Clone)]
pub struct VersionView {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub validity: String,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct WorkLinks {
    pub scorecard: Option<String>,
    pub dashboard: Option<String>,
    pub workbook: String,
}

#[derive(Debug, Clone, Default)]
pub struct HamletFormView {
    pub name: String,
    pub kind: String,
    pub code: String,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct KindOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitPage {
    pub ctx: Ctx,
    pub date_value: String,
    pub date_text: String,
    pub is_today: bool,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub region: Option<String>,
    pub validity: String,
    pub unit_path: String,
    pub crumbs: Vec<Crumb>,
    pub children_title: String,
    pub children: Vec<UnitRowView>,
    pub predecessors: Vec<LinkView>,
    pub successors: Vec<LinkView>,
    pub versions: Vec<VersionView>,
    pub xlsx_href: String,
    /// The children as a tree (on the chosen date).
    pub tree_href: String,
    pub is_commune: bool,
    /// Links to the evaluation pages: a scorecard (commune, hamlet) or a dashboard (above),
    /// the Excel round trip and the tree; for users who may view the unit's data.
    pub work_links: Option<WorkLinks>,
    pub can_edit: bool,
    pub form: HamletFormView,
    pub kinds: Vec<KindOption>,
    pub import_errors: Vec<String>,
    pub flash: Option<String>,
    /// Units merged into this one ("Trước sáp nhập"), with links to their pages.
    pub history: Vec<crate::pages::history::HistoryItem>,
    /// The addresses the page links and posts to.
    pub links: UnitLinks,
}

/// The addresses of a unit page's links and forms.
#[derive(Debug, Clone)]
pub struct UnitLinks {
    pub page: String,
    pub dossiers: String,
    pub surveys: String,
    pub reports: String,
    pub hamlets: String,
    pub hamlets_import: String,
}

impl UnitLinks {
    fn of(code: &str) -> UnitLinks {
        UnitLinks {
            page: Urls::unit(code),
            dossiers: Urls::dossiers(code),
            surveys: Urls::surveys(code),
            reports: Urls::reports(code),
            hamlets: Urls::unit_hamlets(code),
            hamlets_import: Urls::unit_hamlets_import(code),
        }
    }
}

impl UnitPage {
    pub(super) fn set_form(&mut self, form: HamletFormView) {
        self.kinds = kind_options(self.ctx.lang, &form.kind);
        self.form = form;
    }
}

fn kind_options(lang: Lang, selected: &str) -> Vec<KindOption> {
    HAMLET_KINDS
        .iter()
        .map(|(v, key)| KindOption {
            value: v.to_string(),
            label: lang.t(key),
            selected: *v == selected,
        })
        .collect()
}

pub(super) fn unit_error(e: AppError, code: &str) -> WebError {
    match e {
        AppError::NotFound(_) => WebError::from(e).with_message("error-unit-not-found", code),
        e => e.into(),
    }
}

/// The page from its use case's data (`chosen`: the date asked for, if any).
pub(super) fn build_unit_page(
    ctx: Ctx,
    data: ntm_app::units::UnitPage,
    chosen: Option<Date>,
) -> UnitPage {
    let lang = ctx.lang;
    let ntm_app::units::UnitPage {
        view,
        can_view,
        can_edit_hamlets: can_edit,
        history,
    } = data;
    let today = ctx.today;
    let date = view.date;
    let u = &view.unit;
    let crumbs = view
        .ancestors
        .iter()
        .map(|a| Crumb {
            href: unit_href(a, date, today),
            name: a.name.clone(),
        })
        .collect();
    let children = view
        .children
        .iter()
        .map(|c| UnitRowView::new(&ctx, c, date))
        .collect::<Vec<_>>();
    let predecessors = view
        .predecessors
        .iter()
        .map(|(l, p)| LinkView {
            href: unit_href(p, l.effective.previous_day().unwrap_or(l.effective), today),
            code: p.code.clone(),
            name: p.name.clone(),
            kind: lineage_label(lang, l.kind),
            date: lang.date(l.effective),
        })
        .collect();
    let successors = view
        .successors
        .iter()
        .map(|(l, s)| LinkView {
            href: unit_href(s, l.effective, today),
            code: s.code.clone(),
            name: s.name.clone(),
            kind: lineage_label(lang, l.kind),
            date: lang.date(l.effective),
        })
        .collect();
    let versions = view
        .versions
        .iter()
        .map(|v| VersionView {
            href: unit_href(v, v.valid_from.unwrap_or(date), today),
            name: v.name.clone(),
            kind: v.kind.clone(),
            validity: validity(lang, v),
            current: v.id == u.id,
        })
        .collect();
    let is_commune = u.level == Level::Commune;
    let shown = chosen.filter(|d| *d != today);
    let year = shown.map(|d| d.year());
    let work_links = can_view.then(|| WorkLinks {
        scorecard: (u.level >= Level::Commune).then(|| Urls::scorecard_year(&u.code, year)),
        dashboard: (u.level < Level::Commune).then(|| Urls::dashboard_year(&u.code, year)),
        workbook: Urls::workbook_year(&u.code, year),
    });
    UnitPage {
        date_value: date.to_string(),
        date_text: lang.date(date),
        is_today: date == today,
        code: u.code.clone(),
        name: u.name.clone(),
        kind: u.kind.clone(),
        level: level_label(lang, u.level),
        region: u.region.map(|r| lang.t(&format!("region-{}", r.code()))),
        validity: validity(lang, u),
        unit_path: u.path.clone(),
        crumbs,
        children_title: lang.t_count("unit-children", children.len() as i64),
        children,
        predecessors,
        successors,
        versions,
        xlsx_href: Urls::unit_children_xlsx(&u.code, shown),
        tree_href: Urls::tree(&u.code, shown),
        is_commune,
        work_links,
        can_edit,
        form: HamletFormView {
            kind: "Ấp".into(),
            ..Default::default()
        },
        kinds: kind_options(lang, "Ấp"),
        import_errors: Vec::new(),
        flash: None,
        history: crate::pages::history::of(&ctx, history),
        links: UnitLinks::of(&u.code),
        ctx,
    }
}

#[derive(Debug, Deserialize)]
pub struct UnitParams {
    pub date: Option<String>,
    pub flash: Option<String>,
    pub n: Option<i64>,
    pub u: Option<i64>,
}

pub async fn unit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<UnitParams>,
) -> Result<Response, WebError> {
    let chosen = parse_date_param(p.date.as_deref())?;
    let data = ntm_app::units::page(&st.app, &ctx.actor(), &code, chosen)
        .await
        .map_err(|e| unit_error(e, &code))?;
    let mut page = build_unit_page(ctx, data, chosen);
    let lang = page.ctx.lang;
    page.flash = match p.flash.as_deref() {
        Some("added") => Some(lang.t_count("flash-added", p.n.unwrap_or(0))),
        Some("imported") => Some(format!(
            "{} {}",
            lang.t_count("flash-imported", p.n.unwrap_or(0)),
            lang.t_count("flash-unchanged", p.u.unwrap_or(0))
        )),
        _ => None,
    };
    html(&page)
}

// ---------------------------------------------------------------- XLSX

/// `GET /units/{code}/children.xlsx?date=`: the units under a unit, made by
/// `ntm_app::exports::units_xlsx`.
pub async fn children_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<UnitParams>,
) -> Result<Response, WebError> {
    let chosen = parse_date_param(p.date.as_deref())?;
    let f = ntm_app::exports::units_xlsx(&st.app, &ctx.actor(), &code, chosen, &ctx.lang)
        .await
        .map_err(|e| unit_error(e, &code))?;
    Ok(attachment(f.bytes, XLSX, &f.file_name))
}
