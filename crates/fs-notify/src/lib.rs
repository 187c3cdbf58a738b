//! fs-notify: the `FileWatcher` adapter. Turns the `notify` crate's file-system events
//! (inotify on Linux, FSEvents or kqueue elsewhere) into the core's [`WatchSignal`]s, tells
//! network file systems (which report no remote changes) from local ones, and notices an
//! unmounted root.
//!
//! It must never decide what to scan or when (that is the core's `watch` module), and never
//! watch part of a tree silently: a watch limit is an error, not a partial watch.

mod mounts;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use scanner_core::ports::{FileWatcher, Storage, WatchError, WatchSignal, WatchStream};

pub use mounts::{is_network_fs, mount_of};

/// Signals waiting for the watcher's loop; past this, changes are summed up as one overflow.
const QUEUE: usize = 4096;

/// `FileWatcher` over the `notify` crate.
#[derive(Debug, Default)]
pub struct NotifyFileWatcher {
    /// For each watched root that was a mount point when watching began, the device it was on:
    /// when the root is then found on its parent's device, the file system was unmounted.
    mount_points: Mutex<HashMap<PathBuf, u64>>,
}

/// The inotify limit on watches per user, where there is one.
pub fn watch_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches").ok()?.trim().parse().ok()
}

#[cfg(unix)]
fn device(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn device(_path: &Path) -> Option<u64> {
    None
}

/// Folders under `root` (itself included), up to `cap`: one inotify watch each.
fn count_folders(root: &Path, cap: u64) -> u64 {
    let mut stack = vec![root.to_path_buf()];
    let mut count = 0;
    while let Some(dir) = stack.pop() {
        count += 1;
        if count >= cap {
            break;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    count
}

/// What a `notify` error means to the core.
fn classify(error: &notify::Error, root: &Path) -> WatchError {
    let enospc = match &error.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        notify::ErrorKind::Io(io) => io.raw_os_error() == Some(28),
        _ => false,
    };
    if enospc {
        return WatchError::Limit { limit: watch_limit() };
    }
    match &error.kind {
        notify::ErrorKind::PathNotFound => WatchError::NoRoot(root.to_path_buf()),
        _ => WatchError::Unavailable(error.to_string()),
    }
}

/// Forwards one callback's worth of events without ever blocking the notify thread: when the
/// queue is full, the loss is remembered and reported as [`WatchSignal::Overflow`].
struct Forward {
    tx: mpsc::Sender<WatchSignal>,
    lost: AtomicBool,
    root: PathBuf,
}

impl Forward {
    fn send(&self, signal: WatchSignal) {
        if self.lost.load(Ordering::Relaxed) {
            if self.tx.try_send(WatchSignal::Overflow).is_err() {
                return;
            }
            self.lost.store(false, Ordering::Relaxed);
        }
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(signal) {
            self.lost.store(true, Ordering::Relaxed);
        }
    }

    fn handle(&self, result: notify::Result<notify::Event>) {
        let event = match result {
            Ok(event) => event,
            Err(error) => return self.send(WatchSignal::Failed(classify(&error, &self.root).to_string())),
        };
        if event.need_rescan() {
            return self.send(WatchSignal::Overflow);
        }
        match event.kind {
            // Reads say nothing; a close after writing is a change (the end of a copy).
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) | EventKind::Other => return,
            EventKind::Remove(_) if event.paths.iter().any(|p| p == &self.root) => {
                return self.send(WatchSignal::RootGone);
            }
            _ => {}
        }
        if !event.paths.is_empty() {
            self.send(WatchSignal::Changed(event.paths));
        }
    }
}

#[async_trait]
impl FileWatcher for NotifyFileWatcher {
    async fn watch(&self, root: PathBuf) -> Result<WatchStream, WatchError> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let forward = Arc::new(Forward { tx, lost: AtomicBool::new(false), root: root.clone() });
        let watch_root = root.clone();
        // Adding a watch per folder reads the whole tree: keep it off the async threads.
        let (watcher, watches) = tokio::task::spawn_blocking(move || {
            let handler = forward.clone();
            let mut watcher = notify::recommended_watcher(move |event| handler.handle(event))
                .map_err(|e| classify(&e, &watch_root))?;
            watcher.watch(&watch_root, RecursiveMode::Recursive).map_err(|e| classify(&e, &watch_root))?;
            let watches = count_folders(&watch_root, u64::MAX);
            Ok::<_, WatchError>((watcher, watches))
        })
        .await
        .map_err(|e| WatchError::Unavailable(e.to_string()))??;
        if let (Some(here), Some(parent)) = (device(&root), root.parent().and_then(device))
            && here != parent
        {
            self.mount_points.lock().unwrap_or_else(|p| p.into_inner()).insert(root.clone(), parent);
        }
        let mut stream = WatchStream::new(rx, Box::new(Mutex::new(watcher)));
        stream.watches = Some(watches);
        stream.watch_limit = watch_limit();
        Ok(stream)
    }

    async fn storage(&self, root: PathBuf) -> Storage {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        match mount_of(&mountinfo, &root) {
            Some(kind) if is_network_fs(&kind) => Storage::Network(kind),
            _ => Storage::Local,
        }
    }

    async fn present(&self, root: PathBuf) -> bool {
        if std::fs::read_dir(&root).is_err() {
            return false;
        }
        // A root that was a mount point and now sits on its parent's device was unmounted: the
        // empty folder left behind is not the library.
        let parent_device = self.mount_points.lock().unwrap_or_else(|p| p.into_inner()).get(&root).copied();
        match parent_device {
            Some(parent) => device(&root) != Some(parent),
            None => true,
        }
    }
}
