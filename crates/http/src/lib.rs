//! Luoshi over HTTP: the pages people use and the JSON API. The server starts from a listener the caller already bound and stops when
//! the shutdown future completes, so tests bind port 0 and know the address before any request.

mod api;
mod error;
mod extract;
mod limits;
mod tls;
mod web;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use luoshi_service::Luoshi;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::{INPUT_ROUTES, read_input};
pub use error::ApiError;
pub use limits::Limits;
pub use tls::TlsFiles;

/// Requests larger than this are refused before any handler reads them.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub luoshi: Luoshi,
    templates: std::sync::Arc<minijinja::Environment<'static>>,
}

/// The whole application: the pages, and the API under `/api/v1` with its OpenAPI document.
pub fn router(luoshi: Luoshi) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let openapi_json =
        serde_json::to_string_pretty(&openapi).expect("the OpenAPI document serialises");
    let state = AppState {
        luoshi,
        templates: web::templates(),
    };
    Router::new()
        .merge(web::router().into_router(state.clone()))
        .nest(
            "/api/v1",
            api.route(
                "/openapi.json",
                axum::routing::get(|| async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        openapi_json,
                    )
                }),
            ),
        )
        .fallback(|| async { ApiError::not_found_route() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        // Pages, exports and answers carry internal data: no cache, shared or the browser's,
        // keeps them. What may be kept (the style sheet) says so itself.
        .layer(security_header(header::CACHE_CONTROL, "no-store"))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .with_state(state)
}

/// Every (method, path) the application serves: the pages and forms, and the API as its
/// OpenAPI document describes it. Tests walk this list, so no route escapes them.
pub fn served_routes() -> Vec<(axum::http::Method, String)> {
    let mut all: Vec<_> = web::router()
        .served
        .into_iter()
        .map(|(m, p)| (m, p.to_string()))
        .collect();
    let (_, openapi) = api::router().split_for_parts();
    for (path, item) in &openapi.paths.paths {
        let methods = [
            (axum::http::Method::GET, item.get.is_some()),
            (axum::http::Method::POST, item.post.is_some()),
            (axum::http::Method::PUT, item.put.is_some()),
            (axum::http::Method::PATCH, item.patch.is_some()),
            (axum::http::Method::DELETE, item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                all.push((method, format!("/api/v1{path}")));
            }
        }
    }
    all.push((axum::http::Method::GET, "/api/v1/openapi.json".into()));
    all
}

/// Pages load nothing from elsewhere, run no inline script or style, and are never framed.
const CSP: &str = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

fn security_header(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<header::HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, header::HeaderValue::from_static(value))
}

/// Each request's span names its route (`/matters/{id}/sign`), not its path, so logs group by
/// what was called rather than by which matter.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("", axum::extract::MatchedPath::as_str);
    tracing::info_span!("request", method = %req.method(), route)
}

/// How to serve: the rate limits, and HTTPS when certificate files are given.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub limits: Limits,
    pub tls: Option<TlsFiles>,
    /// A proxy in front serves HTTPS and passes plain HTTP on: the browser still only ever
    /// speaks HTTPS to Luoshi, so cookies and headers are set as when serving TLS directly.
    pub behind_tls_proxy: bool,
}

/// Over HTTPS the browser is told to keep to it: cookies go only over TLS (`Secure`), and
/// `Strict-Transport-Security` makes it refuse plain HTTP for a year.
async fn https_only(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let cookies: Vec<header::HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter_map(|c| header::HeaderValue::from_str(&format!("{c}; Secure")).ok())
        .collect();
    if !cookies.is_empty() {
        headers.remove(header::SET_COOKIE);
        for c in cookies {
            headers.append(header::SET_COOKIE, c);
        }
    }
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        header::HeaderValue::from_static("max-age=31536000"),
    );
    res
}

/// Serves plain HTTP without rate limits until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    luoshi: Luoshi,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let options = ServeOptions {
        limits: Limits::off(),
        ..ServeOptions::default()
    };
    serve_with(listener, luoshi, options, shutdown).await
}

/// Serves with `options` until `shutdown` completes, then finishes the requests in flight.
/// Fails at once if the TLS files cannot be used.
pub async fn serve_with(
    listener: TcpListener,
    luoshi: Luoshi,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limiter = limits::Limiter::new(options.limits);
    let mut app = router(luoshi);
    if options.tls.is_some() || options.behind_tls_proxy {
        app = app.layer(axum::middleware::from_fn(https_only));
    }
    let app = app
        .layer(axum::middleware::from_fn_with_state(limiter, limits::limit))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    match options.tls {
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some(files) => {
            use axum::serve::ListenerExt;
            // tap_io lends the TLS listener axum's ConnectInfo for its peer addresses.
            let tls = tls::TlsListener::new(listener, &files)?.tap_io(|_| {});
            axum::serve(tls, app).with_graceful_shutdown(shutdown).await
        }
    }
}
