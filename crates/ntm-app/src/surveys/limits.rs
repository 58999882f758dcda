//! In-memory rate limits of the public answer path (per address, per campaign).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::Refusal;

/// Limits of the public answer endpoint (per process, in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Attempts per client address per minute.
    pub per_ip_per_minute: u32,
    /// Attempts per token (or phone number) per 10 minutes.
    pub per_token_per_10min: u32,
}

impl RateLimits {
    /// Defaults, or `NTM_SURVEY_IP_PER_MINUTE` / `NTM_SURVEY_TOKEN_PER_10MIN` when set
    /// (a benchmark from one address needs a higher per-address limit).
    fn from_env() -> RateLimits {
        let read = |k: &str, d: u32| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(d)
        };
        RateLimits {
            per_ip_per_minute: read("NTM_SURVEY_IP_PER_MINUTE", 60),
            per_token_per_10min: read("NTM_SURVEY_TOKEN_PER_10MIN", 5),
        }
    }
}

/// One shard of the limiter: the windows of the keys that hash to it.
pub(super) struct Shard {
    /// Per key: start of its window, attempts in it, the window's length.
    pub(super) windows: HashMap<String, (Instant, u32, Duration)>,
    /// When this shard's expired windows were last dropped.
    pub(super) pruned: Instant,
}

pub(super) struct Limiter {
    limits: RateLimits,
    hasher: std::collections::hash_map::RandomState,
    /// The keys spread over [`SHARDS`] maps, each with its own lock and its own periodic
    /// pass: one attempt waits at most for one shard's pass (a single map of 600,000 keys
    /// took 13 ms to scan, during which every answer waited), and attempts on other shards
    /// do not wait at all.
    pub(super) shards: Vec<Mutex<Shard>>,
}

/// Shards of the limiter.
pub(super) const SHARDS: usize = 64;

/// How often expired windows are dropped (one pass over a shard, when a key of that shard
/// is next counted; never per request — a pass per request once the map was large made
/// every answer O(n) under the lock).
pub(super) const PRUNE_EVERY: Duration = Duration::from_secs(1);

pub(super) fn limiter() -> &'static Limiter {
    static L: OnceLock<Limiter> = OnceLock::new();
    L.get_or_init(|| {
        let now = Instant::now();
        Limiter {
            limits: RateLimits::from_env(),
            hasher: std::collections::hash_map::RandomState::new(),
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        windows: HashMap::new(),
                        pruned: now,
                    })
                })
                .collect(),
        }
    })
}

impl Limiter {
    /// The shard holding `key`.
    pub(super) fn shard(&self, key: &str) -> &Mutex<Shard> {
        use std::hash::BuildHasher;
        let i = self.hasher.hash_one(key) as usize % self.shards.len();
        &self.shards[i]
    }
}

/// The limits in force.
pub fn rate_limits() -> RateLimits {
    limiter().limits
}

/// The public path's limit per client address (answers and code requests together).
pub(super) fn per_origin(origin: &str) -> Result<(), Refusal> {
    hit(
        format!("ip:{origin}"),
        rate_limits().per_ip_per_minute,
        Duration::from_secs(60),
    )
    .map_err(|s| Refusal::RateLimited {
        retry_after_secs: s,
    })
}

/// Counts one attempt under `key`; `Err(seconds to wait)` when over `max` in `window`.
pub(crate) fn hit(key: String, max: u32, window: Duration) -> Result<(), u64> {
    let mut l = limiter()
        .shard(&key)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let t = Instant::now();
    if t.duration_since(l.pruned) >= PRUNE_EVERY {
        l.pruned = t;
        l.windows
            .retain(|_, (start, _, w)| t.duration_since(*start) < *w);
    }
    let e = l.windows.entry(key).or_insert((t, 0, window));
    if t.duration_since(e.0) >= window {
        *e = (t, 0, window);
    }
    e.1 += 1;
    if e.1 > max {
        let left = window.saturating_sub(t.duration_since(e.0));
        Err(left.as_secs().max(1))
    } else {
        Ok(())
    }
}
