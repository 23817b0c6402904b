//! The pages people use: server-rendered HTML from templates embedded in the binary, with
//! auto-escaping, plain forms and no JavaScript required.

mod account;
mod accountability;
mod admin;
mod assessment;
mod bulletins;
mod chart;
mod dashboard;
mod error;
mod form;
mod forms;
mod i18n;
mod import;
mod inbox;
mod letters;
mod list;
mod login;
mod matter;
mod office;
mod origins;
mod public;
mod register;
mod rounds;
mod session;
mod view;
mod workbench;

pub(crate) use error::PageError;
pub(crate) use form::read_upload;
pub(crate) use import::MAX_UPLOAD_BYTES;
pub(crate) use view::url_encode;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use minijinja::Environment;
use minijinja::value::{Rest, Value};
use serde::Serialize;

use crate::AppState;

const CSS: &str = include_str!("static/app.css");

/// The templates, parsed once at start-up.
pub fn templates() -> Arc<Environment<'static>> {
    let mut env = Environment::new();
    for (name, source) in [
        ("layout.html", include_str!("templates/layout.html")),
        ("rows.html", include_str!("templates/rows.html")),
        ("login.html", include_str!("templates/login.html")),
        ("workbench.html", include_str!("templates/workbench.html")),
        ("matter.html", include_str!("templates/matter.html")),
        ("confirm.html", include_str!("templates/confirm.html")),
        ("error.html", include_str!("templates/error.html")),
        ("public.html", include_str!("templates/public.html")),
        ("list.html", include_str!("templates/list.html")),
        ("dashboard.html", include_str!("templates/dashboard.html")),
        ("new.html", include_str!("templates/new.html")),
        ("import.html", include_str!("templates/import.html")),
        ("letters.html", include_str!("templates/letters.html")),
        ("rounds.html", include_str!("templates/rounds.html")),
        ("bulletins.html", include_str!("templates/bulletins.html")),
        ("bulletin.html", include_str!("templates/bulletin.html")),
        ("origins.html", include_str!("templates/origins.html")),
        ("origin.html", include_str!("templates/origin.html")),
        ("official.html", include_str!("templates/official.html")),
        ("form.html", include_str!("templates/form.html")),
        ("assessment.html", include_str!("templates/assessment.html")),
        (
            "accountability.html",
            include_str!("templates/accountability.html"),
        ),
        ("inbox.html", include_str!("templates/inbox.html")),
        ("account.html", include_str!("templates/account.html")),
        (
            "first_password.html",
            include_str!("templates/first_password.html"),
        ),
        ("admin.html", include_str!("templates/admin.html")),
        ("units.html", include_str!("templates/units.html")),
        ("contacts.html", include_str!("templates/contacts.html")),
        ("people.html", include_str!("templates/people.html")),
        ("person.html", include_str!("templates/person.html")),
        (
            "import_preview.html",
            include_str!("templates/import_preview.html"),
        ),
        (
            "import_done.html",
            include_str!("templates/import_done.html"),
        ),
    ] {
        env.add_template(name, source)
            .expect("the embedded templates parse");
    }
    env.add_function("t", |text: String, args: Rest<Value>| {
        i18n::t(
            &text,
            &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        )
    });
    env.add_filter("t", |text: String| i18n::message(&text));
    env.add_filter("event", |text: String| i18n::event(&text));
    env.add_function("lang", || i18n::lang().code());
    env.add_function("path", i18n::path);
    Arc::new(env)
}

