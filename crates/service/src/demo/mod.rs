//! `luoshi demo`: a believable city built through the same use cases the API calls, replaying
//! each matter's history on a clock moved by hand so that every event has a plausible time.

mod city;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use luoshi_domain::{Action, MatterId, Role, UnitId, UnitKind, User, UserId};
use luoshi_storage::{NewUnit, NewUser};

use self::city::{City, DemoMatter, Scenario};
use crate::matters::NewMatter;
use crate::{Luoshi, ManualClock, Result, ServiceError};

/// Every demo account's password (CONTRACT.md).
pub const DEMO_PASSWORD: &str = "luoshi-demo";

/// What `build` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Built {
    /// The database already held data and was left alone.
    AlreadyThere,
    Created {
        units: usize,
        users: usize,
        matters: usize,
    },
}

fn failed(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("demo data: {what}").into())
}

/// A one-page PDF the demo's units file as evidence where the office asks for it.
const EVIDENCE_PDF: &[u8] = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
";

/// Fills an empty database with the demo city; leaves a database with data untouched.
pub async fn build(luoshi: &Luoshi) -> Result<Built> {
    if !luoshi.store().is_empty().await? {
        return Ok(Built::AlreadyThere);
    }
    fill(luoshi, None).await
}

/// Writes the demo city, its government under `under` (a province, for generated data).
pub(crate) async fn fill(luoshi: &Luoshi, under: Option<UnitId>) -> Result<Built> {
    let city = City::embedded().map_err(failed)?;
    let now = luoshi.now();
    let mut units: HashMap<&str, UnitId> = HashMap::new();
    for u in &city.units {
        let parent_id = match &u.parent {
            Some(code) => Some(
                *units
                    .get(code.as_str())
                    .ok_or_else(|| failed(format!("unit {} before its parent", u.code)))?,
            ),
            None => under,
        };
        let new = NewUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            short_names: u.short_names.clone(),
            kind: u.kind,
            parent_id,
        };
        units.insert(&u.code, luoshi.store().insert_unit(&new).await?);
    }
    luoshi.reload_tree().await?;

    // One hash serves every demo account: they share a published password anyway, and hashing
    // forty times would make the first start needlessly slow.
    let hash = crate::auth::hash_password(DEMO_PASSWORD);
    let mut users: HashMap<&str, User> = HashMap::new();
    for u in &city.users {
        let unit = |code: &str| {
            units
                .get(code)
                .copied()
                .ok_or_else(|| failed(format!("user {}: no unit {code}", u.username)))
        };
        let new = NewUser {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            unit_id: unit(&u.unit)?,
            email: Some(format!("{}@demo.luoshi.example", u.username)),
            password_hash: hash.clone(),
            in_charge_of: u
                .in_charge_of
                .iter()
                .map(|c| unit(c))
                .collect::<Result<_>>()?,
            phone: None,
            must_change_password: false,
        };
        let id = luoshi.store().insert_user(&new).await?;
        let user = luoshi
            .store()
            .user(id)
            .await?
            .ok_or_else(|| failed("user vanished"))?;
        users.insert(&u.username, user);
    }

    let clock = Arc::new(ManualClock::new(now));
    let replay = Replay {
        luoshi: luoshi.with_clock(clock.clone()),
        clock,
        now,
        units,
        users,
        matters: HashMap::new(),
    };
    let matters = replay.run(&city.matters).await?;
    Ok(Built::Created {
        units: city.units.len(),
        users: city.users.len(),
        matters,
    })
}

struct Replay<'a> {
    luoshi: Luoshi,
    clock: Arc<ManualClock>,
    now: DateTime<Utc>,
    units: HashMap<&'a str, UnitId>,
    users: HashMap<&'a str, User>,
    matters: HashMap<&'a str, (MatterId, UnitId)>,
}

impl<'a> Replay<'a> {
    async fn run(mut self, matters: &'a [DemoMatter]) -> Result<usize> {
        for m in matters {
            self.matter(m)
                .await
                .map_err(|e| failed(format!("matter {}: {e}", m.key)))?;
        }
        Ok(matters.len())
    }

    /// A moment `days` before now, at `minutes` past 09:00 in China.
    fn days_ago(&self, days: i64, minutes: i64) -> DateTime<Utc> {
        let day = luoshi_domain::china_date(self.now) - Duration::days(days);
        let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("valid");
        let at = luoshi_domain::china_instant(day, nine) + Duration::minutes(minutes);
        at.min(self.now)
    }

