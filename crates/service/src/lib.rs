//! Luoshi's use cases. Each public method is one thing a person does — sign in, register a
//! matter, sign it, report — checked against the caller's role and scope, applied through the
//! domain's lifecycle and written by the store in one transaction.

mod accountability;
pub mod assess;
pub mod attachments;
pub mod auth;
pub mod bulletin;
mod calendar;
pub mod channels;
pub mod clock;
pub mod contacts;
pub mod dashboard;
pub mod demo;
mod error;
pub mod forms;
pub mod generate;
pub mod import;
pub mod indicators;
pub mod ledger;
pub mod letters;
mod lights;
pub mod matters;
pub mod notify;
pub mod office;
pub mod origins;
pub mod rounds;
pub mod workbench;

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    Actor, Calendar, ExtensionChain, LightContext, LightRules, OrgTree, Role, User,
    ladder::LadderRules,
};
use luoshi_storage::Store;
use serde::{Deserialize, Serialize};

pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use error::ServiceError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The rules that shape the lifecycle and the lights (`[rules]` in luoshi.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// `[rules.lights]`: when lights turn yellow and red.
    pub lights: LightRules,
    /// Who approves an extension, in order: any of "supervisor", "leader".
    pub extension_chain: Vec<Role>,
    /// How long a sign-in lasts at most …
    pub token_hours: i64,
    /// … and how long it lasts unused.
    pub session_idle_minutes: i64,
    /// `[rules.ladder]`: when reminders go out and when they escalate.
    pub ladder: LadderRules,
    /// `[rules.assessment]`: the scoring scheme.
    pub assessment: assess::AssessmentConfig,
    /// Failed sign-ins of one account that lock it …
    pub lockout_failures: usize,
    /// … and from one address that lock the address …
    pub lockout_failures_per_address: usize,
    /// … for this many minutes.
    pub lockout_minutes: i64,
    /// The sources whose matters need a file from the lead unit on their record before it may
    /// ask to close them (`["instruction"]`, say). None by default: evidence is asked for only
    /// where an office chooses to, not of every report.
    pub evidence_before_completion: Vec<luoshi_domain::Source>,
    /// The sources whose matters the responsible leader must 圈阅 after the lead unit asks to
    /// close them, before the office may close them. None by default.
    pub read_before_close: Vec<luoshi_domain::Source>,
    /// `[rules.time_limits]`: working days by source and urgency that fill the deadline of a
    /// matter registered without one.
    pub time_limits: luoshi_domain::limits::TimeLimits,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            lights: LightRules::default(),
            extension_chain: ExtensionChain::default().0,
            token_hours: 12,
            session_idle_minutes: 30,
            ladder: LadderRules::default(),
            assessment: assess::AssessmentConfig::default(),
            lockout_failures: 5,
            lockout_failures_per_address: 20,
            lockout_minutes: 15,
            evidence_before_completion: Vec::new(),
            read_before_close: Vec::new(),
            time_limits: luoshi_domain::limits::TimeLimits::default(),
        }
    }
}

/// The application: storage, the clock, the calendar and the rules, shared by every request.
#[derive(Clone)]
pub struct Luoshi {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// The official calendar with the years added by notices; replaced whole when one is added.
    calendar: Arc<RwLock<Arc<Calendar>>>,
    /// The fingerprint of that calendar and the light rules (see `lights.rs`), kept with it.
    lights_basis: Arc<RwLock<Arc<str>>>,
    rules: Arc<Rules>,
    channels: Arc<notify::Channels>,
    /// Deliveries under way in this process, which a stop lets finish and record.
    delivering: Arc<notify::Delivering>,
    /// The org tree changes rarely and is read on every request, so it lives in memory and is
    /// replaced whole whenever a unit is written.
    tree: Arc<RwLock<Arc<OrgTree>>>,
    /// Striped locks that queue concurrent steps on the same matter within this process.
    matter_locks: Arc<[tokio::sync::Mutex<()>; LOCK_STRIPES]>,
    /// Held while stale lights are worked out, so that this process works them out once.
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

const LOCK_STRIPES: usize = 64;

impl Luoshi {
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        calendar: Calendar,
        rules: Rules,
    ) -> Result<Luoshi> {
        store.migrate().await?;
        let luoshi = Luoshi {
            store,
            clock,
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            lights_basis: Arc::new(RwLock::new(Arc::from(""))),
            rules: Arc::new(rules),
            channels: Arc::new(notify::Channels::default()),
            delivering: Arc::default(),
            tree: Arc::new(RwLock::new(Arc::new(OrgTree::default()))),
            matter_locks: Arc::new(std::array::from_fn(|_| tokio::sync::Mutex::new(()))),
            refreshing: Arc::default(),
        };
        luoshi.reload_tree().await?;
        luoshi.reload_calendar().await?;
        Ok(luoshi)
    }

