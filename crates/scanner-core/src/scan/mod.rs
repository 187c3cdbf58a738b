//! The `Scanner` service: starts scans in the background, reports their progress, cancels
//! them, and keeps the scan records in the catalog true across restarts and nodes.
//!
//! One scan per library holds across processes through a lease in the database
//! ([`ScanRepository`]); within a process, at most `max_concurrent_scans` scans run at once.
//! Running scans live in memory (their progress is read from there); finished ones stay for a
//! retention period and are read from the catalog afterwards, as are other nodes' scans.

mod errors;
mod keeper;
mod pipeline;
mod progress;
mod request;
mod status;

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use futures_util::FutureExt;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, warn_span};

pub use errors::{CancelScanError, DeleteScanError, ScanLookupError, StartScanError};
pub use progress::{ScanId, ScanIssue, ScanPhase, ScanProgress, ScanStatus, ScanTrigger};
pub use request::{ScanOptions, ScanRequest, ScannerConfig, lease_key};

use crate::ports::{
    CancelRequest, FileSource, LeaseOutcome, MediaProbe, MediaRepository, RepoError, ScanDeletion, ScanQuery,
    ScanRecord, ScanRepository,
};
use pipeline::ScanJob;
use progress::ProgressState;

/// The ports the scanner works through.
#[derive(Clone)]
pub struct ScannerPorts {
    pub source: Arc<dyn FileSource>,
    pub probe: Arc<dyn MediaProbe>,
    pub repo: Arc<dyn MediaRepository>,
    pub scans: Arc<dyn ScanRepository>,
}

impl std::fmt::Debug for ScannerPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannerPorts").finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct ScanEntry {
    state: Arc<ProgressState>,
    lease_key: String,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
    /// When the scan ended, for retention.
    ended: Option<Instant>,
}

/// Scans of this process, and lease keys being acquired right now.
#[derive(Debug, Default)]
struct Registry {
    scans: HashMap<ScanId, ScanEntry>,
    starting: HashSet<String>,
}

impl Registry {
    fn running(&self) -> impl Iterator<Item = (&ScanId, &ScanEntry)> {
        self.scans.iter().filter(|(_, e)| !e.state.status().is_finished())
    }
}

#[derive(Debug)]
struct Inner {
    ports: ScannerPorts,
    config: ScannerConfig,
    registry: Mutex<Registry>,
    shutdown: CancellationToken,
    cleanup: Mutex<Option<JoinHandle<()>>>,
}

impl Inner {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops finished scans whose retention ran out; returns how many.
    fn sweep(&self) -> usize {
        let now = Instant::now();
        let retention = self.config.retention;
        let mut registry = self.registry();
        let before = registry.scans.len();
        registry
            .scans
            .retain(|_, entry| entry.ended.is_none_or(|ended| now.duration_since(ended) < retention));
        before - registry.scans.len()
    }
}

