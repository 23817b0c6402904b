//! Registering a matter from a form: units written as people write them, resolved against the
//! org tree, and every problem shown beside its field.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use luoshi_domain::names::{self, Directory, Found};
use luoshi_domain::rounds::ReportRule;
use luoshi_domain::{
    Cadence, Matter, MatterId, MatterState, Milestone, OrgTree, Power, Role, Source, UnitId,
    Urgency, User, UserId,
};
use luoshi_service::ServiceError;
use luoshi_service::matters::NewMatter;
use minijinja::context;

use super::PageError;
use super::form::{Fields, field};
use super::form::{MatterPath, Posted};
use super::render;
use super::session::Viewer;
use super::view::ViewerView;
use crate::AppState;

type Errors = BTreeMap<&'static str, String>;

pub async fn page(State(s): State<AppState>, viewer: Viewer) -> Response {
    if !s.luoshi.may(&viewer.user, Power::Register) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Register.refusal()).into_response();
    }
    let input = Fields::from([
        ("urgency".into(), "normal".into()),
        ("cadence".into(), "once".into()),
    ]);
    form(&s, &viewer, StatusCode::OK, &input, &Errors::new(), None).await
}

/// The registration form, or with `editing` the same form correcting that draft.
async fn form(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    input: &Fields,
    errors: &Errors,
    editing: Option<MatterId>,
) -> Response {
    let tree = s.luoshi.tree();
    let leaders: Vec<_> = match s.luoshi.users().await {
        Ok(users) => users
            .into_iter()
            .filter(|u| u.role == Role::Leader)
            .map(|u| context! { value => u.id.0.to_string(), label => u.display_name })
            .collect(),
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let options = |pairs: Vec<(&str, &str)>| -> Vec<_> {
        pairs
            .into_iter()
            .map(|(value, label)| context! { value, label })
            .collect()
    };
    render(
        s,
        status,
        "new.html",
        context! {
            viewer => ViewerView::of(viewer, &tree),
            csrf => viewer.csrf(),
            input, errors, leaders, editing => editing.map(|id| id.0),
            sources => options(Source::ALL.iter().map(|x| (x.as_str(), x.label())).collect()),
            urgencies => options(Urgency::ALL.iter().map(|x| (x.as_str(), x.label())).collect()),
            cadences => options(Cadence::ALL.iter().map(|x| (x.as_str(), x.label())).collect()),
            units => unit_names(&tree, &viewer.user),
        },
    )
}

/// Names to offer while typing: every unit of the caller's org, by the name people use.
pub(super) fn unit_names(tree: &OrgTree, user: &User) -> Vec<String> {
    let mut names: Vec<String> = tree
        .org_of(user.unit_id)
        .map(|org| tree.subtree(org))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| tree.get(id))
        .map(|u| u.display_name().to_string())
        .collect();
    names.sort();
    names
}

/// Finds the units named in a field, as people write them: full or short name, the name without
/// its place (市发展和改革委员会 for 云州市发展和改革委员会) or the usual abbreviation. A name that
/// matches no unit, or several, is reported, never guessed.
pub(super) fn resolve(tree: &OrgTree, user: &User, text: &str) -> Result<Vec<UnitId>, String> {
    let directory = Directory::new(tree, tree.org_of(user.unit_id));
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for mention in names::split(text) {
        let name = mention.name;
        match directory.find(&name) {
            Found::Unit { id, .. } if !found.contains(&id) => found.push(id),
            Found::Unit { .. } => {}
            Found::Ambiguous(_) => problems.push(format!("“{name}”对应多个单位,请写全称")),
            Found::Unknown | Found::Collective => problems.push(format!("找不到单位:{name}")),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems.join(";"))
    }
}

/// Stage targets, one a line: `2026-06-30 50 完成招标` — the date, the percent due by then, and
/// what it is.
fn milestones(text: &str) -> Result<Vec<Milestone>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let mut parts = line.splitn(3, char::is_whitespace);
            let bad = || {
                format!(
                    "第{}行应写作“2026-06-30 50 完成招标”(日期、进度、目标)",
                    i + 1
                )
            };
            let date = parts
                .next()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(bad)?;
            let percent = parts
                .next()
                .and_then(|p| p.trim_end_matches('%').parse::<u8>().ok())
                .filter(|p| *p <= 100)
                .ok_or_else(bad)?;
            Ok(Milestone {
                date,
                percent,
                title: parts.next().unwrap_or_default().trim().to_string(),
            })
        })
        .collect()
}

