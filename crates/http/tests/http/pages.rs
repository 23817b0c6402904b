//! The pages, driven with plain form posts as a browser without JavaScript would send them.

use luoshi_testkit::app::{spawn_app, spawn_app_with};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;

luoshi_testkit::on_both_backends!(
    signing_in_needs_the_forms_token_and_sets_an_httponly_session,
    a_liaison_signs_and_reports_with_forms_only,
    signing_out_ends_the_session_everywhere_it_was_used,
    the_public_page_needs_no_sign_in_and_shows_nothing_internal,
    the_list_filters_pages_and_ignores_what_it_cannot_read,
    the_dashboard_draws_its_charts_on_the_server_and_every_bar_links_to_its_list,
    a_supervisor_registers_a_matter_naming_units_the_way_people_write_them,
    a_liaison_signs_everything_waiting_in_one_go,
    the_supervisor_sees_who_went_quiet_and_a_vice_mayor_sees_the_units_in_charge,
    a_county_splits_city_work_for_its_own_departments_and_the_city_sees_the_parts,
    the_matter_page_shows_the_chain_and_closes_over_open_parts_only_by_override,
    the_pages_switch_to_english_and_back,
    a_refusal_reads_in_english_on_english_pages_with_the_names_inside_kept,
    a_returned_completion_waits_at_the_top_of_the_liaisons_workbench,
    asking_to_close_warns_of_unfinished_co_units_and_the_review_shows_them,
    the_assessment_offers_every_scheme_by_its_chinese_name_the_offices_own_first,
    the_list_exports_as_csv_that_excel_reads_as_chinese,
    the_overdue_trend_and_the_heat_map_count_what_their_links_list,
    a_task_table_is_previewed_corrected_in_place_and_imported_once,
    a_reminder_by_hand_reaches_the_liaisons_inbox_and_asks_for_a_receipt,
    a_holiday_notice_pasted_on_the_admin_page_is_previewed_then_saved,
    the_assessment_ranks_units_explains_each_point_and_exports_to_excel,
    a_measure_entered_by_hand_goes_on_the_timeline_and_into_the_score,
    a_bulletin_is_drafted_with_a_typical_case_reviewed_published_and_kept_as_issued,
    responsibility_letters_are_checked_kept_and_the_units_without_one_listed,
    five_wrong_passwords_lock_the_sign_in_with_a_message_that_says_so,
    signing_out_everywhere_ends_the_sessions_on_other_devices,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn signing_in_needs_the_forms_token_and_sets_an_httponly_session() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    let home = b.get("/").await;
    assert_eq!(
        (home.status, home.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );

    let login = b.get("/login").await;
    let res = reqwest::get(format!("{}/login", b.origin)).await.unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        login.html.contains("<html lang=\"zh-CN\">")
            && login
                .html
                .contains("<label for=\"username\">用户名</label>")
    );
    let refused = b
        .post(
            "/login",
            &[("username", "fgw"), ("password", "luoshi-demo")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no sign-in"
    );
    assert!(!b.cookies.contains_key("luoshi_session"));

    let csrf = b.get("/login").await.csrf();
    let wrong = b
        .post(
            "/login",
            &[("username", "fgw"), ("password", "nope"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.html.contains("用户名或密码错误") && wrong.html.contains("value=\"fgw\""),
        "the error, and the name kept"
    );

    let csrf = wrong.csrf();
    let ok = b
        .post(
            "/login",
            &[
                ("username", "fgw"),
                ("password", "luoshi-demo"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let session = ok
        .set_cookies
        .iter()
        .find(|c| c.starts_with("luoshi_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.html.contains("<caption>待签收</caption>"));
}

async fn a_liaison_signs_and_reports_with_forms_only() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let mut b = Browser::new(&app);
    let home = b.sign_in("fgw").await;
    let csrf = home.csrf();
    let sign_form = format!("action=\"/matters/{id}/sign\"");
    assert!(
        home.html.contains(&sign_form),
        "the new matter waits to be signed on the workbench"
    );

    // One click: sign from the workbench, and land back on it.
    let forged = b
        .post(&format!("/matters/{id}/sign"), &[("back", "/")])
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "a form without its CSRF token is refused"
    );
    let signed = b
        .post(
            &format!("/matters/{id}/sign"),
            &[("csrf", &csrf), ("back", "/")],
        )
        .await;
    assert_eq!(
        (signed.status, signed.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=sign"))
    );
    let home = b.get("/?done=sign").await;
    assert!(!home.html.contains(&sign_form));
    assert!(
        home.html
            .contains("role=\"status\" id=\"notice\"><p>已签收</p>"),
        "the workbench says what the click did: {}",
        home.html
    );

    let bad = b
        .post(
            &format!("/matters/{id}/feedback"),
            &[
                ("csrf", &csrf),
                ("progress_text", "完成项目选址"),
                ("percent", "150"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html.contains("完成进度应为0到100之间的整数") && bad.html.contains("完成项目选址"),
        "error and input kept"
    );

    let report = [
        ("csrf", csrf.as_str()),
        ("progress_text", "完成项目选址"),
        ("percent", "40"),
        ("problems", ""),
        ("next_steps", "办理用地手续"),
    ];
    let done = b.post(&format!("/matters/{id}/feedback"), &report).await;
    assert_eq!(
        (done.status, done.location),
        (
            StatusCode::SEE_OTHER,
            Some(format!("/matters/{id}?done=feedback"))
        )
    );
    let page = b.get(&format!("/matters/{id}?done=feedback")).await;
    assert!(page.html.contains("<strong>反馈进展</strong>") && page.html.contains("办理用地手续"));
    assert!(
        page.html
            .contains("role=\"status\" id=\"notice\"><p>进展已反馈</p>")
    );
    let again = b.get(&format!("/matters/{id}")).await;
    assert!(
        !again.html.contains("id=\"notice\""),
        "the notice is said once"
    );
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    assert_eq!(
        (m["state"].as_str(), m["assignments"][0]["percent"].as_i64()),
        (Some("in_progress"), Some(40))
    );
}

async fn signing_out_ends_the_session_everywhere_it_was_used() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    let home = b.sign_in("ducha").await;
    let token = b.cookies["luoshi_session"].clone();
    let (status, _) = app.get(&token, "/units").await;
    assert_eq!(status, StatusCode::OK);
    let out = b.post("/logout", &[("csrf", &home.csrf())]).await;
    assert_eq!(
        (out.status, out.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    assert_eq!(b.get("/").await.location.as_deref(), Some("/login"));
    let (status, _) = app.get(&token, "/units").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the token is gone, not just the cookie"
    );
}

async fn the_public_page_needs_no_sign_in_and_shows_nothing_internal() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.unit("fgw");
    let register = |title: &str, public: bool| {
        serde_json::json!({"title": title, "content": "内部工作要求:不得外传", "source": "work_report",
            "urgency": "normal", "lead_unit_id": fgw, "co_unit_ids": [], "deadline": "2026-12-31",
            "public": public})
    };
    let mayor = app.leader(&ducha, "shizhang").await;
    for (title, public) in [("新建城市书房二十处", true), ("内部整改事项甲", false)]
    {
        let mut body = register(title, public);
        body["leader_id"] = mayor["id"].clone();
        let (status, m) = app.post(&ducha, "/matters", body).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        app.step(
            &ducha,
            m["id"].as_i64().unwrap(),
            "assign",
            serde_json::json!({}),
        )
        .await;
    }
    let mut b = Browser::new(&app);
    let page = b.get("/public").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("新建城市书房二十处"));
    assert!(
        !page.html.contains("内部整改事项甲"),
        "an internal matter never shows"
    );
    assert!(!page.html.contains("不得外传"), "no internal content");
    assert!(
        !page.html.contains(mayor["display_name"].as_str().unwrap()),
        "no personal names"
    );
    assert!(!page.html.contains("name=\"csrf\""), "no forms, no session");
    assert!(
        page.html
            .contains("<h1>云州市人民政府公开承诺事项办理情况</h1>")
            && page.html.contains("数据更新于 2026年6月30日 09:00"),
        "the government is named and the page dated"
    );
    for internal in ["已签收", "申请办结", "待签收", "已交办", "办理中"] {
        assert!(
            !page.html.contains(internal),
            "{internal} is an internal word"
        );
    }

    // The same through the API, without a token: the public matter, and nothing internal.
    let res = app
        .http
        .get(format!("{}/public/matters", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["title"] == "新建城市书房二十处" && m["source"] == "work_report")
    );
    for secret in [
        "内部整改事项甲",
        "不得外传",
        mayor["display_name"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "{secret} must not leak");
    }
}

async fn the_list_filters_pages_and_ignores_what_it_cannot_read() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let all = b.get("/matters").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        all.html.contains("下一页"),
        "the demo city has more than one page"
    );
    let reds = b.get("/matters?light=red").await;
    assert!(reds.html.contains("红灯") && !reds.html.contains("class=\"light light-green\""));
    assert!(
        reds.html.contains("<option value=\"red\" selected>"),
        "the choice is kept"
    );
    let sorted = b.get("/matters?sort=number").await;
    assert!(sorted.html.contains("<option value=\"number\" selected>"));
    let odd = b.get("/matters?state=lost&page=0&sort=up").await;
    assert!(odd.html.contains("排序“up”无效"));
    let dated = b.get("/matters?due_from=2026-07-01&due_to=someday").await;
    assert!(
        dated.html.contains("截止日期“someday”无效") && dated.html.contains("value=\"2026-07-01\"")
    );
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.html.contains("状态“lost”无效") && odd.html.contains("页码“0”无效"));
    let search = b
        .get(&format!(
            "/matters?q={}",
            "%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84"
        ))
        .await;
    assert!(search.html.contains("共 0 件"));
}

async fn the_dashboard_draws_its_charts_on_the_server_and_every_bar_links_to_its_list() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("shizhang").await;
    let page = b.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.html.matches("<svg").count(),
        4,
        "three breakdowns and the trend"
    );
    // The template escapes the slash (&#x2f;), which browsers read back as "/".
    for query in [
        "matters?state=closed",
        "matters?light=red",
        "matters?source=instruction",
    ] {
        assert!(
            page.html.contains(&format!("{query}\">")),
            "a bar links to {query}"
        );
    }
    assert!(page.html.contains("办结率"));
}

async fn a_supervisor_registers_a_matter_naming_units_the_way_people_write_them() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    let home = b.sign_in("ducha").await;
    let csrf = home.csrf();
    let form = b.get("/matters/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.html
            .contains("<label for=\"new-lead\">牵头单位</label>")
            && form.html.contains("<option value=\"市发改委\">")
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "推进城区老旧小区改造"),
        ("content", "年底前完成42个小区改造。"),
        ("source", "work_report"),
        ("origin", "《2026年政府工作报告》"),
        ("urgency", "normal"),
        ("lead", "市住建局"),
        ("co", "市发改委、不存在局"),
        ("leader_id", ""),
        ("deadline", "2026-12-31"),
        ("cadence", "monthly"),
        ("public", "1"),
        (
            "milestones",
            "2026-09-30 50 完成主体工程\n2026-12-31 100 全部交付",
        ),
        ("tags", "民生实事、城市更新"),
    ];
    let wrong = b.post("/matters/new", &fields).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.html.contains("找不到单位:不存在局"),
        "the unknown name is reported, not guessed"
    );
    assert!(
        wrong.html.contains("推进城区老旧小区改造") && wrong.html.contains("市发改委、不存在局"),
        "input kept"
    );

    fields[7] = ("co", "市发展和改革委员会,市财政局");
    let done = b.post("/matters/new", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let page = b.get(done.location.as_deref().unwrap()).await;
    assert!(page.html.contains("推进城区老旧小区改造") && page.html.contains("action=\"/matters/"));
    assert!(
        page.html.contains("<h2>交办</h2>"),
        "the new draft offers to be assigned"
    );
    assert!(page.html.contains("市财政局") && page.html.contains("市发改委"));
    let id = done
        .location
        .as_deref()
        .unwrap()
        .trim_start_matches("/matters/")
        .to_string();
    let (_, m) = app
        .get(&app.login("ducha").await, &format!("/matters/{id}"))
        .await;
    assert_eq!(m["milestones"][0]["percent"], 50);
    assert_eq!(m["tags"], serde_json::json!(["民生实事", "城市更新"]));

    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    assert_eq!(
        liaison.get("/matters/new").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_liaison_signs_everything_waiting_in_one_go() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    for _ in 0..2 {
        app.assigned(&ducha, "czj", &[], "2026-09-30").await;
    }
    let mut b = Browser::new(&app);
    let home = b.sign_in("czj").await;
    let at = home
        .html
        .find("name=\"ids\" value=\"")
        .expect("a sign-all form")
        + 18;
    let ids = home.html[at..].split('"').next().unwrap().to_string();
    assert!(ids.split(',').count() >= 2, "{ids}");
    let done = b
        .post("/sign-all", &[("csrf", &home.csrf()), ("ids", &ids)])
        .await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/?done=sign")),
        "back on the workbench, which says what the click did"
    );
    let after = b.get("/").await;
    assert!(!after.html.contains("name=\"ids\""));
    assert!(!after.html.contains("/sign\""), "nothing left to sign");
    let again = b
        .post("/sign-all", &[("csrf", &home.csrf()), ("ids", &ids)])
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "signing twice names what could not be signed"
    );
    assert!(again.html.contains("未能签收"));
}

