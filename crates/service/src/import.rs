//! Task tables and documents brought in as matters: what each row says is read, its units found
//! in the org tree and its deadline understood; the plan shows every problem before anything is
//! written, and the same rows imported again create nothing twice.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use luoshi_domain::names::{self, Directory, Found, Mention};
use luoshi_domain::rounds::ReportRule;
use luoshi_domain::{
    Action, Cadence, EventKind, ExtensionChain, MatterId, NewEvent, OpenBelow, Power, Role, Source,
    UnitId, Urgency, User, UserId,
};
use luoshi_office::extract::{self, Candidate};
use luoshi_office::read::{self, Content};
use luoshi_office::{deadline, table};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::matters::NewMatter;
use crate::{Luoshi, Result, ServiceError, with_actor};

/// The longest title kept whole; longer task texts keep their first sentence as the title and
/// the whole text as the content.
const TITLE_MAX: usize = 200;

/// Choices made for the whole import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Where the tasks come from; guessed from the file when `None`.
    pub source: Option<Source>,
    /// The year of the document, for deadlines written without one; found in the text when `None`.
    pub year: Option<i32>,
    /// Assign (交办) the matters at once instead of leaving them as drafts.
    pub assign: bool,
    /// Import the rows without problems even if others have some.
    pub partial: bool,
}

/// One task as understood, with what could not be understood.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRow {
    pub title: String,
    pub sections: Vec<String>,
    /// Unit names as the document writes them (marks such as `*` removed).
    pub lead_units: Vec<String>,
    pub co_units: Vec<String>,
    pub leader: String,
    pub deadline_text: String,
    /// The last day the deadline phrase allows.
    pub deadline: Option<NaiveDate>,
    /// The units matched in the org tree, lead first.
    pub unit_ids: Vec<i64>,
    /// What keeps the row from being imported, in Chinese.
    pub problems: Vec<String>,
    /// What was decided for the row that a person should check (an abbreviation matched, a
    /// default deadline), in Chinese.
    pub notes: Vec<String>,
    /// Collective terms among the units (各街道, 市级相关单位), kept as written.
    pub collective: Vec<String>,
    pub cadence: Option<Cadence>,
    pub ongoing: bool,
    /// This row was imported before and will be skipped.
    pub imported_before: bool,
    /// Where the row is: its row in the sheet, or paragraph in the document (1-based).
    pub line: usize,
    #[serde(skip)]
    pub lead_unit_id: Option<UnitId>,
    #[serde(skip)]
    pub co_unit_ids: Vec<UnitId>,
    #[serde(skip)]
    pub leader_id: Option<UserId>,
    #[serde(skip)]
    pub key: String,
    #[serde(skip)]
    pub candidate: Candidate,
}

/// Everything an import would do, for review.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    /// Problems with the file as a whole (no header found, nothing recognised).
    pub file_problems: Vec<String>,
    pub year: i32,
    pub source: Source,
    /// The document named as the matters' origin.
    pub origin: String,
    /// Its 文号, where the document writes one.
    pub origin_number: String,
    /// Its date (成文日期), where the document writes one on a line of its own.
    pub origin_date: Option<NaiveDate>,
    /// A reporting cadence the document sets for all its tasks (每季度…报送), if any.
    pub cadence: Option<Cadence>,
    /// The rule that cadence is written by (每季度最后一个月30日前), which makes rounds.
    pub report_rule: Option<ReportRule>,
}

impl ImportPlan {
    pub fn problem_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.problems.is_empty()).count()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportOutcome {
    pub created: Vec<MatterId>,
    /// The origin the document became, which its matters are items of.
    pub origin_id: Option<i64>,
    /// Rows imported before, skipped.
    pub already: usize,
    /// Rows with problems, left out (only with `partial`).
    pub left_out: usize,
}

