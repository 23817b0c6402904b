//! [`Store`] written once over any [`Backend`]: each method names the operation it runs and
//! the transaction it needs ([`Access`]), and the backend runs it on one of its connections.
//! Arguments are taken as owned values, because SQLite runs the operation on a thread of its
//! own.

use std::path::Path;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::BoxFuture;
use luoshi_domain::accountability::Accountability;
use luoshi_domain::assess::Adjustment;
use luoshi_domain::{
    DayKind, Event, EventId, Matter, MatterId, NewEvent, Rating, Transition, Unit, UnitId, User,
    UserId,
};

use crate::attachment::Attachment;
use crate::bulletin::BulletinRow;
use crate::letter::Letter;
use crate::notify::{Concern, Dispatch, InboxItem, LadderRow, Outgoing, Prefs, Unconfirmed};
use crate::origin::{self, Origin};
use crate::sql::{Access, Backend};
use crate::{
    Account, AdminAction, AuditHash, LightStamp, MatterQuery, NewUnit, NewUser, Result,
    ScopeCounts, SignedIn, Store, SweepLease, Tally, Token, TokenKind, UnitMerge, UnitMonth,
    accountability, attachment, audit, bulletin, calendar, events, inbox, ladder, letter, lights,
    matters, org, outbox, people, sessions, tally,
};

/// The store on one database.
pub struct SqlStore<B> {
    pub(crate) backend: B,
}

impl<B: Backend> SqlStore<B> {
    async fn run<T: Send + 'static>(
        &self,
        access: Access,
        op: impl for<'c, 'd> FnOnce(&'c mut B::Db<'d>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.backend.run(access, Box::new(op)).await
    }
}

/// `run!(self, Access, |db| body)`: the body, an expression awaiting operations on `db`, run
/// as one operation.
macro_rules! run {
    ($store:ident, $access:ident, |$db:ident| $body:expr) => {
        $store
            .run(Access::$access, move |$db| Box::pin(async move { $body }))
            .await
    };
}

#[async_trait]
impl<B: Backend> Store for SqlStore<B> {
    async fn migrate(&self) -> Result<()> {
        self.backend.migrate().await?;
        // Events written before the chain existed are linked once, in order.
        run!(self, Chain, |db| audit::extend(db).await)
    }

    async fn backup(&self, to: &Path) -> Result<()> {
        self.backend.backup(to).await
    }

    async fn sweep_lease(&self) -> Result<Option<SweepLease>> {
        self.backend.sweep_lease().await
    }

    async fn analyze(&self) -> Result<()> {
        self.backend.analyze().await
    }

    async fn login_failures(&self, keys: &[String], since: DateTime<Utc>) -> Result<Vec<usize>> {
        let keys = keys.to_vec();
        run!(self, Read, |db| sessions::failures(db, &keys, since).await)
    }

    async fn record_login(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        failed: bool,
        prune_before: DateTime<Utc>,
    ) -> Result<()> {
        let keys = keys.to_vec();
        run!(self, Write, |db| sessions::record(
            db,
            &keys,
            at,
            failed,
            prune_before
        )
        .await)
    }

    async fn audit_verify(&self) -> Result<std::result::Result<usize, (String, String)>> {
        run!(self, Snapshot, |db| audit::verify(db).await)
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        run!(self, Read, |db| audit::head(db).await)
    }

    async fn audit_holds(&self, seq: i64, hash: &str) -> Result<bool> {
        let hash = hash.to_string();
        run!(self, Read, |db| audit::holds(db, seq, &hash).await)
    }

    async fn record_admin(&self, action: &AdminAction) -> Result<()> {
        let action = action.clone();
        run!(self, Chain, |db| audit::record(db, &action).await)
    }

    async fn choose_audit_hash(&self, hash: AuditHash) -> Result<()> {
        run!(self, Write, |db| audit::choose(db, hash).await)
    }

    async fn is_empty(&self) -> Result<bool> {
        run!(self, Read, |db| org::is_empty(db).await)
    }

    async fn has_admin(&self) -> Result<bool> {
        run!(self, Read, |db| people::has_admin(db).await)
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        run!(self, Read, |db| org::units(db).await)
    }

    async fn insert_unit(&self, unit: &NewUnit) -> Result<UnitId> {
        let unit = unit.clone();
        run!(self, Chain, |db| org::insert(db, &unit).await)
    }

    async fn retired_units(&self) -> Result<Vec<UnitId>> {
        run!(self, Read, |db| org::retired(db).await)
    }

    async fn set_unit_retired(&self, unit: UnitId, at: Option<DateTime<Utc>>) -> Result<()> {
        run!(self, Write, |db| org::set_retired(db, unit, at).await)
    }

