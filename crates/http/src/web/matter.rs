//! A matter's page and the steps its forms take.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use luoshi_domain::attachment::MAX_FILE_BYTES;
use luoshi_domain::indicator::read_figure;
use luoshi_domain::{
    Action, Actor, AssignmentRole, AssignmentState, Direction, EventId, EventKind, IndicatorValue,
    InstructionKind, MatterId, MatterState, Rating, Role,
};
use luoshi_service::attachments::NewFile;
use luoshi_service::indicators::NewIndicator;
use minijinja::context;

use super::PageError;
use super::form::{Fields, MatterPath, Posted, Upload, UploadRefused, field, unread};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

/// The matter's page. After a step the address says which (`?done=sign`), and the page opens
/// with what it did: the form's answer, kept apart from the form so a reload repeats nothing.
pub async fn matter_page(
    State(s): State<AppState>,
    viewer: Viewer,
    MatterPath(id): MatterPath,
    axum::extract::Query(query): axum::extract::Query<Fields>,
) -> Response {
    let done = Fields::from_iter(query.get("done").map(|d| ("done".to_string(), d.clone())));
    show_matter(&s, &viewer, id, StatusCode::OK, None, &done).await
}

/// One form on the matter page: the step it takes and what it asks for (name, label, input type).
struct Step {
    verb: &'static str,
    label: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
    /// A step that cannot be undone: set apart on the page and confirmed before it is taken.
    destructive: bool,
}

const SIGN: Step = Step {
    verb: "sign",
    label: "签收",
    fields: &[],
    destructive: false,
};
const FEEDBACK: Step = Step {
    verb: "feedback",
    label: "反馈进展",
    fields: &[
        ("progress_text", "进展情况", "textarea"),
        ("percent", "完成进度(%)", "number"),
        ("problems", "存在问题", "textarea"),
        ("next_steps", "下步打算", "textarea"),
    ],
    destructive: false,
};
const REQUEST_COMPLETION: Step = Step {
    verb: "request-completion",
    label: "申请办结",
    fields: &[("summary", "办理情况", "textarea")],
    destructive: false,
};
const EXTENSION: Step = Step {
    verb: "extension",
    label: "申请延期",
    fields: &[
        ("new_deadline", "新的完成时限", "date"),
        ("reason", "延期理由", "textarea"),
    ],
    destructive: false,
};
const ASSIGN: Step = Step {
    verb: "assign",
    label: "交办",
    fields: &[],
    destructive: false,
};
const CLOSE: Step = Step {
    verb: "close",
    label: "审核通过,办结",
    fields: &[
        ("comment", "审核意见", "textarea"),
        ("rating", "满意度", "rating"),
    ],
    destructive: false,
};
const FORCE_CLOSE: Step = Step {
    verb: "force-close",
    label: "强制办结",
    fields: &[("comment", "强制办结的理由", "textarea")],
    destructive: true,
};
const RETURN: Step = Step {
    verb: "return",
    label: "退回",
    fields: &[("reason", "退回理由", "textarea")],
    destructive: true,
};
const REMIND: Step = Step {
    verb: "remind",
    label: "催办",
    fields: &[("message", "催办内容", "textarea")],
    destructive: false,
};
const APPROVE: Step = Step {
    verb: "extension-approve",
    label: "同意延期",
    fields: &[("comment", "审批意见", "textarea")],
    destructive: false,
};
const REJECT: Step = Step {
    verb: "extension-reject",
    label: "不同意延期",
    fields: &[("reason", "不同意的理由", "textarea")],
    destructive: false,
};
const CANCEL: Step = Step {
    verb: "cancel",
    label: "撤销事项",
    fields: &[("reason", "撤销理由", "textarea")],
    destructive: true,
};

const STEPS: &[&Step] = &[
    &SIGN,
    &FEEDBACK,
    &REQUEST_COMPLETION,
    &EXTENSION,
    &ASSIGN,
    &CLOSE,
    &FORCE_CLOSE,
    &RETURN,
    &REMIND,
    &APPROVE,
    &REJECT,
    &CANCEL,
];

