//! `import_boundaries` with the real unit lists: boundaries valid from a date, a later import
//! starting a new period, the earlier structure's boundaries for an earlier date; every bad
//! input refused with the feature named and nothing written (wrong coordinate system, outside
//! Vietnam, invalid geometry, unknown code, a date outside the unit's validity, too many
//! features); audited; only administrators.

use ntm_app::boundaries::{ImportOptions, import_boundaries};
use ntm_app::{Actor, AppError};
use ntm_domain::units::Level;
use ntm_store::BoundaryGeometry;
use ntm_testkit::{Db, both_backends};
use time::Date;
use time::macros::date;

use super::{app, reference, user};

fn square(lon: f64, lat: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}"#,
        lon + 0.05,
        lon + 0.05,
        lat + 0.05,
        lat + 0.05
    )
}

fn collection(crs: Option<&str>, features: &[(&str, String)]) -> Vec<u8> {
    let crs = crs
        .map(|c| format!(r#""crs":{{"type":"name","properties":{{"name":"{c}"}}}},"#))
        .unwrap_or_default();
    let fs: Vec<String> = features
        .iter()
        .map(|(code, g)| {
            format!(r#"{{"type":"Feature","properties":{{"ma":"{code}"}},"geometry":{g}}}"#)
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection",{crs}"features":[{}]}}"#,
        fs.join(",")
    )
    .into_bytes()
}

fn opts(date: Date, source: &str) -> ImportOptions {
    ImportOptions {
        date,
        code_property: "ma".into(),
        source: source.into(),
        licence: "không nêu".into(),
        only_province: None,
    }
}

async fn run(
    app: &ntm_app::App,
    actor: &Actor,
    bytes: Vec<u8>,
    o: ImportOptions,
) -> Result<ntm_app::boundaries::BoundaryImport, AppError> {
    import_boundaries(app, actor, std::io::Cursor::new(bytes), o).await
}

fn problems(r: Result<ntm_app::boundaries::BoundaryImport, AppError>) -> String {
    match r {
        Err(AppError::Validation(v)) => v
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

both_backends!(
    boundary_import_over_time_and_bad_input,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let cli = Actor::cli();
        let db = app.db_for_tests();
        // Vĩnh Long (86) before 1 July 2025 and the new Vĩnh Long after; Trà Vinh (84) before.
        let ok = collection(
            Some("urn:ogc:def:crs:OGC:1.3:CRS84"),
            &[("86", square(106.0, 10.0)), ("84", square(106.2, 9.8))],
        );
        let r = run(&app, &cli, ok, opts(date!(2022 - 01 - 01), "odv-63"))
            .await
            .unwrap();
        assert_eq!((r.features, r.stored, r.replaced, r.closed), (2, 2, 0, 0));
        let r = run(
            &app,
            &cli,
            collection(None, &[("86", square(106.0, 9.7))]),
            opts(date!(2025 - 07 - 01), "odv-34"),
        )
        .await
        .unwrap();
        assert_eq!(r.stored, 1);
        // The map of 2024 shows the 63 provinces' structure: 84 and the old 86, their boundaries.
        let old = db
            .unit_boundaries_on(
                None,
                Level::Province,
                date!(2024 - 12 - 31),
                BoundaryGeometry::Simplified,
            )
            .await
            .unwrap();
        assert_eq!(old.len(), 63);
        let drawn: Vec<&str> = old
            .iter()
            .filter(|u| u.boundary.is_some())
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(drawn, ["84", "86"]);
        let new = db
            .unit_boundaries_on(
                None,
                Level::Province,
                date!(2025 - 12 - 31),
                BoundaryGeometry::Simplified,
            )
            .await
            .unwrap();
        assert_eq!(new.len(), 34);
        let b86 = new.iter().find(|u| u.code == "86").unwrap();
        assert_eq!(b86.boundary.as_ref().unwrap().source, "odv-34");
        assert!(!new.iter().any(|u| u.code == "84"));

        // A later import for the new 86: the open period is cut, a new one starts.
        let r = run(
            &app,
            &cli,
            collection(None, &[("86", square(106.01, 9.71))]),
            opts(date!(2026 - 03 - 01), "survey-2026"),
        )
        .await
        .unwrap();
        assert_eq!((r.stored, r.closed), (1, 1));
        let head = db.audit_head().await.unwrap();
        let count = db.unit_boundary_count().await.unwrap();
        assert_eq!(count, 4);

        // Every bad input: refused, the feature named, nothing written, no audit entry.
        let cases: Vec<(Vec<u8>, Date, &str)> = vec![
        (
            collection(Some("urn:ogc:def:crs:EPSG::3405"), &[("86", square(106.0, 9.7))]),
            date!(2026 - 01 - 01),
            "crs: the file's coordinate system is urn:ogc:def:crs:EPSG::3405",
        ),
        (
            collection(None, &[("86", square(106.0, 9.7)), ("29374", square(2.3, 48.8))]),
            date!(2026 - 01 - 01),
            "feature 1: 29374: nằm ngoài phạm vi Việt Nam",
        ),
        (
            collection(None, &[("86", square(580000.0, 1100000.0))]),
            date!(2026 - 01 - 01),
            "feature 0: 86: Đa giác 1, vòng ngoài, điểm 1",
        ),
        (
            collection(
                None,
                &[(
                    "86",
                    r#"{"type":"Polygon","coordinates":[[[106.0,10.0],[106.1,10.1],[106.1,10.0],[106.0,10.1],[106.0,10.0]]]}"#
                        .into(),
                )],
            ),
            date!(2026 - 01 - 01),
            "tự cắt",
        ),
        (
            collection(None, &[("86", square(106.0, 9.7)), ("99999", square(106.0, 9.7))]),
            date!(2026 - 01 - 01),
            "feature 1: 99999: no unit has this code",
        ),
        (
            // Trà Vinh (84) ended on 1 July 2025.
            collection(None, &[("84", square(106.2, 9.8))]),
            date!(2025 - 08 - 01),
            "feature 0: 84: the date is outside the unit's validity (from an unknown start until 01/07/2025)",
        ),
        (
            // Đặc khu Bạch Long Vĩ (11948) exists from 1 July 2025 only.
            collection(None, &[("11948", square(107.7, 20.1))]),
            date!(2024 - 01 - 01),
            "feature 0: 11948: the date is outside the unit's validity (from 01/07/2025 until today)",
        ),
        (
            collection(None, &[("86", square(106.0, 9.7)), ("86", square(106.0, 9.7))]),
            date!(2026 - 01 - 01),
            "a second boundary for this unit",
        ),
        (b"{\"type\":\"FeatureCollection\"}".to_vec(), date!(2026 - 01 - 01), "no “features” list"),
        (b"{\"type\":\"FeatureCollection\",\"features\":[{\"ty".to_vec(), date!(2026 - 01 - 01), "not GeoJSON"),
    ];
        for (bytes, d, want) in cases {
            let got = problems(run(&app, &cli, bytes, opts(d, "bad")).await);
            assert!(got.contains(want), "wanted {want:?} in:\n{got}");
            assert_eq!(db.unit_boundary_count().await.unwrap(), count, "{want}");
            assert_eq!(db.audit_head().await.unwrap(), head, "{want}");
        }
        // Too many features.
        let many: Vec<(&str, String)> = (0..=ntm_app::boundaries::MAX_FEATURES)
            .map(|_| ("86", square(106.0, 9.7)))
            .collect();
        let got = problems(
            run(
                &app,
                &cli,
                collection(None, &many),
                opts(date!(2026 - 01 - 01), "x"),
            )
            .await,
        );
        assert!(got.contains("more than 20000 features"), "{got}");
        assert_eq!(db.unit_boundary_count().await.unwrap(), count);

        // The imports are audited.
        let entries = db.audit_page(0, 10_000).await.unwrap();
        let imports: Vec<&str> = entries
            .iter()
            .filter(|e| e.action == "boundaries.import")
            .map(|e| e.detail.as_str())
            .collect();
        assert_eq!(imports.len(), 3);
        assert!(imports[2].contains("2026-03-01") && imports[2].contains("\"closed\":1"));

        // Only administrators import.
        let officer = user(&app, "tinh86", "province_officer@86").await;
        let r = run(
            &app,
            &officer,
            collection(None, &[("86", square(106.0, 9.7))]),
            opts(date!(2026 - 01 - 01), "x"),
        )
        .await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    }
);
