//! The Vĩnh Long sample of the 2026–2030 set in force (issue 12), **sample data, never law**.
//!
//! Tỉnh Vĩnh Long (86, formed on 1 July 2025 from Vĩnh Long, Trà Vinh and Bến Tre) is shown
//! half way through entering its provincial set extending `xa-ntm-2026-2030`:
//!
//! - a small **published** version ("2026 (mẫu)", in force 01/03/2026–31/12/2026): one
//!   indicator added to each of criteria 2, 5 and 6, thresholds for commune groups nhóm 1/2/3,
//!   each citing the fictitious decision [`SAMPLE_DOC`];
//! - a **draft** ("2027–2030 (dự thảo mẫu)", from 01/01/2027) copied from it, with indicators
//!   added to criteria 1 and 7, one value without a basis (needs verification) and one group
//!   left empty; the other criteria are still empty;
//! - **commune groups** for a few communes ([`GROUPS`], basis [`SAMPLE_GROUP_DOC`]), the
//!   others left without a group (they show "cần xác minh" and are listed on the dashboard);
//! - **2026 values** for three communes ([`VALUES`]) with the note
//!   `ntm_domain::criteria::demo::SAMPLE_NOTE`, so the scorecard shows met / not met with the
//!   basis next to each threshold.
//!
//! Everything goes through the use cases (`criteria_sets`, `groups`, `criteria`) as the CLI
//! actor, so it is audited like any other change. The title, every basis and every indicator
//! name say it is sample data; the decision numbers start with "MẪU-" and end with "(demo)".

use ntm_domain::criteria::authoring::{BasisInput, IndicatorInput, ThresholdInput};
use ntm_domain::criteria::demo::SAMPLE_NOTE;

use crate::authz::Actor;
use crate::criteria::{ImportRow, import_observations};
use crate::criteria_sets::edit::{Edit, edit_version};
use crate::criteria_sets::publish::publish_version;
use crate::criteria_sets::versions::{NewVersion, Source, create_version};
use crate::{App, AppError};

/// The label every sample text carries.
pub const SAMPLE_LABEL: &str = "DỮ LIỆU MẪU (demo) — không phải văn bản pháp luật";
/// Province code of Vĩnh Long (from 1 July 2025).
pub const PROVINCE: &str = "86";
/// The national set the sample extends.
pub const NATIONAL_SET: &str = "xa-ntm-2026-2030";
/// The sample provincial set.
pub const SET_ID: &str = "xa-ntm-vinh-long-2026-2030";
/// Label of the published sample version.
pub const PUBLISHED_LABEL: &str = "2026 (mẫu)";
/// Label of the draft.
pub const DRAFT_LABEL: &str = "2027–2030 (dự thảo mẫu)";
/// The fictitious decision the sample thresholds cite.
pub const SAMPLE_DOC: &str = "MẪU-01/QĐ-UBND (demo)";
/// The fictitious decision the sample group assignments cite.
pub const SAMPLE_GROUP_DOC: &str = "MẪU-02/QĐ-UBND (demo)";
/// The year of the sample values.
pub const YEAR: i32 = 2026;
/// Setting written once the sample is loaded.
const DONE: &str = "demo.vinh_long_2026_2030";

/// Sample group of a few communes (code, group, name for messages); the other communes of
/// the province have none.
pub const GROUPS: &[(&str, &str, &str)] = &[
    ("28807", "1", "Xã Giao Long"),
    ("28861", "1", "Xã Tiên Thủy"),
    ("29374", "2", "Xã Châu Thành"),
    ("28810", "2", "Xã Phú Túc"),
    ("28870", "2", "Xã Chợ Lách"),
    ("28840", "3", "Xã Tân Phú"),
];

/// Sample 2026 values (commune, indicator, value): Châu Thành (nhóm 2) meets 2 of 3, Giao
/// Long (nhóm 1) meets all, Vĩnh Thành has no group (needs verification).
pub const VALUES: &[(&str, &str, &str)] = &[
    ("29374", "VL-2.1", "92"),
    ("29374", "VL-5.1", "96,5"),
    ("29374", "VL-6.1", "2,4"),
    ("28807", "VL-2.1", "100"),
    ("28807", "VL-5.1", "97,1"),
    ("28807", "VL-6.1", "0,8"),
    ("28894", "VL-2.1", "88"),
    ("28894", "VL-5.1", "93"),
    ("28894", "VL-6.1", "1,9"),
];

