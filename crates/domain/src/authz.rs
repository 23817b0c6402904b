//! What a person may do beyond a single matter, as one table. Matters are guarded by
//! [`crate::Visibility`] and [`crate::apply`]; the office's other work — imports, letters,
//! accountability, bulletins, scores, the calendar — by the powers here, each held for the
//! caller's own org and nowhere else.

use crate::lifecycle::{Actor, Denied};
use crate::{Role, UnitId};

/// A kind of work on an org's records as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Registering matters on the registration form.
    Register,
    /// Reading tables and documents into matters.
    Import,
    /// Responsibility letters (责任书).
    Letters,
    /// Accountability proposals and decisions.
    Accountability,
    /// Reading the org's bulletins (leaders see the published ones).
    ReadBulletins,
    /// Drafting, filling and publishing bulletins.
    EditBulletins,
    /// Reading assessment scores (leaders: of the units they are in charge of).
    ReadAssessment,
    /// Adjusting a score by hand, with a reason and an approver.
    AdjustScores,
    /// The administration page: failed deliveries and the holiday calendar.
    Administer,
}

impl Power {
    /// The one place that says which roles hold which power.
    pub fn granted_to(self, role: Role) -> bool {
        use Role::*;
        match self {
            Power::Register | Power::EditBulletins | Power::AdjustScores => role == Supervisor,
            Power::Import | Power::Letters | Power::Accountability | Power::Administer => {
                matches!(role, Supervisor | Admin)
            }
            Power::ReadBulletins | Power::ReadAssessment => role != Liaison,
        }
    }

    /// Why someone without the power is refused.
    pub fn refusal(self) -> &'static str {
        match self {
            Power::Register => "只有督查人员可以登记督办事项",
            Power::Import => "只有督查人员可以导入督办事项",
            Power::Letters => "只有督查人员可以管理责任书",
            Power::Accountability => "只有督查人员可以办理问责",
            Power::ReadBulletins => "无权查看通报",
            Power::EditBulletins => "只有督查人员可以编发通报",
            Power::ReadAssessment => "无权查看考核结果",
            Power::AdjustScores => "只有督查人员可以调整考核分",
            Power::Administer => "只有管理员和督查人员可以进入管理页面",
        }
    }
}

impl Actor<'_> {
    /// The org whose records this person may work on with `power`: their own government's,
    /// never another's.
    pub fn org_with(&self, power: Power) -> Result<UnitId, Denied> {
        self.org()
            .filter(|_| power.granted_to(self.user.role))
            .ok_or_else(|| Denied::Forbidden(power.refusal().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OrgTree, Unit, UnitKind, User, UserId};

    fn unit(id: i64, parent: Option<i64>, kind: UnitKind) -> Unit {
        Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: format!("u{id}"),
            short_names: vec![],
            code: format!("u{id}"),
            kind,
        }
    }

    #[test]
    fn a_power_is_held_for_the_callers_own_government_only() {
        let tree = OrgTree::new(vec![
            unit(1, None, UnitKind::Government),
            unit(2, Some(1), UnitKind::Department),
            unit(3, Some(1), UnitKind::Government),
            unit(4, Some(3), UnitKind::Department),
        ]);
        let person = |role, unit| User {
            id: UserId(9),
            username: "x".into(),
            display_name: "x".into(),
            role,
            unit_id: UnitId(unit),
            email: None,
            in_charge_of: vec![],
        };
        let city_supervisor = person(Role::Supervisor, 2);
        let county_supervisor = person(Role::Supervisor, 4);
        let liaison = person(Role::Liaison, 2);
        let of = |u: &User, p| {
            Actor {
                user: u,
                tree: &tree,
            }
            .org_with(p)
        };
        assert_eq!(of(&city_supervisor, Power::Import), Ok(UnitId(1)));
        assert_eq!(of(&county_supervisor, Power::Import), Ok(UnitId(3)));
        assert!(of(&liaison, Power::Import).is_err());
        assert!(of(&liaison, Power::ReadAssessment).is_err());
        assert!(of(&person(Role::Admin, 1), Power::EditBulletins).is_err());
        assert_eq!(
            of(&person(Role::Leader, 1), Power::ReadBulletins),
            Ok(UnitId(1))
        );
    }
}
