//! The `FileWatcher` port: file-system change notifications for a library's folder.

use std::path::PathBuf;

use async_trait::async_trait;
use tokio::sync::mpsc;

/// What a watch reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchSignal {
    /// Something at these paths was created, written, renamed, moved or deleted.
    Changed(Vec<PathBuf>),
    /// Notifications were lost (a queue overflowed): anything under the root may have changed.
    Overflow,
    /// The watch stopped working (a watch limit was reached later, the kernel dropped it); the
    /// caller falls back to polling. The message says why, in words a user can act on.
    Failed(String),
    /// The root itself went away (deleted or unmounted): the watch is over.
    RootGone,
}

/// What kind of storage a folder lives on, as far as change notifications go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// A local file system: its kernel reports changes.
    Local,
    /// A network or FUSE file system (`nfs`, `cifs`, `fuse.rclone` …): changes made by other
    /// machines are never reported, so it must be polled. Holds the file-system type.
    Network(String),
}

/// A running watch. Dropping it stops the watch.
#[derive(Debug)]
pub struct WatchStream {
    rx: mpsc::Receiver<WatchSignal>,
    /// Kernel watches this watch holds (one per folder with inotify), when known.
    pub watches: Option<u64>,
    /// The most watches this user may hold, when the platform has such a limit.
    pub watch_limit: Option<u64>,
    /// Keeps the adapter's watcher alive for as long as the stream.
    _guard: Box<dyn std::any::Any + Send + Sync>,
}

impl WatchStream {
    /// A stream fed by `rx`, holding `guard` (the adapter's watcher) alive.
    pub fn new(rx: mpsc::Receiver<WatchSignal>, guard: Box<dyn std::any::Any + Send + Sync>) -> Self {
        Self { rx, watches: None, watch_limit: None, _guard: guard }
    }

    /// The next signal; `None` when the adapter has stopped sending (treat as `Failed`).
    pub async fn next(&mut self) -> Option<WatchSignal> {
        self.rx.recv().await
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WatchError {
    /// The platform's limit on watches was reached (inotify's `max_user_watches`).
    #[error(
        "ENOSPC: inotify watch limit {} reached; raise fs.inotify.max_user_watches or use watch = \"poll\"",
        .limit.map_or_else(|| "?".to_owned(), |l| l.to_string())
    )]
    Limit { limit: Option<u64> },
    /// The root is missing or not a folder.
    #[error("{} does not exist or is not a folder", .0.display())]
    NoRoot(PathBuf),
    /// Any other reason events cannot be had.
    #[error("file-system events are unavailable: {0}")]
    Unavailable(String),
}

/// Watches folders for changes.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait FileWatcher: Send + Sync {
    /// Starts watching `root` and everything below it, folders created later included.
    ///
    /// MUST report a change to any file or folder below `root` within a second or so, as a
    /// path of the thing changed (both paths of a rename); MUST send [`WatchSignal::Overflow`]
    /// rather than drop notifications silently; MUST return [`WatchError::Limit`] when a watch
    /// limit stops it from covering the whole tree (never a watch of part of it); MUST send
    /// [`WatchSignal::RootGone`] when `root` is deleted or unmounted.
    async fn watch(&self, root: PathBuf) -> Result<WatchStream, WatchError>;

    /// The kind of storage `root` is on. MUST answer `Local` when it cannot tell.
    async fn storage(&self, root: PathBuf) -> Storage;

    /// Whether `root` is there as a readable folder now (false while a mount is away).
    async fn present(&self, root: PathBuf) -> bool;
}
