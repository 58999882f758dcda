//! Raw-material areas through the real router: an officer registers an area with pasted
//! GeoJSON and sees it with its map; a self-intersecting polygon and a polygon outside the
//! commune's stored boundary are refused with the problem named and what was typed kept,
//! nothing written; an officer of another commune is refused; the API gives the Feature.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::boundaries::{ImportOptions, import_boundaries};
use ntm_app::{Actor, Db};

use crate::helpers::*;

const INSIDE: &str = r#"{"type":"Polygon","coordinates":[[[106.05,9.05],[106.051,9.05],[106.051,9.051],[106.05,9.051],[106.05,9.05]]]}"#;
const BOW_TIE: &str = r#"{"type":"Polygon","coordinates":[[[106.05,9.05],[106.06,9.06],[106.06,9.05],[106.05,9.06],[106.05,9.05]]]}"#;
const OUTSIDE: &str = r#"{"type":"Polygon","coordinates":[[[106.3,9.3],[106.301,9.3],[106.301,9.301],[106.3,9.301],[106.3,9.3]]]}"#;

async fn with_boundary(app: &ntm_app::App) {
    let fc = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"ma_xa":"{COMMUNE}"}},"geometry":{{"type":"Polygon","coordinates":[[[106.0,9.0],[106.1,9.0],[106.1,9.1],[106.0,9.1],[106.0,9.0]]]}}}}]}}"#
    );
    let r = import_boundaries(
        app,
        &Actor::cli(),
        std::io::Cursor::new(fc.into_bytes()),
        ImportOptions {
            date: time::macros::date!(2025 - 07 - 01),
            code_property: "ma_xa".into(),
            source: "kiểm thử".into(),
            licence: "không nêu".into(),
            only_province: None,
        },
    )
    .await
    .expect("boundary");
    assert_eq!(r.stored, 1);
}

fn form(token: &str, code: &str, geojson: &str) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", token)
        .add_text("code", code)
        .add_text("crop", "Dừa sáp")
        .add_text("hectares", "1,2")
        .add_text("geojson", geojson)
}

async fn page_token(server: &TestServer, path: &str) -> String {
    let page = server.get(path).await;
    assert_eq!(page.status_code(), 200, "{path}: {}", page.text());
    form_token(&page.text())
}

ntm_testkit::both_backends!(areas_register_refuse_and_show, |db: Db| async move {
    let app = setup(db).await;
    with_boundary(&app).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    let new = format!("/units/{COMMUNE}/areas/new");
    let t = page_token(&officer, &new).await;
    let head = app.db_for_tests().audit_head().await.unwrap();

    // A bow tie: refused, the crossing named, what was typed kept, nothing written.
    let res = officer
        .post(&new)
        .multipart(form(&t, "VN-TV-01", BOW_TIE))
        .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(html.contains("tự cắt"), "{html}");
    assert!(html.contains("cạnh 1 và cạnh 3"), "{html}");
    assert!(html.contains("value=\"VN-TV-01\""));
    assert!(html.contains("106.06,9.06"), "the pasted GeoJSON is kept");
    // Outside the commune's boundary: refused with the distance.
    let res = officer
        .post(&new)
        .multipart(form(&t, "VN-TV-01", OUTSIDE))
        .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("nằm ngoài ranh giới"), "{}", res.text());
    assert_eq!(app.db_for_tests().audit_head().await.unwrap(), head);

    // The same area uploaded as a .geojson file: registered, shown with its map.
    let upload = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_text("code", "vn-tv-01")
        .add_text("crop", "Dừa sáp")
        .add_text("hectares", "1,2")
        .add_text("geojson", "")
        .add_part(
            "file",
            Part::bytes(INSIDE.as_bytes().to_vec()).file_name("vung.geojson"),
        );
    let res = officer.post(&new).multipart(upload).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let at = location(&res);
    assert!(at.starts_with("/areas/"), "{at}");
    let page = officer.get(&at).await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(html.contains("VN-TV-01 — Dừa sáp"));
    assert_eq!(html.matches("<svg class=\"area-map").count(), 2, "two maps");
    assert!(html.contains("class=\"map-commune\""));
    assert!(html.contains("Đã kiểm tra: nằm trong ranh giới xã"));
    assert!(
        html.contains("kiểm thử — không nêu"),
        "source and licence shown"
    );
    // The computed size is about 1.22 ha: no mismatch warning for 1,2.
    assert!(!html.contains("id=\"area-mismatch\""));

    // A certification, then the list and its Excel file.
    let id = at
        .trim_start_matches("/areas/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let t2 = form_token(&html);
    let res = officer
        .post(&format!("/areas/{id}/certifications"))
        .form(&[
            ("_csrf", t2.as_str()),
            ("kind", "vietgap"),
            ("scheme", ""),
            ("certificate_no", "VG-2026-01"),
            ("issuer", "Trung tâm chứng nhận"),
            ("valid_from", "2026-01-01"),
            ("valid_until", "2025-01-01"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "end before start");
    assert!(
        res.text().contains("value=\"VG-2026-01\""),
        "typed number kept"
    );
    let list = officer.get(&format!("/units/{COMMUNE}/areas")).await;
    assert!(list.text().contains("VN-TV-01"));
    let xlsx = officer.get(&format!("/units/{COMMUNE}/areas.xlsx")).await;
    assert_eq!(xlsx.status_code(), 200);
    assert!(xlsx.as_bytes().starts_with(b"PK"));

    // The API: a GeoJSON Feature.
    let feature = officer.get(&format!("/api/v1/areas/{id}")).await;
    assert_eq!(feature.status_code(), 200);
    let v: serde_json::Value = serde_json::from_slice(feature.as_bytes()).unwrap();
    assert_eq!(v["type"], "Feature");
    assert_eq!(v["geometry"]["type"], "Polygon");
    assert_eq!(v["properties"]["code"], "VN-TV-01");
    assert_eq!(v["properties"]["boundary_checked"], true);

    // The officer of another commune: refused everywhere, nothing written.
    let outsider = logged_in(&app, "xa.tanan").await;
    assert_eq!(outsider.get(&at).await.status_code(), 403);
    assert_eq!(outsider.get(&new).await.status_code(), 403);
    let t3 = token(&outsider).await;
    let res = outsider
        .post(&new)
        .multipart(form(&t3, "VN-TV-02", INSIDE))
        .await;
    assert_eq!(res.status_code(), 403);
    let api = outsider
        .post("/api/v1/areas")
        .add_header("x-csrf-token", t3.as_str())
        .json(&serde_json::json!({
            "unit_code": COMMUNE, "code": "VN-TV-03", "crop": "Dừa", "hectares": "1",
            "geometry": serde_json::from_str::<serde_json::Value>(INSIDE).unwrap(),
        }))
        .await;
    assert_eq!(api.status_code(), 403);
    let list = officer.get(&format!("/api/v1/units/{COMMUNE}/areas")).await;
    let areas: serde_json::Value = serde_json::from_slice(list.as_bytes()).unwrap();
    assert_eq!(areas.as_array().unwrap().len(), 1);

    // The public summary a trace page shows.
    let s = ntm_app::areas::public_summary(&app, uuid::Uuid::parse_str(&id).unwrap())
        .await
        .unwrap();
    assert_eq!((s.code.as_str(), s.hectares_x100), ("VN-TV-01", 120));
    assert!(s.simplified_geojson.contains("Polygon"));
});
