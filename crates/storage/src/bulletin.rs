//! Bulletins as stored: the period, the typical cases chosen, and once published the document.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UnitId, UserId};
use serde::{Deserialize, Serialize};

/// A typical case (典型案例) the supervisor picked, with a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub matter_id: MatterId,
    /// 表扬 when true, 批评 when false.
    pub praise: bool,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinRow {
    pub id: i64,
    pub org_id: UnitId,
    pub period: String,
    pub number: String,
    /// draft, review or published.
    pub state: String,
    pub cases: Vec<Case>,
    /// The document as issued (JSON), once published.
    pub document: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}
