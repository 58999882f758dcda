//! The broadcast calendar (`PublishPortal` on the commune): `GET
//! /units/{code}/portal/schedule[?from=…]` shows four weeks of programmes with their
//! segments and the "held" mark, and the form for a new programme; `POST` on the same
//! address adds one; `POST /portal/programmes/{id}/held` marks one held. A refusal shows the
//! calendar again with what was typed and why.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::portal::{self, ProgrammeForm, SegmentForm};
use serde::Deserialize;
use time::{Date, Duration};

use super::manage::error_lines;
use super::{ProgItem, parse_day, prog_item};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date;

/// Segment rows on the form.
const SEGMENT_ROWS: usize = 4;
/// Days shown.
const DAYS: i64 = 27;

pub struct SegmentRow {
    pub label: String,
    pub topic: String,
    pub dx: bool,
}

pub struct AddForm {
    pub air_date: String,
    pub air_time: String,
    pub title: String,
    pub segments: Vec<SegmentRow>,
}

#[derive(Template)]
#[template(path = "portal_schedule.html")]
pub struct ScheduleTemplate {
    pub ctx: Ctx,
    pub heading: String,
    pub unit_name: String,
    pub back_href: String,
    pub period: String,
    pub earlier_href: String,
    pub later_href: String,
    pub programmes: Vec<ProgItem>,
    pub add_action: String,
    pub form: AddForm,
    pub errors: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    pub from: Option<String>,
}

/// The Monday of `d`'s week.
fn monday(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

fn empty_rows(ctx: &Ctx) -> Vec<SegmentRow> {
    (1..=SEGMENT_ROWS)
        .map(|n| SegmentRow {
            label: ctx
                .lang
                .t_args("portal-segment-topic", &[("n", (n as i64).into())]),
            topic: String::new(),
            dx: false,
        })
        .collect()
}

/// A note typed into a refused "held" mark: (programme, note).
type TypedNote = Option<(uuid::Uuid, String)>;

#[allow(clippy::too_many_arguments)]
async fn view(
    st: &AppState,
    ctx: Ctx,
    code: &str,
    from: Date,
    form: Option<AddForm>,
    typed_note: TypedNote,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let to = from + Duration::days(DAYS);
    let s = portal::schedule(&st.app, &ctx.actor(), code, from, to).await?;
    let form = form.unwrap_or_else(|| AddForm {
        air_date: ntm_app::today().to_string(),
        air_time: String::new(),
        title: String::new(),
        segments: empty_rows(&ctx),
    });
    let v = ScheduleTemplate {
        heading: format!("{} — {}", ctx.t("portal-schedule"), s.unit.name),
        unit_name: s.unit.name.clone(),
        back_href: Urls::portal_manage(&s.unit.code),
        period: ctx.lang.t_args(
            "portal-weeks-shown",
            &[("from", date(from).into()), ("to", date(to).into())],
        ),
        earlier_href: Urls::portal_schedule(&s.unit.code, Some(from - Duration::weeks(4))),
        later_href: Urls::portal_schedule(&s.unit.code, Some(from + Duration::weeks(4))),
        programmes: s
            .programmes
            .iter()
            .map(|g| {
                let mut i = prog_item(&ctx, g);
                if let Some((id, note)) = &typed_note
                    && *id == g.programme.id
                {
                    i.typed_note = note.clone();
                }
                i
            })
            .collect(),
        add_action: Urls::portal_schedule(&s.unit.code, None),
        form,
        errors,
        ctx,
    };
    Ok(render_view(&v, status))
}

fn render_view(v: &ScheduleTemplate, status: StatusCode) -> Response {
    crate::view::render(v, status)
}

/// `GET /units/{code}/portal/schedule[?from=YYYY-MM-DD]`: from the Monday of that week (by
/// default last week's Monday).
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<Params>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let from = parse_day(q.from.as_deref(), "from")?
        .map(monday)
        .unwrap_or_else(|| monday(ntm_app::today()) - Duration::weeks(1));
    view(
        &st,
        ctx,
        &code,
        from,
        None,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct AddFields {
    #[serde(default)]
    pub air_date: String,
    #[serde(default)]
    pub air_time: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub topic_1: String,
    #[serde(default)]
    pub topic_2: String,
    #[serde(default)]
    pub topic_3: String,
    #[serde(default)]
    pub topic_4: String,
    pub dx_1: Option<String>,
    pub dx_2: Option<String>,
    pub dx_3: Option<String>,
    pub dx_4: Option<String>,
}

/// `POST /units/{code}/portal/schedule`: add a programme.
pub async fn add(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<AddFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let rows = [
        (&f.topic_1, &f.dx_1),
        (&f.topic_2, &f.dx_2),
        (&f.topic_3, &f.dx_3),
        (&f.topic_4, &f.dx_4),
    ];
    let input = ProgrammeForm {
        air_date: f.air_date.clone(),
        air_time: f.air_time.clone(),
        title: f.title.clone(),
        segments: rows
            .iter()
            .map(|(t, dx)| SegmentForm {
                topic: (*t).clone(),
                dx: dx.is_some(),
            })
            .collect(),
    };
    match portal::add_programme(&st.app, &ctx.actor(), &code, input).await {
        Ok(g) => Ok(Redirect::to(&Urls::portal_schedule(
            &g.programme.unit_code,
            Some(monday(g.programme.air_date)),
        ))
        .into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = error_lines(&ctx, &e);
            let mut segments = empty_rows(&ctx);
            for (row, (t, dx)) in segments.iter_mut().zip(rows) {
                row.topic = t.clone();
                row.dx = dx.is_some();
            }
            let form = AddForm {
                air_date: f.air_date,
                air_time: f.air_time,
                title: f.title,
                segments,
            };
            let from = monday(ntm_app::today()) - Duration::weeks(1);
            view(
                &st,
                ctx,
                &code,
                from,
                Some(form),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct HeldFields {
    #[serde(default)]
    pub note: String,
}

/// `POST /portal/programmes/{id}/held`: mark held, back to the programme's week; a refusal
/// shows that week again with the note as typed and why.
pub async fn held(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<HeldFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "programme")?;
    match portal::mark_held(&st.app, &ctx.actor(), id, &f.note).await {
        Ok(g) => Ok(Redirect::to(&Urls::portal_schedule(
            &g.unit_code,
            Some(monday(g.air_date)),
        ))
        .into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = error_lines(&ctx, &e);
            let p = portal::officer_programme(&st.app, &ctx.actor(), id).await?;
            view(
                &st,
                ctx,
                &p.unit_code,
                monday(p.air_date),
                None,
                Some((id, f.note)),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
