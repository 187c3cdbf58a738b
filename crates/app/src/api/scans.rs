//! `/api/v1/scans` and `/api/v1/libraries`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::{Deserialize, Serialize};

use scanner_core::ports::ScanQuery;
use scanner_core::{CancelScanError, ScanId, ScanLookupError, ScanProgress, ScanStatus, StartScanError};

use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use super::{AppState, valid_library_name};
use crate::config::Library;
use crate::{LibraryScanError, ScanFlags};

/// `POST /api/v1/scans` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartScan {
    /// A configured library's name (`GET /api/v1/libraries`); never a path.
    pub library: String,
    /// Probe every file, changed or not (default false).
    #[serde(default)]
    pub force: bool,
    /// Delete the rows of files the scan marks missing (default: the library's setting).
    #[serde(default)]
    pub prune: bool,
    /// Probe again files whose earlier probe failed (default: the library's setting).
    #[serde(default)]
    pub retry_failed: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScanList {
    pub scans: Vec<ScanProgress>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LibraryList {
    pub libraries: Vec<Library>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScanParams {
    /// Only this library's scans.
    pub library: Option<String>,
    /// Only scans in this state: running, completed, cancelled, failed, interrupted.
    pub status: Option<String>,
    /// At most this many (1–500, default 50).
    pub limit: Option<u64>,
}

fn scan_not_found(id: ScanId) -> ApiError {
    ApiError::not_found("scan_not_found", format!("no scan with id {id}"))
}

fn lookup_error(e: ScanLookupError) -> ApiError {
    match e {
        ScanLookupError::NotFound(id) => scan_not_found(id),
        ScanLookupError::Catalog(e) => ApiError::catalog(e),
        other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", other.to_string()),
    }
}

fn start_error(e: LibraryScanError) -> ApiError {
    match e {
        LibraryScanError::UnknownLibrary(name) => {
            ApiError::not_found("library_not_found", format!("no library named {name:?}"))
        }
        LibraryScanError::Start(e) => match e {
            StartScanError::AlreadyRunning { .. } => {
                ApiError::new(StatusCode::CONFLICT, "scan_running", e.to_string())
            }
            StartScanError::NodeBusy { .. } => {
                ApiError::new(StatusCode::CONFLICT, "node_busy", e.to_string())
            }
            StartScanError::Root(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "library_unavailable", e.to_string())
            }
            StartScanError::ProbeUnavailable(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "probe_unavailable", e.to_string())
            }
            StartScanError::Catalog(e) => ApiError::catalog(e),
            StartScanError::ShuttingDown => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down")
            }
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", other.to_string()),
        },
    }
}

/// Starts a scan of a configured library.
#[utoipa::path(post, path = "/api/v1/scans", tag = "scans", request_body = StartScan,
    responses(
        (status = 202, description = "The scan started", body = ScanProgress),
        (status = 404, description = "No such library", body = ErrorBody),
        (status = 409, description = "The library is being scanned (here or on another node), or this node is busy", body = ErrorBody),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 422, description = "A body of the wrong shape", body = ErrorBody),
        (status = 503, description = "The library's folder, ffprobe or the catalog is unavailable", body = ErrorBody),
    ))]
pub async fn start_scan(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<StartScan>,
) -> Result<Response, ApiError> {
    if !valid_library_name(&body.library) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_library",
            "a library name is letters, digits, '-' and '_' (a configured library, never a path)",
        ));
    }
    let flags = ScanFlags {
        force: body.force,
        prune: body.prune,
        retry_failed: body.retry_failed,
        ..ScanFlags::default()
    };
    let id = state.app.scan_library(&body.library, flags).await.map_err(start_error)?;
    let progress = state.app.scanner().progress(id).await.map_err(lookup_error)?;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/scans/{id}")) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::ACCEPTED, headers, axum::Json(progress)).into_response())
}

/// Recent scans, newest first (from the catalog: every node's).
#[utoipa::path(get, path = "/api/v1/scans", tag = "scans", params(ScanParams),
    responses((status = 200, body = ScanList), (status = 400, body = ErrorBody)))]