/// The action a posted form asks for, or what is wrong with it, in Chinese.
fn action(verb: &str, f: &Fields) -> Result<Action, String> {
    let text = |name: &str| field(f, name).to_string();
    Ok(match verb {
        "sign" => Action::Sign,
        "assign" => Action::Assign,
        "feedback" => {
            let percent = field(f, "percent").trim();
            let percent = percent
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| "完成进度应为0到100之间的整数".to_string())?;
            Action::Feedback {
                text: text("progress_text"),
                percent,
                problems: text("problems"),
                next_steps: text("next_steps"),
                values: indicator_values(f)?,
            }
        }
        "request-completion" => Action::RequestCompletion {
            summary: text("summary"),
        },
        "extension" => Action::RequestExtension {
            new_deadline: NaiveDate::parse_from_str(field(f, "new_deadline").trim(), "%Y-%m-%d")
                .map_err(|_| "请填写有效的日期,例如 2026-06-30".to_string())?,
            reason: text("reason"),
        },
        "close" => Action::Close {
            comment: text("comment"),
            override_open: false,
            rating: Rating::given(field(f, "rating"))?,
        },
        "force-close" => Action::Close {
            comment: text("comment"),
            override_open: true,
            rating: None,
        },
        "return" => Action::Return {
            reason: text("reason"),
        },
        "remind" => Action::Remind {
            message: text("message"),
            unit: None,
        },
        "extension-approve" => Action::ApproveExtension {
            comment: text("comment"),
        },
        "extension-reject" => Action::RejectExtension {
            reason: text("reason"),
        },
        "cancel" => Action::Cancel {
            reason: text("reason"),
        },
        _ => return Err("不支持的操作".to_string()),
    })
}

/// The values a report form gives its matter's indicators, from its `value_{id}` fields; a
/// field left blank gives none.
fn indicator_values(f: &Fields) -> Result<Vec<IndicatorValue>, String> {
    let mut values = Vec::new();
    for (name, text) in f {
        let Some(id) = name.strip_prefix("value_") else {
            continue;
        };
        let indicator_id = id
            .parse()
            .map_err(|_| "量化指标有误,请刷新页面后重新填写")?;
        if text.trim().is_empty() {
            continue;
        }
        let value = read_figure(text).ok_or_else(|| format!("“{}”不是有效的数值", text.trim()))?;
        values.push(IndicatorValue {
            indicator_id,
            value,
        });
    }
    values.sort_by_key(|v| v.indicator_id);
    Ok(values)
}

/// The forms this person may use on this matter now, given how many sub-matters are still open
/// below it. The lifecycle still decides on submit.
fn steps_for(
    s: &AppState,
    viewer: &Viewer,
    m: &luoshi_domain::Matter,
    open_below: usize,
) -> Vec<&'static Step> {
    let tree = s.luoshi.tree();
    let actor = Actor {
        user: &viewer.user,
        tree: &tree,
    };
    let mut steps = Vec::new();
    if viewer.user.role == Role::Liaison
        && let Some(a) = m.assignment(viewer.user.unit_id)
    {
        let lead = a.role == AssignmentRole::Lead;
        if a.state == AssignmentState::Assigned {
            steps.push(&SIGN);
        }
        if a.state.is_working() {
            steps.push(&FEEDBACK);
            if lead && open_below == 0 {
                steps.push(&REQUEST_COMPLETION);
            }
        }
        if lead && m.state.is_working() && m.extension.is_none() && m.deadline.is_some() {
            steps.push(&EXTENSION);
        }
    }
    let manages = actor.manages(m);
    if manages {
        match m.state {
            MatterState::Draft => steps.push(&ASSIGN),
            MatterState::CompletionRequested if open_below == 0 => steps.extend([&CLOSE, &RETURN]),
            MatterState::CompletionRequested => steps.push(&RETURN),
            s if s.is_working() => steps.push(&REMIND),
            _ => {}
        }
        if open_below > 0 && m.state.is_open() && viewer.user.role == Role::Supervisor {
            steps.push(&FORCE_CLOSE);
        }
    }
    if m.extension.is_some() && (manages || viewer.user.role == Role::Leader) {
        steps.extend([&APPROVE, &REJECT]);
    }
    if manages && !matches!(m.state, MatterState::Closed | MatterState::Cancelled) {
        steps.push(&CANCEL);
    }
    steps
}

