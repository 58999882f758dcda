//! Paper forms: the Excel template to fill in, its preview (every bad cell named) and
//! applying the rows checked.

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::AppError;
use ntm_app::surveys::{self, CampaignView};
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::survey::{Answer, ContentAnswer};
use ntm_reports::survey_xlsx::PaperRow;

use super::{ApplyForm, SurveyLinks, payload, payload_line, payload_rows};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::read_upload;
use crate::state::AppState;
use crate::view::download::{XLSX, attachment};
use crate::view::render;

#[derive(Debug, Clone)]
pub struct BadCellView {
    pub cell: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct OkRowView {
    pub row: String,
    pub hamlet: String,
    pub household: String,
    pub answer: String,
    pub contents: Vec<String>,
}

#[derive(Template)]
#[template(path = "survey_import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    /// The campaign's addresses.
    pub links: SurveyLinks,
    pub c: CampaignView,
    pub file_name: String,
    pub bad: Vec<BadCellView>,
    pub ok: Vec<OkRowView>,
    pub ok_count: usize,
    pub contents: Vec<String>,
    pub apply_label: String,
    /// Rows to post back to apply: `row\thamlet\thousehold\tanswer` lines.
    pub payload: String,
    pub message: Option<String>,
}

pub async fn paper_template(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (c, bytes) = surveys::paper_template_of(&st.app, &ctx.actor(), &unit, &code, 50).await?;
    Ok(attachment(
        bytes,
        XLSX,
        &format!("phieu-y-kien-{}.xlsx", c.code),
    ))
}

fn answer_label(lang: Lang, q: &Questionnaire, a: Answer) -> String {
    match a {
        Answer::Satisfied => q.satisfied_label.clone(),
        Answer::NotSatisfied => q.not_satisfied_label.clone(),
        Answer::Invalid => lang.t("survey-col-invalid"),
    }
}

fn import_page(
    ctx: Ctx,
    c: CampaignView,
    file_name: String,
    rows: &[PaperRow],
    check: Result<surveys::PaperCheck, AppError>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let check = match check {
        Ok(x) => x,
        Err(AppError::Validation(errors)) => surveys::PaperCheck {
            ok: Vec::new(),
            errors,
        },
        Err(AppError::Conflict(m)) => surveys::PaperCheck {
            ok: Vec::new(),
            errors: vec![ntm_app::FieldError::new("file", m)],
        },
        Err(e) => return Err(e.into()),
    };
    let bad: Vec<BadCellView> = check
        .errors
        .iter()
        .map(|e| BadCellView {
            cell: e.field.clone(),
            message: e.message.clone(),
        })
        .collect();
    let payload = if bad.is_empty() {
        payload(rows.iter().map(|r| {
            let cells = [r.hamlet.as_str(), r.household.as_str(), r.answer.as_str()];
            payload_line(
                r.row,
                cells
                    .into_iter()
                    .chain(r.contents.iter().map(String::as_str)),
            )
        }))
    } else {
        String::new()
    };
    let message = Some(if bad.is_empty() {
        lang.t_count("survey-paper-ok", check.ok.len() as i64)
    } else {
        lang.t_count("survey-paper-errors", bad.len() as i64)
    });
    let ok: Vec<OkRowView> = check
        .ok
        .iter()
        .take(200)
        .map(|(row, hamlet, household, a, contents)| OkRowView {
            row: row.to_string(),
            hamlet: hamlet.clone(),
            household: household.clone(),
            answer: answer_label(lang, &c.questionnaire, *a),
            contents: contents
                .iter()
                .map(|x| match x {
                    ContentAnswer::Satisfied => c.questionnaire.satisfied_label.clone(),
                    ContentAnswer::NotSatisfied => c.questionnaire.not_satisfied_label.clone(),
                    ContentAnswer::Blank => "–".to_owned(),
                })
                .collect(),
        })
        .collect();
    let status = if bad.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        &ImportPage {
            links: SurveyLinks::of(&c),
            apply_label: ctx
                .lang
                .t_count("survey-paper-apply", check.ok.len() as i64),
            ctx,
            ok_count: check.ok.len(),
            contents: c.questionnaire.contents.clone(),
            c,
            file_name,
            bad,
            ok,
            payload,
            message,
        },
        status,
    ))
}

pub async fn paper_preview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let file = read_upload(&mut mp, &[]).await?.file;
    let p = surveys::paper_preview(&st.app, &ctx.actor(), &unit, &code, file).await?;
    import_page(ctx, p.campaign, p.file_name, &p.rows, p.check)
}

pub async fn paper_apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let rows: Vec<PaperRow> = payload_rows(&f.rows)
        .map(|cells| {
            let mut p = cells.into_iter();
            let mut next = || p.next().unwrap_or_default();
            let row = next().parse().unwrap_or(0);
            let (hamlet, household, answer) = (next(), next(), next());
            let mut contents: Vec<String> = p.collect();
            while contents.last().is_some_and(String::is_empty) {
                contents.pop();
            }
            PaperRow {
                row,
                hamlet,
                household,
                answer,
                contents,
            }
        })
        .collect();
    let (c, done) =
        surveys::paper_import(&st.app, &ctx.actor(), &unit, &code, &f.file_name, &rows).await?;
    match done {
        Ok(n) => {
            let lang = ctx.lang;
            let mut page = ImportPage {
                links: SurveyLinks::of(&c),
                message: Some(lang.t_count("survey-paper-applied", n as i64)),
                ctx,
                c,
                file_name: f.file_name,
                bad: Vec::new(),
                ok: Vec::new(),
                ok_count: 0,
                contents: Vec::new(),
                apply_label: String::new(),
                payload: String::new(),
            };
            page.ok_count = 0;
            Ok(render(&page, StatusCode::OK))
        }
        Err(e) => import_page(ctx, c, f.file_name, &[], Err(e)),
    }
}