async fn the_supervisor_sees_who_went_quiet_and_a_vice_mayor_sees_the_units_in_charge() {
    let app = spawn_app(NOW).await;
    let mut ducha = Browser::new(&app);
    let home = ducha.sign_in("ducha").await;
    assert!(home.html.contains("无回音的单位"));
    assert!(
        home.html.contains("逾期未反馈") && !home.html.contains("件件有回音"),
        "the demo city has quiet units"
    );

    // The supervisor's first table is whom to chase, before the queue of approvals.
    let chase = home.html.find("无回音的单位").unwrap();
    let approvals = home.html.find("待审核的办结申请").unwrap();
    assert!(chase < approvals, "the units to chase come first");

    // A vice-mayor first sees the units in his charge ranked, worst first, then who went quiet
    // by name, and only then the approvals.
    let mut vice = Browser::new(&app);
    let home = vice.sign_in("fushizhang1").await;
    let ranking = home
        .html
        .find("<caption>分管单位排名(按红灯、逾期、无回音排序)</caption>")
        .expect("the units in charge are ranked");
    let quiet = home
        .html
        .find("无回音的单位")
        .expect("quiet units are listed");
    let approvals = home.html.find("待审批的延期申请").unwrap();
    assert!(
        ranking < quiet && quiet < approvals,
        "ranking, quiet units, approvals"
    );
    let table = &home.html[ranking..quiet];
    let reds: Vec<usize> = table
        .split("<tr")
        .skip(2)
        .map(|row| {
            let red_cell = row.split("<td>").nth(2).unwrap();
            let text: String = red_cell
                .split('<')
                .map(|part| part.rsplit('>').next().unwrap_or(part))
                .collect();
            text.trim().parse().unwrap()
        })
        .collect();
    assert_eq!(reds.len(), 6, "each of his six units has its row: {table}");
    assert!(
        reds.windows(2).all(|w| w[0] >= w[1]),
        "worst first: {reds:?}"
    );
    assert!(reds[0] > 0, "the demo city has red matters in his units");

    // The mayor, in charge of no unit in particular, sees every unit ranked.
    let mut mayor = Browser::new(&app);
    let home = mayor.sign_in("shizhang").await;
    assert!(home.html.contains("各单位排名(按红灯、逾期、无回音排序)"));
}

