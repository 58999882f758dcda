//! After the reform (from 01/07/2025): the commune prepares, the province appraises,
//! decides, publishes and revokes; every step on the page, in the history and the audit log.

use ntm_app::{Actor, Db};

use super::{
    BASIS, SUBMISSION_DOCS, act, after_act, app, closed_campaign, dossier_audit, enter_value,
    history, open_dossier, review, state_of, unread_notes, upload,
};
use crate::helpers::{form_token, logged_in, pdf_text};

ntm_testkit::both_backends!(
    dossier_recognition_post_reform_every_step,
    |db: Db| async move {
        let app = app(db).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        let tinh2 = logged_in(&app, "tinh.vinhlong2").await;

        // Values of 2026: entered and submitted by the commune; the province verifies 1.1 only.
        enter_value(&xa, 2026, "1.1", "92,5").await;
        enter_value(&xa, 2026, "2.1", "Đạt").await;
        review(&xa, 2026, "submit", "").await;
        review(&tinh, 2026, "verify", "1.1").await;

        // The dossier, dated 01/10/2026: posting, submission.
        let id = open_dossier(&xa, 2026, "2026-10-01").await;
        let path = format!("/dossiers/{id}");
        let page = xa.get(&path).await.text();
        assert!(
            page.contains("id=\"dossier-state\">Đang chuẩn bị</span>"),
            "{page}"
        );
        assert!(page.contains("Chưa có thao tác nào"), "{page}");
        upload(&xa, &id, "results_report").await;
        let res = act(
            &xa,
            &id,
            &[
                ("action", "start_posting"),
                ("expected_seq", "0"),
                ("date", "01/10/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &xa,
            "Đang công khai lấy ý kiến",
            1,
            "Bắt đầu công khai lấy ý kiến",
            "xa.chauthanh",
            "01/10/2026",
        )
        .await;
        // 15 days at least: 16/10 is one day short.
        let res = act(
            &xa,
            &id,
            &[
                ("action", "end_posting"),
                ("expected_seq", "1"),
                ("date", "15/10/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text()
                .contains("thời gian công khai chưa đủ: sớm nhất kết thúc ngày 16/10/2026"),
            "{}",
            res.text()
        );
        let res = act(
            &xa,
            &id,
            &[
                ("action", "end_posting"),
                ("expected_seq", "1"),
                ("date", "16/10/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &xa,
            "Sẵn sàng trình",
            2,
            "Kết thúc công khai",
            "xa.chauthanh",
            "16/10/2026",
        )
        .await;
        for kind in SUBMISSION_DOCS {
            upload(&xa, &id, kind).await;
        }
        let res = act(
            &xa,
            &id,
            &[
                ("action", "submit"),
                ("expected_seq", "2"),
                ("date", "20/10/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &xa,
            "Đã trình",
            3,
            "Trình hồ sơ",
            "xa.chauthanh",
            "20/10/2026",
        )
        .await;
        // Both province officers are told the dossier waits for the appraisal; not the commune.
        for s in [&tinh, &tinh2] {
            let n = unread_notes(s).await;
            assert!(
                n.contains("Hồ sơ của Xã Châu Thành (29374) chờ bước «Thẩm định» (Đã trình)."),
                "{n}"
            );
            assert!(n.contains(&path), "{n}");
        }
        assert!(unread_notes(&xa).await.contains("Không có thông báo nào"));

        // Appraisal: the report is attached by the province.
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-appraise_pass\""), "{tp}");
        assert!(
            !tp.contains("id=\"act-review_pass\""),
            "no district after 01/07/2025: {tp}"
        );
        upload(&tinh, &id, "appraisal_report").await;
        let pass = [
            ("action", "appraise_pass"),
            ("expected_seq", "3"),
            ("date", "25/10/2026"),
        ];
        let refused = |res: axum_test::TestResponse, msg: &'static str| {
            assert_eq!(res.status_code(), 422, "{}", res.text());
            let html = res.text();
            let form = &html[html.find("id=\"act-appraise_pass\"").expect("form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("id=\"error-appraise_pass\""), "{form}");
            assert!(form.contains(msg), "{msg}: {form}");
            assert!(form.contains("value=\"25/10/2026\""), "date kept: {form}");
            assert!(html.contains("id=\"dossier-state\">Đã trình</span>"));
        };
        // 2.1 is only submitted, not verified.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa đạt đầy đủ các tiêu chí trên số liệu đã xác minh",
        );
        review(&tinh, 2026, "verify", "2.1").await;
        // Verified, but the province has not set the commune threshold yet.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa có ngưỡng tỷ lệ hài lòng đã xác nhận",
        );
        let settings = "/units/86/procedure-settings";
        let t = form_token(&tinh.get(settings).await.text());
        let res = tinh
            .post(settings)
            .form(&[
                ("_csrf", t.as_str()),
                ("what", "satisfaction"),
                ("kind", "commune_ntm"),
                ("percent", "80"),
                ("basis", BASIS),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let page = tinh.get(&path).await.text();
        assert!(
            page.contains(&format!("80 % (tỉnh cấu hình theo {BASIS})")),
            "{page}"
        );
        // No closed campaign yet.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa có kết quả lấy ý kiến sự hài lòng của người dân",
        );
        // A closed campaign below the threshold: 1 of 3 satisfied.
        closed_campaign(&app, &xa, 2026, 1, 2).await;
        refused(
            act(&tinh, &id, &pass).await,
            "tỷ lệ hài lòng 33,33 % thấp hơn ngưỡng 80 %",
        );
        // A later campaign at exactly the threshold: 4 of 5 (80 %) passes.
        closed_campaign(&app, &xa, 2026, 4, 1).await;
        let res = act(&tinh, &id, &pass).await;
        after_act(
            res,
            &tinh,
            "Đã thẩm định",
            4,
            "Thẩm định: đạt",
            "tinh.vinhlong",
            "25/10/2026",
        )
        .await;
        // The other province officer is told the decision is next; the actor is not.
        let n = unread_notes(&tinh2).await;
        assert!(
            n.contains("chờ bước «Quyết định công nhận» (Đã thẩm định)."),
            "{n}"
        );
        assert!(!unread_notes(&tinh).await.contains("Quyết định công nhận"));

        // Publishing before the decision: not offered, refused at the top, nothing written.
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-decide\""), "{tp}");
        assert!(!tp.contains("id=\"act-publish\""), "{tp}");
        let res = act(&tinh, &id, &[("action", "publish"), ("expected_seq", "4")]).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("id=\"error-other\""), "{}", res.text());
        assert!(res.text().contains("Công bố: không thể"), "{}", res.text());

        // Decision: the number is required; the other fields are kept.
        let decide_refused = |res: axum_test::TestResponse, msg: &'static str| {
            assert_eq!(res.status_code(), 422, "{}", res.text());
            let html = res.text();
            let form = &html[html.find("id=\"act-decide\"").expect("form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("id=\"error-decide\""), "{form}");
            assert!(form.contains(msg), "{msg}: {form}");
            assert!(
                form.contains("value=\"Chủ tịch UBND tỉnh Vĩnh Long\""),
                "{form}"
            );
            assert!(html.contains("id=\"dossier-state\">Đã thẩm định</span>"));
        };
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "  "),
                    ("decision_date", "28/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "30/10/2026"),
                ],
            )
            .await,
            "quyết định thiếu số hoặc người ký",
        );
        // A decision dated after the recording date (here: in the future).
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "15/12/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                ],
            )
            .await,
            "ngày quyết định 15/12/2026 không hợp lệ (phải trong khoảng 25/10/2026 – ",
        );
        // A recording date in the future.
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "28/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "31/12/2099"),
                ],
            )
            .await,
            "ngày 31/12/2099 ở tương lai",
        );
        // A decision before the appraisal.
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "24/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "30/10/2026"),
                ],
            )
            .await,
            "không hợp lệ (phải trong khoảng",
        );
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "decide"),
                ("expected_seq", "4"),
                ("number", "1234/QĐ-UBND"),
                ("decision_date", "28/10/2026"),
                ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                ("date", "30/10/2026"),
            ],
        )
        .await;
        let html = after_act(
            res,
            &tinh,
            "Đã công nhận",
            5,
            "Quyết định công nhận",
            "tinh.vinhlong",
            "30/10/2026",
        )
        .await;
        assert!(
            html.contains(
                "Số 1234/QĐ-UBND, ngày 28/10/2026, người ký: Chủ tịch UBND tỉnh Vĩnh Long"
            ),
            "{html}"
        );
        assert!(
            history(&html).contains(
                "Quyết định số 1234/QĐ-UBND ngày 28/10/2026, người ký: Chủ tịch UBND tỉnh Vĩnh Long"
            ),
            "{html}"
        );
        // Closed to new documents.
        assert!(!html.contains("id=\"upload-form\""), "{html}");
        // The commune is told of the decision; the other province officer of the publication.
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Quyết định công nhận (Đã công nhận)."),
            "{n}"
        );
        let n = unread_notes(&tinh2).await;
        assert!(n.contains("chờ bước «Công bố» (Đã công nhận)."), "{n}");

        // The PDF for the record: every criterion "Đạt" on verified data, the survey above
        // the threshold.
        let res = xa.get(&format!("/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/pdf");
        if let Some((text, layout)) = pdf_text(res.as_bytes()) {
            // Each criterion row reads "Đạt".
            let rows: Vec<&str> = layout
                .lines()
                .filter(|l| l.contains("Tiêu chí thử nghiệm"))
                .collect();
            assert_eq!(rows.len(), 2, "{layout}");
            for row in rows {
                assert!(row.split_whitespace().any(|w| w == "Đạt"), "{row}");
            }
            for needle in [
                "Đạt 2/2 tiêu chí trên số liệu đã xác minh.",
                "Tiêu chí thử nghiệm về tỷ lệ",
                "Tiêu chí thử nghiệm đạt / không đạt",
                "4 trên 5 phiếu hợp lệ hài lòng, tỷ lệ 80,00 %. Đạt ngưỡng công nhận.",
                "1234/QĐ-UBND",
                "Đã công nhận",
            ] {
                assert!(text.contains(needle), "{needle:?} in {text}");
            }
            assert!(!text.contains("Chưa đạt"), "{text}");
        }

        // Revoke needs a reason (the blank reason kept as typed).
        let tp = tinh.get(&path).await.text();
        assert!(
            tp.contains("id=\"act-publish\"") && tp.contains("id=\"act-revoke\""),
            "{tp}"
        );
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "5"),
                ("reason", "   "),
                ("date", "02/11/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let html = res.text();
        assert!(html.contains("id=\"error-revoke\""), "{html}");
        assert!(html.contains("cần nêu lý do"), "{html}");
        assert!(html.contains("value=\"02/11/2026\""), "{html}");

        // Publication.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "5"),
                ("date", "05/11/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã công bố",
            6,
            "Công bố",
            "tinh.vinhlong",
            "05/11/2026",
        )
        .await;
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Công bố (Đã công bố)."),
            "{n}"
        );

        // A form from the page before the publication: 409, the typed reason kept, nothing written.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "5"),
                ("reason", "Kiểm tra lại không đạt tiêu chí 1"),
                ("date", "20/11/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 409, "{}", res.text());
        let html = res.text();
        assert!(html.contains("id=\"dossier-conflict\""), "{html}");
        assert!(
            html.contains("Kiểm tra lại không đạt tiêu chí 1</textarea>"),
            "{html}"
        );
        assert_eq!(state_of(&tinh, &id).await, "Đã công bố");

        // Revocation with its reason.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "6"),
                ("reason", "Kiểm tra lại không đạt tiêu chí 1"),
                ("date", "20/11/2026"),
            ],
        )
        .await;
        let html = after_act(
            res,
            &tinh,
            "Đã thu hồi",
            7,
            "Thu hồi quyết định",
            "tinh.vinhlong",
            "20/11/2026",
        )
        .await;
        assert!(
            history(&html).contains("Kiểm tra lại không đạt tiêu chí 1"),
            "{html}"
        );
        assert!(
            html.contains("id=\"dossier-no-actions\""),
            "nothing after a revocation: {html}"
        );
        // The header keeps the decision and says when it was published and revoked, and why.
        assert!(html.contains("id=\"dossier-decision\""), "{html}");
        assert!(
            html.contains("id=\"dossier-published\">05/11/2026</dd>"),
            "{html}"
        );
        assert!(
            html.contains(
                "id=\"dossier-revoked\" class=\"dossier-warn\">20/11/2026: Kiểm tra lại không đạt tiêu chí 1</dd>"
            ),
            "{html}"
        );
        assert!(html.contains("id=\"dossier-opened\">"), "{html}");
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Thu hồi quyết định (Đã thu hồi)."),
            "{n}"
        );

        // Every transition audited, by whom, in order; the chain still verifies.
        assert_eq!(
            dossier_audit(&app, &id).await,
            [
                ("xa.chauthanh", "dossier.create"),
                ("xa.chauthanh", "dossier.start_posting"),
                ("xa.chauthanh", "dossier.end_posting"),
                ("xa.chauthanh", "dossier.submit"),
                ("tinh.vinhlong", "dossier.appraise_pass"),
                ("tinh.vinhlong", "dossier.decide"),
                ("tinh.vinhlong", "dossier.publish"),
                ("tinh.vinhlong", "dossier.revoke"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 10_000)
            .await
            .unwrap();
        for a in [
            "observations.verified",
            "procedure_settings.put",
            "survey.close",
        ] {
            assert!(
                log.iter().any(|e| e.action == a),
                "{a}: {:?}",
                log.iter().map(|e| &e.action).collect::<Vec<_>>()
            );
        }
        let report = ntm_app::audit::verify_chain(&app, &Actor::cli())
            .await
            .unwrap();
        assert!(report.ok, "{report:?}");
    }
);
