//! `luoshi gen`: synthetic but realistic data at the size of a city or a province, for
//! measuring. The same seed gives the same data. The demo city comes first (its accounts
//! included); around it grow governments, departments and townships, each with its staff, and
//! two years of matters with the history a real ledger shows: most closed on time, some late,
//! some still open past their deadline, reports at each matter's cadence.
//!
//! A province's supervision office signs in as `sheng1` (… `sheng3`), with the demo password.
//!
//! Matters are written in batches straight through the store, each with its whole timeline,
//! so a province takes minutes, not the hours replaying every step through the use cases would.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use luoshi_domain::{
    Assignment, AssignmentRole, AssignmentState, Cadence, EventKind, Matter, MatterNumber,
    MatterState, NewEvent, Role, Source, UnitId, UnitKind, Urgency, UserId,
};
use luoshi_storage::{NewUnit, NewUser};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Luoshi, Result, ServiceError, demo};

/// How much to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// ≈ 300 units, 3,000 users, 30,000 matters.
    City,
    /// ≈ 3,000 units, 30,000 users, 300,000 matters and 3,000,000 reports over two years.
    Province,
}

impl Scale {
    pub fn parse(s: &str) -> Option<Scale> {
        match s {
            "city" => Some(Scale::City),
            "province" => Some(Scale::Province),
            _ => None,
        }
    }
}

/// What was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Generated {
    pub units: usize,
    pub users: usize,
    pub matters: usize,
    pub reports: usize,
    pub events: usize,
}

/// How far along: (what, done, of).
pub type Progress<'a> = &'a mut (dyn FnMut(&str, usize, usize) + Send);

/// Users per unit: a unit's staff who sign and report, and in a government the supervisors and
/// leaders as well.
const STAFF: usize = 10;
/// Matters written per transaction.
const BATCH: usize = 500;

/// A government being generated: its departments and lower governments, and its people.
struct Org {
    id: UnitId,
    /// Departments and lower governments: who matters are assigned to.
    units: Vec<UnitId>,
    supervisors: Vec<UserId>,
    leaders: Vec<UserId>,
}

