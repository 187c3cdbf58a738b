//! [`InMemoryScans`]: scan records and leases in memory, behaving as the SQL adapter does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::ports::{
    CancelRequest, LeaseHolder, LeaseOutcome, PublishedHealth, RepoError, ScanDeletion, ScanQuery,
    ScanRecord, ScanRepository,
};
use crate::scan::{ScanId, ScanPhase, ScanStatus};

#[derive(Debug, Clone)]
struct Lease {
    scan: ScanId,
    until: Instant,
}

#[derive(Debug, Default)]
struct State {
    leases: HashMap<String, Lease>,
    records: HashMap<ScanId, (ScanRecord, bool)>,
    saves: usize,
    lose_leases: bool,
    /// Published watcher health by library: the watcher's id and what it said.
    health: HashMap<String, (ScanId, PublishedHealth)>,
}

/// Scan records and leases in memory: a plain implementation of [`ScanRepository`] that
/// passes the same contract suite as the SQL adapter. Lease expiry follows this process's
/// monotonic clock. Cheap to clone; clones share the records.
#[derive(Debug, Clone, Default)]
pub struct InMemoryScans {
    state: Arc<Mutex<State>>,
}

impl InMemoryScans {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many times progress was saved.
    pub fn saves(&self) -> usize {
        self.state().saves
    }

    /// From now on renewals fail, as if another node had taken every lease.
    pub fn lose_leases(&self) {
        self.state().lose_leases = true;
    }

    /// Whether a cancel was requested for `id`.
    pub fn cancel_requested(&self, id: ScanId) -> bool {
        self.state().records.get(&id).is_some_and(|(_, requested)| *requested)
    }

    /// The record of scan `id`, read without waiting (for conditions tests poll).
    pub fn record(&self, id: ScanId) -> Option<ScanRecord> {
        self.state().records.get(&id).map(|(r, _)| r.clone())
    }

    /// The scan holding the lease on `key`, expired or not.
    pub fn lease_holder(&self, key: &str) -> Option<ScanId> {
        self.state().leases.get(key).map(|l| l.scan)
    }
}

fn live(state: &State, record: &ScanRecord, now: Instant) -> bool {
    state.leases.values().any(|l| l.scan == record.progress.scan_id && l.until >= now)
}

#[async_trait]
impl ScanRepository for InMemoryScans {
    async fn acquire_lease(
        &self,
        key: String,
        scan: ScanId,
        _holder: LeaseHolder,
        ttl: Duration,
    ) -> Result<LeaseOutcome, RepoError> {
        let mut state = self.state();
        let now = Instant::now();
        match state.leases.get(&key) {
            Some(lease) if lease.until >= now => Ok(LeaseOutcome::HeldBy(lease.scan)),
            _ => {
                state.leases.insert(key, Lease { scan, until: now + ttl });
                Ok(LeaseOutcome::Acquired)
            }
        }
    }

