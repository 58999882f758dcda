//! E-mail copies of dossier notifications, sent through SMTP when the server is configured.
//!
//! Plain SMTP only (no TLS in this build, to keep it light): point `NTM_SMTP_HOST` at a
//! relay on the local network or the same machine (e.g. postfix on localhost), which hands
//! the mail on over TLS. Sending happens in a background task after the dossier action has
//! committed; a failure is logged (warn) and never affects the action.
//!
//! The mail text is Vietnamese (the notifications' language of record), built here from the
//! notification's message key and arguments; the labels mirror `locales/vi/dossier.ftl`.

use std::fmt;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use ntm_store::NotificationRecord;
use uuid::Uuid;

use crate::notifications::Message;
use crate::{App, AppError};

/// Where and how to send e-mail. Built from the environment by [`SmtpConfig::from_env`].
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// SMTP relay host name or address (`NTM_SMTP_HOST`).
    pub host: String,
    /// Port (`NTM_SMTP_PORT`, default 25).
    pub port: u16,
    /// Sender address (`NTM_SMTP_FROM`), e.g. `NTM Số <ntm@example.gov.vn>`.
    pub from: String,
    /// Optional AUTH login (`NTM_SMTP_USER`, `NTM_SMTP_PASSWORD`): sent in clear text over
    /// plain SMTP, so use it only with a relay on the same machine or a trusted network.
    pub credentials: Option<(String, String)>,
    /// Public address of the site (`NTM_BASE_URL`), for links in mails; none: no link.
    pub base_url: Option<String>,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The environment variables read by [`SmtpConfig::from_env`], for help texts.
pub const ENV_HELP: &str = "NTM_SMTP_HOST (SMTP relay on the local network, plain SMTP \
without TLS, e.g. postfix on localhost), NTM_SMTP_PORT (default 25), NTM_SMTP_FROM \
(required with the host), NTM_SMTP_USER / NTM_SMTP_PASSWORD (optional, sent in clear), \
NTM_BASE_URL (optional, for links in mails)";

impl SmtpConfig {
    /// Reads the settings through `var` (e.g. `|k| std::env::var(k).ok()`). `Ok(None)`
    /// when `NTM_SMTP_HOST` is unset or empty: no e-mail is sent.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, String> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let Some(host) = get("NTM_SMTP_HOST") else {
            return Ok(None);
        };
        let port = match get("NTM_SMTP_PORT") {
            None => 25,
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| format!("NTM_SMTP_PORT must be a port number, not {p:?}"))?,
        };
        let from = get("NTM_SMTP_FROM")
            .ok_or("NTM_SMTP_FROM (the sender address) is required when NTM_SMTP_HOST is set")?;
        from.parse::<Mailbox>()
            .map_err(|e| format!("NTM_SMTP_FROM is not an e-mail address ({from:?}): {e}"))?;
        let credentials = match (get("NTM_SMTP_USER"), var("NTM_SMTP_PASSWORD")) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => {
                return Err("NTM_SMTP_USER and NTM_SMTP_PASSWORD go together".into());
            }
        };
        let base_url = get("NTM_BASE_URL").map(|u| u.trim_end_matches('/').to_owned());
        Ok(Some(SmtpConfig {
            host,
            port,
            from,
            credentials,
            base_url,
        }))
    }
}

/// One mail to send: its recipient, subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

fn arg<'a>(m: &'a Message, k: &str) -> &'a str {
    m.args
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// A stored state's label (`DossierState::name_vi`); unknown text unchanged.
fn state_vi(s: &str) -> &str {
    crate::dossiers::parse_state(s).map_or(s, |st| st.name_vi())
}

/// A step's label (`StepKind::name_vi`); unknown text unchanged.
fn step_vi(s: &str) -> &str {
    crate::procedure_settings::parse_step(s).map_or(s, |st| st.name_vi())
}

