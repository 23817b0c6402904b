//! Quantified indicators through the API and the pages: the office sets one, reports give its
//! values, and a value behind the straight line from baseline to target turns the lead unit's
//! light, says why, is drawn on the matter's page and is listed on the dashboard.

use luoshi_testkit::app::{TestApp, spawn_app};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_july_value_of_101_on_a_year_from_100_to_108_is_off_track_says_why_and_is_drawn,
    an_indicator_or_value_that_cannot_be_read_is_refused_and_changes_nothing,
    indicators_are_set_and_reported_from_the_pages,
);

const NOW: &str = "2026-03-02T09:00:00+08:00";

/// A matter for 市发改委 due at the end of the year, assigned, with the year's GDP indicator.
async fn gdp_matter(app: &TestApp, ducha: &str) -> (i64, Value) {
    let body = json!({
        "title": "地区生产总值增长8%", "content": "全年地区生产总值达到108亿元。",
        "source": "work_report", "lead_unit_id": app.unit("fgw"), "deadline": "2026-12-31",
    });
    let (status, m) = app.post(ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        app.step(ducha, id, "assign", json!({})).await.0,
        StatusCode::OK
    );
    let (status, indicator) = app
        .post(
            ducha,
            &format!("/matters/{id}/indicators"),
            json!({"name": "地区生产总值", "unit": "亿元", "baseline": 100, "target": 108, "direction": "up"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{indicator}");
    (id, indicator)
}

fn lead(m: &Value) -> &Value {
    m["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "lead")
        .unwrap()
}

async fn a_july_value_of_101_on_a_year_from_100_to_108_is_off_track_says_why_and_is_drawn() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (id, indicator) = gdp_matter(&app, &ducha).await;
    // The period defaults to the year: from 1 January to the matter's deadline.
    assert_eq!(indicator["id"], 1);
    assert_eq!(indicator["from"], "2026-01-01");
    assert_eq!(indicator["by"], "2026-12-31");
    assert_eq!(indicator["light"], "green");
    assert_eq!(indicator["reason"], "尚未报送实际值");

    // 15 July: the liaison reports 101 where the line stands at 104.29.
    app.sweep_at("2026-07-15T10:00:00+08:00").await;
    let fgw = app.login("fgw").await;
    let (status, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "上半年经济运行平稳", "percent": 50,
                   "values": [{"indicator_id": 1, "value": 101}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let i = &m["indicators"][0];
    assert_eq!(i["name"], "地区生产总值");
    assert_eq!(i["target"], 108.0);
    assert_eq!(i["actuals"].as_array().unwrap().len(), 1, "{i}");
    assert_eq!(i["actuals"][0]["value"], 101.0);
    assert!(
        i["actuals"][0]["at"]
            .as_str()
            .unwrap()
            .starts_with("2026-07-15")
    );
    assert_eq!(i["light"], "red", "{i}");
    assert_eq!(
        i["reason"],
        "7月15日实际101亿元,按序时进度应达104.29亿元,落后3.29亿元,占计划增量的41%"
    );
    // The lead unit's light turns for it, and the reminders say so.
    assert_eq!(lead(&m)["light"], "red", "{m}");
    let reasons = lead(&m)["reasons"].to_string();
    assert!(reasons.contains("量化指标严重落后序时进度"), "{reasons}");
    assert_eq!(m["light"], "red");
    // The report's values are on its event.
    let report = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "feedback")
        .unwrap();
    assert_eq!(
        report["values"],
        json!([{"indicator_id": 1, "value": 101.0}]),
        "{report}"
    );

    // The dashboard lists it among the indicators off track.
    let ducha = app.login("ducha").await;
    let (_, d) = app.get(&ducha, "/dashboard").await;
    let off = d["off_track"].as_array().unwrap();
    let row = off
        .iter()
        .find(|o| o["matter_id"] == id)
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(row["indicator"]["name"], "地区生产总值");
    assert_eq!(row["lead_unit_id"], app.unit("fgw"));

    // The matter's page draws it: the trajectory and the value, with its reason.
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.html;
    assert!(html.contains("id=\"indicators\""), "{html}");
    assert!(
        html.contains("<svg") && html.contains("class=\"plan\""),
        "{html}"
    );
    assert!(
        html.contains("7月15日:101亿元(序时进度104.29亿元)"),
        "{html}"
    );
    assert!(html.contains("占计划增量的41%"), "{html}");
    let board = b.get("/dashboard").await;
    assert!(
        board.html.contains("落后序时进度的量化指标"),
        "{}",
        board.html
    );

    // A later value on the line clears it.
    let (_, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "7月下旬主要指标回升", "percent": 55,
                   "values": [{"indicator_id": 1, "value": 104.5}]}),
        )
        .await;
    assert_eq!(m["indicators"][0]["light"], "green", "{m}");
    assert_eq!(m["indicators"][0]["actuals"].as_array().unwrap().len(), 2);
    assert_eq!(lead(&m)["light"], "green", "{m}");
    let (_, d) = app.get(&ducha, "/dashboard").await;
    assert!(
        !d["off_track"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["matter_id"] == id)
    );
}

async fn an_indicator_or_value_that_cannot_be_read_is_refused_and_changes_nothing() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (id, _) = gdp_matter(&app, &ducha).await;
    let path = format!("/matters/{id}/indicators");
    for (body, says) in [
        (
            json!({"name": "", "baseline": 1, "target": 2}),
            "请填写指标名称",
        ),
        (
            json!({"name": "地区生产总值", "baseline": 1, "target": 2}),
            "本事项已有指标",
        ),
        (
            json!({"name": "固定资产投资", "baseline": 16, "target": 10, "direction": "up"}),
            "目标值不应低于基线值",
        ),
        (
            json!({"name": "固定资产投资", "baseline": 0, "target": 16, "from": "2026-12-31", "by": "2026-01-01"}),
            "目标日期应晚于基线日期",
        ),
    ] {
        let (status, e) = app.post(&ducha, &path, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }
    // A body that is not an indicator at all.
    let (status, e) = app
        .post(
            &ducha,
            &path,
            json!({"name": "x", "baseline": "很多", "target": 2}),
        )
        .await;
    assert!(status.is_client_error(), "{status} {e}");
    // Only the office sets them.
    let fgw = app.login("fgw").await;
    let (status, _) = app
        .post(
            &fgw,
            &path,
            json!({"name": "税收收入", "baseline": 1, "target": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A report naming an indicator the matter does not have, or one twice, is refused whole.
    for values in [
        json!([{"indicator_id": 9, "value": 1}]),
        json!([{"indicator_id": 1, "value": 101}, {"indicator_id": 1, "value": 102}]),
    ] {
        let (status, e) = app
            .step(
                &fgw,
                id,
                "feedback",
                json!({"progress_text": "进展", "percent": 10, "values": values}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    }
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(m["indicators"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(m["indicators"][0]["actuals"], json!([]));
    assert!(
        !m["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "feedback"),
        "{m}"
    );
}

async fn indicators_are_set_and_reported_from_the_pages() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (status, m) = app
        .post(
            &ducha,
            "/matters",
            json!({"title": "PM2.5平均浓度下降", "content": "全年PM2.5平均浓度降至30微克/立方米。",
                   "source": "work_report", "lead_unit_id": app.unit("fgw"), "deadline": "2026-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    app.step(&ducha, id, "assign", json!({})).await;

    let mut office = Browser::new(&app);
    office.sign_in("ducha").await;
    let page = office.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("设定量化指标"), "{}", page.html);
    let csrf = page.csrf();
    // A figure that is not one is refused on the page, with the form kept.
    let refused = office
        .post(
            &format!("/matters/{id}/indicators"),
            &[
                ("csrf", &csrf),
                ("name", "PM2.5平均浓度"),
                ("unit", "微克/立方米"),
                ("baseline", "四十"),
                ("target", "30"),
                ("direction", "down"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("请填写有效的基线值"),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"四十\""), "{}", refused.html);
    let done = office
        .post(
            &format!("/matters/{id}/indicators"),
            &[
                ("csrf", &csrf),
                ("name", "PM2.5平均浓度"),
                ("unit", "微克/立方米"),
                ("baseline", "40"),
                ("target", "30"),
                ("direction", "down"),
                ("from", ""),
                ("by", ""),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let done = office.get(&done.location.unwrap()).await;
    assert!(done.html.contains("量化指标已设定"), "{}", done.html);
    assert!(
        done.html.contains("PM2.5平均浓度:基线40微克"),
        "the timeline states the terms: {}",
        done.html
    );

    // The liaison's report form asks for the indicator's value; 34 in December is behind.
    app.sweep_at("2026-12-01T10:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    let page = liaison.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("PM2.5平均浓度本期数值"), "{}", page.html);
    let csrf = page.csrf();
    let bad = liaison
        .post(
            &format!("/matters/{id}/feedback"),
            &[
                ("csrf", &csrf),
                ("progress_text", "11月浓度有所回落"),
                ("percent", "80"),
                ("value_1", "34微克"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("“34微克”不是有效的数值"), "{}", bad.html);
    let reported = liaison
        .post(
            &format!("/matters/{id}/feedback"),
            &[
                ("csrf", &csrf),
                ("progress_text", "11月浓度有所回落"),
                ("percent", "80"),
                ("value_1", "34"),
            ],
        )
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER, "{}", reported.html);
    let reported = liaison.get(&reported.location.unwrap()).await;
    assert!(
        reported.html.contains("PM2.5平均浓度 34微克"),
        "{}",
        reported.html
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let i = &m["indicators"][0];
    assert_eq!(i["direction"], "down");
    assert_eq!(i["light"], "red", "{i}");
    assert!(i["reason"].as_str().unwrap().contains("落后"), "{i}");
}
