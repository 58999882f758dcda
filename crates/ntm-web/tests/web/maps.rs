//! The status map through the real router (`docs/maps.md`): `/maps/status.geojson` is valid
//! GeoJSON whose statuses are the evaluation's, drawn on the boundaries of the date asked
//! (the merged commune 29374 shows its pre-reform boundary for 2024, communes without one a
//! point at their province's label point); an officer never sees another unit's communes;
//! bad set, year, date or unit give a 400 naming them; the page works without script (form,
//! legend, table) in both languages; GeoJSON is compressed, HTML is not.

use std::collections::{BTreeMap, BTreeSet};

use ntm_app::boundaries::{ImportOptions, import_boundaries};
use ntm_app::{Actor, App, Db};
use serde_json::Value;
use time::Date;
use time::macros::date;

use crate::helpers::*;
use crate::ogc::check_feature;

/// A square of `d` degrees at (`lon`, `lat`) as a GeoJSON feature for `code`.
fn square(code: &str, lon: f64, lat: f64, d: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}}}"#,
        lon + d,
        lon + d,
        lat + d,
        lat + d
    )
}

async fn import(app: &App, date: Date, features: &[String]) {
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let r = import_boundaries(
        app,
        &Actor::cli(),
        std::io::Cursor::new(fc.into_bytes()),
        ImportOptions {
            date,
            code_property: "code".into(),
            source: "kiểm thử".into(),
            licence: "không nêu".into(),
            only_province: None,
        },
    )
    .await
    .expect("boundaries");
    assert_eq!(r.stored as usize, features.len());
}

/// The 2025 communes of Vĩnh Long side by side; before the reform, Trà Vinh (84) and the
/// old Thị trấn Châu Thành (29374, a code kept by the merged Xã Châu Thành) only.
async fn with_boundaries(app: &App) {
    let new: Vec<String> = ["29266", "29278", "29374", "29410"]
        .iter()
        .enumerate()
        .map(|(i, c)| square(c, 106.0 + 0.1 * i as f64, 9.9, 0.09))
        .collect();
    import(app, date!(2025 - 07 - 01), &new).await;
    import(
        app,
        date!(2023 - 05 - 07),
        &[
            square("84", 105.9, 9.5, 0.6),
            square("29374", 106.31, 9.91, 0.03),
        ],
    )
    .await;
}

async fn geojson(server: &axum_test::TestServer, query: &str) -> Value {
    let res = server.get(&format!("/maps/status.geojson{query}")).await;
    assert_eq!(res.status_code(), 200, "{query}: {}", res.text());
    assert_eq!(
        res.header("content-type").to_str().unwrap(),
        "application/geo+json"
    );
    let fc: Value = res.json();
    assert_eq!(fc["type"], "FeatureCollection", "{fc}");
    for f in fc["features"].as_array().expect("features") {
        check_feature(f);
    }
    fc
}

fn by_code(fc: &Value) -> BTreeMap<String, Value> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

/// The (min lon, min lat) of a polygon's first ring.
fn corner(g: &Value) -> (f64, f64) {
    let ring = g["coordinates"][0].as_array().unwrap();
    let xs = ring.iter().map(|p| p[0].as_f64().unwrap());
    let ys = ring.iter().map(|p| p[1].as_f64().unwrap());
    (xs.fold(f64::MAX, f64::min), ys.fold(f64::MAX, f64::min))
}

