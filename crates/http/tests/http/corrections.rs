//! Matters people get wrong: a draft corrected in every field, and work in hand given to
//! another unit (改派), through the API and on the matter's page.

use luoshi_testkit::app::spawn_app;
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_draft_is_corrected_in_every_field_until_it_is_assigned,
    work_in_hand_is_reassigned_with_the_old_unit_on_record_and_the_new_one_told,
    a_supervisor_reassigns_and_corrects_drafts_on_the_pages,
    a_returned_matter_tells_the_lead_unit_why_wherever_it_looks,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

fn last_event(m: &Value) -> Value {
    m["events"].as_array().unwrap().last().unwrap().clone()
}

async fn a_draft_is_corrected_in_every_field_until_it_is_assigned() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.create(&ducha, "fgw", &["czj"], "2026-08-28").await;
    let corrected = json!({
        "title": "加快推进城东片区改造", "content": "年内完成征收。", "source": "decision",
        "urgency": "urgent", "lead_unit_id": app.unit("jyj"), "co_unit_ids": [app.unit("kjj")],
        "deadline": "2026-10-30", "public": true, "tags": ["重点项目"],
    });
    let fgw = app.login("fgw").await;
    let (status, _) = app
        .patch(&fgw, &format!("/matters/{id}"), corrected.clone())
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a liaison may not correct it"
    );
    let (status, m) = app
        .patch(&ducha, &format!("/matters/{id}"), corrected.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["title"], "加快推进城东片区改造");
    assert_eq!(m["deadline"], "2026-10-30");
    assert_eq!(m["lead_unit_id"], app.unit("jyj"));
    assert_eq!(m["co_unit_ids"], json!([app.unit("kjj")]));
    assert_eq!(m["state"], "draft");
    let units: Vec<i64> = m["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        units,
        [app.unit("jyj"), app.unit("kjj")],
        "the old units are gone"
    );
    let edited = last_event(&m);
    assert_eq!(edited["kind"], "edited");
    let said = edited["comment"].as_str().unwrap();
    for field in ["事项名称", "牵头单位", "配合单位", "完成时限", "紧急程度"] {
        assert!(said.contains(field), "{said}");
    }

    // A correction that is not valid is refused whole.
    let mut bad = corrected.clone();
    bad["co_unit_ids"] = json!([app.unit("jyj")]);
    let (status, refused) = app.patch(&ducha, &format!("/matters/{id}"), bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, unchanged) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(unchanged["co_unit_ids"], json!([app.unit("kjj")]));

    // Once assigned, units change by 改派, not by editing.
    app.step(&ducha, id, "assign", json!({})).await;
    let (status, refused) = app
        .patch(&ducha, &format!("/matters/{id}"), corrected)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("改派")
    );
}

async fn work_in_hand_is_reassigned_with_the_old_unit_on_record_and_the_new_one_told() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "jyj", &["czj"], "2026-08-28").await;
    let jyj = app.login("jyj").await;
    app.step(&jyj, id, "sign", json!({})).await;

    let reassign = |from: Option<&str>, to: &str, reason: &str| {
        let mut body = json!({"to_unit_id": app.unit(to), "reason": reason});
        if let Some(from) = from {
            body["from_unit_id"] = json!(app.unit(from));
        }
        body
    };
    let path = format!("/matters/{id}/reassign");
    let (status, _) = app
        .post(&jyj, &path, reassign(Some("jyj"), "fgw", "x"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the office reassigns");
    let (status, refused) = app
        .post(&ducha, &path, reassign(Some("jyj"), "fgw", " "))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, refused) = app
        .post(&ducha, &path, reassign(Some("jyj"), "czj", "x"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    let (status, m) = app
        .post(
            &ducha,
            &path,
            reassign(Some("jyj"), "fgw", "职能调整,划归发改部门"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["lead_unit_id"], app.unit("fgw"));
    assert_eq!(m["co_unit_ids"], json!([app.unit("czj")]));
    let old = m["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["unit_id"] == app.unit("jyj"))
        .expect("the unit taken off stays on record")
        .clone();
    assert_eq!(old["state"], "cancelled");
    let event = last_event(&m);
    assert_eq!(event["kind"], "reassigned");
    let said = event["comment"].as_str().unwrap();
    assert!(
        said.contains("市教育局") && said.contains("职能调整"),
        "{said}"
    );

    // The new unit hears of it; the old one can no longer report.
    let fgw = app.login("fgw").await;
    let (_, inbox) = app.get(&fgw, "/inbox").await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["matter_id"] == id && i["title"].as_str().unwrap().starts_with("改派")),
        "{inbox}"
    );
    let report = json!({"progress_text": "已启动", "percent": 10});
    let (status, _) = app.step(&jyj, id, "feedback", report.clone()).await;
    assert!(status.is_client_error(), "{status}");
    let (status, m) = app.step(&fgw, id, "feedback", report).await;
    assert_eq!(status, StatusCode::OK, "{m}");

    // A unit added alongside, without replacing anyone.
    let (status, m) = app
        .post(&ducha, &path, reassign(None, "kjj", "需要科技部门配合"))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["co_unit_ids"], json!([app.unit("czj"), app.unit("kjj")]));
    let (_, listed) = app
        .get(&ducha, &format!("/matters?unit_id={}", app.unit("kjj")))
        .await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
    );
}

