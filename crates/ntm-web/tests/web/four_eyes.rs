//! Four-eyes verification through the pages (security review 8): the province turns it on
//! on its procedure settings page; then whoever entered or submitted a value cannot verify
//! it from the scorecard, and is told why; another verifier can.

use ntm_app::Db;

use crate::helpers::{form_token, location, logged_in};
use crate::scorecard::{PAGE, app, post_value, review, versions};

const SETTINGS: &str = "/units/86/procedure-settings";

ntm_testkit::both_backends!(four_eyes_on_the_pages, |db: Db| async move {
    let app = app(db).await;
    let tinh = logged_in(&app, "tinh.vinhlong").await;

    // Off by default: the page says so and offers the switch to the province.
    let html = tinh.get(SETTINGS).await.text();
    assert!(html.contains("id=\"four-eyes-off\""), "{html}");
    assert!(html.contains("id=\"form-four-eyes\""));
    // The commune officer sees no switch (and cannot post one).
    let xa = logged_in(&app, "xa.chauthanh").await;
    let res = xa.get(SETTINGS).await;
    assert!(!res.text().contains("id=\"form-four-eyes\""));
    let t = form_token(&res.text());
    let res = xa
        .post(SETTINGS)
        .form(&[("_csrf", t.as_str()), ("what", "four_eyes"), ("basis", "x")])
        .await;
    assert_eq!(res.status_code(), 403);

    // The province officer enters and submits a value, then verifies it alone: allowed
    // while four-eyes is off.
    assert_eq!(
        post_value(&tinh, "1.1", "Đạt", "Quyết định phê duyệt", "", false)
            .await
            .status_code(),
        303
    );
    assert_eq!(review(&tinh, "submit", "1.1", "").await.status_code(), 303);
    assert_eq!(review(&tinh, "verify", "1.1", "").await.status_code(), 303);

    // Turned on with its basis (a basis is required and what was typed is kept).
    let t = form_token(&tinh.get(SETTINGS).await.text());
    let res = tinh
        .post(SETTINGS)
        .form(&[("_csrf", t.as_str()), ("what", "four_eyes"), ("basis", " ")])
        .await;
    assert_eq!(res.status_code(), 422);
    let res = tinh
        .post(SETTINGS)
        .form(&[
            ("_csrf", t.as_str()),
            ("what", "four_eyes"),
            ("basis", "Quyết định mẫu 12/QĐ-UBND, Điều 3"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), SETTINGS);
    let html = tinh.get(SETTINGS).await.text();
    assert!(html.contains("Đang bật"), "{html}");
    assert!(html.contains("Quyết định mẫu 12/QĐ-UBND, Điều 3"));
    assert!(!html.contains("id=\"form-four-eyes\""));

    // The province's setting covers old Trà Vinh's commune (a 2024 value, province 84).
    assert_eq!(
        post_value(&tinh, "1.1", "Không đạt", "Biên bản", "3", false)
            .await
            .status_code(),
        303
    );
    assert_eq!(review(&tinh, "submit", "1.1", "").await.status_code(), 303);
    let res = review(&tinh, "verify", "1.1", "").await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(html.contains("xác minh bốn mắt"), "{html}");
    assert!(html.contains("1.1 "), "names the indicator");
    assert_eq!(versions(&app, "1.1").await.last().unwrap().2, "submitted");
    assert!(tinh.get(PAGE).await.status_code() == 200);

    // A value the commune entered and submitted: the province officer verifies it.
    assert_eq!(
        post_value(&xa, "2.1", "90", "Số liệu thống kê xã", "", false)
            .await
            .status_code(),
        303
    );
    assert_eq!(review(&xa, "submit", "2.1", "").await.status_code(), 303);
    assert_eq!(review(&tinh, "verify", "2.1", "").await.status_code(), 303);
    // And the administrator verifies the province officer's own value.
    let admin = logged_in(&app, "admin").await;
    assert_eq!(review(&admin, "verify", "1.1", "").await.status_code(), 303);
    assert_eq!(versions(&app, "1.1").await.last().unwrap().2, "verified");
});
