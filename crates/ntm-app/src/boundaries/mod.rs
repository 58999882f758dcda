//! Unit boundaries over time (issue 16, `docs/maps.md`): the import of a boundary file for a
//! date (GeoJSON; Shapefile and GeoPackage through `ogr2ogr`), the reference files the demo
//! loads at run time from the data folder, and the boundaries of a level on a date.

mod demo;
mod import;
pub mod ogr;

pub use demo::{ReferenceBoundaries, reference_files, seed_reference};
pub use import::{BoundaryImport, ImportOptions, MAX_FEATURES, MAX_FILE_BYTES, import_boundaries};

use std::path::Path;

use crate::{Actor, App, AppError};

/// Imports a boundary file from disk: GeoJSON as it is, a Shapefile/GeoPackage converted by
/// `ogr2ogr` first.
pub async fn import_boundary_file(
    app: &App,
    actor: &Actor,
    path: &Path,
    opts: ImportOptions,
) -> Result<BoundaryImport, AppError> {
    crate::authz::require(actor, ntm_domain::authz::Permission::ImportUnits, "/")?;
    let open = |p: &Path| {
        std::fs::File::open(p)
            .map_err(|e| AppError::invalid("file", format!("cannot read {}: {e}", p.display())))
    };
    if ogr::needs_ogr(path) {
        let converted = ogr::to_geojson(path).await?;
        let file = open(&converted.path)?;
        import_boundaries(app, actor, file, opts).await
    } else {
        import_boundaries(app, actor, open(path)?, opts).await
    }
}