impl Luoshi {
    /// Reads a file into a plan: nothing is written. Without a user (the machine's operator
    /// trying a file, perhaps before any account exists) units are matched in the whole tree.
    pub async fn plan_import(
        &self,
        user: Option<&User>,
        file_name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportPlan> {
        let content = read::read(file_name, bytes)
            .map_err(|e| ServiceError::invalid("file", e.to_string()))?;
        // A sheet is named by its title row alone: a task cell may end like a title (…清单).
        let (candidates, file_problems, texts, titles) = match content {
            Content::Sheets(grids) => {
                let mut candidates = Vec::new();
                let mut problems = Vec::new();
                let mut texts = Vec::new();
                let mut titles = Vec::new();
                for grid in &grids {
                    let read = table::rows(grid);
                    if let Some(header_row) = read.header_row {
                        titles.extend(title_above(grid, header_row));
                    }
                    texts.extend(grid.rows.iter().take(40).flatten().cloned());
                    if read.header_row.is_some() {
                        candidates.extend(read.candidates);
                    } else if grids.len() == 1
                        || grid.rows.iter().any(|r| r.iter().any(|c| !c.is_empty()))
                    {
                        problems.extend(read.problems);
                    }
                }
                if !candidates.is_empty() {
                    problems.clear();
                }
                (candidates, problems, texts, Some(titles))
            }
            Content::Document { paragraphs, tables } => {
                let mut candidates: Vec<Candidate> = tables
                    .iter()
                    .flat_map(|t| table::rows(t).candidates)
                    .collect();
                if candidates.is_empty() {
                    candidates = extract::candidates(&paragraphs);
                }
                (candidates, Vec::new(), paragraphs, None)
            }
        };
        let mut file_problems = file_problems;
        if candidates.is_empty() && file_problems.is_empty() {
            file_problems.push("文件中没有找到任务(编号条目或带表头的任务表)".to_string());
        }
        let year = options
            .year
            .or_else(|| document_year(&texts))
            .unwrap_or_else(|| self.today().year());
        let source = options
            .source
            .unwrap_or_else(|| guess_source(file_name, &texts));
        let origin = origin(file_name, titles.as_deref().unwrap_or(&texts));
        let origin_number = origin_number(&origin, &texts);
        let origin_date = origin_date(&texts);
        let cadence = document_cadence(&texts, year);
        let report_rule = document_rule(&texts);
        self.plan_rows(
            user,
            candidates,
            file_problems,
            year,
            source,
            (origin, origin_number, origin_date),
            (cadence, report_rule),
        )
        .await
    }

    /// Builds the plan from candidate rows, as read or as corrected on the preview page.
    #[allow(clippy::too_many_arguments)]
    pub async fn plan_rows(
        &self,
        user: Option<&User>,
        candidates: Vec<Candidate>,
        file_problems: Vec<String>,
        year: i32,
        source: Source,
        (origin, origin_number, origin_date): (String, String, Option<NaiveDate>),
        (cadence, report_rule): (Option<Cadence>, Option<ReportRule>),
    ) -> Result<ImportPlan> {
        let org = user.map(|u| self.authorize(u, Power::Import)).transpose()?;
        let tree = self.tree();
        let directory = Directory::new(&tree, org);
        let leaders: Vec<User> = self
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| {
                u.role == Role::Leader && org.is_none_or(|org| tree.is_within(u.unit_id, org))
            })
            .collect();
        // Tables name the same units over and over; each name is looked up once.
        let mut found: HashMap<String, Found> = HashMap::new();
        let today = self.today();
        let mut rows: Vec<ImportRow> = candidates
            .into_iter()
            .map(|c| plan_row(c, &directory, &mut found, &leaders, year, &tree, today))
            .collect();
        // A retired unit's name still matches, so that the reader learns why it takes no work.
        for row in &mut rows {
            for id in &row.unit_ids {
                if let Some(unit) = tree.get(UnitId(*id)).filter(|u| tree.is_retired(u.id)) {
                    row.problems
                        .push(format!("“{}”已撤销,不能再交办新的事项", unit.name));
                }
            }
        }
        let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
        let before = match org {
            Some(org) => self.store.imported(org, &keys).await?,
            None => Vec::new(),
        };
        for row in &mut rows {
            row.imported_before = before.contains(&row.key);
        }
        Ok(ImportPlan {
            rows,
            file_problems,
            year,
            source,
            origin,
            origin_number,
            origin_date,
            cadence,
            report_rule,
        })
    }

