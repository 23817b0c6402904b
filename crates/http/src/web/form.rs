//! Forms as handlers receive them: posted by a signed-in person, their CSRF token checked
//! before the handler runs, and read into the handler's own type. A handler that takes a
//! [`Posted`] or an [`Upload`] cannot forget the check.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::PageError;
use super::pages::Fields;
use super::session::{Viewer, csrf_matches};
use crate::AppState;

#[derive(Deserialize, Default)]
struct Token {
    #[serde(default)]
    csrf: String,
}

/// A form posted by `viewer`, read as `T` (a struct of its fields, or [`Fields`]).
pub struct Posted<T = Fields> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = axum::response::Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                tracing::info!(error = %e.body_text(), "a form could not be read");
                PageError::new(e.status(), "表单未能完整提交,请重新提交").into_response()
            })?;
        let token: Token = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if !csrf_matches(&viewer.secret, &token.csrf) {
            return Err(PageError::stale_form().into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            tracing::info!(error = %e, "a form did not match its fields");
            PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "表单内容有误,请返回刷新页面后重新填写",
            )
            .into_response()
        })?;
        Ok(Posted { viewer, form })
    }
}

/// A form sent with a file by `viewer`, read whole, its CSRF token checked.
pub struct Upload {
    pub viewer: Viewer,
    pub fields: Fields,
    /// The file's name and bytes, if one came.
    pub file: Option<(String, Vec<u8>)>,
}

/// Why an upload could not be taken, for the page that asked for it to say.
pub enum UploadRefused {
    /// Not signed in, or a stale form: answered as any page would.
    Page(axum::response::Response),
    /// The body was cut off or over its limit, before its token could be read.
    Unread { viewer: Viewer, too_large: bool },
}

impl FromRequest<AppState> for Upload {
    type Rejection = UploadRefused;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, UploadRefused> {
        use axum::response::IntoResponse;
        let (mut parts, body) = req.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state)
            .await
            .map_err(UploadRefused::Page)?;
        let unread = |why: String, viewer: Viewer| {
            tracing::info!(error = why, "an upload could not be read");
            let too_large = why.contains("length limit") || why.contains("too large");
            UploadRefused::Unread { viewer, too_large }
        };
        let multipart = match Multipart::from_request(Request::from_parts(parts, body), state).await
        {
            Ok(m) => m,
            Err(e) => return Err(unread(e.body_text(), viewer)),
        };
        let (fields, file) = match super::read_upload(multipart).await {
            Ok(read) => read,
            Err(why) => return Err(unread(why, viewer)),
        };
        if !csrf_matches(&viewer.secret, super::pages::field(&fields, "csrf")) {
            return Err(UploadRefused::Page(PageError::stale_form().into_response()));
        }
        Ok(Upload {
            viewer,
            fields,
            file,
        })
    }
}

/// An upload that could not be read, as its page says it: over its limit in the page's own
/// words, or cut off.
pub fn unread(too_large: bool, over_limit: &str) -> (axum::http::StatusCode, String) {
    if too_large {
        (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            over_limit.to_string(),
        )
    } else {
        (
            axum::http::StatusCode::BAD_REQUEST,
            "上传未完成,请重新选择文件".to_string(),
        )
    }
}

impl axum::response::IntoResponse for UploadRefused {
    fn into_response(self) -> axum::response::Response {
        match self {
            UploadRefused::Page(page) => page,
            UploadRefused::Unread { too_large, .. } => {
                let (status, message) = unread(too_large, "文件超过上传上限,请拆分或压缩后再上传");
                PageError::new(status, message).into_response()
            }
        }
    }
}

/// A matter's number in the address (`/matters/{id}`); anything else is a page not found.
pub struct MatterPath(pub luoshi_domain::MatterId);

impl<S: Send + Sync> FromRequestParts<S> for MatterPath {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, PageError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| PageError::not_found("地址中的事项编号有误"))?;
        raw.parse()
            .map(|id| MatterPath(luoshi_domain::MatterId(id)))
            .map_err(|_| PageError::not_found("地址中的事项编号有误"))
    }
}
