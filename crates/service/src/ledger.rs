//! The ledger (台账): the matters a query finds, one printable row each, in the import's columns.

use luoshi_domain::User;
use luoshi_office::ledger::LedgerRow;

use crate::matters::ListQuery;
use crate::{Luoshi, Result};

impl Luoshi {
    /// Every matter the caller may see that matches the query, as ledger rows with the latest
    /// progress report of each and the rating its close gave.
    pub async fn ledger(&self, user: &User, query: &ListQuery) -> Result<Vec<LedgerRow>> {
        let views = self.matching(user, query).await?;
        let ids: Vec<_> = views.iter().map(|v| v.matter.id).collect();
        let reports: std::collections::HashMap<_, _> = self
            .store
            .latest_reports(&ids)
            .await?
            .into_iter()
            .map(|(id, text, at)| (id, (text, at)))
            .collect();
        let ratings: std::collections::HashMap<_, _> =
            self.store.close_ratings(&ids).await?.into_iter().collect();
        let tree = self.tree();
        let name = |u| {
            tree.get(u)
                .map_or(String::new(), |u| u.display_name().to_string())
        };
        let leaders: std::collections::HashMap<_, _> = self
            .users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(views
            .iter()
            .map(|v| {
                let m = &v.matter;
                LedgerRow {
                    number: v.number.clone(),
                    title: m.title.clone(),
                    lead: name(m.lead_unit_id),
                    co: m
                        .co_unit_ids
                        .iter()
                        .map(|u| name(*u))
                        .collect::<Vec<_>>()
                        .join("、"),
                    leader: m
                        .leader_id
                        .and_then(|l| leaders.get(&l).cloned())
                        .unwrap_or_default(),
                    deadline: match m.deadline {
                        Some(d) => luoshi_office::cn_date(d),
                        None => format!("持续推进({}反馈)", m.cadence.label()),
                    },
                    state: m.state.label().to_string(),
                    light: v.light.label().to_string(),
                    progress: reports.get(&m.id).map_or(String::new(), |(text, at)| {
                        format!(
                            "{}({}%,{})",
                            text,
                            m.lead().map_or(0, |a| a.percent),
                            luoshi_office::cn_date(luoshi_domain::china_date(*at))
                        )
                    }),
                    rating: ratings
                        .get(&m.id)
                        .map_or(String::new(), |r| r.label().to_string()),
                }
            })
            .collect())
    }
}
