//! The JSON API under `/api/v1` (CONTRACT.md). Each resource has its own module; the OpenAPI
//! document is collected from the handlers' annotations.

mod accountability;
mod assessment;
mod attachments;
mod auth;
mod bulletins;
mod calendar;
mod dashboard;
mod dto;
mod forms;
mod health;
mod imports;
mod inbox;
mod letters;
mod matters;
mod origins;
pub(crate) use matters::ledger_download;
mod public;
mod rounds;
mod tokens;
mod units;
mod users;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Luoshi 落实 API", description = "督查督办:事项的立项、交办、签收、反馈、办结与预警。"),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(auth::login))
        .routes(routes!(units::list, units::create))
        .routes(routes!(units::update))
        .routes(routes!(units::merge))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update))
        .routes(routes!(matters::list, matters::create))
        .routes(routes!(matters::get, matters::edit))
        .routes(routes!(matters::reassign))
        .routes(routes!(matters::decompose))
        .routes(routes!(matters::assign))
        .routes(routes!(matters::sign))
        .routes(routes!(matters::feedback))
        .routes(routes!(matters::request_completion))
        .routes(routes!(matters::close))
        .routes(routes!(matters::return_))
        .routes(routes!(matters::remind))
        .routes(routes!(matters::instruct))
        .routes(routes!(matters::set_indicator))
        .routes(routes!(matters::return_report))
        .routes(routes!(rounds::of_matter))
        .routes(routes!(rounds::missing))
        .routes(routes!(rounds::remind))
        .routes(routes!(matters::request_extension))
        .routes(routes!(matters::approve_extension))
        .routes(routes!(matters::reject_extension))
        .routes(routes!(matters::cancel))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(public::list))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::change_password))
        .routes(routes!(tokens::end_sessions_of))
        .routes(routes!(inbox::list))
        .routes(routes!(inbox::read))
        .routes(routes!(inbox::confirm))
        .routes(routes!(inbox::prefs, inbox::save_prefs))
        .routes(routes!(inbox::deliveries))
        .routes(routes!(calendar::preview))
        .routes(routes!(calendar::save))
        .routes(routes!(assessment::assessment))
        .routes(routes!(matters::ledger_xlsx))
        .routes(routes!(matters::ledger_csv))
        .routes(routes!(assessment::workbook))
        .routes(routes!(assessment::adjust))
        .routes(routes!(inbox::retry))
        .routes(routes!(imports::preview).layer(upload_limit()))
        .routes(routes!(imports::import).layer(upload_limit()))
        .routes(routes!(bulletins::list, bulletins::create))
        .routes(routes!(bulletins::get))
        .routes(routes!(bulletins::add_case))
        .routes(routes!(bulletins::review))
        .routes(routes!(bulletins::publish))
        .routes(routes!(bulletins::docx))
        .routes(routes!(accountability::list, accountability::create))
        .routes(routes!(accountability::decide))
        .routes(routes!(letters::list, letters::upload).layer(upload_limit()))
        .routes(routes!(letters::file))
        .routes(routes!(attachments::upload).layer(upload_limit()))
        .routes(routes!(attachments::file))
        .routes(routes!(forms::notice))
        .routes(routes!(forms::reminder))
        .routes(routes!(origins::list, origins::create))
        .routes(routes!(origins::get))
        .routes(routes!(origins::bulletin))
}

/// The body limit of a call that carries a file (a table, a letter, an attachment): the pages'
/// own.
fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES + 64 * 1024)
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(crate) const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// An official document as the .docx to download. Writing one fails only on a table that
/// cannot be laid out, which is a bug: logged, and said as an export that failed.
pub(crate) fn docx_download(
    doc: &luoshi_office::docx::OfficialDoc,
    file_name: &str,
) -> Result<axum::response::Response, crate::ApiError> {
    let bytes = luoshi_office::docx::write(doc).map_err(|e| {
        tracing::error!(error = %e, document = %doc.title, "writing a document failed");
        crate::ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "导出失败,请稍后重试",
        )
    })?;
    Ok(attachment(DOCX, file_name, bytes))
}

