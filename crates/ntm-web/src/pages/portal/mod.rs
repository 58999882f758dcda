//! The commune portal (`docs/portal.md`): the public pages here (a commune's page, a post,
//! a province's page, the DX drill-down, photos; no login, no JavaScript), the Atom feed in
//! `feed.rs`, the officers' post list and editor in `manage.rs`, the broadcast calendar in
//! `schedule.rs`.

pub mod feed;
pub mod manage;
pub mod schedule;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ntm_app::portal::PortalPostRecord;
use ntm_app::portal::{self, Category, DxFigures, ProgrammeView};
use serde::Deserialize;
use time::Date;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::{date, date_time};
use crate::view::render;

/// A category's name in the reader's language.
pub fn category_label(ctx: &Ctx, code: &str) -> String {
    match Category::parse(code) {
        Some(c) if ctx.is_lang("en") => c.name_en().to_string(),
        Some(c) => c.name_vi().to_string(),
        None => code.to_string(),
    }
}

pub struct PostItem {
    pub href: String,
    pub title: String,
    pub date: String,
    pub category: String,
    pub dx: bool,
    pub excerpt: String,
}

fn post_item(ctx: &Ctx, p: &PortalPostRecord) -> PostItem {
    PostItem {
        href: Urls::portal_post(&p.unit_code, p.id),
        title: p.title.clone(),
        date: p.published_on.map(date).unwrap_or_default(),
        category: category_label(ctx, &p.category),
        dx: p.category == Category::ChuyenDoiSo.code(),
        excerpt: portal::excerpt(&p.body, 200),
    }
}

pub struct CatLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct ProgItem {
    pub id: String,
    pub date: String,
    pub time: String,
    pub title: String,
    pub segments: Vec<(String, bool)>,
    pub held: Option<String>,
    pub note: Option<String>,
    pub held_action: String,
    /// The note typed into a refused "held" mark.
    pub typed_note: String,
}

pub fn prog_item(ctx: &Ctx, g: &ProgrammeView) -> ProgItem {
    let p = &g.programme;
    ProgItem {
        id: p.id.to_string(),
        date: date(p.air_date),
        time: p.air_time.clone(),
        title: p.title.clone(),
        segments: g.segments.iter().map(|s| (s.topic.clone(), s.dx)).collect(),
        held: p.held_at.map(|at| {
            let who = p.held_by.clone().unwrap_or_default();
            ctx.lang.t_args(
                "portal-held-record",
                &[("who", who.into()), ("when", date_time(at).into())],
            )
        }),
        note: p.held_note.clone().filter(|n| !n.is_empty()),
        held_action: Urls::portal_held(p.id),
        typed_note: String::new(),
    }
}

pub struct MonthItem {
    pub label: String,
    pub count: usize,
    pub partial: bool,
    /// (href, title, date) of the posts behind the figure.
    pub posts: Vec<(String, String, String)>,
}

fn weeks_held(ctx: &Ctx, f: &DxFigures) -> String {
    ctx.lang.t_args(
        "portal-weeks-held-value",
        &[
            ("held", (f.weeks_held() as i64).into()),
            ("total", (f.weeks.len() as i64).into()),
        ],
    )
}

