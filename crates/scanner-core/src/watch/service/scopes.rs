//! The scans a watcher starts: the folders that came due (settled changes, webhooks, polls,
//! schedules) become subtree scans, one at a time, and their outcome decides what comes next.

use std::path::{Path, PathBuf};

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::{info, warn};

use super::{BUSY_RETRY, Run};
use crate::StartScanError;
use crate::scan::{ScanId, ScanLookupError, ScanProgress, ScanRequest, ScanStatus, ScanTrigger};

/// A scan the watcher started and waits for.
pub(super) struct Running {
    pub(super) scope: PathBuf,
    pub(super) poll: bool,
    pub(super) task: JoinHandle<Result<ScanProgress, ScanLookupError>>,
}

impl Run {
    /// A webhook's path: its folder (or the folder itself) comes due once settled.
    pub(super) async fn hooked(&mut self, path: PathBuf) {
        let root = &self.library.root;
        if !path.starts_with(root) {
            return;
        }
        let folder = if self.watcher.present(path.clone()).await {
            path
        } else {
            path.parent().filter(|p| p.starts_with(root)).map_or_else(|| root.clone(), Path::to_path_buf)
        };
        let settle = self.library.settings.settle;
        self.pending.mark(folder.clone(), Instant::now() + settle);
        self.hooked.push(folder);
    }

    /// Starts the next due scope's scan, if any.
    pub(super) async fn start_next(&mut self, polling: bool) -> Option<Running> {
        let now = Instant::now();
        self.queue.extend(self.pending.take_due(now));
        while let Some(scope) = self.queue.pop_front() {
            let scope = self.existing(scope).await;
            let root = &self.library.root;
            let mut options = self.library.options.clone();
            options.settle = Some(self.library.settings.settle);
            let trigger = if self.scheduled && scope == *root {
                ScanTrigger::Schedule
            } else if self.hooked.iter().any(|h| h.starts_with(&scope)) {
                ScanTrigger::Hook
            } else {
                ScanTrigger::Watch
            };
            let request = ScanRequest {
                root: root.clone(),
                library: Some(self.library.name.clone()),
                options,
                trigger,
                scope: (scope != *root).then(|| scope.clone()),
            };
            match self.scanner.start(request).await {
                Ok(id) => {
                    self.hooked.retain(|h| !h.starts_with(&scope));
                    self.scheduled &= scope != *root;
                    info!(scan_id = %id, scope = %scope.display(), "scanning changed folder");
                    let scanner = self.scanner.clone();
                    let task = tokio::spawn(async move { scanner.wait(id).await });
                    let poll = polling && scope == *root && trigger == ScanTrigger::Watch;
                    return Some(Running { poll, scope, task });
                }
                Err(StartScanError::AlreadyRunning { .. } | StartScanError::NodeBusy { .. }) => {
                    // Try again shortly; the other scan may not have seen this change.
                    self.pending.mark(scope, now + BUSY_RETRY);
                }
                Err(StartScanError::ShuttingDown) => return None,
                Err(e) => {
                    warn!(error = %crate::ports::error_chain(&e), scope = %scope.display(), "cannot scan")
                }
            }
        }
        None
    }

    /// `scope`, or its closest ancestor that still exists (a deleted folder's parent).
    async fn existing(&self, scope: PathBuf) -> PathBuf {
        let root = self.library.root.clone();
        let mut dir = scope;
        while dir != root && dir.starts_with(&root) && !self.watcher.present(dir.clone()).await {
            dir = dir.parent().map_or_else(|| root.clone(), Path::to_path_buf);
        }
        if dir.starts_with(&root) { dir } else { root }
    }

    pub(super) async fn finished(
        &mut self,
        scope: PathBuf,
        poll: bool,
        outcome: Result<ScanProgress, ScanLookupError>,
    ) {
        let Ok(progress) = outcome else { return };
        if progress.deferred_files > 0 {
            // Files still being written: look again once they may have settled.
            self.pending.mark(scope, Instant::now() + self.library.settings.settle);
        }
        let idle = progress.status == ScanStatus::Completed
            && progress.new_files + progress.changed_files + progress.moved_files + progress.missing_files
                == 0
            && progress.deferred_files == 0
            && progress.errors_total == 0
            && progress.warnings_total == 0;
        if poll && idle {
            // A poll that found nothing leaves no record: a history of "nothing changed" every
            // minute would bury the scans that did something.
            let _ = self.scanner.delete(progress.scan_id).await;
        }
    }
}

pub(super) async fn finished(
    running: &mut Option<Running>,
) -> Option<(PathBuf, bool, Result<ScanProgress, ScanLookupError>)> {
    let Some(run) = running.as_mut() else { return std::future::pending().await };
    let outcome = (&mut run.task).await;
    let scan = outcome.unwrap_or_else(|_| Err(ScanLookupError::NotFound(ScanId::new())));
    Some((run.scope.clone(), run.poll, scan))
}
