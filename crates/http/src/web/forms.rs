//! A matter's printed forms, the 督办通知单 and the latest 催办单: a page laid out to print from
//! the browser, and the .docx, for whoever may read the matter.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_domain::MatterId;
use luoshi_service::forms::Form;
use minijinja::context;

use super::PageError;
use super::form::MatterPath;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::AppState;

#[derive(Debug, Clone, Copy)]
enum Which {
    Notice,
    Reminder,
}

impl Which {
    fn path(self) -> &'static str {
        match self {
            Which::Notice => "notice",
            Which::Reminder => "reminder",
        }
    }
}

async fn form(
    s: &AppState,
    viewer: &Viewer,
    id: MatterId,
    which: Which,
) -> Result<Form, PageError> {
    let found = match which {
        Which::Notice => s.luoshi.notice_form(&viewer.user, id).await,
        Which::Reminder => s.luoshi.reminder_form(&viewer.user, id).await,
    };
    found.map_err(PageError::from)
}

async fn page(s: &AppState, viewer: &Viewer, id: MatterId, which: Which) -> Response {
    let form = match form(s, viewer, id, which).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let tree = s.luoshi.tree();
    render(
        s,
        StatusCode::OK,
        "form.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            id => id.0, title => form.doc.title, doc => view::official(&form.doc),
            slip => form.slip.map(|c| c.as_str()),
            form => which.path(),
        },
    )
}

async fn docx(s: &AppState, viewer: &Viewer, id: MatterId, which: Which) -> Response {
    match form(s, viewer, id, which).await {
        Ok(form) => crate::api::docx_download(&form.doc, &form.file_name())
            .unwrap_or_else(|e| PageError::from(e).into_response()),
        Err(e) => e.into_response(),
    }
}

pub async fn notice_page(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
) -> Response {
    page(&s, &viewer, id, Which::Notice).await
}

pub async fn notice_docx(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
) -> Response {
    docx(&s, &viewer, id, Which::Notice).await
}

pub async fn reminder_page(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
) -> Response {
    page(&s, &viewer, id, Which::Reminder).await
}

pub async fn reminder_docx(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
) -> Response {
    docx(&s, &viewer, id, Which::Reminder).await
}
