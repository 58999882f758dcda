//! Shapefiles and GeoPackages are read through GDAL's `ogr2ogr` when it is installed
//! (Debian `gdal-bin`): converted to a GeoJSON file in WGS84 in a temporary folder, then
//! imported like any GeoJSON file. Without GDAL the error says what to install or do.

use std::path::{Path, PathBuf};

use crate::AppError;

/// The file kinds handed to `ogr2ogr` (by extension).
pub const OGR_EXTENSIONS: [&str; 3] = ["shp", "gpkg", "zip"];

/// Does this file need a conversion first?
pub fn needs_ogr(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| OGR_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A converted file, removed with its folder when dropped.
pub struct Converted {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

/// Converts a Shapefile (`.shp`, its `.dbf`/`.prj` beside it, or a `.zip` of them) or a
/// GeoPackage (`.gpkg`, its first layer) to GeoJSON in EPSG:4326 with `ogr2ogr`.
pub async fn to_geojson(path: &Path) -> Result<Converted, AppError> {
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::Internal(format!("temporary folder for ogr2ogr: {e}")))?;
    let out = dir.path().join("boundaries.geojson");
    let mut input = path.to_string_lossy().into_owned();
    if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        input = format!("/vsizip/{input}");
    }
    let result = tokio::process::Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            "-t_srs",
            "EPSG:4326",
            "-lco",
            "RFC7946=YES",
        ])
        .arg(&out)
        .arg(&input)
        .output()
        .await;
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(AppError::invalid(
            "file",
            format!(
                "{} is a Shapefile or GeoPackage: reading it needs GDAL's ogr2ogr, which is not installed (Debian/Ubuntu: apt-get install gdal-bin). Or convert it to GeoJSON in WGS84 elsewhere (QGIS: Export → GeoJSON, CRS EPSG:4326) and import that.",
                path.display()
            ),
        )),
        Err(e) => Err(AppError::Internal(format!("cannot run ogr2ogr: {e}"))),
        Ok(o) if !o.status.success() => Err(AppError::invalid(
            "file",
            format!(
                "ogr2ogr could not read {}: {}",
                path.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            ),
        )),
        Ok(_) => Ok(Converted {
            _dir: dir,
            path: out,
        }),
    }
}
