//! Setting up an office of one's own: its units and its people. From the command line on the
//! machine (no one signed in, which is how the first administrator is made), or by an
//! administrator; a supervisor administers the people of the units under its own org.

use luoshi_domain::{Role, Unit, UnitId, UnitKind, User, UserId, password};
pub use luoshi_storage::Account;
use luoshi_storage::{NewUnit, NewUser};
use rand::Rng;

use crate::auth::hash_password;
use crate::{Luoshi, Result, ServiceError};

/// How an office without an administrator makes its first one.
#[derive(Debug, Clone)]
pub struct FirstSteps {
    /// The top unit, if one was added already.
    pub root: Option<Unit>,
}

impl FirstSteps {
    /// The commands to run on the server, in order.
    pub fn commands(&self) -> Vec<String> {
        let mut out = Vec::new();
        let code = match &self.root {
            Some(root) => root.code.clone(),
            None => {
                out.push("luoshi unit add ××市人民政府 --code city".to_string());
                "city".to_string()
            }
        };
        out.push(format!("luoshi user add admin --role admin --unit {code}"));
        out
    }
}

/// A unit to add.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    pub name: String,
    pub code: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub short_names: Vec<String>,
}

/// A person to add. Without a password, a one-time one is made, to be changed at the first
/// sign-in.
#[derive(Debug, Clone)]
pub struct PersonSpec {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: Option<String>,
    pub in_charge_of: Vec<UnitId>,
}

/// What an administrator changes of an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub unit_id: Option<UnitId>,
    pub disabled: Option<bool>,
    pub in_charge_of: Option<Vec<UnitId>>,
    /// `Some(None)` clears the address.
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    /// Make the person its unit's 主联络员 (the unit's other liaisons are then not), or not.
    pub primary_liaison: Option<bool>,
    /// A new one-time password, shown once, to be changed at the next sign-in.
    pub reset_password: bool,
}

impl Luoshi {
    /// What to do first when nobody can set anything up (no administrator yet): the commands
    /// that make the first one, in Chinese and English; `None` once there is one.
    pub async fn first_steps(&self) -> Result<Option<FirstSteps>> {
        if self.store.has_admin().await? {
            return Ok(None);
        }
        let root = self.tree().units().find(|u| u.parent_id.is_none()).cloned();
        Ok(Some(FirstSteps { root }))
    }

