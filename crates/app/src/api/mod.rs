//! The HTTP API (`mediascan serve`): axum on tokio, described by an OpenAPI document generated
//! from the handlers (`/api/v1/openapi.json`), so the two cannot drift apart.
//!
//! Requests get an id (`x-request-id`, kept if the client sent one) and a tracing span; errors
//! are `{ "error": code, "message": text }`. With a token configured, every `/api` request must
//! carry `Authorization: Bearer <token>` (`/healthz` and the OpenAPI document stay open).

mod error;
mod media;
mod scans;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, ErrorBody};

use crate::Mediascan;

/// Largest request body accepted (the API's bodies are a few dozen bytes).
pub const MAX_BODY: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct AppState {
    pub app: Mediascan,
    pub token: Option<Arc<str>>,
}

/// Library names in requests: what the configuration allows, so never a path.
pub(crate) fn valid_library_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(OpenApi)]
#[openapi(
    info(title = "mediascan", description = "Media-library scanner: scans, progress, and the catalog."),
    modifiers(&BearerAuth),
    tags(
        (name = "scans", description = "Start, follow and cancel scans of configured libraries"),
        (name = "media", description = "The catalog"),
        (name = "libraries", description = "Configured libraries"),
        (name = "health", description = "Liveness"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security =
            Some(vec![utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// Compares in time independent of where the strings differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn authorize(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = &state.token else { return Ok(next.run(request).await) };
    let path = request.uri().path();
    if path == "/healthz" || path == "/api/v1/openapi.json" {
        return Ok(next.run(request).await);
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if same_secret(given.as_bytes(), token.as_bytes()) => Ok(next.run(request).await),
        Some(_) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the bearer token is not valid"))
        }
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs `Authorization: Bearer <token>`",
        )),
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such endpoint")
}

/// Every endpoint, and the OpenAPI document generated from them: one list, so the document
/// served and the one `serve --openapi` prints cannot differ.
fn endpoints() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(scans::start_scan, scans::list_scans))
        .routes(routes!(scans::get_scan, scans::cancel_scan))
        .routes(routes!(scans::scan_events))
        .routes(routes!(scans::list_libraries))
        .routes(routes!(media::list_media))
        .routes(routes!(media::get_media))
        .routes(routes!(media::list_shows))
        .routes(routes!(media::healthz))
        .split_for_parts()
}

/// The OpenAPI document and the router that serves it along with every endpoint.
pub fn router(state: AppState) -> axum::Router {
    let (api_router, api) = endpoints();
    let api = Arc::new(api);
    let request_id = HeaderName::from_static("x-request-id");
    api_router
        .route("/api/v1/openapi.json", get(move || async move { axum::Json(api.as_ref().clone()) }))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .layer(DefaultBodyLimit::max(MAX_BODY))
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
    let (_, api) = endpoints();
    api.to_pretty_json().unwrap_or_default()
}

/// How long in-flight requests may run after shutdown began.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves on `listener` until `shutdown` resolves; then cancels running scans (their records say
/// `cancelled`), lets in-flight requests finish for a moment, and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = state.app.clone();
    let router = router(state);
    let (drained_tx, drained_rx) = tokio::sync::oneshot::channel::<()>();
    let stopping = async move {
        shutdown.await;
        tracing::warn!("shutting down: cancelling running scans");
        app.scanner().shutdown().await;
        let _ = drained_tx.send(());
    };
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(stopping);
    tokio::select! {
        result = server => result,
        // Event streams of finished scans end by themselves; anything else gets DRAIN.
        () = async { let _ = drained_rx.await; tokio::time::sleep(DRAIN).await } => Ok(()),
    }
}
