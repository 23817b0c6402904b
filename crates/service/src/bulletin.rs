//! The bulletin (通报) of a period as an official document: totals, how each unit stands, the
//! matters past their deadline, the units that went quiet, and what is asked next.

use chrono::NaiveDate;
use luoshi_domain::assess::Period;
use luoshi_domain::{EventKind, MatterId, NewEvent, Power};
use luoshi_domain::{Light, User};
use luoshi_office::cn_date;
use luoshi_office::docx::{Block, OfficialDoc, Table};
pub use luoshi_storage::bulletin::{BulletinRow, Case};

use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// The bulletin of `period`: the one published for it, else as the caller's office would
    /// issue it now; `number` is its 文号.
    pub async fn bulletin(
        &self,
        user: &User,
        period: Period,
        number: Option<String>,
    ) -> Result<OfficialDoc> {
        let org = self.authorize(user, Power::ReadBulletins)?;
        let published = self
            .store
            .bulletins(org)
            .await?
            .into_iter()
            .find(|b| b.state == "published" && b.period.parse() == Ok(period));
        if let Some(doc) = published.and_then(|b| b.document) {
            return serde_json::from_str(&doc).map_err(|e| ServiceError::Internal(Box::new(e)));
        }
        self.bulletin_doc(user, period, number, &[]).await
    }

    async fn bulletin_doc(
        &self,
        user: &User,
        period: Period,
        number: Option<String>,
        cases: &[Case],
    ) -> Result<OfficialDoc> {
        let tree = self.tree();
        let org = tree
            .org_of(user.unit_id)
            .and_then(|o| tree.get(o))
            .ok_or_else(|| ServiceError::Forbidden("无权发布通报".into()))?;
        let office = tree
            .get(user.unit_id)
            .map_or(org.name.clone(), |u| u.name.clone());
        let dashboard = self.dashboard(user, None).await?;
        let desk = self.workbench(user).await?;
        let today = self.today();
        let as_of = today.min(period.to);
        let name = |u| tree.get(u).map_or(String::new(), |u| u.name.clone());
        let count = |state: &str| dashboard.by_state.get(state).copied().unwrap_or(0);
        let light = |l: Light| dashboard.by_light.get(l.as_str()).copied().unwrap_or(0);
        let open = count("assigned")
            + count("signed")
            + count("in_progress")
            + count("completion_requested");

        let mut body = vec![
            Block::Paragraph(format!(
                "为推动各项决策部署落地见效,{office}对{}督办事项的办理情况进行了跟踪督查。现将有关情况通报如下。",
                period.label()
            )),
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph(format!(
                "截至{},共有督办事项{}件,已办结{}件,办结率{:.1}%;正在办理{}件,其中已超过完成时限或未按时反馈(红灯){}件,临近完成时限(黄灯){}件。",
                cn_date(as_of),
                dashboard.total,
                count("closed"),
                dashboard.completion_rate * 100.0,
                open,
                light(Light::Red),
                light(Light::Yellow),
            )),
            Block::Heading1("二、各单位办理情况".into()),
            Block::Table(Table {
                caption: Some("表1 各单位承办事项办理情况".into()),
                header: vec![
                    "序号".into(),
                    "单位".into(),
                    "在办".into(),
                    "红灯".into(),
                    "办结率".into(),
                ],
                rows: dashboard
                    .units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        vec![
                            (i + 1).to_string(),
                            name(u.unit_id),
                            u.open.to_string(),
                            u.red.to_string(),
                            format!("{:.1}%", u.completion_rate * 100.0),
                        ]
                    })
                    .collect(),
                widths: Some(vec![1, 5, 2, 2, 2]),
            }),
            Block::Heading1("三、逾期未办结事项".into()),
        ];
        let overdue: Vec<_> = desk
            .red
            .iter()
            .filter(|v| v.matter.deadline.is_some_and(|d| d < as_of))
            .collect();
        if overdue.is_empty() {
            body.push(Block::Paragraph("本期没有逾期未办结的事项。".into()));
        } else {
            body.push(Block::Paragraph(format!(
                "以下{}件事项已超过完成时限仍未办结,请牵头单位说明原因,抓紧办理。",
                overdue.len()
            )));
            body.push(Block::Table(Table {
                caption: Some("表2 逾期未办结事项".into()),
                header: vec![
                    "编号".into(),
                    "事项".into(),
                    "牵头单位".into(),
                    "完成时限".into(),
                    "逾期工作日".into(),
                ],
                rows: overdue
                    .iter()
                    .map(|v| {
                        let m = &v.matter;
                        let due: NaiveDate = m.deadline.unwrap_or(as_of);
                        vec![
                            v.number.clone(),
                            m.title.clone(),
                            name(m.lead_unit_id),
                            cn_date(due),
                            self.calendar().working_days_between(due, as_of).to_string(),
                        ]
                    })
                    .collect(),
                widths: Some(vec![3, 6, 3, 3, 2]),
            }));
        }
        body.push(Block::Heading1("四、未按时签收或反馈的单位".into()));
        if desk.silent.is_empty() {
            body.push(Block::Paragraph("各单位均按时签收、按时反馈。".into()));
        } else {
            let units: Vec<String> = desk
                .silent
                .iter()
                .map(|(u, ms)| format!("{}({}件)", name(*u), ms.len()))
                .collect();
            body.push(Block::Paragraph(format!(
                "{}存在未按时签收或未按时反馈进展的情况,请及时补报,做到件件有回音。",
                units.join("、")
            )));
        }
        let (owed, missed, by_unit) = self
            .missed_rounds(user, period.from, period.to, as_of)
            .await?;
        if owed > 0 {
            let who: Vec<String> = by_unit
                .iter()
                .map(|(u, n)| format!("{}({}次)", name(*u), n))
                .collect();
            body.push(Block::Paragraph(if missed == 0 {
                format!("按规定时间报送进展的事项,本期应报{owed}次,均已按时报送。")
            } else {
                format!(
                    "按规定时间报送进展的事项,本期应报{owed}次,未按时报送{missed}次,涉及{}。",
                    who.join("、")
                )
            }));
        }
        if !cases.is_empty() {
            body.push(Block::Heading1("五、典型案例".into()));
            for (praise, heading) in [(true, "(一)表扬"), (false, "(二)批评")] {
                let chosen: Vec<&Case> = cases.iter().filter(|c| c.praise == praise).collect();
                if chosen.is_empty() {
                    continue;
                }
                body.push(Block::Heading2(heading.into()));
                for c in chosen {
                    let Ok(m) = self.visible_matter(user, c.matter_id).await else {
                        continue;
                    };
                    body.push(Block::Paragraph(format!(
                        "{}《{}》({}):{}",
                        self.tree().number_label(m.org_id, m.number),
                        m.title,
                        name(m.lead_unit_id),
                        c.comment
                    )));
                }
            }
        }
        let next = if cases.is_empty() { "五" } else { "六" };
        body.push(Block::Heading1(format!("{next}、下步工作要求")));
        body.push(Block::Paragraph(
            "各单位要对照督办事项逐项梳理,对已逾期的事项限期办结,对临近时限的事项加快推进,按要求及时反馈办理进展。督查室将持续跟踪督办,并将办理情况纳入年度综合考核。"
                .into(),
        ));
        Ok(OfficialDoc {
            issuer: office.clone(),
            number,
            title: format!("关于{}督查督办工作情况的通报", period.label()),
            title_colour: None,
            recipients: Some("各有关单位:".into()),
            body,
            signature: Some(office),
            date: today,
        })
    }
}