ntm_testkit::both_backends!(maps_geojson_dates_and_results, |db: Db| async move {
    let app = setup(db).await;
    with_boundaries(&app).await;
    let admin = logged_in(&app, "admin").await;

    // 2026: the four merged communes of Vĩnh Long, each on its 2025 boundary, with the
    // status of the evaluation the dashboards show.
    let fc = geojson(&admin, "?unit=86&set=xa-ntm-2026-2030&year=2026").await;
    let units = by_code(&fc);
    assert_eq!(
        units.keys().cloned().collect::<BTreeSet<_>>(),
        ["29266", "29278", "29374", "29410"]
            .map(String::from)
            .into()
    );
    let eval = ntm_app::criteria::evaluate(&app, &Actor::cli(), "86", "xa-ntm-2026-2030", 2026)
        .await
        .unwrap();
    for c in &eval.rollup.as_ref().unwrap().children {
        let p = &units[&c.code]["properties"];
        assert_eq!(p["status"], c.status.as_str(), "{p}");
        assert_eq!(p["criteria_met"], c.criteria_met, "{p}");
        assert_eq!(p["location"], "boundary");
        assert_eq!(
            p["href"],
            format!("/units/{}/scorecard?set=xa-ntm-2026-2030&year=2026", c.code)
        );
    }
    assert_eq!(units["29374"]["geometry"]["type"], "Polygon");
    let (x, _) = corner(&units["29374"]["geometry"]);
    assert!((x - 106.2).abs() < 1e-3, "2025 boundary of 29374: {x}");
    assert_eq!(fc["ntm:date"], "2026-12-31");
    assert_eq!(fc["ntm:sources"][0]["source"], "kiểm thử");

    // 2024: the seven communes of Trà Vinh before the reform. 29374 (Thị trấn Châu Thành)
    // has its own earlier boundary; the others none that day: a point at the label point of
    // their province (their districts have none), said so.
    let fc = geojson(&admin, "?unit=84&set=xa-ntm-2021-2025&year=2024").await;
    let units = by_code(&fc);
    assert_eq!(units.len(), 7, "{fc}");
    let (x, y) = corner(&units["29374"]["geometry"]);
    assert!(
        (x - 106.31).abs() < 1e-3 && (y - 9.91).abs() < 1e-3,
        "earlier boundary of 29374: {x},{y}"
    );
    let label = units["29377"]["geometry"]["coordinates"].clone();
    for code in ["29266", "29269", "29278", "29281", "29377", "29410"] {
        let f = &units[code];
        assert_eq!(f["geometry"]["type"], "Point", "{f}");
        assert_eq!(f["properties"]["location"], "parent_point");
        assert_eq!(f["properties"]["location_of"], "84");
        assert_eq!(f["geometry"]["coordinates"], label);
    }
    let (lon, lat) = (label[0].as_f64().unwrap(), label[1].as_f64().unwrap());
    assert!((105.9..=106.5).contains(&lon) && (9.5..=10.1).contains(&lat));
    let eval = ntm_app::criteria::evaluate(&app, &Actor::cli(), "84", "xa-ntm-2021-2025", 2024)
        .await
        .unwrap();
    for c in &eval.rollup.as_ref().unwrap().children {
        assert_eq!(units[&c.code]["properties"]["status"], c.status.as_str());
    }

    // The structure of 01/07/2025 with the 2024 results: other unit records (old Vĩnh
    // Long had none of these communes), so "not evaluated", never a result by code.
    let fc = geojson(
        &admin,
        "?unit=86&set=xa-ntm-2021-2025&year=2024&date=2025-07-01",
    )
    .await;
    let units = by_code(&fc);
    assert_eq!(units.len(), 4, "the communes of 01/07/2025: {fc}");
    for f in units.values() {
        assert_eq!(f["properties"]["class"], "not_evaluated", "{f}");
        assert!(f["properties"]["status"].is_null(), "{f}");
    }
    assert_eq!(fc["ntm:evaluated_on"], "2024-12-31");

    // Province 84 did not exist after the reform.
    let res = admin
        .get("/maps/status.geojson?unit=84&set=xa-ntm-2021-2025&year=2024&date=2025-08-01")
        .await;
    assert_eq!(res.status_code(), 400);
    assert!(res.text().contains("date"), "{}", res.text());

    // The whole country for the administrator: every commune of the date.
    let fc = geojson(&admin, "?set=xa-ntm-2026-2030&year=2026").await;
    assert_eq!(by_code(&fc).len(), 4);
    assert!(fc["ntm:scope"].is_null());
});