    /// Creates the planned matters in one transaction, as drafts or assigned. Rows with problems
    /// stop the import unless `partial` says to leave them out.
    pub async fn import(
        &self,
        user: &User,
        plan: &ImportPlan,
        options: &ImportOptions,
    ) -> Result<ImportOutcome> {
        let org = self.authorize(user, Power::Import)?;
        if let Some(problem) = plan.file_problems.first() {
            return Err(ServiceError::invalid("file", problem.clone()));
        }
        let with_problems = plan.problem_rows();
        if with_problems > 0 && !options.partial {
            return Err(ServiceError::invalid(
                "rows",
                format!("有 {with_problems} 行存在问题,请修正后再导入,或确认只导入没有问题的行"),
            ));
        }
        let now = self.now();
        let chain = ExtensionChain(self.rules.extension_chain.clone());
        let origin = self
            .save_origin(
                org,
                user,
                origin_kind(plan.source),
                origin_title(&plan.origin, &plan.origin_number),
                plan.origin_number.clone(),
                plan.origin_date,
            )
            .await?;
        let mut batch = Vec::new();
        let mut outcome = ImportOutcome {
            origin_id: Some(origin.id),
            left_out: with_problems,
            ..ImportOutcome::default()
        };
        for row in &plan.rows {
            if !row.problems.is_empty() {
                continue;
            }
            if row.imported_before {
                outcome.already += 1;
                continue;
            }
            let Some(lead) = row.lead_unit_id else {
                continue;
            };
            let cadence = row.cadence.or(plan.cadence).unwrap_or(Cadence::Monthly);
            let deadline = match (row.deadline, row.ongoing) {
                (Some(d), _) => Some(d),
                (None, true) => None,
                (None, false) => NaiveDate::from_ymd_opt(plan.year, 12, 31),
            };
            let (title, content) = title_and_content(row);
            let matter = self
                .prepare_matter(
                    user,
                    NewMatter {
                        title,
                        content,
                        source: plan.source,
                        urgency: Urgency::Normal,
                        origin: plan.origin.clone(),
                        origin_id: Some(origin.id),
                        lead_unit_id: lead,
                        co_unit_ids: row.co_unit_ids.clone(),
                        leader_id: row.leader_id,
                        deadline,
                        cadence,
                        report_rule: plan.report_rule,
                        milestones: Vec::new(),
                        tags: Vec::new(),
                        public: plan.source == Source::WorkReport,
                        parent_id: None,
                    },
                )
                .await?;
            let mut events = vec![NewEvent::new(EventKind::Created, user.id, now, "导入")];
            let matter = if options.assign {
                let t = with_actor(self, user, |actor| {
                    // A new matter has nothing below it yet.
                    luoshi_domain::apply(
                        &matter,
                        actor,
                        Action::Assign,
                        now,
                        &chain,
                        &OpenBelow::default(),
                    )
                })?;
                events.extend(t.events);
                t.matter
            } else {
                matter
            };
            debug_assert_eq!(matter.org_id, org);
            batch.push((matter, events, row.key.clone()));
        }
        let created = self.store.import_matters(&batch).await?;
        outcome.already += batch.len() - created.len();
        outcome.created = created.iter().map(|m| m.id).collect();
        tracing::info!(
            by = %user.username,
            created = outcome.created.len(),
            already = outcome.already,
            left_out = outcome.left_out,
            "import written"
        );
        Ok(outcome)
    }
}

