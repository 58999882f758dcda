//! Periodic reports at the app boundary: a district opens its report of a plan, reads it;
//! an officer of another district is refused both.

use ntm_app::AppError;
use ntm_app::reports::{self, ReportKey};
use ntm_domain::reports::PeriodKind;
use ntm_testkit::{Db, both_backends};

use super::{app, reference, user};

both_backends!(
    a_district_report_and_refusals_outside_the_unit,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let huyen = user(&app, "huyen.cangl", "district_officer@844").await;
        let other = user(&app, "huyen.khac", "district_officer@842").await;
        let key = ReportKey {
            unit_code: "844".into(),
            plan_id: "tra-vinh-2023".into(),
            kind: PeriodKind::SixMonth,
            year: 2023,
        };
        assert!(matches!(
            reports::open(&app, &other, &key).await,
            Err(AppError::Forbidden(_))
        ));
        let id = reports::open(&app, &huyen, &key).await.expect("open");
        // Opening again finds the same report.
        assert_eq!(reports::open(&app, &huyen, &key).await.expect("again"), id);
        let v = reports::get(&app, &huyen, id).await.expect("get");
        assert_eq!(v.id, id);
        assert_eq!(v.unit.code, "844");
        assert_eq!(v.plan_id, "tra-vinh-2023");
        assert_eq!(v.parent.as_ref().map(|p| p.code.as_str()), Some("84"));
        assert!(matches!(
            reports::get(&app, &other, id).await,
            Err(AppError::Forbidden(_))
        ));
    }
);
