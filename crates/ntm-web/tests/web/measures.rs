//! Indicators computed from the records on the scorecard (test-only set
//! `thu-nghiem-xa-thong-minh`, testdata/criteria-measures): a DX post published by the
//! commune shows on its scorecard as a computed value with what it is computed from, the
//! indicator has no edit form, and a value typed for it anyway is refused with nothing
//! written; the manual indicator beside it still has its form.

use std::sync::OnceLock;

use ntm_app::portal::{self, PostForm};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::criteria::Catalog;

use crate::helpers::{PASSWORD, app_with, form_token, logged_in};

const FIXTURE: &str =
    include_str!("../../../../testdata/criteria-measures/thu-nghiem-xa-thong-minh.yaml");
const SET: &str = "thu-nghiem-xa-thong-minh";

fn test_catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-xa-thong-minh.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

async fn app(db: Db) -> App {
    let config = AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-measures-{}", uuid::Uuid::now_v7())),
        ..AppConfig::default()
    };
    let mut app = app_with(db, config).await;
    app.catalog = test_catalog();
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "xa.chauthanh.do".into(),
            display_name: "Cán bộ xã Châu Thành".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("commune_officer@29374").expect("grant")],
        },
    )
    .await
    .expect("user");
    app
}

/// The `<article>` of indicator `anchor` on the scorecard page.
fn article<'a>(html: &'a str, anchor: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{anchor}\""))
        .unwrap_or_else(|| panic!("indicator {anchor} on the page"));
    let end = html[start..]
        .find("</article>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

ntm_testkit::both_backends!(computed_indicators_on_the_scorecard, |db: Db| async move {
    let app = app(db).await;
    let year = ntm_app::today().year();
    let page = format!("/units/29374/scorecard?set={SET}&year={year}");
    let officer = logged_in(&app, "xa.chauthanh.do").await;
    let html = officer.get(&page).await.text();
    assert!(article(&html, "i-1-1").contains("Tính từ dữ liệu"));
    assert!(!article(&html, "i-1-1").contains("sc-edit"), "no edit form");
    assert!(
        article(&html, "i-2-2").contains("sc-edit"),
        "the manual one keeps its form"
    );

    // The commune publishes a DX post: the value appears, computed.
    let actor = {
        let (_, u) = ntm_app::users::login(&app, "xa.chauthanh.do", PASSWORD, "10.0.0.1")
            .await
            .unwrap();
        u.actor("10.0.0.1")
    };
    let p = portal::new_post(
        &app,
        &actor,
        "29374",
        PostForm {
            title: "Hướng dẫn thanh toán không dùng tiền mặt".into(),
            body: "<p>Bà con cài ứng dụng ngân hàng.</p>".into(),
            category: "chuyen-doi-so".into(),
            photos: vec![],
        },
    )
    .await
    .unwrap();
    portal::set_published(&app, &actor, p.id, p.version, true)
        .await
        .unwrap();
    let html = officer.get(&page).await.text();
    let row = article(&html, "i-1-1");
    assert!(
        row.contains("Tính từ tin bài chuyển đổi số đã đăng: 1 tin bài"),
        "{row}"
    );
    assert!(row.contains("<strong>"), "a value is shown: {row}");
    assert!(row.contains("ntm (computed measures)"), "{row}");

    // The value links to the records behind it: the portal's DX page over the days the
    // measure read, which lists the post.
    let href = row
        .split("href=\"")
        .map(|h| &h[..h.find('"').unwrap_or(0)])
        .find(|h| h.starts_with("/portal/29374/dx?"))
        .unwrap_or_else(|| panic!("a drill-down link: {row}"))
        .replace("&#38;", "&");
    let jan1 = time::Date::from_calendar_date(year, time::Month::January, 1).unwrap();
    let (from, to) = ntm_domain::measures::records_span(
        ntm_domain::measures::Module::Portal,
        year,
        ntm_app::today(),
    )
    .unwrap();
    assert!(from <= jan1);
    assert_eq!(href, format!("/portal/29374/dx?from={from}&to={to}"));
    let dx = officer.get(&href).await;
    assert_eq!(dx.status_code(), 200);
    assert!(
        dx.text()
            .contains("Hướng dẫn thanh toán không dùng tiền mặt"),
        "the post behind the figure"
    );
    // The feedback-bound indicator links to the feedback figure of the same year.
    let fb = article(&html, "i-2-1").replace("&#38;", "&");
    assert!(
        fb.contains(&format!(
            "/feedback/measures?unit=29374&from={jan1}&to={}&figure=on_time_of",
            ntm_app::today()
                .min(time::Date::from_calendar_date(year, time::Month::December, 31).unwrap())
        )),
        "{fb}"
    );

    // A value typed anyway: refused, nothing written.
    let before = app.db_for_tests().audit_head().await.unwrap();
    let t = form_token(&html);
    let res = officer
        .post("/units/29374/scorecard/values")
        .form(&[
            ("_csrf", t.as_str()),
            ("set", SET),
            ("year", &year.to_string()),
            ("indicator", "1.1"),
            ("value", "9"),
            ("note", "gõ tay"),
            ("expected_version", "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let body = res.text();
    assert!(
        body.contains("không nhập tay"),
        "{}",
        &body[body.find("role=\"alert\"").unwrap_or(0)..][..600.min(body.len())]
    );
    assert_eq!(app.db_for_tests().audit_head().await.unwrap(), before);
});
