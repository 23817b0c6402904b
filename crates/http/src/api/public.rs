use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, AppState};

/// A public commitment as anyone may read it: no content, no names of people, nothing internal.
#[derive(Serialize, ToSchema)]
pub struct PublicMatter {
    number: String,
    title: String,
    /// decision, work_report, meeting, special or instruction.
    source: &'static str,
    /// The lead unit's name.
    unit: String,
    state: &'static str,
    /// None: 持续推进.
    deadline: Option<NaiveDate>,
    /// The lead unit's latest reported progress.
    percent: u8,
}

#[derive(Serialize, ToSchema)]
pub struct PublicMatters {
    total: usize,
    closed: usize,
    /// Grouped by source, then lead unit.
    items: Vec<PublicMatter>,
}

/// The government's public commitments (公开承诺事项), for anyone, without signing in.
#[utoipa::path(get, path = "/public/matters", security(()), responses((status = 200, body = PublicMatters)))]
pub async fn list(State(s): State<AppState>) -> Result<Json<PublicMatters>, ApiError> {
    let views = s.luoshi.public_matters().await?;
    let tree = s.luoshi.tree();
    let mut items: Vec<PublicMatter> = views
        .iter()
        .map(|v| {
            let m = &v.matter;
            PublicMatter {
                number: v.number.clone(),
                title: m.title.clone(),
                source: m.source.as_str(),
                unit: tree
                    .get(m.lead_unit_id)
                    .map_or(String::new(), |u| u.name.clone()),
                state: m.state.as_str(),
                deadline: m.deadline,
                percent: m.lead().map_or(0, |a| a.percent),
            }
        })
        .collect();
    let source_order = |s: &str| {
        luoshi_domain::Source::ALL
            .iter()
            .position(|x| x.as_str() == s)
            .unwrap_or(usize::MAX)
    };
    items.sort_by(|a, b| {
        source_order(a.source)
            .cmp(&source_order(b.source))
            .then(a.unit.cmp(&b.unit))
            .then(a.number.cmp(&b.number))
    });
    Ok(Json(PublicMatters {
        total: items.len(),
        closed: items.iter().filter(|m| m.state == "closed").count(),
        items,
    }))
}
