//! One-time codes by SMS for phone answers (security review, finding 2, second option).
//!
//! When an SMS gateway is configured ([`crate::sms`]), a phone answer needs, besides the
//! number being on the campaign's household list, the 6-digit code sent to that number.
//! Codes are **not stored at all**: a code is derived from the survey key (outside the
//! database), the campaign, the number's keyed hash and the 5-minute period it was asked in
//! (HMAC-SHA-256), and accepted in that period and the next, so for 5 to 10 minutes. Asking
//! again in the same period sends the same code. The counters live in the database
//! (`login_throttle`, compare-and-swap), so the limits hold across servers:
//! [`MAX_SENDS`] messages per number per 30 minutes, [`MAX_TRIES`] wrong codes per number
//! per 10 minutes. A code is used once: the answer marks the number used.

use ntm_domain::dossier::campaign;
use ntm_domain::login_throttle::{self as rules, Policy};
use time::Duration as TimeDuration;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Refusal, hmac_sha256, key, phone_key};
use crate::login_throttle::{key as counter_key, step};
use crate::{App, AppError, now};

/// Length of a code's period in seconds (a code is accepted in its period and the next).
pub const CODE_PERIOD_SECS: i64 = 300;
/// Messages per number per [`SEND_WINDOW`].
pub const MAX_SENDS: i64 = 3;
pub const SEND_WINDOW: TimeDuration = TimeDuration::minutes(30);
/// Wrong codes per number per [`TRY_WINDOW`].
pub const MAX_TRIES: i64 = 5;
pub const TRY_WINDOW: TimeDuration = TimeDuration::minutes(10);

fn policy(window: TimeDuration, max: i64) -> Policy {
    Policy {
        window,
        account_free: max,
        address_max: max,
        pair_window: window,
        first_delay: window,
        max_delay: window,
    }
}

fn code_in(key: &key::SurveyKey, campaign_id: Uuid, phone_key: &str, period: i64) -> String {
    let mac = hmac_sha256(
        key.bytes(),
        &[
            b"survey-sms-code:",
            campaign_id.as_bytes(),
            phone_key.as_bytes(),
            &period.to_be_bytes(),
        ],
    );
    let n = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
    format!("{n:06}")
}

fn period_of(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(CODE_PERIOD_SECS)
}

fn limited(e: AppError) -> Refusal {
    match e {
        AppError::TooManyRequests { retry_after_secs } => Refusal::RateLimited { retry_after_secs },
        e => Refusal::Internal(e.to_string()),
    }
}

/// Sends the one-time code to a number on the campaign's household list (no login).
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn send_code(app: &App, origin: &str, code: &str, phone: &str) -> Result<(), Refusal> {
    super::limits::per_origin(origin)?;
    let Some(gateway) = &app.config.sms else {
        return Err(Refusal::SmsOff);
    };
    let code = campaign::normalize_code(code).ok_or(Refusal::NotFound)?;
    let cached = super::answers::answering_campaign(app, &code)
        .await
        .map_err(|r| match r {
            // The form says "not yet open" without the date here.
            Refusal::NotYetOpen { .. } => Refusal::NotYetOpen { opens_at: None },
            r => r,
        })?;
    let (r, _) = &*cached;
    if !app
        .db
        .survey_phone_list(r.id)
        .await?
        .is_some_and(|l| l.enabled)
    {
        return Err(Refusal::PhonesOff);
    }
    let phone = campaign::normalize_phone(phone.trim()).map_err(|_| Refusal::PhoneInvalid)?;
    let key = key::survey_key(app)
        .await
        .map_err(|e| Refusal::Internal(e.to_string()))?;
    let pkey = phone_key(&key, r.id, &phone);
    match app.db.survey_phone_used(r.id, &pkey).await? {
        None => return Err(Refusal::PhoneNotListed),
        Some(true) => return Err(Refusal::PhoneUsed),
        Some(false) => {}
    }
    let t = now();
    let p = policy(SEND_WINDOW, MAX_SENDS);
    step(app, &counter_key("sms-send", &pkey), |c| {
        rules::address(c, t, &p)
    })
    .await
    .map_err(limited)?;
    let otp = code_in(&key, r.id, &pkey, period_of(t));
    let text = format!(
        "NTM Số: mã xác nhận trả lời lấy ý kiến của hộ là {otp}, dùng trong 5–10 phút. \
         Không đưa mã này cho ai."
    );
    gateway.send(&phone, &text).await.map_err(|e| {
        tracing::error!(error = %e, "SMS not sent");
        Refusal::SmsFailed
    })
}

/// Checks the code given with a phone answer, counting a wrong one.
pub(super) async fn check(
    app: &App,
    key: &key::SurveyKey,
    campaign_id: Uuid,
    pkey: &str,
    given: Option<&str>,
) -> Result<(), Refusal> {
    let given: String = given
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if given.is_empty() {
        return Err(Refusal::SmsCodeMissing);
    }
    let t = now();
    let counter = counter_key("sms-try", pkey);
    let p = policy(TRY_WINDOW, MAX_TRIES);
    step(app, &counter, |c| rules::address(c, t, &p))
        .await
        .map_err(limited)?;
    let period = period_of(t);
    if [period, period - 1]
        .iter()
        .any(|w| code_in(key, campaign_id, pkey, *w) == given)
    {
        app.db.throttle_clear(&counter).await?;
        Ok(())
    } else {
        Err(Refusal::SmsCodeWrong)
    }
}
