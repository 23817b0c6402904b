//! Reminders that reach people (件件有回音): the sweep climbs the reminder ladder for every unit
//! whose light is not green and queues its messages with the step that caused them; delivery
//! sends what is due from the outbox, retrying with backoff until a horizon, never twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::accountability::{Accountability, AccountabilityState};
use luoshi_domain::ladder::{self, Sent, Step};
use luoshi_domain::{
    Cause, EventKind, InstructionKind, Light, MatterId, OrgTree, Power, Role, Transition, UnitId,
    Urgency, User, UserId,
};
pub use luoshi_storage::{Addressee, DeliveryState, Prefs};
use luoshi_storage::{Channel, Dispatch, InboxItem, Notice, Outgoing};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::channels::{self, SmsConfig, SmtpConfig, WebhookConfig, WebhookFormat};
use crate::{Luoshi, Result, ServiceError};

/// Where messages go besides the inbox, and how long delivery keeps trying.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Channels {
    pub smtp: Option<SmtpConfig>,
    pub webhook: Vec<WebhookConfig>,
    pub sms: Option<SmsConfig>,
    pub delivery: Delivery,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    /// A message still failing this long after it was queued is given up and shown to admins.
    pub give_up_after_hours: i64,
    /// The first retry waits this long; each next one twice as long, up to an hour.
    pub first_retry_seconds: i64,
    /// How long one attempt may take.
    pub timeout_seconds: u64,
    /// A reminder nobody confirmed is sent again after this many hours, and no sooner.
    pub resend_unconfirmed_hours: i64,
    /// The hour (China time) of the daily digest for those who asked for one.
    pub digest_hour: u32,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            give_up_after_hours: 48,
            first_retry_seconds: 30,
            timeout_seconds: 10,
            resend_unconfirmed_hours: 24,
            digest_hour: 8,
        }
    }
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepSummary {
    pub at: DateTime<Utc>,
    /// Matters whose lights were worked out again: written since, or their window passed.
    pub lights_refreshed: usize,
    /// Units at work whose light is yellow or red, looked at.
    pub assignments: usize,
    pub yellow: usize,
    pub red: usize,
    pub reminders: usize,
    pub escalations: usize,
    /// Reminders nobody confirmed, sent again.
    pub resent: usize,
    /// Messages newly queued (inbox, e-mail, webhooks, texts).
    pub queued: usize,
    pub delivered: usize,
    pub retrying: usize,
    /// Given up on in this sweep.
    pub failed: usize,
    /// Another sweep of the same database was running, or this process is stopping, so this
    /// one did nothing.
    pub skipped: bool,
}

/// A stable id for a message: the same cause, recipient and channel always make the same id.
fn message_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One message to some people, by every channel they have.
struct Message {
    cause: String,
    title: String,
    body: String,
    matter_id: MatterId,
    /// The units it is about (those reminded, the matter's org): a robot of a unit hears of
    /// what happens inside its subtree.
    about: Vec<UnitId>,
    confirm: bool,
    /// The text sent by SMS, for reminders and escalations; none for other messages.
    sms: Option<String>,
}

/// How people and robots are reached, read once for a sweep or a step.
struct Reach {
    prefs: HashMap<UserId, Prefs>,
    /// The mobile number of every enabled account that has one.
    phones: HashMap<UserId, String>,
    /// Each configured webhook's scope, in order.
    hooks: Vec<Scope>,
}

/// Which messages a webhook gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Everything,
    Within(UnitId),
    /// Its unit is no longer in the tree: rather nothing than another unit's messages.
    Nowhere,
}

/// The ceiling of one SMS segment in Chinese (UCS-2): longer texts are split and billed twice.
pub const SMS_CHARS: usize = 70;
/// A title is never cut shorter than this, so that the text still says which matter it is.
const SMS_TITLE_MIN: usize = 6;

/// `head` + `number`《`title`》+ `tail`, within one SMS segment: the title is cut first (with
/// …), down to a few characters, then the tail.
pub fn sms_text(head: &str, number: &str, title: &str, tail: &str) -> String {
    let len = |s: &str| s.chars().count();
    let fixed = len(head) + len(number) + 2 + len(tail);
    let title = shorten(title, SMS_CHARS.saturating_sub(fixed).max(SMS_TITLE_MIN));
    shorten(&format!("{head}{number}《{title}》{tail}"), SMS_CHARS)
}