/// Reads the form into a matter to register, or every problem beside its field.
fn read_form(s: &AppState, viewer: &Viewer, f: &Fields) -> Result<NewMatter, Errors> {
    let tree = s.luoshi.tree();
    let mut errors = Errors::new();
    if field(f, "title").trim().is_empty() {
        errors.insert("title", "请填写事项名称".into());
    }
    let lead = match resolve(&tree, &viewer.user, field(f, "lead")) {
        Ok(units) if units.len() == 1 => Some(units[0]),
        Ok(units) if units.is_empty() => {
            errors.insert("lead", "请填写牵头单位".into());
            None
        }
        Ok(_) => {
            errors.insert("lead", "牵头单位只能填写一个".into());
            None
        }
        Err(e) => {
            errors.insert("lead", e);
            None
        }
    };
    let co = resolve(&tree, &viewer.user, field(f, "co")).unwrap_or_else(|e| {
        errors.insert("co", e);
        Vec::new()
    });
    let deadline = match field(f, "deadline").trim() {
        "" => None,
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().or_else(|| {
            errors.insert("deadline", "请填写有效的日期,例如 2026-06-30".into());
            None
        }),
    };
    let leader_id = match field(f, "leader_id") {
        "" => None,
        id => id.parse().ok().map(UserId).or_else(|| {
            errors.insert("leader_id", "请选择责任领导".into());
            None
        }),
    };
    let milestones = milestones(field(f, "milestones")).unwrap_or_else(|e| {
        errors.insert("milestones", e);
        Vec::new()
    });
    let source = Source::parse(field(f, "source"));
    let urgency = Urgency::parse(field(f, "urgency"));
    let cadence = Cadence::parse(field(f, "cadence"));
    let report_rule = match field(f, "report_rule").trim() {
        "" => None,
        written => ReportRule::parse(written).or_else(|| {
            errors.insert(
                "report_rule",
                "报送要求无法识别,请写作 每月25日前、每季度最后一个月30日前 或 每周五".into(),
            );
            None
        }),
    };
    for (name, ok, message) in [
        ("source", source.is_some(), "请选择来源"),
        ("urgency", urgency.is_some(), "请选择紧急程度"),
        ("cadence", cadence.is_some(), "请选择反馈周期"),
    ] {
        if !ok {
            errors.insert(name, message.into());
        }
    }
    let origin_id = match field(f, "origin_id").trim() {
        "" => None,
        id => {
            let parsed = id.parse::<i64>().ok();
            if parsed.is_none() {
                errors.insert("origin_id", "出处编号应为数字,见“出处”页".into());
            }
            parsed
        }
    };
    let (Some(lead), Some(source), Some(urgency), Some(cadence), true) =
        (lead, source, urgency, cadence, errors.is_empty())
    else {
        return Err(errors);
    };
    Ok(NewMatter {
        title: field(f, "title").to_string(),
        content: field(f, "content").to_string(),
        source,
        urgency,
        origin: field(f, "origin").to_string(),
        origin_id,
        lead_unit_id: lead,
        co_unit_ids: co,
        leader_id,
        deadline,
        cadence,
        report_rule,
        milestones,
        tags: field(f, "tags")
            .split(['、', ',', ',', ';', ';', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        public: !field(f, "public").is_empty(),
        parent_id: None,
    })
}

/// A refusal of the service, shown beside the field it names (the form calls the units by
/// other names than the service does).
async fn refused(
    s: &AppState,
    viewer: &Viewer,
    f: &Fields,
    e: ServiceError,
    editing: Option<MatterId>,
) -> Response {
    match e {
        ServiceError::Invalid {
            field: Some(name),
            message,
        } => {
            let name = match name {
                "lead_unit_id" => "lead",
                "co_unit_ids" => "co",
                other => other,
            };
            let errors = Errors::from([(name, message)]);
            form(
                s,
                viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                &errors,
                editing,
            )
            .await
        }
        e => PageError::from(e).into_response(),
    }
}

pub async fn submit(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    if !s.luoshi.may(&viewer.user, Power::Register) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Register.refusal()).into_response();
    }
    let input = match read_form(&s, &viewer, &f) {
        Ok(input) => input,
        Err(errors) => {
            return form(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &f,
                &errors,
                None,
            )
            .await;
        }
    };
    match s.luoshi.create_matter(&viewer.user, input).await {
        Ok(created) => {
            Redirect::to(&format!("/matters/{}?done=register", created.matter.id)).into_response()
        }
        Err(e) => refused(&s, &viewer, &f, e, None).await,
    }
}