    async fn rename_unit(&self, unit: UnitId, name: &str, short_names: &[String]) -> Result<()> {
        let (name, short) = (name.to_string(), short_names.to_vec());
        run!(self, Write, |db| org::rename(db, unit, &name, &short).await)
    }

    async fn move_unit(&self, unit: UnitId, parent: Option<UnitId>) -> Result<()> {
        run!(self, Chain, |db| org::move_unit(db, unit, parent).await)
    }

    async fn merge_units(&self, merge: &UnitMerge) -> Result<Vec<MatterId>> {
        let merge = merge.clone();
        run!(self, Chain, |db| org::merge(db, &merge).await)
    }

    async fn insert_user(&self, user: &NewUser) -> Result<UserId> {
        let user = user.clone();
        run!(self, Write, |db| people::insert(db, &user).await)
    }

    async fn users(&self) -> Result<Vec<User>> {
        run!(self, Read, |db| people::users(db).await)
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        run!(self, Read, |db| people::one(db, id).await)
    }

    async fn user_for_login(&self, username: &str) -> Result<Option<(Account, String)>> {
        let username = username.to_string();
        run!(self, Read, |db| people::for_login(db, &username).await)
    }

    async fn accounts(&self) -> Result<Vec<Account>> {
        run!(self, Read, |db| people::accounts(db).await)
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>> {
        run!(self, Read, |db| people::account_of(db, id).await)
    }

    async fn save_account(&self, account: &Account) -> Result<()> {
        let account = account.clone();
        run!(self, Write, |db| people::save(db, &account).await)
    }

    async fn insert_token(&self, token: &Token) -> Result<i64> {
        let token = token.clone();
        run!(self, Write, |db| sessions::insert(db, &token).await)
    }

    async fn delete_token(&self, token_hash: &str) -> Result<()> {
        let hash = token_hash.to_string();
        run!(self, Write, |db| sessions::delete(db, &hash).await)
    }

    async fn delete_tokens_of(&self, user: UserId) -> Result<Vec<String>> {
        run!(self, Write, |db| sessions::delete_all_of(db, user).await)
    }

    async fn revoke_token(&self, user: UserId, id: i64) -> Result<bool> {
        run!(self, Write, |db| sessions::revoke(db, user, id).await)
    }

    async fn tokens_of(&self, user: UserId, kind: TokenKind) -> Result<Vec<Token>> {
        run!(self, Read, |db| sessions::of(db, user, kind).await)
    }

    async fn user_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedIn>> {
        let hash = token_hash.to_string();
        run!(self, Read, |db| sessions::signed_in(db, &hash, now).await)
    }

    async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        run!(self, Write, |db| sessions::touch(db, id, at).await)
    }

    async fn set_password(&self, user: UserId, password_hash: &str, one_time: bool) -> Result<()> {
        let hash = password_hash.to_string();
        run!(self, Write, |db| people::set_password(
            db, user, &hash, one_time
        )
        .await)
    }

    async fn create_matters(&self, batch: &[(Matter, Vec<NewEvent>)]) -> Result<Vec<Matter>> {
        let batch = batch.to_vec();
        run!(self, Chain, |db| {
            let all: Vec<(&Matter, &[NewEvent])> =
                batch.iter().map(|(m, e)| (m, e.as_slice())).collect();
            matters::create(db, &all).await
        })
    }

    async fn import_matters(
        &self,
        batch: &[(Matter, Vec<NewEvent>, String)],
    ) -> Result<Vec<Matter>> {
        let batch = batch.to_vec();
        run!(self, Chain, |db| matters::import(db, &batch).await)
    }

    async fn latest_reports(
        &self,
        ids: &[MatterId],
    ) -> Result<Vec<(MatterId, String, DateTime<Utc>)>> {
        let ids = ids.to_vec();
        run!(self, Read, |db| events::latest_reports(db, &ids).await)
    }

    async fn close_ratings(&self, ids: &[MatterId]) -> Result<Vec<(MatterId, Rating)>> {
        let ids = ids.to_vec();
        run!(self, Read, |db| events::close_ratings(db, &ids).await)
    }

    async fn calendar_days(&self) -> Result<Vec<(NaiveDate, DayKind, String)>> {
        run!(self, Read, |db| calendar::days(db).await)
    }

    async fn save_calendar_days(&self, days: &[(NaiveDate, DayKind, String)]) -> Result<()> {
        let days = days.to_vec();
        run!(self, Write, |db| calendar::save(db, &days).await)
    }

    async fn adjust(
        &self,
        matter: MatterId,
        event: &NewEvent,
        adjustment: &Adjustment,
    ) -> Result<EventId> {
        let (event, adjustment) = (event.clone(), adjustment.clone());
        run!(self, Chain, |db| accountability::adjust(
            db,
            matter,
            &event,
            &adjustment
        )
        .await)
    }

