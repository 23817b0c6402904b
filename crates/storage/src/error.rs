#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone changed the record since it was read, or a unique key is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A record the write refers to does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store's worker stopped (the process is shutting down).
    #[error("the database is closed")]
    Closed,
}