async fn show_matter(
    s: &AppState,
    viewer: &Viewer,
    id: MatterId,
    status: StatusCode,
    error: Option<&str>,
    input: &Fields,
) -> Response {
    let detail = match s.luoshi.matter_detail(&viewer.user, id).await {
        Ok(d) => d,
        Err(e) => {
            let api = ApiError::from(e);
            return PageError::from(api).into_response();
        }
    };
    let people = match s.luoshi.users().await {
        Ok(users) => users
            .into_iter()
            .map(|u| (u.id, (u.display_name, u.unit_id)))
            .collect(),
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let tree = s.luoshi.tree();
    let may_decompose = may_decompose(s, viewer, &detail.view.matter);
    let matter = &detail.view.matter;
    let manages_it = viewer.user.role == Role::Supervisor
        && Actor {
            user: &viewer.user,
            tree: &tree,
        }
        .manages(matter);
    let may_edit = manages_it && matter.state == MatterState::Draft;
    // 退回反馈: each unit at work's latest report that stands, for the office to send back.
    let returnable: Vec<i64> = if manages_it && matter.state.is_working() {
        matter
            .assignments
            .iter()
            .filter(|a| a.state.is_working())
            .filter_map(|a| luoshi_domain::Event::latest_report_of(&detail.events, a.unit_id))
            .map(|e| e.id.0)
            .collect()
    } else {
        Vec::new()
    };
    let may_set_indicator =
        manages_it && (matter.state == MatterState::Draft || matter.state.is_open());
    let today = s.luoshi.today();
    let indicators: Vec<_> = detail
        .indicators
        .iter()
        .map(|i| super::chart::IndicatorView::of(i, today))
        .collect();
    // 改派: the units now at work, any of which may be replaced.
    let reassign_from: Vec<_> = if manages_it && matter.state.is_working() {
        matter
            .assignments
            .iter()
            .filter(|a| a.state.is_working())
            .map(|a| {
                let name = tree
                    .get(a.unit_id)
                    .map(|u| u.display_name())
                    .unwrap_or_default();
                let role = if a.role == AssignmentRole::Lead {
                    "牵头"
                } else {
                    "配合"
                };
                context! { id => a.unit_id.0, name, role }
            })
            .collect()
    } else {
        Vec::new()
    };
    // The upload form, for whoever may add files, offers to attach to the matter itself or to
    // one of the reports and steps they may attach to.
    let attach_to: Option<Vec<_>> = Actor {
        user: &viewer.user,
        tree: &tree,
    }
    .may_attach(matter)
    .ok()
    .map(|unit| {
        detail
            .events
            .iter()
            .filter(|e| e.data.kind != EventKind::Attached)
            .filter(|e| unit.is_none() || e.data.unit_id == unit)
            .map(|e| {
                context! {
                    id => e.id.0, kind => e.data.kind.label(), at => view::cn_time(e.data.at),
                }
            })
            .collect()
    });
    // The instruction form, for a leader the matter concerns, offers the matter itself or one
    // of the units' reports to write on.
    let leads = Actor {
        user: &viewer.user,
        tree: &tree,
    }
    .leads(matter);
    let instruct_on: Option<Vec<_>> =
        (leads && matter.state != MatterState::Cancelled).then(|| {
            detail
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.data.kind,
                    EventKind::Feedback | EventKind::CompletionRequested
                ) && e.data.unit_id.is_some()
            })
            .map(|e| {
                let unit = e.data.unit_id.and_then(|u| tree.get(u)).map(|u| u.display_name());
                context! {
                    id => e.id.0, kind => e.data.kind.label(), at => view::cn_time(e.data.at), unit,
                }
            })
            .collect()
        });
    // The lead unit's report form gathers what its co-units and sub-matters reported, cited in
    // a draft the liaison edits; a form sent back with input keeps what was typed.
    let cited = match s.luoshi.consolidation(&viewer.user, &detail).await {
        Ok(c) => c,
        Err(e) => return PageError::from(ApiError::from(e)).into_response(),
    };
    let draft = (!cited.is_empty() && field(input, "progress_text").is_empty())
        .then(|| luoshi_service::matters::consolidate::draft(&cited));
    let cited: Vec<_> = cited
        .iter()
        .map(|c| {
            context! {
                from => c.from, at => view::cn_time(c.at), percent => c.percent, text => c.text,
            }
        })
        .collect();
    let evidence_required = s
        .luoshi
        .rules()
        .evidence_before_completion
        .contains(&matter.source);
    let slip = match s
        .luoshi
        .latest_slip(&detail.view.matter, &detail.events)
        .await
    {
        Ok(slip) => slip,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let printed = printed_forms(&detail.view.matter, slip);
    let (m, events) = view::matter_page(&detail, &tree, &people);
    let returned = latest_return(&detail.view.matter, &detail.events);
    let forms: Vec<_> = steps_for(s, viewer, &detail.view.matter, detail.chain.open_below)
        .into_iter()
        .map(|step| {
            let fields: Vec<_> = step
                .fields
                .iter()
                .map(|(name, label, kind)| context! { name, label, kind })
                .collect();
            context! { verb => step.verb, label => step.label, fields, destructive => step.destructive }
        })
        .collect();
    render(
        s,
        status,
        "matter.html",
        context! {
            viewer => ViewerView::of(viewer, &tree),
            csrf => viewer.csrf(),
            m, events, forms, error, input, may_decompose, may_edit, reassign_from, returned,
            attach_to, instruct_on, evidence_required, max_mb => MAX_FILE_BYTES >> 20, printed,
            cited, draft, indicators, may_set_indicator, returnable,
            directions => Direction::ALL.iter().map(|d| (d.as_str(), d.label())).collect::<Vec<_>>(),
            notice => done_notice(field(input, "done")),
            units => super::register::unit_names(&tree, &viewer.user),
            parent_deadline => detail.view.matter.deadline.map(|d| d.to_string()),
            ratings => Rating::ALL.iter().map(|r| (r.as_str(), r.label())).collect::<Vec<_>>(),
        },
    )
}

