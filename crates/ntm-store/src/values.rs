//! Current values as evaluations read them: only the unit, the indicator and the text, for
//! many units at once. Decoding the full [`crate::ObservationRecord`] (15 columns, a
//! timestamp parsed per row) cost most of the time of a province's roll-up; see
//! `docs/perf.md`.

use sea_query::{Expr, ExprTrait, Order, Query};
use uuid::Uuid;

use crate::db::{Db, Result};

/// The current value of one indicator of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentValue {
    pub unit_id: Uuid,
    pub indicator_code: String,
    pub value_text: String,
}

/// Ids per `IN (…)` list: well under both engines' bind limits.
const IDS_PER_QUERY: usize = 1000;

impl Db {
    /// The current value of every recorded indicator of `units` for a set and year, ordered
    /// by unit id and indicator.
    pub async fn current_values_of_units(
        &self,
        units: &[Uuid],
        set_id: &str,
        year: i32,
    ) -> Result<Vec<CurrentValue>> {
        self.values_of_units(units, set_id, year, false).await
    }

    /// The latest **verified** value of every indicator of `units` that has one (a draft
    /// entered after it does not count): what open data publishes.
    pub async fn verified_values_of_units(
        &self,
        units: &[Uuid],
        set_id: &str,
        year: i32,
    ) -> Result<Vec<CurrentValue>> {
        self.values_of_units(units, set_id, year, true).await
    }

    async fn values_of_units(
        &self,
        units: &[Uuid],
        set_id: &str,
        year: i32,
        verified: bool,
    ) -> Result<Vec<CurrentValue>> {
        let latest = if verified {
            "o.status = 'verified' AND o.version = (SELECT MAX(v.version) FROM observations v \
             WHERE v.unit_id = o.unit_id AND v.set_id = o.set_id \
             AND v.indicator_code = o.indicator_code AND v.year = o.year \
             AND v.status = 'verified')"
        } else {
            "o.version = (SELECT MAX(v.version) FROM observations v \
             WHERE v.unit_id = o.unit_id AND v.set_id = o.set_id \
             AND v.indicator_code = o.indicator_code AND v.year = o.year)"
        };
        let mut out = Vec::new();
        for chunk in units.chunks(IDS_PER_QUERY) {
            let q = Query::select()
                .column(("o", "unit_id"))
                .column(("o", "indicator_code"))
                .column(("o", "value_text"))
                .from_as("observations", "o")
                .and_where(Expr::col(("o", "unit_id")).is_in(chunk.iter().copied()))
                .and_where(Expr::col(("o", "set_id")).eq(set_id))
                .and_where(Expr::col(("o", "year")).eq(year))
                .and_where(Expr::cust(latest))
                .order_by(("o", "unit_id"), Order::Asc)
                .order_by(("o", "indicator_code"), Order::Asc)
                .to_owned();
            let rows: Vec<(Uuid, String, String)> = self.fetch_all(&q).await?;
            out.extend(
                rows.into_iter()
                    .map(|(unit_id, indicator_code, value_text)| CurrentValue {
                        unit_id,
                        indicator_code,
                        value_text,
                    }),
            );
        }
        Ok(out)
    }
}
