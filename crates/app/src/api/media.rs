//! `/api/v1/media`, `/api/v1/shows` and `/healthz`.
//!
//! Every rule a parameter must follow is in its OpenAPI schema (pattern, length, bounds), and
//! the handler checks exactly those rules: a request the document calls valid is never refused,
//! and one it calls invalid is always 400.

use std::path::{Path, PathBuf};

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use scanner_core::ports::{DecisionFilter, MediaFilter, MediaQuery, ShowSummary};
use scanner_core::streams::ResolutionClass;
use scanner_core::{Decision, DecisionMatch, HdrKind, MediaId, MediaKind, MediaRecord, MediaStatus};

use super::error::{ApiError, ApiPath, ApiQuery, ErrorBody};
use super::{AppState, valid_library_name};
use crate::bounds;

/// Text parameters: anything but NUL, which no catalog can hold.
pub const TEXT_PATTERN: &str = r"^[^\x00]*$";
/// Longest text parameter, in characters.
pub const MAX_TEXT: usize = 1000;
/// A library name: what the configuration allows, so never a path.
pub const LIBRARY_PATTERN: &str = r"^[A-Za-z0-9_-]{1,64}$";
/// A cursor: the hex of an absolute path (lower case, starting with `/`, no NUL byte).
pub const CURSOR_PATTERN: &str = r"^2f(?:[1-9a-f][0-9a-f]|0[1-9a-f])*$";
/// Longest cursor, in characters: the hex of a path of `PATH_MAX` (4096) bytes.
pub const MAX_CURSOR: usize = 8 * 1024;
/// A search is counted up to this many files; past it, a page says "more than" this many.
pub const SEARCH_COUNT_LIMIT: u64 = 2_000;
/// Longest `path_prefix`, in characters.
pub const MAX_PATH_PREFIX: usize = 1024;

/// Filters and paging of `/media`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MediaParams {
    /// A configured library's name; an unknown one is 404.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
    /// Exact show name.
    #[param(pattern = r"^[^\x00]*$", max_length = 1000)]
    pub show: Option<String>,
    #[param(minimum = 0, maximum = 2147483647)]
    pub season: Option<u32>,
    pub kind: Option<MediaKind>,
    /// Whether a client of the library's profile plays the file directly.
    pub compatible: Option<bool>,
    pub status: Option<MediaStatus>,
    /// Files at or below this folder (or this file), relative to the root of `library`, or of
    /// every configured library without one. Matched against the catalog's paths, never
    /// resolved on disk: empty and `.` segments are ignored, and a path through `..` matches
    /// nothing.
    #[param(pattern = r"^[^\x00]*$", max_length = 1024)]
    pub path_prefix: Option<String>,
    /// Text contained in the show name or title, any case.
    #[param(pattern = r"^[^\x00]*$", max_length = 1000)]
    pub q: Option<String>,
    /// A client profile (built-in or configured; an unknown one is 404): each item's
    /// `playback` holds only its decision, and `decision` filters by it.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub profile: Option<String>,
    /// Only files whose decision in `profile` is this one (without `profile`: in the profile
    /// `compatibility` follows — the library's, else the default); `transcode` matches all
    /// three decisions that transcode (`transcode_audio`, `transcode_video`, `transcode`).
    pub decision: Option<Decision>,
    /// Only files whose video has this dynamic range (in a URL, `hdr10+` is `hdr10%2B`).
    pub hdr: Option<HdrKind>,
    /// Only files whose video has this codec, as ffprobe names it (`h264`, `hevc`), any case.
    #[param(pattern = r"^[A-Za-z0-9_]{1,64}$")]
    pub codec: Option<String>,
    /// Only files in this resolution class, as the report groups them (`unknown`: no video, or
    /// its size is not known).
    #[param(schema_with = resolution_schema)]
    pub resolution: Option<String>,
    /// Page size (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Records to skip (after `cursor`, when both are given).
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<u64>,
    /// `next_cursor` of the previous page: the page starts after that record.
    #[param(pattern = r"^2f(?:[1-9a-f][0-9a-f]|0[1-9a-f])*$", max_length = 8192)]
    pub cursor: Option<String>,
}

/// `resolution`: one of the classes the report groups by, listed from the core's own table.
fn resolution_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ResolutionClass::NAMES))
        .build()
}