    async fn adjustments(&self, matters: &[MatterId]) -> Result<Vec<Adjustment>> {
        let ids = matters.to_vec();
        run!(self, Read, |db| accountability::adjustments(db, &ids).await)
    }

    async fn save_letter(&self, letter: &Letter, bytes: &[u8]) -> Result<i64> {
        let (l, bytes) = (letter.clone(), bytes.to_vec());
        run!(self, Write, |db| letter::save(db, &l, &bytes).await)
    }

    async fn letters(&self, org: UnitId, year: i32) -> Result<Vec<Letter>> {
        run!(self, Read, |db| letter::list(db, org, year).await)
    }

    async fn letter_file(&self, id: i64) -> Result<Option<(Letter, Vec<u8>)>> {
        run!(self, Read, |db| letter::file(db, id).await)
    }

    async fn save_attachment(
        &self,
        attachment: &Attachment,
        upload: &NewEvent,
        bytes: &[u8],
    ) -> Result<EventId> {
        let (a, upload, bytes) = (attachment.clone(), upload.clone(), bytes.to_vec());
        run!(self, Chain, |db| attachment::save(db, &a, &upload, &bytes)
            .await)
    }

    async fn attachments(&self, matters: &[MatterId]) -> Result<Vec<Attachment>> {
        let ids = matters.to_vec();
        run!(self, Read, |db| attachment::of_matters(db, &ids).await)
    }

    async fn attachment_file(&self, id: EventId) -> Result<Option<(Attachment, Vec<u8>)>> {
        run!(self, Read, |db| attachment::file(db, id).await)
    }

    async fn bulletins(&self, org: UnitId) -> Result<Vec<BulletinRow>> {
        run!(self, Read, |db| bulletin::list(db, org).await)
    }

    async fn bulletin(&self, id: i64) -> Result<Option<BulletinRow>> {
        run!(self, Read, |db| bulletin::one(db, id).await)
    }

    async fn save_bulletin(
        &self,
        b: &BulletinRow,
        from: Option<&str>,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let (b, from, events) = (b.clone(), from.map(str::to_string), events.to_vec());
        run!(self, Chain, |db| bulletin::save(
            db,
            &b,
            from.as_deref(),
            &events
        )
        .await)
    }

    async fn save_origin(&self, o: &Origin) -> Result<i64> {
        let o = o.clone();
        run!(self, Write, |db| origin::save(db, &o).await)
    }

    async fn origins(&self, org: UnitId) -> Result<Vec<Origin>> {
        run!(self, Read, |db| origin::list(db, org).await)
    }

    async fn origin(&self, id: i64) -> Result<Option<(Origin, Vec<Matter>)>> {
        run!(self, Snapshot, |db| {
            let Some(o) = origin::one(db, id).await? else {
                return Ok(None);
            };
            let items = origin::items(db, id).await?;
            Ok(Some((o, items)))
        })
    }

    async fn accountability(&self, org: UnitId) -> Result<Vec<Accountability>> {
        run!(self, Read, |db| accountability::list(db, org).await)
    }

    async fn save_accountability(
        &self,
        record: &Accountability,
        events: &[(MatterId, NewEvent)],
    ) -> Result<i64> {
        let (record, events) = (record.clone(), events.to_vec());
        run!(self, Chain, |db| accountability::save(db, &record, &events)
            .await)
    }

    async fn concerns(
        &self,
        after: MatterId,
        matters: usize,
    ) -> Result<(Vec<Concern>, Option<MatterId>)> {
        run!(self, Read, |db| ladder::concerns(db, after, matters).await)
    }

    async fn ladder_of(&self, matter: MatterId) -> Result<Vec<LadderRow>> {
        run!(self, Read, |db| ladder::of_matter(db, matter).await)
    }

    async fn dispatch(&self, dispatch: &Dispatch) -> Result<usize> {
        let dispatch = dispatch.clone();
        run!(self, Write, |db| ladder::dispatch(db, &dispatch).await)
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Outgoing>> {
        run!(self, Write, |db| outbox::claim(db, now, lease_until, limit)
            .await)
    }

    async fn outbox_sent(&self, id: &str, at: DateTime<Utc>) -> Result<()> {
        let id = id.to_string();
        run!(self, Write, |db| outbox::sent(db, &id, at).await)
    }

    async fn outbox_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let (id, error) = (id.to_string(), error.to_string());
        run!(self, Write, |db| outbox::failed(db, &id, &error, retry_at)
            .await)
    }

