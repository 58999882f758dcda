//! OGC API – Features through the real router: the landing page, conformance, the API
//! description, collections, items paged by key to the end, one feature; every page valid
//! GeoJSON (polygons through `ntm_domain::area`'s validity rules); bad input answered with
//! problem details naming the parameter; and GDAL's OAPIF driver (`ogrinfo`, `ogr2ogr`,
//! Debian `gdal-bin`, required: a missing GDAL fails) reading every collection to the end on
//! a real TCP server, with a page size small enough that it pages.

use std::collections::HashSet;

use ntm_app::areas::{AreaForm, register_area};
use ntm_app::boundaries::{ImportOptions, import_boundaries};
use ntm_app::{Actor, App, Db};
use serde_json::Value;

use crate::helpers::*;

/// Seven small squares inside the commune's test outline (106.0–106.1 E, 9.0–9.1 N).
pub const AREAS: usize = 7;

/// The commune's outline, the old province 84's (the demo OCOP list sits on it), and the
/// demo catalogue (18 rated products) plus seven areas.
pub async fn seed_open_data(app: &App) {
    let outline = |code: &str, x: f64, y: f64, d: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"ma":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}}}"#,
            x2 = x + d,
            y2 = y + d
        )
    };
    // The commune of the 2025 structure, its earlier record's boundary from 2024 (the
    // commune before the merger), and Trà Vinh (84) before 1 July 2025.
    for (feature, date) in [
        (
            outline(COMMUNE, 106.0, 9.0, 0.1),
            time::macros::date!(2025 - 07 - 01),
        ),
        (
            outline(COMMUNE, 106.2, 9.5, 0.05),
            time::macros::date!(2024 - 01 - 01),
        ),
        (
            outline("84", 105.8, 9.4, 0.6),
            time::macros::date!(2022 - 01 - 01),
        ),
    ] {
        let fc = format!(r#"{{"type":"FeatureCollection","features":[{feature}]}}"#);
        import_boundaries(
            app,
            &Actor::cli(),
            std::io::Cursor::new(fc.into_bytes()),
            ImportOptions {
                date,
                code_property: "ma".into(),
                source: "kiểm thử".into(),
                licence: "không nêu".into(),
                only_province: None,
            },
        )
        .await
        .expect("outlines");
    }
    let n = ntm_app::ocop::seed_demo_catalogue(app).await.expect("ocop");
    assert!(n > 0);
    for i in 0..AREAS {
        let x = 106.01 + 0.01 * i as f64;
        let geo = format!(
            r#"{{"type":"Polygon","coordinates":[[[{x},9.05],[{x2},9.05],[{x2},9.055],[{x},9.055],[{x},9.05]]]}}"#,
            x2 = x + 0.005
        );
        register_area(
            app,
            &Actor::cli(),
            AreaForm {
                unit_code: COMMUNE.into(),
                code: format!("VN-TEST-{i:02}"),
                crop: "Dừa".into(),
                hectares: "30".into(),
                geojson: geo,
                owners: vec![],
            },
        )
        .await
        .expect("area");
    }
    seed_verified_values(app).await;
    seed_tourism(app).await;
    seed_feedback(app).await;
}

/// Published tourism points after [`seed_open_data`] (and one draft, never published).
pub const TOURISM: usize = 5;

