//! Origins (出处) over the API and the pages, on each backend: an origin's items counted,
//! its late units named by item, its bulletin, the importer's origin, and bad input refused.

use luoshi_testkit::app::{TestApp, spawn_app};
use luoshi_testkit::browser::Browser;
use luoshi_testkit::docx;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    an_origin_with_three_matters_counts_one_closed_one_overdue_and_names_the_late_unit,
    an_origins_bulletin_docx_reads_the_counts_and_the_late_unit_by_item,
    importing_a_meeting_minute_twice_makes_one_origin_with_its_matters,
    bad_origins_and_another_orgs_origin_are_refused_and_nothing_is_written,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";
const MEETING: &str = "市政府第9次常务会议";

async fn meeting(app: &TestApp, ducha: &str) -> i64 {
    let body = json!({"kind": "meeting", "title": MEETING, "number": "云政阅〔2026〕9号",
        "date": "2026-05-20"});
    let (status, o) = app.post(ducha, "/origins", body).await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o["id"].as_i64().unwrap()
}

async fn item(app: &TestApp, ducha: &str, origin: i64, lead: &str, deadline: &str) -> i64 {
    let body = json!({"title": format!("议定事项:{lead}牵头"), "source": "meeting",
        "lead_unit_id": app.unit(lead), "deadline": deadline, "origin_id": origin});
    let (status, m) = app.post(ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (status, m) = app.step(ducha, id, "assign", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    id
}

/// Three items of one meeting: the first closed, the second (市发改委's) past its deadline,
/// the third in time.
async fn three_items(app: &TestApp) -> (String, i64, [i64; 3]) {
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let czj = app.login("czj").await;
    let origin = meeting(app, &ducha).await;
    let closed = item(app, &ducha, origin, "czj", "2026-12-31").await;
    let late = item(app, &ducha, origin, "fgw", "2026-06-15").await;
    let on_time = item(app, &ducha, origin, "czj", "2026-12-31").await;
    let (status, m) = app.step(&czj, closed, "sign", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, m) = app
        .step(
            &czj,
            closed,
            "request-completion",
            json!({"summary": "已完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, m) = app
        .step(&ducha, closed, "close", json!({"comment": "同意"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, m) = app.step(&fgw, late, "sign", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    (ducha, origin, [closed, late, on_time])
}

async fn an_origin_with_three_matters_counts_one_closed_one_overdue_and_names_the_late_unit() {
    let app = spawn_app(NOW).await;
    let (ducha, origin, ids) = three_items(&app).await;

    let (status, o) = app.get(&ducha, &format!("/origins/{origin}")).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(o["title"], MEETING);
    assert_eq!(o["summary"], json!({"total": 3, "closed": 1, "overdue": 1}));
    let order: Vec<i64> = o["matters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, ids);
    assert_eq!(o["matters"][1]["item"], 2);
    assert_eq!(o["matters"][1]["overdue"], true);
    assert_eq!(
        o["late"],
        json!([{"unit_id": app.unit("fgw"), "items": [2]}])
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{}", ids[1])).await;
    assert_eq!(m["origin_id"], origin);
    assert_eq!(m["origin"], "市政府第9次常务会议（云政阅〔2026〕9号）");

    let mut browser = Browser::new(&app);
    browser.sign_in("ducha").await;
    let page = browser.get(&format!("/origins/{origin}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains("共 3 项,已办结 1 项,逾期未办结 1 项。"),
        "{}",
        page.html
    );
    assert!(page.html.contains("第2项 市发改委"), "{}", page.html);
    let list = browser.get("/origins").await;
    assert!(list.html.contains(&format!("href=\"/origins/{origin}\"")));
    let matter = browser.get(&format!("/matters/{}", ids[1])).await;
    assert!(matter.html.contains(&format!("href=\"/origins/{origin}\"")));
}

async fn an_origins_bulletin_docx_reads_the_counts_and_the_late_unit_by_item() {
    let app = spawn_app(NOW).await;
    let (ducha, origin, _) = three_items(&app).await;
    let res = app
        .http
        .get(format!("{}/origins/{origin}/bulletin.docx", app.base))
        .bearer_auth(&ducha)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc = docx::read(&res.bytes().await.unwrap());
    let text = docx::text(&doc);
    for expected in [
        "关于市政府第9次常务会议议定事项落实情况的通报",
        "市政府第9次常务会议议定事项3件,截至2026年6月30日,已办结1件",
        "其中超过完成时限仍未办结1件",
        "由市发改委负责的第2项进展滞后",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
}

const MINUTE: &str = "市政府第9次常务会议纪要
云政阅〔2026〕9号
一、会议原则同意《云州市城市更新实施方案》,由市发改委牵头,2026年9月底前完成。
二、会议要求加快推进老旧小区改造,由市财政局牵头,2026年12月底前完成。
2026年5月20日";

async fn import(app: &TestApp, ducha: &str) -> Value {
    let (content_type, body) = luoshi_testkit::app::multipart(
        &[("source", "meeting"), ("year", "2026")],
        ("常务会议纪要.txt", MINUTE.as_bytes()),
    );
    let (status, out) = app.post_raw(ducha, "/imports", &content_type, body).await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    out
}

async fn importing_a_meeting_minute_twice_makes_one_origin_with_its_matters() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let first = import(&app, &ducha).await;
    let again = import(&app, &ducha).await;
    assert_eq!(again["created"], json!([]), "{again}");
    let (_, origins) = app.get(&ducha, "/origins").await;
    let origins = origins.as_array().unwrap();
    assert_eq!(origins.len(), 1, "{origins:?}");
    assert_eq!(origins[0]["kind"], "meeting");
    assert_eq!(origins[0]["number"], "云政阅〔2026〕9号");
    assert_eq!(origins[0]["date"], "2026-05-20");
    let id = origins[0]["id"].as_i64().unwrap();
    let (_, o) = app.get(&ducha, &format!("/origins/{id}")).await;
    let items: Vec<&Value> = o["matters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    let created: Vec<&Value> = first["created"].as_array().unwrap().iter().collect();
    assert!(!created.is_empty(), "{first}");
    assert_eq!(items, created, "{o}");
    assert_eq!(o["matters"][0]["lead_unit_id"], app.unit("fgw"));
}

async fn bad_origins_and_another_orgs_origin_are_refused_and_nothing_is_written() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let county = app.login("county-ducha").await;
    for (body, field, says) in [
        (
            json!({"kind": "party", "title": MEETING}),
            "kind",
            "出处类型“party”无法识别",
        ),
        (
            json!({"kind": "meeting", "title": MEETING, "date": "2026-13-40"}),
            "date",
            "日期“2026-13-40”无法识别",
        ),
        (
            json!({"kind": "meeting", "title": " "}),
            "title",
            "请填写出处名称",
        ),
    ] {
        let (status, e) = app.post(&ducha, "/origins", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains(says), "{e}");
        assert!(e.to_string().contains(field), "{e}");
    }
    let (_, none) = app.get(&ducha, "/origins").await;
    assert_eq!(none, json!([]));

    let theirs = meeting(&app, &county).await;
    let before = app.total(&ducha).await;
    let body = json!({"title": "借用他人出处", "source": "meeting",
        "lead_unit_id": app.unit("fgw"), "deadline": "2026-12-31", "origin_id": theirs});
    let (status, e) = app.post(&ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("不存在或不属于本级"), "{e}");
    assert_eq!(app.total(&ducha).await, before);
    let (status, _) = app.get(&ducha, &format!("/origins/{theirs}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
