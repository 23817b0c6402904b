//! A contact list (通讯录) brought in: the units and people an office already keeps in a
//! spreadsheet, shown row by row with their problems before anything is written, then added
//! to the org tree and the accounts. Importing the same list again adds nothing twice.

use std::collections::{HashMap, HashSet};

use luoshi_domain::names::{Directory, Found};
use luoshi_domain::{Role, UnitId, UnitKind, User};
use luoshi_office::contacts::{ContactRow, contacts};
use luoshi_office::read::{self, Content};
use luoshi_storage::{NewUnit, NewUser};
use serde::Serialize;

use crate::office::{contact, one_time_password};
use crate::{Luoshi, Result, ServiceError};

/// What a contact list holds, as understood, before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct OrgPlan {
    pub units: Vec<UnitLine>,
    pub people: Vec<PersonLine>,
    /// Problems of the file as a whole: no header, no rows.
    pub file_problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub name: String,
    /// The unit above it as the list names it; empty when it names none.
    pub parent: String,
    pub kind: UnitKind,
    pub short_names: Vec<String>,
    pub problems: Vec<String>,
    /// Already in the org tree, under this name or a short one: nothing to add.
    pub existing: bool,
    /// The code a new unit gets.
    pub code: String,
    /// Where the list first names it, for problems: 通讯录 第3行.
    pub at: String,
    /// Whether its place in the tree is known: it exists, or the unit above it does or will.
    #[serde(skip)]
    placed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonLine {
    pub name: String,
    pub unit: String,
    pub title: String,
    pub role: Role,
    pub username: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub problems: Vec<String>,
    /// Already has an account (the same name in the same unit, or the same username).
    pub existing: bool,
    pub at: String,
}

impl OrgPlan {
    pub fn problem_count(&self) -> usize {
        self.file_problems.len()
            + self.units.iter().filter(|u| !u.problems.is_empty()).count()
            + self
                .people
                .iter()
                .filter(|p| !p.problems.is_empty())
                .count()
    }
}

/// What an import added, with the one-time passwords of the people it added: handed out once.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgOutcome {
    pub units_added: usize,
    pub people_added: usize,
    /// (name, unit, username, one-time password) of each person added.
    #[serde(skip)]
    pub passwords: Vec<[String; 4]>,
}

impl Luoshi {
    /// Reads a contact list into a plan: nothing is written.
    pub async fn plan_org_import(&self, file_name: &str, bytes: &[u8]) -> Result<OrgPlan> {
        let content = read::read(file_name, bytes)
            .map_err(|e| ServiceError::invalid("file", e.to_string()))?;
        let Content::Sheets(grids) = content else {
            return Err(ServiceError::invalid(
                "file",
                "通讯录应为 .xlsx、.xls 或 .csv 表格",
            ));
        };
        let (rows, mut file_problems) = contacts(&grids);
        if rows.is_empty() && file_problems.is_empty() {
            file_problems.push("通讯录中没有单位或人员".to_string());
        }
        let tree = self.tree();
        let accounts = self.store.accounts().await?;
        let units = plan_units(&rows, &tree);
        let people = plan_people(&rows, &units, &tree, &accounts);
        Ok(OrgPlan {
            units,
            people,
            file_problems,
        })
    }

