//! The dashboard (情况要明): the matters counted as charts, and how each unit stands.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use luoshi_domain::{Light, MatterState, Source};
use minijinja::context;

use super::PageError;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

/// 情况要明: counts by state, light and source as charts, and how each unit stands.
pub async fn dashboard(State(s): State<AppState>, viewer: Viewer) -> Response {
    let d = match s.luoshi.dashboard(&viewer.user, None).await {
        Ok(d) => d,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "情况暂时无法显示,请稍后重试")
                .into_response();
        }
    };
    let tree = s.luoshi.tree();
    let charts = [
        view::chart(
            "按状态",
            "state",
            &d.by_state,
            MatterState::ALL.iter().map(|x| (x.as_str(), x.label())),
        ),
        view::chart(
            "按预警",
            "light",
            &d.by_light,
            Light::ALL.iter().map(|x| (x.as_str(), x.label())),
        ),
        view::chart(
            "按来源",
            "source",
            &d.by_source,
            Source::ALL.iter().map(|x| (x.as_str(), x.label())),
        ),
    ];
    let units: Vec<_> = d
        .units
        .iter()
        .map(|u| {
            context! {
                id => u.unit_id.0, name => view::unit_name(&tree, u.unit_id),
                open => u.open, red => u.red, rate => view::percent(u.completion_rate),
            }
        })
        .collect();
    render(
        &s,
        StatusCode::OK,
        "dashboard.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree),
            csrf => viewer.csrf(),
            d => context! { total => d.total, completion => view::percent(d.completion_rate) },
            charts, units,
            trend => view::trend(&d.overdue_by_week),
            trend_height => view::TREND_HEIGHT,
            months => view::month_names(&d.heat),
            heat => view::heat_rows(&d.heat, &tree),
            year => d.heat.months.first().map(|m| m.year()),
            off_track => d.off_track.iter().map(|o| context! {
                matter_id => o.matter_id.0, number => o.number, title => o.title,
                unit => view::unit_name(&tree, o.lead_unit_id),
                name => o.status.indicator.name, light => o.status.light.as_str(),
                light_label => o.status.light.label(), reason => o.status.reason,
            }).collect::<Vec<_>>(),
        },
    )
}