/// Fills an empty database at `scale` (with `matters` matters instead of the scale's own
/// number, if given); refuses a database that holds anything.
pub async fn generate(
    luoshi: &Luoshi,
    scale: Scale,
    seed: u64,
    matters: Option<usize>,
    progress: Progress<'_>,
) -> Result<Generated> {
    if !luoshi.store().is_empty().await? {
        return Err(ServiceError::Conflict(
            "gen fills an empty database; this one already holds data".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let hash = crate::auth::hash_password(demo::DEMO_PASSWORD);
    let mut made = Generated::default();
    let mut g = Builder {
        luoshi,
        hash,
        made: &mut made,
        liaisons: HashMap::new(),
        next: 0,
    };

    // The province (for a province) and then the demo city inside it.
    let province = match scale {
        Scale::Province => Some(g.unit(None, "云岭省人民政府", UnitKind::Government).await?),
        Scale::City => None,
    };
    let demo = demo::fill(luoshi, province).await?;
    if let demo::Built::Created { units, users, .. } = demo {
        g.made.units += units;
        g.made.users += users;
    }
    luoshi.reload_tree().await?;
    let city = luoshi
        .tree()
        .units()
        .find(|u| u.parent_id == province && u.kind == UnitKind::Government)
        .map(|u| u.id)
        .ok_or_else(|| ServiceError::Internal("the demo city has no government".into()))?;

    let mut orgs = Vec::new();
    match scale {
        Scale::City => {
            progress("单位与人员 units and people", 0, 1);
            orgs.push(
                g.government(&mut rng, Some(city), "云州市", 35, 7, None)
                    .await?,
            );
        }
        Scale::Province => {
            let p = province.expect("a province has its government");
            orgs.push(
                g.government(&mut rng, Some(p), "云岭省", 45, 0, Some("sheng"))
                    .await?,
            );
            for (i, name) in CITIES.iter().enumerate() {
                progress("单位与人员 units and people", i, CITIES.len());
                let c = g
                    .unit(province, &format!("{name}人民政府"), UnitKind::Government)
                    .await?;
                orgs[0].units.push(c);
                orgs.push(g.government(&mut rng, Some(c), name, 35, 6, None).await?);
            }
        }
    }
    luoshi.reload_tree().await?;
    // Every government, lower ones included, numbers and supervises matters of its own.
    let tree = luoshi.tree();
    let mut all_orgs = orgs;
    let mut lower: Vec<UnitId> = tree
        .units()
        .filter(|u| u.kind == UnitKind::Government)
        .map(|u| u.id)
        .filter(|id| !all_orgs.iter().any(|o| o.id == *id))
        .collect();
    lower.sort();
    for gov in lower {
        if let Some(org) = g.org_of(&tree, gov).await? {
            all_orgs.push(org);
        }
    }

    let target = matters.unwrap_or(match scale {
        Scale::City => 30_000,
        Scale::Province => 300_000,
    });
    let weights: Vec<usize> = all_orgs.iter().map(|o| o.units.len().max(1)).collect();
    let total_weight: usize = weights.iter().sum();
    let now = luoshi.now();
    let mut batch = Vec::with_capacity(BATCH);
    let mut written = 0;
    for (org, weight) in all_orgs.iter().zip(&weights) {
        let count = target * weight / total_weight;
        for _ in 0..count {
            batch.push(g.matter(&mut rng, org, now));
            if batch.len() == BATCH {
                written += g.write(&mut batch).await?;
                progress("事项 matters", written, target);
            }
        }
    }
    written += g.write(&mut batch).await?;
    progress("事项 matters", written, target);
    // Lights are worked out now rather than at the first list or sweep that reads them.
    progress("预警灯 lights", 0, 1);
    luoshi.refresh_lights().await?;
    luoshi.store().analyze().await?;
    progress("预警灯 lights", 1, 1);
    Ok(made)
}

struct Builder<'a> {
    luoshi: &'a Luoshi,
    hash: String,
    made: &'a mut Generated,
    liaisons: HashMap<UnitId, Vec<UserId>>,
    next: usize,
}

impl Builder<'_> {
    async fn unit(&mut self, parent: Option<UnitId>, name: &str, kind: UnitKind) -> Result<UnitId> {
        self.next += 1;
        let id = self
            .luoshi
            .store()
            .insert_unit(&NewUnit {
                code: format!("g{:05}", self.next),
                name: name.to_string(),
                short_names: Vec::new(),
                kind,
                parent_id: parent,
            })
            .await?;
        self.made.units += 1;
        Ok(id)
    }

    /// A user named `username`, or by number.
    async fn user(
        &mut self,
        unit: UnitId,
        role: Role,
        in_charge_of: Vec<UnitId>,
        username: Option<String>,
    ) -> Result<UserId> {
        self.next += 1;
        let username = username.unwrap_or_else(|| format!("u{:06}", self.next));
        let id = self
            .luoshi
            .store()
            .insert_user(&NewUser {
                username: username.clone(),
                display_name: format!(
                    "{}{}",
                    SURNAMES[self.next % SURNAMES.len()],
                    GIVEN[self.next / 7 % GIVEN.len()]
                ),
                role,
                unit_id: unit,
                email: Some(format!("{username}@gen.luoshi.example")),
                password_hash: self.hash.clone(),
                in_charge_of,
                phone: None,
                must_change_password: false,
            })
            .await?;
        self.made.users += 1;
        if role == Role::Liaison {
            self.liaisons.entry(unit).or_default().push(id);
        }
        Ok(id)
    }

    /// A government with `departments` departments and `counties` lower governments (each with
    /// departments and townships of their own), staffed.
    async fn government(
        &mut self,
        rng: &mut StdRng,
        gov: Option<UnitId>,
        place: &str,
        departments: usize,
        counties: usize,
        named: Option<&str>,
    ) -> Result<Org> {
        let gov = gov.expect("a government unit");
        // Units already there (the demo city's) are kept and staffed like the new ones.
        let tree = self.luoshi.tree();
        // The tree keeps no order; ids do, and the same seed must make the same data.
        let mut existing: Vec<&luoshi_domain::Unit> =
            tree.units().filter(|u| u.parent_id == Some(gov)).collect();
        existing.sort_by_key(|u| u.id);
        let mut units: Vec<UnitId> = existing.iter().map(|u| u.id).collect();
        for d in DEPARTMENTS.iter().take(departments) {
            let name = format!("{place}{d}");
            if existing.iter().any(|u| u.name == name) {
                continue;
            }
            units.push(self.unit(Some(gov), &name, UnitKind::Department).await?);
        }
        for c in 0..counties {
            let county_name = format!(
                "{place}{}县",
                COUNTY_NAMES[(c + rng.gen_range(0..3)) % COUNTY_NAMES.len()]
            );
            let county = self
                .unit(
                    Some(gov),
                    &format!("{county_name}人民政府"),
                    UnitKind::Government,
                )
                .await?;
            units.push(county);
            for d in DEPARTMENTS.iter().take(20) {
                self.unit(
                    Some(county),
                    &format!("{county_name}{d}"),
                    UnitKind::Department,
                )
                .await?;
            }
            for t in 0..12 {
                let town = TOWNS[(t + c) % TOWNS.len()];
                self.unit(
                    Some(county),
                    &format!("{county_name}{town}镇人民政府"),
                    UnitKind::Government,
                )
                .await?;
            }
        }
        self.staff(gov, &units, named).await
    }

    /// The staff of a government and of its departments: supervisors and leaders in the
    /// government (the supervisors named `named1` … when asked), liaisons everywhere.
    async fn staff(&mut self, gov: UnitId, units: &[UnitId], named: Option<&str>) -> Result<Org> {
        let mut supervisors = Vec::new();
        let mut leaders = Vec::new();
        for i in 1..=3 {
            let name = named.map(|n| format!("{n}{i}"));
            supervisors.push(self.user(gov, Role::Supervisor, Vec::new(), name).await?);
        }
        for part in units.chunks(units.len().div_ceil(4).max(1)) {
            leaders.push(self.user(gov, Role::Leader, part.to_vec(), None).await?);
        }
        for _ in supervisors.len() + leaders.len()..STAFF {
            self.user(gov, Role::Liaison, Vec::new(), None).await?;
        }
        for unit in units {
            if !self.liaisons.contains_key(unit) {
                for _ in 0..STAFF {
                    self.user(*unit, Role::Liaison, Vec::new(), None).await?;
                }
            }
        }
        Ok(Org {
            id: gov,
            units: units.to_vec(),
            supervisors,
            leaders,
        })
    }

    /// A lower government made inside `government`, staffed now that its units exist.
    async fn org_of(&mut self, tree: &luoshi_domain::OrgTree, gov: UnitId) -> Result<Option<Org>> {
        let mut units: Vec<UnitId> = tree
            .units()
            .filter(|u| u.parent_id == Some(gov))
            .map(|u| u.id)
            .collect();
        units.sort();
        if units.is_empty() {
            // A township: no departments of its own; its staff report to the county.
            if !self.liaisons.contains_key(&gov) {
                for _ in 0..STAFF {
                    self.user(gov, Role::Liaison, Vec::new(), None).await?;
                }
            }
            return Ok(None);
        }
        self.staff(gov, &units, None).await.map(Some)
    }

    /// One matter of `org` with the history its dates imply.
    fn matter(&self, rng: &mut StdRng, org: &Org, now: DateTime<Utc>) -> (Matter, Vec<NewEvent>) {
        let today = luoshi_domain::china_date(now);
        let created = now - Duration::minutes(rng.gen_range(60 * 24 * 4..60 * 24 * 730));
        let source = pick(
            rng,
            &[
                (Source::Meeting, 30),
                (Source::Instruction, 20),
                (Source::WorkReport, 20),
                (Source::Decision, 15),
                (Source::Special, 15),
            ],
        );
        let cadence = pick(
            rng,
            &[
                (Cadence::Monthly, 50),
                (Cadence::Weekly, 20),
                (Cadence::Quarterly, 10),
                (Cadence::Once, 20),
            ],
        );
        let days = pick(rng, &[(30, 30), (90, 35), (180, 20), (365, 15)]);
        let deadline = (rng.gen_range(0..100) >= 4).then(|| {
            luoshi_domain::china_date(created) + Duration::days(days + rng.gen_range(0..20))
        });
        let lead = org.units[rng.gen_range(0..org.units.len())];
        let mut co = Vec::new();
        for _ in 0..pick(rng, &[(0, 55), (1, 30), (2, 15)]) {
            let u = org.units[rng.gen_range(0..org.units.len())];
            if u != lead && !co.contains(&u) {
                co.push(u);
            }
        }
        let supervisor = org.supervisors[rng.gen_range(0..org.supervisors.len())];
        let liaison = |unit: UnitId, rng: &mut StdRng| {
            let staff = &self.liaisons[&unit];
            staff[rng.gen_range(0..staff.len())]
        };

        // Where it stands today: past its deadline most are closed, a few late or still open.
        let overdue = deadline.is_some_and(|d| d < today);
        let roll = rng.gen_range(0..100);
        let state = if overdue {
            match roll {
                0..88 => MatterState::Closed,
                88..90 => MatterState::Cancelled,
                _ => MatterState::InProgress,
            }
        } else {
            match roll {
                0..8 => MatterState::Assigned,
                8..18 => MatterState::Signed,
                18..88 => MatterState::InProgress,
                88..95 => MatterState::CompletionRequested,
                _ => MatterState::Closed,
            }
        };
        let assigned_at = created + Duration::hours(rng.gen_range(1..48));
        let signed_at = assigned_at + Duration::hours(rng.gen_range(1..30));
        let closed_at = (state == MatterState::Closed).then(|| {
            let five = chrono::NaiveTime::from_hms_opt(17, 0, 0).expect("a valid time");
            let due = deadline.map_or(now, |d| luoshi_domain::china_instant(d, five));
            let late = rng.gen_range(0..100) < 12;
            let at = if late {
                due + Duration::days(rng.gen_range(1..20))
            } else {
                due - Duration::days(rng.gen_range(0..15))
            };
            at.max(signed_at + Duration::hours(2)).min(now)
        });
        let until = closed_at.unwrap_or(now);

        let mut events = vec![
            NewEvent::new(EventKind::Created, supervisor, created, ""),
            NewEvent::new(EventKind::Assigned, supervisor, assigned_at, ""),
        ];
        let units: Vec<(UnitId, AssignmentRole)> = std::iter::once((lead, AssignmentRole::Lead))
            .chain(co.iter().map(|u| (*u, AssignmentRole::Co)))
            .collect();
        let mut assignments = Vec::new();
        for (unit, role) in units {
            let mut a = Assignment::new(unit, role);
            let signs = state != MatterState::Assigned;
            if signs {
                let by = liaison(unit, rng);
                events.push(NewEvent::new(EventKind::Signed, by, signed_at, "").by_unit(unit));
                a.signed_at = Some(signed_at);
                a.state = AssignmentState::Signed;
            }
            let reports = matches!(
                state,
                MatterState::InProgress | MatterState::CompletionRequested | MatterState::Closed
            ) || (state == MatterState::Cancelled && signs);
            if reports {
                let every = match cadence {
                    Cadence::Weekly => 7,
                    Cadence::Monthly => 30,
                    Cadence::Quarterly => 91,
                    Cadence::Once => 60,
                };
                let span = (until - signed_at).num_days().max(1);
                let n = (span / every).clamp(1, 40) as usize;
                for k in 1..=n {
                    let at = signed_at + Duration::days(every * k as i64).min(until - signed_at);
                    let percent = ((k * 90) / n).min(95) as u8;
                    let by = liaison(unit, rng);
                    let mut e =
                        NewEvent::new(EventKind::Feedback, by, at, REPORTS[k % REPORTS.len()])
                            .by_unit(unit);
                    e.percent = Some(percent);
                    events.push(e);
                    a.percent = percent;
                    a.last_feedback_at = Some(at);
                }
                a.state = AssignmentState::InProgress;
            }
            assignments.push(a);
        }
        match state {
            MatterState::CompletionRequested | MatterState::Closed => {
                let at = closed_at
                    .map_or(until, |c| c - Duration::hours(20))
                    .max(signed_at);
                let by = liaison(lead, rng);
                let mut e = NewEvent::new(EventKind::CompletionRequested, by, at, "已按要求完成")
                    .by_unit(lead);
                e.percent = Some(100);
                events.push(e);
                for a in &mut assignments {
                    a.percent = 100;
                    a.state = AssignmentState::CompletionRequested;
                }
                if let Some(closed) = closed_at {
                    events.push(NewEvent::new(
                        EventKind::Closed,
                        supervisor,
                        closed,
                        "同意办结",
                    ));
                    for a in &mut assignments {
                        a.state = AssignmentState::Closed;
                    }
                }
            }
            MatterState::Cancelled => {
                events.push(NewEvent::new(
                    EventKind::Cancelled,
                    supervisor,
                    until,
                    "工作调整",
                ));
                for a in &mut assignments {
                    a.state = AssignmentState::Cancelled;
                }
            }
            _ => {}
        }
        events.sort_by_key(|e| e.at);
        let title = format!(
            "{}{}",
            VERBS[rng.gen_range(0..VERBS.len())],
            OBJECTS[rng.gen_range(0..OBJECTS.len())]
        );
        let matter = Matter {
            id: luoshi_domain::MatterId(0),
            org_id: org.id,
            number: MatterNumber {
                year: luoshi_domain::china_date(created).year(),
                seq: 0,
            },
            title,
            content: "按照会议部署和领导批示要求,细化工作措施,明确时间节点,按期报送进展。".into(),
            source,
            origin: ORIGINS[rng.gen_range(0..ORIGINS.len())].into(),
            origin_id: None,
            urgency: pick(
                rng,
                &[
                    (Urgency::Normal, 80),
                    (Urgency::Expedited, 15),
                    (Urgency::Urgent, 5),
                ],
            ),
            lead_unit_id: lead,
            co_unit_ids: co,
            leader_id: Some(org.leaders[rng.gen_range(0..org.leaders.len())]),
            deadline,
            cadence,
            report_rule: None,
            milestones: Vec::new(),
            indicators: Vec::new(),
            tags: Vec::new(),
            public: source == Source::WorkReport && rng.gen_range(0..3) == 0,
            parent_id: None,
            state,
            extension: None,
            created_by: supervisor,
            created_at: created,
            assigned_at: Some(assigned_at),
            closed_at,
            version: events.len() as i64,
            assignments,
        };
        (matter, events)
    }

    async fn write(&mut self, batch: &mut Vec<(Matter, Vec<NewEvent>)>) -> Result<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        let n = batch.len();
        for (_, events) in batch.iter() {
            self.made.events += events.len();
            self.made.reports += events
                .iter()
                .filter(|e| e.kind == EventKind::Feedback)
                .count();
        }
        self.luoshi.store().create_matters(batch).await?;
        batch.clear();
        self.made.matters += n;
        Ok(n)
    }
}

