//! Security review, finding 8: hamlet names and value notes had no length limit. The limits
//! hold on every path (page form, file import, API; the use cases check them), the message
//! is Vietnamese, and the page keeps what the user typed.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::Db;

use crate::helpers::*;

ntm_testkit::both_backends!(
    long_hamlet_names_and_notes_are_refused_everywhere,
    |db: Db| async move {
        let app = setup(db).await;
        let server = logged_in(&app, "xa.chauthanh").await;
        let t = token(&server).await;
        let long = format!("Ấp {}", "Phú Hòa ".repeat(30)).trim().to_string();
        assert!(long.chars().count() > 200);
        let before = app.db_for_tests().audit_head().await.unwrap();

        // The page form: 422, the message, the typed name kept.
        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets"))
            .form(&[
                ("_csrf", t.as_str()),
                ("name", long.as_str()),
                ("kind", "Ấp"),
            ])
            .await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(html.contains("Tên quá dài (tối đa 200 ký tự)"), "{html}");
        assert!(html.contains(&long), "the typed name is kept");

        // A file: the row is named, nothing imported.
        let csv = format!("code,name,kind\n,Ấp Tốt,Ấp\n,{long},Ấp\n");
        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets/import"))
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_part("file", Part::bytes(csv.into_bytes()).file_name("ap.csv")),
            )
            .await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(html.contains("<li>Dòng 3 (Tên)"), "{html}");
        assert!(html.contains("tối đa 200 ký tự"), "{html}");

        // The API.
        let res = server
            .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
            .add_header("x-csrf-token", t.as_str())
            .json(&serde_json::json!({"name": long, "kind": "Ấp"}))
            .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("tối đa 200 ký tự"), "{}", res.text());
        assert!(children_codes(&server, COMMUNE).await.is_empty());

        // A value's note of 2.001 characters: refused on the scorecard, value and note kept.
        let note = format!("Biên bản {}", "x".repeat(1992));
        assert_eq!(note.chars().count(), 2001);
        let res = crate::scorecard::post_value(&server, "8.4", "Đạt", &note, "", false).await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(html.contains("tối đa 2000 ký tự"), "{html}");
        assert!(html.contains(&note), "the typed note is kept");
        // The API too.
        let res = server
            .put(&format!("/api/v1/units/{COMMUNE}/observations"))
            .add_header("x-csrf-token", t.as_str())
            .json(&serde_json::json!({
                "set": "xa-ntm-2021-2025", "year": 2024, "note": note,
                "values": [{"code": "8.4", "value": "Đạt"}]
            }))
            .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert_eq!(app.db_for_tests().audit_head().await.unwrap(), before);

        // At the limits, both are taken.
        let name = "Ấ".repeat(200);
        let res = server
            .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
            .add_header("x-csrf-token", t.as_str())
            .json(&serde_json::json!({"name": name, "kind": "Ấp"}))
            .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let note = "x".repeat(2000);
        let res = crate::scorecard::post_value(&server, "8.4", "Đạt", &note, "", false).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
    }
);
