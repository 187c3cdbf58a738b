//! The `Scanner` service: starts scans in the background, reports their progress, cancels
//! them, forgets finished ones after a retention period, and shuts down cleanly.

mod pipeline;
mod progress;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, warn_span};

pub use progress::{ScanId, ScanIssue, ScanProgress, ScanStatus};

use crate::compat::CompatibilityProfile;
use crate::ports::{FileSource, FileSourceError, MediaProbe, MediaRepository, VideoExtensions};
use pipeline::ScanJob;
use progress::ProgressState;

/// Tunables of the scanner service.
#[derive(Debug, Clone)]
pub struct ScannerConfig {
    /// How long a finished scan stays readable through [`Scanner::progress`].
    pub retention: Duration,
    /// How often finished scans past their retention are dropped.
    pub cleanup_interval: Duration,
    /// How many files are probed at once.
    pub probe_concurrency: usize,
    /// How many problems a scan keeps in its progress (all are counted).
    pub max_errors: usize,
    /// Records written per database transaction.
    pub batch_size: usize,
    /// Longest time a probed record waits before its batch is written.
    pub batch_delay: Duration,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        Self {
            retention: Duration::from_secs(3600),
            cleanup_interval: Duration::from_secs(60),
            probe_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_errors: 100,
            batch_size: 256,
            batch_delay: pipeline::DEFAULT_BATCH_DELAY,
        }
    }
}

/// How to scan one library.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub extensions: VideoExtensions,
    pub profile: CompatibilityProfile,
    pub follow_symlinks: bool,
}

/// A request to scan a directory.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub root: PathBuf,
    /// Name of the configured library being scanned, if any.
    pub library: Option<String>,
    pub options: ScanOptions,
}

