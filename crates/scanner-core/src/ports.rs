//! The ports: what the core needs from the outside world, as narrow async traits.
//!
//! Adapters implement them (`fs-jwalk`, `probe-ffprobe`, `repo-seaorm`); tests use the mockall
//! fakes (`MockFileSource`, `MockMediaProbe`, `MockMediaRepository`, enabled for other crates
//! by the `mocks` feature). Each method documents the rules an adapter MUST follow.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::media::{CatalogEntry, FileStat, MediaId, MediaInfo, MediaRecord, MediaStatus};
use crate::parse::{MediaKind, ParsedName};
use crate::scan::{ScanId, ScanProgress, ScanStatus};

/// File name extensions that make a file a video to scan, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoExtensions(Vec<String>);

impl VideoExtensions {
    pub fn new<I, S>(extensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self(
            extensions
                .into_iter()
                .map(|e| e.as_ref().trim_start_matches('.').to_ascii_lowercase())
                .filter(|e| !e.is_empty())
                .collect(),
        )
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// True when `path` ends in one of the extensions (`.MKV` matches `mkv`).
    pub fn matches(&self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| self.0.iter().any(|x| x.eq_ignore_ascii_case(ext)))
    }
}

impl Default for VideoExtensions {
    /// `.mp4`, `.mkv`, `.avi` and `.mov`.
    fn default() -> Self {
        Self::new(["mp4", "mkv", "avi", "mov"])
    }
}

/// How to walk a library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Only files with these extensions are reported.
    pub extensions: VideoExtensions,
    /// Follow symbolic links, wherever they lead (each directory is still read once). When
    /// false, no link is followed, inside the root or out of it.
    pub follow_symlinks: bool,
    /// Skip hidden files and folders (names starting with `.`, such as `.Trash-1000` or
    /// `.@__thumb`) and the folders NAS and operating systems keep beside media (`@eaDir`,
    /// `#recycle`, `$RECYCLE.BIN` …). See [`SYSTEM_FOLDERS`].
    pub skip_hidden: bool,
    /// Patterns in gitignore syntax, relative to the root, for paths not to scan. Adapters
    /// also honour `.mediascanignore` and `.ignore` files (same syntax) in any folder.
    pub ignore: Vec<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            extensions: VideoExtensions::default(),
            follow_symlinks: false,
            skip_hidden: true,
            ignore: Vec::new(),
        }
    }
}

/// Folders skipped with [`WalkOptions::skip_hidden`] besides those whose name starts with `.`:
/// thumbnails, recycle bins and snapshots of Synology, QNAP, Windows, macOS and Linux.
pub const SYSTEM_FOLDERS: &[&str] = &[
    "@eaDir",
    "#recycle",
    "#snapshot",
    "@Recycle",
    "@Recently-Snapshot",
    "$RECYCLE.BIN",
    "System Volume Information",
    "lost+found",
    "Network Trash Folder",
    "Temporary Items",
];

/// The ignore files a walk honours in every folder, in increasing precedence.
pub const IGNORE_FILES: [&str; 2] = [".ignore", ".mediascanignore"];

/// One directory's video files, with their metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirListing {
    /// Absolute path of the directory.
    pub path: PathBuf,
    /// The directory's video files (not those of its subdirectories).
    pub files: Vec<FileStat>,
}

/// What a walk reports, directory by directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEvent {
    Directory(DirListing),
    /// A directory or file that could not be read. Its contents are unknown, which is not the
    /// same as absent: nothing below `path` may be concluded missing.
    Unreadable {
        path: PathBuf,
        message: String,
    },
    /// Something the user should fix that did not stop the walk (a bad ignore pattern).
    Warning {
        path: PathBuf,
        message: String,
    },
}

/// The receiving end of a walk. Bounded: the walker waits while the scanner is busy.
#[derive(Debug)]
pub struct WalkStream {
    rx: mpsc::Receiver<WalkEvent>,
}

/// The sending end of a walk, used by the adapter from any thread.
#[derive(Debug, Clone)]
pub struct WalkSender {
    tx: mpsc::Sender<WalkEvent>,
}

impl WalkSender {
    /// Sends from a blocking thread. Returns `false` when the scanner stopped listening
    /// (cancelled scan): the walker must then stop.
    pub fn send_blocking(&self, event: WalkEvent) -> bool {
        self.tx.blocking_send(event).is_ok()
    }

