use luoshi_domain::Denied;
use luoshi_storage::StoreError;

/// Everything a use case can answer besides success. Messages are in Chinese, for the person
/// who asked; internal causes stay in `Internal` and are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    BadCredentials,
    /// Too many failed sign-ins for the account or the address; the minutes to wait.
    #[error("登录失败次数过多,请{0}分钟后再试")]
    Locked(i64),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Not allowed in the current state, or someone else changed it first.
    #[error("{0}")]
    Conflict(String),
    /// The request is understood but its content is wrong.
    #[error("{message}")]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ServiceError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::BadCredentials => "bad_credentials",
            ServiceError::Locked(_) => "locked",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::Invalid { .. } => "invalid",
            ServiceError::Internal(_) => "internal",
        }
    }
}

impl From<Denied> for ServiceError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::Forbidden(m) => ServiceError::Forbidden(m),
            Denied::WrongState { .. } => ServiceError::Conflict(d.to_string()),
            Denied::OpenBelow(m) => ServiceError::Conflict(m),
            Denied::Invalid(m) => ServiceError::Invalid {
                field: None,
                message: m,
            },
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => {
                ServiceError::Conflict("该事项刚被他人修改,请刷新后重试".into())
            }
            other => ServiceError::Internal(Box::new(other)),
        }
    }
}
