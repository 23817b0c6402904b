//! The lead unit's one report for the matter, drafted from what its co-units reported to it.

use luoshi_testkit::app::spawn_app;
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    the_lead_units_report_form_is_drafted_from_its_co_units_latest_reports,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn the_lead_units_report_form_is_drafted_from_its_co_units_latest_reports() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let czj = app.login("czj").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-09-30").await;
    for (text, percent) in [("资金测算完成", 20), ("资金已拨付到位", 40)] {
        let body = json!({"progress_text": text, "percent": percent});
        assert_eq!(app.step(&czj, id, "feedback", body).await.0, StatusCode::OK);
    }

    // The co-unit writes for its own part: nothing is gathered for it.
    let mut co = Browser::new(&app);
    co.sign_in("czj").await;
    assert!(
        !co.get(&format!("/matters/{id}"))
            .await
            .html
            .contains("cited-heading")
    );

    // A part split off to 市教育局, which reports on its sub-matter.
    let body = json!({"unit_ids": [app.unit("jyj")], "title": "校园项目分解落实"});
    let (status, subs) = app
        .post(&ducha, &format!("/matters/{id}/decompose"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{subs}");
    let sub = subs[0]["id"].as_i64().unwrap();
    if subs[0]["state"] == "draft" {
        app.step(&ducha, sub, "assign", json!({})).await;
    }
    let jyj = app.login("jyj").await;
    let body = json!({"progress_text": "三所学校已开工", "percent": 30});
    let (status, e) = app.step(&jyj, sub, "feedback", body).await;
    assert_eq!(status, StatusCode::OK, "{e}");

    let mut lead = Browser::new(&app);
    lead.sign_in("fgw").await;
    let page = lead.get(&format!("/matters/{id}")).await;
    assert!(
        page.html.contains("配合单位和下级事项的最新反馈"),
        "{}",
        page.html
    );
    let line = "市财政局(6月30日,40%):资金已拨付到位";
    let at = page.html.find("id=\"feedback-progress_text\"").unwrap();
    let draft = &page.html[at..at + page.html[at..].find("</textarea>").unwrap()];
    assert!(draft.contains(line), "the latest report, cited: {draft}");
    assert!(!draft.contains("资金测算完成"), "only the latest: {draft}");
    let sub_line = format!(
        "{} 市教育局(6月30日,30%):三所学校已开工",
        subs[0]["number"].as_str().unwrap()
    );
    assert!(
        draft.contains("下级事项进展:") && draft.contains(&sub_line),
        "{draft}"
    );

    // Sent as drafted, with the lead's own words added, it is one report that cites it.
    let text = format!("本单位办理情况:已完成项目评审。\n\n配合单位反馈:\n{line}");
    let done = lead
        .post(
            &format!("/matters/{id}/feedback"),
            &[
                ("csrf", &page.csrf()),
                ("progress_text", &text),
                ("percent", "50"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let last = m["events"].as_array().unwrap().last().unwrap();
    assert_eq!(last["unit_id"], app.unit("fgw"));
    assert!(last["comment"].as_str().unwrap().contains(line), "{last}");
}
