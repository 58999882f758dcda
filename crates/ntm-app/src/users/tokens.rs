//! API tokens for machine clients (issue 14, part 3): a provincial data platform or a
//! national system calls `/api/v1/…` with `Authorization: Bearer <token>`.
//!
//! - A token belongs to one user (a person, or a service account created for the machine
//!   client) and acts with that user's grants, read on every request: it is never stronger
//!   than its owner, and a disabled owner or a removed role takes effect at once.
//! - Its scope is `read` (safe methods only) or `write`; it expires (at most
//!   [`MAX_DAYS`] days) and can be revoked by its owner or by whoever manages the owner.
//! - Only a SHA-256 of the 256-bit random secret is stored; the secret is shown once.
//! - Creation and revocation are audited in the same transaction; a refused known token
//!   (expired, revoked, disabled owner) is audited, every failure is logged and counted per
//!   client address ([`MAX_FAILURES`] per [`FAILURE_WINDOW`], then 429).
//!
//! Tokens authenticate the API only (the web layer never accepts them on pages), and the
//! token use cases below are reachable from pages and the command line only.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use ntm_store::ApiTokenRecord;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::CurrentUser;
use super::access::{managed_user, own_or_managed};
use crate::authz::Actor;
use crate::{App, AppError, FieldError, now};

/// Longest validity of a token, in days.
pub const MAX_DAYS: i64 = 365;
/// Failed token uses allowed per client address within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Every token starts with this, so it is recognised in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "ntm_";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Safe methods only (GET, HEAD).
    Read,
    /// Reads and writes, within the owner's grants.
    Write,
}

impl TokenScope {
    pub fn parse(s: &str) -> Option<TokenScope> {
        match s.trim() {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }
}

/// A token to create for `username` (the actor themself, or a user they manage).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub username: String,
    pub name: String,
    pub scope: TokenScope,
    /// Days until it expires, 1 to [`MAX_DAYS`].
    pub days: i64,
}

/// A token as listed (never its secret nor its hash).
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub scope: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
    /// Neither revoked nor expired.
    pub usable: bool,
}

fn view(t: ApiTokenRecord, username: String, at: OffsetDateTime) -> TokenView {
    TokenView {
        usable: t.revoked_at.is_none() && t.expires_at > at,
        id: t.id,
        username,
        name: t.name,
        scope: t.scope,
        prefix: t.prefix,
        created_at: t.created_at,
        created_by: t.created_by,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
        revoked_by: t.revoked_by,
    }
}

/// The stored form of a token: SHA-256 of a fixed label and the secret, hex.
pub fn api_token_hash(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"ntm-api-token/1\0");
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

