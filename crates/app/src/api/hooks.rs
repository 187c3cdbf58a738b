//! `/api/v1/hooks/*`: download managers (Sonarr, Radarr, anything that can POST a path) ask
//! for the folders they changed to be scanned once their files have settled.
//!
//! Their payloads are read leniently (every field optional, unknown fields ignored): the shapes
//! of Sonarr's and Radarr's "Connect → Webhook" JSON change between versions.

use std::path::PathBuf;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ApiJson, ApiPath, ErrorBody};
use crate::watch_config::clean_absolute;

/// Longest path accepted in a payload (Linux's `PATH_MAX`).
const MAX_PATH: usize = 4096;
/// Largest webhook body accepted (a rename of a whole series lists every file).
pub const HOOK_BODY: usize = 1024 * 1024;
/// Most paths one payload may name.
const MAX_PATHS: usize = 1000;

/// A file a payload names: its absolute path, or a path relative to its series or movie folder.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookFile {
    #[schema(max_length = 4096)]
    pub path: Option<String>,
    #[schema(max_length = 4096)]
    pub relative_path: Option<String>,
    /// For renamed files: where the file was before.
    #[schema(max_length = 4096)]
    pub previous_path: Option<String>,
}

/// A series (Sonarr) or movie (Radarr): its folder.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookFolder {
    /// Sonarr's series folder.
    #[schema(max_length = 4096)]
    pub path: Option<String>,
    /// Radarr's movie folder.
    #[schema(max_length = 4096)]
    pub folder_path: Option<String>,
}

/// The fields mediascan reads from a Sonarr or Radarr webhook; every other field is ignored.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArrPayload {
    /// `Test` (sent when the webhook is saved: answered 200), `Download` (an import or an
    /// upgrade), `Rename`, `EpisodeFileDelete`, `SeriesDelete`, `MovieFileDelete`,
    /// `MovieDelete`; other events (`Grab`, `Health` …) are answered 200 and ignored.
    #[schema(max_length = 64, example = "Download")]
    pub event_type: String,
    pub series: Option<HookFolder>,
    pub movie: Option<HookFolder>,
    pub episode_file: Option<HookFile>,
    pub movie_file: Option<HookFile>,
    #[schema(max_items = 1000)]
    pub renamed_episode_files: Option<Vec<HookFile>>,
    #[schema(max_items = 1000)]
    pub renamed_movie_files: Option<Vec<HookFile>>,
}

/// `POST /api/v1/hooks/path` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PathHook {
    /// A file or folder inside a configured library (after `hooks.path_map`), e.g.
    /// `/srv/media/TV/Show/Season 1/Show.S01E01.mkv`. Absolute; one outside every library is 422.
    #[schema(max_length = 4096, pattern = "^/")]
    pub path: String,
}

/// What a hook queued.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HookQueued {
    /// The folders and files that will be scanned once settled, with their library.
    pub queued: Vec<QueuedPath>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuedPath {
    pub library: String,
    pub path: String,
}

impl ArrPayload {
    /// The paths the event concerns: files, their previous paths, and the folder when no file
    /// is named (a deleted series or movie).
    fn paths(&self) -> Vec<String> {
        let folder = [&self.series, &self.movie]
            .into_iter()
            .flatten()
            .find_map(|f| f.path.clone().or_else(|| f.folder_path.clone()));
        let renamed = self.renamed_episode_files.iter().chain(&self.renamed_movie_files).flatten();
        let files = [&self.episode_file, &self.movie_file].into_iter().flatten().chain(renamed);
        let mut paths = Vec::new();
        for file in files {
            match (&file.path, &file.relative_path, &folder) {
                (Some(path), _, _) => paths.push(path.clone()),
                (None, Some(relative), Some(folder)) => paths.push(format!("{folder}/{relative}")),
                _ => {}
            }
            paths.extend(file.previous_path.clone());
        }
        if paths.is_empty() {
            paths.extend(folder);
        }
        paths
    }
}

/// Checks what serde alone would let through: the nested objects must be objects (not arrays),
/// lists at most [`MAX_PATHS`] long, every path string at most [`MAX_PATH`] characters.
fn well_formed(body: &serde_json::Value) -> Result<(), ApiError> {
    let object = |key: &str, value: &serde_json::Value| {
        if value.is_null() || value.is_object() {
            return Ok(());
        }
        Err(unprocessable("invalid_body", format!("{key} must be an object or null")))
    };
    let strings = |key: &str, value: &serde_json::Value| {
        let Some(fields) = value.as_object() else { return Ok(()) };
        for (field, text) in fields {
            if ["path", "relativePath", "previousPath", "folderPath"].contains(&field.as_str())
                && text.as_str().is_some_and(|t| t.chars().count() > MAX_PATH)
            {
                return Err(unprocessable(
                    "invalid_body",
                    format!("{key}.{field} is longer than {MAX_PATH} characters"),
                ));
            }
        }
        Ok(())
    };
    for key in ["series", "movie", "episodeFile", "movieFile"] {
        if let Some(value) = body.get(key) {
            object(key, value)?;
            strings(key, value)?;
        }
    }
    for key in ["renamedEpisodeFiles", "renamedMovieFiles"] {
        match body.get(key) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) if items.len() <= MAX_PATHS => {
                for item in items {
                    if !item.is_object() {
                        return Err(unprocessable("invalid_body", format!("{key} must hold objects")));
                    }
                    strings(key, item)?;
                }
            }
            Some(_) => {
                return Err(unprocessable(
                    "invalid_body",
                    format!("{key} must be a list of at most {MAX_PATHS} objects"),
                ));
            }
        }
    }
    Ok(())
}

