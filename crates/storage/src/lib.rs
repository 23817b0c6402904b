//! Storage for Luoshi behind one trait, [`Store`]. Each backend is a module with its own
//! migrations folder (`migrations/<backend>/`); the backend is chosen by the database URL.
//! Every method is one transaction: a matter's new state and the events that explain it are
//! written together or not at all.

pub mod accountability;
pub mod bulletin;
mod chain;
mod doc;
mod error;
pub mod letter;
mod model;
mod notify;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use async_trait::async_trait;
use bulletin::BulletinRow;
use chrono::{DateTime, NaiveDate, Utc};
use letter::Letter;
use luoshi_domain::accountability::Accountability;
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{
    DayKind, Event, EventId, Matter, MatterId, MatterState, NewEvent, Transition, Unit, UnitId,
    User, UserId,
};

pub use error::StoreError;
pub use model::{
    Account, AdminAction, AuditHash, LightStamp, MatterQuery, NewUnit, NewUser, Order, ScopeCounts,
    SignedIn, Tally, Token, TokenKind, UnitMerge, UnitMonth, UnitTally,
};
pub use notify::{
    Addressee, Channel, Concern, DeliveryState, Dispatch, InboxItem, LadderRow, Notice, Outgoing,
    Prefs, Unconfirmed,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Opens the store a database URL names: `sqlite://FILE` (or `sqlite:FILE`), or
/// `postgres://…` / `postgresql://…`.
pub async fn connect(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            sqlite::SqliteStore::connect(url).await?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(
            postgres::PostgresStore::connect(url).await?,
        ))
    } else {
        Err(StoreError::Backend(
            format!(
                "unsupported database URL {url:?}: expected sqlite://FILE or postgres://HOST/DB"
            )
            .into(),
        ))
    }
}