    /// Adds the plan's new units (parents first) and people. A plan with problems is refused
    /// whole; `actor` is `None` at the command line on the machine itself.
    pub async fn import_org(&self, actor: Option<&User>, plan: &OrgPlan) -> Result<OrgOutcome> {
        if actor.is_some_and(|a| a.role != Role::Admin) {
            return Err(ServiceError::Forbidden(
                "只有系统管理员可以导入通讯录".into(),
            ));
        }
        let problems = plan.problem_count();
        if problems > 0 {
            return Err(ServiceError::invalid(
                "file",
                format!("通讯录有 {problems} 处问题,请修正后再导入"),
            ));
        }
        let mut outcome = OrgOutcome::default();
        let mut ids: HashMap<&str, UnitId> = HashMap::new();
        let tree = self.tree();
        let directory = Directory::new(&tree, None);
        let mut waiting: Vec<&UnitLine> = Vec::new();
        for line in &plan.units {
            if line.existing {
                if let Found::Unit { id, .. } = directory.find(&line.name) {
                    ids.insert(&line.name, id);
                }
            } else {
                waiting.push(line);
            }
        }
        let root = list_root(&plan.units, &tree);
        // Parents first: a unit is added once the unit above it has an id.
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            for line in waiting {
                let parent = match line.parent.as_str() {
                    "" if root == Some(line.name.as_str()) => Ok(None),
                    "" => root.and_then(|r| ids.get(r)).map(|id| Some(*id)).ok_or(()),
                    name => match ids.get(name) {
                        Some(id) => Ok(Some(*id)),
                        None => match directory.find(name) {
                            Found::Unit { id, .. } => Ok(Some(id)),
                            _ => Err(()),
                        },
                    },
                };
                match parent {
                    Ok(parent_id) => {
                        let id = self
                            .store
                            .insert_unit(&NewUnit {
                                code: line.code.clone(),
                                name: line.name.clone(),
                                short_names: line.short_names.clone(),
                                kind: line.kind,
                                parent_id,
                            })
                            .await?;
                        ids.insert(&line.name, id);
                        outcome.units_added += 1;
                    }
                    Err(()) => still.push(line),
                }
            }
            if still.len() == before {
                let names: Vec<&str> = still.iter().map(|l| l.name.as_str()).collect();
                return Err(ServiceError::invalid(
                    "file",
                    format!("找不到上级单位:{}", names.join("、")),
                ));
            }
            waiting = still;
        }
        self.reload_tree().await?;
        let tree = self.tree();
        let directory = Directory::new(&tree, None);
        // A one-time password is a random secret of about 70 bits, which no guessing reaches:
        // it is hashed cheaply (a person's own password gets the full cost), so that a list of
        // thousands imports in seconds.
        let people: Vec<&PersonLine> = plan.people.iter().filter(|p| !p.existing).collect();
        let made: Vec<(String, String)> = tokio::task::spawn_blocking({
            let names: Vec<String> = people.iter().map(|p| p.username.clone()).collect();
            move || {
                names
                    .iter()
                    .map(|u| {
                        let password = one_time_password(u);
                        let hash = crate::auth::hash_one_time(&password);
                        (password, hash)
                    })
                    .collect()
            }
        })
        .await
        .map_err(|e| ServiceError::Internal(Box::new(e)))?;
        for (person, (password, hash)) in people.iter().zip(made) {
            let unit_id = match ids.get(person.unit.as_str()) {
                Some(id) => *id,
                None => match directory.find(&person.unit) {
                    Found::Unit { id, .. } => id,
                    _ => {
                        return Err(ServiceError::invalid(
                            "file",
                            format!("单位“{}”不存在", person.unit),
                        ));
                    }
                },
            };
            self.store
                .insert_user(&NewUser {
                    username: person.username.clone(),
                    display_name: person.name.clone(),
                    role: person.role,
                    unit_id,
                    email: person.email.clone(),
                    password_hash: hash,
                    in_charge_of: Vec::new(),
                    phone: person.phone.clone(),
                    must_change_password: true,
                })
                .await?;
            outcome.passwords.push([
                person.name.clone(),
                person.unit.clone(),
                person.username.clone(),
                password,
            ]);
            outcome.people_added += 1;
        }
        let detail = format!(
            "{} units, {} people",
            outcome.units_added, outcome.people_added
        );
        self.audit_admin(actor, "org.import", detail).await?;
        Ok(outcome)
    }
}

/// The unit that becomes the top of an empty tree: the list's first government named without
/// a parent.
fn list_root<'l>(lines: &'l [UnitLine], tree: &luoshi_domain::OrgTree) -> Option<&'l str> {
    if !tree.is_empty() {
        return None;
    }
    lines
        .iter()
        .find(|l| l.parent.is_empty() && l.kind.is_government())
        .map(|l| l.name.as_str())
}

fn where_in(row: &ContactRow) -> String {
    if row.sheet.is_empty() {
        format!("第{}行", row.line)
    } else {
        format!("{} 第{}行", row.sheet, row.line)
    }
}

/// A kind as lists write it: 政府, 部门, 乡镇, 街道, 办公室, 其他 (or the English words).
fn kind_of(text: &str, name: &str) -> Option<UnitKind> {
    let text = text.trim();
    if text.is_empty() {
        return Some(UnitKind::from_name(name));
    }
    UnitKind::parse(text).or_else(|| {
        UnitKind::ALL.into_iter().find(|k| {
            let label = k.label();
            text == label || (label.chars().count() > 1 && text.contains(label))
        })
    })
}

