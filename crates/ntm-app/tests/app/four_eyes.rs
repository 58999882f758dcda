//! Four-eyes verification (security review 8): when a province turns it on, whoever
//! entered or submitted a value may not verify it.

use ntm_app::criteria::{FOUR_EYES_FIELD, ValueBatch, ValueInput, change_status, put_observations};
use ntm_app::procedure_settings::{self as ps, SettingInput};
use ntm_app::{Actor, App, AppError};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use crate::{app, reference, user};

const SET: &str = "xa-ntm-2021-2025";
const COMMUNE: &str = "29386";

async fn put(app: &App, actor: &Actor, code: &str, text: &str, expected: Option<i64>) {
    let batch = ValueBatch {
        set_id: SET.into(),
        year: 2024,
        values: vec![ValueInput {
            code: code.into(),
            text: text.into(),
            expected_version: expected,
        }],
        note: "biên bản".into(),
        source: ObsSource::Manual,
    };
    put_observations(app, actor, COMMUNE, batch)
        .await
        .expect("put value");
}

async fn status(app: &App, actor: &Actor, codes: &[&str], to: ObsStatus) -> Result<(), AppError> {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    change_status(app, actor, COMMUNE, SET, 2024, &codes, to)
        .await
        .map(|_| ())
}

async fn current(app: &App, code: &str) -> (ObsStatus, String) {
    let unit = app
        .db_for_tests()
        .unit_on(COMMUNE, date!(2024 - 12 - 31))
        .await
        .unwrap()
        .unwrap();
    let o = app
        .db_for_tests()
        .current_observations(unit.id, SET, 2024)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.indicator_code == code)
        .unwrap();
    (o.status, o.created_by)
}

both_backends!(four_eyes_verification, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    // Two officers of the commune's district (2024), each allowed to enter and to verify;
    // a commune officer enters values but never verifies.
    let an = user(&app, "xa.an", "district_officer@847").await;
    let binh = user(&app, "xa.binh", "district_officer@847").await;
    let xa = user(&app, "xa.ct", &format!("commune_officer@{COMMUNE}")).await;

    // Off (the default): one officer enters, submits and verifies alone, as before.
    put(&app, &an, "1.1", "Đạt", None).await;
    status(&app, &an, &["1.1"], ObsStatus::Submitted)
        .await
        .unwrap();
    status(&app, &an, &["1.1"], ObsStatus::Verified)
        .await
        .unwrap();
    assert_eq!(current(&app, "1.1").await.0, ObsStatus::Verified);

    // The province turns it on (only those who manage the province's criteria may).
    let unit = app
        .db_for_tests()
        .unit_on(COMMUNE, date!(2024 - 12 - 31))
        .await
        .unwrap()
        .unwrap();
    let province = unit.province_code.clone();
    let r = ps::put(&app, &an, &province, SettingInput::FourEyes, "QĐ mẫu").await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let tinh = user(&app, "tinh.tv", &format!("province_officer@{province}")).await;
    let r = ps::put(&app, &tinh, &province, SettingInput::FourEyes, " ").await;
    assert!(matches!(r, Err(AppError::Validation(_))), "{r:?}");
    ps::put(
        &app,
        &tinh,
        &province,
        SettingInput::FourEyes,
        "Quyết định mẫu, Điều 3",
    )
    .await
    .unwrap();
    let (_, settings, _) = ps::get(&app, &tinh, &province).await.unwrap();
    assert_eq!(settings.four_eyes(), Some("Quyết định mẫu, Điều 3"));

    // An changes 1.1 and enters 2.1, submits both: An may verify neither; nothing is
    // written and each value is named.
    put(&app, &an, "1.1", "Không đạt", Some(3)).await;
    put(&app, &an, "2.1", "85 %", None).await;
    status(&app, &an, &[], ObsStatus::Submitted).await.unwrap();
    let r = status(&app, &an, &[], ObsStatus::Verified).await;
    let Err(AppError::Validation(errs)) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            format!("{FOUR_EYES_FIELD} (1.1)"),
            format!("{FOUR_EYES_FIELD} (2.1)")
        ]
    );
    assert!(errs[0].message.contains("bốn mắt"), "{errs:?}");
    assert_eq!(current(&app, "1.1").await.0, ObsStatus::Submitted);
    assert_eq!(current(&app, "2.1").await.0, ObsStatus::Submitted);

    // Binh returns 2.1; Binh entered nothing, so returning does not make Binh an author.
    // Binh corrects it (now an author), An submits: neither may verify, the province may.
    status(&app, &binh, &["1.1"], ObsStatus::Verified)
        .await
        .unwrap();
    assert_eq!(
        current(&app, "1.1").await,
        (ObsStatus::Verified, "xa.binh".to_string())
    );
    ntm_app::criteria::review(
        &app,
        &binh,
        COMMUNE,
        ntm_app::criteria::StatusChange {
            set_id: SET.into(),
            year: 2024,
            codes: vec!["2.1".into()],
            to: ObsStatus::Returned,
            comment: "thiếu biên bản".into(),
        },
    )
    .await
    .unwrap();
    put(&app, &binh, "2.1", "90 %", Some(3)).await;
    status(&app, &an, &["2.1"], ObsStatus::Submitted)
        .await
        .unwrap();
    for who in [&an, &binh] {
        let r = status(&app, who, &["2.1"], ObsStatus::Verified).await;
        assert!(
            matches!(&r, Err(AppError::Validation(e)) if e[0].field == format!("{FOUR_EYES_FIELD} (2.1)")),
            "{r:?}"
        );
    }
    status(&app, &tinh, &["2.1"], ObsStatus::Verified)
        .await
        .unwrap();
    assert_eq!(current(&app, "2.1").await.0, ObsStatus::Verified);

    // A value the commune entered and submitted is verified by either district officer.
    put(&app, &xa, "2.2", "95 %", None).await;
    status(&app, &xa, &["2.2"], ObsStatus::Submitted)
        .await
        .unwrap();
    status(&app, &an, &["2.2"], ObsStatus::Verified)
        .await
        .unwrap();

    // After a verification a new cycle starts: An enters 1.1 again, Binh submits it; An is
    // an author of this cycle (entered it) and is refused; turned off, An may verify again.
    put(&app, &an, "1.1", "Đạt", Some(6)).await;
    status(&app, &binh, &["1.1"], ObsStatus::Submitted)
        .await
        .unwrap();
    assert!(
        status(&app, &an, &["1.1"], ObsStatus::Verified)
            .await
            .is_err()
    );
    ps::delete(
        &app,
        &tinh,
        &province,
        ps::FOUR_EYES,
        ps::FOUR_EYES_OBSERVATIONS,
    )
    .await
    .unwrap();
    status(&app, &an, &["1.1"], ObsStatus::Verified)
        .await
        .unwrap();
});
