//! The catalog's vocabulary: one record per video file, and what a probe says about it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::overrides::Overrides;
use crate::parse::ParsedName;
use crate::playback::{Compatibility, Playback};

/// The current time at the catalog's resolution (microseconds, what PostgreSQL keeps), so that a
/// timestamp reads back equal on every backend.
pub fn now() -> DateTime<Utc> {
    micros(Utc::now())
}

/// `at` at the catalog's resolution (microseconds).
pub fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

crate::id::uuid_id!(
    /// Identity of a catalogued file. Stays the same across rescans of the same path.
    MediaId
);

/// Where a catalogued file stands after its last scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MediaStatus {
    /// Probed successfully.
    Ok,
    /// Found on disk but could not be probed; `error` says why.
    Failed,
    /// Catalogued earlier, not found by the latest completed scan of its root
    /// (`missing_since` says since when).
    Missing,
}

impl MediaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Missing => "missing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Self::Ok),
            "failed" => Some(Self::Failed),
            "missing" => Some(Self::Missing),
            _ => None,
        }
    }
}

impl fmt::Display for MediaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Device and inode of a file, where the platform has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileIdentity {
    pub device: u64,
    pub inode: u64,
}

/// What the catalog holds about a file, for deciding whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub id: MediaId,
    pub path: PathBuf,
    pub size: u64,
    pub modified: DateTime<Utc>,
    pub identity: Option<FileIdentity>,
    pub status: MediaStatus,
    pub fingerprint: Option<String>,
    /// The [`PROBE_FIELDS_VERSION`] of the stored probe result.
    pub probe_version: u32,
    /// The [`crate::sidecar::signature`] of the sidecars last read for the file.
    pub sidecar_signature: Option<u64>,
}

impl CatalogEntry {
    /// Whether the stored probe result lacks fields probes report now: the file is probed again
    /// (a failed file is not: `--retry-failed` decides for those).
    pub fn probed_before_current_fields(&self) -> bool {
        self.status == MediaStatus::Ok && self.probe_version < PROBE_FIELDS_VERSION
    }

    /// True when the file on disk is the one catalogued: same size and modification time, and
    /// the same device and inode where both sides know them.
    pub fn matches(&self, file: &FileStat) -> bool {
        self.size == file.size
            && self.modified == file.modified
            && match (self.identity, file.identity) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// What the walk knows about a file without opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// Absolute path.
    pub path: PathBuf,
    pub size: u64,
    /// Modification time with the file system's full precision.
    pub modified: DateTime<Utc>,
    pub identity: Option<FileIdentity>,
}

impl FileStat {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub use crate::streams::{AudioStream, Chapter, DoviConfig, HdrKind, SubtitleStream, VideoStream};

/// What a probe reports about a file's container and streams, in ffprobe's vocabulary
/// (`format_name`, `codec_name`, `profile`, `pix_fmt`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaInfo {
    /// Container format name as ffprobe spells it (`matroska,webm`, `mov,mp4,m4a,3gp,3g2,mj2`, `avi`).
    pub container: Option<String>,
    pub duration_secs: Option<f64>,
    /// Overall bit rate in bits per second.
    pub bit_rate: Option<u64>,
    pub video: Option<VideoStream>,
    pub audio: Vec<AudioStream>,
    pub subtitles: Vec<SubtitleStream>,
    /// Whether the file carries an attached picture (cover art, never taken as the video).
    #[serde(default)]
    pub cover_art: bool,
    /// Chapters in time order, as the container lists them.
    #[serde(default)]
    pub chapters: Vec<Chapter>,
    /// Which probe answered: `native` (container headers read in-process) or `ffprobe`.
    #[serde(default)]
    pub probe: Option<String>,
}

/// The version of what probes report. Rows probed under an older version lack fields that were
/// added since; a scan probes such files again (once, as it meets them), never all at start-up.
/// Raise it whenever a probe starts reporting something new.
pub const PROBE_FIELDS_VERSION: u32 = 3;

/// One catalogued file: what the walk saw, what the probe said, what the name says, and the
/// compatibility verdict. Field names are the public JSON shape (`mediascan media --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaRecord {
    pub id: MediaId,
    /// `path`, and `path_bytes` (base64) when the path is not valid UTF-8.
    #[serde(flatten, with = "crate::json_path::exact")]
    #[cfg_attr(feature = "openapi", schema(inline, value_type = crate::json_path::PathFields))]
    pub path: PathBuf,
    /// The configured library whose scan last saw the file (`None` for folder scans).
    pub library: Option<String>,
    pub size_bytes: u64,
    pub modified_at: DateTime<Utc>,
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub identity: Option<FileIdentity>,
    pub status: MediaStatus,
    pub error: Option<String>,
    #[serde(flatten)]
    pub info: MediaInfo,
    /// What the path says, with the user's overrides over it.
    pub parsed: ParsedName,
    /// What the user set by hand (see [`crate::overrides`]); empty when nothing.
    #[serde(default)]
    pub overrides: Overrides,
    /// Direct play in the library's profile. Absent when the file could not be probed: nothing
    /// can be said about its streams.
    pub compatibility: Option<Compatibility>,
    /// What each client profile needs to play the file, by profile name (empty when the file
    /// could not be probed).
    #[serde(default)]
    pub playback: BTreeMap<String, Playback>,
    pub first_seen_at: DateTime<Utc>,
    pub last_scanned_at: DateTime<Utc>,
    /// When a completed scan first found the file gone (status `missing`).
    pub missing_since: Option<DateTime<Utc>>,
    /// What the `.nfo` file beside the video says (its own, else `movie.nfo`, else the show's
    /// `tvshow.nfo`); `None` without a readable one.
    #[serde(default)]
    pub metadata: Option<crate::sidecar::Metadata>,
    /// Paths of the images beside the video that show it (its own, its folder's, its show's and
    /// season's), in path order.
    #[serde(default)]
    pub artwork: Vec<String>,
    /// The [`crate::sidecar::signature`] of the sidecars `metadata`, `artwork` and the external
    /// `subtitles` were read from (`None`: none).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub sidecar_signature: Option<u64>,
    /// Hash of the file's first and last 64 KiB and its size, to recognise it after a move.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub fingerprint: Option<String>,
    /// The [`PROBE_FIELDS_VERSION`] the stored probe result was made under (0: never probed).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub probe_version: u32,
    /// The [`crate::Profiles::fingerprint`] of the profiles `playback` and `compatibility`
    /// were decided with (`None`: never decided).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub decided_with: Option<u64>,
}
