//! A matter's printed forms — the 督办通知单 and the latest 催办单 — downloaded from a real server
//! on each backend and opened by python-docx, a reader that is not ours; and their print views
//! reached from the matter's page.

use luoshi_testkit::app::{TestApp, spawn_app};
use luoshi_testkit::browser::Browser;
use luoshi_testkit::docx;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    the_notice_of_an_assigned_matter_opens_in_python_docx_with_its_number_title_units_and_deadline,
    a_draft_has_no_notice_a_matter_never_chased_no_slip_and_a_unit_outside_gets_404,
    the_slip_is_blue_at_the_yellow_reminder_yellow_at_a_red_one_and_red_at_escalation,
    a_reminder_by_hand_prints_a_blue_slip_with_the_offices_words_to_every_unit_at_work,
    the_matter_page_links_the_forms_whose_print_views_say_what_the_documents_say,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";
const TITLE: &str = "推进政务服务“一网通办”";
const FGW: &str = "云州市发展和改革委员会";
const CZJ: &str = "云州市财政局";

/// `GET /matters/{id}/forms/{name}` through the API: the status, and python-docx's reading of
/// the document, or the error answered.
async fn form(app: &TestApp, token: &str, id: i64, name: &str) -> (StatusCode, Value) {
    let res = app
        .http
        .get(format!("{}/matters/{id}/forms/{name}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status != StatusCode::OK {
        return (status, res.json().await.unwrap_or(Value::Null));
    }
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename*=UTF-8''"),
        "{disposition}"
    );
    (status, docx::read(&res.bytes().await.unwrap()))
}

/// The paragraph of a style, as python-docx reads it.
fn styled<'d>(doc: &'d Value, style: &str) -> &'d Value {
    doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["style"] == style)
        .unwrap_or_else(|| panic!("no {style} paragraph in {doc}"))
}

async fn number(app: &TestApp, token: &str, id: i64) -> String {
    let (_, m) = app.get(token, &format!("/matters/{id}")).await;
    m["number"].as_str().unwrap().to_string()
}

async fn the_notice_of_an_assigned_matter_opens_in_python_docx_with_its_number_title_units_and_deadline()
 {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-08-28").await;
    let number = number(&app, &ducha, id).await;

    let (status, doc) = form(&app, &ducha, id, "notice.docx").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(styled(&doc, "DocTitle")["text"], "督办通知单");
    assert_eq!(styled(&doc, "DocNumber")["text"], number.as_str());
    assert_eq!(styled(&doc, "Issuer")["text"], "云州市人民政府督查室");
    assert_eq!(styled(&doc, "Recipients")["text"], format!("{FGW}、{CZJ}:"));
    assert_eq!(
        styled(&doc, "DocDate")["text"],
        "2026年6月30日",
        "issued the day it was assigned"
    );
    let rows: Vec<(String, String)> = doc["tables"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |label: &str| {
        rows.iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
            .1
            .clone()
    };
    assert_eq!(row("督办编号"), number);
    assert_eq!(row("事项名称"), TITLE);
    assert_eq!(row("督办内容"), "年底前实现高频事项全程网办。");
    assert_eq!(row("事项来源"), "会议议定事项");
    assert_eq!(row("紧急程度"), "一般");
    assert_eq!(row("牵头单位"), FGW);
    assert_eq!(row("配合单位"), CZJ);
    assert_eq!(row("完成时限"), "2026年8月28日");
    // Assigned on Tuesday 30 June: one working day to sign.
    assert_eq!(row("签收要求"), "请于2026年7月1日前在系统中签收");
    assert!(row("反馈要求").contains("于2026年8月28日前办结,并在系统中申请办结"));
    assert!(
        row("联系方式").contains("云州市人民政府督查室")
            && row("联系方式").contains("联系人:")
            && row("联系方式").contains("ducha@demo.luoshi.example"),
        "{}",
        row("联系方式")
    );

    // Whoever reads the matter reads its notice: a co-unit's liaison, the mayor.
    for who in ["czj", "shizhang"] {
        let token = app.login(who).await;
        let (status, doc) = form(&app, &token, id, "notice.docx").await;
        assert_eq!(status, StatusCode::OK, "{who}: {doc}");
        assert!(docx::text(&doc).contains(TITLE));
    }
}

async fn a_draft_has_no_notice_a_matter_never_chased_no_slip_and_a_unit_outside_gets_404() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.create(&ducha, "fgw", &[], "2026-08-28").await;
    let (status, body) = form(&app, &ducha, id, "notice.docx").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(
        body["error"]["message"],
        "该事项尚未交办,交办后才有督办通知单"
    );

    let (status, _) = app.step(&ducha, id, "assign", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = form(&app, &ducha, id, "reminder.docx").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "该事项尚未催办过,还没有催办单");

    let (status, _) = app.step(&ducha, id, "remind", json!({"message": ""})).await;
    assert_eq!(status, StatusCode::OK);
    let county = app.login("county").await;
    for name in ["notice.docx", "reminder.docx"] {
        let (status, body) = form(&app, &county, id, name).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, _) = form(&app, &ducha, 987_654, "notice.docx").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = form(&app, &ducha, id, "reminder.docx").await;
    assert_eq!(status, StatusCode::OK);
}

