//! A producer's dossier documents: one document by id, and linking documents already
//! uploaded to an evaluation round (issue 15: uploaded once, reused at every level).

use ntm_domain::audit::NewAuditEntry;
use uuid::Uuid;

use super::OcopDocumentRecord;
use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, sql};

impl Db {
    /// (`size` is read as BIGINT: the column is a 32-bit INTEGER on PostgreSQL in 0019.)
    pub async fn ocop_document(&self, id: Uuid) -> Result<Option<OcopDocumentRecord>> {
        self.fetch_optional(sql!(
            "SELECT id, producer_id, title, file_name, media_type, sha256, \
             CAST(size AS BIGINT) AS size, stored_path, \
             uploaded_by, created_at FROM ocop_documents WHERE id = $1",
            id
        ))
        .await
    }

    /// Links documents to a round, skipping those already linked; one audit entry. Returns
    /// how many were linked.
    pub async fn attach_ocop_round_documents(
        &self,
        round_id: Uuid,
        documents: &[Uuid],
        audit: NewAuditEntry,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let mut n = 0;
        for d in documents {
            let there: Option<(Uuid,)> = tx
                .fetch_optional(sql!(
                    "SELECT document_id FROM ocop_round_documents \
                     WHERE round_id = $1 AND document_id = $2",
                    round_id,
                    *d
                ))
                .await?;
            if there.is_some() {
                continue;
            }
            tx.execute(sql!(
                "INSERT INTO ocop_round_documents (round_id, document_id) VALUES ($1, $2)",
                round_id,
                *d
            ))
            .await
            .map_err(|e| {
                if e.is_foreign_key_violation() {
                    StoreError::NotFound
                } else {
                    e
                }
            })?;
            n += 1;
        }
        if n > 0 {
            append_audit_tx(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}