    async fn renew_lease(&self, key: String, scan: ScanId, ttl: Duration) -> Result<bool, RepoError> {
        let mut state = self.state();
        if state.lose_leases {
            return Ok(false);
        }
        match state.leases.get_mut(&key) {
            Some(lease) if lease.scan == scan => {
                lease.until = Instant::now() + ttl;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release_lease(&self, key: String, scan: ScanId) -> Result<(), RepoError> {
        let mut state = self.state();
        if state.leases.get(&key).is_some_and(|l| l.scan == scan) {
            state.leases.remove(&key);
        }
        Ok(())
    }

    async fn insert(&self, mut record: ScanRecord) -> Result<(), RepoError> {
        let mut state = self.state();
        let id = record.progress.scan_id;
        if state.records.contains_key(&id) {
            return Err(RepoError::database(format!("scan {id} exists already")));
        }
        record.progress.started_at = crate::media::micros(record.progress.started_at);
        state.records.insert(id, (record, false));
        Ok(())
    }

    async fn save(&self, mut progress: crate::scan::ScanProgress) -> Result<bool, RepoError> {
        let mut state = self.state();
        state.saves += 1;
        let Some((record, requested)) = state.records.get_mut(&progress.scan_id) else { return Ok(false) };
        // Only a running scan is written: one already marked interrupted stays so.
        if record.progress.status == ScanStatus::Running {
            progress.started_at = record.progress.started_at;
            progress.ended_at = progress.ended_at.map(crate::media::micros);
            record.progress = progress;
        }
        Ok(*requested)
    }

    async fn get(&self, id: ScanId) -> Result<Option<ScanRecord>, RepoError> {
        Ok(self.state().records.get(&id).map(|(r, _)| r.clone()))
    }

    async fn list(&self, query: ScanQuery) -> Result<Vec<ScanRecord>, RepoError> {
        let state = self.state();
        let mut records: Vec<ScanRecord> = state
            .records
            .values()
            .map(|(r, _)| r)
            .filter(|r| query.status.is_none_or(|s| r.progress.status == s))
            .filter(|r| query.library.is_none() || r.progress.library == query.library)
            .cloned()
            .collect();
        records.sort_by(|a, b| {
            (b.progress.started_at, b.progress.scan_id.0).cmp(&(a.progress.started_at, a.progress.scan_id.0))
        });
        if let Some(limit) = query.limit {
            records.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }
        Ok(records)
    }

    async fn request_cancel(&self, id: ScanId) -> Result<CancelRequest, RepoError> {
        let mut state = self.state();
        let Some((record, requested)) = state.records.get_mut(&id) else {
            return Ok(CancelRequest::NotFound);
        };
        if record.progress.status != ScanStatus::Running {
            return Ok(CancelRequest::NotRunning(record.progress.status));
        }
        *requested = true;
        Ok(CancelRequest::Requested)
    }

    async fn interrupt_expired(&self) -> Result<Vec<ScanId>, RepoError> {
        let mut state = self.state();
        let now = Instant::now();
        let dead: Vec<ScanId> = state
            .records
            .values()
            .map(|(r, _)| r)
            .filter(|r| r.progress.status == ScanStatus::Running && !live(&state, r, now))
            .map(|r| r.progress.scan_id)
            .collect();
        for id in &dead {
            if let Some((record, _)) = state.records.get_mut(id) {
                let p = &mut record.progress;
                p.status = ScanStatus::Interrupted;
                p.phase = ScanPhase::Finished;
                p.ended_at = Some(crate::media::now());
                p.eta_secs = None;
                p.current_file = None;
                p.error = Some(crate::ports::LEASE_EXPIRED.to_owned());
            }
        }
        Ok(dead)
    }

    async fn delete(&self, id: ScanId) -> Result<ScanDeletion, RepoError> {
        let mut state = self.state();
        match state.records.get(&id) {
            None => Ok(ScanDeletion::NotFound),
            Some((record, _)) if record.progress.status == ScanStatus::Running => Ok(ScanDeletion::Running),
            Some(_) => {
                state.records.remove(&id);
                Ok(ScanDeletion::Deleted)
            }
        }
    }

    async fn publish_watch_health(
        &self,
        library: String,
        watcher: ScanId,
        node: String,
        health: crate::watch::WatchHealth,
    ) -> Result<(), RepoError> {
        let published = PublishedHealth { library: library.clone(), node, health };
        self.state().health.insert(library, (watcher, published));
        Ok(())
    }

    async fn watch_health(&self) -> Result<Vec<PublishedHealth>, RepoError> {
        let state = self.state();
        let now = Instant::now();
        let mut live: Vec<PublishedHealth> = state
            .health
            .iter()
            .filter(|(library, (watcher, _))| {
                state
                    .leases
                    .get(&crate::watch::watch_lease_key(library))
                    .is_some_and(|l| l.scan == *watcher && l.until >= now)
            })
            .map(|(_, (_, published))| published.clone())
            .collect();
        live.sort_by(|a, b| a.library.cmp(&b.library));
        Ok(live)
    }
}
