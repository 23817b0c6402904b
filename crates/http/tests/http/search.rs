//! Finding a matter the way people look for one: several words at once, across titles,
//! numbers and units, and a number typed however it comes to mind.

use luoshi_testkit::app::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

luoshi_testkit::on_both_backends!(
    several_words_must_all_match_across_title_number_and_units,
    a_number_is_found_however_it_is_typed,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn found(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let path = format!("/matters?limit=500&q={}", urlencode(q));
    let (status, page) = app.get(token, &path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn several_words_must_all_match_across_title_number_and_units() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let all = found(&app, &ducha, "").await;
    let fgw = app.unit("fgw");
    let led = all
        .iter()
        .find(|m| m["lead_unit_id"] == fgw)
        .expect("a matter 市发改委 leads");
    let word: String = led["title"].as_str().unwrap().chars().take(2).collect();
    let both = found(&app, &ducha, &format!("{word} 发改委")).await;
    assert!(both.iter().any(|m| m["id"] == led["id"]), "{word} 发改委");
    let word_alone = found(&app, &ducha, &word).await;
    assert!(
        both.len() <= word_alone.len(),
        "a second word narrows the search"
    );
    for m in &both {
        let (_, detail) = app.get(&ducha, &format!("/matters/{}", m["id"])).await;
        let involves = detail["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["unit_id"] == fgw);
        let text = format!("{}", detail["title"]);
        assert!(involves || text.contains("发改委"), "{detail}");
    }
    assert!(
        found(&app, &ducha, &format!("{word} 没有这个词"))
            .await
            .is_empty()
    );
}

async fn a_number_is_found_however_it_is_typed() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let all = found(&app, &ducha, "").await;
    let m = &all[0];
    let number = m["number"].as_str().unwrap();
    let seq: String = number
        .chars()
        .skip_while(|c| *c != '〕')
        .skip(1)
        .take_while(|c| c.is_ascii_digit())
        .collect();
    for typed in [
        number.to_string(),
        format!("{seq}号"),
        number.replace('〔', "[").replace('〕', "]"),
        number
            .replace('〔', "(")
            .replace('〕', ")")
            .replace("督", ""),
    ] {
        let hits = found(&app, &ducha, &typed).await;
        assert!(
            hits.iter().any(|h| h["id"] == m["id"]),
            "{typed} finds {number}"
        );
    }
}
