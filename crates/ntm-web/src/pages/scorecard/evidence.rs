//! Evidence files: the form, upload and download.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::error::field_error_text;
use crate::pages::scorecard::EvidencePage;
use crate::pages::scorecard::Extra;
use crate::pages::scorecard::anchor;
use crate::pages::scorecard::build_page;
use crate::pages::scorecard::parse_version;
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::html;
use crate::view::render;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::AppError;
use ntm_app::criteria::EvidenceInput;
use ntm_app::criteria::EvidenceRefusal;
use ntm_app::criteria::MAX_EVIDENCE_BYTES;
use ntm_app::criteria::ScorecardPage as PageData;
use ntm_app::criteria::ValueRef;
use ntm_domain::text::format_int_vi;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct EvidenceParams {
    pub set: String,
    pub year: i32,
    pub indicator: String,
}

/// The evidence page of one indicator from what the use case returned (`error`: a message
/// about the last upload).
pub(super) fn evidence_view(
    ctx: &Ctx,
    code: &str,
    data: &PageData,
    indicator: &str,
    error: Option<String>,
) -> Result<EvidencePage, WebError> {
    let (set_id, year) = (data.set_id.as_str(), data.year);
    let page = build_page(ctx, code, data, Extra::none())?;
    if !page.can_enter {
        return Err(WebError::from(AppError::Forbidden(
            "you may not attach evidence for this unit".into(),
        )));
    }
    let row = page
        .preconditions
        .iter()
        .chain(page.criteria.iter().flat_map(|c| c.rows.iter()))
        .find(|r| r.code == indicator)
        .cloned();
    let Some(mut r) = row else {
        return Err(WebError::not_found(format!(
            "no indicator {indicator} in {set_id}"
        )));
    };
    if r.value.is_none() {
        return Err(WebError::invalid(
            "indicator",
            format!("no value of {indicator} is recorded for {year}"),
        )
        .with_message("scorecard-evidence-needs-value", indicator));
    }
    r.evidence_error = error;
    Ok(EvidencePage {
        code: code.to_string(),
        unit_name: page.unit_name.clone(),
        set_id: set_id.to_string(),
        year,
        back_href: Urls::scorecard_at(code, set_id, year, &anchor(indicator)),
        max_upload: page.max_upload.clone(),
        r,
        ctx: ctx.clone(),
    })
}
pub async fn evidence_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<EvidenceParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let value = ValueRef {
        unit_code: code.clone(),
        set_id: p.set.clone(),
        year: p.year,
        indicator_code: p.indicator.clone(),
    };
    let v =
        ntm_app::criteria::evidence_view(&st.app, &ctx.actor(), &value, ctx.today.year()).await?;
    html(&evidence_view(&ctx, &code, &v.page, &p.indicator, None)?)
}

pub async fn post_evidence(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let form = read_upload(&mut mp, &["set", "year", "indicator", "expected_version"]).await?;
    let get = |k: &str| {
        form.field(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let set_id = get("set");
    let indicator = get("indicator");
    let year: i32 = get("year")
        .parse()
        .map_err(|_| WebError::invalid("year", "missing or bad year"))?;
    let expected = parse_version(&get("expected_version"))?.unwrap_or(0);
    let mut files: Vec<EvidenceInput> = Vec::new();
    let mut too_big = false;
    for (file_name, bytes) in form.files() {
        if bytes.len() > MAX_EVIDENCE_BYTES {
            too_big = true;
        } else if !(file_name.is_empty() && bytes.is_empty()) {
            files.push(EvidenceInput { file_name, bytes });
        }
    }
    let problem = if too_big {
        Some(lang.t1(
            "scorecard-file-too-big",
            format_int_vi((MAX_EVIDENCE_BYTES / 1024 / 1024) as i64),
        ))
    } else if files.is_empty() {
        Some(lang.t("scorecard-file-none"))
    } else if files.iter().any(|f| f.bytes.is_empty()) {
        Some(lang.t("scorecard-file-empty"))
    } else {
        None
    };
    let value = ValueRef {
        unit_code: code.clone(),
        set_id: set_id.clone(),
        year,
        indicator_code: indicator.clone(),
    };
    let refused = ntm_app::criteria::attach_evidence_on_page(
        &st.app,
        &ctx.actor(),
        &value,
        expected,
        files,
        problem,
        ctx.today.year(),
    )
    .await?;
    let Some(v) = refused else {
        return Ok(Redirect::to(&Urls::scorecard_done(
            &code,
            &set_id,
            year,
            "attached",
            &anchor(&indicator),
        ))
        .into_response());
    };
    let msg = match v.refusal {
        Some(EvidenceRefusal::Form(p)) => p,
        Some(EvidenceRefusal::Conflict) => lang.t("scorecard-file-conflict"),
        Some(EvidenceRefusal::Invalid(fs)) => fs
            .iter()
            .map(|x| field_error_text(lang, x))
            .collect::<Vec<_>>()
            .join("; "),
        None => String::new(),
    };
    let page = evidence_view(&ctx, &code, &v.page, &indicator, Some(msg))?;
    Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
}
pub async fn download_evidence(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| WebError::not_found(format!("no evidence file {id}")))?;
    let (file, bytes) = ntm_app::criteria::evidence_file(&st.app, &ctx.actor(), id).await?;
    Ok(crate::view::download::private_file(
        bytes,
        "application/octet-stream",
        &file.file_name,
    ))
}