fn action_vi(s: &str) -> &str {
    match s {
        "start_posting" => "Bắt đầu công khai lấy ý kiến",
        "end_posting" => "Kết thúc công khai",
        "submit" => "Trình hồ sơ",
        "review_pass" => "Thẩm tra: đạt",
        "review_return" => "Thẩm tra: trả hồ sơ",
        "appraise_pass" => "Thẩm định: đạt",
        "appraise_return" => "Thẩm định: trả hồ sơ",
        "decide" => "Quyết định công nhận",
        "publish" => "Công bố",
        "revoke" => "Thu hồi quyết định",
        other => other,
    }
}

/// The notification's sentence in Vietnamese (as `dossier-notify-*` in `vi/dossier.ftl`).
pub fn text_vi(m: &Message) -> String {
    let (unit, code, state) = (arg(m, "unit"), arg(m, "code"), state_vi(arg(m, "state")));
    match m.key.as_str() {
        "dossier-notify-step" => format!(
            "Hồ sơ của {unit} ({code}) chờ bước «{}» ({state}).",
            step_vi(arg(m, "step"))
        ),
        "dossier-notify-outcome" => format!(
            "Hồ sơ của {unit} ({code}): {} ({state}).",
            action_vi(arg(m, "action"))
        ),
        "ocop-notify-expiring" => format!(
            "Giấy chứng nhận OCOP của sản phẩm {} hết hiệu lực ngày {} (còn {} ngày).",
            arg(m, "product"),
            arg(m, "date"),
            arg(m, "days")
        ),
        _ => "Có cập nhật hồ sơ.".to_owned(),
    }
}

/// The mail for one notification to `to` (addressed as `name`). `link` is the site path of
/// the dossier, made absolute with `base_url` when there is one.
pub fn compose(base_url: Option<&str>, to: &str, name: &str, m: &Message, link: &str) -> Mail {
    let unit = arg(m, "unit");
    let ocop = m.key.starts_with("ocop-");
    let subject = if ocop {
        format!(
            "[NTM Số] Giấy chứng nhận OCOP sắp hết hạn: {}",
            arg(m, "product")
        )
    } else if unit.is_empty() {
        "[NTM Số] Thông báo hồ sơ nông thôn mới".to_owned()
    } else {
        format!("[NTM Số] Hồ sơ nông thôn mới của {unit}")
    };
    let see = match base_url {
        Some(b) if ocop => format!("Xem sản phẩm: {b}{link}"),
        Some(b) => format!("Xem hồ sơ: {b}{link}"),
        None => "Đăng nhập NTM Số, mục «Thông báo», để xem hồ sơ.".to_owned(),
    };
    let body = format!(
        "Kính gửi {name},\n\n{}\n\n{see}\n\n--\nThư gửi tự động từ NTM Số, xin đừng trả lời \
         thư này. Địa chỉ nhận thư sửa được ở trang «Tài khoản».\n",
        text_vi(m)
    );
    Mail {
        to: to.to_owned(),
        subject,
        body,
    }
}

/// The MIME message of a mail: UTF-8 plain text, base64 body, RFC 2047 subject.
pub fn to_message(from: &str, mail: &Mail) -> Result<lettre::Message, AppError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| AppError::invalid("from", format!("not an e-mail address: {e}")))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| AppError::invalid("email", format!("not an e-mail address: {e}")))?;
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(mail.body.clone()),
        )
        .map_err(|e| AppError::invalid("email", format!("mail not built: {e}")))
}

fn transport(cfg: &SmtpConfig) -> AsyncSmtpTransport<Tokio1Executor> {
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.as_str())
        .port(cfg.port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some((u, p)) = &cfg.credentials {
        b = b.credentials(Credentials::new(u.clone(), p.clone()));
    }
    b.build()
}

