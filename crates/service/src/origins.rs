//! Origins (出处): the meeting, document or instruction whose items became matters, and how its
//! items stand — counted, named by item number, and reported on in a bulletin after the model of
//! the 常务会议议定事项落实情况的通报 that offices issue.

use chrono::NaiveDate;
use luoshi_domain::{Matter, MatterState, Power, UnitId, User};
use luoshi_office::cn_date;
use luoshi_office::docx::{Block, OfficialDoc, Table};
pub use luoshi_storage::origin::Origin;
use serde::Deserialize;

use crate::matters::MatterView;
use crate::{Luoshi, Result, ServiceError};

const TITLE_MAX: usize = 200;
const NUMBER_MAX: usize = 100;

/// What an origin is, as offices tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    Meeting,
    Document,
    Instruction,
}

impl OriginKind {
    pub const ALL: [OriginKind; 3] = [
        OriginKind::Meeting,
        OriginKind::Document,
        OriginKind::Instruction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OriginKind::Meeting => "meeting",
            OriginKind::Document => "document",
            OriginKind::Instruction => "instruction",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OriginKind::Meeting => "会议",
            OriginKind::Document => "文件",
            OriginKind::Instruction => "领导批示",
        }
    }

    pub fn parse(s: &str) -> Option<OriginKind> {
        OriginKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// What its items are called in a bulletin: a meeting 议定, a document 明确, a leader 交办.
    fn items_word(self) -> &'static str {
        match self {
            OriginKind::Meeting => "议定事项",
            OriginKind::Document => "明确事项",
            OriginKind::Instruction => "批示交办事项",
        }
    }
}

/// What a supervisor writes to record an origin: kind as `meeting`, `document` or
/// `instruction`, and the date as `YYYY-MM-DD` (empty when unknown), checked here so that a
/// mistake is told in words rather than refused as malformed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewOrigin {
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub date: String,
}

/// One item of an origin: its number within the origin and the matter as it stands now.
#[derive(Debug, Clone)]
pub struct OriginItem {
    /// 第N项, counted from 1 in the order the items were linked.
    pub item: usize,
    pub view: MatterView,
    /// Open past its deadline on the day asked about.
    pub overdue: bool,
    /// 100 once closed, else what its lead unit last reported.
    pub progress: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginSummary {
    pub total: usize,
    pub closed: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone)]
pub struct OriginReport {
    pub origin: Origin,
    pub items: Vec<OriginItem>,
    pub summary: OriginSummary,
    /// The lead units of the overdue items, each once in the order first met, with the numbers
    /// of its late items: 市民政局 [1], 市卫健委 [17, 18].
    pub late: Vec<(UnitId, Vec<usize>)>,
}

impl OriginReport {
    pub fn kind(&self) -> OriginKind {
        OriginKind::parse(&self.origin.kind).unwrap_or(OriginKind::Document)
    }
}

/// The matter's free-text origin as an origin record writes it: its title, and its 文号 in
/// brackets when it has one.
pub fn origin_text(o: &Origin) -> String {
    match o.number.trim() {
        "" => o.title.clone(),
        number => format!("{}（{number}）", o.title),
    }
}

