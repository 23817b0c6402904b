//! The inbox and the calendar through the API, as an office's programs would use them.

use luoshi_testkit::app::spawn_app;
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    a_liaison_reads_and_confirms_a_reminder_and_chooses_how_to_hear_through_the_api,
    a_holiday_notice_is_previewed_and_saved_through_the_api_by_the_office_only,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn a_liaison_reads_and_confirms_a_reminder_and_chooses_how_to_hear_through_the_api() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (status, _) = app
        .step(
            &ducha,
            id,
            "remind",
            json!({"message": "请于本周内反馈进展"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let fgw = app.login("fgw").await;
    let (status, inbox) = app.get(&fgw, "/inbox").await;
    assert_eq!(status, StatusCode::OK);
    let message = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["matter_id"] == id)
        .expect("the reminder is in the inbox")
        .clone();
    assert_eq!(message["confirm"], true);
    assert!(message["read_at"].is_null());
    let unread = inbox["unread"].as_u64().unwrap();
    assert!(unread >= 1);

    let mid = message["id"].as_str().unwrap();
    let (status, _) = app
        .post(&fgw, &format!("/inbox/{mid}/confirm"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, inbox) = app.get(&fgw, "/inbox").await;
    let confirmed = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == mid)
        .unwrap();
    assert!(!confirmed["confirmed_at"].is_null() && !confirmed["read_at"].is_null());
    assert_eq!(inbox["unread"].as_u64().unwrap(), unread - 1);

    let czj = app.login("czj").await;
    let (status, _) = app
        .post(&czj, &format!("/inbox/{mid}/read"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another unit's message is not theirs"
    );

    let res = app
        .http
        .put(format!("{}/me/prefs", app.base))
        .bearer_auth(&fgw)
        .json(&json!({"email": true, "digest": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, prefs) = app.get(&fgw, "/me/prefs").await;
    assert_eq!(prefs, json!({"email": true, "digest": true}));
}

async fn a_holiday_notice_is_previewed_and_saved_through_the_api_by_the_office_only() {
    let app = spawn_app(NOW).await;
    let notice = include_str!("../../../domain/data/notice-2026.txt");
    let body = json!({"notice": notice});
    let admin = app.login("admin").await;
    let (status, days) = app.post(&admin, "/calendar/preview", body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{days}");
    let days = days.as_array().unwrap();
    assert!(
        days.iter()
            .any(|d| d["kind"] == "holiday" && d["date"] == "2026-10-01"),
        "{days:?}"
    );
    assert!(days.iter().any(|d| d["kind"] == "workday"));

    let fgw = app.login("fgw").await;
    assert_eq!(
        app.post(&fgw, "/calendar", body.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, saved) = app.post(&admin, "/calendar", body).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["saved"].as_u64().unwrap() as usize, days.len());

    let (status, refused) = app
        .post(
            &admin,
            "/calendar/preview",
            json!({"notice": "放假安排另行通知"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
}
