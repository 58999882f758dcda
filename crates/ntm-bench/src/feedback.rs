//! Synthetic citizens' feedback reports for the benchmarks `feedback-inbox` (the officers'
//! inbox) and `ogc-depth` (the public OGC collection `feedback-reports`): the set-up both
//! share (a throwaway database, the official unit list of 7 May 2023 imported through the app,
//! Trà Vinh's sample categories) and the fixed-seed generator bulk-loaded through
//! `Db::bench_seed_feedback_reports`.
//!
//! The reports are **synthetic**: received over the last 3 years in time order, spread over
//! the province's communes with uneven weights (one report in 10 answered by the district),
//! categories 40/30/20/10 %, the time limit in working days of their category (weekends and
//! the fixed holidays), older reports mostly resolved (some rejected, merged, or still open
//! and overdue), recent ones received, accepted, in progress or transferred; contacts, pins
//! (6 in 10), ratings and assignees on some. About 9 reports in 10 end up published (accepted,
//! in progress or resolved: `ntm_store::PUBLISHED_FEEDBACK`).

use std::time::Instant;

use ntm_app::units::{SnapshotInput, import_snapshot};
use ntm_app::{Actor, App, AppConfig};
use ntm_domain::dossier::{HolidayCalendar, NationalDayExtra, fixed_date_holidays};
use ntm_domain::feedback::due_date;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, FeedbackReportRecord, PUBLISHED_FEEDBACK};
use ntm_testkit::TestDb;
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::{Res, Rng, UNITS_CSV};

/// Trà Vinh, whose sample categories `ntm_app::feedback::seed_demo` sets up.
pub const PROVINCE: &str = "84";
/// Reports per transaction of the load.
pub const BATCH: usize = 20_000;
/// The open states.
pub const OPEN: [&str; 4] = ["received", "transferred", "accepted", "in_progress"];
/// The day of the unit list imported.
pub const UNITS_DATE: Date = time::macros::date!(2023 - 05 - 07);

/// A distinct tracking code per index (an odd multiplier is a bijection modulo 2^50), in the
/// form the product gives (`XXXXX-XXXXX`, Crockford's alphabet): not in index order, so the
/// codes' order (the OGC collection's key) is unrelated to the time received.
pub fn tracking_code(i: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut v = (i as u64).wrapping_mul(0x0005_DEEC_E66D) & ((1 << 50) - 1);
    let mut out = [0u8; 10];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    let s = String::from_utf8_lossy(&out).into_owned();
    format!("{}-{}", &s[..5], &s[5..])
}

const PLACES: [&str; 8] = [
    "trước chợ",
    "gần trường tiểu học",
    "đầu ấp",
    "cạnh trạm y tế",
    "ngã ba",
    "sau nhà văn hóa ấp",
    "dọc kênh",
    "gần cầu",
];

fn body(rng: &mut Rng, category: &str) -> String {
    let (what, more) = match category {
        "giao-thong" => (
            "Đường bị sụt lún, nhiều ổ gà lớn",
            "Xe máy đi ban đêm rất nguy hiểm, đã có người té ngã. Đề nghị xã sớm cho sửa chữa.",
        ),
        "moi-truong" => (
            "Rác thải sinh hoạt bị đổ bừa bãi",
            "Mùi hôi nồng nặc, ruồi muỗi nhiều, ảnh hưởng sức khỏe bà con xung quanh.",
        ),
        "chieu-sang" => (
            "Đèn đường bị hư, không sáng",
            "Đoạn đường tối om từ chiều tối, học sinh đi học thêm về rất sợ.",
        ),
        _ => (
            "Hồ sơ nộp đã quá hạn mà chưa có kết quả",
            "Tôi đã hỏi nhiều lần nhưng chưa được trả lời rõ ràng, mong được hướng dẫn.",
        ),
    };
    let place = PLACES[rng.below(PLACES.len())];
    let mut s = format!("{what} {place}, ấp {}.", rng.below(12) + 1);
    for _ in 0..rng.below(4) {
        s.push(' ');
        s.push_str(more);
    }
    s
}

/// What the load produced.
#[derive(Debug, Default)]
pub struct Seeded {
    /// Reports whose responsible unit lies in the district given to [`seed`].
    pub in_district: usize,
    pub overdue: usize,
    pub open: usize,
    /// Reports in a published status (accepted, in progress, resolved).
    pub published: usize,
}

/// The day in Vietnam (UTC+7) of an instant.
pub fn vn_date(t: OffsetDateTime) -> Date {
    t.to_offset(UtcOffset::from_whole_seconds(7 * 3600).unwrap_or(UtcOffset::UTC))
        .date()
}

