//! Watching libraries: one watcher per library over the notify adapter, their health for the
//! API, and their orderly end.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use fs_notify::NotifyFileWatcher;
use scanner_core::ports::{FileWatcher, ScanRepository};
use scanner_core::watch::{self, WatchHandle, WatchHealth, WatchMode};
use tokio::task::JoinHandle;

use crate::Mediascan;

/// The watchers of a process, by library.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watchers(Arc<Mutex<BTreeMap<String, Watcher>>>);

/// A library's watcher and its task (taken when it is stopped).
type Watcher = (WatchHandle, Option<JoinHandle<()>>);

impl Mediascan {
    /// Starts watching the libraries named (every configured one when `names` is empty), each
    /// as configured, or in `mode` when given. A library configured `off` gets a watcher only
    /// `with_off` (the server's: it serves webhooks without watching). Returns the libraries
    /// now watched.
    pub fn start_watching(
        &self,
        names: &[String],
        mode: Option<WatchMode>,
        with_off: bool,
    ) -> anyhow::Result<Vec<String>> {
        let watcher: Arc<dyn FileWatcher> = Arc::new(NotifyFileWatcher::default());
        let mut started = Vec::new();
        let mut watchers = self.watchers.0.lock().unwrap_or_else(|p| p.into_inner());
        for name in names {
            if !self.libraries().contains_key(name) {
                anyhow::bail!("no library named {name:?}");
            }
        }
        for library in self.libraries().values() {
            if !names.is_empty() && !names.contains(&library.name) {
                continue;
            }
            let mut watched = library.watched();
            if let Some(mode) = mode {
                watched.settings.mode = mode;
            }
            if (watched.settings.mode == WatchMode::Off && !with_off) || watchers.contains_key(&library.name)
            {
                continue;
            }
            let off = watched.settings.mode == WatchMode::Off;
            let (handle, task) = watch::spawn(self.scanner().clone(), watcher.clone(), watched);
            watchers.insert(library.name.clone(), (handle, Some(task)));
            if !off {
                started.push(library.name.clone());
            }
        }
        Ok(started)
    }

    /// The health of a library's watcher (`off` when it is not watched here).
    pub fn watch_health(&self, library: &str) -> WatchHealth {
        let watchers = self.watchers.0.lock().unwrap_or_else(|p| p.into_inner());
        watchers.get(library).map_or_else(WatchHealth::off, |(handle, _)| handle.health())
    }

    /// The health of every configured library's watcher, whichever node runs it: this node's
    /// own where it watches (or is paused), else what the watching node published in the
    /// catalog, else this node's view (`off`, or `standby` while another node holds the lease
    /// but has not published yet).
    pub async fn libraries_watch_health(&self) -> BTreeMap<String, WatchHealth> {
        let published = match self.database.scans().watch_health().await {
            Ok(published) => published,
            Err(e) => {
                tracing::warn!(error = %scanner_core::ports::error_chain(&e), "cannot read watchers' health");
                Vec::new()
            }
        };
        self.libraries()
            .keys()
            .map(|name| {
                let local = self.watch_health(name);
                let watching_here = local.node.is_some();
                let health = match published.iter().find(|p| p.library == *name) {
                    Some(p) if !watching_here => p.health.clone(),
                    _ => local,
                };
                (name.clone(), health)
            })
            .collect()
    }

    /// Hands a webhook's path to the watcher of `library`; false when it has none or too many
    /// requests wait.
    pub fn hook(&self, library: &str, path: std::path::PathBuf) -> bool {
        let watchers = self.watchers.0.lock().unwrap_or_else(|p| p.into_inner());
        watchers.get(library).is_some_and(|(handle, _)| handle.hook(path))
    }

    /// Stops every watcher and waits for them.
    pub(crate) async fn stop_watching(&self) {
        let tasks: Vec<JoinHandle<()>> = {
            let mut watchers = self.watchers.0.lock().unwrap_or_else(|p| p.into_inner());
            watchers
                .values_mut()
                .filter_map(|(handle, task)| {
                    handle.stop();
                    task.take()
                })
                .collect()
        };
        for task in tasks {
            let _ = task.await;
        }
    }
}