async fn a_county_splits_city_work_for_its_own_departments_and_the_city_sees_the_parts() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "county", &[], "2026-11-30").await;
    let mut county = Browser::new(&app);
    let home = county.sign_in("county").await;
    let page = county.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("分解到下级单位"));

    let wrong = [
        ("csrf", home.csrf()),
        ("units", "县发改局、市财政局".into()),
        ("title", "分项任务".into()),
        ("deadline", "".into()),
    ];
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = county
        .post(&format!("/matters/{id}/decompose"), &wrong)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("找不到单位:市财政局"),
        "a city department is not the county's to assign"
    );

    let csrf = home.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("units", "县发改局、县住建局"),
        ("title", "分项推进城乡供水一体化"),
        ("deadline", "2026-10-31"),
    ];
    let done = county
        .post(&format!("/matters/{id}/decompose"), &form)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let page = county.get(&format!("/matters/{id}")).await;
    assert_eq!(
        page.html.matches("分项推进城乡供水一体化").count(),
        2,
        "one sub-matter per unit"
    );

    let (_, list) = app.get(&ducha, "/matters?q=分项推进城乡供水一体化").await;
    let children = list["items"].as_array().unwrap();
    assert_eq!(children.len(), 2, "the city sees the county's parts");
    let (_, child) = app
        .get(&ducha, &format!("/matters/{}", children[0]["id"]))
        .await;
    assert_eq!(
        (child["parent_id"].as_i64(), child["deadline"].as_str()),
        (Some(id), Some("2026-10-31"))
    );
}

