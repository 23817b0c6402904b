//! Reading matters: one in detail, a page of a list, by number, the public ones; each as far as
//! the reader may see, with its lights.

use chrono::Datelike;
use luoshi_domain::light::planned_percent;
use luoshi_domain::{
    Cause, Event, Light, LightContext, Matter, MatterId, MatterNumber, MatterState, OrgTree,
    ProgressClass, User,
};
use luoshi_storage::MatterQuery;

use super::{Chain, ListQuery, MAX_PAGE, MatterDetail, MatterView, Page};
use crate::{Luoshi, Result, ServiceError, with_actor};

impl Luoshi {
    pub async fn matter_detail(&self, user: &User, id: MatterId) -> Result<MatterDetail> {
        let (matter, events) = self.visible_matter_with_events(user, id).await?;
        let descendants = self.store.descendants(matter.id).await?;
        let chain = self.chain(user, &matter, descendants).await?;
        self.detail(matter, events, chain).await
    }

    pub(super) async fn detail(
        &self,
        matter: Matter,
        events: Vec<Event>,
        chain: Chain,
    ) -> Result<MatterDetail> {
        let attachments = self.store.attachments(&[matter.id]).await?;
        let working_days_left = matter
            .deadline
            .map(|d| self.calendar().working_days_between(self.today(), d));
        let progress = events
            .iter()
            .map(|e| {
                let planned = planned_percent(&matter, luoshi_domain::china_date(e.data.at));
                e.data.percent.and_then(|p| ProgressClass::of(p, planned))
            })
            .collect();
        let indicators = crate::indicators::IndicatorStatus::all(&matter, &self.rules.lights);
        let mut view = self.view(matter);
        view.light = chain.light;
        Ok(MatterDetail {
            view,
            chain,
            events,
            progress,
            attachments,
            working_days_left,
            indicators,
        })
    }

