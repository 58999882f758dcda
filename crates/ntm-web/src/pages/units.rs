//! Unit pages: search, one unit on a date (with lineage and versions), the children as
//! XLSX, and adding hamlets (one by form, many by CSV/XLSX upload).

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::units::{NewHamlet, UnitView};
use ntm_domain::authz::{Permission, allows};
use ntm_domain::units::Level;
use ntm_reports::ReportError;
use serde::Deserialize;
use time::Date;

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, ErrorKind, WebError, field_error_text};
use crate::i18n::Lang;
use crate::request::parse_date_param;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{UnitRowView, html, level_label, lineage_label, render, unit_href, validity};

/// Kinds of hamlet offered in the form: (stored value, catalog key).
pub const HAMLET_KINDS: [(&str, &str); 7] = [
    ("Ấp", "hamlet-kind-ap"),
    ("Thôn", "hamlet-kind-thon"),
    ("Xóm", "hamlet-kind-xom"),
    ("Bản", "hamlet-kind-ban"),
    ("Buôn", "hamlet-kind-buon"),
    ("Khóm", "hamlet-kind-khom"),
    ("Tổ dân phố", "hamlet-kind-to-dan-pho"),
];

// ---------------------------------------------------------------- search

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub date: Option<String>,
}

#[derive(Template)]
#[template(path = "units_search.html")]
pub struct SearchPage {
    pub ctx: Ctx,
    pub q: String,
    pub date_value: String,
    pub searched: bool,
    pub summary: String,
    pub results: Vec<UnitRowView>,
    pub error: Option<String>,
}

