//! What an outside probe tried against the demo: each attempt is refused, and nothing changes.

use luoshi_testkit::app::spawn_app;
use luoshi_testkit::browser::Browser;
use reqwest::StatusCode;
use serde_json::json;

luoshi_testkit::on_both_backends!(
    a_workbook_that_unpacks_to_gigabytes_is_refused_with_a_message_and_imports_nothing,
    a_sign_in_of_ones_own_does_not_clear_the_failures_counted_against_an_address,
    a_liaison_looks_up_leaders_and_its_own_units_people_only,
    a_title_that_begins_as_a_formula_is_exported_to_csv_as_text,
    the_language_switch_goes_back_only_to_a_page_of_this_site,
    a_password_change_or_signing_out_everywhere_ends_the_programs_tokens_and_says_which,
    an_administrator_ends_everything_someone_is_signed_in_with,
    pages_and_exports_are_never_cached,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// A workbook's sheet of `size` zero bytes, packed: a few hundred kilobytes.
fn bomb(size: usize) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..size >> 20 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn a_workbook_that_unpacks_to_gigabytes_is_refused_with_a_message_and_imports_nothing() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let before = app.total(&ducha).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csrf = b.get("/import").await.csrf();
    let started = std::time::Instant::now();
    let refused = b
        .upload("/import", &[("csrf", &csrf)], ("任务.xlsx", &bomb(1 << 30)))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("文件解压后过大"), "{}", refused.html);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(app.total(&ducha).await, before);
}

async fn a_sign_in_of_ones_own_does_not_clear_the_failures_counted_against_an_address() {
    let app = spawn_app(NOW).await;
    let attempt = |username: String, password: &'static str| {
        let app = &app;
        async move {
            let body = json!({"username": username, "password": password});
            app.post("", "/auth/login", body).await.0
        }
    };
    // Nineteen wrong guesses, each at another account so that no account locks, then one
    // good sign-in of the guesser's own: the address's count (twenty) must not start again.
    for i in 0..19 {
        let status = attempt(format!("guess{i}"), "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("czj".into(), "luoshi-demo").await, StatusCode::OK);
    assert_eq!(
        attempt("guess19".into(), "wrong").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt("czj".into(), "luoshi-demo").await,
        StatusCode::TOO_MANY_REQUESTS,
        "twenty failures from one address within the window lock it, successes or not"
    );
}

async fn a_liaison_looks_up_leaders_and_its_own_units_people_only() {
    let app = spawn_app(NOW).await;
    let fgw = app.login("fgw").await;
    let (status, people) = app.get(&fgw, "/users").await;
    assert_eq!(status, StatusCode::OK);
    let people = people.as_array().unwrap();
    let names: Vec<&str> = people
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"fgw") && names.contains(&"shizhang"),
        "{names:?}"
    );
    for hidden in ["admin", "ducha", "czj", "county"] {
        assert!(!names.contains(&hidden), "{hidden} in {names:?}");
    }
    let own = app.unit("fgw");
    assert!(
        people
            .iter()
            .all(|u| u["role"] == "leader" || u["unit_id"] == own)
    );
    // A county's liaison sees the people of the county's own departments too.
    let county = app.login("county").await;
    let (_, people) = app.get(&county, "/users").await;
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "county-fgj"),
        "{people}"
    );
    let ducha = app.login("ducha").await;
    let (_, everyone) = app.get(&ducha, "/users").await;
    assert!(everyone.as_array().unwrap().len() > people.as_array().unwrap().len());

    // A county's supervisor looks up the county's people and the leaders above it.
    let county_ducha = app.login("county-ducha").await;
    let (_, seen) = app.get(&county_ducha, "/users").await;
    let seen: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        seen.contains(&"county-fgj") && seen.contains(&"shizhang"),
        "{seen:?}"
    );
    assert!(
        !seen.contains(&"czj") && !seen.contains(&"admin"),
        "{seen:?}"
    );
}

