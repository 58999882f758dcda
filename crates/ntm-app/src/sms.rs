//! SMS gateway for one-time codes (survey answers by phone, issue 14 finding 2).
//!
//! - **HTTP** (`NTM_SMS_GATEWAY_URL`): a POST to an `http://` gateway on the local network
//!   (e.g. Kannel, Gammu-smsd's bridge or a provider's relay, which handles TLS outward — the
//!   same stance as the SMTP relay), the body from `NTM_SMS_TEMPLATE` (default
//!   `{"to":"{phone}","text":"{text}"}`, sent as `application/json`; `{phone}` and `{text}`
//!   are replaced by the values escaped as JSON string content). A 2xx answer is success.
//! - **File** (`NTM_SMS_FILE`): each message appended as one line `phone<TAB>text` to a file,
//!   for development and tests. Never for production: the codes are in the file.

use std::path::PathBuf;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// Default body of the HTTP gateway.
pub const DEFAULT_TEMPLATE: &str = r#"{"to":"{phone}","text":"{text}"}"#;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where one-time codes are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsGateway {
    Http { url: String, template: String },
    File(PathBuf),
}

impl SmsGateway {
    /// From `NTM_SMS_GATEWAY_URL` (+ `NTM_SMS_TEMPLATE`) or `NTM_SMS_FILE`; `None` when
    /// neither is set.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<SmsGateway>, String> {
        let set = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        match (set("NTM_SMS_GATEWAY_URL"), set("NTM_SMS_FILE")) {
            (Some(_), Some(_)) => Err("set NTM_SMS_GATEWAY_URL or NTM_SMS_FILE, not both".into()),
            (Some(url), None) => {
                let uri: hyper::Uri = url
                    .parse()
                    .map_err(|e| format!("NTM_SMS_GATEWAY_URL {url:?}: {e}"))?;
                if uri.scheme_str() != Some("http") || uri.host().is_none() {
                    return Err(format!(
                        "NTM_SMS_GATEWAY_URL {url:?}: an http:// address of a gateway on the \
                         local network is needed"
                    ));
                }
                Ok(Some(SmsGateway::Http {
                    url,
                    template: set("NTM_SMS_TEMPLATE").unwrap_or_else(|| DEFAULT_TEMPLATE.into()),
                }))
            }
            (None, Some(file)) => Ok(Some(SmsGateway::File(PathBuf::from(file)))),
            (None, None) => Ok(None),
        }
    }

    /// Sends `text` to `phone` (a normalized number).
    pub async fn send(&self, phone: &str, text: &str) -> Result<(), String> {
        match self {
            SmsGateway::File(path) => {
                use std::io::Write;
                let line = format!("{phone}\t{}\n", text.replace(['\n', '\t'], " "));
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .and_then(|mut f| f.write_all(line.as_bytes()))
                    .map_err(|e| format!("SMS file {}: {e}", path.display()))
            }
            SmsGateway::Http { url, template } => {
                let body = template
                    .replace("{phone}", &json_content(phone))
                    .replace("{text}", &json_content(text));
                tokio::time::timeout(TIMEOUT, post(url, body))
                    .await
                    .map_err(|_| format!("SMS gateway {url}: no answer within 10 s"))?
            }
        }
    }
}

/// A value as the content of a JSON string (without the quotes).
fn json_content(s: &str) -> String {
    let q = serde_json::Value::String(s.to_owned()).to_string();
    q[1..q.len() - 1].to_owned()
}

async fn post(url: &str, body: String) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("SMS gateway {url}: {e}");
    let uri: hyper::Uri = url.parse().map_err(|e| fail(&e))?;
    let host = uri.host().ok_or_else(|| fail(&"no host"))?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| fail(&e))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| fail(&e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let req = hyper::Request::post(path)
        .header(hyper::header::HOST, host)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| fail(&e))?;
    let res = sender.send_request(req).await.map_err(|e| fail(&e))?;
    let status = res.status();
    let _ = res.into_body().collect().await;
    if status.is_success() {
        Ok(())
    } else {
        Err(fail(&format!("answered {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(SmsGateway::from_env(env(&[])), Ok(None));
        assert_eq!(
            SmsGateway::from_env(env(&[(
                "NTM_SMS_GATEWAY_URL",
                "http://10.0.0.5:13013/send"
            )])),
            Ok(Some(SmsGateway::Http {
                url: "http://10.0.0.5:13013/send".into(),
                template: DEFAULT_TEMPLATE.into()
            }))
        );
        assert!(SmsGateway::from_env(env(&[("NTM_SMS_GATEWAY_URL", "https://x.vn/")])).is_err());
        assert!(
            SmsGateway::from_env(env(&[
                ("NTM_SMS_GATEWAY_URL", "http://x/"),
                ("NTM_SMS_FILE", "/tmp/x")
            ]))
            .is_err()
        );
        assert_eq!(json_content("a\"b\n"), "a\\\"b\\n");
    }

    /// A one-shot HTTP server answering `status`; returns the request it received.
    async fn gateway(status: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/cgi-bin/sendsms?x=1", l.local_addr().unwrap());
        let h = tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = s.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length: ")
                                .map(str::to_owned)
                        })
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if body.len() >= len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            s.write_all(format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n").as_bytes())
                .await
                .unwrap();
            String::from_utf8(got).unwrap()
        });
        (url, h)
    }

    #[tokio::test]
    async fn http_gateway_posts_the_template() {
        let (url, h) = gateway("200 OK").await;
        let g = SmsGateway::Http {
            url,
            template: DEFAULT_TEMPLATE.into(),
        };
        g.send("0912000001", "Mã \"123456\"").await.unwrap();
        let req = h.await.unwrap();
        assert!(
            req.starts_with("POST /cgi-bin/sendsms?x=1 HTTP/1.1"),
            "{req}"
        );
        assert!(
            req.to_ascii_lowercase()
                .contains("content-type: application/json")
        );
        let body = req.split_once("\r\n\r\n").unwrap().1;
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["to"], "0912000001");
        assert_eq!(v["text"], "Mã \"123456\"");

        let (url, _h) = gateway("500 Internal Server Error").await;
        let g = SmsGateway::Http {
            url,
            template: DEFAULT_TEMPLATE.into(),
        };
        assert!(g.send("0912000001", "x").await.unwrap_err().contains("500"));
    }
}
