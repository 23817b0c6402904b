//! A mail server in the test's process: it speaks enough SMTP for Luoshi to send, and keeps
//! each message's text.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub struct Smtp {
    /// `smtp://127.0.0.1:PORT`, for the settings.
    pub url: String,
    mail: Arc<Mutex<Vec<String>>>,
}

impl Smtp {
    /// Listens on a free port of 127.0.0.1 until the test ends.
    pub async fn start() -> Smtp {
        Smtp::slow(Duration::ZERO).await
    }

    /// A server that keeps each message when its text ends but says so (250) only `delay`
    /// later: a sender stopped meanwhile has delivered without knowing it.
    pub async fn slow(delay: Duration) -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mail = Arc::new(Mutex::new(Vec::new()));
        let kept = mail.clone();
        tokio::spawn(async move {
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                tokio::spawn(converse(socket, kept.clone(), delay));
            }
        });
        Smtp { url, mail }
    }

    /// Every message received so far, headers and body as sent.
    pub fn mail(&self) -> Vec<String> {
        self.mail.lock().unwrap().clone()
    }
}

async fn converse(socket: tokio::net::TcpStream, kept: Arc<Mutex<Vec<String>>>, delay: Duration) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test ESMTP\r\n").await.unwrap();
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                kept.lock().unwrap().push(data.take().unwrap());
                tokio::time::sleep(delay).await;
                // The sender may be gone by now.
                let _ = write.write_all(b"250 queued\r\n").await;
            } else {
                body.push_str(&line);
                body.push('\n');
            }
            continue;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 test\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 go on\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(answer).await.unwrap();
    }
}

/// The text of a mail whose body is base64, as lettre writes non-ASCII text.
pub fn body(mail: &str) -> String {
    let (_, encoded) = mail.split_once("\n\n").unwrap_or(("", ""));
    let joined: String = encoded.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(joined)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// A mail's subject, decoded from its RFC 2047 words.
pub fn subject(mail: &str) -> String {
    let mut words = String::new();
    let mut inside = false;
    for line in mail.lines() {
        if let Some(rest) = line.strip_prefix("Subject: ") {
            inside = true;
            words.push_str(rest);
        } else if inside && line.starts_with(' ') {
            words.push_str(line.trim());
        } else {
            inside = false;
        }
    }
    words
        .split("?=")
        .filter_map(|w| w.trim().strip_prefix("=?utf-8?b?"))
        .map(|b| {
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap()).unwrap()
        })
        .collect()
}
