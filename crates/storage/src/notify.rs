//! What the storage keeps for notifications: the reminder ladder, the outbox, the inbox.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{Cause, MatterId, MatterNumber, UnitId, Urgency, UserId};

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

/// A unit whose stored light on a matter at work is yellow or red, with what the light is
/// about and how far the reminder ladder has gone for it: all the sweep reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concern {
    pub matter_id: MatterId,
    pub number: MatterNumber,
    pub title: String,
    pub org_id: UnitId,
    pub leader_id: Option<UserId>,
    pub urgency: Urgency,
    pub deadline: Option<NaiveDate>,
    pub unit_id: UnitId,
    pub cause: Cause,
    /// The ladder's row for the concern, or a new one at the foot of the ladder.
    pub ladder: LadderRow,
}

impl LadderRow {
    /// A concern's row before any reminder.
    pub(crate) fn new(key: String, matter_id: MatterId, unit_id: UnitId) -> LadderRow {
        LadderRow {
            key,
            matter_id,
            unit_id,
            yellow_at: None,
            red_count: 0,
            last_red_at: None,
            escalated_at: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Webhook,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Email, Channel::Webhook, Channel::Sms]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A message for the outbox; its id names it for life (retries reuse it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: String,
    pub channel: Channel,
    /// An e-mail address, the index of a configured webhook, or a mobile number.
    pub target: String,
    pub user_id: Option<UserId>,
    pub matter_id: Option<MatterId>,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Not sent before this moment (a daily digest waits for its hour).
    pub due_at: DateTime<Utc>,
    /// Mobile numbers a robot's message mentions (@), so that their phones ring.
    pub mentions: Vec<String>,
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

/// Whose inbox a message is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressee {
    Person(UserId),
    /// Every liaison of the unit, whoever holds the post when they look. The message is kept
    /// once; one of them confirming it answers for the unit.
    Liaisons(UnitId),
}

impl Addressee {
    /// The person's id, as the inbox's `user_id` column keeps it.
    pub(crate) fn person(self) -> Option<i64> {
        match self {
            Addressee::Person(u) => Some(u.0),
            Addressee::Liaisons(_) => None,
        }
    }

    /// The unit's id, as the inbox's `unit_id` column keeps it.
    pub(crate) fn liaisons(self) -> Option<i64> {
        match self {
            Addressee::Liaisons(u) => Some(u.0),
            Addressee::Person(_) => None,
        }
    }
}

/// A message in the in-app inbox, as one reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxItem {
    pub id: String,
    pub to: Addressee,
    pub matter_id: Option<MatterId>,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The sender asked for a read receipt (确认收到).
    pub confirm: bool,
    /// When this reader read it.
    pub read_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A message asking for a receipt that nobody confirmed, with one of the people it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfirmed {
    pub id: String,
    pub user_id: UserId,
    pub matter_id: Option<MatterId>,
    pub title: String,
    pub body: String,
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
