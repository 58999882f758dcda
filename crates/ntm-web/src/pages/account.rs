//! The account page: one's own e-mail address for notification mails (set or clear), and
//! whether this server sends e-mail at all (SMTP configured). Plain form, POST → redirect.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::render;

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub ctx: Ctx,
    pub username: String,
    pub email: String,
    pub has_email: bool,
    pub smtp: bool,
    pub saved: bool,
    pub error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: Option<String>,
}

pub async fn account_page(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Response, WebError> {
    let user = ctx.require_user()?;
    let username = user.username.clone();
    let email = ntm_app::users::own_email(&st.app, &ctx.actor()).await?;
    let page = AccountPage {
        username,
        has_email: email.is_some(),
        email: email.unwrap_or_default(),
        smtp: st.app.config.smtp.is_some(),
        saved: q.saved.is_some(),
        error: None,
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
    /// `clear`: remove the address; anything else: save `email`.
    #[serde(default)]
    pub op: String,
}

pub async fn set_email(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<EmailForm>,
) -> Result<Response, WebError> {
    let user = ctx.require_user()?;
    let username = user.username.clone();
    let email = if f.op == "clear" || f.email.trim().is_empty() {
        None
    } else {
        Some(f.email.trim())
    };
    match ntm_app::users::set_email(&st.app, &ctx.actor(), &username, email).await {
        Ok(()) => Ok(Redirect::to("/account?saved=1").into_response()),
        Err(AppError::Validation(_)) => {
            let current = ntm_app::users::own_email(&st.app, &ctx.actor()).await?;
            let page = AccountPage {
                username,
                has_email: current.is_some(),
                email: f.email.clone(),
                smtp: st.app.config.smtp.is_some(),
                saved: false,
                error: Some(ctx.t("account-email-invalid")),
                ctx,
            };
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