async fn seed_tourism(app: &App) {
    let cli = Actor::cli();
    for i in 0..=TOURISM {
        let p = ntm_app::tourism::new_point(
            app,
            &cli,
            COMMUNE,
            ntm_app::tourism::PointForm {
                input: ntm_domain::tourism::PointInput {
                    kind: "homestay".into(),
                    name: format!("Điểm {i}"),
                    lat: "9.02".into(),
                    lon: format!("{}", 106.01 + 0.01 * i as f64),
                    contact: "0900 000 000".into(),
                    narration_vi: "Thuyết minh".into(),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .expect("tourism point");
        if i < TOURISM {
            ntm_app::tourism::set_point_published(app, &cli, p.id, 1, true)
                .await
                .expect("publish");
        }
    }
}

/// Published feedback reports after [`seed_open_data`]: one with a pin (resolved), one
/// placed by its commune (accepted); a report not reviewed yet and a rejected one are not.
pub const FEEDBACK: usize = 2;

/// The pin of the resolved report, inside the commune's outline.
const PIN: (f64, f64) = (106.05371, 9.05629);

async fn seed_feedback(app: &App) {
    use ntm_app::feedback::{self, NewReport, StepForm};
    feedback::seed_demo(app, "86").await.expect("categories");
    let file = |token: &str, pin: bool| {
        let (lon, lat) = if pin {
            (PIN.0.to_string(), PIN.1.to_string())
        } else {
            (String::new(), String::new())
        };
        NewReport {
            province_code: "86".into(),
            category: "moi-truong".into(),
            text: "Rác đổ trước nhà ông Ba, số 12".into(),
            lat,
            lon,
            unit_code: if pin { String::new() } else { COMMUNE.into() },
            contact_name: "Nguyễn Văn A".into(),
            contact: "0901 234 567".into(),
            client_token: token.into(),
            via_api: true,
            ..NewReport::default()
        }
    };
    let anon = Actor::Anonymous {
        origin: "203.0.113.9".into(),
    };
    let step = |action: &str, version: i64, answer: &str| StepForm {
        action: action.into(),
        version,
        answer: answer.into(),
        refer_to: "Công an xã".into(),
        ..StepForm::default()
    };
    let cli = Actor::cli();
    let steps: [&[(&str, &str)]; 4] = [
        &[
            ("accept", ""),
            ("start", ""),
            ("resolve", "Đã thu gom rác ngày 05/12."),
        ],
        &[("accept", "")],
        &[],
        &[("reject", "Không thuộc thẩm quyền của xã.")],
    ];
    for (i, s) in steps.iter().enumerate() {
        let r = feedback::file_report(app, &anon, file(&format!("ogc-{i}"), i != 1))
            .await
            .expect("filed");
        for (v, (action, answer)) in s.iter().enumerate() {
            feedback::act(app, &cli, r.id, step(action, v as i64 + 1, answer))
                .await
                .expect("step");
        }
    }
}

/// Features of `unit-status` after [`seed_open_data`]: the commune's 2023 and 2024 results
/// and Đa Lộc's (29377) 2024, all on verified values; Tân An (29278) has drafts only.
pub const UNIT_STATUS: usize = 3;

const SET: &str = "xa-ntm-2021-2025";

pub async fn put_values(
    app: &App,
    code: &str,
    year: i32,
    values: &[(&str, &str)],
    expected_version: Option<i64>,
) {
    use ntm_app::criteria::{ValueBatch, ValueInput, put_observations};
    put_observations(
        app,
        &Actor::cli(),
        code,
        ValueBatch {
            set_id: SET.into(),
            year,
            values: values
                .iter()
                .map(|(c, v)| ValueInput {
                    code: c.to_string(),
                    text: v.to_string(),
                    expected_version,
                })
                .collect(),
            note: "kiểm thử".into(),
            source: ntm_domain::observation::ObsSource::Manual,
        },
    )
    .await
    .expect("values");
}

pub async fn verify(app: &App, code: &str, year: i32) {
    use ntm_app::criteria::change_status;
    use ntm_domain::observation::ObsStatus;
    for to in [ObsStatus::Submitted, ObsStatus::Verified] {
        change_status(app, &Actor::cli(), code, SET, year, &[], to)
            .await
            .expect("status");
    }
}

/// Verified values (criterion 7 met on confirmed thresholds) for [`UNIT_STATUS`] results,
/// and drafts that must never be published.
async fn seed_verified_values(app: &App) {
    for (code, year) in [(COMMUNE, 2023), (COMMUNE, 2024), ("29377", 2024)] {
        let values = [("7.1", "true"), ("7.2", "true"), ("16", "75")];
        put_values(app, code, year, &values, None).await;
        verify(app, code, year).await;
    }
    // A draft after verification, and a commune with drafts only.
    put_values(app, COMMUNE, 2024, &[("16", "50")], Some(3)).await;
    let drafts = [("7.1", "true"), ("7.2", "true")];
    put_values(app, OTHER_COMMUNE, 2024, &drafts, None).await;
}

/// Rated products as the public catalogue counts them (a different code path).
pub async fn rated_products(app: &App) -> usize {
    let mut n = 0;
    let mut q = ntm_app::ocop::CatalogueQuery::default();
    loop {
        let page = ntm_app::ocop::catalogue(app, &q).await.expect("catalogue");
        n += page.items.len();
        match page.next {
            Some(next) => q.after = Some(next),
            None => return n,
        }
    }
}

/// A GeoJSON geometry: null, a Point in WGS84 ranges, or a (Multi)Polygon that passes the
/// area validity rules (closed simple rings, holes inside, no overlaps).
pub fn check_geometry(g: &Value) {
    match g.get("type").and_then(Value::as_str) {
        None => assert!(g.is_null(), "geometry {g}"),
        Some("Point") => {
            let c = g["coordinates"].as_array().expect("coordinates");
            assert_eq!(c.len(), 2, "{g}");
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
                "{g}"
            );
        }
        Some("Polygon" | "MultiPolygon") => {
            ntm_domain::area::parse_shape(&g.to_string())
                .unwrap_or_else(|e| panic!("invalid polygon {g}: {e}"));
        }
        Some(t) => panic!("unexpected geometry type {t}"),
    }
}

/// A GeoJSON Feature (RFC 7946): type, id, geometry, properties object.
pub fn check_feature(f: &Value) {
    assert_eq!(f["type"], "Feature", "{f}");
    assert!(f["id"].is_string(), "{f}");
    assert!(f["properties"].is_object(), "{f}");
    assert!(f.get("geometry").is_some(), "geometry member required: {f}");
    check_geometry(&f["geometry"]);
}

/// Pages a collection to the end through `next` links; checks each page; the features.
pub async fn all_items(server: &axum_test::TestServer, id: &str, limit: usize) -> Vec<Value> {
    all_items_where(server, id, limit, "").await
}

/// [`all_items`] with more query parameters (`&bbox=…`), kept by the `next` links.
pub async fn all_items_where(
    server: &axum_test::TestServer,
    id: &str,
    limit: usize,
    extra: &str,
) -> Vec<Value> {
    let mut url = format!("/ogc/collections/{id}/items?limit={limit}{extra}");
    let mut out = Vec::new();
    for _ in 0..1000 {
        let res = server.get(&url).await;
        assert_eq!(res.status_code(), 200, "{url}: {}", res.text());
        assert_eq!(
            res.header("content-type").to_str().unwrap(),
            "application/geo+json"
        );
        let page: Value = res.json();
        assert_eq!(page["type"], "FeatureCollection");
        let feats = page["features"].as_array().expect("features").clone();
        assert!(feats.len() <= limit);
        assert_eq!(page["numberReturned"].as_u64(), Some(feats.len() as u64));
        feats.iter().for_each(check_feature);
        out.extend(feats);
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        match next {
            Some(n) => {
                assert!(!n.contains("offset"), "keyset, not OFFSET: {n}");
                url = n.trim_start_matches("http://localhost").to_string();
            }
            None => return out,
        }
    }
    panic!("more than 1000 pages")
}

pub fn problem(res: &axum_test::TestResponse, status: u16, needle: &str) {
    assert_eq!(res.status_code(), status, "{}", res.text());
    assert_eq!(
        res.header("content-type").to_str().unwrap(),
        "application/problem+json"
    );
    let p: Value = res.json();
    assert_eq!(p["status"], status);
    assert!(p["detail"].as_str().unwrap().contains(needle), "{p}");
}

ntm_testkit::both_backends!(ogc_features_pages_and_errors, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    let anon = browser(&app);

    let landing: Value = anon.get("/ogc").await.json();
    let rels: HashSet<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(rel), "{landing}");
    }
    let conf: Value = anon.get("/ogc/conformance").await.json();
    assert!(conf["conformsTo"].to_string().contains("conf/core"));
    let res = anon.get("/ogc/api").await;
    assert_eq!(
        res.header("content-type"),
        "application/vnd.oai.openapi+json;version=3.1"
    );
    let api: Value = res.json();
    // A client asking for OpenAPI 3.0 or JSON (GDAL) gets plain JSON, not a type it refuses.
    let res = anon
        .get("/ogc/api")
        .add_header(
            "accept",
            "application/vnd.oai.openapi+json;version=3.0, application/json",
        )
        .await;
    assert_eq!(res.header("content-type"), "application/json");
    assert!(api["paths"]["/ogc/collections/{collectionId}/items"].is_object());
    let cols: Value = anon.get("/ogc/collections").await.json();
    let ids: Vec<&str> = cols["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ocop-products") && ids.contains(&"raw-material-areas"));
    let one: Value = anon.get("/ogc/collections/ocop-products").await.json();
    assert_eq!(
        one["extent"]["spatial"]["bbox"][0]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Every collection to the end, 3 at a time: the database's counts, no repeats.
    let products = all_items(&anon, "ocop-products", 3).await;
    assert_eq!(products.len(), rated_products(&app).await);
    assert!(products.len() > 3);
    let areas = all_items(&anon, "raw-material-areas", 3).await;
    assert_eq!(areas.len(), AREAS);
    let unique: HashSet<String> = products
        .iter()
        .chain(&areas)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unique.len(), products.len() + AREAS);
    // Tourism points: the published ones only, public fields (no contact), with their page.
    let points = all_items(&anon, "tourism-points", 2).await;
    assert_eq!(points.len(), TOURISM);
    for p in &points {
        assert_eq!(p["geometry"]["type"], "Point", "{p}");
        assert_eq!(p["properties"]["kind_en"], "Homestay", "{p}");
        assert!(p["properties"].get("contact").is_none(), "no contacts: {p}");
    }
    let one: Value = anon
        .get(&format!(
            "/ogc/collections/tourism-points/items/{}",
            points[0]["id"].as_str().unwrap()
        ))
        .await
        .json();
    assert!(
        one["links"].to_string().contains("/tourism/points/"),
        "{one}"
    );
    let boxed: Value = anon
        .get("/ogc/collections/tourism-points/items?bbox=106.0,9.0,106.025,9.1")
        .await
        .json();
    assert_eq!(boxed["features"].as_array().unwrap().len(), 2, "{boxed}");
    // Products sit at a point inside the outline of their unit (province 84's here).
    for p in &products {
        let c = &p["geometry"]["coordinates"];
        let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (105.8..=106.4).contains(&x) && (9.4..=10.0).contains(&y),
            "{p}"
        );
        assert!(p["properties"]["stars"].as_i64().unwrap() >= 1);
        assert!(p["properties"].get("phone").is_none(), "no contacts");
    }

    // One feature, with its links; unknown ones are 404 problems.
    let id = areas[2]["id"].as_str().unwrap();
    let res = anon
        .get(&format!("/ogc/collections/raw-material-areas/items/{id}"))
        .await;
    assert_eq!(res.status_code(), 200);
    let f: Value = res.json();
    check_feature(&f);
    assert_eq!(f["properties"]["code"], areas[2]["properties"]["code"]);
    problem(
        &anon
            .get("/ogc/collections/raw-material-areas/items/00000000-0000-0000-0000-000000000000")
            .await,
        404,
        "no feature",
    );
    problem(
        &anon
            .get("/ogc/collections/ocop-products/items/not-an-id")
            .await,
        404,
        "no feature",
    );
    problem(
        &anon.get("/ogc/collections/roads/items").await,
        404,
        "ocop-products",
    );
    problem(
        &anon.get("/ogc/collections/roads").await,
        404,
        "no collection",
    );

    // bbox: only the areas west of 106.035 (the first three squares start at 106.01–106.03).
    let res = anon
        .get("/ogc/collections/raw-material-areas/items?bbox=106.0,9.0,106.035,9.1")
        .await;
    let page: Value = res.json();
    assert_eq!(page["features"].as_array().unwrap().len(), 3, "{page}");
    let res = anon
        .get("/ogc/collections/ocop-products/items?bbox=100,20,101,21")
        .await;
    assert_eq!(res.json::<Value>()["numberReturned"], 0);
    // datetime: the areas were registered today; none in 2001.
    let res = anon
        .get("/ogc/collections/raw-material-areas/items?datetime=2001-01-01/2001-12-31")
        .await;
    assert_eq!(res.json::<Value>()["numberReturned"], 0);
    let res = anon
        .get("/ogc/collections/raw-material-areas/items?datetime=2020-01-01T00:00:00Z/..")
        .await;
    assert_eq!(res.json::<Value>()["numberReturned"], AREAS);

    // Bad input: problem details naming the parameter, 400.
    let items = "/ogc/collections/raw-material-areas/items";
    problem(
        &anon.get(&format!("{items}?bbox=106.5,9,106,10")).await,
        400,
        "swapped",
    );
    problem(
        &anon.get(&format!("{items}?bbox=106,9,107")).await,
        400,
        "4 numbers",
    );
    problem(
        &anon.get(&format!("{items}?bbox=a,b,c,d")).await,
        400,
        "not a number",
    );
    problem(
        &anon.get(&format!("{items}?limit=0")).await,
        400,
        "between 1 and 1000",
    );
    problem(
        &anon.get(&format!("{items}?limit=1001")).await,
        400,
        "between 1 and 1000",
    );
    problem(
        &anon.get(&format!("{items}?limit=many")).await,
        400,
        "whole number",
    );
    problem(
        &anon.get(&format!("{items}?datetime=yesterday")).await,
        400,
        "RFC 3339",
    );
    problem(
        &anon
            .get(&format!("{items}?datetime=2024-02-01/2024-01-01"))
            .await,
        400,
        "ends before",
    );
    problem(
        &anon.get(&format!("{items}?after=xyz")).await,
        400,
        "next link",
    );
    problem(
        &anon.get(&format!("{items}?offset=10")).await,
        400,
        "unknown query parameter",
    );
    problem(
        &anon.get("/ogc/collections?colour=red").await,
        400,
        "unknown query parameter",
    );
    problem(
        &anon.get(&format!("{items}?f=xml")).await,
        400,
        "not offered",
    );
    let res = anon.get(&format!("{items}?f=json&limit=2")).await;
    assert_eq!(res.status_code(), 200);
});

