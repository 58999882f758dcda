//! Taking access away and giving it back (issue 14, finding 5): disable and enable an
//! account, add and remove a role, end sessions on demand, change one's own password (the
//! other sessions end), and the sessions a user can see. A user's roles are read on every
//! request, so a removed role stops working at the next click; disabling an account or
//! changing its password ends its sessions in the same transaction.

use ntm_domain::authz::Permission;
use ntm_store::UserRecord;
use serde::Serialize;
use time::OffsetDateTime;

use super::{
    GrantInput, check_password, require_can_grant, resolve_grant, token_hash, verify_password,
};
use crate::authz::{Actor, require};
use crate::{App, AppError, FieldError, now};

/// The user named `username`, when `actor` may manage them: a logged-in user or the CLI
/// allowed to manage users over every scope the user holds (the whole country for a user
/// without any role).
pub(crate) async fn managed_user(
    app: &App,
    actor: &Actor,
    username: &str,
) -> Result<UserRecord, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let user = app
        .db
        .user_by_username(&username.trim().to_lowercase())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user named {username}")))?;
    let grants = app.db.grants_of(user.id).await?;
    if grants.is_empty() {
        require(actor, Permission::ManageUsers, "/")?;
    }
    for g in &grants {
        require(actor, Permission::ManageUsers, &g.scope_path)?;
    }
    Ok(user)
}

/// The actor themself when `username` is theirs, otherwise a user they manage
/// ([`managed_user`]).
pub(crate) async fn own_or_managed(
    app: &App,
    actor: &Actor,
    username: &str,
) -> Result<UserRecord, AppError> {
    if let Actor::User {
        id, username: me, ..
    } = actor
        && me.eq_ignore_ascii_case(username.trim())
    {
        return app
            .db
            .user_by_id(*id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no user named {username}")));
    }
    managed_user(app, actor, username).await
}

/// `role@CODE` (`*` for the whole country), as the audit log and the messages name a grant.
fn grant_label(g: &ntm_domain::authz::Grant) -> String {
    format!(
        "{}@{}",
        g.role.as_str(),
        g.scope_code.as_deref().unwrap_or("*")
    )
}

fn is_self(actor: &Actor, user: &UserRecord) -> bool {
    matches!(actor, Actor::User { id, .. } if *id == user.id)
}

/// Disables (`active = false`) or enables an account. Disabling ends all its sessions at
/// once; nobody can disable their own account (an administrator would lock themself out).
/// Returns how many sessions were ended.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username, active))]
pub async fn set_active(
    app: &App,
    actor: &Actor,
    username: &str,
    active: bool,
) -> Result<u64, AppError> {
    let user = managed_user(app, actor, username).await?;
    if !active && is_self(actor, &user) {
        return Err(AppError::invalid(
            "user",
            "không thể tự vô hiệu hóa tài khoản của chính mình (you cannot disable your own account)",
        ));
    }
    if user.active == active {
        return Ok(0);
    }
    let live = app.db.sessions_of_user(user.id).await?.len();
    let audit = actor.audit_entry(
        if active {
            "user.enable"
        } else {
            "user.disable"
        },
        &user.username,
        serde_json::json!({ "sessions_open": live }),
    );
    Ok(app.db.set_active(user.id, active, audit).await?)
}

/// Gives an existing user one more role. The actor must manage the user and be able to
/// grant the role on its scope (nobody hands out more than they have).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn add_role(
    app: &App,
    actor: &Actor,
    username: &str,
    grant: &GrantInput,
) -> Result<(), AppError> {
    let user = managed_user(app, actor, username).await?;
    let g = resolve_grant(app, grant).await?;
    require_can_grant(actor, &g)?;
    let audit = actor.audit_entry(
        "user.role.add",
        &user.username,
        serde_json::json!({ "grant": grant_label(&g) }),
    );
    app.db
        .add_grant(user.id, &g, audit)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(m) => AppError::invalid("role", m),
            e => e.into(),
        })
}

/// Takes one role away. Refused for the user's last role (disable the account instead, so
/// the account stays listed and its history readable).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn remove_role(
    app: &App,
    actor: &Actor,
    username: &str,
    grant: &GrantInput,
) -> Result<(), AppError> {
    let user = managed_user(app, actor, username).await?;
    let g = resolve_grant(app, grant).await?;
    require_can_grant(actor, &g)?;
    let held = app.db.grants_of(user.id).await?;
    let label = grant_label(&g);
    if !held
        .iter()
        .any(|h| h.role == g.role && h.scope_path == g.scope_path)
    {
        return Err(AppError::invalid(
            "role",
            format!("{} does not hold the role {label}", user.username),
        ));
    }
    if held.len() == 1 {
        return Err(AppError::invalid(
            "role",
            format!(
                "{label} là vai trò cuối cùng của {}; hãy vô hiệu hóa tài khoản thay vì gỡ vai trò \
                 (the last role: disable the account instead)",
                user.username
            ),
        ));
    }
    let audit = actor.audit_entry(
        "user.role.remove",
        &user.username,
        serde_json::json!({ "grant": label }),
    );
    Ok(app
        .db
        .remove_grant(user.id, g.role, &g.scope_path, audit)
        .await?)
}

