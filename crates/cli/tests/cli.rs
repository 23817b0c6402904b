//! The `luoshi` binary as a person runs it.

use std::process::Stdio;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use luoshi_testkit::Scratch;
use luoshi_testkit::cli::{Cli, Server, announced, json_of};
use luoshi_testkit::smtp::Smtp;
use luoshi_testkit::webhook::Webhook;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    demo_builds_the_city_once_serves_it_and_stops_cleanly_on_sigterm,
    no_acknowledged_report_is_lost_when_the_server_is_killed_mid_write,
    serve_speaks_https_with_the_configured_certificate_and_only_https,
    behind_a_tls_proxy_cookies_are_secure_and_browsers_told_to_keep_to_https,
    sign_in_attempts_beyond_the_limit_wait_with_429_and_retry_after,
    a_token_name_with_a_line_break_writes_no_line_of_its_own_into_the_log,
    an_office_starts_from_an_empty_directory_and_makes_its_first_administrator_by_command,
    a_server_stopped_in_the_middle_of_a_delivery_batch_sends_nothing_twice_after_a_restart,
    bad_channel_settings_stop_serve_at_start_with_what_is_wrong,
);

const BIN: &str = env!("CARGO_BIN_EXE_luoshi");

fn luoshi(db: &Scratch) -> Cli {
    Cli::on(BIN, db)
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

async fn demo_builds_the_city_once_serves_it_and_stops_cleanly_on_sigterm() {
    let db = Scratch::new().await;
    let luoshi = luoshi(&db).clock("2026-06-30T09:00:00+08:00");
    let args = ["demo", "--addr", "127.0.0.1:0"];

    let server = luoshi.start(&args).await;
    let url = server.url.clone();
    assert!(
        server.said.iter().any(|l| l.contains("已创建演示城市")),
        "{:?}",
        server.said
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
        server.stop().await.success(),
        "SIGTERM ends the server with exit code 0"
    );

    let server = luoshi.start(&args).await;
    assert!(
        server.said.iter().any(|l| l.contains("演示数据已存在")),
        "{:?}",
        server.said
    );
    assert_eq!(
        matter_count(&server.url).await,
        first,
        "a second start leaves the data alone"
    );
    assert!(server.stop().await.success());
}

/// SQLite only: a PostgreSQL database lives on its server, with no directory to make.
#[tokio::test]
async fn a_sqlite_url_in_a_directory_not_yet_made_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new").join("city.db");
    let url = format!("sqlite://{}", file.display());
    let server = Cli::bare(BIN)
        .start(&["demo", "--database-url", &url, "--addr", "127.0.0.1:0"])
        .await;
    assert!(matter_count(&server.url).await > 0);
    assert!(server.stop().await.success());
    assert!(file.exists());
}