fn plan_units(rows: &[ContactRow], tree: &luoshi_domain::OrgTree) -> Vec<UnitLine> {
    let directory = Directory::new(tree, None);
    let mut lines: Vec<UnitLine> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut codes: HashSet<String> = tree.units().map(|u| u.code.clone()).collect();
    for row in rows.iter().filter(|r| !r.unit.is_empty()) {
        if let Some(&i) = index.get(&row.unit) {
            let line = &mut lines[i];
            if !row.parent.is_empty() && !line.parent.is_empty() && row.parent != line.parent {
                line.problems.push(format!(
                    "{}写上级单位为“{}”,与{}的“{}”不同",
                    where_in(row),
                    row.parent,
                    line.at,
                    line.parent
                ));
            } else if line.parent.is_empty() {
                line.parent.clone_from(&row.parent);
            }
            for s in &row.short_names {
                if !line.short_names.contains(s) {
                    line.short_names.push(s.clone());
                }
            }
            continue;
        }
        let mut problems = Vec::new();
        let kind = kind_of(&row.kind, &row.unit).unwrap_or_else(|| {
            problems.push(format!(
                "单位类型“{}”无法识别(可填:政府、部门、乡镇、街道、办公室、其他)",
                row.kind
            ));
            UnitKind::Other
        });
        let existing = match directory.find(&row.unit) {
            Found::Unit { confidence, .. } => confidence >= 1.0,
            Found::Ambiguous(_) => {
                problems.push(format!("单位“{}”与系统中多个单位同名", row.unit));
                false
            }
            Found::Collective | Found::Unknown => false,
        };
        let code = if existing {
            String::new()
        } else {
            let short = row.short_names.first().unwrap_or(&row.unit);
            unique(initials(short), &mut codes)
        };
        index.insert(row.unit.clone(), lines.len());
        lines.push(UnitLine {
            name: row.unit.clone(),
            parent: row.parent.clone(),
            kind,
            short_names: row.short_names.clone(),
            problems,
            existing,
            code,
            at: where_in(row),
            placed: existing,
        });
    }
    // A parent must be in the list or in the tree. In an empty tree, the list's first
    // government without one is the top unit and the others without one go under it; in a
    // tree that has units, a name it does not know may be a typing slip, so a new unit needs
    // its parent written.
    let root = list_root(&lines, tree).map(str::to_string);
    let known: HashSet<String> = lines.iter().map(|l| l.name.clone()).collect();
    for line in lines.iter_mut().filter(|l| !l.existing) {
        line.placed = true;
        if line.parent.is_empty() {
            line.placed = tree.is_empty() && root.is_some();
            if !tree.is_empty() {
                line.problems.push(format!(
                    "系统中没有单位“{}”;如需新增,请填写其上级单位",
                    line.name
                ));
            } else if root.is_none() {
                line.problems.push("缺少上级单位".to_string());
            }
        } else if !known.contains(&line.parent)
            && !matches!(directory.find(&line.parent), Found::Unit { .. })
        {
            line.placed = false;
            line.problems.push(format!(
                "上级单位“{}”既不在通讯录中,也不在系统中",
                line.parent
            ));
        }
    }
    lines
}