/// The matter states for which `pred` holds, as an SQL list: `('closed', 'cancelled')`.
fn states_where(pred: impl Fn(MatterState) -> bool) -> String {
    let names: Vec<String> = MatterState::ALL
        .iter()
        .copied()
        .filter(|s| pred(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", names.join(", "))
}

/// States in which a matter's lights can change without the matter changing.
fn lit_states() -> String {
    states_where(|s| s == MatterState::Draft || s.is_open())
}

/// Assignments of counted matters per unit, for [`Store::tally`], in SQL both dialects read.
/// The caller adds its filters and `GROUP BY a.unit_id`.
fn unit_tally_sql() -> String {
    let open = states_where(MatterState::is_open);
    format!(
        "SELECT a.unit_id,
             COUNT(*) FILTER (WHERE m.state IN {open} AND a.state <> 'closed'),
             COUNT(*) FILTER (WHERE m.state IN {open} AND a.state <> 'closed' AND a.light = 'red'),
             COUNT(*) FILTER (WHERE a.state = 'closed'),
             COUNT(*)
         FROM matters m JOIN assignments a ON a.matter_id = m.id
         WHERE m.state IN {}",
        states_where(MatterState::is_counted)
    )
}

/// Open past its deadline when the day `day` ended at the instant `end` (SQL expressions): the
/// one rule behind the overdue filter and the weekly trend. Cancelled matters count nowhere; a
/// matter counts against the deadline it has now, extensions included.
fn overdue_at(day: &str, end: &str) -> String {
    format!(
        " AND m.state NOT IN ('draft', 'cancelled') AND {}",
        overdue_when(day, end)
    )
}

/// The dated half of [`overdue_at`]: past the deadline and not closed by the day's end.
fn overdue_when(day: &str, end: &str) -> String {
    format!("m.deadline < {day} AND (m.closed_at IS NULL OR m.closed_at >= {end})")
}

/// The rows of [`Store::concerns`]: yellow and red units with their matters and ladder rows,
/// from the index of lights that are not green.
fn concerns_sql() -> String {
    // A unit at work on a matter is in one of the same three states as a matter at work.
    let working = states_where(MatterState::is_working);
    // The ladder's key: the matter, the unit and what the reminders are about.
    let key = "CAST(a.matter_id AS TEXT) || ':' || CAST(a.unit_id AS TEXT) || ':' || a.concern";
    format!(
        "SELECT a.matter_id, m.year, m.seq, m.title, m.org_id, m.leader_id, m.urgency,
             a.unit_id, {key} AS key, a.cause,
             l.yellow_at, l.red_count, l.last_red_at, l.escalated_at
         FROM assignments a JOIN matters m ON m.id = a.matter_id
         LEFT JOIN ladder l ON l.key = {key}
         WHERE a.light <> 'green' AND a.cause IS NOT NULL
           AND a.state IN {working} AND m.state IN {working}
         ORDER BY a.matter_id, a.position"
    )
}

/// Whether an administrator's account is enabled, both dialects.
const HAS_ADMIN: &str = "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled)";

/// Sets user `$1`'s password hash to `$2`; `$3`: a one-time password, both dialects.
const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1";

/// The retired units, and retiring unit `$1` at `$2` (or bringing it back with NULL), both
/// dialects.
const RETIRED_UNITS: &str = "SELECT id FROM units WHERE retired_at IS NOT NULL ORDER BY id";
const SET_RETIRED: &str = "UPDATE units SET retired_at = $2 WHERE id = $1";

/// Unit `$1`'s name `$2` and short names `$3` (JSON), both dialects.
const RENAME_UNIT: &str = "UPDATE units SET name = $2, short_names = $3 WHERE id = $1";

/// What a merge of unit `$1` into unit `$2` changes besides the timelines, the retired mark
/// and the survivor's names, in order, both dialects. Where both units work on one matter, the
/// survivor's assignment stands (taking the lead if the merged unit had it) and the merged
/// unit's is closed as cancelled; every matter touched gets a new version.
const MERGE_UNIT: &[&str] = &[
    "UPDATE matters SET version = version + 1,
         lead_unit_id = CASE WHEN lead_unit_id = $1 THEN $2 ELSE lead_unit_id END
     WHERE lead_unit_id = $1 OR id IN (SELECT matter_id FROM assignments WHERE unit_id = $1)",
    "UPDATE assignments SET role = 'lead' WHERE unit_id = $2
         AND matter_id IN (SELECT matter_id FROM assignments WHERE unit_id = $1 AND role = 'lead')",
    "UPDATE assignments SET role = 'co',
         state = CASE WHEN state IN ('closed', 'cancelled') THEN state ELSE 'cancelled' END
     WHERE unit_id = $1 AND matter_id IN (SELECT matter_id FROM assignments WHERE unit_id = $2)",
    "UPDATE assignments SET unit_id = $2 WHERE unit_id = $1
         AND matter_id NOT IN (SELECT matter_id FROM assignments WHERE unit_id = $2)",
    "UPDATE users SET unit_id = $2 WHERE unit_id = $1",
    "UPDATE units SET parent_id = $2 WHERE parent_id = $1",
    "UPDATE adjustments SET unit_id = $2 WHERE unit_id = $1",
    "UPDATE accountability SET unit_id = $2 WHERE unit_id = $1",
];

/// The matters a merge of unit `$1` touches, and whether `$1` numbers matters of its own,
/// both dialects.
const MERGED_MATTERS: &str = "SELECT id FROM matters WHERE lead_unit_id = $1
     UNION SELECT matter_id FROM assignments WHERE unit_id = $1 ORDER BY 1";
const NUMBERS_MATTERS: &str = "SELECT EXISTS (SELECT 1 FROM matters WHERE org_id = $1)";

/// The leaders with a 分管 unit, to hand a merged unit's place in them to the survivor.
const IN_CHARGE: &str = "SELECT id, in_charge_of FROM users WHERE in_charge_of <> '[]'";
const SET_IN_CHARGE: &str = "UPDATE users SET in_charge_of = $2 WHERE id = $1";

/// The survivor of a merge in place of the merged unit in a leader's 分管 units, each once;
/// `None` when the leader had no part in the merged unit.
fn in_charge_after_merge(units: &[UnitId], from: UnitId, into: UnitId) -> Option<Vec<UnitId>> {
    if !units.contains(&from) {
        return None;
    }
    let mut after = Vec::with_capacity(units.len());
    for unit in units {
        let unit = if *unit == from { into } else { *unit };
        if !after.contains(&unit) {
            after.push(unit);
        }
    }
    Some(after)
}

/// The message of a merge refused because the merged unit numbers matters of its own.
const MERGE_OF_ORG: &str = "the merged unit numbers matters of its own";

/// Writes one assignment of matter `$1` as it now stands: unit `$2` at position `$3`, its role,
/// state, signing, last report and percent; both dialects.
const UPSERT_ASSIGNMENT: &str = "INSERT INTO assignments (matter_id, unit_id, position, role,
         state, signed_at, last_feedback_at, percent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (matter_id, unit_id) DO UPDATE SET position = excluded.position,
         role = excluded.role, state = excluded.state, signed_at = excluded.signed_at,
         last_feedback_at = excluded.last_feedback_at, percent = excluded.percent";

/// Delivery `$1`, failed for good, queued again for `$2`; both dialects.
const RETRY_DELIVERY: &str = "UPDATE outbox SET state = 'pending', next_at = $2,
     claimed_until = NULL WHERE id = $1 AND state = 'failed'";

/// The matters unit `$1` leads whose completion was returned and not asked for again, with the
/// latest return's reason; both dialects. A return always follows a completion request, so the
/// newest return being newer than the newest request means nobody has asked again since.
const RETURNED_TO: &str = "WITH last AS (
         SELECT m.id,
             max(CASE WHEN e.kind = 'returned' THEN e.id END) AS returned,
             coalesce(max(CASE WHEN e.kind = 'completion_requested' THEN e.id END), 0) AS asked
         FROM matters m JOIN events e ON e.matter_id = m.id
         WHERE m.lead_unit_id = $1 AND m.state = 'in_progress'
         GROUP BY m.id)
     SELECT last.id, r.comment FROM last JOIN events r ON r.id = last.returned
     WHERE last.returned > last.asked
     ORDER BY last.id";

/// Writes an account's administered fields (`$1` its id), both dialects.
const SAVE_ACCOUNT: &str = "UPDATE users SET display_name = $2, role = $3, unit_id = $4,
     email = $5, phone = $6, in_charge_of = $7, disabled = $8, primary_liaison = $9
     WHERE id = $1";

/// Unit `$2`'s other liaisons, once person `$1` is its 主联络员; both dialects.
const ONE_PRIMARY: &str = "UPDATE users SET primary_liaison = false
     WHERE unit_id = $2 AND id <> $1 AND primary_liaison";

/// The names of the programs' tokens of user `$1`, oldest first: what ending all of a person's
/// tokens ends besides sessions (both dialects; SQLite reads `$n` as `?n`).
const PROGRAM_TOKEN_NAMES: &str =
    "SELECT name FROM api_tokens WHERE user_id = $1 AND kind = 'api' ORDER BY id";

/// The inbox's SQL, which both dialects take (SQLite reads `$n` as `?n`).
mod inbox_sql {
    /// Whether message `i` is for reader `$1`: their own, or their unit's when they are its
    /// liaison.
    const FOR_READER: &str = "(i.user_id = $1 OR i.unit_id =
        (SELECT u.unit_id FROM users u WHERE u.id = $1 AND u.role = 'liaison'))";

    pub fn latest() -> String {
        format!(
            "SELECT i.id, i.user_id, i.unit_id, i.matter_id, i.title, i.body, i.created_at,
                 i.confirm, r.read_at, i.confirmed_at
             FROM inbox i LEFT JOIN inbox_reads r ON r.item_id = i.id AND r.user_id = $1
             WHERE {FOR_READER} ORDER BY i.created_at DESC, i.id LIMIT 200"
        )
    }

    pub fn unread() -> String {
        format!(
            "SELECT COUNT(*) FROM inbox i WHERE {FOR_READER}
             AND NOT EXISTS (SELECT 1 FROM inbox_reads r WHERE r.item_id = i.id AND r.user_id = $1)"
        )
    }

    /// Message `$2`, if it is reader `$1`'s.
    pub fn theirs() -> String {
        format!("SELECT COUNT(*) FROM inbox i WHERE i.id = $2 AND {FOR_READER}")
    }

    /// Reader `$1` read message `$2` at `$3`.
    pub const READ: &str = "INSERT INTO inbox_reads (item_id, user_id, read_at) VALUES ($2, $1, $3)
         ON CONFLICT (item_id, user_id) DO NOTHING";
    /// Reader `$1` confirmed message `$2` at `$3`, for everyone it is for.
    pub const CONFIRM: &str = "UPDATE inbox SET confirmed_at = $3, confirmed_by = $1
         WHERE id = $2 AND confirmed_at IS NULL";

    /// Up to `$2` messages waiting for a confirmation since before `$1`, the longest waiting
    /// first, each with every person it is for.
    pub const UNCONFIRMED: &str = "SELECT i.id, u.id, i.matter_id, i.title, i.body
         FROM (SELECT id, user_id, unit_id, matter_id, title, body,
                   coalesce(resent_at, created_at) AS since
               FROM inbox WHERE confirm AND confirmed_at IS NULL
                   AND coalesce(resent_at, created_at) <= $1
               ORDER BY coalesce(resent_at, created_at) LIMIT $2) i
         JOIN users u ON u.id = i.user_id OR (u.unit_id = i.unit_id AND u.role = 'liaison')
         ORDER BY i.since, i.id, u.id";

    /// Messages sent again per sweep: each reaches all its people, however many they are.
    pub const UNCONFIRMED_BATCH: i64 = 1_000;
}