/// The draft `id` as the caller may correct it: a supervisor's, still a draft.
async fn editable(s: &AppState, viewer: &Viewer, id: MatterId) -> Result<Matter, Response> {
    if !s.luoshi.may(&viewer.user, Power::Register) {
        return Err(
            PageError::new(StatusCode::FORBIDDEN, "只有督查人员可以修改事项").into_response(),
        );
    }
    let matter = match s.luoshi.matter_detail(&viewer.user, id).await {
        Ok(detail) => detail.view.matter,
        Err(e) => return Err(PageError::from(e).into_response()),
    };
    if matter.state != MatterState::Draft {
        let message = format!(
            "事项当前状态为“{}”,只有草稿可以修改;交办后更换承办单位请用改派",
            matter.state.label()
        );
        return Err(PageError::new(StatusCode::CONFLICT, message).into_response());
    }
    Ok(matter)
}

pub async fn edit_page(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
) -> Response {
    let m = match editable(&s, &viewer, id).await {
        Ok(m) => m,
        Err(refusal) => return refusal,
    };
    let tree = s.luoshi.tree();
    let name = |unit: UnitId| {
        tree.get(unit)
            .map(|u| u.display_name().to_string())
            .unwrap_or_default()
    };
    let milestones: Vec<String> = m
        .milestones
        .iter()
        .map(|x| {
            format!("{} {} {}", x.date, x.percent, x.title)
                .trim()
                .to_string()
        })
        .collect();
    let input = Fields::from([
        ("title".into(), m.title.clone()),
        ("content".into(), m.content.clone()),
        ("source".into(), m.source.as_str().into()),
        ("urgency".into(), m.urgency.as_str().into()),
        ("origin".into(), m.origin.clone()),
        (
            "origin_id".into(),
            m.origin_id.map(|o| o.to_string()).unwrap_or_default(),
        ),
        ("lead".into(), name(m.lead_unit_id)),
        (
            "co".into(),
            m.co_unit_ids
                .iter()
                .map(|u| name(*u))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        (
            "leader_id".into(),
            m.leader_id.map(|u| u.0.to_string()).unwrap_or_default(),
        ),
        (
            "deadline".into(),
            m.deadline.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("cadence".into(), m.cadence.as_str().into()),
        (
            "report_rule".into(),
            m.report_rule.map(|r| r.phrase()).unwrap_or_default(),
        ),
        ("milestones".into(), milestones.join("\n")),
        ("tags".into(), m.tags.join("、")),
        ("public".into(), if m.public { "1" } else { "" }.into()),
    ]);
    form(
        &s,
        &viewer,
        StatusCode::OK,
        &input,
        &Errors::new(),
        Some(m.id),
    )
    .await
}

pub async fn edit_submit(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let m = match editable(&s, &viewer, id).await {
        Ok(m) => m,
        Err(refusal) => return refusal,
    };
    let input = match read_form(&s, &viewer, &f) {
        Ok(input) => input,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form(&s, &viewer, status, &f, &errors, Some(m.id)).await;
        }
    };
    match s.luoshi.edit_draft(&viewer.user, m.id, input).await {
        Ok(_) => Redirect::to(&format!("/matters/{}?done=edit", m.id)).into_response(),
        Err(e) => refused(&s, &viewer, &f, e, Some(m.id)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_targets_are_read_a_line_each_and_bad_lines_are_named() {
        let read = milestones("2026-06-30 40 完成招标\n\n2026-12-31 100%\n").unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!((read[0].percent, read[0].title.as_str()), (40, "完成招标"));
        assert_eq!((read[1].percent, read[1].title.as_str()), (100, ""));
        assert_eq!(
            milestones("2026-13-01 40 x").unwrap_err(),
            "第1行应写作“2026-06-30 50 完成招标”(日期、进度、目标)"
        );
        assert!(milestones("2026-06-30 140 x").is_err());
    }
}