/// The forms a matter has to print: the 督办通知单 once it is assigned, and the latest 催办单
/// with its colour and day once it has been reminded.
fn printed_forms(
    m: &luoshi_domain::Matter,
    slip: Option<(luoshi_domain::slip::Slip, NaiveDate)>,
) -> Vec<minijinja::Value> {
    let notice = m
        .assigned_at
        .map(|_| context! { name => "督办通知单", form => "notice" });
    let reminder = slip.map(|(slip, day)| {
        context! {
            name => format!("{}催办单", slip.label()), slip => slip.as_str(),
            day => view::page_date(day), form => "reminder",
        }
    });
    notice.into_iter().chain(reminder).collect()
}

/// The reason of the latest return, with its time, while it stands: until the lead unit
/// reports again or asks to close, or the matter ends.
fn latest_return(
    m: &luoshi_domain::Matter,
    events: &[luoshi_domain::Event],
) -> Option<minijinja::Value> {
    use luoshi_domain::EventKind;
    let mut standing = None;
    for e in events {
        match e.data.kind {
            EventKind::Returned => standing = Some(e),
            EventKind::Feedback | EventKind::CompletionRequested
                if e.data.unit_id == Some(m.lead_unit_id) =>
            {
                standing = None
            }
            EventKind::Closed | EventKind::Cancelled => standing = None,
            _ => {}
        }
    }
    standing.map(|e| context! { reason => e.data.comment, at => view::cn_time(e.data.at) })
}

