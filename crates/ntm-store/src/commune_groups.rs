//! Commune groups (QĐ 51/2025: nhóm 1/2/3 of the 2026–2030 set) assigned by a province,
//! append-only with a `seq` per (period, commune): the current group is the highest seq.
//! Every write carries its audit entry into the same transaction.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};

/// One assignment of a commune to a group, with its basis.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommuneGroupRecord {
    pub id: Uuid,
    pub province_code: String,
    pub commune_code: String,
    /// Programme period, e.g. `2026-2030`.
    pub period: String,
    /// 1, 2, … per (period, commune); set by the store when appending.
    pub seq: i64,
    /// 1, 2 or 3.
    pub grp: i32,
    /// Document number (`123/QĐ-UBND`), date (`YYYY-MM-DD`), issuer and article.
    pub basis_doc: String,
    pub basis_date: String,
    pub basis_issuer: String,
    pub basis_article: String,
    pub note: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

macro_rules! cols {
    () => {
        "id, province_code, commune_code, period, seq, grp, basis_doc, basis_date, \
         basis_issuer, basis_article, note, created_by, created_at"
    };
}

impl Db {
    /// Appends assignments (each gets the next seq of its commune and period) with one
    /// audit entry, all or nothing; returns them as stored.
    pub async fn append_commune_groups(
        &self,
        rows: &[CommuneGroupRecord],
        audit: NewAuditEntry,
    ) -> Result<Vec<CommuneGroupRecord>> {
        let mut tx = self.begin().await?;
        // The audit head is updated first: it serializes writers, so the seq read below
        // cannot be taken by another transaction (the unique index would refuse it anyway).
        let entry = append_audit_tx(&mut tx, audit).await?;
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            rows.iter().map(|r| crate::Change::Scope {
                path: crate::evaluation_changes::province_path(&r.province_code),
                why: crate::ScopeChange::Groups,
            }),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (current,): (Option<i64>,) = tx
                .fetch_one(sql!(
                    "SELECT MAX(seq) FROM commune_group_assignments WHERE period = $1 \
                     AND commune_code = $2",
                    r.period.as_str(),
                    r.commune_code.as_str(),
                ))
                .await?;
            let mut r = r.clone();
            r.seq = current.unwrap_or(0) + 1;
            tx.execute(sql!(
                concat!(
                    "INSERT INTO commune_group_assignments (",
                    cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                ),
                r.id,
                r.province_code.as_str(),
                r.commune_code.as_str(),
                r.period.as_str(),
                r.seq,
                r.grp,
                r.basis_doc.as_str(),
                r.basis_date.as_str(),
                r.basis_issuer.as_str(),
                r.basis_article.as_str(),
                r.note.as_str(),
                r.created_by.as_str(),
                r.created_at,
            ))
            .await?;
            out.push(r);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Every assignment of a province's communes for a period (the history), by commune
    /// code then seq.
    pub async fn commune_groups_of_province(
        &self,
        province_code: &str,
        period: &str,
    ) -> Result<Vec<CommuneGroupRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM commune_group_assignments WHERE province_code = $1 AND period = $2 \
                 ORDER BY commune_code, seq"
            ),
            province_code,
            period,
        ))
        .await
    }

    /// The history of one commune for a period, oldest first.
    pub async fn commune_group_history(
        &self,
        commune_code: &str,
        period: &str,
    ) -> Result<Vec<CommuneGroupRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM commune_group_assignments WHERE commune_code = $1 AND period = $2 \
                 ORDER BY seq"
            ),
            commune_code,
            period,
        ))
        .await
    }
}
