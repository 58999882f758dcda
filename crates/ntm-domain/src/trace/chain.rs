//! The hash chain of a lot's events: each link's hash covers the previous link's hash and
//! the event's hash, so removing, reordering or changing a stored event shows.

use sha2::{Digest, Sha256};

/// The hash before a lot's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `sha256(prev_chain_hash "|" seq "|" event_hash)`, hex.
pub fn link(prev: &str, seq: i64, event_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"|");
    h.update(seq.to_string().as_bytes());
    h.update(b"|");
    h.update(event_hash.as_bytes());
    hex::encode(h.finalize())
}

/// One stored link: its position, the event's hash (recomputed from the stored event by the
/// caller) and the chain hashes as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: i64,
    pub event_hash: String,
    pub prev_hash: String,
    pub chain_hash: String,
}

/// The first link that does not follow (its `seq`), or `None` when the chain holds.
pub fn verify(links: &[Link]) -> Option<i64> {
    let mut prev = GENESIS.to_owned();
    for (i, l) in links.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if l.seq != expected_seq
            || l.prev_hash != prev
            || l.chain_hash != link(&prev, l.seq, &l.event_hash)
        {
            return Some(l.seq);
        }
        prev = l.chain_hash.clone();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(hashes: &[&str]) -> Vec<Link> {
        let mut prev = GENESIS.to_owned();
        hashes
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let seq = i as i64 + 1;
                let c = link(&prev, seq, h);
                let l = Link {
                    seq,
                    event_hash: (*h).to_owned(),
                    prev_hash: prev.clone(),
                    chain_hash: c.clone(),
                };
                prev = c;
                l
            })
            .collect()
    }

    #[test]
    fn tampering_shows() {
        let good = chain(&["a", "b", "c"]);
        assert_eq!(verify(&good), None);
        let mut changed = good.clone();
        changed[1].event_hash = "x".into();
        assert_eq!(verify(&changed), Some(2));
        let mut removed = good.clone();
        removed.remove(1);
        assert_eq!(verify(&removed), Some(3));
        let mut swapped = good;
        swapped.swap(0, 1);
        assert_eq!(verify(&swapped), Some(2));
    }
}
