//! The public page (公开承诺): the commitments anyone may follow, without signing in.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_domain::MatterState;
use minijinja::context;

use super::PageError;
use super::render;
use super::view;
use crate::AppState;

/// The public commitments: no sign-in, nothing internal.
pub async fn public(State(s): State<AppState>) -> Response {
    let views = match s.luoshi.public_matters().await {
        Ok(v) => v,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let tree = s.luoshi.tree();
    let closed = views
        .iter()
        .filter(|v| v.matter.state == MatterState::Closed)
        .count();
    let groups = view::public_groups(&views, &tree, s.luoshi.today());
    // The government whose commitments these are: the top of the tree.
    let government = tree
        .units()
        .find(|u| u.parent_id.is_none())
        .map(|u| u.name.clone());
    render(
        &s,
        StatusCode::OK,
        "public.html",
        context! {
            groups, total => views.len(), closed, government,
            updated => view::cn_time(s.luoshi.now()),
        },
    )
}