    fn user(&self, username: &str) -> Result<&User> {
        self.users
            .get(username)
            .ok_or_else(|| failed(format!("no user {username}")))
    }

    fn unit(&self, code: &str) -> Result<UnitId> {
        self.units
            .get(code)
            .copied()
            .ok_or_else(|| failed(format!("no unit {code}")))
    }

    /// The liaison account of a unit.
    fn liaison(&self, unit: UnitId) -> Result<&User> {
        self.users
            .values()
            .find(|u| u.role == Role::Liaison && u.unit_id == unit)
            .ok_or_else(|| failed(format!("no liaison for unit {unit}")))
    }

    /// Who registers and manages a matter: a government's liaison decomposing work assigned to
    /// it, or else the city's supervision office.
    fn registrar(&self, m: &DemoMatter, lead: UnitId) -> Result<&User> {
        if let Some(parent) = &m.parent {
            let (_, parent_lead) = *self
                .matters
                .get(parent.as_str())
                .ok_or_else(|| failed(format!("parent {parent} not built")))?;
            let tree = self.luoshi.tree();
            if tree
                .get(parent_lead)
                .is_some_and(|u| u.kind == UnitKind::Government)
                && lead != parent_lead
            {
                return self.liaison(parent_lead);
            }
        }
        self.user("ducha")
    }

    async fn step(
        &self,
        who: &User,
        id: MatterId,
        at: DateTime<Utc>,
        action: Action,
    ) -> Result<()> {
        self.clock.set(at);
        self.luoshi.act(who, id, action).await.map(|_| ())
    }

