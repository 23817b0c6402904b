//! Report rounds through the API and the rounds page: a rule as offices write it, its rounds
//! due on working days, who is missing from one, and one click that reminds them.

use luoshi_testkit::app::{TestApp, spawn_app};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_monthly_rule_due_on_a_saturday_falls_due_the_friday_before_and_a_report_in_the_round_clears_it,
    a_rule_nobody_can_read_is_refused_with_what_to_write,
    the_rounds_page_lists_the_units_missing_and_one_click_reminds_only_them,
    a_matter_registered_without_a_deadline_gets_its_sources_time_limit_in_working_days,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// A matter for 市发改委 with 市财政局 helping, reported 每月25日前, assigned on 30 June.
async fn monthly_matter(app: &TestApp, ducha: &str) -> i64 {
    let body = json!({
        "title": "推进老旧小区改造", "content": "完成年度改造任务。", "source": "work_report",
        "lead_unit_id": app.unit("fgw"), "co_unit_ids": [app.unit("czj")],
        "deadline": "2026-12-31", "report_rule": "每月25日前报送进展"
    });
    let (status, m) = app.post(ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        app.step(ducha, id, "assign", json!({})).await.0,
        StatusCode::OK
    );
    id
}

fn unit_light(m: &Value, unit: i64) -> (String, Vec<String>) {
    let a = m["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["unit_id"] == unit)
        .unwrap();
    let reasons = a["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    (a["light"].as_str().unwrap().to_string(), reasons)
}

async fn a_monthly_rule_due_on_a_saturday_falls_due_the_friday_before_and_a_report_in_the_round_clears_it()
 {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = monthly_matter(&app, &ducha).await;
    let (status, rounds) = app.get(&ducha, &format!("/matters/{id}/rounds")).await;
    assert_eq!(status, StatusCode::OK, "{rounds}");
    // June's round was due before the matter was assigned; July's is the first.
    assert_eq!(rounds.as_array().unwrap().len(), 1, "{rounds}");
    assert_eq!(rounds[0]["period"], "2026-07");
    assert_eq!(rounds[0]["due"], "2026-07-24", "25 July 2026 is a Saturday");
    assert_eq!(
        rounds[0]["units"],
        json!([
            {"unit_id": app.unit("fgw"), "reported": false},
            {"unit_id": app.unit("czj"), "reported": false},
        ])
    );

    // Monday 27 July: neither reported by the Friday, both are listed and their lights red.
    app.sweep_at("2026-07-27T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let (_, missing) = app.get(&ducha, "/rounds/missing?on=2026-07-27").await;
    let row = missing
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["matter"]["id"] == id)
        .unwrap_or_else(|| panic!("{missing}"));
    assert_eq!(row["due"], "2026-07-24");
    assert_eq!(
        row["missing_unit_ids"],
        json!([app.unit("fgw"), app.unit("czj")])
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(m["light"], "red");
    let (light, reasons) = unit_light(&m, app.unit("czj"));
    assert_eq!(light, "red");
    assert!(reasons.iter().any(|r| r.contains("7月24日")), "{reasons:?}");

    // July's bulletin counts the round missed by both units.
    let (status, b) = app
        .post(&ducha, "/bulletins", json!({"period": "2026-07"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let (_, b) = app.get(&ducha, &format!("/bulletins/{}", b["id"])).await;
    // The demo reports a matter of its own by rule, so only this matter's units are checked:
    // 市财政局 has no part in the demo's.
    let text = b["document"].to_string();
    let missed = text
        .split("按规定时间报送进展的事项,")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        missed.contains("未按时报送") && missed.contains("云州市财政局(1次)"),
        "{missed}"
    );
    assert!(missed.contains("云州市发展和改革委员会("), "{missed}");

    // A report in the round clears the unit that made it, and only that one.
    let fgw = app.login("fgw").await;
    let (status, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "7月完成3个小区改造", "percent": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(unit_light(&m, app.unit("fgw")).0, "green");
    assert_eq!(unit_light(&m, app.unit("czj")).0, "red");
    let (_, rounds) = app.get(&ducha, &format!("/matters/{id}/rounds")).await;
    assert_eq!(
        rounds[0]["units"][0],
        json!({"unit_id": app.unit("fgw"), "reported": true})
    );
    let (_, missing) = app.get(&ducha, "/rounds/missing?on=2026-07-27").await;
    let row = missing
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["matter"]["id"] == id)
        .unwrap();
    assert_eq!(row["missing_unit_ids"], json!([app.unit("czj")]));
    // The rule reads back as offices write it.
    assert_eq!(m["report_rule"], "每月25日前", "{m}");
}

async fn a_rule_nobody_can_read_is_refused_with_what_to_write() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let before = app.total(&ducha).await;
    for rule in ["每月32日前", "每月", "逢年过节"] {
        let body = json!({
            "title": "测试", "source": "meeting", "lead_unit_id": app.unit("fgw"),
            "deadline": "2026-12-31", "report_rule": rule
        });
        let (status, e) = app.post(&ducha, "/matters", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{rule}: {e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("每月25日前"),
            "{e}"
        );
    }
    assert_eq!(app.total(&ducha).await, before, "nothing was registered");
}

async fn the_rounds_page_lists_the_units_missing_and_one_click_reminds_only_them() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = monthly_matter(&app, &ducha).await;
    app.sweep_at("2026-07-27T09:00:00+08:00").await;
    let fgw = app.login("fgw").await;
    app.step(
        &fgw,
        id,
        "feedback",
        json!({"progress_text": "7月完成3个小区改造", "percent": 30}),
    )
    .await;

    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get("/rounds?on=2026-07-27").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("推进老旧小区改造"), "{}", page.html);
    assert!(page.html.contains("2026年7月24日"), "{}", page.html);
    let bad = b.get("/rounds?on=2026-13-01").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("请填写有效的日期"));

    let done = b
        .post(
            "/rounds/remind",
            &[("csrf", &page.csrf()), ("on", "2026-07-27")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let after = b.get(done.location.as_deref().unwrap()).await;
    assert!(after.html.contains("未报送单位发出催报"), "{}", after.html);

    // 市财政局 was reminded of this round; 市发改委, which reported, was not.
    let inbox = |token: String| {
        let app = &app;
        async move {
            let (_, inbox) = app.get(&token, "/inbox").await;
            inbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["matter_id"] == id)
                .map(|i| i["body"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let czj = inbox(app.login("czj").await).await;
    assert!(
        czj.iter()
            .any(|b| b.contains("2026年7月进展应于2026年7月24日前报送,至今未报")),
        "{czj:?}"
    );
    let fgw = inbox(app.login("fgw").await).await;
    assert!(!fgw.iter().any(|b| b.contains("2026年7月进展")), "{fgw:?}");
}

async fn a_matter_registered_without_a_deadline_gets_its_sources_time_limit_in_working_days() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let register = |source: &str, urgency: &str, extra: Value| {
        let mut body = json!({
            "title": "核查群众反映的问题", "source": source, "urgency": urgency,
            "lead_unit_id": app.unit("fgw"),
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let app = &app;
        let ducha = ducha.clone();
        async move { app.post(&ducha, "/matters", body).await }
    };
    // Tuesday 30 June: three working days on is Friday 3 July, fifteen is Tuesday 21 July.
    for (source, urgency, due) in [
        ("instruction", "urgent", "2026-07-03"),
        ("instruction", "normal", "2026-07-21"),
        ("meeting", "normal", "2026-07-28"),
    ] {
        let (status, m) = register(source, urgency, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        assert_eq!(m["deadline"], due, "{source} {urgency}");
    }
    // Work-report tasks carry their own deadlines; ongoing work keeps none.
    let (status, e) = register("work_report", "normal", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, m) = register("instruction", "normal", json!({"report_rule": "每周五"})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(m["deadline"].is_null(), "{m}");
}
