//! The assessment page (综合考核): rankings per kind of unit for a period, each score opened
//! into its items, each item linked to its matter; and the same as .xlsx.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use luoshi_domain::assess::Period;
use luoshi_domain::{Power, UnitKind};
use luoshi_service::assess::Assessment;
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::form::{Fields, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

async fn assessment(
    s: &AppState,
    viewer: &Viewer,
    f: &Fields,
) -> Result<(String, Assessment), Response> {
    let period = match field(f, "period").trim() {
        "" => {
            let today = s.luoshi.today();
            format!("{}-Q{}", today.year(), today.month0() / 3 + 1)
        }
        p => p.to_string(),
    };
    let parsed: Period = period
        .parse()
        .map_err(|e: String| PageError::new(StatusCode::BAD_REQUEST, e).into_response())?;
    let scheme = Some(field(f, "scheme")).filter(|x| !x.is_empty());
    s.luoshi
        .assess(&viewer.user, parsed, scheme)
        .await
        .map(|a| (period, a))
        .map_err(|e| {
            let api = ApiError::from(e);
            PageError::from(api).into_response()
        })
}

pub async fn page(State(s): State<AppState>, viewer: Viewer, Query(f): Query<Fields>) -> Response {
    let (period, a) = match assessment(&s, &viewer, &f).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let tree = s.luoshi.tree();
    let mut groups: Vec<(UnitKind, Vec<minijinja::Value>)> = Vec::new();
    for score in &a.scores {
        let row = context! {
            rank => score.rank, unit => view::unit_name(&tree, score.unit_id),
            score => format!("{:.2}", score.score),
            items => score.items.iter().map(|i| context! {
                points => format!("{:+.2}", i.points), reason => i.reason, matter => i.matter_id.0,
                event => i.event_id.0,
            }).collect::<Vec<_>>(),
        };
        match groups.last_mut() {
            Some((kind, rows)) if *kind == score.kind => rows.push(row),
            _ => groups.push((score.kind, vec![row])),
        }
    }
    let groups: Vec<_> = groups
        .into_iter()
        .map(|(kind, rows)| context! { label => luoshi_service::assess::kind_label(kind), rows })
        .collect();
    render(
        &s,
        StatusCode::OK,
        "assessment.html",
        context! {
            viewer => ViewerView::of(&viewer, &tree), csrf => viewer.csrf(),
            period, label => a.period, scheme => a.scheme, scheme_label => a.scheme_label,
            base => a.base, groups,
            empty => a.scores.iter().all(|s| s.items.is_empty()),
            suggestions => period_suggestions(s.luoshi.today()),
            schemes => s.luoshi.schemes().iter().map(|x| context! { name => x.name, label => x.label() }).collect::<Vec<_>>(),
            export => format!("/assessment.xlsx?period={}&scheme={}", view::url_encode(field(&f, "period")), view::url_encode(field(&f, "scheme"))),
        },
    )
}

/// The periods offered as the period is typed, as offices write them: this year's and last
/// year's whole year, halves, quarters and months, and this week.
fn period_suggestions(today: chrono::NaiveDate) -> Vec<String> {
    let quarters = ["一", "二", "三", "四"];
    let mut all = vec![format!(
        "{}年第{}周",
        today.iso_week().year(),
        today.iso_week().week()
    )];
    for year in [today.year(), today.year() - 1] {
        all.push(format!("{year}年"));
        all.extend(["上半年", "下半年"].map(|h| format!("{year}年{h}")));
        all.extend(quarters.map(|q| format!("{year}年第{q}季度")));
        all.extend((1..=12).map(|m| format!("{year}年{m}月")));
    }
    all
}

pub async fn export(
    State(s): State<AppState>,
    viewer: Viewer,
    Query(f): Query<Fields>,
) -> Response {
    let (_, a) = match assessment(&s, &viewer, &f).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let tree = s.luoshi.tree();
    match a.workbook(&tree) {
        Ok(bytes) => crate::api::attachment(crate::api::XLSX, "assessment.xlsx", bytes),
        Err(e) => {
            tracing::error!(error = %e, "writing the assessment failed");
            PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "导出失败,请稍后重试").into_response()
        }
    }
}

/// A manual adjustment from the form under the rankings.
pub async fn adjust(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    if !s.luoshi.may(&viewer.user, Power::AdjustScores) {
        return PageError::new(StatusCode::FORBIDDEN, Power::AdjustScores.refusal())
            .into_response();
    }
    let number = field(&f, "matter").trim();
    let Ok(Some(found)) = s.luoshi.matter_by_number(&viewer.user, number).await else {
        let why = format!("找不到督办事项“{number}”(应写作 督〔2026〕5号)");
        return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
    };
    let tree = s.luoshi.tree();
    let unit = match super::register::resolve(&tree, &viewer.user, field(&f, "unit")) {
        Ok(units) if units.len() == 1 => units[0],
        Ok(_) => {
            return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "请填写一个单位")
                .into_response();
        }
        Err(e) => return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, e).into_response(),
    };
    let Ok(points) = field(&f, "points").trim().parse::<f64>() else {
        return PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "加减分应为数字,如 2 或 -1.5",
        )
        .into_response();
    };
    match s
        .luoshi
        .adjust_score(
            &viewer.user,
            found.id,
            unit,
            points,
            field(&f, "reason"),
            field(&f, "approver"),
        )
        .await
    {
        Ok(()) => axum::response::Redirect::to(&format!(
            "/assessment?period={}",
            view::url_encode(field(&f, "period"))
        ))
        .into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}
