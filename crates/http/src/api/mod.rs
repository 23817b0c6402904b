//! The JSON API under `/api/v1` (CONTRACT.md). Each resource has its own module; the OpenAPI
//! document is collected from the handlers' annotations.

mod auth;
mod dashboard;
mod dto;
mod health;
mod matters;
mod public;
mod tokens;
mod units;
mod users;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
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
        .routes(routes!(units::list))
        .routes(routes!(users::list))
        .routes(routes!(matters::list, matters::create))
        .routes(routes!(matters::get))
        .routes(routes!(matters::assign))
        .routes(routes!(matters::sign))
        .routes(routes!(matters::feedback))
        .routes(routes!(matters::request_completion))
        .routes(routes!(matters::close))
        .routes(routes!(matters::return_))
        .routes(routes!(matters::remind))
        .routes(routes!(matters::request_extension))
        .routes(routes!(matters::approve_extension))
        .routes(routes!(matters::reject_extension))
        .routes(routes!(matters::cancel))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(public::list))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::change_password))
}