    async fn matter(&mut self, m: &'a DemoMatter) -> Result<()> {
        let lead = self.unit(&m.lead)?;
        let co =
            m.co.iter()
                .map(|c| self.unit(c))
                .collect::<Result<Vec<_>>>()?;
        let registrar = self.registrar(m, lead)?.clone();
        let created = m.created_days_ago.max(2);
        let created_at = self.days_ago(created, 0);
        let today = luoshi_domain::china_date(self.now);
        let deadline = m
            .deadline_in_days
            .map(|d| (today + Duration::days(d)).max(luoshi_domain::china_date(created_at)));
        let leader_id: Option<UserId> = m
            .leader
            .as_deref()
            .map(|u| self.user(u).map(|u| u.id))
            .transpose()?;
        let parent_id = m
            .parent
            .as_deref()
            .and_then(|p| self.matters.get(p))
            .map(|(id, _)| *id);

        self.clock.set(created_at);
        let view = self
            .luoshi
            .create_matter(
                &registrar,
                NewMatter {
                    title: m.title.clone(),
                    content: m.content.clone(),
                    source: m.source,
                    urgency: m.urgency,
                    origin: m.origin.clone(),
                    origin_id: None,
                    lead_unit_id: lead,
                    co_unit_ids: co.clone(),
                    leader_id,
                    deadline,
                    cadence: m.cadence,
                    report_rule: m.report_rule,
                    milestones: vec![],
                    tags: vec![],
                    public: m.public,
                    parent_id,
                },
            )
            .await?;
        let id = view.matter.id;
        self.matters.insert(&m.key, (id, lead));
        if matches!(m.scenario, Scenario::Draft) {
            return Ok(());
        }
        self.step(&registrar, id, self.days_ago(created, 30), Action::Assign)
            .await?;
        for i in &m.indicators {
            let year = luoshi_domain::china_date(created_at).year();
            let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a date");
            let year_end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("a date");
            let draft = luoshi_domain::IndicatorDraft {
                name: i.name.clone(),
                unit: i.unit.clone(),
                baseline: i.baseline,
                target: i.target,
                direction: i.direction,
                from,
                by: deadline.filter(|d| *d > from).unwrap_or(year_end),
            };
            let at = self.days_ago(created, 31);
            self.step(&registrar, id, at, Action::SetIndicator(draft))
                .await?;
        }
        if let Scenario::Cancelled = m.scenario {
            let reason = m.cancel_reason.clone();
            return self
                .step(
                    &registrar,
                    id,
                    self.days_ago(created - 1, 60),
                    Action::Cancel { reason },
                )
                .await;
        }
        if matches!(m.scenario, Scenario::Assigned) {
            return Ok(());
        }
        let sign_day = created - 1;
        for (i, unit) in std::iter::once(lead).chain(co.iter().copied()).enumerate() {
            let who = self.liaison(unit)?.clone();
            self.step(
                &who,
                id,
                self.days_ago(sign_day, 30 + 17 * i as i64),
                Action::Sign,
            )
            .await?;
        }
        if matches!(m.scenario, Scenario::Signed) {
            return Ok(());
        }
        let lead_liaison = self.liaison(lead)?.clone();
        let mut last = sign_day;
        for (i, r) in m.reports.iter().enumerate() {
            let day = r.days_ago.clamp(1, (last - 1).max(1)).min(last);
            last = day;
            let action = Action::Feedback {
                text: r.text.clone(),
                percent: r.percent,
                problems: r.problems.clone(),
                next_steps: r.next_steps.clone(),
                values: (1..)
                    .zip(&r.values)
                    .map(|(indicator_id, &value)| luoshi_domain::IndicatorValue {
                        indicator_id,
                        value,
                    })
                    .collect(),
            };
            self.step(
                &lead_liaison,
                id,
                self.days_ago(day, 120 + 7 * i as i64),
                action,
            )
            .await?;
        }
        let review_day = (last - 1).max(0);
        if matches!(
            m.scenario,
            Scenario::Returned | Scenario::CompletionRequested | Scenario::Closed
        ) {
            let summary = m
                .reports
                .last()
                .map_or("已按要求完成各项任务。", |r| &r.text);
            let asked_at = self.days_ago(last, 300);
            // Under an office's rule that the source needs evidence, the unit files it first,
            // as its liaison would.
            if self
                .luoshi
                .rules()
                .evidence_before_completion
                .contains(&m.source)
            {
                self.clock.set(asked_at);
                let evidence = crate::attachments::NewFile {
                    file_name: "办结佐证材料.pdf",
                    bytes: EVIDENCE_PDF,
                    note: "",
                    on_event: None,
                };
                self.luoshi.attach(&lead_liaison, id, evidence).await?;
            }
            let action = Action::RequestCompletion {
                summary: summary.to_string(),
            };
            self.step(&lead_liaison, id, asked_at, action).await?;
        }
        let review = match m.scenario {
            Scenario::Returned => Some(Action::Return {
                reason: m.return_reason.clone(),
            }),
            Scenario::Closed => Some(Action::Close {
                comment: "经核实,任务已按要求完成,同意办结。".to_string(),
                override_open: false,
                rating: m.rating,
            }),
            _ => None,
        };
        if let Some(action) = review {
            let at = self.days_ago(review_day, 400);
            // Under an office's rule that the source needs the leader's tick before it closes,
            // the leader reads the completion report first.
            if let (Action::Close { .. }, Some(leader)) = (&action, m.leader.as_deref())
                && self.luoshi.rules().read_before_close.contains(&m.source)
            {
                let read = Action::Instruct {
                    kind: luoshi_domain::InstructionKind::Read,
                    text: String::new(),
                    on: None,
                };
                self.step(&self.user(leader)?.clone(), id, at, read).await?;
            }
            self.step(&registrar, id, at, action).await?;
        }
        if let (Scenario::ExtensionRequested, Some(d)) =
            (&m.scenario, deadline.filter(|d| *d >= today))
        {
            let reason = m
                .reports
                .last()
                .map(|r| r.problems.as_str())
                .filter(|p| !p.is_empty());
            let action = Action::RequestExtension {
                new_deadline: d + Duration::days(m.extension_days.max(1)),
                reason: reason
                    .unwrap_or("受客观因素影响,需延长办理时限。")
                    .to_string(),
            };
            self.step(&lead_liaison, id, self.days_ago(0, 0), action)
                .await?;
        }
        // The leader's words come last, now, after everything they may be about.
        if let Some(leader) = m.leader.as_deref() {
            let leader = self.user(leader)?.clone();
            for i in &m.instructions {
                let action = Action::Instruct {
                    kind: i.kind,
                    text: i.text.clone(),
                    on: None,
                };
                self.step(&leader, id, self.now, action).await?;
            }
        }
        Ok(())
    }
}
