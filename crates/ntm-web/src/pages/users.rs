//! The users page (issue 14, finding 5): the accounts within the scope the officer manages,
//! with their roles; disable or enable an account, end its sessions, add or remove a role.
//! Each POST makes one use-case call, then redirects back with what was done (or renders the
//! page again with the refusal and the role as typed).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::page::Submitted;
use ntm_app::users::{UserChange, UserInfo, UsersPage as UsersPageData};
use serde::Deserialize;

use crate::ctx::{Ctx, role_label};
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::filters;
use crate::view::render;

/// One role as the page shows it: its label and the `role@CODE` the forms send.
pub struct RoleRow {
    pub label: String,
    pub spec: String,
}

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub is_me: bool,
    pub roles: Vec<RoleRow>,
    pub active_url: String,
    pub revoke_url: String,
    pub roles_add_url: String,
    pub roles_remove_url: String,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub ctx: Ctx,
    pub users: Vec<UserRow>,
    pub done: Option<String>,
    pub errors: Vec<String>,
    /// The user whose add-role form is shown again with `typed_role`.
    pub typed_for: Option<String>,
    pub typed_role: String,
    /// API tokens of the managed accounts (revocable here).
    pub tokens: Vec<ntm_app::users::tokens::TokenView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
}

fn rows(ctx: &Ctx, users: Vec<UserInfo>) -> Vec<UserRow> {
    let me = ctx.user.as_ref().map(|u| u.username.clone());
    users
        .into_iter()
        .map(|u| {
            let roles = u
                .grants
                .iter()
                .map(|g| {
                    let scope = g
                        .scope_code
                        .clone()
                        .unwrap_or_else(|| ctx.t("users-role-whole-country"));
                    RoleRow {
                        label: format!("{} · {scope}", role_label(ctx.lang, g.role)),
                        spec: match &g.scope_code {
                            Some(c) => format!("{}@{c}", g.role.as_str()),
                            None => g.role.as_str().to_string(),
                        },
                    }
                })
                .collect();
            UserRow {
                is_me: me.as_deref() == Some(u.username.as_str()),
                active_url: Urls::user_active(&u.username),
                revoke_url: Urls::user_revoke(&u.username),
                roles_add_url: Urls::user_roles_add(&u.username),
                roles_remove_url: Urls::user_roles_remove(&u.username),
                username: u.username,
                display_name: u.display_name,
                active: u.active,
                roles,
            }
        })
        .collect()
}

fn page(
    ctx: Ctx,
    data: UsersPageData,
    done: Option<String>,
    errors: Vec<String>,
    typed: Option<(String, String)>,
) -> UsersPage {
    let (typed_for, typed_role) = typed.map_or((None, String::new()), |(u, r)| (Some(u), r));
    UsersPage {
        tokens: data.tokens,
        users: rows(&ctx, data.users),
        done,
        errors,
        typed_for,
        typed_role,
        ctx,
    }
}

pub async fn users_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let done = match (q.done.as_deref(), q.user.as_deref()) {
        (Some(d @ ("disable" | "enable" | "revoke" | "role-add" | "role-remove")), Some(u)) => {
            Some(ctx.t1(&format!("users-done-{d}"), u))
        }
        _ => None,
    };
    let data = ntm_app::users::users_page(&st.app, &ctx.actor()).await?;
    let p = page(ctx, data, done, Vec::new(), None);
    Ok(render(&p, StatusCode::OK))
}

/// A change to an account from the users page: done, back to the page with what was done;
/// refused, the page again, 422, with the reasons (and the role as typed).
async fn change(
    st: &AppState,
    ctx: Ctx,
    username: &str,
    change: UserChange,
    done: &str,
    typed: Option<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    match ntm_app::users::change_user(&st.app, &ctx.actor(), username, change).await? {
        Submitted::Done(()) => Ok(Redirect::to(&Urls::users_done(done, username)).into_response()),
        Submitted::Again {
            refusal,
            page: data,
        } => {
            let errors = match refusal {
                Some(AppError::Validation(fields)) => {
                    fields.into_iter().map(|f| f.message).collect()
                }
                Some(e) => return Err(e.into()),
                None => Vec::new(),
            };
            let p = page(ctx, data, None, errors, typed);
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    pub active: String,
}

pub async fn set_active(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, WebError> {
    let active = f.active == "1";
    let done = if active { "enable" } else { "disable" };
    change(
        &st,
        ctx,
        &username,
        UserChange::SetActive(active),
        done,
        None,
    )
    .await
}

pub async fn revoke(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
) -> Result<Response, WebError> {
    change(
        &st,
        ctx,
        &username,
        UserChange::RevokeSessions,
        "revoke",
        None,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
}

pub async fn add_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    Form(f): Form<RoleForm>,
) -> Result<Response, WebError> {
    let typed = Some((username.clone(), f.role.clone()));
    change(
        &st,
        ctx,
        &username,
        UserChange::AddRole(f.role),
        "role-add",
        typed,
    )
    .await
}

pub async fn remove_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(username): Path<String>,
    Form(f): Form<RoleForm>,
) -> Result<Response, WebError> {
    change(
        &st,
        ctx,
        &username,
        UserChange::RemoveRole(f.role),
        "role-remove",
        None,
    )
    .await
}
