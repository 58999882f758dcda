//! The Excel round trip of a whole criteria-set version: export, edit the file (built here
//! with rust_xlsxwriter), preview (nothing written), apply, stale previews refused, bad
//! files refused with cell references, and who may do what.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::criteria::authoring::AuthoredSet;
use ntm_domain::criteria::authoring::table::{Grid, SHEET_INDICATORS};
use ntm_reports::criteria_set_xlsx::read_criteria_set;
use ntm_store::{CriteriaSetVersion, STATUS_DRAFT};
use time::macros::date;
use uuid::Uuid;

use crate::helpers::*;

struct Fixture {
    app: App,
    data_dir: std::path::PathBuf,
    id: Uuid,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A draft of Vĩnh Long (86, a province today) extending the 2021–2025 commune set, and two province officers.
async fn fixture(db: Db) -> Fixture {
    let data_dir = std::env::temp_dir().join(format!("ntm-csx-{}", Uuid::now_v7()));
    let app = app_with(
        db,
        AppConfig {
            data_dir: data_dir.clone(),
            ..AppConfig::default()
        },
    )
    .await;
    for (username, grant) in [
        ("tinh.travinh", "province_officer@84"),
        ("tinh.vinhlong", "province_officer@86"),
    ] {
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse(grant).expect("grant")],
            },
        )
        .await
        .expect("user");
    }
    let base = app
        .catalog
        .set_on("xa-ntm-2021-2025", date!(2022 - 07 - 01))
        .expect("base");
    let content = AuthoredSet::extending(
        "xa-ntm-vinh-long-2021-2025",
        "2022",
        "Bộ tiêu chí xã NTM tỉnh Vĩnh Long",
        date!(2022 - 07 - 01),
        base,
    );
    let now = ntm_app::now();
    let id = Uuid::now_v7();
    let v = CriteriaSetVersion {
        id,
        scope: "86".into(),
        set_id: content.id.clone(),
        label: content.version.clone(),
        extends_id: Some("xa-ntm-2021-2025".into()),
        status: STATUS_DRAFT.into(),
        valid_from: "2022-07-01".into(),
        valid_to: None,
        content: serde_json::to_string(&content).expect("json"),
        yaml: content.to_yaml(),
        origin: "test".into(),
        revision: 0,
        created_by: "test".into(),
        created_at: now,
        updated_by: "test".into(),
        updated_at: now,
        published_by: None,
        published_at: None,
    };
    let audit = ntm_domain::audit::NewAuditEntry {
        at: now,
        actor: "test".into(),
        action: "criteria_version.create".into(),
        target: "province:86".into(),
        detail: "{}".into(),
        origin: "test".into(),
    };
    app.db_for_tests()
        .insert_criteria_set_version(&v, audit)
        .await
        .expect("draft");
    Fixture { app, data_dir, id }
}

async fn stored(app: &App, id: Uuid) -> (i64, AuthoredSet) {
    let r = app
        .db_for_tests()
        .criteria_set_version(id)
        .await
        .expect("read")
        .expect("row");
    (
        r.revision,
        serde_json::from_str(&r.content).expect("content"),
    )
}

/// Writes sheets back as an XLSX file (text cells), merging the given regions of the
/// indicator sheet.
/// A merged region: first and last cell (row, column), 0-based.
type Region = ((u32, u16), (u32, u16));

