//! Assessment: the scores of the units in the caller's view for a period, under the scheme the
//! office chose, each point linked to the event behind it.

use std::collections::HashMap;

use chrono::NaiveTime;
use luoshi_domain::assess::{self, Adjustment, Period, Scheme, UnitScore};
use luoshi_domain::{LightContext, MatterState, Power, Role, User};
use serde::{Deserialize, Serialize};

use crate::{Luoshi, Result, ServiceError};

/// `[rules.assessment]`: the scheme in force (a preset's name or one of `custom`), and schemes
/// of the office's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentConfig {
    pub scheme: String,
    pub custom: Vec<Scheme>,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        AssessmentConfig {
            scheme: "lead_co".into(),
            custom: Vec::new(),
        }
    }
}

/// The scores of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub period: String,
    pub scheme: String,
    pub scheme_label: String,
    pub base: f64,
    pub scores: Vec<UnitScore>,
}

impl Assessment {
    /// The scores as programs read them (`luoshi assess --json`, `GET /api/v1/assessment`):
    /// each unit by id and name with its kind, score and rank, and every point with its reason
    /// and the event and matter behind it.
    pub fn rows(&self, tree: &luoshi_domain::OrgTree) -> Vec<serde_json::Value> {
        self.scores
            .iter()
            .map(|s| {
                serde_json::json!({
                    "unit_id": s.unit_id.0,
                    "unit": tree.get(s.unit_id).map_or("", |u| u.name.as_str()),
                    "kind": s.kind.as_str(),
                    "score": s.score,
                    "rank": s.rank,
                    "items": s.items.iter().map(|i| serde_json::json!({
                        "points": i.points,
                        "reason": i.reason,
                        "event_id": i.event_id.0,
                        "matter_id": i.matter_id.0,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    }

    /// The scores as the office files them: an .xlsx laid out to print, a unit a row with
    /// every point of its score explained.
    pub fn workbook(&self, tree: &luoshi_domain::OrgTree) -> Result<Vec<u8>> {
        let rows: Vec<Vec<String>> = self
            .scores
            .iter()
            .map(|score| {
                vec![
                    kind_label(score.kind).to_string(),
                    score.rank.to_string(),
                    tree.get(score.unit_id).map_or_else(
                        || format!("单位{}", score.unit_id),
                        |u| u.display_name().to_string(),
                    ),
                    format!("{:.2}", score.score),
                    score
                        .items
                        .iter()
                        .map(|i| format!("{:+.2} {}", i.points, i.reason))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ]
            })
            .collect();
        let columns = [
            ("类别", 16.0),
            ("名次", 6.0),
            ("单位", 18.0),
            ("得分", 8.0),
            ("得分明细", 90.0),
        ];
        let title = format!("{}综合考核({})", self.period, self.scheme_label);
        luoshi_office::ledger::table("考核", &title, &columns, &rows)
            .map_err(|e| ServiceError::Internal(Box::new(e)))
    }
}

/// The heading each kind of unit is ranked under.
pub fn kind_label(kind: luoshi_domain::UnitKind) -> &'static str {
    use luoshi_domain::UnitKind;
    match kind {
        UnitKind::Government => "县(市、区)和乡镇(街道)",
        UnitKind::Department => "部门",
        UnitKind::Township => "乡镇",
        UnitKind::Street => "街道",
        UnitKind::Office => "办公室",
        UnitKind::Other => "其他单位",
    }
}

impl Luoshi {
    /// The schemes an office may score by: the one in force first, then the office's own, then
    /// the presets. A custom scheme named like a preset stands in for it.
    pub fn schemes(&self) -> Vec<Scheme> {
        let config = &self.rules.assessment;
        let mut all: Vec<Scheme> = config.custom.clone();
        for preset in Scheme::PRESETS {
            if !all.iter().any(|s| s.name == preset) {
                all.extend(Scheme::preset(preset));
            }
        }
        if let Some(at) = all.iter().position(|s| s.name == config.scheme) {
            let in_force = all.remove(at);
            all.insert(0, in_force);
        }
        all
    }

    /// Scores the units the caller oversees: a supervisor's org (the org itself left out), a
    /// leader's units in charge (分管). `scheme` names a preset or a custom scheme; `None`, the
    /// one configured.
    pub async fn assess(
        &self,
        user: &User,
        period: Period,
        scheme: Option<&str>,
    ) -> Result<Assessment> {
        let name = scheme.unwrap_or(&self.rules.assessment.scheme);
        let scheme = self
            .schemes()
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                let known: Vec<String> = self
                    .schemes()
                    .iter()
                    .map(|s| format!("{}({})", s.name, s.label()))
                    .collect();
                ServiceError::invalid(
                    "scheme",
                    format!("没有名为“{name}”的考核方案,可选:{}", known.join("、")),
                )
            })?;
        let tree = self.tree();
        let org = self.authorize(user, Power::ReadAssessment)?;
        // Leaders are scored on the units they are in charge of; the office on all its units.
        let units: Vec<_> = if user.role == Role::Leader {
            user.in_charge_of
                .iter()
                .flat_map(|u| tree.subtree(*u))
                .collect()
        } else {
            tree.subtree(org)
                .into_iter()
                .filter(|u| *u != org)
                .collect()
        };
        let units: Vec<_> = units
            .into_iter()
            .filter_map(|u| tree.get(u))
            .filter(|u| u.kind.is_assessed())
            .map(|u| (u.id, u.kind))
            .collect();

        let mut query = self.store_query(user, &crate::matters::ListQuery::default());
        query.states = MatterState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_counted())
            .collect();
        let (matters, _) = self.store.matters(&query).await?;
        let ids: Vec<_> = matters.iter().map(|m| m.id).collect();
        let mut timelines: HashMap<_, Vec<_>> = HashMap::new();
        for e in self.store.events_of(&ids).await? {
            timelines.entry(e.matter_id).or_default().push(e);
        }
        let with_events: Vec<_> = matters
            .into_iter()
            .map(|m| {
                let events = timelines.remove(&m.id).unwrap_or_default();
                (m, events)
            })
            .collect();
        // Lights as they stood when the period ended, or now if it is still running.
        let end = luoshi_domain::china_instant(
            period.to,
            NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time"),
        )
        .min(self.now());
        let calendar = self.calendar();
        let at_end = LightContext::new(end, &calendar, &self.rules.lights);
        let facts = assess::facts(&with_events, period, &at_end, &tree);
        let adjustments: Vec<Adjustment> = self
            .store
            .adjustments(&ids)
            .await?
            .into_iter()
            .filter(|a| {
                with_events.iter().any(|(_, events)| {
                    events.iter().any(|e| {
                        e.id == a.event_id && period.contains(luoshi_domain::china_date(e.data.at))
                    })
                })
            })
            .collect();
        Ok(Assessment {
            period: period.label(),
            scheme: scheme.name.clone(),
            scheme_label: scheme.label().to_string(),
            base: scheme.base,
            scores: assess::assess(&scheme, &units, &facts, &adjustments),
        })
    }
}

impl Luoshi {
    /// Adds or takes points from a unit by hand, over one of its matters, with the reason and
    /// who approved it; it goes on the matter's timeline and into the scores of its period.
    pub async fn adjust_score(
        &self,
        user: &User,
        matter: luoshi_domain::MatterId,
        unit: luoshi_domain::UnitId,
        points: f64,
        reason: &str,
        approver: &str,
    ) -> Result<()> {
        self.authorize(user, Power::AdjustScores)?;
        let m = self.visible_matter(user, matter).await?;
        if m.assignment(unit).is_none() {
            return Err(ServiceError::invalid(
                "unit",
                "该单位不是这个事项的承办单位",
            ));
        }
        if !(points.is_finite() && points != 0.0 && points.abs() <= 100.0) {
            return Err(ServiceError::invalid(
                "points",
                "加减分应为 -100 到 100 之间且不为 0",
            ));
        }
        let (reason, approver) = (reason.trim(), approver.trim());
        if reason.is_empty() || approver.is_empty() {
            return Err(ServiceError::invalid("reason", "请填写调整事由和批准人"));
        }
        let mut event = luoshi_domain::NewEvent::new(
            luoshi_domain::EventKind::Adjusted,
            user.id,
            self.now(),
            format!("{points:+}分:{reason}(批准人:{approver})"),
        );
        event.unit_id = Some(unit);
        let adjustment = Adjustment {
            event_id: luoshi_domain::EventId(0),
            matter_id: matter,
            unit_id: unit,
            points,
            reason: reason.to_string(),
            approver: approver.to_string(),
        };
        self.store.adjust(matter, &event, &adjustment).await?;
        Ok(())
    }
}