/// A file to download, named as the office will see it (names in Chinese kept, encoded as
/// RFC 6266 asks).
pub(crate) fn attachment(
    content_type: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename*=UTF-8''{}",
                    crate::web::url_encode(file_name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The routes whose input [`read_input`] knows, as `METHOD /path` (the path as routed, with
/// `{id}` for the matter).
pub const INPUT_ROUTES: &[&str] = &[
    "POST /auth/login",
    "POST /matters",
    "PATCH /matters/{id}",
    "POST /matters/{id}/reassign",
    "POST /matters/{id}/decompose",
    "POST /matters/{id}/feedback",
    "POST /matters/{id}/request-completion",
    "POST /matters/{id}/close",
    "POST /matters/{id}/return",
    "POST /matters/{id}/remind",
    "POST /matters/{id}/instructions",
    "POST /matters/{id}/indicators",
    "POST /matters/{id}/reports/{event_id}/return",
    "GET /rounds/missing",
    "POST /rounds/remind",
    "POST /matters/{id}/extension",
    "POST /matters/{id}/extension/approve",
    "POST /matters/{id}/extension/reject",
    "POST /matters/{id}/cancel",
    "GET /matters",
    "GET /users",
    "GET /dashboard",
    "POST /units",
    "PATCH /units/{id}",
    "POST /units/{id}/merge",
    "POST /users",
    "PATCH /users/{id}",
    "PUT /me/prefs",
    "POST /calendar/preview",
    "POST /calendar",
    "GET /assessment",
    "GET /assessment.xlsx",
    "POST /assessment/adjustments",
    "POST /bulletins",
    "POST /bulletins/{id}/cases",
    "POST /accountability",
    "POST /accountability/{id}/decide",
    "GET /letters",
];

/// Reads a request's input — the JSON body of a POST, the query string of a GET — into the type
/// the route's handler takes, through the same extractor and the same rejection, so that what
/// a client may send can be tested without a server or a database behind it. `None` for a route
/// not in [`INPUT_ROUTES`].
pub fn read_input(route: &str, input: &[u8]) -> Option<Result<(), crate::ApiError>> {
    fn body<T: serde::de::DeserializeOwned>(input: &[u8]) -> Result<(), crate::ApiError> {
        axum::Json::<T>::from_bytes(input)
            .map(drop)
            .map_err(crate::ApiError::from)
    }
    fn query<T: serde::de::DeserializeOwned>(input: &[u8]) -> Result<(), crate::ApiError> {
        // A query string that is not a valid URI never reaches a handler: hyper refuses it.
        let Ok(uri) = format!("/?{}", String::from_utf8_lossy(input)).parse() else {
            return Ok(());
        };
        axum::extract::Query::<T>::try_from_uri(&uri)
            .map(drop)
            .map_err(crate::ApiError::from)
    }
    Some(match route {
        "POST /auth/login" => body::<auth::LoginRequest>(input),
        "POST /matters" | "PATCH /matters/{id}" => body::<matters::CreateMatter>(input),
        "POST /matters/{id}/reassign" => body::<matters::ReassignBody>(input),
        "POST /matters/{id}/decompose" => body::<matters::DecomposeBody>(input),
        "POST /matters/{id}/feedback" => body::<matters::FeedbackBody>(input),
        "POST /matters/{id}/request-completion" => body::<matters::SummaryBody>(input),
        "POST /matters/{id}/close" | "POST /matters/{id}/extension/approve" => {
            body::<matters::CommentBody>(input)
        }
        "POST /matters/{id}/return"
        | "POST /matters/{id}/reports/{event_id}/return"
        | "POST /matters/{id}/extension/reject"
        | "POST /matters/{id}/cancel" => body::<matters::ReasonBody>(input),
        "POST /matters/{id}/remind" => body::<matters::MessageBody>(input),
        "POST /matters/{id}/instructions" => body::<matters::InstructionBody>(input),
        "POST /matters/{id}/indicators" => body::<matters::IndicatorBody>(input),
        "GET /rounds/missing" => query::<rounds::OnQuery>(input),
        "POST /rounds/remind" => body::<rounds::RemindBody>(input),
        "POST /matters/{id}/extension" => body::<matters::ExtensionBody>(input),
        "GET /matters" => query::<matters::ListParams>(input),
        "GET /users" => query::<users::UsersQuery>(input),
        "GET /dashboard" => query::<dashboard::DashboardQuery>(input),
        "POST /units" => body::<units::NewUnitBody>(input),
        "PATCH /units/{id}" => body::<units::UnitChange>(input),
        "POST /units/{id}/merge" => body::<units::MergeBody>(input),
        "POST /users" => body::<users::NewPerson>(input),
        "PATCH /users/{id}" => body::<users::PersonChange>(input),
        "PUT /me/prefs" => body::<inbox::PrefsBody>(input),
        "POST /calendar/preview" | "POST /calendar" => body::<calendar::NoticeBody>(input),
        "GET /assessment" | "GET /assessment.xlsx" => query::<assessment::AssessmentQuery>(input),
        "POST /assessment/adjustments" => body::<assessment::AdjustmentBody>(input),
        "POST /bulletins" => body::<bulletins::NewBulletin>(input),
        "POST /bulletins/{id}/cases" => body::<bulletins::CaseBody>(input),
        "POST /accountability" => body::<accountability::NewRecord>(input),
        "POST /accountability/{id}/decide" => body::<accountability::Decision>(input),
        "GET /letters" => query::<letters::YearQuery>(input),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_route_reads_its_input_and_others_are_unknown() {
        for route in INPUT_ROUTES {
            assert!(read_input(route, b"").is_some(), "{route}");
        }
        assert!(read_input("POST /nowhere", b"{}").is_none());
        assert!(
            read_input("POST /auth/login", br#"{"username":"a","password":"b"}"#)
                .is_some_and(|r| r.is_ok())
        );
        let late = read_input(
            "POST /matters/{id}/extension",
            br#"{"new_deadline":"2026-02-30","reason":"x"}"#,
        );
        assert_eq!(late.unwrap().unwrap_err().code, "invalid");
        assert!(read_input("GET /matters", b"limit=-1").unwrap().is_err());
    }
}
