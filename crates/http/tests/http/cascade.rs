//! Decomposition and cascade over the JSON API (SPEC §8): a city matter split for the county,
//! split again by the county for its towns; progress and lights roll up, the parent does not
//! close over open sub-matters without an override, and each level sees its own part.

use luoshi_testkit::app::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(city_county_and_town_roll_up_and_gate_the_close);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// Registers a sub-matter of `parent` for `lead` as `token`, and assigns it.
async fn split(app: &TestApp, token: &str, parent: i64, lead: &str, deadline: &str) -> i64 {
    let body = json!({
        "title": format!("{lead}落实"), "source": "work_report",
        "lead_unit_id": app.unit(lead), "deadline": deadline, "parent_id": parent
    });
    let (status, m) = app.post(token, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (status, m) = app.step(token, id, "assign", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    id
}

async fn report(app: &TestApp, token: &str, id: i64, percent: u8) {
    let body = json!({"progress_text": "按计划推进", "percent": percent});
    let (status, m) = app.step(token, id, "feedback", body).await;
    assert_eq!(status, StatusCode::OK, "{m}");
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

async fn city_county_and_town_roll_up_and_gate_the_close() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let county = app.login("county").await;
    let district = app.login("district").await;
    let chengguan = app.login("county-chengguan").await;
    let shiqiao = app.login("county-shiqiao").await;

    // The city's matter, led by 市发改委, split by the city for the county and the district.
    let city = app.assigned(&ducha, "fgw", &[], "2026-09-30").await;
    report(&app, &fgw, city, 30).await;
    let county_part = split(&app, &ducha, city, "county", "2026-09-30").await;
    let district_part = split(&app, &ducha, city, "district", "2026-09-30").await;
    // The county splits its part for two towns; 城关镇's is already late.
    let town_late = split(&app, &county, county_part, "county-chengguan", "2026-06-20").await;
    let town_done = split(&app, &county, county_part, "county-shiqiao", "2026-09-30").await;

    report(&app, &chengguan, town_late, 40).await;
    report(&app, &district, district_part, 50).await;
    let (status, m) = app
        .step(
            &shiqiao,
            town_done,
            "request-completion",
            json!({"summary": "已完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    // The county reviews what it assigned.
    let (status, m) = app
        .step(&county, town_done, "close", json!({"comment": "同意"}))
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    // The city sees the whole chain, three levels deep.
    let (_, m) = app.get(&ducha, &format!("/matters/{city}")).await;
    assert_eq!(
        ids(&m["descendants"]),
        [county_part, town_late, town_done, district_part]
    );
    let depths: Vec<i64> = m["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["depth"].as_i64().unwrap())
        .collect();
    assert_eq!(depths, [1, 2, 2, 1]);
    // Progress: the county's part is mean(40, closed 100) = 70; the city's, mean(70, 50) = 60,
    // in place of the 30 市发改委 reported.
    assert_eq!(
        (m["progress"].as_i64(), m["progress_derived"].as_bool()),
        (Some(60), Some(true))
    );
    let node = |id: i64| {
        m["descendants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(node(county_part)["progress"], 70);
    assert_eq!(node(town_done)["state"], "closed");
    // Light: the city's own is green, but the town's late sub-matter makes it red, and says so.
    assert_eq!(
        (m["own_light"].as_str(), m["light"].as_str()),
        (Some("green"), Some("red"))
    );
    let late_number = node(town_late)["number"].as_str().unwrap().to_string();
    let reasons = m["light_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    let reason = reasons[0].as_str().unwrap();
    assert!(
        reason.contains(&late_number) && reason.contains("已超过完成时限"),
        "{reason}"
    );
    assert_eq!(node(county_part)["light"], "red");
    assert_eq!(node(district_part)["light"], "green");
    assert_eq!(m["open_below"], 3);

    // The county's own view of its part: derived progress on its assignment, the red town.
    let (status, part) = app.get(&county, &format!("/matters/{county_part}")).await;
    assert_eq!(status, StatusCode::OK, "{part}");
    assert_eq!(part["assignments"][0]["percent"], 70);
    assert_eq!(part["assignments"][0]["reported_percent"], 0);
    assert_eq!(part["assignments"][0]["derived"], true);
    assert_eq!(part["light"], "red");
    assert_eq!(ids(&part["descendants"]), [town_late, town_done]);
    // It sees only its part: not the city's matter above it, nor the district's beside it.
    assert_eq!(part["ancestors"], json!([]));
    assert_eq!(
        app.get(&county, &format!("/matters/{city}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&county, &format!("/matters/{district_part}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // The city sees the breadcrumb from the town's sub-matter up to its own.
    let (_, town) = app.get(&ducha, &format!("/matters/{town_late}")).await;
    assert_eq!(ids(&town["ancestors"]), [city, county_part]);
    // The town sees its own sub-matter and nothing above it.
    let (_, town) = app.get(&chengguan, &format!("/matters/{town_late}")).await;
    assert_eq!(town["ancestors"], json!([]));

    // The lead cannot ask to close while anything below is open…
    let (status, err) = app
        .step(
            &fgw,
            city,
            "request-completion",
            json!({"summary": "已完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("尚有3项下级事项未办结"),
        "{err}"
    );
    // …nor does the city's supervisor close it without an override…
    let (status, err) = app
        .step(&ducha, city, "close", json!({"comment": "同意"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&late_number),
        "{err}"
    );
    // …nor with one but no reason.
    let (status, err) = app
        .step(&ducha, city, "close", json!({"override_open": true}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (_, unchanged) = app.get(&ducha, &format!("/matters/{city}")).await;
    assert_eq!(unchanged["state"], "in_progress");

    // The override closes it, and the timeline says what was open and why.
    let reason = "全市任务已完成,城关镇剩余工作转入常态化管理";
    let (status, m) = app
        .step(
            &ducha,
            city,
            "close",
            json!({"comment": reason, "override_open": true}),
        )
        .await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("closed")),
        "{m}"
    );
    let events = m["events"].as_array().unwrap();
    let last: Vec<(&str, &str)> = events[events.len() - 2..]
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["comment"].as_str().unwrap()))
        .collect();
    assert_eq!(last[0].0, "forced_close");
    assert!(
        last[0].1.starts_with("尚有3项下级事项未办结") && last[0].1.contains(&late_number),
        "{}",
        last[0].1
    );
    assert_eq!(last[1], ("closed", reason));
    assert_eq!(m["progress"], 100);
    // The sub-matters stay as they were: the override closes the city's matter only.
    let (_, town) = app.get(&chengguan, &format!("/matters/{town_late}")).await;
    assert_eq!(town["state"], "in_progress");
}
