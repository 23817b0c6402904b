//! A matter's printed forms, laid out as official documents like the bulletin: the 督办通知单
//! that goes out with its assignment, and its latest 催办单, coloured by how far the reminder
//! ladder had climbed (三色督查).

use chrono::{NaiveDate, Timelike};
use luoshi_domain::slip::{self, Climb, Round, Slip};
use luoshi_domain::{
    Cadence, Event, EventKind, Matter, MatterId, Urgency, User, UserId, china_date,
};
use luoshi_office::cn_date;
use luoshi_office::docx::{Block, OfficialDoc, Rgb, Table};

use crate::{Luoshi, Result, ServiceError};

/// A form ready to print or download.
#[derive(Debug, Clone)]
pub struct Form {
    pub doc: OfficialDoc,
    /// The colour of a 催办单; `None` for the 督办通知单.
    pub slip: Option<Slip>,
}

impl Form {
    /// 督办通知单(督〔2026〕15号).docx, as the office files it.
    pub fn file_name(&self) -> String {
        match &self.doc.number {
            Some(number) => format!("{}({number}).docx", self.doc.title),
            None => format!("{}.docx", self.doc.title),
        }
    }
}

/// The title's colour and the band's ground: the yellow title a shade darker than its band,
/// so that it still reads on white paper.
fn colours(slip: Slip) -> (Rgb, Rgb) {
    match slip {
        Slip::Blue => (Rgb(0x00, 0x70, 0xC0), Rgb(0x00, 0x70, 0xC0)),
        Slip::Yellow => (Rgb(0xBF, 0x8F, 0x00), Rgb(0xFF, 0xC0, 0x00)),
        Slip::Red => (Rgb(0xC0, 0x00, 0x00), Rgb(0xC0, 0x00, 0x00)),
    }
}

/// What the band of a slip says: what the colour means for the unit that gets it.
fn band(slip: Slip) -> &'static str {
    match slip {
        Slip::Blue => "提醒督办:请按时办理、按时反馈",
        Slip::Yellow => "警示督办:已亮红灯,请立即办理",
        Slip::Red => "升级督办:多次催办仍未落实,已报告领导",
    }
}

fn feedback_rule(m: &Matter) -> String {
    // Periodic reports count from the day the unit signed (next_feedback_due).
    let periodic = match m.cadence {
        Cadence::Once => "办理过程中的重要进展随时在系统中反馈".to_string(),
        Cadence::Weekly => "自签收之日起每周在系统中反馈一次进展情况".into(),
        Cadence::Monthly => "自签收之日起每月在系统中反馈一次进展情况".into(),
        Cadence::Quarterly => "自签收之日起每季度在系统中反馈一次进展情况".into(),
    };
    match m.deadline {
        Some(d) => format!("{periodic};于{}前办结,并在系统中申请办结", cn_date(d)),
        None => format!("{periodic};持续推进,阶段目标完成情况一并反馈"),
    }
}