/// Bulk-loads `n` synthetic reports of [`PROVINCE`]'s `communes` (fixed seed), one
/// transaction per [`BATCH`]; `assignees` (may be empty) are given some of the reports taken
/// up.
pub async fn seed(
    db: &Db,
    n: usize,
    communes: &[Unit],
    district: Option<&Unit>,
    assignees: &[Uuid],
) -> Res<Seeded> {
    if communes.is_empty() {
        return Err("no commune to receive the reports".into());
    }
    let mut rng = Rng::seeded(0x5EED_F00D);
    let now = ntm_app::now();
    let today = vn_date(now);
    let span = 3 * 365 * 86_400i64;
    let start = now - time::Duration::seconds(span);
    let years = (start.year()..=now.year() + 1)
        .flat_map(|y| fixed_date_holidays(y, NationalDayExtra::After));
    let calendar = HolidayCalendar::new(years);
    // Uneven activity: a weight per commune.
    let weights: Vec<f64> = communes.iter().map(|_| 0.2 + rng.unit() * 2.0).collect();
    let total_w: f64 = weights.iter().sum();
    let categories = [
        ("giao-thong", 0.4, 10u32),
        ("moi-truong", 0.3, 10),
        ("chieu-sang", 0.2, 5),
        ("thu-tuc", 0.1, 15),
    ];
    let parent_path = |u: &Unit| -> String {
        let trimmed = u.path.trim_end_matches('/');
        match trimmed.rfind('/') {
            Some(i) => format!("{}/", &trimmed[..i]),
            None => u.path.clone(),
        }
    };
    let mut ids: Vec<Uuid> = Vec::with_capacity(n);
    let mut seeded = Seeded::default();
    let t = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..n {
        // In time order, as they arrive, with a little jitter.
        let secs = (i as i64 * span) / n as i64 + rng.below(60) as i64;
        let received_at = ntm_store::db_time(
            start
                + time::Duration::seconds(secs)
                + time::Duration::microseconds(rng.below(1_000_000) as i64),
        )
        .min(now);
        let received_on = vn_date(received_at);
        let age_days = (now - received_at).whole_seconds() as f64 / 86_400.0;
        let mut pick = rng.unit() * total_w;
        let mut c = 0;
        while c + 1 < communes.len() && pick >= weights[c] {
            pick -= weights[c];
            c += 1;
        }
        let commune = &communes[c];
        let by_district = rng.below(10) == 0;
        let (resp_code, resp_path) = if by_district {
            let p = parent_path(commune);
            let code = p
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(PROVINCE)
                .to_string();
            (code, p)
        } else {
            (commune.code.clone(), commune.path.clone())
        };
        let mut r = rng.unit();
        let (cat, days) = categories
            .iter()
            .find(|(_, w, _)| {
                r -= w;
                r < 0.0
            })
            .map(|(c, _, d)| (*c, *d))
            .unwrap_or(("thu-tuc", 15));
        let due_on = due_date(&calendar, received_on, days).unwrap_or(received_on);
        // Closed with a probability growing with age; 4 % of old reports stay open.
        let p_closed = if age_days > 60.0 {
            0.96
        } else {
            age_days / 60.0 * 0.9
        };
        let closed = rng.unit() < p_closed;
        let status = if closed {
            match rng.below(100) {
                0..=1 if i > BATCH => "merged",
                0..=7 => "rejected",
                _ => "resolved",
            }
        } else if age_days < 2.0 {
            "received"
        } else {
            match rng.below(100) {
                0..=2 => "transferred",
                3..=30 => "accepted",
                31..=40 => "received",
                _ => "in_progress",
            }
        };
        let (closed_at, closed_on) = if closed {
            let took = time::Duration::seconds(
                (rng.unit() * f64::from(days) * 1.6 * 86_400.0) as i64 + 3_600,
            );
            let at = ntm_store::db_time((received_at + took).min(now));
            (Some(at), Some(vn_date(at)))
        } else {
            (None, None)
        };
        if !closed {
            seeded.open += 1;
            if due_on < today {
                seeded.overdue += 1;
            }
        }
        if PUBLISHED_FEEDBACK.contains(&status) {
            seeded.published += 1;
        }
        if district.is_some_and(|d| resp_path.starts_with(&d.path)) {
            seeded.in_district += 1;
        }
        let with_contact = rng.below(2) == 0;
        let with_pin = rng.below(10) < 6;
        let id = Uuid::now_v7();
        let rec = FeedbackReportRecord {
            id,
            tracking_code: tracking_code(i),
            province_code: PROVINCE.into(),
            category_code: cat.into(),
            body: body(&mut rng, cat),
            lat: with_pin.then(|| 9.6 + rng.unit() * 0.6),
            lon: with_pin.then(|| 106.0 + rng.unit() * 0.6),
            location_code: Some(commune.code.clone()),
            location_path: commune.path.clone(),
            responsible_code: resp_code,
            responsible_path: resp_path,
            status: status.into(),
            received_at,
            received_on,
            due_on,
            closed_at,
            closed_on,
            answer: matches!(status, "resolved" | "rejected")
                .then(|| "Đã kiểm tra thực tế và xử lý xong. Cảm ơn ông/bà đã phản ánh.".into()),
            refer_to: (status == "rejected").then(|| "Công an xã".into()),
            merged_into: (status == "merged").then(|| ids[i - BATCH]),
            assignee_id: (!matches!(status, "received" | "transferred")
                && rng.below(5) == 0
                && !assignees.is_empty())
            .then(|| assignees[rng.below(assignees.len())]),
            contact_name: with_contact.then(|| "Nguyễn Văn A (dữ liệu tổng hợp)".into()),
            contact: with_contact.then(|| format!("09{:08}", rng.below(100_000_000))),
            contact_key: with_contact.then(|| format!("{:016x}", rng.next())),
            origin_key: Some(format!("{:016x}", rng.below(50_000))),
            client_token: (rng.below(2) == 0).then(|| format!("bench-{i}")),
            keep_location: false,
            rating: (status == "resolved" && rng.below(3) == 0).then(|| 1 + rng.below(5) as i64),
            rated_at: None,
            attributes: "{}".into(),
            version: 1,
            updated_at: closed_at.unwrap_or(received_at),
        };
        ids.push(id);
        batch.push(rec);
        if batch.len() == BATCH || i + 1 == n {
            db.bench_seed_feedback_reports(&batch).await?;
            batch.clear();
            if (i + 1) % 200_000 == 0 {
                eprintln!(
                    "  {} reports loaded, {:.0} s",
                    i + 1,
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
    Ok(seeded)
}

/// A throwaway database with the official unit list of 7 May 2023 imported through the app
/// and [`PROVINCE`]'s sample categories.
pub struct Bench {
    pub test_db: TestDb,
    pub app: App,
    /// The app's data folder (removed on drop).
    pub dir: tempfile::TempDir,
    /// [`PROVINCE`]'s communes and districts on [`UNITS_DATE`].
    pub communes: Vec<Unit>,
    pub districts: Vec<Unit>,
}

impl Bench {
    /// `backend`: `sqlite` (a temporary file) or `postgres` (a throwaway cluster as the
    /// tests use, or `TEST_DATABASE_URL`).
    pub async fn open(backend: &str) -> Res<Bench> {
        let test_db = match backend {
            "sqlite" => TestDb::sqlite().await,
            "postgres" => TestDb::postgres()
                .await
                .ok_or("PostgreSQL is not available (no /usr/lib/postgresql/*/bin)")?,
            other => return Err(format!("unknown backend {other}; use sqlite or postgres").into()),
        };
        let db = test_db.db.clone();
        let dir = tempfile::Builder::new().prefix("ntm-fb-bench-").tempdir()?;
        let app = App::new(
            db.clone(),
            AppConfig {
                data_dir: dir.path().to_path_buf(),
                ..AppConfig::default()
            },
        );
        import_snapshot(
            &app,
            &Actor::cli(),
            SnapshotInput {
                source: "units-2023.csv".into(),
                units_csv: UNITS_CSV.as_bytes(),
                date: UNITS_DATE,
                mapping_csv: None,
            },
            &mut |_| {},
        )
        .await?;
        ntm_app::feedback::seed_demo(&app, PROVINCE).await?;
        let of_province = |units: Vec<Unit>| -> Vec<Unit> {
            units
                .into_iter()
                .filter(|u| u.province_code == PROVINCE)
                .collect()
        };
        let communes = of_province(db.units_on(UNITS_DATE, Some(Level::Commune)).await?);
        let districts = of_province(db.units_on(UNITS_DATE, Some(Level::District)).await?);
        Ok(Bench {
            test_db,
            app,
            dir,
            communes,
            districts,
        })
    }

    pub fn db(&self) -> &Db {
        &self.test_db.db
    }

    /// `ANALYZE` of the reports on PostgreSQL (as autovacuum would after a load); nothing on
    /// SQLite (the application never runs it). Returns whether it ran.
    pub async fn analyze(&self) -> Res<bool> {
        if self.db().backend() != ntm_store::Backend::Postgres {
            return Ok(false);
        }
        self.db()
            .debug_execute_raw("ANALYZE feedback_reports")
            .await?;
        Ok(true)
    }

    pub async fn close(self) {
        self.app.close().await;
        self.test_db.cleanup().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_distinct_and_valid() {
        let codes: std::collections::HashSet<String> = (0..100_000).map(tracking_code).collect();
        assert_eq!(codes.len(), 100_000);
        for c in codes.iter().take(1_000) {
            assert_eq!(
                ntm_domain::feedback::normalize_tracking_code(c).as_deref(),
                Some(c.as_str())
            );
        }
    }
}
