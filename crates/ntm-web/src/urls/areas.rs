//! Addresses of the raw-material area pages.

use uuid::Uuid;

use super::Urls;
use crate::ctx::url_encode;

impl Urls {
    /// `/units/{code}/areas`: a unit's areas.
    pub fn unit_areas(code: &str) -> String {
        format!("/units/{}/areas", url_encode(code))
    }

    /// `/units/{code}/areas.xlsx`
    pub fn unit_areas_xlsx(code: &str) -> String {
        format!("/units/{}/areas.xlsx", url_encode(code))
    }

    /// `/units/{code}/areas/new`: the registration form of a commune.
    pub fn area_new(code: &str) -> String {
        format!("/units/{}/areas/new", url_encode(code))
    }

    /// `/areas/{id}`
    pub fn area(id: Uuid) -> String {
        format!("/areas/{id}")
    }

    /// `/areas/{id}?flash=…` after a form.
    pub fn area_done(id: Uuid, flash: &str) -> String {
        format!("/areas/{id}?flash={}", url_encode(flash))
    }

    /// `/areas/{id}/edit`
    pub fn area_edit(id: Uuid) -> String {
        format!("/areas/{id}/edit")
    }

    /// `/areas/{id}/certifications`
    pub fn area_certifications(id: Uuid) -> String {
        format!("/areas/{id}/certifications")
    }

    /// `/areas/{id}/seasons`
    pub fn area_seasons(id: Uuid) -> String {
        format!("/areas/{id}/seasons")
    }

    /// `/areas/mine`: a producer account's areas.
    pub fn my_areas() -> String {
        "/areas/mine".into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{matches, routes};
    use super::*;

    #[test]
    fn area_addresses_are_routes() {
        let routes = routes();
        let id = Uuid::nil();
        for url in [
            Urls::unit_areas("29374"),
            Urls::unit_areas_xlsx("29374"),
            Urls::area_new("29374"),
            Urls::area(id),
            Urls::area_done(id, "registered"),
            Urls::area_edit(id),
            Urls::area_certifications(id),
            Urls::area_seasons(id),
            Urls::my_areas(),
        ] {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            assert!(
                routes.iter().any(|r| matches(r, path)),
                "{url} matches no route of pages/mod.rs"
            );
        }
    }
}