    async fn outbox(&self, failed_only: bool) -> Result<Vec<Outgoing>> {
        run!(self, Read, |db| outbox::latest(db, failed_only).await)
    }

    async fn retry_delivery(&self, id: &str, at: DateTime<Utc>) -> Result<bool> {
        let id = id.to_string();
        run!(self, Write, |db| outbox::retry(db, &id, at).await)
    }

    async fn inbox(&self, user: UserId) -> Result<Vec<InboxItem>> {
        run!(self, Read, |db| inbox::latest(db, user).await)
    }

    async fn unconfirmed(&self, before: DateTime<Utc>) -> Result<Vec<Unconfirmed>> {
        run!(self, Read, |db| inbox::unconfirmed(db, before).await)
    }

    async fn prefs(&self) -> Result<Vec<(UserId, Prefs)>> {
        run!(self, Read, |db| inbox::prefs(db).await)
    }

    async fn save_prefs(&self, user: UserId, prefs: Prefs) -> Result<()> {
        run!(self, Write, |db| inbox::save_prefs(db, user, prefs).await)
    }

    async fn unread(&self, user: UserId) -> Result<usize> {
        run!(self, Read, |db| inbox::unread(db, user).await)
    }

    async fn mark_read(
        &self,
        user: UserId,
        id: &str,
        at: DateTime<Utc>,
        confirm: bool,
    ) -> Result<bool> {
        let id = id.to_string();
        run!(self, Write, |db| inbox::mark(db, user, &id, at, confirm)
            .await)
    }

    async fn imported(&self, org: UnitId, keys: &[String]) -> Result<Vec<String>> {
        let keys = keys.to_vec();
        run!(self, Read, |db| matters::imported(db, org, &keys).await)
    }

    async fn save_transition(
        &self,
        before: &Matter,
        transition: &Transition,
        dispatch: &Dispatch,
    ) -> Result<Vec<EventId>> {
        let (before, t, d) = (before.clone(), transition.clone(), dispatch.clone());
        run!(self, Chain, |db| matters::save_transition(
            db, &before, &t, &d
        )
        .await)
    }

    async fn matter(&self, id: MatterId) -> Result<Option<Matter>> {
        run!(self, Read, |db| matters::one(db, id).await)
    }

    async fn returned_to(&self, unit: UnitId) -> Result<Vec<(MatterId, String)>> {
        run!(self, Read, |db| matters::returned_to(db, unit).await)
    }

    async fn descendants(&self, root: MatterId) -> Result<Vec<Matter>> {
        run!(self, Read, |db| matters::descendants(db, root).await)
    }

    async fn matter_with_events(&self, id: MatterId) -> Result<Option<(Matter, Vec<Event>)>> {
        run!(self, Read, |db| matters::with_events(db, id).await)
    }

    async fn events_of(&self, matters: &[MatterId]) -> Result<Vec<Event>> {
        let ids = matters.to_vec();
        run!(self, Read, |db| events::of_matters(db, &ids).await)
    }

    async fn matters(&self, query: &MatterQuery) -> Result<(Vec<Matter>, usize)> {
        let q = query.clone();
        run!(self, Read, |db| matters::select(db, &q).await)
    }

    async fn stale_lights(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Option<String>, Vec<Matter>)> {
        run!(self, Read, |db| lights::stale(db, now, limit).await)
    }

    async fn save_lights(&self, stamps: &[LightStamp]) -> Result<usize> {
        let stamps = stamps.to_vec();
        run!(self, Chain, |db| lights::save(db, &stamps).await)
    }

    async fn reset_lights(&self, basis: &str) -> Result<()> {
        let basis = basis.to_string();
        run!(self, Chain, |db| lights::reset(db, &basis).await)
    }

    async fn tally(&self, query: &MatterQuery) -> Result<Tally> {
        let q = query.clone();
        run!(self, Read, |db| tally::tally(db, &q).await)
    }

    async fn overdue_counts(&self, query: &MatterQuery, days: &[NaiveDate]) -> Result<Vec<usize>> {
        let (q, days) = (query.clone(), days.to_vec());
        run!(self, Read, |db| tally::overdue_counts(db, &q, &days).await)
    }

    async fn due_by_unit_month(
        &self,
        query: &MatterQuery,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Vec<UnitMonth>> {
        let q = query.clone();
        run!(self, Read, |db| tally::due_by_unit_month(
            db, &q, from, to, today
        )
        .await)
    }

    async fn scope_counts(
        &self,
        scope: UnitId,
        days: &[NaiveDate],
        today: NaiveDate,
        heat_rows: usize,
    ) -> Result<ScopeCounts> {
        let days = days.to_vec();
        run!(self, Read, |db| tally::scope_counts(
            db, scope, &days, today, heat_rows
        )
        .await)
    }
}
