//! What a scan is asked to do and how the scanner service is tuned.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::pipeline;
use super::status::ScanTrigger;
use crate::playback::Profiles;
use crate::ports::{LeaseHolder, WalkOptions};

/// Tunables of the scanner service.
#[derive(Debug, Clone)]
pub struct ScannerConfig {
    /// How long a finished scan stays in memory (it is read from the catalog afterwards).
    pub retention: Duration,
    /// How often finished scans past their retention are dropped and other nodes' dead scans
    /// are marked interrupted.
    pub cleanup_interval: Duration,
    /// How many files are probed at once.
    pub probe_concurrency: usize,
    /// How many scans this process runs at once (of different libraries).
    pub max_concurrent_scans: usize,
    /// How many problems a scan keeps in its progress (all are counted).
    pub max_errors: usize,
    /// Records written per database transaction.
    pub batch_size: usize,
    /// Longest time a probed record waits before its batch is written.
    pub batch_delay: Duration,
    /// How often a running scan saves its progress to its scan record.
    pub persist_interval: Duration,
    /// How long a scan's lease lasts unless renewed; a crashed node's scans are taken over
    /// (marked interrupted) this long after it died.
    pub lease_ttl: Duration,
    /// This process, as lease holder.
    pub holder: LeaseHolder,
    /// How long a scan keeps retrying while the database is unavailable before it fails.
    pub db_retry: Duration,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        Self {
            retention: Duration::from_secs(3600),
            cleanup_interval: Duration::from_secs(60),
            // The application sets this from the machine (the core reads nothing of it).
            probe_concurrency: 2,
            max_concurrent_scans: 1,
            max_errors: 100,
            batch_size: 256,
            batch_delay: pipeline::DEFAULT_BATCH_DELAY,
            persist_interval: Duration::from_secs(1),
            lease_ttl: Duration::from_secs(30),
            holder: LeaseHolder::default(),
            db_retry: Duration::from_secs(60),
        }
    }
}

/// How to scan one library.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Which files the walk reports.
    pub walk: WalkOptions,
    /// The client profiles every file is judged against, and the one `compatibility` follows
    /// (the library's).
    pub profiles: Profiles,
    /// Probe every file, changed or not.
    pub force: bool,
    /// Probe again the files whose earlier probe failed, even if unchanged.
    pub retry_failed: bool,
    /// Delete the catalog rows of missing files once the scan has marked them.
    pub prune: bool,
    /// The largest share of a library's catalogued files one scan may mark missing; beyond it
    /// nothing is marked (a NAS that failed to mount must never wipe a catalog).
    pub max_missing_share: f64,
    /// Leave files modified less than this long ago for a later scan (they are still being
    /// written). Scans started by a watcher or a hook set it; a manual scan probes what is
    /// there.
    pub settle: Option<Duration>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            walk: WalkOptions::default(),
            profiles: Profiles::default(),
            force: false,
            retry_failed: false,
            prune: false,
            max_missing_share: 0.5,
            settle: None,
        }
    }
}

/// A request to scan a directory.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub root: PathBuf,
    /// Name of the configured library being scanned, if any.
    pub library: Option<String>,
    pub options: ScanOptions,
    /// What asked for the scan.
    pub trigger: ScanTrigger,
    /// A folder at or below `root` to scan instead of all of it (a subtree scan): only files
    /// under it are compared, probed or marked missing. The lease is still the library's.
    pub scope: Option<PathBuf>,
}

impl ScanRequest {
    /// Scans `root` with the default options.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            library: None,
            options: ScanOptions::default(),
            trigger: ScanTrigger::Manual,
            scope: None,
        }
    }
}

/// The lease key of a scan: its library, or its root for a folder scan.
pub fn lease_key(library: Option<&str>, root: &Path) -> String {
    match library {
        Some(library) => format!("library:{library}"),
        None => format!("path:{}", root.display()),
    }
}