/// `text` cut to `n` characters (not bytes), the last being … when anything was cut.
fn shorten(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(n.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn month_day(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}月{}日", d.month(), d.day())
}

/// What a reminder's text asks and by when, in a few words.
fn sms_ask(cause: Cause, deadline: Option<NaiveDate>) -> String {
    let by = deadline.map_or(String::new(), |d| format!("(时限{})", month_day(d)));
    match cause {
        Cause::Overdue => format!("已超期{by},请抓紧办结并反馈。"),
        Cause::DeadlineNear => format!("即将到期{by},请按时办结并反馈。"),
        Cause::ReportOverdue(d) => format!("应于{}前反馈,尚未反馈,请即反馈。", month_day(d)),
        Cause::ReportDue(d) => format!("请于{}前反馈进展。", month_day(d)),
        Cause::NotSigned => "尚未签收,请即签收办理。".into(),
        Cause::Behind(p) | Cause::FarBehind(p) => {
            format!("落后计划进度{p}个百分点{by},请加快推进。")
        }
        Cause::FirstReplyDue(d) => format!("领导批示件请于{}前首次反馈。", month_day(d)),
        Cause::FirstReplyOverdue(d) => {
            format!("领导批示件应于{}前首次反馈,请即反馈。", month_day(d))
        }
        Cause::IndicatorBehind(_) | Cause::IndicatorFarBehind(_) => {
            "量化指标落后序时进度,请加快推进并报送最新数值。".into()
        }
    }
}

/// Deliveries under way in this process. A stop first stops new claims, then waits for the
/// deliveries already claimed to be sent and recorded: a message sent but not recorded would
/// go again after the restart.
#[derive(Default)]
pub struct Delivering {
    stopping: AtomicBool,
    /// Each delivery pass holds it to read; a stop takes it to write once they are done.
    passes: tokio::sync::RwLock<()>,
}

/// How many messages one delivery pass claims at a time.
const BATCH: usize = 50;

/// Matters whose concerns one step of the sweep reads and answers together.
const SWEEP_PAGE: usize = 10_000;

impl Luoshi {
    /// One pass: the ladder for every open assignment, then delivery of what is due.
    /// Only one sweep of a database runs at a time, even with several app processes on it; a
    /// sweep that finds another running does nothing and says so.
    pub async fn sweep(&self) -> Result<SweepSummary> {
        if self.delivering.stopping.load(Ordering::SeqCst) {
            return Ok(SweepSummary {
                at: self.now(),
                skipped: true,
                ..SweepSummary::default()
            });
        }
        // Units added at the command line, or by another process on the same database, are
        // seen from here on.
        self.reload_tree().await?;
        let Some(_lease) = self.store.sweep_lease().await? else {
            tracing::info!("another sweep is running; skipping this one");
            return Ok(SweepSummary {
                at: self.now(),
                skipped: true,
                ..SweepSummary::default()
            });
        };
        let mut summary = self.climb_ladder().await?;
        let (delivered, retrying, failed) = self.deliver().await?;
        summary.delivered = delivered;
        summary.retrying = retrying;
        summary.failed = failed;
        tracing::info!(
            reminders = summary.reminders,
            escalations = summary.escalations,
            queued = summary.queued,
            delivered,
            retrying,
            failed,
            "sweep done"
        );
        Ok(summary)
    }

    async fn climb_ladder(&self) -> Result<SweepSummary> {
        let now = self.now();
        let tree = self.tree();
        let refreshed = self.refresh_lights().await?;
        let (users, reach) = self.reach().await?;
        let mut summary = SweepSummary {
            at: now,
            lights_refreshed: refreshed,
            ..SweepSummary::default()
        };
        // Looked up for every concern: by unit, not by going through everyone each time.
        let mut liaisons_of: HashMap<UnitId, Vec<&User>> = HashMap::new();
        let mut supervisors_of: HashMap<UnitId, Vec<&User>> = HashMap::new();
        for u in &users {
            match u.role {
                Role::Liaison => liaisons_of.entry(u.unit_id).or_default().push(u),
                Role::Supervisor => {
                    if let Some(org) = tree.org_of(u.unit_id) {
                        supervisors_of.entry(org).or_default().push(u);
                    }
                }
                Role::Admin | Role::Leader => {}
            }
        }
        let by_id: HashMap<UserId, &User> = users.iter().map(|u| (u.id, u)).collect();
        let day = |t: Option<DateTime<Utc>>| t.map(luoshi_domain::china_date);
        let calendar = self.calendar();
        // A page of matters at a time, each page's steps and messages written together: what
        // the sweep holds stays bounded however many assignments a province has.
        let mut after = MatterId(0);
        loop {
            let (concerns, last) = self.store.concerns(after, SWEEP_PAGE).await?;
            let Some(last) = last else { break };
            after = last;
            summary.assignments += concerns.len();
            let mut dispatch = Dispatch::default();
            for c in concerns {
                let (cause, light, row) = (c.cause, c.cause.light(), c.ladder);
                if light == Light::Red {
                    summary.red += 1;
                } else {
                    summary.yellow += 1;
                }
                let (key, unit) = (row.key.clone(), c.unit_id);
                let sent = Sent {
                    yellow: row.yellow_at.is_some(),
                    red_count: row.red_count,
                    last_red: day(row.last_red_at),
                    escalated: row.escalated_at.is_some(),
                };
                let urgent = c.urgency == Urgency::Urgent;
                let Some(step) =
                    ladder::next(light, urgent, sent, now, &calendar, &self.rules.ladder)
                else {
                    continue;
                };
                let unit_name = tree
                    .get(unit)
                    .map_or(String::new(), |u| u.display_name().to_string());
                let why = cause.describe();
                let number = tree.number_label(c.org_id, c.number);
                let ask = sms_ask(cause, c.deadline);
                let mut row = row;
                let (title, body, sms) = match step {
                    Step::Yellow => {
                        row.yellow_at = Some(now);
                        (
                            format!("临近提醒:{}", c.title),
                            format!("{number}《{}》{why}。请按时办理并反馈进展。", c.title),
                            sms_text("临近提醒:", &number, &c.title, &ask),
                        )
                    }
                    Step::Red(n) | Step::Escalate(n) => {
                        row.red_count = n;
                        row.last_red_at = Some(now);
                        (
                            format!("催办(第{n}次):{}", c.title),
                            format!(
                                "{number}《{}》{why}。请{unit_name}抓紧办理,并在系统中反馈进展情况。",
                                c.title
                            ),
                            sms_text(&format!("催办(第{n}次):"), &number, &c.title, &ask),
                        )
                    }
                };
                summary.reminders += 1;
                let step_name = match step {
                    Step::Yellow => "yellow".to_string(),
                    Step::Red(n) | Step::Escalate(n) => format!("red{n}"),
                };
                let liaisons = liaisons_of.get(&unit).map_or(&[][..], Vec::as_slice);
                self.address(
                    &mut dispatch,
                    &Message {
                        cause: format!("{key}:{step_name}"),
                        title,
                        body,
                        matter_id: c.matter_id,
                        about: vec![unit, c.org_id],
                        confirm: true,
                        sms: Some(sms),
                    },
                    &[Addressee::Liaisons(unit)],
                    liaisons,
                    &reach,
                    now,
                );
                if let Step::Escalate(n) = step {
                    row.escalated_at = Some(now);
                    summary.escalations += 1;
                    dispatch.proposals.push(Accountability {
                        id: 0,
                        org_id: c.org_id,
                        unit_id: unit,
                        person: String::new(),
                        matter_ids: vec![c.matter_id],
                        reason: format!("{number}《{}》{why},催办{}次仍未落实", c.title, n - 1),
                        measure: None,
                        state: AccountabilityState::Proposed,
                        key: key.clone(),
                        created_at: now,
                        decided_by: None,
                        decided_at: None,
                    });
                    // The matter's leader and its org's supervisors, each once, in the order of ids.
                    let mut told: Vec<&User> = c
                        .leader_id
                        .and_then(|id| by_id.get(&id).copied())
                        .into_iter()
                        .chain(supervisors_of.get(&c.org_id).into_iter().flatten().copied())
                        .collect();
                    told.sort_by_key(|u| u.id);
                    told.dedup_by_key(|u| u.id);
                    self.address(
                            &mut dispatch,
                            &Message {
                                cause: format!("{key}:escalate"),
                                title: format!("预警升级:{unit_name}《{}》", c.title),
                                body: format!(
                                    "{number}《{}》{why},已催办{}次仍未落实。请督促{unit_name}办理;建议列入问责候选。",
                                    c.title,
                                    n - 1
                                ),
                                matter_id: c.matter_id,
                                about: vec![unit, c.org_id],
                                confirm: false,
                                sms: Some(sms_text(
                                    "预警升级:",
                                    &number,
                                    &c.title,
                                    &format!("{unit_name}催办{}次仍未落实,请督促办理。", n - 1),
                                )),
                            },
                            &told.iter().map(|u| Addressee::Person(u.id)).collect::<Vec<_>>(),
                            &told,
                            &reach,
                            now,
                        );
                }
                dispatch.ladder.push(row);
            }
            if !dispatch.is_empty() {
                summary.queued += self.store.dispatch(&dispatch).await?;
            }
        }
        let mut dispatch = Dispatch::default();
        summary.resent = self
            .resend_unconfirmed(&mut dispatch, &by_id, &reach.prefs, now)
            .await?;
        if !dispatch.is_empty() {
            summary.queued += self.store.dispatch(&dispatch).await?;
        }
        Ok(summary)
    }

    /// Reminders asking for a receipt that nobody confirmed go out again by e-mail, no more
    /// often than the set interval. Returns how many messages.
    async fn resend_unconfirmed(
        &self,
        d: &mut Dispatch,
        by_id: &HashMap<UserId, &User>,
        prefs: &HashMap<UserId, Prefs>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        if self.channels.smtp.is_none() {
            // Sent again means by e-mail: without it nothing goes, and what waits for a
            // confirmation keeps waiting to be sent again once e-mail is set up.
            return Ok(0);
        }
        let hours = self.channels.delivery.resend_unconfirmed_hours.max(1);
        let before = now - chrono::Duration::hours(hours);
        let items = self.store.unconfirmed(before).await?;
        // One row per person, a message's rows together.
        let mut messages: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        messages.dedup();
        d.resent
            .extend(messages.iter().map(|id| (id.to_string(), now)));
        for item in &items {
            let user = by_id.get(&item.user_id);
            let pref = prefs.get(&item.user_id).copied().unwrap_or_default();
            if let (Some(email), true) = (user.and_then(|u| u.email.clone()), pref.email) {
                d.outbox.push(Notice {
                    id: message_id(&[&item.id, "resend", &email, &now.timestamp().to_string()]),
                    channel: Channel::Email,
                    target: email,
                    user_id: Some(item.user_id),
                    matter_id: item.matter_id,
                    subject: format!("再次提醒:{}", item.title),
                    body: format!("{}\n(此消息尚未确认收到,请登录系统确认。)", item.body),
                    created_at: now,
                    due_at: now,
                    mentions: Vec::new(),
                });
            }
        }
        Ok(messages.len())
    }

    /// Everyone, and how to reach them and the robots.
    async fn reach(&self) -> Result<(Vec<User>, Reach)> {
        let accounts = self.store.accounts().await?;
        let phones = accounts
            .iter()
            .filter(|a| !a.disabled)
            .filter_map(|a| {
                let phone = a.phone.as_deref()?.trim();
                (!phone.is_empty()).then(|| (a.user.id, phone.to_string()))
            })
            .collect();
        let tree = self.tree();
        let hooks = self
            .channels
            .webhook
            .iter()
            .enumerate()
            .map(|(i, hook)| match &hook.unit {
                None => Scope::Everything,
                Some(code) => match tree.units().find(|u| &u.code == code) {
                    Some(unit) => Scope::Within(unit.id),
                    None => {
                        // By its place in the settings: a robot's URL holds its access token.
                        tracing::warn!(webhook = i + 1, unit = %code, "the webhook's unit is no longer in the org tree; it gets nothing");
                        Scope::Nowhere
                    }
                },
            })
            .collect();
        let reach = Reach {
            prefs: self.store.prefs().await?.into_iter().collect(),
            phones,
            hooks,
        };
        Ok((accounts.into_iter().map(|a| a.user).collect(), reach))
    }

    /// Refuses settings that would send nothing or send to the wrong place, naming what is
    /// wrong: a webhook scoped to a unit the org tree lacks, a gateway that is no HTTP URL.
    pub fn check_channels(&self) -> Result<()> {
        let tree = self.tree();
        for (i, hook) in self.channels.webhook.iter().enumerate() {
            http_url(&hook.url)
                .map_err(|e| bad_setting(&format!("[[webhook]] {} url", i + 1), &e))?;
            if let Some(code) = &hook.unit
                && !tree.units().any(|u| &u.code == code)
            {
                return Err(bad_setting(
                    &format!("[[webhook]] {} unit", i + 1),
                    &format!(
                        "no unit has the code {code:?} (/admin/units and GET /api/v1/units show the codes)"
                    ),
                ));
            }
        }
        if let Some(sms) = &self.channels.sms {
            http_url(&sms.url).map_err(|e| bad_setting("[sms] url", &e))?;
        }
        Ok(())
    }

    /// Puts a message in the inboxes it is for, and queues it by e-mail to the people with an
    /// address, by SMS to each mobile number among them (a reminder or escalation), and to
    /// every configured webhook whose scope it falls in.
    fn address(
        &self,
        d: &mut Dispatch,
        msg: &Message,
        inboxes: &[Addressee],
        people: &[&User],
        reach: &Reach,
        now: DateTime<Utc>,
    ) {
        for to in inboxes {
            let id = match to {
                Addressee::Person(user) => message_id(&[&msg.cause, "inbox", &user.to_string()]),
                Addressee::Liaisons(unit) => {
                    message_id(&[&msg.cause, "inbox", "unit", &unit.to_string()])
                }
            };
            d.inbox.push(InboxItem {
                id,
                to: *to,
                matter_id: Some(msg.matter_id),
                title: msg.title.clone(),
                body: msg.body.clone(),
                created_at: now,
                confirm: msg.confirm,
                read_at: None,
                confirmed_at: None,
            });
        }
        for user in people {
            let pref = reach.prefs.get(&user.id).copied().unwrap_or_default();
            if let (Some(_), Some(email), true) = (&self.channels.smtp, &user.email, pref.email) {
                let due_at = if pref.digest {
                    self.digest_slot(now)
                } else {
                    now
                };
                d.outbox.push(Notice {
                    id: message_id(&[&msg.cause, "email", email]),
                    channel: Channel::Email,
                    target: email.clone(),
                    user_id: Some(user.id),
                    matter_id: Some(msg.matter_id),
                    subject: msg.title.clone(),
                    body: msg.body.clone(),
                    created_at: now,
                    due_at,
                    mentions: Vec::new(),
                });
            }
        }
        // One text per number, however many of the people share it.
        let mut phones: Vec<(&str, UserId)> = people
            .iter()
            .filter_map(|u| Some((reach.phones.get(&u.id)?.as_str(), u.id)))
            .collect();
        phones.sort();
        phones.dedup_by_key(|(phone, _)| *phone);
        if let (Some(_), Some(text)) = (&self.channels.sms, &msg.sms) {
            for (phone, user) in &phones {
                d.outbox.push(Notice {
                    id: message_id(&[&msg.cause, "sms", phone]),
                    channel: Channel::Sms,
                    target: phone.to_string(),
                    user_id: Some(*user),
                    matter_id: Some(msg.matter_id),
                    subject: msg.title.clone(),
                    body: text.clone(),
                    created_at: now,
                    due_at: now,
                    mentions: Vec::new(),
                });
            }
        }
        let tree = self.tree();
        for (i, (hook, scope)) in self.channels.webhook.iter().zip(&reach.hooks).enumerate() {
            if !scope.covers(&msg.about, &tree) {
                continue;
            }
            let mentions = match hook.format {
                WebhookFormat::Dingtalk | WebhookFormat::Wecom => {
                    phones.iter().map(|(phone, _)| phone.to_string()).collect()
                }
                WebhookFormat::Generic | WebhookFormat::Feishu => Vec::new(),
            };
            d.outbox.push(Notice {
                id: message_id(&[&msg.cause, "webhook", &i.to_string()]),
                channel: Channel::Webhook,
                target: i.to_string(),
                user_id: None,
                matter_id: Some(msg.matter_id),
                subject: msg.title.clone(),
                body: msg.body.clone(),
                created_at: now,
                due_at: now,
                mentions,
            });
        }
    }

    /// The next daily digest: today at the digest hour if it is still to come on a working day,
    /// else that hour on the next working day.
    fn digest_slot(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let calendar = self.calendar();
        let china = luoshi_domain::china_offset();
        let mut day = luoshi_domain::china_date(now);
        let at = |day: chrono::NaiveDate| {
            day.and_hms_opt(self.channels.delivery.digest_hour.min(23), 0, 0)
                .and_then(|t| t.and_local_timezone(china).single())
                .map_or(now, |t| t.to_utc())
        };
        if !(calendar.is_working_day(day) && at(day) > now) {
            day = calendar.add_working_days(day, 1);
        }
        at(day)
    }

    /// The messages a step writes with its event: a reminder by hand goes to the liaisons of
    /// every unit still at work on the matter, asking them to confirm.
    pub(crate) async fn dispatch_for(
        &self,
        t: &Transition,
        now: DateTime<Utc>,
    ) -> Result<Dispatch> {
        let mut d = Dispatch::default();
        let m = &t.matter;
        let Some(step) = t.events.iter().find(|e| {
            matches!(
                e.kind,
                EventKind::Reminded
                    | EventKind::Reassigned
                    | EventKind::Returned
                    | EventKind::ReportReturned
                    | EventKind::Instruction
            )
        }) else {
            return Ok(d);
        };
        // A reminder or a leader's instruction goes to every unit at work, or to the one a
        // reminder names; a reassignment to the unit given the work, a return to the lead unit
        // whose completion was sent back, a report sent back to the unit that made it.
        let to_all = step.kind == EventKind::Instruction;
        let units: Vec<UnitId> = match step.unit_id {
            Some(unit) if !to_all => vec![unit],
            _ => m
                .assignments
                .iter()
                .filter(|a| a.state.is_working())
                .map(|a| a.unit_id)
                .collect(),
        };
        let (users, reach) = self.reach().await?;
        let liaisons: Vec<&User> = users
            .iter()
            .filter(|u| u.role == Role::Liaison && units.contains(&u.unit_id))
            .collect();
        let leader = || {
            users
                .iter()
                .find(|u| u.id == step.actor_id && !u.display_name.is_empty())
                .map_or("领导".to_string(), |u| format!("{}同志", u.display_name))
        };
        let number = self.tree().number_label(m.org_id, m.number);
        let (kind, label, message) = match step.kind {
            EventKind::Instruction => {
                let what = step.instruction.map_or("批示", InstructionKind::label);
                (
                    "instruction",
                    what,
                    format!("{}{what}:{}", leader(), step.comment),
                )
            }
            EventKind::Reassigned => (
                "reassign",
                "改派",
                format!("{}请及时签收办理。", step.comment),
            ),
            EventKind::Returned => (
                "return",
                "退回",
                format!(
                    "办结申请被退回,理由:{}。请补充办理、反馈进展后再次申请办结。",
                    step.comment
                ),
            ),
            EventKind::ReportReturned => (
                "report_return",
                "退回反馈",
                format!("进展反馈被退回,理由:{}。请按要求重新反馈。", step.comment),
            ),
            _ if step.comment.is_empty() => {
                ("remind", "催办", "请抓紧办理并反馈进展。".to_string())
            }
            _ => ("remind", "催办", step.comment.clone()),
        };
        // A reminder by hand is a 催办 like the ladder's, so it is texted too; a reassignment or
        // a return is read in the system.
        let sms = (kind == "remind").then(|| sms_text("催办:", &number, &m.title, &message));
        self.address(
            &mut d,
            &Message {
                // The step's version of the matter tells two steps apart even at one instant,
                // as under a clock fixed by `--clock`.
                cause: format!("{}:{kind}:{}:{}", m.id, m.version, now.timestamp_micros()),
                title: format!("{label}:{}", m.title),
                body: format!("{number}《{}》:{message}", m.title),
                matter_id: m.id,
                about: units.iter().copied().chain([m.org_id]).collect(),
                // A 批示 asks for action and a receipt; a tick or a praise is for information.
                confirm: step.kind != EventKind::Instruction
                    || step.instruction == Some(InstructionKind::Instruct),
                sms,
            },
            &units
                .iter()
                .map(|u| Addressee::Liaisons(*u))
                .collect::<Vec<_>>(),
            &liaisons,
            &reach,
            now,
        );
        Ok(d)
    }

    /// Sends what is due in the outbox. Returns (delivered, to be retried, given up). Once
    /// [`Luoshi::stop_delivering`] is called it claims nothing more, and finishes and records
    /// what it had claimed.
    pub async fn deliver(&self) -> Result<(usize, usize, usize)> {
        let _pass = self.delivering.passes.read().await;
        let delivery = &self.channels.delivery;
        let timeout = Duration::from_secs(delivery.timeout_seconds.max(1));
        let (mut delivered, mut retrying, mut failed) = (0, 0, 0);
        let wants_digest: Vec<UserId> = self
            .store
            .prefs()
            .await?
            .into_iter()
            .filter(|(_, p)| p.digest)
            .map(|(u, _)| u)
            .collect();
        let digest: Vec<String> = self
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| wants_digest.contains(&u.id))
            .filter_map(|u| u.email)
            .collect();
        while !self.delivering.stopping.load(Ordering::SeqCst) {
            let now = self.now();
            let lease = now + chrono::Duration::from_std(batch_time(delivery)).unwrap_or_default();
            let batch = self.store.claim_outbox(now, lease, BATCH).await?;
            if batch.is_empty() {
                break;
            }
            // A slow receiver must not hold up the others: the batch goes out side by side,
            // a few at a time.
            let mut sending = tokio::task::JoinSet::new();
            let lanes = Arc::new(tokio::sync::Semaphore::new(SENDING_LANES));
            for group in by_recipient(batch, &digest) {
                let (channels, lanes) = (self.channels.clone(), lanes.clone());
                sending.spawn(async move {
                    let _lane = lanes.acquire_owned().await;
                    let out = combined(&group);
                    // The timeout of SMTP is per command; this bounds the whole message, so that
                    // a batch ends within its lease and a stop waits no longer than that.
                    let result = tokio::time::timeout(
                        timeout,
                        channels::send(&channels, &out, now, timeout),
                    )
                    .await
                    .unwrap_or_else(|_| Err(format!("no answer within {timeout:?}")));
                    (group, result)
                });
            }
            while let Some(done) = sending.join_next().await {
                let (group, result) = done.map_err(|e| ServiceError::Internal(Box::new(e)))?;
                for one in &group {
                    let id = &one.notice.id;
                    match &result {
                        Ok(()) => {
                            self.store.outbox_sent(id, self.now()).await?;
                            delivered += 1;
                        }
                        Err(why) => {
                            let retry = retry_at(one, now, delivery);
                            tracing::warn!(delivery = %id, error = %why, attempts = one.attempts + 1, given_up = retry.is_none(), "delivery failed");
                            self.store.outbox_failed(id, why, retry).await?;
                            if retry.is_some() {
                                retrying += 1;
                            } else {
                                failed += 1;
                            }
                        }
                    }
                }
            }
        }
        Ok((delivered, retrying, failed))
    }

    /// From now on this process claims no more deliveries and starts no sweep.
    pub fn stop_delivering(&self) {
        self.delivering.stopping.store(true, Ordering::SeqCst);
    }

    /// Stops delivering, and waits for the deliveries under way in this process to be sent and
    /// recorded, at most as long as one batch may take.
    pub async fn finish_deliveries(&self) {
        self.stop_delivering();
        let bound = batch_time(&self.channels.delivery);
        if tokio::time::timeout(bound, self.delivering.passes.write())
            .await
            .is_err()
        {
            tracing::warn!(
                waited = ?bound,
                "deliveries still under way at the stop; those not recorded go again, under the same ids, after the restart"
            );
        }
    }

    /// The caller's inbox, newest first, and how many are unread.
    pub async fn inbox(&self, user: &User) -> Result<(Vec<InboxItem>, usize)> {
        Ok((
            self.store.inbox(user.id).await?,
            self.store.unread(user.id).await?,
        ))
    }

    pub async fn unread(&self, user: &User) -> Result<usize> {
        Ok(self.store.unread(user.id).await?)
    }

    /// Marks one of the caller's messages read, or confirmed (确认收到).
    pub async fn mark_read(&self, user: &User, id: &str, confirm: bool) -> Result<()> {
        if self
            .store
            .mark_read(user.id, id, self.now(), confirm)
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound("没有这条消息".into()))
        }
    }

    pub async fn prefs(&self, user: &User) -> Result<Prefs> {
        Ok(self
            .store
            .prefs()
            .await?
            .into_iter()
            .find(|(u, _)| *u == user.id)
            .map(|(_, p)| p)
            .unwrap_or_default())
    }

    pub async fn save_prefs(&self, user: &User, prefs: Prefs) -> Result<()> {
        Ok(self.store.save_prefs(user.id, prefs).await?)
    }

    /// Sends a delivery that failed for good once more, now; the sweep's backoff is not
    /// waited for. `NotFound` for a delivery that has not failed.
    pub async fn retry_delivery(&self, user: &User, id: &str) -> Result<()> {
        self.authorize(user, Power::Administer)?;
        if !self.store.retry_delivery(id, self.now()).await? {
            return Err(ServiceError::NotFound(format!("没有发送失败的消息 {id}")));
        }
        self.audit_admin(Some(user), "delivery.retry", id.to_string())
            .await?;
        let luoshi = self.clone();
        tokio::spawn(async move {
            if let Err(e) = luoshi.deliver().await {
                tracing::warn!(error = %e, "delivering after a retry failed");
            }
        });
        Ok(())
    }

    /// Messages that failed at least once, for admins.
    pub async fn delivery_problems(&self, user: &User) -> Result<Vec<Outgoing>> {
        self.authorize(user, Power::Administer)?;
        Ok(self.store.outbox(true).await?)
    }
}

