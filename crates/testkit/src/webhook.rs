//! An HTTP receiver in the test's process for Luoshi's webhooks and SMS gateway: it keeps
//! every call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request the receiver was sent, and how it answered.
#[derive(Debug, Clone)]
pub struct Call {
    pub status: u16,
    /// The `X-Luoshi-Delivery` header: the same for every attempt at one message.
    pub delivery: String,
    /// The `X-Luoshi-Signature` header, empty when there was none.
    pub signature: String,
    pub body: String,
}

pub struct Webhook {
    /// `http://127.0.0.1:PORT/hook`, for the settings.
    pub url: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Webhook {
    /// A receiver that answers 200 to every call.
    pub async fn start() -> Webhook {
        Webhook::failing_first("").await
    }

    /// A receiver that answers 500 to the first call whose body holds `fail_first` (none when
    /// it is empty), and 200 to every other.
    pub async fn failing_first(fail_first: &'static str) -> Webhook {
        Webhook::listen(fail_first, Duration::ZERO).await
    }

    /// A receiver that keeps each call at once but answers 200 only `delay` later, as a
    /// loaded gateway does: a sender stopped meanwhile has delivered without knowing it.
    pub async fn slow(delay: Duration) -> Webhook {
        Webhook::listen("", delay).await
    }

    async fn listen(fail_first: &'static str, delay: Duration) -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let kept = calls.clone();
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(answer(socket, kept.clone(), fail_first, delay));
            }
        });
        Webhook { url, calls }
    }

    /// Every call so far, in the order they came.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
}

async fn answer(
    socket: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<Call>>>,
    fail_first: &'static str,
    delay: Duration,
) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    let (mut delivery, mut signature, mut length) = (String::new(), String::new(), 0usize);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let lower = line.trim_end().to_ascii_lowercase();
        if lower.is_empty() {
            break;
        }
        if let Some(v) = lower.strip_prefix("x-luoshi-delivery:") {
            delivery = v.trim().to_string();
        }
        if let Some(v) = lower.strip_prefix("x-luoshi-signature:") {
            signature = v.trim().to_string();
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.unwrap();
    let body = String::from_utf8(body).unwrap();
    let status = {
        let mut kept = kept.lock().unwrap();
        let failed_before = kept.iter().any(|c| c.status == 500);
        let fails = !fail_first.is_empty() && !failed_before && body.contains(fail_first);
        let status = if fails { 500 } else { 200 };
        kept.push(Call {
            status,
            delivery,
            signature,
            body,
        });
        status
    };
    tokio::time::sleep(delay).await;
    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    // The sender may be gone by now.
    let _ = write.write_all(reply.as_bytes()).await;
}
