//! The HTTP API (`mediascan serve`): axum on tokio, described by an OpenAPI document generated
//! from the handlers (`/api/v1/openapi.json`), so the two cannot drift apart.
//!
//! Requests get an id (`x-request-id`, kept if the client sent one) and a tracing span; errors
//! are `{ "error": code, "message": text }`, whoever answers. With a token configured, every
//! request must carry `Authorization: Bearer <token>` (`/healthz` and the OpenAPI document stay
//! open); without one, only requests addressed to loopback names are served.

mod edits;
pub(crate) mod error;
mod guard;
mod hooks;
mod item_edits;
pub(crate) mod items;
pub(crate) mod media;
mod openapi;
mod report;
pub(crate) mod scans;
mod server;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderName;
use axum::middleware;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, ErrorBody};
pub(crate) use guard::same_secret;
pub use guard::{MAX_URI, host_allowed};
pub use items::ITEM_CURSOR_PATTERN;
pub use media::{CURSOR_PATTERN, LIBRARY_PATTERN, MAX_CURSOR, MAX_PATH_PREFIX, MAX_TEXT, TEXT_PATTERN};
pub use server::{ConnectionLimits, serve_connections};

use crate::Mediascan;

/// Largest request body accepted (the API's bodies are a few dozen bytes).
pub const MAX_BODY: usize = 16 * 1024;

/// Paths served without a token.
pub const OPEN_PATHS: [&str; 2] = ["/healthz", "/api/v1/openapi.json"];

#[derive(Debug, Clone)]
pub struct AppState {
    pub app: Mediascan,
    pub token: Option<Arc<str>>,
    /// Host names served without a token besides loopback ones (`server.allowed_hosts`).
    pub allowed_hosts: Arc<[String]>,
}

/// Library names in requests: what the configuration allows, so never a path.
pub(crate) fn valid_library_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Every endpoint, and the OpenAPI document generated from them: one list, so the document
/// served and the one `serve --openapi` prints cannot differ.
fn endpoints() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let router = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(scans::start_scan, scans::list_scans))
        .routes(routes!(scans::get_scan, scans::delete_scan))
        .routes(routes!(scans::cancel_scan))
        .routes(routes!(scans::scan_events))
        .routes(routes!(scans::list_libraries))
        .routes(with_body_limit(routes!(hooks::arr), hooks::HOOK_BODY))
        .routes(with_body_limit(routes!(hooks::path), hooks::HOOK_BODY))
        .routes(routes!(media::list_media))
        .routes(routes!(media::get_media, edits::edit_media))
        .routes(routes!(edits::clear_overrides))
        .routes(routes!(edits::media_history))
        .routes(routes!(media::list_shows))
        .routes(routes!(items::get_show))
        .routes(routes!(items::list_items))
        .routes(routes!(item_edits::get_item, item_edits::edit_item))
        .routes(routes!(item_edits::clear_item_overrides))
        .routes(routes!(report::report))
        .routes(routes!(media::healthz))
        .routes(routes!(openapi::openapi_document));
    let (router, mut document) = router.split_for_parts();
    utoipa::Modify::modify(&openapi::Shared, &mut document);
    (router, document)
}

/// `routes` with a body limit of their own (the webhooks' payloads are larger than the rest).
fn with_body_limit(
    routes: utoipa_axum::router::UtoipaMethodRouter<AppState>,
    limit: usize,
) -> utoipa_axum::router::UtoipaMethodRouter<AppState> {
    let (schemas, paths, router) = routes;
    (schemas, paths, router.layer(DefaultBodyLimit::max(limit)))
}

/// The OpenAPI document and the router that serves it along with every endpoint.
pub fn router(state: AppState) -> axum::Router {
    router_with(state, axum::Router::new())
}

/// [`router`] with `extra` routes behind the same layers (for tests of the layers).
#[doc(hidden)]
pub fn router_with(state: AppState, extra: axum::Router<AppState>) -> axum::Router {
    let (api_router, _) = endpoints();
    let request_id = HeaderName::from_static("x-request-id");
    api_router
        .merge(extra)
        .merge(crate::web::router(&state))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(guard::panic_response))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), guard::authorize))
        .layer(middleware::from_fn_with_state(state.clone(), guard::check_host))
        .layer(middleware::from_fn(guard::limit_uri))
        .layer(middleware::from_fn(guard::json_errors))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// The OpenAPI document as JSON (for `mediascan serve --openapi`).
pub fn openapi_json() -> String {
    serde_json::to_string_pretty(openapi::document()).unwrap_or_default()
}

/// An unknown path: the API's JSON error under `/api`, the dashboard's page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if crate::web::is_api_path(uri.path()) {
        ApiError::not_found("not_found", "no such endpoint").into_response()
    } else {
        crate::web::not_found_page()
    }
}

/// How long in-flight requests may run after shutdown began.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves on `listener` until `shutdown` resolves; then cancels running scans (their records say
/// `cancelled`), lets in-flight requests finish for a moment, and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = state.app.clone();
    let router = router(state);
    let stopping = async move {
        shutdown.await;
        tracing::warn!("shutting down: cancelling running scans");
        // Cancelled scans end their event streams, so connections drain quickly.
        app.scanner().shutdown().await;
    };
    serve_connections(listener, router, limits, stopping, DRAIN).await
}
