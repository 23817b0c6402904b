//! 情况要明: counts by state, light and source, completion rates, and how each unit stands.

use std::collections::BTreeMap;

use luoshi_domain::{AssignmentState, Light, MatterState, UnitId, User};

use crate::matters::ListQuery;
use crate::{Luoshi, Result, ServiceError};

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub total: usize,
    pub by_state: BTreeMap<&'static str, usize>,
    pub by_light: BTreeMap<&'static str, usize>,
    pub by_source: BTreeMap<&'static str, usize>,
    /// Closed matters among those assigned and not cancelled.
    pub completion_rate: f64,
    pub units: Vec<UnitStanding>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitStanding {
    pub unit_id: UnitId,
    pub open: usize,
    pub red: usize,
    pub completion_rate: f64,
}

fn rate(done: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (done as f64 / of as f64 * 1000.0).round() / 1000.0
    }
}

impl Luoshi {
    /// The dashboard of what the caller may see, narrowed to the subtree of `unit` if given.
    pub async fn dashboard(&self, user: &User, unit: Option<UnitId>) -> Result<Dashboard> {
        let tree = self.tree();
        if let Some(u) = unit
            && tree.get(u).is_none()
        {
            return Err(ServiceError::invalid("unit_id", format!("单位 {u} 不存在")));
        }
        let views = self.visible_views(user, &ListQuery::default()).await?;
        let in_subtree = |u: UnitId| unit.is_none_or(|root| tree.is_within(u, root));
        let mut d = Dashboard::default();
        for s in MatterState::ALL {
            d.by_state.insert(s.as_str(), 0);
        }
        for l in Light::ALL {
            d.by_light.insert(l.as_str(), 0);
        }
        for s in luoshi_domain::Source::ALL {
            d.by_source.insert(s.as_str(), 0);
        }
        let (mut closed, mut countable) = (0, 0);
        // unit -> (open, red, closed, countable)
        let mut per_unit: BTreeMap<UnitId, (usize, usize, usize, usize)> = BTreeMap::new();
        for v in views.iter().filter(|v| v.matter.unit_ids().any(in_subtree)) {
            let m = &v.matter;
            d.total += 1;
            *d.by_state.entry(m.state.as_str()).or_default() += 1;
            *d.by_light.entry(v.light.as_str()).or_default() += 1;
            *d.by_source.entry(m.source.as_str()).or_default() += 1;
            let counts = !matches!(m.state, MatterState::Draft | MatterState::Cancelled);
            if counts {
                countable += 1;
                closed += usize::from(m.state == MatterState::Closed);
            }
            for (a, light) in m.assignments.iter().zip(&v.assignment_lights) {
                if !in_subtree(a.unit_id) || !counts {
                    continue;
                }
                let e = per_unit.entry(a.unit_id).or_default();
                let open = m.state.is_open() && a.state != AssignmentState::Closed;
                e.0 += usize::from(open);
                e.1 += usize::from(open && *light == Light::Red);
                e.2 += usize::from(a.state == AssignmentState::Closed);
                e.3 += 1;
            }
        }
        d.completion_rate = rate(closed, countable);
        d.units = per_unit
            .into_iter()
            .map(|(unit_id, (open, red, done, of))| UnitStanding {
                unit_id,
                open,
                red,
                completion_rate: rate(done, of),
            })
            .collect();
        d.units.sort_by(|a, b| {
            b.red
                .cmp(&a.red)
                .then(b.open.cmp(&a.open))
                .then(a.unit_id.cmp(&b.unit_id))
        });
        Ok(d)
    }
}
