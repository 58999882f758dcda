//! `GET,POST /criteria-versions/{id}/indicator`: showing and saving one indicator.

use crate::ctx::Ctx;
use crate::error::ErrorInfo;
use crate::error::WebError;
use crate::pages::criteria_editor::IndicatorParams;
use crate::pages::criteria_editor::Typed;
use crate::pages::criteria_editor::indicator_view;
use crate::pages::criteria_editor::revision_of;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;
use axum::extract::Multipart;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::EditOutcome;
use ntm_domain::criteria::authoring::BasisInput;
use ntm_domain::criteria::authoring::IndicatorInput;
use ntm_domain::criteria::authoring::ThresholdInput;

/// `GET /criteria-versions/{id}/indicator?code=…&criterion=…`: the form of one indicator
/// (a new one, one of the version, or a national one to give the province's thresholds).
pub async fn indicator_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<IndicatorParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let data = cs::version_page(&st.app, &ctx.actor(), id).await?;
    let (page, status) = indicator_view(&ctx, &data, &p, None, None)?;
    Ok(render(&page, status))
}

/// `POST /criteria-versions/{id}/indicator` (multipart: the fields of the form and, optionally,
/// `basis_file`, the PDF of the decision, attached to every basis typed in the form).
pub async fn post_indicator(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let mut typed = Typed::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "basis_file" {
            let fname = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            if !bytes.is_empty() {
                file = Some((fname, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            typed.fields.insert(name, text);
        }
    }
    let make = |stored_file: Option<(String, String)>| {
        let mut keys: Vec<String> = typed
            .fields
            .keys()
            .filter_map(|k| k.strip_prefix("value_").map(str::to_string))
            .collect();
        keys.sort();
        let thresholds = keys
            .iter()
            .map(|key| ThresholdInput {
                key: key.clone(),
                op: typed.get(&format!("op_{key}")),
                value: typed.get(&format!("value_{key}")),
                text: typed.get(&format!("text_{key}")),
                confirmed: !typed.get(&format!("confirmed_{key}")).is_empty(),
                basis: BasisInput {
                    doc: typed.get(&format!("doc_{key}")),
                    date: typed.get(&format!("date_{key}")),
                    issuer: typed.get(&format!("issuer_{key}")),
                    article: typed.get(&format!("article_{key}")),
                    file_sha256: stored_file.as_ref().map(|f| f.0.clone()),
                    file_name: stored_file.as_ref().map(|f| f.1.clone()),
                },
            })
            .collect();
        let original = typed.get("original");
        IndicatorInput {
            original_code: (!original.trim().is_empty()).then(|| original.trim().to_string()),
            criterion: typed.get("criterion"),
            code: typed.get("code"),
            name_vi: typed.get("name_vi"),
            name_en: typed.get("name_en"),
            kind: typed.get("kind"),
            unit: typed.get("unit"),
            thresholds,
            computed_from: typed.get("computed_from"),
        }
    };
    let revision = revision_of(&typed.get("revision"));
    let outcome = cs::indicator_on_page(&st.app, &ctx.actor(), id, revision, file, make).await?;
    match outcome {
        EditOutcome::Saved(_) => {
            Ok(Redirect::to(&Urls::criteria_version_done(id, "saved")).into_response())
        }
        EditOutcome::Refused { error, page } => {
            let params = IndicatorParams {
                code: Some(typed.get("original"))
                    .filter(|c| !c.trim().is_empty())
                    .or(Some(typed.get("code"))),
                criterion: Some(typed.get("criterion")),
            };
            let (page, status) = indicator_view(&ctx, &page, &params, Some(&typed), Some(error))?;
            Ok(render(&page, status))
        }
    }
}
