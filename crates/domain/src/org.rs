//! The organisation: a tree of governments, their departments and other units.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ids::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    /// A people's government (province, city, county, district): it may decompose work further.
    Government,
    /// A department of a government (市发改委, 县财政局 …).
    Department,
    /// A township's government (乡镇人民政府).
    Township,
    /// A street office (街道办事处), a district's government below it.
    Street,
    /// An office of a government itself (办公室, 督查室), which supervises rather than carries
    /// work.
    Office,
    /// Anything else: a state enterprise, a platform company, a mass organisation.
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Government,
        UnitKind::Department,
        UnitKind::Township,
        UnitKind::Street,
        UnitKind::Office,
        UnitKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Department => "department",
            UnitKind::Township => "township",
            UnitKind::Street => "street",
            UnitKind::Office => "office",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// 政府, 部门, 乡镇, 街道, 办公室, 其他.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Government => "政府",
            UnitKind::Department => "部门",
            UnitKind::Township => "乡镇",
            UnitKind::Street => "街道",
            UnitKind::Office => "办公室",
            UnitKind::Other => "其他",
        }
    }

    /// The kind a unit's full name says it is: …人民政府 a government, …乡/镇 a township,
    /// …街道(办事处) a street, …办公室/督查室 an office; anything else a department.
    pub fn from_name(name: &str) -> UnitKind {
        let name = name.trim();
        let base = name
            .strip_suffix("人民政府")
            .or_else(|| name.strip_suffix("政府"));
        match base {
            Some(place) if place.ends_with(['乡', '镇']) => UnitKind::Township,
            Some(place) if place.ends_with("街道") => UnitKind::Street,
            Some(_) => UnitKind::Government,
            None if name.ends_with("街道") || name.ends_with("街道办事处") => {
                UnitKind::Street
            }
            None if name.ends_with(['乡', '镇']) => UnitKind::Township,
            None if name.ends_with("办公室") || name.ends_with("督查室") => UnitKind::Office,
            None => UnitKind::Department,
        }
    }

    /// A level of government — a government, a township or a street — which owns the matters
    /// of its subtree and may decompose the work it is given.
    pub fn is_government(self) -> bool {
        matches!(
            self,
            UnitKind::Government | UnitKind::Township | UnitKind::Street
        )
    }

    /// Whether the unit carries work that is scored: offices supervise and others stand
    /// outside the assessment.
    pub fn is_assessed(self) -> bool {
        !matches!(self, UnitKind::Office | UnitKind::Other)
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
    /// Units retired (撤销) in a reorganisation: kept, so that their history reads as it was,
    /// but given no new work.
    retired: std::collections::HashSet<UnitId>,
    /// Each org's 字号, worked out once per tree ([`OrgTree::number_prefix`]).
    prefixes: HashMap<UnitId, String>,
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
        tree.prefixes = tree.work_out_prefixes();
        tree
    }

    /// The 字号 an org numbers its matters under (督〔2026〕5号, 青督〔2026〕7号), so that a number
    /// names one matter: 督 for the top of the tree; for an org below it, the first character of
    /// its name as people write it (its parent's name left off), then 督 — and where an org
    /// made before it took that, as many more characters as tell the two apart. An org keeps
    /// its 字号 when others are added after it.
    pub fn number_prefix(&self, org: UnitId) -> &str {
        self.prefixes.get(&org).map_or("督", String::as_str)
    }

    /// A matter's number as its org writes it.
    pub fn number_label(&self, org: UnitId, number: crate::MatterNumber) -> String {
        number.with_prefix(self.number_prefix(org))
    }

    fn work_out_prefixes(&self) -> HashMap<UnitId, String> {
        let mut orgs = self.orgs();
        orgs.sort();
        let mut taken: HashMap<UnitId, String> = HashMap::new();
        for org in orgs {
            let unit = &self.units[&org];
            let Some(parent) = unit.parent_id.and_then(|p| self.org_of(p)) else {
                taken.insert(org, "督".to_string());
                continue;
            };
            let parent = &self.units[&parent];
            let written = unit.display_name();
            let stem: Vec<char> = [parent.display_name(), parent.name.as_str()]
                .iter()
                .filter_map(|p| {
                    let p = p.trim_end_matches("人民政府").trim_end_matches("政府");
                    written.strip_prefix(p).filter(|rest| !rest.is_empty())
                })
                .next()
                .unwrap_or(written)
                .chars()
                .collect();
            let prefix = (1..=stem.len())
                .map(|n| format!("{}督", stem[..n].iter().collect::<String>()))
                .find(|p| !taken.values().any(|t| t == p))
                .unwrap_or_else(|| format!("{}{}督", stem.iter().collect::<String>(), org.0));
            taken.insert(org, prefix);
        }
        taken
    }

    /// The same tree, with these units retired.
    pub fn with_retired(mut self, retired: impl IntoIterator<Item = UnitId>) -> OrgTree {
        self.retired = retired.into_iter().collect();
        self
    }

    pub fn is_retired(&self, id: UnitId) -> bool {
        self.retired.contains(&id)
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
            .find(|id| self.units[id].kind.is_government())
            .or_else(|| chain.last().copied())
    }

    /// The units of `root`'s subtree that can own matters ([`OrgTree::org_of`]): `root` and
    /// the governments below it. A scope by org lists a third as many ids as the subtree.
    pub fn orgs_within(&self, root: UnitId) -> Vec<UnitId> {
        self.subtree(root)
            .into_iter()
            .filter(|id| *id == root || self.units[id].kind.is_government())
            .collect()
    }

    /// Every unit of the tree that can own matters: the governments, and the top of a tree
    /// with none above it.
    pub fn orgs(&self) -> Vec<UnitId> {
        self.units
            .values()
            .filter(|u| u.parent_id.is_none() || u.kind.is_government())
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

    #[test]
    fn a_units_kind_is_told_from_its_full_name() {
        for (name, kind) in [
            ("云州市人民政府", UnitKind::Government),
            ("青山县人民政府", UnitKind::Government),
            ("城关镇人民政府", UnitKind::Township),
            ("白水乡人民政府", UnitKind::Township),
            ("临江区滨江街道办事处", UnitKind::Street),
            ("云州市人民政府办公室", UnitKind::Office),
            ("市政府督查室", UnitKind::Office),
            ("云州市发展和改革委员会", UnitKind::Department),
            ("云州市财政局", UnitKind::Department),
        ] {
            assert_eq!(UnitKind::from_name(name), kind, "{name}");
        }
    }

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
    fn each_org_numbers_under_a_prefix_of_its_own_that_later_orgs_do_not_take() {
        let named = |id: i64, name: &str, short: &[&str], kind, parent: Option<i64>| Unit {
            name: name.into(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            ..unit(id, kind, parent)
        };
        let tree = OrgTree::new([
            named(1, "云州市人民政府", &["市政府"], UnitKind::Government, None),
            named(
                2,
                "云州市财政局",
                &["市财政局"],
                UnitKind::Department,
                Some(1),
            ),
            named(
                3,
                "云州市青山县人民政府",
                &["青山县政府"],
                UnitKind::Government,
                Some(1),
            ),
            named(
                4,
                "云州市青河县人民政府",
                &[],
                UnitKind::Government,
                Some(1),
            ),
            named(
                5,
                "城关镇人民政府",
                &["城关镇"],
                UnitKind::Township,
                Some(3),
            ),
        ]);
        let prefix = |id| tree.number_prefix(UnitId(id)).to_string();
        assert_eq!(
            [prefix(1), prefix(3), prefix(4), prefix(5)],
            ["督", "青督", "青河督", "城督"]
        );
        let n = crate::MatterNumber { year: 2026, seq: 7 };
        assert_eq!(tree.number_label(UnitId(3), n), "青督〔2026〕7号");
        assert_eq!(tree.number_label(UnitId(1), n), "督〔2026〕7号");
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
