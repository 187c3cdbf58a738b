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
use scanner_core::watch::WatchHealth;
use scanner_core::{
    CancelScanError, DeleteScanError, ScanId, ScanLookupError, ScanProgress, ScanStatus, StartScanError,
};

use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use super::{AppState, valid_library_name};
use crate::config::Library;
use crate::{LibraryScanError, ScanFlags, bounds};

/// `POST /api/v1/scans` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartScan {
    /// A configured library's name (`GET /api/v1/libraries`); never a path.
    #[schema(pattern = r"^[A-Za-z0-9_-]{1,64}$", example = "tv")]
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
    pub libraries: Vec<LibraryView>,
}

/// A configured library, and how its watcher on this node is doing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LibraryView {
    #[serde(flatten)]
    pub library: Library,
    /// The watcher's health on this node: `mode` `off` when this node does not watch it.
    pub watch: WatchHealth,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScanParams {
    /// Only this configured library's scans; an unknown one is 404.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
    /// Only scans in this state.
    pub status: Option<ScanStatus>,
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// One event of `GET /api/v1/scans/{id}/events`, as Server-Sent Events carry it: `id:` (give it
/// back as `Last-Event-ID` to resume), `event: progress`, and `data:` the progress as JSON.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressEvent {
    /// `<sequence>.<digest>`: the event's number in the stream and a digest of its data.
    pub id: String,
    /// Always `progress`.
    pub event: String,
    /// The scan's progress when the event was sent.
    pub data: ScanProgress,
}

fn scan_not_found(id: ScanId) -> ApiError {
    ApiError::not_found("scan_not_found", format!("no scan with id {id}"))
}

fn internal(e: impl std::error::Error) -> ApiError {
    tracing::error!(error = %scanner_core::ports::error_chain(&e), "unexpected error");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed to answer this request")
}

fn lookup_error(e: ScanLookupError) -> ApiError {
    match e {
        ScanLookupError::NotFound(id) => scan_not_found(id),
        ScanLookupError::Catalog(e) => ApiError::catalog(e),
        other => internal(other),
    }
}

pub(crate) fn start_error(e: LibraryScanError) -> ApiError {
    match e {
        LibraryScanError::UnknownLibrary(name) => {
            ApiError::not_found("library_not_found", format!("no library named {name:?}"))
        }
        LibraryScanError::Start(e) => match e {
            StartScanError::AlreadyRunning { scan, .. } => {
                ApiError::new(StatusCode::CONFLICT, "scan_running", e.to_string())
                    .with_scan(scan.map(|s| s.0))
            }
            StartScanError::NodeBusy { .. } => {
                ApiError::new(StatusCode::CONFLICT, "node_busy", e.to_string())
            }
            StartScanError::Root(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "library_unavailable", e.to_string())
            }
            StartScanError::ProbeUnavailable(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "probe_unavailable",
                scanner_core::ports::error_chain(&e),
            ),
            StartScanError::Catalog(e) => ApiError::catalog(e),
            StartScanError::ShuttingDown => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down")
            }
            other => internal(other),
        },
    }
}

/// Starts a scan of a configured library.
#[utoipa::path(post, path = "/api/v1/scans", tag = "scans", request_body = StartScan,
    responses(
        (status = 202, description = "The scan started; `Location` is its URL", body = ScanProgress,
            headers(("location" = String, description = "/api/v1/scans/{id}"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "No such library", body = ErrorBody),
        (status = 409, description = "The library is being scanned (here or on another node; `scan_id` says by which scan), or this node runs as many scans as it may", body = ErrorBody),
        (status = 413, description = "The body is larger than 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
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
            "a library name is 1 to 64 letters, digits, '-' and '_' (a configured library, never a path)",
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
    responses(
        (status = 200, description = "Scans, newest first", body = ScanList),
        (status = 400, description = "A parameter is malformed or out of range", body = ErrorBody),
        (status = 404, description = "No such library", body = ErrorBody),
    ))]
pub async fn list_scans(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ScanParams>,
) -> Result<axum::Json<ScanList>, ApiError> {
    let invalid = |m: String| ApiError::bad_request("invalid_query", m);
    let limit = bounds::SCAN_PAGE_LIMIT.check(params.limit.unwrap_or(50)).map_err(invalid)?;
    if let Some(library) = &params.library {
        if !valid_library_name(library) {
            return Err(invalid("library is a configured library's name".into()));
        }
        if !state.app.libraries().contains_key(library) {
            return Err(ApiError::not_found("library_not_found", format!("no library named {library:?}")));
        }
    }
    let query = ScanQuery { library: params.library, status: params.status, limit: Some(limit) };
    let scans = state.app.scanner().scans(query).await.map_err(ApiError::catalog)?;
    Ok(axum::Json(ScanList { scans }))
}

/// One scan's progress.
#[utoipa::path(get, path = "/api/v1/scans/{id}", tag = "scans",
    params(("id" = uuid::Uuid, Path, description = "Scan id")),
    responses(
        (status = 200, description = "The scan's progress", body = ScanProgress),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No scan with this id", body = ErrorBody),
    ))]
pub async fn get_scan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<axum::Json<ScanProgress>, ApiError> {
    state.app.scanner().progress(id).await.map(axum::Json).map_err(lookup_error)
}

