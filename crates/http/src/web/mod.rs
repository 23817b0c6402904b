//! The pages people use: server-rendered HTML from templates embedded in the binary, with
//! auto-escaping, plain forms and no JavaScript required.

mod accountability;
mod assessment;
mod bulletins;
mod i18n;
mod import;
mod inbox;
mod letters;
mod matter;
mod pages;
mod register;
mod session;
mod signin;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
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
        ("error.html", include_str!("templates/error.html")),
        ("public.html", include_str!("templates/public.html")),
        ("list.html", include_str!("templates/list.html")),
        ("dashboard.html", include_str!("templates/dashboard.html")),
        ("new.html", include_str!("templates/new.html")),
        ("import.html", include_str!("templates/import.html")),
        ("letters.html", include_str!("templates/letters.html")),
        ("bulletins.html", include_str!("templates/bulletins.html")),
        ("bulletin.html", include_str!("templates/bulletin.html")),
        ("assessment.html", include_str!("templates/assessment.html")),
        (
            "accountability.html",
            include_str!("templates/accountability.html"),
        ),
        ("inbox.html", include_str!("templates/inbox.html")),
        ("admin.html", include_str!("templates/admin.html")),
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
    env.add_function("lang", || i18n::lang().code());
    env.add_function("path", i18n::path);
    Arc::new(env)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(signin::login_page).post(signin::login))
        .route("/logout", post(signin::logout))
        .route("/", get(pages::workbench))
        .route("/public", get(pages::public))
        .route("/sign-all", post(pages::sign_all))
        .route("/matters", get(pages::list))
        .route("/matters.csv", get(pages::export_csv))
        .route("/matters.xlsx", get(pages::export_xlsx))
        .route("/matters/new", get(register::page).post(register::submit))
        .route(
            "/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import::MAX_UPLOAD_BYTES,
                )),
        )
        .route(
            "/import/rows",
            post(import::commit).layer(axum::extract::DefaultBodyLimit::max(
                import::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/dashboard", get(pages::dashboard))
        .route("/assessment", get(assessment::page))
        .route(
            "/accountability",
            get(accountability::page).post(accountability::enter),
        )
        .route("/accountability/{id}/decide", post(accountability::decide))
        .route(
            "/letters",
            get(letters::page)
                .post(letters::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    luoshi_service::letters::MAX_LETTER_BYTES + 64 * 1024,
                )),
        )
        .route("/letters/{id}/file", get(letters::download))
        .route("/bulletins", get(bulletins::list).post(bulletins::create))
        .route("/bulletins/{id}", get(bulletins::page))
        .route("/bulletins/{id}/docx", get(bulletins::docx))
        .route("/bulletins/{id}/{verb}", post(bulletins::act))
        .route("/assessment.xlsx", get(assessment::export))
        .route("/assessment/adjust", post(assessment::adjust))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/prefs", post(inbox::prefs))
        .route("/inbox/{id}/{verb}", post(inbox::mark))
        .route("/admin", get(inbox::admin))
        .route("/admin/calendar", post(inbox::calendar))
        .route("/matters/{id}", get(matter::matter_page))
        .route("/matters/{id}/decompose", post(matter::decompose))
        .route("/matters/{id}/{verb}", post(matter::matter_step))
        .route("/lang/{code}", get(switch_language))
        .route(
            "/static/app.css",
            get(|| async { ([(CONTENT_TYPE, "text/css; charset=utf-8")], CSS) }),
        )
        .layer(axum::middleware::from_fn(i18n::scope))
}

/// Remembers the language chosen and goes back to the page it was chosen on.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let back = q
        .get("back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//"));
    let page = axum::response::Redirect::to(back.map_or("/", String::as_str)).into_response();
    let value = if code == "en" { "en" } else { "" };
    session::with_cookie(page, i18n::LANG_COOKIE, value)
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
