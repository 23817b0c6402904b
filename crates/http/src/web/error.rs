//! One error type for the pages: what a page could not do, with the API's status for it and a
//! message for its reader. A handler returns it like any other error; the layer every page
//! passes through draws it as the error page, in the reader's language.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use luoshi_service::ServiceError;
use minijinja::context;

use crate::{ApiError, AppState};

#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::new(StatusCode::FORBIDDEN, message)
    }

    /// A form that came without the token of the page that showed it: an old tab, or a page
    /// of another site posting in the reader's name.
    pub fn stale_form() -> PageError {
        PageError::forbidden("表单已过期或来源不明,请返回刷新页面后重新提交。")
    }

    /// A failure reading the page's own data: its status, without its inner message.
    pub fn unavailable(e: ServiceError) -> PageError {
        PageError::new(ApiError::from(e).status, "页面暂时无法显示,请稍后重试")
    }
}

impl From<ApiError> for PageError {
    fn from(api: ApiError) -> Self {
        PageError::new(api.status, api.message)
    }
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::from(ApiError::from(e))
    }
}

/// The response carries the error for [`draw`] to render: rendering needs the templates,
/// which live in the state a response does not have.
impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Draws every [`PageError`] a page handler returned as the error page.
pub async fn draw(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    match response.extensions().get::<PageError>() {
        Some(e) => page(&s, e.status, &e.message),
        None => response,
    }
}

/// The error page itself.
pub fn page(state: &AppState, status: StatusCode, message: &str) -> Response {
    let heading = if status == StatusCode::NOT_FOUND {
        "找不到该页面"
    } else {
        "无法完成操作"
    };
    super::render(state, status, "error.html", context! { heading, message })
}