/// A page of the catalog, in path order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MediaPage {
    pub items: Vec<MediaRecord>,
    /// Records matching the filters, on all pages; with `q`, counted up to 2 000 (see
    /// `total_capped`).
    pub total: u64,
    /// More than `total` records match: a search text in many files is counted only up to
    /// 2 000, which keeps a common word as quick to search as a rare one.
    pub total_capped: bool,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Filters and paging of `/shows`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    /// A configured library's name; an unknown one is 404.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,64}$")]
    pub library: Option<String>,
    /// Text contained in the show's name (the name in force), any case.
    #[param(pattern = r"^[^\x00]*$", max_length = 1000)]
    pub q: Option<String>,
    /// Page size (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Shows to skip.
    #[param(minimum = 0, maximum = 9223372036854775807_i64)]
    pub offset: Option<u64>,
}

/// A page of the shows, by name then year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShowList {
    pub shows: Vec<ShowSummary>,
    /// Shows matching the filters, on all pages.
    pub total: u64,
    /// Pass as `offset` for the next page; absent on the last one.
    pub next_offset: Option<u64>,
}

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_query", message)
}

/// Checks a text parameter as its schema says: no NUL, at most [`MAX_TEXT`] characters.
pub(super) fn text(name: &str, value: &Option<String>) -> Result<(), ApiError> {
    let Some(value) = value else { return Ok(()) };
    if value.contains('\0') {
        return Err(invalid(format!("{name} contains a NUL character")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(invalid(format!("{name} is longer than {MAX_TEXT} characters")));
    }
    Ok(())
}

/// `relative` below `root`, segment by segment: empty and `.` segments dropped, a leading `/`
/// ignored. `..` stays a literal name, which no catalogued path has, so it selects nothing.
fn below(root: &Path, relative: &str) -> PathBuf {
    relative.split('/').filter(|s| !s.is_empty() && *s != ".").fold(root.to_path_buf(), |p, s| p.join(s))
}

/// The path's exact bytes in lower-case hex, so that a page boundary at a file name that is not
/// UTF-8 resumes exactly there.
fn cursor_encode(path: &Path) -> String {
    path.as_os_str().as_encoded_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Reads a cursor, accepting exactly what [`CURSOR_PATTERN`] and [`MAX_CURSOR`] describe.
fn cursor_decode(cursor: &str) -> Result<PathBuf, ApiError> {
    let bad = || invalid("cursor is not one this server gives out (lower-case hex of an absolute path)");
    let digits = cursor.as_bytes();
    if digits.len() > MAX_CURSOR || !digits.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes = digits
        .chunks_exact(2)
        .map(|pair| Some(hex_digit(pair[0])? << 4 | hex_digit(pair[1])?))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    if bytes.first() != Some(&b'/') || bytes.contains(&0) {
        return Err(bad());
    }
    scanner_core::json_path::path_from_bytes(bytes).ok_or_else(bad)
}

/// The library named, which must be configured (404 otherwise).
pub(crate) fn library<'a>(
    state: &'a AppState,
    name: &Option<String>,
) -> Result<Option<&'a crate::Library>, ApiError> {
    let Some(name) = name else { return Ok(None) };
    if !valid_library_name(name) {
        return Err(invalid("library is a configured library's name: letters, digits, '-' and '_'"));
    }
    match state.app.libraries().get(name) {
        Some(library) => Ok(Some(library)),
        None => Err(ApiError::not_found("library_not_found", format!("no library named {name:?}"))),
    }
}

/// What `/shows` and `/items` check alike: the text `q`, the `library` and the page size
/// (default 100), which it returns.
pub(super) fn searched_page(
    state: &AppState,
    q: &Option<String>,
    library_name: &Option<String>,
    limit: Option<u64>,
) -> Result<u64, ApiError> {
    text("q", q)?;
    library(state, library_name)?;
    bounds::PAGE_LIMIT.check(limit.unwrap_or(100)).map_err(invalid)
}

/// The client profile named, which must be built in or configured (404 otherwise).
pub(super) fn profile(state: &AppState, name: &Option<String>) -> Result<(), ApiError> {
    let Some(name) = name else { return Ok(()) };
    if !valid_library_name(name) {
        return Err(invalid("profile is a profile's name: letters, digits, '-' and '_'"));
    }
    crate::profiles::known(&state.app.settings().profiles, name)
        .map_err(|message| ApiError::not_found("profile_not_found", message))
}

/// Turns parameters into a filter, refusing exactly what the schema calls invalid; `None` when
/// nothing can match (a `path_prefix` while no library is configured).
fn filter(state: &AppState, params: &MediaParams) -> Result<Option<MediaFilter>, ApiError> {
    text("show", &params.show)?;
    text("q", &params.q)?;
    if let Some(codec) = &params.codec
        && (codec.is_empty()
            || codec.len() > 64
            || !codec.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(invalid("codec is a codec name: 1 to 64 letters, digits and '_'"));
    }
    let resolution = params
        .resolution
        .as_deref()
        .map(|r| {
            ResolutionClass::parse(r)
                .ok_or_else(|| invalid(format!("resolution is one of {}", ResolutionClass::NAMES.join(", "))))
        })
        .transpose()?;
    profile(state, &params.profile)?;
    let library = library(state, &params.library)?;
    let decision = params.decision.map(|decision| {
        // Without a profile: the one `compatibility` follows — the library's, or the default.
        let profile = params
            .profile
            .clone()
            .or_else(|| library.map(|l| l.profile.clone()))
            .unwrap_or_else(|| state.app.settings().profiles.main().to_owned());
        let decision = match decision {
            Decision::Transcode => DecisionMatch::AnyTranscode,
            exact => DecisionMatch::Exactly(exact),
        };
        DecisionFilter { profile, decision }
    });
    if let Some(season) = params.season {
        bounds::SEASON.check(u64::from(season)).map_err(invalid)?;
    }
    let mut under = Vec::new();
    if let Some(prefix) = &params.path_prefix {
        if prefix.contains('\0') || prefix.chars().count() > MAX_PATH_PREFIX {
            return Err(invalid(format!(
                "path_prefix must be at most {MAX_PATH_PREFIX} characters without NUL"
            )));
        }
        let roots: Vec<&Path> = match library {
            Some(library) => vec![library.root.as_path()],
            None => state.app.libraries().values().map(|l| l.root.as_path()).collect(),
        };
        under = roots.into_iter().map(|root| below(root, prefix)).collect();
        if under.is_empty() {
            return Ok(None);
        }
    }
    Ok(Some(MediaFilter {
        library: params.library.clone(),
        show: params.show.clone(),
        season: params.season,
        kind: params.kind,
        compatible: params.compatible,
        status: params.status,
        under,
        search: params.q.clone(),
        decision,
        hdr: params.hdr,
        video_codec: params.codec.as_ref().map(|c| c.to_ascii_lowercase()),
        resolution,
    }))
}

/// The catalog, filtered and paged (by `cursor`, `offset`, or both).
#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(MediaParams),
    responses(
        (status = 200, description = "A page of the catalog", body = MediaPage),
        (status = 400, description = "A parameter is malformed or out of range", body = ErrorBody),
        (status = 404, description = "No such library or profile", body = ErrorBody),
    ))]
