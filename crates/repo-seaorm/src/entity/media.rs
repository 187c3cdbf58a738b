//! One row per catalogued file, keyed by path.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The absolute path, encoded by `paths::encode`.
    #[sea_orm(unique)]
    pub path: String,
    /// The parent directory, encoded the same way: rescans read the catalog directory by
    /// directory.
    pub dir: String,
    pub size_bytes: i64,
    /// Modification time in nanoseconds since the Unix epoch (exact, for change detection).
    pub modified_ns: i64,
    pub device: Option<i64>,
    pub inode: Option<i64>,
    pub status: String,
    pub error: Option<String>,
    pub container: Option<String>,
    pub duration_secs: Option<f64>,
    pub bit_rate: Option<i64>,
    /// JSON of the core's `VideoStream`.
    pub video: Option<String>,
    /// JSON array of `AudioStream`.
    pub audio: String,
    /// JSON array of `SubtitleStream`.
    pub subtitles: String,
    /// JSON of the whole `ParsedName`; the columns below repeat what queries filter on.
    pub parsed: String,
    pub kind: String,
    pub show: Option<String>,
    pub season: Option<i32>,
    pub year: Option<i32>,
    pub title: Option<String>,
    pub compatible: Option<bool>,
    /// JSON array of strings.
    pub reasons: String,
    pub first_seen_at: DateTimeUtc,
    pub last_scanned_at: DateTimeUtc,
    /// The configured library whose scan last saw the file.
    pub library: Option<String>,
    /// Lower-cased show and title, for case-insensitive search that gives the same answers on
    /// every backend (SQLite's LOWER only folds ASCII).
    pub search_text: Option<String>,
    pub missing_since: Option<DateTimeUtc>,
    /// `xxh3:…` of the size and the first and last 64 KiB.
    pub fingerprint: Option<String>,
    /// The scan that found the file gone from its listed directory (a `missing` candidate).
    pub absent_scan: Option<Uuid>,
    /// Which probe answered: `native` or `ffprobe`.
    pub probe: Option<String>,
    /// JSON array of `Chapter`.
    pub chapters: String,
    pub cover_art: bool,
    /// `PROBE_FIELDS_VERSION` of the stored probe result.
    pub probe_version: i32,
    /// JSON object: profile name → `Playback`.
    pub playback: String,
    /// `scanner_core::report::playback_key` of `playback` (`None` when nothing was decided).
    pub playback_key: Option<String>,
    /// `Profiles::fingerprint` of the profiles `playback` was decided with, as its two's
    /// complement.
    pub decided_with: Option<i64>,
    // Plain copies of what filters and the report group by (`scanner_core::report::ReportKeys`).
    pub container_kind: Option<String>,
    pub video_codec: Option<String>,
    pub hdr: Option<String>,
    pub resolution: Option<String>,
    pub audio_codec: Option<String>,
    pub audio_channels: Option<i32>,
    /// JSON of the core's `sidecar::Metadata`, from the `.nfo` beside the file.
    pub metadata: Option<String>,
    /// JSON array of artwork paths.
    pub artwork: String,
    /// `sidecar::signature` of the sidecars read, as its two's complement.
    pub sidecar_signature: Option<i64>,
    /// `scanner_core::items::filed_under` of `parsed` with the file's overrides over it (see
    /// `refile`), hyphenated lower case.
    pub item_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
