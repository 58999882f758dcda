//! The anti-abuse step of the public form, without JavaScript: a small sum to answer, signed
//! with the server's key (the survey key file, `surveys::key`) so any server checks it, and
//! valid from 3 seconds to 2 hours after it was shown; plus an empty field a person never
//! fills (the page hides it with CSS).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::surveys::hmac_sha256;
use crate::{App, AppError, now};

const MIN_SECS: i64 = 3;
const MAX_SECS: i64 = 2 * 3600;

/// A question for the form: show `a + b`, send `token` back with the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub a: u8,
    pub b: u8,
    pub token: String,
}

fn sign(key: &[u8], body: &[u8]) -> String {
    hex::encode(&hmac_sha256(key, &[b"ntm feedback challenge v1", body])[..16])
}

/// A new question.
pub async fn challenge(app: &App) -> Result<Challenge, AppError> {
    challenge_at(app, now()).await
}

/// A question as if shown at `issued` (tests and benchmarks that do not wait).
#[doc(hidden)]
pub async fn challenge_at(app: &App, issued: time::OffsetDateTime) -> Result<Challenge, AppError> {
    let key = crate::surveys::key::survey_key(app).await?;
    let r: [u8; 2] = rand::random();
    let (a, b) = (r[0] % 9 + 1, r[1] % 9 + 1);
    let mut body = issued.unix_timestamp().to_be_bytes().to_vec();
    body.extend([a, b]);
    let token = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&body),
        sign(key.bytes(), &body)
    );
    Ok(Challenge { a, b, token })
}

/// Checks an answer; `Err` with the field's message (Vietnamese — English).
pub(crate) async fn check(app: &App, token: &str, answer: &str, trap: &str) -> Result<(), String> {
    let refuse = || {
        "Câu trả lời kiểm tra chưa đúng; hãy tính lại phép cộng — the check answer is wrong; add \
         the two numbers again"
            .to_string()
    };
    if !trap.trim().is_empty() {
        return Err(refuse());
    }
    let key = crate::surveys::key::survey_key(app)
        .await
        .map_err(|e| e.to_string())?;
    let (body, sig) = token.split_once('.').ok_or_else(refuse)?;
    let body = URL_SAFE_NO_PAD.decode(body).map_err(|_| refuse())?;
    if body.len() != 10 || sign(key.bytes(), &body) != sig {
        return Err(refuse());
    }
    let mut t = [0u8; 8];
    t.copy_from_slice(&body[..8]);
    let age = now().unix_timestamp() - i64::from_be_bytes(t);
    if age < MIN_SECS {
        return Err(
            "Gửi quá nhanh; hãy kiểm tra lại nội dung rồi gửi lại — sent too fast; check and send again"
                .into(),
        );
    }
    if age > MAX_SECS {
        return Err(
            "Câu hỏi kiểm tra đã hết hạn; hãy trả lời câu hỏi mới — the check question expired; answer the new one"
                .into(),
        );
    }
    let sum = u32::from(body[8]) + u32::from(body[9]);
    match answer.trim().parse::<u32>() {
        Ok(n) if n == sum => Ok(()),
        _ => Err(refuse()),
    }
}
