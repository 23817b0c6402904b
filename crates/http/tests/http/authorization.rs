//! Every route the application serves, walked two ways. Who may call what: each route called
//! by every kind of person — no one, the administrator, the supervision office, the mayor, the
//! liaison of the unit that carries the matter, and liaisons of units that have nothing to do
//! with it; a route missing from the table fails the test, and so does an entry for a route
//! that no longer exists. And bad input: malformed, wrongly typed, random and oversized
//! requests against each route, which must never get a 5xx nor change anything.

use std::collections::HashMap;

use luoshi_testkit::app::{TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

luoshi_testkit::on_both_backends!(
    every_route_answers_each_caller_as_the_matrix_says_and_refusals_change_nothing,
    a_liaison_never_finds_another_units_matter_in_lists_or_exports,
    no_route_answers_bad_input_with_a_server_error_or_a_change,
    every_form_without_its_csrf_token_is_refused_before_anything_is_read,
    signing_in_on_the_page_ends_the_session_the_browser_had_before,
    a_read_only_token_reads_but_cannot_act_shows_its_last_use_and_dies_when_revoked,
);

const NOW: &str = "2026-06-30T09:00:00+08:00";

/// The smallest file the letters page takes as a PDF.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";

/// The callers, in the order of the letters in [`MATRIX`]. `fgw` leads the matter the table
/// calls `{id}`; `czj` (a department) and `county` (a government under the city) have no part in
/// it.
const CALLERS: [&str; 7] = ["", "admin", "ducha", "shizhang", "fgw", "czj", "county"];

/// A person who is none of the callers, for the routes that end someone's sessions.
const BYSTANDER: &str = "jyj";

/// For each request, what each caller gets: `A` — the request reaches the work (a page, a
/// download, a redirect after a form, or a refusal of the input or of the matter's state:
/// 2xx, 3xx other than to the sign-in page, 400, 409, 422); `D` — refused before anything is
/// read or written (401, 403, 404, or a redirect to sign in).
///
/// `{id}` is the matter (or the bulletin, letter, accountability record, message or API token
/// the route names; messages and tokens are fgw's; a person is a bystander, not a caller, whose
/// sessions may end); each other segment is the one sent.
const MATRIX: &[(&str, &str)] = &[
    //                                         · a d s f c y  (nobody admin ducha shizhang fgw czj county)
    ("GET /login", "AAAAAAA"),
    ("GET /public", "AAAAAAA"),
    ("GET /static/app.css", "AAAAAAA"),
    ("GET /lang/en", "AAAAAAA"),
    ("GET /", "DAAAAAA"),
    ("GET /matters", "DAAAAAA"),
    ("GET /matters.csv", "DAAAAAA"),
    ("GET /matters.xlsx", "DAAAAAA"),
    ("GET /matters/{id}", "DAAAADD"),
    ("GET /matters/new", "DDADDDD"),
    ("GET /dashboard", "DAAAAAA"),
    ("GET /import", "DAADDDD"),
    ("GET /assessment", "DAAADDD"),
    ("GET /assessment.xlsx", "DAAADDD"),
    ("GET /accountability", "DAADDDD"),
    ("GET /letters", "DAADDDD"),
    ("GET /letters/{id}/file", "DAADDDD"),
    ("GET /attachments/{id}", "DAAAADD"),
    ("POST /matters/{id}/attachments", "DDADADD"),
    ("GET /matters/{id}/forms/notice", "DAAAADD"),
    ("GET /matters/{id}/forms/notice.docx", "DAAAADD"),
    ("GET /matters/{id}/forms/reminder", "DAAAADD"),
    ("GET /matters/{id}/forms/reminder.docx", "DAAAADD"),
    ("GET /origins", "DAAADDD"),
    ("GET /origins/{id}", "DAAADDD"),
    ("GET /origins/{id}/bulletin.docx", "DAAADDD"),
    ("POST /origins", "DDADDDD"),
    ("GET /bulletins", "DAAADDD"),
    ("GET /bulletins/{id}", "DAADDDD"),
    ("GET /bulletins/{id}/docx", "DAADDDD"),
    ("GET /inbox", "DAAAAAA"),
    ("GET /admin", "DAADDDD"),
    ("POST /matters/new", "DDADDDD"),
    ("POST /matters/{id}/remind", "DDADDDD"),
    // The mayor is not this matter's responsible leader: no one here may write on it.
    ("POST /matters/{id}/instructions", "DDDDDDD"),
    ("POST /matters/{id}/indicators", "DDADDDD"),
    // Event 1 is no report of this matter: the office is told so, everyone else refused.
    ("POST /matters/{id}/return-report", "DDADDDD"),
    ("GET /rounds", "DAAAAAA"),
    ("POST /rounds/remind", "DDADDDD"),
    ("POST /matters/{id}/feedback", "DDDDADD"),
    ("POST /matters/{id}/decompose", "DDADDDD"),
    ("POST /matters/{id}/reassign", "DDADDDD"),
    ("GET /matters/{id}/edit", "DDADDDD"),
    ("POST /matters/{id}/edit", "DDADDDD"),
    ("POST /matters/{id}/extension", "DDDDADD"),
    ("POST /matters/{id}/request-completion", "DDDDADD"),
    ("POST /matters/{id}/close", "DDADDDD"),
    ("POST /sign-all", "DAAAAAA"),
    ("POST /import", "DAADDDD"),
    ("POST /import/rows", "DAADDDD"),
    ("POST /assessment/adjust", "DDADDDD"),
    ("POST /accountability", "DAADDDD"),
    ("POST /accountability/{id}/decide", "DAADDDD"),
    ("POST /letters", "DAADDDD"),
    ("POST /bulletins", "DDADDDD"),
    ("POST /bulletins/{id}/case", "DDADDDD"),
    ("POST /bulletins/{id}/advance", "DDADDDD"),
    ("POST /inbox/prefs", "DAAAAAA"),
    ("POST /inbox/{id}/read", "DDDDADD"),
    ("POST /admin/calendar", "DAADDDD"),
    ("POST /admin/sessions", "DADDDDD"),
    ("GET /admin/units", "DADDDDD"),
    ("GET /admin/contacts", "DADDDDD"),
    ("POST /admin/contacts", "DADDDDD"),
    ("POST /admin/units", "DADDDDD"),
    ("POST /admin/units/{id}", "DADDDDD"),
    ("POST /admin/units/reshape", "DADDDDD"),
    ("GET /admin/people", "DAADDDD"),
    ("POST /admin/people", "DAADDDD"),
    ("GET /admin/people/{id}", "DAADDDD"),
    ("POST /admin/people/{id}", "DAADDDD"),
    ("GET /account", "DAAAAAA"),
    ("GET /account/first-password", "DAAAAAA"),
    ("POST /account/password", "DAAAAAA"),
    ("POST /account/tokens", "DAAAAAA"),
    ("POST /account/tokens/{id}/revoke", "DDDDADD"),
    ("POST /login", "AAAAAAA"),
    ("GET /api/v1/health", "AAAAAAA"),
    ("GET /api/v1/openapi.json", "AAAAAAA"),
    ("POST /api/v1/auth/login", "AAAAAAA"),
    ("GET /api/v1/units", "DAAAAAA"),
    ("GET /api/v1/users", "DAAAAAA"),
    ("POST /api/v1/users", "DAADDDD"),
    ("PATCH /api/v1/users/{id}", "DAADDDD"),
    ("POST /api/v1/units", "DADDDDD"),
    ("GET /api/v1/inbox", "DAAAAAA"),
    ("POST /api/v1/inbox/{id}/read", "DDDDADD"),
    ("POST /api/v1/inbox/{id}/confirm", "DDDDADD"),
    ("GET /api/v1/me/prefs", "DAAAAAA"),
    ("PUT /api/v1/me/prefs", "DAAAAAA"),
    ("GET /api/v1/deliveries", "DAADDDD"),
    ("POST /api/v1/calendar/preview", "DAADDDD"),
    ("POST /api/v1/calendar", "DAADDDD"),
    ("GET /api/v1/assessment", "DAAADDD"),
    ("GET /api/v1/matters.xlsx", "DAAAAAA"),
    ("GET /api/v1/matters.csv", "DAAAAAA"),
    ("PATCH /api/v1/units/{id}", "DADDDDD"),
    ("POST /api/v1/units/{id}/merge", "DADDDDD"),
    ("GET /api/v1/matters", "DAAAAAA"),
    ("POST /api/v1/matters", "DDADDDD"),
    ("GET /api/v1/matters/{id}", "DAAAADD"),
    ("PATCH /api/v1/matters/{id}", "DDADDDD"),
    ("POST /api/v1/matters/{id}/reassign", "DDADDDD"),
    ("POST /api/v1/matters/{id}/decompose", "DDADDDD"),
    ("GET /api/v1/dashboard", "DAAAAAA"),
    ("GET /api/v1/public/matters", "AAAAAAA"),
    ("POST /api/v1/matters/{id}/remind", "DDADDDD"),
    ("POST /api/v1/matters/{id}/instructions", "DDDDDDD"),
    ("POST /api/v1/matters/{id}/indicators", "DDADDDD"),
    ("POST /api/v1/matters/{id}/reports/1/return", "DDADDDD"),
    ("GET /api/v1/matters/{id}/rounds", "DAAAADD"),
    ("GET /api/v1/rounds/missing", "DAAAAAA"),
    ("POST /api/v1/rounds/remind", "DDADDDD"),
    ("POST /api/v1/matters/{id}/assign", "DDADDDD"),
    ("POST /api/v1/matters/{id}/sign", "DDDDADD"),
    ("POST /api/v1/matters/{id}/feedback", "DDDDADD"),
    ("POST /api/v1/matters/{id}/extension", "DDDDADD"),
    ("POST /api/v1/matters/{id}/extension/reject", "DDADDDD"),
    ("POST /api/v1/matters/{id}/extension/approve", "DDADDDD"),
    ("POST /api/v1/matters/{id}/request-completion", "DDDDADD"),
    ("POST /api/v1/matters/{id}/return", "DDADDDD"),
    ("POST /api/v1/matters/{id}/close", "DDADDDD"),
    ("POST /api/v1/matters/{id}/cancel", "DDADDDD"),
    ("GET /api/v1/tokens", "DAAAAAA"),
    ("POST /api/v1/tokens", "DAAAAAA"),
    ("DELETE /api/v1/tokens/{id}", "DDDDADD"),
    ("POST /api/v1/me/password", "DAAAAAA"),
    ("DELETE /api/v1/users/{id}/sessions", "DADDDDD"),
    ("GET /api/v1/assessment.xlsx", "DAAADDD"),
    ("POST /api/v1/assessment/adjustments", "DDADDDD"),
    // No delivery has failed in the table: the office is told so, the rest refused.
    ("POST /api/v1/deliveries/{id}/retry", "DDDDDDD"),
    ("POST /api/v1/imports/preview", "DAADDDD"),
    ("POST /api/v1/imports", "DAADDDD"),
    ("GET /api/v1/origins", "DAAADDD"),
    ("POST /api/v1/origins", "DDADDDD"),
    ("GET /api/v1/origins/{id}", "DAAADDD"),
    ("GET /api/v1/origins/{id}/bulletin.docx", "DAAADDD"),
    ("GET /api/v1/bulletins", "DAAADDD"),
    ("POST /api/v1/bulletins", "DDADDDD"),
    ("GET /api/v1/bulletins/{id}", "DAADDDD"),
    ("GET /api/v1/bulletins/{id}/docx", "DAADDDD"),
    ("POST /api/v1/bulletins/{id}/cases", "DDADDDD"),
    ("POST /api/v1/bulletins/{id}/review", "DDADDDD"),
    ("POST /api/v1/bulletins/{id}/publish", "DDADDDD"),
    ("GET /api/v1/accountability", "DAADDDD"),
    ("POST /api/v1/accountability", "DAADDDD"),
    ("POST /api/v1/accountability/{id}/decide", "DAADDDD"),
    ("GET /api/v1/letters", "DAADDDD"),
    ("POST /api/v1/letters", "DAADDDD"),
    ("GET /api/v1/letters/{id}/file", "DAADDDD"),
    // `{id}` of a file is the one the office put on the matter's record; the mayor reads the
    // matter but is neither its responsible leader nor in charge of its unit.
    ("POST /api/v1/matters/{id}/attachments", "DDADADD"),
    ("GET /api/v1/attachments/{id}", "DAAAADD"),
    // The table's matter is assigned and was reminded by hand: both forms are there to read.
    ("GET /api/v1/matters/{id}/forms/notice.docx", "DAAAADD"),
    ("GET /api/v1/matters/{id}/forms/reminder.docx", "DAAAADD"),
    ("POST /logout", "DAAAAAA"),
];

/// Whether a page's form carries a file, and so is posted as multipart.
fn takes_a_file(path: &str) -> bool {
    ["/import", "/letters", "/admin/contacts"].contains(&path) || path.ends_with("/attachments")
}

/// Does a served route (`/matters/{id}/{verb}`) cover a table entry (`/matters/{id}/sign`)?
fn covers(route: &str, entry: &str) -> bool {
    let (r, e): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), entry.split('/').collect());
    r.len() == e.len()
        && r.iter()
            .zip(&e)
            .all(|(r, e)| r == e || (r.starts_with('{') && (*e == "{id}" || *r != "{id}")))
}

