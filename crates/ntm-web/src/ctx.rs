//! What every handler and page knows about the current request: language, user,
//! CSRF token, request id, client address. Built once by [`crate::middleware::context`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ntm_app::Actor;
use ntm_app::users::CurrentUser;
use ntm_domain::authz::Role;
use time::Date;

use crate::error::WebError;
use crate::i18n::Lang;

/// The state of the session cookie, as resolved for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// No session cookie, or one that matches no session.
    None,
    /// A valid session.
    Active,
    /// The cookie named a session that has expired (the cookie is being cleared).
    Expired,
}

/// Per-request context, stored in the request extensions.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    /// The session token from the cookie, when the session is valid (for logout).
    pub session_token: Option<String>,
    pub session: SessionState,
    /// The API token that authenticated this request (`None`: a session or nobody). See
    /// [`crate::bearer`].
    pub api_token: Option<ApiToken>,
    /// The CSRF token forms and API writes must carry (also in the `ntm_csrf` cookie): the
    /// session's own token when logged in, else the cookie's double-submit token.
    pub csrf: String,
    /// The request reached the site over HTTPS (`Secure` cookies, HSTS).
    pub https: bool,
    pub request_id: String,
    /// Client address, for the audit log and login rate limits.
    pub origin: String,
    /// Path of the request, without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Vietnam's civil date today.
    pub today: Date,
    /// The units the user's grants are scoped to (for the header), resolved once.
    pub scope_units: Vec<ScopeUnit>,
    /// Unread in-app notifications of the user (0 when not logged in), for the header.
    pub notifications_unread: i64,
}

/// The API token of a request: its scope, and its id and name for the audit log.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub scope: ntm_app::users::tokens::TokenScope,
    pub token: ntm_app::authz::TokenRef,
}

/// A unit a user's role is scoped to, as shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeUnit {
    pub code: String,
    pub name: String,
    pub href: String,
    /// Communes and hamlets have a scorecard; units above them a dashboard.
    pub has_scorecard: bool,
    /// A province (its officers assign commune groups).
    pub is_province: bool,
}

impl ScopeUnit {
    /// The nav bar's links for this unit.
    pub fn scorecard_href(&self) -> String {
        crate::urls::Urls::scorecard_year(&self.code, None)
    }

    pub fn dashboard_href(&self) -> String {
        crate::urls::Urls::dashboard_year(&self.code, None)
    }

    pub fn workbook_href(&self) -> String {
        crate::urls::Urls::workbook_page(&self.code)
    }

    pub fn plans_href(&self) -> String {
        crate::urls::Urls::unit_plans(&self.code)
    }

    pub fn groups_href(&self) -> String {
        crate::urls::Urls::groups(&self.code)
    }

    pub fn criteria_sets_href(&self) -> String {
        crate::urls::Urls::criteria_sets(&self.code)
    }

    pub fn ocop_href(&self) -> String {
        crate::urls::Urls::ocop_unit(&self.code)
    }

    /// The unit's raw-material areas.
    pub fn areas_href(&self) -> String {
        crate::urls::Urls::unit_areas(&self.code)
    }

    /// The commune portal's posts and editor.
    pub fn portal_href(&self) -> String {
        crate::urls::Urls::portal_manage(&self.code)
    }

    /// The commune's tourism points and tours (editors).
    pub fn tourism_href(&self) -> String {
        crate::urls::Urls::tourism_manage(&self.code)
    }

    /// The commune's loudspeaker schedule.
    pub fn portal_schedule_href(&self) -> String {
        crate::urls::Urls::portal_schedule(&self.code, None)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| WebError::internal("request context missing (middleware not installed)"))
    }
}

impl Ctx {
    /// The actor passed to use cases.
    pub fn actor(&self) -> Actor {
        match (&self.user, &self.api_token) {
            (Some(u), Some(t)) => u.token_actor(&self.origin, t.token.clone()),
            (Some(u), None) => u.actor(&self.origin),
            (None, _) => Actor::Anonymous {
                origin: self.origin.clone(),
            },
        }
    }

