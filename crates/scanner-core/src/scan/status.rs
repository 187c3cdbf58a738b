//! What a scan's progress looks like to its readers: status, phase, counts, problems.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::id::uuid_id!(
    /// Identity of a scan.
    ScanId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanStatus {
    Running,
    /// The walk finished and every file found was processed (some may have failed).
    Completed,
    Cancelled,
    /// The scan could not go on (database gone, probe unavailable); `error` says why.
    Failed,
    /// The process running the scan stopped without finishing it (killed, crashed, power
    /// lost); found by a later start or by another node when the scan's lease ran out.
    Interrupted,
}

impl ScanStatus {
    pub fn is_finished(self) -> bool {
        self != Self::Running
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Completed, Self::Cancelled, Self::Failed, Self::Interrupted]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a running scan is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanPhase {
    /// Finding files; the files found so far are compared and probed meanwhile, so
    /// `total_files` still grows (`expected_files`, when known, says how far).
    Walking,
    /// Every file is found; probing the rest.
    Probing,
    /// Concluding: marking files missing, pruning.
    Finishing,
    /// The scan has ended (see its status).
    Finished,
}

impl ScanPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Walking => "walking",
            Self::Probing => "probing",
            Self::Finishing => "finishing",
            Self::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Walking, Self::Probing, Self::Finishing, Self::Finished].into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for ScanPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What started a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScanTrigger {
    /// A person or a program asked for it (`mediascan scan`, `POST /api/v1/scans`).
    #[default]
    Manual,
    /// A library watcher saw changes (file-system events or a poll).
    Watch,
    /// A download manager's webhook.
    Hook,
    /// The library's schedule.
    Schedule,
}

impl ScanTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Watch => "watch",
            Self::Hook => "hook",
            Self::Schedule => "schedule",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Manual, Self::Watch, Self::Hook, Self::Schedule].into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ScanTrigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded problem: a file that failed or a folder that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanIssue {
    /// Lossy where the path is not UTF-8.
    #[serde(serialize_with = "crate::json_path::lossy")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub path: PathBuf,
    pub message: String,
}

/// A consistent-enough picture of a scan at one moment (counters are read one by one, so a
/// snapshot taken mid-scan may be off by the file in flight; a finished scan's is exact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScanProgress {
    pub scan_id: ScanId,
    pub library: Option<String>,
    #[serde(serialize_with = "crate::json_path::lossy")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub root: PathBuf,
    /// The process running the scan (`host:pid`).
    pub node: Option<String>,
    /// What started the scan.
    #[serde(default)]
    pub trigger: ScanTrigger,
    /// The folder under `root` the scan covered, when it covered only part of the library (a
    /// watcher's or a hook's scan); `null` for the whole library. Files outside it are never
    /// marked missing by this scan. Lossy where the path is not UTF-8.
    #[serde(default, serialize_with = "crate::json_path::lossy_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub scope: Option<PathBuf>,
    pub status: ScanStatus,
    pub phase: ScanPhase,
    /// Video files found so far; final once `walk_complete` is true.
    pub total_files: u64,
    pub walk_complete: bool,
    /// How many video files the scan will find, when known before its walk completes (a first
    /// scan counts them first); equal to `total_files` once the walk is complete, `null` while
    /// unknown.
    #[serde(default)]
    pub expected_files: Option<u64>,
    /// Files dealt with: probed, or found unchanged, or recognised as moved.
    pub processed: u64,
    /// Files whose catalog record is fine (probed now, or unchanged since a good probe).
    pub succeeded: u64,
    /// Files that could not be probed (now, or before and unchanged since).
    pub failed: u64,
    /// Files not in the catalog before.
    pub new_files: u64,
    /// Catalogued files whose size, modification time or inode changed: probed again.
    pub changed_files: u64,
    /// Catalogued files found as they were: not probed, not rewritten.
    pub unchanged_files: u64,
    /// Catalogued files found at a new path: kept their id, not probed.
    pub moved_files: u64,
    /// Catalogued files this scan marked missing (only a completed scan marks any).
    pub missing_files: u64,
    /// Files left for a later scan because they were still being written (changed within the
    /// library's `settle_secs`); only scans started by a watcher or a hook wait for files.
    #[serde(default)]
    pub deferred_files: u64,
    /// Files processed per second since the scan started, to one decimal.
    pub files_per_sec: f64,
    /// Seconds left at the current rate; `null` until the number of files is known
    /// (`expected_files`) and the rate has been measured for a few seconds.
    pub eta_secs: Option<f64>,
    /// Lossy where the path is not UTF-8.
    #[serde(serialize_with = "crate::json_path::lossy_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub current_file: Option<PathBuf>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Why the scan failed, when it did.
    pub error: Option<String>,
    /// The first recorded problems (at most the scanner's `max_errors`).
    pub errors: Vec<ScanIssue>,
    /// How many problems were recorded in all, including those not kept in `errors`.
    pub errors_total: u64,
    /// Things the user should know that are not errors (why nothing was marked missing, a bad
    /// ignore pattern): the first ones (at most the scanner's `max_errors`).
    pub warnings: Vec<String>,
    /// How many warnings there were in all, including those not kept in `warnings`.
    #[serde(default)]
    pub warnings_total: u64,
    /// How many files each probe answered in this scan (`native`, `ffprobe`).
    #[serde(default)]
    pub probes: BTreeMap<String, u64>,
}

impl ScanProgress {
    /// Share of found files processed, 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.total_files == 0 {
            if self.status.is_finished() { 1.0 } else { 0.0 }
        } else {
            self.processed as f64 / self.total_files as f64
        }
    }
}