#[test]
fn every_route_has_an_entry_and_every_entry_a_route() {
    let served: Vec<String> = luoshi_http::served_routes()
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    for route in &served {
        let (method, path) = route.split_once(' ').unwrap();
        assert!(
            MATRIX.iter().any(|(entry, _)| {
                let (m, p) = entry.split_once(' ').unwrap();
                m == method && covers(path, p)
            }),
            "{route} has no entry in the authorization matrix"
        );
    }
    for (entry, _) in MATRIX {
        let (m, p) = entry.split_once(' ').unwrap();
        let p = p.replace("/lang/en", "/lang/{code}");
        assert!(
            served.iter().any(|route| {
                let (method, path) = route.split_once(' ').unwrap();
                m == method && covers(path, &p)
            }),
            "{entry} is in the matrix but nothing serves it"
        );
    }
}

/// What the test created or found to call the routes with.
struct Fixture {
    matter: i64,
    bulletin: i64,
    origin: i64,
    letter: i64,
    attachment: i64,
    record: i64,
    message: String,
    /// Two of fgw's API tokens: one to revoke on the page, one through the API.
    api_tokens: [i64; 2],
    tokens: HashMap<&'static str, String>,
    form: Vec<(String, String)>,
    lead_unit: i64,
    /// A person who is none of the callers.
    bystander: i64,
}

