//! The office's own tree and people, kept on pages: units (administrators) and people
//! (administrators, and supervisors for the units under their org).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use luoshi_domain::{OrgTree, Role, UnitId, UnitKind, UserId};
use luoshi_service::contacts::OrgPlan;
use luoshi_service::office::{Account, AccountChange, PersonSpec, UnitSpec, split_names};
use minijinja::context;

use super::PageError;
use super::form::Posted;
use super::form::{Fields, field};
use super::form::{Upload, UploadRefused, unread};
use super::render;
use super::session::Viewer;
use super::view::ViewerView;
use crate::{ApiError, AppState};

/// Every unit in tree order, each with its depth, for the table and the drop-downs.
fn tree_rows(tree: &OrgTree) -> Vec<minijinja::Value> {
    let mut roots: Vec<_> = tree.units().filter(|u| u.parent_id.is_none()).collect();
    roots.sort_by_key(|u| u.id);
    let mut out = Vec::new();
    for root in roots {
        for id in tree.subtree(root.id) {
            let Some(u) = tree.get(id) else { continue };
            let depth = tree.ancestors_or_self(id).len() - 1;
            out.push(context! {
                id => u.id.0, code => u.code, name => u.name, kind => u.kind.label(),
                short_names => u.short_names.join("、"), depth, retired => tree.is_retired(id),
                indent => "\u{3000}".repeat(depth),
            });
        }
    }
    out
}

fn kinds() -> Vec<minijinja::Value> {
    UnitKind::ALL
        .iter()
        .map(|k| context! { value => k.as_str(), label => k.label() })
        .collect()
}

pub async fn units(State(s): State<AppState>, viewer: Viewer) -> Response {
    units_page(&s, &viewer, StatusCode::OK, &Fields::new(), None)
}

fn units_page(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    input: &Fields,
    message: Option<String>,
) -> Response {
    if viewer.user.role != Role::Admin {
        return PageError::new(StatusCode::FORBIDDEN, "只有系统管理员可以管理单位").into_response();
    }
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "units.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            units => tree_rows(&tree), kinds => kinds(), message,
            name => field(input, "name"), code => field(input, "code"),
            kind => field(input, "kind"), parent => field(input, "parent"),
            short => field(input, "short"),
        },
    )
}

pub async fn add_unit(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let name = field(&f, "name").to_string();
    let spec = UnitSpec {
        kind: UnitKind::parse(field(&f, "kind")).unwrap_or_else(|| UnitKind::from_name(&name)),
        name,
        code: field(&f, "code").to_string(),
        parent_id: field(&f, "parent").parse().ok().map(UnitId),
        short_names: split_names(field(&f, "short")),
    };
    match s.luoshi.add_unit(Some(&viewer.user), spec).await {
        Ok(unit) => {
            let done = format!("已添加单位“{}”", unit.name);
            units_page(&s, &viewer, StatusCode::OK, &Fields::new(), Some(done))
        }
        Err(e) => {
            let api = ApiError::from(e);
            units_page(&s, &viewer, api.status, &f, Some(api.message))
        }
    }
}

pub async fn rename_unit(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let renamed = s
        .luoshi
        .rename_unit(
            Some(&viewer.user),
            UnitId(id),
            Some(field(&f, "name")),
            Some(split_names(field(&f, "short"))),
        )
        .await;
    match renamed {
        Ok(unit) => {
            let done = format!("已保存单位“{}”", unit.name);
            units_page(&s, &viewer, StatusCode::OK, &Fields::new(), Some(done))
        }
        Err(e) => {
            let api = ApiError::from(e);
            units_page(&s, &viewer, api.status, &Fields::new(), Some(api.message))
        }
    }
}

