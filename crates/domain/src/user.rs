use serde::{Deserialize, Serialize};

use crate::ids::{UnitId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// 系统管理员: the org tree, users, calendars, settings.
    Admin,
    /// 督查室: registers, assigns, reminds, reviews and closes matters within its org subtree.
    Supervisor,
    /// 领导: reads the subtree and the units in charge; approves extensions.
    Leader,
    /// 联络员: signs, reports and asks for extension or completion for its own unit.
    Liaison,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Leader, Role::Liaison];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Leader => "leader",
            Role::Liaison => "liaison",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Supervisor => "督查人员",
            Role::Leader => "领导",
            Role::Liaison => "联络员",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub email: Option<String>,
    /// Units this leader is in charge of (分管); empty for other roles.
    pub in_charge_of: Vec<UnitId>,
}

crate::matter::labelled_enum!(
    /// What an API token may do: read only, or also act (sign, report, close …).
    TokenScope {
        Read = "read", "只读";
        Write = "write", "读写";
    }
);
