//! Applies the login throttling rules of [`ntm_domain::login_throttle`] with the counters
//! of the store: every attempt is **reserved before the password is verified** (counted as
//! a failure by compare-and-swap), and given back when the password was right. So 40
//! parallel wrong passwords from one address are not all verified: at most
//! [`AppConfig::login_max_failures_user`] are; the others get 429 with a Retry-After.
//!
//! [`AppConfig::login_max_failures_user`]: crate::AppConfig::login_max_failures_user

use ntm_domain::login_throttle::{self as rules, Counter, Policy};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::{App, AppError};

/// Delay after an address's first failure on an account once delays apply (doubles).
pub const FIRST_DELAY: Duration = Duration::seconds(1);
/// How long an address's failures on an account are remembered.
pub const PAIR_WINDOW: Duration = Duration::hours(24);
/// Compare-and-swap rounds before an attempt under heavy contention is refused.
const ROUNDS: usize = 16;

fn policy(app: &App) -> Policy {
    Policy {
        window: app.config.login_window,
        account_free: app.config.login_max_failures_user,
        address_max: app.config.login_max_failures_origin,
        pair_window: PAIR_WINDOW,
        first_delay: FIRST_DELAY,
        // The longest wait is the window itself (15 minutes by default).
        max_delay: app.config.login_window,
    }
}

pub(crate) fn key(kind: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b":");
    h.update(value.as_bytes());
    hex::encode(h.finalize())
}

/// The attempt's reserved counters, to settle after the password check.
pub(crate) struct Reserved {
    account: String,
    pair: String,
    address: String,
}

fn refused(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        retry_after_secs: wait.whole_seconds().max(1) as u64,
    }
}

/// Reads, decides and swaps one counter until the swap wins.
pub(crate) async fn step(
    app: &App,
    key: &str,
    rule: impl Fn(Option<&Counter>) -> Result<Counter, Duration>,
) -> Result<Counter, AppError> {
    for _ in 0..ROUNDS {
        let seen = app.db.throttle_get(key).await?;
        let new = rule(seen.as_ref().map(|(c, _)| c)).map_err(refused)?;
        if app
            .db
            .throttle_swap(key, seen.map(|(_, v)| v), &new)
            .await?
        {
            return Ok(new);
        }
    }
    Err(refused(FIRST_DELAY))
}

/// Reserves one attempt of `username` (normalized) from `origin`, or refuses it
/// (`TooManyRequests` with the wait).
pub(crate) async fn reserve(
    app: &App,
    username: &str,
    origin: &str,
    now: OffsetDateTime,
) -> Result<Reserved, AppError> {
    let p = policy(app);
    let r = Reserved {
        account: key("login-user", username),
        pair: key("login-pair", &format!("{username}\n{origin}")),
        address: key("login-origin", origin),
    };
    step(app, &r.address, |c| rules::address(c, now, &p)).await?;
    let account = step(app, &r.account, |c| Ok(rules::account(c, now, &p))).await?;
    let free = account.failures <= p.account_free;
    step(app, &r.pair, |c| rules::pair(c, now, free, &p)).await?;
    Ok(r)
}

/// The password was right: the account and this address's failures on it are forgotten,
/// and the address gets its attempt back.
pub(crate) async fn succeeded(app: &App, r: &Reserved) -> Result<(), AppError> {
    app.db.throttle_clear(&r.account).await?;
    app.db.throttle_clear(&r.pair).await?;
    app.db.throttle_release(&r.address).await?;
    Ok(())
}

/// Forgets counters older than any window (housekeeping, on each successful login).
pub(crate) async fn prune(app: &App, now: OffsetDateTime) -> Result<(), AppError> {
    let oldest = now - PAIR_WINDOW.max(app.config.login_window);
    app.db.prune_login_throttle(oldest).await?;
    Ok(())
}