/// Moves, merges, retires or restores a unit: the tree's changes that a reorganisation makes.
pub async fn reshape_unit(
    State(s): State<AppState>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let Ok(id) = field(&f, "unit").parse().map(UnitId) else {
        let problem = "请选择要调整的单位".to_string();
        return units_page(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            Some(problem),
        );
    };
    let target = field(&f, "target").parse().ok().map(UnitId);
    let actor = Some(&viewer.user);
    let name = |id: UnitId| {
        s.luoshi
            .tree()
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let done = match field(&f, "action") {
        "move" => s.luoshi.move_unit(actor, id, target).await.map(|u| {
            let under = target.map_or("最上级".to_string(), name);
            format!("已将“{}”调整到“{under}”之下", u.name)
        }),
        "merge" => match target {
            None => Err(luoshi_service::ServiceError::invalid(
                "target",
                "请选择并入的单位",
            )),
            Some(into) => {
                let merged = name(id);
                s.luoshi
                    .merge_unit(&viewer.user, id, into)
                    .await
                    .map(|u| format!("已将“{merged}”并入“{}”,原名称保留为其简称", u.name))
            }
        },
        "retire" | "restore" => {
            let retire = field(&f, "action") == "retire";
            s.luoshi.retire_unit(actor, id, retire).await.map(|()| {
                let verb = if retire { "撤销" } else { "恢复" };
                format!("已{verb}“{}”", name(id))
            })
        }
        _ => Err(luoshi_service::ServiceError::invalid(
            "action",
            "请选择调整方式",
        )),
    };
    match done {
        Ok(done) => units_page(&s, &viewer, StatusCode::OK, &Fields::new(), Some(done)),
        Err(e) => {
            let api = ApiError::from(e);
            units_page(&s, &viewer, api.status, &f, Some(api.message))
        }
    }
}

fn person_row(a: &Account, tree: &OrgTree) -> minijinja::Value {
    context! {
        id => a.user.id.0, username => a.user.username, name => a.user.display_name,
        role => a.user.role.label(), unit => super::view::unit_name(tree, a.user.unit_id),
        phone => a.phone, email => a.user.email, disabled => a.disabled,
        must_change => a.must_change_password, primary => a.primary_liaison,
        in_charge => a.user.in_charge_of.iter()
            .map(|u| super::view::unit_name(tree, *u)).collect::<Vec<_>>().join("、"),
    }
}

pub async fn people(State(s): State<AppState>, viewer: Viewer) -> Response {
    people_page(&s, &viewer, StatusCode::OK, &Fields::new(), None, None).await
}

/// The people the viewer administers, the form to add one, and what just happened: a message,
/// or a one-time password to hand over (shown this once).
async fn people_page(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    input: &Fields,
    message: Option<String>,
    initial: Option<(String, String)>,
) -> Response {
    let accounts = match s.luoshi.accounts(&viewer.user).await {
        Ok(a) => a,
        Err(e) => return PageError::from(e).into_response(),
    };
    let tree = s.luoshi.tree();
    let mut rows: Vec<_> = accounts.iter().map(|a| person_row(a, &tree)).collect();
    rows.reverse();
    let units = administered_units(viewer, &tree);
    render(
        s,
        status,
        "people.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            people => rows, units, roles => roles(viewer), message, initial,
            username => field(input, "username"), name => field(input, "name"),
            role => field(input, "role"), unit => field(input, "unit"),
            phone => field(input, "phone"), email => field(input, "email"),
        },
    )
}

/// The units whose people the viewer may add: all for an administrator, its org's for a
/// supervisor.
fn administered_units(viewer: &Viewer, tree: &OrgTree) -> Vec<minijinja::Value> {
    let org = tree.org_of(viewer.user.unit_id);
    tree_rows(tree)
        .into_iter()
        .filter(|row| {
            viewer.user.role == Role::Admin
                || row
                    .get_attr("id")
                    .ok()
                    .and_then(|id| i64::try_from(id).ok())
                    .zip(org)
                    .is_some_and(|(id, org)| tree.is_within(UnitId(id), org))
        })
        .collect()
}

