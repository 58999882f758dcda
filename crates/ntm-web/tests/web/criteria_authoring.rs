//! Criteria-set authoring through the pages: create (from scratch, from a copy, from a YAML
//! file), edit with each kind of bad input refused at its field, publish, edit after
//! publication refused, overlapping validity refused, who may do it, evaluations naming the
//! version they used, and YAML export then import into another province.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::units::{SnapshotInput, import_snapshot};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use serde_json::Value;
use time::macros::date;
use uuid::Uuid;

use crate::helpers::{PASSWORD, browser, form_token, location, logged_in, setup};

async fn officer(app: &App, username: &str, grant: &str) {
    add_user(
        app,
        &Actor::cli(),
        NewUser {
            username: username.into(),
            display_name: username.into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(grant).unwrap()],
        },
    )
    .await
    .unwrap();
}

/// A second province valid today (Long An, 80), for sharing a set between provinces.
async fn add_province_80(app: &App) {
    let input = SnapshotInput {
        source: "units-80.csv".into(),
        units_csv: b"code,name,level,kind,parent_code\n80,T\xe1\xbb\x89nh Long An,province,T\xe1\xbb\x89nh,\n",
        date: date!(2025 - 07 - 02),
        mapping_csv: None,
    };
    import_snapshot(app, &Actor::cli(), input, &mut |_| {})
        .await
        .expect("province 80");
}

async fn csrf(server: &TestServer, page: &str) -> String {
    let res = server.get(page).await;
    assert_eq!(res.status_code(), 200, "{page}: {}", res.text());
    form_token(&res.text())
}

async fn create(
    server: &TestServer,
    scope: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    // The header's logout form carries the token on every page.
    let t = csrf(server, "/").await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server
        .post(&format!("/criteria-sets/{scope}/new"))
        .form(&form)
        .await
}

fn id_of(res: &axum_test::TestResponse) -> Uuid {
    let loc = location(res);
    let id = loc
        .trim_start_matches("/criteria-versions/")
        .split('?')
        .next()
        .unwrap();
    Uuid::parse_str(id).unwrap_or_else(|_| panic!("{loc}"))
}

async fn revision(app: &App, id: Uuid) -> i64 {
    app.db_for_tests()
        .criteria_set_version(id)
        .await
        .unwrap()
        .unwrap()
        .revision
}

/// Posts the indicator form (multipart) with the given fields.
async fn post_indicator(
    server: &TestServer,
    app: &App,
    id: Uuid,
    fields: &[(&str, &str)],
    pdf: Option<&[u8]>,
) -> axum_test::TestResponse {
    let t = csrf(server, &format!("/criteria-versions/{id}")).await;
    let rev = revision(app, id).await.to_string();
    let mut form = MultipartForm::new()
        .add_text("_csrf", t)
        .add_text("revision", rev);
    for (k, v) in fields {
        form = form.add_text(*k, *v);
    }
    if let Some(b) = pdf {
        form = form.add_part(
            "basis_file",
            Part::bytes(b.to_vec())
                .file_name("qd-12-2026.pdf")
                .mime_type("application/pdf"),
        );
    }
    server
        .post(&format!("/criteria-versions/{id}/indicator"))
        .multipart(form)
        .await
}

async fn publish(server: &TestServer, app: &App, id: Uuid) -> axum_test::TestResponse {
    let t = csrf(server, &format!("/criteria-versions/{id}/publish")).await;
    let rev = revision(app, id).await.to_string();
    server
        .post(&format!("/criteria-versions/{id}/publish"))
        .form(&[("_csrf", t.as_str()), ("revision", rev.as_str())])
        .await
}

/// Form fields as typed.
type Fields = Vec<(&'static str, &'static str)>;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn indicator_1_1(value_n1: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("original", ""),
        ("criterion", "1"),
        ("code", "1.1"),
        ("name_vi", "Tỷ lệ đồ án quy hoạch được phê duyệt"),
        ("name_en", "Share of approved plans"),
        ("kind", "percent"),
        ("unit", "%"),
        ("op_general", ">="),
        ("value_general", "80"),
        ("doc_general", "12/2026/QĐ-UBND"),
        ("date_general", "15/03/2026"),
        ("issuer_general", "UBND tỉnh Vĩnh Long"),
        ("article_general", "Điều 1, Phụ lục I"),
        ("confirmed_general", "1"),
        ("op_nhom-1", ">="),
        ("value_nhom-1", value_n1),
        ("doc_nhom-1", "12/2026/QĐ-UBND"),
        ("date_nhom-1", "15/03/2026"),
        ("issuer_nhom-1", "UBND tỉnh Vĩnh Long"),
        ("article_nhom-1", "Điều 1, Phụ lục I"),
        ("confirmed_nhom-1", "1"),
        ("op_nhom-2", ">="),
        ("value_nhom-2", "75"),
    ]
}

