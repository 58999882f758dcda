//! Adding hamlets: by form, by file upload and by API, and who may do it.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::Db;

use crate::helpers::*;

fn upload(token: &str, file_name: &str, bytes: Vec<u8>) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", token)
        .add_part("file", Part::bytes(bytes).file_name(file_name))
}

/// Tries the three ways of adding a hamlet to `COMMUNE`; returns the three statuses
/// (form, upload, API) and the form/upload redirect targets.
async fn try_all_three(server: &TestServer) -> (Vec<u16>, Vec<String>) {
    let t = token(server).await;
    let form = server
        .post(&format!("/units/{COMMUNE}/hamlets"))
        .form(&[
            ("_csrf", t.as_str()),
            ("name", "Ấp Thử"),
            ("kind", "Ấp"),
            ("code", ""),
        ])
        .await;
    let file = server
        .post(&format!("/units/{COMMUNE}/hamlets/import"))
        .multipart(upload(
            &t,
            "ap.csv",
            "code,name,kind\n,Ấp Tải Lên,Ấp\n".as_bytes().to_vec(),
        ))
        .await;
    let api = server
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("x-csrf-token", t.as_str())
        .json(&serde_json::json!({"name": "Ấp API", "kind": "Ấp"}))
        .await;
    let locations = [&form, &file]
        .iter()
        .map(|r| {
            r.maybe_header("location")
                .map(|l| l.to_str().unwrap().to_string())
                .unwrap_or_default()
        })
        .collect();
    (
        vec![
            form.status_code().as_u16(),
            file.status_code().as_u16(),
            api.status_code().as_u16(),
        ],
        locations,
    )
}

ntm_testkit::both_backends!(
    only_the_right_commune_officer_may_add_hamlets,
    |db: Db| async move {
        let app = setup(db).await;

        // Anonymous: pages go to the login page, the API answers 401.
        let anon = browser(&app);
        let (statuses, locations) = try_all_three(&anon).await;
        assert_eq!(statuses, [303, 303, 401]);
        for l in &locations {
            assert!(l.starts_with("/login?next="), "{l}");
        }
        // The form is not shown to visitors.
        assert!(
            !anon
                .get(&format!("/units/{COMMUNE}"))
                .await
                .text()
                .contains("/hamlets/import")
        );

        // A viewer and the officer of another commune: 403 everywhere.
        for who in ["xem", "xa.tanan"] {
            let server = logged_in(&app, who).await;
            assert!(
                !server
                    .get(&format!("/units/{COMMUNE}"))
                    .await
                    .text()
                    .contains("Thêm thôn, ấp"),
                "{who} sees no form"
            );
            let (statuses, _) = try_all_three(&server).await;
            assert_eq!(statuses, [403, 403, 403], "{who}");
        }
        let res = logged_in(&app, "xa.tanan")
            .await
            .get(&format!("/units/{OTHER_COMMUNE}"))
            .await;
        assert!(
            res.text().contains("Thêm thôn, ấp"),
            "xa.tanan may edit their own commune"
        );
        assert!(
            children_codes(&anon, COMMUNE).await.is_empty(),
            "nothing was added"
        );

        // The commune's own officer: all three work.
        let officer = logged_in(&app, "xa.chauthanh").await;
        assert!(
            officer
                .get(&format!("/units/{COMMUNE}"))
                .await
                .text()
                .contains("Thêm thôn, ấp")
        );
        let (statuses, locations) = try_all_three(&officer).await;
        assert_eq!(statuses, [303, 303, 201]);
        assert!(
            locations[0].starts_with(&format!("/units/{COMMUNE}?flash=added&n=1")),
            "{}",
            locations[0]
        );
        assert!(
            locations[1].starts_with(&format!("/units/{COMMUNE}?flash=imported&n=1")),
            "{}",
            locations[1]
        );
        let mut codes = children_codes(&anon, COMMUNE).await;
        codes.sort();
        assert_eq!(codes, ["29374-01", "29374-02", "29374-03"]);

        // An admin may too (country-wide grant).
        let admin = logged_in(&app, "admin").await;
        let t = form_token(&admin.get("/").await.text());
        let res = admin
            .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
            .add_header("x-csrf-token", t.as_str())
            .json(&serde_json::json!({"name": "Ấp Quản Trị", "kind": "Thôn", "code": "29374-QT"}))
            .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let v: serde_json::Value = res.json();
        assert_eq!(v["added"][0]["code"], "29374-QT");
        assert_eq!(v["added"][0]["level"], "hamlet");
    }
);

ntm_testkit::both_backends!(audit_verify_needs_the_permission, |db: Db| async move {
    let app = setup(db).await;
    let anon = browser(&app);
    let res = anon.get("/api/v1/audit/verify").await;
    assert_eq!(res.status_code(), 401);
    assert_eq!(res.header("content-type"), "application/problem+json");
    for who in ["xem", "xa.chauthanh"] {
        let res = logged_in(&app, who).await.get("/api/v1/audit/verify").await;
        assert_eq!(res.status_code(), 403, "{who}");
        let p: serde_json::Value = res.json();
        assert_eq!(p["status"], 403);
    }
    let res = logged_in(&app, "admin")
        .await
        .get("/api/v1/audit/verify")
        .await;
    assert_eq!(res.status_code(), 200);
    let v: serde_json::Value = res.json();
    assert_eq!(v["ok"], true, "{v}");
    assert!(
        v["entries"].as_i64().unwrap() > 4,
        "imports, users and logins are audited: {v}"
    );
});

