//! Leaders' 批示, 圈阅 and 肯定 on a matter, over the JSON API and the matter's page, against a
//! real server on each backend.

use luoshi_domain::Source;
use luoshi_domain::assess::{FactKind, Scheme, ScoreRule};
use luoshi_service::Rules;
use luoshi_service::assess::AssessmentConfig;
use luoshi_testkit::app::{TestApp, spawn_app, spawn_app_with};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_responsible_leaders_instruction_is_in_the_timeline_and_the_units_inboxes,
    a_leader_of_no_concern_to_the_matter_and_the_office_are_refused_and_nothing_is_written,
    a_praise_moves_the_units_score_by_the_schemes_points,
    a_source_set_to_need_the_leaders_tick_cannot_close_until_the_leader_reads_it,
    a_leader_writes_on_a_units_report_from_the_matter_page,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// A matter for 市发改委 with 市财政局 helping and the mayor responsible, assigned; on the
/// public page if `public`.
async fn matter_under_the_mayor(app: &TestApp, ducha: &str, public: bool) -> i64 {
    let mayor = app.leader(ducha, "shizhang").await["id"].as_i64().unwrap();
    let body = json!({
        "title": "推进城市更新试点", "content": "完成老旧小区改造年度任务。",
        "source": "instruction", "urgency": "normal", "lead_unit_id": app.unit("fgw"),
        "co_unit_ids": [app.unit("czj")], "deadline": "2026-09-30", "public": public,
        "leader_id": mayor
    });
    let (status, m) = app.post(ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (status, m) = app.step(ducha, id, "assign", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    id
}

async fn instruct(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    app.post(token, &format!("/matters/{id}/instructions"), body)
        .await
}

fn instructions(m: &Value) -> Vec<&Value> {
    m["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "instruction")
        .collect()
}

async fn inbox_bodies(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let (_, inbox) = app.get(token, "/inbox").await;
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["matter_id"] == id)
        .map(|i| format!("{} {} confirm={}", i["title"], i["body"], i["confirm"]))
        .collect()
}

async fn a_responsible_leaders_instruction_is_in_the_timeline_and_the_units_inboxes() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let mayor = app.login("shizhang").await;
    let id = matter_under_the_mayor(&app, &ducha, true).await;

    let text = "请市发改委牵头,7月底前拿出试点方案";
    let (status, m) = instruct(&app, &mayor, id, json!({"kind": "instruct", "text": text})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let written = instructions(&m);
    assert_eq!(written.len(), 1, "{m}");
    assert_eq!(written[0]["instruction"], "instruct");
    assert_eq!(written[0]["comment"], text);
    assert_eq!(
        written[0]["actor_id"],
        app.leader(&ducha, "shizhang").await["id"]
    );
    let (_, read) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(instructions(&read).len(), 1, "the timeline keeps it");

    // Both units at work are told, and a 批示 asks them to confirm it.
    for unit in ["fgw", "czj"] {
        let token = app.login(unit).await;
        let told = inbox_bodies(&app, &token, id).await;
        assert_eq!(told.len(), 1, "{unit}: {told:?}");
        assert!(
            told[0].contains("周建国同志批示") && told[0].contains(text),
            "{told:?}"
        );
        assert!(told[0].ends_with("confirm=true"), "{told:?}");
    }

    // A tick with no words reads 已阅 and asks nobody to confirm.
    let (status, m) = instruct(&app, &mayor, id, json!({"kind": "read"})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(instructions(&m)[1]["comment"], "已阅");
    let fgw = app.login("fgw").await;
    let told = inbox_bodies(&app, &fgw, id).await;
    assert_eq!(told.len(), 2);
    assert!(
        told.iter()
            .any(|t| t.contains("圈阅") && t.ends_with("confirm=false")),
        "{told:?}"
    );

    // The public reads the matter but nothing a leader wrote on it.
    let origin = app.base.trim_end_matches("/api/v1");
    for url in [
        format!("{}/public/matters", app.base),
        format!("{origin}/public"),
    ] {
        let public = app
            .http
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            public.contains("推进城市更新试点"),
            "{url}: the matter is public"
        );
        assert!(!public.contains(text) && !public.contains("已阅"), "{url}");
    }
}

async fn a_leader_of_no_concern_to_the_matter_and_the_office_are_refused_and_nothing_is_written() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = matter_under_the_mayor(&app, &ducha, false).await;
    let (_, before) = app.get(&ducha, &format!("/matters/{id}")).await;
    let body = json!({"kind": "instruct", "text": "抓紧推进"});

    // 陈晓燕 is a leader of the same city in charge of other departments.
    for who in ["fushizhang2", "ducha", "fgw"] {
        let token = app.login(who).await;
        let (status, e) = instruct(&app, &token, id, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("领导"),
            "{e}"
        );
    }
    // The county's liaison cannot see the matter at all.
    let county = app.login("county").await;
    assert_eq!(
        instruct(&app, &county, id, body.clone()).await.0,
        StatusCode::NOT_FOUND
    );

    // 李卫东 is in charge of 市发改委, so the matter concerns him too; but only with words.
    let deputy = app.login("fushizhang1").await;
    for bad in [
        json!({"kind": "instruct", "text": "  "}),
        json!({"kind": "praise"}),
        json!({"kind": "approve", "text": "同意"}),
        json!({"kind": "instruct", "text": "好", "on_event_id": 999_999}),
    ] {
        let (status, e) = instruct(&app, &deputy, id, bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
    }
    let (_, after) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(before["events"], after["events"], "refusals wrote nothing");

    let (status, m) = instruct(&app, &deputy, id, body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
}

async fn a_praise_moves_the_units_score_by_the_schemes_points() {
    let scheme = Scheme {
        name: "praise".into(),
        label: Some("领导肯定加分".into()),
        base: 100.0,
        rules: vec![ScoreRule {
            when: FactKind::LeaderPraise,
            role: None,
            points: 3.0,
            cap: None,
        }],
    };
    let rules = Rules {
        assessment: AssessmentConfig {
            scheme: "praise".into(),
            custom: vec![scheme],
        },
        ..Rules::default()
    };
    let app = spawn_app_with(NOW, rules).await;
    let ducha = app.login("ducha").await;
    let mayor = app.login("shizhang").await;
    let czj = app.login("czj").await;
    let id = matter_under_the_mayor(&app, &ducha, false).await;
    let score = |a: &Value, unit: i64| {
        a["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit_id"] == unit)
            .map(|s| s["score"].as_f64().unwrap())
            .unwrap()
    };
    let (_, before) = app.get(&ducha, "/assessment?period=2026").await;

    // Praise of the matter counts for its lead unit …
    let (status, m) = instruct(
        &app,
        &mayor,
        id,
        json!({"kind": "praise", "text": "工作有力,值得肯定"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    // … praise of a co-unit's report for that unit.
    let (_, m) = app
        .step(
            &czj,
            id,
            "feedback",
            json!({"progress_text": "资金已拨付到位", "percent": 50}),
        )
        .await;
    let report = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == "feedback")
        .unwrap()["id"]
        .clone();
    let (status, m) = instruct(
        &app,
        &mayor,
        id,
        json!({"kind": "praise", "text": "资金保障及时", "on_event_id": report}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(instructions(&m)[1]["on_event_id"], report);
    assert_eq!(instructions(&m)[1]["unit_id"], app.unit("czj"));

    let (_, after) = app.get(&ducha, "/assessment?period=2026").await;
    for unit in ["fgw", "czj"] {
        let unit = app.unit(unit);
        assert_eq!(score(&after, unit) - score(&before, unit), 3.0, "{after}");
    }
    let fgw = after["scores"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit_id"] == app.unit("fgw"))
        .unwrap();
    assert!(
        fgw["items"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("领导肯定"),
        "{fgw}"
    );
}

async fn a_source_set_to_need_the_leaders_tick_cannot_close_until_the_leader_reads_it() {
    let rules = Rules {
        read_before_close: vec![Source::Instruction],
        ..Rules::default()
    };
    let app = spawn_app_with(NOW, rules).await;
    let ducha = app.login("ducha").await;
    let mayor = app.login("shizhang").await;
    let fgw = app.login("fgw").await;
    let czj = app.login("czj").await;
    let id = matter_under_the_mayor(&app, &ducha, false).await;
    for (token, text) in [(&czj, "配合完成"), (&fgw, "已全部完成")] {
        let (status, m) = app
            .step(
                token,
                id,
                "feedback",
                json!({"progress_text": text, "percent": 100}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
    }
    // A tick given before the completion report does not stand for reading it.
    instruct(&app, &mayor, id, json!({"kind": "read"})).await;
    let (status, m) = app
        .step(
            &fgw,
            id,
            "request-completion",
            json!({"summary": "试点方案已印发"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");

    let close = json!({"comment": "同意办结"});
    let (status, e) = app.step(&ducha, id, "close", close.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("责任领导圈阅"),
        "{e}"
    );
    // Another leader's tick is not the responsible leader's.
    let deputy = app.login("fushizhang1").await;
    instruct(&app, &deputy, id, json!({"kind": "read"})).await;
    assert_eq!(
        app.step(&ducha, id, "close", close.clone()).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (status, _) = instruct(&app, &mayor, id, json!({"kind": "read", "text": "同意"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, m) = app.step(&ducha, id, "close", close).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{m}"
    );
}

async fn a_leader_writes_on_a_units_report_from_the_matter_page() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = matter_under_the_mayor(&app, &ducha, false).await;
    let (_, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "试点方案已起草", "percent": 30}),
        )
        .await;
    let report = m["events"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();

    // The liaison is offered no instruction form; the mayor is, with the report to write on.
    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    let page = liaison.get(&format!("/matters/{id}")).await;
    assert!(!page.html.contains("form-instruct"));

    let mut b = Browser::new(&app);
    b.sign_in("shizhang").await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("id=\"form-instruct\""), "{}", page.html);
    assert!(page.html.contains(&format!("<option value=\"{report}\"")));
    let csrf = page.csrf();
    let path = format!("/matters/{id}/instructions");

    let refused = b.post(&path, &[("csrf", &csrf), ("kind", "sign")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("请选择批示、圈阅或肯定"));

    let report = report.to_string();
    let done = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "instruct"),
                ("on_event_id", &report),
                ("text", "方案要细化到街道"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let to = done.location.unwrap();
    assert!(to.contains("done=instruct"), "{to}");
    let page = b.get(&to).await;
    assert!(page.html.contains("已记入办理过程"), "{}", page.html);
    assert!(page.html.contains("领导批示") && page.html.contains("方案要细化到街道"));
    assert!(
        page.html
            .contains(&format!("批示于 <a href=\"#event-{report}\"")),
        "{}",
        page.html
    );
}