fn plan_row(
    c: Candidate,
    directory: &Directory,
    found: &mut HashMap<String, Found>,
    leaders: &[User],
    year: i32,
    tree: &luoshi_domain::OrgTree,
    today: NaiveDate,
) -> ImportRow {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut collective = Vec::new();
    let (leads, cos) = names::roles(&c.lead, &c.units, &c.co);
    let mut resolve = |mentions: &[Mention], problems: &mut Vec<String>| -> Vec<UnitId> {
        let mut ids = Vec::new();
        for m in mentions {
            let pieces = match lookup(directory, found, &m.name) {
                Found::Unknown => match directory.segment(&m.name).or_else(|| {
                    let pieces = names::split_by_shape(&m.name)?;
                    notes.push(format!(
                        "“{}”按单位名称拆分为“{}”,请核对",
                        m.name,
                        pieces.join("”“")
                    ));
                    Some(pieces)
                }) {
                    Some(pieces) => pieces,
                    None => {
                        problems.push(format!("未找到单位“{}”", m.name));
                        continue;
                    }
                },
                _ => vec![m.name.clone()],
            };
            for name in pieces {
                match lookup(directory, found, &name) {
                    Found::Unit { id, confidence } => {
                        if confidence < 0.9 {
                            let full = tree.get(id).map_or("", |u| u.name.as_str());
                            notes.push(format!("“{name}”按简称对应“{full}”,请核对"));
                        }
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    Found::Collective => collective.push(name),
                    Found::Ambiguous(units) => {
                        let names: Vec<&str> = units
                            .iter()
                            .filter_map(|u| tree.get(*u))
                            .map(|u| u.name.as_str())
                            .collect();
                        problems.push(format!(
                            "“{name}”对应多个单位({}),请写全称",
                            names.join("、")
                        ));
                    }
                    Found::Unknown => problems.push(format!("未找到单位“{name}”")),
                }
            }
        }
        ids
    };
    let lead_ids = resolve(&leads, &mut problems);
    let co_ids = resolve(&cos, &mut problems);
    // A collective lead is a problem below; a collective co-unit is kept in the content.
    let among_co: Vec<&str> = collective
        .iter()
        .map(String::as_str)
        .filter(|c| !leads.iter().any(|l| l.name == *c))
        .collect();
    if !among_co.is_empty() {
        notes.push(format!(
            "“{}”为统称,不是具体单位:写入工作要求,不单独交办",
            among_co.join("、")
        ));
    }
    let lead_unit_id = lead_ids.first().copied();
    if leads.is_empty() {
        problems.push("未写明牵头单位或责任单位".into());
    } else if lead_unit_id.is_none() && problems.is_empty() {
        problems.push(format!(
            "牵头单位“{}”为统称,请指定具体单位",
            leads
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    if lead_ids.len() > 1
        && let Some(first) = lead_unit_id.and_then(|u| tree.get(u))
    {
        notes.push(format!(
            "有多个牵头单位,以“{}”为牵头,其余列为配合",
            first.name
        ));
    }
    let mut co_unit_ids: Vec<UnitId> = lead_ids.iter().skip(1).copied().collect();
    for id in co_ids {
        if Some(id) != lead_unit_id && !co_unit_ids.contains(&id) {
            co_unit_ids.push(id);
        }
    }

    let mut when = deadline::Deadline::default();
    match excel_serial(&c.deadline).map_or_else(|| deadline::parse(&c.deadline, year), Ok) {
        Ok(d) => when = d,
        Err(e) => problems.push(e.to_string()),
    }
    if let Some(past) = when.date.filter(|d| *d < today) {
        notes.push(format!(
            "完成时限{}已过,导入后即为逾期(红灯),请核对时限或办理情况",
            luoshi_office::cn_date(past)
        ));
    }
    if c.deadline.trim().is_empty() && c.title.contains("尽快") {
        notes.push(format!(
            "要求“尽快”完成,未写明具体时限:导入时按{year}年12月31日,请与牵头单位商定时限"
        ));
    } else if c.deadline.trim().is_empty() {
        notes.push(format!("未写明完成时限,导入时按{year}年12月31日"));
    } else if when.ongoing && when.date.is_none() && when.cadence.is_none() {
        notes.push("持续推进事项,未写反馈周期的按每月反馈".into());
    }

    let leader = c.leader.trim().to_string();
    let leader_id = leaders
        .iter()
        .find(|u| {
            !leader.is_empty() && (u.display_name == leader || leader.contains(&u.display_name))
        })
        .map(|u| u.id);
    if !leader.is_empty() && leader_id.is_none() {
        notes.push(format!("责任领导“{leader}”未对应到领导账号,导入后请补选"));
    }
    if c.title.trim().is_empty() {
        problems.push("任务内容为空".into());
    }

    let key = row_key(&c);
    ImportRow {
        title: c.title.trim().to_string(),
        sections: c.sections.clone(),
        lead_units: leads.iter().map(|m| m.name.clone()).collect(),
        co_units: cos.iter().map(|m| m.name.clone()).collect(),
        leader,
        deadline_text: c.deadline.trim().to_string(),
        deadline: when.date,
        unit_ids: lead_unit_id
            .into_iter()
            .chain(co_unit_ids.iter().copied())
            .map(|u| u.0)
            .collect(),
        problems,
        notes,
        collective,
        cadence: when.cadence,
        ongoing: when.ongoing,
        imported_before: false,
        line: c.paragraph + 1,
        lead_unit_id,
        co_unit_ids,
        leader_id,
        key,
        candidate: c,
    }
}

/// A date cell saved without its date format reads as Excel's day number (46203 for
/// 2026-06-30); numbers in the range of this century's dates are taken as such.
fn excel_serial(text: &str) -> Option<deadline::Deadline> {
    let days: i64 = text.trim().parse().ok()?;
    if !(36_526..=73_415).contains(&days) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    Some(deadline::Deadline {
        date: epoch.checked_add_days(chrono::Days::new(days as u64)),
        ..deadline::Deadline::default()
    })
}

fn lookup(directory: &Directory, found: &mut HashMap<String, Found>, name: &str) -> Found {
    found
        .entry(name.to_string())
        .or_insert_with(|| directory.find(name))
        .clone()
}

/// A row is the same row when it says the same thing under the same headings, wherever it sits
/// in the file.
fn row_key(c: &Candidate) -> String {
    let mut hash = Sha256::new();
    for part in c
        .sections
        .iter()
        .chain([&c.title, &c.lead, &c.units, &c.co, &c.deadline])
    {
        let folded: String = part.chars().filter(|ch| !ch.is_whitespace()).collect();
        hash.update(folded.as_bytes());
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The title a person scans, and the whole text: a long task keeps its first sentence as the
/// title; headings and collective units go into the content.
fn title_and_content(row: &ImportRow) -> (String, String) {
    let text = row.title.trim();
    let title = if text.chars().count() <= TITLE_MAX {
        text.to_string()
    } else {
        let first = text
            .split_inclusive(['。', ';', '\u{ff1b}'])
            .next()
            .unwrap_or(text);
        let mut short: String = first.chars().take(TITLE_MAX - 1).collect();
        if short.chars().count() < first.chars().count() || short.len() < text.len() {
            short = short.trim_end_matches(['。', ';', '\u{ff1b}']).to_string();
            short.push('…');
        }
        short
    };
    let mut content = text.to_string();
    if !row.sections.is_empty() {
        content = format!("{}\n{content}", row.sections.join(" / "));
    }
    if !row.collective.is_empty() {
        content.push_str(&format!("\n责任单位(统称):{}", row.collective.join("、")));
    }
    (title, content)
}

/// The year a document is about: the year written most often near its top (2026年…).
fn document_year(texts: &[String]) -> Option<i32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for text in texts.iter().take(60) {
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(5) {
            if w[4] == '年' && w[..4].iter().all(|c| c.is_ascii_digit()) {
                let y: String = w[..4].iter().collect();
                if let Ok(y) = y.parse::<i32>()
                    && (2000..=2100).contains(&y)
                {
                    *counts.entry(y).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// 政府工作报告 → work report, 会议纪要 → meeting … from the file name and the top of the text.
fn guess_source(file_name: &str, texts: &[String]) -> Source {
    let top: String = std::iter::once(file_name)
        .chain(texts.iter().take(40).map(String::as_str))
        .collect();
    if top.contains("政府工作报告") {
        Source::WorkReport
    } else if top.contains("纪要") || top.contains("议定") {
        Source::Meeting
    } else if top.contains("批示") {
        Source::Instruction
    } else if top.contains("专项") {
        Source::Special
    } else {
        Source::Decision
    }
}

/// The title row of a sheet: above its header, a line that fills its row alone (a merged
/// title is copied into every cell it spans), not the 附件 label or a 填报单位: line.
fn title_above(grid: &read::Grid, header_row: usize) -> Option<String> {
    grid.rows.iter().take(header_row).find_map(|row| {
        let mut texts = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
        let first = texts.next()?;
        let alone = texts.all(|t| t == first);
        let n = first.chars().count();
        let label = first.starts_with("附件") || first.contains([':', '\u{ff1a}']);
        (alone && (6..=80).contains(&n) && !label).then(|| first.to_string())
    })
}

/// The document the tasks come from: the first line that reads like a title (…方案, …的通知,
/// …分解表), else the file name without its extension.
fn origin(file_name: &str, texts: &[String]) -> String {
    let titled = texts.iter().take(40).map(|t| t.trim()).find(|t| {
        let n = t.chars().count();
        (6..=80).contains(&n)
            && [
                "通知",
                "方案",
                "分工",
                "分解",
                "纪要",
                "意见",
                "清单",
                "台账",
                "分解表",
                "任务表",
                "一览表",
                "要点",
                "计划",
            ]
            .iter()
            .any(|w| t.ends_with(w) || t.ends_with(&format!("{w}》")))
    });
    match titled {
        // Web pages put a label before the title: "• 信息名称:关于印发…的通知".
        Some(t) => t
            .rsplit_once([':', '\u{ff1a}'])
            .filter(|(label, _)| label.chars().count() <= 8)
            .map_or(t, |(_, title)| title)
            .trim()
            .to_string(),
        None => std::path::Path::new(file_name).file_stem().map_or_else(
            || file_name.to_string(),
            |s| s.to_string_lossy().into_owned(),
        ),
    }
}

/// The 文号 of the document: in brackets after its title (…纪要（云政阅〔2026〕9号）), else
/// on a line of its own near the top, as official documents print it under the issuer.
fn origin_number(origin: &str, texts: &[String]) -> String {
    let in_title = origin
        .rsplit_once(['（', '('])
        .map(|(_, n)| n.trim_end_matches(['）', ')']).trim())
        .filter(|n| looks_like_number(n));
    let alone = || {
        texts
            .iter()
            .take(40)
            .map(|t| t.trim())
            .find(|t| looks_like_number(t))
    };
    in_title.or_else(alone).unwrap_or_default().to_string()
}

/// 云政办发〔2026〕8号: a 字号, the year in 〔〕 and a number ending in 号.
fn looks_like_number(t: &str) -> bool {
    let n = t.chars().count();
    (5..=30).contains(&n) && t.contains('〔') && t.contains('〕') && t.ends_with('号')
}

/// The date the document was written: the last line that is nothing but a date, where the
/// issuer signs it.
fn origin_date(texts: &[String]) -> Option<NaiveDate> {
    texts
        .iter()
        .rev()
        .find_map(|t| NaiveDate::parse_from_str(t.trim(), "%Y年%m月%d日").ok())
}

/// The origin's title without the 文号 that the import's origin text carries after it.
fn origin_title(origin: &str, number: &str) -> String {
    if number.is_empty() {
        return origin.trim().to_string();
    }
    let without = origin
        .replace(&format!("（{number}）"), "")
        .replace(&format!("({number})"), "");
    without.trim().to_string()
}

/// What kind of origin a document is, told by the source its matters are filed under.
fn origin_kind(source: Source) -> crate::origins::OriginKind {
    use crate::origins::OriginKind;
    match source {
        Source::Meeting => OriginKind::Meeting,
        Source::Instruction => OriginKind::Instruction,
        _ => OriginKind::Document,
    }
}

/// A reporting cadence set for every task of the document: "每季度最后一个月的30日前将…进展情况报…".
fn document_cadence(texts: &[String], year: i32) -> Option<Cadence> {
    texts
        .iter()
        .filter(|t| t.contains('每') && t.contains('报'))
        .find_map(|t| {
            t.split(['。', ';', '\u{ff1b}'])
                .filter(|s| s.contains('每') && s.contains('报'))
                .find_map(|s| deadline::parse(s, year).ok().and_then(|d| d.cadence))
        })
}

/// The report rule behind that cadence, where the document writes one: every 每 of such a
/// sentence is tried as the start of a rule.
fn document_rule(texts: &[String]) -> Option<ReportRule> {
    texts
        .iter()
        .filter(|t| t.contains('每') && t.contains('报'))
        .flat_map(|t| t.split(['。', ';', '\u{ff1b}']))
        .filter(|s| s.contains('报'))
        .flat_map(|s| s.match_indices('每').map(move |(at, _)| &s[at..]))
        .find_map(ReportRule::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_cell_that_lost_its_format_reads_as_the_date_it_was() {
        assert_eq!(
            excel_serial("46203").and_then(|d| d.date),
            NaiveDate::from_ymd_opt(2026, 6, 30)
        );
        assert!(excel_serial("2026").is_none() && excel_serial("6月底前").is_none());
    }

    #[test]
    fn the_year_is_the_one_written_most_near_the_top() {
        let texts = vec![
            "2023年区政府工作报告重点工作分工方案".to_string(),
            "2022年全区生产总值…2023年目标".to_string(),
            "2023年3月3日".to_string(),
        ];
        assert_eq!(document_year(&texts), Some(2023));
        assert_eq!(document_year(&["没有年份".to_string()]), None);
    }

    #[test]
    fn a_row_is_known_again_by_what_it_says_not_where_it_sits() {
        let a = Candidate {
            title: "建设 图书馆".into(),
            lead: "市文广旅局".into(),
            paragraph: 3,
            ..Candidate::default()
        };
        let moved = Candidate {
            title: "建设图书馆".into(),
            paragraph: 9,
            ..a.clone()
        };
        assert_eq!(row_key(&a), row_key(&moved));
        let other = Candidate {
            lead: "市财政局".into(),
            ..a.clone()
        };
        assert_ne!(row_key(&a), row_key(&other));
    }

    #[test]
    fn a_quarterly_reporting_rule_in_the_notice_sets_the_cadence() {
        let texts = vec!["三、从2023年第一季度开始,各责任单位要在每季度最后一个月的30日前将本季度落实各项工作目标任务进展情况报区人民政府办公室。".to_string()];
        assert_eq!(document_cadence(&texts, 2023), Some(Cadence::Quarterly));
        assert_eq!(
            document_rule(&texts),
            Some(ReportRule::Quarterly { month: 3, day: 30 })
        );
        let monthly = vec!["请各单位于每月25日前将进展情况报送市政府督查室。".to_string()];
        assert_eq!(document_rule(&monthly), Some(ReportRule::Monthly(25)));
        assert_eq!(document_rule(&["每月报送一次".to_string()]), None);
    }
}