impl Luoshi {
    /// The 督办通知单 of a matter that has been assigned, as the office issued it that day.
    pub async fn notice_form(&self, user: &User, id: MatterId) -> Result<Form> {
        let m = self.visible_matter(user, id).await?;
        let Some(assigned_at) = m.assigned_at else {
            return Err(ServiceError::Conflict(
                "该事项尚未交办,交办后才有督办通知单".into(),
            ));
        };
        let tree = self.tree();
        let name = |u| tree.get(u).map_or(String::new(), |u| u.name.clone());
        let number = tree.number_label(m.org_id, m.number);
        let (office, contact) = self.issuer(&m, m.created_by).await?;
        let leader = self.leader_name(&m).await?;
        let co: Vec<String> = m.co_unit_ids.iter().map(|&u| name(u)).collect();
        let units: Vec<String> = m.unit_ids().map(name).collect();
        let calendar = self.calendar();
        let sign_due = self.lights(&calendar).sign_due(&m).map(|due| {
            let local = due.with_timezone(&luoshi_domain::china_offset());
            if m.urgency == Urgency::Urgent {
                format!("{}{}时", cn_date(local.date_naive()), local.hour())
            } else {
                cn_date(local.date_naive())
            }
        });
        let according = if m.origin.trim().is_empty() {
            format!("按照{}有关要求", m.source.label())
        } else {
            format!("根据{}", m.origin.trim())
        };
        let row = |label: &str, value: String| vec![label.to_string(), value];
        let mut rows = vec![
            row("督办编号", number.clone()),
            row("事项名称", m.title.clone()),
            row("督办内容", or_dash(&m.content)),
            row("事项来源", m.source.label().to_string()),
            row("紧急程度", m.urgency.label().to_string()),
            row("牵头单位", name(m.lead_unit_id)),
            row(
                "配合单位",
                if co.is_empty() {
                    "无".into()
                } else {
                    co.join("、")
                },
            ),
            row("责任领导", leader.unwrap_or_else(|| "—".into())),
            row("完成时限", m.deadline.map_or("持续推进".into(), cn_date)),
        ];
        if !m.milestones.is_empty() {
            let targets: Vec<String> = m
                .milestones
                .iter()
                .map(|t| format!("{}前完成{}%:{}", cn_date(t.date), t.percent, t.title))
                .collect();
            rows.push(row("阶段目标", targets.join("\n")));
        }
        if let Some(due) = sign_due {
            rows.push(row("签收要求", format!("请于{due}前在系统中签收")));
        }
        rows.push(row("反馈要求", feedback_rule(&m)));
        rows.push(row("联系方式", format!("{office}\n{contact}")));
        let closing = match m.deadline {
            Some(_) => "确有困难需要延期的,请在完成时限届满前在系统中提出申请,说明理由。",
            None => "请对照阶段目标倒排工期,按时报送进展,确保事事有结果、件件有回音。",
        };
        let doc = OfficialDoc {
            issuer: office.clone(),
            number: Some(number),
            title: "督办通知单".into(),
            title_colour: None,
            recipients: Some(format!("{}:", units.join("、"))),
            body: vec![
                Block::Paragraph(format!(
                    "{according},现将下列事项交由你单位办理。请牵头单位抓总负责、配合单位主动协同,按要求签收办理、反馈进展,确保按时保质完成。"
                )),
                Block::Table(Table {
                    caption: None,
                    header: Vec::new(),
                    rows,
                    widths: Some(vec![2, 7]),
                }),
                Block::Paragraph(closing.into()),
            ],
            signature: Some(office),
            date: china_date(assigned_at),
        };
        Ok(Form { doc, slip: None })
    }

    /// The latest 催办单 of a matter: the reminders sent at the latest moment any was, by the
    /// ladder or by hand, to the units of the most severe colour sent then.
    pub async fn reminder_form(&self, user: &User, id: MatterId) -> Result<Form> {
        let (m, events) = self.visible_matter_with_events(user, id).await?;
        let Some(round) = self.latest_round(&m, &events).await? else {
            return Err(ServiceError::NotFound(
                "该事项尚未催办过,还没有催办单".into(),
            ));
        };
        let tree = self.tree();
        let name = |u| tree.get(u).map_or(String::new(), |u| u.name.clone());
        let number = tree.number_label(m.org_id, m.number);
        // The supervisor who reminded by hand answers for it; else whoever registered it.
        let by_hand = events
            .iter()
            .rev()
            .find(|e| e.data.kind == EventKind::Reminded && e.data.at == round.at);
        let contact = by_hand.map_or(m.created_by, |e| e.data.actor_id);
        let (office, contact) = self.issuer(&m, contact).await?;
        let day = china_date(round.at);
        // Until then the ladder holds off its next red reminder.
        let reply_by = self
            .calendar()
            .add_working_days(day, self.rules.ladder.repeat_working_days.max(1));
        let (title_colour, ground) = colours(round.slip);
        let label = round.slip.label();
        let deadline = m.deadline.map_or("持续推进".into(), cn_date);
        let mut body = vec![
            Block::Band {
                text: band(round.slip).into(),
                colour: ground,
            },
            Block::Paragraph(format!(
                "{number}《{}》(完成时限:{deadline})尚未按要求落实。现予{label}催办,请你单位高度重视,抓紧办理,于{}前在系统中反馈办理进展;确有困难的,请说明原因及下步措施。",
                m.title,
                cn_date(reply_by)
            )),
        ];
        if let Some(e) = by_hand.filter(|e| !e.data.comment.trim().is_empty()) {
            body.push(Block::Paragraph(format!(
                "督查室意见:{}",
                e.data.comment.trim()
            )));
        }
        if round.slip == Slip::Red {
            let leader = self.leader_name(&m).await?;
            body.push(Block::Paragraph(match leader {
                Some(leader) => {
                    format!("因多次催办仍未落实,本事项已报告责任领导{leader}同志,并列入问责候选。")
                }
                None => "因多次催办仍未落实,本事项已报告督查室负责同志,并列入问责候选。".into(),
            }));
        }
        body.push(Block::Table(Table {
            caption: Some("催办单位".into()),
            header: vec![
                "承办单位".into(),
                "承办角色".into(),
                "催办事由".into(),
                "催办次数".into(),
            ],
            rows: round
                .units
                .iter()
                .map(|c| {
                    vec![
                        name(c.unit_id),
                        m.assignment(c.unit_id)
                            .map_or("—", |a| a.role.label())
                            .to_string(),
                        c.about.clone().unwrap_or_else(|| "督查室催办".into()),
                        format!("第{}次", c.times),
                    ]
                })
                .collect(),
            widths: Some(vec![4, 2, 5, 2]),
        }));
        body.push(Block::Paragraph(contact));
        let units: Vec<String> = round.units.iter().map(|c| name(c.unit_id)).collect();
        let doc = OfficialDoc {
            issuer: office.clone(),
            number: Some(number),
            title: format!("{label}催办单"),
            title_colour: Some(title_colour),
            recipients: Some(format!("{}:", units.join("、"))),
            body,
            signature: Some(office),
            date: day,
        };
        Ok(Form {
            doc,
            slip: Some(round.slip),
        })
    }