ntm_testkit::both_backends!(
    hamlet_form_shows_errors_and_keeps_the_input,
    |db: Db| async move {
        let app = setup(db).await;
        let server = logged_in(&app, "xa.chauthanh").await;
        let page = server.get(&format!("/units/{COMMUNE}")).await.text();
        assert!(page.contains("<label for=\"hamlet-name\">Tên thôn, ấp</label>"));
        assert!(page.contains("<option value=\"Tổ dân phố\">Tổ dân phố</option>"));
        let t = form_token(&page);

        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets"))
            .form(&[
                ("_csrf", t.as_str()),
                ("name", "  "),
                ("kind", "Thôn"),
                ("code", "29374-77"),
            ])
            .await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(html.contains("Vui lòng nhập tên thôn, ấp"), "{html}");
        assert!(html.contains("value=\"29374-77\""), "code kept");
        assert!(
            html.contains("<option value=\"Thôn\" selected>"),
            "kind kept"
        );

        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets"))
            .form(&[
                ("_csrf", t.as_str()),
                ("name", "Ấp Mỹ Thuận"),
                ("kind", "Quận"),
                ("code", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("Vui lòng chọn loại trong danh sách"));
        assert!(res.text().contains("value=\"Ấp Mỹ Thuận\""));

        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets"))
            .form(&[
                ("_csrf", t.as_str()),
                ("name", "Ấp Mỹ Thuận"),
                ("kind", "Ấp"),
                ("code", "sai mã!"),
            ])
            .await;
        assert_eq!(res.status_code(), 422, "the app rejects a bad code");
        assert!(children_codes(&server, COMMUNE).await.is_empty());

        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets"))
            .form(&[
                ("_csrf", t.as_str()),
                ("name", "Ấp Mỹ Thuận"),
                ("kind", "Ấp"),
                ("code", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        let html = server.get(&location(&res)).await.text();
        assert!(html.contains("Đã thêm 1 thôn, ấp."), "{html}");
        assert!(html.contains("Ấp Mỹ Thuận"));
        assert!(html.contains("29374-01"));
    }
);

ntm_testkit::both_backends!(
    hamlet_upload_reports_every_bad_row_and_adds_nothing,
    |db: Db| async move {
        let app = setup(db).await;
        let server = logged_in(&app, "xa.chauthanh").await;
        let t = form_token(&server.get(&format!("/units/{COMMUNE}")).await.text());
        let url = format!("/units/{COMMUNE}/hamlets/import");

        let bad = "code,name,kind\n,Ấp Tốt,Ấp\nmã sai!,Ấp Hai,Ấp\n,Ấp Ba,Quận\n";
        let res = server
            .post(&url)
            .multipart(upload(&t, "ap.csv", bad.as_bytes().to_vec()))
            .await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(
            html.contains("Tệp chưa được nhập, chưa có thay đổi nào"),
            "{html}"
        );
        let rows = html.matches("<li>Dòng ").count();
        assert_eq!(rows, 2, "each bad row is listed: {html}");
        // Lines of the file (the header is line 1), whatever the app numbers internally.
        assert!(html.contains("<li>Dòng 3 (Mã)"), "{html}");
        assert!(html.contains("<li>Dòng 4 (Loại)"), "{html}");
        assert!(
            children_codes(&server, COMMUNE).await.is_empty(),
            "nothing was added"
        );

        let res = server
            .post(&url)
            .multipart(upload(
                &t,
                "ap.csv",
                "code,name,kind\n,,Ấp\n".as_bytes().to_vec(),
            ))
            .await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("Dòng 2 (Tên)"), "{}", res.text());

        let res = server
            .post(&url)
            .multipart(upload(&t, "ap.csv", vec![0xff, 0xfe, 0x41]))
            .await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("CSV UTF-8"));

        let res = server
            .post(&url)
            .multipart(upload(
                &t,
                "ap.csv",
                "code,name,kind,commune_code\n,Ấp Lạ,Ấp,29278\n"
                    .as_bytes()
                    .to_vec(),
            ))
            .await;
        assert_eq!(
            res.status_code(),
            422,
            "rows of another commune are refused"
        );
        assert!(children_codes(&server, COMMUNE).await.is_empty());

        // Vietnamese headers, and an XLSX file.
        let good = "mã,tên,loại\n29374-A1,Ấp Một,Ấp\n,Khóm Hai,Khóm\n";
        let res = server
            .post(&url)
            .multipart(upload(&t, "danh-sach.csv", good.as_bytes().to_vec()))
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let html = server.get(&location(&res)).await.text();
        assert!(html.contains("Đã nhập 2 thôn, ấp."), "{html}");
        let xlsx = ntm_reports::write_table(
            "Thôn",
            &["code", "name", "kind"],
            &[vec![
                "29374-X1".into(),
                "Tổ dân phố Ba".into(),
                "Tổ dân phố".into(),
            ]],
        )
        .unwrap();
        let res = server
            .post(&url)
            .multipart(upload(&t, "danh-sach.xlsx", xlsx))
            .await;
        assert_eq!(res.status_code(), 303);
        let mut codes = children_codes(&server, COMMUNE).await;
        codes.sort();
        assert_eq!(codes, ["29374-01", "29374-A1", "29374-X1"]);

        // The same file again changes nothing.
        let res = server
            .post(&url)
            .multipart(upload(&t, "danh-sach.csv", good.as_bytes().to_vec()))
            .await;
        assert_eq!(res.status_code(), 303);
        assert!(location(&res).contains("n=0&u=2"), "{}", location(&res));
    }
);