/// Removes a finished scan from the history.
#[utoipa::path(delete, path = "/api/v1/scans/{id}", tag = "scans",
    params(("id" = uuid::Uuid, Path, description = "Scan id")),
    responses(
        (status = 204, description = "The scan's record is gone"),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No scan with this id", body = ErrorBody),
        (status = 409, description = "The scan is running: cancel it first", body = ErrorBody),
    ))]
pub async fn delete_scan(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
) -> Result<StatusCode, ApiError> {
    match state.app.scanner().delete(id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(DeleteScanError::NotFound(id)) => Err(scan_not_found(id)),
        Err(e @ DeleteScanError::Running(_)) => {
            Err(ApiError::new(StatusCode::CONFLICT, "scan_running", e.to_string()).with_scan(Some(id.0)))
        }
        Err(DeleteScanError::Catalog(e)) => Err(ApiError::catalog(e)),
        Err(other) => Err(internal(other)),
    }
}

/// Cancels a running scan (on whichever node runs it).
#[utoipa::path(post, path = "/api/v1/scans/{id}/cancel", tag = "scans",
    params(("id" = uuid::Uuid, Path, description = "Scan id")),
    responses(
        (status = 202, description = "Cancel requested; the scan ends `cancelled` shortly", body = ScanProgress),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No scan with this id", body = ErrorBody),
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
        other => internal(other),
    })?;
    let progress = scanner.progress(id).await.map_err(lookup_error)?;
    Ok((StatusCode::ACCEPTED, axum::Json(progress)).into_response())
}

/// How often the event stream looks at the scan.
const EVENT_INTERVAL: Duration = Duration::from_millis(250);

/// FNV-1a over `bytes`: a digest that is the same in every process and version.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// `Last-Event-ID` as this server writes event ids: the sequence number and the digest of the
/// data the client already has. Anything else is ignored (a new stream starts).
fn resume_point(headers: &HeaderMap) -> Option<(u64, u64)> {
    let id = headers.get("last-event-id")?.to_str().ok()?;
    let (sequence, digest) = id.split_once('.')?;
    Some((sequence.parse().ok()?, u64::from_str_radix(digest, 16).ok()?))
}

struct Follow {
    next: Option<ScanProgress>,
    /// The digest of the data the client has.
    seen: Option<u64>,
    sequence: u64,
}

/// Streams the scan's progress as Server-Sent Events whenever it changes, until the scan ends;
/// the last event is the final progress. Each event has an `id`: a client that reconnects with
/// it as `Last-Event-ID` gets only progress it has not seen (nothing more when the scan had
/// already ended).
#[utoipa::path(get, path = "/api/v1/scans/{id}/events", tag = "scans",
    params(
        ("id" = uuid::Uuid, Path, description = "Scan id"),
        ("Last-Event-ID" = Option<String>, Header, description = "The `id` of the last event received, to resume after it"),
    ),
    responses(
        (status = 200, description = "A `text/event-stream` of progress events, each as described by ProgressEvent", content_type = "text/event-stream", body = ProgressEvent),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No scan with this id", body = ErrorBody),
    ))]
pub async fn scan_events(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ScanId>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let first = state.app.scanner().progress(id).await.map_err(lookup_error)?;
    let (sequence, seen) = match resume_point(&headers) {
        Some((sequence, digest)) => (sequence.saturating_add(1), Some(digest)),
        None => (0, None),
    };
    let scanner = state.app.scanner().clone();
    let start = Follow { next: Some(first), seen, sequence };
    let stream = futures_util::stream::unfold(start, move |follow| {
        let scanner = scanner.clone();
        async move {
            let Follow { next, seen, sequence } = follow;
            let mut next = next?;
            let mut data = serde_json::to_string(&next).ok()?;
            // Wait for a change (or the end); a reader never sees the same progress twice.
            while seen == Some(digest(data.as_bytes())) {
                if next.status.is_finished() {
                    return None;
                }
                tokio::time::sleep(EVENT_INTERVAL).await;
                next = scanner.progress(next.scan_id).await.ok()?;
                data = serde_json::to_string(&next).ok()?;
            }
            let hash = digest(data.as_bytes());
            let event = Event::default().event("progress").id(format!("{sequence}.{hash:016x}")).data(data);
            let following = if next.status.is_finished() {
                None
            } else {
                tokio::time::sleep(EVENT_INTERVAL).await;
                scanner.progress(next.scan_id).await.ok()
            };
            Some((Ok(event), Follow { next: following, seen: Some(hash), sequence: sequence + 1 }))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The configured libraries.
#[utoipa::path(get, path = "/api/v1/libraries", tag = "libraries",
    responses((status = 200, description = "The configured libraries", body = LibraryList)))]
pub async fn list_libraries(State(state): State<AppState>) -> axum::Json<LibraryList> {
    let mut health = state.app.libraries_watch_health().await;
    let libraries = state
        .app
        .libraries()
        .values()
        .map(|library| LibraryView {
            watch: health.remove(&library.name).unwrap_or_else(WatchHealth::off),
            library: library.clone(),
        })
        .collect();
    axum::Json(LibraryList { libraries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_resume_and_odd_ones_are_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert("last-event-id", HeaderValue::from_static("7.00000000000000ff"));
        assert_eq!(resume_point(&headers), Some((7, 255)));
        for odd in ["", "x", "7", "7.zz", "-1.ff", "18446744073709551616.ff"] {
            headers.insert("last-event-id", HeaderValue::from_str(odd).unwrap());
            assert_eq!(resume_point(&headers), None, "{odd}");
        }
    }
}