    /// The colour and day of a matter's latest 催办单, for the page of a matter its reader
    /// already has with its events.
    pub async fn latest_slip(
        &self,
        m: &Matter,
        events: &[Event],
    ) -> Result<Option<(Slip, NaiveDate)>> {
        let round = self.latest_round(m, events).await?;
        Ok(round.map(|r| (r.slip, china_date(r.at))))
    }

    async fn latest_round(&self, m: &Matter, events: &[Event]) -> Result<Option<Round>> {
        let climbs: Vec<Climb> = self
            .store
            .ladder_of(m.id)
            .await?
            .into_iter()
            .map(|row| Climb {
                unit_id: row.unit_id,
                // The key is `matter:unit:concern`, and a concern may have a colon of its own.
                concern: row.key.splitn(3, ':').nth(2).unwrap_or("").to_string(),
                yellow_at: row.yellow_at,
                red_count: row.red_count,
                last_red_at: row.last_red_at,
                escalated_at: row.escalated_at,
            })
            .collect();
        let by_hand: Vec<_> = events
            .iter()
            .filter(|e| e.data.kind == EventKind::Reminded)
            .map(|e| (e.data.at, e.data.unit_id))
            .collect();
        // A reminder by hand goes to the unit it names, or to every unit at work, which is
        // every unit the matter names now: reminding is refused once the lead unit hands in,
        // and a unit taken off the matter (改派) is no longer named, though it keeps its
        // assignment as the record.
        let units: Vec<_> = m.unit_ids().collect();
        Ok(slip::latest(&climbs, &by_hand, &units))
    }

    async fn leader_name(&self, m: &Matter) -> Result<Option<String>> {
        Ok(match m.leader_id {
            Some(id) => self.store.user(id).await?.map(|u| u.display_name),
            None => None,
        })
    }

    /// Who issues a matter's forms, and the line saying whom to call: the supervision office of
    /// `contact` (the org itself if they are not in one) and their phone, else their e-mail.
    async fn issuer(&self, m: &Matter, contact: UserId) -> Result<(String, String)> {
        let tree = self.tree();
        let org = tree.get(m.org_id).map_or(String::new(), |u| u.name.clone());
        let Some(account) = self.store.account(contact).await? else {
            return Ok((org, String::new()));
        };
        let person = &account.user;
        let office = match person.role {
            luoshi_domain::Role::Supervisor => {
                tree.get(person.unit_id).map_or(org, |u| u.name.clone())
            }
            _ => org,
        };
        let reach = match (&account.phone, &person.email) {
            (Some(phone), _) if !phone.trim().is_empty() => format!(",联系电话:{}", phone.trim()),
            (_, Some(email)) if !email.trim().is_empty() => format!(",电子邮箱:{}", email.trim()),
            _ => String::new(),
        };
        Ok((office, format!("联系人:{}{reach}", person.display_name)))
    }
}

fn or_dash(text: &str) -> String {
    match text.trim() {
        "" => "—".into(),
        t => t.to_string(),
    }
}
