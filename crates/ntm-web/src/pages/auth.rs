//! Logging in and out.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::SameSite;
use ntm_app::AppError;
use serde::Deserialize;

use crate::ctx::{Ctx, local_path};
use crate::error::{WebError, retry_text};
use crate::middleware::{CSRF_COOKIE, SESSION_COOKIE, cookie, session_csrf};
use crate::state::AppState;
use crate::view::format::hour_minute_after;
use crate::view::render;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub ctx: Ctx,
    pub username: String,
    pub next: String,
    pub error: Option<String>,
    pub info: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
    pub expired: Option<String>,
}

pub async fn login_page(ctx: Ctx, Query(q): Query<LoginQuery>) -> Response {
    let info = if q.expired.is_some() {
        Some(ctx.t("login-expired"))
    } else {
        ctx.user
            .as_ref()
            .map(|u| ctx.t1("login-already", &u.display_name))
    };
    let page = LoginPage {
        next: q.next.as_deref().and_then(local_path).unwrap_or_default(),
        username: String::new(),
        error: None,
        info,
        ctx,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

pub async fn login_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = local_path(&f.next).unwrap_or_default();
    let fail = |ctx: Ctx, status: StatusCode, error: String| {
        let page = LoginPage {
            ctx,
            username: f.username.clone(),
            next: next.clone(),
            error: Some(error),
            info: None,
        };
        render(&page, status)
    };
    if f.username.trim().is_empty() || f.password.is_empty() {
        let msg = ctx.t("login-missing");
        return Ok(fail(ctx, StatusCode::UNPROCESSABLE_ENTITY, msg));
    }
    match ntm_app::users::login(&st.app, &f.username, &f.password, &ctx.origin).await {
        Ok((token, _user)) => {
            let target = if next.is_empty() {
                "/".to_string()
            } else {
                next.clone()
            };
            let mut res = Redirect::to(&target).into_response();
            let secure = ctx.https;
            let h = res.headers_mut();
            if let Some(v) = cookie(SESSION_COOKIE, &token, SameSite::Lax, true, None, secure) {
                h.append(header::SET_COOKIE, v);
            }
            // The new session's form token (bound to it).
            if let Some(v) = cookie(
                CSRF_COOKIE,
                &session_csrf(&token),
                SameSite::Strict,
                false,
                None,
                secure,
            ) {
                h.append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(AppError::Unauthorized(_)) => {
            let msg = ctx.t("login-wrong");
            Ok(fail(ctx, StatusCode::UNAUTHORIZED, msg))
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let msg = ctx.lang.t_args(
                "login-too-many",
                &[
                    ("wait", retry_text(ctx.lang, retry_after_secs).into()),
                    ("time", hour_minute_after(retry_after_secs).into()),
                ],
            );
            let mut res = fail(ctx, StatusCode::TOO_MANY_REQUESTS, msg);
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Ok(res)
        }
        Err(AppError::Validation(_)) => {
            let msg = ctx.t("login-wrong");
            Ok(fail(ctx, StatusCode::UNPROCESSABLE_ENTITY, msg))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    if let Some(token) = &ctx.session_token {
        ntm_app::users::logout(&st.app, token, &ctx.actor()).await?;
    }
    let mut res = Redirect::to("/").into_response();
    if let Some(v) = cookie(
        SESSION_COOKIE,
        "",
        SameSite::Lax,
        true,
        Some(time::Duration::ZERO),
        ctx.https,
    ) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}
