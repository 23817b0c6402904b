//! Taking a lifecycle step on a matter — sign, report, ask to close, close, extend… — which the
//! domain's lifecycle decides and the store writes with its events.

use luoshi_domain::{Action, Event, ExtensionChain, MatterId, OpenBelow, UnitId, User};
use luoshi_storage::StoreError;

use super::MatterDetail;
use crate::{Luoshi, Result, ServiceError, with_actor};

/// How often a step is retried when the matter changed under it.
const MAX_RETRIES: usize = 8;

impl Luoshi {
    /// Takes one lifecycle step on a matter for `user`.
    ///
    /// When someone else changed the matter between our read and our write, the step is taken
    /// again on the fresh matter: the lifecycle re-checks it there, so two units reporting at
    /// once both land, while a second "close" is refused by the state it finds.
    pub async fn act(&self, user: &User, id: MatterId, action: Action) -> Result<MatterDetail> {
        let chain = ExtensionChain(self.rules.extension_chain.clone());
        // Steps on one matter queue here instead of racing to the database; the version check
        // below still guards against other processes.
        let _turn = self.matter_lock(id).lock().await;
        let mut attempts = 0;
        loop {
            let (matter, mut events) = self.visible_matter_with_events(user, id).await?;
            match action {
                Action::RequestCompletion { .. } => self.require_evidence(&matter, &events).await?,
                Action::Close { .. } => self.require_leader_read(&matter, &events)?,
                _ => {}
            }
            let descendants = self.store.descendants(matter.id).await?;
            let now = self.now();
            let transition = with_actor(self, user, |actor| {
                let below = OpenBelow::of(&descendants, actor);
                luoshi_domain::apply(&matter, actor, action.clone(), now, &chain, &below)
            })?;
            let dispatch = self.dispatch_for(&transition, now).await?;
            match self
                .store
                .save_transition(&matter, &transition, &dispatch)
                .await
            {
                Ok(ids) => {
                    // The version check proved nothing was written in between, so the timeline
                    // read before plus the events just written is the whole timeline.
                    let written = ids
                        .into_iter()
                        .zip(transition.events)
                        .map(|(id, data)| Event {
                            id,
                            matter_id: matter.id,
                            data,
                        });
                    events.extend(written);
                    let chain = self.chain(user, &transition.matter, descendants).await?;
                    return self.detail(transition.matter, events, chain).await;
                }
                Err(StoreError::Conflict(_)) if attempts < MAX_RETRIES => attempts += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// 改派: `to` takes over `from`'s part on work in hand, or with no `from` joins it as a
    /// co-unit; the unit taken off keeps its record, the timeline says who and why, and the
    /// new unit's liaisons are told.
    pub async fn reassign(
        &self,
        user: &User,
        id: MatterId,
        from: Option<UnitId>,
        to: UnitId,
        reason: &str,
    ) -> Result<MatterDetail> {
        let matter = self.visible_matter(user, id).await?;
        let tree = self.tree();
        let name = |unit: UnitId| tree.get(unit).map(|u| u.display_name().to_string());
        let Some(to_name) = name(to) else {
            return Err(ServiceError::invalid("to", format!("单位 {to} 不存在")));
        };
        if tree.is_retired(to) {
            return Err(ServiceError::invalid(
                "to",
                format!("“{to_name}”已撤销,不能再交办新的事项"),
            ));
        }
        if !tree.is_within(to, matter.org_id) {
            return Err(ServiceError::invalid(
                "to",
                format!("“{to_name}”不在本级管辖范围内"),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::invalid("reason", "请填写改派理由"));
        }
        let comment = match from.map(|f| (f, name(f))) {
            Some((_, Some(from_name))) => format!("由{from_name}改派{to_name}承办。理由:{reason}"),
            Some((f, None)) => {
                return Err(ServiceError::invalid("from", format!("单位 {f} 不存在")));
            }
            None => format!("增加{to_name}为配合单位。理由:{reason}"),
        };
        self.act(
            user,
            id,
            Action::Reassign {
                from,
                to,
                reason: comment,
            },
        )
        .await
    }

    /// Whether `user` may take this step on the matter as it stands, without taking it: the
    /// same refusal `act` would give, or none. Asked before a step that cannot be undone is
    /// confirmed.
    pub async fn may_act(&self, user: &User, id: MatterId, action: Action) -> Result<()> {
        let chain = ExtensionChain(self.rules.extension_chain.clone());
        let matter = self.visible_matter(user, id).await?;
        let descendants = self.store.descendants(matter.id).await?;
        let now = self.now();
        with_actor(self, user, |actor| {
            let below = OpenBelow::of(&descendants, actor);
            luoshi_domain::apply(&matter, actor, action, now, &chain, &below)
        })?;
        Ok(())
    }
}