impl Luoshi {
    pub async fn create_origin(&self, user: &User, input: NewOrigin) -> Result<Origin> {
        let org = self.authorize(user, Power::Register)?;
        let kind = OriginKind::parse(&input.kind).ok_or_else(|| {
            ServiceError::invalid(
                "kind",
                format!(
                    "出处类型“{}”无法识别,应为 meeting(会议)、document(文件)或 instruction(批示)",
                    input.kind.trim()
                ),
            )
        })?;
        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(ServiceError::invalid("title", "请填写出处名称"));
        }
        if title.chars().count() > TITLE_MAX {
            return Err(ServiceError::invalid(
                "title",
                format!("出处名称不能超过{TITLE_MAX}字"),
            ));
        }
        let number = input.number.trim().to_string();
        if number.chars().count() > NUMBER_MAX {
            return Err(ServiceError::invalid(
                "number",
                format!("文号不能超过{NUMBER_MAX}字"),
            ));
        }
        let date = match input.date.trim() {
            "" => None,
            d => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "date",
                            format!("日期“{d}”无法识别,应写作 2026-06-30"),
                        )
                    })?,
            ),
        };
        self.save_origin(org, user, kind, title, number, date).await
    }

    /// Writes an origin of `org`, or finds the one of the same kind, title and 文号.
    pub(crate) async fn save_origin(
        &self,
        org: UnitId,
        user: &User,
        kind: OriginKind,
        title: String,
        number: String,
        date: Option<NaiveDate>,
    ) -> Result<Origin> {
        let mut origin = Origin {
            id: 0,
            org_id: org,
            kind: kind.as_str().into(),
            title,
            number,
            date,
            created_by: user.id,
            created_at: self.now(),
        };
        origin.id = self.store.save_origin(&origin).await?;
        Ok(origin)
    }

    /// The origins of the caller's org, the latest first.
    pub async fn origins(&self, user: &User) -> Result<Vec<Origin>> {
        let org = self.authorize(user, Power::ReadBulletins)?;
        Ok(self.store.origins(org).await?)
    }

    /// An origin of the org that registers matters: the one a new matter may be linked to.
    pub(crate) async fn origin_of_org(&self, org: UnitId, id: i64) -> Result<Origin> {
        self.store
            .origin(id)
            .await?
            .map(|(o, _)| o)
            .filter(|o| o.org_id == org)
            .ok_or_else(|| {
                ServiceError::invalid("origin_id", format!("出处 {id} 不存在或不属于本级"))
            })
    }

    /// An origin with its items as they stand today.
    pub async fn origin_report(&self, user: &User, id: i64) -> Result<OriginReport> {
        let org = self.authorize(user, Power::ReadBulletins)?;
        let (origin, matters) = self
            .store
            .origin(id)
            .await?
            .filter(|(o, _)| o.org_id == org)
            .ok_or_else(|| ServiceError::NotFound(format!("出处 {id} 不存在")))?;
        Ok(report(origin, self.views(matters), self.today()))
    }

    /// The bulletin on an origin's items, laid out like the office's own.
    pub async fn origin_bulletin(&self, user: &User, id: i64) -> Result<OfficialDoc> {
        let r = self.origin_report(user, id).await?;
        let tree = self.tree();
        let office = tree
            .get(user.unit_id)
            .map_or_else(String::new, |u| u.name.clone());
        let name = |u: UnitId| {
            tree.get(u)
                .map_or_else(String::new, |u| u.display_name().to_string())
        };
        let today = self.today();
        let kind = r.kind();
        let items = kind.items_word();
        let subject = &r.origin.title;
        let OriginSummary {
            total,
            closed,
            overdue,
        } = r.summary;
        let open = r
            .items
            .iter()
            .filter(|i| i.view.matter.state.is_open())
            .count();
        let share = |n: usize| (n * 100 + total / 2).checked_div(total).unwrap_or(0);
        let mut body = vec![
            Block::Paragraph(format!(
                "近期,{office}对{subject}{items}落实情况开展了专项督查,现通报如下。"
            )),
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph(format!(
                "{subject}{items}{total}件,截至{},已办结{closed}件,占比{}%;正在办理{open}件,占比{}%;其中超过完成时限仍未办结{overdue}件。",
                cn_date(today),
                share(closed),
                share(open),
            )),
            Block::Heading1("二、逐项落实情况".into()),
            Block::Table(Table {
                caption: Some(format!("表1 {subject}{items}落实情况")),
                header: vec![
                    "序号".into(),
                    "事项".into(),
                    "牵头单位".into(),
                    "完成时限".into(),
                    "进度".into(),
                    "状态".into(),
                ],
                rows: r
                    .items
                    .iter()
                    .map(|i| {
                        let m = &i.view.matter;
                        vec![
                            i.item.to_string(),
                            m.title.clone(),
                            name(m.lead_unit_id),
                            m.deadline.map_or_else(|| "持续推进".into(), cn_date),
                            format!("{}%", i.progress),
                            state_label(i),
                        ]
                    })
                    .collect(),
                widths: Some(vec![1, 6, 3, 3, 1, 2]),
            }),
            Block::Heading1("三、工作要求".into()),
        ];
        if r.late.is_empty() {
            body.push(Block::Paragraph(format!(
                "{subject}确定的{total}件事项均在完成时限内推进,请各责任单位保持工作节奏,按时办结。"
            )));
        } else {
            body.push(Block::Paragraph(format!(
                "{subject}确定的{total}件事项中,{open}件正在办理。其中,{}进展滞后,已超过完成时限,请以上责任单位加快工作节奏,全力推动确定事项落实。",
                late_phrase(&r.late, name)
            )));
        }
        body.push(Block::Paragraph(format!(
            "{office}将紧盯未办结事项适时开展“回头看”,并视情况实行“蓝、黄、红”三单预警督办,直至办结销号。"
        )));
        Ok(OfficialDoc {
            issuer: office.clone(),
            number: None,
            title: format!("关于{subject}{items}落实情况的通报"),
            title_colour: None,
            recipients: Some("各有关单位:".into()),
            body,
            signature: Some(office),
            date: today,
        })
    }
}

