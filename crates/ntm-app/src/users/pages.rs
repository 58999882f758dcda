//! The account and users pages' use cases, one per page or form: everything the page shows,
//! or the outcome of its form with the page again when refused ([`Submitted`]).

use super::tokens::{self, NewToken, TokenView};
use super::{AccountView, GrantInput, UserInfo};
use crate::authz::Actor;
use crate::page::Submitted;
use crate::{App, AppError};

/// The account page: the account with its sessions, and the user's own API tokens.
#[derive(Debug, Clone)]
pub struct AccountPage {
    pub account: AccountView,
    pub tokens: Vec<TokenView>,
}

/// The account page of the signed-in actor (`session`: the current session's token).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn account_page(
    app: &App,
    actor: &Actor,
    session: Option<&str>,
) -> Result<AccountPage, AppError> {
    let account = super::account(app, actor, session).await?;
    let tokens = tokens::own_tokens(app, actor).await?;
    Ok(AccountPage { account, tokens })
}

/// The page again after a validation refusal; any other error as it is.
async fn again<D>(
    app: &App,
    actor: &Actor,
    session: Option<&str>,
    r: Result<D, AppError>,
) -> Result<Submitted<D, AccountPage>, AppError> {
    match r {
        Ok(d) => Ok(Submitted::Done(d)),
        Err(e @ AppError::Validation(_)) => Ok(Submitted::Again {
            refusal: Some(e),
            page: account_page(app, actor, session).await?,
        }),
        Err(e) => Err(e),
    }
}

/// Sets (or, `None`, clears) the actor's own e-mail address from the account page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn set_own_email(
    app: &App,
    actor: &Actor,
    session: Option<&str>,
    email: Option<&str>,
) -> Result<Submitted<(), AccountPage>, AppError> {
    let Actor::User { username, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let r = super::set_email(app, actor, username, email).await;
    again(app, actor, session, r).await
}

/// Changes the actor's own password from the account page (the other sessions end, this
/// one stays): how many sessions ended.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn change_password_page(
    app: &App,
    actor: &Actor,
    session: Option<&str>,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<Submitted<u64, AccountPage>, AppError> {
    let token = session.unwrap_or_default();
    let r = super::change_own_password(app, actor, token, current, new, repeat).await;
    again(app, actor, session, r).await
}

/// Creates one of the actor's own API tokens from the account page: the secret, shown
/// once, or the validation refusal; with the page to show either on.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn create_token_page(
    app: &App,
    actor: &Actor,
    session: Option<&str>,
    new: NewToken,
) -> Result<(Result<String, AppError>, AccountPage), AppError> {
    let created = match tokens::create_token(app, actor, new).await {
        Ok((secret, _)) => Ok(secret),
        Err(e @ AppError::Validation(_)) => Err(e),
        Err(e) => return Err(e),
    };
    Ok((created, account_page(app, actor, session).await?))
}

/// The users page: the accounts the actor manages and their API tokens.
#[derive(Debug, Clone)]
pub struct UsersPage {
    pub users: Vec<UserInfo>,
    pub tokens: Vec<TokenView>,
}

/// The users page (the check of [`super::list_users`] first).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn users_page(app: &App, actor: &Actor) -> Result<UsersPage, AppError> {
    let users = super::list_users(app, actor).await?;
    let tokens = tokens::managed_tokens(app, actor).await?;
    Ok(UsersPage { users, tokens })
}

/// What the users page does to an account.
#[derive(Debug, Clone)]
pub enum UserChange {
    SetActive(bool),
    RevokeSessions,
    /// A role as typed (`commune_officer@29374`).
    AddRole(String),
    RemoveRole(String),
}

/// A change to the account `username` from the users page; a validation refusal (a role
/// that does not parse included), the page again.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn change_user(
    app: &App,
    actor: &Actor,
    username: &str,
    change: UserChange,
) -> Result<Submitted<(), UsersPage>, AppError> {
    let r = match change {
        UserChange::SetActive(active) => super::set_active(app, actor, username, active)
            .await
            .map(|_| ()),
        UserChange::RevokeSessions => super::revoke_sessions(app, actor, username, None)
            .await
            .map(|_| ()),
        UserChange::AddRole(role) => match GrantInput::parse(role.trim()) {
            Ok(g) => super::add_role(app, actor, username, &g).await,
            Err(e) => Err(e),
        },
        UserChange::RemoveRole(role) => match GrantInput::parse(role.trim()) {
            Ok(g) => super::remove_role(app, actor, username, &g).await,
            Err(e) => Err(e),
        },
    };
    match r {
        Ok(()) => Ok(Submitted::Done(())),
        Err(e @ AppError::Validation(_)) => Ok(Submitted::Again {
            refusal: Some(e),
            page: users_page(app, actor).await?,
        }),
        Err(e) => Err(e),
    }
}
