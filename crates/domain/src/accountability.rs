//! Accountability (问责): a unit or person held to account for matters, with the measure taken.
//! The reminder ladder proposes one when a unit stays red after its reminders; a supervisor
//! decides it (or dismisses it), or enters one by hand. Decided records count in assessment.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::matter::labelled_enum;
use crate::{MatterId, UnitId, UserId};

labelled_enum!(
    Measure {
        Talk = "talk", "约谈";
        Criticism = "criticism", "通报批评";
        Admonition = "admonition", "诫勉谈话";
        Review = "review", "责令书面检查";
        Other = "other", "其他";
    }
);

labelled_enum!(
    AccountabilityState {
        Proposed = "proposed", "待决定";
        Decided = "decided", "已问责";
        Dismissed = "dismissed", "不予问责";
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accountability {
    pub id: i64,
    pub org_id: UnitId,
    pub unit_id: UnitId,
    /// The person held to account, if one is named; the unit otherwise.
    pub person: String,
    pub matter_ids: Vec<MatterId>,
    pub reason: String,
    pub measure: Option<Measure>,
    pub state: AccountabilityState,
    /// What proposed it, so the ladder proposes it once: its concern's key; empty when by hand.
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
}
