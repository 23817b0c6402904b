//! What the storage keeps for notifications: the reminder ladder, the outbox, the inbox.

use chrono::{DateTime, Utc};
use luoshi_domain::{MatterId, UnitId, UserId};

/// How far the reminder ladder has gone for one concern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    pub key: String,
    pub matter_id: MatterId,
    pub unit_id: UnitId,
    pub yellow_at: Option<DateTime<Utc>>,
    pub red_count: u32,
    pub last_red_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// A message for the outbox; its id names it for life (retries reuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: String,
    pub channel: Channel,
    /// An e-mail address, or the index of a configured webhook.
    pub target: String,
    pub user_id: Option<UserId>,
    pub matter_id: Option<MatterId>,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Not sent before this moment (a daily digest waits for its hour).
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Sent,
    /// Given up after the retry horizon; shown to admins.
    Failed,
}

/// A row of the outbox as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub notice: Notice,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_error: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message in someone's in-app inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    pub id: String,
    pub user_id: UserId,
    pub matter_id: Option<MatterId>,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The sender asked for a read receipt (确认收到).
    pub confirm: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// What one step of the ladder (or a reminder by hand) writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dispatch {
    pub ladder: Vec<LadderRow>,
    pub outbox: Vec<Notice>,
    pub inbox: Vec<InboxItem>,
    /// Inbox messages sent again because nobody confirmed them, and when.
    pub resent: Vec<(String, DateTime<Utc>)>,
    /// Accountability the ladder proposes (问责候选).
    pub proposals: Vec<luoshi_domain::accountability::Accountability>,
}

impl Dispatch {
    pub fn is_empty(&self) -> bool {
        self.ladder.is_empty()
            && self.outbox.is_empty()
            && self.inbox.is_empty()
            && self.resent.is_empty()
            && self.proposals.is_empty()
    }
}

/// How a person wants to hear from Luoshi; the inbox always holds everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prefs {
    pub email: bool,
    /// One e-mail a day with everything in it, instead of one per message.
    pub digest: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            email: true,
            digest: false,
        }
    }
}
