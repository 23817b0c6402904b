//! An office sets up its own units and people through the API, under the same authorization
//! as everything else.

use luoshi_testkit::app::{TestApp, spawn_app};
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::{Value, json};

luoshi_testkit::on_both_backends!(
    an_administrator_adds_and_renames_units_and_the_former_name_still_finds_the_unit,
    a_person_added_without_a_password_must_choose_one_before_anything_else,
    disabling_a_person_ends_their_sessions_and_tokens_at_once,
    a_supervisor_administers_only_the_people_of_its_own_org_and_never_an_administrator,
    bad_units_and_people_are_refused_with_the_reason_and_change_nothing,
    an_administrator_keeps_units_and_people_on_their_pages,
    a_contact_list_uploaded_on_the_page_is_previewed_then_imported_with_its_passwords,
    a_merged_units_work_people_and_name_follow_the_survivor,
    a_unit_moved_under_another_parent_keeps_its_work_and_the_counts,
    a_unit_has_one_main_liaison_and_a_leader_the_units_in_charge,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

async fn sign_in(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    app.post(
        "",
        "/auth/login",
        json!({"username": username, "password": password}),
    )
    .await
}

async fn an_administrator_adds_and_renames_units_and_the_former_name_still_finds_the_unit() {
    let app = spawn_app(NOW).await;
    let admin = app.login("admin").await;
    let county = app.unit("county");
    let (status, town) = app
        .post(
            &admin,
            "/units",
            json!({"name": "东风镇人民政府", "code": "dfz", "parent_id": county}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{town}");
    assert_eq!(town["kind"], "township", "told from the name");
    let id = town["id"].as_i64().unwrap();

    let (status, renamed) = app
        .patch(
            &admin,
            &format!("/units/{id}"),
            json!({"name": "东风街道办事处"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "东风街道办事处");
    assert_eq!(renamed["short_names"], json!(["东风镇人民政府"]));
    let (_, units) = app.get(&admin, "/units").await;
    let listed = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap();
    assert_eq!(listed["name"], "东风街道办事处");

    // Work written before the renaming still names the unit by its former name.
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/matters/new").await.csrf();
    let registered = b
        .post(
            "/matters/new",
            &[
                ("csrf", &csrf),
                ("title", "推进集镇污水管网建设"),
                ("content", "年内完工。"),
                ("source", "meeting"),
                ("urgency", "normal"),
                ("lead", "东风镇人民政府"),
                ("deadline", "2026-12-31"),
                ("cadence", "monthly"),
            ],
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::SEE_OTHER,
        "{}",
        registered.html
    );
    let ducha = app.login("ducha").await;
    let location = registered.location.unwrap();
    assert!(location.ends_with("?done=register"), "{location}");
    let matter = location
        .trim_start_matches("/matters/")
        .trim_end_matches("?done=register")
        .to_string();
    let (_, made) = app.get(&ducha, &format!("/matters/{matter}")).await;
    assert_eq!(made["lead_unit_id"], id);

    // Retired in a reorganisation: kept and listed, given no new work, and back when restored.
    let (status, retired) = app
        .patch(&admin, &format!("/units/{id}"), json!({"retired": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    assert_eq!(retired["retired"], true);
    let new_work = json!({"title": "新任务", "content": "", "source": "meeting",
        "urgency": "normal", "lead_unit_id": id, "co_unit_ids": [], "deadline": "2026-12-31",
        "public": false});
    let (status, refused) = app.post(&ducha, "/matters", new_work.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已撤销"),
        "{refused}"
    );
    let csrf = b.get("/import").await.csrf();
    let table = "序号,工作任务,牵头单位\n1,修缮集镇道路,东风街道办事处\n";
    let preview = b
        .upload(
            "/import",
            &[("csrf", &csrf)],
            ("任务.csv", table.as_bytes()),
        )
        .await;
    assert!(
        preview.html.contains("“东风街道办事处”已撤销"),
        "{}",
        preview.html
    );
    let matter = matter.parse::<i64>().unwrap();
    assert_eq!(
        app.get(&ducha, &format!("/matters/{matter}")).await.0,
        StatusCode::OK,
        "its history reads"
    );
    app.patch(&admin, &format!("/units/{id}"), json!({"retired": false}))
        .await;
    assert_eq!(
        app.post(&ducha, "/matters", new_work).await.0,
        StatusCode::CREATED
    );

    let (status, _) = app
        .post(
            &ducha,
            "/units",
            json!({"name": "某局", "code": "mj", "parent_id": county}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "units are the administrator's"
    );
}

async fn a_person_added_without_a_password_must_choose_one_before_anything_else() {
    let app = spawn_app(NOW).await;
    let admin = app.login("admin").await;
    let (status, added) = app
        .post(
            &admin,
            "/users",
            json!({"username": "zhangwei", "display_name": "张伟", "role": "liaison",
                "unit_id": app.unit("czj"), "phone": "13800001111",
                "email": "zhangwei@example.gov.cn"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["user"]["must_change_password"], true);
    assert_eq!(added["user"]["phone"], "13800001111");
    let once = added["initial_password"].as_str().unwrap().to_string();

    let (status, signed_in) = sign_in(&app, "zhangwei", &once).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert_eq!(signed_in["must_change_password"], true);
    let token = signed_in["token"].as_str().unwrap().to_string();
    let (status, refused) = app.get(&token, "/matters").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["error"]["code"], "password_change_required");
    let (status, _) = app
        .post(&token, "/tokens", json!({"name": "x", "scope": "read"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token before a password");

    // The pages allow nothing but choosing a password.
    let mut b = Browser::new(&app);
    let csrf = b.get("/login").await.csrf();
    let page = b
        .post(
            "/login",
            &[
                ("username", "zhangwei"),
                ("password", &once),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(page.location.as_deref(), Some("/account/first-password"));
    for path in ["/", "/matters", "/account", "/inbox"] {
        let page = b.get(path).await;
        assert_eq!(
            page.location.as_deref(),
            Some("/account/first-password"),
            "{path}"
        );
    }
    let form = b.get("/account/first-password").await;
    assert!(form.html.contains("一次性初始密码"), "{}", form.html);
    let short = b
        .post(
            "/account/password",
            &[
                ("csrf", &form.csrf()),
                ("current", &once),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.html.contains("密码至少8位"), "{}", short.html);
    assert!(short.html.contains("设置新密码"), "the same page again");
    let done = b
        .post(
            "/account/password",
            &[
                ("csrf", &form.csrf()),
                ("current", &once),
                ("new", "Caizheng-2026"),
                ("confirm", "Caizheng-2026"),
            ],
        )
        .await;
    assert!(done.html.contains("密码已修改"), "{}", done.html);
    let (status, signed_in) = sign_in(&app, "zhangwei", "Caizheng-2026").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(signed_in["must_change_password"], false);
    let token = signed_in["token"].as_str().unwrap();
    assert_eq!(app.get(token, "/matters").await.0, StatusCode::OK);
}

async fn disabling_a_person_ends_their_sessions_and_tokens_at_once() {
    let app = spawn_app(NOW).await;
    let czj = app.login("czj").await;
    let (_, made) = app
        .post(
            &czj,
            "/tokens",
            json!({"name": "对接程序", "scope": "read"}),
        )
        .await;
    let program = made["token"].as_str().unwrap().to_string();
    let id = app.login_user("czj").await["id"].as_i64().unwrap();
    let admin = app.login("admin").await;
    let (status, changed) = app
        .patch(&admin, &format!("/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["user"]["disabled"], true);
    for token in [&czj, &program] {
        assert_eq!(app.get(token, "/matters").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = sign_in(&app, "czj", "luoshi-demo").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, people) = app.get(&admin, "/users").await;
    let listed = people
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap();
    assert_eq!(listed["disabled"], true, "kept, and shown as disabled");

    let (status, _) = app
        .patch(&admin, &format!("/users/{id}"), json!({"disabled": false}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sign_in(&app, "czj", "luoshi-demo").await.0, StatusCode::OK);

    // A password reset hands out a one-time password and ends the sign-ins made before it.
    let before = app.login("czj").await;
    let (_, reset) = app
        .patch(
            &admin,
            &format!("/users/{id}"),
            json!({"reset_password": true}),
        )
        .await;
    let once = reset["initial_password"].as_str().unwrap();
    assert_eq!(
        app.get(&before, "/matters").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, signed_in) = sign_in(&app, "czj", once).await;
    assert_eq!(signed_in["must_change_password"], true);
}

async fn a_supervisor_administers_only_the_people_of_its_own_org_and_never_an_administrator() {
    let app = spawn_app(NOW).await;
    let person = |username: &str, role: &str, unit: &str| json!({"username": username, "role": role, "unit_id": app.unit(unit)});
    let county_ducha = app.login("county-ducha").await;
    let (status, _) = app
        .post(&county_ducha, "/users", person("x1", "liaison", "czj"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a city unit is above the county"
    );
    let (status, added) = app
        .post(
            &county_ducha,
            "/users",
            person("x2", "liaison", "county-fgj"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let ducha = app.login("ducha").await;
    let (status, _) = app
        .post(&ducha, "/users", person("x3", "admin", "czj"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no administrator made by a supervisor"
    );
    let admin_id = app.login_user("admin").await["id"].as_i64().unwrap();
    let (status, _) = app
        .patch(
            &ducha,
            &format!("/users/{admin_id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let fgw = app.login("fgw").await;
    let (status, _) = app
        .post(&fgw, "/users", person("x4", "liaison", "fgw"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn bad_units_and_people_are_refused_with_the_reason_and_change_nothing() {
    let app = spawn_app(NOW).await;
    let admin = app.login("admin").await;
    let (_, before) = app.get(&admin, "/users").await;
    let city = app.unit("city");
    for (body, reason) in [
        (
            json!({"username": "fgw", "role": "liaison", "unit_id": city}),
            "用户名 fgw 已被使用",
        ),
        (
            json!({"username": "new", "role": "liaison", "unit_id": 99999}),
            "所在单位不存在",
        ),
        (
            json!({"username": "张三", "role": "liaison", "unit_id": city}),
            "用户名只能由",
        ),
        (
            json!({"username": "n2", "role": "liaison", "unit_id": city, "phone": "call me"}),
            "手机号码“call me”格式不正确",
        ),
        (
            json!({"username": "n3", "role": "liaison", "unit_id": city, "password": "abc"}),
            "密码至少8位",
        ),
        (
            json!({"username": "n4", "role": "liaison", "unit_id": city, "in_charge_of": [city]}),
            "只有领导可以设置分管单位",
        ),
    ] {
        let (status, refused) = app.post(&admin, "/users", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{message} for {body}");
    }
    let (_, after) = app.get(&admin, "/users").await;
    assert_eq!(before, after);

    let (_, units_before) = app.get(&admin, "/units").await;
    for (body, reason) in [
        (
            json!({"name": "某局", "code": "fgw", "parent_id": city}),
            "单位代码 fgw 已被使用",
        ),
        (
            json!({"name": "某局", "code": "a b", "parent_id": city}),
            "单位代码只能由",
        ),
        (
            json!({"name": " ", "code": "kong", "parent_id": city}),
            "请填写单位名称",
        ),
        (
            json!({"name": "某局", "code": "mj", "parent_id": 99999}),
            "上级单位不存在",
        ),
    ] {
        let (status, refused) = app.post(&admin, "/units", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{message} for {body}");
    }
    let (status, _) = app
        .post(
            &admin,
            "/units",
            json!({"name": "某局", "code": "mj", "kind": "palace"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown kind");
    assert_eq!(app.get(&admin, "/units").await.1, units_before);
}

async fn an_administrator_keeps_units_and_people_on_their_pages() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("admin").await;
    let page = b.get("/admin/units").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.html.contains("云州市发展和改革委员会"),
        "the tree is listed"
    );
    let county = app.unit("county").to_string();
    let added = b
        .post(
            "/admin/units",
            &[
                ("csrf", &page.csrf()),
                ("name", "东风镇人民政府"),
                ("code", "dfz"),
                ("kind", ""),
                ("parent", &county),
                ("short", "东风镇"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(
        added.html.contains("已添加单位“东风镇人民政府”"),
        "{}",
        added.html
    );
    let refused = b
        .post(
            "/admin/units",
            &[("csrf", &page.csrf()), ("name", "某局"), ("code", "dfz")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("单位代码 dfz 已被使用"));
    assert!(
        refused.html.contains("value=\"某局\""),
        "what was typed stays"
    );

    let (_, units) = app.get(&app.login("admin").await, "/units").await;
    let town = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "dfz")
        .unwrap()["id"]
        .to_string();

    // A reorganisation on the same page: moved, retired, restored.
    let district = app.unit("district").to_string();
    for (action, target, said) in [
        ("move", district.as_str(), "已将“东风镇人民政府”调整到“"),
        ("retire", "", "已撤销“东风镇人民政府”"),
        ("restore", "", "已恢复“东风镇人民政府”"),
    ] {
        let done = b
            .post(
                "/admin/units/reshape",
                &[
                    ("csrf", &page.csrf()),
                    ("unit", &town),
                    ("action", action),
                    ("target", target),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.html);
        assert!(done.html.contains(said), "{action}: {}", done.html);
    }
    let refused = b
        .post(
            "/admin/units/reshape",
            &[
                ("csrf", &page.csrf()),
                ("unit", &town),
                ("action", "merge"),
                ("target", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("请选择并入的单位"));

    let people = b.get("/admin/people").await;
    let added = b
        .post(
            "/admin/people",
            &[
                ("csrf", &people.csrf()),
                ("name", "钱进"),
                ("username", "qianjin"),
                ("role", "liaison"),
                ("unit", &town),
                ("phone", "13800002222"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.html);
    assert!(added.html.contains("已添加“钱进”"));
    let at = added
        .html
        .find("<code>")
        .expect("the one-time password is shown")
        + 6;
    let once = added.html[at..at + 12].to_string();
    let (status, signed_in) = sign_in(&app, "qianjin", &once).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(signed_in["must_change_password"], true);

    let id = app.login_user("fgw").await["id"].as_i64().unwrap();
    let person = b.get(&format!("/admin/people/{id}")).await;
    assert_eq!(person.status, StatusCode::OK);
    let fgw = app.login("fgw").await;
    let disabled = b
        .post(
            &format!("/admin/people/{id}"),
            &[("csrf", &person.csrf()), ("action", "disable")],
        )
        .await;
    assert!(disabled.html.contains("已停用"), "{}", disabled.html);
    assert_eq!(app.get(&fgw, "/matters").await.0, StatusCode::UNAUTHORIZED);

    // A supervisor sees the people of its own org only; a liaison none.
    let mut county_ducha = Browser::new(&app);
    county_ducha.sign_in("county-ducha").await;
    let listed = county_ducha.get("/admin/people").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.html.contains("county-fgj") && !listed.html.contains(">czj<"));
    let mut liaison = Browser::new(&app);
    liaison.sign_in("czj").await;
    assert_eq!(
        liaison.get("/admin/people").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        liaison.get("/admin/units").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_contact_list_uploaded_on_the_page_is_previewed_then_imported_with_its_passwords() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("admin").await;
    let csrf = b.get("/admin/contacts").await.csrf();
    let list = "单位名称,上级单位,简称,姓名,手机号码\n\
                青山县白云镇人民政府,青山县人民政府,白云镇,孙丽,13700001234\n\
                云州市财政局,,,周强,\n"
        .as_bytes();
    let preview = b
        .upload("/admin/contacts", &[("csrf", &csrf)], ("通讯录.csv", list))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(preview.html.contains("青山县白云镇人民政府") && preview.html.contains("新增"));
    assert!(preview.html.contains("已有"), "市财政局 is there already");
    let before = app.get(&app.login("admin").await, "/units").await.1;
    assert_eq!(
        before
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["name"] == "青山县白云镇人民政府")
            .count(),
        0,
        "a preview writes nothing"
    );

    let content = {
        let at = preview.html.find("name=\"content\"").unwrap();
        let start = preview.html[at..].find('>').unwrap() + at + 1;
        let end = preview.html[start..].find("</textarea>").unwrap() + start;
        // As a browser reads a textarea: the template escaped what HTML would take as markup.
        preview.html[start..end]
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let (content_type, body) = luoshi_testkit::app::multipart(
        &[
            ("csrf", &csrf),
            ("confirm", "1"),
            ("file_name", "通讯录.csv"),
            ("content", &content),
        ],
        ("", b""),
    );
    let res = b
        .http
        .post(format!("{}/admin/contacts", b.origin))
        .header(reqwest::header::COOKIE, b.cookie_header())
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let book = res.bytes().await.unwrap();
    let luoshi_office::read::Content::Sheets(grids) =
        luoshi_office::read::read("初始密码.xlsx", &book).unwrap()
    else {
        panic!("a workbook")
    };
    let rows = &grids[0].rows;
    assert_eq!(rows.len(), 2 + 2, "{rows:?}");
    let sun = rows.iter().find(|r| r[0] == "孙丽").unwrap();
    assert_eq!(sun[2], "13700001234");
    let (status, signed_in) = sign_in(&app, "13700001234", &sun[3]).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert_eq!(signed_in["must_change_password"], true);
}

/// The ids of the matters a unit has a part in, as the office lists them.
async fn matters_of(app: &TestApp, token: &str, unit: i64) -> Vec<i64> {
    let (status, page) = app
        .get(token, &format!("/matters?unit_id={unit}&limit=1000"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

async fn a_merged_units_work_people_and_name_follow_the_survivor() {
    let app = spawn_app(NOW).await;
    let (admin, ducha) = (app.login("admin").await, app.login("ducha").await);
    let (czj, fgw) = (app.unit("czj"), app.unit("fgw"));
    let (_, before) = app.get(&ducha, "/dashboard").await;
    let merged_work = matters_of(&app, &ducha, czj).await;
    assert!(!merged_work.is_empty(), "the demo gives 市财政局 work");
    let led = merged_work.clone();
    let mut led_by_czj = None;
    for id in &led {
        let (_, m) = app.get(&ducha, &format!("/matters/{id}")).await;
        if m["lead_unit_id"] == czj {
            led_by_czj = Some(*id);
        }
    }
    let led_by_czj = led_by_czj.expect("a matter 市财政局 leads");

    let (status, _) = app
        .post(&ducha, &format!("/units/{czj}/merge"), json!({"into": fgw}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "units are the administrator's"
    );
    let (status, survivor) = app
        .post(&admin, &format!("/units/{czj}/merge"), json!({"into": fgw}))
        .await;
    assert_eq!(status, StatusCode::OK, "{survivor}");
    let shorts = survivor["short_names"].as_array().unwrap();
    assert!(shorts.contains(&json!("云州市财政局")) && shorts.contains(&json!("市财政局")));

    // The work shows under the survivor; the timeline says why.
    let survivor_work = matters_of(&app, &ducha, fgw).await;
    for id in &merged_work {
        assert!(survivor_work.contains(id), "matter {id} follows 市发改委");
    }
    let (_, m) = app.get(&ducha, &format!("/matters/{led_by_czj}")).await;
    assert_eq!(m["lead_unit_id"], fgw);
    let last = m["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "reorganized", "{last}");
    assert!(
        last["comment"]
            .as_str()
            .unwrap()
            .contains("云州市财政局并入")
    );
    let (_, after) = app.get(&ducha, "/dashboard").await;
    assert_eq!(before["total"], after["total"]);
    assert_eq!(
        before["by_state"], after["by_state"],
        "the counts are recounted, not lost"
    );

    // The people follow, and the merged unit's liaison now acts for the survivor.
    let (_, users) = app.get(&admin, "/users").await;
    let liaison = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "czj")
        .unwrap();
    assert_eq!(liaison["unit_id"], fgw);
    let czj_token = app.login("czj").await;
    assert_eq!(
        app.get(&czj_token, &format!("/matters/{led_by_czj}"))
            .await
            .0,
        StatusCode::OK
    );
    let (_, units) = app.get(&admin, "/units").await;
    let merged = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == czj)
        .unwrap();
    assert_eq!(
        merged["retired"], true,
        "kept, retired, its history readable"
    );

    // A table written before the merge names the merged unit and lands with the survivor.
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/import").await.csrf();
    let table = "序号,工作任务,牵头单位\n1,清理政府性债务,市财政局\n";
    let preview = b
        .upload(
            "/import",
            &[("csrf", &csrf)],
            ("任务.csv", table.as_bytes()),
        )
        .await;
    assert!(preview.html.contains("对应:市发改委"), "{}", preview.html);
    assert!(!preview.html.contains("已撤销"), "{}", preview.html);

    // What cannot be merged is refused with the reason, and nothing changes.
    let city = app.unit("city");
    for (from, into, why) in [
        (fgw, fgw, "它自己"),
        (city, fgw, "下级单位"),
        (czj, fgw, "已撤销"),
    ] {
        let (status, refused) = app
            .post(
                &admin,
                &format!("/units/{from}/merge"),
                json!({"into": into}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
    }
}

async fn a_unit_moved_under_another_parent_keeps_its_work_and_the_counts() {
    let app = spawn_app(NOW).await;
    let (admin, ducha) = (app.login("admin").await, app.login("ducha").await);
    let (county, district, town) = (
        app.unit("county"),
        app.unit("district"),
        app.unit("county-chengguan"),
    );
    let (_, before) = app.get(&ducha, "/dashboard").await;
    let work = matters_of(&app, &ducha, town).await;
    let (status, moved) = app
        .patch(
            &admin,
            &format!("/units/{town}"),
            json!({"parent_id": district}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["parent_id"], district);
    assert_eq!(matters_of(&app, &ducha, town).await, work);
    let (_, after) = app.get(&ducha, "/dashboard").await;
    assert_eq!(before["by_state"], after["by_state"]);
    assert_eq!(before["total"], after["total"]);
    let (_, below) = app
        .get(&ducha, &format!("/dashboard?unit_id={district}"))
        .await;
    assert!(
        below["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_id"] == town)
            || work.is_empty(),
        "{below}"
    );

    // Never under itself or below itself.
    let (status, refused) = app
        .patch(
            &admin,
            &format!("/units/{district}"),
            json!({"parent_id": town}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // Back where it was, and to the top with null.
    let (status, _) = app
        .patch(
            &admin,
            &format!("/units/{town}"),
            json!({"parent_id": county}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, top) = app
        .patch(
            &admin,
            &format!("/units/{town}"),
            json!({"parent_id": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{top}");
    assert_eq!(top["parent_id"], Value::Null);
}

async fn a_unit_has_one_main_liaison_and_a_leader_the_units_in_charge() {
    let app = spawn_app(NOW).await;
    let admin = app.login("admin").await;
    let fgw = app.login_user("fgw").await["id"].as_i64().unwrap();
    let (status, added) = app
        .post(
            &admin,
            "/users",
            json!({"username": "fgw2", "display_name": "钱进", "role": "liaison",
                "unit_id": app.unit("fgw")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let second = added["user"]["id"].as_i64().unwrap();
    let mark = |id: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            app.patch(
                admin,
                &format!("/users/{id}"),
                json!({"primary_liaison": true}),
            )
            .await
        }
    };
    let (status, first) = mark(fgw).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["user"]["primary_liaison"], true);
    let (_, now_second) = mark(second).await;
    assert_eq!(now_second["user"]["primary_liaison"], true);
    let (_, first) = app.patch(&admin, &format!("/users/{fgw}"), json!({})).await;
    assert_eq!(first["user"]["primary_liaison"], false, "one per unit");

    let mayor = app.login_user("shizhang").await["id"].as_i64().unwrap();
    let (status, refused) = mark(mayor).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // On the person's page: 分管 written as names, the main liaison marked in the list.
    let mut b = Browser::new(&app);
    b.sign_in("admin").await;
    let page = b.get(&format!("/admin/people/{mayor}")).await;
    let county = app.unit("county").to_string();
    let saved = b
        .post(
            &format!("/admin/people/{mayor}"),
            &[
                ("csrf", &page.csrf()),
                ("action", "save"),
                ("name", "市长"),
                ("role", "leader"),
                ("unit", &app.unit("city").to_string()),
                ("in_charge", "市发改委、市财政局"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let (_, mayor_now) = app
        .patch(&admin, &format!("/users/{mayor}"), json!({}))
        .await;
    assert_eq!(
        mayor_now["user"]["in_charge_of"],
        json!([app.unit("fgw"), app.unit("czj")])
    );
    let wrong = b
        .post(
            &format!("/admin/people/{mayor}"),
            &[
                ("csrf", &page.csrf()),
                ("action", "save"),
                ("name", "市长"),
                ("role", "leader"),
                ("unit", &county),
                ("in_charge", "市不存在局"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("找不到单位"), "{}", wrong.html);
    let people = b.get("/admin/people").await;
    assert!(people.html.contains("(主联络员)"), "{}", people.html);
}