/// One of `choices`, each as likely as its weight.
fn pick<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|c| c.1).sum();
    let mut at = rng.gen_range(0..total);
    for (value, weight) in choices {
        if at < *weight {
            return *value;
        }
        at -= weight;
    }
    choices[choices.len() - 1].0
}

const CITIES: &[&str] = &[
    "滇池市",
    "玉溪市",
    "曲靖市",
    "保山市",
    "昭阳市",
    "丽江市",
    "普洱市",
    "临沧市",
    "楚雄市",
    "红河市",
    "文山市",
    "大理市",
];
const DEPARTMENTS: &[&str] = &[
    "发展和改革委员会",
    "财政局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业和草原局",
    "城市管理局",
    "国有资产监督管理委员会",
    "地方金融管理局",
    "信访局",
    "数据局",
    "体育局",
    "粮食和物资储备局",
    "乡村振兴局",
    "政务服务管理局",
    "机关事务管理局",
    "民族宗教事务委员会",
    "外事办公室",
    "投资促进局",
    "人民防空办公室",
    "档案局",
    "气象局",
    "地震局",
    "供销合作社",
    "残疾人联合会",
    "总工会",
];
const COUNTY_NAMES: &[&str] = &[
    "安宁", "石林", "宜良", "嵩明", "富民", "禄劝", "寻甸", "晋宁", "呈贡", "澄江",
];
const TOWNS: &[&str] = &[
    "城关", "东风", "新街", "河口", "龙泉", "太平", "永丰", "和平", "白塔", "金山", "清水", "马街",
    "高桥", "长坡",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
];
const GIVEN: &[&str] = &[
    "建国", "海燕", "志强", "丽华", "伟", "敏", "磊", "静", "军", "秀英", "明", "芳",
];
const VERBS: &[&str] = &[
    "推进",
    "落实",
    "开展",
    "加快",
    "完成",
    "组织实施",
    "深化",
    "抓好",
];
const OBJECTS: &[&str] = &[
    "老旧小区改造",
    "高标准农田建设",
    "重点项目投资",
    "营商环境优化",
    "安全生产隐患排查整治",
    "城乡供水一体化工程",
    "中小学校舍维修",
    "养老服务设施建设",
    "农村人居环境整治",
    "河湖长制工作",
    "森林防灭火",
    "稳就业促增收",
    "政务服务“一网通办”",
    "招商引资",
    "民生实事项目",
    "审计发现问题整改",
    "环保督察反馈问题整改",
    "产业园区基础设施建设",
];
const ORIGINS: &[&str] = &[
    "2026年政府工作报告",
    "政府第12次常务会议纪要",
    "主要领导批示",
    "专题会议纪要",
    "人大代表建议",
    "政协委员提案",
    "督查通知",
];
const REPORTS: &[&str] = &[
    "已召开专题会议研究部署,制定工作方案。",
    "按计划推进,本阶段任务完成。",
    "正在组织实施,进度符合预期。",
    "已完成主体工作,正在收尾。",
];
