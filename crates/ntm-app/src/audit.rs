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
    /// The hash of the last entry: published elsewhere (e.g. in a periodic report) and given
    /// back later as an [`Anchor`], it shows that no entry up to it was removed.
    pub head_hash: String,
}

/// An entry known from outside the database (`SEQ:HASH`, as `ntm audit verify` prints it):
/// a later verification fails when the chain no longer reaches it with that hash, which
/// catches a tail cut together with the head record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// Parses `SEQ:HASH` (a positive entry number and 64 hex digits).
    pub fn parse(s: &str) -> Result<Anchor, AppError> {
        let bad = || {
            AppError::invalid(
                "expect",
                format!("expected SEQ:HASH (an entry number and 64 hex digits), got {s:?}"),
            )
        };
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.trim().parse().map_err(|_| bad())?;
        let hash = hash.trim().to_ascii_lowercase();
        if seq < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Anchor { seq, hash })
    }
}

/// Walks the whole chain in batches and checks every link and hash, and that the head
/// record matches the last entry (so a deleted tail is found too).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn verify_chain(app: &App, actor: &Actor) -> Result<VerifyReport, AppError> {
    verify_chain_against(app, actor, None).await
}

/// [`verify_chain`], and when `anchor` is given, that the chain still reaches the anchored
/// entry with the anchored hash.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn verify_chain_against(
    app: &App,
    actor: &Actor,
    anchor: Option<&Anchor>,
) -> Result<VerifyReport, AppError> {
    require(actor, Permission::ViewAudit, "/")?;
    let (mut seq, mut hash) = (0i64, GENESIS_HASH.to_string());
    let mut anchored: Option<String> = None;
    let failed = |entries: i64, hash: &str, problem: String| VerifyReport {
        entries,
        ok: false,
        problem: Some(problem),
        head_hash: hash.to_string(),
    };
    loop {
        let page = app.db.audit_page(seq, 1000).await?;
        if page.is_empty() {
            break;
        }
        match verify(seq, &hash, &page) {
            Ok((s, h)) => {
                if let Some(a) = anchor
                    && let Some(e) = page.iter().find(|e| e.seq == a.seq)
                {
                    anchored = Some(e.hash.clone());
                }
                (seq, hash) = (s, h);
            }
            Err(e) => return Ok(failed(seq, &hash, e.to_string())),
        }
    }
    let (head_seq, head_hash) = app.db.audit_head().await?;
    if head_seq != seq || head_hash != hash {
        return Ok(failed(
            seq,
            &hash,
            format!(
                "the chain ends at entry {seq} but the head record says {head_seq}: entries were removed"
            ),
        ));
    }
    if let Some(a) = anchor {
        match anchored {
            None => {
                return Ok(failed(
                    seq,
                    &hash,
                    format!(
                        "the chain ends at entry {seq}, before the anchored entry {}: entries were removed (with the head record)",
                        a.seq
                    ),
                ));
            }
            Some(h) if h != a.hash => {
                return Ok(failed(
                    seq,
                    &hash,
                    format!(
                        "entry {} has hash {h}, not the anchored {}: the log was rewritten",
                        a.seq, a.hash
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(VerifyReport {
        entries: seq,
        ok: true,
        problem: None,
        head_hash: hash,
    })
}

/// Entries after `after_seq`, oldest first.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn list(
    app: &App,
    actor: &Actor,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, AppError> {
    require(actor, Permission::ViewAudit, "/")?;
    Ok(app.db.audit_page(after_seq, limit.clamp(1, 1000)).await?)
}
