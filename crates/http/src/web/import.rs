//! The import page: upload a task table or document, see every row as understood with its
//! problems beside it, correct unit names in place, and import.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use luoshi_domain::{Cadence, Power, Source};
use luoshi_office::extract::Candidate;
use luoshi_service::import::{ImportOptions, ImportPlan};
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::form::{Fields, field};
use super::form::{Upload, UploadRefused, unread};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

/// Uploads up to this size are read; a larger one is refused with a message, unread.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

fn may_import(s: &AppState, viewer: &Viewer) -> bool {
    s.luoshi.may(&viewer.user, Power::Import)
}

pub async fn page(State(s): State<AppState>, viewer: Viewer) -> Response {
    if !may_import(&s, &viewer) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Import.refusal()).into_response();
    }
    upload_form(&s, &viewer, StatusCode::OK, None)
}

fn upload_form(s: &AppState, viewer: &Viewer, status: StatusCode, error: Option<&str>) -> Response {
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "import.html",
        context! {
            viewer => ViewerView::of(viewer, &tree),
            csrf => viewer.csrf(),
            error,
            sources => sources(),
            max_mb => MAX_UPLOAD_BYTES / 1024 / 1024,
        },
    )
}

fn sources() -> Vec<minijinja::Value> {
    Source::ALL
        .iter()
        .map(|s| context! { value => s.as_str(), label => s.label() })
        .collect()
}

/// The uploaded file, read into a plan and shown for review; nothing is written.
pub async fn upload(State(s): State<AppState>, upload: Result<Upload, UploadRefused>) -> Response {
    let Upload {
        viewer,
        fields,
        file,
    } = match upload {
        Ok(upload) => upload,
        Err(UploadRefused::Unread { viewer, too_large }) => {
            let (status, message) = unread(too_large, "文件超过 20 MB,请拆分后再导入");
            return upload_form(&s, &viewer, status, Some(&message));
        }
        Err(page) => return page.into_response(),
    };
    if !may_import(&s, &viewer) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Import.refusal()).into_response();
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_form(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("请选择要导入的文件"),
        );
    };
    let options = match options(&fields) {
        Ok(o) => o,
        Err(e) => return upload_form(&s, &viewer, StatusCode::UNPROCESSABLE_ENTITY, Some(e)),
    };
    match s
        .luoshi
        .plan_import(Some(&viewer.user), &file_name, &bytes, &options)
        .await
    {
        Ok(plan) => preview(&s, &viewer, StatusCode::OK, &plan, &options, None),
        Err(e) => {
            let api = ApiError::from(e);
            upload_form(&s, &viewer, api.status, Some(&api.message))
        }
    }
}

fn options(fields: &Fields) -> Result<ImportOptions, &'static str> {
    let source = match field(fields, "source") {
        "" => None,
        s => Some(Source::parse(s).ok_or("请选择有效的来源")?),
    };
    let year = match field(fields, "year").trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or("年份应为2000至2100之间的数字")?,
        ),
    };
    Ok(ImportOptions {
        source,
        year,
        assign: field(fields, "assign") == "1",
        partial: field(fields, "partial") == "1",
    })
}

fn preview(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    plan: &ImportPlan,
    options: &ImportOptions,
    error: Option<&str>,
) -> Response {
    let tree = s.luoshi.tree();
    let rows: Vec<_> = plan
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let units: Vec<String> = r
                .unit_ids
                .iter()
                .map(|u| view::unit_name(&tree, luoshi_domain::UnitId(*u)))
                .collect();
            context! {
                i, line => r.line, title => r.title, sections => r.sections.join(" / "),
                number => r.candidate.number,
                lead => r.lead_units.join("、"), co => r.co_units.join("、"),
                leader => r.leader, deadline_text => r.deadline_text,
                deadline => r.deadline.map(view::page_date),
                units => units.join("、"),
                problems => r.problems, notes => r.notes,
                before => r.imported_before,
            }
        })
        .collect();
    render(
        s,
        status,
        "import_preview.html",
        context! {
            viewer => ViewerView::of(viewer, &tree),
            csrf => viewer.csrf(),
            error,
            rows,
            total => plan.rows.len(),
            with_problems => plan.problem_rows(),
            before => plan.rows.iter().filter(|r| r.imported_before).count(),
            file_problems => plan.file_problems,
            year => plan.year,
            source => plan.source.as_str(),
            source_label => plan.source.label(),
            origin => plan.origin,
            origin_number => plan.origin_number,
            origin_date => plan.origin_date,
            cadence => plan.cadence.map(|c| c.as_str()),
            report_rule => plan.report_rule.map(|r| r.phrase()),
            assign => options.assign,
            sources => sources(),
        },
    )
}

/// The rows as corrected on the preview: checked again, and imported if asked and clean.
pub async fn commit(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    if !may_import(&s, &viewer) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Import.refusal()).into_response();
    }
    let mut options = match options(&f) {
        Ok(o) => o,
        Err(e) => return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, e).into_response(),
    };
    let year = options
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&s.luoshi.today()));
    let source = options.source.unwrap_or(Source::Decision);
    options.source = Some(source);
    let candidates: Vec<Candidate> = (0..)
        .map_while(|i| {
            let get = |name: &str| f.get(&format!("r{i}.{name}")).cloned();
            get("title").map(|title| Candidate {
                sections: get("sections")
                    .unwrap_or_default()
                    .split(" / ")
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
                number: get("number").unwrap_or_default(),
                title,
                lead: get("lead").unwrap_or_default(),
                units: String::new(),
                co: get("co").unwrap_or_default(),
                leader: get("leader").unwrap_or_default(),
                deadline: get("deadline").unwrap_or_default(),
                paragraph: get("line")
                    .and_then(|l| l.parse::<usize>().ok())
                    .map_or(i, |l| l.saturating_sub(1)),
            })
        })
        .collect();
    let cadence = Cadence::parse(field(&f, "cadence"));
    let report_rule = luoshi_domain::rounds::ReportRule::parse(field(&f, "report_rule"));
    let plan = match s
        .luoshi
        .plan_rows(
            Some(&viewer.user),
            candidates,
            Vec::new(),
            year,
            source,
            (
                field(&f, "origin").to_string(),
                field(&f, "origin_number").to_string(),
                chrono::NaiveDate::parse_from_str(field(&f, "origin_date"), "%Y-%m-%d").ok(),
            ),
            (cadence, report_rule),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => {
            return PageError::new(ApiError::from(e).status, "导入暂时无法完成,请稍后重试")
                .into_response();
        }
    };
    if field(&f, "action") != "import" {
        return preview(&s, &viewer, StatusCode::OK, &plan, &options, None);
    }
    match s.luoshi.import(&viewer.user, &plan, &options).await {
        Ok(outcome) => {
            // Statistics are refreshed behind the answer: the new rows are already there.
            let luoshi = s.luoshi.clone();
            tokio::spawn(async move {
                if let Err(e) = luoshi.refresh_statistics().await {
                    tracing::warn!(error = %e, "statistics could not be refreshed after an import");
                }
            });
            let tree = s.luoshi.tree();
            render(
                &s,
                StatusCode::OK,
                "import_done.html",
                context! {
                    viewer => ViewerView::of(&viewer, &tree),
                    csrf => viewer.csrf(),
                    created => outcome.created.len(),
                    origin_id => outcome.origin_id,
                    already => outcome.already,
                    left_out => outcome.left_out,
                },
            )
        }
        Err(e) => {
            let api = ApiError::from(e);
            preview(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &plan,
                &options,
                Some(&api.message),
            )
        }
    }
}
