//! Accountability (问责): proposals from the reminder ladder decided or dismissed, and records
//! entered by hand; a decided record goes on its matters' timelines, where assessment reads it.

use luoshi_domain::accountability::{Accountability, AccountabilityState, Measure};
use luoshi_domain::{EventKind, MatterId, NewEvent, Power, UnitId, User};

use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// The org's records, proposals first.
    pub async fn accountability(&self, user: &User) -> Result<Vec<Accountability>> {
        let org = self.authorize(user, Power::Accountability)?;
        Ok(self.store.accountability(org).await?)
    }

    /// Records a measure taken by hand.
    pub async fn hold_to_account(
        &self,
        user: &User,
        unit_id: UnitId,
        person: &str,
        matters: &[MatterId],
        reason: &str,
        measure: Measure,
    ) -> Result<i64> {
        let org = self.authorize(user, Power::Accountability)?;
        let tree = self.tree();
        if !tree.is_within(unit_id, org) {
            return Err(ServiceError::invalid("unit_id", "该单位不在本级管辖范围内"));
        }
        let now = self.now();
        let record = Accountability {
            id: 0,
            org_id: org,
            unit_id,
            person: person.trim().to_string(),
            matter_ids: matters.to_vec(),
            reason: reason.trim().to_string(),
            measure: Some(measure),
            state: AccountabilityState::Decided,
            key: String::new(),
            created_at: now,
            decided_by: Some(user.id),
            decided_at: Some(now),
        };
        self.write_accountability(user, record).await
    }

    /// Decides a proposal with a measure, or dismisses it (`None`), giving the reason.
    pub async fn decide_accountability(
        &self,
        user: &User,
        id: i64,
        measure: Option<Measure>,
        reason: &str,
    ) -> Result<i64> {
        let found = self
            .accountability(user)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ServiceError::NotFound(format!("问责记录 {id} 不存在")))?;
        if found.state != AccountabilityState::Proposed {
            return Err(ServiceError::Conflict("该问责记录已经处理".into()));
        }
        let now = self.now();
        let record = Accountability {
            reason: if reason.trim().is_empty() {
                found.reason.clone()
            } else {
                reason.trim().to_string()
            },
            measure,
            state: if measure.is_some() {
                AccountabilityState::Decided
            } else {
                AccountabilityState::Dismissed
            },
            decided_by: Some(user.id),
            decided_at: Some(now),
            ..found
        };
        self.write_accountability(user, record).await
    }

    async fn write_accountability(&self, user: &User, record: Accountability) -> Result<i64> {
        if record.reason.is_empty() {
            return Err(ServiceError::invalid("reason", "请填写问责事由"));
        }
        let events: Vec<(MatterId, NewEvent)> = match record.measure {
            Some(measure) if record.state == AccountabilityState::Decided => record
                .matter_ids
                .iter()
                .map(|m| {
                    let mut e = NewEvent::new(
                        EventKind::Accountability,
                        user.id,
                        self.now(),
                        format!("{}:{}", measure.label(), record.reason),
                    );
                    e.unit_id = Some(record.unit_id);
                    (*m, e)
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(self.store.save_accountability(&record, &events).await?)
    }
}
