//! The criteria-sets page's use case: everything the page shows in one call, behind its
//! permission check.

use ntm_app::criteria_sets::versions::{NewVersion, Source, create_version};
use ntm_app::criteria_sets::{NATIONAL, scope_page};
use ntm_app::{Actor, AppError};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use super::{app, reference, user};

both_backends!(criteria_sets_scope_page_in_one_call, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let officer = user(&app, "tinh04", "province_officer@04").await;
    let v = create_version(
        &app,
        &officer,
        "04",
        Source::Scratch {
            extends: "xa-ntm-2021-2025".into(),
        },
        &NewVersion {
            set_id: "xa-ntm-cao-bang-2021-2025".into(),
            label: "2024 (kiểm thử)".into(),
            title_vi: "Bộ tiêu chí xã NTM tỉnh Cao Bằng (dữ liệu kiểm thử)".into(),
            valid_from: "01/01/2024".into(),
            valid_to: "31/12/2025".into(),
        },
    )
    .await
    .expect("create");

    let page = scope_page(&app, &officer, "04", date!(2024 - 01 - 01))
        .await
        .expect("page");
    assert_eq!(
        page.versions.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![v.id]
    );
    assert!(page.can_manage);
    assert!(
        page.scope_name
            .as_deref()
            .is_some_and(|n| n.contains("Cao Bằng")),
        "{:?}",
        page.scope_name
    );
    assert!(page.shipped.iter().any(|s| s.id == "xa-ntm-2021-2025"));
    assert!(
        page.national_set_ids
            .iter()
            .any(|s| s == "xa-ntm-2021-2025")
    );
    // A province's own set is not a national one.
    assert!(!page.national_set_ids.iter().any(|s| s.contains("cao-bang")));

    // The national page: no province name, and a province officer does not manage it.
    let national = scope_page(&app, &officer, NATIONAL, date!(2024 - 01 - 01))
        .await
        .expect("national page");
    assert!(national.scope_name.is_none());
    assert!(!national.can_manage);
    assert!(national.versions.is_empty());

    // Another province's officer sees its own page, not this one; the national page needs a
    // signed-in user.
    let other = user(&app, "tinh84", "province_officer@84").await;
    assert!(matches!(
        scope_page(&app, &other, "04", date!(2024 - 01 - 01)).await,
        Err(AppError::Forbidden(_))
    ));
    let anonymous = Actor::Anonymous {
        origin: "10.0.0.1".into(),
    };
    assert!(matches!(
        scope_page(&app, &anonymous, NATIONAL, date!(2024 - 01 - 01)).await,
        Err(AppError::Unauthorized(_))
    ));
});