async fn a_title_that_begins_as_a_formula_is_exported_to_csv_as_text() {
    let app = spawn_app(NOW).await;
    let ducha = app.login("ducha").await;
    let title = "=HYPERLINK(\"http://evil.example/x\",\"点此\")";
    let body = json!({
        "title": title, "content": "-1+1", "source": "meeting", "urgency": "normal",
        "lead_unit_id": app.unit("fgw"), "co_unit_ids": [], "deadline": "2026-09-30",
        "public": false
    });
    let (status, m) = app.post(&ducha, "/matters", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let fgw = app.login("fgw").await;
    app.step(&ducha, m["id"].as_i64().unwrap(), "assign", json!({}))
        .await;
    let (status, _) = app
        .step(
            &fgw,
            m["id"].as_i64().unwrap(),
            "feedback",
            json!({"progress_text": "@SUM(1+1)*cmd|' /C calc'!A0", "percent": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    let csv = String::from_utf8(b.download("/matters.csv?q=HYPERLINK").await).unwrap();
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let row = reader
        .records()
        .next()
        .expect("the matter is listed")
        .unwrap();
    assert_eq!(&row[2], format!("'{title}"));
    assert!(row[9].starts_with("'@SUM"), "{:?}", &row[9]);
    assert!(
        row.iter()
            .all(|cell| !cell.starts_with(['=', '+', '-', '@'])),
        "{row:?}"
    );
}

async fn the_language_switch_goes_back_only_to_a_page_of_this_site() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    for (back, to) in [
        ("/matters%3Fq%3D1", "/matters?q=1"),
        ("/%5Cevil.example", "/"),
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/%0d%0aSet-Cookie:%20luoshi_session=stolen", "/"),
        ("/%00", "/"),
        ("/%7F", "/"),
    ] {
        let page = b.get(&format!("/lang/en?back={back}")).await;
        assert_eq!(
            (page.status, page.location.as_deref()),
            (StatusCode::SEE_OTHER, Some(to)),
            "{back}"
        );
        assert!(
            page.set_cookies.iter().all(|c| !c.contains("stolen")),
            "{back}"
        );
    }
}

async fn a_password_change_or_signing_out_everywhere_ends_the_programs_tokens_and_says_which() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("fgw").await;
    let csrf = b.get("/account").await.csrf();
    let made = b
        .post(
            "/account/tokens",
            &[
                ("csrf", &csrf),
                ("name", "月报程序"),
                ("scope", "write"),
                ("days", "365"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let secret = token_shown(&made.html);
    let (status, _) = app.get(&secret, "/matters?limit=1").await;
    assert_eq!(status, StatusCode::OK);

    let changed = b
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", "luoshi-demo"),
                ("new", "Yunzhou-2026"),
                ("confirm", "Yunzhou-2026"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(changed.html.contains("密码已修改"), "{}", changed.html);
    assert!(
        changed.html.contains("以下接口令牌已一并作废:月报程序"),
        "{}",
        changed.html
    );
    let (status, _) = app.get(&secret, "/matters?limit=1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the token ended");

    // Signing out everywhere ends a token made after the change as well.
    let (status, body) = app
        .post(
            "",
            "/auth/login",
            json!({"username": "fgw", "password": "Yunzhou-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["token"].as_str().unwrap().to_string();
    let (_, made) = app
        .post(
            &session,
            "/tokens",
            json!({"name": "同步", "scope": "read"}),
        )
        .await;
    let program = made["token"].as_str().unwrap().to_string();
    let mut b = Browser::new(&app);
    let csrf = b.get("/login").await.csrf();
    b.post(
        "/login",
        &[
            ("username", "fgw"),
            ("password", "Yunzhou-2026"),
            ("csrf", &csrf),
        ],
    )
    .await;
    let csrf = b.get("/account").await.csrf();
    let out = b
        .post("/logout", &[("csrf", &csrf), ("everywhere", "1")])
        .await;
    assert!(out.html.contains("已在所有设备上退出"), "{}", out.html);
    assert!(out.html.contains("同步"), "{}", out.html);
    for token in [&program, &session] {
        let (status, _) = app.get(token, "/matters?limit=1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

/// The secret on the account page, shown once after making a token.
fn token_shown(html: &str) -> String {
    let at = html.find("<code>").expect("the new token is shown") + 6;
    html[at..at + 64].to_string()
}

async fn an_administrator_ends_everything_someone_is_signed_in_with() {
    let app = spawn_app(NOW).await;
    let czj = app.login("czj").await;
    let (status, made) = app
        .post(
            &czj,
            "/tokens",
            json!({"name": "财政对接", "scope": "write", "days": 365}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let program = made["token"].as_str().unwrap().to_string();
    let czj_id = app.login_user("czj").await["id"].as_i64().unwrap();

    let ducha = app.login("ducha").await;
    let (status, _) = app
        .delete(&ducha, &format!("/users/{czj_id}/sessions"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a supervisor may not");
    let admin = app.login("admin").await;
    let (status, ended) = app
        .delete(&admin, &format!("/users/{czj_id}/sessions"))
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended["ended_tokens"], json!(["财政对接"]));
    for token in [&czj, &program] {
        let (status, _) = app.get(token, "/matters?limit=1").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    let mut b = Browser::new(&app);
    b.sign_in("admin").await;
    let csrf = b.get("/admin").await.csrf();
    let done = b
        .post("/admin/sessions", &[("csrf", &csrf), ("username", "fgw")])
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.html.contains("已结束"), "{}", done.html);
    let unknown = b
        .post(
            "/admin/sessions",
            &[("csrf", &csrf), ("username", "nobody")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn pages_and_exports_are_never_cached() {
    let app = spawn_app(NOW).await;
    let mut b = Browser::new(&app);
    b.sign_in("ducha").await;
    for path in ["/", "/matters", "/matters.csv", "/matters.xlsx", "/login"] {
        let res = b
            .http
            .get(format!("{}{path}", b.origin))
            .header(reqwest::header::COOKIE, b.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let token = app.login("ducha").await;
    let res = app
        .http
        .get(format!("{}/matters", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
}
