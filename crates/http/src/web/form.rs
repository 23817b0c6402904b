//! Forms as handlers receive them: posted by a signed-in person, their CSRF token checked
//! before the handler runs, and read into the handler's own type. A handler that takes a
//! [`Posted`] or an [`Upload`] cannot forget the check. Its fields, once read, are plain
//! [`Fields`] that handlers look up with [`field`].

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use luoshi_domain::MatterId;

use super::PageError;
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
        let (fields, file) = match read_upload(multipart).await {
            Ok(read) => read,
            Err(why) => return Err(unread(why, viewer)),
        };
        if !csrf_matches(&viewer.secret, field(&fields, "csrf")) {
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
            .map(|id| MatterPath(MatterId(id)))
            .map_err(|_| PageError::not_found("地址中的事项编号有误"))
    }
}

/// A form's fields by name, as posted or as a query.
pub type Fields = HashMap<String, String>;

/// A form sent with a file: its fields, and the file (its name and bytes) if one came. An
/// upload cut off or over its limit is the reason, as the server read it.
pub async fn read_upload(
    mut form: axum::extract::Multipart,
) -> Result<(Fields, Option<(String, Vec<u8>)>), String> {
    let mut fields = Fields::new();
    let mut file = None;
    while let Some(f) = form.next_field().await.map_err(|e| e.body_text())? {
        let name = f.name().unwrap_or_default().to_string();
        let file_name = f.file_name().map(str::to_string);
        let bytes = f.bytes().await.map_err(|e| e.body_text())?;
        if name == "file" {
            file = Some((file_name.unwrap_or_default(), bytes.to_vec()));
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok((fields, file))
}

pub fn field<'f>(fields: &'f Fields, name: &str) -> &'f str {
    fields.get(name).map(String::as_str).unwrap_or_default()
}

/// The matters a field names by number (督〔2026〕5号, several separated by 、 or commas), or
/// the first number that names none the viewer may see.
pub async fn matters_named(
    s: &AppState,
    viewer: &Viewer,
    text: &str,
) -> Result<Vec<MatterId>, String> {
    let mut found = Vec::new();
    for number in text
        .split(['、', ',', '\u{ff0c}', ' ', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match s.luoshi.matter_by_number(&viewer.user, number).await {
            Ok(Some(m)) => found.push(m.id),
            _ => return Err(format!("找不到督办事项“{number}”(应写作 督〔2026〕5号)")),
        }
    }
    Ok(found)
}
