//! Open data (DCAT): the catalogue parsed as RDF with rdflib (`scripts/check-dcat.py`, the
//! DCAT-AP required properties, licence, change dates), its page in Vietnamese and English
//! linked from the footer, and every dataset's files: CSV (UTF-8) matching its Table Schema,
//! XLSX, GeoJSON with valid geometries, each holding every feature of the collection.

use ntm_app::Db;
use serde_json::Value;

use crate::helpers::*;
use crate::ogc::{
    AREAS, FEEDBACK, TOURISM, UNIT_STATUS, check_feature, rated_products, seed_open_data,
};

ntm_testkit::both_backends!(open_data_catalogue_is_dcat, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    let anon = browser(&app);

    // The catalogue, checked by a real RDF library.
    let res = anon.get("/open-data/catalog.jsonld").await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(
        res.header("content-type").to_str().unwrap(),
        "application/ld+json"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.jsonld");
    std::fs::write(&path, res.as_bytes()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/check-dcat.py");
    let out = tokio::process::Command::new("/usr/bin/python3")
        .arg(script)
        .arg(&path)
        .output()
        .await
        .expect("python3 with rdflib is required (Debian python3-rdflib; .ci/run installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "check-dcat.py:\n{text}");
    assert!(text.contains("6 datasets, 24 distributions"), "{text}");
    // The checker fails on a catalogue without change dates (it can fail).
    let mut broken: Value = res.json();
    for d in broken["dcat:dataset"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("dct:modified");
    }
    std::fs::write(&path, broken.to_string()).unwrap();
    let out = tokio::process::Command::new("/usr/bin/python3")
        .arg(script)
        .arg(&path)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("dct:modified"));

    // The page: Vietnamese first, English with ?lang=en; linked from every page's footer.
    let vi = anon.get("/open-data").await;
    assert_eq!(vi.status_code(), 200);
    let vi = vi.text();
    assert!(
        vi.contains("Dữ liệu mở") && vi.contains("Sản phẩm OCOP"),
        "{vi}"
    );
    assert!(vi.contains("chưa được cơ quan công bố xác nhận"));
    assert!(vi.contains("href=\"/open-data/ocop-products.csv\""));
    let en = anon.get("/open-data?lang=en").await.text();
    assert!(en.contains("Open data") && en.contains("Raw-material and growing areas"));
    assert!(
        anon.get("/ocop")
            .await
            .text()
            .contains("id=\"footer-open-data\"")
    );

    // The files: every feature, in every format.
    for (id, n) in [
        ("ocop-products", rated_products(&app).await),
        ("raw-material-areas", AREAS),
        ("unit-status", UNIT_STATUS),
        ("tourism-points", TOURISM),
        ("feedback-reports", FEEDBACK),
        ("plan-progress", crate::ogc_plans::plan_progress_count()),
    ] {
        let schema: Value = anon
            .get(&format!("/open-data/{id}.schema.json"))
            .await
            .json();
        let fields: Vec<&str> = schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let csv = anon.get(&format!("/open-data/{id}.csv")).await;
        assert_eq!(csv.status_code(), 200);
        assert!(
            csv.header("content-type")
                .to_str()
                .unwrap()
                .contains("utf-8")
        );
        let text = String::from_utf8(csv.as_bytes().to_vec()).expect("UTF-8");
        let mut reader = csv_reader(&text);
        let header: Vec<String> = reader.0;
        assert_eq!(header, fields, "{id}: CSV columns follow the Table Schema");
        assert_eq!(reader.1.len(), n, "{id}");
        for row in &mut reader.1 {
            assert_eq!(row.len(), fields.len());
        }
        let geo: Value = anon.get(&format!("/open-data/{id}.geojson")).await.json();
        let feats = geo["features"].as_array().unwrap();
        assert_eq!(feats.len(), n);
        feats.iter().for_each(check_feature);
        let xlsx = anon.get(&format!("/open-data/{id}.xlsx")).await;
        assert_eq!(xlsx.status_code(), 200);
        let rows = ntm_reports_rows(xlsx.as_bytes());
        assert_eq!(rows, n + 1, "{id}: header and every feature");
    }
    assert_eq!(anon.get("/open-data/roads.csv").await.status_code(), 404);
    assert_eq!(
        anon.get("/open-data/ocop-products.pdf").await.status_code(),
        404
    );
});

/// (header, rows) of a CSV text, read with a plain split that respects quotes.
fn csv_reader(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let table = ntm_reports::read_table(text.as_bytes(), "x.csv").expect("CSV parses");
    let mut it = table.into_iter();
    let header = it.next().unwrap_or_default();
    (header, it.collect())
}

fn ntm_reports_rows(bytes: &[u8]) -> usize {
    ntm_reports::read_table(bytes, "x.xlsx")
        .expect("XLSX parses")
        .len()
}
