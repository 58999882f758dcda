//! API tokens on the account page (one's own: list, create — the token shown once, in the
//! answer, never in a URL — and revoke) and on the users page (an administrator revokes
//! any token of the accounts they manage). Bearer tokens never authenticate these pages
//! (`crate::bearer`), so a token cannot make more tokens.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::users::tokens::{MAX_DAYS, NewToken, TokenScope, TokenView};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::view::render;

/// What the account page shows of tokens.
#[derive(Debug, Default)]
pub struct TokensSection {
    pub tokens: Vec<TokenView>,
    /// The token just created (shown once).
    pub created: Option<String>,
    /// Refusal of the create form, and what was typed.
    pub error: Option<String>,
    pub name: String,
    pub days: String,
    pub write: bool,
    pub max_days: i64,
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub days: String,
}

/// Creates one of the user's own tokens and shows it once on the account page.
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CreateForm>,
) -> Result<Response, WebError> {
    let user = ctx.require_user()?;
    let username = user.username.clone();
    let scope = TokenScope::parse(&f.scope).unwrap_or(TokenScope::Read);
    let days = f.days.trim().parse::<i64>().unwrap_or(0);
    let new = NewToken {
        username,
        name: f.name.clone(),
        scope,
        days,
    };
    let mut section = TokensSection {
        name: f.name.clone(),
        days: f.days.clone(),
        write: scope == TokenScope::Write,
        max_days: MAX_DAYS,
        ..TokensSection::default()
    };
    let (created, data) =
        ntm_app::users::create_token_page(&st.app, &ctx.actor(), ctx.session_token.as_deref(), new)
            .await?;
    let status = match created {
        Ok(secret) => {
            section = TokensSection {
                created: Some(secret),
                max_days: MAX_DAYS,
                days: "90".into(),
                ..TokensSection::default()
            };
            StatusCode::OK
        }
        Err(AppError::Validation(errors)) => {
            section.error = Some(
                errors
                    .iter()
                    .map(|e| {
                        if e.field == "days" {
                            ctx.t1("tokens-days-invalid", &MAX_DAYS.to_string())
                        } else {
                            ctx.t("tokens-name-invalid")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => return Err(e.into()),
    };
    section.tokens = data.tokens;
    let p = super::account::page_with_tokens(ctx, data.account, section);
    Ok(render(&p, status))
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    /// `users`: come back to the users page.
    #[serde(default)]
    pub back: String,
}

/// Revokes a token: one's own, or (users page) one of an account the user manages.
pub async fn revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "token")?;
    ntm_app::users::tokens::revoke_token(&st.app, &ctx.actor(), id).await?;
    let to = if f.back == "users" {
        "/users?token_revoked=1#api-tokens"
    } else {
        "/account?token_revoked=1#api-tokens"
    };
    Ok(Redirect::to(to).into_response())
}
