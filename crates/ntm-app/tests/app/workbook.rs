//! The wide Excel template: written for a district, filled, imported (all or nothing, or
//! the valid cells only), and the results exported.

use ntm_app::criteria::evaluate;
use ntm_app::workbook::{export_results, import, template};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_reports::wide::{WideColumn, WideRow, WideSheet, read_wide, write_wide};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use crate::{reference, user};

const SET: &str = "xa-ntm-2021-2025";

fn filled(version: &str, codes: &[&str], rows: &[(&str, &[&str])]) -> Vec<u8> {
    let sheet = WideSheet {
        sheet_name: SET.into(),
        set_id: SET.into(),
        version: version.into(),
        year: 2024,
        title: "mẫu".into(),
        note: String::new(),
        columns: codes
            .iter()
            .map(|c| WideColumn {
                code: c.to_string(),
                name: String::new(),
                threshold: String::new(),
                boolean: false,
            })
            .collect(),
        rows: rows
            .iter()
            .map(|(u, vals)| WideRow {
                unit_code: u.to_string(),
                unit_name: String::new(),
                values: vals.iter().map(|v| v.to_string()).collect(),
            })
            .collect(),
    };
    write_wide(&[sheet]).unwrap()
}

async fn value(app: &App, unit: &str, code: &str) -> Option<String> {
    let e = evaluate(app, &Actor::cli(), unit, SET, 2024).await.unwrap();
    e.result
        .unwrap()
        .indicators
        .into_iter()
        .find(|i| i.code == code)
        .unwrap()
        .value
}

both_backends!(template_import_and_export, |db: Db| async move {
    let app = App::new(db, AppConfig::default());
    reference(&app).await;
    let commune = app
        .db_for_tests()
        .unit_on("29386", date!(2024 - 12 - 31))
        .await
        .unwrap()
        .unwrap();
    let district = commune.parent_code.clone().unwrap();
    let dist = user(&app, "huyen", &format!("district_officer@{district}")).await;
    let other = user(&app, "xa.khac", "commune_officer@00004").await;

    // The template: every commune of the district, indicators, thresholds, metadata.
    let r = template(&app, &other, SET, &district, 2024).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let r = template(&app, &dist, SET, &district, 1990).await;
    assert!(matches!(r, Err(AppError::Validation(_))), "{r:?}");
    let bytes = template(&app, &dist, SET, &district, 2024).await.unwrap();
    let sheets = read_wide(&bytes, "mau.xlsx").unwrap();
    assert_eq!(sheets.len(), 1);
    let sheet = &sheets[0];
    assert_eq!((sheet.set_id.as_str(), sheet.year), (SET, 2024));
    assert!(sheet.cells.is_empty(), "{:?}", sheet.cells);
    let version = sheet.version.clone().unwrap();
    let table = ntm_reports::read_table(&bytes, "mau.xlsx").unwrap();
    assert_eq!(table[3][0], "Mã đơn vị");
    let c21 = table[3].iter().position(|h| h == "2.1").unwrap();
    assert!(table[5][c21].contains("cần xác minh"), "{:?}", table[5]);
    let units: Vec<&str> = table[6..].iter().map(|r| r[0].as_str()).collect();
    assert!(
        units.contains(&"29386") && units.contains(&"29377"),
        "{units:?}"
    );

    // Filled in and imported: the values are the evaluation's.
    let good = filled(
        &version,
        &["1.1", "2.1", "3.1"],
        &[("29386", &["Đạt", "90", "85"]), ("29377", &["", "", "60"])],
    );
    let r = import(&app, &dist, &good, "mau.xlsx", false).await.unwrap();
    assert_eq!((r.rows, r.units, r.bad.len()), (4, 2, 0));
    assert_eq!(value(&app, "29386", "2.1").await.as_deref(), Some("90"));
    assert_eq!(value(&app, "29377", "3.1").await.as_deref(), Some("60"));
    // A new template carries the current values.
    let again = template(&app, &dist, SET, &district, 2024).await.unwrap();
    let cells = &read_wide(&again, "mau.xlsx").unwrap()[0].cells;
    assert!(
        cells
            .iter()
            .any(|c| c.unit_code == "29386" && c.indicator_code == "2.1" && c.value == "90"),
        "{cells:?}"
    );

    // Bad cells: every one reported with its line, nothing written.
    let bad = filled(
        &version,
        &["2.1", "3.1"],
        &[
            ("29386", &["140 %", "70"]),
            ("99999", &["50", "50"]),
            ("29377", &["", "65"]),
        ],
    );
    let r = import(&app, &dist, &bad, "mau.xlsx", false).await;
    let Err(AppError::Validation(errs)) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["line 7 (2.1)", "line 8 (unit_code)"], "{errs:?}");
    assert!(errs[0].message.starts_with("C7: "), "{errs:?}");
    assert_eq!(value(&app, "29386", "3.1").await.as_deref(), Some("85"));
    assert_eq!(value(&app, "29377", "3.1").await.as_deref(), Some("60"));

    // Asked to apply the valid cells: those are written, the bad ones still reported.
    let r = import(&app, &dist, &bad, "mau.xlsx", true).await.unwrap();
    assert_eq!((r.rows, r.units), (2, 2));
    let fields: Vec<&str> = r.bad.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["line 7 (2.1)", "line 8 (unit_code)"]);
    assert_eq!(value(&app, "29386", "3.1").await.as_deref(), Some("70"));
    assert_eq!(value(&app, "29386", "2.1").await.as_deref(), Some("90"));
    assert_eq!(value(&app, "29377", "3.1").await.as_deref(), Some("65"));

    // The same layout as CSV; a template of another version is refused.
    let csv = format!(
        "ntm-observations/1,set,{SET},version,{version},year,2024\nMã đơn vị,Tên đơn vị,1.1\n29377,,Không đạt\n"
    );
    let r = import(&app, &dist, csv.as_bytes(), "mau.csv", false)
        .await
        .unwrap();
    assert_eq!(r.rows, 1);
    assert_eq!(
        value(&app, "29377", "1.1").await.as_deref(),
        Some("Không đạt")
    );
    let old = filled("1900", &["1.1"], &[("29386", &["Đạt"])]);
    let r = import(&app, &dist, &old, "mau.xlsx", false).await;
    assert!(
        matches!(&r, Err(AppError::Validation(e)) if e[0].message.contains("version 1900")),
        "{r:?}"
    );
    let r = import(&app, &other, &good, "mau.xlsx", false).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");

    // Results: one row per commune of the district, and one unit's indicators.
    let x = export_results(&app, &dist, &district, SET, 2024)
        .await
        .unwrap();
    let t = ntm_reports::read_table(&x, "kq.xlsx").unwrap();
    assert_eq!(t[0][0], "Mã đơn vị");
    assert_eq!(t.len() - 1, units.len());
    assert!(t.iter().any(|r| r[0] == "29386"), "{t:?}");
    let x = export_results(&app, &dist, "29386", SET, 2024)
        .await
        .unwrap();
    let t = ntm_reports::read_table(&x, "kq.xlsx").unwrap();
    assert_eq!(t[1][0], "29386");
    assert_eq!(t[1][4], "19");
});