pub async fn search_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> Result<Response, WebError> {
    let chosen = parse_date_param(p.date.as_deref())?;
    let q = p.q.unwrap_or_default().trim().to_string();
    let mut page = SearchPage {
        q: q.clone(),
        date_value: chosen.map(|d| d.to_string()).unwrap_or_default(),
        searched: !q.is_empty(),
        summary: String::new(),
        results: Vec::new(),
        error: None,
        ctx,
    };
    if q.is_empty() {
        return html(&page);
    }
    match ntm_app::units::search(&st.app, &q, chosen, 100).await {
        Ok(units) => {
            let prefer = chosen.unwrap_or(page.ctx.today);
            page.summary = page.ctx.lang.t_count("search-found", units.len() as i64);
            page.results = units
                .iter()
                .map(|u| UnitRowView::new(&page.ctx, u, prefer))
                .collect();
            html(&page)
        }
        Err(AppError::Validation(_)) => {
            page.error = Some(page.ctx.t("search-invalid"));
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- one unit

#[derive(Debug, Clone)]
pub struct Crumb {
    pub href: String,
    pub name: String,
}

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
    pub history: Vec<super::history::HistoryItem>,
}

impl UnitPage {
    fn set_form(&mut self, form: HamletFormView) {
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

fn unit_error(e: AppError, code: &str) -> WebError {
    match e {
        AppError::NotFound(_) => WebError::from(e).with_message("error-unit-not-found", code),
        e => e.into(),
    }
}

fn build_unit_page(ctx: Ctx, view: UnitView, chosen: Option<Date>, can_view: bool) -> UnitPage {
    let lang = ctx.lang;
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
    let can_edit = is_commune
        && u.is_valid_on(today)
        && ctx
            .user
            .as_ref()
            .is_some_and(|user| allows(&user.grants, Permission::EditHamlets, &u.path));
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
        history: Vec::new(),
        ctx,
    }
}

async fn load_unit_page(
    st: &AppState,
    ctx: Ctx,
    code: &str,
    chosen: Option<Date>,
) -> Result<UnitPage, WebError> {
    let view = ntm_app::units::get_unit(&st.app, code, chosen)
        .await
        .map_err(|e| unit_error(e, code))?;
    let can_view =
        ctx.user.is_some() && ntm_app::history::can_view(&st.app, &ctx.actor(), &view.unit).await?;
    let history = super::history::items(st, &ctx, code).await?;
    let mut page = build_unit_page(ctx, view, chosen, can_view);
    page.history = history;
    Ok(page)
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
    let mut page = load_unit_page(&st, ctx, &code, chosen).await?;
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

// ---------------------------------------------------------------- hamlets

#[derive(Debug, Deserialize)]
pub struct HamletFormData {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub code: String,
}

/// Loads the commune for a hamlet change and checks that the user may edit it.
async fn editable_commune(st: &AppState, ctx: &Ctx, code: &str) -> Result<UnitPage, WebError> {
    let user = ctx.require_user()?;
    let page = load_unit_page(st, ctx.clone(), code, None).await?;
    if !allows(&user.grants, Permission::EditHamlets, &page.unit_path) {
        let mut e = ErrorInfo::new(ErrorKind::Forbidden);
        e.detail = Some(format!("you may not edit hamlets of unit {code}"));
        e.message = Some(("error-hamlets-forbidden", page.name.clone()));
        return Err(WebError(e));
    }
    Ok(page)
}

fn app_errors(lang: Lang, e: &AppError) -> Option<(StatusCode, Vec<String>)> {
    match e {
        AppError::Validation(fields) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            fields.iter().map(|f| field_error_text(lang, f)).collect(),
        )),
        AppError::Conflict(m) => Some((
            StatusCode::CONFLICT,
            vec![format!("{}: {m}", lang.t("hamlet-error-conflict"))],
        )),
        _ => None,
    }
}

pub async fn add_hamlet(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<HamletFormData>,
) -> Result<Response, WebError> {
    let mut page = editable_commune(&st, &ctx, &code).await?;
    let lang = ctx.lang;
    let mut form = HamletFormView {
        name: f.name.trim().to_string(),
        kind: f.kind.trim().to_string(),
        code: f.code.trim().to_string(),
        errors: Vec::new(),
    };
    if form.name.is_empty() {
        form.errors.push(lang.t("hamlet-error-name"));
    } else if form.name.chars().count() > ntm_app::units::MAX_HAMLET_NAME_CHARS {
        form.errors.push(lang.t("hamlet-error-name-long"));
    }
    if !HAMLET_KINDS.iter().any(|(k, _)| *k == form.kind) {
        form.errors.push(lang.t("hamlet-error-kind"));
    }
    if !form.errors.is_empty() {
        page.set_form(form);
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let row = NewHamlet {
        line: 0,
        commune_code: code.clone(),
        code: Some(form.code.clone()).filter(|c| !c.is_empty()),
        name: form.name.clone(),
        kind: form.kind.clone(),
    };
    match ntm_app::units::add_hamlets(&st.app, &ctx.actor(), vec![row]).await {
        Ok(r) => Ok(Redirect::to(&Urls::unit_hamlets_added(&code, r.added.len())).into_response()),
        Err(e) => match app_errors(lang, &e) {
            Some((status, errors)) => {
                form.errors = errors;
                page.set_form(form);
                Ok(render(&page, status))
            }
            None => Err(e.into()),
        },
    }
}

fn report_error_text(lang: Lang, e: &ReportError) -> String {
    match e {
        ReportError::Encoding => lang.t("import-error-encoding"),
        ReportError::Csv { line, .. } => lang.t1("import-error-csv", line.to_string()),
        ReportError::NoSheet | ReportError::Spreadsheet(_) => lang.t("import-error-spreadsheet"),
        ReportError::Write(_) => lang.t("error-internal-text"),
        // Vietnamese first, English in parentheses, with the figures and the limits.
        ReportError::TooLarge(m) => m.clone(),
    }
}

pub async fn import_hamlets(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    let mut page = editable_commune(&st, &ctx, &code).await?;
    let lang = ctx.lang;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text()))),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let fail = |mut page: UnitPage, status: StatusCode, errors: Vec<String>| {
        page.import_errors = errors;
        Ok(render(&page, status))
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail(
            page,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![lang.t("import-error-no-file")],
        );
    };
    let table = match ntm_app::spreadsheets::read_table(bytes, name).await? {
        Ok(t) => t,
        Err(e) => {
            return fail(
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![report_error_text(lang, &e)],
            );
        }
    };
    let rows = match ntm_app::units::parse_hamlet_rows(table, Some(&code)) {
        Ok(r) => r,
        Err(e) => {
            return match app_errors(lang, &e) {
                Some((status, errors)) => fail(page, status, errors),
                None => Err(e.into()),
            };
        }
    };
    let mut others: Vec<String> = rows
        .iter()
        .map(|r| r.commune_code.trim().to_string())
        .filter(|c| *c != code)
        .collect();
    others.dedup();
    if !others.is_empty() {
        return fail(
            page,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![lang.t1("import-error-other-commune", others.join(", "))],
        );
    }
    match ntm_app::units::add_hamlets(&st.app, &ctx.actor(), rows).await {
        Ok(r) => Ok(Redirect::to(&Urls::unit_hamlets_imported(
            &code,
            r.added.len(),
            r.unchanged,
        ))
        .into_response()),
        Err(e) => match app_errors(lang, &e) {
            Some((status, errors)) => {
                page.import_errors = errors;
                Ok(render(&page, status))
            }
            None => Err(e.into()),
        },
    }
}
