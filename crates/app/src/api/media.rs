//! `/api/v1/media` and `/api/v1/shows`.

use std::path::{Component, Path, PathBuf};

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use scanner_core::ports::{MediaFilter, MediaQuery, ShowSummary};
use scanner_core::{MediaId, MediaKind, MediaRecord, MediaStatus};

use super::error::{ApiError, ApiPath, ApiQuery, ErrorBody};
use super::{AppState, valid_library_name};

/// Filters shared by `/media` and `/shows`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MediaParams {
    /// A configured library's name.
    pub library: Option<String>,
    /// Exact show name.
    pub show: Option<String>,
    pub season: Option<u32>,
    /// episode, movie, extra, sample or unknown.
    pub kind: Option<String>,
    pub compatible: Option<bool>,
    /// ok, failed or missing.
    pub status: Option<String>,
    /// A folder or file inside `library`, relative to its root (`Show/Season 1`); requires
    /// `library`. Absolute paths and `..` are refused.
    pub path_prefix: Option<String>,
    /// Text contained in the show name or title, any case.
    pub q: Option<String>,
    /// Page size, 1–1000 (default 100).
    pub limit: Option<u64>,
    /// Records to skip.
    pub offset: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of the catalog, in path order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MediaPage {
    pub items: Vec<MediaRecord>,
    /// Records matching the filters, on all pages.
    pub total: u64,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShowList {
    pub shows: Vec<ShowSummary>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_query", message)
}

/// A relative path with no `..`, `.` or root: something that stays inside a library.
fn contained(relative: &str) -> Result<PathBuf, ApiError> {
    let path = Path::new(relative);
    if relative.contains('\0') || path.has_root() {
        return Err(invalid("path_prefix must be relative to the library root"));
    }
    for component in path.components() {
        if !matches!(component, Component::Normal(_)) {
            return Err(invalid("path_prefix may not contain '..' or '.'"));
        }
    }
    Ok(path.to_path_buf())
}

/// The path's exact bytes in hex, so that a page boundary at a file name that is not UTF-8
/// resumes exactly there.
fn cursor_encode(path: &Path) -> String {
    path.as_os_str().as_encoded_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn cursor_decode(cursor: &str) -> Result<PathBuf, ApiError> {
    let bad = || invalid("cursor is not one this server gave out");
    if !cursor.len().is_multiple_of(2) || cursor.len() > 16_384 {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    if bytes.first() != Some(&b'/') {
        return Err(bad());
    }
    scanner_core::json_path::path_from_bytes(bytes).ok_or_else(bad)
}

/// Turns parameters into a filter, refusing anything malformed.
fn filter(state: &AppState, params: &MediaParams) -> Result<MediaFilter, ApiError> {
    let mut filter = MediaFilter {
        library: params.library.clone(),
        show: params.show.clone(),
        season: params.season,
        compatible: params.compatible,
        search: params.q.clone(),
        ..MediaFilter::default()
    };
    if let Some(kind) = &params.kind {
        filter.kind = Some(MediaKind::parse(kind).ok_or_else(|| {
            invalid(format!("unknown kind {kind:?}: use episode, movie, extra, sample or unknown"))
        })?);
    }
    if let Some(status) = &params.status {
        filter.status = Some(
            MediaStatus::parse(status)
                .ok_or_else(|| invalid(format!("unknown status {status:?}: use ok, failed or missing")))?,
        );
    }
    if let Some(library) = &params.library {
        if !valid_library_name(library) {
            return Err(invalid("library is a configured library's name"));
        }
        if !state.app.libraries().contains_key(library) {
            return Err(ApiError::not_found("library_not_found", format!("no library named {library:?}")));
        }
    }
    if let Some(prefix) = &params.path_prefix {
        let library = params.library.as_ref().ok_or_else(|| invalid("path_prefix requires library"))?;
        let root = &state.app.libraries()[library].root;
        filter.path_prefix = Some(root.join(contained(prefix)?));
    }
    for (name, value) in [("show", &params.show), ("q", &params.q)] {
        if value.as_ref().is_some_and(|v| v.len() > 1000) {
            return Err(invalid(format!("{name} is longer than 1000 characters")));
        }
    }
    Ok(filter)
}

/// The catalog, filtered and paged (by `cursor` or `offset`).
#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(MediaParams),
    responses((status = 200, body = MediaPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_media(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<MediaParams>,
) -> Result<axum::Json<MediaPage>, ApiError> {
    let filter = filter(&state, &params)?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("limit must be between 1 and 1000"));
    }
    if params.cursor.is_some() && params.offset.is_some() {
        return Err(invalid("use cursor or offset, not both"));
    }
    let after_path = params.cursor.as_deref().map(cursor_decode).transpose()?;
    let catalog = state.app.catalog();
    let query = MediaQuery { filter: filter.clone(), after_path, offset: params.offset, limit: Some(limit) };
    let items = catalog.list(query).await.map_err(ApiError::catalog)?;
    let total = catalog.count(filter).await.map_err(ApiError::catalog)?;
    let next_cursor =
        (items.len() as u64 == limit).then(|| items.last().map(|r| cursor_encode(&r.path))).flatten();
    Ok(axum::Json(MediaPage { items, total, next_cursor }))
}

/// One catalogued file.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media", params(("id" = String, Path, description = "Media id (UUID)")),
    responses((status = 200, body = MediaRecord), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub async fn get_media(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MediaId>,
) -> Result<axum::Json<MediaRecord>, ApiError> {
    match state.app.catalog().get(id).await.map_err(ApiError::catalog)? {
        Some(record) => Ok(axum::Json(record)),
        None => Err(ApiError::not_found("media_not_found", format!("no media with id {id}"))),
    }
}

/// Shows in the catalog with their season and episode counts.
#[utoipa::path(get, path = "/api/v1/shows", tag = "media", params(MediaParams),
    responses((status = 200, body = ShowList), (status = 400, body = ErrorBody)))]
pub async fn list_shows(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<MediaParams>,
) -> Result<axum::Json<ShowList>, ApiError> {
    let filter = filter(&state, &params)?;
    let shows = state.app.catalog().shows(filter).await.map_err(ApiError::catalog)?;
    Ok(axum::Json(ShowList { shows }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}

/// Liveness and catalog reachability (no token needed).
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, axum::Json<Health>) {
    match state.app.catalog().ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(Health { status: "ok", database: "ok" })),
        Err(e) => {
            tracing::warn!(error = %scanner_core::ports::error_chain(&e), "health check: catalog unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(Health { status: "degraded", database: "unreachable" }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_contained_relative_paths_are_accepted() {
        assert_eq!(contained("Show/Season 1").unwrap(), PathBuf::from("Show/Season 1"));
        for bad in ["/etc", "../x", "Show/../../x", "./x", "a\0b"] {
            assert!(contained(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let path = Path::new("/srv/tv/Ünïcode/x.mkv");
        assert_eq!(cursor_decode(&cursor_encode(path)).unwrap(), path);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(std::ffi::OsStr::from_bytes(b"/srv/tv/bad\xffname.mkv"));
            assert_eq!(cursor_decode(&cursor_encode(path)).unwrap(), path);
        }
        for bad in ["zz", "abc", &cursor_encode(Path::new("relative"))] {
            assert!(cursor_decode(bad).is_err(), "{bad}");
        }
    }
}