/// The slip as python-docx shows it: its title, the title's colour, the band's ground, the
/// date, and each unit's row (unit, role, cause, count).
async fn slip(app: &TestApp, token: &str, id: i64) -> (String, String, String, String, Value) {
    let (status, doc) = form(app, token, id, "reminder.docx").await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let title = styled(&doc, "DocTitle");
    let band = styled(&doc, "Band");
    (
        title["text"].as_str().unwrap().to_string(),
        title["colour"].as_str().unwrap_or("").to_string(),
        band["fill"].as_str().unwrap_or("").to_string(),
        styled(&doc, "DocDate")["text"]
            .as_str()
            .unwrap()
            .to_string(),
        doc["tables"][0].clone(),
    )
}

async fn the_slip_is_blue_at_the_yellow_reminder_yellow_at_a_red_one_and_red_at_escalation() {
    // Monday 22 June 2026; the deadline is Thursday, three working days away: yellow.
    let app = spawn_app("2026-06-22T09:00:00+08:00").await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-06-25").await;
    for who in ["fgw", "czj"] {
        let token = app.login(who).await;
        let (status, body) = app.step(&token, id, "sign", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let number = number(&app, &ducha, id).await;

    let climbs = [
        // The yellow light's reminder.
        (
            "2026-06-22T10:00:00+08:00",
            "蓝色催办单",
            "0070C0",
            "0070C0",
            "2026年6月22日",
            "临近完成时限",
            "第1次",
        ),
        // Overdue from Friday: the first red reminder…
        (
            "2026-06-26T10:00:00+08:00",
            "黄色催办单",
            "BF8F00",
            "FFC000",
            "2026年6月26日",
            "已超过完成时限",
            "第2次",
        ),
        // …the second two working days later…
        (
            "2026-06-30T10:00:00+08:00",
            "黄色催办单",
            "BF8F00",
            "FFC000",
            "2026年6月30日",
            "已超过完成时限",
            "第3次",
        ),
        // …and the third escalates to the leader and the office.
        (
            "2026-07-02T10:00:00+08:00",
            "红色催办单",
            "C00000",
            "C00000",
            "2026年7月2日",
            "已超过完成时限",
            "第4次",
        ),
    ];
    for (at, title, colour, fill, date, about, times) in climbs {
        let sweep = app.sweep_at(at).await;
        assert!(sweep.reminders >= 2, "{at}: {sweep:?}");
        // Days later: a sign-in of that day.
        let fgw = app.login("fgw").await;
        let (t, c, f, d, units) = slip(&app, &fgw, id).await;
        assert_eq!(
            (t.as_str(), c.as_str(), f.as_str(), d.as_str()),
            (title, colour, fill, date),
            "{at}"
        );
        assert_eq!(
            units,
            json!([
                ["承办单位", "承办角色", "催办事由", "催办次数"],
                [FGW, "牵头", about, times],
                [CZJ, "配合", about, times],
            ]),
            "{at}"
        );
    }
    let fgw = app.login("fgw").await;
    let (_, doc) = form(&app, &fgw, id, "reminder.docx").await;
    let text = docx::text(&doc);
    assert!(text.contains(&number) && text.contains(TITLE), "{text}");
    assert!(text.contains("并列入问责候选"), "{text}");
    // A sweep that sends nothing leaves the latest slip as it was.
    app.sweep_at("2026-07-02T11:00:00+08:00").await;
    let fgw = app.login("fgw").await;
    assert_eq!(slip(&app, &fgw, id).await.0, "红色催办单");
}

async fn a_reminder_by_hand_prints_a_blue_slip_with_the_offices_words_to_every_unit_at_work() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-08-28").await;
    let (status, _) = app
        .step(
            &ducha,
            id,
            "remind",
            json!({"message": "请于本周五前报送项目清单"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (title, colour, fill, date, units) = slip(&app, &ducha, id).await;
    assert_eq!(
        (
            title.as_str(),
            colour.as_str(),
            fill.as_str(),
            date.as_str()
        ),
        ("蓝色催办单", "0070C0", "0070C0", "2026年6月30日")
    );
    assert_eq!(
        units,
        json!([
            ["承办单位", "承办角色", "催办事由", "催办次数"],
            [FGW, "牵头", "督查室催办", "第1次"],
            [CZJ, "配合", "督查室催办", "第1次"],
        ])
    );
    let (_, doc) = form(&app, &ducha, id, "reminder.docx").await;
    let text = docx::text(&doc);
    assert!(
        text.contains("督查室意见:请于本周五前报送项目清单"),
        "{text}"
    );
    // Two working days to answer, the ladder's interval between red reminders.
    assert!(
        text.contains("于2026年7月2日前在系统中反馈办理进展"),
        "{text}"
    );
    assert_eq!(styled(&doc, "Recipients")["text"], format!("{FGW}、{CZJ}:"));

    // A slip once sent stays on the record when the matter is cancelled.
    let (status, _) = app
        .step(&ducha, id, "cancel", json!({"reason": "任务调整"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (title, _, _, _, after) = slip(&app, &ducha, id).await;
    assert_eq!((title.as_str(), &after), ("蓝色催办单", &units));
}

async fn the_matter_page_links_the_forms_whose_print_views_say_what_the_documents_say() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let draft = app.create(&ducha, "fgw", &[], "2026-08-28").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let number = number(&app, &ducha, id).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;

    let page = b.get(&format!("/matters/{draft}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.html.contains("/forms/"),
        "a draft has nothing to print"
    );

    let page = b.get(&format!("/matters/{id}")).await;
    assert!(
        page.html
            .contains(&format!("href=\"/matters/{id}/forms/notice\""))
    );
    assert!(
        page.html
            .contains(&format!("href=\"/matters/{id}/forms/notice.docx\""))
    );
    assert!(!page.html.contains("催办单"), "not reminded yet");

    let (status, _) = app
        .step(&ducha, id, "remind", json!({"message": "请抓紧"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = b.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("蓝色催办单"));
    assert!(
        page.html
            .contains(&format!("href=\"/matters/{id}/forms/reminder\""))
    );

    for (name, title) in [("notice", "督办通知单"), ("reminder", "蓝色催办单")] {
        let view = b.get(&format!("/matters/{id}/forms/{name}")).await;
        assert_eq!(view.status, StatusCode::OK, "{name}");
        for shown in [title, number.as_str(), "推进政务服务“一网通办”", FGW] {
            assert!(view.html.contains(shown), "{name} shows {shown}");
        }
        assert!(
            view.html
                .contains(&format!("href=\"/matters/{id}/forms/{name}.docx\""))
        );
        let doc = docx::read(
            &b.download(&format!("/matters/{id}/forms/{name}.docx"))
                .await,
        );
        assert_eq!(styled(&doc, "DocTitle")["text"], title);
    }
    let view = b.get(&format!("/matters/{id}/forms/reminder")).await;
    assert!(view.html.contains("article class=\"official slip-blue\""));
    assert!(view.html.contains("提醒督办"));

    let mut county = Browser::new(&app);
    county.sign_in("county").await;
    for name in ["notice", "notice.docx", "reminder", "reminder.docx"] {
        let page = county.get(&format!("/matters/{id}/forms/{name}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{name}");
    }
    let page = b.get(&format!("/matters/{draft}/forms/notice")).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.html.contains("尚未交办"));
}
