//! `POST /s/{code}/gui-ma`: the public form's "send me the code" button (a `formaction` of
//! the answer form, so everything typed comes back): sends the one-time code by SMS to the
//! number typed, then shows the form again with what was typed and where the code went.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::surveys;

use super::public::{fill_form, html_with, not_found_page, public_page, refused_page};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;

pub async fn send_code(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let phone = f
        .iter()
        .find(|(n, _)| n == "phone")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let campaign = match surveys::send_code_page(&st.app, &ctx.origin, &code, &phone).await {
        Ok(c) => c?,
        Err(r) => return refused_page(ctx, &f, r),
    };
    let Some(c) = campaign else {
        return Ok(not_found_page(ctx));
    };
    let lang = ctx.lang;
    let mut p = public_page(ctx, Some(&c));
    fill_form(&mut p, &c, &f);
    p.message = Some(lang.t("survey-pub-sms-sent"));
    Ok(html_with(&p, StatusCode::OK))
}
