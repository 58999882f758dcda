//! OGC collection `plan-progress` through the real router: one feature per (plan, target,
//! year, unit) of the plans of the fixture's province, figures on verified values only (a
//! draft never counts, the dashboard's figure does), confirmed and tentative never mixed, a
//! target without data missing (not 0), entered plan measures not published, the unit drawn
//! as `unit-status` draws it, one feature by id, `datetime`, `bbox`, bad keys.

use ntm_app::plans::{MeasureInput, enter_measures, plan_progress};
use ntm_app::{Actor, Db};
use serde_json::Value;

use crate::helpers::*;
use crate::ogc::{all_items, all_items_where, problem, put_values, seed_open_data, verify};

/// Features of `plan-progress` after [`seed_open_data`]: for each loaded plan of Trà Vinh
/// (84), each target and each of its years up to this one, the province, its two districts
/// (targets at district or commune level) and its seven communes (commune level) — the
/// fixture's structure every year (2025: its first half, before the merger).
pub fn plan_progress_count() -> usize {
    let this_year = ntm_app::today().year();
    let mut n = 0;
    for p in &ntm_app::plans::shipped().plans {
        if p.province != "84" {
            continue;
        }
        for t in &p.targets {
            let finest = t.metric.levels().iter().map(|l| l.rank()).max().unwrap();
            let per_year = 1 + if finest >= 1 { 2 } else { 0 } + if finest >= 2 { 7 } else { 0 };
            n += per_year * p.years().filter(|y| *y <= this_year).count();
        }
    }
    n
}

fn close(v: &Value, x: f64) -> bool {
    v.as_f64().is_some_and(|a| (a - x).abs() < 1e-6)
}