/// Frees a lease key reserved by [`Scanner::start`] if the start does not get through.
struct Reservation<'a> {
    inner: &'a Inner,
    key: String,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.inner.registry().starting.remove(&self.key);
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
            registry: Mutex::new(Registry::default()),
            shutdown: CancellationToken::new(),
            cleanup: Mutex::new(None),
        });
        let handle = tokio::spawn(cleanup_loop(Arc::downgrade(&inner), inner.shutdown.clone()));
        *inner.cleanup.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
        Self { inner }
    }

    pub fn config(&self) -> &ScannerConfig {
        &self.inner.config
    }

    /// The scan records and leases, for the watchers' own lease (one watcher per library).
    pub(crate) fn scan_repository(&self) -> &Arc<dyn ScanRepository> {
        &self.inner.ports.scans
    }

    /// Starts scanning `root` with the default options. See [`Self::start`].
    pub async fn start_scan(&self, root: impl Into<PathBuf>) -> Result<ScanId, StartScanError> {
        self.start(ScanRequest::new(root)).await
    }

    /// Checks the root and the probe, takes the library's lease, records the scan, and starts
    /// it as a background task; returns its id at once. While the library (or folder) is being
    /// scanned anywhere, this returns [`StartScanError::AlreadyRunning`]; of simultaneous
    /// starts exactly one wins.
    pub async fn start(&self, request: ScanRequest) -> Result<ScanId, StartScanError> {
        let inner = &self.inner;
        if inner.shutdown.is_cancelled() {
            return Err(StartScanError::ShuttingDown);
        }
        let root = inner.ports.source.open_root(request.root).await?;
        // A subtree scan walks its scope; the scope must exist and lie inside the root.
        let scope = match request.scope {
            Some(scope) => {
                let scope = inner.ports.source.open_root(scope).await?;
                if !scope.starts_with(&root) {
                    return Err(StartScanError::OutsideRoot { scope, root });
                }
                (scope != root).then_some(scope)
            }
            None => None,
        };
        inner.ports.probe.check().await.map_err(StartScanError::ProbeUnavailable)?;
        let key = lease_key(request.library.as_deref(), &root);

        // Reserve the key in this process under one lock: a local race is decided here.
        let reservation = {
            let mut registry = inner.registry();
            if let Some((id, _)) = registry.running().find(|(_, e)| e.lease_key == key) {
                return Err(StartScanError::AlreadyRunning { key, scan: Some(*id) });
            }
            if registry.starting.contains(&key) {
                return Err(StartScanError::AlreadyRunning { key, scan: None });
            }
            let limit = inner.config.max_concurrent_scans.max(1);
            if registry.running().count() + registry.starting.len() >= limit {
                return Err(StartScanError::NodeBusy { limit });
            }
            registry.starting.insert(key.clone());
            Reservation { inner, key: key.clone() }
        };

        // Then across processes: the lease in the catalog. A scan whose lease ran out is marked
        // interrupted first, so that a library freed by a dead node shows so in the history.
        let id = ScanId::new();
        let scans = &inner.ports.scans;
        if let Err(e) = scans.interrupt_expired().await {
            tracing::warn!(error = %crate::ports::error_chain(&e), "cannot check for expired scan leases");
        }
        let holder = inner.config.holder.clone();
        match scans.acquire_lease(key.clone(), id, holder.clone(), inner.config.lease_ttl).await {
            Ok(LeaseOutcome::Acquired) => {}
            Ok(LeaseOutcome::HeldBy(other)) => {
                return Err(StartScanError::AlreadyRunning { key, scan: Some(other) });
            }
            Err(e) => return Err(StartScanError::Catalog(e)),
        }
        let mut state = match scope {
            Some(scope) => {
                let mut state = ProgressState::new(id, request.library, scope, inner.config.max_errors);
                state.library_root = Some(root);
                state
            }
            None => ProgressState::new(id, request.library, root, inner.config.max_errors),
        };
        state.node = Some(holder.label());
        state.trigger = request.trigger;
        let state = Arc::new(state);
        let record = ScanRecord { progress: state.snapshot(), lease_key: key.clone(), holder };
        if let Err(e) = scans.insert(record).await {
            let _ = scans.release_lease(key, id).await;
            return Err(StartScanError::Catalog(e));
        }

        let cancel = CancellationToken::new();
        let job = ScanJob {
            state: state.clone(),
            cancel: cancel.clone(),
            source: inner.ports.source.clone(),
            probe: inner.ports.probe.clone(),
            repo: inner.ports.repo.clone(),
            scans: scans.clone(),
            lease_key: key.clone(),
            fingerprint: request.options.profiles.fingerprint(),
            options: request.options,
            config: inner.config.clone(),
        };
        let mut registry = inner.registry();
        if inner.shutdown.is_cancelled() {
            // Shutdown began while we were acquiring: do not leave a scan that nobody waits for.
            drop(registry);
            state.finish(ScanStatus::Cancelled, Some("the scanner is shutting down".into()));
            let _ = scans.save(state.final_snapshot()).await;
            let _ = scans.release_lease(key, id).await;
            state.announce();
            return Err(StartScanError::ShuttingDown);
        }
        let span = warn_span!("scan", scan_id = %id, root = %state.root.display());
        let weak = Arc::downgrade(&self.inner);
        let (guard_state, guard_scans, guard_key) = (state.clone(), scans.clone(), key.clone());
        let task = tokio::spawn(
            async move {
                tracing::info!("scan started");
                // A bug must not leave a scan `running` forever nor its library locked.
                if let Err(panic) = AssertUnwindSafe(pipeline::run(job)).catch_unwind().await {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    tracing::error!(panic = %what, "scan task panicked");
                    guard_state.finish(ScanStatus::Failed, Some(format!("internal error: {what}")));
                    let _ = guard_scans.save(guard_state.final_snapshot()).await;
                    let _ = guard_scans.release_lease(guard_key, id).await;
                    guard_state.announce();
                }
                mark_ended(&weak, id);
            }
            // At warn level so that the scan's context shows on its warnings under the default
            // `warn` filter (a span below the filter's level is not recorded at all).
            .instrument(span),
        );
        registry.scans.insert(id, ScanEntry { state, lease_key: key, cancel, task: Some(task), ended: None });
        drop(registry);
        drop(reservation);
        Ok(id)
    }

    /// A snapshot of the scan's progress: live for this process's scans, from the catalog for
    /// older ones and other nodes'. Never waits for the scan.
    pub async fn progress(&self, id: ScanId) -> Result<ScanProgress, ScanLookupError> {
        if let Some(state) = self.state(id) {
            let snapshot = state.snapshot();
            if !snapshot.status.is_finished() {
                return Ok(snapshot);
            }
            // Finished: the catalog decides whether it still exists (another process may have
            // deleted it); the memory has the exact final figures.
            return match self.inner.ports.scans.get(id).await {
                Ok(Some(_)) | Err(_) => Ok(snapshot),
                Ok(None) => {
                    self.inner.registry().scans.remove(&id);
                    Err(ScanLookupError::NotFound(id))
                }
            };
        }
        match self.inner.ports.scans.get(id).await {
            Ok(Some(record)) => Ok(record.progress),
            Ok(None) => Err(ScanLookupError::NotFound(id)),
            Err(e) => Err(ScanLookupError::Catalog(e)),
        }
    }

    /// Recent scans from the catalog, newest first; this process's running scans are shown
    /// live.
    pub async fn scans(&self, query: ScanQuery) -> Result<Vec<ScanProgress>, RepoError> {
        let records = self.inner.ports.scans.list(query).await?;
        Ok(records
            .into_iter()
            .map(|record| match self.state(record.progress.scan_id) {
                Some(state) => state.snapshot(),
                None => record.progress,
            })
            .collect())
    }

    /// Asks a running scan to stop. A scan of this process is cancelled at once (the probe in
    /// flight is abandoned, its process killed); another node's is flagged in the catalog and
    /// stopped by that node within a second or so. [`Self::wait`] tells when it has ended.
    pub async fn cancel(&self, id: ScanId) -> Result<(), CancelScanError> {
        {
            let registry = self.inner.registry();
            if let Some(entry) = registry.scans.get(&id) {
                let status = entry.state.status();
                if status.is_finished() {
                    return Err(CancelScanError::NotRunning { id, status });
                }
                entry.cancel.cancel();
                return Ok(());
            }
        }
        match self.inner.ports.scans.request_cancel(id).await {
            Ok(CancelRequest::Requested) => Ok(()),
            Ok(CancelRequest::NotFound) => Err(CancelScanError::NotFound(id)),
            Ok(CancelRequest::NotRunning(status)) => Err(CancelScanError::NotRunning { id, status }),
            Err(e) => Err(CancelScanError::Catalog(e)),
        }
    }

    /// Removes a finished scan from the history (memory and catalog). A running scan — here or
    /// on another node — is kept: cancel it first.
    pub async fn delete(&self, id: ScanId) -> Result<(), DeleteScanError> {
        let here = self.inner.registry().scans.get(&id).map(|e| e.state.status());
        if here.is_some_and(|status| !status.is_finished()) {
            return Err(DeleteScanError::Running(id));
        }
        let outcome = self.inner.ports.scans.delete(id).await.map_err(DeleteScanError::Catalog)?;
        match outcome {
            ScanDeletion::Running => Err(DeleteScanError::Running(id)),
            ScanDeletion::NotFound if here.is_none() => Err(DeleteScanError::NotFound(id)),
            ScanDeletion::Deleted | ScanDeletion::NotFound => {
                self.inner.registry().scans.remove(&id);
                Ok(())
            }
        }
    }

    /// Waits until the scan has ended and returns its final progress (another node's scan is
    /// followed through the catalog).
    pub async fn wait(&self, id: ScanId) -> Result<ScanProgress, ScanLookupError> {
        if let Some(state) = self.state(id) {
            let mut status = state.subscribe();
            // The sender lives in `state`, which we hold, so this only ends with a finished scan.
            let _ = status.wait_for(|s| s.is_finished()).await;
            return Ok(state.snapshot());
        }
        loop {
            let progress = self.progress(id).await?;
            if progress.status.is_finished() {
                return Ok(progress);
            }
            tokio::time::sleep(self.inner.config.persist_interval).await;
        }
    }

    /// Marks scans whose lease expired `interrupted`: their process stopped renewing it. A
    /// lease is the only sign of life the scanner trusts (host names and pids are shared by
    /// containers). Call it at start-up; the cleanup task repeats it, and every start does it
    /// before taking a lease.
    pub async fn recover(&self) -> Result<Vec<ScanId>, RepoError> {
        let interrupted = self.inner.ports.scans.interrupt_expired().await?;
        if !interrupted.is_empty() {
            tracing::warn!(count = interrupted.len(), "marked scans whose lease expired interrupted");
        }
        Ok(interrupted)
    }

    /// Drops finished scans past their retention from memory now (the cleanup task does this
    /// periodically); returns how many were dropped. They stay readable from the catalog.
    pub fn cleanup(&self) -> usize {
        self.inner.sweep()
    }

    /// Cancels running scans, waits for them to end (their records say `cancelled`), and stops
    /// the cleanup task. Later [`Self::start`] calls fail with
    /// [`StartScanError::ShuttingDown`].
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        let tasks: Vec<JoinHandle<()>> = {
            let mut registry = self.inner.registry();
            registry
                .scans
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
        self.inner.registry().scans.get(&id).map(|e| e.state.clone())
    }
}

fn mark_ended(inner: &Weak<Inner>, id: ScanId) {
    if let Some(inner) = inner.upgrade()
        && let Some(entry) = inner.registry().scans.get_mut(&id)
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
        // Other nodes' scans whose lease ran out: their node is gone.
        match inner.ports.scans.interrupt_expired().await {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(count = ids.len(), "marked scans with expired leases interrupted")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %crate::ports::error_chain(&e), "cannot check for expired scan leases")
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