impl Luoshi {
    /// The bulletins of the caller's org, newest first; leaders see the published ones.
    pub async fn bulletins(&self, user: &User) -> Result<Vec<BulletinRow>> {
        let org = self.authorize(user, Power::ReadBulletins)?;
        let all = self.store.bulletins(org).await?;
        Ok(all
            .into_iter()
            .filter(|b| user.role != luoshi_domain::Role::Leader || b.state == "published")
            .collect())
    }

    /// Starts a draft for a period (2026, 2026-Q2, 2026-06).
    pub async fn draft_bulletin(&self, user: &User, period: &str, number: &str) -> Result<i64> {
        let org = self.authorize(user, Power::EditBulletins)?;
        period
            .parse::<Period>()
            .map_err(|e| ServiceError::invalid("period", e))?;
        let row = BulletinRow {
            id: 0,
            org_id: org,
            period: period.trim().to_string(),
            number: number.trim().to_string(),
            state: "draft".into(),
            cases: Vec::new(),
            document: None,
            created_by: user.id,
            created_at: self.now(),
            published_at: None,
        };
        Ok(self.store.save_bulletin(&row, None, &[]).await?)
    }

    /// A bulletin and its document: as issued when published, else as it would read now.
    pub async fn bulletin_page(&self, user: &User, id: i64) -> Result<(BulletinRow, OfficialDoc)> {
        let b = self.own_bulletin(user, id).await?;
        if let Some(doc) = &b.document {
            let doc = serde_json::from_str(doc).map_err(|e| ServiceError::Internal(Box::new(e)))?;
            return Ok((b, doc));
        }
        let period: Period = b
            .period
            .parse()
            .map_err(|e: String| ServiceError::invalid("period", e))?;
        let all = self.store.bulletins(b.org_id).await?;
        let number = Some(number_line(issue_of(&all, &b), &b.number));
        let doc = self.bulletin_doc(user, period, number, &b.cases).await?;
        Ok((b, doc))
    }

