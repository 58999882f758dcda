//! Security review 8a: on PostgreSQL a NUL character in input gave a 500, even without
//! login. It is refused with 400 at one boundary, on both engines.

use ntm_app::Db;

use crate::helpers::*;

ntm_testkit::both_backends!(a_nul_character_is_a_400_not_a_500, |db: Db| async move {
    let app = setup(db).await;
    let anon = browser(&app);
    let t = token(&anon).await;
    // The login form, without an account.
    let res = anon
        .post("/login")
        .form(&[
            ("_csrf", t.as_str()),
            ("username", "ad\0min"),
            ("password", "x"),
            ("next", ""),
        ])
        .await;
    assert_eq!(res.status_code(), 400, "{}", res.text());
    // A search in the query string.
    let res = anon.get("/units?q=a%00b").await;
    assert_eq!(res.status_code(), 400);
    // A JSON body.
    let officer = logged_in(&app, "xa.chauthanh").await;
    let t = token(&officer).await;
    let res = officer
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("x-csrf-token", t.as_str())
        .json(&serde_json::json!({"name": "Ấp\u{0}", "kind": "Ấp"}))
        .await;
    assert_eq!(res.status_code(), 400, "{}", res.text());
    assert!(res.text().contains("NUL"), "{}", res.text());
    // The server still answers, and "%00" typed as text is not a NUL.
    let res = anon.get("/units?q=%2500").await;
    assert_eq!(res.status_code(), 200);
});
