//! The real server on a random port against a fresh database of the running test's backend,
//! and a small typed client for its API.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::DateTime;
use luoshi_domain::Calendar;
use luoshi_service::notify::SweepSummary;
use luoshi_service::{Luoshi, ManualClock, Rules};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::Scratch;

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    /// Unit ids by code.
    pub units: HashMap<String, i64>,
    /// The served application and its clock, for the scheduler's work done by hand.
    luoshi: Luoshi,
    clock: Arc<ManualClock>,
    _stop: oneshot::Sender<()>,
    _db: Scratch,
}

/// Starts Luoshi with the demo city, its clock at `now` (RFC 3339) until a test moves it.
pub async fn spawn_app(now: &str) -> TestApp {
    spawn_app_with(now, Rules::default()).await
}

/// The demo city served under an office's own rules.
pub async fn spawn_app_with(now: &str, rules: Rules) -> TestApp {
    let db = Scratch::new().await;
    let store = db.store().await;
    let clock = Arc::new(ManualClock::new(
        DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
    ));
    let luoshi = Luoshi::new(store, clock.clone(), Calendar::official(), rules)
        .await
        .unwrap();
    luoshi_service::demo::build(&luoshi).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(luoshi_http::serve(listener, luoshi.clone(), async {
        let _ = stopped.await;
    }));
    let mut app = TestApp {
        base,
        http: reqwest::Client::new(),
        units: HashMap::new(),
        luoshi,
        clock,
        _stop: stop,
        _db: db,
    };
    let token = app.login("admin").await;
    let (_, units) = app.get(&token, "/units").await;
    for u in units.as_array().unwrap() {
        app.units.insert(
            u["code"].as_str().unwrap().to_string(),
            u["id"].as_i64().unwrap(),
        );
    }
    app
}

impl TestApp {
    pub fn unit(&self, code: &str) -> i64 {
        self.units[code]
    }

    /// Moves the server's clock to `now` (RFC 3339) and runs one sweep there, as the scheduler
    /// of a server started with `--clock` would: lights, reminders, escalations.
    pub async fn sweep_at(&self, now: &str) -> SweepSummary {
        self.clock
            .set(DateTime::parse_from_rfc3339(now).unwrap().to_utc());
        self.luoshi.sweep().await.unwrap()
    }

    /// Signs in `username`: the user as the answer describes them.
    pub async fn login_user(&self, username: &str) -> Value {
        self.sign_in(username).await["user"].clone()
    }

    /// `POST /auth/login` with the demo password: the answer, token and user.
    async fn sign_in(&self, username: &str) -> Value {
        let (status, body) = self
            .post(
                "",
                "/auth/login",
                json!({"username": username, "password": "luoshi-demo"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .patch(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A file the API answers with (a workbook, a CSV), as the bytes it sent.
    pub async fn download(&self, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (res.status(), res.bytes().await.unwrap().to_vec())
    }

    pub async fn login(&self, username: &str) -> String {
        self.sign_in(username).await["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.post_raw(token, path, "application/json", body.to_string())
            .await
    }

    pub async fn post_raw(
        &self,
        token: &str,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if !token.is_empty() {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Registers a matter for `lead` (and `co`) as the supervisor; returns its id.
    pub async fn create(&self, token: &str, lead: &str, co: &[&str], deadline: &str) -> i64 {
        let co: Vec<i64> = co.iter().map(|c| self.unit(c)).collect();
        let body = json!({
            "title": "推进政务服务“一网通办”", "content": "年底前实现高频事项全程网办。",
            "source": "meeting", "urgency": "normal", "lead_unit_id": self.unit(lead),
            "co_unit_ids": co, "deadline": deadline, "public": false
        });
        let (status, m) = self.post(token, "/matters", body).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        m["id"].as_i64().unwrap()
    }

    /// A leader as the directory lists them (`GET /users?role=leader`).
    pub async fn leader(&self, token: &str, username: &str) -> Value {
        let (_, leaders) = self.get(token, "/users?role=leader").await;
        leaders
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .unwrap()
            .clone()
    }

    /// Takes a lifecycle step: `POST /matters/{id}/{verb}`.
    pub async fn step(&self, token: &str, id: i64, verb: &str, body: Value) -> (StatusCode, Value) {
        self.post(token, &format!("/matters/{id}/{verb}"), body)
            .await
    }

    /// Registers a matter and assigns it; returns its id.
    pub async fn assigned(&self, token: &str, lead: &str, co: &[&str], deadline: &str) -> i64 {
        let id = self.create(token, lead, co, deadline).await;
        let (status, m) = self.step(token, id, "assign", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{m}");
        id
    }

    pub async fn total(&self, token: &str) -> i64 {
        self.get(token, "/matters?limit=1").await.1["total"]
            .as_i64()
            .unwrap()
    }
}

/// A form with a file, encoded as a browser sends it: (content type, body).
pub fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "luoshi-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend(file.1);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
