//! Accounts, roles, login sessions and login rate limiting.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use ntm_domain::authz::{Grant, Permission, Role};
use ntm_store::{SessionRecord, UserRecord};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::authz::{Actor, require};
use crate::{App, AppError, FieldError, now, today};

pub mod access;
mod pages;
pub mod tokens;
pub use access::{
    AccountView, SessionView, account, add_role, change_own_password, own_sessions, remove_role,
    revoke_sessions, set_active,
};
pub use pages::{
    AccountPage, UserChange, UsersPage, account_page, change_password_page, change_user,
    create_token_page, set_own_email, users_page,
};

/// A user as shown to others (never the hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserInfo {
    pub id: uuid::Uuid,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub grants: Vec<Grant>,
}

fn info(u: UserRecord, grants: Vec<Grant>) -> UserInfo {
    UserInfo {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        active: u.active,
        grants,
    }
}

/// A role to grant, on the subtree of a unit (`None`: the whole country).
#[derive(Debug, Clone)]
pub struct GrantInput {
    pub role: Role,
    pub scope_code: Option<String>,
}

impl GrantInput {
    /// Parses `role` or `role@CODE`, e.g. `province_officer@84`.
    pub fn parse(s: &str) -> Result<GrantInput, AppError> {
        let (r, scope) = match s.split_once('@') {
            Some((r, c)) => (r, Some(c.trim().to_string())),
            None => (s, None),
        };
        let role = Role::parse(r).ok_or_else(|| {
            AppError::invalid(
                "role",
                format!(
                    "unknown role \"{r}\"; roles: {}",
                    Role::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        Ok(GrantInput {
            role,
            scope_code: scope.filter(|c| !c.is_empty()),
        })
    }
}

pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub grants: Vec<GrantInput>,
}

fn check_username(u: &str) -> Result<String, FieldError> {
    let u = u.trim().to_lowercase();
    if u.len() < 3 || u.len() > 64 {
        return Err(FieldError::new("username", "3 to 64 characters"));
    }
    if !u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            "username",
            "only letters a–z, digits and . _ - (no spaces or diacritics)",
        ));
    }
    Ok(u)
}

fn check_password(p: &str) -> Result<(), FieldError> {
    if p.chars().count() < 8 {
        return Err(FieldError::new("password", "at least 8 characters"));
    }
    if p.len() > 256 {
        return Err(FieldError::new("password", "at most 256 characters"));
    }
    Ok(())
}

/// Turns a scope code into a grant with its unit path. The unit valid today is used; a
/// code that no longer exists (e.g. a province merged in 2025) resolves to its last version,
/// so historical data stays reachable.
async fn resolve_grant(app: &App, g: &GrantInput) -> Result<Grant, AppError> {
    let Some(code) = &g.scope_code else {
        return Ok(Grant {
            role: g.role,
            scope_code: None,
            scope_path: "/".into(),
        });
    };
    let unit = match app.db.unit_on(code, today()).await? {
        Some(u) => u,
        None => app
            .db
            .unit_versions(code)
            .await?
            .pop()
            .ok_or_else(|| AppError::invalid("scope", format!("no unit has code {code}")))?,
    };
    Ok(Grant {
        role: g.role,
        scope_code: Some(unit.code),
        scope_path: unit.path,
    })
}

/// The granter must hold, on the scope, every permission the granted role carries:
/// nobody can hand out more than they have.
fn require_can_grant(actor: &Actor, g: &Grant) -> Result<(), AppError> {
    require(actor, Permission::ManageUsers, &g.scope_path)?;
    for p in Permission::ALL {
        if g.role.allows(p) {
            require(actor, p, &g.scope_path)?;
        }
    }
    Ok(())
}

