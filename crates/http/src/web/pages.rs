//! The handlers behind the lists: the workbench, the matter list, the dashboard, the public
//! page, and the helpers every page handler shares.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use luoshi_domain::{Action, Light, MatterId, MatterState, Role, Source, UnitId, UserId};
use luoshi_service::matters::{ListQuery, Order};
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub type Fields = HashMap<String, String>;

/// A form sent with a file: its fields, and the file (its name and bytes) if one came. An
/// upload cut off or over its limit is the reason, as the server read it.
pub async fn read_upload(
    mut form: axum::extract::Multipart,
) -> Result<(Fields, Option<(String, Vec<u8>)>), String> {
    let mut fields = Fields::new();
    let mut file = None;
    while let Some(f) = form.next_field().await.map_err(|e| e.body_text())? {
        let name = f.name().unwrap_or_default().to_string();
        let file_name = f.file_name().map(str::to_string);
        let bytes = f.bytes().await.map_err(|e| e.body_text())?;
        if name == "file" {
            file = Some((file_name.unwrap_or_default(), bytes.to_vec()));
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok((fields, file))
}

pub fn field<'f>(fields: &'f Fields, name: &str) -> &'f str {
    fields.get(name).map(String::as_str).unwrap_or_default()
}

pub async fn workbench(
    State(s): State<AppState>,
    viewer: Viewer,
    axum::extract::Query(query): axum::extract::Query<Fields>,
) -> Response {
    let notice = super::matter::done_notice(field(&query, "done"));
    let w = match s.luoshi.workbench(&viewer.user).await {
        Ok(w) => w,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "工作台暂时无法显示,请稍后重试")
                .into_response();
        }
    };
    let tree = s.luoshi.tree();
    let today = s.luoshi.today();
    let days = |d: NaiveDate| s.luoshi.calendar().working_days_between(today, d);
    let rows = |v: &[_]| view::rows(v, &tree, days);
    render(
        &s,
        StatusCode::OK,
        "workbench.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree),
            csrf => viewer.csrf(),
            notice,
            to_sign => rows(&w.to_sign),
            returned => rows(&w.returned)
                .into_iter()
                .zip(&w.returned)
                .map(|(row, v)| row.returned_because(w.return_reasons.get(&v.matter.id)))
                .collect::<Vec<_>>(),
            to_report => rows(&w.to_report),
            red => rows(&w.red),
            to_review => rows(&w.to_review),
            extensions => rows(&w.extensions),
            silent => w.silent.iter().map(|(unit, owed)| context! {
                id => unit.0, name => view::unit_name(&tree, *unit), matters => rows(owed),
            }).collect::<Vec<_>>(),
            in_charge => !viewer.user.in_charge_of.is_empty(),
            standings => w.standings.iter().map(|s| context! {
                id => s.unit.0, name => view::unit_name(&tree, s.unit),
                open => s.open(),
                red => s.count(Light::Red),
                yellow => s.count(Light::Yellow),
                overdue => s.overdue,
                silent => s.silent,
            }).collect::<Vec<_>>(),
        },
    )
}

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

/// The matters waiting to be signed, as the workbench lists them: their ids, comma-separated.
#[derive(serde::Deserialize)]
pub struct SignAll {
    ids: String,
}

/// Signs every matter listed, one step each; those that cannot be signed are named.
pub async fn sign_all(
    State(s): State<AppState>,
    Posted { viewer, form }: Posted<SignAll>,
) -> Result<Response, PageError> {
    let mut failed = Vec::new();
    for raw in form.ids.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let outcome = match raw.parse::<i64>() {
            Ok(id) => s
                .luoshi
                .act(&viewer.user, MatterId(id), Action::Sign)
                .await
                .map_err(|e| ApiError::from(e).message),
            Err(_) => Err("编号有误".to_string()),
        };
        if let Err(why) = outcome {
            failed.push(format!("事项 {raw}:{why}"));
        }
    }
    if !failed.is_empty() {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            format!("以下事项未能签收,其余已签收。{}", failed.join(";")),
        ));
    }
    Ok(Redirect::to("/?done=sign").into_response())
}

/// The matters a field names by number (督〔2026〕5号, several separated by 、 or commas), or
/// the first number that names none the viewer may see.
pub async fn matters_named(
    s: &AppState,
    viewer: &Viewer,
    text: &str,
) -> Result<Vec<MatterId>, String> {
    let mut found = Vec::new();
    for number in text
        .split(['、', ',', '\u{ff0c}', ' ', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match s.luoshi.matter_by_number(&viewer.user, number).await {
            Ok(Some(m)) => found.push(m.id),
            _ => return Err(format!("找不到督办事项“{number}”(应写作 督〔2026〕5号)")),
        }
    }
    Ok(found)
}