/// Whether `token` has the shape of one of ours (checked before the database is asked).
fn well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Creates a token; returns the secret (shown once) and the token as listed. Audited as
/// `api_token.create` (name, scope, expiry; never the secret).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn create_token(
    app: &App,
    actor: &Actor,
    new: NewToken,
) -> Result<(String, TokenView), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let mut errors = Vec::new();
    let name = new.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "1 to 100 characters"));
    }
    if !(1..=MAX_DAYS).contains(&new.days) {
        errors.push(FieldError::new(
            "days",
            format!("a token expires after 1 to {MAX_DAYS} days"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let owner = own_or_managed(app, actor, &new.username).await?;
    if !owner.active {
        return Err(AppError::Conflict(format!(
            "the account {} is disabled",
            owner.username
        )));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let t = now();
    let rec = ApiTokenRecord {
        id: Uuid::now_v7(),
        user_id: owner.id,
        name,
        scope: new.scope.as_str().to_string(),
        token_hash: api_token_hash(&secret),
        prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
        created_at: t,
        created_by: actor.audit_name(),
        expires_at: t + time::Duration::days(new.days),
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
    };
    let audit = actor.audit_entry(
        "api_token.create",
        &owner.username,
        serde_json::json!({
            "token": rec.id, "name": rec.name, "scope": rec.scope,
            "prefix": rec.prefix, "expires_at": rec.expires_at.date().to_string(),
        }),
    );
    app.db.insert_api_token(&rec, audit).await?;
    Ok((secret, view(rec, owner.username, t)))
}

/// The actor's own tokens, newest first.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn own_tokens(app: &App, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
    let Actor::User { id, username, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let t = now();
    Ok(app
        .db
        .api_tokens(Some(&[*id]))
        .await?
        .into_iter()
        .map(|r| view(r, username.clone(), t))
        .collect())
}

/// The tokens of every user the actor manages (the users page; the CLI sees all).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn managed_tokens(app: &App, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
    let users = super::list_users(app, actor).await?;
    let names: HashMap<Uuid, String> = users.into_iter().map(|u| (u.id, u.username)).collect();
    let ids: Vec<Uuid> = names.keys().copied().collect();
    let t = now();
    Ok(app
        .db
        .api_tokens(Some(&ids))
        .await?
        .into_iter()
        .filter_map(|r| {
            let name = names.get(&r.user_id)?.clone();
            Some(view(r, name, t))
        })
        .collect())
}

/// Revokes a token: its owner, or whoever manages the owner. Audited as
/// `api_token.revoke`. Returns false when it was already revoked (nothing written).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn revoke_token(app: &App, actor: &Actor, id: Uuid) -> Result<bool, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let tok = app
        .db
        .api_token(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no token {id}")))?;
    let owner = app
        .db
        .user_by_id(tok.user_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no token {id}")))?;
    let own = matches!(actor, Actor::User { id, .. } if *id == owner.id);
    if !own {
        // Someone else's token: only whoever manages its owner. Unknown to others (404),
        // so ids cannot be probed.
        managed_user(app, actor, &owner.username)
            .await
            .map_err(|e| match e {
                AppError::Forbidden(_) => AppError::NotFound(format!("no token {id}")),
                other => other,
            })?;
    }
    let audit = actor.audit_entry(
        "api_token.revoke",
        &owner.username,
        serde_json::json!({ "token": tok.id, "name": tok.name, "prefix": tok.prefix }),
    );
    Ok(app
        .db
        .revoke_api_token(tok.id, now(), &actor.audit_name(), audit)
        .await?)
}

/// A user authenticated by an API token.
#[derive(Debug, Clone)]
pub struct TokenUser {
    pub user: CurrentUser,
    pub scope: TokenScope,
    pub token_id: Uuid,
    /// The token's name (named with its id in the audit entries of its writes).
    pub token_name: String,
}

impl TokenUser {
    /// The actor of a request made with this token: audit entries name the token.
    pub fn actor(&self, origin: &str) -> Actor {
        self.user.token_actor(origin, self.token_ref())
    }

    pub fn token_ref(&self) -> crate::authz::TokenRef {
        crate::authz::TokenRef {
            id: self.token_id,
            name: self.token_name.clone(),
        }
    }
}

/// Failed token uses per client address (in memory, per process; clones share it).
#[derive(Debug, Default, Clone)]
pub struct FailureLimiter {
    windows: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

impl FailureLimiter {
    fn blocked(&self, origin: &str) -> Option<u64> {
        let map = self.windows.lock().ok()?;
        let (start, n) = map.get(origin)?;
        let left = FAILURE_WINDOW.checked_sub(start.elapsed())?;
        (*n >= MAX_FAILURES).then(|| left.as_secs().max(1))
    }

    fn failed(&self, origin: &str) {
        let Ok(mut map) = self.windows.lock() else {
            return;
        };
        if map.len() > 10_000 {
            map.retain(|_, (start, _)| start.elapsed() < FAILURE_WINDOW);
        }
        let e = map.entry(origin.to_string()).or_insert((Instant::now(), 0));
        if e.0.elapsed() >= FAILURE_WINDOW {
            *e = (Instant::now(), 0);
        }
        e.1 += 1;
    }
}

/// The user behind a bearer token, with the token's scope. Refused (401) when the token is
/// malformed, unknown, revoked or expired, or its owner is disabled; 429 after
/// [`MAX_FAILURES`] failures from `origin`.
#[tracing::instrument(skip_all)]
pub async fn token_user(app: &App, token: &str, origin: &str) -> Result<TokenUser, AppError> {
    if let Some(secs) = app.token_failures.blocked(origin) {
        return Err(AppError::TooManyRequests {
            retry_after_secs: secs,
        });
    }
    let refuse = |why: &str| {
        app.token_failures.failed(origin);
        tracing::warn!(origin, reason = why, "API token refused");
        AppError::Unauthorized(format!("API token refused: {why}"))
    };
    if !well_formed(token) {
        return Err(refuse("not a token"));
    }
    let Some(tok) = app.db.api_token_by_hash(&api_token_hash(token)).await? else {
        return Err(refuse("unknown token"));
    };
    let t = now();
    let owner = app.db.user_by_id(tok.user_id).await?;
    let why = match &owner {
        _ if tok.revoked_at.is_some() => Some("revoked"),
        _ if tok.expires_at <= t => Some("expired"),
        Some(u) if !u.active => Some("owner disabled"),
        None => Some("owner removed"),
        Some(_) => None,
    };
    let (Some(user), None) = (owner, why) else {
        let why = why.unwrap_or("refused");
        let anon = Actor::Anonymous {
            origin: origin.to_string(),
        };
        app.db
            .append_audit(anon.audit_entry(
                "api_token.refused",
                &tok.id.to_string(),
                serde_json::json!({ "reason": why, "prefix": tok.prefix }),
            ))
            .await?;
        return Err(refuse(why));
    };
    let scope = TokenScope::parse(&tok.scope)
        .ok_or_else(|| AppError::Internal(format!("token {} has scope {}", tok.id, tok.scope)))?;
    if tok
        .last_used_at
        .is_none_or(|u| t - u > time::Duration::minutes(1))
    {
        app.db.touch_api_token(tok.id, t).await?;
    }
    let grants = app.db.grants_of(user.id).await?;
    Ok(TokenUser {
        user: CurrentUser {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            grants,
        },
        scope,
        token_id: tok.id,
        token_name: tok.name,
    })
}