fn plan_people(
    rows: &[ContactRow],
    units: &[UnitLine],
    tree: &luoshi_domain::OrgTree,
    accounts: &[crate::office::Account],
) -> Vec<PersonLine> {
    let directory = Directory::new(tree, None);
    let mut taken: HashSet<String> = accounts.iter().map(|a| a.user.username.clone()).collect();
    let mut given: HashMap<String, String> = HashMap::new();
    // A province's list has thousands of units and tens of thousands of people: each is
    // looked up by key, never by a scan.
    let listed_units: HashMap<&str, &UnitLine> =
        units.iter().map(|u| (u.name.as_str(), u)).collect();
    let by_place: HashMap<(&str, UnitId), &crate::office::Account> = accounts
        .iter()
        .map(|a| ((a.user.display_name.as_str(), a.user.unit_id), a))
        .collect();
    let by_username: HashMap<&str, &crate::office::Account> = accounts
        .iter()
        .map(|a| (a.user.username.as_str(), a))
        .collect();
    let mut lines = Vec::new();
    for row in rows.iter().filter(|r| !r.name.is_empty()) {
        let mut problems = Vec::new();
        let at = where_in(row);
        let unit_id = match directory.find(&row.unit) {
            Found::Unit { id, confidence } if confidence >= 1.0 => Some(id),
            _ => None,
        };
        let line = listed_units.get(row.unit.as_str());
        let listed = line.is_some_and(|u| u.placed);
        if row.unit.is_empty() {
            problems.push("缺少所在单位".to_string());
        } else if unit_id.is_none() && !listed {
            problems.push(format!("单位“{}”不存在", row.unit));
        }
        let is_government = line
            .map(|u| u.kind.is_government())
            .or_else(|| {
                unit_id
                    .and_then(|id| tree.get(id))
                    .map(|u| u.kind.is_government())
            })
            .unwrap_or(false);
        let role = match role_of(&row.role, &row.title, is_government) {
            Some(role) => role,
            None => {
                problems.push(format!(
                    "角色“{}”无法识别(可填:系统管理员、督查人员、领导、联络员)",
                    row.role
                ));
                Role::Liaison
            }
        };
        let phone = contact(Some(row.phone.clone()), "phone").unwrap_or_else(|e| {
            problems.push(e.to_string());
            None
        });
        let email = contact(Some(row.email.clone()), "email").unwrap_or_else(|e| {
            problems.push(e.to_string());
            None
        });
        let same_person = unit_id
            .and_then(|id| by_place.get(&(row.name.as_str(), id)))
            .or_else(|| by_username.get(row.username.as_str()))
            .copied();
        let existing = same_person.is_some_and(|a| a.user.display_name == row.name);
        let username = if let Some(a) = same_person.filter(|_| existing) {
            a.user.username.clone()
        } else if !row.username.is_empty() {
            let name = row.username.clone();
            if let Some(first) = given.get(&name) {
                problems.push(format!("用户名 {name} 与{first}重复"));
            } else if taken.contains(&name) {
                problems.push(format!("用户名 {name} 已被使用"));
            } else if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                problems.push(format!("用户名 {name} 只能由字母、数字、.、_和-组成"));
            }
            given.insert(name.clone(), at.clone());
            taken.insert(name.clone());
            name
        } else {
            let mobile: String = phone
                .as_deref()
                .unwrap_or("")
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let base = if mobile.len() == 11 && !taken.contains(&mobile) {
                mobile
            } else {
                full_pinyin(&row.name)
            };
            unique(base, &mut taken)
        };
        lines.push(PersonLine {
            name: row.name.clone(),
            unit: row.unit.clone(),
            title: row.title.clone(),
            role,
            username,
            phone,
            email,
            problems,
            existing,
            at,
        });
    }
    lines
}

/// A role as lists write it; without one, the titles of a government's leaders make a leader
/// and everyone else is a liaison.
fn role_of(role: &str, title: &str, in_government: bool) -> Option<Role> {
    let role = role.trim();
    if role.is_empty() {
        const LEADERS: [&str; 6] = ["市长", "县长", "区长", "镇长", "乡长", "秘书长"];
        let leads = in_government && LEADERS.iter().any(|t| title.contains(t));
        return Some(if leads { Role::Leader } else { Role::Liaison });
    }
    Role::parse(&role.to_lowercase()).or_else(|| {
        [
            (Role::Admin, "管理员"),
            (Role::Supervisor, "督查"),
            (Role::Leader, "领导"),
            (Role::Liaison, "联络员"),
        ]
        .into_iter()
        .find(|(_, word)| role.contains(word))
        .map(|(r, _)| r)
    })
}

/// The pinyin of a name without tones, letters only: 张伟 → zhangwei.
fn full_pinyin(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::new();
    for (c, p) in name.chars().zip(name.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    if out.is_empty() {
        "user".to_string()
    } else {
        out
    }
}

/// The first letters of a name's pinyin: 市发改委 → sfgw.
fn initials(name: &str) -> String {
    use pinyin::ToPinyin;
    let out: String = name
        .to_pinyin()
        .flatten()
        .filter_map(|p| p.plain().chars().next())
        .take(12)
        .collect();
    if out.is_empty() {
        "unit".to_string()
    } else {
        out
    }
}

/// `base`, or `base2`, `base3` … whichever is not taken yet; taken from then on.
fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_codes_come_from_pinyin_and_never_twice() {
        assert_eq!(full_pinyin("张伟"), "zhangwei");
        assert_eq!(initials("市发改委"), "sfgw");
        let mut taken = HashSet::from(["zhangwei".to_string()]);
        assert_eq!(unique("zhangwei".into(), &mut taken), "zhangwei2");
        assert_eq!(unique("zhangwei".into(), &mut taken), "zhangwei3");
    }

    #[test]
    fn roles_are_read_as_lists_write_them() {
        assert_eq!(role_of("联络员", "", false), Some(Role::Liaison));
        assert_eq!(role_of("督查人员", "", false), Some(Role::Supervisor));
        assert_eq!(role_of("", "副市长", true), Some(Role::Leader));
        assert_eq!(role_of("", "办公室主任", false), Some(Role::Liaison));
        assert_eq!(role_of("局长", "", false), None);
    }
}
