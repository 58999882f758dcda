//! Who is acting, and the one permission check every use case calls.

use ntm_domain::authz::{Grant, Permission, allows};
use uuid::Uuid;

use crate::AppError;

/// Who performs a use case.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A logged-in user (web or API).
    User {
        id: Uuid,
        username: String,
        grants: Vec<Grant>,
        origin: String,
    },
    /// Someone at the server's command line: has the machine, so has every right.
    Cli { os_user: String },
    /// Not logged in.
    Anonymous { origin: String },
}

impl Actor {
    pub fn cli() -> Actor {
        Actor::Cli {
            os_user: std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
        }
    }

    /// Name written into the audit log.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::User { username, .. } => username.clone(),
            Actor::Cli { os_user } => format!("cli:{os_user}"),
            Actor::Anonymous { .. } => "anonymous".into(),
        }
    }

    /// The audit-log entry of an action by this actor, now: the one constructor every use
    /// case writes into its transaction.
    pub fn audit_entry(
        &self,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> ntm_domain::audit::NewAuditEntry {
        ntm_domain::audit::NewAuditEntry {
            at: crate::now(),
            actor: self.audit_name(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
            origin: self.origin(),
        }
    }

    /// Where the action came from, for the audit log.
    pub fn origin(&self) -> String {
        match self {
            Actor::User { origin, .. } | Actor::Anonymous { origin } => origin.clone(),
            Actor::Cli { .. } => "cli".into(),
        }
    }

    pub fn grants(&self) -> &[Grant] {
        match self {
            Actor::User { grants, .. } => grants,
            _ => &[],
        }
    }
}

/// The one authorization check: may `actor` do `p` on the unit at `target_path`
/// (`/` for country-wide things)?
pub fn require(actor: &Actor, p: Permission, target_path: &str) -> Result<(), AppError> {
    match actor {
        Actor::Cli { .. } => Ok(()),
        Actor::Anonymous { .. } => Err(AppError::Unauthorized("login required".into())),
        Actor::User { grants, .. } => {
            if allows(grants, p, target_path) {
                Ok(())
            } else {
                Err(AppError::Forbidden(format!("{p:?} on {target_path}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ntm_domain::authz::Role;

    #[test]
    fn cli_may_anonymous_may_not() {
        assert!(require(&Actor::cli(), Permission::ImportUnits, "/").is_ok());
        let anon = Actor::Anonymous {
            origin: "1.2.3.4".into(),
        };
        assert!(matches!(
            require(&anon, Permission::ViewUnits, "/84/"),
            Err(AppError::Unauthorized(_))
        ));
        let u = Actor::User {
            id: Uuid::nil(),
            username: "x".into(),
            grants: vec![Grant {
                role: Role::ProvinceOfficer,
                scope_code: Some("84".into()),
                scope_path: "/84/".into(),
            }],
            origin: "o".into(),
        };
        assert!(require(&u, Permission::ManageUsers, "/84/842/").is_ok());
        assert!(matches!(
            require(&u, Permission::ManageUsers, "/83/"),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            require(&u, Permission::ImportUnits, "/"),
            Err(AppError::Forbidden(_))
        ));
    }
}
