//! Who is acting, and the one permission check every use case calls.

use ntm_domain::authz::{Grant, Permission, allows};
use uuid::Uuid;

use crate::AppError;

/// The API token a request was made with (never its secret): named in the audit entries
/// of what it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRef {
    pub id: Uuid,
    pub name: String,
}

/// Who performs a use case.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A logged-in user (web or API).
    User {
        id: Uuid,
        username: String,
        grants: Vec<Grant>,
        origin: String,
        /// The API token the request came with (`None`: a session, or the command line).
        via_token: Option<TokenRef>,
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
    /// case writes into its transaction. An action made with an API token names the token
    /// in the details, `"api_token": {"id", "name"}` (never its secret): the hashed fields
    /// of an entry are fixed, and the details are one of them, so the chain covers it.
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
            detail: self.with_token(detail).to_string(),
            origin: self.origin(),
        }
    }

    /// The API token of the request, if it came with one.
    pub fn via_token(&self) -> Option<&TokenRef> {
        match self {
            Actor::User { via_token, .. } => via_token.as_ref(),
            _ => None,
        }
    }

    /// `detail` with the API token added (an object gains the key `api_token`; any other
    /// value is kept under `detail`).
    fn with_token(&self, detail: serde_json::Value) -> serde_json::Value {
        let Some(t) = self.via_token() else {
            return detail;
        };
        let token = serde_json::json!({ "id": t.id, "name": t.name });
        match detail {
            serde_json::Value::Object(mut m) => {
                m.insert("api_token".into(), token);
                serde_json::Value::Object(m)
            }
            serde_json::Value::Null => serde_json::json!({ "api_token": token }),
            other => serde_json::json!({ "detail": other, "api_token": token }),
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
    fn a_token_is_named_in_the_details_a_session_is_not() {
        let mut u = Actor::User {
            id: Uuid::nil(),
            username: "x".into(),
            grants: vec![],
            origin: "o".into(),
            via_token: None,
        };
        let e = u.audit_entry("a.b", "t", serde_json::json!({"k": 1}));
        assert_eq!(e.detail, r#"{"k":1}"#);
        assert_eq!(e.actor, "x");
        let id = Uuid::now_v7();
        if let Actor::User { via_token, .. } = &mut u {
            *via_token = Some(TokenRef {
                id,
                name: "cổng dữ liệu".into(),
            });
        }
        let e = u.audit_entry("a.b", "t", serde_json::json!({"k": 1}));
        let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
        assert_eq!(d["k"], 1);
        assert_eq!(d["api_token"]["id"], id.to_string());
        assert_eq!(d["api_token"]["name"], "cổng dữ liệu");
        assert_eq!(e.actor, "x", "the actor stays the token's owner");
        let e = u.audit_entry("a.b", "t", serde_json::json!([1]));
        let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
        assert_eq!(d["detail"], serde_json::json!([1]));
        assert_eq!(d["api_token"]["name"], "cổng dữ liệu");
    }

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
            via_token: None,
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