pub async fn list_media(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<MediaParams>,
) -> Result<axum::Json<MediaPage>, ApiError> {
    let filter = filter(&state, &params)?;
    let limit = bounds::PAGE_LIMIT.check(params.limit.unwrap_or(100)).map_err(invalid)?;
    let offset = params.offset.map(|o| bounds::OFFSET.check(o)).transpose().map_err(invalid)?;
    let after_path = params.cursor.as_deref().map(cursor_decode).transpose()?;
    let Some(filter) = filter else {
        return Ok(axum::Json(MediaPage {
            items: Vec::new(),
            total: 0,
            total_capped: false,
            next_cursor: None,
        }));
    };
    let catalog = state.app.catalog();
    // One more than asked tells whether there is a next page.
    let query = MediaQuery { filter: filter.clone(), after_path, offset, limit: Some(limit + 1) };
    let searching = filter.search.as_deref().is_some_and(|s| !s.trim().is_empty());
    let count = async {
        match searching {
            true => catalog.count_up_to(filter, SEARCH_COUNT_LIMIT + 1).await,
            false => catalog.count(filter).await,
        }
    };
    // The page and the count at once: on a large catalog each can read many rows.
    let (items, total) = futures_util::future::join(catalog.list(query), count).await;
    let (mut items, total) = (items.map_err(ApiError::catalog)?, total.map_err(ApiError::catalog)?);
    let total_capped = total > SEARCH_COUNT_LIMIT && searching;
    let total = if total_capped { SEARCH_COUNT_LIMIT } else { total };
    let more = items.len() as u64 > limit;
    items.truncate(limit as usize);
    if let Some(profile) = &params.profile {
        for item in &mut items {
            item.playback.retain(|name, _| name == profile);
        }
    }
    let next_cursor = more.then(|| items.last().map(|r| cursor_encode(&r.path))).flatten();
    Ok(axum::Json(MediaPage { items, total, total_capped, next_cursor }))
}