static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn add_user(app: &App, actor: &Actor, new: NewUser) -> Result<UserInfo, AppError> {
    let mut errors = Vec::new();
    let username = check_username(&new.username)
        .map_err(|e| errors.push(e))
        .ok();
    if let Err(e) = check_password(&new.password) {
        errors.push(e);
    }
    let display_name = new.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 120 {
        errors.push(FieldError::new("display_name", "1 to 120 characters"));
    }
    if new.grants.is_empty() {
        errors.push(FieldError::new("role", "give the user at least one role"));
    }
    let mut grants = Vec::new();
    for g in &new.grants {
        match resolve_grant(app, g).await {
            Ok(g) => grants.push(g),
            Err(AppError::Validation(mut e)) => errors.append(&mut e),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    for g in &grants {
        require_can_grant(actor, g)?;
    }
    let username = username.unwrap_or_default();
    let rec = UserRecord {
        id: uuid::Uuid::now_v7(),
        username: username.clone(),
        display_name,
        password_hash: hash_password(&new.password).await?,
        active: true,
        created_at: now(),
    };
    let audit = actor.audit_entry("user.add",
        &username,
        serde_json::json!({ "grants": grants.iter().map(|g| format!("{}@{}", g.role.as_str(), g.scope_code.as_deref().unwrap_or("*"))).collect::<Vec<_>>() }),
    );
    app.db.insert_user(&rec, &grants, audit).await?;
    Ok(info(rec, grants))
}

/// Sets a password (the user themself, the CLI, or someone allowed to manage users over
/// every scope the user holds) and ends every session of the user. Returns how many sessions were ended. Users
/// change their own password with [`change_own_password`], which checks the current one.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn set_password(
    app: &App,
    actor: &Actor,
    username: &str,
    password: &str,
) -> Result<u64, AppError> {
    check_password(password).map_err(|e| AppError::Validation(vec![e]))?;
    let user = access::own_or_managed(app, actor, username).await?;
    let hash = hash_password(password).await?;
    let audit = actor.audit_entry("user.passwd", &user.username, serde_json::json!({}));
    Ok(app.db.set_password(user.id, &hash, None, audit).await?)
}

/// Checks an e-mail address: one `@` with text on both sides, a dot in the domain, no
/// spaces or angle brackets, at most 254 characters. Returns it trimmed.
pub fn check_email(e: &str) -> Result<String, FieldError> {
    let e = e.trim();
    if e.len() > 254 {
        return Err(FieldError::new("email", "at most 254 characters"));
    }
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
                })
        }
        None => false,
    };
    if !ok {
        return Err(FieldError::new(
            "email",
            "not an e-mail address (e.g. ten@example.gov.vn)",
        ));
    }
    Ok(e.to_owned())
}

/// Sets (`Some`) or clears (`None`) a user's e-mail address: the user themself, or someone
/// allowed to manage users over every scope the user holds (the CLI). Audited.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn set_email(
    app: &App,
    actor: &Actor,
    username: &str,
    email: Option<&str>,
) -> Result<(), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let email = email
        .map(check_email)
        .transpose()
        .map_err(|e| AppError::Validation(vec![e]))?;
    let user = access::own_or_managed(app, actor, username).await?;
    let audit = actor.audit_entry(
        if email.is_some() {
            "user.email.set"
        } else {
            "user.email.clear"
        },
        &user.username,
        serde_json::json!({ "email": email }),
    );
    app.db
        .set_user_email(user.id, email.as_deref(), audit)
        .await?;
    Ok(())
}

/// The actor's own e-mail address (`None` when they have none); login required.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn own_email(app: &App, actor: &Actor) -> Result<Option<String>, AppError> {
    match actor {
        Actor::User { id, .. } => Ok(app.db.user_email(*id).await?),
        _ => Err(AppError::Unauthorized("login required".into())),
    }
}

/// Users whose every grant lies inside the actor's user-management scope.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn list_users(app: &App, actor: &Actor) -> Result<Vec<UserInfo>, AppError> {
    if !matches!(actor, Actor::Cli { .. }) {
        let managed = actor
            .grants()
            .iter()
            .any(|g| g.role.allows(Permission::ManageUsers));
        if !managed {
            return Err(match actor {
                Actor::Anonymous { .. } => AppError::Unauthorized("login required".into()),
                _ => AppError::Forbidden("managing users".into()),
            });
        }
    }
    let all = app.db.list_users().await?;
    Ok(all
        .into_iter()
        .filter(|(_, grants)| {
            matches!(actor, Actor::Cli { .. })
                || (!grants.is_empty()
                    && grants
                        .iter()
                        .all(|g| require(actor, Permission::ManageUsers, &g.scope_path).is_ok()))
        })
        .map(|(u, g)| info(u, g))
        .collect())
}

fn key_hash(kind: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b":");
    h.update(value.as_bytes());
    hex::encode(h.finalize())
}

/// Session token kept by the browser; only its hash is stored.
pub fn token_hash(token: &str) -> String {
    key_hash("session", token)
}

/// A logged-in user, as resolved from a session token.
#[derive(Debug, Clone, Serialize)]
pub struct CurrentUser {
    pub id: uuid::Uuid,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
}

