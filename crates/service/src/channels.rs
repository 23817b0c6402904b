//! Sending one message: e-mail over SMTP, a webhook in the generic JSON form or the robot
//! formats of DingTalk, WeCom and Feishu (with their signatures), or a text through an SMS
//! gateway. The message's id travels with it (`X-Luoshi-Delivery`, the mail's `Message-ID`) so
//! that a receiver can drop a repeat.

use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use luoshi_storage::{Channel, Outgoing};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use crate::notify::Channels;

/// `[smtp]`: `smtp://host:port` (plain), `smtp://host:port?tls=required` (STARTTLS) or
/// `smtps://host:port` (TLS), with `user:password@` if the server wants them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub url: String,
    pub from: String,
}

/// `[[webhook]]`: where to POST, in which form, the robot's signing secret if it has one, and
/// the unit whose subtree's messages it gets (every message without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
    #[serde(default)]
    pub secret: Option<String>,
    /// A unit's code: a county's group hears of the county's matters and units only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// `[sms]`: the HTTP gateway texts are posted to, as `{"id","phone","text"}`. With a secret,
/// each POST carries `X-Luoshi-Signature: sha256=HEX`, the HMAC-SHA256 of its body under the
/// secret, so that the gateway can tell Luoshi's texts from anyone else's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    #[default]
    Generic,
    Dingtalk,
    Wecom,
    Feishu,
}

/// Sends one message; the error says why, for the log and the admins' page.
pub async fn send(
    channels: &Channels,
    out: &Outgoing,
    now: DateTime<Utc>,
    timeout: Duration,
) -> Result<(), String> {
    match out.notice.channel {
        Channel::Email => {
            let smtp = channels
                .smtp
                .as_ref()
                .ok_or("no [smtp] server is configured")?;
            email(smtp, out, timeout).await
        }
        Channel::Webhook => {
            let hook = out
                .notice
                .target
                .parse::<usize>()
                .ok()
                .and_then(|i| channels.webhook.get(i))
                .ok_or("the webhook is no longer configured")?;
            webhook(hook, out, now, timeout).await
        }
        Channel::Sms => {
            let sms = channels
                .sms
                .as_ref()
                .ok_or("no [sms] gateway is configured")?;
            text(sms, out, timeout).await
        }
    }
}

