//! One error type for the whole API, mapped to HTTP once: `{"error":{"code","message"}}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_service::ServiceError;
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "该地址不支持此请求方法",
        )
    }

    pub fn not_found_route() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "请求的地址不存在")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = match &e {
            ServiceError::Unauthenticated | ServiceError::BadCredentials => {
                StatusCode::UNAUTHORIZED
            }
            ServiceError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, cause = ?cause, "request failed");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误,请稍后重试",
                );
            }
        };
        let message = match &e {
            ServiceError::Invalid {
                field: Some(field),
                message,
            } => format!("{message}({field})"),
            other => other.to_string(),
        };
        ApiError::new(status, e.code(), message)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let detail = r.body_text();
        match r {
            JsonRejection::JsonDataError(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("请求内容有误:{detail}"),
            ),
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::bad_request(format!("请求体不是有效的 JSON:{detail}"))
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求须以 Content-Type: application/json 发送",
            ),
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("请求体不能超过{}KB", crate::MAX_BODY_BYTES / 1024),
            ),
            _ => ApiError::bad_request(format!("无法读取请求体:{detail}")),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(format!("查询参数有误:{}", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("地址中的编号有误:{}", r.body_text()),
        )
    }
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "服务器内部错误,请稍后重试",
    )
    .into_response()
}