fn basis(article: &str) -> BasisInput {
    BasisInput {
        doc: SAMPLE_DOC.into(),
        date: "02/03/2026".into(),
        issuer: "UBND tỉnh Vĩnh Long (mẫu)".into(),
        article: format!("{article} — {SAMPLE_LABEL}"),
        file_sha256: None,
        file_name: None,
    }
}

/// A threshold for a group; `with_basis: false` leaves it unconfirmed.
fn by_group(group: u8, op: &str, value: &str, with_basis: bool) -> ThresholdInput {
    ThresholdInput {
        key: format!("nhom-{group}"),
        op: op.into(),
        value: value.into(),
        text: String::new(),
        confirmed: with_basis,
        basis: if with_basis {
            basis(&format!("Phụ lục, nhóm {group}"))
        } else {
            BasisInput::default()
        },
    }
}

fn indicator(
    criterion: u16,
    code: &str,
    name_vi: &str,
    kind: &str,
    thresholds: Vec<ThresholdInput>,
) -> IndicatorInput {
    IndicatorInput {
        original_code: None,
        criterion: criterion.to_string(),
        code: code.into(),
        name_vi: format!("{name_vi} (chỉ tiêu mẫu)"),
        name_en: String::new(),
        kind: kind.into(),
        unit: if kind == "percent" {
            "%".into()
        } else {
            String::new()
        },
        thresholds,
        computed_from: String::new(),
    }
}

/// The three indicators of the published sample version.
fn published_indicators() -> Vec<IndicatorInput> {
    let all = |op: &str, v: [&str; 3]| {
        (1..=3u8)
            .map(|g| by_group(g, op, v[usize::from(g) - 1], true))
            .collect::<Vec<_>>()
    };
    vec![
        indicator(
            2,
            "VL-2.1",
            "Tỷ lệ đường xã, liên xã được nhựa hóa hoặc bê tông hóa",
            "percent",
            all(">=", ["100", "90", "80"]),
        ),
        indicator(
            5,
            "VL-5.1",
            "Tỷ lệ người dân tham gia bảo hiểm y tế",
            "percent",
            all(">=", ["95", "95", "90"]),
        ),
        indicator(
            6,
            "VL-6.1",
            "Tỷ lệ hộ nghèo đa chiều",
            "percent",
            all("<=", ["1", "2", "3"]),
        ),
    ]
}

/// What the draft adds to the copy of the published version: one indicator fully entered,
/// one half way (a value without a basis, a group still empty).
fn draft_indicators() -> Vec<IndicatorInput> {
    vec![
        indicator(
            1,
            "VL-1.1",
            "Quy hoạch chung xây dựng xã được phê duyệt và công bố",
            "boolean",
            (1..=3u8).map(|g| by_group(g, "==", "Đạt", true)).collect(),
        ),
        indicator(
            7,
            "VL-7.1",
            "Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến",
            "percent",
            vec![
                by_group(1, ">=", "80", true),
                by_group(2, ">=", "70", false),
            ],
        ),
    ]
}

/// What the sample loaded (for the banner); `None` when it was already there.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub groups: usize,
    pub values: usize,
}

