//! An office from nothing, through the command line and the API only, as a 督查室 installs
//! Luoshi on Monday and runs it on Tuesday: the first administrator, the contact list, a task
//! table imported and assigned, liaisons who sign, report and ask to close, the supervisor who
//! closes, and the scores. On SQLite, and on PostgreSQL when `LUOSHI_TEST_POSTGRES` names a
//! server.

use std::path::Path;

use luoshi_testkit::Scratch;
use luoshi_testkit::cli::Cli;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(an_office_runs_from_nothing_through_the_command_line_and_the_api);

const CLOCK: &str = "2026-06-30T09:00:00+08:00";

/// `luoshi ARGS` on the office's database, at the story's moment.
fn luoshi(db: &Scratch) -> Cli {
    Cli::on(env!("CARGO_BIN_EXE_luoshi"), db).clock(CLOCK)
}

/// The city's list: the government, its office with two supervisors, 38 departments and
/// towns under the government with two liaisons each — 40 units, 80 people.
fn contact_list() -> String {
    let mut rows = vec!["单位名称,上级单位,简称,姓名,角色,手机号码".to_string()];
    rows.push("云州市人民政府,,市政府,周市长,领导,13600000001".into());
    rows.push("云州市人民政府,,市政府,吴秘书,联络员,13600000002".into());
    rows.push("市政府督查室,云州市人民政府,督查室,郑督查,督查人员,13600000003".into());
    rows.push("市政府督查室,云州市人民政府,督查室,王督查,督查人员,13600000004".into());
    for i in 1..=38 {
        let (name, short) = if i <= 30 {
            (format!("云州市第{i}局"), format!("市{i}局"))
        } else {
            (format!("云州市第{i}镇人民政府"), format!("第{i}镇"))
        };
        for p in 1..=2 {
            let n = i * 2 + p;
            rows.push(format!(
                "{name},云州市人民政府,{short},联络员{n},,136{n:08}"
            ));
        }
    }
    rows.join("\n") + "\n"
}

/// The one-time passwords the contact list handed out, by username.
fn passwords(workbook: &Path) -> std::collections::HashMap<String, String> {
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("初始密码.xlsx", &std::fs::read(workbook).unwrap()).unwrap()
    else {
        panic!("a workbook")
    };
    grids[0]
        .rows
        .iter()
        .skip(2)
        .map(|r| (r[2].clone(), r[3].clone()))
        .collect()
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(&self, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
        let req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .bearer_auth(token);
        let req = if method == "GET" {
            req
        } else {
            req.json(&body)
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Signs in with a one-time password, chooses one's own, and signs in with it.
    async fn first_sign_in(&self, username: &str, once: &str) -> String {
        let (status, answer) = self
            .call(
                "",
                "POST",
                "/auth/login",
                json!({"username": username, "password": once}),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["must_change_password"], true);
        let token = answer["token"].as_str().unwrap().to_string();
        let own = "Yunzhou-Office-2026";
        let body = json!({"current": once, "new": own});
        assert_eq!(self.call(&token, "POST", "/me/password", body).await.0, 200);
        let login = json!({"username": username, "password": own});
        let (status, answer) = self.call("", "POST", "/auth/login", login).await;
        assert_eq!(status, 200, "{answer}");
        answer["token"].as_str().unwrap().to_string()
    }
}

async fn an_office_runs_from_nothing_through_the_command_line_and_the_api() {
    let db = Scratch::new().await;
    let work = db.dir();
    // The first administrator, made on the server.
    let city = luoshi(&db)
        .json(&["unit", "add", "云州市人民政府", "--code", "city"])
        .await;
    assert_eq!(city["kind"], "government");
    let admin = luoshi(&db)
        .json(&["user", "add", "admin", "--role", "admin", "--unit", "city"])
        .await;
    assert!(admin["initial_password"].is_string());

    // The contact list, then a task table that names its units as the list wrote them.
    let list = work.join("通讯录.csv");
    std::fs::write(&list, contact_list()).unwrap();
    let book = work.join("初始密码.xlsx");
    let added = luoshi(&db)
        .json(&[
            "org",
            "import",
            list.to_str().unwrap(),
            "--json",
            "--passwords",
            book.to_str().unwrap(),
        ])
        .await;
    assert_eq!(
        (
            added["units_added"].as_u64(),
            added["people_added"].as_u64()
        ),
        (Some(40 - 1), Some(80))
    );
    let passwords = passwords(&book);
    let table = work.join("任务.csv");
    std::fs::write(
        &table,
        "序号,工作任务,牵头单位,配合单位,完成时限\n\
         1,推进政务服务一网通办,市1局,市2局,2026年9月底前\n\
         2,完成老旧小区改造42个,市3局,,2026年12月31日前\n\
         3,建成镇级养老服务中心,第31镇,,年底前\n",
    )
    .unwrap();
    let imported = luoshi(&db)
        .json(&[
            "import",
            table.to_str().unwrap(),
            "--assign",
            "--user",
            "13600000003",
            "--json",
        ])
        .await;
    let created = imported["created"].as_array().unwrap();
    assert_eq!(created.len(), 3, "{imported}");

    // Everyone else works through the API of the server.
    let server = luoshi(&db).start(&["serve", "--addr", "127.0.0.1:0"]).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: server.api(),
    };
    let supervisor = api
        .first_sign_in("13600000003", &passwords["13600000003"])
        .await;
    let (_, matters) = api
        .call(&supervisor, "GET", "/matters?state=assigned", json!({}))
        .await;
    assert_eq!(matters["total"], 3, "{matters}");
    for m in matters["items"].as_array().unwrap() {
        let id = m["id"].as_i64().unwrap();
        let (_, detail) = api
            .call(&supervisor, "GET", &format!("/matters/{id}"), json!({}))
            .await;
        for a in detail["assignments"].as_array().unwrap() {
            // The first liaison of each unit on the list: its phone is its username.
            let (_, people) = api
                .call(
                    &supervisor,
                    "GET",
                    &format!("/users?unit_id={}", a["unit_id"]),
                    json!({}),
                )
                .await;
            let liaison = people
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["role"] == "liaison")
                .unwrap()["username"]
                .as_str()
                .unwrap()
                .to_string();
            let token = api.first_sign_in(&liaison, &passwords[&liaison]).await;
            let path = |verb: &str| format!("/matters/{id}/{verb}");
            assert_eq!(
                api.call(&token, "POST", &path("sign"), json!({})).await.0,
                200
            );
            let report = json!({"progress_text": "已全部完成", "percent": 100});
            assert_eq!(
                api.call(&token, "POST", &path("feedback"), report).await.0,
                200
            );
            if a["role"] == "lead" {
                let done = json!({"summary": "已按期完成"});
                let (status, answer) = api
                    .call(&token, "POST", &path("request-completion"), done)
                    .await;
                assert_eq!(status, 200, "{answer}");
            }
        }
        let close = json!({"comment": "同意办结"});
        let (status, closed) = api
            .call(&supervisor, "POST", &format!("/matters/{id}/close"), close)
            .await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["state"], "closed");
    }

    let (status, scores) = api
        .call(&supervisor, "GET", "/assessment?period=2026", json!({}))
        .await;
    assert_eq!(status, 200, "{scores}");
    let scored: Vec<&str> = scores["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["items"].as_array().unwrap().is_empty())
        .map(|s| s["unit"].as_str().unwrap())
        .collect();
    for unit in ["云州市第1局", "云州市第3局", "云州市第31镇人民政府"] {
        assert!(
            scored.contains(&unit),
            "{unit} scored for closing on time: {scores}"
        );
    }
    server.stop().await;
}
