//! Addresses of the map pages (`docs/maps.md`).

use time::Date;

use super::Urls;
use crate::ctx::url_encode;

/// What a map shows: scope (`None`: the actor's default), set, year and date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapChoice<'a> {
    pub unit: Option<&'a str>,
    pub set: Option<&'a str>,
    pub year: Option<i32>,
    pub date: Option<Date>,
}

impl MapChoice<'_> {
    fn query(&self) -> String {
        let mut q: Vec<String> = Vec::new();
        if let Some(u) = self.unit {
            q.push(format!("unit={}", url_encode(u)));
        }
        if let Some(s) = self.set {
            q.push(format!("set={}", url_encode(s)));
        }
        if let Some(y) = self.year {
            q.push(format!("year={y}"));
        }
        if let Some(d) = self.date {
            q.push(format!("date={d}"));
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    }
}

impl Urls {
    /// `/maps?unit=…&set=…&year=…&date=…`: the NTM status map page.
    pub fn maps(choice: &MapChoice) -> String {
        format!("/maps{}", choice.query())
    }

    /// `/maps/status.geojson?…`: the same map as GeoJSON.
    pub fn maps_status_geojson(choice: &MapChoice) -> String {
        format!("/maps/status.geojson{}", choice.query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::tests::{matches, routes};

    #[test]
    fn map_addresses_are_routes_and_encoded() {
        let routes = routes();
        let c = MapChoice {
            unit: Some("86"),
            set: Some("a b"),
            year: Some(2024),
            date: Some(time::macros::date!(2024 - 12 - 31)),
        };
        for url in [
            Urls::maps(&MapChoice::default()),
            Urls::maps(&c),
            Urls::maps_status_geojson(&c),
        ] {
            let path = url.split('?').next().unwrap_or_default();
            assert!(routes.iter().any(|r| matches(r, path)), "{url}");
        }
        assert_eq!(
            Urls::maps_status_geojson(&c),
            "/maps/status.geojson?unit=86&set=a%20b&year=2024&date=2024-12-31"
        );
        assert_eq!(Urls::maps(&MapChoice::default()), "/maps");
    }
}