/// Loads the Vĩnh Long sample once (see the module documentation).
pub async fn seed(app: &App) -> Result<Option<Loaded>, AppError> {
    if app.db.get_setting(DONE).await?.is_some() {
        return Ok(None);
    }
    let cli = Actor::cli();
    // Already authored by someone (a demo database used before this sample existed)?
    let existing = crate::criteria_sets::list_versions(app, &cli, PROVINCE).await?;
    if existing.iter().any(|v| v.set_id == SET_ID) {
        app.db.set_setting_if_absent(DONE, "skipped").await?;
        return Ok(None);
    }
    let title = format!(
        "Bộ tiêu chí xã nông thôn mới tỉnh Vĩnh Long giai đoạn 2026 - 2030 — {SAMPLE_LABEL}"
    );
    // The published sample version.
    let mut v = create_version(
        app,
        &cli,
        PROVINCE,
        Source::Scratch {
            extends: NATIONAL_SET.into(),
        },
        &NewVersion {
            set_id: SET_ID.into(),
            label: PUBLISHED_LABEL.into(),
            title_vi: title.clone(),
            valid_from: "01/03/2026".into(),
            valid_to: "31/12/2026".into(),
        },
    )
    .await?;
    for ind in published_indicators() {
        v = edit_version(app, &cli, v.id, v.revision, Edit::Indicator(ind)).await?;
    }
    let published = publish_version(app, &cli, v.id, v.revision).await?;
    // The draft being worked on, copied from it.
    let mut d = create_version(
        app,
        &cli,
        PROVINCE,
        Source::Version(published.id),
        &NewVersion {
            set_id: SET_ID.into(),
            label: DRAFT_LABEL.into(),
            title_vi: title,
            valid_from: "01/01/2027".into(),
            valid_to: "31/12/2030".into(),
        },
    )
    .await?;
    for ind in draft_indicators() {
        d = edit_version(app, &cli, d.id, d.revision, Edit::Indicator(ind)).await?;
    }
    // Commune groups for a few communes.
    let groups = assign_groups(app, &cli).await?;
    // 2026 values of three communes.
    let rows: Vec<ImportRow> = VALUES
        .iter()
        .enumerate()
        .map(|(i, (unit, code, value))| ImportRow {
            line: i + 2,
            unit_code: (*unit).into(),
            indicator_code: (*code).into(),
            value: (*value).into(),
        })
        .collect();
    let values = rows.len();
    import_observations(app, &cli, NATIONAL_SET, YEAR, rows, SAMPLE_NOTE).await?;
    app.db.set_setting_if_absent(DONE, "loaded").await?;
    Ok(Some(Loaded { groups, values }))
}

/// Assigns the sample groups ([`GROUPS`]) with the sample basis.
async fn assign_groups(app: &App, cli: &Actor) -> Result<usize, AppError> {
    let mut groups = 0;
    for (code, group, _) in GROUPS {
        crate::groups::assign(
            app,
            cli,
            PROVINCE,
            crate::groups::AssignInput {
                commune_code: (*code).into(),
                group: (*group).into(),
                basis: crate::groups::BasisInput {
                    doc: SAMPLE_GROUP_DOC.into(),
                    date: "02/03/2026".into(),
                    issuer: "UBND tỉnh Vĩnh Long (mẫu)".into(),
                    article: format!("Điều 1 — {SAMPLE_LABEL}"),
                },
                note: SAMPLE_NOTE.into(),
            },
        )
        .await?;
        groups += 1;
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_text_says_it_is_sample() {
        for i in published_indicators()
            .iter()
            .chain(draft_indicators().iter())
        {
            assert!(i.name_vi.contains("mẫu"), "{}", i.name_vi);
            for t in &i.thresholds {
                if !t.basis.doc.is_empty() {
                    assert!(t.basis.doc.contains("MẪU-") && t.basis.doc.contains("(demo)"));
                    assert!(t.basis.article.contains(SAMPLE_LABEL));
                }
            }
        }
        // The draft keeps one value without a basis and one group empty (work in progress).
        let d = draft_indicators();
        assert!(d.iter().any(|i| i.thresholds.iter().any(|t| !t.confirmed)));
        assert!(d.iter().any(|i| i.thresholds.len() < 3));
        // Values only for indicators of the published version, communes with and without a group.
        let codes: Vec<String> = published_indicators().into_iter().map(|i| i.code).collect();
        assert!(VALUES.iter().all(|(_, c, _)| codes.iter().any(|x| x == c)));
        assert!(
            VALUES
                .iter()
                .any(|(u, _, _)| GROUPS.iter().all(|(g, _, _)| g != u))
        );
    }
}
