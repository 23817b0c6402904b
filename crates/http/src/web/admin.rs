//! The admin page (系统管理): deliveries that failed, ending sessions, and the working-day
//! calendar kept up from the State Council's notices.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_domain::Power;
use luoshi_domain::notice::{self, NoticeKind};
use luoshi_service::notify::DeliveryState;
use minijinja::context;

use super::PageError;
use super::form::{Fields, Posted, field};
use super::render;
use super::session::Viewer;
use super::view::{self, ViewerView};
use crate::{ApiError, AppState};

fn may_administer(s: &AppState, viewer: &Viewer) -> bool {
    s.luoshi.may(&viewer.user, Power::Administer)
}

pub async fn admin(State(s): State<AppState>, viewer: Viewer) -> Response {
    admin_page(&s, &viewer, StatusCode::OK, &Fields::new(), None, None).await
}

async fn admin_page(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    input: &Fields,
    preview: Option<Vec<minijinja::Value>>,
    message: Option<String>,
) -> Response {
    if !may_administer(s, viewer) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Administer.refusal()).into_response();
    }
    let problems = match s.luoshi.delivery_problems(&viewer.user).await {
        Ok(p) => p,
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let problems: Vec<_> = problems
        .into_iter()
        .map(|o| {
            context! {
                id => o.notice.id, channel => o.notice.channel.as_str(), target => o.notice.target,
                subject => o.notice.subject, attempts => o.attempts, error => o.last_error,
                gave_up => o.state == DeliveryState::Failed,
                at => view::cn_time(o.notice.created_at),
            }
        })
        .collect();
    let calendar = s.luoshi.calendar();
    let years: Vec<i32> = calendar.years().collect();
    let tree = s.luoshi.tree();
    render(
        s,
        status,
        "admin.html",
        context! {
            viewer => ViewerView::of(viewer, &tree), csrf => viewer.csrf(),
            problems, years, preview, message,
            notice => field(input, "notice"), year => field(input, "year"),
        },
    )
}

/// An administrator ends everything someone is signed in with, named by username.
pub async fn end_sessions(
    State(s): State<AppState>,
    Posted { viewer, form: f }: Posted,
) -> Response {
    if let Err(e) = luoshi_service::auth::may_end_sessions(&viewer.user) {
        return PageError::from(e).into_response();
    }
    let username = field(&f, "username").trim();
    let found = match s.luoshi.users().await {
        Ok(users) => users.into_iter().find(|u| u.username == username),
        Err(e) => return PageError::unavailable(e).into_response(),
    };
    let Some(user) = found else {
        let why = format!("用户 {username} 不存在");
        return admin_page(
            &s,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f,
            None,
            Some(why),
        )
        .await;
    };
    match s.luoshi.end_sessions_of(&viewer.user, user.id).await {
        Ok((user, ended)) => {
            let mut done = format!("已结束 {} 在所有设备上的登录", user.display_name);
            if !ended.is_empty() {
                done.push_str(&format!(",接口令牌一并作废:{}", ended.join("、")));
            }
            admin_page(
                &s,
                &viewer,
                StatusCode::OK,
                &Fields::new(),
                None,
                Some(done),
            )
            .await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

/// A pasted notice: previewed as the days it sets, or saved into the calendar.
pub async fn calendar(State(s): State<AppState>, Posted { viewer, form: f }: Posted) -> Response {
    if !may_administer(&s, &viewer) {
        return PageError::new(StatusCode::FORBIDDEN, Power::Administer.refusal()).into_response();
    }
    let year = match field(&f, "year").trim() {
        "" => None,
        y => match y.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                let why = "年份应为2000至2100之间的数字".to_string();
                return admin_page(
                    &s,
                    &viewer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &f,
                    None,
                    Some(why),
                )
                .await;
            }
        },
    };
    let text = field(&f, "notice");
    let days = match notice::parse_notice(text, year) {
        Ok(days) => days,
        Err(e) => {
            return admin_page(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                &f,
                None,
                Some(e.to_string()),
            )
            .await;
        }
    };
    if field(&f, "action") == "save" {
        return match s.luoshi.import_calendar(&viewer.user, text, year).await {
            Ok(n) => {
                let done = format!("已保存 {n} 天的放假和调休安排");
                admin_page(
                    &s,
                    &viewer,
                    StatusCode::OK,
                    &Fields::new(),
                    None,
                    Some(done),
                )
                .await
            }
            Err(e) => {
                let api = ApiError::from(e);
                admin_page(&s, &viewer, api.status, &f, None, Some(api.message)).await
            }
        };
    }
    let preview = days
        .iter()
        .map(|d| {
            context! {
                date => view::page_date(d.date),
                kind => match d.kind { NoticeKind::Holiday => "放假", NoticeKind::Workday => "上班" },
                name => d.name,
            }
        })
        .collect();
    admin_page(&s, &viewer, StatusCode::OK, &f, Some(preview), None).await
}
