use std::time::{Duration, Instant};

use uuid::Uuid;

use super::hmac_sha256;
use super::limits::{PRUNE_EVERY, SHARDS, hit, limiter};

#[test]
fn hmac_matches_rfc_4231_case_2() {
    let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
    assert_eq!(
        hex::encode(mac),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn limiter_counts_per_key() {
    let key = format!("test:{}", Uuid::now_v7());
    for _ in 0..3 {
        assert!(hit(key.clone(), 3, Duration::from_secs(60)).is_ok());
    }
    assert!(hit(key, 3, Duration::from_secs(60)).is_err());
}

#[test]
fn limiter_drops_expired_windows_and_keeps_live_ones() {
    let expired = format!("test:{}", Uuid::now_v7());
    let live = format!("test:{}", Uuid::now_v7());
    assert!(hit(expired.clone(), 3, Duration::from_millis(1)).is_ok());
    assert!(hit(live.clone(), 1, Duration::from_secs(600)).is_ok());
    std::thread::sleep(Duration::from_millis(5));
    // Make the next attempt on the expired key's shard run the periodic pass: another
    // key of that shard is counted.
    let shard = limiter().shard(&expired);
    shard.lock().unwrap().pruned = Instant::now() - PRUNE_EVERY;
    let neighbour = (0..)
        .map(|i| format!("test:{}:{i}", Uuid::now_v7()))
        .find(|k| std::ptr::eq(limiter().shard(k), shard))
        .unwrap();
    assert!(hit(neighbour, 3, Duration::from_secs(60)).is_ok());
    let l = shard.lock().unwrap();
    assert!(!l.windows.contains_key(&expired), "expired window dropped");
    drop(l);
    let l = limiter().shard(&live).lock().unwrap();
    assert_eq!(
        l.windows.get(&live).map(|e| e.1),
        Some(1),
        "live window kept"
    );
    drop(l);
    // The live key is still limited after the pass.
    assert!(hit(live, 1, Duration::from_secs(600)).is_err());
}

#[test]
fn limiter_spreads_keys_over_its_shards_and_counts_each_key_in_one() {
    // Keys land in many shards, each key always in the same one.
    let keys: Vec<String> = (0..1_000)
        .map(|i| format!("test:{}:{i}", Uuid::now_v7()))
        .collect();
    let mut used = std::collections::HashSet::new();
    for k in &keys {
        let s = limiter().shard(k);
        assert!(std::ptr::eq(s, limiter().shard(k)));
        used.insert(s as *const _ as usize);
    }
    assert!(used.len() > SHARDS / 2, "{} shards used", used.len());
    // Each key's own limit, whichever shard it is in.
    for k in keys.iter().take(50) {
        assert!(hit(k.clone(), 2, Duration::from_secs(60)).is_ok());
        assert!(hit(k.clone(), 2, Duration::from_secs(60)).is_ok());
        assert!(hit(k.clone(), 2, Duration::from_secs(60)).is_err());
    }
}