async fn a_supervisor_reassigns_and_corrects_drafts_on_the_pages() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let draft = app.create(&ducha, "fgw", &[], "2026-08-28").await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get(&format!("/matters/{draft}")).await;
    assert!(
        page.html.contains(&format!("/matters/{draft}/edit")),
        "{}",
        page.html
    );
    let form = b.get(&format!("/matters/{draft}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("修改草稿") && form.html.contains("市发改委"));
    let saved = b
        .post(
            &format!("/matters/{draft}/edit"),
            &[
                ("csrf", &form.csrf()),
                ("title", "改过的名称"),
                ("content", ""),
                ("source", "meeting"),
                ("urgency", "normal"),
                ("lead", "市财政局"),
                ("co", ""),
                ("deadline", "2026-09-30"),
                ("cadence", "once"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let (_, m) = app.get(&ducha, &format!("/matters/{draft}")).await;
    assert_eq!(
        (m["title"].as_str(), m["lead_unit_id"].as_i64()),
        (Some("改过的名称"), Some(app.unit("czj")))
    );

    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("form-reassign"), "{}", page.html);
    let refused = b
        .post(
            &format!("/matters/{id}/reassign"),
            &[
                ("csrf", &page.csrf()),
                ("from", &app.unit("fgw").to_string()),
                ("to", "不存在的局"),
                ("reason", "调整"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("找不到单位"), "{}", refused.html);
    let done = b
        .post(
            &format!("/matters/{id}/reassign"),
            &[
                ("csrf", &page.csrf()),
                ("from", &app.unit("fgw").to_string()),
                ("to", "市教育局"),
                ("reason", "职能调整"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let after = b.get(&format!("/matters/{id}")).await;
    assert!(
        after.html.contains("由市发改委改派市教育局承办"),
        "{}",
        after.html
    );
}

async fn a_returned_matter_tells_the_lead_unit_why_wherever_it_looks() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let fgw = app.login("fgw").await;
    app.step(
        &fgw,
        id,
        "feedback",
        json!({"progress_text": "已完成", "percent": 100}),
    )
    .await;
    let (status, _) = app
        .step(
            &fgw,
            id,
            "request-completion",
            json!({"summary": "已按要求完成"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .step(
            &ducha,
            id,
            "return",
            json!({"reason": "佐证材料不全,请补充验收报告"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // In the inbox of the lead unit's liaison …
    let (_, inbox) = app.get(&fgw, "/inbox").await;
    let message = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["matter_id"] == id && i["title"].as_str().unwrap().starts_with("退回"))
        .unwrap_or_else(|| panic!("no return message: {inbox}"))
        .clone();
    assert!(message["body"].as_str().unwrap().contains("佐证材料不全"));

    // … on the workbench row and at the top of the matter's page, until the unit reports again.
    let mut b = Browser::new(&app);
    b.sign_in("fgw").await;
    let home = b.get("/").await;
    assert!(home.html.contains("退回理由:佐证材料不全"), "{}", home.html);
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("办结申请已被退回"), "{}", page.html);
    // The timeline names the office's person with the office, and the unit sent back to.
    let returned_line = page
        .html
        .lines()
        .find(|l| l.contains("<strong>退回</strong>"))
        .unwrap_or_default()
        .to_string();
    assert!(
        returned_line.contains("(督查室) → 市发改委"),
        "{returned_line}"
    );
    app.step(
        &fgw,
        id,
        "feedback",
        json!({"progress_text": "已补充验收报告", "percent": 100}),
    )
    .await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(!page.html.contains("办结申请已被退回"));
}