    /// Adds a unit. `actor` is `None` at the command line on the machine itself.
    pub async fn add_unit(&self, actor: Option<&User>, spec: UnitSpec) -> Result<Unit> {
        require_admin(actor)?;
        let tree = self.tree();
        let name = required(&spec.name, "name", "请填写单位名称")?;
        let code = spec.code.trim().to_string();
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ServiceError::invalid(
                "code",
                "单位代码只能由字母、数字、-和_组成,不超过40位",
            ));
        }
        if tree.units().any(|u| u.code == code) {
            return Err(ServiceError::invalid(
                "code",
                format!("单位代码 {code} 已被使用"),
            ));
        }
        if let Some(parent) = spec.parent_id
            && tree.get(parent).is_none()
        {
            return Err(ServiceError::invalid("parent_id", "上级单位不存在"));
        }
        if tree
            .units()
            .any(|u| u.name == name && u.parent_id == spec.parent_id)
        {
            return Err(ServiceError::invalid(
                "name",
                format!("同一上级单位下已有“{name}”"),
            ));
        }
        let short_names = short_names(&spec.short_names, &name);
        let id = self
            .store
            .insert_unit(&NewUnit {
                code: code.clone(),
                name: name.clone(),
                short_names: short_names.clone(),
                kind: spec.kind,
                parent_id: spec.parent_id,
            })
            .await?;
        self.reload_tree().await?;
        self.audit_admin(actor, "unit.add", format!("{id} {code} {name}"))
            .await?;
        Ok(Unit {
            id,
            code,
            name,
            short_names,
            kind: spec.kind,
            parent_id: spec.parent_id,
        })
    }

    /// Renames a unit or corrects its short names. A former name stays as a short name, so
    /// documents written before still find the unit.
    pub async fn rename_unit(
        &self,
        actor: Option<&User>,
        id: UnitId,
        name: Option<&str>,
        new_short_names: Option<Vec<String>>,
    ) -> Result<Unit> {
        require_admin(actor)?;
        let tree = self.tree();
        let mut unit = tree
            .get(id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("单位 {} 不存在", id.0)))?;
        let mut shorts = new_short_names.unwrap_or_else(|| unit.short_names.clone());
        if let Some(name) = name {
            let name = required(name, "name", "请填写单位名称")?;
            if name != unit.name {
                shorts.push(std::mem::replace(&mut unit.name, name));
            }
        }
        unit.short_names = short_names(&shorts, &unit.name);
        self.store
            .rename_unit(id, &unit.name, &unit.short_names)
            .await?;
        self.reload_tree().await?;
        let detail = format!("{} {} ({})", id.0, unit.name, unit.short_names.join("、"));
        self.audit_admin(actor, "unit.rename", detail).await?;
        Ok(unit)
    }

    /// Retires a unit (撤销, in a reorganisation) or brings it back. A retired unit keeps its
    /// matters and history, readable as they were, and is given no new work.
    pub async fn retire_unit(&self, actor: Option<&User>, id: UnitId, retired: bool) -> Result<()> {
        require_admin(actor)?;
        let unit = self
            .tree()
            .get(id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("单位 {} 不存在", id.0)))?;
        self.store
            .set_unit_retired(id, retired.then(|| self.now()))
            .await?;
        self.reload_tree().await?;
        let action = if retired {
            "unit.retire"
        } else {
            "unit.restore"
        };
        self.audit_admin(actor, action, format!("{} {}", id.0, unit.name))
            .await
    }

    /// Puts a unit under another parent (`None`: at the top of the tree); the units below it
    /// move with it, and every count kept per org is worked out again.
    pub async fn move_unit(
        &self,
        actor: Option<&User>,
        id: UnitId,
        parent: Option<UnitId>,
    ) -> Result<Unit> {
        require_admin(actor)?;
        let tree = self.tree();
        let mut unit = tree
            .get(id)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("单位 {} 不存在", id.0)))?;
        if unit.parent_id == parent {
            return Ok(unit);
        }
        if let Some(parent) = parent {
            let Some(above) = tree.get(parent) else {
                return Err(ServiceError::invalid("parent_id", "上级单位不存在"));
            };
            if tree.is_within(parent, id) {
                return Err(ServiceError::invalid(
                    "parent_id",
                    format!(
                        "不能把“{}”移到它自己或它的下级单位“{}”之下",
                        unit.name, above.name
                    ),
                ));
            }
            if tree.is_retired(parent) {
                return Err(ServiceError::invalid(
                    "parent_id",
                    format!("“{}”已撤销,不能再作为上级单位", above.name),
                ));
            }
        }
        if tree
            .units()
            .any(|u| u.id != id && u.name == unit.name && u.parent_id == parent)
        {
            return Err(ServiceError::invalid(
                "parent_id",
                format!("新的上级单位下已有“{}”", unit.name),
            ));
        }
        self.store.move_unit(id, parent).await?;
        self.reload_tree().await?;
        let under = parent
            .and_then(|p| tree.get(p))
            .map_or("(顶层)".to_string(), |p| p.name.clone());
        self.audit_admin(
            actor,
            "unit.move",
            format!("{} {} → {under}", id.0, unit.name),
        )
        .await?;
        unit.parent_id = parent;
        Ok(unit)
    }

    /// Merges unit `from` into `into` (机构改革): the merged unit's matters, assignments,
    /// people, child units and scores follow the survivor, each matter's timeline records it,
    /// the survivor keeps the merged unit's names as short names (so documents that name it
    /// still find the survivor), and the merged unit is retired with its history readable.
    pub async fn merge_unit(&self, actor: &User, from: UnitId, into: UnitId) -> Result<Unit> {
        require_admin(Some(actor))?;
        let tree = self.tree();
        let find = |id: UnitId| {
            tree.get(id)
                .cloned()
                .ok_or_else(|| ServiceError::NotFound(format!("单位 {} 不存在", id.0)))
        };
        let (merged, mut survivor) = (find(from)?, find(into)?);
        if from == into || tree.is_within(into, from) {
            return Err(ServiceError::invalid(
                "into",
                format!("不能把“{}”并入它自己或它的下级单位", merged.name),
            ));
        }
        for unit in [&merged, &survivor] {
            if tree.is_retired(unit.id) {
                return Err(ServiceError::invalid(
                    "into",
                    format!("“{}”已撤销,不能合并", unit.name),
                ));
            }
        }
        let mut shorts = survivor.short_names.clone();
        shorts.push(merged.name.clone());
        shorts.extend(merged.short_names.iter().cloned());
        survivor.short_names = short_names(&shorts, &survivor.name);
        let comment = format!(
            "机构调整:{}并入{},本事项由{}继续承办",
            merged.name, survivor.name, survivor.name
        );
        let event = luoshi_domain::NewEvent::new(
            luoshi_domain::EventKind::Reorganized,
            actor.id,
            self.now(),
            comment,
        )
        .by_unit(into);
        let merge = luoshi_storage::UnitMerge {
            from,
            into,
            into_short_names: survivor.short_names.clone(),
            event,
        };
        let matters = self.store.merge_units(&merge).await.map_err(|e| match e {
            luoshi_storage::StoreError::Conflict(_) => ServiceError::invalid(
                "from",
                format!(
                    "“{}”自己立项编号督办事项(设有督查机构),不能并入其他单位;可改名或撤销",
                    merged.name
                ),
            ),
            other => other.into(),
        })?;
        self.reload_tree().await?;
        let detail = format!(
            "{} {} → {} {} ({} matters)",
            from.0,
            merged.name,
            into.0,
            survivor.name,
            matters.len()
        );
        self.audit_admin(Some(actor), "unit.merge", detail).await?;
        Ok(survivor)
    }

    /// The accounts `viewer` administers: everyone for an administrator, the people of the
    /// units under its own org for a supervisor.
    pub async fn accounts(&self, viewer: &User) -> Result<Vec<Account>> {
        let mut accounts = self.store.accounts().await?;
        let tree = self.tree();
        match viewer.role {
            Role::Admin => {}
            Role::Supervisor => {
                let org = tree.org_of(viewer.unit_id);
                accounts.retain(|a| org.is_some_and(|org| tree.is_within(a.user.unit_id, org)));
            }
            Role::Leader | Role::Liaison => {
                return Err(ServiceError::Forbidden(
                    "只有系统管理员和督查人员可以管理人员".into(),
                ));
            }
        }
        Ok(accounts)
    }

    /// Adds a person: the account, and the one-time password made for it when none was given
    /// (shown this once). `actor` is `None` at the command line on the machine itself.
    pub async fn add_person(
        &self,
        actor: Option<&User>,
        spec: PersonSpec,
    ) -> Result<(Account, Option<String>)> {
        let username = spec.username.trim().to_string();
        if username.is_empty()
            || username.chars().count() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(ServiceError::invalid(
                "username",
                "用户名只能由字母、数字、.、_和-组成,不超过32位",
            ));
        }
        let user = User {
            id: UserId(0),
            display_name: match spec.display_name.trim() {
                "" => username.clone(),
                name => name.to_string(),
            },
            username,
            role: spec.role,
            unit_id: spec.unit_id,
            email: contact(spec.email, "email")?,
            in_charge_of: spec.in_charge_of,
        };
        self.may_administer(actor, &user)?;
        let (password, one_time) = match spec.password {
            Some(given) => {
                let problems = password::problems(&given, &user.username);
                if !problems.is_empty() {
                    return Err(ServiceError::invalid("password", problems.join(";")));
                }
                (given, false)
            }
            None => (one_time_password(&user.username), true),
        };
        let phone = contact(spec.phone, "phone")?;
        let id = self
            .store
            .insert_user(&NewUser {
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                unit_id: user.unit_id,
                email: user.email.clone(),
                password_hash: hash_password(&password),
                in_charge_of: user.in_charge_of.clone(),
                phone: phone.clone(),
                must_change_password: one_time,
            })
            .await
            .map_err(|e| match e {
                luoshi_storage::StoreError::Conflict(_) => {
                    ServiceError::invalid("username", format!("用户名 {} 已被使用", user.username))
                }
                other => other.into(),
            })?;
        let detail = format!("{} {} {}", id.0, user.username, user.role.as_str());
        self.audit_admin(actor, "user.add", detail).await?;
        let account = Account {
            user: User { id, ..user },
            phone,
            disabled: false,
            must_change_password: one_time,
            primary_liaison: false,
        };
        Ok((account, one_time.then_some(password)))
    }

    /// Changes an account. Disabling it ends its sessions and tokens at once; resetting its
    /// password makes a one-time one (returned, shown once) and ends them too.
    pub async fn change_account(
        &self,
        actor: Option<&User>,
        id: UserId,
        change: AccountChange,
    ) -> Result<(Account, Option<String>)> {
        let mut account = self
            .store
            .account(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("用户 {} 不存在", id.0)))?;
        // Both the account as it is and as it will be must be the actor's to administer.
        self.may_administer(actor, &account.user)?;
        if let Some(name) = change.display_name {
            account.user.display_name = required(&name, "display_name", "请填写姓名")?;
        }
        if let Some(role) = change.role {
            account.user.role = role;
        }
        if let Some(unit) = change.unit_id {
            account.user.unit_id = unit;
        }
        if let Some(units) = change.in_charge_of {
            account.user.in_charge_of = units;
        }
        if let Some(email) = change.email {
            account.user.email = contact(email, "email")?;
        }
        if let Some(phone) = change.phone {
            account.phone = contact(phone, "phone")?;
        }
        if let Some(disabled) = change.disabled {
            account.disabled = disabled;
        }
        if let Some(primary) = change.primary_liaison {
            account.primary_liaison = primary;
        }
        if account.primary_liaison && account.user.role != Role::Liaison {
            if change.primary_liaison == Some(true) {
                return Err(ServiceError::invalid(
                    "primary_liaison",
                    "只有联络员可以设为主联络员",
                ));
            }
            account.primary_liaison = false;
        }
        self.may_administer(actor, &account.user)?;
        if actor.is_some_and(|a| a.id == id) && account.disabled {
            return Err(ServiceError::invalid("disabled", "不能停用自己的账号"));
        }
        self.store.save_account(&account).await?;
        let mut password = None;
        if change.reset_password {
            let made = one_time_password(&account.user.username);
            self.store
                .set_password(id, &hash_password(&made), true)
                .await?;
            account.must_change_password = true;
            password = Some(made);
        }
        if account.disabled || change.reset_password {
            self.store.delete_tokens_of(id).await?;
        }
        let detail = format!(
            "{} {}{}{}",
            id.0,
            account.user.username,
            if account.disabled { " disabled" } else { "" },
            if change.reset_password {
                " password reset"
            } else {
                ""
            },
        );
        self.audit_admin(actor, "user.change", detail).await?;
        Ok((account, password))
    }

    /// Whether `actor` may administer `user` as it stands: the machine's operator and an
    /// administrator anyone; a supervisor the people of the units under its own org, and
    /// none of them an administrator.
    fn may_administer(&self, actor: Option<&User>, user: &User) -> Result<()> {
        let tree = self.tree();
        if tree.get(user.unit_id).is_none() {
            return Err(ServiceError::invalid("unit_id", "所在单位不存在"));
        }
        if let Some(unit) = user.in_charge_of.iter().find(|u| tree.get(**u).is_none()) {
            return Err(ServiceError::invalid(
                "in_charge_of",
                format!("分管单位 {} 不存在", unit.0),
            ));
        }
        if !user.in_charge_of.is_empty() && user.role != Role::Leader {
            return Err(ServiceError::invalid(
                "in_charge_of",
                "只有领导可以设置分管单位",
            ));
        }
        let Some(actor) = actor else { return Ok(()) };
        let allowed = match actor.role {
            Role::Admin => true,
            Role::Supervisor => {
                user.role != Role::Admin
                    && tree
                        .org_of(actor.unit_id)
                        .is_some_and(|org| tree.is_within(user.unit_id, org))
            }
            Role::Leader | Role::Liaison => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(
                "无权管理该人员:督查人员只能管理本级及下级单位的人员".into(),
            ))
        }
    }
}

