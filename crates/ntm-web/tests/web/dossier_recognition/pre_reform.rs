//! Before the reform (until 30/06/2025): the district reviews, the province decides.

use ntm_app::Db;

use super::{
    BASIS, SUBMISSION_DOCS, act, after_act, app, closed_campaign, dossier_audit, enter_value,
    open_dossier, review, state_of, unread_notes, upload,
};
use crate::helpers::{form_token, logged_in, pdf_text};

ntm_testkit::both_backends!(
    dossier_recognition_pre_reform_with_district_review,
    |db: Db| async move {
        let app = app(db).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let huyen = logged_in(&app, "huyen.chauthanh").await;
        let tinh = logged_in(&app, "tinh.travinh").await;

        // Values of 2024, when the commune was under Huyện Châu Thành: the district verifies.
        enter_value(&xa, 2024, "1.1", "81").await;
        enter_value(&xa, 2024, "2.1", "Đạt").await;
        review(&xa, 2024, "submit", "").await;
        review(&huyen, 2024, "verify", "").await;
        closed_campaign(&app, &xa, 2024, 9, 1).await;
        // The dossier's province is Trà Vinh (84), whose officer sets its threshold.
        let settings = "/units/84/procedure-settings";
        let page = tinh.get(settings).await;
        assert_eq!(page.status_code(), 200, "{}", page.text());
        assert!(
            page.text().contains("id=\"no-threshold\""),
            "{}",
            page.text()
        );
        let t = form_token(&page.text());
        let res = tinh
            .post(settings)
            .form(&[
                ("_csrf", t.as_str()),
                ("what", "satisfaction"),
                ("kind", "commune_ntm"),
                ("percent", "90"),
                ("basis", BASIS),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());

        // Dated 03/03/2025: the earlier chain, with the district's review.
        let id = open_dossier(&xa, 2024, "2025-03-03").await;
        let path = format!("/dossiers/{id}");
        let page = xa.get(&path).await.text();
        assert!(page.contains("Thẩm tra"), "{page}");
        // The page names the unit as it is today (the notifications and the PDF name it as it
        // was on the dossier's date: Thị trấn Châu Thành).
        assert!(page.contains("Xã Châu Thành"), "{page}");
        assert!(
            page.contains(&format!("90 % (tỉnh cấu hình theo {BASIS})")),
            "{page}"
        );
        upload(&xa, &id, "results_report").await;
        for (seq, action, date, state, label) in [
            (
                "0",
                "start_posting",
                "03/03/2025",
                "Đang công khai lấy ý kiến",
                "Bắt đầu công khai lấy ý kiến",
            ),
            (
                "1",
                "end_posting",
                "18/03/2025",
                "Sẵn sàng trình",
                "Kết thúc công khai",
            ),
        ] {
            let res = act(
                &xa,
                &id,
                &[("action", action), ("expected_seq", seq), ("date", date)],
            )
            .await;
            let n: usize = seq.parse::<usize>().unwrap() + 1;
            after_act(res, &xa, state, n, label, "xa.chauthanh", date).await;
        }
        for kind in SUBMISSION_DOCS {
            upload(&xa, &id, kind).await;
        }
        let res = act(
            &xa,
            &id,
            &[
                ("action", "submit"),
                ("expected_seq", "2"),
                ("date", "20/03/2025"),
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
            "20/03/2025",
        )
        .await;
        // The district is told; the province not yet (its step is not next).
        let n = unread_notes(&huyen).await;
        assert!(
            n.contains("Hồ sơ của Thị trấn Châu Thành (29374) chờ bước «Thẩm tra» (Đã trình)."),
            "{n}"
        );
        assert!(unread_notes(&tinh).await.contains("Không có thông báo nào"));

        // Submitted on 20/03/2025: the district has the review forms (an act dated before
        // 01/07/2025); the province too may appraise (directly, only dated from 01/07/2025),
        // but not before the review when dated earlier.
        let hp = huyen.get(&path).await.text();
        // Named as on the dossier's date, with today's name beside it.
        assert!(
            hp.contains("Thị trấn Châu Thành (nay là Xã Châu Thành)"),
            "{hp}"
        );
        assert!(
            hp.contains("id=\"act-review_pass\"") && hp.contains("id=\"act-review_return\""),
            "{hp}"
        );
        assert!(!hp.contains("id=\"act-appraise_pass\""), "{hp}");
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-appraise_pass\""), "{tp}");
        assert!(!tp.contains("id=\"act-review_pass\""), "{tp}");
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "3"),
                ("date", "25/03/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text().contains("id=\"error-appraise_pass\""),
            "{}",
            res.text()
        );
        assert!(
            res.text()
                .contains("hồ sơ phải được cấp huyện thẩm tra trước khi thẩm định"),
            "{}",
            res.text()
        );
        assert!(
            res.text().contains("value=\"25/03/2025\""),
            "{}",
            res.text()
        );
        // The review needs its report.
        let review_pass = [
            ("action", "review_pass"),
            ("expected_seq", "3"),
            ("date", "01/04/2025"),
        ];
        let res = act(&huyen, &id, &review_pass).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text().contains("id=\"error-review_pass\""),
            "{}",
            res.text()
        );
        assert!(res.text().contains("thiếu tài liệu"), "{}", res.text());
        upload(&huyen, &id, "review_report").await;
        let res = act(&huyen, &id, &review_pass).await;
        after_act(
            res,
            &huyen,
            "Đã thẩm tra",
            4,
            "Thẩm tra: đạt",
            "huyen.chauthanh",
            "01/04/2025",
        )
        .await;
        let n = unread_notes(&tinh).await;
        assert!(
            n.contains("Hồ sơ của Thị trấn Châu Thành (29374) chờ bước «Thẩm định» (Đã thẩm tra)."),
            "{n}"
        );

        // The district may not appraise or decide: the province's steps.
        let hp = huyen.get(&path).await.text();
        assert!(hp.contains("id=\"dossier-no-actions\""), "{hp}");
        let res = act(
            &huyen,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "4"),
                ("date", "10/04/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());

        // Appraisal and decision by the province of the time.
        upload(&tinh, &id, "appraisal_report").await;
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "4"),
                ("date", "10/04/2025"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã thẩm định",
            5,
            "Thẩm định: đạt",
            "tinh.travinh",
            "10/04/2025",
        )
        .await;
        let decide = [
            ("action", "decide"),
            ("expected_seq", "5"),
            ("number", "567/QĐ-UBND"),
            ("decision_date", "15/04/2025"),
            ("signer", "Chủ tịch UBND tỉnh Trà Vinh"),
            ("date", "16/04/2025"),
        ];
        let res = act(&huyen, &id, &decide).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        assert_eq!(state_of(&xa, &id).await, "Đã thẩm định");
        let res = act(&tinh, &id, &decide).await;
        let html = after_act(
            res,
            &tinh,
            "Đã công nhận",
            6,
            "Quyết định công nhận",
            "tinh.travinh",
            "16/04/2025",
        )
        .await;
        assert!(
            html.contains("Số 567/QĐ-UBND, ngày 15/04/2025, người ký: Chủ tịch UBND tỉnh Trà Vinh"),
            "{html}"
        );
        let n = unread_notes(&xa).await;
        assert!(
            n.contains(
                "Hồ sơ của Thị trấn Châu Thành (29374): Quyết định công nhận (Đã công nhận)."
            ),
            "{n}"
        );
        // The district cannot publish either; the province does.
        let res = act(
            &huyen,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "6"),
                ("date", "20/04/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "6"),
                ("date", "20/04/2025"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã công bố",
            7,
            "Công bố",
            "tinh.travinh",
            "20/04/2025",
        )
        .await;

        assert_eq!(
            dossier_audit(&app, &id).await,
            [
                ("xa.chauthanh", "dossier.create"),
                ("xa.chauthanh", "dossier.start_posting"),
                ("xa.chauthanh", "dossier.end_posting"),
                ("xa.chauthanh", "dossier.submit"),
                ("huyen.chauthanh", "dossier.review_pass"),
                ("tinh.travinh", "dossier.appraise_pass"),
                ("tinh.travinh", "dossier.decide"),
                ("tinh.travinh", "dossier.publish"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // The PDF of the earlier period: the district's review and the decision.
        let res = xa.get(&format!("/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 200);
        if let Some((text, _)) = pdf_text(res.as_bytes()) {
            for needle in [
                "Đạt 2/2 tiêu chí trên số liệu đã xác minh.",
                "UBND HUYỆN CHÂU THÀNH",
                "567/QĐ-UBND",
            ] {
                assert!(text.contains(needle), "{needle:?} in {text}");
            }
        }
    }
);