async fn the_matter_page_shows_the_chain_and_closes_over_open_parts_only_by_override() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let county = app.login("county").await;
    let id = app.assigned(&ducha, "county", &[], "2026-11-30").await;
    let body = serde_json::json!({
        "title": "城关镇供水管网改造", "source": "meeting", "deadline": "2026-06-20",
        "lead_unit_id": app.unit("county-chengguan"), "parent_id": id
    });
    let (status, child) = app.post(&county, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{child}");
    let child = child["id"].as_i64().unwrap();
    app.step(&county, child, "assign", serde_json::json!({}))
        .await;

    let mut city = Browser::new(&app);
    city.sign_in("ducha").await;
    let page = city.get(&format!("/matters/{id}")).await;
    assert!(
        page.html.contains("<caption>下级事项</caption>"),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains(&format!("href=\"/matters/{child}\">城关镇供水管网改造</a>"))
    );
    assert!(page.html.contains("由下级事项汇总") && page.html.contains("未办结的下级事项"));
    assert!(
        page.html.contains("下级事项青督〔2026〕"),
        "the red sub-matter is named, under the county's 字号"
    );
    assert!(page.html.contains("light light-red"));
    assert!(page.html.contains("id=\"form-force-close\""));
    let below = city.get(&format!("/matters/{child}")).await;
    assert!(
        below
            .html
            .contains(&format!("› <a href=\"/matters/{id}\">")),
        "the breadcrumb leads back up"
    );

    let csrf = page.csrf();
    let empty = city
        .post(
            &format!("/matters/{id}/force-close"),
            &[("csrf", csrf.as_str()), ("comment", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.html.contains("请填写强制办结的理由"),
        "{}",
        empty.html
    );
    // A step that cannot be undone is confirmed first, showing what it will record.
    let reason = [("csrf", csrf.as_str()), ("comment", "镇级任务转入年度计划")];
    let asked = city
        .post(&format!("/matters/{id}/force-close"), &reason)
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.html);
    assert!(asked.html.contains("确认强制办结") && asked.html.contains("镇级任务转入年度计划"));
    let page = city.get(&format!("/matters/{id}")).await;
    assert!(
        !page.html.contains("<dd>已办结</dd>"),
        "nothing is done before the confirmation"
    );
    let confirmed = [reason[0], reason[1], ("confirmed", "1")];
    let done = city
        .post(&format!("/matters/{id}/force-close"), &confirmed)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let page = city.get(&format!("/matters/{id}")).await;
    assert!(page.html.contains("<dd>已办结</dd>"));
    assert!(
        page.html.contains("<strong>强制办结</strong>")
            && page.html.contains("镇级任务转入年度计划")
    );
    assert!(!page.html.contains("id=\"form-force-close\""));
}

async fn the_pages_switch_to_english_and_back() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    let chinese = b.get("/login").await;
    assert!(chinese.html.contains("<html lang=\"zh-CN\">") && chinese.html.contains("English</a>"));
    let switched = b.get("/lang/en?back=/login").await;
    assert_eq!(
        (switched.status, switched.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login"))
    );
    let english = b.get("/login").await;
    assert!(english.html.contains("<html lang=\"en\">"));
    assert!(
        english
            .html
            .contains("<label for=\"username\">Username</label>")
            && english.html.contains("中文</a>")
    );
    b.sign_in("fgw").await;
    let home = b.get("/").await;
    assert!(
        home.html.contains("<caption>To sign</caption>") && home.html.contains("working days"),
        "{}",
        home.html
    );
    assert!(
        home.html.contains(" Jul 2026") && !home.html.contains("2026年7月"),
        "dates in English too"
    );
    assert!(
        home.html.contains("past the deadline") && !home.html.contains("已超过完成时限"),
        "and the reasons"
    );
    assert_eq!(
        b.get("/lang/zh?back=//evil.example")
            .await
            .location
            .as_deref(),
        Some("/"),
        "only our own pages"
    );
    assert!(b.get("/").await.html.contains("<caption>待签收</caption>"));
}

async fn a_refusal_reads_in_english_on_english_pages_with_the_names_inside_kept() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let mut b = Browser::new(&app);
    b.sign_in("fgw").await;
    b.get("/lang/en?back=/").await;
    let csrf = b.get("/").await.csrf();
    let refused = b
        .post(&format!("/matters/{id}/close"), &[("csrf", &csrf)])
        .await;
    assert!(
        refused.html.contains("Only supervisors close matters")
            && !refused.html.contains("只有督查人员可以办结事项"),
        "{}",
        refused.html
    );

    let mut sup = Browser::new(&app);
    sup.sign_in("ducha").await;
    sup.get("/lang/en?back=/").await;
    let csrf = sup.get("/matters/new").await.csrf();
    let form = sup
        .post(
            "/matters/new",
            &[
                ("csrf", &csrf),
                ("title", "推进老旧小区改造"),
                ("lead", "市不存在局"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        form.html.contains("No unit is called 市不存在局")
            && form.html.contains("推进老旧小区改造"),
        "{}",
        form.html
    );
}

async fn a_returned_completion_waits_at_the_top_of_the_liaisons_workbench() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let fgw = app.login("fgw").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-09-30").await;
    app.step(
        &fgw,
        id,
        "request-completion",
        serde_json::json!({"summary": "已完成"}),
    )
    .await;
    app.step(
        &ducha,
        id,
        "return",
        serde_json::json!({"reason": "缺少验收材料"}),
    )
    .await;
    let mut b = Browser::new(&app);
    let home = b.sign_in("fgw").await;
    let section = home
        .html
        .split("<caption>被退回,需补充办理</caption>")
        .nth(1)
        .expect("a returned section");
    let section = section.split("</table>").next().unwrap();
    assert!(
        section.contains(&format!("/matters/{id}\"")),
        "the returned matter is listed there"
    );

    app.step(
        &fgw,
        id,
        "request-completion",
        serde_json::json!({"summary": "已补充验收材料"}),
    )
    .await;
    let after = b.get("/").await.html;
    let returned = after
        .split("<caption>被退回,需补充办理</caption>")
        .nth(1)
        .and_then(|s| s.split("</table>").next());
    assert!(
        !returned.is_some_and(|s| s.contains(&format!("/matters/{id}\""))),
        "asked again, no longer returned"
    );
}

async fn the_list_exports_as_csv_that_excel_reads_as_chinese() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (_, reds) = app.get(&ducha, "/matters?light=red&limit=1").await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let list = b.get("/matters?light=red").await;
    assert!(
        list.html.contains("matters.csv?light=red"),
        "the export keeps the filters"
    );
    let csv = b.get("/matters.csv?light=red").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.html.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    let lines: Vec<&str> = csv.html.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("序号,督办编号,工作任务,牵头单位"));
    assert_eq!(
        lines.len() as u64 - 1,
        reds["total"].as_u64().unwrap(),
        "every match, not one page"
    );
    assert!(lines[1..].iter().all(|l| l.contains(",红灯,")));
    assert_eq!(
        b.get("/matters.csv?state=nope").await.status,
        StatusCode::BAD_REQUEST
    );

    let bytes = b.download("/matters.xlsx?light=red").await;
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("ledger.xlsx", &bytes).unwrap()
    else {
        panic!("a workbook")
    };
    let rows = &grids[0].rows;
    assert_eq!(rows[1][2], "工作任务");
    assert_eq!(rows.len() as u64 - 2, reds["total"].as_u64().unwrap());
    assert!(rows[2..].iter().all(|r| r[8] == "红灯"));
}