/// The e-mails due together for an address that asked for a daily digest go as one mail;
/// everything else goes on its own, under its own id.
fn by_recipient(batch: Vec<Outgoing>, digest: &[String]) -> Vec<Vec<Outgoing>> {
    let mut groups: Vec<Vec<Outgoing>> = Vec::new();
    for out in batch {
        let joins = groups.iter_mut().find(|g| {
            out.notice.channel == Channel::Email
                && digest.contains(&out.notice.target)
                && g[0].notice.channel == Channel::Email
                && g[0].notice.target == out.notice.target
        });
        match joins {
            Some(g) => g.push(out),
            None => groups.push(vec![out]),
        }
    }
    groups
}

/// One message standing for a group: itself when alone, else a digest with an id of its own.
fn combined(group: &[Outgoing]) -> Outgoing {
    if let [one] = group {
        return one.clone();
    }
    let ids: Vec<&str> = group.iter().map(|o| o.notice.id.as_str()).collect();
    let mut digest = group[0].clone();
    digest.notice.id = message_id(&ids);
    digest.notice.matter_id = None;
    digest.notice.subject = format!("督办消息汇总({}条)", group.len());
    digest.notice.body = group
        .iter()
        .map(|o| format!("【{}】\n{}", o.notice.subject, o.notice.body))
        .collect::<Vec<_>>()
        .join("\n\n");
    digest
}

