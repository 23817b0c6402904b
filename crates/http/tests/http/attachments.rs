//! Files on a matter's record, over the JSON API and the matter's page, against a real server on
//! each backend.

use luoshi_domain::Source;
use luoshi_service::Rules;
use luoshi_testkit::app::{TestApp, spawn_app, spawn_app_with};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

luoshi_testkit::on_both_backends!(
    a_file_uploaded_by_the_lead_unit_downloads_byte_for_byte_and_joins_the_timeline,
    a_unit_outside_the_matter_gets_404_for_its_files_and_cannot_add_any,
    an_oversized_or_mislabelled_file_is_refused_with_a_clear_message_and_nothing_is_kept,
    the_public_page_and_api_show_nothing_of_a_public_matters_files,
    a_liaison_attaches_evidence_to_a_report_from_the_matter_page,
    a_source_set_to_need_evidence_refuses_completion_until_the_lead_unit_attaches_a_file,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// `POST /matters/{id}/attachments` with a file and form fields.
async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (StatusCode, Value) {
    let (content_type, body) = luoshi_testkit::app::multipart(fields, file);
    app.post_raw(
        token,
        &format!("/matters/{id}/attachments"),
        &content_type,
        body,
    )
    .await
}

/// `GET /attachments/{id}`: the status, the content type and the bytes.
async fn download(app: &TestApp, token: &str, id: i64) -> (StatusCode, String, Vec<u8>) {
    let res = app
        .http
        .get(format!("{}/attachments/{id}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, res.bytes().await.unwrap().to_vec())
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn a_file_uploaded_by_the_lead_unit_downloads_byte_for_byte_and_joins_the_timeline() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let czj = app.login("czj").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-08-28").await;
    let (status, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "已完成选址", "percent": 40}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let report = m["events"].as_array().unwrap().last().unwrap()["id"].clone();

    let report_id = report.to_string();
    let fields = [("note", "现场照片及验收单"), ("on_event_id", &report_id)];
    let (status, a) = upload(&app, &fgw, id, &fields, ("验收单.pdf", PDF)).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    assert_eq!(
        (&a["name"], &a["size"], &a["media_type"], &a["sha256"]),
        (
            &json!("验收单.pdf"),
            &json!(PDF.len()),
            &json!("application/pdf"),
            &json!(hex_sha256(PDF))
        )
    );
    let file_id = a["id"].as_i64().unwrap();

    for reader in [&fgw, &czj, &ducha] {
        let (status, kind, bytes) = download(&app, reader, file_id).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
        assert_eq!(bytes, PDF, "identical bytes to whoever may read the matter");
    }

    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let upload_event = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "attached")
        .expect("the upload is a step in the timeline");
    assert_eq!(upload_event["id"], a["id"]);
    assert_eq!(upload_event["comment"], "现场照片及验收单");
    assert_eq!(upload_event["unit_id"], app.unit("fgw"));
    assert_eq!(m["attachments"][0]["on_event_id"], report);

    let (status, again) = upload(&app, &czj, id, &[], ("配合材料.pdf", PDF)).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        again["sha256"], a["sha256"],
        "one file, kept once by its hash"
    );
    let (status, refused) = upload(&app, &czj, id, &fields, ("x.pdf", PDF)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a co-unit does not attach to the lead unit's report: {refused}"
    );
}

async fn a_unit_outside_the_matter_gets_404_for_its_files_and_cannot_add_any() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let county = app.login("county").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (_, a) = upload(&app, &ducha, id, &[], ("批示件.pdf", PDF)).await;
    let file_id = a["id"].as_i64().unwrap();

    let (status, _, bytes) = download(&app, &county, file_id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!bytes.windows(4).any(|w| w == b"%PDF"), "not a byte of it");
    let (status, _, _) = download(&app, &county, file_id + 1000).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a file outside one's scope and one that does not exist answer alike"
    );
    let (status, body) = upload(&app, &county, id, &[], ("x.pdf", PDF)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, _, bytes) = download(&app, &fgw, file_id).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PDF));
    let admin = app.login("admin").await;
    let (status, body) = upload(&app, &admin, id, &[], ("x.pdf", PDF)).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an administrator reads but does not act on matters: {body}"
    );
}

async fn an_oversized_or_mislabelled_file_is_refused_with_a_clear_message_and_nothing_is_kept() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let timeline = |m: &Value| m["events"].as_array().unwrap().len();
    let (_, before) = app.get(&ducha, &format!("/matters/{id}")).await;

    let (status, e) = upload(&app, &fgw, id, &[], ("完成报告.pdf", PNG)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("PDF") && message.contains("PNG"),
        "{message}"
    );
    let (status, e) = upload(&app, &fgw, id, &[], ("说明.docx", b"plain text")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("不是Word"),
        "{e}"
    );
    let (status, e) = upload(&app, &fgw, id, &[], ("工具.exe", b"MZ\x90\0")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    let mut big = PDF.to_vec();
    big.resize(30 * 1024 * 1024, b' ');
    let (content_type, body) = luoshi_testkit::app::multipart(&[], ("扫描件.pdf", &big));
    let res = app
        .http
        .post(format!("{}/matters/{id}/attachments", app.base))
        .bearer_auth(&fgw)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e: Value = res.json().await.unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().contains("20 MB"),
        "{e}"
    );

    let (_, after) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(timeline(&after), timeline(&before), "nothing was recorded");
    assert_eq!(after["attachments"], json!([]));
}