    /// Sends from async code; `false` as for [`Self::send_blocking`].
    pub async fn send(&self, event: WalkEvent) -> bool {
        self.tx.send(event).await.is_ok()
    }
}

impl WalkStream {
    /// A channel holding at most `capacity` undelivered events.
    pub fn channel(capacity: usize) -> (WalkSender, WalkStream) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (WalkSender { tx }, WalkStream { rx })
    }

    /// A finished walk that yields `events` (for tests and simple sources).
    pub fn from_events(events: Vec<WalkEvent>) -> Self {
        let (tx, rx) = mpsc::channel(events.len().max(1));
        for event in events {
            // Cannot fail: the channel has room for every event and the receiver is alive.
            let _ = tx.try_send(event);
        }
        Self { rx }
    }

    /// The next event, or `None` when the walk is over.
    pub async fn next(&mut self) -> Option<WalkEvent> {
        self.rx.recv().await
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileSourceError {
    #[error("{} does not exist", path.display())]
    NotFound { path: PathBuf },
    #[error("{} is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("cannot read {}: {message}", path.display())]
    Unreadable { path: PathBuf, message: String },
}

/// Lists video files on some storage.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait FileSource: Send + Sync {
    /// Checks that `root` is a readable directory and returns its absolute, canonical form.
    ///
    /// MUST return `NotFound` for a missing path, `NotADirectory` for anything but a
    /// directory, and `Unreadable` when the directory cannot be listed.
    async fn open_root(&self, root: PathBuf) -> Result<PathBuf, FileSourceError>;

    /// Starts walking `root` (as returned by `open_root`) and returns the stream of events.
    ///
    /// MUST report every directory that holds at least one matching file exactly once, with
    /// absolute paths; MUST report unreadable entries as [`WalkEvent::Unreadable`] and go on;
    /// MUST terminate on symlink loops; MUST stop soon after the stream is dropped. The stream
    /// ends when the walk is complete.
    async fn walk(&self, root: PathBuf, options: WalkOptions) -> Result<WalkStream, FileSourceError>;

    /// Current metadata of one file; `None` when nothing (or no regular file) is at `path`.
    async fn stat(&self, path: PathBuf) -> Result<Option<FileStat>, FileSourceError>;

    /// The file's content fingerprint: a hash of its size and its first and last 64 KiB.
    ///
    /// MUST read at most 128 KiB, and MUST give the same value for the same bytes in every
    /// version of mediascan (fingerprints are stored in the catalog).
    async fn fingerprint(&self, path: PathBuf) -> Result<String, FileSourceError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The probe program is missing or unusable: no file can be probed. Ends the scan.
    #[error("{message}")]
    Unavailable { message: String },
    /// The file vanished between the walk and the probe.
    #[error("file no longer exists")]
    NotFound,
    #[error("probe timed out after {} s", .0.as_secs_f64())]
    TimedOut(Duration),
    /// The file is not readable media (corrupt, truncated, not a video).
    #[error("{0}")]
    InvalidMedia(String),
    /// Anything else that went wrong with this one file.
    #[error("{0}")]
    Failed(String),
}

impl ProbeError {
    /// True when no further file can be probed either.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Reads a media file's container and streams.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaProbe: Send + Sync {
    /// Checks that probing can work at all and returns a description (`ffprobe 5.1.9`).
    ///
    /// MUST return `Unavailable`, with a hint on how to fix it, when it cannot.
    async fn check(&self) -> Result<String, ProbeError>;

    /// Probes one file.
    ///
    /// MUST NOT hang: a probe that takes longer than the adapter's timeout ends with
    /// `TimedOut`. MUST release every resource (child process included) when the returned
    /// future is dropped, so that cancelling a scan is prompt. MUST return `NotFound` when the
    /// file does not exist and `InvalidMedia` when it is not readable media.
    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    /// The database cannot be reached right now (connection refused or lost, locked, busy).
    /// Retrying later may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back into domain types.
    #[error("catalog data is invalid: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(String),
}

impl RepoError {
    /// True when a retry may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// Which records a query selects. Every field narrows the selection; `None` selects all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaFilter {
    /// Records last scanned as part of this configured library.
    pub library: Option<String>,
    /// Exact show name.
    pub show: Option<String>,
    pub season: Option<u32>,
    pub kind: Option<MediaKind>,
    pub compatible: Option<bool>,
    pub status: Option<MediaStatus>,
    /// Records at or below this absolute folder (or this exact file).
    pub path_prefix: Option<PathBuf>,
    /// Case-insensitive text contained in the show name or the title.
    pub search: Option<String>,
}

