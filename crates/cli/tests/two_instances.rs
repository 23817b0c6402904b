//! Two `luoshi serve` processes on one database, as a deployment with several app instances
//! runs them.

use std::collections::HashMap;

use luoshi_testkit::Scratch;
use luoshi_testkit::cli::Cli;
use luoshi_testkit::webhook::Webhook;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    two_instances_share_numbers_sessions_and_the_outbox_of_one_database
);

const CLOCK: &str = "2026-06-30T09:00:00+08:00";

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

async fn two_instances_share_numbers_sessions_and_the_outbox_of_one_database() {
    let db = Scratch::new().await;
    let hook = Webhook::start().await;
    let config = db.dir().join("luoshi.toml");
    // No scheduler: the sweeps in this test are the ones it runs itself.
    std::fs::write(
        &config,
        format!(
            "[scheduler]\nevery_seconds = 0\n\n[[webhook]]\nurl = \"{}\"\nformat = \"generic\"\n",
            hook.url
        ),
    )
    .unwrap();
    let luoshi = Cli::on(env!("CARGO_BIN_EXE_luoshi"), &db)
        .config(&config)
        .clock(CLOCK);
    let a = luoshi.start(&["demo", "--addr", "127.0.0.1:0"]).await;
    let b = luoshi.start(&["serve", "--addr", "127.0.0.1:0"]).await;
    let (api_a, api_b) = (a.api(), b.api());
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
    // `output` starts each process at once, so the four run side by side.
    let sweeps: Vec<_> = (0..4)
        .map(|_| luoshi.command(&["sweep"]).output())
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
    let ids: Vec<String> = hook.calls().into_iter().map(|c| c.delivery).collect();
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
    let again = luoshi.json(&["sweep"]).await;
    assert_eq!(
        (again["queued"].as_u64(), again["delivered"].as_u64()),
        (Some(0), Some(0)),
        "nothing is left to send, nor queued twice"
    );
    assert_eq!(hook.calls().len(), ids.len());

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