fn csrf(token: &str) -> String {
    Sha256::digest(format!("luoshi-csrf:{token}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn origin(app: &TestApp) -> String {
    app.base.trim_end_matches("/api/v1").to_string()
}

/// A matter `fgw` leads that is still open, with no part for `czj` or the county.
async fn matter_of_fgw_alone(app: &TestApp, admin: &str, units: &HashMap<&str, i64>) -> i64 {
    let (_, page) = app.get(admin, "/matters?limit=500").await;
    for m in page["items"].as_array().unwrap() {
        if m["lead_unit_id"] != units["fgw"] || m["state"] != "in_progress" {
            continue;
        }
        let (_, detail) = app.get(admin, &format!("/matters/{}", m["id"])).await;
        let involved: Vec<i64> = detail["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["unit_id"].as_i64().unwrap())
            .collect();
        if !involved.contains(&units["czj"]) && !involved.contains(&units["county"]) {
            return m["id"].as_i64().unwrap();
        }
    }
    panic!("the demo has no open matter that only fgw carries");
}

async fn fixture(app: &TestApp) -> Fixture {
    let mut tokens = HashMap::new();
    for who in CALLERS.iter().filter(|w| !w.is_empty()) {
        tokens.insert(*who, app.login(who).await);
    }
    let admin = tokens["admin"].clone();
    let (_, users) = app.get(&admin, "/users").await;
    let unit_of = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["unit_id"]
            .as_i64()
            .unwrap()
    };
    let bystander = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == BYSTANDER)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let units: HashMap<&str, i64> = ["fgw", "czj", "county"]
        .into_iter()
        .map(|w| (w, unit_of(w)))
        .collect();
    let matter = matter_of_fgw_alone(app, &admin, &units).await;
    let (_, detail) = app.get(&admin, &format!("/matters/{matter}")).await;
    let number = detail["number"].as_str().unwrap().to_string();

    // A bulletin, a letter, an accountability proposal and a message, made as the office
    // makes them.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ducha = &tokens["ducha"];
    let post_form = |path: &str, form: Vec<(&str, String)>| {
        http.post(format!("{}{path}", origin(app)))
            .header(COOKIE, format!("luoshi_session={ducha}"))
            .form(&form)
            .send()
    };
    let id_in = |res: reqwest::Response| -> i64 {
        let to = res.headers()[LOCATION].to_str().unwrap().to_string();
        to.trim_start_matches("/bulletins/").parse().unwrap()
    };
    let res = post_form(
        "/bulletins",
        vec![("csrf", csrf(ducha)), ("period", "2026-06".into())],
    )
    .await
    .unwrap();
    let bulletin = id_in(res);
    let (content_type, body) = luoshi_testkit::app::multipart(
        &[
            ("csrf", &csrf(ducha)),
            ("unit", "市发改委"),
            ("year", "2026"),
        ],
        ("letter.pdf", PDF),
    );
    let res = http
        .post(format!("{}/letters", origin(app)))
        .header(COOKIE, format!("luoshi_session={ducha}"))
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection() || res.status().is_success());
    let page = page_of(app, ducha, "/letters?year=2026").await;
    let letter = first_id(&page, "/letters/");
    let (content_type, body) = luoshi_testkit::app::multipart(&[], ("批示件.pdf", PDF));
    let (status, attached) = app
        .post_raw(
            ducha,
            &format!("/matters/{matter}/attachments"),
            &content_type,
            body,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{attached}");
    let attachment = attached["id"].as_i64().unwrap();
    post_form(
        "/accountability",
        vec![
            ("csrf", csrf(ducha)),
            ("unit", "市发改委".into()),
            ("measure", "talk".into()),
            ("matters", number.clone()),
            ("person", "张三".into()),
            ("reason", "工作推进不力".into()),
        ],
    )
    .await
    .unwrap();
    let page = page_of(app, ducha, "/accountability").await;
    // A record entered by hand is decided at once, so its page offers no form that names it;
    // being the database's first record, it is number 1.
    assert!(page.contains("工作推进不力") && !page.contains("/accountability/"));
    let record = 1;
    let (status, _) = app
        .post(
            ducha,
            &format!("/matters/{matter}/remind"),
            json!({"message": "请抓紧办理"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = page_of(app, &tokens["fgw"], "/inbox").await;
    let at = page
        .find("action=\"/inbox/")
        .expect("a message in fgw's inbox")
        + 15;
    let message = page[at..].split('/').next().unwrap().to_string();

    let (status, made) = app
        .post(
            ducha,
            "/origins",
            json!({"kind": "meeting", "title": "市政府第9次常务会议", "date": "2026-05-20"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let origin = made["id"].as_i64().unwrap();

    let mut api_tokens = [0; 2];
    for id in &mut api_tokens {
        let (status, made) = app
            .post(
                &tokens["fgw"],
                "/tokens",
                json!({"name": "报表程序", "scope": "read"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        *id = made["id"].as_i64().unwrap();
    }

    let form = [
        ("progress_text", "本周完成项目评审"),
        ("percent", "60"),
        ("summary", "已按要求完成"),
        ("comment", "同意"),
        ("reason", "材料不全"),
        ("message", "请抓紧"),
        ("new_deadline", "2026-12-31"),
        ("period", "2026"),
        ("kind", "praise"),
        ("matter", &number),
        ("unit", "市发改委"),
        ("units", "市发改委"),
        ("points", "1"),
        ("approver", "分管领导"),
        ("measure", "talk"),
        ("notice", ""),
        ("rows", "0"),
        ("title", "测试事项"),
        ("content", "测试内容"),
        ("source", "meeting"),
        ("lead", "市发改委"),
        ("deadline", "2026-12-31"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Fixture {
        matter,
        bulletin,
        origin,
        letter,
        attachment,
        record,
        message,
        api_tokens,
        tokens,
        form,
        lead_unit: units["fgw"],
        bystander,
    }
}

/// A page as the holder of `token` sees it.
async fn page_of(app: &TestApp, token: &str, path: &str) -> String {
    reqwest::Client::new()
        .get(format!("{}{path}", origin(app)))
        .header(COOKIE, format!("luoshi_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The first `/prefix{n}/…` link on a page.
fn first_id(page: &str, prefix: &str) -> i64 {
    let at = page
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} on {page}"))
        + prefix.len();
    page[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

impl Fixture {
    /// A well-formed body for an API route, so that only the caller's rights decide.
    fn json(&self, who: &str, path: &str) -> Value {
        match path.rsplit('/').next().unwrap() {
            "login" => {
                json!({"username": if who.is_empty() { "fgw" } else { who }, "password": "luoshi-demo"})
            }
            // The whole matter again, as a draft's correction sends it.
            id if id == "matters"
                || (id.parse::<i64>().is_ok() && path.starts_with("/api/v1/matters/")) =>
            {
                json!({
                "title": "测试事项", "content": "测试内容", "source": "meeting",
                "origin": "市政府常务会议", "lead_unit_id": self.lead_unit, "deadline": "2026-12-31",
                })
            }
            "feedback" => json!({"progress_text": "本周完成项目评审", "percent": 60}),
            "request-completion" => json!({"summary": "已按要求完成"}),
            "close" | "approve" => json!({"comment": "同意"}),
            "return" | "reject" | "cancel" => json!({"reason": "材料不全"}),
            "remind" => json!({"message": "请抓紧"}),
            "instructions" => json!({"kind": "read"}),
            "indicators" => json!({"name": format!("测试指标{who}"), "baseline": 0, "target": 10}),
            // To a unit already at work on it: refused as input, so the matter stays as it is.
            "reassign" => json!({"to_unit_id": self.lead_unit, "reason": "职能调整"}),
            "decompose" => json!({"unit_ids": [self.lead_unit], "title": "分解落实"}),
            "bulletins" => json!({"period": "2026-06"}),
            "origins" => json!({"kind": "document", "title": format!("测试文件{who}")}),
            "adjustments" => json!({"matter_id": self.matter, "unit_id": self.lead_unit,
                "points": 1, "reason": "工作突出", "approver": "市长"}),
            "cases" => json!({"matter_id": self.matter, "praise": true, "comment": "推进有力"}),
            "accountability" => json!({"unit_id": self.lead_unit, "reason": "推进不力",
                "measure": "talk"}),
            "decide" => json!({"reason": "已整改"}),
            "extension" => json!({"new_deadline": "2026-12-31", "reason": "需要更多时间"}),
            "tokens" => json!({"name": "报表程序", "scope": "read"}),
            "password" => json!({"current": "not the password", "new": "Yunzhou-2026"}),
            "prefs" => json!({"email": true, "digest": false}),
            "preview" | "calendar" => json!({"notice": "", "year": 2027}),
            "units" => json!({"name": format!("测试单位{who}"), "code": format!("test-{who}"),
                "parent_id": self.lead_unit}),
            // Into itself: refused as input, so the table's units stay as they are.
            "merge" => json!({"into": self.lead_unit}),
            "users" => json!({"username": format!("new-{who}"), "role": "liaison",
                "unit_id": self.lead_unit}),
            _ => json!({}),
        }
    }

    fn path(&self, entry: &str) -> String {
        let entry_in_app = entry.trim_start_matches("/api/v1");
        let id = if entry_in_app.starts_with("/bulletins/") {
            self.bulletin.to_string()
        } else if entry_in_app.starts_with("/origins/") {
            self.origin.to_string()
        } else if entry_in_app.starts_with("/letters/") {
            self.letter.to_string()
        } else if entry_in_app.starts_with("/attachments/") {
            self.attachment.to_string()
        } else if entry_in_app.starts_with("/accountability/") {
            self.record.to_string()
        } else if entry.starts_with("/account/tokens/") {
            self.api_tokens[0].to_string()
        } else if entry.starts_with("/api/v1/tokens/") {
            self.api_tokens[1].to_string()
        } else if entry.starts_with("/api/v1/users/") || entry.starts_with("/admin/people/") {
            self.bystander.to_string()
        } else if entry.starts_with("/api/v1/units/") || entry.starts_with("/admin/units/") {
            self.lead_unit.to_string()
        } else if entry.starts_with("/inbox/") || entry.starts_with("/api/v1/inbox/") {
            self.message.clone()
        } else {
            self.matter.to_string()
        };
        entry.replace("{id}", &id)
    }
}

/// The request as the caller sends it: the API with a bearer token, pages with the session
/// cookie and the form's CSRF token.
async fn call(
    http: &reqwest::Client,
    origin: &str,
    fx: &Fixture,
    who: &str,
    method: &str,
    path: &str,
) -> reqwest::Response {
    let token = fx.tokens.get(who).cloned().unwrap_or_default();
    let url = format!("{origin}{path}");
    let mut req = http.request(method.parse().unwrap(), &url);
    if path.starts_with("/api/") {
        if !token.is_empty() {
            req = req.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if ["POST", "PATCH", "PUT"].contains(&method) {
            req = req.json(&fx.json(who, path));
        }
    } else {
        // Before sign-in, forms are bound to a cookie of the browser's own.
        let secret = if token.is_empty() {
            "a-browser"
        } else {
            &token
        };
        // Signing in replaces the browser's session; the table's sessions must live on.
        let session = if path == "/login" { "" } else { &token };
        req = req.header(
            COOKIE,
            format!("luoshi_session={session}; luoshi_presession={secret}"),
        );
        if method == "POST" {
            let mut form = fx.form.clone();
            form.push(("csrf".into(), csrf(secret)));
            // Ending someone's sessions is tried on the bystander, so the table's live on.
            let username = match (path, who) {
                ("/admin/sessions", _) => BYSTANDER,
                (_, "") => "fgw",
                _ => who,
            };
            form.push(("username".into(), username.into()));
            form.push(("password".into(), "luoshi-demo".into()));
            if takes_a_file(path) {
                let fields: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let (content_type, body) =
                    luoshi_testkit::app::multipart(&fields, ("letter.pdf", PDF));
                req = req.header(CONTENT_TYPE, content_type).body(body);
            } else {
                req = req.form(&form);
            }
        }
    }
    req.send().await.unwrap()
}

fn outcome(res: &reqwest::Response) -> char {
    let status = res.status();
    let to_login = res
        .headers()
        .get(LOCATION)
        .is_some_and(|l| l.to_str().unwrap().starts_with("/login"));
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => 'D',
        s if s.is_redirection() && to_login => 'D',
        s if s.is_server_error() => '!',
        _ => 'A',
    }
}

/// What an admin sees of everything, to tell whether a refused request changed anything.
async fn everything(app: &TestApp, fx: &Fixture) -> Value {
    let admin = &fx.tokens["admin"];
    let (_, list) = app.get(admin, "/matters?limit=1000").await;
    let (_, matter) = app.get(admin, &format!("/matters/{}", fx.matter)).await;
    json!([list, matter])
}

async fn every_route_answers_each_caller_as_the_matrix_says_and_refusals_change_nothing() {
    let app = spawn_app(NOW).await;
    let fx = fixture(&app).await;
    let origin = origin(&app);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for (entry, expected) in MATRIX {
        let (method, path) = entry.split_once(' ').unwrap();
        let path = fx.path(path);
        for (who, want) in CALLERS.iter().zip(expected.chars()) {
            let before = if want == 'D' {
                Some(everything(&app, &fx).await)
            } else {
                None
            };
            let res = call(&http, &origin, &fx, who, method, &path).await;
            let status = res.status();
            let mut got = outcome(&res);
            if *entry == "POST /logout" && !who.is_empty() {
                // Signing out sends everyone to the sign-in page; it worked if the session ended.
                let (after, _) = app.get(&fx.tokens[who], "/units").await;
                got = if after == StatusCode::UNAUTHORIZED {
                    'A'
                } else {
                    'D'
                };
            }
            let body = res.text().await.unwrap_or_default();
            if got != want {
                let excerpt: String = body.chars().take(160).collect();
                wrong.push(format!(
                    "{entry} as {:?}: expected {want}, got {status} {excerpt}",
                    who
                ));
            }
            if let Some(before) = before
                && everything(&app, &fx).await != before
            {
                wrong.push(format!("{entry} as {who:?} was refused but changed data"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

async fn a_liaison_never_finds_another_units_matter_in_lists_or_exports() {
    let app = spawn_app(NOW).await;
    let fx = fixture(&app).await;
    let (_, detail) = app
        .get(&fx.tokens["admin"], &format!("/matters/{}", fx.matter))
        .await;
    let number = detail["number"].as_str().unwrap();
    for who in ["czj", "county"] {
        let (_, list) = app.get(&fx.tokens[who], "/matters?limit=1000").await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["id"] != fx.matter),
            "{who} sees matter {}",
            fx.matter
        );
        let (_, dashboard) = app.get(&fx.tokens[who], "/dashboard").await;
        assert!(!dashboard.to_string().contains(number));
        for page in ["/matters.csv", "/matters", "/"] {
            let body = page_of(&app, &fx.tokens[who], page).await;
            assert!(!body.contains(number), "{who} finds {number} on {page}");
        }
    }
}

/// A few kilobytes that look like nothing, the same on every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// What a client can get wrong about a path: ids that are not numbers, or too large, or
/// absent.
const BAD_IDS: [&str; 4] = ["abc", "-1", "99999999999999999999", "0"];

const BAD_QUERY: &str = "?limit=abc&offset=-1&state=zzz&due_from=2026-13-01&due_to=2026年13月\
    &light=purple&unit_id=x&leader_id=1e99&source=nowhere&overdue_on=yesterday&sort=%FF\
    &period=2026-Q9&year=99999&scheme=../../etc&q=%00%01";

async fn no_route_answers_bad_input_with_a_server_error_or_a_change() {
    let app = spawn_app(NOW).await;
    let fx = fixture(&app).await;
    let origin = origin(&app);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = fx.tokens["ducha"].clone();
    let cookie = format!("luoshi_session={token}");
    let typed_wrong = json!({
        "title": 5, "content": [], "source": "nowhere", "lead_unit_id": "x",
        "deadline": "2026-13-01", "new_deadline": [], "progress_text": null, "percent": "many",
        "summary": {}, "comment": 1.5, "reason": false, "message": {"a": 1},
        "username": 1, "password": null,
    });
    let (_, broken_multipart) =
        luoshi_testkit::app::multipart(&[("csrf", "x")], ("a.xlsx", &noise(7, 900)));
    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"title\": ".to_vec(),
        ),
        (
            "wrongly typed JSON",
            "application/json",
            typed_wrong.to_string().into_bytes(),
        ),
        ("random bytes", "application/octet-stream", noise(1, 4096)),
        (
            "random form",
            "application/x-www-form-urlencoded",
            noise(2, 4096),
        ),
        (
            "a 2 MB body",
            "application/json",
            vec![b'['; 2 * 1024 * 1024],
        ),
        (
            "a multipart body without its boundary",
            "multipart/form-data",
            broken_multipart,
        ),
    ];
    let served = luoshi_http::served_routes();
    let mut wrong = Vec::new();
    for (method, route) in &served {
        let mut paths = vec![fx.path(route)];
        if route.contains("{id}") {
            paths.extend(BAD_IDS.iter().map(|id| route.replace("{id}", id)));
        }
        let paths: Vec<String> = paths
            .into_iter()
            .map(|p| p.replace("{verb}", "feedback").replace("{code}", "xx"))
            .collect();
        for path in &paths {
            let before = everything(&app, &fx).await;
            if *method != reqwest::Method::POST {
                let res = http
                    .request(method.clone(), format!("{origin}{path}{BAD_QUERY}"))
                    .header(COOKIE, &cookie)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                if res.status().is_server_error() {
                    wrong.push(format!("{method} {path}{BAD_QUERY}: {}", res.status()));
                }
            } else {
                for (what, content_type, body) in &bodies {
                    let res = http
                        .post(format!("{origin}{path}"))
                        .header(COOKIE, &cookie)
                        .bearer_auth(&token)
                        .header(CONTENT_TYPE, *content_type)
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    if res.status().is_server_error() {
                        wrong.push(format!("POST {path} with {what}: {}", res.status()));
                    }
                }
                if ["/import", "/import/rows", "/letters"].contains(&path.as_str())
                    || path.ends_with("/attachments")
                {
                    let (content_type, body) = luoshi_testkit::app::multipart(
                        &[("csrf", &csrf(&token))],
                        ("big.xlsx", &vec![0u8; 25 * 1024 * 1024]),
                    );
                    let res = http
                        .post(format!("{origin}{path}"))
                        .header(COOKIE, &cookie)
                        .header(CONTENT_TYPE, content_type)
                        .body(body)
                        .send()
                        .await;
                    // The server may close the connection on a body past its limit; what it
                    // must not do is answer with a server error.
                    if let Ok(res) = res
                        && res.status().is_server_error()
                    {
                        wrong.push(format!("POST {path} with 25 MB: {}", res.status()));
                    }
                }
                // A form with its CSRF token but values no reader can take.
                let form: Vec<(&str, String)> = vec![
                    ("csrf", csrf(&token)),
                    ("percent", "many".into()),
                    ("deadline", "2026年13月".into()),
                    ("new_deadline", "2026-02-30".into()),
                    ("points", "NaN".into()),
                    ("year", "99999999999".into()),
                    ("period", "2026-Q9".into()),
                    ("lead", "不存在的单位".into()),
                    ("matter", "督〔2026〕99999号".into()),
                    ("measure", "banish".into()),
                    ("rows", "-1".into()),
                ];
                let res = http
                    .post(format!("{origin}{path}"))
                    .header(COOKIE, &cookie)
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                if res.status().is_server_error() {
                    wrong.push(format!(
                        "POST {path} with a wrongly typed form: {}",
                        res.status()
                    ));
                }
            }
            if everything(&app, &fx).await != before {
                wrong.push(format!("{method} {path} changed data on bad input"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

async fn signing_in_on_the_page_ends_the_session_the_browser_had_before() {
    let app = spawn_app(NOW).await;
    let old = app.login("fgw").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{}/login", origin(&app)))
        .header(
            COOKIE,
            format!("luoshi_session={old}; luoshi_presession=nonce"),
        )
        .form(&[
            ("csrf", csrf("nonce").as_str()),
            ("username", "fgw"),
            ("password", "luoshi-demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.get(&old, "/units").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old session still works"
    );
}

async fn a_read_only_token_reads_but_cannot_act_shows_its_last_use_and_dies_when_revoked() {
    let app = spawn_app(NOW).await;
    let session = app.login("fgw").await;
    let (status, made) = app
        .post(
            &session,
            "/tokens",
            json!({"name": "周报程序", "scope": "read", "days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap();
    assert_eq!(made["last_used_at"], Value::Null);
    assert!(
        made["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-07-30")
    );

    let (status, page) = app.get(token, "/matters").await;
    assert_eq!(status, StatusCode::OK);
    let id = page["items"][0]["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            token,
            &format!("/matters/{id}/feedback"),
            json!({"progress_text": "进展", "percent": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = app
        .post(
            token,
            "/tokens",
            json!({"name": "再造一个", "scope": "write"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a token cannot make tokens");

    let (_, listed) = app.get(&session, "/tokens").await;
    assert_eq!(listed[0]["name"], "周报程序");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(
        listed[0].get("token").is_none(),
        "the secret is never listed"
    );

    let res = app
        .http
        .delete(format!("{}/tokens/{}", app.base, made["id"]))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (status, _) = app.get(token, "/matters").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Every form the pages serve, posted by a signed-in person whose session would allow it but
/// without the page's token — plain or with a file — is refused with 403, and nothing changes.
async fn every_form_without_its_csrf_token_is_refused_before_anything_is_read() {
    let app = spawn_app(NOW).await;
    let fx = fixture(&app).await;
    let origin = origin(&app);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for (method, route) in luoshi_http::served_routes() {
        if method != reqwest::Method::POST || route.starts_with("/api/") {
            continue;
        }
        let path = fx
            .path(&route)
            .replace("{verb}", "feedback")
            .replace("{code}", "en");
        for who in ["admin", "ducha", "fgw"] {
            let token = &fx.tokens[who];
            let cookie = format!("luoshi_session={token}; luoshi_presession={token}");
            let fields = [
                ("csrf", "not-the-token"),
                ("progress_text", "伪造的反馈"),
                ("percent", "50"),
                ("reason", "伪造"),
            ];
            let (content_type, body) = luoshi_testkit::app::multipart(&fields, ("letter.pdf", PDF));
            let before = everything(&app, &fx).await;
            let post = http.post(format!("{origin}{path}")).header(COOKIE, &cookie);
            let res = if takes_a_file(&path) {
                post.header(CONTENT_TYPE, &content_type).body(body)
            } else {
                post.form(&fields)
            }
            .send()
            .await
            .unwrap();
            if res.status() != StatusCode::FORBIDDEN {
                wrong.push(format!("POST {path} as {who}: {}", res.status()));
            }
            if everything(&app, &fx).await != before {
                wrong.push(format!(
                    "POST {path} as {who} without its token changed data"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
