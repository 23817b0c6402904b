//! Responsibility letters (责任书) as stored.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UnitId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: i64,
    pub org_id: UnitId,
    pub unit_id: UnitId,
    pub year: i32,
    pub file_name: String,
    pub content_type: String,
    /// The SHA-256 of the file, hex: where its bytes are kept.
    pub sha256: String,
    pub size: usize,
    pub matter_ids: Vec<MatterId>,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}
