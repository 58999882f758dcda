//! The reference data shipped in the binary (official unit lists) and the demo set-up.

use ntm_domain::units::Level;
use serde::Serialize;
use time::macros::date;

use crate::authz::Actor;
use crate::criteria::{ImportRow, import_observations};
use crate::units::{
    ImportReport, ImportStage, NewHamlet, SnapshotInput, add_hamlets, import_snapshot,
};
use crate::users::{GrantInput, NewUser, add_user};
use crate::{App, AppError};
use ntm_domain::criteria::demo as criteria_demo;

pub mod vinh_long;

pub const UNITS_2023: &[u8] = include_bytes!("../../../data/admin-units/units-2023.csv");
pub const UNITS_2025_06: &[u8] = include_bytes!("../../../data/admin-units/units-2025-06.csv");
pub const UNITS_2025: &[u8] = include_bytes!("../../../data/admin-units/units-2025.csv");
pub const MAPPING_2025: &[u8] = include_bytes!("../../../data/admin-units/mapping-2025.csv");
pub const REGIONS_CSV: &[u8] = include_bytes!("../../../data/admin-units/regions.csv");

/// The three official snapshots, in date order: GSO export of 7 May 2023, the last
/// state before the reform (30 June 2025), and the structure from 1 July 2025 with the
/// old→new commune table.
pub fn reference_snapshots() -> Vec<SnapshotInput<'static>> {
    vec![
        SnapshotInput {
            source: "units-2023.csv".into(),
            units_csv: UNITS_2023,
            date: date!(2023 - 05 - 07),
            mapping_csv: None,
        },
        SnapshotInput {
            source: "units-2025-06.csv".into(),
            units_csv: UNITS_2025_06,
            date: date!(2025 - 06 - 30),
            mapping_csv: None,
        },
        SnapshotInput {
            source: "units-2025.csv".into(),
            units_csv: UNITS_2025,
            date: date!(2025 - 07 - 01),
            mapping_csv: Some(MAPPING_2025),
        },
    ]
}

/// Applies the bundled official unit lists (idempotent: already applied lists are skipped).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn import_reference_units(
    app: &App,
    actor: &Actor,
    progress: &mut dyn FnMut(&str, ImportStage),
) -> Result<Vec<ImportReport>, AppError> {
    let mut reports = Vec::new();
    for input in reference_snapshots() {
        let source = input.source.clone();
        let r = import_snapshot(app, actor, input, &mut |s| progress(&source, s)).await?;
        reports.push(r);
    }
    Ok(reports)
}

/// A demo account, printed when the demo starts.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: &'static str,
    pub password: &'static str,
    pub role: &'static str,
    pub scope: String,
}

/// The commune used for demo hamlets and the demo commune officer: Xã Châu Thành, tỉnh
/// Vĩnh Long (from 1 July 2025; it took in Xã Mỹ Chánh and others of old Trà Vinh).
pub const DEMO_COMMUNE: &str = "29374";

/// Demo accounts. Their passwords are public: a demo database must never face the internet.
pub const DEMO_PASSWORD: &str = "demo-ntm-2026";

fn demo_users() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("admin", "Quản trị hệ thống (demo)", "admin"),
        (
            "tinh.vinhlong",
            "VPĐP NTM tỉnh Vĩnh Long (demo)",
            "province_officer@86",
        ),
        (
            "tinh.travinh",
            "VPĐP NTM tỉnh Trà Vinh, trước 2025 (demo)",
            "province_officer@84",
        ),
        (
            "xa.chauthanh",
            "Cán bộ xã Châu Thành (demo)",
            "commune_officer@29374",
        ),
        (
            "htx.chauthanh",
            "HTX mẫu Châu Thành, chủ thể sản xuất (demo)",
            "producer@29374",
        ),
        ("xem", "Người xem (demo)", "viewer"),
        (
            "dulich.chauthanh",
            "Biên tập du lịch xã Châu Thành (demo)",
            "tourism_editor@29374",
        ),
        (
            crate::areas::DEMO_PRODUCER_USER,
            "Tổ hợp tác dừa mẫu, xã Châu Thành (demo)",
            "producer@29374",
        ),
    ]
}

/// Loads the reference units, demo accounts and clearly labelled sample hamlets.
/// Safe to run again: what exists is left as it is. No boundary files (see
/// [`seed_demo_with`]).
pub async fn seed_demo(
    app: &App,
    progress: &mut dyn FnMut(&str, ImportStage),
) -> Result<Vec<DemoAccount>, AppError> {
    Ok(seed_demo_with(app, progress, None).await?.0)
}