async fn the_public_page_and_api_show_nothing_of_a_public_matters_files() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let body = json!({
        "title": "新建城东学校", "content": "年内完工。", "source": "work_report",
        "urgency": "normal", "lead_unit_id": app.unit("fgw"), "co_unit_ids": [],
        "deadline": "2026-12-31", "public": true
    });
    let (status, m) = app.post(&ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    app.step(&ducha, id, "assign", json!({})).await;
    let fgw = app.login("fgw").await;
    let (status, a) = upload(
        &app,
        &fgw,
        id,
        &[("note", "内部审批意见")],
        ("内部佐证材料.pdf", PDF),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");

    let (status, public) = app.get("", "/public/matters").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.to_string().contains("新建城东学校"),
        "the matter is public"
    );
    let mut b = Browser::new(&app);
    let page = b.get("/public").await;
    assert!(page.html.contains("新建城东学校"));
    for shown in [public.to_string(), page.html] {
        for secret in [
            "内部佐证材料",
            "内部审批意见",
            "attachment",
            "附件",
            "sha256",
        ] {
            assert!(!shown.contains(secret), "{secret} shown publicly");
        }
    }
    let anonymous = reqwest::Client::new()
        .get(format!("{}/attachments/{}", b.origin, a["id"]))
        .send()
        .await
        .unwrap();
    assert!(
        !anonymous.bytes().await.unwrap().starts_with(b"%PDF"),
        "no file without signing in"
    );
}

async fn a_liaison_attaches_evidence_to_a_report_from_the_matter_page() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (_, m) = app
        .step(
            &fgw,
            id,
            "feedback",
            json!({"progress_text": "主体完工", "percent": 80}),
        )
        .await;
    let report = m["events"].as_array().unwrap().last().unwrap()["id"].to_string();

    let mut b = Browser::new(&app);
    b.sign_in("fgw").await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("id=\"form-attach\""), "{}", page.html);
    assert!(page.html.contains("enctype=\"multipart/form-data\""));
    let csrf = page.csrf();
    let path = format!("/matters/{id}/attachments");

    let stale = b.upload(&path, &[("csrf", "0")], ("照片.png", PNG)).await;
    assert_eq!(
        stale.status,
        StatusCode::FORBIDDEN,
        "a form without its token"
    );

    let wrong = b.upload(&path, &[("csrf", &csrf)], ("照片.pdf", PNG)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.html.contains("内容却是PNG 图片"),
        "the refusal is on the page: {}",
        wrong.html
    );

    let mut big = PDF.to_vec();
    big.resize(30 * 1024 * 1024, b' ');
    let too_big = b
        .upload(&path, &[("csrf", &csrf)], ("扫描件.pdf", &big))
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.html.contains("文件超过 20 MB"), "{}", too_big.html);

    let done = b
        .upload(
            &path,
            &[
                ("csrf", &csrf),
                ("on_event_id", &report),
                ("note", "竣工照片"),
            ],
            ("竣工照片.png", PNG),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let to = done.location.unwrap();
    assert!(to.contains("done=attach"), "{to}");

    let page = b.get(&to).await;
    assert!(page.html.contains("附件已上传"), "{}", page.html);
    let link = page
        .html
        .split("href=\"/attachments/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a download link in the timeline")
        .to_string();
    assert!(page.html.contains("竣工照片.png") && page.html.contains("竣工照片"));
    assert_eq!(
        page.html.matches(&format!("/attachments/{link}\"")).count(),
        2,
        "listed under the upload and under the report it is for"
    );
    assert_eq!(b.download(&format!("/attachments/{link}")).await, PNG);

    let mut county = Browser::new(&app);
    county.sign_in("county").await;
    let res = county
        .http
        .get(format!("{}/attachments/{link}", county.origin))
        .header("cookie", county.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn a_source_set_to_need_evidence_refuses_completion_until_the_lead_unit_attaches_a_file() {
    let rules = Rules {
        evidence_before_completion: vec![Source::Meeting],
        ..Rules::default()
    };
    let app = spawn_app_with(NOW, rules).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    app.step(
        &fgw,
        id,
        "feedback",
        json!({"progress_text": "已完成", "percent": 100}),
    )
    .await;

    let (_, m) = upload(&app, &ducha, id, &[], ("会议纪要.pdf", PDF)).await;
    assert!(m["id"].is_i64(), "{m}");
    let ask = json!({"summary": "已全部完成"});
    let (status, e) = app.step(&fgw, id, "request-completion", ask.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the office's own file is not the unit's evidence: {e}"
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("佐证材料"),
        "{e}"
    );

    let mut b = Browser::new(&app);
    b.sign_in("fgw").await;
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(
        page.html.contains("须由牵头单位上传佐证材料"),
        "{}",
        page.html
    );

    let (status, a) = upload(&app, &fgw, id, &[], ("完成报告.pdf", PDF)).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (status, m) = app.step(&fgw, id, "request-completion", ask).await;
    assert_eq!(
        (status, m["state"].as_str()),
        (StatusCode::OK, Some("completion_requested")),
        "{m}"
    );
}
