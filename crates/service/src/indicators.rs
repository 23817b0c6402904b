//! 量化指标: the office sets the numbers a matter is to move; reports give their values; each
//! is read against its trajectory, and the ones off track are listed for the dashboard.

use chrono::{Datelike, NaiveDate};
use luoshi_domain::{
    Action, Direction, Indicator, IndicatorDraft, Light, LightRules, Matter, MatterId, MatterState,
    User,
};

use crate::matters::{ListQuery, MatterDetail, Order};
use crate::{Luoshi, Result};

/// An indicator as the office asks for it; the period may be left to the defaults.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    /// The day the baseline holds: January 1st of this year when left out.
    pub from: Option<NaiveDate>,
    /// The day the target is due: the matter's deadline, or the year's last day when it has
    /// none (or one before `from`).
    pub by: Option<NaiveDate>,
}

/// An indicator with how its latest value reads against its trajectory.
#[derive(Debug, Clone)]
pub struct IndicatorStatus {
    pub indicator: Indicator,
    pub light: Light,
    /// What the light means: 7月15日实际101亿元,按序时进度应达104.29亿元 ….
    pub reason: String,
}

impl IndicatorStatus {
    pub fn of(indicator: &Indicator, rules: &LightRules) -> IndicatorStatus {
        IndicatorStatus {
            light: indicator.light(rules),
            reason: indicator.describe(rules),
            indicator: indicator.clone(),
        }
    }

    /// Every indicator of a matter, in the order they were set.
    pub fn all(m: &Matter, rules: &LightRules) -> Vec<IndicatorStatus> {
        m.indicators
            .iter()
            .map(|i| IndicatorStatus::of(i, rules))
            .collect()
    }
}

/// An indicator off track, with the matter it belongs to.
#[derive(Debug, Clone)]
pub struct OffTrack {
    pub matter_id: MatterId,
    /// The matter's number under its org's 字号.
    pub number: String,
    pub title: String,
    pub lead_unit_id: luoshi_domain::UnitId,
    pub status: IndicatorStatus,
}

impl Luoshi {
    /// Sets an indicator on the matter; the matter as it now is, and the indicator.
    pub async fn set_indicator(
        &self,
        user: &User,
        id: MatterId,
        new: NewIndicator,
    ) -> Result<(MatterDetail, IndicatorStatus)> {
        let matter = self.may_set_indicator(user, id).await?;
        let year = self.today().year();
        let from = new
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).expect("a date"));
        let year_end = NaiveDate::from_ymd_opt(from.year(), 12, 31).expect("a date");
        let by = new
            .by
            .unwrap_or_else(|| matter.deadline.filter(|d| *d > from).unwrap_or(year_end));
        let draft = IndicatorDraft {
            name: new.name,
            unit: new.unit,
            baseline: new.baseline,
            target: new.target,
            direction: new.direction,
            from,
            by,
        };
        let detail = self.act(user, id, Action::SetIndicator(draft)).await?;
        let status = detail
            .indicators
            .last()
            .cloned()
            .expect("the indicator just set is the matter's last");
        Ok((detail, status))
    }

    /// The matter, if the caller may set its indicators: checked before any figure is read.
    pub async fn may_set_indicator(&self, user: &User, id: MatterId) -> Result<Matter> {
        let matter = self.visible_matter(user, id).await?;
        self.require_manager(user, &matter, "只有督查人员可以设定量化指标")?;
        Ok(matter)
    }

    /// The indicators off track on the open matters the caller may see, furthest behind first.
    pub async fn off_track(&self, user: &User) -> Result<Vec<OffTrack>> {
        let query = ListQuery {
            states: MatterState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_open())
                .collect(),
            with_indicators: true,
            // In number order the few matters with indicators are found by their own index;
            // in deadline order a large scope would be walked in the list's order.
            order: Order::Number,
            ..ListQuery::default()
        };
        let rules = &self.rules.lights;
        let mut off = Vec::new();
        for view in self.matching(user, &query).await? {
            let m = &view.matter;
            for i in &m.indicators {
                let status = IndicatorStatus::of(i, rules);
                if status.light != Light::Green {
                    off.push(OffTrack {
                        matter_id: m.id,
                        number: view.number.clone(),
                        title: m.title.clone(),
                        lead_unit_id: m.lead_unit_id,
                        status,
                    });
                }
            }
        }
        let behind = |o: &OffTrack| o.status.indicator.reading().map_or(0, |r| r.behind_percent);
        off.sort_by(|a, b| {
            behind(b)
                .cmp(&behind(a))
                .then(a.matter_id.cmp(&b.matter_id))
        });
        Ok(off)
    }
}
