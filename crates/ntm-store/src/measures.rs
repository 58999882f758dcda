//! What the daily pass of computed measures reads: the units that have records of a module
//! measures are computed from.

use crate::db::Db;
use crate::db::{Result, sql};

impl Db {
    /// Codes of the units with feedback reports or commune-portal records, each once.
    pub async fn units_with_measure_records(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(sql!(
                "SELECT responsible_code FROM feedback_reports \
                 UNION SELECT unit_code FROM portal_posts \
                 UNION SELECT unit_code FROM portal_programmes ORDER BY 1"
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
