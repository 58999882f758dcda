//! Officers' pages: the inbox (filters, keyset paging, bulk accept/start), a report's page
//! (contact, duplicates, answer templates, the steps the state machine allows, assignment).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use ntm_app::AppError;
use ntm_app::feedback::{self, InboxQuery, OfficerReport, StepForm};
use uuid::Uuid;

use super::public::{EventView, events};
use super::{field_errors, status_text, time_text};
use crate::ctx::{Ctx, url_encode};
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

#[derive(serde::Deserialize, Default)]
pub struct InboxParams {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub overdue: Option<String>,
    #[serde(default)]
    pub mine: Option<String>,
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub flash: Option<String>,
}

pub struct RowView {
    pub id: String,
    pub href: String,
    pub code: String,
    pub excerpt: String,
    pub received: String,
    pub due: String,
    pub status: String,
    pub timeliness: String,
    pub overdue: bool,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "feedback_inbox.html")]
pub struct InboxPage {
    pub ctx: Ctx,
    pub title: String,
    pub unit_code: String,
    pub units: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub categories: Vec<Opt>,
    pub overdue: bool,
    pub mine: bool,
    pub rows: Vec<RowView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub measures_href: String,
    pub settings_href: Option<String>,
    pub flash: Option<String>,
}

/// `GET /feedback/inbox`
pub async fn inbox(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<InboxParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let q = InboxQuery {
        unit: p.unit.clone(),
        status: p.status.clone(),
        category: p.category.clone(),
        overdue: p.overdue.is_some(),
        mine: p.mine.is_some(),
        after: p.after.clone(),
    };
    let page = feedback::inbox(&st.app, &ctx.actor(), q).await?;
    let unit_code = page.unit.code.clone();
    let base = |after: &str| {
        let mut s = format!(
            "/feedback/inbox?unit={}&status={}&category={}",
            url_encode(&unit_code),
            url_encode(&p.status),
            url_encode(&p.category)
        );
        if p.overdue.is_some() {
            s.push_str("&overdue=1");
        }
        if p.mine.is_some() {
            s.push_str("&mine=1");
        }
        if !after.is_empty() {
            s.push_str("&after=");
            s.push_str(&url_encode(after));
        }
        s
    };
    let mut statuses = vec![
        Opt {
            value: String::new(),
            label: ctx.t("fb-filter-all"),
            selected: p.status.is_empty(),
        },
        Opt {
            value: "open".into(),
            label: ctx.t("fb-filter-open"),
            selected: p.status == "open",
        },
    ];
    for s in ntm_domain::feedback::Status::ALL {
        statuses.push(Opt {
            value: s.as_str().into(),
            label: status_text(&ctx, s),
            selected: p.status == s.as_str(),
        });
    }
    let en = ctx.is_lang("en");
    let rows = page
        .rows
        .iter()
        .map(|r| RowView {
            id: r.id.to_string(),
            href: Urls::feedback_report(r.id),
            code: r.tracking_code.clone(),
            excerpt: r.excerpt.clone(),
            received: date_time(r.received_at),
            due: ctx.date(r.due_on),
            status: status_text(&ctx, r.status),
            timeliness: time_text(&ctx, r.timeliness),
            overdue: r.timeliness == ntm_domain::feedback::Timeliness::Overdue,
        })
        .collect();
    let is_province = page.unit.level == ntm_domain::units::Level::Province;
    let view = InboxPage {
        title: ctx.t1("fb-inbox-title", &page.unit.name),
        units: page
            .units
            .iter()
            .map(|u| Opt {
                value: u.code.clone(),
                label: u.name.clone(),
                selected: u.code == unit_code,
            })
            .collect(),
        categories: page
            .categories
            .iter()
            .map(|c| Opt {
                value: c.code.clone(),
                label: if en {
                    c.name_en.clone()
                } else {
                    c.name_vi.clone()
                },
                selected: c.code == p.category,
            })
            .collect(),
        statuses,
        overdue: p.overdue.is_some(),
        mine: p.mine.is_some(),
        rows,
        next_href: page.next.as_deref().map(base),
        first_href: (!p.after.is_empty()).then(|| base("")),
        measures_href: Urls::feedback_measures(&unit_code),
        settings_href: is_province.then(|| Urls::feedback_settings(&unit_code)),
        flash: p.flash.clone(),
        unit_code,
        ctx,
    };
    Ok(render(&view, StatusCode::OK))
}

#[derive(serde::Deserialize, Default)]
pub struct BulkForm {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub ids: Vec<String>,
}

/// `POST /feedback/inbox/bulk`
pub async fn bulk(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<BulkForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let ids: Vec<Uuid> = f
        .ids
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    let (done, refused) = feedback::bulk_act(&st.app, &ctx.actor(), &ids, &f.action).await?;
    let mut flash = ctx.t1("fb-bulk-done", &done.to_string());
    if !refused.is_empty() {
        let list: Vec<String> = refused.iter().map(|(c, _)| c.clone()).collect();
        flash.push(' ');
        flash.push_str(&ctx.t1("fb-bulk-refused", &list.join(", ")));
    }
    Ok(Redirect::to(&format!(
        "{}&flash={}",
        Urls::feedback_inbox(&f.unit),
        url_encode(&flash)
    ))
    .into_response())
}

