//! Two `luoshi serve` processes on one PostgreSQL database, as a deployment with several app
//! instances runs them. Runs when `LUOSHI_TEST_POSTGRES` names a server, on a database of its
//! own there; says it was skipped otherwise.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use luoshi_storage::postgres::ScratchDatabase;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

const CLOCK: &str = "2026-06-30T09:00:00+08:00";

fn luoshi(config: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_luoshi"));
    cmd.env_remove("RUST_LOG")
        .arg("--config")
        .arg(config)
        .arg("--clock")
        .arg(CLOCK)
        .kill_on_drop(true);
    cmd
}

/// Starts `luoshi ARGS` and waits for the line announcing its address.
async fn start(config: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut child = luoshi(config)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(at) = line.find("http://") {
            let url = line[at..].split_whitespace().next().unwrap().to_string();
            return (child, format!("{url}/api/v1"));
        }
    }
    panic!("luoshi {args:?} exited without announcing its address");
}

/// A webhook receiver that answers 200 and keeps every delivery id it is sent.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut reader = BufReader::new(read);
                let (mut id, mut length) = (String::new(), 0usize);
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
                        id = v.trim().to_string();
                    }
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                tokio::io::AsyncReadExt::read_exact(&mut reader, &mut body)
                    .await
                    .unwrap();
                kept.lock().unwrap().push(id);
                let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                write.write_all(reply.as_bytes()).await.unwrap();
            });
        }
    });
    (url, seen)
}

async fn login(http: &reqwest::Client, api: &str, user: &str) -> String {
    let res: Value = http
        .post(format!("{api}/auth/login"))
        .json(&json!({"username": user, "password": "luoshi-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["token"].as_str().unwrap().to_string()
}

/// The sequence number of a matter number such as 督〔2026〕12号.
fn seq(number: &str) -> i64 {
    let (_, tail) = number.split_once('〕').unwrap();
    tail.trim_end_matches('号').parse().unwrap()
}

#[tokio::test]
async fn two_instances_share_numbers_sessions_and_the_outbox_of_one_database() {
    let Some(db) = ScratchDatabase::for_test(
        "two_instances_share_numbers_sessions_and_the_outbox_of_one_database",
    )
    .await
    else {
        return;
    };
    let (hook, delivered) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("luoshi.toml");
    // No scheduler: the sweeps in this test are the ones it runs itself.
    std::fs::write(
        &config,
        format!("[scheduler]\nevery_seconds = 0\n\n[[webhook]]\nurl = \"{hook}\"\nformat = \"generic\"\n"),
    )
    .unwrap();
    let url = db.url.as_str();
    let (a, api_a) = start(
        &config,
        &["demo", "--database-url", url, "--addr", "127.0.0.1:0"],
    )
    .await;
    let (b, api_b) = start(
        &config,
        &["serve", "--database-url", url, "--addr", "127.0.0.1:0"],
    )
    .await;
    let http = reqwest::Client::new();

    // A session made at one instance works at the other.
    let ducha = login(&http, &api_a, "ducha").await;
    let res = http
        .get(format!("{api_b}/units"))
        .bearer_auth(&ducha)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        reqwest::StatusCode::OK,
        "the token from A at B"
    );
    let units: Value = res.json().await.unwrap();
    let fgw = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "fgw")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // Registrations through both instances at once get distinct numbers with no gaps.
    let register = |api: String| {
        let (http, token) = (http.clone(), ducha.clone());
        async move {
            let m: Value = http
                .post(format!("{api}/matters"))
                .bearer_auth(&token)
                .json(&json!({
                    "title": "推进政务服务“一网通办”", "content": "年底前实现高频事项全程网办。",
                    "source": "meeting", "urgency": "normal", "lead_unit_id": fgw,
                    "co_unit_ids": [], "deadline": "2026-08-28", "public": false
                }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            m["number"].as_str().unwrap().to_string()
        }
    };
    let first = seq(&register(api_a.clone()).await);
    let mut registering = tokio::task::JoinSet::new();
    for i in 0..40 {
        let api = if i % 2 == 0 { &api_a } else { &api_b };
        registering.spawn(register(api.clone()));
    }
    let mut seqs: Vec<i64> = registering
        .join_all()
        .await
        .iter()
        .map(|n| seq(n))
        .collect();
    seqs.sort();
    assert_eq!(
        seqs,
        ((first + 1)..=(first + 40)).collect::<Vec<_>>(),
        "forty numbers, each once, none skipped"
    );

    // Sweeps run at once from several processes send each message once.
    let sweeps: Vec<_> = (0..4)
        .map(|_| {
            luoshi(&config)
                .args(["sweep", "--database-url", url])
                .output()
        })
        .collect();
    let mut summaries = Vec::new();
    for sweep in sweeps {
        let out = sweep.await.unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        summaries.push(serde_json::from_slice::<Value>(&out.stdout).unwrap());
    }
    let sent: u64 = summaries
        .iter()
        .map(|s| s["delivered"].as_u64().unwrap())
        .sum();
    let ids = delivered.lock().unwrap().clone();
    let mut times: HashMap<&str, usize> = HashMap::new();
    for id in &ids {
        *times.entry(id.as_str()).or_default() += 1;
    }
    assert!(sent > 0, "the demo city has units to remind: {summaries:?}");
    assert_eq!(ids.len() as u64, sent, "{summaries:?}");
    assert!(
        times.values().all(|n| *n == 1),
        "a message was delivered twice: {times:?}"
    );
    let again = luoshi(&config)
        .args(["sweep", "--database-url", url])
        .output()
        .await
        .unwrap();
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (again["queued"].as_u64(), again["delivered"].as_u64()),
        (Some(0), Some(0)),
        "nothing is left to send, nor queued twice"
    );
    assert_eq!(delivered.lock().unwrap().len(), ids.len());

    // Both instances see the same matters.
    let total = |api: String| {
        let (http, token) = (http.clone(), ducha.clone());
        async move {
            let page: Value = http
                .get(format!("{api}/matters?limit=1"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["total"].as_i64().unwrap()
        }
    };
    assert_eq!(total(api_a.clone()).await, total(api_b.clone()).await);
    drop((a, b));
}
