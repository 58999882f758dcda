//! Reading and verifying the hash-chained audit log.

use ntm_domain::audit::{AuditEntry, GENESIS_HASH, verify};
use ntm_domain::authz::Permission;
use serde::Serialize;

use crate::authz::{Actor, require};
use crate::{App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub entries: i64,
    pub ok: bool,
    /// What broke, and where.
    pub problem: Option<String>,
}

/// Walks the whole chain in batches and checks every link and hash, and that the head
/// record matches the last entry (so a deleted tail is found too).
pub async fn verify_chain(app: &App, actor: &Actor) -> Result<VerifyReport, AppError> {
    require(actor, Permission::ViewAudit, "/")?;
    let (mut seq, mut hash) = (0i64, GENESIS_HASH.to_string());
    loop {
        let page = app.db.audit_page(seq, 1000).await?;
        if page.is_empty() {
            break;
        }
        match verify(seq, &hash, &page) {
            Ok((s, h)) => (seq, hash) = (s, h),
            Err(e) => {
                return Ok(VerifyReport {
                    entries: seq,
                    ok: false,
                    problem: Some(e.to_string()),
                });
            }
        }
    }
    let (head_seq, head_hash) = app.db.audit_head().await?;
    if head_seq != seq || head_hash != hash {
        return Ok(VerifyReport {
            entries: seq,
            ok: false,
            problem: Some(format!(
                "the chain ends at entry {seq} but the head record says {head_seq}: entries were removed"
            )),
        });
    }
    Ok(VerifyReport {
        entries: seq,
        ok: true,
        problem: None,
    })
}

/// Entries after `after_seq`, oldest first.
pub async fn list(
    app: &App,
    actor: &Actor,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, AppError> {
    require(actor, Permission::ViewAudit, "/")?;
    Ok(app.db.audit_page(after_seq, limit.clamp(1, 1000)).await?)
}