/// Every page and form, as (method, path): the router and the authorization matrix test both
/// come from this one list, so a route cannot be added without being listed.
pub fn router() -> Routes {
    let upload = |limit| axum::extract::DefaultBodyLimit::max(limit);
    Routes::default()
        .get("/login", login::login_page)
        .post("/login", login::login)
        .post("/logout", login::logout)
        .get("/", workbench::workbench)
        .get("/public", public::public)
        .post("/sign-all", workbench::sign_all)
        .get("/matters", list::list)
        .get("/matters.csv", list::export_csv)
        .get("/matters.xlsx", list::export_xlsx)
        .get("/matters/new", register::page)
        .post("/matters/new", register::submit)
        .get("/import", import::page)
        .post_with("/import", import::upload, upload(import::MAX_UPLOAD_BYTES))
        .post_with(
            "/import/rows",
            import::commit,
            upload(import::MAX_UPLOAD_BYTES),
        )
        .get("/dashboard", dashboard::dashboard)
        .get("/assessment", assessment::page)
        .get("/assessment.xlsx", assessment::export)
        .post("/assessment/adjust", assessment::adjust)
        .get("/accountability", accountability::page)
        .post("/accountability", accountability::enter)
        .post("/accountability/{id}/decide", accountability::decide)
        .get("/rounds", rounds::page)
        .post("/rounds/remind", rounds::remind)
        .get("/letters", letters::page)
        .post_with(
            "/letters",
            letters::upload,
            upload(luoshi_service::letters::MAX_LETTER_BYTES + 64 * 1024),
        )
        .get("/letters/{id}/file", letters::download)
        .get("/origins", origins::list)
        .post("/origins", origins::create)
        .get("/origins/{id}", origins::page)
        .get("/origins/{id}/bulletin.docx", origins::bulletin)
        .get("/bulletins", bulletins::list)
        .post("/bulletins", bulletins::create)
        .get("/bulletins/{id}", bulletins::page)
        .get("/bulletins/{id}/docx", bulletins::docx)
        .post("/bulletins/{id}/{verb}", bulletins::act)
        .get("/inbox", inbox::inbox)
        .post("/inbox/prefs", inbox::prefs)
        .post("/inbox/{id}/{verb}", inbox::mark)
        .get("/account", account::page)
        .get(session::FIRST_PASSWORD, account::first_password)
        .post("/account/password", account::password)
        .post("/account/tokens", account::create_token)
        .post("/account/tokens/{id}/revoke", account::revoke_token)
        .get("/admin", admin::admin)
        .post("/admin/calendar", admin::calendar)
        .post("/admin/sessions", admin::end_sessions)
        .get("/admin/units", office::units)
        .post("/admin/units", office::add_unit)
        .post("/admin/units/{id}", office::rename_unit)
        .post("/admin/units/reshape", office::reshape_unit)
        .get("/admin/people", office::people)
        .post("/admin/people", office::add_person)
        .get("/admin/people/{id}", office::person)
        .post("/admin/people/{id}", office::change_person)
        .get("/admin/contacts", office::contacts)
        // A confirmation carries the previewed file again, in base64: a third larger.
        .post_with(
            "/admin/contacts",
            office::upload_contacts,
            upload(import::MAX_UPLOAD_BYTES / 3 * 4 + 64 * 1024),
        )
        .get("/matters/{id}", matter::matter_page)
        .post("/matters/{id}/decompose", matter::decompose)
        .post("/matters/{id}/reassign", matter::reassign)
        .post("/matters/{id}/instructions", matter::instruct)
        .post("/matters/{id}/indicators", matter::set_indicator)
        .post("/matters/{id}/return-report", matter::return_report)
        .get("/matters/{id}/edit", register::edit_page)
        .post("/matters/{id}/edit", register::edit_submit)
        .post_with(
            "/matters/{id}/attachments",
            matter::attach,
            upload(luoshi_domain::attachment::MAX_FILE_BYTES + 64 * 1024),
        )
        .get("/attachments/{id}", matter::download)
        .get("/matters/{id}/forms/notice", forms::notice_page)
        .get("/matters/{id}/forms/notice.docx", forms::notice_docx)
        .get("/matters/{id}/forms/reminder", forms::reminder_page)
        .get("/matters/{id}/forms/reminder.docx", forms::reminder_docx)
        .post("/matters/{id}/{verb}", matter::matter_step)
        .get("/lang/{code}", switch_language)
        .get("/static/app.css", || async {
            (
                [
                    (CONTENT_TYPE, "text/css; charset=utf-8"),
                    (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
                ],
                CSS,
            )
        })
}

/// A router under construction that remembers what it serves.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    pub served: Vec<(Method, &'static str)>,
}

impl Routes {
    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.served.push((method, path));
        self.router = self.router.route(path, route);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::GET, path, get(h))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add(Method::POST, path, post(h))
    }

    /// A form that carries a file: its own body limit instead of the default one.
    fn post_with<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        h: H,
        limit: axum::extract::DefaultBodyLimit,
    ) -> Self {
        self.add(Method::POST, path, post(h).layer(limit))
    }

    /// The finished router, each page (its errors included) in its reader's language.
    pub fn into_router(self, state: AppState) -> Router<AppState> {
        self.router
            .layer(axum::middleware::from_fn_with_state(state, error::draw))
            .layer(axum::middleware::from_fn(i18n::scope))
    }
}

/// Remembers the language chosen and goes back to the page it was chosen on.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let back = q.get("back").and_then(|b| local_path(b));
    let page = axum::response::Redirect::to(back.as_deref().unwrap_or("/")).into_response();
    let value = if code == "en" { "en" } else { "" };
    session::with_cookie(page, i18n::LANG_COOKIE, value)
}

/// `back` if it is a path of this site to go back to. Anything a browser could take for
/// another site is refused — `//host`, and `/\host` or `/<tab>/host`, which browsers read the
/// same way — and so is any control character, which no header may carry. Other characters
/// outside ASCII are percent-encoded, as a `Location` header wants them.
pub(crate) fn local_path(back: &str) -> Option<String> {
    let rest = back.strip_prefix('/')?;
    if rest.starts_with('/') || back.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let mut path = String::with_capacity(back.len());
    for c in back.chars() {
        if c.is_ascii() {
            path.push(c);
        } else {
            let mut utf8 = [0u8; 4];
            for b in c.encode_utf8(&mut utf8).bytes() {
                path.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(path)
}

/// Renders a template; a template that fails to render is a bug, logged and shown as one.
fn render(state: &AppState, status: StatusCode, name: &str, ctx: impl Serialize) -> Response {
    match state
        .templates
        .get_template(name)
        .and_then(|t| t.render(ctx))
    {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>页面出错了,请稍后重试</h1>".to_string()),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_a_path_of_this_site_is_a_place_to_go_back_to() {
        assert_eq!(local_path("/matters?q=1").as_deref(), Some("/matters?q=1"));
        assert_eq!(
            local_path("/matters?q=图").as_deref(),
            Some("/matters?q=%E5%9B%BE")
        );
        for foreign in [
            "//evil.example",
            "/\\evil.example",
            "/\tevil.example",
            "/\t/evil.example",
            "/\r\nSet-Cookie: a=b",
            "/a\0b",
            "/a\x7Fb",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(foreign), None, "{foreign:?}");
        }
    }
}