fn month_items(ctx: &Ctx, f: &DxFigures) -> Vec<MonthItem> {
    f.months
        .iter()
        .map(|m| MonthItem {
            label: ctx.lang.t_args(
                "portal-month",
                &[("month", format!("{:02}/{}", m.month, m.year).into())],
            ),
            count: m.posts.len(),
            partial: m.partial,
            posts: Vec::new(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portal_commune.html")]
pub struct CommuneView {
    pub ctx: Ctx,
    pub name: String,
    pub province: Option<(String, String)>,
    pub feed_href: String,
    pub dx_href: String,
    pub categories: Vec<CatLink>,
    pub posts: Vec<PostItem>,
    pub upcoming: Vec<ProgItem>,
    pub months: Vec<MonthItem>,
    pub weeks_held: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CommuneParams {
    pub category: Option<String>,
}

/// `GET /portal/{code}`: a commune's public page.
pub async fn commune_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<CommuneParams>,
) -> Result<Response, WebError> {
    let p = portal::commune_portal(&st.app, &code, q.category.as_deref()).await?;
    let code = p.unit.code.clone();
    let mut categories = vec![CatLink {
        href: Urls::portal(&code, None),
        label: ctx.t("portal-all"),
        current: p.category.is_none(),
    }];
    categories.extend(Category::ALL.iter().map(|c| CatLink {
        href: Urls::portal(&code, Some(c.code())),
        label: category_label(&ctx, c.code()),
        current: p.category == Some(*c),
    }));
    let v = CommuneView {
        name: p.unit.name.clone(),
        province: p
            .province_name
            .clone()
            .map(|n| (n, Urls::portal_province(&p.unit.province_code))),
        feed_href: Urls::portal_feed(&code),
        dx_href: Urls::portal_dx(&code, p.figures.from, p.figures.to),
        categories,
        posts: p.posts.iter().map(|x| post_item(&ctx, x)).collect(),
        upcoming: p.upcoming.iter().map(|g| prog_item(&ctx, g)).collect(),
        months: month_items(&ctx, &p.figures),
        weeks_held: weeks_held(&ctx, &p.figures),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "portal_post.html")]
pub struct PostView {
    pub ctx: Ctx,
    pub commune: String,
    pub commune_href: String,
    pub title: String,
    pub published: String,
    pub category: String,
    pub dx: bool,
    /// Sanitized when it was saved (ammonia).
    pub body: String,
    pub photos: Vec<String>,
}

/// `GET /portal/{code}/posts/{id}`: a published post.
pub async fn post_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "post")?;
    let p = portal::public_post(&st.app, id).await?;
    if p.post.unit_code != code.trim() {
        return Err(WebError::not_found(format!("no post {id} in {code}")));
    }
    let v = PostView {
        commune: p.unit.name.clone(),
        commune_href: Urls::portal(&p.post.unit_code, None),
        title: p.post.title.clone(),
        published: ctx.t1(
            "portal-published",
            &p.post.published_on.map(date).unwrap_or_default(),
        ),
        category: category_label(&ctx, &p.post.category),
        dx: p.post.category == Category::ChuyenDoiSo.code(),
        body: p.post.body.clone(),
        photos: p
            .photos
            .iter()
            .map(|ph| Urls::portal_photo(&p.post.unit_code, ph.id))
            .collect(),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

/// `GET /portal/{code}/photos/{id}`: a photo of a published post.
pub async fn photo(
    State(st): State<AppState>,
    Path((_code, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "photo")?;
    let f = portal::photo(&st.app, id).await?;
    Ok(photo_response(f, "public, max-age=300"))
}

/// A photo's bytes with its type, never sniffed by the browser.
pub fn photo_response(f: portal::PhotoFile, cache: &'static str) -> Response {
    let mut res = f.bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

pub struct ProvinceItem {
    pub href: String,
    pub title: String,
    pub date: String,
    pub category: String,
    pub dx: bool,
    pub excerpt: String,
    pub commune: String,
    pub commune_href: String,
}

#[derive(Template)]
#[template(path = "portal_province.html")]
pub struct ProvinceView {
    pub ctx: Ctx,
    pub heading: String,
    pub posts: Vec<ProvinceItem>,
}

/// `GET /portal/province/{code}`: the latest posts of a province's communes.
pub async fn province_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let p = portal::province_portal(&st.app, &code).await?;
    let posts = p
        .posts
        .iter()
        .map(|x| {
            let i = post_item(&ctx, &x.post);
            ProvinceItem {
                href: i.href,
                title: i.title,
                date: i.date,
                category: i.category,
                dx: i.dx,
                excerpt: i.excerpt,
                commune: x.commune_name.clone(),
                commune_href: Urls::portal(&x.post.unit_code, None),
            }
        })
        .collect();
    let v = ProvinceView {
        heading: ctx.t1("portal-province-title", &p.province.name),
        posts,
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

pub struct WeekItem {
    pub label: String,
    /// (date, title, held record) of the programmes behind the week.
    pub programmes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "portal_dx.html")]
pub struct DxView {
    pub ctx: Ctx,
    pub heading: String,
    pub period: String,
    pub commune_href: String,
    pub months: Vec<MonthItem>,
    pub weeks: Vec<WeekItem>,
    pub weeks_held: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DxParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

fn parse_day(s: Option<&str>, field: &str) -> Result<Option<Date>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| WebError::invalid(field, format!("{s}: YYYY-MM-DD"))),
    }
}

/// `GET /portal/{code}/dx?from=…&to=…`: the DX figures with the posts and programmes behind
/// them (by default the current month and the two before).
pub async fn dx_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<DxParams>,
) -> Result<Response, WebError> {
    let today = ntm_app::today();
    let to = parse_day(q.to.as_deref(), "to")?.unwrap_or(today);
    let from = parse_day(q.from.as_deref(), "from")?
        .unwrap_or_else(|| to.replace_day(1).unwrap_or(to) - time::Duration::days(62));
    let d = portal::dx_drilldown(&st.app, &code, from, to).await?;
    let mut months = month_items(&ctx, &d.figures);
    for (item, m) in months.iter_mut().zip(&d.figures.months) {
        item.posts = m
            .posts
            .iter()
            .filter_map(|id| d.posts.iter().find(|p| p.id == *id))
            .map(|p| {
                (
                    Urls::portal_post(&p.unit_code, p.id),
                    p.title.clone(),
                    p.published_on.map(date).unwrap_or_default(),
                )
            })
            .collect();
    }
    let weeks = d
        .figures
        .weeks
        .iter()
        .map(|w| WeekItem {
            label: ctx.lang.t_args(
                "portal-week",
                &[
                    ("week", i64::from(w.week).into()),
                    ("from", date(w.first).into()),
                    ("to", date(w.last).into()),
                ],
            ),
            programmes: w
                .programmes
                .iter()
                .filter_map(|id| d.programmes.iter().find(|g| g.programme.id == *id))
                .map(|g| {
                    let i = prog_item(&ctx, g);
                    (
                        format!("{} {}", i.date, i.time),
                        i.title,
                        i.held.unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    let v = DxView {
        heading: ctx.t1("portal-dx-title", &d.unit.name),
        period: ctx.lang.t_args(
            "portal-dx-period",
            &[
                ("from", date(d.figures.from).into()),
                ("to", date(d.figures.to).into()),
            ],
        ),
        commune_href: Urls::portal(&d.unit.code, None),
        months,
        weeks,
        weeks_held: weeks_held(&ctx, &d.figures),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}