    /// The logged-in user, or 401 (pages turn it into a redirect to the login page).
    /// Whether the user manages accounts somewhere (the "Users" entry of the nav bar).
    pub fn can_manage_users(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::ManageUsers))
        })
    }

    /// Whether the user manages or scores OCOP products of its units (nav bar).
    pub fn can_ocop(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants.iter().any(|g| {
                g.role.allows(ntm_domain::authz::Permission::ManageOcop)
                    || g.role.allows(ntm_domain::authz::Permission::ScoreOcop)
            })
        })
    }

    /// Whether the user holds the producer role (nav bar: "my products").
    pub fn is_producer(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.grants.iter().any(|g| g.role == Role::Producer))
    }

    /// Whether the user records lots and traceability events somewhere (the
    /// "Traceability" entry of the nav bar).
    pub fn can_record_trace(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::RecordTrace))
        })
    }

    /// Whether the user publishes on a commune portal somewhere (nav bar: the commune's
    /// posts and loudspeaker schedule).
    pub fn can_publish_portal(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::PublishPortal))
        })
    }

    /// Whether the user edits tourism points somewhere (nav bar: the commune's points).
    pub fn can_edit_tourism(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::EditTourism))
        })
    }

    /// Does the user handle citizens' feedback somewhere (the inbox in the nav bar)?
    pub fn can_handle_feedback(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::HandleFeedback))
        })
    }

    /// Whether the user views units of the whole country (the national dashboard in the nav
    /// bar): a country-wide grant allowing `ViewUnits`.
    pub fn can_view_country(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            ntm_domain::authz::allows(&u.grants, ntm_domain::authz::Permission::ViewUnits, "/")
        })
    }

    /// Whether the user views units somewhere (the "Map" entry of the nav bar).
    pub fn can_view_maps(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.role.allows(ntm_domain::authz::Permission::ViewUnits))
        })
    }

    pub fn require_user(&self) -> Result<&CurrentUser, WebError> {
        self.user.as_ref().ok_or_else(WebError::login_required)
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t1(&self, key: &str, value: &str) -> String {
        self.lang.t1(key, value)
    }

    pub fn int(&self, n: i64) -> String {
        self.lang.int(n)
    }

    /// A message with a count (`$count` formatted, `$n` for plurals).
    pub fn t_count(&self, key: &str, n: usize) -> String {
        self.lang.t_count(key, n as i64)
    }

    pub fn date(&self, d: Date) -> String {
        self.lang.date(d)
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.code()
    }

    /// Cache-busting URL of an embedded asset.
    pub fn asset(&self, name: &str) -> String {
        crate::assets::url(name)
    }

    /// Path and query of this request.
    pub fn here(&self) -> String {
        match &self.query {
            Some(q) if !q.is_empty() => format!("{}?{q}", self.path),
            _ => self.path.clone(),
        }
    }

    /// This page in another language.
    pub fn lang_url(&self, code: &str) -> String {
        let mut pairs: Vec<&str> = self
            .query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let lang = format!("lang={code}");
        pairs.push(&lang);
        format!("{}?{}", self.path, pairs.join("&"))
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.lang.code() == code
    }

    /// The login page, coming back here afterwards.
    pub fn login_url(&self) -> String {
        if self.path == "/login" || self.path == "/" {
            return "/login".into();
        }
        format!("/login?next={}", url_encode(&self.here()))
    }

    /// Whether the user holds an administrator grant on the whole country (national
    /// criteria sets are edited there).
    pub fn country_wide(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.grants
                .iter()
                .any(|g| g.scope_code.is_none() && g.role == Role::Admin)
        })
    }

    /// "Cán bộ cấp xã (29374)", joined when the user holds several roles.
    pub fn role_text(&self) -> String {
        let Some(u) = &self.user else {
            return String::new();
        };
        u.grants
            .iter()
            .map(|g| {
                let role = role_label(self.lang, g.role);
                match &g.scope_code {
                    Some(c) => format!("{role} · {c}"),
                    None => format!("{role} · {}", self.t("scope-country")),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub fn role_label(lang: Lang, role: Role) -> String {
    lang.t(&format!("role-{}", role.as_str().replace('_', "-")))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `next` as a path on this site, or `None` (open-redirect guard): it must start with
/// one `/`, and hold no backslash, control character or scheme.
pub fn local_path(next: &str) -> Option<String> {
    let n = next.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control())
        && n.len() <= 2000;
    ok.then(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(
            local_path("/units/84?date=2024-01-01").as_deref(),
            Some("/units/84?date=2024-01-01")
        );
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("/a\nb"), None);
        assert_eq!(url_encode("/units/84?x=1&y"), "%2Funits%2F84%3Fx%3D1%26y");
    }
}