/// Units are the administrator's: the machine's operator, or a signed-in administrator.
pub fn require_admin(actor: Option<&User>) -> Result<()> {
    match actor {
        None => Ok(()),
        Some(user) if user.role == Role::Admin => Ok(()),
        Some(_) => Err(ServiceError::Forbidden("只有系统管理员可以管理单位".into())),
    }
}

fn required(text: &str, field: &'static str, message: &str) -> Result<String> {
    match text.trim() {
        "" => Err(ServiceError::invalid(field, message)),
        t => Ok(t.to_string()),
    }
}

/// Names as people type them in one field: separated by 、 or commas (half or full width).
pub fn split_names(text: &str) -> Vec<String> {
    text.split(['、', ',', '\u{ff0c}'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Short names trimmed, without blanks, repeats or the full name itself.
fn short_names(given: &[String], name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in given.iter().map(|s| s.trim()) {
        if !s.is_empty() && s != name && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// An e-mail address or a phone number as typed: blank is none; an address needs an `@`, a
/// phone number digits (with `+`, `-` and spaces).
pub(crate) fn contact(value: Option<String>, field: &'static str) -> Result<Option<String>> {
    let Some(value) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let fine = match field {
        "email" => {
            value.len() <= 120 && value.contains('@') && !value.contains(char::is_whitespace)
        }
        _ => {
            value.len() <= 20
                && value.chars().filter(char::is_ascii_digit).count() >= 5
                && value
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
        }
    };
    if fine {
        Ok(Some(value))
    } else if field == "email" {
        Err(ServiceError::invalid(
            field,
            format!("邮箱“{value}”格式不正确"),
        ))
    } else {
        Err(ServiceError::invalid(
            field,
            format!("手机号码“{value}”格式不正确"),
        ))
    }
}

/// A one-time password of twelve characters from letters and digits that cannot be mistaken
/// for one another when read aloud or copied from paper, with each kind present.
pub(crate) fn one_time_password(username: &str) -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::thread_rng();
    loop {
        let made: String = (0..12)
            .map(|i| {
                let set = [UPPER, LOWER, DIGITS][i % 3];
                set[rng.gen_range(0..set.len())] as char
            })
            .collect();
        if password::problems(&made, username).is_empty() {
            return made;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_time_password_meets_the_password_rule() {
        for _ in 0..200 {
            let made = one_time_password("admin");
            assert_eq!(made.len(), 12);
            assert!(password::problems(&made, "admin").is_empty(), "{made}");
        }
    }

    #[test]
    fn short_names_drop_blanks_repeats_and_the_full_name() {
        let given = vec![
            " 市发改委 ".to_string(),
            String::new(),
            "市发改委".into(),
            "云州市发展和改革委员会".into(),
        ];
        assert_eq!(short_names(&given, "云州市发展和改革委员会"), ["市发改委"]);
    }

    #[test]
    fn contacts_are_checked_for_their_shape() {
        assert_eq!(contact(Some(" ".into()), "phone").unwrap(), None);
        assert!(contact(Some("138 0000 0000".into()), "phone").is_ok());
        assert!(contact(Some("一三八".into()), "phone").is_err());
        assert!(contact(Some("a@b.cn".into()), "email").is_ok());
        assert!(contact(Some("not mail".into()), "email").is_err());
    }
}
