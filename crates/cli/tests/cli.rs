//! The `luoshi` binary as a person runs it.

use std::process::{ExitStatus, Stdio};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn luoshi() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_luoshi"));
    cmd.env_remove("RUST_LOG").kill_on_drop(true);
    cmd
}

/// Starts `luoshi ARGS`, waits for the line announcing the address, and returns it with the
/// lines printed before it.
async fn start(args: &[&str]) -> (Child, String, Vec<String>) {
    let mut child = luoshi()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut before = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(at) = line.find("http://").or_else(|| line.find("https://")) {
            let url = line[at..].split_whitespace().next().unwrap().to_string();
            return (child, url, before);
        }
        before.push(line);
    }
    panic!("luoshi exited without announcing its address; it printed {before:?}");
}

async fn stop(mut child: Child) -> ExitStatus {
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().await.unwrap()
}

async fn matter_count(url: &str) -> i64 {
    let http = reqwest::Client::new();
    let token = token(&http, url, "ducha").await;
    let page: Value = http
        .get(format!("{url}/api/v1/matters?limit=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["total"].as_i64().unwrap()
}

#[tokio::test]
async fn demo_builds_the_city_once_serves_it_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let args = [
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--clock",
        "2026-06-30T09:00:00+08:00",
    ];

    let (child, url, said) = start(&args).await;
    assert!(
        said.iter().any(|l| l.contains("已创建演示城市")),
        "{said:?}"
    );
    let health: Value = reqwest::get(format!("{url}/api/v1/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, json!({"status": "ok"}));
    let first = matter_count(&url).await;
    assert!(
        first >= 60,
        "the demo city has about 80 matters, found {first}"
    );
    assert!(
        stop(child).await.success(),
        "SIGTERM ends the server with exit code 0"
    );

    let (child, url, said) = start(&args).await;
    assert!(
        said.iter().any(|l| l.contains("演示数据已存在")),
        "{said:?}"
    );
    assert_eq!(
        matter_count(&url).await,
        first,
        "a second start leaves the data alone"
    );
    assert!(stop(child).await.success());
}

#[tokio::test]
async fn a_sqlite_url_in_a_directory_not_yet_made_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new").join("city.db");
    let url = format!("sqlite://{}", file.display());
    let (child, url_served, _) =
        start(&["demo", "--database-url", &url, "--addr", "127.0.0.1:0"]).await;
    assert!(matter_count(&url_served).await > 0);
    assert!(stop(child).await.success());
    assert!(file.exists());
}

#[tokio::test]
async fn usage_errors_exit_2_and_failures_exit_1_with_a_message() {
    let out = luoshi()
        .args(["serve", "--clock", "2026-13-01"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
    assert_eq!(
        luoshi().arg("fly").output().await.unwrap().status.code(),
        Some(2)
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("luoshi.toml"),
        "[rules.lights]\nyellow_working_days = \"three\"\n",
    )
    .unwrap();
    let out = luoshi()
        .args(["serve", "--data", dir.path().to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("yellow_working_days"));

    let out = luoshi()
        .args(["serve", "--database-url", "mysql://localhost/x"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test]
async fn config_default_prints_settings_that_load_back() {
    let out = luoshi().args(["config", "default"]).output().await.unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("every_seconds = 60"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("luoshi.toml"), &text).unwrap();
    let out = luoshi()
        .args(["config", "show", "--data", dir.path().to_str().unwrap()])
        .env("LUOSHI_ADDR", "127.0.0.1:9")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("addr = \"127.0.0.1:9\""),
        "the environment overrides the file"
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_an_empty_directory_and_serves_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let (server, url, _) = start(&[
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    let before = matter_count(&url).await;
    let backup = dir.path().join("backup.db");
    let out = luoshi()
        .args([
            "backup",
            "--data",
            data.to_str().unwrap(),
            backup.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stop(server).await;

    let restored = dir.path().join("restored");
    let out = luoshi()
        .args([
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server, url, _) = start(&[
        "serve",
        "--data",
        restored.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    assert_eq!(
        matter_count(&url).await,
        before,
        "the same matters, round trip"
    );
    stop(server).await;

    let again = luoshi()
        .args([
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "never over a database");
    let broken = dir.path().join("broken.db");
    let bytes = std::fs::read(&backup).unwrap();
    std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    let out = luoshi()
        .args([
            "restore",
            broken.to_str().unwrap(),
            "--data",
            dir.path().join("x").to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a broken backup is refused");
    assert!(!dir.path().join("x").join("luoshi.db").exists());
}

#[tokio::test]
async fn attachments_come_back_from_a_restore_byte_for_byte_and_altered_ones_are_refused() {
    const EVIDENCE: &[u8] = b"%PDF-1.7\n% the unit's stamped completion report\n%%EOF\n";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let (server, url, _) = start(&[
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    let http = reqwest::Client::new();
    let fgw = token(&http, &url, "fgw").await;
    let working: Value = http
        .get(format!("{url}/api/v1/matters?state=in_progress&limit=1"))
        .bearer_auth(&fgw)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let matter = working["items"][0]["id"].as_i64().unwrap();
    let boundary = "evidence-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"完成报告.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend(EVIDENCE);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let attached: Value = http
        .post(format!("{url}/api/v1/matters/{matter}/attachments"))
        .bearer_auth(&fgw)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = attached["id"].as_i64().expect("the upload was taken");
    let sha256 = attached["sha256"].as_str().unwrap().to_string();

    let backup = dir.path().join("backup.db");
    let args = ["backup", "--data", data.to_str().unwrap()];
    let out = luoshi().args(args).arg(&backup).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stop(server).await;

    let restored = dir.path().join("restored");
    let out = luoshi()
        .args(["restore", backup.to_str().unwrap(), "--data"])
        .arg(&restored)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server, url, _) = start(&[
        "serve",
        "--data",
        restored.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    let fgw = token(&http, &url, "fgw").await;
    let file = http
        .get(format!("{url}/api/v1/attachments/{id}"))
        .bearer_auth(&fgw)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), reqwest::StatusCode::OK);
    assert_eq!(file.bytes().await.unwrap().as_ref(), EVIDENCE);
    stop(server).await;

    let altered = dir.path().join("altered.db");
    std::fs::copy(&backup, &altered).unwrap();
    rusqlite::Connection::open(&altered)
        .unwrap()
        .execute(
            "UPDATE blobs SET bytes = ?1 WHERE sha256 = ?2",
            rusqlite::params![b"%PDF-1.7\n% a different report\n".to_vec(), sha256],
        )
        .unwrap();
    let target = dir.path().join("x");
    let out = luoshi()
        .args(["restore", altered.to_str().unwrap(), "--data"])
        .arg(&target)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an altered file is refused");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&sha256), "the file is named: {stderr}");
    assert!(!target.join("luoshi.db").exists());
}

/// Signs in through the API with the demo password: the token and the user, as the answer
/// gives them.
async fn login(http: &reqwest::Client, url: &str, user: &str) -> Value {
    sign_in(http, url, user, "luoshi-demo").await
}

async fn sign_in(http: &reqwest::Client, url: &str, user: &str, password: &str) -> Value {
    http.post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn token(http: &reqwest::Client, url: &str, user: &str) -> String {
    login(http, url, user).await["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn no_acknowledged_report_is_lost_when_the_server_is_killed_mid_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let (server, url, _) = start(&["demo", "--data", &data, "--addr", "127.0.0.1:0"]).await;
    let http = reqwest::Client::new();
    let fgw = token(&http, &url, "fgw").await;
    let page: Value = http
        .get(format!("{url}/api/v1/matters?limit=500"))
        .bearer_auth(&fgw)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = login(&http, &url, "fgw").await;
    let fgw_unit = me["user"]["unit_id"].clone();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            matches!(m["state"].as_str(), Some("signed" | "in_progress"))
                && m["lead_unit_id"] == fgw_unit
        })
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.is_empty());
    stop(server).await;

    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    for trial in 0..20 {
        let (mut server, url, _) =
            start(&["serve", "--data", &data, "--addr", "127.0.0.1:0"]).await;
        let fgw = token(&http, &url, "fgw").await;
        let (done, mut results) = tokio::sync::mpsc::unbounded_channel();
        for writer in 0..4 {
            let (http, url, fgw, ids, done) = (
                http.clone(),
                url.clone(),
                fgw.clone(),
                ids.clone(),
                done.clone(),
            );
            tokio::spawn(async move {
                for n in 0.. {
                    let id = ids[(writer + n) % ids.len()];
                    let text = format!("第{trial}轮第{writer}路第{n}次进展");
                    let res = http
                        .post(format!("{url}/api/v1/matters/{id}/feedback"))
                        .bearer_auth(&fgw)
                        .json(&json!({"progress_text": text, "percent": 50}))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status().is_success() => {
                            if done.send((id, text)).is_err() {
                                return;
                            }
                        }
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
            });
        }
        drop(done);
        tokio::time::sleep(std::time::Duration::from_millis(150 + 20 * trial as u64)).await;
        server.start_kill().unwrap();
        server.wait().await.unwrap();
        while let Some(ack) = results.recv().await {
            acknowledged.push(ack);
        }
    }
    assert!(
        acknowledged.len() > 20,
        "the writers got through: {}",
        acknowledged.len()
    );

    let (server, url, _) = start(&["serve", "--data", &data, "--addr", "127.0.0.1:0"]).await;
    let ducha = token(&http, &url, "ducha").await;
    for id in &ids {
        let matter: Value = http
            .get(format!("{url}/api/v1/matters/{id}"))
            .bearer_auth(&ducha)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let timeline: Vec<&str> = matter["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["comment"].as_str())
            .collect();
        for (_, text) in acknowledged.iter().filter(|(m, _)| m == id) {
            assert!(
                timeline.contains(&text.as_str()),
                "acknowledged and lost: {text}"
            );
        }
    }
    stop(server).await;
    let db = rusqlite::Connection::open(dir.path().join("luoshi.db")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test]
async fn serve_speaks_https_with_the_configured_certificate_and_only_https() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let ca = dir.path().join("ca.pem");
    // A test authority and a certificate it signs for 127.0.0.1, made by openssl.
    let openssl = |args: &[&str]| {
        let done = std::process::Command::new("openssl")
            .current_dir(dir.path())
            .args(args)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(done.success(), "openssl {args:?}");
    };
    std::fs::write(
        dir.path().join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Luoshi Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ]);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("luoshi.toml"),
        format!(
            "[tls]\ncert = {:?}\nkey = {:?}\n",
            cert.to_str().unwrap(),
            key.to_str().unwrap()
        ),
    )
    .unwrap();
    let (child, url, _) = start(&[
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap())
        .build()
        .unwrap();
    let health = trusting
        .get(format!("{url}/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let login = trusting.get(format!("{url}/login")).send().await.unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    let plain = url.replace("https://", "http://");
    assert!(
        reqwest::get(format!("{plain}/api/v1/health"))
            .await
            .is_err(),
        "plain HTTP gets no answer"
    );
    assert!(stop(child).await.success());

    // A key that is not a key stops serve before it announces anything.
    std::fs::write(&key, "not a key").unwrap();
    let out = luoshi()
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private key"));
}

#[tokio::test]
async fn behind_a_tls_proxy_cookies_are_secure_and_browsers_told_to_keep_to_https() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for (command, behind_proxy) in [("demo", false), ("serve", true)] {
        std::fs::write(
            data.join("luoshi.toml"),
            format!("behind_tls_proxy = {behind_proxy}\n"),
        )
        .unwrap();
        let args = [
            command,
            "--data",
            data.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ];
        let (child, url, _) = start(&args).await;
        let login = reqwest::get(format!("{url}/login")).await.unwrap();
        let cookie = login.headers()["set-cookie"].to_str().unwrap();
        let hsts = login.headers().get("strict-transport-security");
        assert_eq!(cookie.ends_with("; Secure"), behind_proxy, "{cookie}");
        assert_eq!(hsts.is_some_and(|h| h == "max-age=31536000"), behind_proxy);
        assert!(stop(child).await.success());
    }
}

#[tokio::test]
async fn sign_in_attempts_beyond_the_limit_wait_with_429_and_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("luoshi.toml"),
        "[limits]\nsign_ins_per_minute = 3\n",
    )
    .unwrap();
    let (child, url, _) = start(&[
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ])
    .await;
    let http = reqwest::Client::new();
    let attempt = || {
        http.post(format!("{url}/api/v1/auth/login"))
            .json(&json!({"username": "fgw", "password": "luoshi-demo"}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(attempt().await.unwrap().status(), reqwest::StatusCode::OK);
    }
    let refused = attempt().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let health = http
        .get(format!("{url}/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        reqwest::StatusCode::OK,
        "other requests go on"
    );
    assert!(stop(child).await.success());
}

#[tokio::test]
async fn a_token_name_with_a_line_break_writes_no_line_of_its_own_into_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("luoshi.log");
    let data = dir.path().join("data");
    let mut child = luoshi()
        .args(["demo", "--addr", "127.0.0.1:0", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = String::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(at) = line.find("http://") {
            url = line[at..].split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    let http = reqwest::Client::new();
    let session = token(&http, &url, "fgw").await;
    let forged = "报表\n2026-12-04T08:00:00Z INFO ok\r\u{1b}[1A";
    let made = http
        .post(format!("{url}/api/v1/tokens"))
        .bearer_auth(&session)
        .json(&json!({"name": forged, "scope": "read"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), reqwest::StatusCode::CREATED);
    assert!(stop(child).await.success());
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("报表\\n2026-12-04T08:00:00Z INFO ok\\r\\u{1b}[1A"),
        "{written}"
    );
    assert!(
        written
            .lines()
            .all(|l| !l.starts_with("2026-12-04T08:00:00")),
        "{written}"
    );
    assert!(!written.contains('\u{1b}'));
}

async fn text_of(url: &str) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn an_office_starts_from_an_empty_directory_and_makes_its_first_administrator_by_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("office");
    let data = data.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--data", data]);
        std::process::Command::new(env!("CARGO_BIN_EXE_luoshi"))
            .args(&all)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let json = |out: &std::process::Output| -> Value {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };

    // A task table tried before anything exists: every unit is reported, nothing written.
    let table = dir.path().join("任务.csv");
    std::fs::write(
        &table,
        "序号,工作任务,牵头单位,完成时限\n1,推进政务服务一网通办,市财政局,2026年12月底前\n",
    )
    .unwrap();
    let plan = json(&run(&[
        "import",
        table.to_str().unwrap(),
        "--dry-run",
        "--json",
    ]));
    assert_eq!(plan["rows"][0]["unit_ids"], json!([]));
    assert!(!plan["rows"][0]["problems"].as_array().unwrap().is_empty());

    let (child, url, _) = start(&["serve", "--data", data, "--addr", "127.0.0.1:0"]).await;
    let login = text_of(&format!("{url}/login")).await;
    assert!(login.contains("尚无系统管理员"), "{login}");
    assert!(
        login.contains("luoshi user add admin --role admin --unit city"),
        "{login}"
    );

    let city = json(&run(&["unit", "add", "云州市人民政府", "--code", "city"]));
    assert_eq!(
        (city["kind"].as_str(), city["parent_id"].as_i64()),
        (Some("government"), None)
    );
    let czj = json(&run(&[
        "unit",
        "add",
        "云州市财政局",
        "--code",
        "czj",
        "--parent",
        "city",
        "--short",
        "市财政局,财政局",
    ]));
    assert_eq!(czj["short_names"], json!(["市财政局", "财政局"]));
    let admin = json(&run(&[
        "user", "add", "admin", "--role", "admin", "--unit", "city", "--name", "王敏",
    ]));
    let once = admin["initial_password"].as_str().unwrap().to_string();
    let taken = run(&["user", "add", "admin", "--role", "admin", "--unit", "city"]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("用户名 admin 已被使用"));

    // The serving process signs the new administrator in, who must choose a password first.
    let http = reqwest::Client::new();
    let signed_in = sign_in(&http, &url, "admin", &once).await;
    assert_eq!(signed_in["must_change_password"], true, "{signed_in}");
    let token = signed_in["token"].as_str().unwrap();
    let changed = http
        .post(format!("{url}/api/v1/me/password"))
        .bearer_auth(token)
        .json(&json!({"current": once, "new": "Yunzhou-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), reqwest::StatusCode::OK);
    let login = text_of(&format!("{url}/login")).await;
    assert!(!login.contains("尚无系统管理员"));
    assert!(stop(child).await.success());

    // Now the table's unit is found, by its short name.
    let plan = json(&run(&[
        "import",
        table.to_str().unwrap(),
        "--dry-run",
        "--json",
    ]));
    assert_eq!(plan["rows"][0]["unit_ids"], json!([czj["id"]]), "{plan}");

    // A password given on standard input is the person's own, with nothing to change.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args([
            "user",
            "add",
            "ducha",
            "--role",
            "supervisor",
            "--unit",
            "city",
            "--password-stdin",
            "--data",
            data,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Yunzhou-Office-9\n")
        .unwrap();
    let added = json(&child.wait_with_output().unwrap());
    assert!(added.get("initial_password").is_none(), "{added}");
}
