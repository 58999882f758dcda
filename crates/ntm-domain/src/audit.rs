//! The append-only, hash-chained audit log: the hashing and the verification are pure.
//!
//! Each entry's hash is SHA-256 over the previous entry's hash and a canonical
//! encoding of the entry's fields, so changing, removing or reordering any entry
//! breaks the chain from that point on.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Hash of the (virtual) entry before the first one.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Username, or `system` / `cli:<os user>` for actions outside the web.
    pub actor: String,
    /// Dotted action name: `user.add`, `units.import`, `session.login`, …
    pub action: String,
    /// What was acted on (a unit code, a username, a file name…).
    pub target: String,
    /// Free details as JSON text (canonical: produced by serde_json from a Value).
    pub detail: String,
    /// Client address, or `cli`.
    pub origin: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields of an entry before it is chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub origin: String,
}

fn field(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

/// Hash of an entry with sequence number `seq` following `prev_hash`.
pub fn entry_hash(prev_hash: &str, seq: i64, e: &NewAuditEntry) -> String {
    let mut h = Sha256::new();
    field(&mut h, prev_hash);
    h.update(seq.to_be_bytes());
    // Microsecond precision: what both databases store exactly.
    let micros = e.at.unix_timestamp_nanos() / 1000;
    h.update(micros.to_be_bytes());
    field(&mut h, &e.actor);
    field(&mut h, &e.action);
    field(&mut h, &e.target);
    field(&mut h, &e.detail);
    field(&mut h, &e.origin);
    hex::encode(h.finalize())
}

/// Chains a new entry after (`prev_seq`, `prev_hash`).
pub fn chain(prev_seq: i64, prev_hash: &str, e: NewAuditEntry) -> AuditEntry {
    let seq = prev_seq + 1;
    let hash = entry_hash(prev_hash, seq, &e);
    AuditEntry {
        seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        detail: e.detail,
        origin: e.origin,
        prev_hash: prev_hash.to_string(),
        hash,
    }
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("entry {seq}: sequence gap (expected {expected})")]
    Gap { seq: i64, expected: i64 },
    #[error("entry {seq}: prev_hash does not match the hash of entry {}", seq - 1)]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: content does not match its hash (changed after it was written)")]
    Tampered { seq: i64 },
}

/// Verifies a run of entries that starts after (`prev_seq`, `prev_hash`); returns
/// the last (seq, hash) so verification can go on in batches.
pub fn verify<'a>(
    prev_seq: i64,
    prev_hash: &str,
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Result<(i64, String), ChainError> {
    let mut seq = prev_seq;
    let mut hash = prev_hash.to_string();
    for e in entries {
        if e.seq != seq + 1 {
            return Err(ChainError::Gap {
                seq: e.seq,
                expected: seq + 1,
            });
        }
        if e.prev_hash != hash {
            return Err(ChainError::BrokenLink { seq: e.seq });
        }
        let fields = NewAuditEntry {
            at: e.at,
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            detail: e.detail.clone(),
            origin: e.origin.clone(),
        };
        if entry_hash(&hash, e.seq, &fields) != e.hash {
            return Err(ChainError::Tampered { seq: e.seq });
        }
        seq = e.seq;
        hash = e.hash.clone();
    }
    Ok((seq, hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn new(i: usize) -> NewAuditEntry {
        NewAuditEntry {
            at: OffsetDateTime::from_unix_timestamp(1_700_000_000 + i as i64).unwrap(),
            actor: format!("user{i}"),
            action: "user.add".into(),
            target: format!("t{i}"),
            detail: "{}".into(),
            origin: "127.0.0.1".into(),
        }
    }

    fn build(n: usize) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (s, h) = out
                .last()
                .map(|e| (e.seq, e.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.into()));
            out.push(chain(s, &h, new(i)));
        }
        out
    }

    #[test]
    fn a_good_chain_verifies() {
        let c = build(5);
        assert_eq!(verify(0, GENESIS_HASH, &c).unwrap().0, 5);
        // and in batches
        let (s, h) = verify(0, GENESIS_HASH, &c[..2]).unwrap();
        assert_eq!(verify(s, &h, &c[2..]).unwrap().0, 5);
    }

    #[test]
    fn tampering_is_found() {
        let mut c = build(5);
        c[2].target = "someone else".into();
        assert_eq!(
            verify(0, GENESIS_HASH, &c),
            Err(ChainError::Tampered { seq: 3 })
        );
        let mut c = build(5);
        c.remove(1);
        assert_eq!(
            verify(0, GENESIS_HASH, &c),
            Err(ChainError::Gap {
                seq: 3,
                expected: 2
            })
        );
        let mut c = build(5);
        let forged = chain(1, "ff", new(9));
        c[1] = forged;
        assert_eq!(
            verify(0, GENESIS_HASH, &c),
            Err(ChainError::BrokenLink { seq: 2 })
        );
    }

    proptest! {
        #[test]
        fn any_single_change_breaks_the_chain(n in 1usize..12, pick in 0usize..12, what in 0u8..4) {
            let mut c = build(n);
            let i = pick % n;
            match what {
                0 => c[i].actor.push('x'),
                1 => c[i].detail = "{\"x\":1}".into(),
                2 => c[i].at += time::Duration::seconds(1),
                _ => c[i].origin.push('1'),
            }
            prop_assert!(verify(0, GENESIS_HASH, &c).is_err());
        }
    }
}
