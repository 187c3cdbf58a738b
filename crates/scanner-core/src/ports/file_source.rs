//! The `FileSource` port: lists video files on some storage, directory by directory.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::media::FileStat;

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
    /// Its sidecar files ([`crate::sidecar::is_sidecar`]), those of its `Subs/` and
    /// `Subtitles/` folders ([`crate::sidecar::is_subtitle_folder`]), and those of its parent
    /// that subfolders inherit ([`crate::sidecar::inherited`]: a show's `tvshow.nfo`).
    pub sidecars: Vec<FileStat>,
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
    /// absolute paths and its sidecars; MUST report unreadable entries as [`WalkEvent::Unreadable`] and go on;
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

    /// The first `limit` bytes of a file (all of it when shorter): how sidecars are read.
    ///
    /// MUST read at most `limit` bytes and return `NotFound` when nothing is at `path`.
    async fn read_head(&self, path: PathBuf, limit: u64) -> Result<Vec<u8>, FileSourceError>;

    /// Which of `paths` a process holds open for writing right now, where the platform can
    /// tell (on Linux, the processes whose `/proc/<pid>/fd` this user may read); empty where it
    /// cannot. Scans that wait for files to settle leave these for a later scan. MUST NOT fail:
    /// what cannot be inspected counts as not open.
    async fn open_for_writing(&self, paths: Vec<PathBuf>) -> Vec<PathBuf>;
}
