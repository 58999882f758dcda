//! Login throttling counters (rules in `ntm_domain::login_throttle`). A counter is changed
//! only by compare-and-swap on its `version`, so concurrent attempts on any number of
//! servers are counted one by one.

use ntm_domain::login_throttle::Counter;
use time::OffsetDateTime;

use crate::db::{Db, Result, db_time, sql};

impl Db {
    /// The counter of `key_hash` and its version.
    pub async fn throttle_get(&self, key_hash: &str) -> Result<Option<(Counter, i64)>> {
        let row: Option<(i64, OffsetDateTime, OffsetDateTime, i64)> = self
            .fetch_optional(sql!(
                "SELECT failures, window_start, next_at, version FROM login_throttle \
                 WHERE key_hash = $1",
                key_hash
            ))
            .await?;
        Ok(row.map(|(failures, window_start, next_at, version)| {
            (
                Counter {
                    failures,
                    window_start,
                    next_at,
                },
                version,
            )
        }))
    }

    /// Writes `new` if the counter is still at `seen` (`None`: absent). False when another
    /// attempt changed it first (read again and retry).
    pub async fn throttle_swap(
        &self,
        key_hash: &str,
        seen: Option<i64>,
        new: &Counter,
    ) -> Result<bool> {
        let n = match seen {
            None => {
                self.execute(sql!(
                    "INSERT INTO login_throttle (key_hash, failures, window_start, next_at, version) \
                     VALUES ($1, $2, $3, $4, 1) ON CONFLICT (key_hash) DO NOTHING",
                    key_hash,
                    new.failures,
                    db_time(new.window_start),
                    db_time(new.next_at)
                ))
                .await?
            }
            Some(v) => {
                self.execute(sql!(
                    "UPDATE login_throttle SET failures = $2, window_start = $3, next_at = $4, \
                     version = version + 1 WHERE key_hash = $1 AND version = $5",
                    key_hash,
                    new.failures,
                    db_time(new.window_start),
                    db_time(new.next_at),
                    v
                ))
                .await?
            }
        };
        Ok(n == 1)
    }

    /// Gives one reserved attempt back (a successful login from that address).
    pub async fn throttle_release(&self, key_hash: &str) -> Result<()> {
        self.execute(sql!(
            "UPDATE login_throttle SET failures = failures - 1, version = version + 1 \
             WHERE key_hash = $1 AND failures > 0",
            key_hash
        ))
        .await?;
        Ok(())
    }

    /// Forgets a counter (a successful login clears its account and account × address).
    pub async fn throttle_clear(&self, key_hash: &str) -> Result<()> {
        self.execute(sql!(
            "DELETE FROM login_throttle WHERE key_hash = $1",
            key_hash
        ))
        .await?;
        Ok(())
    }

    /// Forgets counters whose window started before `before` (housekeeping).
    pub async fn prune_login_throttle(&self, before: OffsetDateTime) -> Result<u64> {
        self.execute(sql!(
            "DELETE FROM login_throttle WHERE window_start < $1",
            db_time(before)
        ))
        .await
    }
}