/// How many messages are sent at the same time.
const SENDING_LANES: usize = 8;

/// The longest a claimed batch may take: every lane's messages one after another, each up to the
/// timeout, and a margin. A claim lasts this long, so that no other sender takes a message that
/// is still being sent.
fn batch_time(d: &Delivery) -> Duration {
    let rounds = BATCH.div_ceil(SENDING_LANES) as u64;
    Duration::from_secs(d.timeout_seconds.max(1) * rounds + 30)
}

impl Scope {
    fn covers(self, about: &[UnitId], tree: &OrgTree) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Within(root) => about.iter().any(|u| tree.is_within(*u, root)),
            Scope::Nowhere => false,
        }
    }
}

fn http_url(url: &str) -> std::result::Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        // Not the URL itself: a robot's holds its access token.
        Ok(u) => Err(format!(
            "not an http:// or https:// URL (it starts with {}:)",
            u.scheme()
        )),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

fn bad_setting(what: &str, why: &str) -> ServiceError {
    ServiceError::Invalid {
        field: None,
        message: format!("{what}: {why}"),
    }
}

/// When to try a failed message again: 30 s, 1 min, 2 min … up to an hour apart, a fifth either
/// way so that many failures do not come back at once; `None` past the horizon.
fn retry_at(out: &Outgoing, now: DateTime<Utc>, d: &Delivery) -> Option<DateTime<Utc>> {
    if now - out.notice.created_at >= chrono::Duration::hours(d.give_up_after_hours) {
        return None;
    }
    let base = (d.first_retry_seconds.max(1) << out.attempts.min(12)).min(3600);
    let jitter = base / 5;
    let spread = if jitter > 0 {
        rand::Rng::gen_range(&mut rand::thread_rng(), -jitter..=jitter)
    } else {
        0
    };
    Some(now + chrono::Duration::seconds(base + spread))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_fits_one_segment_however_long_the_title_and_the_ask() {
        let title =
            "关于进一步加快推进全市城乡一体化供水工程建设和农村饮水安全巩固提升工作的实施方案";
        let text = sms_text(
            "催办(第12次):",
            "青山县督〔2026〕1234号",
            title,
            &sms_ask(Cause::Overdue, NaiveDate::from_ymd_opt(2026, 12, 31)),
        );
        assert_eq!(text.chars().count(), SMS_CHARS, "{text}");
        assert!(
            text.len() > SMS_CHARS * 2,
            "counted in characters, not bytes"
        );
        assert!(
            text.contains("…》已超期(时限12月31日),请抓紧办结并反馈。"),
            "{text}"
        );
        assert!(
            text.starts_with("催办(第12次):青山县督〔2026〕1234号《关于进一步"),
            "{text}"
        );

        // A long message by hand gives way too, after the title.
        let text = sms_text(
            "催办:",
            "督〔2026〕7号",
            title,
            &"请立即组织力量".repeat(20),
        );
        assert_eq!(text.chars().count(), SMS_CHARS, "{text}");
        assert!(text.contains("《关于进一步…》请立即"), "{text}");
        assert!(text.ends_with('…'));

        // A short one is left whole.
        let text = sms_text(
            "临近提醒:",
            "督〔2026〕7号",
            "河道清淤",
            &sms_ask(Cause::NotSigned, None),
        );
        assert_eq!(
            text,
            "临近提醒:督〔2026〕7号《河道清淤》尚未签收,请即签收办理。"
        );
    }
}