    /// The same application sending its messages by these channels.
    pub fn with_channels(&self, channels: notify::Channels) -> Luoshi {
        Luoshi {
            channels: Arc::new(channels),
            ..self.clone()
        }
    }

    /// The same application seen through another clock (the demo builder replays history).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Luoshi {
        Luoshi {
            clock,
            ..self.clone()
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        luoshi_domain::china_date(self.now())
    }

    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn tree(&self) -> Arc<OrgTree> {
        self.tree.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn reload_tree(&self) -> Result<()> {
        let retired = self.store.retired_units().await?;
        let tree = Arc::new(OrgTree::new(self.store.units().await?).with_retired(retired));
        *self.tree.write().unwrap_or_else(|e| e.into_inner()) = tree;
        Ok(())
    }

    fn matter_lock(&self, id: luoshi_domain::MatterId) -> &tokio::sync::Mutex<()> {
        &self.matter_locks[id.0.rem_euclid(LOCK_STRIPES as i64) as usize]
    }

    fn lights<'c>(&'c self, calendar: &'c Calendar) -> LightContext<'c> {
        LightContext::new(self.now(), calendar, &self.rules.lights)
    }

    /// Checks the audit chain: how many links hold, or the first broken one and why.
    pub async fn audit_verify(&self) -> Result<std::result::Result<usize, (String, String)>> {
        Ok(self.store.audit_verify().await?)
    }

    /// The chain's last link, to be kept outside the database.
    pub async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        Ok(self.store.audit_head().await?)
    }

    pub async fn audit_holds(&self, seq: i64, hash: &str) -> Result<bool> {
        Ok(self.store.audit_holds(seq, hash).await?)
    }

    /// The hash new links of the audit chain use: `sm3` or `sha256`.
    pub async fn choose_audit_hash(&self, name: &str) -> Result<()> {
        let hash = luoshi_storage::AuditHash::parse(name).ok_or_else(|| {
            ServiceError::invalid("hash", format!("审计哈希应为 sm3 或 sha256,而不是“{name}”"))
        })?;
        Ok(self.store.choose_audit_hash(hash).await?)
    }

    /// Keeps an administrative action in the audit chain: who (`None`: the operator at the
    /// command line), what kind, and what it concerned.
    pub(crate) async fn audit_admin(
        &self,
        actor: Option<&User>,
        action: &str,
        detail: String,
    ) -> Result<()> {
        tracing::info!(actor = actor.map(|u| u.username.as_str()), action, %detail, "admin action");
        Ok(self
            .store
            .record_admin(&luoshi_storage::AdminAction {
                actor: actor.map(|u| u.id),
                at: self.now(),
                action: action.to_string(),
                detail,
            })
            .await?)
    }

    /// Refreshes the database's statistics after many rows were written at once (an import,
    /// a contact list): until then PostgreSQL plans the new rows from guesses.
    pub async fn refresh_statistics(&self) -> Result<()> {
        Ok(self.store.analyze().await?)
    }

    /// A consistent copy of the database at `to`, taken while serving.
    pub async fn backup(&self, to: &std::path::Path) -> Result<()> {
        Ok(self.store.backup(to).await?)
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        Ok(self.store.users().await?)
    }

    /// The people `viewer` may look up: an administrator everyone; a supervisor or leader the
    /// people of its own org, governments below included, and the leaders above it; a liaison
    /// the leaders it works for and the people of its own unit and the units under it (to whom
    /// it passes work on) — never the whole government's accounts.
    pub async fn directory(&self, viewer: &User) -> Result<Vec<office::Account>> {
        let mut people = self.store.accounts().await?;
        let tree = self.tree();
        let scope = match viewer.role {
            Role::Admin => return Ok(people),
            Role::Supervisor | Role::Leader => tree.org_of(viewer.unit_id),
            Role::Liaison => Some(viewer.unit_id),
        };
        let above = tree.ancestors_or_self(viewer.unit_id);
        people.retain(|a| {
            let leads_here = a.user.role == Role::Leader
                && (above.contains(&a.user.unit_id) || viewer.role == Role::Liaison);
            leads_here || scope.is_some_and(|root| tree.is_within(a.user.unit_id, root))
        });
        Ok(people)
    }
}

impl Luoshi {
    /// The org whose records the caller may work on with `power`, or why not.
    pub fn authorize(
        &self,
        user: &User,
        power: luoshi_domain::Power,
    ) -> Result<luoshi_domain::UnitId> {
        Ok(with_actor(self, user, |a| a.org_with(power))?)
    }

    /// Whether the caller holds `power`, for showing or hiding what they cannot use.
    pub fn may(&self, user: &User, power: luoshi_domain::Power) -> bool {
        self.authorize(user, power).is_ok()
    }
}

/// Runs `f` with the caller as a domain actor over the current org tree.
fn with_actor<T>(luoshi: &Luoshi, user: &User, f: impl FnOnce(&Actor<'_>) -> T) -> T {
    let tree = luoshi.tree();
    f(&Actor { user, tree: &tree })
}
