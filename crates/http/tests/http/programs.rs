//! An office's own program, holding an API token made for it, does through the API what the
//! office does on its pages: imports a table, publishes a bulletin, records accountability,
//! keeps letters and files the scores.

use luoshi_testkit::app::{TestApp, multipart, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    a_program_with_a_token_runs_the_offices_paperwork_through_the_api
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status(), kind, res.bytes().await.unwrap().to_vec())
}

async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (StatusCode, Value) {
    let (content_type, body) = multipart(fields, file);
    app.post_raw(token, path, &content_type, body).await
}

async fn a_program_with_a_token_runs_the_offices_paperwork_through_the_api() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (status, made) = app
        .post(
            &ducha,
            "/tokens",
            json!({"name": "OA 对接", "scope": "write"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let program = made["token"].as_str().unwrap().to_string();

    // A task table: previewed, nothing written; imported; imported again, nothing added.
    let table = "序号,工作任务,牵头单位,配合单位,完成时限\n\
                 1,建成城东污水处理厂二期,市住建局,市财政局,2026年11月底前\n\
                 2,新增公办幼儿园学位3000个,市教育局,,2026年9月30日\n";
    let (_, before) = app.get(&program, "/matters?limit=1").await;
    let (status, plan) = upload(
        &app,
        &program,
        "/imports/preview",
        &[],
        ("任务.csv", table.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["rows"].as_array().unwrap().len(), 2);
    assert_eq!(plan["rows"][0]["deadline"], "2026-11-30");
    let (_, after_preview) = app.get(&program, "/matters?limit=1").await;
    assert_eq!(
        before["total"], after_preview["total"],
        "a preview writes nothing"
    );
    let fields = [("assign", "1"), ("source", "meeting")];
    let (status, done) = upload(
        &app,
        &program,
        "/imports",
        &fields,
        ("任务.csv", table.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    let created: Vec<i64> = done["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(created.len(), 2);
    let (_, m) = app.get(&program, &format!("/matters/{}", created[0])).await;
    assert_eq!(m["state"], "assigned");
    let (status, again) = upload(
        &app,
        &program,
        "/imports",
        &fields,
        ("任务.csv", table.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        (
            again["created"].as_array().unwrap().len(),
            again["already"].as_u64()
        ),
        (0, Some(2))
    );
    let (status, refused) = upload(
        &app,
        &program,
        "/imports",
        &[],
        ("坏.xlsx", b"PK\x03\x04 not a workbook"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fgw = app.login("fgw").await;
    let (status, _) = upload(
        &app,
        &fgw,
        "/imports/preview",
        &[],
        ("任务.csv", table.as_bytes()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A bulletin: a draft with a typical case, reviewed, published, printed.
    let (status, b) = app
        .post(
            &program,
            "/bulletins",
            json!({"period": "2026-06", "number": "云政督通〔2026〕6号"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let case = json!({"matter_id": created[0], "praise": false, "comment": "进度滞后,通报批评"});
    let (status, b) = app
        .post(&program, &format!("/bulletins/{id}/cases"), case)
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (status, refused) = app
        .post(&program, &format!("/bulletins/{id}/publish"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a draft is reviewed first: {refused}"
    );
    let (_, b) = app
        .post(&program, &format!("/bulletins/{id}/review"), json!({}))
        .await;
    assert_eq!(b["state"], "review");
    let (_, b) = app
        .post(&program, &format!("/bulletins/{id}/publish"), json!({}))
        .await;
    assert_eq!(b["state"], "published");
    let (_, one) = app.get(&program, &format!("/bulletins/{id}")).await;
    assert!(
        one["document"]["title"].as_str().unwrap().contains("通报"),
        "{one}"
    );
    let (status, kind, docx) = bytes(&app, &program, &format!("/bulletins/{id}/docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("wordprocessingml"));
    let luoshi_office::read::Content::Document {
        paragraphs: text, ..
    } = luoshi_office::read::read("b.docx", &docx).unwrap()
    else {
        panic!("a document")
    };
    assert!(
        text.iter().any(|p| p.contains("云政督通〔2026〕6号")),
        "{text:?}"
    );
    let (_, m) = app.get(&program, &format!("/matters/{}", created[0])).await;
    assert!(
        m["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "criticized")
    );

    // Accountability recorded by hand lands on the matter's timeline.
    let record = json!({"unit_id": app.unit("zjj"), "person": "张某", "matter_ids": [created[0]],
        "reason": "工程进度严重滞后", "measure": "talk"});
    let (status, r) = app.post(&program, "/accountability", record).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, records) = app.get(&program, "/accountability").await;
    assert!(
        records
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == r["id"] && x["state"] == "decided")
    );
    let (status, bad) = app
        .post(
            &program,
            "/accountability",
            json!({"unit_id": app.unit("zjj"), "reason": "x", "measure": "fine"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    // A signed letter kept and given back byte for byte.
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n";
    let unit = app.unit("jyj").to_string();
    let (status, l) = upload(
        &app,
        &program,
        "/letters",
        &[("unit_id", &unit), ("year", "2026")],
        ("教育局责任书.pdf", pdf),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{l}");
    let (_, letters) = app.get(&program, "/letters?year=2026").await;
    assert!(
        !letters["missing_unit_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(app.unit("jyj")))
    );
    let (status, _, file) = bytes(&app, &program, &format!("/letters/{}/file", l["id"])).await;
    assert_eq!((status, file.as_slice()), (StatusCode::OK, pdf.as_slice()));

    // A manual adjustment counts in the scores from then on.
    let (_, before) = app.get(&program, "/assessment?period=2026").await;
    let score_of = |a: &Value| {
        a["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unit_id"] == app.unit("zjj"))
            .map(|s| s["score"].as_f64().unwrap())
            .unwrap()
    };
    let adjustment = json!({"matter_id": created[0], "unit_id": app.unit("zjj"), "points": -1.5,
        "reason": "材料报送不及时", "approver": "分管副市长"});
    let (status, _) = app
        .post(&program, "/assessment/adjustments", adjustment)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = app.get(&program, "/assessment?period=2026").await;
    assert!((score_of(&before) - 1.5 - score_of(&after)).abs() < 1e-9);

    // The scores as the office files them.
    let (status, kind, book) = bytes(&app, &program, "/assessment.xlsx?period=2026").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"));
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("a.xlsx", &book).unwrap()
    else {
        panic!("a workbook")
    };
    assert!(
        grids[0]
            .rows
            .iter()
            .any(|r| r.iter().any(|c| c == "市住建局")),
        "{:?}",
        grids[0].rows
    );

    // Every call is in the OpenAPI document.
    let (_, doc) = app.get("", "/openapi.json").await;
    for path in [
        "/imports",
        "/imports/preview",
        "/bulletins/{id}/publish",
        "/accountability/{id}/decide",
        "/letters/{id}/file",
        "/assessment.xlsx",
        "/deliveries/{id}/retry",
        "/matters/{id}/reassign",
        "/units/{id}/merge",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}
