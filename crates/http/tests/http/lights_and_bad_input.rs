//! Lights follow the fixed clock and the official calendar; bad input is refused and changes nothing.

use luoshi_testkit::app::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    on_june_30_yesterday_is_red_thursday_yellow_and_late_august_green,
    the_national_day_holiday_does_not_count_toward_the_yellow_window,
    bad_input_gets_a_clear_4xx_and_writes_nothing,
    a_step_not_allowed_from_the_current_state_is_a_409_naming_the_state,
    without_a_valid_token_only_health_and_login_answer,
    the_openapi_document_lists_every_call_and_the_dashboard_adds_up,
);

/// The light of a new matter with this deadline, the same as a draft and once assigned.
async fn light_of(app: &TestApp, token: &str, deadline: &str) -> String {
    let id = app.create(token, "fgw", &["czj"], deadline).await;
    let (_, draft) = app.get(token, &format!("/matters/{id}")).await;
    let (status, m) = app.step(token, id, "assign", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        draft["light"], m["light"],
        "a draft shows its deadline's light"
    );
    m["light"].as_str().unwrap().to_string()
}

async fn on_june_30_yesterday_is_red_thursday_yellow_and_late_august_green() {
    let app = spawn_app("2026-06-30T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    assert_eq!(light_of(&app, &ducha, "2026-06-29").await, "red");
    assert_eq!(light_of(&app, &ducha, "2026-07-02").await, "yellow");
    assert_eq!(light_of(&app, &ducha, "2026-08-28").await, "green");

    let late = app.create(&ducha, "czj", &[], "2026-06-29").await;
    let (_, m) = app.step(&ducha, late, "assign", json!({})).await;
    assert_eq!(
        m["assignments"][0]["reasons"],
        json!(["已超过完成时限"]),
        "a red light says why"
    );

    let (_, reds) = app.get(&ducha, "/matters?light=red&limit=500").await;
    let items = reds["items"].as_array().unwrap();
    assert!(items.iter().any(|m| m["deadline"] == "2026-06-29"));
    assert!(items.iter().all(|m| m["light"] == "red"));
    assert_eq!(reds["total"].as_u64().unwrap() as usize, items.len());
}

async fn the_national_day_holiday_does_not_count_toward_the_yellow_window() {
    let app = spawn_app("2026-09-30T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    assert_eq!(light_of(&app, &ducha, "2026-10-09").await, "yellow");
    let id = app.create(&ducha, "fgw", &[], "2026-10-09").await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(m["working_days_left"], 2);
}

async fn bad_input_gets_a_clear_4xx_and_writes_nothing() {
    let app = spawn_app("2026-06-30T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let before = app.total(&ducha).await;
    let good = json!({"title": "事项", "source": "meeting", "urgency": "normal",
        "lead_unit_id": app.unit("fgw"), "co_unit_ids": [], "deadline": "2026-08-28", "public": false});
    let with = |key: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let cases = [
        (
            "impossible date",
            with("deadline", json!("2026-13-01")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "February 30th",
            with("deadline", json!("2026-02-30")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown source",
            with("source", json!("rumour")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown urgency",
            with("urgency", json!("very")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown lead unit",
            with("lead_unit_id", json!(999_999)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown co-unit",
            with("co_unit_ids", json!([999_999])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "lead as co-unit",
            with("co_unit_ids", json!([app.unit("fgw")])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "empty title",
            with("title", json!("  ")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "missing title",
            without("title"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "missing lead unit",
            without("lead_unit_id"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "title of the wrong type",
            with("title", json!(42)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown field",
            with("colour", json!("red")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "leader who is not a leader",
            with("leader_id", json!(2)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (what, body, expected) in cases {
        let (status, err) = app.post(&ducha, "/matters", body).await;
        assert_eq!(status, expected, "{what}: {err}");
        let message = err["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && err["error"]["code"].is_string(),
            "{what}: {err}"
        );
    }

    let (status, err) = app
        .post_raw(&ducha, "/matters", "application/json", "{\"title\": ")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("JSON"));
    let (status, _) = app
        .post_raw(&ducha, "/matters", "text/plain", good.to_string())
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"title\": \"{}\"}}", "督".repeat(400_000));
    let (status, err) = app
        .post_raw(&ducha, "/matters", "application/json", huge)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");

    assert_eq!(
        app.total(&ducha).await,
        before,
        "no bad request may write a matter"
    );
}

async fn a_step_not_allowed_from_the_current_state_is_a_409_naming_the_state() {
    let app = spawn_app("2026-06-30T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = app.create(&ducha, "fgw", &[], "2026-08-28").await;
    let (status, err) = app.step(&ducha, id, "close", json!({"comment": ""})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["message"], "当前状态为“立项”,不能办结");
    app.step(&ducha, id, "assign", json!({})).await;
    app.step(&fgw, id, "sign", json!({})).await;
    let (status, err) = app.step(&fgw, id, "sign", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("已签收"));
    let (status, _) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "x", "percent": 101}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(
        m["events"].as_array().unwrap().len(),
        3,
        "refused steps leave no event"
    );
}

async fn without_a_valid_token_only_health_and_login_answer() {
    let app = spawn_app("2026-06-30T09:00:00+08:00").await;
    let (status, body) = app.get("", "/health").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    for path in ["/units", "/matters", "/matters/1", "/dashboard"] {
        let (status, err) = app.get("not-a-token", path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(err["error"]["code"], "unauthenticated");
    }
    let (status, err) = app
        .post(
            "",
            "/auth/login",
            json!({"username": "ducha", "password": "wrong"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["error"]["message"], "用户名或密码错误");
    let (status, _) = app
        .post(
            "",
            "/auth/login",
            json!({"username": "nobody", "password": "luoshi-demo"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("x", "/matters/abc").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let ducha = app.login("ducha").await;
    let (status, _) = app.get(&ducha, "/matters/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(&ducha, "/matters?light=purple").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, err) = app.get(&ducha, "/matters?sort=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("排序方式")
    );
    let newest = app.create(&ducha, "fgw", &[], "2026-12-31").await;
    let (_, list) = app.get(&ducha, "/matters?sort=newest&limit=1").await;
    assert_eq!(
        list["items"][0]["id"].as_i64(),
        Some(newest),
        "newest first"
    );
    let (_, by_deadline) = app.get(&ducha, "/matters?sort=-deadline&limit=500").await;
    let deadlines: Vec<&str> = by_deadline["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["deadline"].as_str())
        .collect();
    assert!(
        deadlines.windows(2).all(|w| w[0] >= w[1]),
        "latest deadline first"
    );
    let (_, july) = app
        .get(
            &ducha,
            "/matters?due_from=2026-07-01&due_to=2026-07-31&limit=500",
        )
        .await;
    let july: Vec<&str> = july["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["deadline"].as_str().unwrap())
        .collect();
    assert!(
        !july.is_empty()
            && july
                .iter()
                .all(|d| ("2026-07-01"..="2026-07-31").contains(d)),
        "{july:?}"
    );
    let (status, _) = app.get(&ducha, "/matters?due_from=2026-13-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mayor = app.leader(&ducha, "shizhang").await["id"].clone();
    let (_, led) = app
        .get(&ducha, &format!("/matters?leader_id={mayor}&limit=500"))
        .await;
    assert!(!led["items"].as_array().unwrap().is_empty());
    for m in led["items"].as_array().unwrap() {
        let (_, full) = app.get(&ducha, &format!("/matters/{}", m["id"])).await;
        assert_eq!(full["leader_id"], mayor);
    }
    let (status, err) = app.get(&ducha, "/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"]["code"], "not_found");
    let (status, err) = app.get(&ducha, "/matters/1/sign").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(err["error"]["code"], "method_not_allowed");
}

async fn the_openapi_document_lists_every_call_and_the_dashboard_adds_up() {
    let app = spawn_app("2026-06-30T09:00:00+08:00").await;
    let (status, doc) = app.get("", "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/health",
        "/auth/login",
        "/units",
        "/matters",
        "/matters/{id}",
        "/matters/{id}/assign",
        "/matters/{id}/sign",
        "/matters/{id}/feedback",
        "/matters/{id}/request-completion",
        "/matters/{id}/close",
        "/matters/{id}/return",
        "/matters/{id}/remind",
        "/matters/{id}/extension",
        "/matters/{id}/extension/approve",
        "/matters/{id}/cancel",
        "/dashboard",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }

    let ducha = app.login("ducha").await;
    let (status, d) = app.get(&ducha, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    let sum = |key: &str| {
        d[key]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>()
    };
    let total = d["total"].as_u64().unwrap();
    assert_eq!(sum("by_state"), total);
    assert_eq!(sum("by_light"), total);
    assert_eq!(sum("by_source"), total);
    assert!(
        d["by_state"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.as_u64().unwrap() > 0),
        "the demo has matters in every state: {}",
        d["by_state"]
    );
    assert!(
        d["by_source"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.as_u64().unwrap() > 0),
        "the demo has all five sources"
    );
    assert!(
        d["by_light"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.as_u64().unwrap() > 0),
        "the demo shows every light"
    );
    let (_, county) = app
        .get(
            &ducha,
            &format!("/dashboard?unit_id={}", app.unit("county")),
        )
        .await;
    assert!(county["total"].as_u64().unwrap() < total && county["total"].as_u64().unwrap() > 0);
}
