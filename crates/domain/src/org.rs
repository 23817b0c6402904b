//! The organisation: a tree of governments, their departments and other units.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ids::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    /// A people's government (city, county, township, street): it may decompose work further.
    Government,
    /// A department of a government (市发改委, 县财政局 …).
    Department,
    /// Anything else: an office section, a state enterprise, a platform company.
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [UnitKind::Government, UnitKind::Department, UnitKind::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Department => "department",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
}

impl Unit {
    /// The name people use day to day: the first short name, else the full name.
    pub fn display_name(&self) -> &str {
        self.short_names.first().unwrap_or(&self.name)
    }
}

/// The whole org tree in memory: a city has tens of units and a province thousands, so every
/// scope question is answered here without a query.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    units: HashMap<UnitId, Unit>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl OrgTree {
    pub fn new(units: impl IntoIterator<Item = Unit>) -> OrgTree {
        let mut tree = OrgTree::default();
        for unit in units {
            if let Some(parent) = unit.parent_id {
                tree.children.entry(parent).or_default().push(unit.id);
            }
            tree.units.insert(unit.id, unit);
        }
        for kids in tree.children.values_mut() {
            kids.sort();
        }
        tree
    }

    pub fn get(&self, id: UnitId) -> Option<&Unit> {
        self.units.get(&id)
    }

    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// `unit` and its ancestors, nearest first. Stops on a cycle rather than looping.
    pub fn ancestors_or_self(&self, unit: UnitId) -> Vec<UnitId> {
        let mut chain = Vec::new();
        let mut next = Some(unit);
        while let Some(id) = next {
            if chain.contains(&id) {
                break;
            }
            let Some(u) = self.units.get(&id) else { break };
            chain.push(id);
            next = u.parent_id;
        }
        chain
    }

    /// True when `unit` is `root` or lies below it.
    pub fn is_within(&self, unit: UnitId, root: UnitId) -> bool {
        self.ancestors_or_self(unit).contains(&root)
    }

    /// The government a unit belongs to (itself, if it is one): the org whose supervision office
    /// numbers its matters and whose subtree its supervisors may act in.
    pub fn org_of(&self, unit: UnitId) -> Option<UnitId> {
        let chain = self.ancestors_or_self(unit);
        chain
            .iter()
            .copied()
            .find(|id| self.units[id].kind == UnitKind::Government)
            .or_else(|| chain.last().copied())
    }

    /// The units of `root`'s subtree that can own matters ([`OrgTree::org_of`]): `root` and
    /// the governments below it. A scope by org lists a third as many ids as the subtree.
    pub fn orgs_within(&self, root: UnitId) -> Vec<UnitId> {
        self.subtree(root)
            .into_iter()
            .filter(|id| *id == root || self.units[id].kind == UnitKind::Government)
            .collect()
    }

    /// Every unit of the tree that can own matters: the governments, and the top of a tree
    /// with none above it.
    pub fn orgs(&self) -> Vec<UnitId> {
        self.units
            .values()
            .filter(|u| u.parent_id.is_none() || u.kind == UnitKind::Government)
            .map(|u| u.id)
            .collect()
    }

    /// `root` and everything below it.
    pub fn subtree(&self, root: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        if !self.units.contains_key(&root) {
            return out;
        }
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            out.push(id);
            if let Some(kids) = self.children.get(&id) {
                stack.extend(kids.iter().rev().copied());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, kind: UnitKind, parent: Option<i64>) -> Unit {
        Unit {
            id: UnitId(id),
            code: format!("u{id}"),
            name: format!("单位{id}"),
            short_names: vec![],
            kind,
            parent_id: parent.map(UnitId),
        }
    }

    fn city() -> OrgTree {
        OrgTree::new([
            unit(1, UnitKind::Government, None),
            unit(2, UnitKind::Department, Some(1)),
            unit(3, UnitKind::Other, Some(2)),
            unit(4, UnitKind::Government, Some(1)),
            unit(5, UnitKind::Department, Some(4)),
        ])
    }

    #[test]
    fn a_section_of_an_office_belongs_to_the_government_above_it() {
        let tree = city();
        assert_eq!(tree.org_of(UnitId(3)), Some(UnitId(1)));
        assert_eq!(tree.org_of(UnitId(5)), Some(UnitId(4)));
        assert_eq!(tree.org_of(UnitId(4)), Some(UnitId(4)));
    }

    #[test]
    fn a_county_subtree_holds_its_departments_but_not_the_city() {
        let tree = city();
        assert_eq!(tree.subtree(UnitId(4)), vec![UnitId(4), UnitId(5)]);
        assert!(tree.is_within(UnitId(5), UnitId(1)));
        assert!(!tree.is_within(UnitId(2), UnitId(4)));
    }

    #[test]
    fn the_orgs_within_a_subtree_are_every_unit_there_that_can_own_a_matter() {
        let tree = city();
        assert_eq!(tree.orgs_within(UnitId(1)), vec![UnitId(1), UnitId(4)]);
        for unit in tree.subtree(UnitId(1)) {
            let org = tree.org_of(unit).unwrap();
            assert!(tree.orgs_within(UnitId(1)).contains(&org), "{unit}");
        }
        // Where no government sits above, the top of the tree owns the matters.
        let loose = OrgTree::new([
            unit(7, UnitKind::Other, None),
            unit(8, UnitKind::Department, Some(7)),
        ]);
        assert_eq!(loose.org_of(UnitId(8)), Some(UnitId(7)));
        assert_eq!(loose.orgs_within(UnitId(7)), vec![UnitId(7)]);
        assert_eq!(loose.orgs(), vec![UnitId(7)]);
        let mut orgs = tree.orgs();
        orgs.sort();
        assert_eq!(orgs, tree.orgs_within(UnitId(1)));
    }
}
