//! Registering matters and carrying them through their lifecycle: the types callers pass and
//! get back here, the use cases in one file each.

mod cascade;
pub mod consolidate;
mod instruct;
mod read;
mod register;
mod review;
mod steps;

use chrono::NaiveDate;
use luoshi_domain::rounds::ReportRule;
use luoshi_domain::{
    Cadence, Cause, Event, Light, Matter, MatterId, MatterState, Milestone, ProgressClass, Source,
    UnitId, Urgency, UserId,
};
pub use luoshi_storage::Order;
use serde::Deserialize;

/// What a person fills in to register a matter.
#[derive(Debug, Clone, Deserialize)]
pub struct NewMatter {
    pub title: String,
    pub content: String,
    pub source: Source,
    pub urgency: Urgency,
    pub origin: String,
    /// The origin record it is an item of; its title and 文号 fill `origin` when that is empty.
    pub origin_id: Option<i64>,
    pub lead_unit_id: UnitId,
    pub co_unit_ids: Vec<UnitId>,
    pub leader_id: Option<UserId>,
    /// `None`: 持续推进, reported by `cadence`.
    pub deadline: Option<NaiveDate>,
    pub cadence: Cadence,
    /// 每月25日前…: a round each period, from every unit at work.
    pub report_rule: Option<ReportRule>,
    pub milestones: Vec<Milestone>,
    pub tags: Vec<String>,
    pub public: bool,
    pub parent_id: Option<MatterId>,
}

/// A matter with the lights it shows right now.
#[derive(Debug, Clone)]
pub struct MatterView {
    pub matter: Matter,
    /// Its number under its org's 字号 (青督〔2026〕7号), as every reader is shown it.
    pub number: String,
    pub light: Light,
    /// One light per assignment, in the matter's assignment order.
    pub assignment_lights: Vec<Light>,
    /// Why each assignment's light is not green, in the same order.
    pub assignment_causes: Vec<Vec<Cause>>,
}

#[derive(Debug, Clone)]
pub struct MatterDetail {
    /// The matter with its light rolled up: the worst of its own and every sub-matter's.
    pub view: MatterView,
    /// Where the matter stands in its decomposition, as far as the reader may see it.
    pub chain: Chain,
    pub events: Vec<Event>,
    /// For each event, how a report compared with the plan on its day (超进度, 达进度 …);
    /// `None` for events that are not reports, or reports on matters without a plan.
    pub progress: Vec<Option<ProgressClass>>,
    /// The files on its record, in the order they were added; each rests on one of `events`.
    pub attachments: Vec<crate::attachments::Attachment>,
    pub working_days_left: Option<i64>,
    /// Its quantified indicators, each read against its trajectory.
    pub indicators: Vec<crate::indicators::IndicatorStatus>,
}

/// A matter's place in its decomposition (SPEC §8), filtered by what the reader may see.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The matters it was split from that the reader may see, the topmost first.
    pub ancestors: Vec<Matter>,
    /// The sub-matters the reader may see, at any depth, depth first.
    pub below: Vec<ChainNode>,
    /// The matter's progress, derived from its sub-matters when it has any that count.
    pub progress: u8,
    /// Whether `progress` comes from sub-matters rather than the lead unit's report.
    pub derived: bool,
    /// The matter's own light, before anything below is counted…
    pub own_light: Light,
    /// …and its light rolled up: the worst of its own and every sub-matter's.
    pub light: Light,
    /// The sub-matters whose light the matter's rolled-up light is, with why; `None` for one
    /// the reader may not see, which is counted but not named.
    pub culprits: Vec<(Option<Matter>, Light, Vec<Cause>)>,
    /// For each assignment, in order: the progress derived from the sub-matters its unit
    /// decomposed its part into, or `None` when it decomposed nothing.
    pub assignment_progress: Vec<Option<u8>>,
    /// How many sub-matters, at any depth, are neither closed nor cancelled, seen or not.
    pub open_below: usize,
}

/// One sub-matter in the tree below a matter.
#[derive(Debug, Clone)]
pub struct ChainNode {
    /// 1 for a child, 2 for a grandchild …, counting only the levels the reader may see.
    pub depth: usize,
    /// The sub-matter with its light rolled up from below it.
    pub view: MatterView,
    pub progress: u8,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Any of these states; empty for all.
    pub states: Vec<MatterState>,
    pub light: Option<Light>,
    pub source: Option<Source>,
    pub unit_id: Option<UnitId>,
    pub q: Option<String>,
    /// The responsible leader (责任领导).
    pub leader_id: Option<UserId>,
    /// Deadlines on or after this day.
    pub due_from: Option<NaiveDate>,
    /// Deadlines on or before this day.
    pub due_to: Option<NaiveDate>,
    /// Open past the deadline at the end of this day.
    pub overdue_on: Option<NaiveDate>,
    /// Only matters reported by a rule's rounds.
    pub by_rule: bool,
    /// Only matters with quantified indicators.
    pub with_indicators: bool,
    pub order: Order,
    pub limit: usize,
    pub offset: usize,
}

pub const MAX_PAGE: usize = 500;

#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<MatterView>,
    pub total: usize,
}
