//! The placed communes of a map (which communes a scope has on a date, and where each is
//! drawn), kept in the process while neither the unit lists nor the boundaries change.
//!
//! Placing the whole country reads every commune of the date with its boundary copy (6.4 MB
//! of GeoJSON text for the 3,321 communes of 2026; 10,598 records before the reform): most of
//! a map's time, for data that changes only when a unit list is applied or boundaries are
//! imported. Both are counted in the database ([`ntm_store::Db::structure_stamp`], bumped in
//! the same transaction as the change), so one small read per map tells whether a kept
//! placing is still the stored one — on every server sharing the database. Results are not
//! kept here: they come from the evaluations on every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ntm_domain::units::Level;
use ntm_store::BoundaryGeometry;
use time::Date;

use super::locate::{Placing, place};
use crate::{App, AppError};

/// What a placing is for: the scope's path prefix and province, the date, with geometry.
type Key = (String, Option<String>, Date, bool);

/// A placing and the structure stamp it was read under.
type Entry = ((i64, i64), Arc<Vec<Placing>>);

/// Most placings kept (each scope, date and geometry choice is one; the country's is the
/// large one). Past it, the oldest stamp's entries go first — in practice all are dropped.
const MAX_KEPT: usize = 32;

/// The kept placings (shared by the clones of an `App`), and how many were read from the
/// database.
#[derive(Clone, Default)]
pub(crate) struct LayoutCache(Arc<Mutex<HashMap<Key, Entry>>>, Arc<AtomicU64>);

impl LayoutCache {
    fn get(&self, key: &Key, stamp: (i64, i64)) -> Option<Arc<Vec<Placing>>> {
        let kept = self.0.lock().ok()?;
        kept.get(key)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, p)| p.clone())
    }

    fn put(&self, key: Key, stamp: (i64, i64), placed: Arc<Vec<Placing>>) {
        if let Ok(mut kept) = self.0.lock() {
            kept.retain(|_, (s, _)| *s == stamp);
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
            kept.insert(key, (stamp, placed));
        }
    }

    /// Forgets every placing (for measurements of the uncached path).
    pub(crate) fn clear(&self) {
        if let Ok(mut kept) = self.0.lock() {
            kept.clear();
        }
    }
}

/// The communes under `prefix` (of `province`, or the country) valid on `date`, placed on
/// their boundaries of that day when `geometry` (else without): from the
/// process when the structure is unchanged since they were read.
pub(super) async fn placed(
    app: &App,
    province: Option<&str>,
    prefix: &str,
    date: Date,
    geometry: bool,
) -> Result<Arc<Vec<Placing>>, AppError> {
    let stamp = app.db.structure_stamp().await?;
    let key: Key = (
        prefix.to_string(),
        province.map(str::to_string),
        date,
        geometry,
    );
    if let Some(p) = app.maps_layout.get(&key, stamp) {
        return Ok(p);
    }
    app.maps_layout.1.fetch_add(1, Ordering::Relaxed);
    let placed: Vec<Placing> = if geometry {
        let shapes = app
            .db
            .unit_boundaries_on(province, Level::Commune, date, BoundaryGeometry::Simplified)
            .await?
            .into_iter()
            .filter(|s| s.path.starts_with(prefix))
            .collect();
        place(app, province, date, shapes).await?
    } else {
        app.db
            .subtree_on(prefix, date, Some(Level::Commune))
            .await?
            .into_iter()
            .map(Placing::without_geometry)
            .collect()
    };
    let placed = Arc::new(placed);
    // Kept under the stamp read before: a change in between makes the next read miss.
    app.maps_layout.put(key, stamp, placed.clone());
    Ok(placed)
}

/// Forgets the kept placings of `app` (benchmarks of the path that reads them).
pub fn clear_kept(app: &App) {
    app.maps_layout.clear();
}

/// How many placings `app` has read from the database since it started (kept ones are not
/// counted): what tests check to see a placing kept, or read again after a change.
pub fn placings_read(app: &App) -> u64 {
    app.maps_layout.1.load(Ordering::Relaxed)
}