/// One catalogued file.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = uuid::Uuid, Path, description = "Media id")),
    responses(
        (status = 200, description = "The file's record", body = MediaRecord),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No file with this id", body = ErrorBody),
    ))]
pub async fn get_media(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MediaId>,
) -> Result<axum::Json<MediaRecord>, ApiError> {
    match state.app.catalog().get(id).await.map_err(ApiError::catalog)? {
        Some(record) => Ok(axum::Json(record)),
        None => Err(ApiError::not_found("media_not_found", format!("no media with id {id}"))),
    }
}

/// Shows in the catalog with their season and episode counts, by name then year.
#[utoipa::path(get, path = "/api/v1/shows", tag = "media", params(ShowParams),
    responses(
        (status = 200, description = "A page of the shows", body = ShowList),
        (status = 400, description = "A parameter is malformed or out of range", body = ErrorBody),
        (status = 404, description = "No such library", body = ErrorBody),
    ))]
pub async fn list_shows(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ShowParams>,
) -> Result<axum::Json<ShowList>, ApiError> {
    let limit = searched_page(&state, &params.q, &params.library, params.limit)?;
    let offset = bounds::OFFSET.check(params.offset.unwrap_or(0)).map_err(invalid)?;
    let filter = MediaFilter { library: params.library.clone(), ..MediaFilter::default() };
    // A catalog holds thousands of shows at most: grouped in one query, searched by name and
    // paged here. (Searching the episodes' rows instead would count only the episodes whose
    // names hold the text, and read every row when most do: 275 ms at 100 000 files.)
    let mut all = state.app.catalog().shows(filter).await.map_err(ApiError::catalog)?;
    if let Some(q) = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        all.retain(|show| show.show.to_lowercase().contains(&q));
    }
    let total = all.len() as u64;
    let shows: Vec<ShowSummary> =
        all.into_iter().skip(usize::try_from(offset).unwrap_or(usize::MAX)).take(limit as usize).collect();
    let end = offset.saturating_add(shows.len() as u64);
    let next_offset = (end < total).then_some(end);
    Ok(axum::Json(ShowList { shows, total, next_offset }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the catalog cannot be reached.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
}

/// Liveness and catalog reachability (no token needed).
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses(
        (status = 200, description = "Serving, and the catalog answers", body = Health),
        (status = 503, description = "Serving, but the catalog does not answer", body = Health),
    ))]
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
    fn prefixes_are_catalog_paths_below_the_root() {
        let root = Path::new("/srv/tv");
        assert_eq!(below(root, "Show/Season 1"), Path::new("/srv/tv/Show/Season 1"));
        assert_eq!(below(root, "Show//Season 1/"), Path::new("/srv/tv/Show/Season 1"));
        assert_eq!(below(root, "/Show/./x"), Path::new("/srv/tv/Show/x"));
        assert_eq!(below(root, ""), root);
        // `..` is a name no catalogued path has: it selects nothing, it never climbs.
        assert_eq!(below(root, "../etc"), Path::new("/srv/tv/../etc"));
    }

    #[test]
    fn cursors_round_trip_and_reject_what_the_schema_rejects() {
        let path = Path::new("/srv/tv/Ünïcode/x.mkv");
        assert_eq!(cursor_decode(&cursor_encode(path)).unwrap(), path);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(std::ffi::OsStr::from_bytes(b"/srv/tv/bad\xffname.mkv"));
            assert_eq!(cursor_decode(&cursor_encode(path)).unwrap(), path);
        }
        let pattern_ok = |c: &str| {
            c.len().is_multiple_of(2)
                && c.starts_with("2f")
                && c.as_bytes()
                    .chunks(2)
                    .all(|p| p.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)) && p != b"00")
        };
        for bad in ["zz", "abc", "2F61", "2f00", "2f6", "", "61", "a%C3%A9b", "aéb", "2fé1"] {
            assert!(!pattern_ok(bad));
            assert!(cursor_decode(bad).is_err(), "{bad}");
        }
        for good in ["2f", "2f61", "2fff", "2f0a"] {
            assert!(pattern_ok(good));
            assert!(cursor_decode(good).is_ok(), "{good}");
        }
    }
}
