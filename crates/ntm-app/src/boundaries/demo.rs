//! The boundary files NTM Số ships as separate data files (`data/boundaries/`, each with its
//! source and licence notice in the README there), loaded at run time — never compiled into
//! the binary. `ntm demo` loads them from `<reference data>/boundaries/` (default `data/`
//! relative to the working directory); a missing file is reported and the demo goes on (its
//! maps then draw points).

use std::path::{Path, PathBuf};

use time::Date;
use time::macros::date;

use super::{ImportOptions, import_boundary_file};
use crate::{Actor, App, AppError};

/// One shipped boundary file and how it is imported.
#[derive(Debug, Clone)]
pub struct ReferenceBoundaries {
    pub file: &'static str,
    pub code_property: &'static str,
    /// The first day the demo uses the boundaries for (see `data/boundaries/README.md`).
    pub date: Date,
    pub source: &'static str,
    pub licence: &'static str,
}

const ODV_LICENCE: &str = "CC BY-SA 4.0 (Open Development Vietnam, as recorded by geoBoundaries): ghi nguồn và chia sẻ tương tự";
const COMMUNES_LICENCE: &str = "Mã nguồn MIT; giấy phép của dữ liệu gốc không được nêu (tài liệu nguồn dẫn gis.vn, sapnhap.bando.com.vn)";

/// The files, in import order. Dates: the 2025 structure from 1 July 2025 (the day the
/// units took effect); the pre-2025 provinces from 1 January 2022, the first year NTM Số
/// evaluates (the source does not state its date: not a legal date).
pub fn reference_files() -> Vec<ReferenceBoundaries> {
    vec![
        ReferenceBoundaries {
            file: "provinces-pre2025-63-odv.geojson",
            code_property: "ma_tinh",
            date: date!(2022 - 01 - 01),
            source: "Open Development Vietnam “Địa phận tỉnh” qua TaliaCao/Vietnam-Shape-Map (commit b41fdfb), mã GSO ghép theo tên",
            licence: ODV_LICENCE,
        },
        ReferenceBoundaries {
            file: "provinces-2025-34-odv.geojson",
            code_property: "ma_tinh",
            date: date!(2025 - 07 - 01),
            source: "Open Development Vietnam “Địa phận tỉnh”, gộp theo 34 tỉnh từ 01/07/2025 (TaliaCao/Vietnam-Shape-Map, commit b41fdfb)",
            licence: ODV_LICENCE,
        },
        ReferenceBoundaries {
            file: "communes-2025-3321.geojson",
            code_property: "ma_xa",
            date: date!(2025 - 07 - 01),
            source: "lamngockhuong/vietnam-3d-map (commit dc6095c), ranh giới xã từ 01/07/2025, đơn giản hoá 0,0005°",
            licence: COMMUNES_LICENCE,
        },
    ]
}

/// Imports the shipped files found in `dir` (e.g. `data/boundaries`) that are not loaded
/// yet (a file counts as loaded when a boundary with its source exists). Returns one line
/// per file for the start-up banner.
pub async fn seed_reference(app: &App, dir: &Path) -> Result<Vec<String>, AppError> {
    let cli = Actor::cli();
    let loaded: Vec<String> = app
        .db
        .unit_boundary_summary()
        .await?
        .into_iter()
        .map(|s| s.source)
        .collect();
    let mut notes = Vec::new();
    for f in reference_files() {
        let path: PathBuf = dir.join(f.file);
        if loaded.iter().any(|s| s == f.source) {
            continue;
        }
        if !path.is_file() {
            notes.push(format!(
                "boundary file {} not found: maps draw units as points (copy data/boundaries/ or pass --reference-data)",
                path.display()
            ));
            continue;
        }
        let t = std::time::Instant::now();
        let r = import_boundary_file(
            app,
            &cli,
            &path,
            ImportOptions {
                date: f.date,
                code_property: f.code_property.into(),
                source: f.source.into(),
                licence: f.licence.into(),
                only_province: None,
            },
        )
        .await?;
        notes.push(format!(
            "{}: {} boundaries from {} ({:.1} s)",
            f.file,
            r.stored,
            ntm_domain::text::format_date_vi(f.date),
            t.elapsed().as_secs_f64()
        ));
    }
    Ok(notes)
}
