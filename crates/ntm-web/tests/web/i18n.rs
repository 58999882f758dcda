//! Languages: the catalogs match, and the choice of language works.

use ntm_app::Db;
use ntm_web::i18n::catalog_keys;

use crate::helpers::*;

/// Every key of every `.ftl` file of one language (each module has its own file).
fn keys_of(lang: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut keys = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    for f in files {
        keys.extend(catalog_keys(&std::fs::read_to_string(&f).unwrap()));
    }
    keys.sort();
    keys
}

#[test]
fn vi_and_en_catalogs_have_the_same_keys() {
    let vi = keys_of("vi");
    let en = keys_of("en");
    assert!(vi.len() > 100, "{} keys", vi.len());
    let only_vi: Vec<_> = vi.iter().filter(|k| !en.contains(k)).collect();
    let only_en: Vec<_> = en.iter().filter(|k| !vi.contains(k)).collect();
    assert!(
        only_vi.is_empty() && only_en.is_empty(),
        "only in vi: {only_vi:?}; only in en: {only_en:?}"
    );
    let mut dedup = vi.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), vi.len(), "a key is defined twice");
}

ntm_testkit::both_backends!(
    lang_switch_by_query_cookie_and_header,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        let res = server.get("/").add_query_param("lang", "en").await;
        let html = res.text();
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("Log in"));
        assert!(html.contains("1 province or city"), "{html}");
        assert!(html.contains("4 communes and wards"), "{html}");
        assert!(
            set_cookies(&res).iter().any(|c| c.starts_with("lang=en")),
            "{:?}",
            set_cookies(&res)
        );
        assert!(
            html.contains("href=\"/?lang=vi\""),
            "switch back to Vietnamese"
        );

        // The cookie keeps English on the next page.
        let html = server.get("/units/29278").await.text();
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("Formed from"));
        assert!(html.contains("Mekong River Delta"));

        let html = server.get("/").add_query_param("lang", "vi").await.text();
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("Đăng nhập"));

        // Accept-Language when there is no cookie; Vietnamese otherwise.
        let fresh =
            axum_test::TestServer::new(ntm_web::router(app.clone(), ntm_web::WebConfig::default()));
        let html = fresh
            .get("/")
            .add_header("accept-language", "en-US,en;q=0.9")
            .await
            .text();
        assert!(html.contains("<html lang=\"en\">"));
        let html = fresh
            .get("/")
            .add_header("accept-language", "fr-FR, de;q=0.5")
            .await
            .text();
        assert!(html.contains("<html lang=\"vi\">"));
        let html = fresh
            .get("/missing")
            .add_header("accept-language", "en")
            .await
            .text();
        assert!(html.contains("Not found"), "error pages are translated too");
    }
);
