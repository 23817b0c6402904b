//! Scores and the ledger through the API, as the office's own programs read them.

use luoshi_testkit::app::spawn_app;
use reqwest::StatusCode;

luoshi_testkit::on_both_backends!(
    the_scores_of_a_period_are_the_base_plus_their_items_and_ranked_within_kinds,
    the_ledger_is_exported_with_the_lists_filters_and_only_what_the_caller_may_see,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn the_scores_of_a_period_are_the_base_plus_their_items_and_ranked_within_kinds() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (status, a) = app.get(&ducha, "/assessment?period=2026").await;
    assert_eq!(status, StatusCode::OK, "{a}");
    assert_eq!(a["period"], "2026年");
    let base = a["base"].as_f64().unwrap();
    let scores = a["scores"].as_array().unwrap();
    assert!(!scores.is_empty());
    for s in scores {
        let items: f64 = s["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["points"].as_f64().unwrap())
            .sum();
        let score = s["score"].as_f64().unwrap();
        assert!((score - (base + items)).abs() < 1e-6, "{s}");
        assert!(!s["unit"].as_str().unwrap().is_empty());
        let better = scores
            .iter()
            .filter(|o| o["kind"] == s["kind"] && o["score"].as_f64().unwrap() > score)
            .count();
        assert_eq!(s["rank"].as_u64().unwrap() as usize, better + 1, "{s}");
    }
    let (status, _) = app.get(&ducha, "/assessment").await;
    assert_eq!(status, StatusCode::OK, "this year when no period is given");
    let (status, refused) = app.get(&ducha, "/assessment?period=2026年13月").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fgw = app.login("fgw").await;
    assert_eq!(
        app.get(&fgw, "/assessment?period=2026").await.0,
        StatusCode::FORBIDDEN
    );
}

async fn the_ledger_is_exported_with_the_lists_filters_and_only_what_the_caller_may_see() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (_, reds) = app.get(&ducha, "/matters?light=red&limit=1").await;
    let (status, book) = app.download(&ducha, "/matters.xlsx?light=red").await;
    assert_eq!(status, StatusCode::OK);
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("ledger.xlsx", &book).unwrap()
    else {
        panic!("a workbook")
    };
    assert_eq!(grids[0].rows[1][2], "工作任务");
    assert_eq!(
        grids[0].rows.len() as u64 - 2,
        reds["total"].as_u64().unwrap()
    );

    let fgw = app.login("fgw").await;
    let (_, mine) = app.get(&fgw, "/matters?limit=1").await;
    let (status, csv) = app.download(&fgw, "/matters.csv").await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(
        text.lines().count() as u64 - 1,
        mine["total"].as_u64().unwrap(),
        "a liaison's own"
    );
    let (status, _) = app.download(&ducha, "/matters.csv?state=nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
