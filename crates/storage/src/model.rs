use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    MatterId, MatterState, Role, Source, TokenScope, UnitId, UnitKind, UserId, Visibility,
};

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub email: Option<String>,
    pub password_hash: String,
    pub in_charge_of: Vec<UnitId>,
}

/// The order of a list of matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Soonest deadline first, 持续推进 last: what needs doing first.
    #[default]
    Deadline,
    /// Latest deadline first.
    DeadlineLast,
    /// Most recently registered first.
    Newest,
    /// By number: org, year, sequence.
    Number,
}

impl Order {
    pub const ALL: [Order; 4] = [
        Order::Deadline,
        Order::DeadlineLast,
        Order::Newest,
        Order::Number,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Order::Deadline => "deadline",
            Order::DeadlineLast => "-deadline",
            Order::Newest => "newest",
            Order::Number => "number",
        }
    }

    pub fn parse(s: &str) -> Option<Order> {
        Order::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Order::Deadline => "完成时限由近到远",
            Order::DeadlineLast => "完成时限由远到近",
            Order::Newest => "最新登记",
            Order::Number => "督办编号",
        }
    }
}

/// Which matters to list. `visibility` always applies: a query never reaches past the caller.
#[derive(Debug, Clone, Default)]
pub struct MatterQuery {
    pub visibility: Visibility,
    pub states: Vec<MatterState>,
    pub source: Option<Source>,
    /// Matters this unit carries, as lead or co-unit.
    pub unit_id: Option<UnitId>,
    /// Words in the title, content or number.
    pub text: Option<String>,
    /// Only matters marked public (公开承诺).
    pub public_only: bool,
    /// Only the sub-matters of this matter.
    pub parent_id: Option<MatterId>,
    /// Only matters with this responsible leader.
    pub leader_id: Option<UserId>,
    /// Only matters due on or after this day.
    pub due_from: Option<NaiveDate>,
    /// Only matters due on or before this day.
    pub due_to: Option<NaiveDate>,
    /// Only matters carried by one of these units (a subtree, say); empty for no limit.
    pub within: Vec<UnitId>,
    /// Only matters that stood open past their deadline at the end of this day.
    pub overdue_on: Option<NaiveDate>,
    pub order: Order,
    /// `(limit, offset)`: one page of the ordered result; `None` for all of it.
    pub page: Option<(usize, usize)>,
}

/// How one unit's assignments due in one month fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMonth {
    pub unit_id: UnitId,
    /// The first day of the month.
    pub month: NaiveDate,
    pub due: usize,
    /// Closed after the deadline, or still open past it.
    pub late: usize,
}

/// A browser's sign-in, or a token a person made for a program of theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "session",
            TokenKind::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<TokenKind> {
        [TokenKind::Session, TokenKind::Api]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A bearer token as stored: only the SHA-256 of its secret is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Set by the store.
    pub id: i64,
    pub hash: String,
    pub user_id: UserId,
    pub kind: TokenKind,
    /// What the person called it ("统计报表程序"); empty for sessions.
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Which hash new links of the audit chain use; each link records its own, so a chain can
/// change hash and still be checked from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditHash {
    /// SM3 (GB/T 32905), the national standard.
    #[default]
    Sm3,
    Sha256,
}

impl AuditHash {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditHash::Sm3 => "sm3",
            AuditHash::Sha256 => "sha256",
        }
    }

    pub fn parse(s: &str) -> Option<AuditHash> {
        [AuditHash::Sm3, AuditHash::Sha256]
            .into_iter()
            .find(|h| h.as_str() == s)
    }
}

/// Something an administrator (or a person, on their own account) did that is not an event
/// of a matter: kept in the audit chain all the same.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminAction {
    /// Who did it; `None` for the operator at the command line.
    pub actor: Option<UserId>,
    pub at: DateTime<Utc>,
    /// What kind of action, e.g. `calendar.save`, `token.create`.
    pub action: String,
    /// What it concerned, in words.
    pub detail: String,
}