#[tokio::test]
async fn usage_errors_exit_2_and_failures_exit_1_with_a_message() {
    let out = Cli::bare(BIN)
        .run(&["serve", "--clock", "2026-13-01"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
    assert_eq!(Cli::bare(BIN).run(&["fly"]).await.status.code(), Some(2));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("luoshi.toml"),
        "[rules.lights]\nyellow_working_days = \"three\"\n",
    )
    .unwrap();
    let out = Cli::bare(BIN)
        .run(&["serve", "--data", dir.path().to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("yellow_working_days"));

    let out = Cli::bare(BIN)
        .run(&["serve", "--database-url", "mysql://localhost/x"])
        .await;
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test]
async fn config_default_prints_settings_that_load_back() {
    let out = Cli::bare(BIN).run(&["config", "default"]).await;
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("every_seconds = 60"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("luoshi.toml"), &text).unwrap();
    let out = Cli::bare(BIN)
        .command(&["config", "show", "--data", dir.path().to_str().unwrap()])
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

/// SQLite only: restore takes a data directory; a PostgreSQL database is backed up with pg_dump
/// and restored with pg_restore, outside Luoshi.
#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_an_empty_directory_and_serves_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let server = Cli::bare(BIN)
        .start(&[
            "demo",
            "--data",
            data.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .await;
    let url = server.url.clone();
    let before = matter_count(&url).await;
    let backup = dir.path().join("backup.db");
    let out = Cli::bare(BIN)
        .run(&[
            "backup",
            "--data",
            data.to_str().unwrap(),
            backup.to_str().unwrap(),
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.stop().await;

    let restored = dir.path().join("restored");
    let out = Cli::bare(BIN)
        .run(&[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Cli::bare(BIN)
        .start(&[
            "serve",
            "--data",
            restored.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .await;
    let url = server.url.clone();
    assert_eq!(
        matter_count(&url).await,
        before,
        "the same matters, round trip"
    );
    server.stop().await;

    let again = Cli::bare(BIN)
        .run(&[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ])
        .await;
    assert_eq!(again.status.code(), Some(1), "never over a database");
    let broken = dir.path().join("broken.db");
    let bytes = std::fs::read(&backup).unwrap();
    std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    let out = Cli::bare(BIN)
        .run(&[
            "restore",
            broken.to_str().unwrap(),
            "--data",
            dir.path().join("x").to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.status.code(), Some(1), "a broken backup is refused");
    assert!(!dir.path().join("x").join("luoshi.db").exists());
}

#[tokio::test]
async fn attachments_come_back_from_a_restore_byte_for_byte_and_altered_ones_are_refused() {
    const EVIDENCE: &[u8] = b"%PDF-1.7\n% the unit's stamped completion report\n%%EOF\n";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let server = Cli::bare(BIN)
        .start(&[
            "demo",
            "--data",
            data.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .await;
    let url = server.url.clone();
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
    let out = Cli::bare(BIN)
        .run(&[
            "backup",
            "--data",
            data.to_str().unwrap(),
            backup.to_str().unwrap(),
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.stop().await;

    let restored = dir.path().join("restored");
    let out = Cli::bare(BIN)
        .run(&[
            "restore",
            backup.to_str().unwrap(),
            "--data",
            restored.to_str().unwrap(),
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Cli::bare(BIN)
        .start(&[
            "serve",
            "--data",
            restored.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .await;
    let url = server.url.clone();
    let fgw = token(&http, &url, "fgw").await;
    let file = http
        .get(format!("{url}/api/v1/attachments/{id}"))
        .bearer_auth(&fgw)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), reqwest::StatusCode::OK);
    assert_eq!(file.bytes().await.unwrap().as_ref(), EVIDENCE);
    server.stop().await;

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
    let out = Cli::bare(BIN)
        .run(&[
            "restore",
            altered.to_str().unwrap(),
            "--data",
            target.to_str().unwrap(),
        ])
        .await;
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

async fn no_acknowledged_report_is_lost_when_the_server_is_killed_mid_write() {
    let db = Scratch::new().await;
    let luoshi = luoshi(&db);
    let server = luoshi.start(&["demo", "--addr", "127.0.0.1:0"]).await;
    let url = server.url.clone();
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
    server.stop().await;

    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    for trial in 0..20 {
        let mut server = luoshi.start(&["serve", "--addr", "127.0.0.1:0"]).await;
        let url = server.url.clone();
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
        server.child.start_kill().unwrap();
        server.child.wait().await.unwrap();
        while let Some(ack) = results.recv().await {
            acknowledged.push(ack);
        }
    }
    assert!(
        acknowledged.len() > 20,
        "the writers got through: {}",
        acknowledged.len()
    );

    let server = luoshi.start(&["serve", "--addr", "127.0.0.1:0"]).await;
    let url = server.url.clone();
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
    server.stop().await;
    if db.is_sqlite() {
        let check = db.rows("PRAGMA integrity_check").await;
        assert_eq!(check, [[Some("ok".to_string())]]);
    }
}

async fn serve_speaks_https_with_the_configured_certificate_and_only_https() {
    let db = Scratch::new().await;
    let dir = db.dir();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let ca = dir.join("ca.pem");
    // A test authority and a certificate it signs for 127.0.0.1, made by openssl.
    let openssl = |args: &[&str]| {
        let done = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(done.success(), "openssl {args:?}");
    };
    std::fs::write(
        dir.join("leaf.ext"),
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
    let data = dir.join("data");
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
    let child = luoshi(&db).start(&["demo", "--addr", "127.0.0.1:0"]).await;
    let url = child.url.clone();
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
    assert!(child.stop().await.success());

    // A key that is not a key stops serve before it announces anything.
    std::fs::write(&key, "not a key").unwrap();
    let out = luoshi(&db).run(&["serve", "--addr", "127.0.0.1:0"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private key"));
}

async fn behind_a_tls_proxy_cookies_are_secure_and_browsers_told_to_keep_to_https() {
    let db = Scratch::new().await;
    let data = db.data();
    std::fs::create_dir_all(&data).unwrap();
    for (command, behind_proxy) in [("demo", false), ("serve", true)] {
        std::fs::write(
            data.join("luoshi.toml"),
            format!("behind_tls_proxy = {behind_proxy}\n"),
        )
        .unwrap();
        let args = [command, "--addr", "127.0.0.1:0"];
        let child = luoshi(&db).start(&args).await;
        let url = child.url.clone();
        let login = reqwest::get(format!("{url}/login")).await.unwrap();
        let cookie = login.headers()["set-cookie"].to_str().unwrap();
        let hsts = login.headers().get("strict-transport-security");
        assert_eq!(cookie.ends_with("; Secure"), behind_proxy, "{cookie}");
        assert_eq!(hsts.is_some_and(|h| h == "max-age=31536000"), behind_proxy);
        assert!(child.stop().await.success());
    }
}

async fn sign_in_attempts_beyond_the_limit_wait_with_429_and_retry_after() {
    let db = Scratch::new().await;
    let data = db.data();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("luoshi.toml"),
        "[limits]\nsign_ins_per_minute = 3\n",
    )
    .unwrap();
    let child = luoshi(&db).start(&["demo", "--addr", "127.0.0.1:0"]).await;
    let url = child.url.clone();
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
    assert!(child.stop().await.success());
}

async fn a_token_name_with_a_line_break_writes_no_line_of_its_own_into_the_log() {
    let db = Scratch::new().await;
    let log = db.dir().join("luoshi.log");
    let mut child = luoshi(&db)
        .command(&["demo", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let (url, said) = announced(&mut child).await;
    let server = Server { child, url, said };
    let url = server.url.clone();
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
    assert!(server.stop().await.success());
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

async fn an_office_starts_from_an_empty_directory_and_makes_its_first_administrator_by_command() {
    let db = Scratch::new().await;
    let luoshi = luoshi(&db);

    // A task table tried before anything exists: every unit is reported, nothing written.
    let table = db.dir().join("任务.csv");
    std::fs::write(
        &table,
        "序号,工作任务,牵头单位,完成时限\n1,推进政务服务一网通办,市财政局,2026年12月底前\n",
    )
    .unwrap();
    let plan = luoshi
        .json(&["import", table.to_str().unwrap(), "--dry-run", "--json"])
        .await;
    assert_eq!(plan["rows"][0]["unit_ids"], json!([]));
    assert!(!plan["rows"][0]["problems"].as_array().unwrap().is_empty());

    let child = luoshi.start(&["serve", "--addr", "127.0.0.1:0"]).await;
    let url = child.url.clone();
    let login = text_of(&format!("{url}/login")).await;
    assert!(login.contains("尚无系统管理员"), "{login}");
    assert!(
        login.contains("luoshi user add admin --role admin --unit city"),
        "{login}"
    );

    let city = luoshi
        .json(&["unit", "add", "云州市人民政府", "--code", "city"])
        .await;
    assert_eq!(
        (city["kind"].as_str(), city["parent_id"].as_i64()),
        (Some("government"), None)
    );
    let czj = luoshi
        .json(&[
            "unit",
            "add",
            "云州市财政局",
            "--code",
            "czj",
            "--parent",
            "city",
            "--short",
            "市财政局,财政局",
        ])
        .await;
    assert_eq!(czj["short_names"], json!(["市财政局", "财政局"]));
    let admin = luoshi
        .json(&[
            "user", "add", "admin", "--role", "admin", "--unit", "city", "--name", "王敏",
        ])
        .await;
    let once = admin["initial_password"].as_str().unwrap().to_string();
    let taken = luoshi
        .run(&["user", "add", "admin", "--role", "admin", "--unit", "city"])
        .await;
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
    assert!(child.stop().await.success());

    // Now the table's unit is found, by its short name.
    let plan = luoshi
        .json(&["import", table.to_str().unwrap(), "--dry-run", "--json"])
        .await;
    assert_eq!(plan["rows"][0]["unit_ids"], json!([czj["id"]]), "{plan}");

    // A password given on standard input is the person's own, with nothing to change.
    let mut child = luoshi
        .command(&[
            "user",
            "add",
            "ducha",
            "--role",
            "supervisor",
            "--unit",
            "city",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Yunzhou-Office-9\n")
        .await
        .unwrap();
    let added = json_of(&child.wait_with_output().await.unwrap());
    assert!(added.get("initial_password").is_none(), "{added}");
}

/// Every delivery id the receivers got, each as often as it came: mails by their `Message-ID`,
/// webhook calls by `X-Luoshi-Delivery`.
fn arrived(smtp: &Smtp, hook: &Webhook) -> Vec<String> {
    let mails = smtp.mail().into_iter().map(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("Message-ID: <"))
            .and_then(|l| l.strip_suffix("@luoshi>"))
            .expect("every mail has its Message-ID")
            .to_string()
    });
    mails
        .chain(hook.calls().into_iter().map(|c| c.delivery))
        .collect()
}

/// The outbox's rows: each message's id and state.
async fn outbox(db: &Scratch) -> BTreeMap<String, String> {
    db.rows("SELECT id, state FROM outbox")
        .await
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect()
}

async fn a_server_stopped_in_the_middle_of_a_delivery_batch_sends_nothing_twice_after_a_restart() {
    let db = Scratch::new().await;
    let settings = db.data().join("luoshi.toml");
    // The demo city is built without a sweep, so that its reminders are the server's to send.
    let monday = "2026-06-01T10:00:00+08:00";
    luoshi(&db).clock(monday).demo().await;
    // Receivers that take a message at once and acknowledge it a while later: a batch is
    // always in flight, and a sender gone before the answer has delivered unawares.
    let smtp = Smtp::slow(Duration::from_millis(300)).await;
    let hook = Webhook::slow(Duration::from_millis(300)).await;
    std::fs::create_dir_all(db.data()).unwrap();
    std::fs::write(
        &settings,
        format!(
            "[scheduler]\nevery_seconds = 1\n\n[smtp]\nurl = \"{}\"\nfrom = \"督查室 <ducha@example.gov.cn>\"\n\n[[webhook]]\nurl = \"{}\"\n",
            smtp.url, hook.url
        ),
    )
    .unwrap();
    let serve = ["serve", "--addr", "127.0.0.1:0"];
    let server = luoshi(&db).clock(monday).start(&serve).await;
    let started = Instant::now();
    while smtp.mail().is_empty() || hook.calls().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(server.stop().await.success(), "SIGTERM ends it with 0");

    let before = arrived(&smtp, &hook);
    let rows = outbox(&db).await;
    for id in &before {
        assert_eq!(
            rows.get(id).map(String::as_str),
            Some("sent"),
            "{id} arrived before the stop and is recorded as sent"
        );
    }
    assert!(
        rows.values().any(|state| state == "pending"),
        "the stop came in the middle: some messages wait for the restart ({} of {} arrived)",
        before.len(),
        rows.len()
    );

    // Two hours later every claim of the first process has long run out.
    let server = luoshi(&db)
        .clock("2026-06-01T12:00:00+08:00")
        .start(&serve)
        .await;
    let started = Instant::now();
    while outbox(&db).await.values().any(|state| state != "sent") {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{:?}",
            outbox(&db).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(server.stop().await.success());

    let all = arrived(&smtp, &hook);
    let once: BTreeSet<&String> = all.iter().collect();
    let twice: Vec<&String> = once
        .iter()
        .copied()
        .filter(|id| all.iter().filter(|a| a == id).count() > 1)
        .collect();
    assert!(twice.is_empty(), "arrived more than once: {twice:?}");
    let queued = outbox(&db).await;
    assert_eq!(
        once,
        queued.keys().collect::<BTreeSet<_>>(),
        "everything queued arrived, and nothing else"
    );
    assert!(all.len() > before.len(), "the restart sent the rest");
}

async fn bad_channel_settings_stop_serve_at_start_with_what_is_wrong() {
    let db = Scratch::new().await;
    std::fs::create_dir_all(db.data()).unwrap();
    let settings = db.data().join("luoshi.toml");
    let luoshi = luoshi(&db);
    luoshi
        .run(&["unit", "add", "云州市人民政府", "--code", "city"])
        .await;
    let serve = ["serve", "--addr", "127.0.0.1:0"];
    for (toml, says) in [
        (
            "[[webhook]]\nurl = \"http://127.0.0.1:9/hook\"\nunit = \"nowhere\"\n",
            "[[webhook]] 1 unit: no unit has the code \"nowhere\"",
        ),
        (
            "[sms]\nurl = \"ftp://127.0.0.1/sms\"\n",
            "[sms] url: not an http:// or https:// URL (it starts with ftp:)",
        ),
        ("[sms]\nsecret = \"s\"\n", "missing field `url`"),
        (
            "[[webhook]]\nurl = \"http://127.0.0.1:9/hook\"\nunits = \"city\"\n",
            "found `units`",
        ),
    ] {
        std::fs::write(&settings, toml).unwrap();
        let out = luoshi.run(&serve).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{toml}: {stderr}");
        assert!(stderr.contains(says), "{toml}: {stderr}");
    }
    // A webhook scoped to a unit the tree has, and a gateway at an HTTP URL, start.
    std::fs::write(
        &settings,
        "[[webhook]]\nurl = \"http://127.0.0.1:9/hook\"\nunit = \"city\"\n\n[sms]\nurl = \"http://127.0.0.1:9/sms\"\n",
    )
    .unwrap();
    assert!(luoshi.start(&serve).await.stop().await.success());
}