fn with(
    mut base: Vec<(&'static str, &'static str)>,
    k: &'static str,
    v: &'static str,
) -> Vec<(&'static str, &'static str)> {
    base.retain(|(x, _)| *x != k);
    base.push((k, v));
    base
}

async fn evaluation(server: &TestServer, code: &str, set: &str, year: i32) -> Value {
    let res = server
        .get(&format!(
            "/api/v1/units/{code}/evaluation?set={set}&year={year}"
        ))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    res.json()
}

ntm_testkit::both_backends!(criteria_authoring_pages, |db: Db| async move {
    // The decision's PDF is stored under the data dir: a temporary one.
    let config = ntm_app::AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-criteria-{}", Uuid::now_v7())),
        ..Default::default()
    };
    let app = crate::helpers::app_with(db, config).await;
    officer(&app, "tinh.vl", "province_officer@86").await;
    officer(&app, "tinh.tv", "province_officer@84").await;
    let vl = logged_in(&app, "tinh.vl").await;

    // Reachable from the nav bar of the province officer.
    let home = vl.get("/").await.text();
    assert!(
        home.contains("href=\"/units/86/criteria-sets\""),
        "nav link"
    );

    // Who may not create: commune officer, another province's officer, anonymous.
    let scratch = [
        ("source", "scratch:xa-ntm-2026-2030"),
        ("set_id", "xa-ntm-vinh-long-2026-2030"),
        ("label", "2026"),
        ("title_vi", "Bộ tiêu chí xã NTM tỉnh Vĩnh Long 2026 - 2030"),
        ("valid_from", "01/03/2026"),
        ("valid_to", "31/12/2026"),
    ];
    let commune = logged_in(&app, "xa.chauthanh").await;
    assert_eq!(create(&commune, "86", &scratch).await.status_code(), 403);
    let other = logged_in(&app, "tinh.tv").await;
    assert_eq!(create(&other, "86", &scratch).await.status_code(), 403);
    let anon = browser(&app);
    let t = csrf(&anon, "/login").await;
    let mut form = vec![("_csrf", t.as_str())];
    form.extend_from_slice(&scratch);
    let res = anon.post("/criteria-sets/86/new").form(&form).await;
    assert!(
        [303, 401].contains(&res.status_code().as_u16()),
        "{}",
        res.status_code()
    );
    assert!(
        app.db_for_tests()
            .list_criteria_set_versions("86")
            .await
            .unwrap()
            .is_empty()
    );

    // A bad date is refused at its field, the input kept.
    let bad_fields: Vec<(&str, &str)> = scratch
        .iter()
        .map(|(k, v)| {
            if *k == "valid_from" {
                (*k, "31/02/2026")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let bad = create(&vl, "86", &bad_fields).await;
    assert_eq!(bad.status_code(), 422, "{}", bad.text());
    let html = bad.text();
    assert!(html.contains("id=\"err-valid_from\""), "{html}");
    assert!(html.contains("value=\"31/02/2026\""));
    assert!(
        html.contains("value=\"xa-ntm-vinh-long-2026-2030\""),
        "typed id kept"
    );

    // From scratch, extending the 2026-2030 national set: its 10 criteria are inherited.
    let res = create(&vl, "86", &scratch).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let id = id_of(&res);
    let page = vl.get(&format!("/criteria-versions/{id}")).await.text();
    assert!(
        page.contains("Quy hoạch") && page.contains("nháp"),
        "{page}"
    );

    // Each bad input: refused at its field, what was typed kept, nothing written.
    let rev0 = revision(&app, id).await;
    let cases: Vec<(Fields, &str, &str)> = vec![
        (
            with(indicator_1_1("90"), "value_nhom-1", "abc"),
            "err-nhom-1-value",
            "không phải là một số",
        ),
        (
            with(indicator_1_1("90"), "value_nhom-1", "120"),
            "err-nhom-1-value",
            "từ 0 đến 100",
        ),
        (
            with(indicator_1_1("90"), "doc_nhom-1", ""),
            "err-nhom-1-basis",
            "căn cứ pháp lý",
        ),
        (
            with(indicator_1_1("90"), "value_nhom-4", "50"),
            "err-nhom-4-value",
            "không tồn tại",
        ),
        (
            with(indicator_1_1("90"), "kind", "colour"),
            "err-kind",
            "loại chỉ tiêu",
        ),
    ];
    for (fields, anchor, words) in cases {
        let res = post_indicator(&vl, &app, id, &fields, None).await;
        assert_eq!(res.status_code(), 422, "{anchor}: {}", res.text());
        let html = res.text();
        let at = html
            .find(&format!("id=\"{anchor}\""))
            .unwrap_or_else(|| panic!("{anchor}: {html}"));
        assert!(
            html[at..].contains(words),
            "{anchor}: {}",
            &html[at..at + 400.min(html.len() - at)]
        );
        for (k, v) in &fields {
            if k.starts_with("value_") && !v.is_empty() {
                assert!(
                    html.contains(&format!("value=\"{v}\"")),
                    "{anchor}: typed {k}={v} kept"
                );
            }
        }
        assert_eq!(revision(&app, id).await, rev0, "{anchor}: nothing written");
    }

    // A good indicator with the decision's PDF: added to criterion 1, confirmed values.
    let res = post_indicator(&vl, &app, id, &indicator_1_1("90"), Some(PDF)).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let page = vl.get(&format!("/criteria-versions/{id}")).await.text();
    assert!(
        page.contains("12/2026/QĐ-UBND 15/03/2026, UBND tỉnh Vĩnh Long, Điều 1, Phụ lục I"),
        "{page}"
    );
    assert!(page.contains("đã xác nhận"));
    assert!(page.contains("cần xác minh"), "nhóm 2 has no basis");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(PDF))
    };
    let file = vl
        .get(&format!("/criteria-versions/{id}/files/{sha}"))
        .await;
    assert_eq!(file.status_code(), 200);
    assert_eq!(file.as_bytes().as_ref(), PDF);
    // A duplicate code is refused.
    let res = post_indicator(
        &vl,
        &app,
        id,
        &with(indicator_1_1("90"), "criterion", "2"),
        None,
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("id=\"err-code\""), "{}", res.text());
    // Not a PDF is refused.
    let res = post_indicator(
        &vl,
        &app,
        id,
        &with(indicator_1_1("90"), "code", "1.2"),
        Some(b"hello"),
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(
        res.text().contains("id=\"err-basis_file\""),
        "{}",
        res.text()
    );

    // Publish (with confirmation), then editing is refused with a clear message.
    let confirm = vl
        .get(&format!("/criteria-versions/{id}/publish"))
        .await
        .text();
    assert!(confirm.contains("Xác nhận công bố"));
    let res = publish(&vl, &app, id).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let page = vl.get(&format!("/criteria-versions/{id}")).await.text();
    assert!(page.contains("đã công bố") && page.contains("id=\"cs-frozen\""));
    let rev = revision(&app, id).await;
    let res = post_indicator(
        &vl,
        &app,
        id,
        &with(indicator_1_1("95"), "original", "1.1"),
        None,
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(
        res.text().contains("đã công bố nên không sửa được"),
        "{}",
        res.text()
    );
    assert_eq!(revision(&app, id).await, rev);

    // A copy with overlapping validity cannot be published; both versions are named.
    let src = format!("version:{id}");
    let res = create(
        &vl,
        "86",
        &[
            ("source", src.as_str()),
            ("label", "2026-sua"),
            ("valid_from", "01/06/2026"),
            ("valid_to", ""),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let copy = id_of(&res);
    let res = publish(&vl, &app, copy).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(
        html.contains("“2026-sua”") && html.contains("“2026”") && html.contains("chồng lấn"),
        "{html}"
    );
    assert!(
        !app.db_for_tests()
            .criteria_set_version(copy)
            .await
            .unwrap()
            .unwrap()
            .is_published()
    );

    // A 2021-2025 provincial version may only be stricter than a known national value.
    let res = create(
        &vl,
        "86",
        &[
            ("source", "scratch:xa-ntm-2021-2025"),
            ("set_id", "xa-ntm-vinh-long-2021-2025"),
            ("label", "2022"),
            ("title_vi", "Bộ tiêu chí xã NTM tỉnh Vĩnh Long 2021 - 2025"),
            ("valid_from", "01/07/2022"),
            ("valid_to", "31/12/2025"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let old = id_of(&res);
    let form = vl
        .get(&format!("/criteria-versions/{old}/indicator?code=3.1"))
        .await
        .text();
    assert!(form.contains("Mức quốc gia: ≥ 80 %"), "{form}");
    let res = post_indicator(
        &vl,
        &app,
        old,
        &[
            ("original", ""),
            ("criterion", "3"),
            ("code", "3.1"),
            ("op_general", ">="),
            ("value_general", "70"),
            ("doc_general", "5/2022/QĐ-UBND"),
            ("confirmed_general", "1"),
        ],
        None,
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(
        res.text()
            .contains("ngưỡng 70 % yếu hơn mức quốc gia ≥ 80 % (xa-ntm-2021-2025, 2022)"),
        "{}",
        res.text()
    );

    // Every change is audited.
    let entries = app.db_for_tests().audit_page(0, 10_000).await.unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .filter(|e| e.action.starts_with("criteria_version."))
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "criteria_version.create",
            "criteria_version.edit",
            "criteria_version.publish",
            "criteria_version.create",
            "criteria_version.create"
        ]
    );
});

ntm_testkit::both_backends!(
    criteria_versions_in_evaluations_and_yaml_sharing,
    |db: Db| async move {
        let app = setup(db).await;
        officer(&app, "tinh.vl", "province_officer@86").await;
        add_province_80(&app).await;
        officer(&app, "tinh.la", "province_officer@80").await;
        let vl = logged_in(&app, "tinh.vl").await;
        let admin = logged_in(&app, "admin").await;
        let set = "xa-ntm-2026-2030";

        // Before anything is published: the shipped version.
        let e = evaluation(&vl, "29410", set, 2026).await;
        assert_eq!(
            e["version_used"]["source"], "shipped",
            "{}",
            e["version_used"]
        );
        assert_eq!(e["version_used"]["version"], "2025");

        // An administrator publishes a national version from 1 July 2026 (a copy of the shipped
        // one with an indicator added); 2026 now names it.
        assert!(
            admin
                .get("/")
                .await
                .text()
                .contains("href=\"/criteria-sets/national\"")
        );
        let res = create(
            &admin,
            "national",
            &[
                ("source", "shipped:xa-ntm-2026-2030@2025"),
                ("label", "2026-07"),
                ("title_vi", ""),
                ("valid_from", "01/07/2026"),
                ("valid_to", ""),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let nat = id_of(&res);
        let res = post_indicator(
            &admin,
            &app,
            nat,
            &with(
                with(indicator_1_1("90"), "doc_general", "51/2025/QĐ-TTg"),
                "code",
                "1.9",
            ),
            None,
        )
        .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert_eq!(publish(&admin, &app, nat).await.status_code(), 303);
        let e = evaluation(&vl, "29410", set, 2026).await;
        assert_eq!(
            e["version_used"]["source"], "authored",
            "{}",
            e["version_used"]
        );
        assert_eq!(e["version_used"]["scope"], "national");
        assert_eq!(e["version_used"]["version"], "2026-07");
        let ind = e["result"]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "1.9")
            .cloned()
            .unwrap();
        assert!(
            ind["threshold_basis"]
                .as_str()
                .unwrap()
                .contains("51/2025/QĐ-TTg"),
            "{ind}"
        );

        // The province publishes 2026 (until 31/12/2026) and 2027 (from 01/01/2027).
        let mut ids = Vec::new();
        for (label, from, to, value) in [
            ("2026", "01/03/2026", "31/12/2026", "90"),
            ("2027", "01/01/2027", "", "95"),
        ] {
            let src = match ids.first() {
                None => "scratch:xa-ntm-2026-2030".to_string(),
                Some(first) => format!("version:{first}"),
            };
            let res = create(
                &vl,
                "86",
                &[
                    ("source", src.as_str()),
                    ("set_id", "xa-ntm-vinh-long-2026-2030"),
                    ("label", label),
                    ("title_vi", "Bộ tiêu chí xã NTM tỉnh Vĩnh Long"),
                    ("valid_from", from),
                    ("valid_to", to),
                ],
            )
            .await;
            assert_eq!(res.status_code(), 303, "{label}: {}", res.text());
            let id = id_of(&res);
            let original = if ids.is_empty() { "" } else { "1.1" };
            let res = post_indicator(
                &vl,
                &app,
                id,
                &with(
                    with(indicator_1_1("90"), "value_general", value),
                    "original",
                    original,
                ),
                None,
            )
            .await;
            assert_eq!(res.status_code(), 303, "{label}: {}", res.text());
            let res = publish(&vl, &app, id).await;
            assert_eq!(res.status_code(), 303, "{label}: {}", res.text());
            ids.push(id);
        }
        for (year, label) in [(2026, "2026"), (2027, "2027")] {
            let e = evaluation(&vl, "29410", set, year).await;
            let v = &e["version_used"];
            assert_eq!(v["set_id"], "xa-ntm-vinh-long-2026-2030", "{year}: {v}");
            assert_eq!(v["version"], label, "{year}: {v}");
            assert_eq!(v["scope"], "86");
            assert_eq!(v["source"], "authored");
            assert!(v["published_at"].is_string());
            assert!(
                v["text_vi"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("phiên bản {label} (tỉnh 86, công bố")),
                "{v}"
            );
        }
        // The scorecard and the dashboard name it too.
        let sc = vl
            .get(&format!("/units/29410/scorecard?set={set}&year=2027"))
            .await
            .text();
        assert!(
            sc.contains("id=\"version-used\"")
                && sc.contains("xa-ntm-vinh-long-2026-2030, phiên bản 2027"),
            "{sc}"
        );
        assert!(
            sc.contains(
                "Căn cứ: 12/2026/QĐ-UBND ngày 15/03/2026, UBND tỉnh Vĩnh Long, Điều 1, Phụ lục I"
            ),
            "basis shown"
        );
        let dash = vl
            .get(&format!("/units/86/dashboard?set={set}&year=2026"))
            .await
            .text();
        assert!(
            dash.contains("xa-ntm-vinh-long-2026-2030, phiên bản 2026"),
            "{dash}"
        );

        // Export the 2027 version and import it into Long An (80) as a draft.
        let yaml = vl
            .get(&format!("/criteria-versions/{}/export.yaml", ids[1]))
            .await;
        assert_eq!(yaml.status_code(), 200);
        let text = yaml.text();
        assert!(
            text.contains("extends: \"xa-ntm-2026-2030\"") && text.contains("add_indicators:"),
            "{text}"
        );
        let la = logged_in(&app, "tinh.la").await;
        // Not readable by another province's officer.
        assert_eq!(
            la.get(&format!("/criteria-versions/{}/export.yaml", ids[1]))
                .await
                .status_code(),
            403
        );
        let t = csrf(&la, "/units/80/criteria-sets").await;
        let form = MultipartForm::new()
            .add_text("_csrf", t)
            .add_text("label", "2027-la")
            .add_text("valid_from", "")
            .add_text("valid_to", "")
            .add_part(
                "file",
                Part::bytes(text.clone().into_bytes())
                    .file_name("vinh-long.yaml")
                    .mime_type("application/yaml"),
            );
        let res = la.post("/criteria-sets/80/import").multipart(form).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let imported = id_of(&res);
        let v = app
            .db_for_tests()
            .criteria_set_version(imported)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.scope, "80");
        assert_eq!(v.status, "draft");
        let page = la
            .get(&format!("/criteria-versions/{imported}"))
            .await
            .text();
        assert!(
            page.contains("1.1") && page.contains("12/2026/QĐ-UBND"),
            "{page}"
        );

        // A shipped file exports as it ships.
        let res = vl
            .get("/criteria-sets/shipped/xa-ntm-2021-2025/2022/export.yaml")
            .await;
        assert_eq!(res.status_code(), 200);
        assert!(
            res.text().starts_with(
                ntm_app::criteria::EMBEDDED
                    .iter()
                    .find(|(n, _)| *n == "xa-ntm-2021-2025.yaml")
                    .unwrap()
                    .1
                    .get(..200)
                    .unwrap()
            )
        );
    }
);