/// Ends the sessions of `username`: every one, or every one but the caller's own
/// (`keep_token`, the cookie's token) when users end their other sessions. Returns how many
/// were ended.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), user = %username))]
pub async fn revoke_sessions(
    app: &App,
    actor: &Actor,
    username: &str,
    keep_token: Option<&str>,
) -> Result<u64, AppError> {
    let user = own_or_managed(app, actor, username).await?;
    let keep = keep_token.map(token_hash);
    let audit = actor.audit_entry(
        "session.revoke",
        &user.username,
        serde_json::json!({ "kept_current": keep.is_some() }),
    );
    Ok(app
        .db
        .revoke_sessions(user.id, keep.as_deref(), audit)
        .await?)
}

/// One of the actor's own sessions, as the account page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// When it ends at the latest (idle expiry, capped by the absolute lifetime).
    pub expires_at: OffsetDateTime,
    /// The client address it was opened from.
    pub origin: String,
    /// The session of this request.
    pub current: bool,
}

/// The actor's own live sessions, newest first; `current_token` marks this request's.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn own_sessions(
    app: &App,
    actor: &Actor,
    current_token: Option<&str>,
) -> Result<Vec<SessionView>, AppError> {
    let Actor::User { id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let current = current_token.map(token_hash);
    let t = now();
    Ok(app
        .db
        .sessions_of_user(*id)
        .await?
        .into_iter()
        .filter(|s| s.expires_at > t)
        .map(|s| SessionView {
            current: current.as_deref() == Some(s.token_hash.as_str()),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
            origin: s.origin,
        })
        .collect())
}

/// A user changes their own password: the current one is checked (attempts count against
/// the same limits as logins), the new one must differ and be typed twice; every other
/// session of the user ends, this one stays. Returns how many sessions were ended.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn change_own_password(
    app: &App,
    actor: &Actor,
    current_token: &str,
    current_password: &str,
    new_password: &str,
    repeat: &str,
) -> Result<u64, AppError> {
    let Actor::User { id, origin, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let user = app
        .db
        .user_by_id(*id)
        .await?
        .ok_or_else(|| AppError::Unauthorized("login required".into()))?;
    let mut errors = Vec::new();
    if let Err(e) = check_password(new_password) {
        errors.push(FieldError::new("new_password", e.message));
    }
    if new_password != repeat {
        errors.push(FieldError::new(
            "repeat",
            "the two new passwords differ (hai mật khẩu mới không khớp)",
        ));
    }
    if new_password == current_password {
        errors.push(FieldError::new(
            "new_password",
            "the new password is the current one (mật khẩu mới trùng mật khẩu hiện tại)",
        ));
    }
    let t = now();
    let reserved = crate::login_throttle::reserve(app, &user.username, origin, t).await?;
    if !verify_password(current_password, &user.password_hash).await {
        errors.insert(
            0,
            FieldError::new(
                "current_password",
                "the current password is wrong (mật khẩu hiện tại không đúng)",
            ),
        );
        return Err(AppError::Validation(errors));
    }
    crate::login_throttle::succeeded(app, &reserved).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = super::hash_password(new_password).await?;
    let audit = actor.audit_entry(
        "user.passwd",
        &user.username,
        serde_json::json!({ "self": true }),
    );
    let keep = token_hash(current_token);
    Ok(app
        .db
        .set_password(user.id, &hash, Some(&keep), audit)
        .await?)
}

/// When a session opened at `created_at` ends at the latest, seen at `t`: the idle expiry,
/// never past the absolute lifetime.
pub(crate) fn session_expiry(
    app: &App,
    created_at: OffsetDateTime,
    t: OffsetDateTime,
) -> OffsetDateTime {
    (t + app.config.session_ttl).min(created_at + app.config.session_max)
}

/// What the account page shows: one's e-mail address, whether this server sends e-mail, and
/// one's live sessions (this request's marked).
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub username: String,
    pub email: Option<String>,
    pub smtp: bool,
    pub sessions: Vec<SessionView>,
}

/// The account page's one use case; login required.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn account(
    app: &App,
    actor: &Actor,
    current_token: Option<&str>,
) -> Result<AccountView, AppError> {
    let Actor::User { id, username, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    Ok(AccountView {
        username: username.clone(),
        email: app.db.user_email(*id).await?,
        smtp: app.config.smtp.is_some(),
        sessions: own_sessions(app, actor, current_token).await?,
    })
}