fn roles(viewer: &Viewer) -> Vec<minijinja::Value> {
    Role::ALL
        .iter()
        .filter(|r| viewer.user.role == Role::Admin || **r != Role::Admin)
        .map(|r| context! { value => r.as_str(), label => r.label() })
        .collect()
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

pub async fn add_person(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    let Some(role) = Role::parse(field(&f, "role")) else {
        let why = "请选择角色".to_string();
        return people_page(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            Some(why),
            None,
        )
        .await;
    };
    let Ok(unit) = field(&f, "unit").parse::<i64>() else {
        let why = "请选择所在单位".to_string();
        return people_page(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            Some(why),
            None,
        )
        .await;
    };
    let spec = PersonSpec {
        username: field(&f, "username").to_string(),
        display_name: field(&f, "name").to_string(),
        role,
        unit_id: UnitId(unit),
        email: optional(field(&f, "email")),
        phone: optional(field(&f, "phone")),
        password: None,
        in_charge_of: Vec::new(),
    };
    match s.luoshi.add_person(Some(&viewer.user), spec).await {
        Ok((account, initial)) => {
            let done = format!("已添加“{}”", account.user.display_name);
            let initial = initial.map(|p| (account.user.username.clone(), p));
            people_page(
                &s,
                &viewer,
                StatusCode::OK,
                &Fields::new(),
                Some(done),
                initial,
            )
            .await
        }
        Err(e) => {
            let api = ApiError::from(e);
            people_page(&s, &viewer, api.status, &f, Some(api.message), None).await
        }
    }
}

pub async fn person(State(s): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    person_page(&s, &viewer, UserId(id), StatusCode::OK, None, None).await
}

async fn person_page(
    s: &AppState,
    viewer: &Viewer,
    id: UserId,
    status: StatusCode,
    message: Option<String>,
    initial: Option<String>,
) -> Response {
    let accounts = match s.luoshi.accounts(&viewer.user).await {
        Ok(a) => a,
        Err(e) => return PageError::from(e).into_response(),
    };
    let Some(account) = accounts.iter().find(|a| a.user.id == id) else {
        return PageError::new(StatusCode::NOT_FOUND, "该人员不存在或不归您管理").into_response();
    };
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "person.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            person => person_row(account, &tree), role => account.user.role.as_str(),
            unit => account.user.unit_id.0, units => administered_units(viewer, &tree),
            roles => roles(viewer), message, initial,
        },
    )
}

/// Saves a person's fields, or disables, enables or resets their password (`action`).
pub async fn change_person(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    let change = match field(&f, "action") {
        "disable" => AccountChange {
            disabled: Some(true),
            ..AccountChange::default()
        },
        "enable" => AccountChange {
            disabled: Some(false),
            ..AccountChange::default()
        },
        "reset" => AccountChange {
            reset_password: true,
            ..AccountChange::default()
        },
        _ => {
            let tree = s.luoshi.tree();
            let in_charge =
                match super::register::resolve(&tree, &viewer.user, field(&f, "in_charge")) {
                    Ok(units) => units,
                    Err(why) => {
                        let status = StatusCode::UNPROCESSABLE_ENTITY;
                        return person_page(&s, &viewer, UserId(id), status, Some(why), None).await;
                    }
                };
            AccountChange {
                display_name: Some(field(&f, "name").to_string()),
                role: Role::parse(field(&f, "role")),
                unit_id: field(&f, "unit").parse().ok().map(UnitId),
                email: Some(optional(field(&f, "email"))),
                phone: Some(optional(field(&f, "phone"))),
                in_charge_of: Some(in_charge),
                primary_liaison: Some(field(&f, "primary") == "1"),
                ..AccountChange::default()
            }
        }
    };
    match s
        .luoshi
        .change_account(Some(&viewer.user), UserId(id), change)
        .await
    {
        Ok((account, initial)) => {
            let done = match field(&f, "action") {
                "disable" => "已停用,此人的登录和接口令牌已全部结束",
                "enable" => "已启用",
                "reset" => "已重置密码,此人的登录和接口令牌已全部结束",
                _ => "已保存",
            };
            person_page(
                &s,
                &viewer,
                account.user.id,
                StatusCode::OK,
                Some(done.into()),
                initial,
            )
            .await
        }
        Err(e) => {
            let api = ApiError::from(e);
            if api.status == StatusCode::NOT_FOUND || api.status == StatusCode::FORBIDDEN {
                return PageError::from(api).into_response();
            }
            person_page(&s, &viewer, UserId(id), api.status, Some(api.message), None).await
        }
    }
}

pub async fn contacts(State(s): State<AppState>, viewer: Viewer) -> Response {
    contacts_page(&s, &viewer, StatusCode::OK, None, None)
}

/// A contact list read and shown, with the file carried along for the confirming post.
struct Previewed<'p> {
    plan: &'p OrgPlan,
    file_name: String,
    content: String,
}

fn contacts_page(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    preview: Option<Previewed<'_>>,
    message: Option<String>,
) -> Response {
    if viewer.user.role != Role::Admin {
        return PageError::new(StatusCode::FORBIDDEN, "只有系统管理员可以导入通讯录")
            .into_response();
    }
    let tree = s.luoshi.tree();
    let (plan, file_name, content) = match preview {
        Some(p) => (Some(p.plan), p.file_name, p.content),
        None => (None, String::new(), String::new()),
    };
    let units: Vec<_> = plan
        .iter()
        .flat_map(|p| &p.units)
        .map(|u| {
            context! {
                name => u.name, parent => u.parent, kind => u.kind.label(),
                short_names => u.short_names.join("、"), problems => u.problems,
                existing => u.existing, at => u.at,
            }
        })
        .collect();
    let people: Vec<_> = plan
        .iter()
        .flat_map(|p| &p.people)
        .map(|p| {
            context! {
                name => p.name, unit => p.unit, role => p.role.label(), username => p.username,
                phone => p.phone, problems => p.problems, existing => p.existing, at => p.at,
            }
        })
        .collect();
    render(
        s,
        status,
        "contacts.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(), message,
            previewed => plan.is_some(), units, people,
            file_problems => plan.map(|p| p.file_problems.clone()).unwrap_or_default(),
            problems => plan.map_or(0, OrgPlan::problem_count),
            adding => plan.map_or(0, |p| p.people.iter().filter(|x| !x.existing).count()),
            file_name, content,
        },
    )
}

