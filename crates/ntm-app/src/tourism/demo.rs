//! `ntm demo`: three sample points and one sample tour in the demo commune, every one named
//! and flagged as sample data; their narration says it describes no real place. Safe to run
//! again (nothing is added when the commune already has a sample point).

use ntm_domain::tourism::{PointInput, TourInput};
use ntm_store::TourismPointFilter;

use super::points::{self, PointForm};
use super::tours::{self, TourForm};
use crate::{Actor, App, AppError};

const SAMPLES: [(&str, &str, &str, &str); 3] = [
    (
        "craft_village",
        "Làng nghề đan đát (dữ liệu mẫu)",
        "9.8407",
        "106.3357",
    ),
    ("relic", "Đình làng (dữ liệu mẫu)", "9.8418", "106.3362"),
    (
        "ocop_sales",
        "Điểm bán sản phẩm OCOP (dữ liệu mẫu)",
        "9.8402",
        "106.3350",
    ),
];

/// Seeds the sample points and tour of `commune`.
pub async fn seed_demo(app: &App, commune: &str) -> Result<(), AppError> {
    let cli = Actor::cli();
    let existing = app
        .db
        .tourism_points(&TourismPointFilter {
            unit_code: Some(commune.to_string()),
            published_only: false,
            limit: 1_000,
        })
        .await?;
    if existing.iter().any(|p| p.sample) {
        return Ok(());
    }
    let mut ids = Vec::new();
    for (kind, name, lat, lon) in SAMPLES {
        let form = PointForm {
            input: PointInput {
                kind: kind.into(),
                name: name.into(),
                lat: lat.into(),
                lon: lon.into(),
                address: "Địa chỉ mẫu — sample address".into(),
                opening: "7:00–17:00 hằng ngày (mẫu) — daily (sample)".into(),
                contact: "Dữ liệu mẫu, không có số liên hệ — sample, no contact".into(),
                narration_vi: format!(
                    "Đây là điểm du lịch mẫu “{name}” của bản trình diễn NTM Số. Nội dung này \
                     không mô tả một địa điểm có thật.\n\nKhi xã nhập điểm thật, lời thuyết \
                     minh kể lịch sử, nghề truyền thống và những gì du khách có thể trải \
                     nghiệm tại đây."
                ),
                narration_en: "This is a sample tourism point of the NTM Số demonstration. It \
                     does not describe a real place.\n\nWhen the commune enters a real point, \
                     the narration tells its history, its traditional craft and what visitors \
                     can do there."
                    .into(),
            },
            ..PointForm::default()
        };
        match points::create(app, &cli, commune, form, true).await {
            Ok(p) => {
                let p = points::set_point_published(app, &cli, p.id, p.version, true).await?;
                ids.push(p.id.to_string());
            }
            // The demo starts even if a sample position fell outside the commune's boundary.
            Err(AppError::Validation(problems)) => {
                tracing::warn!(?problems, "a sample tourism point was refused");
            }
            Err(e) => return Err(e),
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    let tour = tours::create(
        app,
        &cli,
        commune,
        TourForm {
            input: TourInput {
                title_vi: "Tuyến tham quan làng quê (dữ liệu mẫu)".into(),
                title_en: "Village tour (sample data)".into(),
                description_vi: "Tuyến mẫu nối các điểm mẫu của xã, để minh họa tờ gấp in được."
                    .into(),
                description_en: "A sample tour joining the commune's sample points, to show the \
                     printable leaflet."
                    .into(),
                stops: ids,
            },
        },
        true,
    )
    .await?;
    tours::set_tour_published(app, &cli, tour.id, tour.version, true).await?;
    Ok(())
}
