//! Decomposition (SPEC §8): splitting a matter into sub-matters, and a matter's place among its
//! ancestors and descendants as the reader may see it.

use std::collections::HashMap;

use chrono::NaiveDate;
use luoshi_domain::{Actor, Cascade, Matter, MatterId, MatterState, UnitId, User};

use super::read::view_with;
use super::{Chain, ChainNode, MatterView, NewMatter};
use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// Splits a matter into one sub-matter per unit, each led by that unit and inheriting the
    /// parent's source, urgency, cadence and public flag. All are registered, or none.
    pub async fn decompose(
        &self,
        user: &User,
        parent_id: MatterId,
        units: &[UnitId],
        title: &str,
        deadline: Option<NaiveDate>,
    ) -> Result<Vec<MatterView>> {
        let parent = self.visible_matter(user, parent_id).await?;
        if units.is_empty() {
            return Err(ServiceError::invalid("units", "请填写要分解到的单位"));
        }
        let mut prepared = Vec::with_capacity(units.len());
        for &unit in units {
            let input = NewMatter {
                title: title.to_string(),
                content: parent.content.clone(),
                source: parent.source,
                urgency: parent.urgency,
                origin: parent.origin.clone(),
                // A sub-matter is a share of an item, not another item of the origin.
                origin_id: None,
                lead_unit_id: unit,
                co_unit_ids: Vec::new(),
                leader_id: parent.leader_id,
                deadline: deadline.or(parent.deadline),
                cadence: parent.cadence,
                report_rule: parent.report_rule,
                milestones: Vec::new(),
                tags: parent.tags.clone(),
                public: parent.public,
                parent_id: Some(parent_id),
            };
            prepared.push(self.prepare_matter(user, input).await?);
        }
        self.register(user, prepared).await
    }

    /// The matter's ancestors and descendants as the reader may see them, and what rolls up
    /// from below. Progress and light count every sub-matter, seen or not, so everyone reads
    /// the same figures; only names are kept from those who may not see them.
    pub(super) async fn chain(
        &self,
        user: &User,
        matter: &Matter,
        descendants: Vec<Matter>,
    ) -> Result<Chain> {
        let mut ancestors = Vec::new();
        let mut next = matter.parent_id;
        // Parent links only point at older matters, so this ends; the bound guards bad data.
        while let Some(id) = next.filter(|_| ancestors.len() < 64) {
            let Some(parent) = self.store.matter(id).await? else {
                break;
            };
            next = parent.parent_id;
            ancestors.push(parent);
        }
        let tree = self.tree();
        let actor = Actor { user, tree: &tree };
        ancestors.retain(|m| actor.can_see(m));
        ancestors.reverse();

        let calendar = self.calendar();
        let lights = self.lights(&calendar);
        let cascade = Cascade::new(matter, &descendants);
        let (_, culprits) = cascade.light(&lights);
        let culprits = culprits
            .into_iter()
            .map(|c| {
                if actor.can_see(c.matter) {
                    (Some(c.matter.clone()), c.light, c.causes)
                } else {
                    (None, c.light, Vec::new())
                }
            })
            .collect();
        // Depth counts only the levels the reader sees: a visible matter under a hidden one
        // hangs from the nearest visible ancestor.
        let mut shown_depth: HashMap<MatterId, usize> = HashMap::from([(matter.id, 0)]);
        let mut below = Vec::new();
        for (_, m) in cascade.walk() {
            let above = m
                .parent_id
                .and_then(|p| shown_depth.get(&p).copied())
                .unwrap_or(0);
            if actor.can_see(m) {
                shown_depth.insert(m.id, above + 1);
                let mut view = view_with(&lights, &tree, m.clone());
                view.light = Cascade::new(m, &descendants).light(&lights).0;
                below.push(ChainNode {
                    depth: above + 1,
                    progress: cascade.progress_of(m),
                    view,
                });
            } else {
                shown_depth.insert(m.id, above);
            }
        }
        let counted = cascade
            .walk()
            .iter()
            .any(|(d, m)| *d == 1 && m.state != MatterState::Cancelled);
        let (light, _) = cascade.light(&lights);
        Ok(Chain {
            ancestors,
            below,
            progress: cascade.progress(),
            derived: counted && matter.state != MatterState::Closed,
            own_light: lights.matter(matter),
            light,
            culprits,
            assignment_progress: matter
                .assignments
                .iter()
                .map(|a| cascade.assignment_progress(a))
                .collect(),
            open_below: cascade.open().len(),
        })
    }
}