ntm_testkit::both_backends!(ogc_plan_progress_published_figures, |db: Db| async move {
    let app = setup(db).await;
    seed_open_data(&app).await;
    // Indicator 8.4 (a threshold still to confirm): verified for the commune in 2023, a
    // draft only for Đa Lộc (29377) in 2023.
    put_values(&app, COMMUNE, 2023, &[("8.4", "true")], None).await;
    verify(&app, COMMUNE, 2023).await;
    put_values(&app, "29377", 2023, &[("8.4", "true")], None).await;
    // An entered plan measure: values typed by officers are not published.
    enter_measures(
        &app,
        &Actor::cli(),
        &[MeasureInput {
            unit_code: "84".into(),
            measure: "records_online_pct".into(),
            year: 2023,
            value: "45".into(),
            note: "kiểm thử".into(),
            expected_version: None,
        }],
    )
    .await
    .expect("measure");

    let anon = browser(&app);
    let feats = all_items(&anon, "plan-progress", 7).await;
    assert_eq!(feats.len(), plan_progress_count());
    let ids: std::collections::HashSet<&str> =
        feats.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), feats.len(), "no feature twice");
    let find = |id: &str| {
        feats
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };

    // The province: 0 of 7 communes meet 8.4 on confirmed thresholds, 1 of 7 tentatively
    // (the commune's verified value; Đa Lộc's draft is not read).
    let f = find("tra-vinh-2023~1b-8.4~2023~84");
    let p = &f["properties"];
    assert_eq!(p["plan_id"], "tra-vinh-2023");
    assert!(
        p["plan_document"]
            .as_str()
            .unwrap()
            .starts_with("Kế hoạch số 38/KH-UBND"),
        "{p}"
    );
    assert_eq!(p["plan_file"], "tra-vinh-2023.yaml");
    assert_eq!(p["plan_origin"], "shipped");
    assert_eq!(p["target_cite"], "II.1.b");
    assert_eq!(p["metric_kind"], "share_meeting");
    assert_eq!(p["op"], ">=");
    assert!(close(&p["target_value"], 100.0));
    assert_eq!(p["unit_level"], "province");
    assert_eq!(p["actual_basis"], "verified_values");
    assert!(close(&p["actual"], 0.0), "{p}");
    assert!(close(&p["tentative"], 100.0 / 7.0), "{p}");
    assert_eq!(p["units"], 7);
    assert_eq!(p["units_with_data"], 1);
    assert_eq!(p["met"], false);
    assert_eq!(p["status"], "off_track");
    assert_eq!(p["as_of"], "2023-12-31");
    assert_eq!(p["sample"], false);
    // The dashboard (current values, drafts included) counts the draft; open data does not.
    let dash = plan_progress(&app, &Actor::cli(), "tra-vinh-2023", 2023, None)
        .await
        .unwrap();
    let t = dash.targets.iter().find(|t| t.code == "1b-8.4").unwrap();
    assert!((t.per_level[0].tentative.unwrap() - 200.0 / 7.0).abs() < 1e-6);

    // The commune's own figure; its district's (3 communes); the other district has no
    // verified value: missing, not 0; Đa Lộc has a draft only: missing.
    let c = &find("tra-vinh-2023~1b-8.4~2023~29374")["properties"];
    assert!(
        close(&c["tentative"], 100.0) && close(&c["actual"], 0.0),
        "{c}"
    );
    assert_eq!(c["units"], 1);
    assert_eq!(c["parent_code"], "847");
    let d = &find("tra-vinh-2023~1b-8.4~2023~847")["properties"];
    assert!(close(&d["tentative"], 100.0 / 3.0), "{d}");
    assert_eq!(d["units"], 3);
    let other = &find("tra-vinh-2023~1b-8.4~2023~844")["properties"];
    assert!(
        other["actual"].is_null() && other["tentative"].is_null(),
        "{other}"
    );
    assert_eq!(other["units_with_data"], 0);
    assert!(other["met"].is_null());
    assert_eq!(other["status"], "no_data");
    let draft = &find("tra-vinh-2023~1b-8.4~2023~29377")["properties"];
    assert!(
        draft["actual"].is_null() && draft["tentative"].is_null(),
        "{draft}"
    );

    // An entered plan measure is not published: the target is, its actual stays missing.
    let m = &find("tra-vinh-2023~1a-tinh~2023~84")["properties"];
    assert_eq!(m["actual_basis"], "not_published");
    assert!(
        m["actual"].is_null() && m["units_with_data"].is_null(),
        "{m}"
    );
    assert_eq!(m["units"], 1);
    assert_eq!(m["status"], "no_data");
    // A province-level target has no district or commune features.
    assert!(feats.iter().all(|f| {
        let p = &f["properties"];
        p["target_code"] != "1a-tinh" || p["unit_level"] == "province"
    }));

    // Geometry as unit-status draws it: in 2023 the commune has no boundary yet, nor its
    // district: the province's label point; in 2024 the record's own boundary; the
    // province its outline.
    let c23 = find("tra-vinh-2023~1b-8.4~2023~29374");
    assert_eq!(c23["properties"]["location"], "parent_point");
    assert_eq!(c23["properties"]["location_of"], "84");
    assert_eq!(c23["geometry"]["type"], "Point");
    let c24 = find("tra-vinh-2021-2025~a2-8.4~2024~29374");
    assert_eq!(c24["properties"]["location"], "boundary");
    assert_eq!(c24["properties"]["boundary_from"], "2024-01-01");
    assert_eq!(f["properties"]["location"], "boundary");
    assert_eq!(f["geometry"]["type"], "Polygon");

    // One feature by its id; a key that is not one is a 404.
    let id = c24["id"].as_str().unwrap();
    let one: Value = anon
        .get(&format!("/ogc/collections/plan-progress/items/{id}"))
        .await
        .json();
    assert_eq!(one["properties"], c24["properties"]);
    for bad in [
        "nope",
        "tra-vinh-2023~1b-8.4~2019~29374",
        "tra-vinh-2023~1a-tinh~2023~29374",
        "tra-vinh-2023~khong-co~2023~84",
    ] {
        problem(
            &anon
                .get(&format!("/ogc/collections/plan-progress/items/{bad}"))
                .await,
            404,
            "no feature",
        );
    }

    // datetime: the year of the figures; bbox: the boxes that meet it — the commune's own
    // boundary (2024, and 2025's first half) and the province's outline; districts and the
    // communes drawn at the province's label point lie outside.
    let y23 = all_items_where(&anon, "plan-progress", 50, "&datetime=2023-06-01").await;
    let expected = feats
        .iter()
        .filter(|f| f["properties"]["year"] == 2023)
        .count();
    assert_eq!(y23.len(), expected);
    assert!(y23.iter().all(|f| f["properties"]["year"] == 2023));
    let boxed = all_items_where(&anon, "plan-progress", 50, "&bbox=106.19,9.49,106.26,9.56").await;
    let commune = |f: &&Value| f["properties"]["unit_code"] == COMMUNE;
    assert!(boxed.iter().any(|f| commune(&f)));
    assert!(boxed.iter().all(|f| {
        let p = &f["properties"];
        p["location"] == "boundary"
            && (p["unit_code"] == "84" || (commune(&f) && p["year"].as_i64() >= Some(2024)))
    }));
    let expected = feats
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            p["location"] == "boundary"
                && (p["unit_code"] == "84" || (commune(f) && p["year"].as_i64() >= Some(2024)))
        })
        .count();
    assert_eq!(boxed.len(), expected);
    let items = "/ogc/collections/plan-progress/items";
    problem(
        &anon.get(&format!("{items}?after=xyz")).await,
        400,
        "next link",
    );
    problem(&anon.get(&format!("{items}?limit=0")).await, 400, "between");
});
