//! 满意度: the office's rating of the work when it closes a matter, on the timeline, in the
//! matter's record, in the ledger and in a scheme's scores, against a real server on each backend.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use luoshi_domain::AssignmentRole;
use luoshi_domain::assess::{FactKind, Scheme, ScoreRule};
use luoshi_service::Rules;
use luoshi_service::assess::AssessmentConfig;
use luoshi_testkit::app::{TestApp, spawn_app, spawn_app_with};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_rating_given_at_close_is_on_the_close_event_the_matter_and_the_ledger_export,
    a_schemes_rating_rules_score_the_lead_and_co_units_of_a_rated_matter,
    an_unknown_rating_is_refused_in_chinese_and_the_matter_stays_as_it_was,
    the_close_form_offers_the_rating_and_the_timeline_shows_the_choice,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// A matter for 市发改委 with 市财政局 helping, its lead's completion request in; its id.
async fn awaiting_close(app: &TestApp, ducha: &str) -> i64 {
    let id = app.assigned(ducha, "fgw", &["czj"], "2026-09-30").await;
    let fgw = app.login("fgw").await;
    let (status, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "已全部完成", "percent": 100}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, m) = app
        .step(
            &fgw,
            id,
            "request-completion",
            json!({"summary": "已全部完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    id
}

async fn download(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let (status, bytes) = app.download(token, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    bytes
}

/// The first sheet of a workbook as calamine reads it, every cell as text.
fn sheet(book: Vec<u8>) -> Vec<Vec<String>> {
    let mut xlsx = Xlsx::new(Cursor::new(book)).unwrap();
    let range = xlsx.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn a_rating_given_at_close_is_on_the_close_event_the_matter_and_the_ledger_export() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = awaiting_close(&app, &ducha).await;
    let (status, m) = app
        .step(
            &ducha,
            id,
            "close",
            json!({"comment": "同意办结", "rating": "basically"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(m["rating"], "basically", "{m}");
    let rated: Vec<(&str, &Value)> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["rating"].is_null())
        .map(|e| (e["kind"].as_str().unwrap(), &e["rating"]))
        .collect();
    assert_eq!(rated, vec![("closed", &json!("basically"))]);

    // An unrated matter has none.
    let (_, open) = app
        .get(
            &ducha,
            &format!(
                "/matters/{}",
                app.assigned(&ducha, "fgw", &[], "2026-09-30").await
            ),
        )
        .await;
    assert!(open["rating"].is_null(), "{open}");

    let number = m["number"].as_str().unwrap();
    let grid = sheet(download(&app, &ducha, "/matters.xlsx").await);
    let column = grid[1]
        .iter()
        .position(|h| h == "满意度")
        .expect("a 满意度 column");
    let row = grid
        .iter()
        .find(|r| r[1] == number)
        .unwrap_or_else(|| panic!("{number} in the ledger"));
    assert_eq!(row[column], "基本满意");
    let unrated = grid.iter().skip(2).filter(|r| r[column].is_empty()).count();
    assert!(unrated > 0, "matters not rated leave the cell blank");

    let csv = String::from_utf8(download(&app, &ducha, "/matters.csv").await).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(lines.next().unwrap().ends_with(",满意度"));
    let line = lines.find(|l| l.contains(number)).unwrap();
    assert!(line.ends_with(",基本满意"), "{line}");
}

async fn a_schemes_rating_rules_score_the_lead_and_co_units_of_a_rated_matter() {
    let rule = |when, role, points| ScoreRule {
        when,
        role,
        points,
        cap: None,
    };
    let scheme = Scheme {
        name: "rated".into(),
        label: Some("办结满意度计分".into()),
        base: 100.0,
        rules: vec![
            rule(FactKind::RatedSatisfied, Some(AssignmentRole::Lead), 3.0),
            rule(FactKind::RatedUnsatisfied, None, -3.0),
            rule(FactKind::RatedBasically, Some(AssignmentRole::Lead), 2.0),
            rule(FactKind::RatedBasically, Some(AssignmentRole::Co), 1.0),
        ],
    };
    let rules = Rules {
        assessment: AssessmentConfig {
            scheme: "rated".into(),
            custom: vec![scheme],
        },
        ..Rules::default()
    };
    let app = spawn_app_with(NOW, rules).await;
    let ducha = app.login("ducha").await;
    let id = awaiting_close(&app, &ducha).await;
    let score = |a: &Value, unit: i64| {
        a["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit_id"] == unit)
            .map(|s| s["score"].as_f64().unwrap())
            .unwrap_or(100.0)
    };
    let (_, before) = app.get(&ducha, "/assessment?period=2026").await;
    let (status, m) = app
        .step(
            &ducha,
            id,
            "close",
            json!({"comment": "基本完成", "rating": "basically"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (_, after) = app.get(&ducha, "/assessment?period=2026").await;
    let (fgw, czj) = (app.unit("fgw"), app.unit("czj"));
    assert_eq!(score(&after, fgw) - score(&before, fgw), 2.0, "{after}");
    assert_eq!(score(&after, czj) - score(&before, czj), 1.0, "{after}");
    let reasons = |unit: i64| -> Vec<String> {
        after["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit_id"] == unit)
            .unwrap()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["reason"].as_str().unwrap().to_string())
            .collect()
    };
    let number = m["number"].as_str().unwrap();
    assert!(
        reasons(czj)
            .iter()
            .any(|r| r.starts_with("办结评价基本满意(配合)") && r.contains(number)),
        "{after}"
    );

    // The workbook lists the item as it lists every other.
    let grid = sheet(download(&app, &ducha, "/assessment.xlsx?period=2026").await);
    let found = grid
        .iter()
        .flatten()
        .any(|c| c.contains("办结评价基本满意(牵头)") && c.contains(number));
    assert!(found, "{grid:?}");
}

async fn an_unknown_rating_is_refused_in_chinese_and_the_matter_stays_as_it_was() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = awaiting_close(&app, &ducha).await;
    let (_, before) = app.get(&ducha, &format!("/matters/{id}")).await;
    for bad in [json!("great"), json!("满意"), json!(3)] {
        let (status, e) = app
            .step(
                &ducha,
                id,
                "close",
                json!({"comment": "同意", "rating": bad}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
        if bad.is_string() {
            let message = e["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("满意度") && message.contains("基本满意"),
                "{e}"
            );
        }
    }
    let (_, after) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(after["state"], "completion_requested");
    assert_eq!(before["events"], after["events"], "refusals wrote nothing");
    assert_eq!(before["version"], after["version"]);
}

async fn the_close_form_offers_the_rating_and_the_timeline_shows_the_choice() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = awaiting_close(&app, &ducha).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get(&format!("/matters/{id}")).await;
    let form = &page.html[page.html.find("id=\"form-close\"").expect("a close form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains("<select id=\"close-rating\" name=\"rating\">"),
        "{form}"
    );
    for (value, label) in [
        ("", "不评价"),
        ("satisfied", "满意"),
        ("basically", "基本满意"),
        ("unsatisfied", "不满意"),
    ] {
        assert!(
            form.contains(&format!("<option value=\"{value}\">{label}</option>")),
            "{form}"
        );
    }
    let csrf = page.csrf();
    let path = format!("/matters/{id}/close");

    let refused = b
        .post(
            &path,
            &[("csrf", &csrf), ("comment", "同意"), ("rating", "perfect")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("满意度“perfect”无效"),
        "{}",
        refused.html
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(m["state"], "completion_requested");

    let done = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("comment", "同意办结"),
                ("rating", "unsatisfied"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let page = b.get(&done.location.unwrap()).await;
    assert!(
        page.html.contains("<em>满意度:</em>不满意"),
        "{}",
        page.html
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(
        (m["state"].as_str(), m["rating"].as_str()),
        (Some("closed"), Some("unsatisfied"))
    );
}
