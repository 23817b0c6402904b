//! Decomposition and cascade (SPEC §8): a matter splits into sub-matters, which the units that
//! receive them may split again, to any depth. What the sub-matters report rolls up: a parent's
//! progress is derived from its children, and its light is the worst anywhere below it.
//!
//! The rules, exactly:
//! - A matter's progress is 100 once closed. Otherwise, if it has sub-matters that are not
//!   cancelled, it is the mean of their progress (each found by this same rule, so to any
//!   depth); without any, it is the percent its lead unit last reported.
//! - The progress of one unit's assignment is derived the same way from the sub-matters that
//!   unit decomposed its part into (those numbered by it); a unit that decomposed nothing shows
//!   what it reported.
//! - A matter's light is the worst of its own and every descendant's (red, then yellow, then
//!   green); the descendants whose light that is are the culprits, named in the reasons.

use std::collections::{HashMap, HashSet};

use crate::ids::MatterId;
use crate::light::{Cause, Light, LightContext};
use crate::matter::{Assignment, Matter, MatterState};

/// A matter with everything below it, read once and asked many questions.
pub struct Cascade<'a> {
    root: &'a Matter,
    children: HashMap<MatterId, Vec<&'a Matter>>,
}

/// A sub-matter whose own light made its ancestor's light what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Culprit<'a> {
    pub matter: &'a Matter,
    pub light: Light,
    /// Why that sub-matter is not green.
    pub causes: Vec<Cause>,
}

impl<'a> Cascade<'a> {
    /// `below` holds the root's descendants at any depth, in any order; matters that do not
    /// hang from the root are ignored.
    pub fn new(root: &'a Matter, below: &'a [Matter]) -> Cascade<'a> {
        let mut children: HashMap<MatterId, Vec<&'a Matter>> = HashMap::new();
        for m in below {
            if let Some(parent) = m.parent_id {
                children.entry(parent).or_default().push(m);
            }
        }
        for list in children.values_mut() {
            list.sort_by_key(|m| (m.number.year, m.number.seq, m.id));
        }
        Cascade { root, children }
    }

    pub fn root(&self) -> &'a Matter {
        self.root
    }

    fn children_of(&self, id: MatterId) -> &[&'a Matter] {
        self.children.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every descendant, depth first in number order, each with its depth (1 for children).
    /// A corrupt parent link that loops back is walked once.
    pub fn walk(&self) -> Vec<(usize, &'a Matter)> {
        let mut out = Vec::new();
        let mut seen = HashSet::from([self.root.id]);
        let mut stack: Vec<(usize, &'a Matter)> = self
            .children_of(self.root.id)
            .iter()
            .rev()
            .map(|m| (1, *m))
            .collect();
        while let Some((depth, m)) = stack.pop() {
            if !seen.insert(m.id) {
                continue;
            }
            out.push((depth, m));
            stack.extend(self.children_of(m.id).iter().rev().map(|c| (depth + 1, *c)));
        }
        out
    }

    /// The root's progress, in percent.
    pub fn progress(&self) -> u8 {
        self.progress_of(self.root)
    }

    /// Any matter's progress within this cascade (the root or one of its descendants).
    pub fn progress_of(&self, m: &Matter) -> u8 {
        percent(self.exact_progress(m, &mut HashSet::new()))
    }

    /// The progress shown for one unit's assignment of the root: derived from the sub-matters
    /// the unit decomposed its part into, or `None` when it decomposed nothing (what it
    /// reported stands).
    pub fn assignment_progress(&self, a: &Assignment) -> Option<u8> {
        let mut seen = HashSet::from([self.root.id]);
        let parts: Vec<f64> = self
            .children_of(self.root.id)
            .iter()
            .filter(|c| c.org_id == a.unit_id && c.state != MatterState::Cancelled)
            .map(|c| self.exact_progress(c, &mut seen))
            .collect();
        mean(&parts).map(percent)
    }

    fn exact_progress(&self, m: &Matter, seen: &mut HashSet<MatterId>) -> f64 {
        if m.state == MatterState::Closed {
            return 100.0;
        }
        if !seen.insert(m.id) {
            return 0.0;
        }
        let parts: Vec<f64> = self
            .children_of(m.id)
            .iter()
            .filter(|c| c.state != MatterState::Cancelled)
            .map(|c| self.exact_progress(c, seen))
            .collect();
        mean(&parts).unwrap_or_else(|| f64::from(m.lead().map_or(0, |a| a.percent)))
    }

    /// The root's light rolled up: the worst of its own and every descendant's, with the
    /// descendants that carry that worst light.
    pub fn light(&self, lights: &LightContext<'_>) -> (Light, Vec<Culprit<'a>>) {
        let own = lights.matter(self.root);
        let below: Vec<Culprit<'a>> = self
            .walk()
            .into_iter()
            .map(|(_, m)| Culprit {
                matter: m,
                light: lights.matter(m),
                causes: own_causes(lights, m),
            })
            .collect();
        let worst = below.iter().map(|c| c.light).fold(own, Light::max);
        let culprits = if worst == Light::Green {
            Vec::new()
        } else {
            below.into_iter().filter(|c| c.light == worst).collect()
        };
        (worst, culprits)
    }

    /// The descendants not yet closed or cancelled, drafts included.
    pub fn open(&self) -> Vec<&'a Matter> {
        self.walk()
            .into_iter()
            .map(|(_, m)| m)
            .filter(|m| !matches!(m.state, MatterState::Closed | MatterState::Cancelled))
            .collect()
    }
}

/// Why one matter's own light is not green, each cause once.
fn own_causes(lights: &LightContext<'_>, m: &Matter) -> Vec<Cause> {
    let mut causes = Vec::new();
    if m.state == MatterState::Draft {
        match lights.matter(m) {
            Light::Red => causes.push(Cause::Overdue),
            Light::Yellow => causes.push(Cause::DeadlineNear),
            Light::Green => {}
        }
    } else if m.state.is_open() {
        for a in &m.assignments {
            for c in lights.why(m, a) {
                if !causes.contains(&c) {
                    causes.push(c);
                }
            }
        }
    }
    causes
}

fn mean(parts: &[f64]) -> Option<f64> {
    (!parts.is_empty()).then(|| parts.iter().sum::<f64>() / parts.len() as f64)
}

fn percent(p: f64) -> u8 {
    p.round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests;