pub async fn list_scans(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ScanParams>,
) -> Result<axum::Json<ScanList>, ApiError> {
    let status = match params.status.as_deref() {
        Some(s) => Some(ScanStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!("unknown status {s:?}: use running, completed, cancelled, failed or interrupted"),
            )
        })?),
        None => None,
    };
    let limit = params.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("invalid_query", "limit must be between 1 and 500"));
    }
    if let Some(library) = &params.library
        && !valid_library_name(library)
    {
        return Err(ApiError::bad_request("invalid_query", "library is a configured library's name"));
    }
    let query = ScanQuery { library: params.library, status, limit: Some(limit) };
    let scans = state.app.scanner().scans(query).await.map_err(ApiError::catalog)?;
    Ok(axum::Json(ScanList { scans }))
}

/// One scan's progress.
#[utoipa::path(get, path = "/api/v1/scans/{id}", tag = "scans", params(("id" = String, Path, description = "Scan id (UUID)")),
    responses((status = 200, body = ScanProgress), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub async fn get_scan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<axum::Json<ScanProgress>, ApiError> {
    state.app.scanner().progress(id).await.map(axum::Json).map_err(lookup_error)
}

/// Cancels a running scan (on whichever node runs it).
#[utoipa::path(delete, path = "/api/v1/scans/{id}", tag = "scans", params(("id" = String, Path, description = "Scan id (UUID)")),
    responses(
        (status = 202, description = "Cancel requested; the scan ends `cancelled` shortly", body = ScanProgress),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The scan is not running", body = ErrorBody),
    ))]
pub async fn cancel_scan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<Response, ApiError> {
    let scanner = state.app.scanner();
    scanner.cancel(id).await.map_err(|e| match e {
        CancelScanError::NotFound(id) => scan_not_found(id),
        CancelScanError::NotRunning { .. } => {
            ApiError::new(StatusCode::CONFLICT, "scan_not_running", e.to_string())
        }
        CancelScanError::Catalog(e) => ApiError::catalog(e),
        other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", other.to_string()),
    })?;
    let progress = scanner.progress(id).await.map_err(lookup_error)?;
    Ok((StatusCode::ACCEPTED, axum::Json(progress)).into_response())
}

/// How often the event stream looks at the scan.
const EVENT_INTERVAL: Duration = Duration::from_millis(250);

/// Streams the scan's progress as Server-Sent Events (`event: progress`, JSON data) whenever it
/// changes, until the scan ends; the last event is the final progress.
#[utoipa::path(get, path = "/api/v1/scans/{id}/events", tag = "scans", params(("id" = String, Path, description = "Scan id (UUID)")),
    responses((status = 200, description = "text/event-stream of ScanProgress", content_type = "text/event-stream", body = ScanProgress),
        (status = 404, body = ErrorBody)))]
pub async fn scan_events(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let first = state.app.scanner().progress(id).await.map_err(lookup_error)?;
    let scanner = state.app.scanner().clone();
    let stream = futures_util::stream::unfold((Some(first), None::<ScanProgress>), move |(next, last)| {
        let scanner = scanner.clone();
        async move {
            let mut next = next?;
            // Wait for a change (or the end); a reader never sees the same progress twice.
            while last.as_ref() == Some(&next) && !next.status.is_finished() {
                tokio::time::sleep(EVENT_INTERVAL).await;
                next = scanner.progress(next.scan_id).await.ok()?;
            }
            let event = Event::default().event("progress").json_data(&next).ok()?;
            let finished = next.status.is_finished();
            let following = if finished {
                None
            } else {
                tokio::time::sleep(EVENT_INTERVAL).await;
                scanner.progress(next.scan_id).await.ok()
            };
            Some((Ok(event), (following, Some(next))))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The configured libraries.
#[utoipa::path(get, path = "/api/v1/libraries", tag = "libraries", responses((status = 200, body = LibraryList)))]
pub async fn list_libraries(State(state): State<AppState>) -> axum::Json<LibraryList> {
    axum::Json(LibraryList { libraries: state.app.libraries().values().cloned().collect() })
}