fn report(origin: Origin, views: Vec<MatterView>, today: NaiveDate) -> OriginReport {
    let items: Vec<OriginItem> = views
        .into_iter()
        .enumerate()
        .map(|(i, view)| OriginItem {
            item: i + 1,
            overdue: overdue(&view.matter, today),
            progress: progress(&view.matter),
            view,
        })
        .collect();
    let mut late: Vec<(UnitId, Vec<usize>)> = Vec::new();
    for i in items.iter().filter(|i| i.overdue) {
        let lead = i.view.matter.lead_unit_id;
        match late.iter_mut().find(|(u, _)| *u == lead) {
            Some((_, numbers)) => numbers.push(i.item),
            None => late.push((lead, vec![i.item])),
        }
    }
    let summary = OriginSummary {
        total: items.len(),
        closed: items
            .iter()
            .filter(|i| i.view.matter.state == MatterState::Closed)
            .count(),
        overdue: items.iter().filter(|i| i.overdue).count(),
    };
    OriginReport {
        origin,
        items,
        summary,
        late,
    }
}

fn progress(m: &Matter) -> u8 {
    if m.state == MatterState::Closed {
        100
    } else {
        m.lead().map_or(0, |a| a.percent)
    }
}

fn overdue(m: &Matter, today: NaiveDate) -> bool {
    m.state.is_open() && m.deadline.is_some_and(|d| d < today)
}

fn state_label(i: &OriginItem) -> String {
    if i.overdue {
        format!("{}(逾期)", i.view.matter.state.label())
    } else {
        i.view.matter.state.label().into()
    }
}

/// 由市民政局负责的第1项、市卫健委负责的第17、18项: the late units as a bulletin names them.
pub fn late_phrase(late: &[(UnitId, Vec<usize>)], name: impl Fn(UnitId) -> String) -> String {
    let parts: Vec<String> = late
        .iter()
        .map(|(u, items)| {
            let numbers: Vec<String> = items.iter().map(usize::to_string).collect();
            format!("{}负责的第{}项", name(*u), numbers.join("、"))
        })
        .collect();
    format!("由{}", parts.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_units_are_named_once_each_with_all_their_late_items() {
        let late = vec![(UnitId(3), vec![1]), (UnitId(7), vec![17, 18])];
        let name = |u: UnitId| {
            if u == UnitId(3) {
                "县民政局"
            } else {
                "县卫健局"
            }
            .to_string()
        };
        assert_eq!(
            late_phrase(&late, name),
            "由县民政局负责的第1项、县卫健局负责的第17、18项"
        );
    }

    #[test]
    fn an_origins_kind_is_read_only_from_its_three_names() {
        assert_eq!(OriginKind::parse(" meeting"), Some(OriginKind::Meeting));
        assert_eq!(OriginKind::parse("会议"), None);
        assert_eq!(OriginKind::parse("Meeting"), None);
    }
}