/// [`seed_demo`], and the shipped boundary files found in `boundaries` (a folder such as
/// `data/boundaries`, read at run time) imported before the sample area is checked against
/// its commune. Also returns one line per boundary file for the banner.
pub async fn seed_demo_with(
    app: &App,
    progress: &mut dyn FnMut(&str, ImportStage),
    boundaries: Option<&std::path::Path>,
) -> Result<(Vec<DemoAccount>, Vec<String>), AppError> {
    let cli = Actor::cli();
    import_reference_units(app, &cli, progress).await?;
    let mut accounts = Vec::new();
    for (username, display, grant) in demo_users() {
        let g = GrantInput::parse(grant)?;
        if app.db.user_by_username(username).await?.is_none() {
            add_user(
                app,
                &cli,
                NewUser {
                    username: username.into(),
                    display_name: display.into(),
                    password: DEMO_PASSWORD.into(),
                    grants: vec![g.clone()],
                },
            )
            .await?;
        }
        accounts.push(DemoAccount {
            username,
            password: DEMO_PASSWORD,
            role: g.role.as_str(),
            scope: g.scope_code.clone().unwrap_or_else(|| "*".into()),
        });
    }
    // Sample hamlets, labelled as such, under the demo commune.
    if let Some(c) = app
        .db
        .unit_on(DEMO_COMMUNE, crate::today())
        .await?
        .filter(|u| u.level == Level::Commune)
    {
        let rows = (1..=3)
            .map(|i| NewHamlet {
                line: 0,
                commune_code: c.code.clone(),
                code: None,
                name: format!("Ấp mẫu {i} (dữ liệu mẫu)"),
                kind: "Ấp".into(),
            })
            .collect();
        add_hamlets(app, &cli, rows).await?;
    }
    seed_sample_observations(app, &cli).await?;
    // One clearly labelled sample survey campaign with a few answers.
    crate::surveys::seed_demo_campaign(app, DEMO_COMMUNE).await?;
    crate::plans::seed_sample_measures(app, &cli).await?;
    // Vĩnh Long half way through entering its 2026–2030 set (sample, never law).
    vinh_long::seed(app).await?;
    // The real Trà Vinh OCOP list (sources kept) as the public catalogue.
    crate::ocop::seed_demo_catalogue(app).await?;
    // Boundary files (data files with their own licences, read at run time), then one
    // sample raw-material area checked against its commune's boundary.
    let notes = match boundaries {
        Some(dir) => crate::boundaries::seed_reference(app, dir).await?,
        None => Vec::new(),
    };
    crate::areas::seed_demo(app).await?;
    // Sample feedback categories of Vĩnh Long (time limits not from a legal text).
    crate::feedback::seed_demo(app, "86").await?;
    // Sample posts and broadcasts on the demo commune's portal, labelled as sample.
    crate::portal::seed_demo(app, DEMO_COMMUNE).await?;
    // A sample producer record owned by the demo producer account (traceability).
    crate::trace::demo::seed(app, "htx.chauthanh", DEMO_COMMUNE).await?;
    // Sample tourism points and a tour (after the boundaries: positions are checked in them).
    crate::tourism::seed_demo(app, DEMO_COMMUNE).await?;
    Ok((accounts, notes))
}

/// Where to look in the demo (printed in the banner): what, who logs in, path.
pub fn demo_links() -> Vec<(&'static str, &'static str, String)> {
    let set = vinh_long::NATIONAL_SET;
    let year = vinh_long::YEAR;
    vec![
        (
            "Vĩnh Long 2026–2030 criteria set (sample): published version and draft",
            "tinh.vinhlong",
            format!("/units/{}/criteria-sets", vinh_long::PROVINCE),
        ),
        (
            "Commune groups nhóm 1/2/3 (sample basis; most communes still without one)",
            "tinh.vinhlong",
            format!("/units/{}/groups", vinh_long::PROVINCE),
        ),
        (
            "Province dashboard 2026 on the sample set (communes without a group listed)",
            "tinh.vinhlong",
            format!(
                "/units/{}/dashboard?set={set}&year={year}",
                vinh_long::PROVINCE
            ),
        ),
        (
            "Scorecard 2026 of Xã Châu Thành (nhóm 2): met / not met with the basis",
            "xa.chauthanh",
            format!("/units/{DEMO_COMMUNE}/scorecard?set={set}&year={year}"),
        ),
        (
            "OCOP catalogue: 18 real Trà Vinh products with their sources (public)",
            "anyone",
            "/ocop".into(),
        ),
        (
            "Trà Vinh 2022–2024 sample values on the 2021–2025 set",
            "tinh.travinh",
            "/units/84/dashboard?set=xa-ntm-2021-2025&year=2024".into(),
        ),
    ]
}

/// Sample indicator values for the 85 xã of Trà Vinh, 2022–2024, generated
/// deterministically so that the engine reproduces the province's published counts
/// (`ntm_domain::criteria::demo`). Every value carries the note "Dữ liệu mẫu (demo) — không
/// phải số liệu chính thức". 2021 is not loaded: the 2021–2025 sets took effect in 2022, and
/// 2021 was assessed under the 2016–2020 set, which NTM Số does not carry. Loaded once.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn seed_sample_observations(app: &App, actor: &Actor) -> Result<usize, AppError> {
    const DONE: &str = "demo.sample_observations";
    if app.db.get_setting(DONE).await?.is_some() {
        return Ok(0);
    }
    let rows = ntm_domain::snapshot::parse_units_csv(UNITS_2023).map_err(AppError::from)?;
    let region = crate::units::bundled_regions().region_of("84", "Tỉnh Trà Vinh");
    let communes = criteria_demo::tra_vinh_communes(&rows, region);
    let mut written = 0;
    for year in 2022..=2024 {
        let sample = criteria_demo::tra_vinh_sample(app.catalog, &communes, year)
            .map_err(|e| AppError::Internal(format!("demo data: {e}")))?;
        let mut by_set: std::collections::BTreeMap<&str, Vec<ImportRow>> = Default::default();
        for (i, o) in sample.iter().enumerate() {
            by_set.entry(o.set_id).or_default().push(ImportRow {
                line: i + 2,
                unit_code: o.unit_code.clone(),
                indicator_code: o.indicator_code.clone(),
                value: o.value_text.clone(),
            });
        }
        for (set_id, rows) in by_set {
            let n = rows.len();
            import_observations(app, actor, set_id, year, rows, criteria_demo::SAMPLE_NOTE).await?;
            written += n;
        }
    }
    app.db
        .set_setting_if_absent(DONE, &written.to_string())
        .await?;
    Ok(written)
}