/// The events that change files.
const ACTED_ON: [&str; 6] =
    ["Download", "Rename", "EpisodeFileDelete", "SeriesDelete", "MovieFileDelete", "MovieDelete"];

fn unprocessable(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Maps, checks and hands each path to its library's watcher: all or nothing.
fn queue(state: &AppState, paths: Vec<String>) -> Result<(StatusCode, axum::Json<HookQueued>), ApiError> {
    if paths.len() > MAX_PATHS {
        return Err(unprocessable("too_many_paths", format!("at most {MAX_PATHS} paths per request")));
    }
    let hooks = &state.app.settings().hooks;
    let mut targets = Vec::new();
    for given in paths {
        if given.len() > MAX_PATH || given.contains('\0') {
            return Err(unprocessable(
                "invalid_path",
                format!("a path must be at most {MAX_PATH} bytes, without NUL"),
            ));
        }
        let path = hooks.map(&PathBuf::from(&given));
        if !clean_absolute(&path) {
            return Err(unprocessable(
                "invalid_path",
                format!("{given:?} is not an absolute path without `..`"),
            ));
        }
        let library = state.app.libraries().values().find(|l| path.starts_with(&l.root));
        let Some(library) = library else {
            return Err(unprocessable(
                "path_outside_libraries",
                format!("{} is inside no configured library (see hooks.path_map)", path.display()),
            ));
        };
        targets.push((library.name.clone(), path));
    }
    let mut queued = Vec::new();
    for (library, path) in targets {
        if !state.app.hook(&library, path.clone()) {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "hooks_busy",
                format!("library {library} has too many scans waiting; retry later"),
            ));
        }
        queued.push(QueuedPath { library, path: path.display().to_string() });
    }
    let status = if queued.is_empty() { StatusCode::OK } else { StatusCode::ACCEPTED };
    Ok((status, axum::Json(HookQueued { queued })))
}

/// Which download manager sent a webhook: both send the same shape.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HookTool {
    Sonarr,
    Radarr,
}

/// Sonarr's or Radarr's webhook ("Connect → Webhook", method POST).
#[utoipa::path(post, path = "/api/v1/hooks/{tool}", tag = "hooks", request_body = ArrPayload,
    params(
        ("tool" = inline(HookTool), Path, description = "`sonarr` or `radarr`"),
        ("token" = Option<String>, Query, description = "The API token, for senders that cannot set an `Authorization` header (it may end up in logs: see docs/api.md)"),
    ),
    responses(
        (status = 200, description = "A `Test` or another event that changes no file: nothing to do", body = HookQueued),
        (status = 202, description = "The paths will be scanned once their files have settled", body = HookQueued),
        (status = 400, description = "Malformed JSON, or a tool other than `sonarr` or `radarr`", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 422, description = "A path is outside every library, or the body has the wrong shape", body = ErrorBody),
        (status = 503, description = "Too many scans waiting", body = ErrorBody),
    ))]
pub async fn arr(
    State(state): State<AppState>,
    ApiPath(_tool): ApiPath<HookTool>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, axum::Json<HookQueued>), ApiError> {
    well_formed(&body)?;
    let payload: ArrPayload = serde_json::from_value(body)
        .map_err(|e| unprocessable("invalid_body", format!("invalid request body: {e}")))?;
    if payload.event_type.chars().count() > 64 {
        return Err(unprocessable("invalid_body", "eventType is at most 64 characters".into()));
    }
    if !ACTED_ON.contains(&payload.event_type.as_str()) {
        // `Test`, `Grab`, `Health` …: nothing on disk changed.
        return Ok((StatusCode::OK, axum::Json(HookQueued { queued: Vec::new() })));
    }
    queue(&state, payload.paths())
}

/// Any tool: scan the folder of `path` (or `path` itself, a folder) once settled.
#[utoipa::path(post, path = "/api/v1/hooks/path", tag = "hooks", request_body = PathHook,
    params(("token" = Option<String>, Query, description = "The API token, for senders that cannot set an `Authorization` header (it may end up in logs: see docs/api.md)")),
    responses(
        (status = 202, description = "The path will be scanned once its files have settled", body = HookQueued),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ErrorBody),
        (status = 422, description = "The path is outside every library, not absolute, or the body has the wrong shape", body = ErrorBody),
        (status = 503, description = "Too many scans waiting", body = ErrorBody),
    ))]
pub async fn path(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PathHook>,
) -> Result<(StatusCode, axum::Json<HookQueued>), ApiError> {
    queue(&state, vec![body.path])
}