// The placed communes are kept in the process while the structure is unchanged: a second
// map, or one after a value is written, reads no boundaries; boundaries imported through
// another server on the same database are drawn on the next map.
ntm_testkit::both_backends!(
    maps_placing_kept_until_the_structure_changes,
    |db: Db| async move {
        let app = setup(db.clone()).await;
        with_boundaries(&app).await;
        let admin = logged_in(&app, "admin").await;
        let q = "?unit=86&set=xa-ntm-2026-2030&year=2026";
        let first = by_code(&geojson(&admin, q).await);
        let (x, _) = corner(&first["29266"]["geometry"]);
        assert!((x - 106.0).abs() < 1e-3, "{x}");
        let read = ntm_app::maps::placings_read(&app);
        let again = by_code(&geojson(&admin, q).await);
        assert_eq!(again, first);
        assert_eq!(
            ntm_app::maps::placings_read(&app),
            read,
            "kept, not read again"
        );

        // Another server sharing the database replaces 29266's boundary of 01/07/2025.
        let other = App::new(db, app.config.clone());
        import(
            &other,
            date!(2025 - 07 - 01),
            &[square("29266", 106.05, 9.95, 0.02)],
        )
        .await;
        let after = by_code(&geojson(&admin, q).await);
        let (x, y) = corner(&after["29266"]["geometry"]);
        assert!(
            (x - 106.05).abs() < 1e-3 && (y - 9.95).abs() < 1e-3,
            "the new boundary: {x},{y}"
        );
        assert_eq!(ntm_app::maps::placings_read(&app), read + 1);
        assert_eq!(after["29278"], first["29278"], "the others unchanged");
    }
);