fn xlsx_of(sheets: &[Grid], merge: &[Region]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for g in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&g.name).expect("name");
        for (r, row) in g.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(g.start.0 + r as u32, g.start.1 as u16 + c as u16, v)
                        .expect("cell");
                }
            }
        }
        if g.name == SHEET_INDICATORS {
            for ((r0, c0), (r1, c1)) in merge {
                ws.merge_range(*r0, *c0, *r1, *c1, "", &rust_xlsxwriter::Format::new())
                    .expect("merge");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

async fn export(server: &TestServer, id: Uuid) -> Vec<Grid> {
    let res = server
        .get(&format!("/criteria-versions/{id}/export.xlsx"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert_eq!(
        res.header("content-type").to_str().unwrap_or_default(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    read_criteria_set(res.as_bytes()).expect("readable export")
}

fn col(g: &Grid, header: &str) -> usize {
    g.rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

fn row(g: &Grid, code: &str) -> usize {
    let c = col(g, "Mã chỉ tiêu");
    g.rows
        .iter()
        .position(|r| r[c] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

fn letter(c: usize) -> char {
    (b'A' + c as u8) as char
}

async fn preview(server: &TestServer, id: Uuid, bytes: Vec<u8>) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/criteria-versions/{id}/xlsx-import"))
        .multipart(
            MultipartForm::new()
                .add_text("_csrf", t.as_str())
                .add_part("file", Part::bytes(bytes).file_name("bo-tieu-chi.xlsx")),
        )
        .await
}

async fn apply(server: &TestServer, id: Uuid, upload: &str) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/criteria-versions/{id}/xlsx-import/apply"))
        .form(&[("_csrf", t.as_str()), ("upload", upload)])
        .await
}

fn upload_id(html: &str) -> String {
    let marker = "name=\"upload\" value=\"";
    let start = html.find(marker).expect("an upload id on the page") + marker.len();
    let end = html[start..].find('"').expect("end of value");
    html[start..start + end].to_string()
}

/// Rows of the changes table: `(cell, code, change)`.
fn change_rows(html: &str) -> Vec<(String, String, String)> {
    let Some(start) = html.find("id=\"csx-changes\"") else {
        return Vec::new();
    };
    let body = &html[start
        ..html[start..]
            .find("</table>")
            .map_or(html.len(), |e| start + e)];
    body.split("<tr")
        .skip(2)
        .map(|tr| {
            let cells: Vec<String> = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let inner = &td[td.find('>').map_or(0, |i| i + 1)..];
                    let mut text = String::new();
                    let mut tag = false;
                    for ch in inner.chars() {
                        match ch {
                            '<' => tag = true,
                            '>' => tag = false,
                            c if !tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect();
            let code = cells[1].split(' ').next().unwrap_or_default().to_string();
            (cells[0].clone(), code, cells[2].clone())
        })
        .collect()
}

ntm_testkit::both_backends!(criteria_set_xlsx_round_trip, |db: Db| async move {
    let f = fixture(db).await;
    let (app, id) = (&f.app, f.id);
    let officer = logged_in(app, "tinh.vinhlong").await;

    // The import form of the draft links the export.
    let res = officer
        .get(&format!("/criteria-versions/{id}/xlsx-import"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert!(
        res.text()
            .contains(&format!("/criteria-versions/{id}/export.xlsx"))
    );

    // Export: the base's indicators with region columns; unchanged, it previews empty.
    let sheets = export(&officer, id).await;
    let g = sheets
        .iter()
        .find(|g| g.name == SHEET_INDICATORS)
        .expect("indicator sheet");
    assert_eq!(g.rows[0][col(g, "DBSCL")], "DBSCL");
    let (general, doc) = (col(g, "Chỉ tiêu chung"), col(g, "Số văn bản"));
    let r31 = row(g, "3.1");
    assert_eq!(g.rows[r31][general], "80");
    let res = preview(&officer, id, xlsx_of(&sheets, &[])).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert!(
        res.text().contains("id=\"csx-no-changes\""),
        "{}",
        res.text()
    );

    // Edit one threshold (3.1 general 80 → 85, with its basis) and add one indicator.
    let mut edited = sheets.clone();
    let gi = edited
        .iter()
        .position(|g| g.name == SHEET_INDICATORS)
        .expect("sheet");
    {
        let g = &mut edited[gi];
        g.rows[r31][general] = "85".into();
        g.rows[r31][doc] = "5/2022/QĐ-UBND".into();
        g.rows[r31][doc + 1] = "15/03/2022".into();
        g.rows[r31][doc + 2] = "UBND tỉnh Trà Vinh".into();
        g.rows[r31][doc + 3] = "Phụ lục I".into();
        let mut new = vec![String::new(); g.rows[0].len()];
        new[0] = "3".into();
        new[col(g, "Mã chỉ tiêu")] = "3.9".into();
        new[col(g, "Tên chỉ tiêu")] = "Tỷ lệ kênh mương được kiên cố hóa".into();
        new[col(g, "Loại")] = "percent".into();
        new[col(g, "Đơn vị tính")] = "%".into();
        new[col(g, "Phép so sánh")] = ">=".into();
        new[general] = "70".into();
        g.rows.push(new);
    }
    let new_row = edited[gi].rows.len();
    let res = preview(&officer, id, xlsx_of(&edited, &[])).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    let rows = change_rows(&html);
    let c = |c: usize, r: usize| format!("{}{}", letter(c), r + 1);
    assert_eq!(
        rows,
        vec![
            (
                c(general, r31),
                "3.1".to_string(),
                "Ngưỡng chung".to_string()
            ),
            (c(doc, r31), "3.1".to_string(), "Căn cứ pháp lý".to_string()),
            (
                format!("C{new_row}"),
                "3.9".to_string(),
                "Thêm chỉ tiêu".to_string()
            ),
        ],
        "{html}"
    );
    assert!(html.contains("≥ 85 %"), "{html}");
    assert!(html.contains("5/2022/QĐ-UBND"), "{html}");
    // Nothing written by the preview.
    let (rev, content) = stored(app, id).await;
    assert_eq!(rev, 0);
    assert!(content.indicator("3.1").is_none() && content.indicator("3.9").is_none());

    // A second preview of the same file, kept for the stale check below.
    let stale_upload = upload_id(&preview(&officer, id, xlsx_of(&edited, &[])).await.text());

    // Apply.
    let res = apply(&officer, id, &upload_id(&html)).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), format!("/criteria-versions/{id}?done=xlsx"));
    let page = officer.get(&location(&res)).await.text();
    assert!(page.contains("Đã nhập tệp Excel vào bản nháp."), "{page}");
    assert!(
        page.contains(&format!("/criteria-versions/{id}/export.xlsx")),
        "{page}"
    );
    assert!(
        page.contains(&format!("/criteria-versions/{id}/xlsx-import")),
        "{page}"
    );
    let (rev, content) = stored(app, id).await;
    assert_eq!(rev, 1);
    let (_, i31) = content.indicator("3.1").expect("override");
    assert!(i31.inherited);
    assert_eq!(
        i31.threshold.as_ref().map(|t| t.value.clone()),
        Some(ntm_domain::criteria::ThresholdValue::Num(85.0))
    );
    assert!(i31.threshold.as_ref().is_some_and(|t| t.confirmed(i31)));
    let (crit, i39) = content.indicator("3.9").expect("added");
    assert_eq!(crit, Some(3));
    assert_eq!(
        i39.name_vi.as_deref(),
        Some("Tỷ lệ kênh mương được kiên cố hóa")
    );
    // The draft's export shows them.
    let again = export(&officer, id).await;
    let g2 = again
        .iter()
        .find(|g| g.name == SHEET_INDICATORS)
        .expect("sheet");
    assert_eq!(g2.rows[row(g2, "3.1")][general], "85");
    assert_eq!(g2.rows[row(g2, "3.1")][doc], "5/2022/QĐ-UBND");
    assert_eq!(g2.rows[row(g2, "3.9")][general], "70");
    // Applying the same upload twice is refused.
    let res = apply(&officer, id, &upload_id(&html)).await;
    assert_eq!(res.status_code(), 409, "{}", res.text());

    // The other preview was made on revision 0: refused, nothing written.
    let res = apply(&officer, id, &stale_upload).await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(res.text().contains("sau khi xem trước"), "{}", res.text());
    assert_eq!(stored(app, id).await.0, 1);
});

ntm_testkit::both_backends!(
    criteria_set_xlsx_bad_files_and_who_may,
    |db: Db| async move {
        let f = fixture(db).await;
        let (app, id) = (&f.app, f.id);
        let officer = logged_in(app, "tinh.vinhlong").await;
        let sheets = export(&officer, id).await;
        let gi = sheets
            .iter()
            .position(|g| g.name == SHEET_INDICATORS)
            .expect("sheet");
        let general = col(&sheets[gi], "Chỉ tiêu chung");
        let r31 = row(&sheets[gi], "3.1");

        // Moved columns (kind and unit swapped) and merged cells: named by reference.
        let mut moved = sheets.clone();
        for r in &mut moved[gi].rows {
            r.swap(5, 6);
        }
        let res = preview(&officer, id, xlsx_of(&moved, &[((2, 3), (2, 4))])).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = res.text();
        assert!(html.contains("<td class=\"code\">D3:E3</td>"), "{html}");
        assert!(html.contains("<td class=\"code\">F1</td>"), "{html}");
        assert!(html.contains("<td class=\"code\">G1</td>"), "{html}");
        assert!(
            html.contains("cột bị di chuyển: cột F phải là “Loại”"),
            "{html}"
        );
        assert!(
            !html.contains("xlsx-import/apply"),
            "no apply button: {html}"
        );
        // Applying it anyway is refused; nothing written.
        let res = apply(&officer, id, &upload_id(&html)).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert_eq!(stored(app, id).await.0, 0);

        // A value weaker than national, with both values and the cell.
        let mut weak = sheets.clone();
        weak[gi].rows[r31][general] = "70".into();
        let res = preview(&officer, id, xlsx_of(&weak, &[])).await;
        let html = res.text();
        assert!(
            html.contains(&format!(
                "<td class=\"code\">{}{}</td>",
                letter(general),
                r31 + 1
            )),
            "{html}"
        );
        assert!(
            html.contains("ngưỡng 70 % yếu hơn mức quốc gia ≥ 80 % (xa-ntm-2021-2025, 2022)"),
            "{html}"
        );
        let res = apply(&officer, id, &upload_id(&html)).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());

        // Not an xlsx file.
        let t = token(&officer).await;
        let res = officer
            .post(&format!("/criteria-versions/{id}/xlsx-import"))
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_part("file", Part::bytes(b"a,b\n".to_vec()).file_name("x.csv")),
            )
            .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());

        // Another province's officer and a commune officer of the province: refused.
        let good = xlsx_of(&weak, &[]);
        for who in ["tinh.travinh", "xa.chauthanh"] {
            let s = logged_in(app, who).await;
            let res = s.get(&format!("/criteria-versions/{id}/xlsx-import")).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
            let res = preview(&s, id, good.clone()).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
            // Someone else's stored upload cannot be previewed again: refused before it is
            // read (the owner check comes after the permission check).
            let t = token(&s).await;
            let res = s
                .post(&format!("/criteria-versions/{id}/xlsx-import"))
                .multipart(
                    MultipartForm::new()
                        .add_text("_csrf", t.as_str())
                        .add_text("upload", upload_id(&html)),
                )
                .await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
            // Someone else's upload cannot be applied either.
            let res = apply(&s, id, &upload_id(&html)).await;
            assert!(
                [403, 404].contains(&res.status_code().as_u16()),
                "{who}: {}",
                res.status_code()
            );
        }
        let res = logged_in(app, "tinh.travinh")
            .await
            .get(&format!("/criteria-versions/{id}/export.xlsx"))
            .await;
        assert_eq!(res.status_code(), 403);
        assert_eq!(stored(app, id).await.0, 0, "nothing written");

        // Shipped versions export too.
        let res = officer
            .get("/criteria-sets/shipped/xa-ntm-2021-2025/2024/export.xlsx")
            .await;
        assert_eq!(res.status_code(), 200);
        assert!(read_criteria_set(res.as_bytes()).expect("xlsx").len() == 2);
    }
);
