//! The tables pages offer as XLSX (`ntm_app::exports`), opened with the reader of
//! `ntm_reports`: the cells are the figures of the use cases they come from.

use ntm_app::exports::{
    DashboardExport, DashboardTable, DashboardXlsx, Labels, PlanExport, SortKey, dashboard_xlsx,
    plan_xlsx, units_xlsx,
};
use ntm_app::{Actor, AppError};
use ntm_domain::units::Level;
use ntm_testkit::{Db, both_backends};
use time::Date;
use time::macros::date;

use super::{app, reference, user};

/// Catalogue keys as the words, `[key]`, so a test sees which word went where.
struct Keys;

impl Labels for Keys {
    fn text(&self, key: &str) -> String {
        format!("[{key}]")
    }
    fn text_with(&self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("[{key} {}]", args.join(" "))
    }
    fn date(&self, d: Date) -> String {
        ntm_domain::text::format_date_vi(d)
    }
}

fn read(bytes: &[u8]) -> Vec<Vec<String>> {
    ntm_reports::read_table(bytes, "t.xlsx").expect("the workbook opens")
}

const SET: &str = "xa-ntm-2021-2025";

both_backends!(
    exported_tables_hold_the_use_cases_figures,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        ntm_app::demo::seed_sample_observations(&app, &Actor::cli())
            .await
            .expect("observations");
        ntm_app::plans::seed_sample_measures(&app, &Actor::cli())
            .await
            .expect("measures");
        let officer = user(&app, "tinh84", "province_officer@84").await;

        // Units: the nine districts of Trà Vinh on 01/01/2024, one sheet named after the code.
        let f = units_xlsx(&app, &officer, "84", Some(date!(2024 - 01 - 01)), &Keys)
            .await
            .expect("units");
        assert_eq!(f.file_name, "84-2024-01-01.xlsx");
        let t = read(&f.bytes);
        assert_eq!(
            t[0][..4],
            ["[col-code]", "[col-name]", "[col-kind]", "[col-level]"]
        );
        let view = ntm_app::units::get_unit(&app, "84", Some(date!(2024 - 01 - 01)))
            .await
            .expect("unit");
        let codes: Vec<&str> = t[1..].iter().map(|r| r[0].as_str()).collect();
        let expected: Vec<&str> = view.children.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, expected);
        assert!(codes.contains(&"844"), "{codes:?}");
        let cang_long = t.iter().find(|r| r[0] == "844").expect("844");
        assert_eq!(cang_long[1], "Huyện Càng Long");
        assert_eq!(cang_long[3], "[level-district]");

        // Dashboard: every table; the summary's NTM row is the roll-up of the evaluation.
        let e = ntm_app::criteria::evaluate(&app, &officer, "84", SET, 2023)
            .await
            .expect("evaluation");
        let r = e.rollup.as_ref().expect("roll-up");
        let q = DashboardExport {
            set: Some(SET),
            year: Some(2023),
            table: None,
            sort: SortKey::Code,
            desc: false,
        };
        let DashboardXlsx::File(f) = dashboard_xlsx(&app, &officer, "84", &q)
            .await
            .expect("dashboard")
        else {
            panic!("a province has a dashboard");
        };
        assert_eq!(f.file_name, "dashboard-84-xa-ntm-2021-2025-2023.xlsx");
        let t = read(&f.bytes);
        assert_eq!(t[0][0], "Mã bộ tiêu chí");
        let ntm = t.iter().find(|row| row[0] == SET).expect("NTM row");
        assert_eq!(ntm[2], r.met.to_string());
        assert_eq!(ntm[3], r.units.to_string());
        assert_eq!(ntm[5], r.met_tentative.to_string());
        assert_eq!(ntm[7], r.no_known_shortfall.to_string());

        // One table, sorted by name: the communes with their results.
        let q = DashboardExport {
            table: Some(DashboardTable::Communes),
            sort: SortKey::Name,
            ..q
        };
        let DashboardXlsx::File(f) = dashboard_xlsx(&app, &officer, "84", &q)
            .await
            .expect("communes")
        else {
            panic!("a province has a dashboard");
        };
        assert_eq!(
            f.file_name,
            "dashboard-84-xa-ntm-2021-2025-2023-communes.xlsx"
        );
        let t = read(&f.bytes);
        assert_eq!(t[0][..4], ["Mã xã", "Tên xã", "Huyện", "Kết quả"]);
        assert_eq!(t.len() - 1, r.children.len());
        let keys: Vec<String> = t[1..]
            .iter()
            .map(|row| ntm_domain::text::search_key(&row[1]))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted by name");
        for c in &r.children {
            let row = t.iter().find(|row| row[0] == c.code).expect("commune row");
            assert_eq!(row[4], c.criteria_met.to_string(), "{}", c.code);
        }
        let met = t[1..].iter().filter(|row| row[3] == "Đạt").count();
        assert_eq!(met, r.met as usize);

        // A commune has a scorecard, not a dashboard.
        let q = DashboardExport { table: None, ..q };
        assert!(matches!(
            dashboard_xlsx(&app, &officer, "29266", &q).await,
            Ok(DashboardXlsx::Scorecard { .. })
        ));

        // Plan: the targets of the district level, with the figures of plan_progress.
        let pq = PlanExport {
            year: 2023,
            unit: None,
            agency: "",
            level: Some(Level::District),
        };
        let f = plan_xlsx(&app, &officer, "tra-vinh-2023", &pq, &Keys)
            .await
            .expect("plan");
        assert_eq!(f.file_name, "plan-tra-vinh-2023-2023.xlsx");
        let t = read(&f.bytes);
        let flat: Vec<&String> = t.iter().flatten().collect();
        assert!(
            flat.iter().any(|c| c.contains("[plans-year] 2023")),
            "{flat:?}"
        );
        assert!(flat.iter().any(|c| c.contains("38/KH-UBND")), "{flat:?}");
        let p = ntm_app::plans::plan_progress(&app, &officer, "tra-vinh-2023", 2023, None)
            .await
            .expect("progress");
        let header = t
            .iter()
            .position(|row| row.first().map(String::as_str) == Some("[plans-col-code]"))
            .expect("header row");
        let district: Vec<_> = p
            .targets
            .iter()
            .filter(|x| x.levels.contains(&Level::District))
            .collect();
        assert!(!district.is_empty());
        assert_eq!(t.len() - header - 1, district.len());
        for x in district {
            let row = t.iter().find(|row| row[0] == x.code).expect("target row");
            assert_eq!(row[1], x.text);
            assert!(row[4].contains("[level-district]"), "{row:?}");
            assert!(
                row[8].starts_with("[plans-status-"),
                "status word from the catalogue: {row:?}"
            );
            if x.per_level.len() <= 1 {
                assert_eq!(row[6], x.actual_display, "{}", x.code);
            }
        }
        assert!(!flat.iter().any(|c| *c == "1a-tinh"));
    }
);

both_backends!(
    exports_are_refused_to_whom_the_page_is,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let other = user(&app, "tinh01", "province_officer@01").await;
        let anon = Actor::Anonymous {
            origin: "10.0.0.9".into(),
        };
        let q = DashboardExport {
            set: Some(SET),
            year: Some(2023),
            table: None,
            sort: SortKey::Code,
            desc: false,
        };
        assert!(matches!(
            dashboard_xlsx(&app, &other, "84", &q).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            dashboard_xlsx(&app, &anon, "84", &q).await,
            Err(AppError::Unauthorized(_))
        ));
        let pq = PlanExport {
            year: 2023,
            unit: None,
            agency: "",
            level: None,
        };
        for actor in [&other, &anon] {
            let r = plan_xlsx(&app, actor, "tra-vinh-2023", &pq, &Keys).await;
            assert!(
                matches!(r, Err(AppError::Forbidden(_) | AppError::Unauthorized(_))),
                "{r:?}"
            );
        }
        // Units are public: anyone reads them.
        assert!(units_xlsx(&app, &anon, "86", None, &Keys).await.is_ok());
    }
);
