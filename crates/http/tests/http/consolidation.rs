//! The lead unit's one report for the matter, drafted from what its co-units reported to it,
//! and the office sending one unit's report back on its own.

use luoshi_testkit::app::spawn_app;
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    the_lead_units_report_form_is_drafted_from_its_co_units_latest_reports,
    the_office_sends_one_units_report_back_alone_and_the_unit_owes_it_again,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn the_office_sends_one_units_report_back_alone_and_the_unit_owes_it_again() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let body = json!({
        "title": "推进老旧小区改造", "content": "完成年度改造任务。", "source": "work_report",
        "lead_unit_id": app.unit("fgw"), "co_unit_ids": [app.unit("czj")],
        "deadline": "2026-12-31", "report_rule": "每月25日前"
    });
    let (_, m) = app.post(&ducha, "/matters", body).await;
    let id = m["id"].as_i64().unwrap();
    app.step(&ducha, id, "assign", json!({})).await;
    // Both report in July's round.
    app.sweep_at("2026-07-20T09:00:00+08:00").await;
    let (ducha, fgw, czj) = (
        app.login("ducha").await,
        app.login("fgw").await,
        app.login("czj").await,
    );
    let report = |text: &str, percent: u8| json!({"progress_text": text, "percent": percent});
    app.step(&czj, id, "feedback", report("资金测算完成", 20))
        .await;
    app.step(&czj, id, "feedback", report("资金已拨付", 40))
        .await;
    let (_, m) = app
        .step(&fgw, id, "feedback", report("完成3个小区", 30))
        .await;
    let reports: Vec<i64> = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "feedback")
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let (first, latest, lead) = (reports[0], reports[1], reports[2]);
    let path = |event: i64| format!("/matters/{id}/reports/{event}/return");

    // Only the office, only with a reason, only the unit's latest report.
    let (status, _) = app
        .post(&fgw, &path(latest), json!({"reason": "数据不实"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, e) = app
        .post(&ducha, &path(latest), json!({"reason": " "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = app
        .post(&ducha, &path(first), json!({"reason": "数据不实"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("最近一次"), "{e}");

    let (status, m) = app
        .post(
            &ducha,
            &path(latest),
            json!({"reason": "拨付数据与财政系统不一致,请核实后重新反馈"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let unit = |m: &serde_json::Value, code: &str| {
        m["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["unit_id"] == app.unit(code))
            .unwrap()
            .clone()
    };
    // The 40 % no longer counts; the 20 % before it stands; the lead's report is untouched.
    assert_eq!(unit(&m, "czj")["percent"], 20, "{m}");
    assert_eq!(unit(&m, "fgw")["percent"], 30);
    let returned = m["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(returned["kind"], "report_returned");
    assert_eq!(returned["on_event_id"], latest);
    assert_eq!(returned["unit_id"], app.unit("czj"));
    // The same report cannot go back twice.
    let (status, _) = app
        .post(&ducha, &path(latest), json!({"reason": "再次退回"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The unit is told why, and asked to confirm.
    let (_, inbox) = app.get(&czj, "/inbox").await;
    let told = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["matter_id"] == id && i["body"].to_string().contains("拨付数据与财政系统不一致")
        })
        .unwrap_or_else(|| panic!("{inbox}"))
        .clone();
    assert_eq!(told["confirm"], true, "{told}");
    let (_, lead_inbox) = app.get(&fgw, "/inbox").await;
    assert!(
        !lead_inbox.to_string().contains("拨付数据与财政系统不一致"),
        "only the unit whose report went back is told"
    );

    // July's round counts it as missing again: 市财政局 is listed, 市发改委 is not.
    let (_, rounds) = app.get(&ducha, &format!("/matters/{id}/rounds")).await;
    assert_eq!(
        rounds[0]["units"],
        json!([
            {"unit_id": app.unit("fgw"), "reported": true},
            {"unit_id": app.unit("czj"), "reported": true},
        ]),
        "the first report, which stands, is in the round"
    );
    let (_, m) = app
        .post(&ducha, &path(first), json!({"reason": "同样不实"}))
        .await;
    assert_eq!(unit(&m, "czj")["percent"], 0, "{m}");
    let (_, rounds) = app.get(&ducha, &format!("/matters/{id}/rounds")).await;
    assert_eq!(rounds[0]["units"][1]["reported"], false, "{rounds}");
    app.sweep_at("2026-07-27T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(unit(&m, "czj")["light"], "red", "{m}");
    assert_eq!(unit(&m, "fgw")["light"], "green", "{m}");

    // On the page the office sees the mark and, for the lead's standing report, the form.
    let mut office = Browser::new(&app);
    office.sign_in("ducha").await;
    let page = office.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("已退回"), "{}", page.html);
    assert!(
        page.html
            .contains(&format!("name=\"event_id\" value=\"{lead}\"")),
        "{}",
        page.html
    );
    let sent = office
        .post(
            &format!("/matters/{id}/return-report"),
            &[
                ("csrf", &page.csrf()),
                ("event_id", &lead.to_string()),
                ("reason", "请补充改造户数"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(unit(&m, "fgw")["percent"], 0, "{m}");
}

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
