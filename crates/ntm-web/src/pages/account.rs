//! The account page: one's own e-mail address for notification mails (set or clear), and
//! whether this server sends e-mail at all (SMTP configured); changing one's password (the
//! other sessions end); one's sessions, with "log out the other sessions". Plain forms,
//! POST → redirect; a refused form renders the page again (422) with the reasons.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::page::Submitted;
use ntm_app::users::{AccountView, SessionView};
use ntm_app::{AppError, FieldError};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::filters;
use crate::view::render;

/// One password field of the form, with its refusal.
pub struct PasswordField {
    pub name: &'static str,
    pub label: String,
    pub autocomplete: &'static str,
    pub error: Option<String>,
}

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
    pub password_fields: Vec<PasswordField>,
    /// Sessions ended by a password change just made (shown once).
    pub password_saved: Option<String>,
    pub sessions: Vec<SessionView>,
    /// Sessions ended by "log out the other sessions" just now (shown once).
    pub sessions_revoked: Option<String>,
    /// API tokens (`super::api_tokens`).
    pub api: super::api_tokens::TokensSection,
    pub token_revoked: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: Option<String>,
    #[serde(default)]
    pub password: Option<u64>,
    #[serde(default)]
    pub revoked: Option<u64>,
    #[serde(default)]
    pub token_revoked: Option<String>,
}

fn password_fields(ctx: &Ctx, errors: &[FieldError]) -> Vec<PasswordField> {
    [
        (
            "current_password",
            "account-password-current",
            "current-password",
        ),
        ("new_password", "account-password-new", "new-password"),
        ("repeat", "account-password-repeat", "new-password"),
    ]
    .into_iter()
    .map(|(name, label, autocomplete)| PasswordField {
        name,
        label: ctx.t(label),
        autocomplete,
        error: {
            let msgs: Vec<&str> = errors
                .iter()
                .filter(|e| e.field == name || (name == "new_password" && e.field == "password"))
                .map(|e| e.message.as_str())
                .collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        },
    })
    .collect()
}

fn page(ctx: Ctx, v: AccountView, q: &SavedQuery, errors: &[FieldError]) -> AccountPage {
    AccountPage {
        username: v.username,
        has_email: v.email.is_some(),
        email: v.email.unwrap_or_default(),
        smtp: v.smtp,
        saved: q.saved.is_some(),
        error: None,
        password_fields: password_fields(&ctx, errors),
        password_saved: q.password.map(|n| ctx.int(n as i64)),
        sessions: v.sessions,
        sessions_revoked: q.revoked.map(|n| ctx.int(n as i64)),
        api: super::api_tokens::TokensSection {
            max_days: ntm_app::users::tokens::MAX_DAYS,
            days: "90".into(),
            ..Default::default()
        },
        token_revoked: q.token_revoked.is_some(),
        ctx,
    }
}

/// The page with the tokens section given (after creating a token).
pub fn page_with_tokens(
    ctx: Ctx,
    v: AccountView,
    api: super::api_tokens::TokensSection,
) -> AccountPage {
    let mut p = page(ctx, v, &SavedQuery::default(), &[]);
    p.api = api;
    p
}

pub async fn account_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data =
        ntm_app::users::account_page(&st.app, &ctx.actor(), ctx.session_token.as_deref()).await?;
    let mut p = page(ctx, data.account, &q, &[]);
    p.api.tokens = data.tokens;
    Ok(render(&p, StatusCode::OK))
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
    ctx.require_user()?;
    let email = if f.op == "clear" || f.email.trim().is_empty() {
        None
    } else {
        Some(f.email.trim())
    };
    let session = ctx.session_token.as_deref();
    match ntm_app::users::set_own_email(&st.app, &ctx.actor(), session, email).await? {
        Submitted::Done(()) => Ok(Redirect::to("/account?saved=1").into_response()),
        Submitted::Again { page: data, .. } => {
            // As before the page's use case: the account without the tokens section's list.
            let mut p = page(ctx, data.account, &SavedQuery::default(), &[]);
            p.email = f.email.clone();
            p.error = Some(p.ctx.t("account-email-invalid"));
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub repeat: String,
}

/// Changes one's own password; the other sessions end, this one stays.
pub async fn change_password(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    match ntm_app::users::change_password_page(
        &st.app,
        &ctx.actor(),
        ctx.session_token.as_deref(),
        &f.current_password,
        &f.new_password,
        &f.repeat,
    )
    .await?
    {
        Submitted::Done(ended) => {
            Ok(Redirect::to(&Urls::account_done("password", ended)).into_response())
        }
        Submitted::Again {
            refusal,
            page: data,
        } => {
            let errors = match refusal {
                Some(AppError::Validation(errors)) => errors,
                _ => Vec::new(),
            };
            let p = page(ctx, data.account, &SavedQuery::default(), &errors);
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// Ends every session of the user but this one.
pub async fn revoke_others(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let user = ctx.require_user()?;
    let username = user.username.clone();
    let ended = ntm_app::users::revoke_sessions(
        &st.app,
        &ctx.actor(),
        &username,
        ctx.session_token.as_deref(),
    )
    .await?;
    Ok(Redirect::to(&Urls::account_done("revoked", ended)).into_response())
}
