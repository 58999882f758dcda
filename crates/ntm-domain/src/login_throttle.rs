//! Login throttling (pure rules; the store keeps the counters, the app applies them).
//!
//! Three counters, each reserved **before** a password is verified (as if the attempt
//! failed) and given back on success, so parallel guesses cannot all be verified:
//!
//! - **address**: at most `address_max` attempts per `window` from one client address,
//!   whatever the accounts (stops one address from guessing many accounts);
//! - **account**: attempts on one username per `window`; the first `account_free` are
//!   *free* (no delay);
//! - **account × address**: once an account has used its free attempts, or an address
//!   has failed `account_free` times on it within `pair_window`, that address must wait
//!   `first_delay × 2^(k−1)` (at most `max_delay`) after its k-th failure before the next
//!   attempt on that account.
//!
//! The owner is never locked out by others: an address that has not failed on the account
//! is let through at once, so the right password from the owner's own device works even
//! while the account is under attack; only the guessing addresses slow down, exponentially.

use time::{Duration, OffsetDateTime};

/// One counter as stored: failures in the window that started at `window_start`, and the
/// earliest time of the next attempt when delays apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: i64,
    pub window_start: OffsetDateTime,
    pub next_at: OffsetDateTime,
}

/// The limits (from the application's configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub window: Duration,
    pub account_free: i64,
    pub address_max: i64,
    pub pair_window: Duration,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Policy {
    /// Delay after the `k`-th failure of an address on an account (k ≥ 1).
    pub fn delay(&self, k: i64) -> Duration {
        let k = k.clamp(1, 40) as u32;
        let factor = 2i64.saturating_pow(k - 1);
        let d = self
            .first_delay
            .checked_mul(factor as i32)
            .unwrap_or(self.max_delay);
        if factor > i64::from(i32::MAX) || d > self.max_delay {
            self.max_delay
        } else {
            d
        }
    }
}

fn live(c: Option<&Counter>, now: OffsetDateTime, window: Duration) -> Option<&Counter> {
    c.filter(|c| c.window_start + window > now)
}

/// The address counter after one more attempt, or the wait when it is full.
pub fn address(c: Option<&Counter>, now: OffsetDateTime, p: &Policy) -> Result<Counter, Duration> {
    match live(c, now, p.window) {
        None => Ok(Counter {
            failures: 1,
            window_start: now,
            next_at: now,
        }),
        Some(c) if c.failures >= p.address_max => Err(c.window_start + p.window - now),
        Some(c) => Ok(Counter {
            failures: c.failures + 1,
            ..*c
        }),
    }
}

/// The account counter after one more attempt (never refuses: it only says whether the
/// attempt is free, `failures <= account_free`).
pub fn account(c: Option<&Counter>, now: OffsetDateTime, p: &Policy) -> Counter {
    match live(c, now, p.window) {
        None => Counter {
            failures: 1,
            window_start: now,
            next_at: now,
        },
        Some(c) => Counter {
            failures: c.failures.saturating_add(1),
            ..*c
        },
    }
}

/// The account × address counter after one more attempt, or the wait. `account_free`:
/// the account counter allowed this attempt without delay.
pub fn pair(
    c: Option<&Counter>,
    now: OffsetDateTime,
    account_free: bool,
    p: &Policy,
) -> Result<Counter, Duration> {
    let c = live(c, now, p.pair_window);
    let k = c.map(|c| c.failures).unwrap_or(0);
    let free = account_free && k < p.account_free;
    if let Some(c) = c
        && !free
        && c.next_at > now
    {
        return Err(c.next_at - now);
    }
    Ok(Counter {
        failures: k + 1,
        window_start: c.map(|c| c.window_start).unwrap_or(now),
        next_at: now + p.delay(k + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn policy() -> Policy {
        Policy {
            window: Duration::minutes(15),
            account_free: 5,
            address_max: 20,
            pair_window: Duration::hours(24),
            first_delay: Duration::seconds(1),
            max_delay: Duration::minutes(15),
        }
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let p = policy();
        let d: Vec<i64> = (1..=12).map(|k| p.delay(k).whole_seconds()).collect();
        assert_eq!(d, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(p.delay(1_000_000), p.max_delay);
    }

    /// One address guessing one account: five free attempts, then it waits 16 s, 32 s…;
    /// a fresh address (the owner) passes at once; the account's window resets nothing
    /// for the guessing address.
    #[test]
    fn the_guesser_slows_down_and_the_owner_passes() {
        let p = policy();
        let t0 = datetime!(2026-01-01 00:00:00 UTC);
        let (mut acc, mut guess) = (None, None);
        for i in 0..5 {
            let a = account(acc.as_ref(), t0, &p);
            acc = Some(a);
            guess = Some(
                pair(guess.as_ref(), t0, a.failures <= 5, &p)
                    .unwrap_or_else(|_| panic!("free attempt {i}")),
            );
        }
        let a = account(acc.as_ref(), t0, &p);
        acc = Some(a);
        assert_eq!(
            pair(guess.as_ref(), t0, a.failures <= 5, &p),
            Err(Duration::seconds(16))
        );
        // The owner, from an address that never failed: let through.
        assert!(pair(None, t0, false, &p).is_ok());
        // The guesser after its delay: one attempt, then twice as long.
        let t1 = t0 + Duration::seconds(16);
        let g = pair(guess.as_ref(), t1, false, &p).unwrap();
        assert_eq!(g.next_at, t1 + Duration::seconds(32));
        // Twenty minutes later the account window is new, but not for this address.
        let t2 = t1 + Duration::minutes(20);
        let a = account(acc.as_ref(), t2, &p);
        assert_eq!(a.failures, 1);
        let g2 = pair(Some(&g), t2, a.failures <= 5, &p).unwrap();
        assert_eq!(g2.failures, 7);
        assert!(pair(Some(&g2), t2, true, &p).is_err());
    }

    #[test]
    fn an_address_has_a_hard_cap_per_window() {
        let p = policy();
        let t0 = datetime!(2026-01-01 00:00:00 UTC);
        let mut c = None;
        for _ in 0..20 {
            c = Some(address(c.as_ref(), t0, &p).unwrap());
        }
        let t = t0 + Duration::minutes(5);
        assert_eq!(address(c.as_ref(), t, &p), Err(Duration::minutes(10)));
        assert!(address(c.as_ref(), t0 + Duration::minutes(15), &p).is_ok());
    }
}