async fn the_overdue_trend_and_the_heat_map_count_what_their_links_list() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let (_, d) = app.get(&ducha, "/dashboard").await;
    let total = |path: String| {
        let (app, ducha) = (&app, &ducha);
        async move {
            let (status, page) = app.get(ducha, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            page["total"].as_u64().unwrap()
        }
    };

    let weeks = d["overdue_by_week"].as_array().unwrap();
    assert_eq!(weeks.len(), 12);
    assert_eq!(weeks[11]["day"], "2026-06-30", "the last week ends today");
    let mut counts = Vec::new();
    for w in weeks {
        let day = w["day"].as_str().unwrap();
        let count = w["count"].as_u64().unwrap();
        assert_eq!(
            total(format!("/matters?overdue_on={day}&limit=1")).await,
            count,
            "week ending {day}"
        );
        counts.push(count);
    }
    assert!(
        counts.windows(2).any(|w| w[0] != w[1]),
        "the demo's history moves: {counts:?}"
    );

    let cells = d["unit_months"].as_array().unwrap();
    assert!(!cells.is_empty());
    let mut late = 0;
    for c in cells {
        let month: chrono::NaiveDate = c["month"].as_str().unwrap().parse().unwrap();
        let last = month + chrono::Months::new(1) - chrono::Days::new(1);
        let due = c["due"].as_u64().unwrap();
        assert_eq!(
            total(format!(
                "/matters?unit_id={}&due_from={month}&due_to={last}&state=counted&limit=1",
                c["unit_id"]
            ))
            .await,
            due
        );
        assert!(c["late"].as_u64().unwrap() <= due);
        late += c["late"].as_u64().unwrap();
    }
    assert!(late > 0, "some work was late");

    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get("/dashboard").await;
    assert!(
        page.html.contains("<table class=\"heat\">") && page.html.contains("overdue_on=2026-06-30")
    );
    let listed = b.get("/matters?overdue_on=2026-06-30").await;
    assert!(listed.html.contains("只列2026年6月30日日终时已逾期的事项"));
}