ntm_testkit::both_backends!(maps_scope_and_errors, |db: Db| async move {
    let app = setup(db).await;
    with_boundaries(&app).await;
    add_other_province_officer(&app, "tinh.cantho").await;

    // An officer of another province: its own (empty) province by default, never Vĩnh
    // Long's or Trà Vinh's communes.
    let other = logged_in(&app, "tinh.cantho").await;
    let fc = geojson(&other, "?set=xa-ntm-2026-2030&year=2026").await;
    assert!(by_code(&fc).is_empty(), "{fc}");
    assert_eq!(fc["ntm:scope"]["code"], "92");
    for q in [
        "?unit=86&set=xa-ntm-2026-2030&year=2026",
        "?unit=84&set=xa-ntm-2021-2025&year=2024",
        "?unit=29374&set=xa-ntm-2026-2030&year=2026",
    ] {
        let res = other.get(&format!("/maps/status.geojson{q}")).await;
        assert_eq!(res.status_code(), 403, "{q}");
        let res = other.get(&format!("/maps{q}")).await;
        assert_eq!(res.status_code(), 403, "{q}");
    }
    let res = other
        .get("/maps/status.geojson?set=xa-ntm-2026-2030&year=2026")
        .await;
    assert!(!res.text().contains("29374"));

    // A commune officer: its commune only.
    let commune = logged_in(&app, "xa.chauthanh").await;
    let fc = geojson(&commune, "?set=xa-ntm-2026-2030&year=2026").await;
    assert_eq!(
        by_code(&fc).keys().cloned().collect::<Vec<_>>(),
        vec![COMMUNE.to_string()]
    );
    let res = commune
        .get("/maps/status.geojson?unit=86&set=xa-ntm-2026-2030&year=2026")
        .await;
    assert_eq!(res.status_code(), 403);

    // Not logged in: a problem for the script, the login page for the page.
    let anon = browser(&app);
    let res = anon.get("/maps/status.geojson").await;
    assert_eq!(res.status_code(), 401);
    let res = anon.get("/maps").await;
    assert!(
        location(&res).starts_with("/login"),
        "{}",
        res.status_code()
    );

    // Bad input: a 400 naming the parameter (problem details for the GeoJSON, a page that
    // says what to change for the page).
    let admin = logged_in(&app, "admin").await;
    for (q, field) in [
        ("?unit=86&set=khong-co&year=2026", "set"),
        ("?unit=86&set=xa-ntm-2021-2025&year=2030", "year"),
        ("?unit=86&year=abc", "year"),
        ("?unit=86&year=1800", "year"),
        ("?unit=86&year=2026&date=2026-13-45", "date"),
        ("?unit=86&year=2026&date=1800-01-01", "date"),
        (
            "?unit=84&set=xa-ntm-2021-2025&year=2024&date=2025-08-01",
            "date",
        ),
    ] {
        let res = admin.get(&format!("/maps/status.geojson{q}")).await;
        assert_eq!(res.status_code(), 400, "{q}: {}", res.text());
        assert_eq!(
            res.header("content-type").to_str().unwrap(),
            "application/problem+json",
            "{q}"
        );
        let p: Value = res.json();
        assert_eq!(p["errors"][0]["field"], field, "{q}: {p}");
        let page = admin.get(&format!("/maps{q}")).await;
        assert_eq!(page.status_code(), 400, "{q}");
        assert!(page.text().contains("<html"), "{q}");
    }
    // From the page's form, a set not in force that year gives way to that year's set.
    let page = admin
        .get("/maps?unit=86&set=xa-ntm-2021-2025&year=2026&from=form")
        .await;
    assert_eq!(page.status_code(), 200);
    assert!(
        page.text()
            .contains(r#"<option value="xa-ntm-2026-2030" selected>"#)
    );
    let page = admin.get("/maps?unit=86&set=khong-co&year=2026").await;
    assert!(
        page.text().contains("khong-co"),
        "the page names the set typed"
    );
    let res = admin.get("/maps/status.geojson?unit=99999&year=2026").await;
    assert_eq!(res.status_code(), 404);
});

ntm_testkit::both_backends!(
    maps_page_without_script_and_compression,
    |db: Db| async move {
        let app = setup(db).await;
        with_boundaries(&app).await;
        let admin = logged_in(&app, "admin").await;

        // The page: the nav link, the form, the legend and the table (the view without script),
        // the map's data addresses.
        let page = admin
            .get("/maps?unit=84&set=xa-ntm-2021-2025&year=2024")
            .await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        assert!(
            html.contains(r#"<a href="/maps" aria-current="page">"#),
            "nav link"
        );
        for expected in [
            r#"name="set""#,
            r#"name="year""#,
            r#"name="date""#,
            r#"name="date" type="date" value="""#,
            "các xã tại ngày 31/12/2024",
            r#"id="map-units""#,
            "Xã Mỹ Cẩm",
            "/units/29269/scorecard?set=xa-ntm-2021-2025&#38;year=2024",
            "/maps/status.geojson?unit=84&#38;set=xa-ntm-2021-2025&#38;year=2024&#38;date=2024-12-31",
            "/ogc/collections/ocop-products/items",
            "/ogc/collections/raw-material-areas/items",
            "vendor/leaflet-1.9.4/leaflet.js",
            "maps.js",
            "Chú giải",
        ] {
            assert!(html.contains(expected), "page lacks {expected}");
        }
        assert!(!html.contains("style="), "no inline style");
        let rows = html.matches("<tr><th scope=\"row\">").count();
        assert_eq!(rows, 7);
        let en = admin
            .get("/maps?unit=84&set=xa-ntm-2021-2025&year=2024&lang=en")
            .await
            .text();
        assert!(en.contains("Legend") && en.contains("Results by commune"));
        // A date on another structure than the results' says so.
        let other = admin
            .get("/maps?unit=86&set=xa-ntm-2026-2030&year=2026&date=2025-07-01")
            .await
            .text();
        assert!(other.contains(r#"id="map-structure-note""#));
        // The assets are served.
        for a in [
            "/assets/vendor/leaflet-1.9.4/leaflet.js",
            "/assets/vendor/leaflet-1.9.4/leaflet.css",
            "/assets/vendor/leaflet-1.9.4/images/layers.png",
            "/assets/maps.js",
            "/assets/maps.css",
        ] {
            assert_eq!(admin.get(a).await.status_code(), 200, "{a}");
        }

        // Compression: GeoJSON (and scripts) are compressed when asked; HTML pages never (they
        // carry the CSRF token: BREACH).
        let q = "/maps/status.geojson?unit=84&set=xa-ntm-2021-2025&year=2024";
        for enc in ["gzip", "br"] {
            let res = admin.get(q).add_header("accept-encoding", enc).await;
            assert_eq!(res.header("content-encoding").to_str().unwrap(), enc);
            let res = admin
                .get("/assets/vendor/leaflet-1.9.4/leaflet.js")
                .add_header("accept-encoding", enc)
                .await;
            assert_eq!(res.header("content-encoding").to_str().unwrap(), enc);
        }
        let res = admin.get(q).await;
        assert!(res.maybe_header("content-encoding").is_none());
        let page = admin
            .get("/maps?unit=84&set=xa-ntm-2021-2025&year=2024")
            .add_header("accept-encoding", "gzip, br")
            .await;
        assert!(page.maybe_header("content-encoding").is_none());
    }
);
