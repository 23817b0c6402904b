//! The handlers behind each page: sign in and out, the workbench, a matter and its forms.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use luoshi_domain::{
    Action, Actor, AssignmentRole, AssignmentState, Light, MatterId, MatterState, Role, Source,
    UnitId,
};
use luoshi_service::matters::ListQuery;
use minijinja::context;
use rand::RngCore;

use super::render;
use super::session::{self, PRESESSION_COOKIE, SESSION_COOKIE, Viewer, csrf_matches, csrf_token};
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

pub type Fields = HashMap<String, String>;

pub fn field<'f>(fields: &'f Fields, name: &str) -> &'f str {
    fields.get(name).map(String::as_str).unwrap_or_default()
}

pub fn error_page(state: &AppState, status: StatusCode, message: &str) -> Response {
    let heading = if status == StatusCode::NOT_FOUND {
        "找不到该页面"
    } else {
        "无法完成操作"
    };
    render(state, status, "error.html", context! { heading, message })
}

pub fn forbidden_csrf(state: &AppState) -> Response {
    error_page(
        state,
        StatusCode::FORBIDDEN,
        "表单已过期或来源不明,请返回刷新页面后重新提交。",
    )
}

pub async fn login_page(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session::cookie(&headers, SESSION_COOKIE)
        && s.luoshi.authenticate(&token).await.is_ok()
    {
        return Redirect::to("/").into_response();
    }
    login_form(&s, StatusCode::OK, "", None)
}

/// The sign-in form with a fresh pre-session secret for its CSRF token.
fn login_form(s: &AppState, status: StatusCode, username: &str, error: Option<&str>) -> Response {
    let mut raw = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut raw);
    let nonce: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let csrf = csrf_token(&nonce);
    let page = render(s, status, "login.html", context! { csrf, username, error });
    session::with_cookie(page, PRESESSION_COOKIE, &nonce)
}

pub async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let nonce = session::cookie(&headers, PRESESSION_COOKIE).unwrap_or_default();
    if nonce.is_empty() || !csrf_matches(&nonce, field(&f, "csrf")) {
        return forbidden_csrf(&s);
    }
    let username = field(&f, "username").trim();
    if username.is_empty() || field(&f, "password").is_empty() {
        return login_form(
            &s,
            StatusCode::UNPROCESSABLE_ENTITY,
            username,
            Some("请填写用户名和密码"),
        );
    }
    match s.luoshi.login(username, field(&f, "password")).await {
        Ok((token, _)) => {
            let home =
                session::with_cookie(Redirect::to("/").into_response(), SESSION_COOKIE, &token);
            session::with_cookie(home, PRESESSION_COOKIE, "")
        }
        Err(e) => {
            let api = ApiError::from(e);
            login_form(&s, api.status, username, Some(&api.message))
        }
    }
}

pub async fn logout(State(s): State<AppState>, viewer: Viewer, Form(f): Form<Fields>) -> Response {
    if !csrf_matches(&viewer.secret, field(&f, "csrf")) {
        return forbidden_csrf(&s);
    }
    if let Err(e) = s.luoshi.logout(&viewer.secret).await {
        return error_page(&s, ApiError::from(e).status, "退出失败,请重试");
    }
    session::with_cookie(Redirect::to("/login").into_response(), SESSION_COOKIE, "")
}

pub async fn workbench(State(s): State<AppState>, viewer: Viewer) -> Response {
    let w = match s.luoshi.workbench(&viewer.user).await {
        Ok(w) => w,
        Err(e) => {
            return error_page(
                &s,
                ApiError::from(e).status,
                "工作台暂时无法显示,请稍后重试",
            );
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
            viewer => ViewerView::of(&viewer.user, &tree),
            csrf => viewer.csrf(),
            to_sign => rows(&w.to_sign),
            to_report => rows(&w.to_report),
            overdue => rows(&w.overdue),
            to_review => rows(&w.to_review),
            extensions => rows(&w.extensions),
            silent => w.silent.iter().map(|(unit, owed)| context! {
                id => unit.0, name => view::unit_name(&tree, *unit), matters => rows(owed),
            }).collect::<Vec<_>>(),
            in_charge => w.in_charge.iter().map(|(unit, lights)| context! {
                id => unit.0, name => view::unit_name(&tree, *unit),
                green => lights.get(&Light::Green).copied().unwrap_or(0),
                yellow => lights.get(&Light::Yellow).copied().unwrap_or(0),
                red => lights.get(&Light::Red).copied().unwrap_or(0),
            }).collect::<Vec<_>>(),
        },
    )
}

const PAGE: usize = 50;

