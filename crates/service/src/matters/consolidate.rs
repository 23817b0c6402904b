//! 汇总: the lead unit writes one report for the matter, citing what its co-units reported to
//! it and where its sub-matters stand, gathered for it as a draft to edit.

use chrono::{DateTime, Utc};
use luoshi_domain::{AssignmentRole, AssignmentState, Event, MatterState, Role, User};

use super::MatterDetail;
use crate::{Luoshi, Result};

/// One report the lead unit's own may cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// Who reported: a co-unit's name, or a sub-matter's number and lead unit.
    pub from: String,
    /// A sub-matter's report rather than a co-unit's.
    pub below: bool,
    pub at: DateTime<Utc>,
    pub percent: Option<u8>,
    pub text: String,
}

impl Luoshi {
    /// For the lead unit's liaison, the latest report of each co-unit at work and of each
    /// sub-matter directly below; nothing for anyone else, who writes for their own part only.
    pub async fn consolidation(&self, user: &User, d: &MatterDetail) -> Result<Vec<Cited>> {
        let m = &d.view.matter;
        if user.role != Role::Liaison || user.unit_id != m.lead_unit_id {
            return Ok(Vec::new());
        }
        let tree = self.tree();
        let name = |u| {
            tree.get(u)
                .map_or(String::new(), |u| u.display_name().to_string())
        };
        let mut cited: Vec<Cited> = m
            .assignments
            .iter()
            .filter(|a| a.role == AssignmentRole::Co && a.state != AssignmentState::Cancelled)
            .filter_map(|a| {
                let e = Event::latest_report_of(&d.events, a.unit_id)?;
                Some(Cited {
                    from: name(a.unit_id),
                    below: false,
                    at: e.data.at,
                    percent: e.data.percent,
                    text: e.data.comment.clone(),
                })
            })
            .collect();
        // The parts split off to other units are cited whether or not the lead unit may read
        // those matters: what they last reported is what the lead answers for.
        let below: Vec<_> = self
            .store
            .descendants(m.id)
            .await?
            .into_iter()
            .filter(|sub| sub.parent_id == Some(m.id) && sub.state != MatterState::Cancelled)
            .collect();
        let ids: Vec<_> = below.iter().map(|sub| sub.id).collect();
        let reports = self.store.latest_reports(&ids).await?;
        for sub in &below {
            if let Some((_, text, at)) = reports.iter().find(|(id, ..)| *id == sub.id) {
                let done = sub.state == MatterState::Closed;
                let lead = sub.assignment(sub.lead_unit_id).map_or(0, |a| a.percent);
                cited.push(Cited {
                    from: format!(
                        "{} {}",
                        tree.number_label(sub.org_id, sub.number),
                        name(sub.lead_unit_id)
                    ),
                    below: true,
                    at: *at,
                    percent: Some(if done { 100 } else { lead }),
                    text: text.clone(),
                });
            }
        }
        Ok(cited)
    }
}

/// The lead unit's report as a draft that cites each of `cited`, to be edited before it is sent.
pub fn draft(cited: &[Cited]) -> String {
    let line = |c: &Cited| {
        let day = luoshi_domain::china_date(c.at);
        let percent = c.percent.map_or(String::new(), |p| format!(",{p}%"));
        format!(
            "{}({}月{}日{percent}):{}",
            c.from,
            chrono::Datelike::month(&day),
            chrono::Datelike::day(&day),
            c.text
        )
    };
    let mut out = String::from("本单位办理情况:\n\n");
    for (heading, below) in [("配合单位反馈:", false), ("下级事项进展:", true)] {
        let part: Vec<String> = cited
            .iter()
            .filter(|c| c.below == below)
            .map(line)
            .collect();
        if !part.is_empty() {
            out.push_str(heading);
            out.push('\n');
            out.push_str(&part.join("\n"));
            out.push_str("\n\n");
        }
    }
    out.trim_end().to_string()
}
