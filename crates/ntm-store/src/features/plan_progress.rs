//! Reads behind the `plan-progress` collection (`docs/open-data.md`): which unit records have
//! **verified** values for a set and year (and whether one carries the demo's sample note),
//! on the partial index `observations_verified` (migration 0031). The features themselves are
//! the plans' targets (files, not rows) for the units of a plan's province; the units and
//! their boundaries come from the reads `unit_status` shares.

use sea_query::{Expr, ExprTrait, Func, Order, Query, SimpleExpr};
use uuid::Uuid;

use crate::db::{Db, Result};

impl Db {
    /// Of `units`, those with at least one verified value of `set_id` for `year`, each with
    /// whether a verified value carries `sample_note`; by unit id.
    pub async fn verified_units_of_set(
        &self,
        units: &[Uuid],
        set_id: &str,
        year: i32,
        sample_note: &str,
    ) -> Result<Vec<(Uuid, bool)>> {
        let mut out = Vec::new();
        for chunk in units.chunks(500) {
            let mut q = Query::select();
            q.column(("o", "unit_id"))
                .expr(sample_flag(sample_note))
                .from_as("observations", "o")
                // A literal, so both engines match the partial index's predicate.
                .and_where(Expr::cust("o.status = 'verified'"))
                .and_where(Expr::col(("o", "unit_id")).is_in(chunk.iter().copied()))
                .and_where(Expr::col(("o", "set_id")).eq(set_id))
                .and_where(Expr::col(("o", "year")).eq(year))
                .group_by_col(("o", "unit_id"))
                .order_by(("o", "unit_id"), Order::Asc);
            let rows: Vec<(Uuid, i32)> = self.fetch_all(&q).await?;
            out.extend(rows.into_iter().map(|(id, s)| (id, s > 0)));
        }
        Ok(out)
    }
}

/// `MAX(CASE WHEN o.note = note THEN 1 ELSE 0 END)`: does some row carry the note? Built
/// by sea-query so the value is bound the same way on both engines.
pub(crate) fn sample_flag(note: &str) -> SimpleExpr {
    Func::max(Expr::case(Expr::col(("o", "note")).eq(note), 1).finally(0)).into()
}
