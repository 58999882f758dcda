use std::time::{Duration, Instant};

use uuid::Uuid;

use super::hmac_sha256;
use super::limits::{PRUNE_EVERY, hit, limiter};

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
    // Make the next attempt run the periodic pass.
    limiter().lock().unwrap().pruned = Instant::now() - PRUNE_EVERY;
    assert!(
        hit(
            format!("test:{}", Uuid::now_v7()),
            3,
            Duration::from_secs(60)
        )
        .is_ok()
    );
    let l = limiter().lock().unwrap();
    assert!(!l.windows.contains_key(&expired), "expired window dropped");
    assert_eq!(
        l.windows.get(&live).map(|e| e.1),
        Some(1),
        "live window kept"
    );
    drop(l);
    // The live key is still limited after the pass.
    assert!(hit(live, 1, Duration::from_secs(600)).is_err());
}