async fn a_task_table_is_previewed_corrected_in_place_and_imported_once() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/import").await.csrf();
    let table = "2026年重点工作任务分解表\n序号,工作任务,牵头单位,配合单位,完成时限\n\
                 1,建成城东污水处理厂,市住建局,市财政局,2026年9月底前\n\
                 2,新增托育位500个,市不存在局,,年底前\n";
    let refused = b
        .upload("/import", &[], ("任务.csv", table.as_bytes()))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no import"
    );

    let preview = b
        .upload(
            "/import",
            &[("csrf", &csrf)],
            ("任务.csv", table.as_bytes()),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(
        preview.html.contains("未找到单位“市不存在局”"),
        "{}",
        preview.html
    );
    assert!(preview.html.contains("建成城东污水处理厂") && preview.html.contains("2026年9月30日"));
    let before = app.total(&app.login("ducha").await).await;

    let row = |lead: &'static str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.clone()),
            ("year".into(), "2026".into()),
            ("source".into(), "decision".into()),
            ("origin".into(), "2026年重点工作任务分解表".into()),
            ("r0.line".into(), "3".into()),
            ("r0.title".into(), "建成城东污水处理厂".into()),
            ("r0.lead".into(), "市住建局".into()),
            ("r0.co".into(), "市财政局".into()),
            ("r0.deadline".into(), "2026年9月底前".into()),
            ("r1.line".into(), "4".into()),
            ("r1.title".into(), "新增托育位500个".into()),
            ("r1.lead".into(), lead.into()),
            ("r1.deadline".into(), "年底前".into()),
            ("action".into(), "import".into()),
        ]
    };
    let fields = row("市不存在局");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let stopped = b.post("/import/rows", &pairs).await;
    assert_eq!(stopped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stopped.html.contains("有 1 行存在问题"),
        "nothing partial without consent"
    );

    let fields = row("市卫健委");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = b.post("/import/rows", &pairs).await;
    assert!(done.html.contains("已导入 2 件"), "{}", done.html);
    let again = b.post("/import/rows", &pairs).await;
    assert!(
        again.html.contains("已导入 0 件;此前已导入而跳过 2 件"),
        "{}",
        again.html
    );
    let ducha = app.login("ducha").await;
    assert_eq!(app.total(&ducha).await, before + 2);

    let huge = vec![b'a'; 21 * 1024 * 1024];
    let too_big = b
        .upload("/import", &[("csrf", &csrf)], ("大.csv", &huge))
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.html.contains("文件超过 20 MB"), "{}", too_big.html);
}

async fn a_reminder_by_hand_reaches_the_liaisons_inbox_and_asks_for_a_receipt() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let mut sup = Browser::new(&app);
    sup.sign_in("ducha").await;
    let csrf = sup.get(&format!("/matters/{id}")).await.csrf();
    let sent = sup
        .post(
            &format!("/matters/{id}/remind"),
            &[("csrf", &csrf), ("message", "请于本周五前报送进展")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);

    let mut fgw = Browser::new(&app);
    let home = fgw.sign_in("fgw").await;
    assert!(
        home.html.contains("class=\"badge\""),
        "the header counts the unread"
    );
    let inbox = fgw.get("/inbox").await;
    assert!(
        inbox.html.contains("请于本周五前报送进展"),
        "{}",
        inbox.html
    );
    let at = inbox
        .html
        .find("/confirm\"")
        .expect("a receipt is asked for");
    let start = inbox.html[..at].rfind("/inbox/").unwrap();
    let confirm = inbox.html[start..at + "/confirm".len()].to_string();
    let csrf = inbox.csrf();

    let mut other = Browser::new(&app);
    other.sign_in("czj").await;
    let other_csrf = other.get("/inbox").await.csrf();
    let refused = other.post(&confirm, &[("csrf", &other_csrf)]).await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "someone else's message"
    );

    let done = fgw.post(&confirm, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let inbox = fgw.get("/inbox").await;
    assert!(inbox.html.contains("确认收到") && !inbox.html.contains(&confirm));
}