/// The reads of [`Store::scope_counts`], in SQL both dialects take (SQLite reads `$n` as `?n`).
mod scope_sql {
    pub const MATTERS: &str =
        "SELECT state, source, light, n FROM tally_matters WHERE scope_id = $1 AND n <> 0";
    pub const UNITS: &str = "SELECT unit_id, open, red, closed, counted FROM tally_units
         WHERE scope_id = $1 AND counted <> 0";
    pub const DAYS: &str = "SELECT day, due, closed_late FROM tally_days
         WHERE scope_id = $1 AND day <= $2";
    /// The year's months of the `$6` units with the most late work (then the most due), late
    /// counting open work once its deadline has passed: all of it in the months before `$5`,
    /// and in month `$5` what was due from `$2` (its first day) to before `$3`.
    pub const HEAT: &str = "WITH past AS MATERIALIZED (
             SELECT unit_id, CAST(SUM(n) AS BIGINT) AS n FROM tally_open_days
             WHERE scope_id = $1 AND day >= $2 AND day < $3
             GROUP BY unit_id),
         top AS (
             SELECT y.unit_id FROM tally_years y LEFT JOIN past p ON p.unit_id = y.unit_id
             WHERE y.scope_id = $1 AND y.year = $4 AND y.due <> 0
             ORDER BY y.late + COALESCE(p.n, 0)
                      + CASE WHEN $5 > 1 THEN y.open_1 ELSE 0 END
                      + CASE WHEN $5 > 2 THEN y.open_2 ELSE 0 END
                      + CASE WHEN $5 > 3 THEN y.open_3 ELSE 0 END
                      + CASE WHEN $5 > 4 THEN y.open_4 ELSE 0 END
                      + CASE WHEN $5 > 5 THEN y.open_5 ELSE 0 END
                      + CASE WHEN $5 > 6 THEN y.open_6 ELSE 0 END
                      + CASE WHEN $5 > 7 THEN y.open_7 ELSE 0 END
                      + CASE WHEN $5 > 8 THEN y.open_8 ELSE 0 END
                      + CASE WHEN $5 > 9 THEN y.open_9 ELSE 0 END
                      + CASE WHEN $5 > 10 THEN y.open_10 ELSE 0 END
                      + CASE WHEN $5 > 11 THEN y.open_11 ELSE 0 END DESC,
                      y.due DESC, y.unit_id
             LIMIT $6)
         SELECT t.unit_id, t.month, t.due,
                t.late + CASE WHEN t.month < $5 THEN t.open ELSE 0 END + COALESCE(p.n, 0)
         FROM top JOIN tally_months t
              ON t.scope_id = $1 AND t.year = $4 AND t.unit_id = top.unit_id
         LEFT JOIN past p ON p.unit_id = t.unit_id AND t.month = $5
         WHERE t.due <> 0";

    /// The last day [`DAYS`] reads to (today when no day is asked about), and the first day of
    /// the month under way, [`HEAT`]'s `$2`.
    pub fn bounds(days: &[chrono::NaiveDate], today: chrono::NaiveDate) -> [chrono::NaiveDate; 2] {
        use chrono::Datelike;
        let last = days.iter().max().copied().unwrap_or(today);
        [last, today.with_day(1).expect("every month has a first")]
    }
}