impl ScanRequest {
    /// Scans `root` with the default options.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), library: None, options: ScanOptions::default() }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartScanError {
    #[error(transparent)]
    Root(#[from] FileSourceError),
    #[error("a scan is already running ({0})")]
    AlreadyRunning(ScanId),
    #[error("cannot probe media files: {0}")]
    ProbeUnavailable(String),
    #[error("the scanner is shutting down")]
    ShuttingDown,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanLookupError {
    #[error("no scan with id {0}")]
    NotFound(ScanId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CancelScanError {
    #[error("no scan with id {0}")]
    NotFound(ScanId),
    #[error("scan {id} is not running (it is {status})")]
    NotRunning { id: ScanId, status: ScanStatus },
}

/// The ports the scanner works through.
#[derive(Clone)]
pub struct ScannerPorts {
    pub source: Arc<dyn FileSource>,
    pub probe: Arc<dyn MediaProbe>,
    pub repo: Arc<dyn MediaRepository>,
}

impl std::fmt::Debug for ScannerPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannerPorts").finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct ScanEntry {
    state: Arc<ProgressState>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
    /// When the scan ended, for retention.
    ended: Option<Instant>,
}

#[derive(Debug)]
struct Inner {
    ports: ScannerPorts,
    config: ScannerConfig,
    scans: Mutex<HashMap<ScanId, ScanEntry>>,
    shutdown: CancellationToken,
    cleanup: Mutex<Option<JoinHandle<()>>>,
}

impl Inner {
    fn scans(&self) -> std::sync::MutexGuard<'_, HashMap<ScanId, ScanEntry>> {
        self.scans.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops finished scans whose retention ran out; returns how many.
    fn sweep(&self) -> usize {
        let now = Instant::now();
        let retention = self.config.retention;
        let mut scans = self.scans();
        let before = scans.len();
        scans.retain(|_, entry| entry.ended.is_none_or(|ended| now.duration_since(ended) < retention));
        before - scans.len()
    }
}

/// The scan service. Cheap to clone; all clones share the same scans.
///
/// Must be created inside a tokio runtime: it spawns its cleanup task at once.
#[derive(Debug, Clone)]
pub struct Scanner {
    inner: Arc<Inner>,
}

impl Scanner {
    pub fn new(ports: ScannerPorts, config: ScannerConfig) -> Self {
        let inner = Arc::new(Inner {
            ports,
            config,
            scans: Mutex::new(HashMap::new()),
            shutdown: CancellationToken::new(),
            cleanup: Mutex::new(None),
        });
        let handle = tokio::spawn(cleanup_loop(Arc::downgrade(&inner), inner.shutdown.clone()));
        *inner.cleanup.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
        Self { inner }
    }

    /// Starts scanning `root` with the default options. See [`Self::start`].
    pub async fn start_scan(&self, root: impl Into<PathBuf>) -> Result<ScanId, StartScanError> {
        self.start(ScanRequest::new(root)).await
    }

    /// Checks the root and the probe, then starts the scan as a background task and returns
    /// its id at once. Only one scan runs at a time: while one runs, this returns
    /// [`StartScanError::AlreadyRunning`].
    pub async fn start(&self, request: ScanRequest) -> Result<ScanId, StartScanError> {
        if self.inner.shutdown.is_cancelled() {
            return Err(StartScanError::ShuttingDown);
        }
        let root = self.inner.ports.source.open_root(request.root).await?;
        self.inner.ports.probe.check().await.map_err(|e| StartScanError::ProbeUnavailable(e.to_string()))?;

        let id = ScanId::new();
        let state = Arc::new(ProgressState::new(id, request.library, root, self.inner.config.max_errors));
        let cancel = CancellationToken::new();
        let job = ScanJob {
            state: state.clone(),
            cancel: cancel.clone(),
            source: self.inner.ports.source.clone(),
            probe: self.inner.ports.probe.clone(),
            repo: self.inner.ports.repo.clone(),
            options: request.options,
            config: self.inner.config.clone(),
        };

        // Check and insert under one lock: of simultaneous starts exactly one wins.
        let mut scans = self.inner.scans();
        if self.inner.shutdown.is_cancelled() {
            return Err(StartScanError::ShuttingDown);
        }
        if let Some((running, _)) = scans.iter().find(|(_, e)| !e.state.status().is_finished()) {
            return Err(StartScanError::AlreadyRunning(*running));
        }
        // At warn level so that the scan's context shows on its warnings under the default
        // `warn` filter (a span below the filter's level is not recorded at all).
        let span = warn_span!("scan", scan_id = %id, root = %state.root.display());
        let weak = Arc::downgrade(&self.inner);
        let task = tokio::spawn(
            async move {
                tracing::info!("scan started");
                pipeline::run(job).await;
                mark_ended(&weak, id);
            }
            .instrument(span),
        );
        scans.insert(id, ScanEntry { state, cancel, task: Some(task), ended: None });
        Ok(id)
    }

    /// A snapshot of the scan's progress. Never waits for the scan.
    pub async fn progress(&self, id: ScanId) -> Result<ScanProgress, ScanLookupError> {
        let state = self.state(id).ok_or(ScanLookupError::NotFound(id))?;
        Ok(state.snapshot())
    }

    /// Snapshots of every scan still retained, newest first.
    pub async fn scans(&self) -> Vec<ScanProgress> {
        let states: Vec<Arc<ProgressState>> = self.inner.scans().values().map(|e| e.state.clone()).collect();
        let mut all: Vec<ScanProgress> = states.iter().map(|s| s.snapshot()).collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.started_at));
        all
    }

    /// Asks a running scan to stop. The probe in flight is abandoned (its process killed) and
    /// the scan ends `cancelled` shortly after; [`Self::wait`] tells when.
    pub async fn cancel(&self, id: ScanId) -> Result<(), CancelScanError> {
        let scans = self.inner.scans();
        let entry = scans.get(&id).ok_or(CancelScanError::NotFound(id))?;
        let status = entry.state.status();
        if status.is_finished() {
            return Err(CancelScanError::NotRunning { id, status });
        }
        entry.cancel.cancel();
        Ok(())
    }

    /// Waits until the scan has ended and returns its final progress.
    pub async fn wait(&self, id: ScanId) -> Result<ScanProgress, ScanLookupError> {
        let state = self.state(id).ok_or(ScanLookupError::NotFound(id))?;
        let mut status = state.subscribe();
        // The sender lives in `state`, which we hold, so this only ends with a finished scan.
        let _ = status.wait_for(|s| s.is_finished()).await;
        Ok(state.snapshot())
    }

    /// Drops finished scans past their retention now (the cleanup task does this
    /// periodically); returns how many were dropped.
    pub fn cleanup(&self) -> usize {
        self.inner.sweep()
    }

    /// Cancels running scans, waits for them to end, and stops the cleanup task. Later
    /// [`Self::start`] calls fail with [`StartScanError::ShuttingDown`].
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        let tasks: Vec<JoinHandle<()>> = {
            let mut scans = self.inner.scans();
            scans
                .values_mut()
                .filter_map(|e| {
                    e.cancel.cancel();
                    e.task.take()
                })
                .collect()
        };
        for task in tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "scan task ended abnormally");
            }
        }
        let cleanup = self.inner.cleanup.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(cleanup) = cleanup {
            let _ = cleanup.await;
        }
    }

    fn state(&self, id: ScanId) -> Option<Arc<ProgressState>> {
        self.inner.scans().get(&id).map(|e| e.state.clone())
    }
}

fn mark_ended(inner: &Weak<Inner>, id: ScanId) {
    if let Some(inner) = inner.upgrade()
        && let Some(entry) = inner.scans().get_mut(&id)
    {
        entry.ended = Some(Instant::now());
    }
}

async fn cleanup_loop(inner: Weak<Inner>, shutdown: CancellationToken) {
    let interval = match inner.upgrade() {
        Some(inner) => inner.config.cleanup_interval,
        None => return,
    };
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(interval) => {}
        }
        let Some(inner) = inner.upgrade() else { return };
        let dropped = inner.sweep();
        if dropped > 0 {
            tracing::debug!(dropped, "forgot finished scans past their retention");
        }
    }
}

#[cfg(test)]
mod tests;