pub struct ActionView {
    pub value: String,
    pub label: String,
}

pub struct DupView {
    pub label: String,
    pub code: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "feedback_report.html")]
pub struct ReportPage {
    pub ctx: Ctx,
    pub o: OfficerReport,
    pub title: String,
    pub status: String,
    pub timeliness: String,
    pub category: String,
    pub received: String,
    pub due: String,
    pub photos: Vec<String>,
    pub history: Vec<EventView>,
    pub actions: Vec<ActionView>,
    pub dups: Vec<DupView>,
    pub act_href: String,
    pub assign_href: String,
    pub public_href: String,
    pub inbox_href: String,
    pub errors: Vec<(String, String)>,
    pub answer: String,
    pub refer_to: String,
    pub transfer_to: String,
    pub merge_into: String,
    pub flash: Option<String>,
}

async fn report_page(
    st: &AppState,
    ctx: Ctx,
    id: Uuid,
    typed: Option<&StepForm>,
) -> Result<ReportPage, WebError> {
    let o = feedback::officer_report(&st.app, &ctx.actor(), id).await?;
    let r = &o.public;
    let en = ctx.is_lang("en");
    Ok(ReportPage {
        title: ctx.t1("fb-report-title", &r.tracking_code),
        status: status_text(&ctx, r.status),
        timeliness: time_text(&ctx, o.timeliness),
        category: if en {
            r.category_en.clone()
        } else {
            r.category_vi.clone()
        },
        received: date_time(r.received_at),
        due: ctx.date(r.due_on),
        photos: r.photos.iter().map(|p| Urls::feedback_photo(*p)).collect(),
        history: events(&ctx, r),
        actions: o
            .actions
            .iter()
            .map(|a| ActionView {
                value: a.as_str().into(),
                label: ctx.t(&format!("fb-act-{}", a.as_str())),
            })
            .collect(),
        dups: o
            .duplicates
            .iter()
            .map(|(code, m, did)| DupView {
                label: ctx.lang.t_args(
                    "fb-duplicate-row",
                    &[
                        ("code", code.clone().into()),
                        ("m", format!("{m:.0}").into()),
                    ],
                ),
                code: code.clone(),
                href: Urls::feedback_report(*did),
            })
            .collect(),
        act_href: Urls::feedback_act(id),
        assign_href: Urls::feedback_assign(id),
        public_href: Urls::feedback_track(&r.tracking_code),
        inbox_href: Urls::feedback_inbox(&r.responsible_code),
        errors: Vec::new(),
        answer: typed.map(|t| t.answer.clone()).unwrap_or_default(),
        refer_to: typed.map(|t| t.refer_to.clone()).unwrap_or_default(),
        transfer_to: typed.map(|t| t.transfer_to.clone()).unwrap_or_default(),
        merge_into: typed.map(|t| t.merge_into.clone()).unwrap_or_default(),
        flash: None,
        o,
        ctx,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct Flash {
    #[serde(default)]
    pub flash: Option<String>,
}

fn parse_id(s: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(s).map_err(|_| WebError::from(AppError::NotFound("report".into())))
}

/// `GET /feedback/r/{id}`
pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let mut page = report_page(&st, ctx, parse_id(&id)?, None).await?;
    page.flash = f.flash.map(|_| page.ctx.t("fb-step-done"));
    Ok(render(&page, StatusCode::OK))
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub refer_to: String,
    #[serde(default)]
    pub transfer_to: String,
    #[serde(default)]
    pub merge_into: String,
}

/// `POST /feedback/r/{id}/act`
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id)?;
    let form = StepForm {
        action: f.action,
        version: f.version,
        answer: f.answer,
        refer_to: f.refer_to,
        transfer_to: f.transfer_to,
        merge_into: f.merge_into,
    };
    match feedback::act(&st.app, &ctx.actor(), id, form.clone()).await {
        Ok(()) => {
            // After a transfer the officer may no longer see it: back to the inbox then.
            match feedback::officer_report(&st.app, &ctx.actor(), id).await {
                Ok(_) => Ok(
                    Redirect::to(&format!("{}?flash=1", Urls::feedback_report(id))).into_response(),
                ),
                Err(_) => Ok(Redirect::to("/feedback/inbox").into_response()),
            }
        }
        Err(AppError::Validation(errs)) => {
            let mut page = report_page(&st, ctx, id, Some(&form)).await?;
            page.errors = field_errors(&page.ctx, &errs);
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(AppError::Conflict(m)) => {
            let mut page = report_page(&st, ctx, id, Some(&form)).await?;
            let msg = m
                .split_once(" — ")
                .map(|(vi, en)| {
                    if page.ctx.is_lang("en") {
                        en.to_string()
                    } else {
                        vi.to_string()
                    }
                })
                .unwrap_or(m);
            page.errors = vec![("action".into(), msg)];
            Ok(render(&page, StatusCode::CONFLICT))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct AssignForm {
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub version: i64,
}

/// `POST /feedback/r/{id}/assign`
pub async fn assign(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id)?;
    let to = Uuid::parse_str(f.assignee.trim()).ok();
    feedback::assign(&st.app, &ctx.actor(), id, to, f.version).await?;
    Ok(Redirect::to(&format!("{}?flash=1", Urls::feedback_report(id))).into_response())
}
