//! The officers' feedback list: paging by key (`received_at`, id) newest first gives, page
//! after page, exactly the rows OFFSET paging gives, for every filter — on fixed data with
//! many reports sharing a timestamp (the id breaks the tie) and two provinces.

use ntm_store::{Db, FeedbackFilter, FeedbackReportRecord, db_time};
use time::macros::{date, datetime};
use time::{Date, Duration};
use uuid::Uuid;

const STATUSES: [&str; 7] = [
    "received",
    "transferred",
    "accepted",
    "in_progress",
    "resolved",
    "rejected",
    "merged",
];
const UNITS: [(&str, &str); 4] = [
    ("28756", "/84/842/28756/"),
    ("28759", "/84/842/28759/"),
    ("842", "/84/842/"),
    ("29374", "/84/847/29374/"),
];

fn report(i: usize) -> FeedbackReportRecord {
    let base = datetime!(2026-03-01 08:00 UTC);
    // Groups of up to 5 reports share one timestamp.
    let received_at = db_time(base + Duration::minutes((i / 5) as i64 * 37));
    let received_on = received_at.date();
    let (code, path) = UNITS[i % UNITS.len()];
    let province = if i.is_multiple_of(11) { "86" } else { "84" };
    let status = STATUSES[(i * 3) % STATUSES.len()];
    let closed = matches!(status, "resolved" | "rejected" | "merged");
    let due_on: Date = received_on + Duration::days((i % 20) as i64);
    FeedbackReportRecord {
        id: Uuid::now_v7(),
        tracking_code: format!("T{i:04}-LIST0"),
        province_code: province.into(),
        category_code: ["giao-thong", "moi-truong", "chieu-sang"][i % 3].into(),
        body: format!("Phản ánh số {i}"),
        lat: None,
        lon: None,
        location_code: Some(code.into()),
        location_path: path.into(),
        responsible_code: code.into(),
        responsible_path: path.into(),
        status: status.into(),
        received_at,
        received_on,
        due_on,
        closed_at: closed.then_some(received_at + Duration::days(2)),
        closed_on: closed.then_some(received_on + Duration::days(2)),
        answer: None,
        refer_to: None,
        merged_into: None,
        assignee_id: None,
        contact_name: None,
        contact: None,
        contact_key: None,
        origin_key: None,
        client_token: None,
        keep_location: false,
        rating: None,
        rated_at: None,
        attributes: "{}".into(),
        version: 1,
        updated_at: received_at,
    }
}

ntm_testkit::both_backends!(
    feedback_keyset_pages_equal_offset_pages,
    |db: Db| async move {
        // Inserted out of time order, as reports moved between servers could be.
        let mut rows: Vec<FeedbackReportRecord> = (0..240).map(report).collect();
        rows.reverse();
        rows.rotate_left(77);
        db.bench_seed_feedback_reports(&rows).await.unwrap();
        let province = FeedbackFilter {
            province_code: "84".into(),
            ..FeedbackFilter::default()
        };
        let open: Vec<String> = STATUSES[..4].iter().map(|s| s.to_string()).collect();
        let filters = [
            province.clone(),
            FeedbackFilter {
                statuses: vec!["resolved".into()],
                ..province.clone()
            },
            FeedbackFilter {
                statuses: open.clone(),
                ..province.clone()
            },
            FeedbackFilter {
                category_code: Some("chieu-sang".into()),
                ..province.clone()
            },
            FeedbackFilter {
                path_prefix: Some("/84/842/".into()),
                ..province.clone()
            },
            FeedbackFilter {
                responsible_code: Some("28759".into()),
                ..province.clone()
            },
            FeedbackFilter {
                overdue_on: Some(date!(2026 - 03 - 20)),
                ..province.clone()
            },
            FeedbackFilter {
                path_prefix: Some("/84/842/".into()),
                statuses: open,
                category_code: Some("giao-thong".into()),
                overdue_on: Some(date!(2026 - 03 - 25)),
                ..province.clone()
            },
        ];
        for f in &filters {
            let all = db.feedback_list_offset(f, 0, 10_000).await.unwrap();
            assert!(
                !all.is_empty(),
                "{f:?} matches nothing: the test would prove nothing"
            );
            // Newest first, the id breaking ties; every row matches the province.
            for w in all.windows(2) {
                assert!(
                    (w[0].received_at, w[0].id) > (w[1].received_at, w[1].id),
                    "{f:?}: not newest first"
                );
            }
            for page_size in [1u64, 7, 50] {
                let mut after = None;
                let mut walked = Vec::new();
                let mut page = 0u64;
                loop {
                    let by_key = db.feedback_list(f, after, page_size).await.unwrap();
                    let by_offset = db
                        .feedback_list_offset(f, page * page_size, page_size)
                        .await
                        .unwrap();
                    assert_eq!(by_key, by_offset, "{f:?}, page {page} of {page_size}");
                    let Some(last) = by_key.last() else { break };
                    after = Some((last.received_at, last.id));
                    walked.extend(by_key);
                    page += 1;
                }
                assert_eq!(walked, all, "{f:?}: pages of {page_size}");
            }
        }
        // The other province's reports never show.
        let all = db.feedback_list(&province, None, 10_000).await.unwrap();
        assert_eq!(all.len(), 240 - (0..240).filter(|i| i % 11 == 0).count());
    }
);