/// A contact list uploaded: shown row by row; posted again with `confirm`, imported, and the
/// one-time passwords of the people added handed back as a workbook, this once.
pub async fn upload_contacts(
    State(s): State<AppState>,
    upload: Result<Upload, UploadRefused>,
) -> Response {
    let Upload {
        viewer,
        fields,
        file,
    } = match upload {
        Ok(upload) => upload,
        Err(UploadRefused::Unread { viewer, too_large }) => {
            let (status, why) = unread(too_large, "文件超过 20 MB,请拆分后再导入");
            return contacts_page(&s, &viewer, status, None, Some(why));
        }
        Err(page) => return page.into_response(),
    };
    let refused = |status, why: &str| contacts_page(&s, &viewer, status, None, Some(why.into()));
    if viewer.user.role != Role::Admin {
        return PageError::new(StatusCode::FORBIDDEN, "只有系统管理员可以导入通讯录")
            .into_response();
    }
    // A confirmation carries the file it previewed, so that what is imported is what was seen.
    let carried = fields.get("content").filter(|c| !c.is_empty()).map(|c| {
        base64::engine::general_purpose::STANDARD
            .decode(c.trim())
            .map(|bytes| (field(&fields, "file_name").to_string(), bytes))
    });
    let (file_name, bytes) = match (carried, file) {
        (Some(Ok(carried)), _) => carried,
        (Some(Err(_)), _) => {
            return refused(StatusCode::BAD_REQUEST, "上传未完成,请重新选择文件");
        }
        (None, Some(file)) if !file.1.is_empty() => file,
        (None, _) => return refused(StatusCode::UNPROCESSABLE_ENTITY, "请选择通讯录文件"),
    };
    let plan = match s.luoshi.plan_org_import(&file_name, &bytes).await {
        Ok(plan) => plan,
        Err(e) => {
            let api = ApiError::from(e);
            return refused(api.status, &api.message);
        }
    };
    let preview = || Previewed {
        plan: &plan,
        file_name: file_name.clone(),
        content: base64::engine::general_purpose::STANDARD.encode(&bytes),
    };
    if field(&fields, "confirm") != "1" || plan.problem_count() > 0 {
        let status = if plan.problem_count() > 0 {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return contacts_page(&s, &viewer, status, Some(preview()), None);
    }
    let outcome = match s.luoshi.import_org(Some(&viewer.user), &plan).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let api = ApiError::from(e);
            return contacts_page(&s, &viewer, api.status, Some(preview()), Some(api.message));
        }
    };
    let luoshi = s.luoshi.clone();
    tokio::spawn(async move {
        if let Err(e) = luoshi.refresh_statistics().await {
            tracing::warn!(error = %e, "statistics could not be refreshed after a contact list");
        }
    });
    if outcome.passwords.is_empty() {
        let done = format!("已导入 {} 个单位,没有新增人员", outcome.units_added);
        return contacts_page(&s, &viewer, StatusCode::OK, None, Some(done));
    }
    let rows: Vec<Vec<String>> = outcome.passwords.iter().map(|p| p.to_vec()).collect();
    let columns = [
        ("姓名", 10.0),
        ("单位", 30.0),
        ("用户名", 16.0),
        ("初始密码", 16.0),
    ];
    let title = format!("初始密码(共{}人,首次登录后须修改)", outcome.people_added);
    match luoshi_office::ledger::table("初始密码", &title, &columns, &rows) {
        Ok(book) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"passwords.xlsx\"; filename*=UTF-8''%E5%88%9D%E5%A7%8B%E5%AF%86%E7%A0%81.xlsx",
                ),
            ],
            book,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing the one-time passwords failed");
            PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "导出初始密码表失败,请联系管理员").into_response()
        }
    }
}
