//! Security review, finding 1: a 1.5 KB XLSX declaring cells `A1` and `XFD1048576` made the
//! spreadsheet reader allocate the whole sheet and the process abort. Every upload path
//! (hamlet import, workbook preview, survey paper forms) now refuses it with a clear message
//! before reading cells, and the server keeps answering.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_app::{Actor, App, Db};
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_testkit::spreadsheets::{ods_repeated, xls_header, xlsx, xlsx_bomb, xlsx_with_padding};

use crate::helpers::*;

const DECLARED: &str = "tệp có kích thước khai báo quá lớn";

async fn post_file(server: &TestServer, url: &str, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_part("file", Part::bytes(bytes).file_name(name));
    let res = server.post(url).multipart(form).await;
    (res.status_code().as_u16(), res.text())
}

/// An open campaign of `COMMUNE` (suggested questionnaire).
pub(crate) async fn open_campaign(app: &App) -> String {
    let now = ntm_app::now();
    let c = surveys::create(
        app,
        &Actor::cli(),
        NewCampaign {
            unit_code: COMMUNE.into(),
            set_id: "xa-ntm-2021-2025".into(),
            year: 2025,
            input: CampaignInput {
                title: "Lấy ý kiến thử".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: now - time::Duration::hours(1),
                closes_at: now + time::Duration::days(7),
            },
        },
    )
    .await
    .unwrap();
    surveys::open(app, &Actor::cli(), &c.code).await.unwrap();
    c.code
}

ntm_testkit::both_backends!(
    spreadsheet_bomb_is_refused_on_every_upload_path,
    |db: Db| async move {
        let (app, _) = with_hamlets(db).await;
        let code = open_campaign(&app).await;
        let commune = logged_in(&app, "xa.chauthanh").await;
        let province = logged_in(&app, "admin").await;
        let bomb = xlsx_bomb();
        assert!(bomb.len() < 2048, "the bomb is tiny: {} bytes", bomb.len());

        let hamlets = format!("/units/{COMMUNE}/hamlets/import");
        let workbook = "/units/84/workbook/preview".to_string();
        let paper = format!("/units/{COMMUNE}/surveys/{code}/paper/preview");
        for (server, url) in [
            (&commune, &hamlets),
            (&province, &workbook),
            (&commune, &paper),
        ] {
            let (status, html) = post_file(server, url, "bom.xlsx", bomb.clone()).await;
            assert!((400..500).contains(&status), "{url}: {status}");
            assert!(html.contains(DECLARED), "{url}: {html}");
            assert!(html.contains("XFD1048576"), "{url} names the cell");
        }

        // Cells outside the limits without a declared dimension, a zip whose entries add up
        // to more than 50 MB, an ODS repeating a row a million times, an old .xls file.
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "o.xlsx",
                xlsx(None, &[("A1", "a"), ("XFD1048576", "b")]),
                "XFD1048576",
            ),
            ("p.xlsx", xlsx_with_padding(51 * 1024 * 1024), DECLARED),
            ("r.ods", ods_repeated(1_048_576, 16_384), DECLARED),
            ("c.xls", xls_header(), ".xls"),
        ];
        for (name, bytes, want) in cases {
            let (status, html) = post_file(&commune, &hamlets, name, bytes).await;
            assert_eq!(status, 422, "{name}");
            assert!(html.contains(want), "{name}: {html}");
        }

        // The server is alive and a real file still imports.
        let good = xlsx(
            Some("A1:C2"),
            &[
                ("A1", "code"),
                ("B1", "name"),
                ("C1", "kind"),
                ("B2", "Ấp Sau Bom"),
                ("C2", "Ấp"),
            ],
        );
        let t = token(&commune).await;
        let res = commune
            .post(&hamlets)
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_part("file", Part::bytes(good).file_name("ap.xlsx")),
            )
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let page = commune.get(&format!("/units/{COMMUNE}")).await.text();
        assert!(page.contains("Ấp Sau Bom"));
    }
);

// The parsers run on a bounded pool: many bombs at once are all refused and the process
// keeps serving.
ntm_testkit::both_backends!(
    spreadsheet_uploads_in_parallel_are_bounded,
    |db: Db| async move {
        let app = setup(db).await;
        let commune = logged_in(&app, "xa.chauthanh").await;
        let url = format!("/units/{COMMUNE}/hamlets/import");
        let t = token(&commune).await;
        let mut all = Vec::new();
        for _ in 0..8 {
            let form = MultipartForm::new()
                .add_text("_csrf", t.as_str())
                .add_part("file", Part::bytes(xlsx_bomb()).file_name("b.xlsx"));
            all.push(commune.post(&url).multipart(form).into_future());
        }
        for res in futures_util::future::join_all(all).await {
            assert_eq!(res.status_code(), 422);
            assert!(res.text().contains(DECLARED));
        }
        assert_eq!(commune.get("/").await.status_code(), 200);
    }
);