async fn run(cmd: &str, args: &[&str]) -> String {
    let out = tokio::process::Command::new(cmd)
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!("{cmd} is required (Debian package gdal-bin; .ci/run installs it): {e}")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd} {args:?} failed:\n{text}");
    // GDAL reports what it could not use (a media type, a link) as "ERROR n:" and goes on.
    assert!(
        !text.contains("ERROR "),
        "{cmd} {args:?} reported an error:\n{text}"
    );
    text
}

ntm_testkit::both_backends!(ogc_gdal_reads_every_collection, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    let expected = [
        ("ocop-products", rated_products(&app).await),
        ("raw-material-areas", AREAS),
        ("unit-status", UNIT_STATUS),
        ("tourism-points", TOURISM),
        ("feedback-reports", FEEDBACK),
        ("plan-progress", crate::ogc_plans::plan_progress_count()),
    ];
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ntm_web::serve(
        listener,
        app.clone(),
        ntm_web::WebConfig::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    let source = format!("OAPIF:http://{addr}/ogc");
    let dir = tempfile::tempdir().unwrap();

    // ogrinfo lists the collections and counts each one's features by reading every page.
    let info = run("ogrinfo", &["-ro", "-oo", "PAGE_SIZE=4", &source]).await;
    for (id, _) in expected {
        assert!(info.contains(id), "{info}");
    }
    for (id, n) in expected {
        let summary = run(
            "ogrinfo",
            &["-ro", "-so", "-oo", "PAGE_SIZE=4", &source, id],
        )
        .await;
        eprintln!("ogrinfo -so {id}:\n{summary}");
        assert!(
            summary.contains(&format!("Feature Count: {n}")),
            "{id}: expected {n} features\n{summary}"
        );
        let listing = run("ogrinfo", &["-ro", "-oo", "PAGE_SIZE=4", &source, id]).await;
        assert_eq!(listing.matches("OGRFeature(").count(), n, "{listing}");
        // ogr2ogr copies the whole collection, page after page, to a GeoJSON file.
        let out = dir.path().join(format!("{id}.geojson"));
        run(
            "ogr2ogr",
            &[
                "-f",
                "GeoJSON",
                out.to_str().unwrap(),
                &source,
                id,
                "-oo",
                "PAGE_SIZE=4",
            ],
        )
        .await;
        let copied: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let feats = copied["features"].as_array().unwrap();
        assert_eq!(feats.len(), n, "{id}");
        feats.iter().for_each(|f| check_geometry(&f["geometry"]));
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
});

ntm_testkit::both_backends!(ogc_unit_status_verified_results, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    let anon = browser(&app);
    let feats = all_items(&anon, "unit-status", 2).await;
    assert_eq!(feats.len(), UNIT_STATUS, "{feats:#?}");
    let find = |code: &str, year: i64| {
        feats
            .iter()
            .find(|f| f["properties"]["unit_code"] == code && f["properties"]["year"] == year)
            .unwrap_or_else(|| panic!("{code} {year}: {feats:#?}"))
            .clone()
    };
    // Drafts only: not published.
    assert!(
        feats
            .iter()
            .all(|f| f["properties"]["unit_code"] != OTHER_COMMUNE)
    );
    // The 2024 result: the earlier record's own boundary of 2024 (not the merged commune's
    // of 2025), evaluated on 31/12/2024 on verified values only.
    let f = find(COMMUNE, 2024);
    let p = &f["properties"];
    assert_eq!(p["unit_name"], "Thị trấn Châu Thành", "{f}");
    assert_eq!(p["location"], "boundary");
    assert_eq!(p["boundary_from"], "2024-01-01");
    assert_eq!(p["evaluated_on"], "2024-12-31");
    assert_eq!(p["set_id"], SET);
    assert_eq!(p["criteria_total"], 19);
    assert_eq!(p["sample"], false);
    let x0 = f["geometry"]["coordinates"][0][0][0].as_f64().unwrap();
    assert!((106.19..106.26).contains(&x0), "{f}");
    // The draft 16 = 50 % (under 70 %) after verification is not read: criteria 7 and 16
    // still (tentatively) met. The dashboards' evaluation (current values, drafts included) shows
    // the draft.
    assert_eq!(p["criteria_met_tentative"], 2, "{f}");
    let current = ntm_app::criteria::evaluate(&app, &Actor::cli(), COMMUNE, SET, 2024)
        .await
        .unwrap();
    assert_eq!(current.result.unwrap().criteria_met_tentative, 1);
    let same = ntm_app::criteria::evaluate(&app, &Actor::cli(), COMMUNE, SET, 2023)
        .await
        .unwrap()
        .result
        .unwrap();
    let f23 = find(COMMUNE, 2023);
    assert_eq!(
        f23["properties"]["criteria_met_tentative"],
        i64::from(same.criteria_met_tentative)
    );
    assert_eq!(f23["properties"]["status"], same.status.as_str());
    // 2023: the record had no boundary yet; nor has its district: the province's label point.
    assert_eq!(f23["properties"]["location"], "parent_point");
    assert_eq!(f23["properties"]["location_of"], "84");
    assert_eq!(f23["geometry"]["type"], "Point");
    let d = find("29377", 2024);
    assert_eq!(d["properties"]["location_of"], "84");

    // One feature by its id; a key that is not one is a 404.
    let id = f["id"].as_str().unwrap();
    let one: Value = anon
        .get(&format!("/ogc/collections/unit-status/items/{id}"))
        .await
        .json();
    check_feature(&one);
    assert_eq!(one["properties"], f["properties"]);
    problem(
        &anon.get("/ogc/collections/unit-status/items/nope").await,
        404,
        "no feature",
    );
    let other = id.replace("_2024", "_2019");
    problem(
        &anon
            .get(&format!("/ogc/collections/unit-status/items/{other}"))
            .await,
        404,
        "no feature",
    );

    // datetime selects the structure of the day: 2024 results of the records valid then.
    let items = "/ogc/collections/unit-status/items";
    let page: Value = anon
        .get(&format!("{items}?datetime=2024-06-01"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 2, "{page}");
    let page: Value = anon
        .get(&format!("{items}?datetime=2025-08-01"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 0, "{page}");
    let page: Value = anon
        .get(&format!("{items}?datetime=2023-01-01/2023-12-31"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 1, "{page}");
    // bbox: only the commune's 2024 boundary lies in this box (the points are further north).
    let page: Value = anon
        .get(&format!("{items}?bbox=106.19,9.49,106.26,9.56"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 1, "{page}");
    assert_eq!(page["features"][0]["id"], f["id"]);
    // Bad input: problem details.
    problem(
        &anon.get(&format!("{items}?after=xyz")).await,
        400,
        "next link",
    );
    problem(
        &anon.get(&format!("{items}?bbox=107,9,106,10")).await,
        400,
        "swapped",
    );
    problem(&anon.get(&format!("{items}?limit=0")).await, 400, "between");
});

ntm_testkit::both_backends!(ogc_feedback_reports_public_fields, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    let anon = browser(&app);
    let feats = all_items(&anon, "feedback-reports", 1).await;
    assert_eq!(feats.len(), FEEDBACK, "{feats:#?}");
    let text = serde_json::to_string(&feats).unwrap();
    // Never the text, the contact, photos; never the rejected or unreviewed reports.
    for secret in ["ông Ba", "0901", "Nguyễn Văn A", "photo", "thẩm quyền"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let statuses: HashSet<&str> = feats
        .iter()
        .map(|f| f["properties"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, HashSet::from(["resolved", "accepted"]));
    let resolved = feats
        .iter()
        .find(|f| f["properties"]["status"] == "resolved")
        .unwrap();
    let p = &resolved["properties"];
    assert_eq!(p["answer"], "Đã thu gom rác ngày 05/12.");
    assert_eq!(p["commune_code"], COMMUNE);
    assert_eq!(p["location"], "pin_rounded");
    // The pin, coarsened to 0.01°.
    assert_eq!(
        resolved["geometry"]["coordinates"],
        serde_json::json!([106.05, 9.06])
    );
    assert_eq!(resolved["id"], p["tracking_code"]);
    let accepted = feats
        .iter()
        .find(|f| f["properties"]["status"] == "accepted")
        .unwrap();
    assert_eq!(accepted["properties"]["location"], "commune_point");
    assert_eq!(accepted["geometry"]["type"], "Point");
    assert!(accepted["properties"]["answer"].is_null());

    // One feature by its tracking code (any case), with its public page.
    let code = p["tracking_code"].as_str().unwrap();
    let one: Value = anon
        .get(&format!(
            "/ogc/collections/feedback-reports/items/{}",
            code.to_lowercase()
        ))
        .await
        .json();
    check_feature(&one);
    assert_eq!(one["properties"], *p);
    assert!(
        one["links"]
            .to_string()
            .contains(&format!("/feedback/t/{code}"))
    );
    problem(
        &anon
            .get("/ogc/collections/feedback-reports/items/AAAAA-AAAAA")
            .await,
        404,
        "no feature",
    );

    // Filters and bad input.
    let items = "/ogc/collections/feedback-reports/items";
    let page: Value = anon
        .get(&format!("{items}?bbox=106.04,9.055,106.06,9.07"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 1, "{page}");
    let page: Value = anon
        .get(&format!("{items}?datetime=2001-01-01/2001-12-31"))
        .await
        .json();
    assert_eq!(page["numberReturned"], 0);
    problem(
        &anon.get(&format!("{items}?after=!!")).await,
        400,
        "next link",
    );
    problem(
        &anon.get(&format!("{items}?limit=5000")).await,
        400,
        "between",
    );
});