/// Supervisors split the matters they manage; a government's liaison splits what its
/// government carries, for the units below it.
fn may_decompose(s: &AppState, viewer: &Viewer, m: &luoshi_domain::Matter) -> bool {
    let tree = s.luoshi.tree();
    let open = m.state == MatterState::Draft || m.state.is_open();
    let manages = Actor {
        user: &viewer.user,
        tree: &tree,
    }
    .manages(m);
    let carries = viewer.user.role == Role::Liaison
        && m.assignment(viewer.user.unit_id).is_some()
        && tree
            .get(viewer.user.unit_id)
            .is_some_and(|u| u.kind.is_government());
    open && (manages && viewer.user.role == Role::Supervisor || carries)
}

pub async fn decompose(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let tree = s.luoshi.tree();
    let units = match super::register::resolve(&tree, &viewer.user, field(&f, "units")) {
        Ok(units) => units,
        Err(message) => {
            return show_matter(
                &s,
                &viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
                &f,
            )
            .await;
        }
    };
    let deadline = match field(&f, "deadline").trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let message = "请填写有效的日期,例如 2026-06-30";
                return show_matter(
                    &s,
                    &viewer,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(message),
                    &f,
                )
                .await;
            }
        },
    };
    match s
        .luoshi
        .decompose(&viewer.user, id, &units, field(&f, "title"), deadline)
        .await
    {
        Ok(_) => Redirect::to(&with_done(&format!("/matters/{id}#children"), "decompose"))
            .into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// 改派 from the matter page: a unit now at work replaced by another, or one added.
pub async fn reassign(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    if !s.luoshi.may(&viewer.user, luoshi_domain::Power::Register) {
        return PageError::new(StatusCode::FORBIDDEN, "只有督查人员可以改派事项").into_response();
    }
    let tree = s.luoshi.tree();
    let to = match super::register::resolve(&tree, &viewer.user, field(&f, "to")).as_deref() {
        Ok([unit]) => *unit,
        found => {
            let message = match found {
                Ok([]) => "请填写改派给哪个单位",
                Ok(_) => "一次只能改派给一个单位",
                Err(message) => message.as_str(),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return show_matter(&s, &viewer, id, status, Some(message), &f).await;
        }
    };
    let from = field(&f, "from").parse().ok().map(luoshi_domain::UnitId);
    match s
        .luoshi
        .reassign(&viewer.user, id, from, to, field(&f, "reason"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/matters/{id}?done=reassign")).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// A leader's 批示, 圈阅 or 肯定 from the matter page, on the matter or on one of its reports.
pub async fn instruct(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let refuse = |message: &'static str| {
        let (s, viewer, f) = (&s, &viewer, &f);
        async move {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show_matter(s, viewer, id, status, Some(message), f).await
        }
    };
    let Some(kind) = InstructionKind::parse(field(&f, "kind")) else {
        return refuse("请选择批示、圈阅或肯定").await;
    };
    let on = match field(&f, "on_event_id") {
        "" => None,
        on => match on.parse() {
            Ok(on) => Some(EventId(on)),
            Err(_) => return refuse("所批示的反馈有误,请重新选择").await,
        },
    };
    match s
        .luoshi
        .instruct(&viewer.user, id, kind, field(&f, "text"), on)
        .await
    {
        Ok(d) => {
            let last = d.events.last().map_or(0, |e| e.id.0);
            let to = format!("/matters/{id}#event-{last}");
            Redirect::to(&with_done(&to, "instruct")).into_response()
        }
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// 退回反馈 from the timeline: one unit's latest report sent back with the reason.
pub async fn return_report(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    // An id that is no number names no report, which the step refuses as such once it has
    // checked who asks.
    let event = field(&f, "event_id").parse::<i64>().unwrap_or(0);
    match s
        .luoshi
        .return_report(&viewer.user, id, EventId(event), field(&f, "reason"))
        .await
    {
        Ok(_) => Redirect::to(&with_done(
            &format!("/matters/{id}#event-{event}"),
            "return-report",
        ))
        .into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// 设定量化指标 from the matter's page: the figures as typed, the period left to its defaults
/// when blank.
pub async fn set_indicator(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    Posted { viewer, form: f }: Posted,
) -> Response {
    // Who may set one is checked before the figures are read.
    if let Err(e) = s.luoshi.may_set_indicator(&viewer.user, id).await {
        let api = ApiError::from(e);
        return PageError::from(api).into_response();
    }
    let new = match new_indicator(&f) {
        Ok(new) => new,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return show_matter(&s, &viewer, id, status, Some(&message), &f).await;
        }
    };
    match s.luoshi.set_indicator(&viewer.user, id, new).await {
        Ok(_) => Redirect::to(&with_done(
            &format!("/matters/{id}#indicators"),
            "indicator",
        ))
        .into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// The indicator a form asks for, or what is wrong with it, in Chinese.
fn new_indicator(f: &Fields) -> Result<NewIndicator, String> {
    let figure = |name: &str, what: &str| {
        read_figure(field(f, name)).ok_or_else(|| format!("请填写有效的{what},例如 100 或 8.5"))
    };
    let day = |name: &str| match field(f, name).trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| "请填写有效的日期,例如 2026-12-31".to_string()),
    };
    Ok(NewIndicator {
        name: field(f, "name").to_string(),
        unit: field(f, "unit").to_string(),
        baseline: figure("baseline", "基线值")?,
        target: figure("target", "目标值")?,
        direction: Direction::parse(field(f, "direction")).unwrap_or(Direction::Up),
        from: day("from")?,
        by: day("by")?,
    })
}

/// The second step of a step that cannot be undone: what it will do, to which matter, with
/// the reason given, and a button that takes it — or a way back. No script needed.
async fn confirm(s: &AppState, viewer: &Viewer, id: MatterId, step: &Step, f: &Fields) -> Response {
    let detail = match s.luoshi.matter_detail(&viewer.user, id).await {
        Ok(d) => d,
        Err(e) => return PageError::from(e).into_response(),
    };
    let m = &detail.view.matter;
    let fields: Vec<_> = step
        .fields
        .iter()
        .map(|(name, label, _)| context! { name, label, value => field(f, name) })
        .collect();
    let tree = s.luoshi.tree();
    render(
        s,
        StatusCode::OK,
        "confirm.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            id => m.id.0, number => s.luoshi.tree().number_label(m.org_id, m.number), title => m.title,
            verb => step.verb, label => step.label, fields,
        },
    )
}

/// What a step did, said the way its page announces it.
pub(super) fn done_notice(verb: &str) -> Option<&'static str> {
    Some(match verb {
        "register" => "已登记为草稿,可修改后交办",
        "edit" => "草稿已保存",
        "assign" => "已交办,承办单位已收到通知",
        "sign" => "已签收",
        "feedback" => "进展已反馈",
        "request-completion" => "已申请办结,等待督查室审核",
        "extension" => "延期申请已提交,等待审批",
        "close" | "force-close" => "已办结",
        "return" => "已退回,退回理由已通知牵头单位",
        "remind" => "已催办,承办单位联络员已收到提醒",
        "extension-approve" => "已同意延期",
        "extension-reject" => "已不同意延期,理由已记入办理记录",
        "cancel" => "事项已撤销",
        "reassign" => "已改派,新承办单位已收到通知",
        "decompose" => "已分解为子事项",
        "attach" => "附件已上传,已记入办理过程",
        "instruct" => "已记入办理过程,承办单位已收到",
        "indicator" => "量化指标已设定,承办单位反馈时可填报数值",
        "return-report" => "已退回该反馈,理由已通知该单位,请其重新反馈",
        _ => return None,
    })
}

/// `to` with `done=verb` in its query, ahead of any fragment.
pub(super) fn with_done(to: &str, verb: &str) -> String {
    let (path, fragment) = to.split_once('#').map_or((to, ""), |(p, f)| (p, f));
    let joiner = if path.contains('?') { '&' } else { '?' };
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    format!("{path}{joiner}done={verb}{fragment}")
}

/// Where to go after a step: back to the page it came from, if that is a page of ours.
fn back_to(f: &Fields, id: MatterId) -> String {
    super::local_path(field(f, "back")).unwrap_or_else(|| format!("/matters/{id}"))
}

pub async fn matter_step(
    State(s): State<AppState>,
    Path((id, verb)): Path<(String, String)>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let Ok(id) = id.parse::<i64>().map(MatterId) else {
        return PageError::not_found("地址中的事项编号有误").into_response();
    };
    if !STEPS.iter().any(|step| step.verb == verb) {
        return PageError::not_found("不支持的操作").into_response();
    }
    let step = STEPS.iter().find(|step| step.verb == verb);
    let action = match action(&verb, &f) {
        Ok(a) => a,
        Err(message) => {
            return show_matter(
                &s,
                &viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
                &f,
            )
            .await;
        }
    };
    if let Some(step) = step.filter(|step| step.destructive && field(&f, "confirmed") != "1") {
        return match s.luoshi.may_act(&viewer.user, id, action).await {
            Ok(()) => confirm(&s, &viewer, id, step, &f).await,
            Err(e) => {
                let api = ApiError::from(e);
                show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
            }
        };
    }
    match s.luoshi.act(&viewer.user, id, action).await {
        Ok(_) => Redirect::to(&with_done(&back_to(&f, id), &verb)).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// Puts a file on the matter's record from its page, then shows the timeline it joined.
pub async fn attach(
    State(s): State<AppState>,
    MatterPath(id): MatterPath,
    upload: Result<Upload, UploadRefused>,
) -> Response {
    let Upload {
        viewer,
        fields,
        file,
    } = match upload {
        Ok(upload) => upload,
        Err(UploadRefused::Unread { viewer, too_large }) => {
            let over = format!("文件超过 {} MB,请压缩或拆分后再上传", MAX_FILE_BYTES >> 20);
            let (status, message) = unread(too_large, &over);
            return show_matter(&s, &viewer, id, status, Some(&message), &Fields::new()).await;
        }
        Err(page) => return page.into_response(),
    };
    let on_event = match field(&fields, "on_event_id") {
        "" => None,
        step => match step.parse() {
            Ok(step) => Some(EventId(step)),
            Err(_) => {
                let why = "所附的办理步骤有误,请重新选择";
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return show_matter(&s, &viewer, id, status, Some(why), &fields).await;
            }
        },
    };
    let (name, bytes) = file.unwrap_or_default();
    let file = NewFile {
        file_name: &name,
        bytes: &bytes,
        note: field(&fields, "note"),
        on_event,
    };
    match s.luoshi.attach(&viewer.user, id, file).await {
        Ok(a) => {
            let to = format!("/matters/{id}#event-{}", a.id.0);
            Redirect::to(&with_done(&to, "attach")).into_response()
        }
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &fields).await
        }
    }
}

/// A file on a matter's record, to whoever may read the matter.
pub async fn download(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<i64>().map(EventId) else {
        return PageError::not_found("地址中的附件编号有误").into_response();
    };
    match s.luoshi.attachment_file(&viewer.user, id).await {
        Ok((a, bytes)) => crate::api::attachment(&a.media_type, &a.file_name, bytes),
        Err(e) => PageError::from(e).into_response(),
    }
}
