//! Who is acting, and what they may read and manage.

use crate::ids::{UnitId, UserId};
use crate::matter::Matter;
use crate::org::OrgTree;
use crate::user::{Role, User};

/// The matters a person may read: those owned by one of `org_ids`, those whose responsible
/// leader they are, and those carried by one of `assigned_units`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    pub org_ids: Vec<UnitId>,
    pub leader_id: Option<UserId>,
    pub assigned_units: Vec<UnitId>,
}

impl Visibility {
    pub fn admits(&self, m: &Matter) -> bool {
        self.org_ids.contains(&m.org_id)
            || (self.leader_id.is_some() && m.leader_id == self.leader_id)
            || m.assignments
                .iter()
                .any(|a| self.assigned_units.contains(&a.unit_id))
    }
}

/// Who is acting, with what they may see.
pub struct Actor<'a> {
    pub user: &'a User,
    pub tree: &'a OrgTree,
}

impl Actor<'_> {
    /// The government whose subtree this person works in.
    pub fn org(&self) -> Option<UnitId> {
        self.tree.org_of(self.user.unit_id)
    }

    fn in_org(&self, unit: UnitId) -> bool {
        self.org().is_some_and(|org| self.tree.is_within(unit, org))
    }

    /// What this person may read, as one rule that a single matter check and a database query
    /// both follow.
    pub fn visibility(&self) -> Visibility {
        let user = self.user;
        let org_subtree = || {
            self.org()
                .map(|org| self.tree.orgs_within(org))
                .unwrap_or_default()
        };
        match user.role {
            Role::Admin | Role::Supervisor => Visibility {
                org_ids: org_subtree(),
                ..Visibility::default()
            },
            Role::Leader => Visibility {
                org_ids: org_subtree(),
                leader_id: Some(user.id),
                assigned_units: user
                    .in_charge_of
                    .iter()
                    .flat_map(|u| self.tree.subtree(*u))
                    .collect(),
            },
            Role::Liaison => {
                let is_gov = self
                    .tree
                    .get(user.unit_id)
                    .is_some_and(|u| u.kind.is_government());
                Visibility {
                    org_ids: if is_gov { vec![user.unit_id] } else { vec![] },
                    leader_id: None,
                    assigned_units: vec![user.unit_id],
                }
            }
        }
    }

    /// The org whose scope is exactly what this person sees, when it is one: supervisors and
    /// administrators see the matters of the orgs within theirs (as [`OrgTree::orgs_within`]
    /// names them) and no others.
    pub fn scope(&self) -> Option<UnitId> {
        match self.user.role {
            Role::Admin | Role::Supervisor => self.org(),
            Role::Leader | Role::Liaison => None,
        }
    }

    /// May this person read the matter at all?
    pub fn can_see(&self, m: &Matter) -> bool {
        self.visibility().admits(m)
    }

    /// Whether this person is a leader the matter concerns: its responsible leader, or one in
    /// charge of a unit at work on it (分管领导), who may write instructions on it.
    pub fn leads(&self, m: &Matter) -> bool {
        self.user.role == Role::Leader
            && (m.leader_id == Some(self.user.id)
                || m.assignments.iter().any(|a| {
                    self.user
                        .in_charge_of
                        .iter()
                        .any(|u| self.tree.is_within(a.unit_id, *u))
                }))
    }

    /// Supervisors manage the matters of their org; a government's liaison manages the
    /// sub-matters its own government decomposed (SPEC §8).
    pub fn manages(&self, m: &Matter) -> bool {
        match self.user.role {
            Role::Supervisor => self.in_org(m.org_id),
            Role::Liaison => {
                m.org_id == self.user.unit_id
                    && self
                        .tree
                        .get(self.user.unit_id)
                        .is_some_and(|u| u.kind.is_government())
            }
            Role::Admin | Role::Leader => false,
        }
    }
}
