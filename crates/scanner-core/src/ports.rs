//! The ports: what the core needs from the outside world, as narrow async traits.
//!
//! Adapters implement them (`fs-jwalk`, `probe-ffprobe`, `repo-seaorm`); tests use the mockall
//! fakes (`MockFileSource`, `MockMediaProbe`, `MockMediaRepository`, enabled for other crates
//! by the `mocks` feature). Each method documents the rules an adapter MUST follow.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::media::{FileStat, MediaId, MediaInfo, MediaRecord};

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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WalkOptions {
    /// Only files with these extensions are reported.
    pub extensions: VideoExtensions,
    /// Follow symbolic links (loops are detected and reported, never followed twice).
    pub follow_symlinks: bool,
}

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

/// A page of the catalog, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaQuery {
    /// Only records whose path sorts after this one (keyset pagination).
    pub after_path: Option<PathBuf>,
    /// At most this many records; `None` for all.
    pub limit: Option<u64>,
}

/// The catalog of media files.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MediaRepository: Send + Sync {
    /// Inserts or updates `records`, keyed by path, atomically (all or none).
    ///
    /// MUST keep the stored id and `first_seen_at` of a path that is already catalogued and
    /// update every other field; MUST be race-free against concurrent upserts of the same path
    /// (one row per path, always).
    async fn upsert(&self, records: Vec<MediaRecord>) -> Result<(), RepoError>;

    /// The record with this id, if any.
    async fn get(&self, id: MediaId) -> Result<Option<MediaRecord>, RepoError>;

    /// Records in path order.
    async fn list(&self, query: MediaQuery) -> Result<Vec<MediaRecord>, RepoError>;
}