    /// The matters the caller may see that match the query, one page of them.
    pub async fn list_matters(&self, user: &User, query: &ListQuery) -> Result<Page> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        if query.light.is_some() {
            self.refresh_lights().await?;
        }
        let mut store_query = self.store_query(user, query);
        store_query.page = Some((limit, query.offset));
        let (matters, total) = self.store.matters(&store_query).await?;
        let items = self.views(matters);
        Ok(Page { items, total })
    }

    /// The matter a number names, typed any way people type it (71号, 71, 督[2026]71号,
    /// 青督〔2026〕7号; a number without its year is of this year), if the caller may see it.
    /// Orgs number apart, so the 字号 typed picks the org; without one, the caller's own org's
    /// matter comes before one of an org below it.
    pub async fn matter_by_number(&self, user: &User, number: &str) -> Result<Option<Matter>> {
        let Some((prefix, number)) = MatterNumber::read_prefixed(number, self.today().year())
        else {
            return Ok(None);
        };
        let query = ListQuery {
            q: Some(number.to_string()),
            limit: MAX_PAGE,
            ..ListQuery::default()
        };
        let tree = self.tree();
        let own = tree.org_of(user.unit_id);
        let mut found: Vec<Matter> = self
            .list_matters(user, &query)
            .await?
            .items
            .into_iter()
            .map(|v| v.matter)
            .filter(|m| m.number == number)
            .filter(|m| prefix.is_empty() || tree.number_prefix(m.org_id) == prefix)
            .collect();
        found.sort_by_key(|m| (Some(m.org_id) != own, m.org_id));
        Ok(found.into_iter().next())
    }

    /// The public commitments, for anyone: assigned and not cancelled, whatever the org.
    pub async fn public_matters(&self) -> Result<Vec<MatterView>> {
        let tree = self.tree();
        let query = MatterQuery {
            visibility: luoshi_domain::Visibility {
                org_ids: tree.orgs(),
                ..Default::default()
            },
            states: MatterState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_counted())
                .collect(),
            public_only: true,
            by_rule: false,
            ..MatterQuery::default()
        };
        let (matters, _) = self.store.matters(&query).await?;
        Ok(self.views(matters))
    }

    /// Every visible matter matching the query, with lights, the light filter applied: the
    /// whole list, for exports.
    pub async fn matching(&self, user: &User, query: &ListQuery) -> Result<Vec<MatterView>> {
        self.visible_views(user, query).await
    }

    /// Every visible matter matching the query, with lights, the light filter applied.
    pub(crate) async fn visible_views(
        &self,
        user: &User,
        query: &ListQuery,
    ) -> Result<Vec<MatterView>> {
        if query.light.is_some() {
            self.refresh_lights().await?;
        }
        let (matters, _) = self.store.matters(&self.store_query(user, query)).await?;
        Ok(self.views(matters))
    }

    /// The words of a search, a matter number typed any way (71号, 督[2026]71号) written the
    /// official way, so that it finds the matter.
    fn search_words(&self, q: &str) -> String {
        let year = self.today().year();
        q.split_whitespace()
            .map(|word| {
                let numbered = word.contains(['号', '〔', '[', '(', '（', '［', '【']);
                match MatterNumber::read(word, year) {
                    Some(n) if numbered => n.to_string(),
                    _ => word.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn store_query(&self, user: &User, query: &ListQuery) -> MatterQuery {
        MatterQuery {
            visibility: with_actor(self, user, |a| a.visibility()),
            scope: with_actor(self, user, |a| a.scope()),
            states: query.states.clone(),
            source: query.source,
            unit_id: query.unit_id,
            text: query.q.as_deref().map(|q| self.search_words(q)),
            public_only: false,
            by_rule: query.by_rule,
            with_indicators: query.with_indicators,
            parent_id: None,
            leader_id: query.leader_id,
            due_from: query.due_from,
            due_to: query.due_to,
            within: Vec::new(),
            overdue_on: query.overdue_on,
            lights: query.light.into_iter().collect(),
            order: query.order,
            page: None,
        }
    }

    /// The matter, if it exists and the caller may see it. Both cases answer "not found", so
    /// nobody learns which ids exist outside their scope.
    pub(crate) async fn visible_matter(&self, user: &User, id: MatterId) -> Result<Matter> {
        let matter = self.store.matter(id).await?;
        self.admit(user, id, matter)
    }

    pub(crate) async fn visible_matter_with_events(
        &self,
        user: &User,
        id: MatterId,
    ) -> Result<(Matter, Vec<Event>)> {
        let found = self.store.matter_with_events(id).await?;
        let (matter, events) = found.unzip();
        Ok((self.admit(user, id, matter)?, events.unwrap_or_default()))
    }

    fn admit(&self, user: &User, id: MatterId, matter: Option<Matter>) -> Result<Matter> {
        match matter {
            Some(m) if with_actor(self, user, |a| a.can_see(&m)) => Ok(m),
            _ => Err(ServiceError::NotFound(format!(
                "事项 {id} 不存在或无权查看"
            ))),
        }
    }

    pub fn view(&self, matter: Matter) -> MatterView {
        let calendar = self.calendar();
        view_with(&self.lights(&calendar), &self.tree(), matter)
    }

    /// Matters with their lights, all judged against the same moment.
    pub fn views(&self, matters: Vec<Matter>) -> Vec<MatterView> {
        let calendar = self.calendar();
        let lights = self.lights(&calendar);
        let tree = self.tree();
        matters
            .into_iter()
            .map(|m| view_with(&lights, &tree, m))
            .collect()
    }
}

pub(super) fn view_with(lights: &LightContext<'_>, tree: &OrgTree, matter: Matter) -> MatterView {
    let assignment_causes: Vec<Vec<Cause>> = matter
        .assignments
        .iter()
        .map(|a| lights.why(&matter, a))
        .collect();
    let assignment_lights = assignment_causes
        .iter()
        .map(|causes| {
            causes
                .iter()
                .map(|c| c.light())
                .max()
                .unwrap_or(Light::Green)
        })
        .collect();
    let light = lights.matter(&matter);
    MatterView {
        number: tree.number_label(matter.org_id, matter.number),
        matter,
        light,
        assignment_lights,
        assignment_causes,
    }
}