/// The matter list: filters as a plain GET form, so every view has an address to share.
pub async fn list(State(s): State<AppState>, viewer: Viewer, Query(f): Query<Fields>) -> Response {
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
    let tree = s.luoshi.tree();
    let query = ListQuery {
        state: pick(&f, "state", "状态", MatterState::parse, &mut problems),
        light: pick(&f, "light", "预警", Light::parse, &mut problems),
        source: pick(&f, "source", "来源", Source::parse, &mut problems),
        unit_id: pick(
            &f,
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
        q: Some(field(&f, "q").trim().to_string()).filter(|q| !q.is_empty()),
        limit: PAGE,
        offset: pick(
            &f,
            "page",
            "页码",
            |p| p.parse::<usize>().ok().filter(|p| *p >= 1),
            &mut problems,
        )
        .map_or(0, |p| (p - 1) * PAGE),
    };
    let page = match s.luoshi.list_matters(&viewer.user, &query).await {
        Ok(p) => p,
        Err(e) => return error_page(&s, ApiError::from(e).status, "列表暂时无法显示,请稍后重试"),
    };
    let today = s.luoshi.today();
    let rows = view::rows(&page.items, &tree, |d| {
        s.luoshi.calendar().working_days_between(today, d)
    });
    let number = query.offset / PAGE + 1;
    let link = |n: usize| {
        let mut params: Vec<(String, String)> = f
            .iter()
            .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        params.sort();
        params.push(("page".into(), n.to_string()));
        let encoded: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", view::url_encode(v)))
            .collect();
        format!("/matters?{}", encoded.join("&"))
    };
    let selects = view::list_selects(&f, &tree, &viewer.user);
    render(
        &s,
        StatusCode::OK,
        "list.html",
        context! {
            viewer => ViewerView::of(&viewer.user, &tree),
            csrf => viewer.csrf(),
            f => context! { q => field(&f, "q") },
            selects, problems, rows,
            total => page.total,
            first => query.offset + 1,
            last => query.offset + page.items.len(),
            prev => (number > 1).then(|| link(number - 1)),
            next => (query.offset + page.items.len() < page.total).then(|| link(number + 1)),
        },
    )
}

/// 情况要明: counts by state, light and source as charts, and how each unit stands.
pub async fn dashboard(State(s): State<AppState>, viewer: Viewer) -> Response {
    let d = match s.luoshi.dashboard(&viewer.user, None).await {
        Ok(d) => d,
        Err(e) => return error_page(&s, ApiError::from(e).status, "情况暂时无法显示,请稍后重试"),
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
            viewer => ViewerView::of(&viewer.user, &tree),
            csrf => viewer.csrf(),
            d => context! { total => d.total, completion => view::percent(d.completion_rate) },
            charts, units,
        },
    )
}

/// The public commitments: no sign-in, nothing internal.
pub async fn public(State(s): State<AppState>) -> Response {
    let views = match s.luoshi.public_matters().await {
        Ok(v) => v,
        Err(e) => return error_page(&s, ApiError::from(e).status, "页面暂时无法显示,请稍后重试"),
    };
    let tree = s.luoshi.tree();
    let closed = views
        .iter()
        .filter(|v| v.matter.state == MatterState::Closed)
        .count();
    let groups = view::public_groups(&views, &tree);
    render(
        &s,
        StatusCode::OK,
        "public.html",
        context! { groups, total => views.len(), closed },
    )
}

/// Signs every matter listed, one step each; those that cannot be signed are named.
pub async fn sign_all(
    State(s): State<AppState>,
    viewer: Viewer,
    Form(f): Form<Fields>,
) -> Response {
    if !csrf_matches(&viewer.secret, field(&f, "csrf")) {
        return forbidden_csrf(&s);
    }
    let mut failed = Vec::new();
    for raw in field(&f, "ids")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
    {
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
    if failed.is_empty() {
        Redirect::to("/").into_response()
    } else {
        error_page(
            &s,
            StatusCode::CONFLICT,
            &format!("以下事项未能签收,其余已签收。{}", failed.join(";")),
        )
    }
}

pub async fn matter_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    match id.parse::<i64>() {
        Ok(id) => {
            show_matter(
                &s,
                &viewer,
                MatterId(id),
                StatusCode::OK,
                None,
                &Fields::new(),
            )
            .await
        }
        Err(_) => error_page(&s, StatusCode::NOT_FOUND, "地址中的事项编号有误"),
    }
}

/// One form on the matter page: the step it takes and what it asks for (name, label, input type).
struct Step {
    verb: &'static str,
    label: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
}