impl CurrentUser {
    pub fn actor(&self, origin: &str) -> Actor {
        Actor::User {
            id: self.id,
            username: self.username.clone(),
            grants: self.grants.clone(),
            origin: origin.to_string(),
            via_token: None,
        }
    }

    /// The actor of a request made with an API token: audit entries name the token.
    pub fn token_actor(&self, origin: &str, token: crate::authz::TokenRef) -> Actor {
        Actor::User {
            id: self.id,
            username: self.username.clone(),
            grants: self.grants.clone(),
            origin: origin.to_string(),
            via_token: Some(token),
        }
    }
}

/// Checks the password (with per-account and per-address limits on failures) and opens a
/// session. Returns the secret token for the cookie.
#[tracing::instrument(skip_all)]
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    origin: &str,
) -> Result<(String, CurrentUser), AppError> {
    let username = username.trim().to_lowercase();
    let t = now();
    // Reserved before the password is verified (see `login_throttle`): refused attempts
    // never reach argon2, and parallel ones are counted one by one.
    let reserved = crate::login_throttle::reserve(app, &username, origin, t).await?;
    let user = app.db.user_by_username(&username).await?;
    // Verify against a real hash even for unknown users, so timing does not reveal accounts.
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash).await,
        None => {
            let dummy = DUMMY_HASH.get_or_init(|| {
                Argon2::default()
                    .hash_password(b"no such user")
                    .map(|h| h.to_string())
                    .unwrap_or_default()
            });
            verify_password(password, dummy).await;
            false
        }
    };
    let user = match user {
        Some(u) if ok && u.active => u,
        other => {
            // Failed logins are audited (security review 8). The name is recorded only when
            // it is an account's: a password typed into the name field stays out of the log.
            let (target, why) = match &other {
                Some(u) if !u.active => (u.username.as_str(), "disabled"),
                Some(u) => (u.username.as_str(), "wrong_password"),
                None => ("?", "unknown_account"),
            };
            let anon = Actor::Anonymous {
                origin: origin.to_string(),
            };
            app.db
                .append_audit(anon.audit_entry(
                    "session.login_failed",
                    target,
                    serde_json::json!({ "reason": why }),
                ))
                .await?;
            return Err(AppError::Unauthorized("wrong username or password".into()));
        }
    };
    crate::login_throttle::succeeded(app, &reserved).await?;
    crate::login_throttle::prune(app, t).await?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let rec = SessionRecord {
        token_hash: token_hash(&token),
        user_id: user.id,
        created_at: t,
        expires_at: access::session_expiry(app, t, t),
        last_seen_at: t,
        origin: origin.to_string(),
    };
    let grants = app.db.grants_of(user.id).await?;
    let actor = Actor::User {
        id: user.id,
        username: user.username.clone(),
        grants: grants.clone(),
        origin: origin.into(),
        via_token: None,
    };
    app.db
        .insert_session(
            &rec,
            actor.audit_entry("session.login", &user.username, serde_json::json!({})),
        )
        .await?;
    Ok((
        token,
        CurrentUser {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            grants,
        },
    ))
}

/// The user behind a session token. `Ok(None)`: no such session; `Err(Unauthorized)`:
/// it expired (and is removed). Active sessions slide their expiry forward.
#[tracing::instrument(skip_all)]
pub async fn session_user(app: &App, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let hash = token_hash(token);
    let Some(s) = app.db.session_by_hash(&hash).await? else {
        return Ok(None);
    };
    let t = now();
    // Idle expiry, and the absolute lifetime even for a session in constant use.
    if s.expires_at <= t || s.created_at + app.config.session_max <= t {
        app.db.delete_session(&hash, None).await?;
        return Err(AppError::SessionExpired);
    }
    let Some(user) = app.db.user_by_id(s.user_id).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    if t - s.last_seen_at > time::Duration::minutes(1) {
        app.db
            .touch_session(&hash, t, access::session_expiry(app, s.created_at, t))
            .await?;
    }
    let grants = app.db.grants_of(user.id).await?;
    Ok(Some(CurrentUser {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        grants,
    }))
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn logout(app: &App, token: &str, actor: &Actor) -> Result<(), AppError> {
    let audit = actor.audit_entry("session.logout", &actor.audit_name(), serde_json::json!({}));
    app.db
        .delete_session(&token_hash(token), Some(audit))
        .await?;
    Ok(())
}
