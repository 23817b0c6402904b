//! An HTTP receiver in the test's process for Luoshi's webhooks: it keeps every call.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One request the receiver was sent, and how it answered.
#[derive(Debug, Clone)]
pub struct Call {
    pub status: u16,
    /// The `X-Luoshi-Delivery` header: the same for every attempt at one message.
    pub delivery: String,
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
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let kept = calls.clone();
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(answer(socket, kept.clone(), fail_first));
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
) {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    let (mut delivery, mut length) = (String::new(), 0usize);
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
            body,
        });
        status
    };
    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    write.write_all(reply.as_bytes()).await.unwrap();
}
