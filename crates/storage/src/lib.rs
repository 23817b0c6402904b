//! Storage for Luoshi behind one trait, [`Store`], written once for SQLite and PostgreSQL.
//!
//! - One module per area holds its operations, each an `async fn` over [`sql::Db`]: `org`,
//!   `people`, `sessions`, `calendar`, `matters` (with `query`), `events`, `lights`, `tally`,
//!   `ladder`, `outbox`, `inbox`, `audit`, `accountability`, `bulletin`, `letter`, `attachment`.
//! - [`store::SqlStore`] implements [`Store`] once over any [`sql::Backend`], naming for each
//!   method the operation and the transaction it needs.
//! - [`sqlite`] and [`postgres`] are the backends: connections, migrations (one folder per
//!   database, `migrations/<backend>/`, whose DDL differs), backups and the sweep's lease.
//!
//! Every method is one transaction: a matter's new state and the events that explain it are
//! written together or not at all. The backend is chosen by the database URL.

pub mod accountability;
pub mod attachment;
mod audit;
pub mod bulletin;
mod calendar;
mod chain;
mod doc;
mod error;
mod events;
mod inbox;
mod ladder;
pub mod letter;
mod lights;
mod matters;
mod model;
mod notify;
mod org;
pub mod origin;
mod outbox;
mod people;
pub mod postgres;
mod query;
mod sessions;
pub mod sql;
pub mod sqlite;
pub mod store;
mod tally;

use async_trait::async_trait;
use attachment::Attachment;
use bulletin::BulletinRow;
use chrono::{DateTime, NaiveDate, Utc};
use letter::Letter;
use luoshi_domain::accountability::Accountability;
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{
    DayKind, Event, EventId, Matter, MatterId, NewEvent, Rating, Transition, Unit, UnitId, User,
    UserId,
};
use origin::Origin;

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
    /// The 满意度 of each of these matters whose latest close gave one.
    async fn close_ratings(&self, matters: &[MatterId]) -> Result<Vec<(MatterId, Rating)>>;
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
    /// Keeps a file on a matter's record (its bytes once, by their hash) with the event that
    /// records its upload, in one transaction; the attachment's id, which is the event's.
    async fn save_attachment(
        &self,
        attachment: &Attachment,
        upload: &NewEvent,
        bytes: &[u8],
    ) -> Result<EventId>;
    /// The files on these matters, in the order they were added.
    async fn attachments(&self, matters: &[MatterId]) -> Result<Vec<Attachment>>;
    async fn attachment_file(&self, id: EventId) -> Result<Option<(Attachment, Vec<u8>)>>;
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
    /// Writes an origin unless its org has one of the same kind, title and 文号; the id of the
    /// one that stands.
    async fn save_origin(&self, origin: &Origin) -> Result<i64>;
    /// The org's origins, the latest dated first.
    async fn origins(&self, org: UnitId) -> Result<Vec<Origin>>;
    /// An origin with its matters in item order, from one snapshot.
    async fn origin(&self, id: i64) -> Result<Option<(Origin, Vec<Matter>)>>;
    /// The org's accountability records, proposals first.
    async fn accountability(&self, org: UnitId) -> Result<Vec<Accountability>>;
    /// Writes a decided or dismissed record (new when its id is 0; a proposal only while it is
    /// still proposed) with the events it puts on its matters, in one transaction.
    async fn save_accountability(
        &self,
        record: &Accountability,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64>;
    /// The units whose stored light on a matter at work is yellow or red, by matter, for the
    /// next `matters` matters after `after` that have any; and the last matter looked at, to go
    /// on after (`None` once there are no more). Stored lights are only as fresh as their
    /// window: the caller brings stale ones up to date first.
    async fn concerns(
        &self,
        after: MatterId,
        matters: usize,
    ) -> Result<(Vec<Concern>, Option<MatterId>)>;
    /// The ladder's rows of one matter's concerns, by key.
    async fn ladder_of(&self, matter: MatterId) -> Result<Vec<LadderRow>>;
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
    /// Every matter below this one (its sub-matters, theirs, and so on to any depth), each
    /// once, itself excluded, in no particular order: one recursive query.
    async fn descendants(&self, root: MatterId) -> Result<Vec<Matter>>;
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