async fn email(smtp: &SmtpConfig, out: &Outgoing, timeout: Duration) -> Result<(), String> {
    let n = &out.notice;
    let message = Message::builder()
        .message_id(Some(format!("<{}@luoshi>", n.id)))
        .date(n.created_at.into())
        .from(
            smtp.from
                .parse()
                .map_err(|e| format!("bad sender {:?}: {e}", smtp.from))?,
        )
        .to(n
            .target
            .parse()
            .map_err(|e| format!("bad address {:?}: {e}", n.target))?)
        .subject(&n.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(n.body.clone())
        .map_err(|e| e.to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
        .map_err(|e| format!("bad SMTP url: {e}"))?
        .timeout(Some(timeout))
        .build();
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("SMTP: {e}"))
}

fn sign(secret: &str, message: &[u8], key_extra: Option<&str>) -> String {
    base64::engine::general_purpose::STANDARD.encode(hmac(key_extra.unwrap_or(secret), message))
}

fn hmac(key: &str, message: &[u8]) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The `X-Luoshi-Signature` of an SMS gateway's request: `sha256=` and the HMAC-SHA256 of the
/// body under the secret, in lowercase hex.
pub fn sms_signature(secret: &str, body: &[u8]) -> String {
    let hex: String = hmac(secret, body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The body and address a webhook gets in its format.
pub fn webhook_request(
    hook: &WebhookConfig,
    out: &Outgoing,
    now: DateTime<Utc>,
) -> (String, serde_json::Value) {
    let n = &out.notice;
    let text = format!("{}\n{}", n.subject, n.body);
    match hook.format {
        WebhookFormat::Generic => (
            hook.url.clone(),
            json!({
                "id": n.id,
                "subject": n.subject,
                "body": n.body,
                "matter_id": n.matter_id.map(|m| m.0),
                "created_at": n.created_at,
            }),
        ),
        WebhookFormat::Dingtalk => {
            // DingTalk signs "timestamp\nsecret" with the secret and takes both in the URL.
            let url = match &hook.secret {
                Some(secret) => {
                    let ts = now.timestamp_millis();
                    let sig = sign(secret, format!("{ts}\n{secret}").as_bytes(), None);
                    let sep = if hook.url.contains('?') { '&' } else { '?' };
                    format!("{}{sep}timestamp={ts}&sign={}", hook.url, url_encode(&sig))
                }
                None => hook.url.clone(),
            };
            // A mention shows only where the text names the number too.
            let content: String = std::iter::once(text)
                .chain(n.mentions.iter().map(|m| format!("@{m}")))
                .collect::<Vec<_>>()
                .join(" ");
            let body = json!({
                "msgtype": "text",
                "text": {"content": content},
                "at": {"atMobiles": n.mentions, "isAtAll": false},
            });
            (url, body)
        }
        WebhookFormat::Wecom => (
            hook.url.clone(),
            json!({"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": n.mentions}}),
        ),
        WebhookFormat::Feishu => {
            let mut body = json!({"msg_type": "text", "content": {"text": text}});
            // Feishu signs an empty message with "timestamp\nsecret" as the key.
            if let Some(secret) = &hook.secret {
                let ts = now.timestamp();
                let key = format!("{ts}\n{secret}");
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(sign(secret, b"", Some(&key)));
            }
            (hook.url.clone(), body)
        }
    }
}

/// POSTs a JSON body under the message's id, with the headers given; refuses an answer that is
/// not a success, naming `what` was posted to.
async fn post(
    what: &str,
    url: &str,
    out: &Outgoing,
    body: Vec<u8>,
    headers: &[(&str, String)],
    timeout: Duration,
) -> Result<reqwest::Response, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let mut request = client
        .post(url)
        .header("X-Luoshi-Delivery", &out.notice.id)
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let res = request
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    let status = res.status();
    if !status.is_success() {
        return Err(format!("{what} answered {status}"));
    }
    Ok(res)
}

/// A text through the gateway: `{"id","phone","text"}`, signed when a secret is set.
async fn text(sms: &SmsConfig, out: &Outgoing, timeout: Duration) -> Result<(), String> {
    let n = &out.notice;
    let body = serde_json::to_vec(&json!({"id": n.id, "phone": n.target, "text": n.body}))
        .map_err(|e| e.to_string())?;
    let signature = sms
        .secret
        .as_deref()
        .map(|secret| ("X-Luoshi-Signature", sms_signature(secret, &body)));
    post(
        "SMS gateway",
        &sms.url,
        out,
        body,
        signature.as_slice(),
        timeout,
    )
    .await
    .map(|_| ())
}

async fn webhook(
    hook: &WebhookConfig,
    out: &Outgoing,
    now: DateTime<Utc>,
    timeout: Duration,
) -> Result<(), String> {
    let (url, body) = webhook_request(hook, out, now);
    let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    let res = post("webhook", &url, out, body, &[], timeout).await?;
    // The robots answer 200 with an error code in the body when they refuse a message.
    if hook.format != WebhookFormat::Generic {
        let answer: serde_json::Value = res.json().await.unwrap_or_default();
        let code = answer
            .get("errcode")
            .or_else(|| answer.get("code"))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0);
        if code != 0 {
            return Err(format!("webhook refused the message: {answer}"));
        }
    }
    Ok(())
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use luoshi_storage::{DeliveryState, Notice};

    fn out() -> Outgoing {
        Outgoing {
            notice: Notice {
                id: "abc".into(),
                channel: Channel::Webhook,
                target: "0".into(),
                user_id: None,
                matter_id: None,
                subject: "催办".into(),
                body: "请反馈".into(),
                created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                due_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                mentions: vec!["13800000001".into()],
            },
            state: DeliveryState::Pending,
            attempts: 0,
            last_error: String::new(),
            sent_at: None,
        }
    }

    #[test]
    fn dingtalk_signs_in_the_url_and_feishu_in_the_body() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let hook = |format| WebhookConfig {
            url: "https://oapi.dingtalk.com/robot/send?access_token=t".into(),
            format,
            secret: Some("SEC123".into()),
            unit: None,
        };
        let (url, body) = webhook_request(&hook(WebhookFormat::Dingtalk), &out(), now);
        let expected = sign("SEC123", b"1700000000000\nSEC123", None);
        assert_eq!(
            url,
            format!(
                "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign={}",
                url_encode(&expected)
            )
        );
        assert_eq!(body["text"]["content"], "催办\n请反馈 @13800000001");
        assert_eq!(body["at"]["atMobiles"], json!(["13800000001"]));
        let (_, body) = webhook_request(&hook(WebhookFormat::Feishu), &out(), now);
        assert_eq!(body["timestamp"], "1700000000");
        assert_eq!(body["sign"], sign("", b"", Some("1700000000\nSEC123")));
        let (_, body) = webhook_request(&hook(WebhookFormat::Wecom), &out(), now);
        assert_eq!(body["msgtype"], "text");
        assert_eq!(
            body["text"]["mentioned_mobile_list"],
            json!(["13800000001"])
        );
    }
}
