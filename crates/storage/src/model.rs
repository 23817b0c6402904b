use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    Cause, Light, MatterId, MatterState, Role, Source, TokenScope, UnitId, UnitKind, User, UserId,
    Visibility,
};

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
}

/// One unit merged into another in a reorganisation (机构改革): its matters, assignments,
/// people, child units and scores follow the survivor, and the merged unit is retired.
#[derive(Debug, Clone)]
pub struct UnitMerge {
    pub from: UnitId,
    pub into: UnitId,
    /// The survivor's short names after the merge, the merged unit's names among them.
    pub into_short_names: Vec<String>,
    /// When, and the event written to the timeline of every matter that followed.
    pub event: luoshi_domain::NewEvent,
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
    pub phone: Option<String>,
    /// The password is a one-time one, to be changed at the first sign-in.
    pub must_change_password: bool,
}

/// A person's account as the office administers it: who they are, how to reach them, and
/// whether they may sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user: User,
    pub phone: Option<String>,
    /// A disabled account signs nobody in and its tokens are gone; its history stays.
    pub disabled: bool,
    /// Signed in with a one-time password: nothing but choosing one's own is allowed.
    pub must_change_password: bool,
    /// The liaison the office calls first (主联络员); at most one per unit.
    pub primary_liaison: bool,
}

/// A live token and whose it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub token: Token,
    pub must_change_password: bool,
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
    /// Set when the reader sees exactly the matters of the orgs within this scope
    /// (`Actor::scope`), which `visibility` then only repeats: the query reads the scope's
    /// orgs from the counts kept per scope instead of binding them one by one, and a count
    /// that filters on nothing but states, sources and lights is read from those counts.
    pub scope: Option<UnitId>,
    pub states: Vec<MatterState>,
    pub source: Option<Source>,
    /// Matters this unit carries, as lead or co-unit.
    pub unit_id: Option<UnitId>,
    /// Words in the title, content or number.
    pub text: Option<String>,
    /// Only matters marked public (公开承诺).
    pub public_only: bool,
    /// Only matters reported by a rule's rounds (每月25日前…).
    pub by_rule: bool,
    /// Only matters with quantified indicators.
    pub with_indicators: bool,
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
    /// Only matters whose stored light is one of these; empty for any. Stored lights are
    /// only as fresh as their window: the caller brings stale ones up to date first.
    pub lights: Vec<Light>,
    pub order: Order,
    /// `(limit, offset)`: one page of the ordered result; `None` for all of it.
    pub page: Option<(usize, usize)>,
}

/// A matter's lights as worked out at `at` for the matter at `version`: its own and each
/// unit's (units in no particular order), holding until `until` — `None` until the matter
/// itself changes.
#[derive(Debug, Clone, PartialEq)]
pub struct LightStamp {
    pub matter_id: MatterId,
    pub version: i64,
    pub light: Light,
    /// Each unit's cause of a light that is not green (its light is the cause's), or none.
    pub units: Vec<(UnitId, Option<Cause>)>,
    pub at: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

impl LightStamp {
    /// Each unit's light, what a reminder would be about and its cause as stored.
    pub(crate) fn unit_rows(
        &self,
    ) -> impl Iterator<Item = (i64, &'static str, Option<String>, Option<String>)> + '_ {
        self.units.iter().map(|(unit, cause)| {
            (
                unit.0,
                Cause::light_of(*cause).as_str(),
                cause.map(luoshi_domain::ladder::concern),
                cause.map(|c| c.code()),
            )
        })
    }

    /// The window as stored: microseconds since 1970, `i64::MAX` for "until the matter changes".
    pub(crate) fn window(&self) -> (i64, i64) {
        (
            self.at.timestamp_micros(),
            self.until.map_or(i64::MAX, |u| u.timestamp_micros()),
        )
    }
}

/// Matching matters counted in SQL, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// How many matters have each combination of state, source and stored light.
    pub matters: Vec<(MatterState, Source, Light, usize)>,
    /// Per unit, over the assignments of counted matters (not drafts, not cancelled), limited
    /// to the query's `within` units when it names some.
    pub units: Vec<UnitTally>,
}

impl Tally {
    /// From the rows both backends count: (state, source, light, n) and
    /// [unit, open, red, closed, counted].
    pub(crate) fn read(
        matters: Vec<(String, String, String, i64)>,
        units: Vec<[i64; 5]>,
    ) -> crate::Result<Tally> {
        let corrupt = |what: &str, v: &str| crate::StoreError::Corrupt(format!("{what} {v:?}"));
        let matters = matters
            .into_iter()
            .map(|(state, source, light, n)| {
                Ok((
                    MatterState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
                    Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
                    Light::parse(&light).ok_or_else(|| corrupt("light", &light))?,
                    n as usize,
                ))
            })
            .collect::<crate::Result<_>>()?;
        let units = units
            .into_iter()
            .map(|[unit, open, red, closed, counted]| UnitTally {
                unit_id: UnitId(unit),
                open: open as usize,
                red: red as usize,
                closed: closed as usize,
                counted: counted as usize,
            })
            .collect();
        Ok(Tally { matters, units })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTally {
    pub unit_id: UnitId,
    /// Still to do: the matter is open and the unit's part not closed…
    pub open: usize,
    /// … of which the unit's light is red.
    pub red: usize,
    /// The unit's part is closed.
    pub closed: usize,
    pub counted: usize,
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

/// The dashboard's counts for everything the supervisors of one scope see, as
/// [`crate::Store::scope_counts`] reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeCounts {
    pub tally: Tally,
    /// For each day asked about, how many matters stood open past their deadline at its end.
    pub overdue: Vec<usize>,
    /// The year's assignments per unit and month of the deadline, for the units asked for.
    pub months: Vec<UnitMonth>,
}

impl ScopeCounts {
    /// From the kept rows both backends read: per day, (day, matters due, matters closed late),
    /// and per unit and month of `year`, (unit, month, due, late).
    pub(crate) fn read(
        tally: Tally,
        days: &[NaiveDate],
        by_day: &[(NaiveDate, i64, i64)],
        months: Vec<(i64, i64, i64, i64)>,
        year: i32,
    ) -> crate::Result<ScopeCounts> {
        let overdue = days
            .iter()
            .map(|day| {
                let (due, closed) = by_day.iter().fold((0, 0), |(due, closed), (d, n, c)| {
                    (
                        due + if d < day { *n } else { 0 },
                        closed + if d <= day { *c } else { 0 },
                    )
                });
                (due - closed).max(0) as usize
            })
            .collect();
        let months = months
            .into_iter()
            .map(|(unit, month, due, late)| {
                let first = u32::try_from(month)
                    .ok()
                    .and_then(|m| NaiveDate::from_ymd_opt(year, m, 1))
                    .ok_or_else(|| crate::StoreError::Corrupt(format!("month {month}")))?;
                Ok(UnitMonth {
                    unit_id: UnitId(unit),
                    month: first,
                    due: due as usize,
                    late: late as usize,
                })
            })
            .collect::<crate::Result<_>>()?;
        Ok(ScopeCounts {
            tally,
            overdue,
            months,
        })
    }
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
