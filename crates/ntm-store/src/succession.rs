//! The narrow reads behind `ntm_domain::succession::Succession` (who succeeded whom): every
//! province, district and commune record (id, code, level, path, validity), every lineage
//! edge, and a fingerprint that changes whenever either can (a unit list is applied).

use ntm_domain::succession::RecordRef;
use ntm_domain::units::Level;
use time::Date;
use uuid::Uuid;

use crate::db::{Db, Result, StoreError, sql};

#[derive(sqlx::FromRow)]
struct RefRow {
    id: Uuid,
    code: String,
    level: String,
    path: String,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct EdgeRow {
    from_unit: Uuid,
    to_unit: Uuid,
}

impl Db {
    /// Every province, district and commune record (hamlets are covered through their
    /// commune), for building the succession index.
    pub async fn unit_record_refs(&self) -> Result<Vec<RecordRef>> {
        let rows: Vec<RefRow> = self
            .fetch_all(sql!(
                "SELECT id, code, level, path, valid_from, valid_to FROM units \
                 WHERE level <> 'hamlet'"
            ))
            .await?;
        rows.into_iter()
            .map(|r| {
                let level = Level::parse(&r.level).ok_or_else(|| {
                    StoreError::Integrity(format!("unit {}: unknown level {:?}", r.id, r.level))
                })?;
                Ok(RecordRef {
                    id: r.id,
                    code: r.code,
                    level,
                    path: r.path,
                    valid_from: r.valid_from,
                    valid_to: r.valid_to,
                })
            })
            .collect()
    }

    /// Every lineage record as `(from record, to record)`.
    pub async fn lineage_edges(&self) -> Result<Vec<(Uuid, Uuid)>> {
        let rows: Vec<EdgeRow> = self
            .fetch_all(sql!("SELECT from_unit, to_unit FROM unit_lineage"))
            .await?;
        Ok(rows.into_iter().map(|r| (r.from_unit, r.to_unit)).collect())
    }

    /// Changes whenever the provinces, districts, communes or their lineage can have changed:
    /// the number of applied unit lists (every change to them is a list applied).
    pub async fn units_fingerprint(&self) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!("SELECT COUNT(*) FROM unit_snapshots"))
            .await?;
        Ok(n)
    }
}