/// A page of the catalog, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaQuery {
    pub filter: MediaFilter,
    /// Only records whose path sorts after this one (keyset pagination).
    pub after_path: Option<PathBuf>,
    /// Records to skip (offset pagination; keyset is cheaper on large catalogs).
    pub offset: Option<u64>,
    /// At most this many records; `None` for all.
    pub limit: Option<u64>,
}

/// A show in the catalog and how much of it there is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowSummary {
    pub show: String,
    pub year: Option<u16>,
    /// Distinct seasons with at least one episode.
    pub seasons: u64,
    /// Episode files (a multi-episode file counts once).
    pub episodes: u64,
}

/// A catalogued file found at a new path: it keeps its id, streams and first sighting.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaMove {
    pub id: MediaId,
    /// Where the catalog had it; the move applies only if the row is still there.
    pub from: PathBuf,
    /// The file at its new place.
    pub file: FileStat,
    pub library: Option<String>,
    pub parsed: ParsedName,
    pub seen_at: DateTime<Utc>,
}

/// A catalogued file its directory's walk did not find: a candidate for `missing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent {
    pub id: MediaId,
    /// The path the row had when found absent; a row moved since is not marked.
    pub path: PathBuf,
}

/// What the catalog knows of a folder as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirSummary {
    /// Signature of the folder's video files (names, sizes, times, inodes) when a scan last
    /// found the catalog matching them exactly.
    pub signature: u64,
    /// Video files in the folder then, and how many of them had failed to probe.
    pub files: u64,
    pub failed: u64,
}

/// A folder the walk listed, and its summary when the scan found the catalog matching it
/// (`None`: it did not, or not yet — the next scan compares file by file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenDir {
    pub path: PathBuf,
    pub summary: Option<DirSummary>,
}

/// Writes of one scan, applied in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteBatch {
    /// The scan that saw `seen_dirs` and found `absent`; required when either is non-empty.
    pub scan: Option<ScanId>,
    /// New and changed files, keyed by path.
    pub upserts: Vec<MediaRecord>,
    /// Directories the walk listed: the last-seen marker of every file in them.
    pub seen_dirs: Vec<SeenDir>,
    pub absent: Vec<Absent>,
    pub moves: Vec<MediaMove>,
}

impl WriteBatch {
    /// A batch of upserts only.
    pub fn upserts(records: Vec<MediaRecord>) -> Self {
        Self { upserts: records, ..Self::default() }
    }

    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty()
            && self.seen_dirs.is_empty()
            && self.absent.is_empty()
            && self.moves.is_empty()
    }

    pub fn len(&self) -> usize {
        self.upserts.len() + self.seen_dirs.len() + self.absent.len() + self.moves.len()
    }
}

/// Which files a completed scan may conclude missing: those under `root` that the scan found
/// absent from their directory, or whose directory it did not list at all — except those
/// below `excluded` (folders it could not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingScope {
    pub scan: ScanId,
    pub root: PathBuf,
    pub excluded: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingCount {
    /// Files that would be marked missing.
    pub candidates: u64,
    /// Files catalogued under the root and not missing already. Counted only when there are
    /// candidates (0 otherwise): it serves only to judge them, and counting costs a read of
    /// every row under the root.
    pub catalogued: u64,
}