const SIGN: Step = Step {
    verb: "sign",
    label: "签收",
    fields: &[],
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
};
const REQUEST_COMPLETION: Step = Step {
    verb: "request-completion",
    label: "申请办结",
    fields: &[("summary", "办理情况", "textarea")],
};
const EXTENSION: Step = Step {
    verb: "extension",
    label: "申请延期",
    fields: &[
        ("new_deadline", "新的完成时限", "date"),
        ("reason", "延期理由", "textarea"),
    ],
};
const ASSIGN: Step = Step {
    verb: "assign",
    label: "交办",
    fields: &[],
};
const CLOSE: Step = Step {
    verb: "close",
    label: "审核通过,办结",
    fields: &[("comment", "审核意见", "textarea")],
};
const RETURN: Step = Step {
    verb: "return",
    label: "退回",
    fields: &[("reason", "退回理由", "textarea")],
};
const REMIND: Step = Step {
    verb: "remind",
    label: "催办",
    fields: &[("message", "催办内容", "textarea")],
};
const APPROVE: Step = Step {
    verb: "extension-approve",
    label: "同意延期",
    fields: &[("comment", "审批意见", "textarea")],
};
const REJECT: Step = Step {
    verb: "extension-reject",
    label: "不同意延期",
    fields: &[("reason", "不同意的理由", "textarea")],
};
const CANCEL: Step = Step {
    verb: "cancel",
    label: "撤销事项",
    fields: &[("reason", "撤销理由", "textarea")],
};

const STEPS: &[&Step] = &[
    &SIGN,
    &FEEDBACK,
    &REQUEST_COMPLETION,
    &EXTENSION,
    &ASSIGN,
    &CLOSE,
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
        },
        "return" => Action::Return {
            reason: text("reason"),
        },
        "remind" => Action::Remind {
            message: text("message"),
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

/// The forms this person may use on this matter now. The lifecycle still decides on submit.
fn steps_for(s: &AppState, viewer: &Viewer, m: &luoshi_domain::Matter) -> Vec<&'static Step> {
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
            if lead {
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
            MatterState::CompletionRequested => steps.extend([&CLOSE, &RETURN]),
            s if s.is_working() => steps.push(&REMIND),
            _ => {}
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
            return error_page(s, api.status, &api.message);
        }
    };
    let people = match s.luoshi.users().await {
        Ok(users) => users.into_iter().map(|u| (u.id, u.display_name)).collect(),
        Err(e) => return error_page(s, ApiError::from(e).status, "页面暂时无法显示,请稍后重试"),
    };
    let tree = s.luoshi.tree();
    let children = match s.luoshi.children(&viewer.user, id).await {
        Ok(c) => c,
        Err(e) => return error_page(s, ApiError::from(e).status, "页面暂时无法显示,请稍后重试"),
    };
    let today = s.luoshi.today();
    let children = view::rows(&children, &tree, |d| {
        s.luoshi.calendar().working_days_between(today, d)
    });
    let may_decompose = may_decompose(s, viewer, &detail.view.matter);
    let (m, events) = view::matter_page(&detail, &tree, &people);
    let forms: Vec<_> = steps_for(s, viewer, &detail.view.matter)
        .into_iter()
        .map(|step| {
            let fields: Vec<_> = step
                .fields
                .iter()
                .map(|(name, label, kind)| context! { name, label, kind })
                .collect();
            context! { verb => step.verb, label => step.label, fields }
        })
        .collect();
    render(
        s,
        status,
        "matter.html",
        context! {
            viewer => ViewerView::of(&viewer.user, &tree),
            csrf => viewer.csrf(),
            m, events, forms, error, input, children, may_decompose,
            units => super::register::unit_names(&tree, &viewer.user),
            parent_deadline => detail.view.matter.deadline.map(|d| d.to_string()),
        },
    )
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
            .is_some_and(|u| u.kind == luoshi_domain::UnitKind::Government);
    open && (manages && viewer.user.role == Role::Supervisor || carries)
}

pub async fn decompose(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    if !csrf_matches(&viewer.secret, field(&f, "csrf")) {
        return forbidden_csrf(&s);
    }
    let Ok(id) = id.parse::<i64>().map(MatterId) else {
        return error_page(&s, StatusCode::NOT_FOUND, "地址中的事项编号有误");
    };
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
        Ok(_) => Redirect::to(&format!("/matters/{id}#children")).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}

/// Where to go after a step: back to the page it came from, if that is a page of ours.
fn back_to(f: &Fields, id: MatterId) -> String {
    let back = field(f, "back");
    if back.starts_with('/') && !back.starts_with("//") {
        back.to_string()
    } else {
        format!("/matters/{id}")
    }
}

pub async fn matter_step(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((id, verb)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Response {
    if !csrf_matches(&viewer.secret, field(&f, "csrf")) {
        return forbidden_csrf(&s);
    }
    let Ok(id) = id.parse::<i64>().map(MatterId) else {
        return error_page(&s, StatusCode::NOT_FOUND, "地址中的事项编号有误");
    };
    if !STEPS.iter().any(|step| step.verb == verb) {
        return error_page(&s, StatusCode::NOT_FOUND, "不支持的操作");
    }
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
    match s.luoshi.act(&viewer.user, id, action).await {
        Ok(_) => Redirect::to(&back_to(&f, id)).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            show_matter(&s, &viewer, id, api.status, Some(&api.message), &f).await
        }
    }
}