/// Held while a sweep runs: no other sweep on the same database starts until it is dropped.
pub struct SweepLease {
    _held: Box<dyn Send + Sync>,
}

impl SweepLease {
    pub(crate) fn new(held: impl Send + Sync + 'static) -> SweepLease {
        SweepLease {
            _held: Box::new(held),
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Brings the schema up to date.
    async fn migrate(&self) -> Result<()>;
    /// Writes a consistent copy of everything to `to` (a file that must not exist yet) while
    /// the store keeps serving.
    async fn backup(&self, to: &std::path::Path) -> Result<()>;
    /// The right to sweep now, or `None` while another sweep on this database holds it (in
    /// this process or, where the backend can tell, in another).
    async fn sweep_lease(&self) -> Result<Option<SweepLease>>;
    /// Failed sign-ins since `since`, for each key (an account or an address).
    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> Result<Vec<usize>>;
    /// Records a failed sign-in for the keys, or clears them after a success; drops rows older
    /// than `prune_before`.
    async fn record_login(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        failed: bool,
        prune_before: DateTime<Utc>,
    ) -> Result<()>;
    /// Checks the audit chain from its first link: how many links hold, or the first row
    /// whose link does not (named: "event 57", "admin action 3"), and why.
    async fn audit_verify(&self) -> Result<std::result::Result<usize, (String, String)>>;
    /// The last link of the audit chain: (its place, hash).
    async fn audit_head(&self) -> Result<Option<(i64, String)>>;
    /// Whether a link recorded earlier is still in the chain as it was.
    async fn audit_holds(&self, seq: i64, hash: &str) -> Result<bool>;
    /// Writes an admin action and links it into the audit chain.
    async fn record_admin(&self, action: &AdminAction) -> Result<()>;
    /// The hash new links of the audit chain use from now on.
    async fn choose_audit_hash(&self, hash: AuditHash) -> Result<()>;

    /// Brings the query planner's statistics and the tables' visibility up to date after a
    /// bulk load, where the backend needs it (PostgreSQL; SQLite does without).
    async fn analyze(&self) -> Result<()>;

    /// True until the first unit is written: a new database.
    async fn is_empty(&self) -> Result<bool>;
    /// Whether any administrator can sign in: until one is made, nobody can set anything up.
    async fn has_admin(&self) -> Result<bool>;

    async fn units(&self) -> Result<Vec<Unit>>;
    async fn insert_unit(&self, unit: &NewUnit) -> Result<UnitId>;
    /// The units retired (撤销), which keep their history but take no new work.
    async fn retired_units(&self) -> Result<Vec<UnitId>>;
    /// Retires a unit at `at`, or with `None` brings it back.
    async fn set_unit_retired(&self, unit: UnitId, at: Option<DateTime<Utc>>) -> Result<()>;
    /// A unit's name and short names, as an administrator corrects or renames it.
    async fn rename_unit(&self, unit: UnitId, name: &str, short_names: &[String]) -> Result<()>;
    /// Puts a unit, with everything below it, under another parent (`None`: at the top).
    async fn move_unit(&self, unit: UnitId, parent: Option<UnitId>) -> Result<()>;
    /// Merges one unit into another, all in one transaction; returns the matters that followed.
    /// [`StoreError::Conflict`] when the merged unit numbers matters of its own (an office
    /// with its own supervisors cannot be merged), and nothing is written.
    async fn merge_units(&self, merge: &UnitMerge) -> Result<Vec<MatterId>>;

    async fn insert_user(&self, user: &NewUser) -> Result<UserId>;
    async fn users(&self) -> Result<Vec<User>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    /// The account and its password hash, for signing in; none for a disabled account.
    async fn user_for_login(&self, username: &str) -> Result<Option<(Account, String)>>;
    /// Every account, disabled ones included, by id.
    async fn accounts(&self) -> Result<Vec<Account>>;
    /// One account, disabled or not.
    async fn account(&self, id: UserId) -> Result<Option<Account>>;
    /// Writes what an administrator may change of an account: name, role, unit, contacts,
    /// the units in charge and whether it is disabled (not its username or password).
    async fn save_account(&self, account: &Account) -> Result<()>;

    /// Keeps a new token; returns its id.
    async fn insert_token(&self, token: &Token) -> Result<i64>;
    /// Ends a sign-in: the token stops working at once.
    async fn delete_token(&self, token_hash: &str) -> Result<()>;
    /// Ends every token of the user, sessions on every device and programs' tokens alike:
    /// the names of the programs' tokens that ended.
    async fn delete_tokens_of(&self, user: UserId) -> Result<Vec<String>>;
    /// Revokes one of the user's tokens; false if it is not theirs.
    async fn revoke_token(&self, user: UserId, id: i64) -> Result<bool>;
    /// The user's tokens of one kind, newest first.
    async fn tokens_of(&self, user: UserId, kind: TokenKind) -> Result<Vec<Token>>;
    /// A live token (not expired at `now`) and the user it belongs to, unless the account is
    /// disabled.
    async fn user_by_token(&self, token_hash: &str, now: DateTime<Utc>)
    -> Result<Option<SignedIn>>;
    /// Records that a token was used at `at`.
    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()>;
    /// Replaces the user's password hash; a one-time password must be changed at the next
    /// sign-in.
    async fn set_password(&self, user: UserId, password_hash: &str, one_time: bool) -> Result<()>;

    /// Creates matters with their assignments and first events, all in one transaction. Each
    /// one's id and number are allocated here (the next number of its org and year, gap-free);
    /// the ones passed in are ignored.
    async fn create_matters(&self, matters: &[(Matter, Vec<NewEvent>)]) -> Result<Vec<Matter>>;
    /// Creates imported matters like [`Store::create_matters`], each with the key of the row it
    /// came from, skipping rows whose key its org already has: importing a file twice creates
    /// nothing twice. Returns the matters created.
    async fn import_matters(
        &self,
        batch: &[(Matter, Vec<NewEvent>, String)],
    ) -> Result<Vec<Matter>>;
    /// The latest progress report of each of these matters that has one: (matter, its text,
    /// when).
    async fn latest_reports(
        &self,
        matters: &[MatterId],
    ) -> Result<Vec<(MatterId, String, DateTime<Utc>)>>;
    /// The calendar days added from notices.
    async fn calendar_days(&self) -> Result<Vec<(NaiveDate, DayKind, String)>>;
    /// Saves the days of one or more years, replacing what was saved for those years.
    async fn save_calendar_days(&self, days: &[(NaiveDate, DayKind, String)]) -> Result<()>;
    /// Writes a manual score adjustment with the event it rests on, in one transaction.
    async fn adjust(
        &self,
        matter: MatterId,
        event: &NewEvent,
        adjustment: &Adjustment,
    ) -> Result<EventId>;
    /// The manual adjustments on these matters.
    async fn adjustments(&self, matters: &[MatterId]) -> Result<Vec<Adjustment>>;
    /// Keeps a responsibility letter and its file (stored once by its hash).
    async fn save_letter(&self, letter: &Letter, bytes: &[u8]) -> Result<i64>;
    async fn letters(&self, org: UnitId, year: i32) -> Result<Vec<Letter>>;
    async fn letter_file(&self, id: i64) -> Result<Option<(Letter, Vec<u8>)>>;
    /// The org's bulletins, newest first.
    async fn bulletins(&self, org: UnitId) -> Result<Vec<BulletinRow>>;
    async fn bulletin(&self, id: i64) -> Result<Option<BulletinRow>>;
    /// Writes a bulletin — new when `from` is `None`, else only while it is still in state
    /// `from` — with the events publishing puts on its cases, in one transaction.
    async fn save_bulletin(
        &self,
        bulletin: &BulletinRow,
        from: Option<&str>,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64>;
    /// The org's accountability records, proposals first.
    async fn accountability(&self, org: UnitId) -> Result<Vec<Accountability>>;
    /// Writes a decided or dismissed record (new when its id is 0; a proposal only while it is
    /// still proposed) with the events it puts on its matters, in one transaction.
    async fn save_accountability(
        &self,
        record: &Accountability,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64>;
    /// Every unit whose stored light on a matter at work is yellow or red, by matter. Stored
    /// lights are only as fresh as their window: the caller brings stale ones up to date first.
    async fn concerns(&self) -> Result<Vec<Concern>>;
    /// Writes ladder steps with their messages in one transaction; messages already queued are
    /// left alone. Returns how many messages are new.
    async fn dispatch(&self, dispatch: &Dispatch) -> Result<usize>;
    /// Claims up to `limit` messages due by `now` until `lease_until`.
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>>;
    async fn outbox_sent(&self, id: &str, at: DateTime<Utc>) -> Result<()>;
    /// A failed attempt: tried again at `retry_at`, or given up when `None`.
    async fn outbox_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()>;
    /// The latest messages, or only those that failed at least once.
    async fn outbox(&self, failed_only: bool) -> Result<Vec<Outgoing>>;
    /// Puts a delivery that failed for good back in the queue, due at `at`; false when there
    /// is no such failed delivery.
    async fn retry_delivery(&self, id: &str, at: DateTime<Utc>) -> Result<bool>;
    /// The user's latest messages: their own and, for a liaison, their unit's.
    async fn inbox(&self, user: UserId) -> Result<Vec<InboxItem>>;
    /// Messages asking for a receipt that nobody confirmed, sent (or sent again) before
    /// `before`, once for each person they are for; the oldest first, a batch at a time.
    async fn unconfirmed(&self, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>>;
    /// Everyone's notification preferences that differ from the default.
    async fn prefs(&self) -> Result<Vec<(UserId, Prefs)>>;
    async fn save_prefs(&self, user: UserId, prefs: Prefs) -> Result<()>;
    async fn unread(&self, user: UserId) -> Result<usize>;
    /// Marks one of the user's messages read, and confirmed if asked (for everyone it is for);
    /// false if it is not theirs.
    async fn mark_read(
        &self,
        user: UserId,
        id: &str,
        at: DateTime<Utc>,
        confirm: bool,
    ) -> Result<bool>;
    /// Which of these row keys the org has imported before.
    async fn imported(&self, org: UnitId, keys: &[String]) -> Result<Vec<String>>;
    /// Writes what a transition changed since `before`, if the stored matter is still at
    /// `before`'s version; otherwise [`StoreError::Conflict`] and nothing is written. Returns
    /// the ids of the transition's events.
    async fn save_transition(
        &self,
        before: &Matter,
        transition: &Transition,
        dispatch: &Dispatch,
    ) -> Result<Vec<EventId>>;
    async fn matter(&self, id: MatterId) -> Result<Option<Matter>>;
    /// Matters this unit leads whose completion was returned and not yet asked for again.
    async fn returned_to(&self, unit: UnitId) -> Result<Vec<(MatterId, String)>>;
    /// Every matter below these (their sub-matters, theirs, and so on to any depth), each once,
    /// the roots themselves excluded, in no particular order: one recursive query.
    async fn descendants(&self, roots: &[MatterId]) -> Result<Vec<Matter>>;
    /// The matter and its timeline, read together.
    async fn matter_with_events(&self, id: MatterId) -> Result<Option<(Matter, Vec<Event>)>>;
    /// The timelines of these matters, each in order.
    async fn events_of(&self, matters: &[MatterId]) -> Result<Vec<Event>>;
    /// Matters matching the query (one page of them, if it asks for a page), with their
    /// assignments, soonest deadline first; and how many match in all.
    async fn matters(&self, query: &MatterQuery) -> Result<(Vec<Matter>, usize)>;
    /// What the stored lights were last worked out under (see [`Store::reset_lights`]), and
    /// up to `limit` matters whose stored lights do not hold at `now` (written since they were
    /// worked out, or their window has passed): read together, as every refresh needs both.
    async fn stale_lights(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Option<String>, Vec<Matter>)>;
    /// Stores worked-out lights, each only if its matter is still at the stamp's version;
    /// returns how many were stored.
    async fn save_lights(&self, stamps: &[LightStamp]) -> Result<usize>;
    /// Marks the lights of every draft and open matter stale and records the new basis.
    async fn reset_lights(&self, basis: &str) -> Result<()>;
    /// Matching matters counted by state, source and stored light, and their assignments by
    /// unit.
    async fn tally(&self, query: &MatterQuery) -> Result<Tally>;
    /// For each day, how many matching matters stood open past their deadline at its end.
    async fn overdue_counts(&self, query: &MatterQuery, days: &[NaiveDate]) -> Result<Vec<usize>>;
    /// Assignments of matching matters due from `from` to `to`, counted per unit and month,
    /// with how many were closed late or are open past their deadline on `today`.
    async fn due_by_unit_month(
        &self,
        query: &MatterQuery,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<UnitMonth>>;
    /// What [`Store::tally`], [`Store::overdue_counts`] and [`Store::due_by_unit_month`] (over
    /// the year of `today`, for the `heat_rows` units with the most late work, then the most
    /// due, then the lowest id) answer for the matters the supervisors of `scope` see — those
    /// of the orgs within it, as `OrgTree::orgs_within` names them — read from counts that
    /// every write keeps, so its cost does not grow with the matters.
    async fn scope_counts(
        &self,
        scope: UnitId,
        days: &[NaiveDate],
        today: NaiveDate,
        heat_rows: usize,
    ) -> Result<ScopeCounts>;
}