async fn a_holiday_notice_pasted_on_the_admin_page_is_previewed_then_saved() {
    let app = spawn_app(NOW).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin").await;
    let csrf = admin.get("/admin").await.csrf();
    let notice = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦:1月1日(周五)至3日(周日)放假,共3天。\n二、春节:2月6日(周六)至12日(周五)放假调休,共7天。2月20日(周六)上班。";
    let preview = admin
        .post(
            "/admin/calendar",
            &[("csrf", &csrf), ("notice", notice), ("action", "preview")],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.html.contains("2027年2月20日") && preview.html.contains("春节调休上班"),
        "{}",
        preview.html
    );
    let saved = admin
        .post(
            "/admin/calendar",
            &[("csrf", &csrf), ("notice", notice), ("action", "save")],
        )
        .await;
    assert!(saved.html.contains("已保存 11 天"), "{}", saved.html);
    assert!(saved.html.contains("2027"), "the year is listed now");

    let wrong = notice.replace("(周五)至3日", "(周四)至3日");
    let refused = admin
        .post(
            "/admin/calendar",
            &[("csrf", &csrf), ("notice", &wrong), ("action", "save")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("2027-01-01"), "{}", refused.html);
}

async fn the_assessment_ranks_units_explains_each_point_and_exports_to_excel() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get("/assessment?period=2026-Q2&scheme=lead_co").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("2026年第二季度") && page.html.contains("<caption>部门</caption>"));
    assert!(page.html.contains("按期办结(牵头)"), "items say why");
    let bytes = b
        .download("/assessment.xlsx?period=2026-Q2&scheme=lead_co")
        .await;
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("考核.xlsx", &bytes).unwrap()
    else {
        panic!("a workbook")
    };
    assert_eq!(grids[0].rows[1][..4], ["类别", "名次", "单位", "得分"]);
    assert_eq!(
        b.get("/assessment?period=2026-13").await.status,
        StatusCode::BAD_REQUEST
    );
    // The period as offices write it, and a period in which nothing was scored said so.
    let chinese = b
        .get("/assessment?period=2026%E5%B9%B4%E7%AC%AC%E4%BA%8C%E5%AD%A3%E5%BA%A6")
        .await;
    assert_eq!(chinese.status, StatusCode::OK, "{}", chinese.html);
    assert!(chinese.html.contains("按期办结(牵头)"));
    assert!(!chinese.html.contains("没有计分的事项"));
    let empty = b.get("/assessment?period=2001").await;
    assert!(
        empty.html.contains("2001年内没有计分的事项"),
        "{}",
        empty.html
    );

    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let csrf = page.csrf();
    let adjusted = b
        .post(
            "/assessment/adjust",
            &[
                ("csrf", &csrf),
                ("period", "2026-Q2"),
                ("matter", m["number"].as_str().unwrap()),
                ("unit", "市发改委"),
                ("points", "2"),
                ("reason", "获省政府领导批示肯定"),
                ("approver", "周建国"),
            ],
        )
        .await;
    assert_eq!(adjusted.status, StatusCode::SEE_OTHER, "{}", adjusted.html);
    let after = b.get("/assessment?period=2026-Q2&scheme=lead_co").await;
    assert!(
        after
            .html
            .contains("人工调整:获省政府领导批示肯定(批准人:周建国)")
    );
    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    assert_eq!(
        liaison.get("/assessment").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_measure_entered_by_hand_goes_on_the_timeline_and_into_the_score() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let number = m["number"].as_str().unwrap().to_string();
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/accountability").await.csrf();
    let wrong = b
        .post(
            "/accountability",
            &[
                ("csrf", &csrf),
                ("unit", "市不存在局"),
                ("matters", &number),
                ("reason", "x"),
                ("measure", "talk"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("找不到单位") && wrong.html.contains("市不存在局"));
    let done = b
        .post(
            "/accountability",
            &[
                ("csrf", &csrf),
                ("unit", "市发改委"),
                ("person", ""),
                ("matters", &number),
                ("reason", "多次催办仍未反馈"),
                ("measure", "criticism"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let list = b.get("/accountability").await;
    assert!(list.html.contains("多次催办仍未反馈") && list.html.contains("通报批评"));
    let matter = b.get(&format!("/matters/{id}")).await;
    assert!(matter.html.contains("问责"));
    let score = b.get("/assessment?period=2026&scheme=lead_co").await;
    assert!(
        score.html.contains("被问责(牵头)"),
        "the record counts in the score"
    );
    let public = b.get("/public").await;
    assert!(!public.html.contains("多次催办仍未反馈"), "never public");
}

async fn a_bulletin_is_drafted_with_a_typical_case_reviewed_published_and_kept_as_issued() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let id = app.assigned(&ducha, "fgw", &[], "2026-08-28").await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let number = m["number"].as_str().unwrap().to_string();
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/bulletins").await.csrf();
    let created = b
        .post(
            "/bulletins",
            &[
                ("csrf", &csrf),
                ("period", "2026-Q2"),
                ("number", "云督通〔2026〕5号"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let page_url = created.location.unwrap();
    let draft = b.get(&page_url).await;
    assert!(
        draft
            .html
            .contains("关于2026年第二季度督查督办工作情况的通报"),
        "{}",
        draft.html
    );
    assert!(draft.html.contains("草稿"));
    assert!(
        draft.html.contains("第1期\u{3000}云督通〔2026〕5号"),
        "the 期数 beside the 文号"
    );
    let case = b
        .post(
            &format!("{page_url}/case"),
            &[
                ("csrf", &csrf),
                ("matter", &number),
                ("kind", "praise"),
                ("comment", "提前谋划,进度领先"),
            ],
        )
        .await;
    assert_eq!(case.status, StatusCode::SEE_OTHER);
    assert!(b.get(&page_url).await.html.contains("提前谋划,进度领先"));
    b.post(&format!("{page_url}/advance"), &[("csrf", &csrf)])
        .await;
    assert!(b.get(&page_url).await.html.contains("待审核"));
    b.post(&format!("{page_url}/advance"), &[("csrf", &csrf)])
        .await;
    let published = b.get(&page_url).await;
    assert!(published.html.contains("已发布") && !published.html.contains("提交审核"));
    assert!(
        b.get(&format!("/matters/{id}"))
            .await
            .html
            .contains("通报表扬")
    );
    assert!(
        b.get("/assessment?period=2026&scheme=lead_co")
            .await
            .html
            .contains("通报表扬(牵头)")
    );

    let bytes = b.download(&format!("{page_url}/docx")).await;
    let luoshi_office::read::Content::Document { paragraphs, tables } =
        luoshi_office::read::read("通报.docx", &bytes).unwrap()
    else {
        panic!("a document")
    };
    assert!(paragraphs.iter().any(|p| p.contains("提前谋划,进度领先")));
    assert!(!tables.is_empty());

    let mut mayor = Browser::new(&app);
    mayor.sign_in("shizhang").await;
    assert!(mayor.get("/bulletins").await.html.contains("2026-Q2"));
    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    assert_eq!(liaison.get(&page_url).await.status, StatusCode::FORBIDDEN);
}

async fn responsibility_letters_are_checked_kept_and_the_units_without_one_listed() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get("/letters?year=2026").await;
    assert!(
        page.html.contains("市发改委"),
        "everyone is missing one at first"
    );
    let csrf = page.csrf();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let fields = [
        ("csrf", csrf.as_str()),
        ("unit", "市发改委"),
        ("year", "2026"),
    ];
    let uploaded = b
        .upload("/letters", &fields, ("2026年目标责任书.pdf", &pdf))
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.html);
    let page = b.get("/letters?year=2026").await;
    assert!(page.html.contains("2026年目标责任书.pdf"));
    let missing = &page.html[page.html.find("尚未上传责任书的单位").unwrap()..];
    let missing = &missing[..missing.find("</p>").unwrap()];
    assert!(
        !missing.contains("市发改委") && missing.contains("市财政局"),
        "{missing}"
    );
    let at = page.html.find("/file\"").unwrap();
    let start = page.html[..at].rfind("/letters/").unwrap();
    let link = page.html[start..at + 5].to_string();
    assert_eq!(b.download(&link).await, pdf, "kept as uploaded");

    let disguised = b
        .upload("/letters", &fields, ("责任书.pdf", b"MZ\x90\x00 not a pdf"))
        .await;
    assert_eq!(disguised.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(disguised.html.contains("只接受 PDF"), "{}", disguised.html);

    let mut liaison = Browser::new(&app);
    liaison.sign_in("fgw").await;
    assert_eq!(liaison.get("/letters").await.status, StatusCode::FORBIDDEN);
}

async fn five_wrong_passwords_lock_the_sign_in_with_a_message_that_says_so() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    for _ in 0..5 {
        let csrf = b.get("/login").await.csrf();
        let page = b
            .post(
                "/login",
                &[("username", "fgw"), ("password", "wrong"), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let csrf = b.get("/login").await.csrf();
    let locked = b
        .post(
            "/login",
            &[
                ("username", "fgw"),
                ("password", "luoshi-demo"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.html.contains("登录失败次数过多,请15分钟后再试"));
    let (status, body) = app
        .post(
            "",
            "/auth/login",
            serde_json::json!({"username": "fgw", "password": "luoshi-demo"}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "locked");
}

async fn signing_out_everywhere_ends_the_sessions_on_other_devices() {
    let app = spawn_app(NOW).await;
    let mut office = Browser::new(&app);
    let mut phone = Browser::new(&app);
    office.sign_in("fgw").await;
    phone.sign_in("fgw").await;
    let csrf = office.get("/inbox").await.csrf();
    let out = office
        .post("/logout", &[("csrf", &csrf), ("everywhere", "1")])
        .await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.html.contains("已在所有设备上退出"), "{}", out.html);
    assert!(
        out.set_cookies
            .iter()
            .any(|c| c.starts_with("luoshi_session=;") && c.contains("Max-Age=0")),
        "{:?}",
        out.set_cookies
    );
    let later = phone.get("/").await;
    assert_eq!(
        (later.status, later.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login")),
        "the phone's session ended too"
    );
}

async fn asking_to_close_warns_of_unfinished_co_units_and_the_review_shows_them() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let czj = app.login("czj").await;
    let id = app.assigned(&ducha, "fgw", &["czj"], "2026-09-30").await;
    app.step(
        &czj,
        id,
        "feedback",
        serde_json::json!({"progress_text": "资金测算中", "percent": 40}),
    )
    .await;
    let mut lead = Browser::new(&app);
    lead.sign_in("fgw").await;
    let page = lead.get(&format!("/matters/{id}")).await.html;
    let form = page
        .split("id=\"form-request-completion\"")
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .expect("the lead may ask to close");
    assert!(
        form.contains("配合单位尚未完成:市财政局 办理中 40%"),
        "the warning is inside the form: {form}"
    );

    let csrf = lead.get("/").await.csrf();
    let asked = lead
        .post(
            &format!("/matters/{id}/request-completion"),
            &[("csrf", &csrf), ("summary", "项目已竣工验收")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);

    let mut office = Browser::new(&app);
    office.sign_in("ducha").await;
    let page = office.get(&format!("/matters/{id}")).await.html;
    let review = page.find("id=\"review-heading\"").expect("a review panel");
    let decision = page.find("id=\"form-close\"").expect("the close form");
    assert!(review < decision, "the request is read before the decision");
    let panel = &page[review..decision];
    assert!(
        panel.contains("项目已竣工验收") && panel.contains("市财政局 办理中 40%"),
        "{panel}"
    );

    app.step(
        &ducha,
        id,
        "close",
        serde_json::json!({"comment": "同意办结"}),
    )
    .await;
    let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
    let closed = m["events"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["kind"] == "closed")
        .unwrap();
    assert_eq!(
        closed["comment"],
        "同意办结\n配合单位尚未完成:市财政局 办理中 40%"
    );
}

async fn the_assessment_offers_every_scheme_by_its_chinese_name_the_offices_own_first() {
    let mut rules = luoshi_service::Rules::default();
    rules.assessment.scheme = "county".into();
    rules.assessment.custom = vec![luoshi_domain::assess::Scheme {
        name: "county".into(),
        label: Some("县区综合考核办法".into()),
        base: 80.0,
        rules: vec![luoshi_domain::assess::ScoreRule {
            when: luoshi_domain::assess::FactKind::ClosedOnTime,
            role: Some(luoshi_domain::AssignmentRole::Lead),
            points: 2.0,
            cap: None,
        }],
    }];
    let app = spawn_app_with(NOW, rules).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let page = b.get("/assessment?period=2026年第二季度").await;
    assert_eq!(page.status, StatusCode::OK);
    let select = page
        .html
        .split("id=\"a-scheme\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap();
    let labels: Vec<&str> = select
        .split("</option>")
        .filter_map(|o| o.rsplit_once('>').map(|(_, label)| label))
        .filter(|label| !label.is_empty())
        .collect();
    assert_eq!(
        labels,
        [
            "县区综合考核办法",
            "牵头配合计分制(牵头+2、配合+1,未完成−5、−2.5)",
            "逐项计分制(按期+1,逾期−1,退回−2)",
            "报送扣分制(基础分100,缺报−10,空报−5)",
        ],
        "{select}"
    );
    assert!(page.html.contains("方案 县区综合考核办法,基础分 80"));
    assert!(
        page.html.contains("<option value=\"2026年第二季度\">"),
        "periods are offered as they are written"
    );
    let preset = b.get("/assessment?period=2026-Q2&scheme=items").await;
    assert!(
        preset
            .html
            .contains("方案 逐项计分制(按期+1,逾期−1,退回−2)")
    );
    let unknown = b.get("/assessment?period=2026-Q2&scheme=nope").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.html.contains("county(县区综合考核办法)"),
        "{}",
        unknown.html
    );
}