/// The catalog of media files.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaRepository: Send + Sync {
    /// Applies `batch` atomically (all or none), in this order: upserts, seen directories,
    /// absent marks, moves.
    ///
    /// Upserts are keyed by path: they MUST keep the stored id and `first_seen_at` of a path
    /// that is already catalogued, clear `missing_since`, and be race-free against concurrent
    /// upserts of the same path (one row per path, always). A move MUST apply only to a row
    /// still at `from`, and an absent mark only to a row still at its `path`.
    async fn apply(&self, batch: WriteBatch) -> Result<(), RepoError>;

    /// The summaries of those of `dirs` that have one (see [`SeenDir`]), as `(path, summary)`.
    async fn dir_summaries(&self, dirs: Vec<PathBuf>) -> Result<Vec<(PathBuf, DirSummary)>, RepoError>;

    /// The files catalogued directly in the folders `dirs` (one query for several folders).
    async fn entries_in_dirs(&self, dirs: Vec<PathBuf>) -> Result<Vec<CatalogEntry>, RepoError>;

    /// Catalogued files of exactly this size and modification time (candidates for a move), at
    /// most `limit`.
    async fn entries_like(
        &self,
        size: u64,
        modified: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<CatalogEntry>, RepoError>;

    /// How many files `mark_missing` would mark, and how many are catalogued under the root.
    async fn missing_count(&self, scope: MissingScope) -> Result<MissingCount, RepoError>;

    /// Marks the files of `scope` missing since `at`; returns how many.
    async fn mark_missing(&self, scope: MissingScope, at: DateTime<Utc>) -> Result<u64, RepoError>;

    /// Deletes the missing files under `root`; returns how many.
    async fn prune_missing(&self, root: PathBuf) -> Result<u64, RepoError>;

    /// The record with this id, if any.
    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError>;

    /// The record of this absolute path, if any.
    async fn get_by_path(&self, path: PathBuf) -> Result<Option<MediaRecord>, RepoError>;

    /// Records matching the query's filter, in path order (byte order on every backend).
    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError>;

    /// How many records match.
    async fn count(&self, filter: MediaFilter) -> Result<u64, RepoError>;

    /// The shows among the matching episodes, by name (then year), with their counts.
    async fn shows(&self, filter: MediaFilter) -> Result<Vec<ShowSummary>, RepoError>;
}

/// The process holding a lease: which host, which process, which run of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaseHolder {
    pub host: String,
    pub pid: u32,
    /// Random per process start, so a restarted process never mistakes an old lease for its own.
    pub instance: uuid::Uuid,
}

impl LeaseHolder {
    /// `host:pid`, as shown in scan records.
    pub fn label(&self) -> String {
        format!("{}:{}", self.host, self.pid)
    }
}

impl Default for LeaseHolder {
    fn default() -> Self {
        Self { host: "localhost".to_owned(), pid: 0, instance: uuid::Uuid::new_v4() }
    }
}

/// What asking for a lease gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseOutcome {
    Acquired,
    /// Another scan holds an unexpired lease on the key.
    HeldBy(ScanId),
}

/// What asking the database to cancel a scan gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRequest {
    /// The flag is set; the node running the scan cancels it at its next progress save.
    Requested,
    NotFound,
    NotRunning(ScanStatus),
}

/// A persisted scan: its progress, the lease key it runs under, and who runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRecord {
    pub progress: ScanProgress,
    pub lease_key: String,
    pub holder: LeaseHolder,
}

/// Which scans to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanQuery {
    pub library: Option<String>,
    pub status: Option<ScanStatus>,
    pub limit: Option<u64>,
}

/// Scan records and the leases that keep one scan per library across processes and machines.
///
/// Leases expire by the database's clock, so nodes with skewed clocks still agree.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ScanRepository: Send + Sync {
    /// Takes the lease on `key` for `scan` if it is free or expired. MUST be atomic: of any
    /// number of simultaneous callers on any number of nodes, at most one acquires.
    async fn acquire_lease(
        &self,
        key: String,
        scan: ScanId,
        holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<LeaseOutcome, RepoError>;

    /// Extends the lease `scan` holds on `key`; `false` when it no longer holds it.
    async fn renew_lease(&self, key: String, scan: ScanId, ttl: Duration) -> Result<bool, RepoError>;

    /// Gives the lease up (nothing happens when `scan` does not hold it).
    async fn release_lease(&self, key: String, scan: ScanId) -> Result<(), RepoError>;

    /// Records a new scan.
    async fn insert(&self, record: ScanRecord) -> Result<(), RepoError>;

    /// Saves a scan's progress; returns whether a cancel was requested for it (by any node).
    async fn save(&self, progress: ScanProgress) -> Result<bool, RepoError>;

    async fn get(&self, id: ScanId) -> Result<Option<ScanRecord>, RepoError>;

    /// Scans, newest first.
    async fn list(&self, query: ScanQuery) -> Result<Vec<ScanRecord>, RepoError>;

    /// Asks whichever node runs the scan to cancel it.
    async fn request_cancel(&self, id: ScanId) -> Result<CancelRequest, RepoError>;

    /// Marks `running` scans whose lease expired (or vanished) `interrupted` and returns them.
    async fn interrupt_expired(&self) -> Result<Vec<ScanId>, RepoError>;

    /// Marks one running scan `interrupted` with `reason` and drops its lease: its process is
    /// known to be gone. Returns whether it was running.
    async fn interrupt(&self, id: ScanId, reason: String) -> Result<bool, RepoError>;
}