/// Sends an e-mail copy of each notification to its recipient when the server has SMTP
/// configured and the recipient has an address, in a background task started now. Returns
/// the task (tests wait on it), `None` when nothing is to be sent. Failures are logged.
pub(crate) fn send_notifications(
    app: &App,
    notes: &[NotificationRecord],
) -> Option<tokio::task::JoinHandle<()>> {
    let cfg = app.config.smtp.clone()?;
    if notes.is_empty() {
        return None;
    }
    let db = app.db.clone();
    let notes: Vec<(Uuid, Message, String)> = notes
        .iter()
        .filter_map(|n| {
            let m: Message = serde_json::from_str(&n.message).ok()?;
            Some((n.user_id, m, n.link.clone()))
        })
        .collect();
    Some(tokio::spawn(async move {
        let ids: Vec<Uuid> = notes.iter().map(|(u, _, _)| *u).collect();
        let recipients = match db.user_emails(&ids).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "e-mail notifications: recipients not read");
                return;
            }
        };
        if recipients.is_empty() {
            return;
        }
        let smtp = transport(&cfg);
        for (uid, m, link) in &notes {
            let Some((_, name, to)) = recipients.iter().find(|(i, _, _)| i == uid) else {
                continue;
            };
            let mail = compose(cfg.base_url.as_deref(), to, name, m, link);
            let msg = match to_message(&cfg.from, &mail) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(user = %uid, error = %e, "e-mail notification not built");
                    continue;
                }
            };
            match smtp.send(msg).await {
                Ok(_) => tracing::info!(user = %uid, "e-mail notification sent"),
                Err(e) => tracing::warn!(
                    user = %uid, host = %cfg.host, port = cfg.port, error = %e,
                    "e-mail notification not sent"
                ),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn msg() -> Message {
        Message {
            key: "dossier-notify-step".into(),
            args: vec![
                ("unit".into(), "Xã Châu Thành".into()),
                ("code".into(), "29374".into()),
                ("state".into(), "submitted".into()),
                ("step".into(), "appraisal".into()),
            ],
        }
    }

    /// Decodes a header value with RFC 2047 `=?utf-8?b?…?=` words (whitespace between two
    /// encoded words is dropped, other text kept).
    fn decode_words(v: &str) -> String {
        let mut out = String::new();
        let mut rest = v;
        let mut after_word = false;
        while let Some(i) = rest.to_ascii_lowercase().find("=?utf-8?b?") {
            let plain = &rest[..i];
            if !(after_word && plain.trim().is_empty()) {
                out.push_str(plain);
            }
            let after = &rest[i + 10..];
            let end = after.find("?=").unwrap();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&after[..end])
                .unwrap();
            out.push_str(&String::from_utf8(bytes).unwrap());
            rest = &after[end + 2..];
            after_word = true;
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn composes_an_ocop_reminder_mail() {
        let m = Message {
            key: "ocop-notify-expiring".into(),
            args: vec![
                ("product".into(), "Mắm cá lóc".into()),
                ("date".into(), "31/12/2026".into()),
                ("days".into(), "30".into()),
            ],
        };
        let mail = compose(
            Some("https://ntm.example.vn"),
            "htx@example.vn",
            "HTX Châu Thành",
            &m,
            "/ocop/manage/abc",
        );
        assert_eq!(
            mail.subject,
            "[NTM Số] Giấy chứng nhận OCOP sắp hết hạn: Mắm cá lóc"
        );
        assert!(mail.body.contains(
            "Giấy chứng nhận OCOP của sản phẩm Mắm cá lóc hết hiệu lực ngày 31/12/2026 \
             (còn 30 ngày)."
        ));
        assert!(
            mail.body
                .contains("Xem sản phẩm: https://ntm.example.vn/ocop/manage/abc")
        );
    }

    #[test]
    fn composes_a_vietnamese_mail() {
        let m = compose(
            Some("https://ntm.example.vn"),
            "can.bo@example.vn",
            "Cán bộ thẩm định",
            &msg(),
            "/dossiers/abc",
        );
        assert_eq!(m.to, "can.bo@example.vn");
        assert_eq!(m.subject, "[NTM Số] Hồ sơ nông thôn mới của Xã Châu Thành");
        assert!(m.body.starts_with("Kính gửi Cán bộ thẩm định,\n\n"));
        assert!(
            m.body
                .contains("Hồ sơ của Xã Châu Thành (29374) chờ bước «Thẩm định» (Đã trình).")
        );
        assert!(
            m.body
                .contains("Xem hồ sơ: https://ntm.example.vn/dossiers/abc")
        );
        let none = compose(None, "a@b.vn", "A", &msg(), "/dossiers/abc");
        assert!(!none.body.contains("http"));
        assert!(none.body.contains("Thông báo"));
        let outcome = Message {
            key: "dossier-notify-outcome".into(),
            args: vec![
                ("unit".into(), "Xã A".into()),
                ("code".into(), "1".into()),
                ("state".into(), "preparing".into()),
                ("action".into(), "review_return".into()),
            ],
        };
        assert_eq!(
            text_vi(&outcome),
            "Hồ sơ của Xã A (1): Thẩm tra: trả hồ sơ (Đang chuẩn bị)."
        );
    }

    #[test]
    fn encodes_headers_and_body() {
        let mail = compose(None, "can.bo@example.vn", "Cán bộ", &msg(), "/dossiers/x");
        let raw = to_message("NTM Số <ntm@example.vn>", &mail)
            .unwrap()
            .formatted();
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.is_ascii(), "the message on the wire is 7-bit: {raw}");
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("To: can.bo@example.vn"), "{head}");
        assert!(
            head.contains("Content-Type: text/plain; charset=utf-8"),
            "{head}"
        );
        assert!(head.contains("Content-Transfer-Encoding: base64"), "{head}");
        let unfolded = head.replace("\r\n ", " ");
        let subject = unfolded
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap();
        assert_eq!(decode_words(subject), mail.subject);
        let from = unfolded
            .lines()
            .find_map(|l| l.strip_prefix("From: "))
            .unwrap();
        assert!(from.contains("<ntm@example.vn>"));
        assert_eq!(decode_words(from), "NTM Số <ntm@example.vn>");
        let text = base64::engine::general_purpose::STANDARD
            .decode(body.replace("\r\n", ""))
            .unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            mail.body.replace('\n', "\r\n")
        );
        assert!(
            to_message(
                "ntm@example.vn",
                &Mail {
                    to: "không hợp lệ".into(),
                    ..mail
                }
            )
            .is_err()
        );
    }

    #[test]
    fn reads_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(SmtpConfig::from_env(env(&[])).unwrap(), None);
        let c = SmtpConfig::from_env(env(&[
            ("NTM_SMTP_HOST", "localhost"),
            ("NTM_SMTP_FROM", "ntm@example.vn"),
            ("NTM_BASE_URL", "https://ntm.example.vn/"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(c.port, 25);
        assert_eq!(c.base_url.as_deref(), Some("https://ntm.example.vn"));
        assert!(c.credentials.is_none());
        assert!(SmtpConfig::from_env(env(&[("NTM_SMTP_HOST", "localhost")])).is_err());
        assert!(
            SmtpConfig::from_env(env(&[
                ("NTM_SMTP_HOST", "localhost"),
                ("NTM_SMTP_FROM", "ntm@example.vn"),
                ("NTM_SMTP_PORT", "x"),
            ]))
            .is_err()
        );
        let c = SmtpConfig::from_env(env(&[
            ("NTM_SMTP_HOST", "localhost"),
            ("NTM_SMTP_FROM", "ntm@example.vn"),
            ("NTM_SMTP_USER", "u"),
            ("NTM_SMTP_PASSWORD", "bí mật"),
        ]))
        .unwrap()
        .unwrap();
        assert!(!format!("{c:?}").contains("bí mật"));
    }
}
