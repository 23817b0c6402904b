//! The bulletin (通报) of a period as an official document: totals, how each unit stands, the
//! matters past their deadline, the units that went quiet, and what is asked next.

use chrono::NaiveDate;
use luoshi_domain::assess::Period;
use luoshi_domain::{Light, User};
use luoshi_office::cn_date;
use luoshi_office::docx::{Block, OfficialDoc, Table};

use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// The bulletin of `period` as the caller's office would issue it; `number` is its 文号.
    pub async fn bulletin(
        &self,
        user: &User,
        period: Period,
        number: Option<String>,
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
            .overdue
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
                            m.number.to_string(),
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
        body.push(Block::Heading1("五、下步工作要求".into()));
        body.push(Block::Paragraph(
            "各单位要对照督办事项逐项梳理,对已逾期的事项限期办结,对临近时限的事项加快推进,按要求及时反馈办理进展。督查室将持续跟踪督办,并将办理情况纳入年度综合考核。"
                .into(),
        ));
        Ok(OfficialDoc {
            issuer: office.clone(),
            number,
            title: format!("关于{}督查督办工作情况的通报", period.label()),
            recipients: Some("各有关单位:".into()),
            body,
            signature: Some(office),
            date: today,
        })
    }
}
