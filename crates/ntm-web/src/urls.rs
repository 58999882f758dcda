//! The product's page addresses, built in one place: `Urls::scorecard(code, set, year)`
//! instead of a `format!` in each handler. Every path part and query value is
//! percent-encoded. A test checks that every address built here matches a route of the
//! table in `pages/mod.rs`, so renaming a route without its builder fails the test.

use std::fmt::Display;

use uuid::Uuid;

use crate::ctx::url_encode;

/// Builders of the pages' addresses (paths with their query).
pub struct Urls;

impl Urls {
    /// `/units/{code}`
    pub fn unit(code: &str) -> String {
        format!("/units/{}", url_encode(code))
    }

    /// `/units/{code}/{page}?set=…&year=…` for the pages of one set and year.
    fn unit_set_year(code: &str, page: &str, set: &str, year: i32) -> String {
        format!(
            "/units/{}/{page}?set={}&year={year}",
            url_encode(code),
            url_encode(set)
        )
    }

    /// `/units/{code}/scorecard?set=…&year=…`
    pub fn scorecard(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "scorecard", set, year)
    }

    /// `/units/{code}/scorecard/history?set=…&year=…&indicator=…`
    pub fn scorecard_history(code: &str, set: &str, year: i32, indicator: &str) -> String {
        format!(
            "{}&indicator={}",
            Self::unit_set_year(code, "scorecard/history", set, year),
            url_encode(indicator)
        )
    }

    /// `/units/{code}/dashboard?set=…&year=…`
    pub fn dashboard(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "dashboard", set, year)
    }

    /// `/units/{code}/workbook?set=…&year=…`
    pub fn workbook(code: &str, set: &str, year: i32) -> String {
        Self::unit_set_year(code, "workbook", set, year)
    }

    /// `/units/{code}/workbook`
    pub fn workbook_page(code: &str) -> String {
        format!("/units/{}/workbook", url_encode(code))
    }

    /// `/units/{code}/groups`
    pub fn groups(code: &str) -> String {
        format!("/units/{}/groups", url_encode(code))
    }

    /// `/units/{code}/reports`
    pub fn reports(code: &str) -> String {
        format!("/units/{}/reports", url_encode(code))
    }

    /// `/units/{code}/procedure-settings`
    pub fn procedure_settings(code: &str) -> String {
        format!("/units/{}/procedure-settings", url_encode(code))
    }

    /// `/units/{code}/criteria-sets`, or `/criteria-sets/national` for the national scope.
    pub fn criteria_sets(scope: &str) -> String {
        if scope == ntm_app::criteria_sets::NATIONAL {
            "/criteria-sets/national".into()
        } else {
            format!("/units/{}/criteria-sets", url_encode(scope))
        }
    }

    /// `/criteria-sets/shipped/{id}/{version}/export.yaml`
    pub fn shipped_yaml(id: &str, version: &str) -> String {
        format!(
            "/criteria-sets/shipped/{}/{}/export.yaml",
            url_encode(id),
            url_encode(version)
        )
    }

    /// `/criteria-versions/{id}`
    pub fn criteria_version(id: Uuid) -> String {
        format!("/criteria-versions/{id}")
    }

    /// `/criteria-versions/{id}?done=…` (the flash after a change).
    pub fn criteria_version_done(id: Uuid, done: &str) -> String {
        format!("/criteria-versions/{id}?done={}", url_encode(done))
    }

    /// `/criteria-versions/{id}/indicator?code=…` (edit one indicator).
    pub fn criteria_indicator(id: Uuid, code: &str) -> String {
        format!(
            "/criteria-versions/{id}/indicator?code={}",
            url_encode(code)
        )
    }

    /// `/criteria-versions/{id}/indicator?criterion=…` (add an indicator to a criterion).
    pub fn criteria_indicator_new(id: Uuid, criterion: impl Display) -> String {
        format!("/criteria-versions/{id}/indicator?criterion={criterion}")
    }

    /// `/criteria-versions/{id}/files/{sha}`
    pub fn criteria_basis_file(id: Uuid, sha: &str) -> String {
        format!("/criteria-versions/{id}/files/{}", url_encode(sha))
    }

    /// `/criteria-versions/{id}/export.xlsx`
    pub fn criteria_version_xlsx(id: Uuid) -> String {
        format!("/criteria-versions/{id}/export.xlsx")
    }

    /// `/evidence/{id}`
    pub fn evidence(id: Uuid) -> String {
        format!("/evidence/{id}")
    }

    /// `/reports/{id}`
    pub fn report(id: Uuid) -> String {
        format!("/reports/{id}")
    }

    /// `/dossiers/{id}`
    pub fn dossier(id: Uuid) -> String {
        format!("/dossiers/{id}")
    }

    /// `/dossier-documents/{id}`
    pub fn dossier_document(id: Uuid) -> String {
        format!("/dossier-documents/{id}")
    }

    /// `/plans/{id}`
    pub fn plan(id: &str) -> String {
        format!("/plans/{}", url_encode(id))
    }

    /// `/plans/{id}/measures`
    pub fn plan_measures(id: &str) -> String {
        format!("/plans/{}/measures", url_encode(id))
    }

    /// `/users`
    pub fn users() -> String {
        "/users".to_string()
    }

    /// `/users?done=…&user=…`: the users page after an action on `username`.
    pub fn users_done(done: &str, username: &str) -> String {
        format!(
            "/users?done={}&user={}",
            url_encode(done),
            url_encode(username)
        )
    }

    fn user_action(username: &str, action: &str) -> String {
        format!("/users/{}/{action}", url_encode(username))
    }

    /// `/users/{username}/active` (POST `active=0|1`)
    pub fn user_active(username: &str) -> String {
        Self::user_action(username, "active")
    }

    /// `/users/{username}/sessions/revoke` (POST)
    pub fn user_revoke(username: &str) -> String {
        Self::user_action(username, "sessions/revoke")
    }

    /// `/users/{username}/roles/add` (POST `role=role@CODE`)
    pub fn user_roles_add(username: &str) -> String {
        Self::user_action(username, "roles/add")
    }

    /// `/users/{username}/roles/remove` (POST `role=role@CODE`)
    pub fn user_roles_remove(username: &str) -> String {
        Self::user_action(username, "roles/remove")
    }

    /// `/units/{code}/surveys`: a unit's survey campaigns (POST: create one).
    pub fn surveys(unit: &str) -> String {
        format!("/units/{}/surveys", url_encode(unit))
    }

    /// `/units/{code}/surveys/{survey}`: one campaign's page.
    pub fn survey(unit: &str, survey: &str) -> String {
        format!("{}/{}", Self::surveys(unit), url_encode(survey))
    }

    /// `/units/{code}/surveys/{survey}?flash=…` (the campaign's page after an action).
    pub fn survey_done(unit: &str, survey: &str, flash: &str) -> String {
        format!("{}?flash={}", Self::survey(unit, survey), url_encode(flash))
    }

    /// `/units/{code}/surveys/{survey}/edit`
    pub fn survey_edit(unit: &str, survey: &str) -> String {
        format!("{}/edit", Self::survey(unit, survey))
    }

    /// `/units/{code}/surveys/{survey}/phones`: the household phone list.
    pub fn survey_phones(unit: &str, survey: &str) -> String {
        format!("{}/phones", Self::survey(unit, survey))
    }

    /// `/units/{code}/surveys/{survey}/phones?flash=…`
    pub fn survey_phones_done(unit: &str, survey: &str, flash: &str) -> String {
        format!(
            "{}?flash={}",
            Self::survey_phones(unit, survey),
            url_encode(flash)
        )
    }

    /// `/s/{code}`: the citizens' short link (prefixed with the site's address when printed).
    pub fn survey_public(survey: &str) -> String {
        format!("/s/{}", url_encode(survey))
    }

    /// `/s/{code}/cam-on`: the thank-you page after an answer.
    pub fn survey_thanks(survey: &str) -> String {
        format!("{}/cam-on", Self::survey_public(survey))
    }

    /// `/account?…`: the account page after an action (`password=N` or `revoked=N`).
    pub fn account_done(what: &str, n: u64) -> String {
        format!("/account?{}={n}", url_encode(what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route patterns of `pages/mod.rs` (`.route("/units/{code}", …)`).
    fn routes() -> Vec<String> {
        let src = include_str!("pages/mod.rs");
        let mut out = Vec::new();
        let mut rest = src;
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let Some(open) = rest.find('"') else { break };
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            out.push(after[..close].to_string());
            rest = &after[close..];
        }
        out
    }

    /// Whether `path` (no query) matches `pattern` (`{x}` one segment, `{*x}` the rest).
    fn matches(pattern: &str, path: &str) -> bool {
        let p: Vec<&str> = pattern.split('/').collect();
        let u: Vec<&str> = path.split('/').collect();
        for (i, seg) in p.iter().enumerate() {
            if seg.starts_with("{*") {
                return u.len() > i;
            }
            let Some(v) = u.get(i) else { return false };
            let param = seg.starts_with('{') && seg.ends_with('}');
            if !(param && !v.is_empty() || seg == v) {
                return false;
            }
        }
        p.len() == u.len()
    }

    #[test]
    fn every_built_address_is_a_route() {
        let routes = routes();
        assert!(routes.len() > 50, "route table not found: {routes:?}");
        let id = Uuid::nil();
        let built = [
            Urls::unit("84"),
            Urls::scorecard("29500", "xa-ntm-2021-2025", 2024),
            Urls::scorecard_history("29500", "xa-ntm-2021-2025", 2024, "1.1"),
            Urls::dashboard("84", "xa-ntm-2021-2025", 2024),
            Urls::workbook("855", "xa-ntm-2021-2025", 2024),
            Urls::workbook_page("855"),
            Urls::groups("84"),
            Urls::reports("84"),
            Urls::procedure_settings("84"),
            Urls::criteria_sets("84"),
            Urls::criteria_sets(ntm_app::criteria_sets::NATIONAL),
            Urls::shipped_yaml("xa-ntm-2021-2025", "1"),
            Urls::criteria_version(id),
            Urls::criteria_version_done(id, "saved"),
            Urls::criteria_indicator(id, "1.1"),
            Urls::criteria_indicator_new(id, 3),
            Urls::criteria_basis_file(id, "ab12"),
            Urls::criteria_version_xlsx(id),
            Urls::evidence(id),
            Urls::report(id),
            Urls::dossier(id),
            Urls::dossier_document(id),
            Urls::plan("tra-vinh-2023"),
            Urls::plan_measures("tra-vinh-2023"),
            Urls::users(),
            Urls::users_done("disable", "xa.ct"),
            Urls::user_active("xa.ct"),
            Urls::user_revoke("xa.ct"),
            Urls::user_roles_add("xa.ct"),
            Urls::user_roles_remove("xa.ct"),
            Urls::account_done("password", 2),
            Urls::surveys("29500"),
            Urls::survey("29500", "7K3M9QX2PA"),
            Urls::survey_done("29500", "7K3M9QX2PA", "created"),
            Urls::survey_edit("29500", "7K3M9QX2PA"),
            Urls::survey_phones("29500", "7K3M9QX2PA"),
            Urls::survey_phones_done("29500", "7K3M9QX2PA", "applied"),
            Urls::survey_public("7K3M9QX2PA"),
            Urls::survey_thanks("7K3M9QX2PA"),
        ];
        for url in built {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            assert!(
                routes.iter().any(|r| matches(r, path)),
                "{url} matches no route of pages/mod.rs"
            );
        }
        // The matcher itself: a renamed route would not match.
        assert!(!matches("/units/{code}/scorecard", "/units/84/scorecards"));
        assert!(!matches("/units/{code}", "/units/"));
        assert!(matches("/assets/{*path}", "/assets/a/b.css"));
    }

    #[test]
    fn values_are_encoded() {
        assert_eq!(
            Urls::scorecard("29500", "a b&c", 2024),
            "/units/29500/scorecard?set=a%20b%26c&year=2024"
        );
        assert_eq!(
            Urls::scorecard_history("1", "s", 2024, "1.1"),
            "/units/1/scorecard/history?set=s&year=2024&indicator=1.1"
        );
    }
}
