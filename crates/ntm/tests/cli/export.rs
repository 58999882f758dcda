//! `ntm export`: the command line writes the same table as the page's download.

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

use super::{Env, SMALL, failed, ok};

/// The download at `uri` from the web application over the environment's database:
/// (file name from `Content-Disposition`, bytes).
fn download(env: &Env, uri: &str) -> (String, Vec<u8>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", env.data_dir().join("ntm.db").display());
        let db = ntm_app::Db::connect(&url).await.expect("database");
        let app = ntm_app::App::new(db, ntm_app::AppConfig::default());
        let res = ntm_web::router::router(app, ntm_web::WebConfig::default())
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(res.status(), 200, "{uri}");
        let name = res
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=\"").nth(1))
            .map(|v| v.trim_end_matches('"').to_string())
            .expect("a file name");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
            .await
            .expect("body");
        (name, bytes.to_vec())
    })
}

fn table(bytes: &[u8]) -> Vec<Vec<String>> {
    ntm_reports::read_table(bytes, "t.xlsx").expect("the workbook opens")
}

#[test]
fn export_units_is_the_pages_download() {
    let env = Env::new();
    let small = env.file("small.csv", SMALL.as_bytes());
    ok(&env.run(&[
        "import",
        "units",
        small.to_str().unwrap(),
        "--date",
        "2023-05-07",
    ]));

    // Default file name: the download's.
    let out = ok(&env
        .cmd(&["export", "units", "--unit", "84", "--date", "2024-01-01"])
        .current_dir(env.dir.path())
        .output()
        .expect("run ntm"));
    assert!(out.contains("84-2024-01-01.xlsx written"), "{out}");
    let cli = std::fs::read(env.dir.path().join("84-2024-01-01.xlsx")).expect("written");
    let (name, web) = download(&env, "/units/84/children.xlsx?date=2024-01-01");
    assert_eq!(name, "84-2024-01-01.xlsx");
    let t = table(&cli);
    assert_eq!(t, table(&web));
    assert_eq!(t[0][..3], ["Mã", "Tên", "Loại hình"]);
    assert_eq!(t[1][..2], ["844", "Huyện Càng Long"]);

    // In English, as `?lang=en`.
    let en = env.dir.path().join("en.xlsx");
    ok(&env.run(&[
        "export",
        "units",
        "--unit",
        "84",
        "--date",
        "2024-01-01",
        "--lang",
        "en",
        "-o",
        en.to_str().unwrap(),
    ]));
    let (_, web_en) = download(&env, "/units/84/children.xlsx?date=2024-01-01&lang=en");
    let t_en = table(&std::fs::read(&en).expect("written"));
    assert_eq!(t_en, table(&web_en));
    assert_ne!(t_en[0], t[0], "English headers");

    // Clear errors.
    let out = failed(&env.run(&["export", "units", "--unit", "99999"]));
    assert!(out.contains("99999"), "{out}");
    let out = failed(&env.run(&["export", "units", "--unit", "84", "--lang", "fr"]));
    assert!(out.contains("--lang"), "{out}");
    let out = failed(&env.run(&["export", "plan", "--plan", "khong-co", "--year", "2023"]));
    assert!(out.contains("khong-co"), "{out}");
    let out = failed(&env.run(&["export", "plan", "--plan", "khong-co"]));
    assert!(out.contains("khong-co"), "{out}");

    // Without --year: this year kept inside the plan's years, as the page shows.
    let plan = ntm_app::plans::plan_by_id("tra-vinh-2021-2025").expect("shipped plan");
    let years = plan.years();
    let this_year = time::OffsetDateTime::now_utc().year();
    let expected = this_year.min(*years.end()).max(*years.start());
    let out = ok(&env
        .cmd(&["export", "plan", "--plan", "tra-vinh-2021-2025"])
        .current_dir(env.dir.path())
        .output()
        .expect("run ntm"));
    let name = format!("tra-vinh-2021-2025-{expected}");
    assert!(out.contains(&name), "{name} in {out}");
}
