//! The matter list: filters, pages, and the same filters exported as the ledger (台账).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use luoshi_domain::{Light, MatterState, Role, Source, UnitId, UserId};
use luoshi_service::matters::{ListQuery, Order};
use minijinja::context;

use super::PageError;
use super::form::{Fields, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

const PAGE: usize = 50;

/// The list's query from its form, with what could not be read named rather than guessed.
fn list_query(f: &Fields, tree: &luoshi_domain::OrgTree) -> (ListQuery, Vec<String>) {
    let mut problems = Vec::new();
    fn pick<T>(
        f: &Fields,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        problems: &mut Vec<String>,
    ) -> Option<T> {
        let raw = field(f, name).trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = parse(raw);
        if parsed.is_none() {
            problems.push(format!("{what}“{raw}”无效"));
        }
        parsed
    }
    let query = ListQuery {
        states: pick(f, "state", "状态", MatterState::parse_filter, &mut problems)
            .unwrap_or_default(),
        light: pick(f, "light", "预警", Light::parse, &mut problems),
        source: pick(f, "source", "来源", Source::parse, &mut problems),
        unit_id: pick(
            f,
            "unit_id",
            "单位",
            |u| {
                u.parse()
                    .ok()
                    .map(UnitId)
                    .filter(|u| tree.get(*u).is_some())
            },
            &mut problems,
        ),
        q: Some(field(f, "q").trim().to_string()).filter(|q| !q.is_empty()),
        by_rule: false,
        with_indicators: false,
        order: pick(f, "sort", "排序", Order::parse, &mut problems).unwrap_or_default(),
        leader_id: pick(
            f,
            "leader_id",
            "责任领导",
            |l| l.parse().ok().map(UserId),
            &mut problems,
        ),
        due_from: pick(
            f,
            "due_from",
            "起始日期",
            |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
            &mut problems,
        ),
        due_to: pick(
            f,
            "due_to",
            "截止日期",
            |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
            &mut problems,
        ),
        overdue_on: pick(
            f,
            "overdue_on",
            "逾期日期",
            |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
            &mut problems,
        ),
        limit: PAGE,
        offset: pick(
            f,
            "page",
            "页码",
            |p| p.parse::<usize>().ok().filter(|p| *p >= 1),
            &mut problems,
        )
        .map_or(0, |p| (p - 1) * PAGE),
    };
    (query, problems)
}

pub async fn list(State(s): State<AppState>, viewer: Viewer, Query(f): Query<Fields>) -> Response {
    let tree = s.luoshi.tree();
    let (query, problems) = list_query(&f, &tree);
    let page = match s.luoshi.list_matters(&viewer.user, &query).await {
        Ok(p) => p,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "列表暂时无法显示,请稍后重试")
                .into_response();
        }
    };
    let today = s.luoshi.today();
    let rows = view::rows(&page.items, &tree, |d| {
        s.luoshi.calendar().working_days_between(today, d)
    });
    let number = query.offset / PAGE + 1;
    // The filters as they were chosen, so paging and export keep them.
    let mut kept: Vec<(String, String)> = f
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    kept.sort();
    let query_string = |extra: Option<(String, String)>| {
        let encoded: Vec<String> = kept
            .iter()
            .chain(extra.as_ref())
            .map(|(k, v)| format!("{k}={}", view::url_encode(v)))
            .collect();
        encoded.join("&")
    };
    let link = |n: usize| {
        format!(
            "/matters?{}",
            query_string(Some(("page".into(), n.to_string())))
        )
    };
    let export = query_string(None);
    let leaders = match s.luoshi.users().await {
        Ok(users) => users
            .into_iter()
            .filter(|u| u.role == Role::Leader)
            .collect::<Vec<_>>(),
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "列表暂时无法显示,请稍后重试")
                .into_response();
        }
    };
    let selects = view::list_selects(&f, &tree, &viewer.user, &leaders);
    render(
        &s,
        StatusCode::OK,
        "list.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree),
            csrf => viewer.csrf(),
            f => context! {
                q => field(&f, "q"), due_from => field(&f, "due_from"), due_to => field(&f, "due_to"),
                overdue_on => query.overdue_on.map(|d| d.to_string()),
                overdue_on_text => query.overdue_on.map(view::page_date),
            },
            selects, problems, rows,
            total => page.total,
            first => query.offset + 1,
            last => query.offset + page.items.len(),
            prev => (number > 1).then(|| link(number - 1)),
            export,
            next => (query.offset + page.items.len() < page.total).then(|| link(number + 1)),
        },
    )
}

/// The list as a ledger (台账), every match and not one page: `/matters.csv` or `/matters.xlsx`.
pub async fn export_csv(s: State<AppState>, viewer: Viewer, f: Query<Fields>) -> Response {
    export(s, viewer, f, "matters.csv").await
}

pub async fn export_xlsx(s: State<AppState>, viewer: Viewer, f: Query<Fields>) -> Response {
    export(s, viewer, f, "matters.xlsx").await
}

async fn export(
    State(s): State<AppState>,
    viewer: Viewer,
    Query(f): Query<Fields>,
    file: &str,
) -> Response {
    let tree = s.luoshi.tree();
    let (query, problems) = list_query(&f, &tree);
    if !problems.is_empty() {
        return PageError::new(StatusCode::BAD_REQUEST, problems.join(";")).into_response();
    }
    let rows = match s.luoshi.ledger(&viewer.user, &query).await {
        Ok(rows) => rows,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "导出失败,请稍后重试").into_response();
        }
    };
    let format = if file == "matters.csv" { "csv" } else { "xlsx" };
    crate::api::ledger_download(&rows, format).unwrap_or_else(|e| {
        tracing::error!(error = %e, "writing the ledger failed");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "导出失败,请稍后重试").into_response()
    })
}
