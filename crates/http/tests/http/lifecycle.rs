//! The matter lifecycle over the JSON API, against a real server on each backend.

use luoshi_testkit::app::spawn_app;
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    a_matter_goes_from_registration_to_closed_and_its_timeline_holds_every_step,
    a_liaison_cannot_close_nor_see_or_touch_another_units_matter,
    a_returned_matter_and_an_approved_extension,
    numbers_stay_gap_free_when_matters_are_registered_at_once,
    a_matter_with_a_leader_and_milestones_classes_each_report_against_the_plan,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn a_matter_goes_from_registration_to_closed_and_its_timeline_holds_every_step() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let czj = app.login("czj").await;
    let id = app.create(&ducha, "fgw", &["czj"], "2026-08-28").await;
    let path = |verb: &str| format!("/matters/{id}/{verb}");

    let (status, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(m["state"], "draft");
    assert!(
        m["number"].as_str().unwrap().starts_with("督〔2026〕"),
        "{}",
        m["number"]
    );

    let (status, m) = app.post(&ducha, &path("assign"), json!({})).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("assigned"))
    );
    let (status, m) = app.post(&fgw, &path("sign"), json!({})).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("assigned"))
    );
    let (status, m) = app.post(&czj, &path("sign"), json!({})).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("signed"))
    );

    let (status, m) = app
        .post(
            &fgw,
            &path("feedback"),
            json!({"progress_text": "已完成方案起草", "percent": 40}),
        )
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("in_progress"))
    );
    assert_eq!(m["assignments"][0]["percent"], 40);

    let (status, err) = app
        .post(
            &czj,
            &path("request-completion"),
            json!({"summary": "配合工作已完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"]["code"], "forbidden");

    let (status, m) = app
        .post(
            &fgw,
            &path("request-completion"),
            json!({"summary": "全部完成"}),
        )
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("completion_requested"))
    );
    let (status, m) = app
        .post(&ducha, &path("close"), json!({"comment": "同意办结"}))
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    let kinds: Vec<&str> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "assigned",
            "signed",
            "signed",
            "feedback",
            "completion_requested",
            "closed"
        ]
    );
    for e in m["events"].as_array().unwrap() {
        assert!(e["actor_id"].as_i64().unwrap() > 0, "{e}");
        assert_eq!(e["at"], "2026-06-30T09:00:00+08:00", "{e}");
    }
}

async fn a_liaison_cannot_close_nor_see_or_touch_another_units_matter() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let czj = app.login("czj").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    app.step(&fgw, id, "request-completion", json!({"summary": "完成"}))
        .await;

    let (status, _) = app.step(&fgw, id, "close", json!({"comment": ""})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&czj, &format!("/matters/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for verb in ["sign", "close", "return"] {
        let (status, _) = app
            .post(
                &czj,
                &format!("/matters/{id}/{verb}"),
                json!({"comment": "", "reason": "x"}),
            )
            .await;
        assert!(
            matches!(
                status,
                StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{verb}: {status}"
        );
        assert_ne!(status, StatusCode::OK);
    }
    let (_, list) = app.get(&czj, "/matters?limit=500").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != id)
    );
    let (status, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("completion_requested"))
    );
}

async fn a_returned_matter_and_an_approved_extension() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let mayor = app.login("shizhang").await;
    let (_, me) = app.get(&mayor, "/matters?limit=1").await;
    assert!(me["total"].as_i64().unwrap() > 0);
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;

    app.step(&fgw, id, "request-completion", json!({"summary": "完成"}))
        .await;
    let (status, m) = app
        .step(&ducha, id, "return", json!({"reason": "缺少佐证材料"}))
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("in_progress"))
    );

    let (status, m) = app
        .step(
            &fgw,
            id,
            "extension",
            json!({"new_deadline": "2026-09-30", "reason": "资金尚未到位"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["extension"]["new_deadline"], "2026-09-30");
    let (status, m) = app
        .step(&ducha, id, "extension/approve", json!({"comment": "同意"}))
        .await;
    assert_eq!(
        (status, m["deadline"].as_str()),
        (StatusCode::OK, Some("2026-08-28"))
    );
    let (status, m) = app
        .step(&mayor, id, "extension/approve", json!({"comment": "同意"}))
        .await;
    assert_eq!(
        (status, m["deadline"].as_str()),
        (StatusCode::OK, Some("2026-09-30")),
        "{m}"
    );

    let (status, m) = app
        .step(&ducha, id, "remind", json!({"message": "请抓紧办理"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        m["events"].as_array().unwrap().last().unwrap()["kind"],
        "reminded"
    );
    let (status, m) = app
        .step(&ducha, id, "cancel", json!({"reason": "情况变化,不再督办"}))
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
}

async fn numbers_stay_gap_free_when_matters_are_registered_at_once() {
    let app = std::sync::Arc::new(spawn_app(NOW).await);
    let ducha = app.login("ducha").await;
    let (_, before) = app.get(&ducha, "/matters?limit=500").await;
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let (app, token) = (app.clone(), ducha.clone());
        tasks.push(tokio::spawn(async move {
            app.create(&token, "czj", &[], "2026-12-31").await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    let mut seqs = Vec::new();
    for id in ids {
        let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
        let n = m["number"]
            .as_str()
            .unwrap()
            .trim_start_matches("督〔2026〕")
            .trim_end_matches('号')
            .to_string();
        seqs.push(n.parse::<i64>().unwrap());
    }
    seqs.sort();
    let city_before = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["number"].as_str().unwrap().starts_with("督〔2026〕"))
        .count() as i64;
    assert!(city_before > 0);
    let first = seqs[0];
    assert_eq!(seqs, (first..first + 24).collect::<Vec<_>>());
}

async fn a_matter_with_a_leader_and_milestones_classes_each_report_against_the_plan() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let (status, leaders) = app.get(&ducha, "/users?role=leader").await;
    assert_eq!(status, StatusCode::OK);
    let mayor = leaders
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "shizhang")
        .expect("the mayor is among the leaders");
    assert!(
        leaders
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["role"] == "leader")
    );

    let body = json!({
        "title": "建成城市智慧停车平台", "content": "分两个阶段建成。", "source": "work_report",
        "urgency": "expedited", "lead_unit_id": app.unit("fgw"), "co_unit_ids": [],
        "deadline": "2026-12-31", "public": true, "leader_id": mayor["id"], "cadence": "monthly",
        "milestones": [
            {"date": "2026-06-30", "percent": 40, "title": "完成平台招标"},
            {"date": "2026-12-31", "percent": 100, "title": "平台上线运行"}
        ]
    });
    let (status, m) = app.post(&ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        (m["leader_id"].clone(), m["cadence"].as_str()),
        (mayor["id"].clone(), Some("monthly"))
    );
    app.step(&ducha, id, "assign", json!({})).await;

    // On the first day the plan already asks for 40%.
    let (_, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "招标文件已挂网", "percent": 20}),
        )
        .await;
    let last = m["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["progress_class"].as_str()),
        (Some("feedback"), Some("behind"))
    );
    assert_eq!(m["light"], "yellow", "20 points behind the plan");
    let (_, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "已完成招标", "percent": 45}),
        )
        .await;
    assert_eq!(
        m["events"].as_array().unwrap().last().unwrap()["progress_class"],
        "ahead"
    );
    assert_eq!(m["light"], "green");

    let (_, mayor_view) = app
        .get(&app.login("shizhang").await, &format!("/matters/{id}"))
        .await;
    assert_eq!(
        mayor_view["id"], id,
        "the responsible leader sees the matter"
    );
}