    async fn own_bulletin(&self, user: &User, id: i64) -> Result<BulletinRow> {
        let org = self.authorize(user, Power::ReadBulletins)?;
        self.store
            .bulletin(id)
            .await?
            .filter(|b| b.org_id == org)
            .filter(|b| user.role != luoshi_domain::Role::Leader || b.state == "published")
            .ok_or_else(|| ServiceError::NotFound(format!("通报 {id} 不存在")))
    }

    /// Adds a typical case to a draft: the matter, praise or criticism, and the comment.
    pub async fn add_case(
        &self,
        user: &User,
        id: i64,
        matter: MatterId,
        praise: bool,
        comment: &str,
    ) -> Result<()> {
        self.authorize(user, Power::EditBulletins)?;
        let mut b = self.own_bulletin(user, id).await?;
        if b.state != "draft" {
            return Err(ServiceError::Conflict("只有草稿可以修改".into()));
        }
        self.visible_matter(user, matter).await?;
        if comment.trim().is_empty() {
            return Err(ServiceError::invalid("comment", "请填写点评意见"));
        }
        b.cases.push(Case {
            matter_id: matter,
            praise,
            comment: comment.trim().to_string(),
        });
        self.store.save_bulletin(&b, Some("draft"), &[]).await?;
        Ok(())
    }

    /// Moves a bulletin on: a draft goes for review; a reviewed one is published, its document
    /// kept as issued and its typical cases written on their matters' timelines.
    pub async fn advance_bulletin(&self, user: &User, id: i64) -> Result<()> {
        self.authorize(user, Power::EditBulletins)?;
        let (mut b, doc) = self.bulletin_page(user, id).await?;
        let from = b.state.clone();
        let now = self.now();
        let mut events = Vec::new();
        match from.as_str() {
            "draft" => b.state = "review".into(),
            "review" => {
                b.state = "published".into();
                b.published_at = Some(now);
                b.document = Some(
                    serde_json::to_string(&doc).map_err(|e| ServiceError::Internal(Box::new(e)))?,
                );
                for c in &b.cases {
                    let kind = if c.praise {
                        EventKind::Praised
                    } else {
                        EventKind::Criticized
                    };
                    let mut e = NewEvent::new(kind, user.id, now, c.comment.clone());
                    if let Ok(m) = self.visible_matter(user, c.matter_id).await {
                        e.unit_id = Some(m.lead_unit_id);
                    }
                    events.push((c.matter_id, e));
                }
            }
            _ => return Err(ServiceError::Conflict("该通报已经发布".into())),
        }
        self.store.save_bulletin(&b, Some(&from), &events).await?;
        Ok(())
    }
}

/// A bulletin's 期数: its place among its office's bulletins of the same year, in the order
/// they were begun (bulletins are never deleted, so a number once printed stays its own).
fn issue_of(all: &[BulletinRow], b: &BulletinRow) -> usize {
    let year = |period: &str| period.get(..4).map(str::to_string);
    all.iter()
        .filter(|o| year(&o.period) == year(&b.period) && o.id <= b.id)
        .count()
}

/// The line under the issuer: 第3期, with the 文号 beside it when there is one.
fn number_line(issue: usize, number: &str) -> String {
    match number.trim() {
        "" => format!("第{issue}期"),
        number => format!("第{issue}期\u{3000}{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulletins_issue_counts_its_offices_bulletins_of_the_same_year_begun_before_it() {
        let row = |id, period: &str| BulletinRow {
            id,
            org_id: luoshi_domain::UnitId(1),
            period: period.into(),
            number: String::new(),
            state: "draft".into(),
            cases: Vec::new(),
            document: None,
            created_by: luoshi_domain::UserId(1),
            created_at: chrono::Utc::now(),
            published_at: None,
        };
        let all = [
            row(1, "2025-Q4"),
            row(2, "2026-Q1"),
            row(3, "2026-04"),
            row(4, "2026"),
        ];
        assert_eq!(issue_of(&all, &all[2]), 2);
        assert_eq!(issue_of(&all, &all[3]), 3);
        assert_eq!(issue_of(&all, &all[0]), 1);
        assert_eq!(number_line(2, ""), "第2期");
        assert_eq!(
            number_line(2, "云督通〔2026〕5号"),
            "第2期\u{3000}云督通〔2026〕5号"
        );
    }
}
